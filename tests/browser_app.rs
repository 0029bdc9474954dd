//! Browser tests of the page: mount the app in headless Chromium, type, read the DOM.
#![cfg(target_arch = "wasm32")]

use shardlab::ui::{panic_banner, App};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts a fresh app in its own container and returns the container.
async fn mount_app() -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

/// Types `text` into the partition key box the way a user does: set the value, fire `input`.
async fn type_key(root: &Element, text: &str) {
    let input: HtmlInputElement = root
        .query_selector("#partition-key")
        .unwrap()
        .expect("the page has a partition key box")
        .dyn_into()
        .unwrap();
    input.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_page_shows_the_shardlab_name() {
    let root = mount_app().await;
    assert_eq!(text_of(&root, "h1"), "Shardlab");
    root.remove();
}

#[wasm_bindgen_test]
async fn typing_a_key_shows_its_hash_and_shard() {
    let root = mount_app().await;
    for (key, hash, shard) in [
        (
            "a",
            "16955237001963240173058271559858726497",
            "shardId-000000000000",
        ),
        (
            "user-42",
            "157107139746365290205026809710278036035",
            "shardId-000000000001",
        ),
        (
            "héllo",
            "252973414135665226741597071662034525008",
            "shardId-000000000002",
        ),
        (
            "partitionKey-0",
            "283893945402358862714065952676399797471",
            "shardId-000000000003",
        ),
    ] {
        type_key(&root, key).await;
        assert_eq!(
            text_of(&root, "#routed-hash-key"),
            hash,
            "hash key of {key}"
        );
        assert_eq!(text_of(&root, "#routed-shard"), shard, "shard of {key}");
    }
    type_key(&root, "a").await;
    assert_eq!(
        text_of(&root, "#routed-md5"),
        "0cc175b9c0f1b6a831c399e269772661"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn the_hash_bar_marks_the_owning_shard() {
    let root = mount_app().await;
    type_key(&root, "partitionKey-0").await;
    let owners = root.query_selector_all(".hash-bar-shard.owner").unwrap();
    assert_eq!(owners.length(), 1);
    assert_eq!(
        owners.get(0).unwrap().text_content().unwrap(),
        "shardId-000000000003"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_panic_shows_the_error_banner() {
    panic_banner::install();
    // Panic inside a browser callback, as a bug in the running app would. The module traps
    // after the hook has run; the test itself goes on in its own task.
    gloo_timers::callback::Timeout::new(0, || panic!("deliberate test panic")).forget();
    gloo_timers::future::TimeoutFuture::new(50).await;
    let banner = document()
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
