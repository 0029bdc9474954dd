//! `aws kinesis ...`: the AWS CLI in front of the engine, byte for byte.
//!
//! A learner copies what the console prints into real scripts and real answers into the
//! console, so every byte is the real CLI's: AWS CLI v1 (aws-cli 1.46.3, botocore 1.43.62)
//! unless the run says `sim cli v2`. The command line goes through the same stages as in
//! the CLI, each in its own file:
//! - `argparse.rs`: Python's argparse as the CLI uses it: the global options, the service
//!   and its operation, then the operation's options (unique prefixes, "ambiguous option",
//!   "Unknown options", "the following arguments are required");
//! - `commands.rs` and `model.rs`: the options, from the CLI's own copy of the API model;
//! - `operation.rs`: turning the words into parameters as awscli's `argprocess.py` does
//!   (`int()`, shorthand and JSON structures, blobs), botocore's client-side validation
//!   (`validate.rs`: "Parameter validation failed"), the call, and the waiters;
//! - `retry.rs`: botocore's retries of throttling and server errors, with the backoff
//!   taken in simulated time;
//! - `paginate.rs`: botocore's response parser (members in the model's order, nulls
//!   dropped) and its paginators, and the CLI's formatters (`--query` on the whole result,
//!   or page by page with `--output text`).
//!
//! What the CLI prints when something goes wrong, and the exit status, depend on the class
//! of the error ([`Failure`]) and the version: v1 writes a blank line and the message to
//! stderr and exits with 255 (awscli/clidriver.py `main`, awscli/utils.py
//! `write_exception`), or argparse's usage and `aws: error: ...` with 2; v2 writes
//! `aws: [ERROR]: ...` and exits with 254 for a service error, 252 for a usage or parameter
//! error, 255 for the rest (aws-cli v2 awscli/errorhandler.py, awscli/errorformat.py,
//! awscli/constants.py).

use super::Outcome;
pub use crate::sim::CliVersion;
use crate::sim::World;

mod argparse;
mod commands;
mod model;
mod operation;
mod paginate;
mod retry;
mod shorthand;
mod validate;

pub use commands::{
    command_names, effect, is_switch, option_names, option_value, waiter_option_names, WAITERS,
};
pub(crate) use commands::{find, table, waiter_options, CliCommand, CliOption, Kind, GLOBAL};

pub(crate) use argparse::{py_repr, python_int};
use argparse::{Arg, Nargs, Parser};
use model::GlobalKind;

/// The note aws-cli 1.x puts in front of its usage (awscli/argparser.py `USAGE`), after a
/// carriage return: a terminal shows it over the "usage: " argparse writes first.
const V2_NOTE: &str = "Note: AWS CLI version 2, the latest major version of the AWS CLI, is now stable and recommended for general use. For more information, see the AWS CLI version 2 installation instructions at: https://docs.aws.amazon.com/cli/latest/userguide/install-cliv2.html";

/// awscli/argparser.py `USAGE` without the v1 note, and `HELP_BLURB`.
const USAGE: &str = "aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n";

/// argparse's `format_usage()` of the CLI's parsers, as each version sets `usage`.
fn usage(version: CliVersion) -> String {
    match version {
        CliVersion::V1 => format!("usage: \r{V2_NOTE}\n\nusage: {USAGE}"),
        CliVersion::V2 => format!("usage: {USAGE}"),
    }
}

/// Why a command failed, by the CLI's classes of errors: each is printed, and numbered, its
/// own way. All but a service error and a run that went wrong ([`Failure::Runtime`]) are the
/// script's own mistakes (see [`Outcome::script_error`]): the CLI did not understand the
/// command as written, and nothing was asked of the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// argparse's own error: a missing value, an ambiguous option, an invalid choice.
    Usage(String),
    /// Words no option took (`UnknownArgumentError`): `Unknown options: --bogus, 1`.
    Unknown(Vec<String>),
    /// Botocore's "Parameter validation failed", awscli's "Error parsing parameter" and a bad
    /// `--query` (one class in v2: `ParamValidationErrorsHandler`).
    Param(String),
    /// The service's answer (`ClientError`), and the retries made when the CLI gave up on
    /// an error it retries (see `retry.rs`).
    Service {
        code: String,
        action: String,
        message: String,
        max_retries_reached: Option<u32>,
    },
    /// A command understood and sent that went wrong on the way: a waiter that gave up, a
    /// paginator given the same token twice. Printed as [`Failure::General`], but part of
    /// the scenario, as a service error is.
    Runtime(String),
    /// Anything else (a Python `ValueError`, what Shardlab leaves out).
    General(String),
}

