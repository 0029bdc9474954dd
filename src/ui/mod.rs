//! The Yew front end (compiled for wasm32 only).
//!
//! The UI reads the model and sends it commands; it never computes Kinesis behaviour itself.
//! [`start`] installs the panic banner first, so that even a bug in the model shows a
//! visible message instead of a silently frozen page.

mod app;
mod key_explainer;
pub mod panic_banner;

pub use app::App;

/// Mounts the app on `<body>`. Called once from `main` in the browser.
pub fn start() {
    panic_banner::install();
    yew::Renderer::<App>::new().render();
}
