//! Lessons in headless Chromium: the scenario language runs in the page's wasm exactly as
//! natively, checks and all.
#![cfg(target_arch = "wasm32")]

mod common;

use shardlab::script::{lesson, run_script, Entry};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn run_lesson(name: &str) {
    let found = lesson(name).expect("a built-in lesson");
    let (_, runner, entries) = run_script(found.source).expect("the lesson parses");
    let failures: Vec<&Entry> = entries
        .iter()
        .filter(|e| matches!(e, Entry::Expect { passed: false, .. }))
        .collect();
    assert!(failures.is_empty(), "{name}: {failures:?}");
    assert!(runner.expects_passed >= 2, "{name}");
}

#[wasm_bindgen_test]
fn the_getting_started_lesson_passes_in_the_browser() {
    run_lesson("getting-started");
}

#[wasm_bindgen_test]
fn the_partition_keys_lesson_passes_in_the_browser() {
    run_lesson("partition-keys");
}

#[wasm_bindgen_test]
fn the_kcl_failover_lesson_passes_in_the_browser() {
    run_lesson("kcl-failover");
}

#[wasm_bindgen_test]
fn a_scripted_run_reaches_the_native_digest() {
    assert_eq!(
        common::lesson_digest("kcl-duplicates"),
        common::SCRIPT_DIGEST
    );
}
