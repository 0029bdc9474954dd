//! The page's layout: which tabs exist, which one shows, and where the page takes the learner
//! after a click.
//!
//! The page has two places a learner watches at once: the stream (records flying, lanes
//! turning red) and the guide (the lesson's narration, or the console). On a laptop screen
//! they sit side by side and both stay in view; below 1,100 px the guide comes first, with a
//! height of its own, and the stream right under it (static/layout.css). Everything else (KCL
//! applications, routing and hot keys, producers, the family tree, metrics, the event
//! history) is one tab below the stream, so the page is two screens, not eleven panels.
//!
//! Which tab shows: the learner's pick, remembered in localStorage across reloads. Opening
//! another scenario starts from what fits it: the Lesson tab in the guide, and below the
//! stream the KCL applications when the scenario runs one (else routing and hot keys), until
//! the learner picks another tab.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::NodeRef;

use super::tabs::{panel_id, remember, remembered, Tab};

/// The guide's tabs.
pub const GUIDE_TABS: &[Tab] = &[
    Tab {
        key: LESSON,
        label: "Lesson",
    },
    Tab {
        key: CONSOLE,
        label: "Console",
    },
];
pub const LESSON: &str = "lesson";
pub const CONSOLE: &str = "console";

/// The tabs below the stream.
pub const MORE_TABS: &[Tab] = &[
    Tab {
        key: KCL,
        label: "KCL applications",
    },
    Tab {
        key: ROUTING,
        label: "Routing and hot keys",
    },
    Tab {
        key: "producers",
        label: "Producers",
    },
    Tab {
        key: "lineage",
        label: "Family tree",
    },
    Tab {
        key: METRICS,
        label: "Metrics",
    },
    Tab {
        key: HISTORY,
        label: "What happened",
    },
];
pub const KCL: &str = "kcl";
pub const ROUTING: &str = "routing";
pub const HISTORY: &str = "history";
pub const METRICS: &str = "metrics";

/// Where the picks are remembered (localStorage keys).
const GUIDE_STORED: &str = "shardlab.guide-tab";
const MORE_STORED: &str = "shardlab.more-tab";

/// What the page does to the guide once the next render is on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reveal {
    /// A scenario was opened: the lesson from its top, in view; `focus` moves the keyboard
    /// focus there too (the lesson card that was clicked scrolls away).
    Lesson { focus: bool },
    /// The list of lessons, in view, focus on its first lesson.
    Lessons,
    /// The console, scrolled to its newest output.
    Console,
}

/// The selected tabs, and what to reveal after the next render.
pub struct Workspace {
    guide: &'static str,
    /// The tab below the stream the learner picked since the scenario opened.
    more: Option<&'static str>,
    reveal: Option<Reveal>,
}

impl Workspace {
    /// The tabs remembered from an earlier visit, if any.
    pub fn load() -> Workspace {
        let stored = |name: &str, tabs: &'static [Tab]| {
            let value = remembered(name)?;
            tabs.iter().find(|t| t.key == value).map(|t| t.key)
        };
        Workspace {
            guide: stored(GUIDE_STORED, GUIDE_TABS).unwrap_or(LESSON),
            more: stored(MORE_STORED, MORE_TABS),
            reveal: None,
        }
    }

    /// The guide's selected tab.
    pub fn guide(&self) -> &'static str {
        self.guide
    }

    /// The selected tab below the stream: the learner's pick, or what fits the scenario.
    pub fn more(&self, runs_kcl: bool) -> &'static str {
        self.more.unwrap_or(if runs_kcl { KCL } else { ROUTING })
    }

    pub fn pick_guide(&mut self, key: &'static str) {
        if key == CONSOLE && self.guide != CONSOLE {
            self.reveal = Some(Reveal::Console);
        }
        self.guide = key;
        remember(GUIDE_STORED, key);
    }

    pub fn pick_more(&mut self, key: &'static str) {
        self.more = Some(key);
        remember(MORE_STORED, key);
    }

    /// Shows a tab below the stream because of what the learner did elsewhere (a clicked
    /// record fills the routing tab), without making it the remembered choice.
    pub fn show_more(&mut self, key: &'static str) {
        self.more = Some(key);
    }

    /// Another scenario opened (`by_click`: from the page, not the address bar).
    pub fn scenario_opened(&mut self, by_click: bool) {
        self.guide = LESSON;
        self.more = None;
        self.reveal = Some(Reveal::Lesson { focus: by_click });
    }

    /// "All lessons": the guide's Lesson tab, scrolled to the list.
    pub fn show_lessons(&mut self) {
        self.guide = LESSON;
        self.reveal = Some(Reveal::Lessons);
    }

    /// Does what was asked for the guide, now that the render is on screen.
    pub fn after_render(&mut self, guide: &NodeRef) {
        let (Some(reveal), Some(guide)) = (self.reveal.take(), guide.cast::<Element>()) else {
            return;
        };
        let find = |selector: &str| guide.query_selector(selector).ok().flatten();
        let lesson_panel = find(&format!("#{}", panel_id("guide", LESSON)));
        match reveal {
            Reveal::Lesson { focus } => {
                if let Some(panel) = &lesson_panel {
                    panel.set_scroll_top(0);
                    if focus {
                        focus_on(panel);
                    }
                }
                bring_into_view(&guide);
            }
            Reveal::Lessons => {
                if let (Some(panel), Some(list)) = (&lesson_panel, find("#lessons")) {
                    let offset = list.get_bounding_client_rect().top()
                        - panel.get_bounding_client_rect().top();
                    panel.set_scroll_top(panel.scroll_top() + offset as i32);
                }
                bring_into_view(&guide);
                if let Some(first) = find("#lessons .lesson") {
                    focus_on(&first);
                }
            }
            Reveal::Console => {
                if let Some(output) = find("#console-output") {
                    output.set_scroll_top(output.scroll_height());
                }
            }
        }
    }
}

fn focus_on(element: &Element) {
    if let Some(element) = element.dyn_ref::<HtmlElement>() {
        let _ = element.focus();
    }
}

/// Scrolls the window so that the top of `element` sits just under the sticky bar, if it is
/// not near there already (on a wide screen the guide never leaves the screen).
fn bring_into_view(element: &Element) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let bar_bottom = window
        .document()
        .and_then(|d| d.query_selector(".app-bar").ok().flatten())
        .map_or(0.0, |bar| bar.get_bounding_client_rect().bottom());
    let top = element.get_bounding_client_rect().top();
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    if top < bar_bottom || top > height / 2.0 {
        window.scroll_by_with_x_and_y(0.0, top - bar_bottom - 8.0);
    }
}
