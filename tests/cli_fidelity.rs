//! The console is the AWS CLI byte for byte: each test runs command lines through the
//! console and asserts exactly what aws-cli 1.46.3 (botocore 1.43.62, Python 3.11) printed
//! for the same lines against kinesalite on loopback (stdout, stderr and exit status), or
//! what its source says where kinesalite cannot show it. Only what the service itself says
//! (sequence numbers, timestamps, kinesalite's own gaps) differs, and none of that is here.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::console::{run, Printed};

use shardlab::script::Runner;
use shardlab::sim::World;

/// A console with stream `Foo` of two shards, ACTIVE.
fn console() -> (World, Runner) {
    let mut world = World::new(1);
    let mut runner = Runner::console();
    for line in [
        "aws kinesis create-stream --stream-name Foo --shard-count 2",
        "aws kinesis wait stream-exists --stream-name Foo",
    ] {
        runner.run_line(line, &mut world, &mut Vec::new());
    }
    (world, runner)
}

/// Runs one line on a fresh console.
fn aws(line: &str) -> Printed {
    let (mut world, mut runner) = console();
    run(&mut world, &mut runner, line)
}

fn failed(status: i32, stderr: &str) -> Printed {
    Printed {
        stdout: String::new(),
        stderr: stderr.to_string(),
        status,
    }
}

/// aws-cli 1.x's usage (awscli/argparser.py `USAGE`, printed by argparse's
/// `format_usage`): a carriage return, the note about v2, then the usage and help blurb.
const USAGE_V1: &str = "usage: \rNote: AWS CLI version 2, the latest major version of the AWS CLI, is now stable and recommended for general use. For more information, see the AWS CLI version 2 installation instructions at: https://docs.aws.amazon.com/cli/latest/userguide/install-cliv2.html\n\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n";

#[test]
fn b1_b2_a_service_error_is_a_blank_line_then_the_error_and_exit_255() {
    // Observed: `aws kinesis describe-stream --stream-name Nope` (awscli/clidriver.py `main`
    // catches the ClientError; awscli/utils.py `write_exception` writes "\n", it, "\n").
    assert_eq!(
        aws("aws kinesis describe-stream --stream-name Nope"),
        failed(
            255,
            "\nAn error occurred (ResourceNotFoundException) when calling the DescribeStream operation: Stream Nope under account 123456789012 not found.\n"
        )
    );
    // The waiter reports the service's error in its own words, with the same blank line.
    assert_eq!(
        aws("aws kinesis wait stream-exists --stream-name Nope"),
        failed(
            255,
            "\nWaiter StreamExists failed: An error occurred (ResourceNotFoundException): Stream Nope under account 123456789012 not found.\n"
        )
    );
}

#[test]
fn b3_the_cli_validates_parameters_before_sending() {
    // Observed, each never reaching kinesalite (botocore/validate.py's texts and order:
    // required members, then each member given, in the model's order).
    let cases = [
        (
            "aws kinesis create-stream --stream-name Bar --shard-count 0",
            "Invalid value for parameter ShardCount, value: 0, valid min value: 1",
        ),
        (
            "aws kinesis list-streams --limit 0",
            "Invalid value for parameter Limit, value: 0, valid min value: 1",
        ),
        (
            "aws kinesis get-records --shard-iterator ''",
            "Invalid length for parameter ShardIterator, value: 0, valid min length: 1",
        ),
        (
            "aws kinesis put-record --stream-name Foo --partition-key '' --data x",
            "Invalid length for parameter PartitionKey, value: 0, valid min length: 1",
        ),
        (
            "aws kinesis put-record --stream-name '' --partition-key '' --data x",
            "Invalid length for parameter StreamName, value: 0, valid min length: 1\nInvalid length for parameter PartitionKey, value: 0, valid min length: 1",
        ),
        (
            "aws kinesis put-records --stream-name Foo --records '[{\"Data\":5}]'",
            "Missing required parameter in Records[0]: \"PartitionKey\"\nInvalid type for parameter Records[0].Data, value: 5, type: <class 'int'>, valid types: <class 'bytes'>, <class 'bytearray'>, file-like object",
        ),
        (
            "aws kinesis put-records --stream-name Foo --records",
            "Invalid length for parameter Records, value: 0, valid min length: 1",
        ),
        (
            "aws kinesis get-shard-iterator --stream-name Foo --shard-id 0 --shard-iterator-type AT_TIMESTAMP --timestamp yesterday",
            "Invalid type for parameter Timestamp, value: yesterday, type: <class 'str'>, valid types: <class 'datetime.datetime'>, timestamp-string",
        ),
    ];
    for (line, report) in cases {
        assert_eq!(
            aws(line),
            failed(255, &format!("\nParameter validation failed:\n{report}\n")),
            "{line}"
        );
    }
}

