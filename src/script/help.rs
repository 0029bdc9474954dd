//! `help [COMMAND [SUBCOMMAND ...]]`: the language explained from its own command table.
//!
//! Generated rather than written, so it cannot drift from what the commands accept: the
//! simulator's commands are printed from [`super::grammar`], the `aws kinesis` commands from
//! the options the CLI derives from the engine's request shapes ([`super::aws_cli`]). `help`
//! lists the commands, `help producer` a command's subcommands with their words and options
//! (what kind of value each takes, and whether it is required), `help aws put-record` (or
//! `help aws kinesis put-record`) a CLI command's options. A command that changes the world
//! says so, since a check (`expect`, `wait until`) may not run it.

use super::aws_cli::{self, CliOption, Kind};
use super::grammar::{self, one_of, Arg, Command, Effect, Opt, Syntax, Value};
use super::suggest::did_you_mean;
use super::Outcome;

/// Runs `help` with the words after it.
pub fn run(words: &[String]) -> Outcome {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let text = match words.split_first() {
        None => Ok(overview()),
        Some((&"aws", rest)) => aws(rest),
        Some((name, path)) => match grammar::command_named(name) {
            Some(command) => subcommand(command, path).map(|(found, parent, names)| {
                let path = names.join(" ");
                let mut page = Page::default();
                page.line(&format!("{path}: {}", found.help));
                page.describe(&path, found, parent, true);
                page.finish()
            }),
            None => Err(unknown("command", name, grammar::command_names())),
        },
    };
    match text {
        Ok(text) => Outcome::success(text),
        Err(message) => Outcome::misread(2, format!("help: {message}\n"), 0),
    }
}

/// `there is no command 'x'; did you mean 'y'?`
fn unknown(what: &str, name: &str, known: Vec<&str>) -> String {
    let hint = match did_you_mean(name, known.iter().copied()) {
        Some(close) => format!("did you mean '{close}'?"),
        None => format!("there are: {}", known.join(", ")),
    };
    format!("there is no {what} '{name}'; {hint}")
}

/// The command `path` names under `command`, its parent, and the words naming it.
fn subcommand<'a>(
    command: &'static Command,
    path: &[&'a str],
) -> Result<(&'static Command, Option<&'static Command>, Vec<&'a str>), String> {
    let mut found = command;
    let mut parent = None;
    let mut names = vec![command.name];
    for name in path {
        let Some(sub) = found.subcommand(name) else {
            let known = found.subcommand_names();
            let whole = names.join(" ");
            if known.is_empty() {
                return Err(format!("{whole} has no subcommands"));
            }
            return Err(unknown(&format!("{whole} subcommand"), name, known));
        };
        parent = Some(found);
        found = sub;
        names.push(name);
    }
    Ok((found, parent, names))
}

/// `help`: every command and its line of help.
fn overview() -> String {
    let mut page = Page::default();
    page.line("The scenario language's commands (help COMMAND tells more):");
    let lines: Vec<(String, String)> = grammar::COMMANDS
        .iter()
        .map(|c| (c.name.to_string(), c.help.to_string()))
        .collect();
    page.aligned("  ", &lines);
    page.line("Variables: NAME=value, NAME=$(command), $NAME, ${NAME}, $? (the last status).");
    page.line(&format!("  {SUBSTITUTION}"));
    page.line(&format!(
        "The console imitates {IMITATES} (help aws tells more)."
    ));
    page.finish()
}

/// Which CLI the console imitates, as help and the page say it.
pub const IMITATES: &str = "AWS CLI v1 (1.x) by default; sim cli v2 switches to AWS CLI v2 (2.x)";

/// How `$(...)` differs from a real shell.
const SUBSTITUTION: &str = "A $(...) whose output is a JSON string (a --query of a string) gives the bare string here; a real shell keeps the quotes, and there --output text gives the bare value.";

/// What changes under `sim cli v2`, for `help aws`.
const V2: &[&str] = &[
    "AWS CLI v1, byte for byte: an error is a blank line then the message on stderr, exit 255",
    "(argparse's usage errors: 2); --data is raw text. Throttling and server errors are retried",
    "as the CLI retries them, in simulated time: 4 retries, at most 15 s (v2: 2, at most 3 s).",
    "Under sim cli v2, AWS CLI v2: --data is base64 unless --cli-binary-format raw-in-base64-out;",
    "messages follow \"aws: [ERROR]: \"; service errors exit 254, usage and parameter errors 252;",
    "timestamps print in ISO 8601.",
];

/// What an option's line adds about its value: the choices its placeholder does not show.
fn choices(flag: &str, value: Value) -> String {
    match value {
        Value::OneOf(words) | Value::Forms(words) if value.placeholder(flag) != words.join("|") => {
            format!(": {}", one_of(words))
        }
        _ => String::new(),
    }
}

/// A page of help being written, with the placeholders it used (explained at its end).
#[derive(Default)]
struct Page {
    text: String,
    durations: bool,
    times: bool,
    /// The `WORD: what it is` lines written so far.
    explained: Vec<String>,
}

