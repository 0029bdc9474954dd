//! The lesson as the player shows it: the step's narration (every `say` of the step and the
//! feedback on its question, in order), what time is doing, the scenario's state in words,
//! and the end of a lesson with the next one.
//!
//! A step's narration is the point of a lesson, so it stays on show for the whole step: while
//! the step runs, through its waits, and once it has finished and time is held at the next
//! step, until the learner presses Next. (A `step` holds time *before* its commands run, so
//! while held at step N the player shows what step N-1 said.) It is read from the transcript,
//! the one record of what was said, so Back, a link and a fresh run show the same.
//!
//! Apart from `mod.rs` (the session's machinery) and `view.rs` (the stream's picture) because
//! this is the course's side of the page: what a learner reads about where the lesson and
//! time are.

use serde::Serialize;

use super::captions::{self, TimeState};
use super::play::TaskView;
use super::{Scenario, ScriptState, Session};
use crate::script::lessons::{lesson, lessons};
use crate::script::{Entry, Waiting};

/// A plain `wait` longer than this (simulated) offers Skip: watching a shorter one is the
/// point, a longer one the learner may want to fast-forward.
pub const SKIPPABLE_MS: u64 = 10_000;

/// The most lines of narration kept for one step (a step says a handful; a scenario without
/// steps, or a learner typing `say` at the console, could say many more: the latest are kept).
pub const NARRATION_KEPT: usize = 24;

/// The lesson player's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LessonView {
    /// The lesson's title; `None` for the opening scene or a script.
    pub title: Option<String>,
    /// What the learner will be able to do (the script's `# goal:`), as the player says it.
    pub goal: Option<String>,
    /// Step titles in order (the table of contents); empty for a scenario without steps.
    pub steps: Vec<String>,
    /// The number of the last step reached (0 before the first).
    pub current: usize,
    /// Whether the simulation is held at that step until Next.
    pub at_step: bool,
    /// A question waiting for an answer (never its answer).
    pub question: Option<Question>,
    /// What the step on show said, in order, with the feedback on its question.
    pub narration: Narration,
    /// The task under way: the learner's turn.
    pub task: Option<TaskView>,
    /// A lesson whose script has run to its end.
    pub complete: bool,
    /// The lesson's `recap`, once its script has reached it: what was learned, shown with
    /// the way to the next lesson.
    pub recap: Option<String>,
    /// Whether the player offers Skip: the script waits a plain `wait` longer than
    /// [`SKIPPABLE_MS`], played at the speed (see [`Session::skip_wait`]).
    pub skip: bool,
    /// The lesson after this one in the course (offered at the end).
    pub next_lesson: Option<NextLesson>,
}

/// A question on screen: what is asked and the choices, nothing that gives the answer away.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    pub question: String,
    pub choices: Vec<String>,
}

/// A question once the lesson has shown what happens: what the learner predicted, what
/// happened, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnsweredView {
    pub question: String,
    pub choices: Vec<String>,
    /// The learner's prediction (1-based); `None` when it was not answered here (a link
    /// replayed past it).
    pub chosen: Option<usize>,
    /// 1-based.
    pub answer: usize,
    /// "You predicted: … — what happened: …." (see [`captions::revealed`]).
    pub outcome: String,
    pub explanation: String,
}

/// The narration of one step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Narration {
    /// The step it belongs to (0: before the first step, or a scenario without steps). While
    /// time is held at a step this is the step before it, which has just run.
    pub step: usize,
    pub lines: Vec<NarrationLine>,
}

/// One line of a step's narration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind")]
pub enum NarrationLine {
    /// A `say`.
    Say { text: String },
    /// A task: "Your turn: ..." while it is under way, "Done: ..." once it is done.
    Task { text: String, done: bool },
    /// The learner's answer to a question, before the lesson has shown what happens: the
    /// prediction only, nothing that says whether it was right.
    Predicted { question: String, text: String },
    /// The question once the lesson has shown what happens: the prediction beside what
    /// happened, and why. It takes the place of the prediction's line.
    Revealed(AnsweredView),
}

/// The lesson after this one, in course order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextLesson {
    pub name: String,
    pub title: String,
}

