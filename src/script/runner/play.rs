//! The runner's side of a lesson the learner plays: `task` (the learner's turn), `point`
//! (what the narration talks about) and `show` (which panels a step needs).
//!
//! A task is a `wait until` the learner ends: its statement runs again at each check, as a
//! `wait until`'s does, but with no timeout, for the learner takes as long as they take. Where
//! nobody clicks (`shardlab run`, `shardlab lesson`, the tests), [`Runner::show_task`] runs its
//! `--show` line at once, as the page's "Show me" would, and then the condition has ten
//! simulated minutes to hold; a lesson is checkable in CI that way. The words are read in
//! [`crate::script::play_commands`]; the page's side is `session/play.rs`.

use super::{Pause, Runner, Spot, Waiting};
use crate::script::parse::{parse_line, Action};
use crate::script::play_commands::{self, Task};
use crate::script::until::{Baseline, Until, DEFAULT_EVERY_MS, DEFAULT_TIMEOUT_MS};
use crate::script::Entry;
use crate::sim::World;

/// A task under way.
#[derive(Clone, Debug)]
pub(super) struct TaskInProgress {
    /// The statement it belongs to (`None` for a console line).
    pub index: Option<usize>,
    task: Task,
    baseline: Baseline,
    started_ms: u64,
    /// Where nobody clicks: when its `--show` line ran, and the condition's deadline.
    deadline_ms: Option<u64>,
}

/// What the page shows of a task under way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskWaiting {
    pub text: String,
    /// The hint, and when it is due (world ms).
    pub hint: Option<(u64, String)>,
    /// The command line "Show me" runs.
    pub show: Option<String>,
    /// When the task began (world ms).
    pub started_ms: u64,
}

impl Runner {
    /// One check of a `task`: `None` when the script goes on (the condition held, or the task
    /// could not be read or checked), a wait for the next check otherwise.
    pub(super) fn task(
        &mut self,
        at: Spot,
        written: &str,
        args: &[String],
        world: &World,
        out: &mut Vec<Entry>,
    ) -> Option<Pause> {
        let now = world.now_ms();
        if self.current.is_none() {
            // A console line: nobody waits for the learner there, who can simply do it.
            self.status = 2;
            let message = "task is a lesson's: it waits for the learner to act; at the \
                           console, just do it\n";
            self.script_error(out, at, message.to_string(), 0);
            return None;
        }
        // Read afresh at each check: a `$(...)` in the condition runs again.
        let task = match Task::parse(args) {
            Ok(task) => task,
            Err((_, message)) => {
                self.status = 2;
                self.task = None;
                self.script_error(out, at, format!("{message}\n"), 0);
                return None;
            }
        };
        let first = self.task.as_ref().is_none_or(|t| t.index != self.current);
        if first {
            // The learner's turn. A question asked some time ago has been watched by now; one
            // asked just before predicts what this task's action will do, so it waits.
            if now > self.asked_ms {
                self.reveal(out);
            }
            out.push(Entry::Task {
                line: at.line,
                text: task.text.clone(),
                condition: written_condition(written).unwrap_or(task.condition_text.clone()),
            });
            let baseline = match self.until_of(&task).baseline(world) {
                Ok(baseline) => baseline,
                Err(message) => {
                    self.status = 2;
                    self.script_error(out, at, format!("task: {message}\n"), 0);
                    return None;
                }
            };
            self.task = Some(TaskInProgress {
                index: self.current,
                task: task.clone(),
                baseline,
                started_ms: now,
                deadline_ms: None,
            });
        }
        let doing = self.task.clone()?;
        match self.until_of(&task).holds(&doing.baseline, world) {
            Ok(true) => {
                self.status = 0;
                self.task = None;
                out.push(Entry::TaskDone {
                    text: doing.task.text,
                    after_ms: now.saturating_sub(doing.started_ms),
                });
                None
            }
            Ok(false) if doing.deadline_ms.is_some_and(|deadline| now >= deadline) => {
                self.status = 1;
                self.task = None;
                let how = match &doing.task.show {
                    Some(line) => format!("its --show line ({line}) did not make it true"),
                    None => "nobody does a task here: give it --show".to_string(),
                };
                let message = format!(
                    "task '{}': '{}' did not happen within {} ({how})\n",
                    doing.task.text,
                    doing.task.condition_text,
                    crate::script::duration::human(DEFAULT_TIMEOUT_MS)
                );
                self.script_error(out, at, message, 0);
                None
            }
            Ok(false) => {
                self.waiting = Some(Waiting::Task(TaskWaiting {
                    text: doing.task.text.clone(),
                    hint: doing
                        .task
                        .hint
                        .clone()
                        .map(|(ms, hint)| (doing.started_ms.saturating_add(ms), hint)),
                    show: doing.task.show.clone(),
                    started_ms: doing.started_ms,
                }));
                // Run this statement again at the next check.
                if self.current.is_some() {
                    self.next -= 1;
                }
                let until_ms = now.saturating_add(DEFAULT_EVERY_MS);
                Some(Pause::Wait {
                    until_ms: doing.deadline_ms.map_or(until_ms, |d| until_ms.min(d)),
                })
            }
            Err(message) => {
                self.status = 2;
                self.task = None;
                self.script_error(out, at, format!("task: {message}\n"), 0);
                None
            }
        }
    }

