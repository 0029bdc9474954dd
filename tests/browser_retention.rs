//! The retention lesson in the live page (issue 17): its days of simulated time are `wait
//! --fast`s, fast-forwarded over frames whatever the speed, so the whole lesson, its
//! questions answered and its task done, takes under 10 s of wall time. A live page, in a file of its own so that no other test shares its
//! animation frames.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

#[wasm_bindgen_test]
async fn the_retention_lesson_completes_in_under_ten_seconds() {
    let started = now_ms();
    let root = mount("#lesson=retention&seed=1", true).await;
    while root.query_selector("#lesson-complete").unwrap().is_none() {
        assert!(
            now_ms() - started < 10_000.0,
            "the lesson has not completed after 10 s: {} at {} ms of simulated time",
            text_of(&root, "#script-state"),
            elapsed_ms(&root)
        );
        // The learner: Next at each step, a prediction at each question, and the task (raise
        // the retention) done with Show me, which runs its line through the console.
        for control in ["#next-step", "#choice-1", "#show-me"] {
            if root.query_selector(control).unwrap().is_some() {
                click(&root, control).await;
            }
        }
        TimeoutFuture::new(50).await;
        yew::scheduler::flush().await;
    }
    let took = now_ms() - started;
    // An idle world goes through a day in a frame or two: the console keeps the record.
    let console = text_of(&root, "#console-output");
    assert!(
        console.contains("fast-forwarding 23 h") && console.contains("fast-forwarding 2 h"),
        "{console}"
    );
    assert!(
        console.contains("$ aws kinesis increase-stream-retention-period"),
        "the learner's task ran through the console: {console}"
    );
    assert!(
        elapsed_ms(&root) >= 25 * 3_600_000,
        "a day and more went by: {}",
        elapsed_ms(&root)
    );
    assert!(took < 10_000.0, "took {took} ms");
    web_sys::console::log_1(&format!("the retention lesson took {took:.0} ms").into());
    root.remove();
}
