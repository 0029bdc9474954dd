//! Listing and describing: ListShards and DescribeStream page through shards, ListStreams,
//! DescribeLimits.

use serde_json::{json, Value};
use shardlab::engine::{Config, Kinesis};

use crate::common::kinesis::{err, ok, with_stream, T0};

#[test]
fn list_shards_pages_with_a_next_token_and_refuses_mixed_arguments() {
    let (mut k, now) = with_stream("Foo", 5);
    let first = ok(
        &mut k,
        now,
        "ListShards",
        json!({"StreamName": "Foo", "MaxResults": 2}),
    );
    let ids = |page: &Value| -> Vec<String> {
        page["Shards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["ShardId"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&first),
        ["shardId-000000000000", "shardId-000000000001"]
    );
    let token = first["NextToken"].as_str().unwrap().to_string();
    let second = ok(
        &mut k,
        now,
        "ListShards",
        json!({"NextToken": token, "MaxResults": 10}),
    );
    assert_eq!(
        ids(&second),
        [
            "shardId-000000000002",
            "shardId-000000000003",
            "shardId-000000000004"
        ]
    );
    assert!(second.get("NextToken").is_none());

    let both = err(
        &mut k,
        now,
        "ListShards",
        json!({"NextToken": token, "StreamName": "Foo"}),
    );
    assert_eq!(
        both.message(),
        "NextToken and StreamName cannot be provided together."
    );
    let neither = err(&mut k, now, "ListShards", json!({}));
    assert_eq!(
        neither.message(),
        "Either NextToken or StreamName should be provided."
    );
    let expired = err(
        &mut k,
        now + 300_001,
        "ListShards",
        json!({"NextToken": token}),
    );
    assert_eq!(expired.kind(), "ExpiredNextTokenException");

    let after = ok(
        &mut k,
        now,
        "ListShards",
        json!({"StreamName": "Foo", "ExclusiveStartShardId": "shardId-000000000003"}),
    );
    assert_eq!(ids(&after), ["shardId-000000000004"]);
    let latest = ok(
        &mut k,
        now,
        "ListShards",
        json!({"StreamName": "Foo", "ShardFilter": {"Type": "AT_LATEST"}}),
    );
    assert_eq!(ids(&latest).len(), 5);
}

#[test]
fn describe_stream_pages_by_a_hundred_shards() {
    let (mut k, now) = with_stream("Foo", 150);
    let first = ok(&mut k, now, "DescribeStream", json!({"StreamName": "Foo"}));
    assert_eq!(
        first["StreamDescription"]["Shards"]
            .as_array()
            .unwrap()
            .len(),
        100
    );
    assert_eq!(first["StreamDescription"]["HasMoreShards"], true);
    let rest = ok(
        &mut k,
        now,
        "DescribeStream",
        json!({"StreamName": "Foo", "ExclusiveStartShardId": "shardId-000000000099"}),
    );
    assert_eq!(
        rest["StreamDescription"]["Shards"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
    assert_eq!(rest["StreamDescription"]["HasMoreShards"], false);
}

#[test]
fn list_streams_and_describe_limits() {
    let mut k = Kinesis::new(Config::default());
    for name in ["c", "a", "b"] {
        ok(
            &mut k,
            T0,
            "CreateStream",
            json!({"StreamName": name, "ShardCount": 2}),
        );
    }
    let page = ok(&mut k, T0, "ListStreams", json!({"Limit": 2}));
    assert_eq!(page["StreamNames"], json!(["a", "b"]));
    assert_eq!(page["HasMoreStreams"], true);
    assert_eq!(page["StreamSummaries"][0]["StreamStatus"], "CREATING");
    let rest = ok(
        &mut k,
        T0,
        "ListStreams",
        json!({"ExclusiveStartStreamName": "b"}),
    );
    assert_eq!(rest["StreamNames"], json!(["c"]));
    assert_eq!(rest["HasMoreStreams"], false);

    let limits = ok(&mut k, T0, "DescribeLimits", json!({}));
    assert_eq!(
        limits,
        json!({"ShardLimit": 20000, "OpenShardCount": 6, "OnDemandStreamCount": 0, "OnDemandStreamCountLimit": 50})
    );
    let summary = ok(
        &mut k,
        T0 + 5_000,
        "DescribeStreamSummary",
        json!({"StreamName": "a"}),
    );
    assert_eq!(summary["StreamDescriptionSummary"]["OpenShardCount"], 2);
    assert_eq!(summary["StreamDescriptionSummary"]["ConsumerCount"], 0);
}
