//! Running console lines as a learner types them and keeping what each printed apart: stdout,
//! stderr and `$?`, the three things the AWS CLI comparison and the retry tests assert on.

use shardlab::script::{Entry, Runner};
use shardlab::sim::World;

/// What one line printed: stdout, stderr, `$?`.
#[derive(Debug, PartialEq, Eq)]
pub struct Printed {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

/// Runs `line` on the console `runner` over `world` and returns what it printed.
pub fn run(world: &mut World, runner: &mut Runner, line: &str) -> Printed {
    let mut entries = Vec::new();
    runner.run_line(line, world, &mut entries);
    let mut printed = Printed {
        stdout: String::new(),
        stderr: String::new(),
        status: runner.status(),
    };
    for entry in entries {
        match entry {
            Entry::Output { text } => printed.stdout.push_str(&text),
            Entry::Error { text } | Entry::ScriptError { text, .. } => {
                printed.stderr.push_str(&text)
            }
            _ => {}
        }
    }
    printed
}
