//! `shardlab run --per-command FILE...`: each command of a script with exactly what it wrote
//! to standard output and standard error, and its exit status.
//!
//! Why: a transcript (`shardlab run`) is written for people; it interleaves commands, output
//! and narration, and shows no exit codes. To compare the console byte for byte with the real
//! AWS CLI run by bash (`scripts/cli-compare`), each command's three results must be apart
//! and exact. One JSON object a line, so any byte (a trailing newline, a blank line before an
//! error) survives:
//!
//! ```text
//! {"script":"a.sh","line":3,"command":"aws kinesis list-streams","stdout":"{\n    \"StreamNames\": []\n}\n","stderr":"","exit":0}
//! ```
//!
//! `line` is where the command begins (continued lines are joined into `command`, as bash
//! joins them); comments and blank lines are not commands. `stdout` is what the command
//! printed (the console's output text), `stderr` its error text (the console shows it too, in
//! its error colour), `exit` the `$?` it leaves. A command's `$(...)` substitutions print
//! their error text with it, as in a shell. What only the simulator prints (`… 3 s passed`
//! after a `sleep`, narration, checks) is neither. Each script runs on a fresh world, the
//! same as `shardlab run`.

use std::io::Write;

use serde_json::json;
use shardlab::script::{parse_script, Entry, Runner};
use shardlab::sim::World;

/// Runs each file; 0 when every file could be read and parsed, 1 otherwise.
pub fn run(files: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut code = 0;
    for file in files {
        let source = match std::fs::read_to_string(file) {
            Ok(source) => source,
            Err(e) => {
                let _ = writeln!(err, "shardlab: cannot read {file}: {e}");
                code = 1;
                continue;
            }
        };
        let statements = match parse_script(&source) {
            Ok(statements) => statements,
            Err(error) => {
                let _ = writeln!(err, "{file}: {error}");
                code = 1;
                continue;
            }
        };
        let mut world = World::new(1);
        let mut runner = Runner::console();
        for statement in statements {
            let mut entries = Vec::new();
            runner.run_line(&statement.text, &mut world, &mut entries);
            let (mut stdout, mut stderr) = (String::new(), String::new());
            for entry in &entries {
                match entry {
                    Entry::Output { text } => stdout.push_str(text),
                    Entry::Error { text } | Entry::ScriptError { text, .. } => {
                        stderr.push_str(text)
                    }
                    _ => {}
                }
            }
            let record = json!({
                "script": file,
                "line": statement.line,
                "command": statement.text,
                "stdout": stdout,
                "stderr": stderr,
                "exit": runner.status(),
            });
            if writeln!(out, "{record}").is_err() {
                return 1;
            }
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn records(source: &str) -> (u8, Vec<Value>, String) {
        let path = std::env::temp_dir().join(format!(
            "shardlab-per-command-{}-{}.sh",
            std::process::id(),
            source.len()
        ));
        std::fs::write(&path, source).unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&[path.display().to_string()], &mut out, &mut err);
        let _ = std::fs::remove_file(&path);
        let records = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        (code, records, String::from_utf8(err).unwrap())
    }

    #[test]
    fn each_command_has_its_own_stdout_stderr_and_exit_code() {
        let (code, records, _) = records(
            "# a comment is not a command\n\
             aws kinesis create-stream --stream-name Foo --shard-count 1\n\
             \n\
             sleep 3\n\
             aws kinesis list-streams \\\n  --no-paginate --query StreamNames\n\
             aws kinesis describe-stream --stream-name Nope\n\
             echo $?\n\
             X=$(aws kinesis describe-stream --stream-name Nope)\n",
        );
        assert_eq!(code, 0);
        let lines: Vec<u64> = records
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, [2, 4, 5, 7, 8, 9], "{records:?}");
        assert_eq!(records[0]["stdout"], "");
        assert_eq!(records[0]["exit"], 0);
        // Simulated time passed, but a sleep prints nothing, as in a shell.
        assert_eq!(records[1]["command"], "sleep 3");
        assert_eq!(
            (&records[1]["stdout"], &records[1]["stderr"]),
            (&json!(""), &json!(""))
        );
        // A continued line is one command, joined.
        assert_eq!(
            records[2]["command"],
            "aws kinesis list-streams   --no-paginate --query StreamNames"
        );
        assert_eq!(records[2]["stdout"], "[\n    \"Foo\"\n]\n");
        let failed = &records[3];
        assert_eq!(failed["stdout"], "");
        assert!(
            failed["stderr"]
                .as_str()
                .unwrap()
                .contains("(ResourceNotFoundException) when calling the DescribeStream operation"),
            "{failed}"
        );
        assert_ne!(failed["exit"], 0);
        // $? is the previous command's code; echo itself succeeds.
        assert_eq!(records[4]["stdout"], format!("{}\n", failed["exit"]));
        assert_eq!(records[4]["exit"], 0);
        // A substitution's error text is the assignment's stderr, its code the assignment's.
        assert_eq!(records[5]["stderr"], failed["stderr"]);
        assert_eq!(records[5]["exit"], failed["exit"]);
    }

    #[test]
    fn a_script_that_does_not_parse_is_an_error_with_no_records() {
        let (code, records, err) = records("aws kinesis list-streams 'unclosed\n");
        assert_eq!(code, 1);
        assert!(records.is_empty());
        assert!(err.contains("line 1"), "{err}");
    }
}
