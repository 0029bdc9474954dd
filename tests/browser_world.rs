//! The simulated world in headless Chromium: the same seed gives the same run as natively,
//! and a measure of how fast the world runs in wasm.
#![cfg(target_arch = "wasm32")]

mod common;

use serde_json::json;
use shardlab::engine::shard_id;
use shardlab::sim::{ConsumerConfig, KeyDistribution, ProducerConfig, StartPosition, World};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_shared_scenario_reaches_the_native_digest() {
    let world = common::determinism_world();
    assert_eq!(common::digest(&world), common::DETERMINISM_DIGEST);
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn wasm_memory_mib() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<web_sys::js_sys::WebAssembly::Memory>()
        .map(|m| {
            m.buffer()
                .unchecked_into::<web_sys::js_sys::ArrayBuffer>()
                .byte_length() as f64
        })
        .unwrap_or(0.0)
        / (1024.0 * 1024.0)
}

/// The world benchmark of benches/world.rs, 20 simulated seconds of it, in the browser.
/// Prints the figures (run with `-- --nocapture` to see them; add `--release` for the
/// figure the README reports, as the page is built).
#[wasm_bindgen_test]
fn measure_the_world_in_the_browser() {
    let mut world = World::new(1);
    world
        .call(
            "CreateStream",
            &json!({"StreamName": "bench", "ShardCount": 64}),
        )
        .unwrap();
    world.advance_by(2_000);
    let producer = ProducerConfig {
        keys: KeyDistribution::Uniform(100_000),
        ..ProducerConfig::new("bench", 64_000.0)
    };
    world.add_producer("load", producer).unwrap();
    for shard in 0..64 {
        let config = ConsumerConfig::new("bench", &shard_id(shard), StartPosition::TrimHorizon);
        world
            .add_consumer(&format!("reader-{shard}"), config)
            .unwrap();
    }
    let start = now_ms();
    const SECONDS: u64 = 20;
    for _ in 0..SECONDS {
        world.advance_by(1_000);
    }
    let wall_s = (now_ms() - start) / 1000.0;
    let produced = world.producer("load").unwrap().counters.succeeded;
    let consumed: u64 = world.consumers().map(|c| c.counters.records).sum();
    assert!(produced > 1_200_000, "{produced}");
    assert!(consumed + 100_000 > produced, "{consumed}");
    console_log!(
        "browser world benchmark: 64 shards at 64,000 records/s, {SECONDS} simulated s in {wall_s:.2} s: {:.0} simulated records/s, wasm memory {:.1} MiB",
        produced as f64 / wall_s,
        wasm_memory_mib()
    );
}
