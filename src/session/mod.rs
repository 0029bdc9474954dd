//! The page's model, without the page: a world, the scenario script driving it, the console,
//! play/pause/speed, shareable links, and the view the page draws each frame.
//!
//! Everything the page does goes through here, and everything a learner can do is a command of
//! the scenario language run through the console (a click on "split" runs
//! `aws kinesis split-shard ...`), so the whole page is scriptable and this module is tested
//! natively like the rest of the model.

pub mod charts;
pub mod commands;
pub mod flights;
pub mod history;
pub mod kcl_view;
pub mod link;
pub mod text;
pub mod view;

use std::collections::VecDeque;

pub use link::{Acted, Action, Link, Scenario};
pub use view::View;

use crate::script::runner::human;
use crate::script::{lesson, Entry, Pause, Runner};
use crate::sim::{Event, World, START_MS};

/// How much simulated time one press of "step" advances.
pub const STEP_MS: u64 = 100;
/// The slowest and fastest speeds (simulated seconds per wall second).
pub const MIN_SPEED: f64 = 0.25;
pub const MAX_SPEED: f64 = 64.0;
/// The most wall time one frame may account for: a tab coming back from the background does
/// not make the simulation race to catch up.
pub const MAX_FRAME_WALL_MS: f64 = 100.0;
/// Simulated time replayed per frame while a link or a console `wait` fast-forwards, when the
/// session has no wall clock (native tests; deterministic frame counts).
pub const CATCH_UP_SLICE_MS: u64 = 5_000;
/// With a wall clock (the page), fast-forwarding goes in slices of this much simulated time
/// until the frame's budget is spent, then yields to the browser: `wait 1000h` on a busy
/// world moves the clock as fast as the machine allows and never freezes the page.
pub const TIMED_SLICE_MS: u64 = 1_000;
/// Wall time one frame may spend fast-forwarding.
pub const CATCH_UP_BUDGET_MS: f64 = 25.0;
/// Transcript entries kept.
const TRANSCRIPT_KEPT: usize = 2_000;

/// The page's opening scene: a 4-shard stream, three producers (one with a hot key) and a KCL
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

/// Where a link's replay is going: a moment, or a lesson step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CatchUp {
    Time(u64),
    Step(usize),
    /// A console `wait` (or the next check of a `wait until`): simulated time runs to `goal`
    /// (`now_ms`) over as many frames as it takes; it started at `from` (`now_ms`).
    Wait {
        goal: u64,
        from: u64,
    },
}

/// When the run arrived at a lesson step, and how much of the journal had been done then
/// (what Back replays to come back to it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepArrival {
    pub number: usize,
    pub title: String,
    pub at_ms: u64,
    journal_len: usize,
}

/// One learner's session.
pub struct Session {
    pub world: World,
    link: Link,
    runner: Runner,
    pub script: ScriptState,
    pub console: Runner,
    transcript: VecDeque<Entry>,
    transcript_seq: u64,
    pub playing: bool,
    speed: f64,
    /// A link's moment or step, still to be replayed up to.
    catch_up: Option<CatchUp>,
    /// A problem with the link that opened the session, shown once.
    pub notice: Option<String>,
    events_seen: u64,
    /// What the learner did in this run (what a link needs to reproduce it).
    journal: Vec<Acted>,
    /// Actions from the link still to be done again, at their moments.
    replay: std::collections::VecDeque<Acted>,
    /// The last question answered (until the next step or question).
    pub answered: Option<Answered>,
    /// The lesson steps reached, in order.
    arrivals: Vec<StepArrival>,
    /// Whether an action being done comes from the replay (not from the learner now).
    replaying: bool,
    /// The furthest moment this run's timeline has reached (rewinding keeps the future
    /// until the learner acts).
    timeline_end_ms: u64,
    /// The scenario's step titles (read once).
    steps: Vec<String>,
    /// The page's wall clock in milliseconds (`performance.now()`), which bounds the work one
    /// frame does while fast-forwarding. Without one, each frame fast-forwards one fixed slice.
    clock: Option<fn() -> f64>,
}

