//! Unit tests of Tab completion: what each kind of word offers.
use super::*;
use crate::script::parse::words_at_cursor;
use crate::script::{Entry, Runner};
use crate::sim::CliVersion;

// What the commands take, written out here so that the table is checked against it.

const COMMANDS: &[&str] = &[
    "aws", "producer", "consumer", "kcl", "sim", "wait", "at", "say", "step", "ask", "task",
    "point", "show", "recap", "expect", "echo", "sleep", "help",
];

pub(super) const OPERATORS: &[&str] = &["==", "!=", "<", "<=", ">", ">=", "contains"];

const ITERATOR_TYPES: &[&str] = &[
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
    "TRIM_HORIZON",
    "LATEST",
    "AT_TIMESTAMP",
];

const SHARD_OPTIONS: &[&str] = &[
    "--shard-id",
    "--shard-to-split",
    "--shard-to-merge",
    "--adjacent-shard-to-merge",
    "--exclusive-start-shard-id",
];

const PRODUCER_SUBCOMMANDS: &[&str] = &["add", "set", "remove", "pause", "stop", "resume"];

const PRODUCER_OPTIONS: &[&str] = &[
    "--stream",
    "--rate",
    "--keys",
    "--size",
    "--batch",
    "--linger",
    "--retry",
    "--attempts",
    "--explicit-hash-key",
    "--kpl",
    "--aggregate",
    "--max-buffered-time",
    "--collection-max-count",
    "--aggregation-max-size",
    "--record-ttl",
    "--rate-limit",
];

const CONSUMER_SUBCOMMANDS: &[&str] = &["add", "remove", "pause", "stop", "resume"];

const CONSUMER_OPTIONS: &[&str] = &[
    "--stream",
    "--shard-id",
    "--shard-iterator-type",
    "--timestamp",
    "--idle",
    "--limit",
    "--efo",
];

const APP_OPTIONS: &[&str] = &[
    "--stream",
    "--workers",
    "--checkpoint",
    "--failover",
    "--initial-position",
    "--timestamp",
    "--processing",
    "--idle",
    "--max-records",
    "--retrieval",
    "--max-leases-for-worker",
    "--max-leases-to-steal",
    "--version",
];

const APP_SWITCHES: &[&str] = &["--no-priority", "--forget-shard-end"];

const WORKER_SUBCOMMANDS: &[&str] = &["add", "kill", "pause", "restart", "remove", "load"];

const SIM_SUBCOMMANDS: &[&str] = &["describe", "limits", "seed", "time"];

const DESCRIBE_OPTIONS: &[&str] = &["--query", "--output"];

const LIMITS_OPTIONS: &[&str] = &[
    "--stream",
    "--write-records",
    "--write-bytes",
    "--read-calls",
    "--read-bytes",
];

const WAIT_OPTIONS: &[&str] = &["--timeout", "--every"];

/// CLI options that take no value (`Kind::Bool` in `aws_cli`, and the global switches).
fn is_aws_switch(flag: &str) -> bool {
    flag.starts_with("--no-") || flag == "--enforce-consumer-deletion"
}

/// Two streams (orders with 2 shards, payments with 3), a producer, a consumer and a KCL
/// application with two workers, a minute in.
pub(super) fn world() -> World {
    let mut world = World::new(1);
    let mut console = Runner::console();
    let mut out = Vec::new();
    for line in [
        "aws kinesis create-stream --stream-name orders --shard-count 2",
        "aws kinesis create-stream --stream-name payments --shard-count 3",
        "aws kinesis wait stream-exists --stream-name orders",
        "aws kinesis wait stream-exists --stream-name payments",
        "producer add web --stream orders --rate 10",
        "consumer add audit --stream payments --shard-id shardId-000000000002 --shard-iterator-type TRIM_HORIZON",
        "kcl app add analytics --stream orders --workers 2",
    ] {
        console.run_line(line, &mut world, &mut out);
    }
    assert_errors_free(&out);
    world.advance_by(60_000);
    world
}

