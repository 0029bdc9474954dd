//! `StreamARN` in place of `StreamName`: every stream-addressed action accepts either or both
//! ("you must use either the StreamARN or the StreamName parameter, or both"); with neither,
//! AWS's null `streamName` error; a malformed ARN fails the model's pattern; an ARN and a name
//! that disagree, or an ARN of another account, are refused (texts are Shardlab's).

use serde_json::{json, Value};

use crate::common::kinesis::{b64, err, ok, with_stream, ACCOUNT};

const ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/Foo";

/// Each stream-addressed action with a request that succeeds on stream Foo of 2 shards, the
/// stream left out (the test adds `StreamName`, `StreamARN` or both).
fn requests() -> Vec<(&'static str, Value)> {
    vec![
        ("DescribeStream", json!({})),
        ("DescribeStreamSummary", json!({})),
        ("ListShards", json!({})),
        ("PutRecord", json!({"PartitionKey": "a", "Data": b64("x")})),
        (
            "PutRecords",
            json!({"Records": [{"PartitionKey": "a", "Data": b64("x")}]}),
        ),
        (
            "GetShardIterator",
            json!({"ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}),
        ),
        (
            "IncreaseStreamRetentionPeriod",
            json!({"RetentionPeriodHours": 48}),
        ),
        (
            "DecreaseStreamRetentionPeriod",
            json!({"RetentionPeriodHours": 24}),
        ),
    ]
}

fn with(body: &Value, extra: Value) -> Value {
    let mut body = body.clone();
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[test]
fn every_stream_addressed_action_takes_the_arn_the_name_or_both() {
    let (mut k, ready) = with_stream("Foo", 2);
    for address in [
        json!({"StreamARN": ARN}),
        json!({"StreamName": "Foo"}),
        json!({"StreamName": "Foo", "StreamARN": ARN}),
    ] {
        for (action, body) in requests() {
            ok(&mut k, ready, action, with(&body, address.clone()));
        }
    }
    let described = ok(&mut k, ready, "DescribeStream", json!({"StreamARN": ARN}));
    assert_eq!(described["StreamDescription"]["StreamName"], "Foo");
    assert_eq!(described["StreamDescription"]["StreamARN"], ARN);
}

#[test]
fn neither_name_nor_arn_is_the_null_stream_name_error() {
    let (mut k, ready) = with_stream("Foo", 2);
    for (action, body) in requests() {
        if action == "ListShards" {
            continue;
        }
        let e = err(&mut k, ready, action, body);
        assert_eq!(e.kind(), "ValidationException", "{action}");
        assert!(
            e.message().contains(
                "Value null at 'streamName' failed to satisfy constraint: Member must not be null"
            ),
            "{action}: {}",
            e.message()
        );
    }
    let list = err(&mut k, ready, "ListShards", json!({}));
    assert_eq!(list.kind(), "InvalidArgumentException");
    assert_eq!(
        list.message(),
        "Either NextToken or StreamName should be provided."
    );
}

#[test]
fn a_name_and_an_arn_that_disagree_are_refused() {
    let (mut k, ready) = with_stream("Foo", 2);
    let e = err(
        &mut k,
        ready,
        "DescribeStreamSummary",
        json!({"StreamName": "Bar", "StreamARN": ARN}),
    );
    assert_eq!(e.kind(), "InvalidArgumentException");
    assert_eq!(
        e.message(),
        format!("StreamARN {ARN} and StreamName Bar do not refer to the same stream.")
    );
}

#[test]
fn a_malformed_or_foreign_arn_is_refused() {
    let (mut k, ready) = with_stream("Foo", 2);
    let bad = err(
        &mut k,
        ready,
        "DescribeStreamSummary",
        json!({"StreamARN": "Foo"}),
    );
    assert_eq!(bad.kind(), "ValidationException");
    assert_eq!(
        bad.message(),
        "1 validation error detected: Value 'Foo' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+"
    );
    let other_account = err(
        &mut k,
        ready,
        "DescribeStreamSummary",
        json!({"StreamARN": "arn:aws:kinesis:us-east-1:999999999999:stream/Foo"}),
    );
    assert_eq!(other_account.kind(), "ResourceNotFoundException");
    assert_eq!(
        other_account.message(),
        "Stream Foo under account 999999999999 not found."
    );
    let unknown = err(
        &mut k,
        ready,
        "PutRecord",
        json!({"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/Nope", "PartitionKey": "a", "Data": ""}),
    );
    assert_eq!(unknown.kind(), "ResourceNotFoundException");
    assert_eq!(
        unknown.message(),
        format!("Stream Nope under account {ACCOUNT} not found.")
    );
}

#[test]
fn resharding_and_deleting_by_arn() {
    let (mut k, ready) = with_stream("Foo", 2);
    let scaled = ok(
        &mut k,
        ready,
        "UpdateShardCount",
        json!({"StreamARN": ARN, "TargetShardCount": 4, "ScalingType": "UNIFORM_SCALING"}),
    );
    assert_eq!(
        scaled,
        json!({"StreamName": "Foo", "CurrentShardCount": 2, "TargetShardCount": 4, "StreamARN": ARN})
    );
    let later = ready + k.config().update_shard_count_duration_ms + 1000;
    ok(
        &mut k,
        later,
        "SplitShard",
        json!({"StreamARN": ARN, "ShardToSplit": "shardId-000000000002", "NewStartingHashKey": "1000"}),
    );
    let later = later + k.config().reshard_duration_ms + 1000;
    ok(
        &mut k,
        later,
        "MergeShards",
        json!({"StreamARN": ARN, "ShardToMerge": "shardId-000000000003", "AdjacentShardToMerge": "shardId-000000000004"}),
    );
    let later = later + k.config().reshard_duration_ms + 1000;
    ok(&mut k, later, "DeleteStream", json!({"StreamARN": ARN}));
    let s = ok(
        &mut k,
        later,
        "DescribeStreamSummary",
        json!({"StreamARN": ARN}),
    );
    assert_eq!(s["StreamDescriptionSummary"]["StreamStatus"], "DELETING");
}

#[test]
fn get_records_accepts_the_streams_arn() {
    let (mut k, ready) = with_stream("Foo", 1);
    ok(
        &mut k,
        ready,
        "PutRecord",
        json!({"StreamARN": ARN, "PartitionKey": "a", "Data": b64("x")}),
    );
    let it = ok(
        &mut k,
        ready,
        "GetShardIterator",
        json!({"StreamARN": ARN, "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}),
    )["ShardIterator"]
        .clone();
    let got = ok(
        &mut k,
        ready + 1000,
        "GetRecords",
        json!({"StreamARN": ARN, "ShardIterator": it}),
    );
    assert_eq!(got["Records"].as_array().unwrap().len(), 1);
}