impl Failure {
    /// What the CLI writes to stderr and the status it exits with.
    pub(crate) fn outcome(self, version: CliVersion) -> Outcome {
        // aws-cli v2 awscli/errorformat.py `write_error`: a blank line, `aws: [ERROR]: `,
        // the message stripped of surrounding whitespace.
        let v2 = |message: &str| format!("\naws: [ERROR]: {}\n", message.trim());
        // A script error, its message at `at`: after the usage, or the blank line, before it.
        let misread = |status: i32, text: String, at: usize| Outcome::misread(status, text, at);
        match (version, self) {
            (CliVersion::V1, Failure::Usage(message)) => {
                let usage = usage(version);
                let at = usage.len();
                misread(2, format!("{usage}aws: error: {message}\n"), at)
            }
            (CliVersion::V2, Failure::Usage(message)) => {
                // argparser.py `CLIArgParser.error` raises ArgParseException(message, usage),
                // which errorhandler.py reports as a ParamValidation error.
                let text = format!("{message}\n\n{}", usage(version));
                misread(
                    252,
                    v2(&format!("An error occurred (ParamValidation): {text}")),
                    1,
                )
            }
            (CliVersion::V1, Failure::Unknown(words)) => {
                let head = format!("usage: {}\n", &usage(version)["usage: ".len()..]);
                let at = head.len();
                misread(
                    255,
                    format!("{head}Unknown options: {}\n", words.join(", ")),
                    at,
                )
            }
            (CliVersion::V2, Failure::Unknown(words)) => {
                let head = format!("\n{}\n", usage(version));
                let at = head.len() + 1;
                misread(
                    252,
                    format!(
                        "{head}{}",
                        v2(&format!("Unknown options: {}", words.join(", ")))
                    ),
                    at,
                )
            }
            (CliVersion::V1, Failure::Param(message) | Failure::General(message)) => {
                misread(255, format!("\n{message}\n"), 1)
            }
            (CliVersion::V1, Failure::Runtime(message)) => {
                Outcome::failure(255, format!("\n{message}\n"))
            }
            (CliVersion::V2, Failure::Param(message)) => misread(
                252,
                v2(&format!("An error occurred (ParamValidation): {message}")),
                1,
            ),
            (CliVersion::V2, Failure::General(message)) => misread(255, v2(&message), 1),
            (CliVersion::V2, Failure::Runtime(message)) => Outcome::failure(255, v2(&message)),
            (
                version,
                Failure::Service {
                    code,
                    action,
                    message,
                    max_retries_reached,
                },
            ) => {
                // botocore/exceptions.py `ClientError.MSG_TEMPLATE` and `_get_retry_info`.
                let retry_info = match max_retries_reached {
                    Some(retries) => format!(" (reached max retries: {retries})"),
                    None => String::new(),
                };
                let text = format!(
                    "An error occurred ({code}) when calling the {action} operation{retry_info}: {message}"
                );
                match version {
                    CliVersion::V1 => Outcome::failure(255, format!("\n{text}\n")),
                    CliVersion::V2 => Outcome::failure(254, v2(&text)),
                }
            }
        }
    }
}

/// The global options of the version's main parser (`awscli/data/cli.json`), then its
/// `command` positional.
fn global_args(version: CliVersion) -> Vec<Arg> {
    let options = match version {
        CliVersion::V1 => model::GLOBAL_OPTIONS,
        CliVersion::V2 => model::GLOBAL_OPTIONS_V2,
    };
    let mut args: Vec<Arg> = options
        .iter()
        .map(|&(flag, kind)| {
            let mut arg = Arg::option(
                flag,
                match kind {
                    GlobalKind::Switch => Nargs::Switch(true),
                    _ => Nargs::One,
                },
            );
            arg.dest = flag.to_string();
            match kind {
                GlobalKind::Choice(choices) => {
                    arg.choices = Some(choices.iter().map(|c| c.to_string()).collect());
                }
                GlobalKind::Int => arg.int = true,
                GlobalKind::Value | GlobalKind::Switch => {}
            }
            arg
        })
        .collect();
    args.push(Arg::positional("command", Nargs::One));
    args
}

/// The global options given: what the formatters and the paginators need.
pub(crate) struct Globals {
    pub query: Option<String>,
    pub output: String,
    pub paginate: bool,
    pub binary_base64: bool,
}

/// Runs `aws ...` (the words after `aws`).
pub fn run(world: &mut World, args: &[String]) -> Outcome {
    let version = world.cli_version();
    // What the CLI writes to stderr on the way and goes on (a warning).
    let mut warnings = String::new();
    let mut outcome = match cli(world, args, version, &mut warnings) {
        Ok(stdout) => Outcome::success(stdout),
        Err(failure) => failure.outcome(version),
    };
    outcome.stderr.insert_str(0, &warnings);
    if let Some(at) = &mut outcome.script_error {
        *at += warnings.len();
    }
    outcome
}

