//! The console's AWS CLI retries what the real one retries, in simulated time.
//!
//! Sources: AWS CLI v1 uses botocore's legacy retry mode (its `_retry.json`: 5 attempts, a
//! sleep of `random() * 2 ** (attempts - 1)` s, ProvisionedThroughputExceededException,
//! LimitExceededException and HTTP 5xx among the retried answers; botocore/retryhandler.py);
//! v2 the standard mode (3 attempts, `min(random() * 2 ** (attempt - 1), 20)` s; aws/aws-cli
//! v2 awscli/botocore/retries/standard.py, and
//! https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-retries.html). When it gives
//! up, botocore/exceptions.py `ClientError` writes `(reached max retries: N)` after the
//! operation's name. Observed with aws-cli 1.46.3 against kinesalite 3.3.3: GetShardIterator
//! with StartingSequenceNumber "0" printed "\nAn error occurred (InternalFailure) when calling
//! the GetShardIterator operation (reached max retries: 4): \n" after about 6 s, and a
//! CreateStream over the shard limit printed its LimitExceededException with
//! "(reached max retries: 4)" (with `AWS_RETRY_MODE=standard`, v2's mode: "(reached max
//! retries: 2)").
#![cfg(not(target_arch = "wasm32"))]

use shardlab::script::{Entry, Runner};
use shardlab::session::{Link, Scenario, Session};
use shardlab::sim::log::EventKind;
use shardlab::sim::World;

/// What one line printed: stdout, stderr, `$?`.
#[derive(Debug, PartialEq, Eq)]
struct Printed {
    stdout: String,
    stderr: String,
    status: i32,
}

