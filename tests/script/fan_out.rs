//! Enhanced fan-out from a script, with the AWS CLI's own commands: register-stream-consumer
//! by the stream's ARN, describe-stream-consumer until ACTIVE, list-stream-consumers (paged
//! by the CLI), deregister-stream-consumer, delete-stream --enforce-consumer-deletion, and
//! Shardlab's subscribe-to-shard (the real CLI leaves it out), which prints the events of the
//! subscription's first 5 simulated seconds as the engine answers them.

use serde_json::Value;

use super::{errors, outputs, transcript};
use shardlab::script::Runner;
use shardlab::sim::World;

/// A stream `s` of one shard, ACTIVE, its ARN in `$ARN`, and consumer `c` registered.
const SETUP: &str = "aws kinesis create-stream --stream-name s --shard-count 1\n\
     aws kinesis wait stream-exists --stream-name s\n\
     ARN=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.StreamARN --output text)\n\
     aws kinesis register-stream-consumer --stream-arn $ARN --consumer-name c\n";

const STREAM_ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
/// The consumer's ARN ends in its creation time (epoch seconds): the stream was created at
/// the world's start and became ACTIVE 10 s later.
const CONSUMER_ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1767225610";

/// The JSON a command printed, `at` its place among the transcript's outputs.
fn json(entries: &[shardlab::script::Entry], at: usize) -> Value {
    let out = &outputs(entries)[at];
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn a_script_registers_a_consumer_waits_for_it_lists_it_and_subscribes() {
    let (runner, entries) = transcript(&format!(
        "{SETUP}\
         wait until $(aws kinesis describe-stream-consumer --stream-arn $ARN --consumer-name c --query ConsumerDescription.ConsumerStatus --output text) == ACTIVE\n\
         aws kinesis list-stream-consumers --stream-arn $ARN\n\
         NAME=$(aws kinesis list-stream-consumers --stream-arn $ARN --query 'Consumers[0].ConsumerName' --output text)\n\
         expect $NAME == c\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.ConsumerCount)\n\
         expect $COUNT == 1\n\
         CARN=$(aws kinesis describe-stream-consumer --stream-arn $ARN --consumer-name c --query ConsumerDescription.ConsumerARN --output text)\n\
         aws kinesis put-record --stream-name s --data hello --partition-key k --query ShardId --output text\n\
         aws kinesis put-record --stream-name s --data world --partition-key k --query ShardId --output text\n\
         aws kinesis subscribe-to-shard --consumer-arn $CARN --shard-id shardId-000000000000 --starting-position Type=TRIM_HORIZON\n\
         aws kinesis subscribe-to-shard --consumer-arn $CARN --shard-id shardId-000000000000 --starting-position Type=TRIM_HORIZON\n\
         echo again=$?\n\
         aws kinesis deregister-stream-consumer --consumer-arn $CARN\n\
         echo deregistered=$?\n\
         aws kinesis describe-stream-consumer --consumer-arn $CARN --output text\n"
    ));
    assert_eq!(runner.expects_failed, 0, "{entries:?}");
    assert_eq!(runner.expects_passed, 2, "{entries:?}");
    let out = outputs(&entries);
    // Register answers the consumer, CREATING, members in the model's order.
    assert_eq!(
        out[0],
        format!(
            "{{\n    \"Consumer\": {{\n        \"ConsumerName\": \"c\",\n        \"ConsumerARN\": \"{CONSUMER_ARN}\",\n        \"ConsumerStatus\": \"CREATING\",\n        \"ConsumerCreationTimestamp\": 1767225610.0\n    }}\n}}\n"
        )
    );
    // List: every page's Consumers joined (botocore's paginator), ACTIVE now.
    assert_eq!(
        out[1],
        format!(
            "{{\n    \"Consumers\": [\n        {{\n            \"ConsumerName\": \"c\",\n            \"ConsumerARN\": \"{CONSUMER_ARN}\",\n            \"ConsumerStatus\": \"ACTIVE\",\n            \"ConsumerCreationTimestamp\": 1767225610.0\n        }}\n    ]\n}}\n"
        )
    );
    assert_eq!(
        out[2..4],
        ["shardId-000000000000\n", "shardId-000000000000\n"]
    );
    // The subscription's events: the first at once (nothing read yet), then the records,
    // each event's members in the model's order.
    let events = json(&entries, 4);
    let events = events["EventStream"].as_array().expect("a list of events");
    let records: Vec<&Value> = events
        .iter()
        .flat_map(|e| e["SubscribeToShardEvent"]["Records"].as_array().unwrap())
        .collect();
    let data: Vec<&str> = records
        .iter()
        .map(|r| r["Data"].as_str().unwrap())
        .collect();
    assert_eq!(data, ["aGVsbG8=", "d29ybGQ="], "hello, world in base64");
    let last = &events.last().unwrap()["SubscribeToShardEvent"];
    assert_eq!(last["MillisBehindLatest"], 0);
    assert_eq!(
        last["ContinuationSequenceNumber"],
        records[1]["SequenceNumber"]
    );
    let text = &out[4];
    let (records_at, continuation_at) = (
        text.find("\"Records\"").unwrap(),
        text.find("\"ContinuationSequenceNumber\"").unwrap(),
    );
    assert!(records_at < continuation_at, "{text}");
    // Again within 5 s: refused, as the CLI prints a service error.
    assert_eq!(out[5], "again=255\n");
    assert_eq!(out[6], "deregistered=0\n");
    // Text output: the keys sorted, as awscli's TextFormatter prints a structure.
    assert_eq!(
        out[7],
        format!("CONSUMERDESCRIPTION\t{CONSUMER_ARN}\t1767225610.0\tc\tDELETING\t{STREAM_ARN}\n")
    );
    assert_eq!(
        errors(&entries).join(""),
        format!("\nAn error occurred (ResourceInUseException) when calling the SubscribeToShard operation: Another active subscription exists for this consumer: {CONSUMER_ARN} on shard shardId-000000000000.\n")
    );
}

#[test]
fn the_service_errors_print_as_the_cli_prints_them() {
    let (_, entries) = transcript(&format!(
        "{SETUP}\
         aws kinesis register-stream-consumer --stream-arn $ARN --consumer-name c\n\
         echo duplicate=$?\n\
         aws kinesis describe-stream-consumer --stream-arn $ARN\n\
         echo half=$?\n\
         aws kinesis describe-stream-consumer --stream-arn $ARN --consumer-name nope\n\
         echo unknown=$?\n\
         aws kinesis delete-stream --stream-name s\n\
         echo delete=$?\n\
         aws kinesis delete-stream --stream-name s --enforce-consumer-deletion\n\
         echo enforced=$?\n"
    ));
    let out = outputs(&entries).join("");
    for status in [
        "duplicate=255",
        "half=255",
        "unknown=255",
        "delete=255",
        "enforced=0",
    ] {
        assert!(out.contains(&format!("{status}\n")), "{status} in {out}");
    }
    let err = errors(&entries);
    assert_eq!(err.len(), 4, "{err:?}");
    assert_eq!(
        err[0],
        "\nAn error occurred (ResourceInUseException) when calling the RegisterStreamConsumer operation: Consumer c under stream s under account 123456789012 already exists.\n"
    );
    assert_eq!(
        err[1],
        "\nAn error occurred (InvalidArgumentException) when calling the DescribeStreamConsumer operation: Either ConsumerARN or both ConsumerName and StreamARN must be provided, but not both.\n"
    );
    assert_eq!(
        err[2],
        "\nAn error occurred (ResourceNotFoundException) when calling the DescribeStreamConsumer operation: Consumer nope under stream s under account 123456789012 not found.\n"
    );
    assert_eq!(
        err[3],
        "\nAn error occurred (ResourceInUseException) when calling the DeleteStream operation: Stream s under account 123456789012 has registered consumers. Deregister them, or set EnforceConsumerDeletion to true.\n"
    );
}

#[test]
fn missing_required_arguments_are_refused_by_argparse() {
    for (line, missing) in [
        (
            "aws kinesis register-stream-consumer --consumer-name c",
            "--stream-arn",
        ),
        (
            "aws kinesis register-stream-consumer --stream-arn arn:aws:kinesis:us-east-1:123456789012:stream/s",
            "--consumer-name",
        ),
        ("aws kinesis list-stream-consumers", "--stream-arn"),
        (
            "aws kinesis subscribe-to-shard --consumer-arn x --shard-id shardId-000000000000",
            "--starting-position",
        ),
        (
            "aws kinesis subscribe-to-shard --starting-position Type=LATEST",
            "--consumer-arn, --shard-id",
        ),
    ] {
        let (_, entries) = transcript(&format!("{line}\necho status=$?\n"));
        let out = outputs(&entries).join("");
        assert!(out.contains("status=2\n"), "{line}: {out}");
        let err = errors(&entries).join("");
        assert!(
            err.contains(&format!(
                "aws: error: the following arguments are required: {missing}\n"
            )),
            "{line}: {err}"
        );
    }
}

#[test]
fn list_stream_consumers_is_paged_by_the_cli() {
    let (_, entries) = transcript(&format!(
        "{SETUP}\
         aws kinesis register-stream-consumer --stream-arn $ARN --consumer-name d --query Consumer.ConsumerName --output text\n\
         aws kinesis list-stream-consumers --stream-arn $ARN --page-size 1 --query 'Consumers[].ConsumerName' --output text\n\
         aws kinesis list-stream-consumers --stream-arn $ARN --max-items 1 --query 'Consumers[].ConsumerName'\n\
         TOKEN=$(aws kinesis list-stream-consumers --stream-arn $ARN --max-items 1 --query NextToken)\n\
         aws kinesis list-stream-consumers --stream-arn $ARN --starting-token $TOKEN --query 'Consumers[].ConsumerName' --output text\n\
         aws kinesis list-stream-consumers --stream-arn $ARN --max-results 1 --query 'length(Consumers)'\n\
         NEXT=$(aws kinesis list-stream-consumers --stream-arn $ARN --max-results 1 --query NextToken --output text)\n\
         aws kinesis list-stream-consumers --stream-arn $ARN --next-token $NEXT --query 'Consumers[].ConsumerName' --output text\n"
    ));
    let out = outputs(&entries);
    assert_eq!(errors(&entries), Vec::<String>::new());
    // The register's answer, then: --page-size 1 still fetches every page (text prints
    // page by page); --max-items stops after one and prints the CLI's token; the token
    // resumes; --max-results (the paginator's limit key) turns the paginator off: one page,
    // and the service's NextToken goes on from there.
    assert_eq!(out[1], "d\n");
    assert_eq!(out[2], "c\nd\n");
    assert_eq!(out[3], "[\n    \"c\"\n]\n");
    assert_eq!(out[4], "d\n");
    assert_eq!(out[5], "1\n");
    assert_eq!(out[6], "d\n");
}

/// What `help aws COMMAND` prints on a console.
fn help(command: &str) -> String {
    let mut world = World::new(1);
    let mut runner = Runner::console();
    let mut entries = Vec::new();
    runner.run_line(&format!("help aws {command}"), &mut world, &mut entries);
    assert_eq!(runner.status(), 0, "{entries:?}");
    outputs(&entries).join("")
}

#[test]
fn help_explains_each_command_and_that_the_cli_has_no_subscribe_to_shard() {
    let overview = help("");
    for command in [
        "register-stream-consumer",
        "describe-stream-consumer",
        "list-stream-consumers",
        "deregister-stream-consumer",
        "subscribe-to-shard",
    ] {
        assert!(
            overview
                .lines()
                .any(|line| line.starts_with(&format!("  {command} "))),
            "{command} in\n{overview}"
        );
    }
    for (command, expected) in [
        ("register-stream-consumer", "--stream-arn STREAM_ARN"),
        ("register-stream-consumer", "ConsumerName; required"),
        ("register-stream-consumer", "Changes the world"),
        ("describe-stream-consumer", "--consumer-arn CONSUMER_ARN"),
        ("list-stream-consumers", "--stream-creation-timestamp TIME"),
        ("list-stream-consumers", "--max-items N"),
        (
            "deregister-stream-consumer",
            "(the DeregisterStreamConsumer action)",
        ),
        (
            "subscribe-to-shard",
            "Type=AT_SEQUENCE_NUMBER,SequenceNumber=",
        ),
        (
            "subscribe-to-shard",
            "The real AWS CLI (v1 and v2) has no subscribe-to-shard",
        ),
        ("subscribe-to-shard", "first\n  5 simulated seconds"),
        ("delete-stream", "--[no-]enforce-consumer-deletion"),
    ] {
        let page = help(command);
        assert!(page.contains(expected), "{expected:?} in\n{page}");
    }
}

#[test]
fn tab_offers_the_new_commands_and_the_starting_positions() {
    let world = World::new(1);
    let complete = |line: &str| shardlab::script::complete::complete(line, &world).candidates;
    assert_eq!(
        complete("aws kinesis sub"),
        ["subscribe-to-shard"],
        "Shardlab's command"
    );
    assert_eq!(
        complete("aws kinesis list-stream-c"),
        ["list-stream-consumers"]
    );
    assert!(complete(
        "aws kinesis subscribe-to-shard --consumer-arn x --shard-id shardId-000000000000 --starting-position "
    )
    .contains(&"Type=TRIM_HORIZON".to_string()));
}

#[test]
fn under_sim_cli_v2_errors_and_timestamps_are_v2s() {
    let (_, entries) = transcript(&format!(
        "sim cli v2\n{SETUP}\
         aws kinesis register-stream-consumer --stream-arn $ARN --consumer-name c\n\
         echo duplicate=$?\n\
         aws kinesis describe-stream-consumer --stream-arn $ARN --consumer-name c --query ConsumerDescription.ConsumerCreationTimestamp\n\
         aws kinesis subscribe-to-shard --consumer-arn x --shard-id shardId-000000000000\n\
         echo missing=$?\n"
    ));
    let out = outputs(&entries);
    assert!(out.contains(&"duplicate=254\n".to_string()), "{out:?}");
    assert!(
        out.contains(&"\"2026-01-01T00:00:10+00:00\"\n".to_string()),
        "{out:?}"
    );
    assert!(out.contains(&"missing=252\n".to_string()), "{out:?}");
    let err = errors(&entries).join("");
    assert!(
        err.contains("\naws: [ERROR]: An error occurred (ResourceInUseException) when calling the RegisterStreamConsumer operation: Consumer c under stream s under account 123456789012 already exists.\n"),
        "{err}"
    );
    assert!(
        err.contains("the following arguments are required: --starting-position"),
        "{err}"
    );
}

#[test]
fn tab_offers_the_worlds_stream_and_consumer_arns() {
    let mut world = World::new(1);
    let mut runner = Runner::console();
    for line in SETUP.lines().chain(["wait 10s"]) {
        runner.run_line(line, &mut world, &mut Vec::new());
    }
    let complete = |line: &str| shardlab::script::complete::complete(line, &world).candidates;
    assert_eq!(
        complete("aws kinesis list-stream-consumers --stream-arn "),
        [STREAM_ARN]
    );
    assert_eq!(
        complete("aws kinesis subscribe-to-shard --consumer-arn "),
        [CONSUMER_ARN]
    );
    let page = help("describe-stream-consumer");
    assert!(page.contains("--consumer-arn CONSUMER_ARN"), "{page}");
}
