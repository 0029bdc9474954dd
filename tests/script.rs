//! The scenario language: every lesson's checks, AWS CLI output shapes, errors with line and
//! column, variables and expansions, and the `shardlab` command line.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use shardlab::script::{lessons, run_script, Entry, Runner};
use shardlab::sim::World;

/// Runs a script and returns its transcript.
fn transcript(source: &str) -> (Runner, Vec<Entry>) {
    let (_, runner, entries) = run_script(source).unwrap_or_else(|e| panic!("{e}"));
    (runner, entries)
}

fn outputs(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Output { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// What went to stderr: errors, and script errors as the transcript shows them (`line N: `
/// before the message).
fn errors(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Error { text } => Some(text.clone()),
            Entry::ScriptError { .. } => Some(e.render()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_lesson_parses_and_all_its_checks_hold() {
    assert!(lessons().len() >= 10);
    for lesson in lessons() {
        assert!(
            !lesson.title().is_empty() && !lesson.summary().is_empty() && !lesson.goal().is_empty(),
            "{}",
            lesson.name
        );
        let (_, runner, entries) =
            run_script(lesson.source).unwrap_or_else(|e| panic!("{}: {e}", lesson.name));
        let failures: Vec<String> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Expect {
                    passed: false,
                    message,
                    ..
                } => Some(message.clone()),
                _ => None,
            })
            .collect();
        assert!(failures.is_empty(), "{}: {failures:?}", lesson.name);
        assert!(
            runner.expects_passed >= 2,
            "{} checks something",
            lesson.name
        );
        let steps = entries
            .iter()
            .filter(|e| matches!(e, Entry::Step { .. }))
            .count();
        assert!(steps >= 2, "{} has steps", lesson.name);
        assert!(
            entries.iter().any(|e| matches!(e, Entry::Say { .. })),
            "{} narrates",
            lesson.name
        );
        let not_found: Vec<String> = errors(&entries)
            .into_iter()
            .filter(|e| e.contains("command not found") || e.contains("is not set"))
            .collect();
        assert!(not_found.is_empty(), "{}: {not_found:?}", lesson.name);
    }
}

/// The shape of a JSON value: keys and nesting kept, values replaced by their types.
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().take(1).map(shape).collect()),
        Value::String(_) => Value::String("string".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::Bool(_) => Value::String("boolean".into()),
        Value::Null => Value::Null,
    }
}

#[test]
fn the_getting_started_outputs_have_the_aws_cli_shapes() {
    let lesson = shardlab::script::lesson("getting-started").unwrap();
    let (_, entries) = transcript(lesson.source);
    let mut shapes: Vec<(String, Value)> = Vec::new();
    let mut last_command = String::new();
    for entry in &entries {
        match entry {
            Entry::Command { text, .. } => last_command = text.clone(),
            Entry::Output { text } => {
                if let Ok(value) = serde_json::from_str::<Value>(text) {
                    shapes.push((last_command.clone(), shape(&value)));
                }
            }
            _ => {}
        }
    }
    let find = |prefix: &str| {
        shapes
            .iter()
            .find(|(command, _)| command.starts_with(prefix))
            .map(|(_, shape)| shape.clone())
            .unwrap_or_else(|| panic!("no output for {prefix}"))
    };
    assert_eq!(
        find("aws kinesis put-record"),
        serde_json::json!({"ShardId": "string", "SequenceNumber": "string"})
    );
    assert_eq!(
        find("aws kinesis get-shard-iterator"),
        serde_json::json!({"ShardIterator": "string"})
    );
    assert_eq!(
        find("aws kinesis get-records"),
        serde_json::json!({
            "Records": [{"SequenceNumber": "string", "ApproximateArrivalTimestamp": "number", "Data": "string", "PartitionKey": "string"}],
            "NextShardIterator": "string",
            "MillisBehindLatest": "number"
        })
    );
    assert_eq!(
        find("aws kinesis describe-stream-summary"),
        serde_json::json!({"StreamDescriptionSummary": {
            "StreamName": "string", "StreamARN": "string", "StreamStatus": "string",
            "StreamModeDetails": {"StreamMode": "string"}, "RetentionPeriodHours": "number",
            "StreamCreationTimestamp": "number", "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
            "EncryptionType": "string", "OpenShardCount": "number", "ConsumerCount": "number"
        }})
    );
    assert_eq!(
        find("aws kinesis list-streams"),
        // The CLI pages through ListStreams and prints only the paginator's result keys
        // (botocore/paginate.py `build_full_result`): no HasMoreStreams.
        serde_json::json!({"StreamNames": ["string"], "StreamSummaries": [{
            "StreamName": "string", "StreamARN": "string", "StreamStatus": "string",
            "StreamModeDetails": {"StreamMode": "string"}, "StreamCreationTimestamp": "number"}]})
    );
    // The JSON is printed as the CLI prints it: four spaces of indent.
    let put = outputs(&entries)
        .into_iter()
        .find(|o| o.contains("\"ShardId\""))
        .unwrap();
    assert!(
        put.starts_with(
            "{\n    \"ShardId\": \"shardId-000000000000\",\n    \"SequenceNumber\": \""
        ),
        "{put}"
    );
}

