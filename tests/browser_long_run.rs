//! The long run of `shardlab::hardening::LongRun` in the browser, measuring wasm memory.
//!
//! CI runs ten simulated minutes of it (an unoptimised build is slow). The figure the README
//! reports, a whole simulated day in the page's optimised build, comes from the ignored test:
//!
//! ```text
//! WASM_BINDGEN_TEST_TIMEOUT=3600 cargo test --release --target wasm32-unknown-unknown \
//!     --test browser_long_run -- --include-ignored --nocapture
//! ```
#![cfg(target_arch = "wasm32")]

use shardlab::hardening::LongRun;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The bound the README states for the long run's wasm memory (the whole linear memory,
/// which only grows).
const BOUND_MIB: f64 = 256.0;

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

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs the long run for `minutes`, yielding to the browser after each simulated minute (a
/// page that blocks for minutes stops answering the test driver, as it would a learner).
async fn run(minutes: u64) {
    let started = now_ms();
    let mut run = LongRun::new(1);
    while run.minutes < minutes {
        run.minute();
        gloo_timers::future::TimeoutFuture::new(0).await;
        if run.minutes.is_multiple_of(60) {
            let s = run.stats();
            console_log!(
                "hour {:>2}: wasm memory {:.1} MiB, {} records stored in {} chunks, {} processed, {:.0} s",
                s.hours,
                wasm_memory_mib(),
                s.stored,
                s.chunks,
                s.processed,
                (now_ms() - started) / 1000.0
            );
        }
    }
    let s = run.stats();
    let memory = wasm_memory_mib();
    console_log!(
        "browser long run: {minutes} simulated minutes in {:.0} s, {} records acknowledged, {} processed, wasm memory {memory:.1} MiB (bound {BOUND_MIB} MiB)",
        (now_ms() - started) / 1000.0,
        s.acknowledged,
        s.processed
    );
    assert!(s.acknowledged > minutes * 60 * 1_800, "{s:?}");
    assert!(
        s.processed > s.acknowledged,
        "both applications read: {s:?}"
    );
    assert!(memory <= BOUND_MIB, "wasm memory {memory:.1} MiB");
}

#[wasm_bindgen_test]
async fn ten_minutes_of_the_long_run_in_bounded_wasm_memory() {
    run(10).await;
}

#[wasm_bindgen_test]
#[ignore = "a simulated day: run by hand in the optimised build (see the module doc)"]
async fn a_simulated_day_in_bounded_wasm_memory() {
    run(24 * 60).await;
}
