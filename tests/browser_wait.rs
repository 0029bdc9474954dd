//! A long console `wait` in the live page: the clock races ahead over many frames while the
//! page stays responsive, and Pause stops it. In a file of its own so that no other live page
//! of an earlier test shares the browser's frames with it.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_thousand_hour_wait_keeps_the_page_responsive_and_stops_on_pause() {
    let root = mount("", true).await;
    gloo_timers::future::TimeoutFuture::new(200).await;
    let start = elapsed_ms(&root);
    console(&root, "wait 1000h").await;
    // Frames keep coming while the clock races ahead: timers fire, the DOM updates.
    let mut seen = Vec::new();
    for _ in 0..4 {
        gloo_timers::future::TimeoutFuture::new(150).await;
        yew::scheduler::flush().await;
        seen.push(elapsed_ms(&root));
    }
    assert!(
        seen.windows(2).all(|w| w[1] > w[0]),
        "the clock moves frame after frame: {seen:?}"
    );
    assert!(
        text_of(&root, "#waiting").contains("waiting until 1000:"),
        "{}",
        text_of(&root, "#waiting")
    );
    assert_eq!(text_of(&root, "#play").trim(), "Stop wait");
    // Pause stops the wait where it got to, and says so in the console.
    click(&root, "#play").await;
    let stopped = elapsed_ms(&root);
    assert!(stopped > start && stopped < start + 1_000 * 3_600_000);
    assert!(root.query_selector("#waiting").unwrap().is_none());
    assert!(
        text_of(&root, "#console-output").contains("wait stopped"),
        "{}",
        text_of(&root, "#console-output")
    );
    root.remove();
}