#[test]
fn b4_paginated_output_is_assembled_as_the_cli_assembles_it() {
    let (mut world, mut runner) = console();
    // Observed: only the paginator's result keys (botocore/paginate.py
    // `build_full_result`), so no HasMoreStreams; the text output page by page
    // (awscli/formatter.py `TextFormatter`), so no False line.
    let streams = run(&mut world, &mut runner, "aws kinesis list-streams");
    assert!(
        streams.stdout.starts_with(
            "{\n    \"StreamNames\": [\n        \"Foo\"\n    ],\n    \"StreamSummaries\": ["
        ),
        "{}",
        streams.stdout
    );
    assert!(!streams.stdout.contains("HasMoreStreams"));
    let text = run(
        &mut world,
        &mut runner,
        "aws kinesis list-streams --output text",
    );
    assert!(
        text.stdout.starts_with("STREAMNAMES\tFoo\n"),
        "{}",
        text.stdout
    );
    // describe-stream: Shards first, then the non-aggregate keys in the paginator's order
    // with "KeyId": null, no HasMoreShards, no StreamModeDetails (observed).
    let described = run(
        &mut world,
        &mut runner,
        "aws kinesis describe-stream --stream-name Foo",
    );
    let keys: Vec<&str> = described
        .stdout
        .lines()
        .filter(|l| l.starts_with("        \"") && !l.starts_with("         "))
        .map(|l| l.trim().split('"').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        keys,
        [
            "Shards",
            "StreamARN",
            "StreamName",
            "StreamStatus",
            "RetentionPeriodHours",
            "EnhancedMonitoring",
            "EncryptionType",
            "KeyId",
            "StreamCreationTimestamp"
        ]
    );
    assert!(described.stdout.contains("        \"KeyId\": null,\n"));
    // The same as text: the non-aggregate scalars sorted by key, then the shards (observed:
    // STREAMDESCRIPTION	NONE	None	24	arn:...	<timestamp>	Foo	ACTIVE).
    let text = run(
        &mut world,
        &mut runner,
        "aws kinesis describe-stream --stream-name Foo --output text",
    );
    assert!(
        text.stdout.starts_with("STREAMDESCRIPTION\tNONE\tNone\t24\tarn:aws:kinesis:us-east-1:123456789012:stream/Foo\t1767225600.0\tFoo\tACTIVE\nSHARDS\tshardId-000000000000\nHASHKEYRANGE\t170141183460469231731687303715884105727\t0\n"),
        "{}",
        text.stdout
    );
    // --no-paginate, or a paging member given (awscli/customizations/paginate.py
    // `check_should_enable_pagination`), prints the response as the service sent it.
    for line in [
        "aws kinesis describe-stream --stream-name Foo --no-paginate",
        "aws kinesis describe-stream --stream-name Foo --limit 1",
    ] {
        let raw = run(&mut world, &mut runner, line);
        assert!(
            raw.stdout
                .starts_with("{\n    \"StreamDescription\": {\n        \"StreamName\": \"Foo\",\n"),
            "{line}"
        );
        assert!(raw.stdout.contains("\"HasMoreShards\""), "{line}");
    }
    // --max-items stops with the CLI's own NextToken: base64 of Python's json.dumps of
    // the paginator's token (botocore/paginate.py `TokenEncoder`); observed, the same
    // token: {"ExclusiveStartShardId": null, "boto_truncate_amount": 1}.
    let one = run(
        &mut world,
        &mut runner,
        "aws kinesis describe-stream --stream-name Foo --max-items 1",
    );
    assert!(
        one.stdout.ends_with("    },\n    \"NextToken\": \"eyJFeGNsdXNpdmVTdGFydFNoYXJkSWQiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==\"\n}\n"),
        "{}",
        one.stdout
    );
    let rest = run(
        &mut world,
        &mut runner,
        "aws kinesis describe-stream --stream-name Foo --starting-token eyJFeGNsdXNpdmVTdGFydFNoYXJkSWQiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ== --query 'StreamDescription.Shards[].ShardId' --output text",
    );
    assert_eq!(rest.stdout, "shardId-000000000001\n");
    assert_eq!(
        run(&mut world, &mut runner, "aws kinesis describe-stream --stream-name Foo --no-paginate --max-items 1"),
        failed(255, "\nError during pagination: Cannot specify --no-paginate along with pagination arguments: --max-items\n")
    );
}

