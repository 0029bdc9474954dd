//! Unit tests of the aws kinesis CLI: the options as the CLI builds them, timestamps.
use super::*;
use crate::script::grammar::Value;

#[test]
fn timestamps_in_both_forms() {
    assert_eq!(parse_timestamp("1459799926.480"), Some(1459799926.48));
    assert_eq!(
        parse_timestamp("2016-04-04T19:58:46.480-00:00"),
        Some(1459799926.48)
    );
    assert_eq!(parse_timestamp("2016-04-04T19:58:46Z"), Some(1459799926.0));
    assert_eq!(
        parse_timestamp("2016-04-04T21:58:46+02:00"),
        Some(1459799926.0)
    );
    assert_eq!(parse_timestamp("2016-04-04"), Some(1459728000.0));
    assert_eq!(parse_timestamp("yesterday"), None);
}

/// The options of each command as aws-cli 1.46.3 builds its argument table (printed from
/// `ServiceOperation.arg_table` of the installed CLI, the `--no-` half of a boolean left
/// out): flag and whether it is required, in the order argparse matches abbreviations
/// against.
#[rustfmt::skip]
const EXPECTED: &[(&str, &[(&str, bool)])] = &[
    ("create-stream", &[("--stream-name", true), ("--shard-count", false), ("--stream-mode-details", false), ("--tags", false), ("--warm-throughput-mi-bps", false), ("--max-record-size-in-ki-b", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("delete-stream", &[("--stream-name", false), ("--enforce-consumer-deletion", false), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("describe-stream", &[("--stream-name", false), ("--limit", false), ("--exclusive-start-shard-id", false), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--starting-token", false), ("--page-size", false), ("--max-items", false), ("--generate-cli-skeleton", false)]),
    ("describe-stream-summary", &[("--stream-name", false), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("describe-limits", &[("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("list-streams", &[("--limit", false), ("--exclusive-start-stream-name", false), ("--next-token", false), ("--cli-input-json", false), ("--starting-token", false), ("--page-size", false), ("--max-items", false), ("--generate-cli-skeleton", false)]),
    ("list-shards", &[("--stream-name", false), ("--next-token", false), ("--exclusive-start-shard-id", false), ("--max-results", false), ("--stream-creation-timestamp", false), ("--shard-filter", false), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--starting-token", false), ("--page-size", false), ("--max-items", false), ("--generate-cli-skeleton", false)]),
    ("put-record", &[("--stream-name", false), ("--data", true), ("--partition-key", true), ("--explicit-hash-key", false), ("--sequence-number-for-ordering", false), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("put-records", &[("--records", true), ("--stream-name", false), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("get-shard-iterator", &[("--stream-name", false), ("--shard-id", true), ("--shard-iterator-type", true), ("--starting-sequence-number", false), ("--timestamp", false), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("get-records", &[("--shard-iterator", true), ("--limit", false), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("split-shard", &[("--stream-name", false), ("--shard-to-split", true), ("--new-starting-hash-key", true), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("merge-shards", &[("--stream-name", false), ("--shard-to-merge", true), ("--adjacent-shard-to-merge", true), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("update-shard-count", &[("--stream-name", false), ("--target-shard-count", true), ("--scaling-type", true), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("update-stream-mode", &[("--stream-arn", true), ("--stream-id", false), ("--stream-mode-details", true), ("--warm-throughput-mi-bps", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("increase-stream-retention-period", &[("--stream-name", false), ("--retention-period-hours", true), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("decrease-stream-retention-period", &[("--stream-name", false), ("--retention-period-hours", true), ("--stream-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("register-stream-consumer", &[("--stream-arn", true), ("--consumer-name", true), ("--stream-id", false), ("--tags", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("describe-stream-consumer", &[("--stream-arn", false), ("--consumer-name", false), ("--consumer-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    ("list-stream-consumers", &[("--stream-arn", true), ("--next-token", false), ("--max-results", false), ("--stream-creation-timestamp", false), ("--stream-id", false), ("--cli-input-json", false), ("--starting-token", false), ("--page-size", false), ("--max-items", false), ("--generate-cli-skeleton", false)]),
    ("deregister-stream-consumer", &[("--stream-arn", false), ("--consumer-name", false), ("--consumer-arn", false), ("--stream-id", false), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
    // Not the CLI's (it leaves the command out): the table it would build from the model.
    ("subscribe-to-shard", &[("--consumer-arn", true), ("--stream-id", false), ("--shard-id", true), ("--starting-position", true), ("--cli-input-json", false), ("--generate-cli-skeleton", false)]),
];

#[test]
fn the_options_are_the_clis() {
    let names: Vec<&str> = EXPECTED.iter().map(|(name, _)| *name).collect();
    let mut all = names.clone();
    all.push("wait");
    assert_eq!(command_names(), all, "the commands Shardlab simulates");
    for (name, expected) in EXPECTED {
        let (_, options) = find(name).unwrap_or_else(|| panic!("{name} is a command"));
        let derived: Vec<(&str, bool)> = options
            .iter()
            .map(|o| (o.flag.as_str(), o.required))
            .collect();
        assert_eq!(&derived, expected, "aws kinesis {name}");
    }
}

#[test]
fn every_member_the_engine_reads_is_an_option() {
    for (command, options) in table() {
        let shape = crate::engine::request_shape(command.action).unwrap_or_default();
        for member in shape {
            let option = options.iter().find(|o| o.member == member.name);
            assert!(
                option.is_some_and(|o| o.simulated),
                "{} {}",
                command.name,
                member.name
            );
        }
        let simulated = options
            .iter()
            .filter(|o| o.simulated && !o.member.is_empty())
            .count();
        assert_eq!(simulated, shape.len(), "{}", command.name);
    }
}

#[test]
fn a_member_offers_the_same_values_in_every_command() {
    let expect = |flag: &str, value: Option<Value>| {
        for (command, options) in table() {
            if let Some(option) = options.iter().find(|o| o.flag == flag) {
                assert_eq!(option.value, value, "{} {flag}", command.name);
            }
        }
        assert_eq!(option_value(flag), value, "{flag}");
    };
    for flag in ["--stream-name", "--exclusive-start-stream-name"] {
        expect(flag, Some(Value::Stream));
    }
    for flag in [
        "--shard-id",
        "--shard-to-split",
        "--shard-to-merge",
        "--adjacent-shard-to-merge",
        "--exclusive-start-shard-id",
    ] {
        expect(flag, Some(Value::Shard));
    }
    expect("--scaling-type", Some(Value::OneOf(&["UNIFORM_SCALING"])));
    expect("--limit", Some(Value::Number));
    expect("--timestamp", Some(Value::Timestamp));
    expect("--shard-iterator", Some(Value::Text));
    expect("--enforce-consumer-deletion", None);
    expect("--output", Some(Value::OneOf(&["json", "text"])));
    let Some(Value::OneOf(types)) = option_value("--shard-iterator-type") else {
        panic!("the iterator types are enumerated");
    };
    let mut types = types.to_vec();
    types.sort();
    assert_eq!(
        types,
        [
            "AFTER_SEQUENCE_NUMBER",
            "AT_SEQUENCE_NUMBER",
            "AT_TIMESTAMP",
            "LATEST",
            "TRIM_HORIZON"
        ]
    );
    assert!(is_switch("--enforce-consumer-deletion"));
    assert!(is_switch("--no-paginate"));
    assert!(!is_switch("--stream-name"));
}

#[test]
fn member_names_become_kebab_case_flags() {
    assert_eq!(commands::flag_of("StreamName"), "--stream-name");
    assert_eq!(commands::flag_of("ExplicitHashKey"), "--explicit-hash-key");
    assert_eq!(commands::flag_of("StreamARN"), "--stream-arn");
    assert_eq!(
        commands::flag_of("MaxRecordSizeInKiB"),
        "--max-record-size-in-ki-b"
    );
}

#[test]
fn a_waiter_takes_the_options_of_describe_stream() {
    // awscli/customizations/waiters.py builds each waiter's options from its operation.
    let flags: Vec<&str> = waiter_options().iter().map(|o| o.flag.as_str()).collect();
    let (_, describe) = find("describe-stream").unwrap();
    let expected: Vec<&str> = describe.iter().map(|o| o.flag.as_str()).collect();
    assert_eq!(flags, expected);
}