fn run(world: &mut World, runner: &mut Runner, line: &str) -> Printed {
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

/// A console on a world of `seed` after `lines`, each of which must succeed.
fn console(seed: u64, lines: &[&str]) -> (World, Runner) {
    let mut world = World::new(seed);
    let mut runner = Runner::console();
    for line in lines {
        let printed = run(&mut world, &mut runner, line);
        assert_eq!(printed.status, 0, "{line}: {printed:?}");
    }
    (world, runner)
}

/// Stream `Foo` of one shard that takes one record a second, and a producer offering fifty
/// a second in batches every 10 ms (the fastest a producer sends): whatever the shard can
/// take, the producer takes within 10 ms, so the shard stays throttled.
const KEPT_THROTTLED: &[&str] = &[
    "aws kinesis create-stream --stream-name Foo --shard-count 1",
    "aws kinesis wait stream-exists --stream-name Foo",
    "sim limits --stream Foo --write-records 1",
    "producer add busy --stream Foo --rate 50 --batch 10 --linger 10ms --retry none",
    "wait 3s",
];

const PUT: &str = "aws kinesis put-record --stream-name Foo --partition-key console --data hello";

const RATE_EXCEEDED: &str =
    "Rate exceeded for shard shardId-000000000000 in stream Foo under account 123456789012.";

/// The sleeps botocore takes after attempts 1, 2, ... fail, drawn as the world of `seed`
/// draws them for its first retried call: `random() * 2 ** (attempt - 1)` seconds.
fn backoffs_ms(seed: u64, retries: u32) -> Vec<u64> {
    let mut twin = World::new(seed);
    (0..retries)
        .map(|k| (twin.cli_retry_jitter() * 2f64.powi(k as i32) * 1000.0).round() as u64)
        .collect()
}

/// When the console's puts with partition key `console` were refused, and accepted.
fn console_attempts(world: &World) -> (Vec<u64>, Vec<u64>) {
    let (mut refused, mut accepted) = (Vec::new(), Vec::new());
    for event in world.log().iter() {
        match &event.kind {
            EventKind::PutThrottled { partition_key, .. } if partition_key == "console" => {
                refused.push(event.at_ms)
            }
            EventKind::RecordPut { partition_key, .. } if partition_key == "console" => {
                accepted.push(event.at_ms)
            }
            _ => {}
        }
    }
    (refused, accepted)
}

#[test]
fn a_put_record_to_a_shard_a_producer_keeps_throttled_gives_up_after_four_retries() {
    let (mut world, mut runner) = console(1, KEPT_THROTTLED);
    let start = world.now_ms();
    assert_eq!(
        run(&mut world, &mut runner, PUT),
        Printed {
            stdout: String::new(),
            stderr: format!(
                "\nAn error occurred (ProvisionedThroughputExceededException) when calling the PutRecord operation (reached max retries: 4): {RATE_EXCEEDED}\n"
            ),
            status: 255,
        }
    );
    // Five attempts, each after the previous one's backoff, and the clock moved by the sum.
    let delays = backoffs_ms(1, 4);
    let mut expected = vec![start];
    for delay in &delays {
        expected.push(expected.last().unwrap() + delay);
    }
    let (refused, accepted) = console_attempts(&world);
    assert_eq!(refused, expected, "the attempts, at their instants");
    assert!(accepted.is_empty());
    let waited = world.now_ms() - start;
    assert_eq!(waited, delays.iter().sum::<u64>());
    assert!(
        (1..=15_000).contains(&waited),
        "at most 1 + 2 + 4 + 8 s: {waited}"
    );
    // The producer went on sending while the CLI slept.
    let sent = world.producer("busy").unwrap().counters.sent;
    assert!(sent >= 50 * (3 + waited / 1000), "{sent}");
}

#[test]
fn a_put_record_to_a_shard_throttled_for_a_moment_succeeds_on_a_retry_and_says_nothing_of_it() {
    // The producer sends three records once a second to a shard that takes three a second:
    // at each whole second the shard is full, and it refills during the second after.
    let (mut world, mut runner) = console(
        1,
        &[
            "aws kinesis create-stream --stream-name Foo --shard-count 1",
            "aws kinesis wait stream-exists --stream-name Foo",
            "sim limits --stream Foo --write-records 3",
            "producer add batcher --stream Foo --rate 3 --batch 3 --linger 1s --retry none",
            "wait 3s",
        ],
    );
    let start = world.now_ms();
    assert_eq!(
        start % 1000,
        0,
        "the put comes right after the producer's batch"
    );
    let printed = run(&mut world, &mut runner, PUT);
    assert_eq!((printed.stderr.as_str(), printed.status), ("", 0));
    let response: serde_json::Value = serde_json::from_str(&printed.stdout).unwrap();
    let members: Vec<&String> = response.as_object().unwrap().keys().collect();
    assert_eq!(
        members,
        ["ShardId", "SequenceNumber"],
        "the response alone: {}",
        printed.stdout
    );
    assert!(printed
        .stdout
        .starts_with("{\n    \"ShardId\": \"shardId-000000000000\",\n"));
    let (refused, accepted) = console_attempts(&world);
    assert_eq!(refused.first(), Some(&start), "refused at first");
    assert_eq!(accepted.len(), 1, "stored once");
    assert!(accepted[0] > start && accepted[0] == world.now_ms());
    assert_eq!(
        world.now_ms() - start,
        backoffs_ms(1, refused.len() as u32).iter().sum::<u64>()
    );
}

#[test]
fn v2_gives_up_after_two_retries() {
    let (mut world, mut runner) = console(5, KEPT_THROTTLED);
    run(&mut world, &mut runner, "sim cli v2");
    let start = world.now_ms();
    assert_eq!(
        run(
            &mut world,
            &mut runner,
            "aws kinesis put-record --stream-name Foo --partition-key console --data aGVsbG8="
        ),
        Printed {
            stdout: String::new(),
            stderr: format!(
                "\naws: [ERROR]: An error occurred (ProvisionedThroughputExceededException) when calling the PutRecord operation (reached max retries: 2): {RATE_EXCEEDED}\n"
            ),
            status: 254,
        }
    );
    let (refused, _) = console_attempts(&world);
    assert_eq!(refused.len(), 3, "three attempts");
    let waited = world.now_ms() - start;
    assert_eq!(waited, backoffs_ms(5, 2).iter().sum::<u64>());
    assert!(waited <= 3_000, "at most 1 + 2 s: {waited}");
}

#[test]
fn an_internal_failure_is_retried_four_times_then_printed_with_its_empty_message() {
    let (mut world, mut runner) = console(
        1,
        &[
            "aws kinesis create-stream --stream-name Foo --shard-count 1",
            "aws kinesis wait stream-exists --stream-name Foo",
        ],
    );
    let start = world.now_ms();
    assert_eq!(
        run(
            &mut world,
            &mut runner,
            "aws kinesis get-shard-iterator --stream-name Foo --shard-id shardId-000000000000 --shard-iterator-type AT_SEQUENCE_NUMBER --starting-sequence-number 0"
        ),
        Printed {
            stdout: String::new(),
            stderr: "\nAn error occurred (InternalFailure) when calling the GetShardIterator operation (reached max retries: 4): \n".to_string(),
            status: 255,
        }
    );
    assert_eq!(
        world.now_ms() - start,
        backoffs_ms(1, 4).iter().sum::<u64>()
    );
}

#[test]
fn an_error_no_policy_retries_is_printed_at_once_without_a_note() {
    let (mut world, mut runner) = console(1, KEPT_THROTTLED);
    let start = world.now_ms();
    let printed = run(
        &mut world,
        &mut runner,
        "aws kinesis put-record --stream-name Nope --partition-key console --data hello",
    );
    assert_eq!(
        printed.stderr,
        "\nAn error occurred (ResourceNotFoundException) when calling the PutRecord operation: Stream Nope under account 123456789012 not found.\n"
    );
    assert_eq!(world.now_ms(), start, "no time passed");
}

#[test]
fn put_records_is_not_retried_for_the_records_it_refuses() {
    let (mut world, mut runner) = console(1, KEPT_THROTTLED);
    let start = world.now_ms();
    let printed = run(
        &mut world,
        &mut runner,
        "aws kinesis put-records --stream-name Foo --records Data=a,PartitionKey=console Data=b,PartitionKey=console",
    );
    assert_eq!(printed.status, 0, "{printed:?}");
    let response: serde_json::Value = serde_json::from_str(&printed.stdout).unwrap();
    assert_eq!(response["FailedRecordCount"], 2, "{}", printed.stdout);
    assert_eq!(world.now_ms(), start, "a 200 is not retried");
}

#[test]
fn the_same_seed_waits_the_same_and_another_seed_differently() {
    let waits = |seed: u64| {
        let (mut world, mut runner) = console(seed, KEPT_THROTTLED);
        let start = world.now_ms();
        run(&mut world, &mut runner, PUT);
        run(&mut world, &mut runner, PUT);
        let (refused, _) = console_attempts(&world);
        (
            refused.iter().map(|t| t - start).collect::<Vec<_>>(),
            world.now_ms() - start,
        )
    };
    let first = waits(3);
    assert_eq!(first.0.len(), 10, "two calls of five attempts");
    assert_eq!(waits(3), first);
    assert_ne!(waits(4), first);
}

#[test]
fn the_retries_draw_from_a_stream_of_their_own() {
    // Producers, consumers and workers running first take nothing from it...
    let mut busy = World::new(8);
    let mut runner = Runner::console();
    for line in [
        "aws kinesis create-stream --stream-name s --shard-count 2",
        "aws kinesis wait stream-exists --stream-name s",
        "sim limits --stream s --write-records 5",
        "producer add p --stream s --rate 40 --keys random",
        "kcl app add app --stream s --workers 2",
        "wait 30s",
    ] {
        run(&mut busy, &mut runner, line);
    }
    let mut fresh = World::new(8);
    let drawn: Vec<f64> = (0..4).map(|_| busy.cli_retry_jitter()).collect();
    let expected: Vec<f64> = (0..4).map(|_| fresh.cli_retry_jitter()).collect();
    assert_eq!(drawn, expected);
    // ...and drawing from it changes nothing else: the same lines on the same seed after
    // draws make the same world.
    let world_after = |draws: usize| {
        let mut world = World::new(8);
        for _ in 0..draws {
            world.cli_retry_jitter();
        }
        let mut runner = Runner::console();
        for line in [
            "aws kinesis create-stream --stream-name s --shard-count 2",
            "aws kinesis wait stream-exists --stream-name s",
            "producer add p --stream s --rate 400 --keys random --size 100-900",
            "kcl app add app --stream s --workers 2",
            "wait 30s",
        ] {
            run(&mut world, &mut runner, line);
        }
        serde_json::to_value(world.snapshot()).unwrap()
    };
    assert_eq!(world_after(0), world_after(25));
}

#[test]
fn a_link_replays_a_retried_call_at_the_same_instants() {
    let script = KEPT_THROTTLED.join("\n");
    let mut first = Session::new(Link::start(Scenario::Script(script), 6));
    first.advance(20_000);
    let before = first.world.now_ms();
    let entries = first.run_command(PUT);
    assert!(
        entries.iter().any(
            |e| matches!(e, Entry::Error { text } if text.contains("(reached max retries: 4)"))
        ),
        "{entries:?}"
    );
    let after = first.world.now_ms();
    assert!(after > before, "the console's call took simulated time");
    let link = first.link();
    let mut second = Session::new(Link::decode(&link.encode()).unwrap());
    while second.catching_up() {
        second.frame(16.0);
    }
    assert_eq!(second.world.now_ms(), first.world.now_ms());
    assert_eq!(
        console_attempts(&second.world),
        console_attempts(&first.world)
    );
    assert_eq!(
        serde_json::to_value(second.world.snapshot()).unwrap(),
        serde_json::to_value(first.world.snapshot()).unwrap()
    );
}