#[test]
fn b7_arguments_as_argparse_reads_them() {
    // Observed: a unique prefix is the option (`--stream-nam`), exit 0.
    assert_eq!(
        aws("aws kinesis describe-stream --stream-nam Foo --query StreamDescription.StreamName"),
        Printed {
            stdout: "\"Foo\"\n".to_string(),
            stderr: String::new(),
            status: 0
        }
    );
    // Observed: an ambiguous prefix, argparse's error, exit 2.
    assert_eq!(
        aws("aws kinesis describe-stream --stream Foo"),
        failed(
            2,
            &format!("{USAGE_V1}aws: error: ambiguous option: --stream could match --stream-name, --stream-arn, --stream-id\n")
        )
    );
    // Observed: Python's int() refuses it, and the CLI prints its ValueError (exit 255).
    assert_eq!(
        aws("aws kinesis create-stream --stream-name X --shard-count abc"),
        failed(255, "\ninvalid literal for int() with base 10: 'abc'\n")
    );
    // Observed: the model no longer requires StreamName, so the request is sent and the
    // service answers.
    assert_eq!(
        aws("aws kinesis describe-stream-summary"),
        failed(
            255,
            "\nAn error occurred (ValidationException) when calling the DescribeStreamSummary operation: 1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null\n"
        )
    );
    // Observed: v1 has no --cli-binary-format; what nothing took is "Unknown options".
    assert_eq!(
        aws("aws kinesis put-record --stream-name Foo --partition-key a --data x --cli-binary-format raw-in-base64-out"),
        failed(255, &format!("{USAGE_V1}\nUnknown options: --cli-binary-format, raw-in-base64-out\n"))
    );
    assert_eq!(
        aws("aws kinesis describe-stream --stream-name Foo --bogus 1"),
        failed(255, &format!("{USAGE_V1}\nUnknown options: --bogus, 1\n"))
    );
    // Observed: a missing required option, exit 2.
    assert_eq!(
        aws("aws kinesis get-shard-iterator --stream-name Foo"),
        failed(
            2,
            &format!("{USAGE_V1}aws: error: the following arguments are required: --shard-id, --shard-iterator-type\n")
        )
    );
    // Observed: an unknown subcommand lists every one, two to a line padded to 40, then
    // difflib's close matches (awscli/argparser.py `_check_value`), exit 2.
    let unknown = aws("aws kinesis describe-streamz --stream-name Foo");
    assert_eq!(unknown.status, 2);
    assert!(unknown.stderr.starts_with(&format!("{USAGE_V1}aws: error: argument operation: Invalid choice, valid choices are:\n\nadd-tags-to-stream                       | create-stream                           \n")));
    assert!(unknown.stderr.ends_with("wait                                     | help                                    \n\n\nInvalid choice: 'describe-streamz', maybe you meant:\n\n  * describe-stream\n"), "{}", unknown.stderr);
    // Observed: the waiters' own parser.
    assert_eq!(
        aws("aws kinesis wait"),
        failed(255, "\nusage: aws [options] <command> <subcommand> [parameters]\naws: error: too few arguments\n")
    );
    let waiter = aws("aws kinesis wait stream-exist --stream-name Foo");
    assert_eq!(waiter.status, 2);
    assert!(waiter.stderr.ends_with("aws: error: argument subcommand: Invalid choice, valid choices are:\n\nstream-exists                            | stream-not-exists                       \n\n\nInvalid choice: 'stream-exist', maybe you meant:\n\n  * stream-exists\n  * stream-not-exists\n"), "{}", waiter.stderr);
    // Observed: awscli/shorthand.py's error for a structure.
    assert_eq!(
        aws("aws kinesis list-shards --stream-name Foo --shard-filter Type"),
        failed(255, "\nError parsing parameter '--shard-filter': Expected: '=', received: 'EOF' for input:\nType\n    ^\n")
    );
    // Observed: Python's json error for a JSON list.
    assert_eq!(
        aws("aws kinesis put-records --stream-name Foo --records '[{\"Data\":\"x\" \"PartitionKey\":\"k\"}]'"),
        failed(255, "\nError parsing parameter '--records': Invalid JSON: Expecting ',' delimiter: line 1 column 14 (char 13)\nJSON received: [{\"Data\":\"x\" \"PartitionKey\":\"k\"}]\n")
    );
}

