//! Running scripts against a world: variables, commands, time, narration and checks.
//!
//! A [`Runner`] executes a parsed script statement by statement and stops at the places the
//! page must wait: a `step` (a lesson step, until the learner presses Next) and a `wait` or
//! `at` (until simulated time has moved on). Natively, [`Runner::run_to_end`] simply moves the
//! world's clock and carries on. Everything a script does appears in its transcript as
//! [`Entry`] values, which the native runner prints and the page draws.

use std::collections::BTreeMap;

use super::duration::parse_duration;
use super::header::Header;
use super::parse::{parse_line, parse_script, Action, Command, Part, ScriptError, Statement, Word};
use super::script_commands::{self, Question, TimeWait};
use super::suggest::did_you_mean;
use super::until::Baseline;
use super::{aws_cli, grammar, help, sim_commands, Outcome};
use crate::sim::World;

use super::duration::human;
pub use super::transcript::Entry;

mod lesson;
mod play;
mod waits;

pub use play::TaskWaiting;

/// Why the runner stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pause {
    /// A lesson step begins: show its title, wait for Next.
    Step { number: usize, title: String },
    /// Simulated time must reach `until_ms` before the script goes on.
    Wait { until_ms: u64 },
    /// A question: the simulation holds still until the learner answers.
    Ask {
        question: String,
        choices: Vec<String>,
        /// 1-based.
        answer: usize,
        explanation: String,
    },
    /// The script is over.
    Done,
}

/// What the script waits for while it waits: what the page shows (a countdown and Skip, a
/// fast-forward, the condition waited for).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Waiting {
    /// `wait DURATION`, `sleep` or `at`: simulated time from `from_ms` to `until_ms` (the
    /// world's clock); `fast` for `wait DURATION --fast`, which the page fast-forwards.
    Time {
        from_ms: u64,
        until_ms: u64,
        fast: bool,
    },
    /// `wait until CONDITION`: the condition as written.
    Until { condition: String },
    /// `task`: the learner's turn.
    Task(TaskWaiting),
}

/// Runs one script.
#[derive(Clone, Debug)]
pub struct Runner {
    statements: Vec<Statement>,
    /// The header's `# goal:`, until it has been said (at the start of the first run).
    goal: Option<String>,
    /// The header's goal, kept for the page.
    header_goal: Option<String>,
    next: usize,
    vars: BTreeMap<String, String>,
    status: i32,
    /// Simulated time when the script began (`at 2m` counts from here).
    started_ms: Option<u64>,
    steps: usize,
    pub expects_passed: usize,
    pub expects_failed: usize,
    /// Script errors so far: commands not understood as written, unset variables, malformed
    /// waits and questions (see [`Entry::ScriptError`]).
    pub script_errors: usize,
    /// `aws` commands the service (or a waiter) failed: part of a scenario, counted for
    /// `shardlab run --strict`.
    pub service_errors: usize,
    /// The statement being run (`None` for a console line).
    current: Option<usize>,
    /// A `wait until` in progress.
    until: Option<UntilInProgress>,
    /// What the script waits for, while it waits.
    waiting: Option<Waiting>,
    /// The question asked last, until what happened is said (see `runner/lesson.rs`).
    to_reveal: Option<Question>,
    /// When (world ms) that question was asked: a `task` reveals it only if time has passed
    /// since, for the learner's action is not yet what the question predicts.
    asked_ms: u64,
    /// A `task` under way (see `runner/play.rs`).
    task: Option<play::TaskInProgress>,
    /// A console `wait until` line being checked again as time passes (see
    /// [`Runner::start_line`]).
    pending: Option<Statement>,
}

/// A `wait until` being waited for.
#[derive(Clone, Debug)]
struct UntilInProgress {
    /// The statement it belongs to (`None` for a console line).
    index: Option<usize>,
    baseline: Baseline,
    started_ms: u64,
    deadline_ms: u64,
}