impl Session {
    /// What simulated time is doing: a console wait running the clock, a question or a step
    /// holding it, or playing or paused as the learner left it.
    pub fn time_state(&self) -> TimeState {
        if let Some(until_ms) = self.waiting_until() {
            return TimeState::ConsoleWait { until_ms };
        }
        match &self.script {
            ScriptState::Asking { .. } => TimeState::HeldAtQuestion,
            ScriptState::AtStep { number, .. } => TimeState::HeldAtStep { step: *number },
            _ if self.playing => TimeState::Playing,
            _ => TimeState::Paused,
        }
    }

    /// The Play button (or space): pauses or plays; at a step it is Next; a console wait under
    /// way stops where it is and time stays paused. A question holds time whatever is pressed.
    pub fn toggle_play(&mut self) {
        match self.time_state() {
            TimeState::ConsoleWait { .. } => {
                self.stop_wait();
                self.playing = false;
            }
            TimeState::HeldAtStep { .. } => self.next_step(),
            TimeState::HeldAtQuestion => {}
            TimeState::Playing | TimeState::Paused => self.playing = !self.playing,
        }
    }

    /// The narration on show: every line the current step said and the feedback on its
    /// question, in order (the latest [`NARRATION_KEPT`]). While time is held at a step it is
    /// the previous step's, which has just run, until Next. Without steps, everything said.
    pub fn narration(&self) -> Narration {
        let (from, to) = self.narration_span();
        let step = self.narration_step();
        let transcript = &self.transcript;
        let mut lines = Vec::new();
        let mut asked = None;
        for entry in transcript.range(from..to) {
            match entry {
                Entry::Say { text } => lines.push(NarrationLine::Say { text: text.clone() }),
                Entry::Task { text, .. } => lines.push(NarrationLine::Task {
                    text: captions::task(text, false),
                    done: false,
                }),
                Entry::TaskDone { text, .. } => {
                    let doing = captions::task(text, false);
                    if let Some(NarrationLine::Task { text: shown, done }) = lines
                        .iter_mut()
                        .rev()
                        .find(|line| matches!(line, NarrationLine::Task { text: t, done: false } if *t == doing))
                    {
                        *shown = captions::task(text, true);
                        *done = true;
                    }
                }
                Entry::Ask {
                    question, choices, ..
                } => asked = Some((question, choices)),
                Entry::Answered { chosen, .. } => {
                    if let Some((question, choices)) = asked.take() {
                        lines.push(NarrationLine::Predicted {
                            question: question.clone(),
                            text: captions::predicted(choice(choices, *chosen)),
                        });
                    }
                }
                Entry::Reveal {
                    question,
                    choices,
                    answer,
                    chosen,
                    explanation,
                } => {
                    lines.retain(|line| {
                        !matches!(line, NarrationLine::Predicted { question: q, .. } if q == question)
                    });
                    lines.push(NarrationLine::Revealed(AnsweredView {
                        question: question.clone(),
                        choices: choices.clone(),
                        chosen: *chosen,
                        answer: *answer,
                        outcome: captions::revealed(
                            chosen.map(|chosen| choice(choices, chosen)),
                            choice(choices, *answer),
                        ),
                        explanation: explanation.clone(),
                    }));
                }
                _ => {}
            }
        }
        let skip = lines.len().saturating_sub(NARRATION_KEPT);
        lines.drain(..skip);
        Narration { step, lines }
    }

    /// The stretch of the transcript the narration on show comes from (the current step's,
    /// or while time is held at a step the previous one's), and the step it belongs to.
    fn narration_bounds(&self) -> (usize, usize, usize) {
        let transcript = &self.transcript;
        let mut steps = transcript
            .iter()
            .enumerate()
            .rev()
            .filter_map(|(i, e)| match e {
                Entry::Step { number, .. } => Some((i, *number)),
                _ => None,
            });
        let (last, before) = (steps.next(), steps.next());
        let held = matches!(self.script, ScriptState::AtStep { .. });
        let (from, to, step) = match last {
            Some((at, _)) if held => (
                before.map_or(0, |(i, _)| i + 1),
                at,
                before.map_or(0, |b| b.1),
            ),
            Some((at, number)) => (at + 1, transcript.len(), number),
            None => (0, transcript.len(), 0),
        };
        (from, to, step)
    }

