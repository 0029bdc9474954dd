//! Sequence numbers: the three layouts AWS still decodes in a request and what it answers for
//! numbers it did not write, and the times the numbers it writes carry. Every case is one of kinesalite's tests that its author ran
//! against real Kinesis (mhart/kinesalite test/getShardIterator.js and test/putRecord.js);
//! the hex strings are the ones those tests write, converted here to decimal.

use serde_json::{json, Value};
use shardlab::engine::{ApiError, Config, Kinesis, SequenceNumber};

use crate::common::kinesis::{ok, with_stream, ACCOUNT, T0};

/// The decimal of a hex sequence number, as kinesalite's tests build theirs with BigNumber.
fn decimal(hex: &str) -> String {
    let mut digits: Vec<u32> = vec![0]; // little-endian decimal digits
    for c in hex.chars() {
        let mut carry = c.to_digit(16).unwrap();
        for digit in digits.iter_mut() {
            let value = *digit * 16 + carry;
            *digit = value % 10;
            carry = value / 10;
        }
        while carry > 0 {
            digits.push(carry % 10);
            carry /= 10;
        }
    }
    let text: String = digits
        .iter()
        .rev()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect();
    let trimmed = text.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.into()
    }
}

fn at_sequence_number(k: &mut Kinesis, now: u64, seq: &str) -> Result<Value, ApiError> {
    k.call(
        now,
        "GetShardIterator",
        &json!({"StreamName": "Foo", "ShardId": "shardId-0",
            "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": seq}),
    )
}

fn put_ordered(k: &mut Kinesis, now: u64, seq: &str) -> Result<Value, ApiError> {
    k.call(
        now,
        "PutRecord",
        &json!({"StreamName": "Foo", "PartitionKey": "a", "Data": "",
            "SequenceNumberForOrdering": seq}),
    )
}

#[test]
fn a_small_number_encodes_its_own_shard_index() {
    // "should return InvalidArgumentException if shard mismatches simple sequence"
    let (mut k, now) = with_stream("Foo", 1);
    let error = at_sequence_number(&mut k, now, "5").unwrap_err();
    assert_eq!(error.kind(), "InvalidArgumentException");
    assert_eq!(
        error.message(),
        "Invalid StartingSequenceNumber. It encodes shardId-000000000005, while it was used in a call to a shard with shardId-000000000000"
    );
}

#[test]
fn a_version_0_number_of_the_right_shard_is_an_internal_failure() {
    // "should return InternalFailure if using small (old?) sequence number": status 500 and
    // a body of `{"__type": "InternalFailure"}` alone.
    let (mut k, now) = with_stream("Foo", 1);
    let error = at_sequence_number(&mut k, now, "0").unwrap_err();
    assert_eq!(error.kind(), "InternalFailure");
    assert_eq!(error.error_kind().http_status(), 500);
    assert_eq!(
        serde_json::to_value(&error).unwrap(),
        json!({"__type": "InternalFailure"})
    );
}

#[test]
fn a_negative_encoded_shard_index_is_named_as_aws_names_it() {
    // "should return InvalidArgumentException for 8 near end of StartingSequenceNumber"
    let (mut k, now) = with_stream("Foo", 1);
    let seq = decimal("20000000000000000000000000000000000000800000002");
    let error = at_sequence_number(&mut k, now, &seq).unwrap_err();
    assert_eq!(
        error.message(),
        "Invalid StartingSequenceNumber. It encodes shardId--02147483648, while it was used in a call to a shard with shardId-000000000000"
    );
}

#[test]
fn numbers_aws_cannot_decode_are_invalid() {
    // "... using sequence number with large date", "... for 8 in index in
    // StartingSequenceNumber"
    let (mut k, now) = with_stream("Foo", 1);
    let large_date = decimal("13bb2cc3d80000000000000000000000");
    assert_eq!(large_date, "26227199374822427428162556223570313216");
    for seq in [
        large_date,
        decimal("20000000000800000000000000000000000000000000002"),
    ] {
        let error = at_sequence_number(&mut k, now, &seq).unwrap_err();
        assert_eq!(
            error.message(),
            format!("StartingSequenceNumber {seq} used in GetShardIterator on shard shardId-000000000000 in stream Foo under account {ACCOUNT} is invalid.")
        );
    }
}

#[test]
fn sequence_number_for_ordering_accepts_the_layouts_aws_accepts() {
    // "should work with SequenceNumberForOrdering all 0", "... all 0 with version 1",
    // "... if 8 near end"
    let (mut k, now) = with_stream("Foo", 1);
    let v1 = decimal("20000000000000000000000000000000000000000000001");
    assert_eq!(
        v1,
        "49039857307708443467467104868809893875799651909875269633"
    );
    for hex in [
        "20000000000000000000000000000000000000000000002",
        "20000000000000000000000000000000000000000000001",
        "20000000000000000000000000000000000000800000002",
    ] {
        let out = put_ordered(&mut k, now, &decimal(hex)).unwrap();
        assert_eq!(out["ShardId"], "shardId-000000000000", "{hex}");
    }
}