impl Session {
    /// A session for a link (already decoded).
    pub fn new(link: Link) -> Session {
        let source = match &link.scenario {
            Scenario::Default => DEFAULT_SCENARIO.to_string(),
            Scenario::Lesson(name) => lesson(name)
                .map(|l| l.source.to_string())
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
        let mut session = Session {
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
            link,
            runner,
            script: ScriptState::Done,
            console: Runner::console(),
            transcript: VecDeque::new(),
            transcript_seq: 0,
            playing: true,
            speed: 1.0,
            notice,
            events_seen: 0,
            clock: None,
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
                session.notice = Some(format!(
                    "This link could not be opened ({problem}), so here is the default scene."
                ));
                session
            }
        }
    }

    /// Starts again from the beginning: same scenario, same seed.
    pub fn reset(&mut self) {
        let mut link = self.link.clone();
        link.time_ms = 0;
        link.play = false;
        link.step = None;
        link.actions.clear();
        let playing = self.playing;
        let speed = self.speed;
        let clock = self.clock;
        *self = Session::new(link);
        self.clock = clock;
        self.playing = playing;
        self.speed = speed;
    }

    /// Starts a different scenario (a lesson, a script, the default scene) with a seed.
    pub fn open(&mut self, scenario: Scenario, seed: u64) {
        let clock = self.clock;
        *self = Session::new(Link::start(scenario, seed));
        self.clock = clock;
    }

    pub fn scenario(&self) -> &Scenario {
        &self.link.scenario
    }