#[test]
fn b5_query_results_keep_the_services_member_order() {
    let (mut world, mut runner) = console();
    // Observed: `aws kinesis list-shards --stream-name Foo --query 'Shards[0]'` prints the
    // shard's members in the response's order, HashKeyRange with StartingHashKey first
    // (jmespath.py keeps Python's dict order; the jmespath crate sorted them).
    let shard = run(
        &mut world,
        &mut runner,
        "aws kinesis list-shards --stream-name Foo --query 'Shards[0]'",
    );
    assert!(
        shard.stdout.starts_with("{\n    \"ShardId\": \"shardId-000000000000\",\n    \"HashKeyRange\": {\n        \"StartingHashKey\": \"0\",\n        \"EndingHashKey\": \"170141183460469231731687303715884105727\"\n    },\n    \"SequenceNumberRange\": {\n"),
        "{}",
        shard.stdout
    );
    // Observed: `*` and a multi-select hash keep their orders too.
    let values = run(&mut world, &mut runner, "aws kinesis list-shards --stream-name Foo --query 'Shards[0].HashKeyRange.*' --output text");
    assert_eq!(
        values.stdout,
        "0\t170141183460469231731687303715884105727\n"
    );
    let picked = run(&mut world, &mut runner, "aws kinesis list-shards --stream-name Foo --query 'Shards[].{E: HashKeyRange.EndingHashKey, S: ShardId}' --output text");
    assert_eq!(
        picked.stdout,
        "170141183460469231731687303715884105727\tshardId-000000000000\n340282366920938463463374607431768211455\tshardId-000000000001\n"
    );
    // Observed: jmespath.py's own error texts after "Bad value for --query" (exit 255).
    assert_eq!(
        run(&mut world, &mut runner, "aws kinesis describe-stream --stream-name Foo --query 'Shards['"),
        failed(255, "\nBad value for --query Shards[: Invalid jmespath expression: Incomplete expression:\n\"Shards[\"\n        ^\n")
    );
    // Observed: an error while searching comes after the call, as Python's exception.
    assert_eq!(
        run(
            &mut world,
            &mut runner,
            "aws kinesis describe-stream --stream-name Foo --query 'length(@, @)'"
        ),
        failed(
            255,
            "\nExpected 1 argument for function length(), received 2\n"
        )
    );
}

#[test]
fn b6_a_backquoted_literal_that_is_not_json_is_a_string() {
    // Observed: jmespath.py reads `B` as "B" (JEP-12's deprecated form; its
    // PendingDeprecationWarning is not shown), so the CLI filters with it.
    let (mut world, mut runner) = console();
    run(
        &mut world,
        &mut runner,
        "aws kinesis create-stream --stream-name Bar --shard-count 1",
    );
    assert_eq!(
        run(
            &mut world,
            &mut runner,
            "aws kinesis list-streams --query 'StreamNames[?starts_with(@, `B`)]'"
        ),
        Printed {
            stdout: "[\n    \"Bar\"\n]\n".to_string(),
            stderr: String::new(),
            status: 0
        }
    );
}

/// aws-cli v2's usage (its awscli/argparser.py `USAGE`): no note, no carriage return.
const USAGE_V2: &str = "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n";