impl Runner {
    pub fn new(source: &str) -> Result<Runner, ScriptError> {
        let goal = Header::read(source).goal().map(str::to_string);
        Ok(Runner {
            statements: parse_script(source)?,
            goal: goal.clone(),
            header_goal: goal,
            next: 0,
            vars: BTreeMap::new(),
            status: 0,
            started_ms: None,
            steps: 0,
            expects_passed: 0,
            expects_failed: 0,
            script_errors: 0,
            service_errors: 0,
            current: None,
            until: None,
            waiting: None,
            to_reveal: None,
            asked_ms: 0,
            task: None,
            pending: None,
        })
    }

    /// A runner for a console: no statements of its own, lines are fed one by one. Its clock
    /// counts from the world's start (`at 2m`, and the times its waits report).
    pub fn console() -> Runner {
        Runner {
            statements: Vec::new(),
            goal: None,
            header_goal: None,
            next: 0,
            vars: BTreeMap::new(),
            status: 0,
            started_ms: Some(crate::sim::START_MS),
            steps: 0,
            expects_passed: 0,
            expects_failed: 0,
            script_errors: 0,
            service_errors: 0,
            current: None,
            until: None,
            waiting: None,
            to_reveal: None,
            asked_ms: 0,
            task: None,
            pending: None,
        }
    }

    /// The titles of the script's `step`s, in order (a lesson's table of contents).
    pub fn step_titles(&self) -> Vec<String> {
        self.statements
            .iter()
            .filter_map(|statement| match &statement.action {
                Action::Run(command)
                    if command.words.first().and_then(Word::literal).as_deref() == Some("step") =>
                {
                    Some(
                        command.words[1..]
                            .iter()
                            .map(|w| w.literal().unwrap_or_else(|| "…".to_string()))
                            .collect::<Vec<_>>()
                            .join(" "),
                    )
                }
                _ => None,
            })
            .collect()
    }

    /// What the script's header says the learner will be able to do (a lesson's `# goal:`).
    pub fn goal(&self) -> Option<&str> {
        self.header_goal.as_deref()
    }

    /// What the script waits for, while [`Runner::run_until_pause`] has returned a wait.
    pub fn waiting(&self) -> Option<&Waiting> {
        self.waiting.as_ref()
    }

    /// `$?` now.
    pub fn status(&self) -> i32 {
        self.status
    }

    pub fn variables(&self) -> &BTreeMap<String, String> {
        &self.vars
    }

    /// Runs statements until a step, a wait or the end.
    pub fn run_until_pause(&mut self, world: &mut World, out: &mut Vec<Entry>) -> Pause {
        let started = *self.started_ms.get_or_insert(world.now_ms());
        if let Some(text) = self.goal.take() {
            out.push(Entry::Goal { text });
        }
        self.waiting = None;
        while let Some(statement) = self.statements.get(self.next).cloned() {
            self.current = Some(self.next);
            self.next += 1;
            if let Some(pause) = self.execute(&statement, started, world, out) {
                return pause;
            }
        }
        self.reveal(out);
        Pause::Done
    }

    /// Runs the whole script, letting simulated time pass at each wait.
    pub fn run_to_end(&mut self, world: &mut World, out: &mut Vec<Entry>) {
        loop {
            match self.run_until_pause(world, out) {
                Pause::Done => return,
                // Natively nobody clicks: a task is done as "Show me" would do it.
                Pause::Wait { .. } if self.show_task(world, out) => {}
                Pause::Wait { until_ms } => world.advance_to(until_ms),
                // Natively nobody answers: the transcript shows the question and its answer.
                Pause::Step { .. } | Pause::Ask { .. } => {}
            }
        }
    }

    /// Runs one line typed at a console; a wait is carried out at once (natively: the page
    /// uses [`Runner::start_line`] and runs the clock over frames instead).
    pub fn run_line(&mut self, line: &str, world: &mut World, out: &mut Vec<Entry>) {
        let mut next = self.start_line(line, world, out);
        while let Some(until_ms) = next {
            world.advance_to(until_ms);
            next = self.resume_line(world, out);
        }
    }