    pub fn seed(&self) -> u64 {
        self.link.seed
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() {
            self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        }
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

    /// Whether a link is still being replayed up to its moment or step, or a console `wait` is
    /// still fast-forwarding.
    pub fn catching_up(&self) -> bool {
        self.catch_up.is_some()
    }

    /// Where a console `wait` is going (elapsed ms), while it runs: its end, or the moment a
    /// `wait until` gives up.
    pub fn waiting_until(&self) -> Option<u64> {
        match self.catch_up {
            Some(CatchUp::Wait { goal, .. }) => {
                let end = self.console.until_deadline().unwrap_or(goal);
                Some(end.saturating_sub(START_MS))
            }
            _ => None,
        }
    }

    /// Gives the session the page's wall clock (see [`CATCH_UP_BUDGET_MS`]); kept across
    /// Reset, Back and rewinds by the page, which sets it on every new session.
    pub fn set_clock(&mut self, clock: fn() -> f64) {
        self.clock = Some(clock);
    }

    /// Runs every frame a fast-forward needs, at once (tests, and a page without frames).
    pub fn finish_catch_up(&mut self) {
        while self.catching_up() {
            self.frame(0.0);
        }
    }

    /// Stops a console `wait` where it is (the learner pressed pause, or typed something).
    pub fn stop_wait(&mut self) {
        if let Some(CatchUp::Wait { from, .. }) = self.catch_up {
            let now = self.world.now_ms();
            self.catch_up = None;
            self.console.cancel_line();
            self.record(vec![Entry::Output {
                text: format!(
                    "wait stopped after {} (time is now {})\n",
                    human(now.saturating_sub(from)),
                    human(self.world.elapsed_ms())
                ),
            }]);
        }
    }

    /// Runs the script until it waits, reaches a step, or ends.
    fn resume_script(&mut self) {
        let mut entries = Vec::new();
        let pause = self.runner.run_until_pause(&mut self.world, &mut entries);
        self.record(entries);
        self.script = match pause {
            Pause::Wait { until_ms } => ScriptState::Waiting { until_ms },
            Pause::Step { number, title } => {
                self.answered = None;
                self.arrivals.push(StepArrival {
                    number,
                    title: title.clone(),
                    at_ms: self.world.elapsed_ms(),
                    journal_len: self.journal.len(),
                });
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
        if let ScriptState::AtStep { .. } = self.script {
            self.fork();
            self.journal.push(Acted {
                at_ms: self.world.elapsed_ms(),
                action: Action::Next,
            });
            self.resume_script();
            self.playing = true;
        }
    }

    /// Answers the question the script is asking (`chosen` counts from 1); the run goes on
    /// and the outcome and explanation stay on show until the next step or question.
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
        if chosen == 0 || chosen > choices.len() {
            return;
        }
        self.fork();
        self.journal.push(Acted {
            at_ms: self.world.elapsed_ms(),
            action: Action::Answer(chosen),
        });
        self.record(vec![Entry::Answered {
            chosen,
            correct: chosen == answer,
        }]);
        self.resume_script();
        self.answered.get_or_insert(Answered {
            question,
            choices,
            chosen,
            answer,
            explanation,
        });
        self.playing = true;
    }

    /// What the learner did in this run, in order.
    pub fn journal(&self) -> &[Acted] {
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
        let speed = self.speed;
        if target == 0 {
            self.reset();
            self.playing = true;
            return;
        }
        let actions = match self.arrivals.iter().find(|a| a.number == target) {
            Some(arrival) => self.journal[..arrival.journal_len].to_vec(),
            None => self.journal.clone(),
        };
        let clock = self.clock;
        *self = Session::new(Link {
            time_ms: 0,
            play: false,
            step: Some(target),
            actions,
            ..self.link.clone()
        });
        self.clock = clock;
        self.speed = speed;
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
        let speed = self.speed;
        let mut actions = self.journal.clone();
        actions.extend(self.replay.iter().cloned());
        let clock = self.clock;
        *self = Session::new(Link {
            time_ms,
            play: false,
            step: None,
            actions,
            ..self.link.clone()
        });
        self.clock = clock;
        self.speed = speed;
        self.timeline_end_ms = end;
        if time_ms == 0 {
            self.playing = false;
        }
    }

    /// Advances simulated time by `ms`, letting the script act at its waits and doing a
    /// link's actions again at their moments. At a lesson step time stands still.
    pub fn advance(&mut self, ms: u64) {
        let target = self.world.now_ms().saturating_add(ms);
        loop {
            let now = self.world.now_ms();
            let action_at = self.replay.front().map(|a| START_MS + a.at_ms);
            let at_step = self.script.is_holding();
            if let ScriptState::Waiting { until_ms } = self.script {
                // The script acts first when it and a learner's action share a moment, as it
                // did in the run the link was made from.
                if until_ms <= target && action_at.is_none_or(|at| until_ms <= at) {
                    self.world.advance_to(until_ms);
                    self.resume_script();
                    continue;
                }
            }
            match action_at {
                // At a step time stands still, so an action there happened at this very
                // moment; elsewhere the world moves on to the action's moment first.
                Some(at) if at <= target && (at <= now || !at_step) => {
                    if at > now {
                        self.world.advance_to(at);
                    }
                    if let Some(acted) = self.replay.pop_front() {
                        self.replaying = true;
                        match acted.action {
                            Action::Command(line) => {
                                self.run_command(&line);
                            }
                            Action::Next => self.next_step(),
                            Action::Answer(chosen) => self.answer(chosen),
                        }
                        self.replaying = false;
                    }
                }
                // A link without the learner's actions (hand-written, or a deep link to a
                // step) goes straight through the steps and questions before its moment.
                _ if at_step && self.replay.is_empty() && self.passing_through() => {
                    self.resume_script();
                }
                // A lesson step holds the simulation still until Next, so the rest of the
                // lesson happens at the same simulated moments whoever reads it, however
                // slowly (and a link replays it exactly).
                _ if at_step => return,
                _ => {
                    self.world.advance_to(target);
                    self.timeline_end_ms = self.timeline_end_ms.max(self.world.elapsed_ms());
                    return;
                }
            }
        }
    }

    /// Whether a replay goes on past the step or question the script is at.
    fn passing_through(&self) -> bool {
        match self.catch_up {
            Some(CatchUp::Time(goal)) => self.world.elapsed_ms() < goal,
            Some(CatchUp::Step(target)) => match &self.script {
                ScriptState::AtStep { number, .. } => *number < target,
                ScriptState::Asking { .. } => true,
                _ => false,
            },
            // A console wait stops at a lesson step, like playing does.
            Some(CatchUp::Wait { .. }) | None => false,
        }
    }

    /// The learner did something new: the rest of a rewound timeline is gone (a new future
    /// forks off here).
    fn fork(&mut self) {
        if !self.replaying {
            self.replay.clear();
            self.timeline_end_ms = self.world.elapsed_ms();
        }
    }

    /// One animation frame, `wall_ms` after the previous one.
    pub fn frame(&mut self, wall_ms: f64) {
        if self.catch_up.is_some() {
            let started = self.clock.map(|clock| clock());
            let slice = if self.clock.is_some() {
                TIMED_SLICE_MS
            } else {
                CATCH_UP_SLICE_MS
            };
            loop {
                self.catch_up_slice(slice);
                let within_budget = match (self.clock, started) {
                    (Some(clock), Some(started)) => clock() - started < CATCH_UP_BUDGET_MS,
                    _ => false,
                };
                if self.catch_up.is_none() || !within_budget {
                    return;
                }
            }
        }
        if !self.playing || !wall_ms.is_finite() || wall_ms <= 0.0 {
            return;
        }
        let simulated = wall_ms.min(MAX_FRAME_WALL_MS) * self.speed;
        self.advance(simulated.round() as u64);
    }

    /// One slice of a fast-forward: a link's replay or a console `wait`.
    fn catch_up_slice(&mut self, slice: u64) {
        match self.catch_up {
            Some(CatchUp::Wait { goal, from }) => {
                let now = self.world.now_ms();
                if now < goal {
                    self.advance((goal - now).min(slice));
                }
                if self.world.now_ms() >= goal {
                    // Arrived: a `wait until` checks its condition and may go on waiting.
                    let mut entries = Vec::new();
                    let next = self.console.resume_line(&mut self.world, &mut entries);
                    if next.is_none() && entries.is_empty() {
                        // A plain wait says where time got to when it gets there.
                        entries.push(Entry::Waited {
                            ms: self.world.now_ms() - from,
                            now_ms: self.world.elapsed_ms(),
                        });
                    }
                    self.record(entries);
                    self.catch_up = next.map(|goal| CatchUp::Wait { goal, from });
                } else if self.world.now_ms() == now {
                    // Held still at a lesson step or question: time stands still there.
                    self.stop_wait();
                }
            }
            Some(CatchUp::Time(goal)) => {
                let elapsed = self.world.elapsed_ms();
                if elapsed < goal {
                    self.advance((goal - elapsed).min(slice));
                }
                if self.world.elapsed_ms() >= goal {
                    // Arrived: hold still at the moment the link was made (or play on, if
                    // the link says so). Actions done at that very moment are done too; any
                    // later ones (a rewound timeline's future) happen as time goes on.
                    self.catch_up = None;
                    self.advance(0);
                    self.playing = self.link.play;
                }
            }
            Some(CatchUp::Step(target)) => {
                let arrived =
                    matches!(&self.script, ScriptState::AtStep { number, .. } if *number == target);
                if arrived || self.script == ScriptState::Done {
                    if !arrived {
                        self.notice = Some(format!("This scenario has no step {target}."));
                    }
                    self.catch_up = None;
                    self.replay.clear();
                    self.playing = false;
                } else {
                    self.advance(slice);
                }
            }
            None => {}
        }
    }

    /// One press of "step": exactly [`STEP_MS`] of simulated time.
    pub fn step(&mut self) {
        self.advance(STEP_MS);
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
        if is_wait(trimmed) {
            // Waits are pace, not actions: a link carries moments, not waits (older links
            // that journaled a `wait until` replay without it).
            if self.replaying {
                return Vec::new();
            }
            let mut entries = Vec::new();
            if self.catch_up.is_some() {
                entries.push(Entry::Command {
                    line: 0,
                    text: trimmed.to_string(),
                });
                entries.push(Entry::Error {
                    text: "wait: the link is still being replayed up to its moment; wait when \
                           it has arrived\n"
                        .to_string(),
                });
            } else if let Some(until_ms) =
                self.console
                    .start_line(trimmed, &mut self.world, &mut entries)
            {
                // The clock runs there over as many frames as it takes (see `frame`); the
                // console says where time got to when it gets there, not now.
                entries.retain(|e| !matches!(e, Entry::Waited { .. }));
                self.catch_up = Some(CatchUp::Wait {
                    goal: until_ms,
                    from: self.world.now_ms(),
                });
            }
            self.record(entries.clone());
            return entries;
        }
        self.fork();
        self.journal.push(Acted {
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
        for entry in entries {
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

/// Whether a console line only lets time pass (`wait 10s`, `wait until ...`, `sleep 5`,
/// `at 2m`).
fn is_wait(line: &str) -> bool {
    matches!(
        line.split_whitespace().next(),
        Some("wait" | "sleep" | "at")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scene_runs_a_hot_stream_and_an_application() {
        let mut session = Session::new(Link::decode("").unwrap());
        for _ in 0..300 {
            session.frame(100.0);
        }
        let view = session.view();
        let stream = view.stream.expect("a stream");
        assert_eq!(stream.shards.len(), 4);
        assert!(
            stream.shards[1].write_throttled_total > 0,
            "the hot key's shard throttles"
        );
        assert_eq!(stream.shards[0].write_throttled_total, 0);
        assert_eq!(session.world.app("analytics").unwrap().workers.len(), 3);
    }

    #[test]
    fn step_advances_exactly_one_step_and_pause_holds_time() {
        let mut session = Session::new(Link::decode("").unwrap());
        session.playing = false;
        let before = session.world.elapsed_ms();
        session.frame(16.0);
        assert_eq!(session.world.elapsed_ms(), before);
        session.step();
        assert_eq!(session.world.elapsed_ms(), before + STEP_MS);
    }

    #[test]
    fn a_hidden_tab_does_not_cause_a_catch_up_storm() {
        let mut session = Session::new(Link::decode("").unwrap());
        session.set_speed(2.0);
        let before = session.world.elapsed_ms();
        session.frame(60_000.0); // a minute in the background
        assert_eq!(session.world.elapsed_ms(), before + 200);
    }

    #[test]
    fn a_link_reproduces_the_same_run() {
        let mut first = Session::new(Link::decode("#lesson=hot-key&seed=9").unwrap());
        first.playing = true;
        for _ in 0..400 {
            first.frame(50.0);
            match first.script {
                ScriptState::AtStep { .. } => first.next_step(),
                ScriptState::Asking { .. } => first.answer(1),
                _ => {}
            }
        }
        let link = first.link();
        let mut second = Session::new(Link::decode(&link.encode()).unwrap());
        while second.catching_up() {
            second.frame(16.0);
        }
        assert_eq!(second.world.elapsed_ms(), first.world.elapsed_ms());
        assert_eq!(
            serde_json::to_value(second.world.snapshot()).unwrap(),
            serde_json::to_value(first.world.snapshot()).unwrap()
        );
    }

    /// Opens `link` in a fresh session and replays it to its moment.
    fn opened(link: &Link) -> Session {
        let mut session = Session::new(Link::decode(&link.encode()).unwrap());
        while session.catching_up() {
            session.frame(16.0);
        }
        session
    }

    fn snapshot(session: &Session) -> serde_json::Value {
        serde_json::to_value(session.world.snapshot()).unwrap()
    }

    #[test]
    fn a_link_carries_what_the_learner_did_by_hand() {
        let mut first = Session::new(Link::decode("#seed=4").unwrap());
        for _ in 0..37 {
            first.frame(97.0);
        }
        first.run_command("aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 --new-starting-hash-key 127605887595351923798765477786913079296");
        for _ in 0..23 {
            first.frame(61.0);
        }
        first.run_command("producer set viral --rate 300 --keys hot:user-42:0.9:100");
        first.run_command("wait 3s");
        for _ in 0..11 {
            first.frame(33.0);
        }
        let link = first.link();
        assert_eq!(link.actions.len(), 2, "waits are pace, not actions");
        let second = opened(&link);
        assert_eq!(second.world.elapsed_ms(), first.world.elapsed_ms());
        assert_eq!(snapshot(&second), snapshot(&first));
        assert_eq!(second.journal(), first.journal());
        assert!(!second.playing, "a shared moment holds still");
        // A link without the actions is a different run.
        let mut bare = link.clone();
        bare.actions.clear();
        assert_ne!(snapshot(&opened(&bare)), snapshot(&first));
    }

    #[test]
    fn a_lesson_link_replays_next_presses_and_stops_at_the_step_it_was_made_at() {
        let mut first = Session::new(Link::decode("#lesson=hot-key&seed=2").unwrap());
        let mut nexts = 0;
        let mut answers = 0;
        while nexts < 2 {
            first.frame(100.0);
            match first.script {
                ScriptState::AtStep { .. } => {
                    first.run_command("producer set hot --rate 1100 --keys hot:user-42:1");
                    first.next_step();
                    nexts += 1;
                }
                ScriptState::Asking { .. } => {
                    first.answer(1);
                    answers += 1;
                }
                _ => {}
            }
        }
        while !matches!(first.script, ScriptState::AtStep { .. }) {
            first.frame(100.0);
            if matches!(first.script, ScriptState::Asking { .. }) {
                first.answer(2);
                answers += 1;
            }
        }
        assert!(answers > 0, "the lesson asks");
        let second = opened(&first.link());
        assert_eq!(second.script, first.script, "held at the same step");
        assert_eq!(snapshot(&second), snapshot(&first));
    }

    #[test]
    fn an_ask_holds_time_until_answered_and_the_answer_travels_in_a_link() {
        let script = "aws kinesis create-stream --stream-name s --shard-count 1
wait 3s
ask \"Will it throttle?\" yes no answer 2 because \"100 records/s is a tenth of the limit\"
producer add p --stream s --rate 100
wait 5s
";
        let mut first = Session::new(Link::start(Scenario::Script(script.into()), 3));
        first.advance(10_000);
        assert!(matches!(first.script, ScriptState::Asking { .. }));
        let held = first.world.elapsed_ms();
        first.advance(5_000);
        first.frame(100.0);
        first.step();
        assert_eq!(
            first.world.elapsed_ms(),
            held,
            "time stands still at a question"
        );
        assert!(first.world.producer("p").is_none());
        first.answer(1);
        let answered = first.answered.clone().unwrap();
        assert_eq!((answered.chosen, answered.answer), (1, 2));
        assert_eq!(
            answered.explanation,
            "100 records/s is a tenth of the limit"
        );
        assert!(first.world.producer("p").is_some(), "the run went on");
        first.advance(2_000);
        assert_eq!(first.world.elapsed_ms(), held + 2_000);
        let second = opened(&first.link());
        assert_eq!(snapshot(&second), snapshot(&first));
        assert_eq!(second.answered, first.answered);
    }

    /// The narration since the last step began.
    fn narration(session: &Session) -> Vec<String> {
        let (transcript, _) = session.transcript();
        let mut says: Vec<String> = transcript
            .iter()
            .rev()
            .take_while(|e| !matches!(e, Entry::Step { .. }))
            .filter_map(|e| match e {
                Entry::Say { text } => Some(text.clone()),
                _ => None,
            })
            .collect();
        says.reverse();
        says
    }

    fn settle(session: &mut Session) {
        while session.catching_up() {
            session.frame(16.0);
        }
    }

    /// Plays until the script holds at step `number`, answering questions with choice 1.
    fn play_to_step(session: &mut Session, number: usize) {
        for _ in 0..100_000 {
            match &session.script {
                ScriptState::AtStep { number: n, .. } if *n == number => return,
                ScriptState::AtStep { .. } => session.next_step(),
                ScriptState::Asking { .. } => session.answer(1),
                _ => session.frame(100.0),
            }
        }
        panic!("never reached step {number}");
    }

    #[test]
    fn next_and_back_give_the_same_narration_and_snapshot_as_a_fresh_run() {
        let mut session = Session::new(Link::decode("#lesson=hot-key&seed=5").unwrap());
        assert_eq!(session.step_titles().len(), 4);
        play_to_step(&mut session, 2);
        let (at_two, said_at_two) = (snapshot(&session), narration(&session));
        assert!(!said_at_two.is_empty() || session.arrivals().len() == 2);
        play_to_step(&mut session, 3);
        let at_three = snapshot(&session);
        session.back();
        settle(&mut session);
        assert_eq!(session.current_step(), 2);
        assert_eq!(snapshot(&session), at_two);
        assert_eq!(narration(&session), said_at_two);
        // A fresh run straight to step 2 (a deep link) is the same too.
        let mut fresh = Session::new(Link::decode("#lesson=hot-key&seed=5&step=2").unwrap());
        settle(&mut fresh);
        assert!(matches!(
            fresh.script,
            ScriptState::AtStep { number: 2, .. }
        ));
        assert_eq!(snapshot(&fresh), at_two);
        assert_eq!(narration(&fresh), said_at_two);
        // And Next goes to the same step 3 as before.
        play_to_step(&mut session, 3);
        assert_eq!(snapshot(&session), at_three);
        // Back from the first step goes to the beginning (where this lesson's first step is).
        session.go_to_step(1);
        settle(&mut session);
        session.back();
        assert_eq!(session.current_step(), 1);
        assert!(session.journal().is_empty());
    }

    #[test]
    fn rewinding_and_playing_again_reproduces_the_same_run_until_the_learner_acts() {
        let mut session = Session::new(Link::decode("#seed=2").unwrap());
        session.advance(10_000);
        session.run_command("aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 --new-starting-hash-key 127605887595351923798765477786913079296");
        let split_at = session.world.elapsed_ms();
        session.advance(10_000);
        let later = snapshot(&session);
        session.advance(15_000);
        let end = session.world.elapsed_ms();

        session.rewind_to(split_at - 3_000);
        settle(&mut session);
        assert_eq!(session.world.elapsed_ms(), split_at - 3_000);
        assert!(!session.playing, "a rewind holds still");
        assert_eq!(session.timeline_end_ms(), end, "the future is still there");
        session.advance(13_000);
        assert_eq!(snapshot(&session), later, "the same future, split included");

        // Acting after a rewind forks a new future: the old split never happens.
        session.rewind_to(split_at - 3_000);
        settle(&mut session);
        session.run_command("producer set viral --rate 100 --keys hot:user-42:0.9:100");
        assert_eq!(session.timeline_end_ms(), split_at - 3_000);
        session.advance(13_000);
        assert_eq!(session.view().stream.unwrap().shards.len(), 4);
    }

    #[test]
    fn a_broken_link_opens_the_default_scene_with_a_notice() {
        let session = Session::from_fragment("#lesson=nonsense");
        assert!(session
            .notice
            .as_deref()
            .unwrap()
            .contains("does not exist"));
        assert_eq!(session.scenario(), &Scenario::Default);
    }

    #[test]
    fn clicks_are_commands() {
        let mut session = Session::new(Link::decode("").unwrap());
        session.advance(10_000);
        let entries = session.run_command("aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 --new-starting-hash-key 127605887595351923798765477786913079296");
        assert!(
            entries.iter().all(|e| !matches!(e, Entry::Error { .. })),
            "{entries:?}"
        );
        session.run_command("wait 10s");
        session.finish_catch_up();
        assert_eq!(session.view().stream.unwrap().shards.len(), 5);
    }

    /// A fake wall clock: every reading is 4 ms after the last.
    fn ticking_clock() -> f64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NOW: AtomicU64 = AtomicU64::new(0);
        NOW.fetch_add(4, Ordering::Relaxed) as f64
    }

    #[test]
    fn a_long_console_wait_runs_over_many_frames_and_can_be_stopped() {
        let mut session = Session::new(Link::decode("").unwrap());
        session.set_clock(ticking_clock);
        for _ in 0..10 {
            session.frame(100.0);
        }
        let start = session.world.elapsed_ms();
        session.run_command("wait 1000h");
        assert_eq!(session.waiting_until(), Some(start + 1_000 * 3_600_000));
        assert!(session.catching_up());
        // Each frame does a budget's worth of one-second slices, then yields: the page
        // stays responsive however long the wait.
        let budget_slices = (CATCH_UP_BUDGET_MS / 4.0).ceil() as u64 + 1;
        for _ in 0..3 {
            let before = session.world.elapsed_ms();
            session.frame(16.0);
            let moved = session.world.elapsed_ms() - before;
            assert!(
                moved > 0 && moved <= budget_slices * TIMED_SLICE_MS,
                "moved {moved} ms"
            );
        }
        // Typing a command stops the wait where it got to.
        let reached = session.world.elapsed_ms();
        session.run_command("sim time");
        assert!(!session.catching_up());
        assert_eq!(session.world.elapsed_ms(), reached);
        let (transcript, _) = session.transcript();
        let text: String = transcript.iter().map(Entry::render).collect();
        assert!(
            text.contains(&format!("wait stopped after {}", human(reached - start))),
            "{text}"
        );
    }

    #[test]
    fn a_console_wait_ends_with_the_time_it_reached() {
        let mut session = Session::new(Link::decode("").unwrap());
        session.frame(100.0);
        let start = session.world.elapsed_ms();
        session.run_command("wait 12s");
        session.finish_catch_up();
        assert_eq!(session.world.elapsed_ms(), start + 12_000);
        let (transcript, _) = session.transcript();
        assert_eq!(
            transcript.back(),
            Some(&Entry::Waited {
                ms: 12_000,
                now_ms: start + 12_000
            })
        );
    }

    #[test]
    fn a_console_wait_until_checks_over_frames_and_reports_when_it_held() {
        let mut session = Session::new(Link::decode("").unwrap());
        session.frame(100.0);
        let start = session.world.elapsed_ms();
        // The default scene's hot key throttles a shard within seconds.
        session.run_command("wait until throttled orders --timeout 10m");
        assert_eq!(session.waiting_until(), Some(start + 600_000));
        session.finish_catch_up();
        assert!(session.world.elapsed_ms() < start + 600_000);
        let (transcript, _) = session.transcript();
        let text: String = transcript.iter().map(Entry::render).collect();
        assert!(text.contains("later: throttled"), "{text}");
        assert!(
            session.link().actions.is_empty(),
            "a wait is pace, not an action"
        );
    }
}
