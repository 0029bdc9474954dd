//! Browser tests of the page's details (issue 15): the share link shows next to its button;
//! the KCL panel explains "processed again", "overlaps" and its lease table's columns; a line
//! of "What happened" highlights without moving the page, its Show button brings the lane into
//! view, and the list holds still while the pointer is over it. Apps are mounted with
//! `live = false`.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

/// The page's own stylesheets (the test runner's page has none), so that where things are is
/// where a learner sees them.
fn style_the_page() {
    if document().get_element_by_id("shardlab-styles").is_some() {
        return;
    }
    let style = document().create_element("style").unwrap();
    style.set_id("shardlab-styles");
    style.set_text_content(Some(concat!(
        include_str!("../static/style.css"),
        include_str!("../static/layout.css"),
        include_str!("../static/lesson.css"),
        include_str!("../static/stream.css"),
        include_str!("../static/details.css")
    )));
    document().head().unwrap().append_child(&style).unwrap();
}

async fn fire(element: &Element, name: &str) {
    element.dispatch_event(&Event::new(name).unwrap()).unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn share_link_shows_the_link_in_a_popover_under_the_toolbar() {
    style_the_page();
    let root = mount("#seed=7", false).await;
    steps(&root, 5).await;
    assert!(root.query_selector("#share-url").unwrap().is_none());
    click(&root, "#share").await;

    let input: HtmlInputElement = find(&root, ".toolbar .share-popover #share-url")
        .dyn_into()
        .expect("the link is in the toolbar's popover");
    let url = input.value();
    assert!(url.contains("#seed=7") && url.contains("&t="), "{url}");
    assert_eq!(
        root.query_selector_all("#share-url").unwrap().length(),
        1,
        "not also 3,500 px below"
    );
    assert_eq!(attr(&find(&root, "#share"), "aria-expanded"), "true");
    // Selected, ready to copy, and right under the toolbar, on screen.
    assert_eq!(input.selection_start().unwrap(), Some(0));
    assert_eq!(input.selection_end().unwrap(), Some(url.len() as u32));
    let toolbar = find(&root, ".toolbar").get_bounding_client_rect();
    let popover = find(&root, ".share-popover").get_bounding_client_rect();
    assert!(
        (popover.top() - toolbar.bottom()).abs() < 12.0,
        "popover at {} under a toolbar ending at {}",
        popover.top(),
        toolbar.bottom()
    );
    let height = window().inner_height().unwrap().as_f64().unwrap();
    assert!(
        popover.bottom() <= height,
        "on screen: {}",
        popover.bottom()
    );
    assert_eq!(text_of(&root, "#share-copy"), "Copy");

    // Esc closes it, and the focus goes back to the button.
    let init = KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    input
        .dispatch_event(
            &KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
    yew::scheduler::flush().await;
    assert!(root.query_selector(".share-popover").unwrap().is_none());
    let focused = document().active_element().map(|e| e.id());
    assert_eq!(focused.as_deref(), Some("share"));

    // And the close button closes it too.
    click(&root, "#share").await;
    click(&root, "#share-close").await;
    assert!(root.query_selector(".share-popover").unwrap().is_none());

    // A press inside keeps it; a press elsewhere in the page closes it.
    click(&root, "#share").await;
    let press = EventInit::new();
    press.set_bubbles(true);
    let pointerdown = |selector: &str| {
        find(&root, selector)
            .dispatch_event(&Event::new_with_event_init_dict("pointerdown", &press).unwrap())
            .unwrap();
    };
    pointerdown("#share-url");
    yew::scheduler::flush().await;
    assert!(root.query_selector(".share-popover").unwrap().is_some());
    pointerdown("#sim-clock");
    yew::scheduler::flush().await;
    assert!(root.query_selector(".share-popover").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn the_kcl_panel_explains_processed_again_overlaps_and_its_columns() {
    style_the_page();
    // The opening scene with its application on KCL 2.x, whose lease takers steal, and polling
    // (its default, enhanced fan-out, ends the old owner's subscription as soon as the thief's
    // starts, so its steals cost fewer records). A new application's workers wait 1-30 s on
    // its empty lease table before the leases exist, so the first steals come later.
    let root = mount(&opening_kcl2_link(1, 60_000, " --retrieval polling"), false).await;
    let counter = find(&root, ".lease-table th[data-column='leaseCounter']");
    assert!(
        attr(&counter, "title").starts_with("Goes up by one at every write to the row"),
        "{}",
        attr(&counter, "title")
    );
    let switches = find(
        &root,
        ".lease-table th[data-column='ownerSwitchesSinceCheckpoint']",
    );
    assert!(attr(&switches, "title").contains("changed owner since its last checkpoint"));
    // Written out too, for keyboards and touch screens.
    let columns = text_of(&root, ".lease-columns");
    assert!(columns.contains("What the columns mean"), "{columns}");
    assert!(columns.contains("parentShardId"), "{columns}");

    let again = ".kcl-counters button[aria-controls='explain-again-analytics']";
    assert!(text_of(&root, again).contains("processed again (steal: "));
    assert_eq!(attr(&find(&root, again), "aria-expanded"), "false");
    click(&root, again).await;
    assert_eq!(attr(&find(&root, again), "aria-expanded"), "true");
    let explained = text_of(&root, "#explain-again-analytics");
    assert!(
        explained.starts_with(
            "Processed again: the KCL processes every record at least once, not exactly once."
        ),
        "{explained}"
    );
    assert!(
        explained.contains(
            "Last at 0:00:27.5: worker-2 processed 48 records of shardId-000000000000 a \
             second time: it stole the lease from worker-1 at 0:00:25.3 to balance the load"
        ),
        "{explained}"
    );

    click(
        &root,
        ".kcl-counters button[aria-controls='explain-overlaps-analytics']",
    )
    .await;
    let overlaps = text_of(&root, "#explain-overlaps-analytics");
    assert!(
        overlaps.starts_with("An overlap: two workers processing the same shard at the same time.")
            && overlaps.contains("(a zombie")
            && overlaps.contains("Last at 0:00:25.4: worker-2 and worker-1 processed"),
        "{overlaps}"
    );
    // It stays open as the simulation moves on.
    steps(&root, 3).await;
    assert!(root
        .query_selector("#explain-again-analytics")
        .unwrap()
        .is_some());
    click(&root, again).await;
    assert!(root
        .query_selector("#explain-again-analytics")
        .unwrap()
        .is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_line_highlights_without_scrolling_and_show_brings_the_lane_into_view() {
    style_the_page();
    let root = mount("#seed=1&t=30000", false).await;
    let shard = "shardId-000000000002";
    let line = format!("#history-list li[data-shards='{shard}']");
    let lane = find(&root, &format!("#lane-{shard}"));
    // The learner is reading the list.
    find(&root, &line).scroll_into_view();
    let before = window().scroll_y().unwrap();
    let aimed = find(&root, &line).get_bounding_client_rect().top();
    click(&root, &format!("{line} .history-item")).await;
    assert!(
        attr(&lane, "class").contains("highlighted"),
        "the lane is highlighted"
    );
    let after = find(&root, &line).get_bounding_client_rect().top();
    assert!(
        (after - aimed).abs() < 2.0,
        "clicking a line does not move the page: the line went from {aimed} to {after}"
    );

    // Show does.
    click(&root, &format!("{line} .history-show")).await;
    let height = window().inner_height().unwrap().as_f64().unwrap();
    let rect = lane.get_bounding_client_rect();
    assert!(
        rect.top() >= 0.0 && rect.bottom() <= height,
        "the lane is in view: {}..{} of {height}",
        rect.top(),
        rect.bottom()
    );
    assert_ne!(window().scroll_y().unwrap(), before);
    root.remove();
}

fn newest_line(root: &Element) -> String {
    text_of(root, "#history-list li")
}

#[wasm_bindgen_test]
async fn the_list_holds_still_while_the_pointer_is_over_it() {
    style_the_page();
    let root = mount("#seed=1&t=5000", false).await;
    let list = find(&root, "#history-list");
    assert!(text_of(&root, "#history-held").contains("holds still while the pointer"));
    fire(&list, "pointerenter").await;
    let before = newest_line(&root);
    steps(&root, 20).await;
    assert_eq!(
        newest_line(&root),
        before,
        "nothing moves under the pointer"
    );
    assert!(
        text_of(&root, "#history-held").starts_with("Held still"),
        "{}",
        text_of(&root, "#history-held")
    );
    fire(&list, "pointerleave").await;
    assert_ne!(
        newest_line(&root),
        before,
        "it catches up when the pointer leaves"
    );

    // Keyboard focus in the list holds it too.
    let init = EventInit::new();
    init.set_bubbles(true);
    find(&root, "#history-list li button")
        .dispatch_event(&Event::new_with_event_init_dict("focusin", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    let before = newest_line(&root);
    steps(&root, 20).await;
    assert_eq!(newest_line(&root), before);
    // And the focus leaving lets it go.
    find(&root, "#history-list li button")
        .dispatch_event(&Event::new_with_event_init_dict("focusout", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert_ne!(newest_line(&root), before);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_cost_meter_shows_the_rate_and_total_and_its_items_on_click() {
    let root = mount("", false).await;
    steps(&root, 30).await;
    let meter = find(&root, "#cost-meter");
    let text = meter.text_content().unwrap_or_default();
    assert!(
        text.starts_with('$') && text.contains("/h · $") && text.ends_with(" so far"),
        "{text}"
    );
    // Four provisioned shards cost 4 x $0.015 an hour before any traffic is counted.
    let per_hour: f64 = attr(&meter, "data-per-hour-usd").parse().unwrap();
    assert!(per_hour >= 0.06, "{per_hour}");
    let total: f64 = attr(&meter, "data-total-usd").parse().unwrap();
    assert!(total > 0.0, "{total}");
    assert!(root.query_selector("#cost-breakdown").unwrap().is_none());
    click(&root, "#cost-meter").await;
    assert_eq!(attr(&find(&root, "#cost-meter"), "aria-expanded"), "true");
    let bill = text_of(&root, "#cost-breakdown");
    assert!(
        bill.contains("shard-hours") && bill.contains("at $0.015"),
        "{bill}"
    );
    assert!(bill.contains("PUT payload units"), "{bill}");
    assert!(bill.contains("Prices are illustrative"), "{bill}");
    click(&root, "#cost-breakdown .close").await;
    assert!(root.query_selector("#cost-breakdown").unwrap().is_none());
    root.remove();
}
