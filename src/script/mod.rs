//! The scenario language: the `aws kinesis` CLI, simulator commands, time, narration and
//! checks, run the same way in the page's console, in lesson files and on the command line.
//!
//! ```text
//! # comments, 'quotes' and "quotes", a trailing \ continues a line
//! aws kinesis create-stream --stream-name Foo --shard-count 2
//! aws kinesis wait stream-exists --stream-name Foo
//! SHARD=$(aws kinesis put-record --stream-name Foo --partition-key a --data hi --query ShardId)
//! expect $SHARD == shardId-000000000000
//! producer add clicks --stream Foo --rate 1500 --keys hot:user-42:0.9
//! wait 30s
//! say "Shard 1 is throttled."
//! step "Split the hot shard"
//! point shard shardId-000000000001
//! task "Split shard 1" until status Foo UPDATING --show "aws kinesis split-shard ..."
//! recap "A hot key burns one shard; spreading its records cools it."
//! ```
//!
//! A lesson file is such a script with a header (`# title:`, `# summary:`, `# goal:`, see
//! [`header`]); what a script must be beyond each line's words is checked when it is read
//! (`rules.rs`), and a mistake in it is a script error with its line, natively `FILE:LINE:`
//! and `shardlab run`'s exit status 2.

mod args;
pub mod aws_cli;
mod compare;
pub mod complete;
pub mod duration;
pub mod grammar;
pub mod header;
pub mod help;
mod jmespath;
pub mod lessons;
mod observe;
pub mod output;
pub mod parse;
pub mod play_commands;
pub mod pointing;
pub(crate) mod pyjson;
mod rules;
pub mod runner;
mod script_commands;
pub mod sim_commands;
pub mod suggest;
pub mod transcript;
pub mod until;

pub use lessons::{lesson, lessons, Lesson};
pub use parse::{parse_script, Position, ScriptError};
pub use runner::{run_script, Pause, Runner, TaskWaiting, Waiting};
pub use transcript::Entry;

/// What a command printed, and its exit status (`$?`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
    /// `Some(at)` when the command was not understood as written (an unknown command,
    /// subcommand or option, a value it cannot read): a script error, which the script's
    /// author must fix, unlike a service error, which is part of the scenario. Its message
    /// starts at byte `at` of `stderr` (after the usage text the CLI prints before it), where
    /// `shardlab run` puts `FILE:LINE:`.
    pub script_error: Option<usize>,
}

impl Outcome {
    pub fn success(stdout: String) -> Self {
        Outcome {
            stdout,
            stderr: String::new(),
            status: 0,
            script_error: None,
        }
    }

    pub fn failure(status: i32, stderr: String) -> Self {
        Outcome {
            stdout: String::new(),
            stderr,
            status,
            script_error: None,
        }
    }

    /// A command not understood as written (see [`Outcome::script_error`]), its message at
    /// byte `at` of `stderr`.
    pub fn misread(status: i32, stderr: String, at: usize) -> Self {
        Outcome {
            script_error: Some(at.min(stderr.len())),
            ..Outcome::failure(status, stderr)
        }
    }
}