#[test]
fn sim_cli_v2_reads_data_as_base64_and_exits_as_v2() {
    // Each observed with aws-cli 2.36.7, built from aws/aws-cli's v2 branch, against the
    // same kinesalite (awscli/errorhandler.py, awscli/errorformat.py, awscli/constants.py:
    // service errors 254, parameter and usage errors 252, the rest 255, each message after
    // a blank line and "aws: [ERROR]: ").
    let (mut world, mut runner) = console();
    run(&mut world, &mut runner, "sim cli v2");
    // --data is base64 (awscli/customizations/binaryformat.py): "hello" is not.
    assert_eq!(
        run(
            &mut world,
            &mut runner,
            "aws kinesis put-record --stream-name Foo --partition-key a --data hello"
        ),
        failed(255, "\naws: [ERROR]: Invalid base64: \"hello\"\n")
    );
    // ... and "testdata" is, so six bytes are stored; raw-in-base64-out stores the text.
    let shard = "--shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON";
    run(
        &mut world,
        &mut runner,
        "aws kinesis put-record --stream-name Foo --partition-key a --data testdata",
    );
    run(&mut world, &mut runner, "aws kinesis put-record --stream-name Foo --partition-key a --data hello --cli-binary-format raw-in-base64-out");
    run(
        &mut world,
        &mut runner,
        &format!(
            "IT=$(aws kinesis get-shard-iterator --stream-name Foo {shard} --query ShardIterator)"
        ),
    );
    let data = run(
        &mut world,
        &mut runner,
        "aws kinesis get-records --shard-iterator $IT --query 'Records[].Data' --output text",
    );
    assert_eq!(data.stdout, "testdata\taGVsbG8=\n");
    // Timestamps are ISO 8601 (v2's cli_timestamp_format).
    let created = run(&mut world, &mut runner, "aws kinesis describe-stream-summary --stream-name Foo --query StreamDescriptionSummary.StreamCreationTimestamp");
    assert_eq!(created.stdout, "\"2026-01-01T00:00:00+00:00\"\n");
    assert_eq!(
        run(&mut world, &mut runner, "aws kinesis describe-stream --stream-name Nope"),
        failed(
            254,
            "\naws: [ERROR]: An error occurred (ResourceNotFoundException) when calling the DescribeStream operation: Stream Nope under account 123456789012 not found.\n"
        )
    );
    assert_eq!(
        run(&mut world, &mut runner, "aws kinesis create-stream --stream-name Bar --shard-count 0"),
        failed(
            252,
            "\naws: [ERROR]: An error occurred (ParamValidation): Parameter validation failed:\nInvalid value for parameter ShardCount, value: 0, valid min value: 1\n"
        )
    );
    assert_eq!(
        run(&mut world, &mut runner, "aws kinesis describe-stream --stream Foo"),
        failed(
            252,
            &format!("\naws: [ERROR]: An error occurred (ParamValidation): ambiguous option: --stream could match --stream-name, --stream-arn, --stream-id\n\n{USAGE_V2}")
        )
    );
    assert_eq!(
        run(
            &mut world,
            &mut runner,
            "aws kinesis describe-stream --stream-name Foo --bogus 1"
        ),
        failed(
            252,
            &format!("\n{USAGE_V2}\n\naws: [ERROR]: Unknown options: --bogus, 1\n")
        )
    );
    // Back to v1: --cli-binary-format is unknown again, and errors exit 255.
    run(&mut world, &mut runner, "sim cli v1");
    let v1 = run(&mut world, &mut runner, "aws kinesis put-record --stream-name Foo --partition-key a --data x --cli-binary-format raw-in-base64-out");
    assert_eq!(v1.status, 255);
    assert!(v1
        .stderr
        .ends_with("\nUnknown options: --cli-binary-format, raw-in-base64-out\n"));
}