impl Page {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn aligned(&mut self, indent: &str, lines: &[(String, String)]) {
        let width = lines.iter().map(|(head, _)| head.len()).max().unwrap_or(0);
        for (head, text) in lines {
            self.line(&format!("{indent}{head:width$}  {text}"));
        }
    }

    /// The page, with what its options' `DURATION` and `TIME` are, unless it said so.
    fn finish(mut self) -> String {
        let legend = [
            (self.durations, "DURATION", Value::Duration),
            (self.times, "TIME", Value::Timestamp),
        ];
        for (used, name, value) in legend {
            let line = format!("{name}: {}", value.describe());
            if used && !self.explained.contains(&line) {
                self.line(&format!("  {line}"));
            }
        }
        self.text
    }

    /// A command and its subcommands, under the words `path` naming it (its own line of
    /// help is on the page already when it is the `top` one).
    fn describe(&mut self, path: &str, command: &Command, parent: Option<&Command>, top: bool) {
        if command.syntax == Syntax::Condition {
            self.condition(path, command, top);
            return;
        }
        if command.subcommands.is_empty() || !command.words.is_empty() {
            self.line(&format!("  {}", usage(path, command, parent)));
            if !top {
                self.line(&format!("      {}", command.help));
            }
            self.effect(command.effect, "      ");
            self.details(command.words, &command.shown_options(parent));
        }
        for sub in command.subcommands {
            self.describe(&format!("{path} {}", sub.name), sub, Some(command), false);
        }
    }

    /// That a command changes the world, if it does: a check may not run it.
    fn effect(&mut self, effect: Effect, indent: &str) {
        if let Effect::Changes(_) = effect {
            self.line(&format!(
                "{indent}Changes the world: a check (expect, wait until) may not run it."
            ));
        }
    }

    /// The kinds of positional words (those that are not free text) and the options.
    fn details(&mut self, words: &[Arg], options: &[&Opt]) {
        for word in words {
            if word.value != Value::Text && word.literal().is_none() {
                let line = format!("{}: {}", word.name, word.value.describe());
                self.line(&format!("      {line}"));
                self.explained.push(line);
            }
        }
        let lines: Vec<(String, String)> = options
            .iter()
            .map(|option| {
                let required = if option.required { "; required" } else { "" };
                let limits = option
                    .limits
                    .map(|limits| format!(" ({})", limits.describe()))
                    .unwrap_or_default();
                match option.value {
                    Some(value) => {
                        self.durations |= value == Value::Duration;
                        self.times |= value == Value::Timestamp;
                        let then = option
                            .then
                            .map(|(name, _)| format!(" {name}"))
                            .unwrap_or_default();
                        (
                            format!("{} {}{then}", option.flag, value.placeholder(option.flag)),
                            format!(
                                "{}{limits}{}{required}",
                                option.help,
                                choices(option.flag, value)
                            ),
                        )
                    }
                    None => (
                        option.flag.to_string(),
                        format!("{}{required}", option.help),
                    ),
                }
            })
            .collect();
        self.aligned("      ", &lines);
    }

    /// `wait until CONDITION` (and `task WHAT TO DO until CONDITION`): the conditions it
    /// knows are its subcommands, after the words it leads with.
    fn condition(&mut self, path: &str, command: &Command, top: bool) {
        let options: Vec<&Opt> = command.options.iter().collect();
        let flags: Vec<String> = options
            .iter()
            .map(|o| match (o.value, o.then) {
                (Some(value), Some((then, _))) => {
                    format!("[{} {} {then}]", o.flag, value.placeholder(o.flag))
                }
                (Some(value), None) => format!("[{} {}]", o.flag, value.placeholder(o.flag)),
                (None, _) => format!("[{}]", o.flag),
            })
            .collect();
        let lead: Vec<String> = command.lead.iter().map(Arg::usage).collect();
        let head = std::iter::once(path.to_string())
            .chain(lead)
            .collect::<Vec<_>>()
            .join(" ");
        self.line(&format!("  {head} CONDITION {}", flags.join(" ")));
        if !top {
            self.line(&format!("      {}", command.help));
        }
        self.line("      CONDITION is one of:");
        let mut forms: Vec<(String, String)> = command
            .subcommands
            .iter()
            .map(|form| (usage(form.name, form, None), form.help.to_string()))
            .collect();
        let compare = usage("", command, None)
            .trim_start()
            .trim_end_matches(" [options]")
            .to_string();
        forms.push((compare, "compare two values, as expect does".to_string()));
        self.aligned("        ", &forms);
        let mut words: Vec<Arg> = command.words.to_vec();
        for form in command.subcommands {
            for word in form.words {
                if !words.iter().any(|w| w.name == word.name) {
                    words.push(*word);
                }
            }
        }
        self.details(&words, &options);
    }
}

