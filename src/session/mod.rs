//! The page's model, without the page: a world, the scenario script driving it, the console,
//! play/pause/speed, shareable links, and the view the page draws each frame.
//!
//! Everything the page does goes through here, and everything a learner can do is a command of
//! the scenario language run through the console (a click on "split" runs
//! `aws kinesis split-shard ...`), so the whole page is scriptable and this module is tested
//! natively like the rest of the model.
//!
//! The session is split by job, each file an `impl Session` block or the types it draws on:
//! - `mod.rs` (here): the session itself, opening a link, the scenario script, Next and
//!   answers, the console, the transcript and its narration, and the preferences (speed, wall
//!   clock) that outlive a rebuilt run;
//! - `playback.rs`: how time moves: frames, "step", fast-forwarding a link or a console
//!   `wait` over frames, and the script and the link's actions acting on time;
//! - `timeline.rs`: what the learner did and the ways back: Reset, Back, going to a step,
//!   rewinding to a moment, forking a new future;
//! - `link.rs`: the shareable URL fragment; `view.rs` and `kcl_view.rs`: what the page draws;
//! - `api.rs`: the Kinesis API called by a program through `shardlab endpoint`, journaled;
//!   `mirror.rs`: the page following such an endpoint's run by replaying its journal;
//! - `lesson.rs`: the lesson player's side: the step's narration (predictions, and what
//!   happened once the lesson has shown it), what time is doing, Skip, the scenario's state
//!   in words and the end of a lesson with its recap;
//! - `play.rs`: a lesson the learner plays: the task under way and "Show me", what the
//!   narration points at, and which panels a step shows;
//! - `history/`: the event history in sentences; `charts.rs`: the per-second charts and CSV;
//!   `flights.rs`: the records in flight; `commands.rs`: the command lines the page's clicks
//!   run; `text.rs`: numbers and lists in words; `captions.rs`: the panels' other sentences.

pub mod captions;
pub mod charts;
pub mod commands;
pub mod flights;
pub mod history;
pub mod kcl_view;
pub mod lesson;
pub mod link;
pub mod play;
pub mod text;
pub mod view;

mod api;
#[cfg(test)]
pub(crate) mod fixtures;
mod mirror;
mod pace;
mod playback;
mod snapshots;
mod timeline;

use std::collections::VecDeque;

pub use link::{Action, Link, Scenario, TimedAction};
pub use mirror::Mirror;
pub use pace::PLAY_BUDGET_MS;
pub use playback::{
    CATCH_UP_BUDGET_MS, CATCH_UP_SLICE_MS, FAST_SLICE_MS, MAX_FAST_SLICE_MS, MAX_FRAME_WALL_MS,
    MIN_FAST_SLICE_MS, STEP_MS, TIMED_SLICE_MS,
};
pub use snapshots::{
    DEFAULT_EVERY_MS as SNAPSHOT_EVERY_MS, DENSE_KEPT as SNAPSHOTS_DENSE,
    MAX_BYTES as SNAPSHOT_BYTES, MAX_KEPT as SNAPSHOTS_KEPT,
};
pub use timeline::StepArrival;
pub use view::View;

use crate::script::{lesson, Entry, Pause, Runner};
use crate::sim::{Event, World};
use playback::{is_wait, CatchUp};
use snapshots::Snapshots;

/// The slowest and fastest speeds (simulated seconds per wall second).
pub const MIN_SPEED: f64 = 0.25;
pub const MAX_SPEED: f64 = 64.0;
/// Transcript entries kept.
const TRANSCRIPT_KEPT: usize = 2_000;
/// The speed a session starts at.
const DEFAULT_SPEED: f64 = 1.0;

/// The page's opening scene: a 4-shard stream, three producers (one with a hot key) and a KCL 3.x
/// application with three workers.
pub const DEFAULT_SCENARIO: &str = include_str!("default.sh");

/// Where the scenario script is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptState {
    /// Waiting for simulated time to reach `until_ms`.
    Waiting {
        until_ms: u64,
    },
    /// At a lesson step: the simulation is paused until Next.
    AtStep {
        number: usize,
        title: String,
    },
    /// At an `ask`: the simulation holds still until the learner answers.
    Asking {
        question: String,
        choices: Vec<String>,
        /// 1-based.
        answer: usize,
        explanation: String,
    },
    Done,
}

impl ScriptState {
    /// Whether the simulation is held still for the learner (a step or a question).
    pub fn is_holding(&self) -> bool {
        matches!(
            self,
            ScriptState::AtStep { .. } | ScriptState::Asking { .. }
        )
    }
}

/// A question the learner answered, shown with its outcome and explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    pub question: String,
    pub choices: Vec<String>,
    /// Both 1-based.
    pub chosen: usize,
    pub answer: usize,
    pub explanation: String,
}