fn assert_errors_free(out: &[Entry]) {
    let errors: Vec<&Entry> = out
        .iter()
        .filter(|e| matches!(e, Entry::Error { .. } | Entry::ScriptError { .. }))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

pub(super) fn offered(line: &str, world: &World) -> Vec<String> {
    complete(line, world).candidates
}

pub(super) fn strings(words: &[&str]) -> Vec<String> {
    let mut words = owned(words);
    words.sort();
    words
}

/// What running `line` at a fresh console printed, errors included.
fn transcript(line: &str) -> String {
    let mut world = World::new(1);
    let mut out = Vec::new();
    Runner::console().run_line(line, &mut world, &mut out);
    format!("{out:?}")
}

pub(super) const ORDERS_SHARDS: &[&str] = &["shardId-000000000000", "shardId-000000000001"];
const PAYMENTS_SHARDS: &[&str] = &[
    "shardId-000000000000",
    "shardId-000000000001",
    "shardId-000000000002",
];

#[test]
fn the_first_word_is_one_of_the_languages_commands() {
    let world = World::new(1);
    assert_eq!(offered("", &world), strings(COMMANDS));
    assert_eq!(
        offered("s", &world),
        ["say", "show", "sim", "sleep", "step"]
    );
    assert_eq!(offered("aw", &world), ["aws"]);
    assert_eq!(offered("  k", &world), ["kcl"]);
    assert_eq!(complete("  k", &world).start, 2);
    assert!(offered("frobnicate", &world).is_empty());
}

#[test]
fn aws_kinesis_subcommands_and_waiters() {
    let world = world();
    assert_eq!(offered("aws ", &world), ["kinesis"]);
    assert_eq!(offered("aws kin", &world), ["kinesis"]);
    assert!(offered("aws s3 ", &world).is_empty());
    let mut all = owned(&aws_cli::command_names());
    all.sort();
    assert_eq!(offered("aws kinesis ", &world), all);
    assert!(all.contains(&"wait".to_string()));
    assert_eq!(
        offered("aws kinesis get-sh", &world),
        ["get-shard-iterator"]
    );
    assert_eq!(
        offered("aws kinesis wait ", &world),
        ["stream-exists", "stream-not-exists"]
    );
    assert_eq!(
        offered("aws kinesis wait stream-exists ", &world),
        ["--stream-arn", "--stream-name"]
    );
    assert_eq!(
        offered("aws kinesis wait stream-exists --stream-name ", &world),
        ["orders", "payments"]
    );
    assert!(offered(
        "aws kinesis wait stream-exists --stream-name orders ",
        &world
    )
    .is_empty());
    assert!(offered("aws kinesis frobnicate ", &world).is_empty());
}

#[test]
fn stream_names_complete_after_stream_name() {
    let world = world();
    assert_eq!(
        offered("aws kinesis get-shard-iterator --stream-name o", &world),
        ["orders"]
    );
    assert_eq!(
        offered("aws kinesis describe-stream --stream-name ", &world),
        ["orders", "payments"]
    );
    assert_eq!(
        offered(
            "aws kinesis list-streams --exclusive-start-stream-name p",
            &world
        ),
        ["payments"]
    );
    // The inline form completes after the '='.
    let line = "aws kinesis describe-stream --stream-name=or";
    let completion = complete(line, &world);
    assert_eq!(completion.candidates, ["orders"]);
    assert_eq!(&line[completion.start..], "or");
}

#[test]
fn shard_ids_come_from_the_stream_named_on_the_line() {
    let world = world();
    assert_eq!(
        offered(
            "aws kinesis get-shard-iterator --stream-name orders --shard-id ",
            &world
        ),
        ORDERS_SHARDS
    );
    assert_eq!(
        offered(
            "aws kinesis get-shard-iterator --shard-id shardId-000000000002 --stream-name payments --shard-iterator-type LATEST --shard-id shardId-0000000000",
            &world
        ),
        PAYMENTS_SHARDS
    );
    // No stream named (or one the console cannot see): every stream's shards, once each.
    assert_eq!(
        offered("aws kinesis get-shard-iterator --shard-id ", &world),
        PAYMENTS_SHARDS
    );
    assert_eq!(
        offered(
            "aws kinesis split-shard --stream-name $STREAM --shard-to-split ",
            &world
        ),
        PAYMENTS_SHARDS
    );
    for option in SHARD_OPTIONS {
        let line = format!("aws kinesis merge-shards --stream-name orders {option} ");
        assert_eq!(offered(&line, &world), ORDERS_SHARDS, "{option}");
    }
}

#[test]
fn options_already_given_are_not_offered_again() {
    let world = world();
    assert_eq!(
        offered(
            "aws kinesis get-shard-iterator --stream-name orders --sh",
            &world
        ),
        ["--shard-id", "--shard-iterator-type"]
    );
    assert_eq!(
        offered(
            "aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-000000000000 --sh",
            &world
        ),
        ["--shard-iterator-type"]
    );
    let fresh = offered("aws kinesis put-record ", &world);
    let mut expected = owned(&aws_cli::option_names("put-record", CliVersion::V1));
    expected.sort();
    assert_eq!(fresh, expected);
    let later = offered(
        "aws kinesis put-record --stream-name=orders --data hi ",
        &world,
    );
    assert!(!later.contains(&"--stream-name".to_string()));
    assert!(!later.contains(&"--data".to_string()));
    assert!(later.contains(&"--partition-key".to_string()));
    assert!(later.contains(&"--query".to_string()));
    // A switch takes no value: what follows it is the next option.
    assert!(offered(
        "aws kinesis delete-stream --stream-name orders --enforce-consumer-deletion ",
        &world
    )
    .contains(&"--query".to_string()));
    assert!(!offered(
        "aws kinesis delete-stream --stream-name orders --no-enforce-consumer-deletion --",
        &world
    )
    .contains(&"--enforce-consumer-deletion".to_string()));
    assert!(offered("aws kinesis list-shards --no-paginate ", &world)
        .contains(&"--stream-name".to_string()));
    // A word that is neither an option nor a value has nothing to complete.
    assert!(offered("aws kinesis list-shards x", &world).is_empty());
}

#[test]
fn enumerated_values_of_the_cli() {
    let world = world();
    assert_eq!(
        offered(
            "aws kinesis get-shard-iterator --stream-name orders --shard-iterator-type ",
            &world
        ),
        strings(ITERATOR_TYPES)
    );
    assert_eq!(
        offered(
            "aws kinesis get-shard-iterator --shard-iterator-type AT_",
            &world
        ),
        ["AT_SEQUENCE_NUMBER", "AT_TIMESTAMP"]
    );
    assert_eq!(
        offered("aws kinesis update-shard-count --scaling-type ", &world),
        ["UNIFORM_SCALING"]
    );
    assert_eq!(
        offered("aws kinesis list-streams --output ", &world),
        ["json", "text"]
    );
    assert_eq!(
        offered("aws kinesis put-record --cli-binary-format ", &world),
        ["base64", "raw-in-base64-out"]
    );
    assert!(
        offered("aws kinesis list-shards --shard-filter Type=AT_", &world)
            .contains(&"Type=AT_LATEST".to_string())
    );
    // Free text has nothing to offer.
    assert!(offered("aws kinesis put-record --partition-key ", &world).is_empty());
}

#[test]
fn producers_and_consumers() {
    let world = world();
    assert_eq!(offered("producer ", &world), strings(PRODUCER_SUBCOMMANDS));
    assert_eq!(offered("producer s", &world), ["set", "stop"]);
    assert_eq!(offered("producer set ", &world), ["web"]);
    assert_eq!(offered("producer pause w", &world), ["web"]);
    assert!(offered("producer add ", &world).is_empty(), "a new name");
    assert_eq!(
        offered("producer add mobile ", &world),
        strings(PRODUCER_OPTIONS)
    );
    assert_eq!(
        offered("producer add mobile --stream ", &world),
        ["orders", "payments"]
    );
    assert_eq!(
        offered("producer add mobile --stream orders --k", &world),
        ["--keys", "--kpl"]
    );
    assert_eq!(
        offered("producer add mobile --keys ", &world),
        ["hot:", "random", "uniform:", "zipf:"]
    );
    assert_eq!(
        offered("producer add mobile --retry ", &world),
        ["backoff", "none"]
    );
    let set = offered("producer set web --rate 5 ", &world);
    assert!(!set.contains(&"--rate".to_string()));
    assert!(set.contains(&"--keys".to_string()));
    assert!(offered("producer remove web ", &world).is_empty());

    assert_eq!(offered("consumer ", &world), strings(CONSUMER_SUBCOMMANDS));
    assert_eq!(offered("consumer remove ", &world), ["audit"]);
    assert_eq!(
        offered("consumer add tail --stream orders --shard-id ", &world),
        ORDERS_SHARDS
    );
    assert_eq!(
        offered("consumer add tail --shard-iterator-type ", &world),
        ["AT_TIMESTAMP", "LATEST", "TRIM_HORIZON"]
    );
    assert!(offered("producer frobnicate ", &world).is_empty());
}

#[test]
fn kcl_applications_and_workers() {
    let world = world();
    assert_eq!(offered("kcl ", &world), ["app", "worker"]);
    assert_eq!(offered("kcl app ", &world), ["add", "set"]);
    assert_eq!(offered("kcl app set ", &world), ["analytics"]);
    let mut options = owned(APP_OPTIONS);
    options.extend(owned(APP_SWITCHES));
    options.sort();
    assert_eq!(offered("kcl app add billing ", &world), options);
    assert_eq!(
        offered("kcl app add billing --stream orders --no-", &world),
        ["--no-priority"]
    );
    assert_eq!(
        offered("kcl app add billing --initial-position ", &world),
        ["AT_TIMESTAMP", "LATEST", "TRIM_HORIZON"]
    );
    assert_eq!(
        offered("kcl app add billing --version ", &world),
        ["2", "3"]
    );
    assert_eq!(
        offered("kcl app add billing --checkpoint ", &world),
        ["batch", "every:", "interval:", "never"]
    );
    assert_eq!(offered("kcl worker ", &world), strings(WORKER_SUBCOMMANDS));
    assert_eq!(offered("kcl worker add ", &world), ["analytics"]);
    let workers: Vec<String> = world
        .app("analytics")
        .map(|app| {
            app.workers
                .keys()
                .map(|id| format!("analytics/{id}"))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(workers.len(), 2);
    for sub in ["kill", "pause", "restart", "remove"] {
        assert_eq!(offered(&format!("kcl worker {sub} "), &world), workers);
    }
    assert_eq!(
        offered("kcl worker kill analytics/worker-2", &world),
        ["analytics/worker-2"]
    );
    assert!(offered("kcl worker kill analytics/worker-1 ", &world).is_empty());
}

#[test]
fn sim_subcommands_and_options() {
    let world = world();
    assert_eq!(
        offered("sim ", &world),
        ["cli", "cost", "describe", "limits", "seed", "time"]
    );
    assert_eq!(offered("sim describe ", &world), ["--output", "--query"]);
    assert_eq!(offered("sim describe --output ", &world), ["json", "text"]);
    assert_eq!(
        offered("sim limits --stream ", &world),
        ["orders", "payments"]
    );
    assert_eq!(
        offered("sim limits --stream orders --write-", &world),
        ["--write-bytes", "--write-records"]
    );
    assert!(offered("sim time ", &world).is_empty());
    assert_eq!(offered("sim cli ", &world), ["v1", "v2"]);
}

#[test]
fn the_command_inside_an_open_substitution_is_completed() {
    let world = world();
    let line = "SHARD=$(aws kinesis get-sh";
    let completion = complete(line, &world);
    assert_eq!(completion.candidates, ["get-shard-iterator"]);
    assert_eq!(&line[completion.start..], "get-sh");
    let line = "expect $(aws kinesis describe-stream-summary --stream-name o";
    assert_eq!(offered(line, &world), ["orders"]);
    assert_eq!(offered("echo \"$(aws kinesis wait ", &world).len(), 2);
    assert_eq!(offered("X=$(", &world), strings(COMMANDS));
    // Once closed, the substitution is one word of the outer command.
    assert_eq!(
        offered(
            "aws kinesis get-records --shard-iterator $(aws kinesis get-shard-iterator) --l",
            &world
        ),
        ["--limit"]
    );
}

#[test]
fn quotes_comments_and_whitespace() {
    let world = world();
    assert!(offered("say \"hello wor", &world).is_empty());
    assert!(offered("aws kinesis describe-stream --stream-name 'ord", &world).is_empty());
    assert!(offered("# aws kin", &world).is_empty());
    assert!(offered("aws kinesis list-streams # --o", &world).is_empty());
    // A closed quote is part of the word it replaces.
    let line = "aws kinesis describe-stream --stream-name 'orders'";
    let completion = complete(line, &world);
    assert_eq!(completion.candidates, ["orders"]);
    assert_eq!(&line[completion.start..], "'orders'");
    assert_eq!(
        offered("aws kinesis \"describe-stream\" --stream-name ", &world),
        ["orders", "payments"]
    );
    // Trailing whitespace starts a new, empty word.
    let line = "aws kinesis\t";
    let completion = complete(line, &world);
    assert_eq!(completion.start, line.len());
    assert!(completion.candidates.len() > 10);
    let completion = complete("aws kinesis", &world);
    assert_eq!(completion.start, 4);
    assert_eq!(completion.candidates, ["kinesis"]);
}

#[test]
fn candidates_read_back_as_the_text_they_stand_for() {
    for text in [
        "orders",
        "<=",
        "!=",
        "hot:",
        "Type=AT_LATEST",
        "analytics/worker-1",
        "é名前",
        "it's busy",
        "",
        "$HOME",
        "#tag",
        "a#b",
        "a)b",
        "back\\slash",
        "\"",
        "tab\there",
    ] {
        let word = shell_word(text);
        let line = format!("echo $(echo {word} ) {word} ");
        let words = words_at_cursor(&line)
            .map(|(words, _)| words)
            .unwrap_or_default();
        assert_eq!(words.len(), 3, "{line}");
        assert_eq!(words[2], text, "{line}");
    }
    assert_eq!(shell_word("shardId-000000000000"), "shardId-000000000000");
    assert_eq!(shell_word("it's"), r"'it'\''s'");
}

#[test]
fn common_prefix_is_what_tab_inserts() {
    let world = world();
    assert_eq!(complete("aws kinesis get-", &world).common_prefix(), "get-");
    assert_eq!(
        complete(
            "aws kinesis get-shard-iterator --stream-name orders --shard-id ",
            &world
        )
        .common_prefix(),
        "shardId-00000000000"
    );
    assert_eq!(
        complete("aws kinesis get-sh", &world).common_prefix(),
        "get-shard-iterator"
    );
    assert_eq!(complete("zzz", &world).common_prefix(), "");
    let accents = Completion {
        start: 0,
        candidates: owned(&["café-ü", "café-ö"]),
    };
    assert_eq!(accents.common_prefix(), "café-");
}

#[test]
fn every_offered_simulator_option_and_subcommand_is_one_the_commands_know() {
    for (command, options) in [
        ("producer add probe", PRODUCER_OPTIONS),
        ("consumer add probe", CONSUMER_OPTIONS),
        ("kcl app add probe", APP_OPTIONS),
        ("sim describe", DESCRIBE_OPTIONS),
        ("sim limits", LIMITS_OPTIONS),
    ] {
        for option in options {
            let said = transcript(&format!("{command} {option} 1"));
            assert!(
                !said.contains("unknown option"),
                "{command} {option}: {said}"
            );
        }
        let said = transcript(&format!("{command} --frobnicate 1"));
        assert!(said.contains("unknown option"), "{command}: {said}");
    }
    for switch in APP_SWITCHES {
        let said = transcript(&format!("kcl app add probe {switch}"));
        assert!(!said.contains("unknown option"), "{switch}: {said}");
    }
    for (command, subcommands) in [
        ("producer", PRODUCER_SUBCOMMANDS),
        ("consumer", CONSUMER_SUBCOMMANDS),
        ("kcl worker", WORKER_SUBCOMMANDS),
        ("sim", SIM_SUBCOMMANDS),
    ] {
        for sub in subcommands {
            let said = transcript(&format!("{command} {sub}"));
            assert!(
                !said.contains("unknown subcommand"),
                "{command} {sub}: {said}"
            );
        }
        let said = transcript(&format!("{command} frobnicate"));
        assert!(said.contains("unknown subcommand"), "{command}: {said}");
    }
    for option in WAIT_OPTIONS {
        let said = transcript(&format!("wait until 1 == 1 {option} 1s"));
        assert!(!said.contains("Error"), "{option}: {said}");
    }
}

#[test]
fn cli_switches_are_exactly_the_options_without_a_value() {
    for command in aws_cli::command_names() {
        if command == "wait" {
            continue;
        }
        for option in aws_cli::option_names(command, CliVersion::V1) {
            // The stream first (a missing one would be reported first), the probe last.
            let names = aws_cli::option_names(command, CliVersion::V1);
            let stream = if names.contains(&"--stream-name") && option != "--stream-name" {
                "--stream-name s "
            } else {
                ""
            };
            let said = transcript(&format!("aws kinesis {command} {stream}{option}"));
            // `--records` is a list (`nargs='*'`): given none, the request has an empty one,
            // which botocore refuses.
            let wants_value = said.contains(&format!("argument {option}: expected"))
                || said.contains("Invalid length for parameter Records, value: 0");
            assert_eq!(
                wants_value,
                !is_aws_switch(option),
                "aws kinesis {command} {option}: {said}"
            );
        }
    }
}

/// Lines a learner might type, and lines nobody should, cut at every character.
#[test]
fn no_line_makes_it_panic() {
    let world = world();
    let lines = [
        "aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query 'ShardIterator'",
        "SHARD_ITERATOR=$(aws kinesis get-shard-iterator --shard-id \"$(echo shardId-000000000001)\" --stream-name=orders)",
        "expect $(aws kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.OpenShardCount) == 2",
        "producer add 'é名前 😀' --stream \"or\\\"ders\" --keys hot:user-42:0.9 # comment",
        "kcl worker restart analytics/worker-1 \\ worker-9 ${NAME} $? $ $( $(( ))) )",
        "wait until lease analytics shardId-000000000000 moves --timeout 5m --every",
        "ask \"q?\" 'a' \"b\\\\\" answer 1 because \"$(sim time\"",
        "\u{0}\t\r\n\u{feff}--=\u{202e}'\"$(\\",
    ];
    let odd = [
        "", " ", "'", "\"", "$(", ")", "\\", "=", "--", "-", "é", "#", "$", "\t", "😀", "=é",
    ];
    let mut checked = 0;
    for line in lines {
        let cuts = line
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(line.len()));
        for cut in cuts {
            for tail in odd {
                let input = format!("{}{tail}", &line[..cut]);
                let completion = complete(&input, &world);
                assert!(completion.start <= input.len(), "{input:?}");
                assert!(input.is_char_boundary(completion.start), "{input:?}");
                let mut sorted = completion.candidates.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(sorted, completion.candidates, "{input:?}");
                let _ = completion.common_prefix();
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);
    // Deep nesting is read without recursion.
    let deep = "$(".repeat(100_000);
    let completion = complete(&deep, &world);
    assert_eq!(completion.start, deep.len());
    assert_eq!(completion.candidates, strings(COMMANDS));
    let closed = "echo ".to_string() + &"$(".repeat(50_000) + &")".repeat(60_000) + " s";
    assert!(complete(&closed, &world).candidates.is_empty());
}