fn cli(
    world: &mut World,
    args: &[String],
    version: CliVersion,
    warnings: &mut String,
) -> Result<String, Failure> {
    let main_args = global_args(version);
    let main = Parser {
        args: &main_args,
        version,
    }
    .parse(args)
    .map_err(Failure::Usage)?;
    if main.get("--version").is_some() {
        // argparse's `version` action prints and exits before anything else is looked at.
        return Ok(match version {
            CliVersion::V1 => "aws-cli/1.46.3 (Shardlab's imitation)\n".to_string(),
            CliVersion::V2 => "aws-cli/2.36.7 (Shardlab's imitation)\n".to_string(),
        });
    }
    if main.text("command") != Some("kinesis") {
        let given = main.text("command").unwrap_or_default();
        return Err(Failure::Usage(format!(
            "argument command: Invalid choice '{given}': Shardlab simulates only 'kinesis'"
        )));
    }
    let query = main.text("--query").map(str::to_string);
    if let Some(expression) = &query {
        super::output::compile(expression).map_err(|error| {
            Failure::Param(format!("Bad value for --query {expression}: {error}"))
        })?;
    }
    let output = main.text("--output").unwrap_or("json").to_string();
    if !matches!(output.as_str(), "json" | "text" | "off") {
        return Err(Failure::General(format!(
            "Shardlab prints --output json and text only, not {output}"
        )));
    }
    let globals = Globals {
        query,
        output,
        paginate: main.get("--no-paginate").is_none(),
        binary_base64: version == CliVersion::V2
            && main.text("--cli-binary-format") != Some("raw-in-base64-out"),
    };
    // The service's parser: one positional, the operation.
    let mut operation_arg = Arg::positional("operation", Nargs::One);
    operation_arg.choices = Some(
        model::CLI_OPERATIONS
            .iter()
            .map(|c| c.to_string())
            .collect(),
    );
    let service_args = [operation_arg];
    // `subscribe-to-shard` is Shardlab's: the CLI's choices (and its "Invalid choice" list)
    // leave it out, so it is taken before they are checked.
    let (name, extras) = match main.extras.split_first() {
        Some((first, rest)) if first == SUBSCRIBE => (first.clone(), rest.to_vec()),
        _ => {
            let service = Parser {
                args: &service_args,
                version,
            }
            .parse(&main.extras)
            .map_err(Failure::Usage)?;
            let name = service.text("operation").unwrap_or_default().to_string();
            (name, service.extras)
        }
    };
    let name = name.as_str();
    match name {
        "wait" => operation::wait(world, &extras, &globals, version, warnings),
        "help" => Err(Failure::General(
            "Shardlab's console has no man pages: type help aws, or help aws COMMAND".to_string(),
        )),
        _ => match find(name) {
            Some((command, options)) => operation::run(
                world, command, options, &extras, &globals, version, warnings,
            ),
            None => Err(Failure::General(format!(
                "Shardlab does not simulate aws kinesis {name}"
            ))),
        },
    }
}

/// The command the real CLI leaves out (awscli/customizations/removals.py) and Shardlab's
/// console adds, printing the events of the engine's bounded window (see `SUBSCRIBE_NOTE`).
const SUBSCRIBE: &str = "subscribe-to-shard";

/// Epoch seconds (`1459799926.480`) or ISO 8601 (`2016-04-04T19:58:46.480-00:00`, `...Z`).
pub fn parse_timestamp(text: &str) -> Option<f64> {
    if let Ok(seconds) = text.parse::<f64>() {
        return seconds.is_finite().then_some(seconds);
    }
    let (date, time) = text.split_once(['T', ' ']).unwrap_or((text, "00:00:00"));
    let mut ymd = date.split('-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (ymd.next()??, ymd.next()??, ymd.next()??);
    let (clock, offset_seconds) = match time.rfind(['+', '-', 'Z']) {
        Some(at) if time[at..].starts_with('Z') => (&time[..at], 0),
        Some(at) if at > 0 => {
            let (hours, minutes) = time[at + 1..]
                .split_once(':')
                .unwrap_or((&time[at + 1..], "0"));
            let sign = if time[at..].starts_with('-') { -1 } else { 1 };
            (
                &time[..at],
                sign * (hours.parse::<i64>().ok()? * 3600 + minutes.parse::<i64>().ok()? * 60),
            )
        }
        _ => (time, 0),
    };
    let mut hms = clock.split(':');
    let hours: i64 = hms.next()?.parse().ok()?;
    let minutes: i64 = hms.next().unwrap_or("0").parse().ok()?;
    let seconds: f64 = hms.next().unwrap_or("0").parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hours > 23 || minutes > 59 {
        return None;
    }
    // Days from the civil date (Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + hours * 3600 + minutes * 60 - offset_seconds) as f64 + seconds)
}

#[cfg(test)]
mod tests;
