//! The session's timeline: what the learner did (the journal), the lesson steps reached, and
//! the ways back: Reset, Back, going to a step, rewinding to a moment, and forking a new future
//! when the learner acts after a rewind.
//!
//! The run is never stepped backwards: every way back rebuilds it for a link and replays the
//! journal up to the chosen step or moment, so it is exactly the run the learner saw (the
//! job raftscope's `state.js` does with its checkpoints, `rewind` and `fork`). The rebuild
//! starts from the newest snapshot of the run on the link's path (`snapshots.rs`), and from
//! the seed when there is none. Apart from the
//! page's model (`mod.rs`) and from playback (`playback.rs`) because it is the one part that
//! reasons about the run as a whole rather than the moment at hand.

use super::{captions, Link, Restart, ScriptState, Session, TimedAction};

/// When the run arrived at a lesson step, and how much of the journal had been done then
/// (what Back replays to come back to it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepArrival {
    pub number: usize,
    pub title: String,
    pub at_ms: u64,
    /// How many of the journal's actions had been done then.
    journal_len: usize,
}

impl Session {
    /// Starts again from the beginning: same scenario, same seed, playing or paused as before.
    pub fn reset(&mut self) {
        let mut link = self.link.clone();
        link.time_ms = 0;
        link.play = false;
        link.step = None;
        link.actions.clear();
        self.rebuild(link, Restart::Reset);
    }

    /// The fragment that reproduces this session at this moment.
    pub fn link(&self) -> Link {
        Link {
            time_ms: self.world.elapsed_ms(),
            play: false,
            step: None,
            actions: self.journal.clone(),
            ..self.link.clone()
        }
    }

    /// What the learner did in this run, in order.
    pub fn journal(&self) -> &[TimedAction] {
        &self.journal
    }

    /// The scenario's steps, in order (its table of contents).
    pub fn step_titles(&self) -> Vec<String> {
        self.steps.clone()
    }

    /// The steps reached so far in this run.
    pub fn arrivals(&self) -> &[StepArrival] {
        &self.arrivals
    }

    /// The number of the last step reached (0 before the first).
    pub fn current_step(&self) -> usize {
        self.arrivals.last().map_or(0, |a| a.number)
    }

    /// Back: to the start of the previous step (when at a step), or of the current one (when
    /// the run has gone on from it), or to the very beginning. The run is replayed from the
    /// seed with what the learner did before that step, so it is exactly the same as the
    /// first time.
    pub fn back(&mut self) {
        let current = self.current_step();
        let target = if matches!(self.script, ScriptState::AtStep { .. }) {
            current.saturating_sub(1)
        } else {
            current
        };
        self.go_to_step(target);
    }

    /// Goes to lesson step `target` (0: the beginning): a step already reached is replayed
    /// exactly; a later one is reached by going on from here through the steps between.
    pub fn go_to_step(&mut self, target: usize) {
        if target == 0 {
            self.reset();
            self.playing = true;
            return;
        }
        let actions = match self.arrivals.iter().find(|a| a.number == target) {
            Some(arrival) => self.journal[..arrival.journal_len].to_vec(),
            None => self.journal.clone(),
        };
        self.rebuild(
            Link {
                time_ms: 0,
                play: false,
                step: Some(target),
                actions,
                ..self.link.clone()
            },
            Restart::Step,
        );
    }

    /// The furthest moment of this run's timeline (what the rewind slider spans).
    pub fn timeline_end_ms(&self) -> u64 {
        self.timeline_end_ms.max(self.world.elapsed_ms())
    }

    /// Rewinds (or goes forward again) to `time_ms` since the start: the run is replayed from
    /// the seed with everything the learner did up to then, and held still there. Playing on
    /// without acting follows the same future (the learner's later actions happen again at
    /// their moments); acting forks a new one.
    pub fn rewind_to(&mut self, time_ms: u64) {
        let end = self.timeline_end_ms();
        let time_ms = time_ms.min(end);
        let mut actions = self.journal.clone();
        actions.extend(self.replay.iter().cloned());
        self.rebuild(
            Link {
                time_ms,
                play: false,
                step: None,
                actions,
                ..self.link.clone()
            },
            Restart::Rewind,
        );
        if time_ms == 0 {
            self.playing = false;
        }
    }

    /// The learner did something new: the rest of a rewound timeline is gone (a new future
    /// forks off here), and if it held actions of the learner's, a notice says so: they will
    /// not happen again.
    pub(super) fn fork(&mut self) {
        if !self.replaying {
            if !self.replay.is_empty() {
                self.notice = Some(captions::forked(self.replay.len()));
            }
            self.replay.clear();
            self.timeline_end_ms = self.world.elapsed_ms();
            self.snapshots.drop_after(self.timeline_end_ms);
        }
    }

    /// Notes that the run arrived at lesson step `number`, and how much of the journal had
    /// been done by then (what Back replays to come back to it).
    pub(super) fn arrive_at_step(&mut self, number: usize, title: &str) {
        self.arrivals.push(StepArrival {
            number,
            title: title.to_string(),
            at_ms: self.world.elapsed_ms(),
            journal_len: self.journal.len(),
        });
    }
}
