//! Fetches a lesson's script the first time the page opens it.
//!
//! The page's .wasm embeds only each lesson's header (see `script::lessons`), so opening a
//! lesson, from the list, a link or the address bar, first fetches `lessons/NAME.sh` (Trunk
//! copies the folder next to the .wasm). The app shows a notice while it loads, and a notice
//! saying what went wrong when it cannot; the texts are kept, so the fetch happens once.
//! Builds that embed the lessons (tests, native) never need it: [`missing`] is always `None`.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::script::lessons::{lesson, Lesson};
use crate::session::Scenario;

/// The lesson this scenario needs fetched before it can open, if any.
pub fn missing(scenario: &Scenario) -> Option<&'static Lesson> {
    match scenario {
        Scenario::Lesson(name) => lesson(name).filter(|l| l.loaded_source().is_none()),
        _ => None,
    }
}

/// What the page says while a lesson loads.
pub fn loading(lesson: &Lesson) -> String {
    format!("Loading the lesson “{}”…", lesson.title())
}

/// What the page says when a lesson could not be loaded.
pub fn failed(lesson: &Lesson, problem: &str) -> String {
    format!(
        "The lesson “{}” could not be loaded ({problem}). Check the connection and open it again.",
        lesson.title()
    )
}

/// Fetches a lesson's script and keeps it, so that [`Lesson::loaded_source`] has it.
pub async fn fetch(lesson: &'static Lesson) -> Result<(), String> {
    let text = get(&format!("lessons/{}.sh", lesson.name)).await?;
    keep(lesson, text);
    Ok(())
}

async fn get(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let answer = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| "the network request failed".to_string())?;
    let response: web_sys::Response = answer.dyn_into().map_err(|_| "no response".to_string())?;
    if !response.ok() {
        return Err(format!("the server answered {}", response.status()));
    }
    let text = response
        .text()
        .map_err(|_| "no text in the response".to_string())?;
    JsFuture::from(text)
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| "the response could not be read".to_string())
}

#[cfg(feature = "fetch-lessons")]
fn keep(lesson: &'static Lesson, text: String) {
    crate::script::lessons::store::put(lesson.name, text);
}

/// Lessons are embedded: nothing to keep.
#[cfg(not(feature = "fetch-lessons"))]
fn keep(_: &'static Lesson, _: String) {}
