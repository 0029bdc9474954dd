//! The native `shardlab` command: run scenario scripts and lessons, a console, key routing.

use std::io::{BufRead, Write};

use shardlab::engine::{hash_key_of, md5_hex, shard_id, HashKeyRange};
use shardlab::script::{lesson, lessons, Entry, Runner};
use shardlab::sim::World;

mod call;
mod per_command;

const USAGE: &str = r#"usage: shardlab run [--strict] FILE...
       shardlab run --per-command FILE...
       shardlab lessons
       shardlab lesson NAME
       shardlab repl
       shardlab route PARTITION_KEY [--shards N]
       shardlab link FILE|--lesson NAME [--seed N] [--t MS] [--play]
       shardlab call [--start-ms MS] [--create-ms MS] [--delete-ms MS] [--update-ms MS]
                     [--shard-limit N]
       shardlab endpoint [--port N] [--host ADDRESS] [--seed N] [--script FILE] [--speed X]
                         [--page [DIR]]
       shardlab help

run       run scenario scripts and print their transcripts. A script error (a parse
          error, an unknown command, subcommand or option, a value a command cannot
          read, an unset variable) is printed as FILE:LINE: message, and the script
          goes on. Exit status: 0 when every script ran cleanly; 1 when an expect
          failed (with --strict, also when an aws command failed: a service error);
          2 when a script had a script error, or a file could not be read; the
          highest of these over all the files. --per-command prints instead one JSON object
          a line per command: {"script", "line", "command", "stdout", "stderr", "exit"},
          exactly what the command wrote to each stream and its exit status (what
          scripts/cli-compare compares with the real AWS CLI)
lessons   list the built-in lessons: name, title, goal and summary
lesson    run a built-in lesson
repl      an interactive console: aws kinesis ..., producer ..., wait 10s, ...
route     show how Kinesis routes a partition key: its MD5, the 128-bit hash key,
          and the shard of an evenly split N-shard stream (default 4) that owns it
link      print the URL fragment that opens a script (or a lesson) in the page, with
          a seed, a time to replay up to, and whether to play on from there
call      the Kinesis JSON API on stdin/stdout, one request a line:
            {"action": "PutRecord", "body": {...}}  ->  {"status": 200, "body": {...}}
          errors as AWS sends them: {"status": 400, "body": {"__type": ..., "message": ...}};
          simulated time starts at --start-ms (default 2026-01-01T00:00:00Z) and moves
          only by {"wait_ms": N} (alone, or beside an action: the clock moves first);
          the engine is AWS's but for how long streams stay CREATING, DELETING and
          UPDATING (by default 2000, 2000, and 5000 ms after a split or merge, 30000
          after UpdateShardCount; --update-ms sets both) and the shard quota (20000)
endpoint  a local Kinesis for the AWS CLI, boto3 and the SDKs (--endpoint-url
          http://127.0.0.1:4567), on Shardlab's engine: shards throttle, reshard and
          expire records as AWS's do. Listens on loopback port 4567 unless --host and
          --port say otherwise (--port 0 picks a free one); simulated time runs at --speed
          times the wall clock (default 1); --script runs a scenario (producers, KCL
          applications, faults) beside the programs calling it; --page also serves the
          built page (DIR, default dist/) at /#mirror, drawing the endpoint's run live as
          the programs act on it. Serves until stopped"#;

/// Runs one command line and returns the process exit code (0 ok, 1 failed checks, 2 usage).
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let result = match args.first().map(String::as_str) {
        Some("route") => route(&args[1..], out).map(|_| 0),
        Some("run") if args.get(1).map(String::as_str) == Some("--per-command") => {
            match &args[2..] {
                [] => Err("run --per-command needs at least one script file".to_string()),
                files => Ok(per_command::run(files, out, err)),
            }
        }
        Some("run") => {
            let strict = args.get(1).map(String::as_str) == Some("--strict");
            let files = &args[if strict { 2 } else { 1 }..];
            if files.is_empty() {
                Err("run needs at least one script file".to_string())
            } else {
                Ok(run_files(files, strict, out, err))
            }
        }
        Some("lessons") => list_lessons(out).map(|_| 0),
        Some("lesson") => match args.get(1).and_then(|name| lesson(name)) {
            Some(found) => Ok(run_source(found.name, found.source, false, out, err)),
            None => Err(format!(
                "no lesson named '{}'; `shardlab lessons` lists them",
                args.get(1).map_or("", String::as_str)
            )),
        },
        Some("repl") => repl(out).map(|_| 0),
        Some("link") => link(&args[1..], out).map(|_| 0),
        Some("call") => call::call(&args[1..], &mut std::io::stdin().lock(), out).map(|_| 0),
        Some("endpoint") => shardlab::endpoint::Options::parse(&args[1..])
            .and_then(|options| shardlab::endpoint::serve(&options, Box::new(std::io::stdout())))
            .map(|_| 0),
        Some("help" | "--help" | "-h") | None => writeln!(out, "{USAGE}")
            .map(|_| 0)
            .map_err(|e| e.to_string()),
        Some(other) => Err(format!("unknown command '{other}'")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(err, "shardlab: {message}\n\n{USAGE}");
            2
        }
    }
}

