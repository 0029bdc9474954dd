//! Keyboard shortcuts for presenters: space plays and pauses, the right arrow steps, + and -
//! change the speed, n goes on past a lesson step (Next), ? shows the help, Escape closes it.
//!
//! Shortcuts are ignored while the learner types in a box, and space and Enter on a focused
//! button keep their usual meaning (press that button).

use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    TogglePlay,
    Step,
    Faster,
    Slower,
    /// Next, at a lesson step.
    Next,
    Help,
    Close,
}

/// The shortcut a key press stands for, if any.
pub fn shortcut(event: &KeyboardEvent) -> Option<Shortcut> {
    if event.ctrl_key() || event.meta_key() || event.alt_key() {
        return None;
    }
    let target = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .map(|e| e.tag_name().to_ascii_uppercase())
        .unwrap_or_default();
    let key = event.key();
    if key == "Escape" {
        return Some(Shortcut::Close);
    }
    if matches!(target.as_str(), "INPUT" | "TEXTAREA" | "SELECT") {
        return None;
    }
    if target == "BUTTON" && matches!(key.as_str(), " " | "Enter") {
        return None;
    }
    match key.as_str() {
        " " => Some(Shortcut::TogglePlay),
        "ArrowRight" => Some(Shortcut::Step),
        "+" | "=" => Some(Shortcut::Faster),
        "-" | "_" => Some(Shortcut::Slower),
        "n" | "N" => Some(Shortcut::Next),
        "?" => Some(Shortcut::Help),
        _ => None,
    }
}

/// The shortcuts, for the help dialog.
pub const HELP: &[(&str, &str)] = &[
    ("Space", "play or pause"),
    ("→", "advance one step (100 ms of simulated time)"),
    ("+ / -", "double or halve the speed (0.25x to 64x)"),
    (
        "N",
        "Next: run the lesson's next step (when time is held at a step)",
    ),
    ("?", "show this help"),
    ("Esc", "close this help"),
];
