//! What the page draws, computed from the world once per frame.
//!
//! Rates are for the last complete simulated second, from the same CloudWatch-named metrics
//! the engine keeps, so a gauge shows exactly what CloudWatch would have counted.
//!
//! The stream's part (which stream, its lanes and their states, readers, producers, hot keys,
//! where a key routes) is in `view/stream.rs`; this file puts the page together.

use serde::Serialize;

use super::{ScriptState, Session};

mod stream;
pub use stream::*;

/// Everything the page shows at one frame.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct View {
    pub elapsed_ms: u64,
    pub seed: u64,
    pub speed: f64,
    pub playing: bool,
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
}

/// The lesson player's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LessonView {
    /// Step titles in order (the table of contents); empty for a scenario without steps.
    pub steps: Vec<String>,
    /// The number of the last step reached (0 before the first).
    pub current: usize,
    /// Whether the simulation is held at that step until Next.
    pub at_step: bool,
    /// A question waiting for an answer.
    pub question: Option<Question>,
    /// The last question answered, with its outcome.
    pub answered: Option<AnsweredView>,
}

/// A question on screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    pub question: String,
    pub choices: Vec<String>,
}

/// An answered question: what was chosen, what was right, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnsweredView {
    pub question: String,
    pub choices: Vec<String>,
    pub chosen: usize,
    pub answer: usize,
    pub explanation: String,
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
            catching_up: session.catching_up(),
            waiting_until_ms: session.waiting_until(),
            script: match &session.script {
                ScriptState::Waiting { until_ms } => format!(
                    "the scenario goes on in {}",
                    crate::script::duration::human(until_ms.saturating_sub(world.now_ms()))
                ),
                ScriptState::AtStep { number, title } => format!("step {number}: {title}"),
                ScriptState::Asking { .. } => {
                    "a question: the simulation waits for your answer".to_string()
                }
                ScriptState::Done => "the scenario has set the scene".to_string(),
            },
            notice: session.notice.clone(),
            streams: world.kinesis().streams().map(|s| s.name.clone()).collect(),
            stream: stream.map(|s| stream_view(world, s)),
            stream_deleted: pick.deleted,
            producers: producers(world),
            hot_keys: stream.map(|s| hot_keys(world, s)).unwrap_or_default(),
            apps: super::kcl_view::apps(world),
            lesson: LessonView {
                steps: session.step_titles(),
                current: session.current_step(),
                at_step: matches!(session.script, ScriptState::AtStep { .. }),
                question: match &session.script {
                    ScriptState::Asking {
                        question, choices, ..
                    } => Some(Question {
                        question: question.clone(),
                        choices: choices.clone(),
                    }),
                    _ => None,
                },
                answered: session.answered.as_ref().map(|a| AnsweredView {
                    question: a.question.clone(),
                    choices: a.choices.clone(),
                    chosen: a.chosen,
                    answer: a.answer,
                    explanation: a.explanation.clone(),
                }),
            },
            timeline_end_ms: session.timeline_end_ms(),
        }
    }
}
