//! "Stop wait" in the live page (issue 15): stopping a console `wait` leaves time paused
//! where the wait got to, instead of playing on. A live page, in a file of its own so that no
//! other test shares its animation frames.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn stop_wait_leaves_time_paused() {
    let root = mount("", true).await;
    TimeoutFuture::new(200).await;
    console(&root, "wait 1000h").await;
    TimeoutFuture::new(300).await;
    yew::scheduler::flush().await;
    let play = find(&root, "#play");
    assert_eq!(play.text_content().unwrap().trim(), "Stop wait");
    assert_eq!(attr(&play, "aria-pressed"), "true");
    click(&root, "#play").await;
    let stopped = elapsed_ms(&root);
    assert_eq!(text_of(&root, "#play").trim(), "Play");
    assert_eq!(attr(&find(&root, "#play"), "aria-pressed"), "false");
    for _ in 0..4 {
        TimeoutFuture::new(150).await;
        yew::scheduler::flush().await;
        assert_eq!(
            elapsed_ms(&root),
            stopped,
            "time stays paused after Stop wait"
        );
    }
    root.remove();
}
