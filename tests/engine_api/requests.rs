//! The JSON face itself, whatever the action: unknown actions, bodies that are not objects,
//! integers read as Java ints, strings measured in UTF-16 code units, and argument mixtures
//! AWS refuses.

use serde_json::{json, Value};
use shardlab::engine::{Config, Kinesis};

use crate::common::kinesis::{err, ok, with_stream, T0};

#[test]
fn unknown_actions_and_non_object_bodies_are_refused() {
    let mut k = Kinesis::new(Config::default());
    assert_eq!(
        err(&mut k, T0, "FlyToTheMoon", json!({})).kind(),
        "UnknownOperationException"
    );
    assert_eq!(
        err(&mut k, T0, "ListStreams", json!([1])).kind(),
        "SerializationException"
    );
    assert_eq!(
        err(&mut k, T0, "ListStreams", json!("x")).kind(),
        "SerializationException"
    );
}

#[test]
fn integers_are_read_as_java_ints_and_strings_measured_in_utf16() {
    let mut k = Kinesis::new(Config::default());
    let huge = err(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "Foo", "ShardCount": 100_000_000_000i64}),
    );
    assert_eq!(
        huge.message(),
        "1 validation error detected: Value '2147483647' at 'shardCount' failed to satisfy constraint: Member must have value less than or equal to 100000"
    );
    let fraction = err(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "Foo", "ShardCount": 0.5}),
    );
    assert!(
        fraction
            .message()
            .starts_with("1 validation error detected: Value '0' at 'shardCount'"),
        "{}",
        fraction.message()
    );
    let (mut k, now) = with_stream("Foo", 1);
    let emoji = "😀".repeat(200); // 200 characters, 400 UTF-16 code units
    let error = err(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": emoji, "Data": ""}),
    );
    assert!(error
        .message()
        .ends_with("Member must have length less than or equal to 256"));
}

#[test]
fn a_null_body_and_next_token_mixtures_are_refused() {
    let (mut k, now) = with_stream("Foo", 3);
    assert_eq!(
        err(&mut k, now, "ListStreams", Value::Null).kind(),
        "SerializationException"
    );
    let page = ok(
        &mut k,
        now,
        "ListShards",
        json!({"StreamName": "Foo", "MaxResults": 1}),
    );
    let token = page["NextToken"].clone();
    let mixed = err(
        &mut k,
        now,
        "ListShards",
        json!({"NextToken": token, "ExclusiveStartShardId": "shardId-000000000000"}),
    );
    assert_eq!(
        mixed.message(),
        "NextToken and ExclusiveStartShardId cannot be provided together."
    );
    let mixed = err(
        &mut k,
        now,
        "ListShards",
        json!({"NextToken": token, "ShardFilter": {"Type": "AT_LATEST"}}),
    );
    assert_eq!(mixed.kind(), "InvalidArgumentException");
}
