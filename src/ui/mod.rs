//! The Yew front end (compiled for wasm32 only).
//!
//! The UI reads the model and sends it commands; it never computes Kinesis behaviour itself.
//! Everything the page shows comes from a [`crate::session::Session`] (tested natively), and
//! every button runs a line of the scenario language through it. [`start`] installs the
//! panic banner first, so that even a bug in the model shows a visible message instead of a
//! silently frozen page.
//!
//! One file per panel: [`app`] holds the session, the frame loop and the state two panels
//! share (the shard under the pointer, what an event highlights, the explained key), and
//! `app/page.rs` lays the panels out; each panel keeps its own state (the console its line and
//! recall, the event history its filter). `toolbar`, `lesson_player`, `timeline`,
//! `stream_panel` (with `lane` and `flight_canvas`), `kcl_panel`, `explainer`, `hot_keys`,
//! `producers`, `lineage`, `charts`, `scenarios`, `history_panel`, `console` and `help` draw;
//! `tabs` (accessible tabs) and `workspace` (which tab shows, what a click reveals) are the
//! layout's, `pointer` where a lesson's `point` and `show` land; `frame` times the frames and schedules the charts; `keyboard`, `dom`, `format`,
//! `palette`, `shared` and `frame_stats` are helpers. The sentences the panels show are built
//! in [`crate::session::captions`], natively tested.

mod app;
mod charts;
mod console;
mod cost_meter;
mod dom;
mod explainer;
mod field;
mod flight_canvas;
mod format;
mod frame;
mod frame_stats;
mod help;
mod history_panel;
mod hot_keys;
mod kcl_panel;
mod keyboard;
mod lane;
mod lesson_fetch;
mod lesson_player;
mod lineage;
mod mirror_feed;
pub mod palette;
pub mod panic_banner;
mod pointer;
mod producers;
mod scenarios;
mod shard_strip;
mod shared;
mod stream_panel;
mod tabs;
mod timeline;
mod toolbar;
mod workspace;

pub use app::{App, AppProps};
pub use kcl_panel::LEASE_ROWS_DRAWN;

/// Mounts the app on `<body>`, opening the link in the address bar. Called once from `main`
/// in the browser.
pub fn start() {
    panic_banner::install();
    yew::Renderer::<App>::with_props(AppProps {
        fragment: dom::fragment(),
        live: true,
    })
    .render();
}