/// `shardlab link FILE|--lesson NAME [--seed N] [--t MS] [--play]`.
fn link(args: &[String], out: &mut dyn Write) -> Result<(), String> {
    use shardlab::session::{Link, Scenario};
    let mut link = Link::start(Scenario::Default, 1);
    let mut scenario = None;
    let mut i = 0;
    let value = |i: usize, name: &str| {
        args.get(i + 1)
            .cloned()
            .ok_or_else(|| format!("{name} needs a value"))
    };
    while i < args.len() {
        match args[i].as_str() {
            "--lesson" => {
                let name = value(i, "--lesson")?;
                if lesson(&name).is_none() {
                    return Err(format!("no lesson named '{name}'"));
                }
                scenario = Some(Scenario::Lesson(name));
                i += 1;
            }
            "--seed" => {
                link.seed = value(i, "--seed")?
                    .parse()
                    .map_err(|_| "--seed needs a whole number".to_string())?;
                i += 1;
            }
            "--t" => {
                link.time_ms = value(i, "--t")?
                    .parse()
                    .map_err(|_| "--t needs milliseconds".to_string())?;
                i += 1;
            }
            "--play" => link.play = true,
            file if scenario.is_none() && !file.starts_with("--") => {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| format!("cannot read {file}: {e}"))?;
                scenario = Some(Scenario::Script(text));
            }
            other => return Err(format!("unexpected argument '{other}'")),
        }
        i += 1;
    }
    link.scenario = scenario.ok_or("link needs a script file or --lesson NAME")?;
    // The fragment must open: check it the way the page will.
    let fragment = link.encode();
    Link::decode(&fragment)?;
    writeln!(out, "#{fragment}").map_err(|e| e.to_string())
}

