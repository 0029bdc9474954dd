//! Browser tests of the page's layout as a learner and a keyboard use it (issue 15): the guide
//! (Lesson | Console) and the panels below the stream are WAI-ARIA tabs, panels of tabs not
//! selected stay mounted, the arrow keys move between tabs without stepping the simulation,
//! the tab below the stream fits the scenario (KCL applications once it runs one) until the
//! learner picks one, and a pick is remembered across reloads. Where things sit on a real
//! screen (1366x768, 400x800) is checked by scripts/layout-test. Apps are mounted with
//! `live = false`.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Forgets the tabs earlier tests picked (they are remembered in localStorage).
fn forget_picks() {
    js_sys::eval("localStorage.clear()").unwrap();
}

fn stored(name: &str) -> Option<String> {
    js_sys::eval(&format!("localStorage.getItem('{name}')"))
        .unwrap()
        .as_string()
}

fn hidden(root: &Element, panel: &str) -> bool {
    find(root, &format!("#{panel}")).has_attribute("hidden")
}

async fn press_on(element: &Element, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    element
        .dispatch_event(
            &KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn the_guide_is_tabs_and_a_hidden_tab_keeps_its_panel() {
    forget_picks();
    let root = mount("", false).await;
    assert_eq!(
        root.query_selector_all("[role=tablist]").unwrap().length(),
        2
    );
    let lesson_tab = find(&root, "#guide-tab-lesson");
    let console_tab = find(&root, "#guide-tab-console");
    assert_eq!(attr(&lesson_tab, "role"), "tab");
    assert_eq!(attr(&lesson_tab, "aria-selected"), "true");
    assert_eq!(attr(&lesson_tab, "tabindex"), "0");
    assert_eq!(attr(&console_tab, "aria-selected"), "false");
    assert_eq!(
        attr(&console_tab, "tabindex"),
        "-1",
        "one tab stop per tab list"
    );
    assert_eq!(attr(&console_tab, "aria-controls"), "guide-panel-console");
    let console_panel = find(&root, "#guide-panel-console");
    assert_eq!(attr(&console_panel, "role"), "tabpanel");
    assert_eq!(attr(&console_panel, "aria-labelledby"), "guide-tab-console");
    assert!(hidden(&root, "guide-panel-console"));
    assert!(!hidden(&root, "guide-panel-lesson"));
    // The console is mounted while hidden: it runs a line and keeps it.
    console(&root, "aws kinesis list-streams").await;
    assert!(text_of(&root, "#console-output").contains("orders"));

    click(&root, "#guide-tab-console").await;
    assert_eq!(
        attr(&find(&root, "#guide-tab-console"), "aria-selected"),
        "true"
    );
    assert!(!hidden(&root, "guide-panel-console"));
    assert!(hidden(&root, "guide-panel-lesson"));
    assert!(text_of(&root, "#console-output").contains("$ aws kinesis list-streams"));
    // The lesson player is still there, hidden, with its narration.
    assert!(!text_of(&root, "#narration-text").is_empty());
    assert_eq!(stored("shardlab.guide-tab").as_deref(), Some("console"));

    // "All lessons" goes back to the Lesson tab, where the list is.
    click(&root, ".guide-head .to-lessons").await;
    assert_eq!(
        attr(&find(&root, "#guide-tab-lesson"), "aria-selected"),
        "true"
    );
    assert!(!hidden(&root, "guide-panel-lesson"));
    find(&root, "#guide-panel-lesson #lessons .lesson-list");
    root.remove();
}

#[wasm_bindgen_test]
async fn arrow_keys_move_between_tabs_and_do_not_step_the_simulation() {
    forget_picks();
    let root = mount("", false).await;
    let before = elapsed_ms(&root);
    // The opening scene runs a KCL application: its tab shows.
    let kcl = find(&root, "#more-tab-kcl");
    assert_eq!(attr(&kcl, "aria-selected"), "true");
    kcl.dyn_ref::<web_sys::HtmlElement>()
        .unwrap()
        .focus()
        .unwrap();
    press_on(&kcl, "ArrowRight").await;
    let routing = find(&root, "#more-tab-routing");
    assert_eq!(attr(&routing, "aria-selected"), "true");
    assert_eq!(attr(&routing, "tabindex"), "0");
    assert_eq!(attr(&find(&root, "#more-tab-kcl"), "tabindex"), "-1");
    assert!(!hidden(&root, "more-panel-routing"));
    assert!(hidden(&root, "more-panel-kcl"));
    assert_eq!(
        document().active_element().map(|e| e.id()),
        Some("more-tab-routing".to_string()),
        "focus follows the selected tab"
    );
    assert_eq!(
        elapsed_ms(&root),
        before,
        "the right arrow on a tab moved the tabs, not the clock"
    );
    press_on(&routing, "End").await;
    assert_eq!(
        attr(&find(&root, "#more-tab-history"), "aria-selected"),
        "true"
    );
    press_on(&find(&root, "#more-tab-history"), "Home").await;
    assert_eq!(attr(&find(&root, "#more-tab-kcl"), "aria-selected"), "true");
    press_on(&find(&root, "#more-tab-kcl"), "ArrowLeft").await;
    assert_eq!(
        attr(&find(&root, "#more-tab-history"), "aria-selected"),
        "true",
        "left from the first wraps to the last"
    );
    press_on(&find(&root, "#more-tab-history"), "ArrowRight").await;
    assert_eq!(
        attr(&find(&root, "#more-tab-kcl"), "aria-selected"),
        "true",
        "right from the last wraps to the first"
    );
    // Off the tabs, the right arrow still steps.
    press_on(&document().body().unwrap().into(), "ArrowRight").await;
    assert_eq!(elapsed_ms(&root), before + 100);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_tab_below_the_stream_fits_the_scenario_until_the_learner_picks_one() {
    forget_picks();
    // A lesson that runs no KCL application: routing and hot keys show.
    let root = mount("#lesson=hot-key", false).await;
    assert_eq!(
        attr(&find(&root, "#more-tab-routing"), "aria-selected"),
        "true"
    );
    assert!(hidden(&root, "more-panel-kcl"));
    // Every panel is on the page, whichever tab shows.
    for id in [
        "#hot-keys-table",
        "#partition-key",
        "#history-list",
        "#charts-title",
    ] {
        find(&root, id);
    }
    root.remove();
    // The opening scene runs one: its tab shows by itself.
    let root = mount("", false).await;
    assert_eq!(attr(&find(&root, "#more-tab-kcl"), "aria-selected"), "true");
    assert!(!hidden(&root, "more-panel-kcl"));
    find(&root, "#more-panel-kcl .lease-table");

    // A hot key clicked on the bar is explained where it was clicked (a popover under the
    // bar), and the tab the learner is on stays.
    console(&root, "wait 5s").await;
    click(&root, ".hash-bar .hash-marker.hot").await;
    find(&root, ".stream-panel .hash-space #key-popover");
    assert_eq!(attr(&find(&root, "#more-tab-kcl"), "aria-selected"), "true");

    // A pick stays, and is remembered across a reload of the page.
    click(&root, "#more-tab-metrics").await;
    assert_eq!(stored("shardlab.more-tab").as_deref(), Some("metrics"));
    root.remove();
    let root = mount("", false).await;
    assert_eq!(
        attr(&find(&root, "#more-tab-metrics"), "aria-selected"),
        "true"
    );
    console(&root, "wait 12s").await;
    assert_eq!(
        attr(&find(&root, "#more-tab-metrics"), "aria-selected"),
        "true",
        "the learner's pick wins over the KCL default"
    );

    // Opening a lesson starts from what fits it, in the Lesson tab.
    click(&root, "#guide-tab-console").await;
    click(&root, "button.lesson[data-lesson=\"hot-key\"]").await;
    assert_eq!(
        attr(&find(&root, "#guide-tab-lesson"), "aria-selected"),
        "true"
    );
    assert!(!hidden(&root, "guide-panel-lesson"));
    find(&root, "#guide-panel-lesson #lesson-steps");
    assert_eq!(
        attr(&find(&root, "#more-tab-routing"), "aria-selected"),
        "true"
    );
    root.remove();
}
