//! The page's end of `shardlab endpoint --page`: opened at `#mirror`, it reads the endpoint's
//! journal (server-sent events at [`JOURNAL_PATH`], beside the page) and hands each event to
//! the app, which replays it in the session (see `session/mirror.rs`).
//!
//! An `EventSource` rather than a WebSocket because the journal only flows one way, and the
//! browser reconnects by itself: an endpoint started again sends its run from the start,
//! which the session opens afresh.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};
use yew::Callback;

/// Where the endpoint serves the journal, relative to the page (the endpoint's
/// `server::JOURNAL_PATH` without its leading `/`).
pub const JOURNAL_PATH: &str = "shardlab/journal";

/// Whether a URL fragment asks the page to mirror the endpoint that served it.
pub fn wanted(fragment: &str) -> bool {
    fragment.trim_start_matches('#') == "mirror"
}

/// The open journal; closed when dropped (Fork, or another scenario opened).
pub struct MirrorFeed {
    source: EventSource,
    _listeners: Vec<EventListener>,
}

/// What the feed hands the app: an event's name (`start`, `action`, `clock`) and data, or
/// `lost` when the connection dropped (the browser tries again).
pub type OnEvent = Callback<(&'static str, String)>;

impl MirrorFeed {
    /// Opens the journal; `None` where the browser has no EventSource.
    pub fn open(on_event: OnEvent) -> Option<MirrorFeed> {
        let source = EventSource::new(JOURNAL_PATH).ok()?;
        let mut listeners = Vec::new();
        for name in ["start", "action", "clock"] {
            let on_event = on_event.clone();
            listeners.push(EventListener::new(&source, name, move |event| {
                if let Some(data) = event
                    .dyn_ref::<MessageEvent>()
                    .and_then(|message| message.data().as_string())
                {
                    on_event.emit((name, data));
                }
            }));
        }
        listeners.push(EventListener::new(&source, "error", move |_| {
            on_event.emit(("lost", String::new()));
        }));
        Some(MirrorFeed {
            source,
            _listeners: listeners,
        })
    }
}

impl Drop for MirrorFeed {
    fn drop(&mut self) {
        self.source.close();
    }
}
