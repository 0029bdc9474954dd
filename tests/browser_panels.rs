//! Browser tests of the state each panel keeps for itself (issue 14 moved it out of `App`):
//! the console's line, recall and Tab choices, the history's filter, and the lane hover that
//! filters the history from another panel. Apps are mounted with `live = false`.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

async fn press(root: &web_sys::Element, key: &str) {
    let input: HtmlInputElement = find(root, "#console-input").dyn_into().unwrap();
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    input
        .dispatch_event(
            &KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
    yew::scheduler::flush().await;
}

fn input_value(root: &web_sys::Element) -> String {
    find(root, "#console-input")
        .dyn_into::<HtmlInputElement>()
        .unwrap()
        .value()
}

#[wasm_bindgen_test]
async fn tab_lists_several_choices_and_a_blank_line_runs_nothing() {
    let root = mount("", false).await;
    type_into(&root, "#console-input", "producer ").await;
    press(&root, "Tab").await;
    let offered = text_of(&root, "#console-candidates");
    for sub in ["add", "pause", "remove", "resume", "set", "stop"] {
        assert!(offered.contains(sub), "{sub} in {offered}");
    }
    assert_eq!(
        input_value(&root),
        "producer ",
        "no shared prefix to insert"
    );
    // A unique choice is inserted, and the list of choices goes away.
    type_into(&root, "#console-input", "producer res").await;
    press(&root, "Tab").await;
    assert_eq!(input_value(&root), "producer resume ");
    assert_eq!(text_of(&root, "#console-candidates"), "");
    // Enter on a blank line runs nothing.
    let before = root
        .query_selector_all("#console-output .cmd")
        .unwrap()
        .length();
    console(&root, "   ").await;
    let after = root
        .query_selector_all("#console-output .cmd")
        .unwrap()
        .length();
    assert_eq!(after, before, "a blank line is not a command");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_console_remembers_its_lines_across_a_reset() {
    let root = mount("", false).await;
    console(&root, "sim time").await;
    console(&root, "echo first").await;
    click(&root, "#reset").await;
    press(&root, "ArrowUp").await;
    assert_eq!(input_value(&root), "echo first");
    press(&root, "ArrowUp").await;
    assert_eq!(input_value(&root), "sim time");
    press(&root, "ArrowDown").await;
    assert_eq!(input_value(&root), "echo first");
    root.remove();
}

#[wasm_bindgen_test]
async fn hovering_a_lane_shows_only_its_events_until_the_pointer_leaves() {
    let root = mount("#seed=1&t=20000", false).await;
    let all = root
        .query_selector_all("#history-list li")
        .unwrap()
        .length();
    let shard = "shardId-000000000001";
    let lane = find(&root, &format!("#lane-{shard}"));
    let fire = |name: &str| {
        lane.dispatch_event(&Event::new_with_event_init_dict(name, &EventInit::new()).unwrap())
            .unwrap();
    };
    fire("mouseenter");
    yew::scheduler::flush().await;
    assert!(
        text_of(&root, "#history-hover").contains(shard),
        "the note names the hovered shard"
    );
    let items = root.query_selector_all("#history-list li").unwrap();
    assert!(items.length() > 0 && items.length() < all);
    for i in 0..items.length() {
        let item: web_sys::Element = items.get(i).unwrap().dyn_into().unwrap();
        assert!(
            attr(&item, "data-shards").split(' ').any(|s| s == shard),
            "{}",
            item.text_content().unwrap()
        );
    }
    fire("mouseleave");
    yew::scheduler::flush().await;
    assert!(root.query_selector("#history-hover").unwrap().is_none());
    assert_eq!(
        root.query_selector_all("#history-list li")
            .unwrap()
            .length(),
        all
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_kind_box_keeps_only_that_kind_of_event() {
    let root = mount("#seed=1&t=20000", false).await;
    let checkbox: HtmlInputElement = find(&root, "#history-kind-throttles").dyn_into().unwrap();
    checkbox.set_checked(true);
    let init = EventInit::new();
    init.set_bubbles(true);
    checkbox
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    let items = root.query_selector_all("#history-list li").unwrap();
    assert!(items.length() > 0, "the hot key's shard throttles in 20 s");
    for i in 0..items.length() {
        let item: web_sys::Element = items.get(i).unwrap().dyn_into().unwrap();
        assert!(attr(&item, "class").contains("kind-throttles"));
    }
    // Stepping on keeps the filter (it lives in the panel, not in a frame).
    steps(&root, 3).await;
    let items = root.query_selector_all("#history-list li").unwrap();
    for i in 0..items.length() {
        let item: web_sys::Element = items.get(i).unwrap().dyn_into().unwrap();
        assert!(attr(&item, "class").contains("kind-throttles"));
    }
    root.remove();
}
