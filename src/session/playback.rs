//! Playback: how simulated time moves. One animation frame advances the world by the wall time
//! since the last one times the speed; "step" advances it by [`STEP_MS`]; a link's replay and a
//! console `wait` fast-forward over as many frames as they take, within a budget of wall time
//! per frame, so the page never freezes; and through all of it the scenario script acts at its
//! waits, a lesson step or question holds time still, and a link's actions are done again at
//! their moments.
//!
//! Apart from the page's model (`mod.rs`) and the timeline (`timeline.rs`) because this is the
//! clockwork: the one place that decides how far the world moves, and when.

use super::pace::PLAY_BUDGET_MS;
use super::{Action, ScriptState, Session};
use crate::script::duration::human;
use crate::script::{Entry, Waiting};
use crate::sim::START_MS;

/// How much simulated time one press of "step" advances.
pub const STEP_MS: u64 = 100;
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
/// Simulated time a frame fast-forwards over a script's `wait --fast` (or a skipped wait)
/// when the session has no wall clock (native tests: 25 h in 150 frames).
pub const FAST_SLICE_MS: u64 = 600_000;
/// With a wall clock, a script's fast wait goes in slices that grow while they are quick
/// (an idle world moves a day in a few slices) and shrink when they are slow (a busy one
/// keeps the page responsive), between these.
pub const MIN_FAST_SLICE_MS: u64 = STEP_MS;
pub const MAX_FAST_SLICE_MS: u64 = 3_600_000;

/// How long a task done on the way to a link's step may take to get done (simulated ms): as
/// long as `shardlab run` gives a task after its `--show` line.
const SHOWN_TASK_GRACE_MS: u64 = 10 * 60 * 1_000;

/// Where a link's replay is going: a moment, or a lesson step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CatchUp {
    Time(u64),
    Step(usize),
    /// A console `wait` (or the next check of a `wait until`): simulated time runs to `goal`
    /// (`now_ms`) over as many frames as it takes; it started at `from` (`now_ms`).
    Wait {
        goal: u64,
        from: u64,
    },
}

impl Session {
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