    /// The condition of `task` as a `wait until` checks it.
    fn until_of(&self, task: &Task) -> Until {
        Until {
            condition: task.condition.clone(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
            every_ms: DEFAULT_EVERY_MS,
        }
    }

    /// Where nobody clicks: does the task under way the way "Show me" would, at once (its
    /// `--show` line, in the transcript as any command), and gives its condition ten
    /// simulated minutes to hold. `false` when there is no task under way or it was shown
    /// already.
    pub fn show_task(&mut self, world: &mut World, out: &mut Vec<Entry>) -> bool {
        let Some(doing) = self.task.as_mut().filter(|t| t.deadline_ms.is_none()) else {
            return false;
        };
        doing.deadline_ms = Some(world.now_ms().saturating_add(DEFAULT_TIMEOUT_MS));
        let (show, index) = (doing.task.show.clone(), doing.index);
        let line = index
            .and_then(|i| self.statements.get(i))
            .map_or(0, |statement| statement.line);
        if let Some(Ok(Some(mut statement))) = show.as_deref().map(parse_line) {
            statement.line = line;
            if let Action::Run(command) = &mut statement.action {
                command.text = statement.text.clone();
            }
            let started = self.started_ms.unwrap_or_else(|| world.now_ms());
            // The line runs as a command of its own, shown as one (the task's statement is
            // the one being run, so its own echo is off); the task's check comes after it.
            out.push(Entry::Command {
                line,
                text: statement.text.clone(),
            });
            let waiting = self.waiting.clone();
            let _ = self.execute(&statement, started, world, out);
            self.waiting = waiting;
        }
        true
    }

    /// The task under way, if the script is at one (what "Show me" runs, and the hint).
    pub fn task_waiting(&self) -> Option<&TaskWaiting> {
        match &self.waiting {
            Some(Waiting::Task(task)) => Some(task),
            _ => None,
        }
    }

    /// `point KIND NAME`: the element exists now, and the transcript says to look at it.
    pub(super) fn point(&mut self, at: Spot, args: &[String], world: &World, out: &mut Vec<Entry>) {
        let read = play_commands::point(args)
            .map_err(|(_, message)| message)
            .and_then(|(kind, name)| {
                crate::script::pointing::exists(world, kind, &name).map(|_| (kind, name))
            });
        match read {
            Ok((kind, name)) => {
                self.status = 0;
                out.push(Entry::Point {
                    what: kind.to_string(),
                    name,
                });
            }
            Err(message) => {
                self.status = 2;
                self.script_error(out, at, format!("{message}\n"), 0);
            }
        }
    }

    /// `show PANEL...` or `show all`.
    pub(super) fn show(&mut self, at: Spot, args: &[String], out: &mut Vec<Entry>) {
        match play_commands::show(args) {
            Ok(panels) => {
                self.status = 0;
                out.push(Entry::Show { panels });
            }
            Err((_, message)) => {
                self.status = 2;
                self.script_error(out, at, format!("{message}\n"), 0);
            }
        }
    }
}

/// A task's condition as written (a `$(...)` as it is, not what it printed when the task
/// began): what follows `until`, up to the task's options.
fn written_condition(command: &str) -> Option<String> {
    let (_, rest) = command.split_once(" until ")?;
    let end = [" --hint-after ", " --show "]
        .iter()
        .filter_map(|option| rest.find(option))
        .min()
        .unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
}