#[test]
fn sequence_number_for_ordering_rejects_what_aws_rejects() {
    // "should return InvalidArgumentException for version 0/4/3 in
    // SequenceNumberForOrdering", "... for initial 3/1 ...", "... for 8 in index ...",
    // "... with large date", "... with SequenceNumberForOrdering all f"
    let (mut k, now) = with_stream("Foo", 1);
    for hex in [
        "20000000000000000000000000000000000000000000000",
        "20000000000000000000000000000000000000000000004",
        "20000000000000000000000000000000000000000000003",
        "30000000000000000000000000000000000000000000001",
        "1ffffffffff7fffffffffffffff000000000007fffffff2",
        "20000000000800000000000000000000000000000000002",
        "13bb2cc3d80000000000000000000000",
        "2ffffffffff7fffffffffffffff000000000007fffffff2",
    ] {
        let seq = decimal(hex);
        let error = put_ordered(&mut k, now, &seq).unwrap_err();
        assert_eq!(error.kind(), "InvalidArgumentException", "{hex}");
        assert_eq!(
            error.message(),
            format!("ExclusiveMinimumSequenceNumber {seq} used in PutRecord on stream Foo under account {ACCOUNT} is invalid.")
        );
    }
}

#[test]
fn a_small_number_orders_nothing_but_is_accepted() {
    // Inferred, not observed on AWS (known unknown U6 in the README): "0", "1" and "5" are
    // version-0 numbers that AWS's decoder reads (it names "5"'s shard above), and its
    // PutRecord rejects exactly the numbers that decoder rejects, so they are accepted.
    let (mut k, now) = with_stream("Foo", 1);
    for seq in ["0", "1", "5"] {
        ok(
            &mut k,
            now,
            "PutRecord",
            json!({"StreamName": "Foo", "PartitionKey": "a", "Data": "", "SequenceNumberForOrdering": seq}),
        );
    }
}

/// The decoded sequence number at `field` ("StartingSequenceNumber", ...) of `shard`.
fn range_number(shard: &Value, field: &str) -> SequenceNumber {
    SequenceNumber::parse(shard["SequenceNumberRange"][field].as_str().unwrap()).unwrap()
}

#[test]
fn a_streams_shards_are_dated_a_few_seconds_before_create_stream() {
    // kinesalite's AWS-validated test "should create a basic 3-shard stream" (mhart/kinesalite
    // test/createStream.js): the creation second in a new shard's StartingSequenceNumber lies
    // strictly between 7 and 2 seconds before the call, and is the same for every shard.
    let mut k = Kinesis::new(Config::default());
    let called_ms = T0 + 500;
    ok(
        &mut k,
        called_ms,
        "CreateStream",
        json!({"StreamName": "Foo", "ShardCount": 3}),
    );
    let ready = called_ms + k.config().create_duration_ms;
    let listed = ok(&mut k, ready, "ListShards", json!({"StreamName": "Foo"}));
    let starts: Vec<SequenceNumber> = listed["Shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| range_number(s, "StartingSequenceNumber"))
        .collect();
    let lead = starts[0].shard_created_secs as f64 - called_ms as f64 / 1000.0;
    assert!(-7.0 < lead && lead < -2.0, "{lead}");
    for (index, start) in starts.iter().enumerate() {
        assert_eq!(start.shard_index, index as u32);
        assert_eq!(start.shard_created_secs, starts[0].shard_created_secs);
        assert_eq!(start.record_secs, start.shard_created_secs);
        assert_eq!(start.seq_ix, 0);
    }
}

#[test]
fn a_child_never_numbers_a_record_before_its_creation_second() {
    // kinesalite's AWS-validated mergeShards test "should work with standard merge"
    // (mhart/kinesalite test/mergeShards.js): the child's creation second is its parents'
    // ending second + 1, and AWS keeps writing to the parents until that second comes, so
    // the parents' records are numbered no later than their ending second and the child's no
    // earlier than its creation second. Shardlab completes a reshard on a whole second.
    let (mut k, ready) = with_stream("Foo", 2);
    let asked = ready + 1_234; // not on a whole second
    ok(
        &mut k,
        asked,
        "MergeShards",
        json!({"StreamName": "Foo", "ShardToMerge": "shardId-000000000000",
            "AdjacentShardToMerge": "shardId-000000000001"}),
    );
    // Put a record every 100 ms across the end of the UPDATING period.
    let mut numbers = Vec::new();
    for t in (asked + 4_000..asked + 7_000).step_by(100) {
        let out = ok(
            &mut k,
            t,
            "PutRecord",
            json!({"StreamName": "Foo", "PartitionKey": "k", "Data": "",
                "ExplicitHashKey": "0"}),
        );
        let number = SequenceNumber::parse(out["SequenceNumber"].as_str().unwrap()).unwrap();
        numbers.push((out["ShardId"].as_str().unwrap().to_string(), number));
    }
    let listed = ok(
        &mut k,
        asked + 7_000,
        "ListShards",
        json!({"StreamName": "Foo"}),
    );
    let shards = listed["Shards"].as_array().unwrap();
    let parent_end = range_number(&shards[0], "EndingSequenceNumber");
    let child_start = range_number(&shards[2], "StartingSequenceNumber");
    assert_eq!(child_start.shard_created_secs, parent_end.record_secs + 1);
    assert_eq!(child_start.record_secs, child_start.shard_created_secs);
    let (mut to_parent, mut to_child) = (0, 0);
    for (shard, number) in &numbers {
        if shard == "shardId-000000000000" {
            to_parent += 1;
            assert!(number.record_secs <= parent_end.record_secs, "{number:?}");
        } else {
            assert_eq!(shard, "shardId-000000000002");
            to_child += 1;
            assert!(
                number.record_secs >= child_start.shard_created_secs,
                "{number:?}"
            );
        }
    }
    assert!(to_parent > 0 && to_child > 0, "{to_parent} {to_child}");
}
