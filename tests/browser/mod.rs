//! Helpers shared by the browser tests: mount the app, find, click, type, read the DOM.
#![allow(dead_code)]

use shardlab::ui::{App, AppProps};
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement};

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts a fresh app on `fragment` in its own container and returns the container.
pub async fn mount(fragment: &str, live: bool) -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            fragment: fragment.to_string(),
            live,
        },
    )
    .render();
    yew::scheduler::flush().await;
    root
}

pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

pub fn text_of(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

pub fn attr(element: &Element, name: &str) -> String {
    element.get_attribute(name).unwrap_or_default()
}

pub async fn click(root: &Element, selector: &str) {
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
}

pub fn elapsed_ms(root: &Element) -> u64 {
    attr(&find(root, "#sim-clock"), "data-elapsed-ms")
        .parse()
        .unwrap()
}

/// The lanes on screen: (shard id, StartingHashKey, EndingHashKey, throttled).
pub fn lanes(root: &Element) -> Vec<(String, u128, u128, bool)> {
    let list = root.query_selector_all(".lanes > .lane").unwrap();
    (0..list.length())
        .map(|i| {
            let lane: Element = list.get(i).unwrap().dyn_into().unwrap();
            (
                attr(&lane, "data-shard-id"),
                attr(&lane, "data-starting-hash-key").parse().unwrap(),
                attr(&lane, "data-ending-hash-key").parse().unwrap(),
                attr(&lane, "data-throttled") == "true",
            )
        })
        .collect()
}

/// Everything the lanes say, for comparing two runs.
pub fn lane_numbers(root: &Element) -> Vec<String> {
    let list = root.query_selector_all(".lanes > .lane").unwrap();
    (0..list.length())
        .map(|i| {
            let lane: Element = list.get(i).unwrap().dyn_into().unwrap();
            [
                "data-shard-id",
                "data-incoming-records",
                "data-write-throttled-total",
                "data-records-held",
            ]
            .iter()
            .map(|a| attr(&lane, a))
            .collect::<Vec<_>>()
            .join(" ")
        })
        .collect()
}

pub async fn steps(root: &Element, n: usize) {
    for _ in 0..n {
        click(root, "#step").await;
    }
}

/// Types `text` into an input the way a user does: set the value, fire `input`.
pub async fn type_into(root: &Element, selector: &str, text: &str) {
    let input: HtmlInputElement = find(root, selector).dyn_into().unwrap();
    input.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

/// Types a line into the console and presses Enter.
pub async fn console(root: &Element, line: &str) {
    type_into(root, "#console-input", line).await;
    let form: web_sys::HtmlFormElement = find(root, ".console-line").dyn_into().unwrap();
    form.request_submit().unwrap();
    yew::scheduler::flush().await;
}

/// A lease table row: (leaseKey, leaseOwner, leaseCounter).
pub type LeaseRowText = (String, String, u64);

/// The lease table rows of the first application.
pub fn lease_rows(root: &Element) -> Vec<LeaseRowText> {
    let rows = root.query_selector_all(".lease-table tbody tr").unwrap();
    (0..rows.length())
        .map(|i| {
            let row: Element = rows.get(i).unwrap().dyn_into().unwrap();
            (
                attr(&row, "data-lease"),
                attr(&row, "data-owner"),
                attr(&row, "data-counter").parse().unwrap(),
            )
        })
        .collect()
}

/// Waits, by the console, until the opening scene's KCL 3.x application `analytics` holds all
/// four leases: its leader assigns them some 40-70 s after the start.
pub async fn until_analytics_reads(root: &Element) {
    console(
        root,
        "wait until $(sim describe --query \"length(apps.analytics.workers[].leases[])\") == 4 \
         --timeout 3m --every 500ms",
    )
    .await;
}

/// The opening scene with its application on KCL 2.x (and `options`), for the tests of 2.x's
/// lease taker: steals, "taken from", a lease going amber then red on the takers' clocks.
pub fn opening_scene_kcl2(options: &str) -> String {
    let line = "--checkpoint every:500";
    let scene = shardlab::session::DEFAULT_SCENARIO;
    assert!(scene.contains(line), "the opening scene's application line");
    scene.replace(line, &format!("{line} --version 2{options}"))
}

/// A link to the opening scene with its application on KCL 2.x, at `time_ms`.
pub fn opening_kcl2_link(seed: u64, time_ms: u64, options: &str) -> String {
    let mut link = shardlab::session::Link::start(
        shardlab::session::Scenario::Script(opening_scene_kcl2(options)),
        seed,
    );
    link.time_ms = time_ms;
    link.encode()
}
