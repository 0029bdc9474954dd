//! The retention period: records older than it are trimmed and the trim horizon moves;
//! Increase/DecreaseStreamRetentionPeriod follow AWS's rules.

use serde_json::json;

use crate::common::kinesis::{data_of, err, ok, with_stream};
use crate::{iterator, put};

#[test]
fn retention_trims_records_and_moves_the_trim_horizon() {
    let (mut k, now) = with_stream("Foo", 1);
    put(&mut k, now, "Foo", "k", "old");
    put(&mut k, now + 3_600_000, "Foo", "k", "newer");
    let day = 24 * 3_600_000;
    let it = iterator(
        &mut k,
        now + day + 1,
        "Foo",
        "shardId-000000000000",
        "TRIM_HORIZON",
    );
    let out = ok(
        &mut k,
        now + day + 1,
        "GetRecords",
        json!({"ShardIterator": it}),
    );
    let data: Vec<String> = out["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(data_of)
        .collect();
    assert_eq!(data, ["newer"]);
    assert_eq!(
        k.stream("Foo").unwrap().shards[0].records.len(),
        1,
        "trimmed memory is released"
    );
}

#[test]
fn retention_changes_follow_aws_rules() {
    let (mut k, now) = with_stream("Foo", 1);
    let body = |h: i64| json!({"StreamName": "Foo", "RetentionPeriodHours": h});
    ok(&mut k, now, "IncreaseStreamRetentionPeriod", body(48));
    let summary = ok(
        &mut k,
        now,
        "DescribeStreamSummary",
        json!({"StreamName": "Foo"}),
    );
    assert_eq!(
        summary["StreamDescriptionSummary"]["RetentionPeriodHours"],
        48
    );
    let cases = [
        ("IncreaseStreamRetentionPeriod", 30, "Requested retention period (30 hours) for stream Foo can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API."),
        ("DecreaseStreamRetentionPeriod", 72, "Requested retention period (72 hours) for stream Foo can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API."),
        ("DecreaseStreamRetentionPeriod", 12, "Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short."),
        ("IncreaseStreamRetentionPeriod", 9000, "Maximum allowed retention period is 8760 hours. Requested retention period (9000 hours) is too long."),
    ];
    for (action, hours, message) in cases {
        let error = err(&mut k, now, action, body(hours));
        assert_eq!(
            (error.kind(), error.message()),
            ("InvalidArgumentException", message)
        );
    }
    put(&mut k, now, "Foo", "k", "x");
    ok(
        &mut k,
        now + 30 * 3_600_000,
        "DecreaseStreamRetentionPeriod",
        body(24),
    );
    assert_eq!(
        k.stream("Foo").unwrap().shards[0].records.len(),
        0,
        "older than the new period: gone at once"
    );
}

#[test]
fn raising_retention_never_brings_back_an_expired_record() {
    let (mut k, now) = with_stream("Foo", 1);
    put(&mut k, now, "Foo", "k", "old");
    let day = 24 * 3_600_000;
    // Within the same second as expiry, before the periodic trim has run.
    let at = now + day + 1;
    let it = iterator(&mut k, at, "Foo", "shardId-000000000000", "TRIM_HORIZON");
    assert_eq!(
        ok(&mut k, at, "GetRecords", json!({"ShardIterator": it}))["Records"],
        json!([])
    );
    ok(
        &mut k,
        at,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "Foo", "RetentionPeriodHours": 48}),
    );
    let it = iterator(&mut k, at, "Foo", "shardId-000000000000", "TRIM_HORIZON");
    assert_eq!(
        ok(&mut k, at, "GetRecords", json!({"ShardIterator": it}))["Records"],
        json!([])
    );
}