#[test]
fn parse_errors_name_the_line_and_column() {
    let cases = [
        (
            "say ok\naws kinesis put-record --data 'abc\n",
            2,
            31,
            "this ' is never closed",
        ),
        (
            "X=$(aws kinesis list-streams\n",
            1,
            3,
            "this $( is never closed with )",
        ),
        ("\n\nsay \"unclosed", 3, 5, "this \" is never closed"),
        ("A=one two", 1, 7, "takes one word"),
        ("echo ${1bad}", 1, 6, "must hold a variable name"),
    ];
    for (source, line, column, message) in cases {
        let error = Runner::new(source).unwrap_err();
        assert_eq!(
            (error.position.line, error.position.column),
            (line, column),
            "{source:?}: {error}"
        );
        assert!(error.message.contains(message), "{source:?}: {error}");
        let shown = error.to_string();
        assert!(
            shown.contains(&format!("line {line}, column {column}")),
            "{shown}"
        );
        assert!(
            shown.lines().last().unwrap().trim_end().ends_with('^'),
            "a caret: {shown}"
        );
    }
    let huge = "say x\n".repeat(50_000);
    assert!(Runner::new(&huge)
        .unwrap_err()
        .message
        .contains("at most 262144 bytes"));
}

#[test]
fn runtime_errors_are_explained_and_the_script_goes_on() {
    let (runner, entries) = transcript(
        "prodcer add p --stream s --rate 1\n\
         aws kinesis put-recrod --stream-name s\n\
         aws kinesis create-stream --strem-name s --shard-count 1\n\
         aws kinesis create-stream --stream-name s --shard-count 1\n\
         aws kinesis put-record --stream-name s --partition-key k --data x\n\
         expect $? == 255\n\
         wait 30\n\
         expect 3 == 4\n\
         say still here\n",
    );
    let errors = errors(&entries).join("");
    assert!(
        errors.contains("prodcer: command not found; did you mean 'producer'?"),
        "{errors}"
    );
    // aws-cli 1.46.3's own words (awscli/argparser.py `_check_value`, argparse's required
    // check, which comes before "Unknown options").
    assert!(
        errors.contains("Invalid choice: 'put-recrod', maybe you meant:\n\n  * put-record"),
        "{errors}"
    );
    assert!(
        errors.contains("aws: error: the following arguments are required: --stream-name\n"),
        "{errors}"
    );
    assert!(
        errors.contains("An error occurred (ResourceNotFoundException) when calling the PutRecord operation: Stream s under account 123456789012 not found."),
        "CREATING refuses writes: {errors}"
    );
    assert!(errors.contains("line 7: '30' needs a unit"), "{errors}");
    assert_eq!(runner.expects_passed, 1);
    assert_eq!(runner.expects_failed, 1);
    let failed = entries
        .iter()
        .find_map(|e| match e {
            Entry::Expect {
                passed: false,
                message,
                line,
            } => Some((*line, message.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        failed,
        (
            8,
            "line 8: expect failed: '3' == '4' is false\n    expect 3 == 4".to_string()
        )
    );
    assert!(entries
        .iter()
        .any(|e| matches!(e, Entry::Say { text } if text == "still here")));
}

#[test]
fn variables_status_and_command_substitution() {
    let (runner, entries) = transcript(
        "aws kinesis create-stream --stream-name s --shard-count 2\n\
         aws kinesis wait stream-exists --stream-name s\n\
         SHARD=$(aws kinesis put-record --stream-name s --partition-key b --data x --query ShardId)\n\
         echo \"shard=$SHARD\" ${SHARD}\n\
         expect $SHARD == shardId-000000000001\n\
         JSON=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $JSON == 2\n\
         aws kinesis describe-stream --stream-name nope\n\
         echo status=$?\n\
         echo '$SHARD stays literal in single quotes'\n\
         sim cli v2\n\
         B64=$(aws kinesis put-record --stream-name s --partition-key b --data aGk= --query ShardId)\n\
         sim cli v1\n\
         expect $B64 contains shardId\n",
    );
    let out = outputs(&entries).join("");
    assert!(
        out.contains("shard=shardId-000000000001 shardId-000000000001\n"),
        "{out}"
    );
    assert!(out.contains("status=255\n"), "{out}");
    assert!(
        out.contains("$SHARD stays literal in single quotes\n"),
        "{out}"
    );
    assert_eq!(runner.expects_failed, 0, "{entries:?}");
    assert_eq!(runner.variables()["SHARD"], "shardId-000000000001");
}

#[test]
fn output_text_and_queries_like_the_cli() {
    let (_, entries) = transcript(
        "aws kinesis create-stream --stream-name s --shard-count 2\n\
         wait 3s\n\
         aws kinesis list-shards --stream-name s --query 'Shards[].ShardId' --output text\n\
         aws kinesis list-streams --output text\n\
         aws kinesis describe-stream-summary --stream-name s --query 'StreamDescriptionSummary.[StreamName, OpenShardCount]'\n",
    );
    let out = outputs(&entries);
    assert_eq!(out[0], "shardId-000000000000\tshardId-000000000001\n");
    // Page by page, the result keys only (awscli/formatter.py `TextFormatter`): no False.
    assert!(
        out[1].starts_with("STREAMNAMES\ts\nSTREAMSUMMARIES\t"),
        "{}",
        out[1]
    );
    assert_eq!(out[2], "[\n    \"s\",\n    2\n]\n");
}

#[test]
fn at_waits_until_a_time_since_the_start_and_time_moves_only_when_told() {
    let (world, _, entries) = run_script("wait 10s\nat 1m\nat 30s\nsim time\n").unwrap();
    assert_eq!(world.elapsed_ms(), 60_000);
    assert!(errors(&entries).join("").contains("at 30s is already past"));
    assert!(outputs(&entries)
        .join("")
        .contains("60000 ms since the start"));
}

#[test]
fn simulator_commands_drive_the_world() {
    let (world, runner, entries) = run_script(
        "sim seed 7\n\
         aws kinesis create-stream --stream-name s --shard-count 4\n\
         aws kinesis wait stream-exists --stream-name s\n\
         producer add hot --stream s --rate 1500 --keys hot:user-42:1.0:0 --retry none\n\
         consumer add reader --stream s --shard-id shardId-000000000001 --shard-iterator-type TRIM_HORIZON\n\
         kcl app add app --stream s --workers 2 --checkpoint every:100 --failover 10s --initial-position TRIM_HORIZON\n\
         wait 30s\n\
         expect $(sim describe --query producers.hot.throttled) > 10000\n\
         expect $(sim describe --query 'length(apps.app.workers)') == 2\n\
         kcl worker kill app/worker-1\n\
         kcl worker pause app/worker-2 5s\n\
         kcl worker add app worker-3\n\
         producer set hot --rate 100\n\
         producer pause hot 10s\n\
         consumer stop reader\n\
         sim limits --stream s --write-records 10\n\
         sim seed 3\n\
         producer add bad --stream s --rate 1 --keys zipf:x:3\n\
         kcl worker kill app\n",
    )
    .unwrap();
    assert_eq!(world.seed(), 7);
    assert_eq!(runner.expects_failed, 0, "{entries:?}");
    let errors = errors(&entries).join("");
    assert!(
        errors.contains("sim: the seed can only be set before anything has happened"),
        "{errors}"
    );
    assert!(
        errors.contains("producer: the Zipf exponent must be a number, not 'x'"),
        "{errors}"
    );
    assert!(
        errors.contains("kcl: name a worker as APP/WORKER"),
        "{errors}"
    );
    assert_eq!(
        world
            .kinesis()
            .stream("s")
            .unwrap()
            .limits
            .write_records_per_sec,
        10
    );
    assert!(world.app("app").unwrap().workers.contains_key("worker-3"));
}

#[test]
fn the_same_script_gives_the_same_run() {
    let lesson = shardlab::script::lesson("kcl-duplicates").unwrap();
    let (a, _, _) = run_script(lesson.source).unwrap();
    let (b, _, _) = run_script(lesson.source).unwrap();
    assert_eq!(
        serde_json::to_value(a.snapshot()).unwrap(),
        serde_json::to_value(b.snapshot()).unwrap()
    );
}

#[test]
fn a_console_runs_line_by_line_and_keeps_variables() {
    let mut world = World::new(1);
    let mut runner = Runner::console();
    let mut entries = Vec::new();
    for line in [
        "aws kinesis create-stream --stream-name Foo --shard-count 1",
        "wait 5s",
        "SHARD_ITERATOR=$(aws kinesis get-shard-iterator --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --stream-name Foo --query 'ShardIterator')",
        "aws kinesis put-record --stream-name Foo --partition-key 123 --data testdata",
        "aws kinesis get-records --shard-iterator $SHARD_ITERATOR",
        "say 'unterminated",
    ] {
        runner.run_line(line, &mut world, &mut entries);
    }
    let out = outputs(&entries).join("");
    assert!(out.contains("\"Data\": \"dGVzdGRhdGE=\""), "{out}");
    assert!(errors(&entries)
        .join("")
        .contains("line 1, column 5: this ' is never closed"));
}

pub(crate) fn shardlab(args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_shardlab"))
        .args(args)
        .output()
        .expect("the shardlab binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_native_runner_reports_with_its_exit_code() {
    let dir = std::env::temp_dir().join(format!("shardlab-runner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.sh");
    let bad = dir.join("bad.sh");
    let broken = dir.join("broken.sh");
    std::fs::write(&good, "say hello\nexpect 1 == 1\n").unwrap();
    std::fs::write(&bad, "expect 1 == 2\n").unwrap();
    std::fs::write(&broken, "say 'oops\n").unwrap();
    let (code, out, _) = shardlab(&["run", good.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains("» hello") && out.contains("1 expect(s) held, 0 failed"),
        "{out}"
    );
    assert_eq!(
        shardlab(&["run", good.to_str().unwrap(), bad.to_str().unwrap()]).0,
        1
    );
    let (code, _, err) = shardlab(&["run", broken.to_str().unwrap()]);
    assert_eq!(code, 2, "a script that does not parse is a script error");
    assert!(
        err.contains("broken.sh:1:5: this ' is never closed"),
        "{err}"
    );
    let (code, out, _) = shardlab(&["lessons"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("getting-started") && out.contains("kcl-zombie"),
        "{out}"
    );
    // Each lesson with its goal.
    for lesson in lessons() {
        assert!(
            out.contains(&format!("Goal: {}\n", lesson.goal())),
            "{}: {out}",
            lesson.name
        );
    }
    let (code, out, _) = shardlab(&["lesson", "partition-keys"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("Goal: Predict which shard a record goes to"),
        "the transcript starts with the goal: {out}"
    );
    assert_eq!(shardlab(&["lesson", "nope"]).0, 2);
    std::fs::remove_dir_all(&dir).ok();
}

mod common;

#[test]
fn a_scripted_run_reaches_the_digest_the_browser_reaches() {
    assert_eq!(
        common::lesson_digest("kcl-duplicates"),
        common::SCRIPT_DIGEST
    );
}

fn reached(entries: &[Entry]) -> Vec<(String, u64)> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Reached {
                condition,
                after_ms,
            } => Some((condition.clone(), *after_ms)),
            _ => None,
        })
        .collect()
}

#[test]
fn wait_until_a_shard_throttles_waits_for_the_first_refused_write() {
    let (world, _, entries) = run_script(
        "aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 300 --keys hot:k:1
wait 10s
producer set p --rate 1500 --keys hot:k:1
wait until throttled s
expect $(sim time) != x
",
    )
    .unwrap();
    let found = reached(&entries);
    assert_eq!(found.len(), 1, "{entries:?}");
    assert_eq!(found[0].0, "throttled s");
    // The first second's excess is absorbed by the shard's one-second bucket: the first
    // refusal comes within about two seconds, not at once and not never.
    assert!(
        (100..=2_500).contains(&found[0].1),
        "throttled after {} ms",
        found[0].1
    );
    let stream = world.kinesis().stream("s").unwrap();
    let refused: u64 = stream
        .shards
        .iter()
        .map(|s| {
            s.metrics.totals()
                [shardlab::engine::metrics::Metric::WriteProvisionedThroughputExceeded as usize]
        })
        .sum();
    assert!(refused > 0);
}

#[test]
fn wait_until_a_lease_moves_waits_for_failover() {
    let (world, _, entries) = run_script(
        "aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
kcl app add app --stream s --workers 2 --failover 10s --version 2
wait 30s
OWNER=$(sim describe --query \"apps.app.leases[?leaseKey=='shardId-000000000000'].leaseOwner | [0]\")
kcl worker kill app/$OWNER
wait until lease app shardId-000000000000 moves --timeout 2m
NEW=$(sim describe --query \"apps.app.leases[?leaseKey=='shardId-000000000000'].leaseOwner | [0]\")
expect $NEW != $OWNER
",
    )
    .unwrap();
    let found = reached(&entries);
    assert_eq!(found.len(), 1, "{:?}", errors(&entries));
    // A lease expires failoverTimeMillis (10 s) after the survivor last saw its counter
    // change, and the survivor only looks at its taker runs, every 2 x (10 s + 25 ms): so the
    // lease moves between 10 and about 40 s after the crash.
    assert!(
        (10_000..=40_100).contains(&found[0].1),
        "moved after {} ms",
        found[0].1
    );
    assert!(world.app("app").is_some());
    assert!(
        entries
            .iter()
            .any(|e| matches!(e, Entry::Expect { passed: true, .. })),
        "{entries:?}"
    );
}

#[test]
fn wait_until_rechecks_a_command_and_gives_up_after_its_timeout() {
    let (world, runner, entries) = run_script(
        "aws kinesis create-stream --stream-name s --shard-count 1
aws kinesis wait stream-exists --stream-name s
aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000000 --new-starting-hash-key 100
wait until $(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount) == 2 --every 1s
wait until status s DELETING --timeout 3s
expect $? == 1
",
    )
    .unwrap();
    let found = reached(&entries);
    assert_eq!(found.len(), 1);
    // The split completes after the engine's 5 s UPDATING period; checks come every second.
    assert!((5_000..=6_000).contains(&found[0].1), "{found:?}");
    let errs = errors(&entries);
    assert!(
        errs.iter()
            .any(|e| e.contains("line 5: waited 3 s and 'status s DELETING' never happened")),
        "{errs:?}"
    );
    assert_eq!(runner.expects_failed, 0, "{entries:?}");
    // A `wait until` is echoed once, not at every check.
    let echoed = entries
        .iter()
        .filter(|e| matches!(e, Entry::Command { text, .. } if text.starts_with("wait until")))
        .count();
    assert_eq!(echoed, 2);
    assert!(world.kinesis().stream("s").is_some());
}

#[test]
fn wait_until_errors_name_the_line_and_the_script_goes_on() {
    let (_, entries) = transcript(
        "wait until throttled nowhere
wait until sometime
echo still here
",
    );
    let errs = errors(&entries);
    assert!(
        errs[0].starts_with("line 1: there is no stream named nowhere"),
        "{errs:?}"
    );
    assert!(
        errs[1].starts_with("line 2: wait until takes a condition"),
        "{errs:?}"
    );
    assert_eq!(outputs(&entries), ["still here\n"]);
}

#[test]
fn a_console_waits_until_a_condition() {
    let mut world = World::new(1);
    let mut console = Runner::console();
    let mut out = Vec::new();
    for line in [
        "aws kinesis create-stream --stream-name s --shard-count 1",
        "wait until status s ACTIVE",
    ] {
        console.run_line(line, &mut world, &mut out);
    }
    assert_eq!(reached(&out).len(), 1, "{out:?}");
    assert_eq!(
        world.kinesis().stream("s").unwrap().status.as_str(),
        "ACTIVE"
    );
}

#[test]
fn at_least_five_lessons_ask_and_wait_for_the_simulation() {
    let asking = lessons()
        .iter()
        .filter(|l| l.source.lines().any(|line| line.starts_with("ask ")))
        .count();
    let waiting = lessons()
        .iter()
        .filter(|l| l.source.lines().any(|line| line.starts_with("wait until ")))
        .count();
    assert!(
        asking >= 5 && waiting >= 5,
        "{asking} ask, {waiting} wait until"
    );
    // Natively every question shows its answer, and every wait until is reached in time.
    for lesson in lessons() {
        let (_, _, entries) = run_script(lesson.source).unwrap();
        let never: Vec<_> = errors(&entries)
            .into_iter()
            .filter(|e| e.contains("never happened"))
            .collect();
        assert!(never.is_empty(), "{}: {never:?}", lesson.name);
    }
}

#[path = "script/checks.rs"]
mod checks;
#[path = "script/course.rs"]
mod course;
#[path = "script/fan_out.rs"]
mod fan_out;
#[path = "script/help.rs"]
mod help;
#[path = "script/modes.rs"]
mod modes;
#[path = "script/on_demand.rs"]
mod on_demand;
#[path = "script/play.rs"]
mod play;
