//! Unit tests of the aws kinesis CLI: options derived from the engine, timestamps, shorthand.
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
    assert_eq!(parse_timestamp("yesterday"), None);
}

#[test]
fn shorthand_structures_and_records() {
    assert_eq!(
        shorthand_struct("Type=AT_LATEST").unwrap(),
        json!({"Type": "AT_LATEST"})
    );
    let entries = records(
        &[
            "Data=hi,PartitionKey=k1".into(),
            "Data=yo,PartitionKey=k2".into(),
        ],
        false,
        "--records",
    )
    .unwrap();
    assert_eq!(
        entries,
        json!([{"Data": "aGk=", "PartitionKey": "k1"}, {"Data": "eW8=", "PartitionKey": "k2"}])
    );
    let entries = records(
        &["[{\"Data\":\"aGk=\",\"PartitionKey\":\"k\"}]".into()],
        true,
        "--records",
    )
    .unwrap();
    assert_eq!(entries[0]["Data"], "aGk=");
}

/// An option: flag, member, kind, required.
type Expected = (&'static str, &'static str, Kind, bool);

/// Today's `aws kinesis` options, as the CLI table stated them before they were derived from
/// the engine's request shapes: flag, member, kind, required, in the CLI's order.
const EXPECTED: &[(&str, &[Expected])] = &[
    (
        "create-stream",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            ("--shard-count", "ShardCount", Kind::Int, false),
            (
                "--stream-mode-details",
                "StreamModeDetails",
                Kind::Struct,
                false,
            ),
        ],
    ),
    (
        "delete-stream",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            (
                "--enforce-consumer-deletion",
                "EnforceConsumerDeletion",
                Kind::Bool,
                false,
            ),
        ],
    ),
    (
        "describe-stream",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            (
                "--exclusive-start-shard-id",
                "ExclusiveStartShardId",
                Kind::Str,
                false,
            ),
            ("--limit", "Limit", Kind::Int, false),
        ],
    ),
    (
        "describe-stream-summary",
        &[("--stream-name", "StreamName", Kind::Str, true)],
    ),
    ("describe-limits", &[]),
    (
        "list-streams",
        &[
            (
                "--exclusive-start-stream-name",
                "ExclusiveStartStreamName",
                Kind::Str,
                false,
            ),
            ("--limit", "Limit", Kind::Int, false),
        ],
    ),
    (
        "list-shards",
        &[
            ("--stream-name", "StreamName", Kind::Str, false),
            ("--next-token", "NextToken", Kind::Str, false),
            (
                "--exclusive-start-shard-id",
                "ExclusiveStartShardId",
                Kind::Str,
                false,
            ),
            ("--max-results", "MaxResults", Kind::Int, false),
            (
                "--stream-creation-timestamp",
                "StreamCreationTimestamp",
                Kind::Timestamp,
                false,
            ),
            ("--shard-filter", "ShardFilter", Kind::Struct, false),
        ],
    ),
    (
        "put-record",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            ("--data", "Data", Kind::Blob, true),
            ("--partition-key", "PartitionKey", Kind::Str, true),
            ("--explicit-hash-key", "ExplicitHashKey", Kind::Str, false),
            (
                "--sequence-number-for-ordering",
                "SequenceNumberForOrdering",
                Kind::Str,
                false,
            ),
        ],
    ),
    (
        "put-records",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            ("--records", "Records", Kind::Records, true),
        ],
    ),
    (
        "get-shard-iterator",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            ("--shard-id", "ShardId", Kind::Str, true),
            (
                "--shard-iterator-type",
                "ShardIteratorType",
                Kind::Str,
                true,
            ),
            (
                "--starting-sequence-number",
                "StartingSequenceNumber",
                Kind::Str,
                false,
            ),
            ("--timestamp", "Timestamp", Kind::Timestamp, false),
        ],
    ),
    (
        "get-records",
        &[
            ("--shard-iterator", "ShardIterator", Kind::Str, true),
            ("--limit", "Limit", Kind::Int, false),
        ],
    ),
    (
        "split-shard",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            ("--shard-to-split", "ShardToSplit", Kind::Str, true),
            (
                "--new-starting-hash-key",
                "NewStartingHashKey",
                Kind::Str,
                true,
            ),
        ],
    ),
    (
        "merge-shards",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            ("--shard-to-merge", "ShardToMerge", Kind::Str, true),
            (
                "--adjacent-shard-to-merge",
                "AdjacentShardToMerge",
                Kind::Str,
                true,
            ),
        ],
    ),
    (
        "update-shard-count",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            ("--target-shard-count", "TargetShardCount", Kind::Int, true),
            ("--scaling-type", "ScalingType", Kind::Str, true),
        ],
    ),
    (
        "increase-stream-retention-period",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            (
                "--retention-period-hours",
                "RetentionPeriodHours",
                Kind::Int,
                true,
            ),
        ],
    ),
    (
        "decrease-stream-retention-period",
        &[
            ("--stream-name", "StreamName", Kind::Str, true),
            (
                "--retention-period-hours",
                "RetentionPeriodHours",
                Kind::Int,
                true,
            ),
        ],
    ),
];

#[test]
fn the_options_derived_from_the_request_shapes_are_the_clis() {
    let names: Vec<&str> = EXPECTED.iter().map(|(name, _)| *name).collect();
    let mut all = names.clone();
    all.push("wait");
    assert_eq!(command_names(), all, "the commands, in the CLI's order");
    for (name, expected) in EXPECTED {
        let (_, options) = find(name).unwrap_or_else(|| panic!("{name} is a command"));
        let derived: Vec<Expected> = options
            .iter()
            .map(|o| (o.flag.as_str(), o.member, o.kind, o.required))
            .collect();
        assert_eq!(&derived, expected, "aws kinesis {name}");
    }
}

#[test]
fn every_member_of_a_request_is_an_option_unless_the_cli_pages_through_it() {
    for (command, options) in table() {
        let shape = crate::engine::request_shape(command.action).unwrap_or_default();
        let members: Vec<&str> = options.iter().map(|o| o.member).collect();
        for member in shape {
            let hidden = command.action == "ListStreams" && member.name == "NextToken";
            assert_eq!(
                members.contains(&member.name),
                !hidden,
                "{} {}",
                command.name,
                member.name
            );
        }
        assert_eq!(
            members.len(),
            shape.len() - usize::from(command.action == "ListStreams")
        );
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
}

#[test]
fn a_waiter_takes_the_stream_name_of_the_action_it_calls() {
    let flags: Vec<(&str, Option<Value>)> = crate::script::aws_cli::waiter_options()
        .iter()
        .map(|o| (o.flag.as_str(), o.value))
        .collect();
    assert_eq!(flags, [("--stream-name", Some(Value::Stream))]);
}
