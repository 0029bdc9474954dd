//! The last line of defence: a visible banner when Rust panics in the page.
//!
//! A panic in WebAssembly aborts the module, so the page stops responding without a word.
//! The hook installed here runs before the abort: it logs the panic to the browser console
//! and puts a banner at the top of the page telling the learner what happened and to reload.
//! The message is set as text, never as HTML.

use std::panic;

/// The id of the banner element, for styles and tests.
pub const BANNER_ID: &str = "panic-banner";

/// Installs the panic hook. Safe to call more than once.
pub fn install() {
    panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&format!("Shardlab panicked: {message}").into());
        show(&message);
    }));
}

/// Shows (or replaces) the banner with `message`. Does nothing outside a page.
pub fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    let banner = match document.get_element_by_id(BANNER_ID) {
        Some(existing) => existing,
        None => match document.create_element("div") {
            Ok(created) => created,
            Err(_) => return,
        },
    };
    banner.set_id(BANNER_ID);
    let _ = banner.set_attribute("role", "alert");
    banner.set_text_content(Some(&format!(
        "Shardlab hit an internal error and has stopped: {message} \
         Please reload the page; if it happens again, report it with the steps that led here."
    )));
    let _ = body.prepend_with_node_1(&banner);
}