fn list_lessons(out: &mut dyn Write) -> Result<(), String> {
    for found in lessons() {
        writeln!(
            out,
            "{:<20} {}\n{:<20} Goal: {}\n{:<20} {}",
            found.name,
            found.title(),
            "",
            found.goal(),
            "",
            found.summary()
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// `shardlab run`'s exit status when a check failed (or, with `--strict`, an `aws` command).
const FAILED: u8 = 1;
/// `shardlab run`'s exit status when a script had a script error, or could not be read.
const SCRIPT_ERROR: u8 = 2;

fn run_files(files: &[String], strict: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut code = 0;
    for file in files {
        let source = match std::fs::read_to_string(file) {
            Ok(source) => source,
            Err(e) => {
                let _ = writeln!(err, "shardlab: cannot read {file}: {e}");
                code = SCRIPT_ERROR;
                continue;
            }
        };
        code = code.max(run_source(file, &source, strict, out, err));
    }
    code
}

/// Runs one script to its end and prints its transcript, a script error with `NAME:LINE:`
/// before its message. Returns 0 when it ran cleanly, [`FAILED`] when an expect failed (with
/// `strict`, also when an `aws` command failed), [`SCRIPT_ERROR`] when it does not parse or
/// had a script error (it still runs to its end).
fn run_source(
    name: &str,
    source: &str,
    strict: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let mut runner = match Runner::new(source) {
        Ok(runner) => runner,
        Err(error) => {
            let _ = writeln!(err, "{}", error.located(name));
            return SCRIPT_ERROR;
        }
    };
    let mut world = World::new(1);
    let mut entries = Vec::new();
    runner.run_to_end(&mut world, &mut entries);
    for entry in &entries {
        let _ = write!(out, "{}", entry.render_in(name));
    }
    let mut summary = format!(
        "{name}: {} expect(s) held, {} failed",
        runner.expects_passed, runner.expects_failed
    );
    if runner.script_errors > 0 {
        summary.push_str(&format!("; {} script error(s)", runner.script_errors));
    }
    if strict && runner.service_errors > 0 {
        summary.push_str(&format!(
            "; {} aws command(s) failed (--strict)",
            runner.service_errors
        ));
    }
    let _ = writeln!(out, "\n{summary}");
    if runner.script_errors > 0 {
        SCRIPT_ERROR
    } else if runner.expects_failed > 0 || (strict && runner.service_errors > 0) {
        FAILED
    } else {
        0
    }
}

fn repl(out: &mut dyn Write) -> Result<(), String> {
    let mut world = World::new(1);
    let mut runner = Runner::console();
    writeln!(out, "Shardlab console. Type aws kinesis ..., producer ..., wait 10s, sim describe; Ctrl-D to quit.").map_err(|e| e.to_string())?;
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| e.to_string())?;
        let mut entries = Vec::new();
        runner.run_line(&line, &mut world, &mut entries);
        for entry in entries
            .iter()
            .filter(|e| !matches!(e, Entry::Command { .. }))
        {
            write!(out, "{}", entry.render()).map_err(|e| e.to_string())?;
        }
        out.flush().map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn route(args: &[String], out: &mut dyn Write) -> Result<(), String> {
    let mut key = None;
    let mut shards: u32 = 4;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--shards" {
            let value = rest.next().ok_or("--shards needs a number")?;
            shards = value
                .parse()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
                .ok_or_else(|| {
                    format!("--shards must be a whole number from 1 to 10000, not '{value}'")
                })?;
        } else if key.is_none() {
            key = Some(arg.as_str());
        } else {
            return Err(format!("unexpected argument '{arg}'"));
        }
    }
    let key = key.ok_or("route needs a partition key")?;
    let hash = hash_key_of(key);
    let owner = HashKeyRange::even_split(shards)
        .iter()
        .position(|range| range.contains(hash))
        .and_then(|i| u32::try_from(i).ok())
        .ok_or("no shard holds the hash key")?;
    writeln!(
        out,
        "PartitionKey  {key}\nMD5           {}\nHashKey       {hash}\nShardId       {} (of {shards})",
        md5_hex(key),
        shard_id(owner)
    )
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_line(line: &str) -> (u8, String, String) {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&args, &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn route_prints_every_step() {
        let (code, out, _) = run_line("route user-42");
        assert_eq!(code, 0);
        assert!(out.contains("7631bc07a1cc8fcd56e70fc6b2fb4a43"), "{out}");
        assert!(
            out.contains("157107139746365290205026809710278036035"),
            "{out}"
        );
        assert!(out.contains("shardId-000000000001 (of 4)"), "{out}");
    }

    #[test]
    fn route_honours_the_shard_count() {
        let (code, out, _) = run_line("route b --shards 3");
        assert_eq!(code, 0);
        assert!(out.contains("shardId-000000000001 (of 3)"), "{out}");
    }

    #[test]
    fn link_prints_a_fragment_that_opens_the_lesson() {
        let (code, out, err) = run_line("link --lesson hot-key --seed 7 --t 30000 --play");
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.trim(), "#lesson=hot-key&seed=7&t=30000&play=1");
        let (code, _, err) = run_line("link --lesson nope");
        assert_eq!(code, 2);
        assert!(err.contains("no lesson named"));
    }

    #[test]
    fn bad_input_is_a_usage_error_not_a_panic() {
        for line in [
            "route",
            "route a --shards",
            "route a --shards 0",
            "route a --shards x",
            "route a b",
            "frobnicate",
        ] {
            let (code, _, err) = run_line(line);
            assert_eq!(code, 2, "{line}");
            assert!(err.starts_with("shardlab: "), "{line}: {err}");
        }
    }
}
