//! Checks observe, they do not act (issue 15, bug 4): `expect` and `wait until` refuse a
//! `$(...)` that changes the world, and every lesson leaves the world its learner sees as it
//! would be without its checks: one record after one put, the counts its narration states.

use serde_json::Value;
use shardlab::script::{lesson, lessons, run_script, Entry, Pause, Runner};
use shardlab::sim::World;

use super::{errors, outputs};

const WRITING_CHECK: &str =
    "expect $(aws kinesis put-record --stream-name Foo --partition-key 123 --data testdata \
     --query ShardId) == shardId-000000000000";

#[test]
fn a_check_that_writes_is_refused_with_its_line_and_why() {
    let script = format!(
        "aws kinesis create-stream --stream-name Foo --shard-count 1\nwait 5s\n{WRITING_CHECK}\n"
    );
    let error = run_script(&script).unwrap_err();
    assert_eq!(
        (error.position.line, error.position.column),
        (3, 10),
        "it points at the command inside $(...)"
    );
    assert_eq!(
        error.message,
        "expect only observes: put-record writes to the stream; run it on its own line and \
         check its output"
    );
    let until =
        run_script("wait until $(aws kinesis split-shard --stream-name s) == x\n").unwrap_err();
    assert_eq!(
        until.message,
        "wait until only observes: split-shard reshards the stream; run it on its own line \
         and check its output"
    );

    // At the console: the line is refused, nothing is put, and $? says it failed.
    let mut world = World::new(1);
    let mut runner = Runner::console();
    let mut entries = Vec::new();
    for line in [
        "aws kinesis create-stream --stream-name Foo --shard-count 1",
        "wait 5s",
        WRITING_CHECK,
    ] {
        runner.run_line(line, &mut world, &mut entries);
    }
    assert_eq!(runner.status(), 2);
    assert!(
        errors(&entries)
            .iter()
            .any(|e| e.contains("expect only observes: put-record writes to the stream")),
        "{entries:?}"
    );
    assert_eq!(
        records_held(&world, "Foo"),
        0,
        "the refused check put nothing"
    );

    // Help says which commands a check may not run.
    let mut help = Vec::new();
    runner.run_line("help aws put-record", &mut world, &mut help);
    runner.run_line("help aws describe-stream", &mut world, &mut help);
    let help = outputs(&help);
    assert!(help[0].contains("Changes the world: a check (expect, wait until) may not run it."));
    assert!(!help[1].contains("Changes the world"), "{}", help[1]);
}

/// The records a stream's first shard holds.
fn records_held(world: &World, stream: &str) -> u64 {
    let snapshot = serde_json::to_value(world.snapshot()).unwrap();
    snapshot["streams"][stream]["shards"][0]["records"]
        .as_u64()
        .unwrap_or(0)
}

/// The first shard's total of a CloudWatch metric.
fn shard_total(world: &World, stream: &str, metric: &str) -> u64 {
    let snapshot = serde_json::to_value(world.snapshot()).unwrap();
    snapshot["streams"][stream]["shards"][0]["totals"][metric]
        .as_u64()
        .unwrap_or(0)
}

/// Runs a lesson and calls `at_step(number, world)` as each step begins (when the previous
/// one is over, as the learner sees it before pressing Next); returns its transcript.
fn play(name: &str, mut at_step: impl FnMut(usize, &World)) -> Vec<Entry> {
    let source = lesson(name).expect("a lesson").source;
    let mut runner = Runner::new(source).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut world = World::new(1);
    let mut out = Vec::new();
    loop {
        match runner.run_until_pause(&mut world, &mut out) {
            Pause::Done => break,
            // A task is done as "Show me" does it, as `shardlab run` does.
            Pause::Wait { .. } if runner.show_task(&mut world, &mut out) => {}
            Pause::Wait { until_ms } => world.advance_to(until_ms),
            Pause::Step { number, .. } => at_step(number, &world),
            Pause::Ask { .. } => {}
        }
    }
    at_step(usize::MAX, &world);
    out
}

/// The JSON printed right after the command line `command`.
fn printed_after(entries: &[Entry], command: &str) -> Value {
    let at = entries
        .iter()
        .position(|e| matches!(e, Entry::Command { text, .. } if text == command))
        .unwrap_or_else(|| panic!("{command} was run"));
    match &entries[at + 1] {
        Entry::Output { text } => serde_json::from_str(text).unwrap(),
        other => panic!("{command} printed {other:?}"),
    }
}

#[test]
fn getting_started_shows_one_record_after_one_put() {
    let mut held = Vec::new();
    let entries = play("getting-started", |step, world| {
        if step == 3 {
            held.push(records_held(world, "Foo"));
        }
    });
    assert_eq!(
        held,
        [1],
        "after \"Put a record\" the shard holds one record"
    );
    let read = printed_after(
        &entries,
        "aws kinesis get-records --shard-iterator $SHARD_ITERATOR",
    );
    let records = read["Records"].as_array().unwrap();
    assert_eq!(
        records.len(),
        1,
        "get-records returns the one record: {read}"
    );
    assert_eq!(records[0]["Data"], "dGVzdGRhdGE=");
}

#[test]
fn put_records_stores_the_counts_its_narration_states() {
    let mut seen = Vec::new();
    play("put-records", |step, world| {
        if step == 3 || step == 4 {
            seen.push((
                step,
                records_held(world, "orders"),
                shard_total(world, "orders", "WriteProvisionedThroughputExceeded"),
            ));
        }
    });
    // Eight in one call: five stored, three refused; then the three retried: eight, each once.
    assert_eq!(seen, [(3, 5, 3), (4, 8, 3)]);
}

/// The world as the learner sees it, without what reading leaves behind: a GetRecords call
/// removes nothing, so a check may read, and only the read counters may differ.
fn seen_world(world: &World) -> Value {
    let mut snapshot = serde_json::to_value(world.snapshot()).unwrap();
    if let Some(streams) = snapshot["streams"].as_object_mut() {
        for stream in streams.values_mut() {
            for shard in stream["shards"].as_array_mut().into_iter().flatten() {
                if let Some(totals) = shard["totals"].as_object_mut() {
                    totals.retain(|metric, _| {
                        !metric.starts_with("GetRecords.")
                            && metric != "ReadProvisionedThroughputExceeded"
                    });
                }
            }
        }
    }
    snapshot
}

#[test]
fn every_lesson_leaves_the_same_world_without_its_checks() {
    for lesson in lessons() {
        let (with, _, _) = run_script(lesson.source).unwrap();
        let without: String = lesson
            .source
            .lines()
            .filter(|line| !line.trim_start().starts_with("expect "))
            .map(|line| format!("{line}\n"))
            .collect();
        let (without, _, _) = run_script(&without).unwrap();
        assert!(
            seen_world(&with) == seen_world(&without),
            "{}: its checks changed the world",
            lesson.name
        );
    }
}
