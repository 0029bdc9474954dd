//! Where a lesson's `point KIND NAME` and `show PANEL...` land on the page: the element a
//! pointer names (and the tab it is on), outlined and scrolled into view while the narration
//! talks about it; and the page's panels by the names `show` uses.
//!
//! The session says what is pointed at and which panels show ([`crate::session::play`]);
//! this is only where those are in the DOM. The outline is an attribute (`data-pointed`)
//! set after each render on the one element, so a panel's own re-render never loses it and
//! no panel needs to know about pointing.

use wasm_bindgen::JsCast;
use web_sys::Element;

use super::tabs::tab_id;
use super::workspace::{CONSOLE, KCL, ROUTING};
use crate::script::grammar::{panel, point};
use crate::session::view::Pointer;

/// Where an element is: a CSS selector, and the tab below the stream it is on (`None`:
/// always in view, or in the guide).
pub struct Target {
    pub selector: String,
    pub tab: Option<&'static str>,
}

/// A value quoted for a CSS attribute selector.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The element a pointer names.
pub fn target(pointer: &Pointer) -> Target {
    let name = quoted(&pointer.name);
    let (selector, tab) = match pointer.kind.as_str() {
        point::SHARD => (
            format!("[id={}]", quoted(&format!("lane-{}", pointer.name))),
            None,
        ),
        point::PRODUCER => (format!(".producer-card[data-producer={name}]"), None),
        point::CONSUMER => (format!(".reader.consumer[data-reader={name}]"), None),
        point::APP => (format!(".kcl-app[data-app={name}]"), Some(KCL)),
        point::WORKER => (format!(".worker[data-worker={name}]"), Some(KCL)),
        point::LEASE => (format!(".lease-table tr[data-lease={name}]"), Some(KCL)),
        point::CHART => (format!("figure.chart[data-chart={name}]"), Some(METRICS)),
        _ => return panel_target(&pointer.name),
    };
    Target { selector, tab }
}

/// The tab of the charts, below the stream.
const METRICS: &str = "metrics";

/// A panel, by the name `show` and `point panel` use: the console is a tab of the guide,
/// which stays on the lesson (its tab is outlined, not opened).
pub fn panel_target(name: &str) -> Target {
    let (selector, tab) = match name {
        panel::STREAM => ("section.stream-panel".to_string(), None),
        panel::PRODUCERS => ("section.panel.producers".to_string(), Some("producers")),
        panel::KCL => ("section.panel.kcl".to_string(), Some(KCL)),
        panel::CHARTS => ("section.panel.charts".to_string(), Some(METRICS)),
        panel::CONSOLE => (format!("#{}", tab_id("guide", CONSOLE)), None),
        panel::HISTORY => ("section.panel.history".to_string(), Some("history")),
        panel::EXPLAINER => ("section.panel.key-explainer".to_string(), Some(ROUTING)),
        panel::HOT_KEYS => ("section.panel.hot-keys".to_string(), Some(ROUTING)),
        _ => ("section.panel.lineage".to_string(), Some("lineage")),
    };
    Target { selector, tab }
}

/// The attribute that outlines the element pointed at (see `static/tasks.css`).
const POINTED: &str = "data-pointed";

/// Outlines the element `pointer` names inside `root` (and nothing else); with `scroll`,
/// brings it into view if it is not. Returns whether the element was found.
pub fn outline(root: &Element, pointer: Option<&Pointer>, scroll: bool) -> bool {
    let found = pointer
        .map(target)
        .and_then(|target| root.query_selector(&target.selector).ok().flatten());
    if let Ok(list) = root.query_selector_all(&format!("[{POINTED}]")) {
        for i in 0..list.length() {
            let Some(element) = list.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            if Some(&element) != found.as_ref() {
                let _ = element.remove_attribute(POINTED);
            }
        }
    }
    let Some(element) = found else {
        return false;
    };
    if !element.has_attribute(POINTED) {
        let _ = element.set_attribute(POINTED, "true");
    }
    if scroll {
        bring_into_view(&element);
    }
    true
}

/// Scrolls as little as brings `element` into view: the stream's column when it scrolls on
/// its own (beside the guide on a laptop screen, so the narration stays put), else the page,
/// below its sticky bar.
fn bring_into_view(element: &Element) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let rect = element.get_bounding_client_rect();
    let (top, bottom) = (rect.top(), rect.bottom());
    // How far to scroll for [top, bottom] to show within [from, to]: nothing when it does;
    // its top first when it is taller than the room.
    let delta = |from: f64, to: f64| {
        if top < from {
            top - from - MARGIN
        } else if bottom > to {
            (bottom - to + MARGIN).min(top - from - MARGIN)
        } else {
            0.0
        }
    };
    let column = element
        .closest(".stage")
        .ok()
        .flatten()
        .filter(|stage| stage.scroll_height() > stage.client_height());
    if let Some(column) = column {
        let area = column.get_bounding_client_rect();
        let by = delta(area.top(), area.bottom());
        column.set_scroll_top(column.scroll_top() + by.round() as i32);
        return;
    }
    let bar_bottom = window
        .document()
        .and_then(|d| d.query_selector(".app-bar").ok().flatten())
        .map_or(0.0, |bar| bar.get_bounding_client_rect().bottom());
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let by = delta(bar_bottom, height);
    if by != 0.0 {
        window.scroll_by_with_x_and_y(0.0, by);
    }
}

/// Room left around an element brought into view, in CSS pixels.
const MARGIN: f64 = 8.0;

/// Whether the page shows panel `name` (`panels` is the view's: `None` for every panel).
pub fn shows(panels: Option<&[String]>, name: &str) -> bool {
    panels.is_none_or(|panels| panels.iter().any(|p| p == name))
}

/// The tabs below the stream that `panels` hide: a tab goes when every panel on it goes
/// (routing and hot keys share one).
pub fn hidden_more_tabs(panels: Option<&[String]>) -> Vec<&'static str> {
    let tabs: [(&'static str, &[&str]); 6] = [
        (KCL, &[panel::KCL]),
        (ROUTING, &[panel::EXPLAINER, panel::HOT_KEYS]),
        ("producers", &[panel::PRODUCERS]),
        ("lineage", &[panel::TREE]),
        (METRICS, &[panel::CHARTS]),
        ("history", &[panel::HISTORY]),
    ];
    tabs.iter()
        .filter(|(_, on)| !on.iter().any(|name| shows(panels, name)))
        .map(|(tab, _)| *tab)
        .collect()
}
