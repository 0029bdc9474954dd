//! Typing into the page while it plays (issue 15, bug 3): a frame never undoes a keystroke,
//! and Apply sends what was typed. A live page, in a file of its own so that no other test
//! shares its animation frames.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlFormElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn value(root: &web_sys::Element, selector: &str) -> String {
    find(root, selector)
        .dyn_into::<HtmlInputElement>()
        .unwrap()
        .value()
}

#[wasm_bindgen_test]
async fn what_a_learner_types_while_the_clock_runs_stays_and_apply_sends_it() {
    let root = mount("", true).await;
    TimeoutFuture::new(200).await;
    let playing = elapsed_ms(&root);
    type_into(&root, "#producer-viral-rate", "300").await;
    type_into(&root, "#target-shard-count", "6").await;
    type_into(&root, "#seed", "77").await;
    // A few dozen frames go by.
    TimeoutFuture::new(500).await;
    assert!(elapsed_ms(&root) > playing, "the clock ran meanwhile");
    assert_eq!(value(&root, "#producer-viral-rate"), "300");
    assert_eq!(value(&root, "#target-shard-count"), "6");
    assert_eq!(value(&root, "#seed"), "77");
    // Apply sends what was typed.
    let form: HtmlFormElement = find(&root, "form.producer-form[data-producer='viral']")
        .dyn_into()
        .unwrap();
    form.request_submit().unwrap();
    yew::scheduler::flush().await;
    TimeoutFuture::new(100).await;
    let console = text_of(&root, "#console-output");
    assert!(
        console.contains("$ producer set viral --rate 300"),
        "the console shows the command Apply ran: {console}"
    );
    // The field now follows the model again, which says 300.
    TimeoutFuture::new(200).await;
    assert_eq!(value(&root, "#producer-viral-rate"), "300");
    root.remove();
}