/// What the learner set for the page rather than for the run: Reset, Back, going to a step and
/// rewinding rebuild the run from its link (see [`Session::rebuild`]) and keep these; opening
/// another scenario keeps only the clock.
#[derive(Clone, Copy)]
struct Prefs {
    /// Simulated seconds per wall second, within [`MIN_SPEED`]..=[`MAX_SPEED`].
    speed: f64,
    /// The page's wall clock in milliseconds (`performance.now()`), which bounds the work one
    /// frame does while fast-forwarding. Without one, each frame fast-forwards one fixed slice.
    clock: Option<fn() -> f64>,
    /// The learner pressed "show everything": every panel, whatever the lesson's `show`s say,
    /// until another scenario opens.
    every_panel: bool,
}

/// The ways a run starts again (see [`Session::rebuild`]), by what each keeps of the run it
/// replaces; everything else starts afresh from the new link. Every one keeps the page's wall
/// clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Restart {
    /// Another scenario: at the usual speed.
    Open,
    /// Back, or going to a step: the speed.
    Step,
    /// Reset: the speed, and whether the run was playing.
    Reset,
    /// A rewind: the speed, and how far the timeline reached (its future stays until the
    /// learner acts).
    Rewind,
}

impl Default for Prefs {
    fn default() -> Prefs {
        Prefs {
            speed: DEFAULT_SPEED,
            clock: None,
            every_panel: false,
        }
    }
}

/// One learner's session. A clone is a snapshot of the run (see `snapshots.rs`).
#[derive(Clone)]
pub struct Session {
    pub world: World,
    link: Link,
    runner: Runner,
    pub script: ScriptState,
    pub console: Runner,
    transcript: VecDeque<Entry>,
    transcript_seq: u64,
    pub playing: bool,
    /// A link's moment or step, still to be replayed up to.
    catch_up: Option<CatchUp>,
    /// A problem with the link that opened the session, shown once.
    pub notice: Option<String>,
    events_seen: u64,
    /// What the learner did in this run (what a link needs to reproduce it).
    journal: Vec<TimedAction>,
    /// Actions from the link still to be done again, at their moments.
    replay: std::collections::VecDeque<TimedAction>,
    /// The last question answered, until Next or the next question: what happened is said
    /// beside this prediction.
    pub answered: Option<Answered>,
    /// Whether the learner pressed Skip on the script's wait under way: the page
    /// fast-forwards over the rest of it (see [`Session::skip_wait`]).
    skipping: bool,
    /// How much simulated time a slice of a fast wait runs (see [`Session::frame`]).
    fast_slice_ms: u64,
    /// How fast time really plays, and the slices a playing frame runs (see `pace.rs`).
    pace: pace::Pace,
    /// The task (by when it began, world ms) a link's replay did as Show me does, on its way
    /// to a later step (see `playback.rs`).
    shown_on_the_way: Option<u64>,
    /// The lesson's `recap`, once reached.
    recap: Option<String>,
    /// The panels the last `show` named (see [`Session::panels`]).
    panels: Option<Vec<String>>,
    /// The lesson steps reached, in order.
    arrivals: Vec<StepArrival>,
    /// Whether an action being done comes from the replay (not from the learner now).
    replaying: bool,
    /// The furthest moment this run's timeline has reached (rewinding keeps the future
    /// until the learner acts).
    timeline_end_ms: u64,
    /// The scenario's step titles (read once).
    steps: Vec<String>,
    /// Speed and wall clock: the page's, not the run's.
    prefs: Prefs,
    /// Copies of this run to rebuild from (see `snapshots.rs`); they outlive a rebuild of
    /// the same run, like `prefs`.
    snapshots: Snapshots,
    /// Whether a link's replay went past a lesson step or question without the learner (a
    /// link without their actions): a run that did is no snapshot for a link that has them.
    passed_unattended: bool,
    /// Whether the scenario did not parse (its notice is the one a rebuild shows again).
    unparsed: bool,
    /// The endpoint whose run this page follows (see `mirror.rs`).
    mirror: Option<Mirror>,
}