    /// Runs one console line up to the point where it needs simulated time to pass: a
    /// `wait`, `sleep` or `at` returns the moment to run the clock to (`now_ms`), a
    /// `wait until` the moment of its next check. The caller moves the clock there, as slowly
    /// as it likes, then calls [`Runner::resume_line`] until it returns `None`.
    pub fn start_line(
        &mut self,
        line: &str,
        world: &mut World,
        out: &mut Vec<Entry>,
    ) -> Option<u64> {
        let started = *self.started_ms.get_or_insert(world.now_ms());
        self.current = None;
        self.pending = None;
        self.until = None;
        match parse_line(line) {
            Ok(Some(statement)) => match self.execute(&statement, started, world, out) {
                Some(Pause::Wait { until_ms }) => {
                    if self.until.is_some() {
                        self.pending = Some(statement);
                    }
                    Some(until_ms)
                }
                _ => None,
            },
            Ok(None) => None,
            Err(error) => {
                self.status = 2;
                self.script_errors += 1;
                out.push(Entry::ScriptError {
                    line: 0,
                    column: Some(error.position.column),
                    text: format!("{error}\n"),
                    message_at: 0,
                });
                None
            }
        }
    }

    /// Checks a console `wait until` again (the clock reached the moment
    /// [`Runner::start_line`] or the previous call gave); `None` once it holds, times out, or
    /// the line was a plain wait.
    pub fn resume_line(&mut self, world: &mut World, out: &mut Vec<Entry>) -> Option<u64> {
        let statement = self.pending.clone()?;
        let started = *self.started_ms.get_or_insert(world.now_ms());
        self.current = None;
        match self.execute(&statement, started, world, out) {
            Some(Pause::Wait { until_ms }) if self.until.is_some() => Some(until_ms),
            _ => {
                self.pending = None;
                None
            }
        }
    }

    /// When a console `wait until` under way gives up (`now_ms`), if one is.
    pub fn until_deadline(&self) -> Option<u64> {
        self.pending.as_ref()?;
        self.until.as_ref().map(|u| u.deadline_ms)
    }

    /// Forgets a console `wait until` under way (the learner stopped it).
    pub fn cancel_line(&mut self) {
        self.pending = None;
        self.until = None;
    }

    fn execute(
        &mut self,
        statement: &Statement,
        started: u64,
        world: &mut World,
        out: &mut Vec<Entry>,
    ) -> Option<Pause> {
        // A console line has no line number to give.
        let line = if self.current.is_some() {
            statement.line
        } else {
            0
        };
        match &statement.action {
            Action::Assign { name, value } => {
                out.push(Entry::Command {
                    line: statement.line,
                    text: statement.text.clone(),
                });
                let value = self.expand(value, line, true, world, out);
                self.vars.insert(name.clone(), value);
                None
            }
            Action::Run(command) => {
                // Narration is not echoed as a command, nor is each new check of a
                // `wait until`.
                let rechecking = self.until.as_ref().is_some_and(|u| u.index == self.current)
                    || self.task.as_ref().is_some_and(|t| t.index == self.current);
                let quiet = rechecking
                    || matches!(
                        command.words.first().and_then(Word::literal).as_deref(),
                        Some("say" | "step" | "ask" | "recap" | "task" | "point" | "show")
                    );
                if !quiet {
                    out.push(Entry::Command {
                        line: statement.line,
                        text: statement.text.clone(),
                    });
                }
                let words: Vec<String> = command
                    .words
                    .iter()
                    .map(|w| self.expand(w, line, !rechecking, world, out))
                    .collect();
                let at = Spot {
                    line,
                    column: command.words.first().map(|w| w.position.column),
                };
                self.run_words(at, &statement.text, &words, started, world, out)
            }
        }
    }

