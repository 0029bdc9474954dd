//! Capacity modes: CreateStream with `StreamModeDetails`, UpdateStreamMode (UPDATING, then
//! ACTIVE in the new mode with the same shards, at most twice in 24 hours), the mode and
//! `ConsumerCount` in the descriptions, and the resharding actions an ON_DEMAND stream refuses
//! (reference modern-kinesis.md section 1).

use serde_json::{json, Value};
use shardlab::engine::{Config, Kinesis};

use crate::common::kinesis::{err, ok, with_stream, ACCOUNT, T0};

const ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/Orders";

/// An ON_DEMAND stream `Orders`, ACTIVE at the returned time.
fn on_demand() -> (Kinesis, u64) {
    let mut k = Kinesis::new(Config::default());
    let created = ok(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "Orders", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    assert_eq!(created, json!({}));
    let ready = T0 + k.config().create_duration_ms;
    (k, ready)
}

fn summary(k: &mut Kinesis, now: u64) -> Value {
    ok(
        k,
        now,
        "DescribeStreamSummary",
        json!({"StreamName": "Orders"}),
    )["StreamDescriptionSummary"]
        .clone()
}

#[test]
fn an_on_demand_stream_starts_with_four_shards_and_says_so() {
    let (mut k, ready) = on_demand();
    let s = summary(&mut k, ready);
    assert_eq!(s["StreamStatus"], "ACTIVE");
    assert_eq!(s["StreamModeDetails"], json!({"StreamMode": "ON_DEMAND"}));
    assert_eq!(s["OpenShardCount"], 4);
    assert_eq!(s["ConsumerCount"], 0);
    assert_eq!(s["StreamARN"], ARN);
    let d = ok(
        &mut k,
        ready,
        "DescribeStream",
        json!({"StreamName": "Orders"}),
    );
    assert_eq!(
        d["StreamDescription"]["StreamModeDetails"],
        json!({"StreamMode": "ON_DEMAND"})
    );
    assert_eq!(
        d["StreamDescription"]["Shards"].as_array().unwrap().len(),
        4
    );
    let listed = ok(&mut k, ready, "ListStreams", json!({}));
    assert_eq!(
        listed["StreamSummaries"][0]["StreamModeDetails"],
        json!({"StreamMode": "ON_DEMAND"})
    );
    let limits = ok(&mut k, ready, "DescribeLimits", json!({}));
    assert_eq!(limits["OnDemandStreamCount"], 1);
    assert_eq!(limits["OpenShardCount"], 4);
}

#[test]
fn the_initial_on_demand_shard_count_is_a_config_value() {
    let mut k = Kinesis::new(Config {
        on_demand_initial_shard_count: 2,
        ..Config::default()
    });
    ok(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "Orders", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    let ready = T0 + k.config().create_duration_ms;
    let s = summary(&mut k, ready);
    assert_eq!(s["OpenShardCount"], 2);
}

#[test]
fn create_stream_checks_shard_count_against_the_mode() {
    let mut k = Kinesis::new(Config::default());
    let both = err(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "Orders", "ShardCount": 2, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    assert_eq!(both.kind(), "ValidationException");
    assert_eq!(
        both.message(),
        "ShardCount cannot be specified for a stream in ON_DEMAND mode."
    );
    let none = err(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "Orders", "StreamModeDetails": {"StreamMode": "PROVISIONED"}}),
    );
    assert_eq!(none.kind(), "InvalidArgumentException");
    assert_eq!(
        none.message(),
        "ShardCount is required for a stream in PROVISIONED mode."
    );
    let bad = err(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "Orders", "StreamModeDetails": {"StreamMode": "SERVERLESS"}}),
    );
    assert_eq!(bad.kind(), "ValidationException");
    assert!(bad
        .message()
        .contains("Value 'SERVERLESS' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"), "{}", bad.message());
    // PROVISIONED given explicitly behaves as today.
    ok(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "Orders", "ShardCount": 3, "StreamModeDetails": {"StreamMode": "PROVISIONED"}}),
    );
    let ready = T0 + k.config().create_duration_ms;
    let s = summary(&mut k, ready);
    assert_eq!(s["StreamModeDetails"], json!({"StreamMode": "PROVISIONED"}));
    assert_eq!(s["OpenShardCount"], 3);
}