/// `producer add NAME --stream STREAM --rate N [options]`.
fn usage(path: &str, command: &Command, parent: Option<&Command>) -> String {
    let mut line = path.to_string();
    for word in command.words {
        line.push(' ');
        line.push_str(&word.usage());
    }
    let options = command.shown_options(parent);
    for option in options.iter().filter(|o| o.required) {
        line.push(' ');
        line.push_str(option.flag);
        if let Some(value) = option.value {
            line.push(' ');
            line.push_str(&value.placeholder(option.flag));
        }
    }
    if options.iter().any(|o| !o.required) {
        line.push_str(" [options]");
    }
    line
}

// ------------------------------------------------------------------ aws kinesis

/// `help aws`, `help aws [kinesis] COMMAND`.
fn aws(words: &[&str]) -> Result<String, String> {
    let words = match words {
        ["kinesis", rest @ ..] => rest,
        _ => words,
    };
    match words {
        [] => Ok(aws_overview()),
        ["wait", ..] => {
            let mut page = Page::default();
            let mut line = format!("aws kinesis wait {}", aws_cli::WAITERS.join("|"));
            for option in aws_cli::waiter_options() {
                line.push_str(&format!(" {}", option.flag));
                if let Some(value) = option.value {
                    line.push_str(&format!(" {}", value.placeholder(&option.flag)));
                }
            }
            page.line(&line);
            page.line(
                "      checks every 10 s (18 times at most) until the stream is ACTIVE, or gone",
            );
            Ok(page.finish())
        }
        [name] => match aws_cli::find(name) {
            Some((command, options)) => Ok(aws_command(command, options)),
            None => Err(unknown(
                "aws kinesis command",
                name,
                aws_cli::command_names(),
            )),
        },
        [name, ..] => Err(format!("aws kinesis {name} has no subcommands")),
    }
}

fn aws_overview() -> String {
    let mut page = Page::default();
    page.line("aws kinesis: the AWS CLI's Kinesis commands (help aws COMMAND lists its options)");
    let mut lines: Vec<(String, String)> = aws_cli::table()
        .iter()
        .map(|(command, _)| {
            (
                command.name.to_string(),
                format!("{} ({})", command.help, command.action),
            )
        })
        .collect();
    lines.push((
        "wait".to_string(),
        format!(
            "{}: wait until a stream is ACTIVE, or gone",
            aws_cli::WAITERS.join(" or ")
        ),
    ));
    page.aligned("  ", &lines);
    page.line("Every command also takes the CLI's global options:");
    let globals: Vec<&Opt> = aws_cli::GLOBAL.iter().collect();
    page.details(&[], &globals);
    page.line(&format!("The console imitates {IMITATES}:"));
    for line in V2 {
        page.line(&format!("  {line}"));
    }
    page.line(&format!("  {SUBSTITUTION}"));
    page.finish()
}

fn aws_command(command: &aws_cli::CliCommand, options: &[CliOption]) -> String {
    let mut page = Page::default();
    page.line(&format!(
        "aws kinesis {}: {} (the {} action)",
        command.name, command.help, command.action
    ));
    page.effect(command.effect, "  ");
    let lines: Vec<(String, String)> = options
        .iter()
        .filter(|option| option.documented && option.simulated)
        .map(|option| {
            let required = if option.required { "; required" } else { "" };
            let head = match (option.kind, option.value) {
                (Kind::Bool, _) | (_, None) => format!("--[no-]{}", &option.flag[2..]),
                (_, Some(value)) => {
                    page.durations |= value == Value::Duration;
                    page.times |= value == Value::Timestamp;
                    format!("{} {}", option.flag, value.placeholder(&option.flag))
                }
            };
            let what = match option.flag.as_str() {
                "--starting-token" => "where to go on from: the NextToken --max-items printed",
                "--page-size" => "items asked for per call (all pages are still fetched)",
                "--max-items" => "print at most this many items, and a NextToken",
                "--cli-input-json" => "the request as JSON; the options given win",
                _ => option.member,
            };
            (head, format!("{what}{}{required}", cli_kind(option)))
        })
        .collect();
    page.aligned("  ", &lines);
    let others: Vec<&str> = options
        .iter()
        .filter(|option| option.documented && !option.simulated)
        .map(|option| option.flag.as_str())
        .collect();
    if !others.is_empty() {
        page.line(&format!(
            "  The real CLI also takes {}, which Shardlab does not simulate.",
            others.join(", ")
        ));
    }
    page.line("  and the CLI's global options (help aws lists them)");
    if let Some(note) = command.note {
        page.line(note);
    }
    page.finish()
}

/// What a CLI option's text is, where its placeholder does not say.
fn cli_kind(option: &CliOption) -> String {
    match (option.kind, option.value) {
        (Kind::Blob, _) => {
            ": raw text (AWS CLI v1); base64 under sim cli v2, unless --cli-binary-format raw-in-base64-out"
                .to_string()
        }
        (Kind::List, _) => {
            ": Data=...,PartitionKey=... for each record, or a JSON list".to_string()
        }
        (Kind::Struct, Some(Value::OneOf(forms))) => {
            format!(": Key=value,... or JSON, such as {}", one_of(forms))
        }
        (Kind::Struct, _) => ": Key=value,... or JSON".to_string(),
        (_, Some(value)) => choices(&option.flag, value),
        (_, None) => String::new(),
    }
}