    /// A word's text, its variables and `$(...)` expanded; an unset variable is a script
    /// error (said once: not at each new check of a `wait until`, where `report` is false).
    fn expand(
        &mut self,
        word: &Word,
        line: usize,
        report: bool,
        world: &mut World,
        out: &mut Vec<Entry>,
    ) -> String {
        let mut text = String::new();
        for part in &word.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Status => text.push_str(&self.status.to_string()),
                Part::Var(name) => match self.vars.get(name) {
                    Some(value) => text.push_str(value),
                    None if report => self.script_error(
                        out,
                        Spot {
                            line,
                            column: Some(word.position.column),
                        },
                        format!("${name} is not set (it expands to nothing)\n"),
                        0,
                    ),
                    None => {}
                },
                Part::Command(command) => {
                    text.push_str(&self.capture(command, line, report, world, out))
                }
            }
        }
        text
    }

    /// Notes a script error at `at`: `text` as printed, its message at byte `message_at`.
    pub(super) fn script_error(
        &mut self,
        out: &mut Vec<Entry>,
        at: Spot,
        text: String,
        message_at: usize,
    ) {
        self.script_errors += 1;
        out.push(Entry::ScriptError {
            line: at.line,
            column: at.column,
            text,
            message_at,
        });
    }

    /// What a command printed on stderr, as a script error when it did not understand its
    /// words; an `aws` command the service failed is counted for `--strict`.
    fn report(&mut self, name: &str, outcome: &Outcome, at: Spot, out: &mut Vec<Entry>) {
        if name == grammar::AWS.name && outcome.status != 0 && outcome.script_error.is_none() {
            self.service_errors += 1;
        }
        if outcome.stderr.is_empty() {
            return;
        }
        match outcome.script_error {
            Some(message_at) => {
                // Only a command that is not found is known to be the line's first word.
                let column = at.column.filter(|_| outcome.status == NOT_FOUND);
                self.script_error(
                    out,
                    Spot { column, ..at },
                    outcome.stderr.clone(),
                    message_at,
                );
            }
            None => out.push(Entry::Error {
                text: outcome.stderr.clone(),
            }),
        }
    }

    /// `$(command)`: runs it and returns its output, without the trailing newline; a JSON
    /// string (what `--query` of a string prints) loses its quotes, as with `--output text`.
    fn capture(
        &mut self,
        command: &Command,
        line: usize,
        report: bool,
        world: &mut World,
        out: &mut Vec<Entry>,
    ) -> String {
        let words: Vec<String> = command
            .words
            .iter()
            .map(|w| self.expand(w, line, report, world, out))
            .collect();
        let outcome = self.dispatch(&words, world);
        self.status = outcome.status;
        if report {
            let at = Spot {
                line,
                column: command.words.first().map(|w| w.position.column),
            };
            let name = words.first().map(String::as_str).unwrap_or_default();
            self.report(name, &outcome, at, out);
        }
        let text = outcome.stdout.trim_end_matches('\n').to_string();
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::String(s)) => s,
            _ => text,
        }
    }

    /// A command that is not about time or narration: its output.
    fn dispatch(&mut self, words: &[String], world: &mut World) -> Outcome {
        let Some(name) = words.first() else {
            return Outcome::success(String::new());
        };
        let args = &words[1..];
        match name.as_str() {
            "aws" => aws_cli::run(world, args),
            "producer" => sim_commands::producer(world, args),
            "consumer" => sim_commands::consumer(world, args),
            "kcl" => sim_commands::kcl(world, args),
            "sim" if args.first().map(String::as_str) == Some("seed") => {
                self.seed(world, &args[1..])
            }
            "sim" => sim_commands::sim(world, args),
            "echo" => Outcome::success(format!("{}\n", args.join(" "))),
            "help" => help::run(args),
            _ => {
                let hint = did_you_mean(name, grammar::command_names())
                    .map(|s| format!("; did you mean '{s}'?"))
                    .unwrap_or_default();
                Outcome::misread(NOT_FOUND, format!("{name}: command not found{hint}\n"), 0)
            }
        }
    }

    /// `sim seed N`: a fresh world with that seed, allowed before anything has happened.
    fn seed(&mut self, world: &mut World, args: &[String]) -> Outcome {
        let Some(seed) = args.first().and_then(|s| s.parse::<u64>().ok()) else {
            return Outcome::misread(2, "sim: sim seed needs a whole number\n".to_string(), 0);
        };
        if !world.is_pristine() {
            return Outcome::misread(
                2,
                "sim: the seed can only be set before anything has happened (put sim seed first)\n"
                    .to_string(),
                0,
            );
        }
        let cli = world.cli_version();
        *world = World::with_config(seed, world.kinesis().config().clone());
        world.set_cli_version(cli);
        self.started_ms = Some(world.now_ms());
        Outcome::success(String::new())
    }

    fn run_words(
        &mut self,
        at: Spot,
        text: &str,
        words: &[String],
        started: u64,
        world: &mut World,
        out: &mut Vec<Entry>,
    ) -> Option<Pause> {
        let name = words.first()?.as_str();
        let args = &words[1..];
        let now = world.now_ms();
        match name {
            "say" => {
                out.push(Entry::Say {
                    text: args.join(" "),
                });
                None
            }
            "recap" => {
                // The lesson's end: what happened last is said first, and nothing runs after.
                self.reveal(out);
                out.push(Entry::Recap {
                    text: args.join(" "),
                });
                self.next = self.statements.len();
                None
            }
            "step" => {
                self.reveal(out);
                self.steps += 1;
                let title = args.join(" ");
                out.push(Entry::Step {
                    number: self.steps,
                    title: title.clone(),
                });
                Some(Pause::Step {
                    number: self.steps,
                    title,
                })
            }
            "wait" if args.first().map(String::as_str) == Some("until") => {
                self.wait_until(at.line_only(), text, &args[1..], world, out)
            }
            "ask" => self.ask(at.line_only(), args, now, out),
            "task" => self.task(at.line_only(), text, args, world, out),
            "point" => {
                self.point(at.line_only(), args, world, out);
                None
            }
            "show" => {
                self.show(at.line_only(), args, out);
                None
            }
            "wait" | "sleep" => match script_commands::pause(name, args) {
                Ok(TimeWait { ms, fast }) => {
                    self.status = 0;
                    let until_ms = now.saturating_add(ms);
                    if fast {
                        out.push(Entry::FastForward { ms });
                    }
                    out.push(Entry::Waited {
                        ms,
                        now_ms: until_ms.saturating_sub(started),
                    });
                    self.waiting = Some(Waiting::Time {
                        from_ms: now,
                        until_ms,
                        fast,
                    });
                    Some(Pause::Wait { until_ms })
                }
                Err(message) => {
                    self.status = 2;
                    self.script_error(out, at.line_only(), format!("{message}\n"), 0);
                    None
                }
            },
            "at" => {
                let at = at.line_only();
                let read = script_commands::at(args)
                    .and_then(|time| parse_duration(time).map(|ms| (time, ms)));
                match read {
                    Ok((time, ms)) => {
                        let until_ms = started.saturating_add(ms);
                        if until_ms < now {
                            let message = format!(
                                "at {time} is already past (it is {} since the start)\n",
                                human(now - started)
                            );
                            self.script_error(out, at, message, 0);
                            None
                        } else {
                            out.push(Entry::Waited {
                                ms: until_ms - now,
                                now_ms: ms,
                            });
                            self.waiting = Some(Waiting::Time {
                                from_ms: now,
                                until_ms,
                                fast: false,
                            });
                            Some(Pause::Wait { until_ms })
                        }
                    }
                    Err(message) => {
                        self.status = 2;
                        self.script_error(out, at, format!("{message}\n"), 0);
                        None
                    }
                }
            }
            "expect" => {
                self.expect(at.line, text, args, out);
                None
            }
            _ => {
                let outcome = self.dispatch(words, world);
                self.status = outcome.status;
                if !outcome.stdout.is_empty() {
                    out.push(Entry::Output {
                        text: outcome.stdout.clone(),
                    });
                }
                self.report(name, &outcome, at, out);
                None
            }
        }
    }
}

/// Where in the script a command is: its line (0 for a console line) and, where it is
/// known, the column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Spot {
    pub line: usize,
    pub column: Option<usize>,
}

impl Spot {
    /// The line alone, for an error about the command as a whole, not one of its words.
    pub fn line_only(self) -> Spot {
        Spot {
            column: None,
            ..self
        }
    }
}

/// The status of a command that is not found, as in a shell.
const NOT_FOUND: i32 = 127;

/// `line 7: text`, or the text alone for a console line (line 0).
fn located(line: usize, text: &str) -> String {
    if line > 0 {
        format!("line {line}: {text}")
    } else {
        text.to_string()
    }
}

/// Runs a whole script on a fresh world (seed 1 unless the script sets one) and returns the
/// transcript, or the parse error.
pub fn run_script(source: &str) -> Result<(World, Runner, Vec<Entry>), ScriptError> {
    let mut runner = Runner::new(source)?;
    let mut world = World::new(1);
    let mut out = Vec::new();
    runner.run_to_end(&mut world, &mut out);
    Ok((world, runner, out))
}
