//! CreateStream and the stream's status: CREATING with no shards, then ACTIVE with even hash
//! key ranges; AWS's wording for refused creations and the limit on streams creating at once.

use serde_json::json;
use shardlab::engine::{Config, Kinesis};

use crate::common::kinesis::{err, ok, with_stream, ACCOUNT, T0};

#[test]
fn a_new_stream_is_creating_with_no_shards_then_active_with_even_ranges() {
    let mut k = Kinesis::new(Config::default());
    let created = ok(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "Foo", "ShardCount": 4}),
    );
    assert_eq!(created, json!({}));
    let during = ok(
        &mut k,
        T0 + 1,
        "DescribeStream",
        json!({"StreamName": "Foo"}),
    );
    assert_eq!(during["StreamDescription"]["StreamStatus"], "CREATING");
    assert_eq!(during["StreamDescription"]["Shards"], json!([]));
    let error = err(
        &mut k,
        T0 + 1,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "a", "Data": ""}),
    );
    assert_eq!(error.kind(), "ResourceNotFoundException");
    assert_eq!(
        error.message(),
        format!("Stream Foo under account {ACCOUNT} not found.")
    );

    let ready = T0 + k.config().create_duration_ms;
    let after = ok(
        &mut k,
        ready,
        "DescribeStream",
        json!({"StreamName": "Foo"}),
    );
    let description = &after["StreamDescription"];
    assert_eq!(description["StreamStatus"], "ACTIVE");
    assert_eq!(
        description["StreamARN"],
        format!("arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/Foo")
    );
    assert_eq!(description["RetentionPeriodHours"], 24);
    assert_eq!(description["HasMoreShards"], false);
    assert_eq!(description["EncryptionType"], "NONE");
    assert_eq!(
        description["StreamModeDetails"],
        json!({"StreamMode": "PROVISIONED"})
    );
    assert_eq!(
        description["EnhancedMonitoring"],
        json!([{"ShardLevelMetrics": []}])
    );
    assert_eq!(
        description["StreamCreationTimestamp"],
        json!(1_700_000_000.0)
    );
    let shards = description["Shards"].as_array().unwrap();
    assert_eq!(shards.len(), 4);
    assert_eq!(shards[1]["ShardId"], "shardId-000000000001");
    assert_eq!(
        shards[1]["HashKeyRange"],
        json!({"StartingHashKey": "85070591730234615865843651857942052864",
               "EndingHashKey": "170141183460469231731687303715884105727"})
    );
    let starting = shards[1]["SequenceNumberRange"]["StartingSequenceNumber"]
        .as_str()
        .unwrap();
    assert_eq!(starting.len(), 56);
    assert!(shards[1]["SequenceNumberRange"]
        .get("EndingSequenceNumber")
        .is_none());
    assert!(shards[1].get("ParentShardId").is_none());
}

#[test]
fn create_stream_errors_use_aws_wording() {
    let (mut k, now) = with_stream("Foo", 1);
    let dup = err(
        &mut k,
        now,
        "CreateStream",
        json!({"StreamName": "Foo", "ShardCount": 1}),
    );
    assert_eq!(dup.kind(), "ResourceInUseException");
    assert_eq!(
        dup.message(),
        format!("Stream Foo under account {ACCOUNT} already exists.")
    );

    let missing = err(&mut k, now, "CreateStream", json!({}));
    assert_eq!(missing.kind(), "ValidationException");
    assert_eq!(
        missing.message(),
        "2 validation errors detected: Value null at 'shardCount' failed to satisfy constraint: \
         Member must not be null; Value null at 'streamName' failed to satisfy constraint: Member must not be null"
    );

    let zero = err(
        &mut k,
        now,
        "CreateStream",
        json!({"StreamName": "Bar", "ShardCount": 0}),
    );
    assert_eq!(
        zero.message(),
        "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: \
         Member must have value greater than or equal to 1"
    );

    let bad_name = err(
        &mut k,
        now,
        "CreateStream",
        json!({"StreamName": "my stream", "ShardCount": 1}),
    );
    assert!(bad_name.message().contains(
        "Value 'my stream' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    ));

    let wrong_type = err(
        &mut k,
        now,
        "CreateStream",
        json!({"StreamName": "Bar", "ShardCount": "four"}),
    );
    assert_eq!(wrong_type.kind(), "SerializationException");
    assert_eq!(
        wrong_type.message(),
        "class java.lang.String can not be converted to an Integer"
    );

    let huge = err(
        &mut k,
        now,
        "CreateStream",
        json!({"StreamName": "Bar", "ShardCount": 20_000}),
    );
    assert_eq!(huge.kind(), "LimitExceededException");
    assert_eq!(
        huge.message(),
        format!(
            "This request would exceed the shard limit for the account {ACCOUNT} in us-east-1. Current shard count for the account: 1. \
             Limit: 20000. Number of additional shards that would have resulted from this request: 20000. Refer to the AWS Service \
             Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits."
        )
    );
}

#[test]
fn no_more_than_five_streams_may_be_creating_at_once() {
    let mut k = Kinesis::new(Config::default());
    for i in 0..5 {
        ok(
            &mut k,
            T0,
            "CreateStream",
            json!({"StreamName": format!("s{i}"), "ShardCount": 1}),
        );
    }
    let sixth = err(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "s5", "ShardCount": 1}),
    );
    assert_eq!(sixth.kind(), "LimitExceededException");
    let later = T0 + k.config().create_duration_ms;
    ok(
        &mut k,
        later,
        "CreateStream",
        json!({"StreamName": "s5", "ShardCount": 1}),
    );
}