impl Session {
    /// A session for a link (already decoded).
    pub fn new(link: Link) -> Session {
        let source = match &link.scenario {
            Scenario::Default => DEFAULT_SCENARIO.to_string(),
            Scenario::Lesson(name) => lesson(name)
                .and_then(|l| l.loaded_source())
                .map(str::to_string)
                .unwrap_or_default(),
            Scenario::Script(text) => text.clone(),
        };
        let (runner, notice) = match Runner::new(&source) {
            Ok(runner) => (runner, None),
            Err(error) => (
                Runner::new("").unwrap_or_else(|_| Runner::console()),
                Some(format!("The scenario does not parse: {error}")),
            ),
        };
        let replay = link.actions.iter().cloned().collect();
        let mut snapshots = Snapshots::new(snapshots::DEFAULT_EVERY_MS);
        snapshots.open(&link);
        let mut session = Session {
            snapshots,
            passed_unattended: false,
            unparsed: notice.is_some(),
            world: World::new(link.seed),
            catch_up: link
                .step
                .map(CatchUp::Step)
                .or((link.time_ms > 0).then_some(CatchUp::Time(link.time_ms))),
            arrivals: Vec::new(),
            replaying: false,
            timeline_end_ms: 0,
            steps: runner.step_titles(),
            journal: Vec::new(),
            replay,
            answered: None,
            skipping: false,
            fast_slice_ms: TIMED_SLICE_MS,
            pace: pace::Pace::default(),
            shown_on_the_way: None,
            recap: None,
            panels: None,
            link,
            runner,
            script: ScriptState::Done,
            console: Runner::console(),
            transcript: VecDeque::new(),
            transcript_seq: 0,
            playing: true,
            notice,
            events_seen: 0,
            prefs: Prefs::default(),
            mirror: None,
        };
        session.resume_script();
        session
    }

    /// A session for a URL fragment; a fragment that cannot be read opens the default scene
    /// with a notice saying why.
    pub fn from_fragment(fragment: &str) -> Session {
        match Link::decode(fragment) {
            Ok(link) => Session::new(link),
            Err(problem) => {
                let mut session = Session::new(Link::start(Scenario::Default, 1));
                session.notice = Some(unreadable(&problem));
                session
            }
        }
    }

    /// Opens a URL fragment in this session, as [`Session::from_fragment`] makes one: a link
    /// of the same run (scenario and seed) starts from the run's snapshots when it can (see
    /// `snapshots.rs`). The page's wall clock stays.
    pub fn open_fragment(&mut self, fragment: &str) {
        match Link::decode(fragment) {
            Ok(link) => self.open_link(link),
            Err(problem) => {
                self.open_link(Link::start(Scenario::Default, 1));
                self.notice = Some(unreadable(&problem));
            }
        }
    }

    /// Starts a different scenario (a lesson, a script, the default scene) with a seed, at the
    /// usual speed; the page's wall clock stays.
    pub fn open(&mut self, scenario: Scenario, seed: u64) {
        self.rebuild(Link::start(scenario, seed), Restart::Open);
    }

    /// Replaces the run with a new one for `link`, keeping what `restart` keeps: the one way
    /// opening a scenario, Reset, Back, going to a step and rewinding start the run again.
    /// A run of the same scenario and seed starts from the newest snapshot on the link's path
    /// when there is one, and from the seed when not (see `snapshots.rs`).
    fn rebuild(&mut self, link: Link, restart: Restart) {
        // A way back while mirroring forks: the rebuilt run is the page's own.
        let mirrored = self.mirror.take();
        let prefs = self.prefs;
        let playing = self.playing;
        let timeline_end_ms = self.timeline_end_ms();
        let mut store = std::mem::take(&mut self.snapshots);
        store.open(&link);
        *self = match store.start_for(&link) {
            Some(snapshot) => {
                let at = snapshot.world.elapsed_ms();
                let session = snapshot.clone().resume_for(link);
                store.note_restored(at);
                session
            }
            None => Session::new(link),
        };
        self.snapshots = store;
        self.prefs.clock = prefs.clock;
        if restart != Restart::Open {
            self.prefs.speed = prefs.speed;
            self.prefs.every_panel = prefs.every_panel;
        }
        match restart {
            Restart::Open | Restart::Step => {}
            Restart::Reset => self.playing = playing,
            Restart::Rewind => self.timeline_end_ms = timeline_end_ms,
        }
        self.mirror = None;
        if let Some(mirror) = mirrored {
            self.notice = Some(mirror::forked(&mirror.endpoint));
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.link.scenario
    }

    pub fn seed(&self) -> u64 {
        self.link.seed
    }

    pub fn speed(&self) -> f64 {
        self.prefs.speed
    }

    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() {
            self.prefs.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
            self.pace.reset();
        }
    }

    /// The speed simulated time really runs at while playing, when it is clearly below the
    /// speed asked for: the model (or the page) cannot keep up on this machine, so each frame
    /// simulates only as much as [`PLAY_BUDGET_MS`] of wall time allows.
    pub fn running_at(&self) -> Option<f64> {
        self.pace.behind(self.prefs.speed)
    }

    /// Gives the session the page's wall clock (see [`CATCH_UP_BUDGET_MS`]). The session keeps
    /// it across Reset, Back, going to a step, rewinds and opening another scenario (see
    /// [`Restart`]); a new `Session` has none until it is given one.
    pub fn set_clock(&mut self, clock: fn() -> f64) {
        self.prefs.clock = Some(clock);
    }