#[test]
fn cli_input_json_and_the_cli_paginators_own_ways() {
    let (mut world, mut runner) = console();
    // Observed: --cli-input-json fills what the options did not set and makes nothing
    // required (awscli/customizations/cliinputjson.py, arguments.py).
    assert_eq!(
        run(&mut world, &mut runner, "aws kinesis put-record --cli-input-json '{\"StreamName\":\"Foo\",\"Data\":\"x\",\"PartitionKey\":\"k\"}' --query ShardId"),
        Printed {
            stdout: "\"shardId-000000000001\"\n".to_string(),
            stderr: String::new(),
            status: 0
        }
    );
    assert_eq!(
        run(&mut world, &mut runner, "aws kinesis put-record --cli-input-json '{\"StreamName\":\"Foo\",\"Data\":\"x\",\"PartitionKey\":\"\",\"Bogus\":1}'"),
        failed(255, "\nParameter validation failed:\nUnknown parameter in input: \"Bogus\", must be one of: StreamName, Data, PartitionKey, ExplicitHashKey, SequenceNumberForOrdering, StreamARN, StreamId\nInvalid length for parameter PartitionKey, value: 0, valid min length: 1\n")
    );
    assert_eq!(
        run(
            &mut world,
            &mut runner,
            "aws kinesis put-record --cli-input-json '[1]'"
        ),
        failed(255, "\n'list' object has no attribute 'keys'\n")
    );
    // Observed: a non-positive --max-items warns on stderr and goes on.
    let none = run(
        &mut world,
        &mut runner,
        "aws kinesis list-streams --max-items 0 --query StreamNames",
    );
    assert_eq!(
        none,
        Printed {
            stdout: "[]\n".to_string(),
            stderr:
                "warning: Non-positive values for --max-items may result in undefined behavior.\n"
                    .to_string(),
            status: 0
        }
    );
    // botocore's ListShards paginator keeps StreamName beside the NextToken it follows,
    // which the service refuses (aws/aws-cli#9635): the real CLI fails so against AWS.
    assert_eq!(
        run(&mut world, &mut runner, "aws kinesis list-shards --stream-name Foo --page-size 1"),
        failed(255, "\nAn error occurred (InvalidArgumentException) when calling the ListShards operation: NextToken and StreamName cannot be provided together.\n")
    );
}

#[test]
fn the_fan_out_commands_are_read_as_the_cli_reads_them() {
    // From the model and the CLI's source, not observed (kinesalite has no consumers): the
    // options are the input members in the model's order, so `--consumer` is ambiguous.
    assert_eq!(
        aws("aws kinesis describe-stream-consumer --consumer x"),
        failed(
            2,
            &format!("{USAGE_V1}aws: error: ambiguous option: --consumer could match --consumer-name, --consumer-arn\n")
        )
    );
    assert_eq!(
        aws("aws kinesis register-stream-consumer --consumer-name c"),
        failed(
            2,
            &format!("{USAGE_V1}aws: error: the following arguments are required: --stream-arn\n")
        )
    );
    // MaxResults is an integer: Python's int() reads it; botocore checks its min (1).
    let list = "aws kinesis list-stream-consumers --stream-arn arn:aws:kinesis:us-east-1:123456789012:stream/Foo";
    assert_eq!(
        aws(&format!("{list} --max-results abc")),
        failed(255, "\ninvalid literal for int() with base 10: 'abc'\n")
    );
    assert_eq!(
        aws(&format!("{list} --max-results 0")),
        failed(
            255,
            "\nParameter validation failed:\nInvalid value for parameter MaxResults, value: 0, valid min value: 1\n"
        )
    );
    assert_eq!(
        aws("aws kinesis register-stream-consumer --stream-arn '' --consumer-name c"),
        failed(
            255,
            "\nParameter validation failed:\nInvalid length for parameter StreamARN, value: 0, valid min length: 1\n"
        )
    );
    // Shardlab's subscribe-to-shard: StartingPosition is checked as botocore checks a
    // structure.
    assert_eq!(
        aws("aws kinesis subscribe-to-shard --consumer-arn x --shard-id s --starting-position Type=LATEST,Foo=1"),
        failed(
            255,
            "\nParameter validation failed:\nUnknown parameter in StartingPosition: \"Foo\", must be one of: Type, SequenceNumber, Timestamp\n"
        )
    );
    // The CLI has no subscribe-to-shard, and its list of choices says so: a misspelling is
    // not offered Shardlab's command.
    let unknown = aws("aws kinesis subscribe-to-shards");
    assert_eq!(unknown.status, 2);
    assert!(
        !unknown.stderr.contains("subscribe-to-shard "),
        "{}",
        unknown.stderr
    );
    assert!(
        unknown
            .stderr
            .contains("register-stream-consumer                 | remove-tags-from-stream"),
        "{}",
        unknown.stderr
    );
}
