//! Dots while paused (issue 15, bug 7): pausing keeps every dot where it is, and a paused dot
//! can be clicked to see why it went where it did. A live page, in a file of its own so that
//! no other test shares its animation frames.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, MouseEvent, MouseEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn dots(root: &Element) -> u64 {
    attr(&find(root, "#flight-canvas"), "data-dots")
        .parse()
        .unwrap_or(0)
}

/// Clicks the canvas on a grid finer than a dot's hit radius until a popover opens.
async fn click_a_dot(root: &Element) -> bool {
    let canvas = find(root, "#flight-canvas");
    let rect = canvas.get_bounding_client_rect();
    let mut y = 4.0;
    while y < rect.height() {
        let mut x = 4.0;
        while x < rect.width() {
            let init = MouseEventInit::new();
            init.set_bubbles(true);
            init.set_client_x((rect.left() + x) as i32);
            init.set_client_y((rect.top() + y) as i32);
            let event = MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
            canvas.dispatch_event(&event).unwrap();
            yew::scheduler::flush().await;
            if root.query_selector("#key-popover").unwrap().is_some() {
                return true;
            }
            x += 14.0;
        }
        y += 14.0;
    }
    false
}

#[wasm_bindgen_test]
async fn dots_stay_while_paused_and_a_paused_dot_can_be_clicked() {
    let root = mount("", true).await;
    TimeoutFuture::new(1_500).await;
    yew::scheduler::flush().await;
    assert!(dots(&root) > 0, "the scene is sending records");
    click(&root, "#play").await;
    assert_eq!(attr(&find(&root, "#play"), "aria-pressed"), "false");
    let paused_at = elapsed_ms(&root);
    let before = dots(&root);
    // Longer than any dot's flight.
    TimeoutFuture::new(1_500).await;
    yew::scheduler::flush().await;
    assert_eq!(elapsed_ms(&root), paused_at, "paused");
    assert!(dots(&root) > 0, "the dots are still there");
    assert_eq!(dots(&root), before, "and none landed while paused");
    // One of them can be clicked: its answer opens in the stream panel.
    assert!(click_a_dot(&root).await, "a paused dot answers a click");
    let popover = find(&root, "#key-popover");
    assert!(popover.closest(".stream-panel").unwrap().is_some());
    assert!(popover
        .text_content()
        .unwrap()
        .contains("The record you clicked, with partition key"));
    assert!(!attr(&popover, "data-shard").is_empty());
    // The click re-rendered the page and repainted the canvas: the dots are still there.
    assert!(dots(&root) > 0);
    root.remove();
}