    /// Runs the script until it waits, reaches a step, or ends.
    fn resume_script(&mut self) {
        let mut entries = Vec::new();
        let pause = self.runner.run_until_pause(&mut self.world, &mut entries);
        self.skipping = false;
        self.record(entries);
        self.script = match pause {
            Pause::Wait { until_ms } => ScriptState::Waiting { until_ms },
            Pause::Step { number, title } => {
                self.arrive_at_step(number, &title);
                // A lesson step pauses the simulation until the learner presses Next (a link
                // being replayed goes straight on).
                if self.catch_up.is_none() {
                    self.playing = false;
                }
                ScriptState::AtStep { number, title }
            }
            Pause::Ask {
                question,
                choices,
                answer,
                explanation,
            } => {
                self.answered = None;
                ScriptState::Asking {
                    question,
                    choices,
                    answer,
                    explanation,
                }
            }
            Pause::Done => ScriptState::Done,
        };
    }

    /// Goes on past a lesson step.
    pub fn next_step(&mut self) {
        if self.refused_while_mirroring().is_some() {
            return;
        }
        if let ScriptState::AtStep { .. } = self.script {
            self.fork();
            self.journal.push(TimedAction {
                at_ms: self.world.elapsed_ms(),
                action: Action::Next,
            });
            self.answered = None;
            self.resume_script();
            self.playing = true;
        }
    }

    /// Answers the question the script is asking (`chosen` counts from 1): a prediction. The
    /// run goes on; the outcome and the explanation are shown once the lesson has shown what
    /// happens (see `script/runner/lesson.rs`), and stay on show until the next step.
    pub fn answer(&mut self, chosen: usize) {
        let ScriptState::Asking {
            question,
            choices,
            answer,
            explanation,
        } = self.script.clone()
        else {
            return;
        };
        if chosen == 0 || chosen > choices.len() || self.refused_while_mirroring().is_some() {
            return;
        }
        self.fork();
        self.journal.push(TimedAction {
            at_ms: self.world.elapsed_ms(),
            action: Action::Answer(chosen),
        });
        // Kept before the run goes on: what happened is said beside it (Entry::Reveal).
        self.answered = Some(Answered {
            question,
            choices,
            chosen,
            answer,
            explanation,
        });
        self.record(vec![Entry::Answered {
            chosen,
            correct: chosen == answer,
        }]);
        self.resume_script();
        self.playing = true;
    }

    /// Runs one line of the scenario language as if typed at the console; every click in the
    /// page ends up here. A `wait` moves the session's clock (so the scenario acts on time).
    pub fn run_command(&mut self, line: &str) -> Vec<Entry> {
        let trimmed = line.trim();
        // Whatever the learner does next ends a wait under way, where it got to (a link's
        // actions done again during a wait are not the learner acting now).
        if !self.replaying {
            self.stop_wait();
        }
        if let Some(refused) = self.refused_while_mirroring() {
            self.record(vec![refused.clone()]);
            return vec![refused];
        }
        if is_wait(trimmed) {
            return self.start_wait(trimmed);
        }
        self.fork();
        self.journal.push(TimedAction {
            at_ms: self.world.elapsed_ms(),
            action: Action::Command(line.to_string()),
        });
        let mut entries = Vec::new();
        self.console.run_line(line, &mut self.world, &mut entries);
        self.record(entries.clone());
        entries
    }

    fn record(&mut self, entries: Vec<Entry>) {
        if entries.is_empty() {
            return;
        }
        for mut entry in entries {
            if let Entry::Recap { text } = &entry {
                self.recap = Some(text.clone());
            }
            self.note_play(&entry);
            // What happened after a question the learner answered: beside their prediction.
            if let Entry::Reveal {
                question, chosen, ..
            } = &mut entry
            {
                if let Some(answered) = self.answered.as_ref().filter(|a| a.question == *question) {
                    *chosen = Some(answered.chosen);
                }
            }
            if self.transcript.len() >= TRANSCRIPT_KEPT {
                self.transcript.pop_front();
            }
            self.transcript.push_back(entry);
            self.transcript_seq += 1;
        }
    }

    /// The transcript of the scenario and the console, oldest first, and how many entries
    /// were ever written (to notice new ones).
    pub fn transcript(&self) -> (&VecDeque<Entry>, u64) {
        (&self.transcript, self.transcript_seq)
    }

    /// Events that happened since the last call (for animations).
    pub fn new_events(&mut self) -> Vec<Event> {
        let since = self.world.events_since(self.events_seen);
        self.events_seen = since.next;
        since.events
    }

    /// What the page draws now.
    pub fn view(&self) -> View {
        View::of(self)
    }
}

/// What the page says of a link it could not read.
fn unreadable(problem: &impl std::fmt::Display) -> String {
    format!("This link could not be opened ({problem}), so here is the default scene.")
}

#[cfg(test)]
mod tests;
