//! The panic banner, alone in its own test binary: after a panic the module has trapped, so
//! nothing else should run in the same instance.
#![cfg(target_arch = "wasm32")]

use shardlab::ui::panic_banner;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_panic_shows_the_error_banner() {
    panic_banner::install();
    // Panic inside a browser callback, as a bug in the running app would. The module traps
    // after the hook has run; the test itself goes on in its own task.
    gloo_timers::callback::Timeout::new(0, || panic!("deliberate test panic")).forget();
    gloo_timers::future::TimeoutFuture::new(50).await;
    let document = web_sys::window().unwrap().document().unwrap();
    let banner = document
        .get_element_by_id(panic_banner::BANNER_ID)
        .expect("the panic banner is on the page");
    let text = banner.text_content().unwrap();
    assert!(
        text.contains("deliberate test panic"),
        "banner says: {text}"
    );
    assert!(text.contains("reload"), "banner says: {text}");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
}