    /// Advances simulated time by `ms`, letting the script act at its waits and doing a
    /// link's actions again at their moments. At a lesson step time stands still.
    pub fn advance(&mut self, ms: u64) {
        let target = self.world.now_ms().saturating_add(ms);
        loop {
            let now = self.world.now_ms();
            // A snapshot is taken wherever time stops past a moment one is due at (see
            // `snapshots.rs`): the end of a slice, a script's wait or a replayed action. Time
            // never stops for one, so taking one leaves the run exactly as it was. (Where time
            // stops changes nothing the run shows: the engine's timed changes are logged at
            // their own moments, which a mirroring page relies on, see `mirror.rs`.)
            self.snapshot_if_due();
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
                            Action::Api { action, body } => {
                                // Its answer went to the program that made the call.
                                let _ = self.api_call(&action, &body);
                            }
                        }
                        self.replaying = false;
                    }
                }
                // A link without the learner's actions (hand-written, or a deep link to a
                // step) goes straight through the steps and questions before its moment.
                _ if at_step && self.replay.is_empty() && self.passing_through() => {
                    self.passed_unattended = true;
                    self.resume_script();
                }
                // A lesson step holds the simulation still until Next, so the rest of the
                // lesson happens at the same simulated moments whoever reads it, however
                // slowly (and a link replays it exactly).
                _ if at_step => {
                    self.snapshot_if_due();
                    return;
                }
                _ => {
                    self.world.advance_to(target);
                    self.timeline_end_ms = self.timeline_end_ms.max(self.world.elapsed_ms());
                    self.snapshot_if_due();
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

    /// One animation frame, `wall_ms` after the previous one.
    pub fn frame(&mut self, wall_ms: f64) {
        if self.catch_up.is_some() {
            let started = self.prefs.clock.map(|clock| clock());
            let slice = if self.prefs.clock.is_some() {
                TIMED_SLICE_MS
            } else {
                CATCH_UP_SLICE_MS
            };
            loop {
                self.catch_up_slice(slice);
                let within_budget = match (self.prefs.clock, started) {
                    (Some(clock), Some(started)) => clock() - started < CATCH_UP_BUDGET_MS,
                    _ => false,
                };
                if self.catch_up.is_none() || !within_budget {
                    return;
                }
            }
        }
        if self.mirror.is_some() {
            self.pace.reset();
            self.mirror_frame();
            return;
        }
        if !self.playing {
            self.pace.reset();
            return;
        }
        if self.fast_forwarding() {
            self.pace.reset();
            self.fast_forward();
            return;
        }
        if !wall_ms.is_finite() || wall_ms <= 0.0 {
            return;
        }
        let simulated = (wall_ms.min(MAX_FRAME_WALL_MS) * self.prefs.speed).round() as u64;
        match self.prefs.clock {
            Some(clock) => self.play_within_budget(clock, wall_ms, simulated),
            None => self.advance(simulated),
        }
    }

    /// A playing frame with a wall clock (the page): `simulated` ms in slices until they are
    /// done or [`PLAY_BUDGET_MS`] of wall time is spent. What is left is dropped: the
    /// simulated clock falls behind the wall clock (and the page says so, see
    /// [`Session::running_at`]) instead of the page freezing while a big world catches up.
    /// The world moves exactly as it would over frames that short.
    fn play_within_budget(&mut self, clock: fn() -> f64, wall_ms: f64, simulated: u64) {
        let started = clock();
        let mut moved = 0;
        while moved < simulated {
            let slice = self.pace.slice(simulated - moved);
            let before_ms = self.world.now_ms();
            let before = clock();
            self.advance(slice);
            let after = clock();
            let went = self.world.now_ms().saturating_sub(before_ms);
            self.pace.took(slice, after - before);
            moved += went;
            if went < slice || !self.playing || self.catch_up.is_some() || self.fast_forwarding() {
                // Held at a lesson step, paused or waiting fast by the script: not slowness.
                self.pace.reset();
                return;
            }
            if after - started >= PLAY_BUDGET_MS {
                break;
            }
        }
        self.pace.frame(wall_ms, moved);
    }

    /// Whether the page fast-forwards over the script's wait under way: a `wait --fast`, or
    /// a wait the learner skipped. It does while time plays (Pause pauses it).
    pub fn fast_forwarding(&self) -> bool {
        matches!(self.script, ScriptState::Waiting { .. })
            && matches!(self.runner.waiting(), Some(Waiting::Time { fast, .. }) if *fast || self.skipping)
    }

    /// One frame of a script's fast wait: as far as the frame's budget of wall time goes
    /// (one [`FAST_SLICE_MS`] without a wall clock), through the waits after it if they are
    /// fast too, whatever the speed.
    fn fast_forward(&mut self) {
        let clock = self.prefs.clock;
        let started = clock.map(|clock| clock());
        while self.fast_forwarding() {
            let ScriptState::Waiting { until_ms } = self.script else {
                return;
            };
            let (Some(clock), Some(started)) = (clock, started) else {
                let left = until_ms.saturating_sub(self.world.now_ms());
                self.advance(left.min(FAST_SLICE_MS));
                return;
            };
            let before = clock();
            let left = until_ms.saturating_sub(self.world.now_ms());
            self.advance(left.min(self.fast_slice_ms));
            let took = clock() - before;
            self.fast_slice_ms = if took < CATCH_UP_BUDGET_MS / 8.0 {
                (self.fast_slice_ms * 2).min(MAX_FAST_SLICE_MS)
            } else if took > CATCH_UP_BUDGET_MS / 2.0 {
                (self.fast_slice_ms / 2).max(MIN_FAST_SLICE_MS)
            } else {
                self.fast_slice_ms
            };
            if clock() - started >= CATCH_UP_BUDGET_MS {
                return;
            }
        }
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
                    self.pass_a_task_or_advance(target, slice);
                }
            }
            None => {}
        }
    }

    /// On the way to a link's step: a task under way with none of the learner's actions left
    /// to replay would wait for ever, so the page does it as "Show me" does (visibly, in the
    /// console, and kept in the run's actions so a shared link reproduces it). A task that
    /// has no `--show`, or whose `--show` did not get it done within ten simulated minutes,
    /// ends the replay there: the learner is at the task.
    fn pass_a_task_or_advance(&mut self, target: usize, slice: u64) {
        let task = match (&self.script, self.replay.is_empty()) {
            (ScriptState::Waiting { .. }, true) => self.runner.task_waiting(),
            _ => None,
        };
        let Some(task) = task else {
            self.advance(slice);
            return;
        };
        let now = self.world.now_ms();
        let stuck = match (self.shown_on_the_way, &task.show) {
            (Some(began), _) if began == task.started_ms => now >= began + SHOWN_TASK_GRACE_MS,
            (_, Some(line)) => {
                self.shown_on_the_way = Some(task.started_ms);
                let line = line.clone();
                self.run_command(&line);
                return;
            }
            (_, None) => true,
        };
        if stuck {
            self.notice = Some(format!(
                "Step {target} comes after a task for you to do: {}",
                task.text
            ));
            self.catch_up = None;
            self.playing = false;
        } else {
            self.advance(slice);
        }
    }

    /// One press of "step": exactly [`STEP_MS`] of simulated time.
    pub fn step(&mut self) {
        self.advance(STEP_MS);
    }

    /// Starts a console wait (`wait 10s`, `wait until ...`, `sleep 5`, `at 2m`): the clock
    /// runs there over as many frames as it takes (see [`Session::frame`]).
    pub(super) fn start_wait(&mut self, trimmed: &str) -> Vec<Entry> {
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
        entries
    }
}

/// Whether a console line only lets time pass (`wait 10s`, `wait until ...`, `sleep 5`,
/// `at 2m`).
pub(super) fn is_wait(line: &str) -> bool {
    matches!(
        line.split_whitespace().next(),
        Some("wait" | "sleep" | "at")
    )
}
