//! DeleteStream: a deleted stream is DELETING for a while, then gone.

use serde_json::json;

use crate::common::kinesis::{err, ok, with_stream, ACCOUNT};

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