    /// The transcript's stretch the narration on show comes from.
    pub(super) fn narration_span(&self) -> (usize, usize) {
        let (from, to, _) = self.narration_bounds();
        (from, to)
    }

    /// The step the narration on show belongs to.
    fn narration_step(&self) -> usize {
        self.narration_bounds().2
    }

    /// The scenario's state in words: when it goes on (in wall time at the speed), what a
    /// `wait until` waits for, a step or a question holding time, or its end.
    pub fn script_caption(&self) -> String {
        match &self.script {
            ScriptState::Waiting { until_ms } => match self.runner.waiting() {
                Some(Waiting::Until { condition }) => captions::waiting_for(condition),
                Some(Waiting::Task(_)) => captions::task_waiting(),
                Some(Waiting::Time { from_ms, .. }) if self.fast_forwarding() => {
                    captions::fast_forwarding(
                        until_ms.saturating_sub(*from_ms),
                        until_ms.saturating_sub(self.world.now_ms()),
                    )
                }
                _ => captions::countdown(
                    until_ms.saturating_sub(self.world.now_ms()),
                    self.speed(),
                    self.time_state(),
                ),
            },
            ScriptState::AtStep { number, .. } => captions::held_at_step(*number),
            ScriptState::Asking { .. } => captions::held_at_question(),
            ScriptState::Done => captions::scenario_done(
                matches!(self.scenario(), Scenario::Lesson(_)),
                *self.scenario() == Scenario::Default,
            ),
        }
    }

    /// Whether the script's wait under way is a plain `wait` longer than [`SKIPPABLE_MS`]
    /// that plays at the speed: the player offers Skip (it shows the time left already).
    pub fn can_skip(&self) -> bool {
        matches!(self.script, ScriptState::Waiting { .. })
            && !self.fast_forwarding()
            && matches!(
                self.runner.waiting(),
                Some(Waiting::Time { from_ms, until_ms, fast: false })
                    if until_ms.saturating_sub(*from_ms) > SKIPPABLE_MS
            )
    }

    /// Skip: the rest of the script's plain wait is fast-forwarded over frames, as a `wait
    /// --fast` is; time plays if it was paused. The world is the same at the wait's end
    /// either way (the model is deterministic), so a link needs no record of it.
    pub fn skip_wait(&mut self) {
        if self.can_skip() {
            self.skipping = true;
            self.playing = true;
        }
    }

    /// The lesson after this one in the course, if this is a lesson and not the last.
    pub fn next_lesson(&self) -> Option<NextLesson> {
        let Scenario::Lesson(name) = self.scenario() else {
            return None;
        };
        let at = lessons().iter().position(|l| l.name == name)?;
        lessons().get(at + 1).map(|next| NextLesson {
            name: next.name.to_string(),
            title: next.title().to_string(),
        })
    }

    /// The lesson player's state.
    pub fn lesson_view(&self) -> LessonView {
        let title = match self.scenario() {
            Scenario::Lesson(name) => lesson(name).map(|l| l.title().to_string()),
            _ => None,
        };
        let complete = title.is_some() && self.script == ScriptState::Done;
        LessonView {
            title,
            goal: self.runner.goal().map(captions::lesson_goal),
            steps: self.step_titles(),
            current: self.current_step(),
            at_step: matches!(self.script, ScriptState::AtStep { .. }),
            question: match &self.script {
                ScriptState::Asking {
                    question, choices, ..
                } => Some(Question {
                    question: question.clone(),
                    choices: choices.clone(),
                }),
                _ => None,
            },
            narration: self.narration(),
            task: self.task_view(),
            complete,
            recap: self.recap.clone(),
            skip: self.can_skip(),
            next_lesson: if complete { self.next_lesson() } else { None },
        }
    }
}

#[cfg(test)]
mod play_tests;
/// The `n`th of `choices` (1-based), or nothing.
fn choice(choices: &[String], n: usize) -> &str {
    n.checked_sub(1)
        .and_then(|i| choices.get(i))
        .map_or("", String::as_str)
}

#[cfg(test)]
mod tests;
