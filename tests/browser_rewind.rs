//! Rewind in the browser: what `benches/rewind.rs` measures natively, measured in the page's
//! wasm in headless Chromium. It prints figures (a ratio within one run: reaching a moment
//! from the run's snapshots against simulating one minute) and asserts only that each moment
//! is reached; it is ignored, so `scripts/test` does not run it. Run it with the page's
//! optimised build, `REWIND_MINUTES` simulated minutes (read when compiling; 10 by default):
//!
//! ```text
//! REWIND_MINUTES=60 WASM_BINDGEN_TEST_TIMEOUT=3600 cargo test --release \
//!     --target wasm32-unknown-unknown --test browser_rewind -- --include-ignored --nocapture
//! ```
#![cfg(target_arch = "wasm32")]

use shardlab::session::{Link, Scenario, Session};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MINUTE: u64 = 60_000;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[wasm_bindgen_test]
#[ignore = "a measurement: prints figures (see the module docs)"]
async fn rewinding_an_hour_of_the_default_scene() {
    let minutes: u64 = option_env!("REWIND_MINUTES")
        .and_then(|m| m.parse().ok())
        .unwrap_or(10);
    let mut session = Session::new(Link::start(Scenario::Default, 1));
    let mut per_minute = Vec::new();
    for _ in 0..minutes {
        let started = now_ms();
        for _ in 0..60 {
            session.advance(1_000);
        }
        per_minute.push(now_ms() - started);
        // Yield, as the page does between frames (a page blocked for minutes stops answering).
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
    let one_minute = median(per_minute);
    let end = session.world.elapsed_ms();
    console_log!(
        "simulating one minute: {one_minute:.1} ms (median of {minutes}); {} snapshots, \
         estimated {:.1} MiB",
        session.snapshot_moments().len(),
        session.snapshot_bytes() as f64 / (1024.0 * 1024.0)
    );
    let moments = [10 * MINUTE, 30 * MINUTE, 59 * MINUTE, 59 * MINUTE + 45_000];
    let mut worst: f64 = 0.0;
    for moment in moments.into_iter().filter(|&m| m < end) {
        let runs: Vec<f64> = (0..3)
            .map(|_| {
                session.rewind_to(end);
                session.finish_catch_up();
                let started = now_ms();
                session.rewind_to(moment);
                session.finish_catch_up();
                now_ms() - started
            })
            .collect();
        assert_eq!(session.world.elapsed_ms(), moment);
        let took = median(runs);
        worst = worst.max(took / one_minute);
        console_log!(
            "reaching {}:{:02}: {took:.1} ms from the snapshot at {:?} s, {:.2} x one minute",
            moment / MINUTE,
            moment % MINUTE / 1_000,
            session.restored_from().map(|f| f / 1_000),
            took / one_minute
        );
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
    console_log!("worst: {worst:.2} x one minute");
}
