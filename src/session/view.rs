//! What the page draws, computed from the world once per frame.
//!
//! Rates are for the last complete simulated second, from the same CloudWatch-named metrics
//! the engine keeps, so a gauge shows exactly what CloudWatch would have counted.
//!
//! The stream's part (which stream, its lanes and their states, readers, producers, hot keys,
//! where a key routes) is in `view/stream.rs`; this file puts the page together.

use serde::Serialize;

use super::captions::TimeState;
pub use super::lesson::{AnsweredView, LessonView, Narration, NarrationLine, Question};
pub use super::play::{Pointer, TaskView};
use super::Session;

mod fan_out;
mod producers;
mod stream;
pub use fan_out::FanOutPipe;
pub use producers::{producers, KplView, ProducerView};
pub use stream::*;

/// Everything the page shows at one frame.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct View {
    pub elapsed_ms: u64,
    pub seed: u64,
    pub speed: f64,
    pub playing: bool,
    /// What time is doing (held at a step or a question is not playing).
    pub time: TimeState,
    pub catching_up: bool,
    /// Where a console `wait` under way is going (elapsed ms).
    pub waiting_until_ms: Option<u64>,
    /// What the scenario is doing, in words.
    pub script: String,
    pub notice: Option<String>,
    pub streams: Vec<String>,
    pub stream: Option<StreamView>,
    /// The stream the learner was looking at, when it was deleted (then `stream` is `None`).
    pub stream_deleted: Option<String>,
    pub producers: Vec<ProducerView>,
    pub hot_keys: Vec<HotKey>,
    /// The KCL applications.
    pub apps: Vec<super::kcl_view::AppView>,
    /// Where the lesson is.
    pub lesson: LessonView,
    /// The furthest moment of the run's timeline (the rewind slider's end).
    pub timeline_end_ms: u64,
    /// What the narration on show points at (`point KIND NAME`).
    pub pointer: Option<Pointer>,
    /// The panels the lesson's step shows (`show`); `None` for every panel.
    pub panels: Option<Vec<String>>,
    /// What the world's streams would cost on AWS: the total so far, the rate now, the items.
    pub cost: crate::sim::cost::Bill,
}

impl View {
    pub fn of(session: &Session) -> View {
        View::showing(session, None)
    }

    /// The view with the stream the learner wants on screen (picked, or shown before; see
    /// [`pick_stream`]).
    pub fn showing(session: &Session, wanted: Option<&str>) -> View {
        let world = &session.world;
        let pick = pick_stream(world, wanted);
        let stream = pick.stream;
        View {
            elapsed_ms: world.elapsed_ms(),
            seed: session.seed(),
            speed: session.speed(),
            playing: session.playing,
            time: session.time_state(),
            catching_up: session.catching_up(),
            waiting_until_ms: session.waiting_until(),
            script: session.script_caption(),
            notice: session.notice.clone(),
            streams: world.kinesis().streams().map(|s| s.name.clone()).collect(),
            stream: stream.map(|s| stream_view(world, s)),
            stream_deleted: pick.deleted,
            producers: producers(world),
            hot_keys: stream.map(|s| hot_keys(world, s)).unwrap_or_default(),
            apps: super::kcl_view::apps(world),
            lesson: session.lesson_view(),
            timeline_end_ms: session.timeline_end_ms(),
            pointer: session.pointer(),
            panels: session.panels(),
            cost: world.bill(),
        }
    }
}