#[test]
fn resharding_an_on_demand_stream_is_a_validation_error() {
    let (mut k, ready) = on_demand();
    let split = err(
        &mut k,
        ready,
        "SplitShard",
        json!({"StreamName": "Orders", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000"}),
    );
    assert_eq!(split.kind(), "ValidationException");
    assert_eq!(
        split.message(),
        format!("SplitShard is not supported for stream Orders under account {ACCOUNT} because it is in ON_DEMAND capacity mode.")
    );
    let merge = err(
        &mut k,
        ready,
        "MergeShards",
        json!({"StreamName": "Orders", "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000001"}),
    );
    assert_eq!(merge.kind(), "ValidationException");
    assert!(merge.message().starts_with("MergeShards is not supported"));
    let scale = err(
        &mut k,
        ready,
        "UpdateShardCount",
        json!({"StreamARN": ARN, "TargetShardCount": 8, "ScalingType": "UNIFORM_SCALING"}),
    );
    assert_eq!(scale.kind(), "ValidationException");
    assert!(scale
        .message()
        .starts_with("UpdateShardCount is not supported"));
    assert_eq!(summary(&mut k, ready)["StreamStatus"], "ACTIVE");
}

#[test]
fn update_stream_mode_is_updating_then_active_in_the_new_mode_with_the_same_shards() {
    let (mut k, ready) = with_stream("Orders", 3);
    let out = ok(
        &mut k,
        ready,
        "UpdateStreamMode",
        json!({"StreamARN": ARN, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    assert_eq!(out, json!({}));
    let during = summary(&mut k, ready + 1);
    assert_eq!(during["StreamStatus"], "UPDATING");
    assert_eq!(
        during["StreamModeDetails"],
        json!({"StreamMode": "PROVISIONED"})
    );
    // Writes go on while the switch runs.
    ok(
        &mut k,
        ready + 1,
        "PutRecord",
        json!({"StreamName": "Orders", "PartitionKey": "a", "Data": ""}),
    );
    // A reshard meanwhile is refused as any change of a stream that is not ACTIVE.
    let busy = err(
        &mut k,
        ready + 1,
        "UpdateStreamMode",
        json!({"StreamARN": ARN, "StreamModeDetails": {"StreamMode": "PROVISIONED"}}),
    );
    assert_eq!(busy.kind(), "ResourceInUseException");
    assert_eq!(
        busy.message(),
        format!("Stream Orders under account {ACCOUNT} not ACTIVE, instead in state UPDATING")
    );
    let done = ready + k.config().update_stream_mode_duration_ms;
    let after = summary(&mut k, done);
    assert_eq!(after["StreamStatus"], "ACTIVE");
    assert_eq!(
        after["StreamModeDetails"],
        json!({"StreamMode": "ON_DEMAND"})
    );
    assert_eq!(after["OpenShardCount"], 3);
    // And back: the shard count is kept both ways.
    ok(
        &mut k,
        done,
        "UpdateStreamMode",
        json!({"StreamARN": ARN, "StreamModeDetails": {"StreamMode": "PROVISIONED"}}),
    );
    let back_at = done + k.config().update_stream_mode_duration_ms;
    let back = summary(&mut k, back_at);
    assert_eq!(
        back["StreamModeDetails"],
        json!({"StreamMode": "PROVISIONED"})
    );
    assert_eq!(back["OpenShardCount"], 3);
}

#[test]
fn a_stream_switches_mode_at_most_twice_in_24_hours() {
    let (mut k, ready) = with_stream("Orders", 1);
    let step = k.config().update_stream_mode_duration_ms;
    let mut now = ready;
    for mode in ["ON_DEMAND", "PROVISIONED"] {
        ok(
            &mut k,
            now,
            "UpdateStreamMode",
            json!({"StreamARN": ARN, "StreamModeDetails": {"StreamMode": mode}}),
        );
        now += step;
    }
    let third = err(
        &mut k,
        now,
        "UpdateStreamMode",
        json!({"StreamARN": ARN, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    assert_eq!(third.kind(), "LimitExceededException");
    assert_eq!(
        third.message(),
        format!("Stream Orders under account {ACCOUNT} has already switched its capacity mode 2 times in the last 24 hours; the limit is 2 switches per rolling 24 hours.")
    );
    // A day after the first switch, one more is allowed.
    let day_later = ready + 24 * 3_600_000;
    ok(
        &mut k,
        day_later,
        "UpdateStreamMode",
        json!({"StreamARN": ARN, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
}

#[test]
fn update_stream_mode_requests_are_checked_as_aws_checks_them() {
    let (mut k, ready) = with_stream("Orders", 1);
    let by_name = err(
        &mut k,
        ready,
        "UpdateStreamMode",
        json!({"StreamName": "Orders", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    assert_eq!(by_name.kind(), "ValidationException");
    assert_eq!(
        by_name.message(),
        "1 validation error detected: Value null at 'streamARN' failed to satisfy constraint: Member must not be null"
    );
    let no_mode = err(&mut k, ready, "UpdateStreamMode", json!({"StreamARN": ARN}));
    assert_eq!(
        no_mode.message(),
        "1 validation error detected: Value null at 'streamModeDetails' failed to satisfy constraint: Member must not be null"
    );
    let missing = err(
        &mut k,
        ready,
        "UpdateStreamMode",
        json!({"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/Nope", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    assert_eq!(missing.kind(), "ResourceNotFoundException");
    assert_eq!(
        missing.message(),
        format!("Stream Nope under account {ACCOUNT} not found.")
    );
    let same = err(
        &mut k,
        ready,
        "UpdateStreamMode",
        json!({"StreamARN": ARN, "StreamModeDetails": {"StreamMode": "PROVISIONED"}}),
    );
    assert_eq!(same.kind(), "InvalidArgumentException");
    assert_eq!(
        same.message(),
        format!("Stream Orders under account {ACCOUNT} is already in PROVISIONED mode.")
    );
}
