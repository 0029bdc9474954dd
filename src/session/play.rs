//! The page's side of a lesson the learner plays: the task under way (what to do, the hint
//! once it is due, "Show me"), what the narration points at, and which panels a step shows.
//!
//! A task holds nothing: time plays on and the learner acts on the page (a click, a form,
//! the console) until the task's condition holds (the runner checks it, `script/runner/
//! play.rs`). "Show me" runs the task's `--show` line through the console, as every click
//! does, so it is journaled and a link replays it. The pointer and the panels are read from
//! the transcript (`point` and `show` write entries), so Back, a link and a fresh run show
//! the same.
//!
//! Apart from `lesson.rs` (the player's narration and time) because these are what the page
//! does around the narration: the learner's turn, and the page itself.

use serde::Serialize;

use super::captions;
use super::{ScriptState, Session};
use crate::script::grammar::point;
use crate::script::Entry;

/// The task under way, as the player shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskView {
    /// "Your turn: ...".
    pub text: String,
    /// The hint, once it is due.
    pub hint: Option<String>,
    /// Whether "Show me" can do it.
    pub show: bool,
}

/// What the narration points at: a `point KIND NAME`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pointer {
    pub kind: String,
    pub name: String,
}

impl Session {
    /// The task under way, if the script is at one.
    pub fn task_view(&self) -> Option<TaskView> {
        if !matches!(self.script, ScriptState::Waiting { .. }) {
            return None;
        }
        let task = self.runner.task_waiting()?;
        let now = self.world.now_ms();
        Some(TaskView {
            text: captions::task(&task.text, false),
            hint: task
                .hint
                .as_ref()
                .filter(|(due_ms, _)| now >= *due_ms)
                .map(|(_, hint)| captions::hint(hint)),
            show: task.show.is_some(),
        })
    }

    /// "Show me": runs the task's `--show` line through the console, as a click would; the
    /// task is done when its condition holds, as if the learner had done it.
    pub fn show_me(&mut self) -> Vec<Entry> {
        let line = match (&self.script, self.runner.task_waiting()) {
            (ScriptState::Waiting { .. }, Some(task)) => task.show.clone(),
            _ => None,
        };
        match line {
            Some(line) => {
                self.playing = true;
                self.run_command(&line)
            }
            None => Vec::new(),
        }
    }

    /// What the narration on show points at: the last `point` of the current step's
    /// narration (the same stretch of the transcript [`Session::narration`] reads).
    pub fn pointer(&self) -> Option<Pointer> {
        let (from, to) = self.narration_span();
        self.transcript
            .range(from..to)
            .rev()
            .find_map(|entry| match entry {
                Entry::Point { what, name } => Some(Pointer {
                    kind: what.clone(),
                    name: name.clone(),
                }),
                _ => None,
            })
    }

    /// The stream an element pointed at belongs to, for a shard, a producer or a consumer:
    /// the page puts that stream on screen, since it shows one stream at a time. A shard id
    /// names a shard of every stream that has that many shards; narration talks about lanes
    /// that take writes, so an open shard of that id wins: the stream on screen (`shown`) if
    /// its shard is open, else the first by name whose shard is, else the same among closed
    /// ones.
    pub fn pointer_stream(&self, shown: Option<&str>) -> Option<String> {
        let pointer = self.pointer()?;
        let world = &self.world;
        match pointer.kind.as_str() {
            point::SHARD => {
                // (stream, whether its shard of that id is open), in name order.
                let having: Vec<(&str, bool)> = world
                    .kinesis()
                    .streams()
                    .filter_map(|stream| {
                        let shard = stream.shards.iter().find(|s| s.id() == pointer.name)?;
                        Some((stream.name.as_str(), shard.is_open()))
                    })
                    .collect();
                let pick = |open_only: bool| {
                    let fits = |(_, open): &&(&str, bool)| !open_only || *open;
                    having
                        .iter()
                        .filter(fits)
                        .find(|(name, _)| Some(*name) == shown)
                        .or_else(|| having.iter().find(fits))
                        .map(|(name, _)| name.to_string())
                };
                pick(true).or_else(|| pick(false))
            }
            point::PRODUCER => world
                .producer(&pointer.name)
                .map(|p| p.config.stream.clone()),
            point::CONSUMER => world
                .consumer(&pointer.name)
                .map(|c| c.config.stream.clone()),
            _ => None,
        }
    }

    /// The panels on show: `None` for every panel (no `show` yet, `show all`, the lesson
    /// over, or the learner pressed "show everything"), else the last `show`'s.
    pub fn panels(&self) -> Option<Vec<String>> {
        if self.prefs.every_panel || self.script == ScriptState::Done {
            return None;
        }
        self.panels.clone().filter(|panels| !panels.is_empty())
    }

    /// "Show everything": every panel again, for the rest of the lesson (and the lessons
    /// opened after it keep their own `show`s).
    pub fn show_everything(&mut self) {
        self.prefs.every_panel = true;
    }

    /// Notes what a transcript entry does to the page around the narration.
    pub(super) fn note_play(&mut self, entry: &Entry) {
        if let Entry::Show { panels } = entry {
            self.panels = Some(panels.clone());
        }
    }
}

#[cfg(test)]
impl Session {
    /// Plays the script as a learner in a hurry would, for at most `frames` frames of 100 ms:
    /// Next at each step, the first choice at each question, Show me at each task.
    pub(crate) fn play_like_a_learner(&mut self, frames: usize) {
        for _ in 0..frames {
            match self.script {
                ScriptState::AtStep { .. } => self.next_step(),
                ScriptState::Asking { .. } => self.answer(1),
                ScriptState::Waiting { .. } => {
                    if self.task_view().is_some_and(|task| task.show) {
                        self.show_me();
                    }
                    self.frame(100.0);
                }
                ScriptState::Done => return,
            }
        }
    }
}
