//! DeleteStream: a deleted stream is DELETING for a while, then gone.

use serde_json::json;
use shardlab::engine::{Config, Kinesis};

use crate::common::kinesis::{err, ok, with_stream, ACCOUNT, T0};

#[test]
fn a_deleted_stream_is_deleting_then_gone() {
    let (mut k, now) = with_stream("Foo", 2);
    ok(&mut k, now, "DeleteStream", json!({"StreamName": "Foo"}));
    let during = ok(
        &mut k,
        now + 1,
        "DescribeStreamSummary",
        json!({"StreamName": "Foo"}),
    );
    assert_eq!(
        during["StreamDescriptionSummary"]["StreamStatus"],
        "DELETING"
    );
    let gone = now + k.config().delete_duration_ms;
    let error = err(&mut k, gone, "DescribeStream", json!({"StreamName": "Foo"}));
    assert_eq!(error.kind(), "ResourceNotFoundException");
    assert_eq!(
        error.message(),
        format!("Stream Foo under account {ACCOUNT} not found.")
    );
    assert_eq!(
        err(&mut k, gone, "DeleteStream", json!({"StreamName": "Foo"})).kind(),
        "ResourceNotFoundException"
    );
}

/// A stream deleted while it is still CREATING never shows its shards: DescribeStream says
/// DELETING with `Shards: []` (kinesalite's AWS-validated test "should allow stream to be
/// deleted while it is being created", mhart/kinesalite test/deleteStream.js), and ListShards
/// and DescribeStreamSummary's OpenShardCount agree with it.
#[test]
fn a_stream_deleted_while_creating_shows_deleting_with_no_shards() {
    let mut k = Kinesis::new(Config::default());
    ok(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": "Foo", "ShardCount": 2}),
    );
    ok(&mut k, T0 + 1, "DeleteStream", json!({"StreamName": "Foo"}));
    // Past the moment it would have turned ACTIVE, still DELETING.
    let later = T0 + k.config().create_duration_ms;
    let described = ok(
        &mut k,
        later,
        "DescribeStream",
        json!({"StreamName": "Foo"}),
    );
    let description = &described["StreamDescription"];
    assert_eq!(description["StreamStatus"], "DELETING");
    assert_eq!(description["Shards"], json!([]));
    assert_eq!(description["HasMoreShards"], false);
    let listed = ok(&mut k, later, "ListShards", json!({"StreamName": "Foo"}));
    assert_eq!(listed["Shards"], json!([]));
    let summary = ok(
        &mut k,
        later,
        "DescribeStreamSummary",
        json!({"StreamName": "Foo"}),
    );
    assert_eq!(summary["StreamDescriptionSummary"]["OpenShardCount"], 0);
}
