//! PutRecord and PutRecords: routing by MD5 or explicit hash key, sequence numbers,
//! validation in AWS's wording, and throttling on write by records and by bytes.

use serde_json::{json, Value};
use shardlab::engine::ShardLimits;

use crate::common::kinesis::{b64, err, ok, with_stream, ACCOUNT};
use crate::put;

// ---------------------------------------------------------------- PutRecord

#[test]
fn records_land_in_the_shards_of_the_reference_examples() {
    let (mut k, now) = with_stream("Foo", 4);
    for (key, shard) in [
        ("a", "shardId-000000000000"),
        ("user-42", "shardId-000000000001"),
        ("héllo", "shardId-000000000002"),
        ("partitionKey-0", "shardId-000000000003"),
    ] {
        let out = put(&mut k, now, "Foo", key, "hello");
        assert_eq!(out["ShardId"], shard, "key {key}");
        assert_eq!(out["SequenceNumber"].as_str().unwrap().len(), 56);
        // AWS leaves EncryptionType out for a stream without server-side encryption
        // (localstack's AWS-recorded snapshot test_apigateway_kinesis.snapshot.json, 2024).
        assert!(out.get("EncryptionType").is_none(), "{out}");
    }
}

#[test]
fn an_explicit_hash_key_overrides_the_md5() {
    let (mut k, now) = with_stream("Foo", 4);
    let out = ok(
        &mut k,
        now,
        "PutRecord",
        json!({
        "StreamName": "Foo", "PartitionKey": "a", "Data": b64("x"),
        "ExplicitHashKey": "340282366920938463463374607431768211455"}),
    );
    assert_eq!(out["ShardId"], "shardId-000000000003");

    let too_big = err(
        &mut k,
        now,
        "PutRecord",
        json!({
        "StreamName": "Foo", "PartitionKey": "a", "Data": b64("x"),
        "ExplicitHashKey": "340282366920938463463374607431768211456"}),
    );
    assert_eq!(too_big.kind(), "InvalidArgumentException");
    assert_eq!(
        too_big.message(),
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456"
    );
    let not_a_number = err(
        &mut k,
        now,
        "PutRecord",
        json!({
        "StreamName": "Foo", "PartitionKey": "a", "Data": b64("x"), "ExplicitHashKey": "12a"}),
    );
    assert_eq!(not_a_number.kind(), "ValidationException");
}

#[test]
fn sequence_numbers_strictly_increase_within_a_shard() {
    let (mut k, now) = with_stream("Foo", 1);
    let mut previous = String::new();
    for i in 0..50u64 {
        let out = put(&mut k, now + i * 37, "Foo", &format!("k{i}"), "v");
        let number = out["SequenceNumber"].as_str().unwrap().to_string();
        assert!(number > previous, "{number} after {previous}");
        previous = number;
    }
}

#[test]
fn records_sort_after_their_shards_starting_sequence_number() {
    let (mut k, now) = with_stream("Foo", 1);
    let out = put(&mut k, now, "Foo", "k", "x");
    let starting = ok(&mut k, now, "ListShards", json!({"StreamName": "Foo"}))["Shards"][0]
        ["SequenceNumberRange"]["StartingSequenceNumber"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(out["SequenceNumber"].as_str().unwrap() > starting.as_str());
}

#[test]
fn put_record_validation_matches_aws() {
    let (mut k, now) = with_stream("Foo", 1);
    let long_key = "k".repeat(257);
    let error = err(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": long_key, "Data": ""}),
    );
    assert_eq!(
        error.message(),
        format!("1 validation error detected: Value '{long_key}' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256")
    );
    let empty_key = err(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "", "Data": ""}),
    );
    assert!(empty_key
        .message()
        .contains("Member must have length greater than or equal to 1"));
    let no_data = err(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "k"}),
    );
    assert_eq!(
        no_data.message(),
        "1 validation error detected: Value null at 'data' failed to satisfy constraint: Member must not be null"
    );
    let big = b64(vec![0u8; 1024 * 1024 + 1]);
    let too_big = err(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "k", "Data": big}),
    );
    assert_eq!(
        too_big.message(),
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576"
    );
    let bad_base64 = err(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "k", "Data": "abc"}),
    );
    assert_eq!(bad_base64.kind(), "SerializationException");
    assert_eq!(
        bad_base64.message(),
        "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"
    );
    let nowhere = err(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Bar", "PartitionKey": "k", "Data": ""}),
    );
    assert_eq!(
        nowhere.message(),
        format!("Stream Bar under account {ACCOUNT} not found.")
    );
    // Empty data is allowed.
    put(&mut k, now, "Foo", "k", "");
}

#[test]
fn sequence_number_for_ordering_is_checked_and_honoured() {
    let (mut k, now) = with_stream("Foo", 1);
    let first = put(&mut k, now, "Foo", "k", "1")["SequenceNumber"]
        .as_str()
        .unwrap()
        .to_string();
    let second = ok(
        &mut k,
        now,
        "PutRecord",
        json!({
        "StreamName": "Foo", "PartitionKey": "k", "Data": b64("2"), "SequenceNumberForOrdering": first}),
    );
    assert!(second["SequenceNumber"].as_str().unwrap() > first.as_str());
    let bad = err(
        &mut k,
        now,
        "PutRecord",
        json!({
        "StreamName": "Foo", "PartitionKey": "k", "Data": b64("2"), "SequenceNumberForOrdering": "26227199374822427428162556223570313216"}),
    );
    assert_eq!(bad.kind(), "InvalidArgumentException");
    assert_eq!(
        bad.message(),
        format!("ExclusiveMinimumSequenceNumber 26227199374822427428162556223570313216 used in PutRecord on stream Foo under account {ACCOUNT} is invalid.")
    );
}

#[test]
fn an_ordering_number_at_the_end_of_the_counter_is_invalid() {
    let (mut k, now) = with_stream("Foo", 1);
    let first = put(&mut k, now, "Foo", "k", "x")["SequenceNumber"]
        .as_str()
        .unwrap()
        .to_string();
    let mut crafted = shardlab::engine::SequenceNumber::parse(&first).unwrap();
    crafted.seq_ix = 0x7fff_ffff_ffff_fffe;
    let error = err(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "k", "Data": "eA==",
        "SequenceNumberForOrdering": crafted.to_string()}),
    );
    assert_eq!(error.kind(), "InvalidArgumentException");
}

// ---------------------------------------------------------------- throttling on write

#[test]
fn the_thousand_and_first_record_in_an_instant_is_throttled() {
    let (mut k, now) = with_stream("Foo", 1);
    for i in 0..1000 {
        put(&mut k, now, "Foo", &format!("k{i}"), "x");
    }
    let error = err(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "k", "Data": b64("x")}),
    );
    assert_eq!(error.kind(), "ProvisionedThroughputExceededException");
    assert_eq!(
        error.message(),
        format!(
            "Rate exceeded for shard shardId-000000000000 in stream Foo under account {ACCOUNT}."
        )
    );
    // 10 ms later the bucket has refilled by exactly 10 records.
    for i in 0..10 {
        put(&mut k, now + 10, "Foo", &format!("later{i}"), "x");
    }
    assert!(k
        .call(
            now + 10,
            "PutRecord",
            &json!({"StreamName": "Foo", "PartitionKey": "k", "Data": b64("x")})
        )
        .is_err());
}

#[test]
fn put_record_is_charged_whole_kilobytes_but_put_records_entries_exactly() {
    // Lift the record-count limit so only bytes matter: 1 MiB/s.
    let (mut k, now) = with_stream("Foo", 1);
    k.set_shard_limits(
        "Foo",
        ShardLimits {
            write_records_per_sec: 1_000_000,
            ..ShardLimits::AWS
        },
    )
    .unwrap();
    let data = b64("x".repeat(599)); // 599 bytes + 1-byte key = 600 bytes, charged 1 KB
    let mut accepted = 0;
    while k
        .call(
            now,
            "PutRecord",
            &json!({"StreamName": "Foo", "PartitionKey": "k", "Data": data}),
        )
        .is_ok()
    {
        accepted += 1;
    }
    // 1 MiB/s at 1 KB per PutRecord, and the tank holds one more KB so that the largest legal
    // record (1 MiB of data and a key) always fits in a quiet shard.
    assert_eq!(accepted, 1025, "1 MiB + 1 KB / 1 KB per PutRecord");

    let (mut k, now) = with_stream("Foo", 1);
    k.set_shard_limits(
        "Foo",
        ShardLimits {
            write_records_per_sec: 1_000_000,
            ..ShardLimits::AWS
        },
    )
    .unwrap();
    let entries: Vec<Value> = (0..500)
        .map(|_| json!({"PartitionKey": "k", "Data": data}))
        .collect();
    let mut accepted = 0;
    for _ in 0..4 {
        let out = ok(
            &mut k,
            now,
            "PutRecords",
            json!({"StreamName": "Foo", "Records": entries}),
        );
        accepted += 500 - out["FailedRecordCount"].as_u64().unwrap();
    }
    assert_eq!(
        accepted,
        (1024 * 1024 + 1024) / 600,
        "600 bytes each, no rounding"
    );
}

#[test]
fn the_largest_legal_record_fits_a_quiet_shard() {
    let (mut k, now) = with_stream("Foo", 1);
    let mib = b64(vec![1u8; 1024 * 1024]);
    ok(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "k".repeat(256), "Data": mib}),
    );
    let entries = json!([{"PartitionKey": "k", "Data": mib}]);
    let later = ok(
        &mut k,
        now + 2_000,
        "PutRecords",
        json!({"StreamName": "Foo", "Records": entries}),
    );
    assert_eq!(later["FailedRecordCount"], 0);
}

#[test]
fn put_records_fails_only_the_entries_that_do_not_fit_in_order() {
    let (mut k, now) = with_stream("Foo", 1);
    k.set_shard_limits(
        "Foo",
        ShardLimits {
            write_records_per_sec: 8,
            ..ShardLimits::AWS
        },
    )
    .unwrap();
    let entries: Vec<Value> = (0..10)
        .map(|i| json!({"PartitionKey": format!("k{i}"), "Data": b64(i.to_string())}))
        .collect();
    let out = ok(
        &mut k,
        now,
        "PutRecords",
        json!({"StreamName": "Foo", "Records": entries}),
    );
    assert_eq!(out["FailedRecordCount"], 2);
    let results = out["Records"].as_array().unwrap();
    assert_eq!(results.len(), 10);
    for result in &results[..8] {
        assert_eq!(result["ShardId"], "shardId-000000000000");
        assert!(result.get("ErrorCode").is_none());
    }
    assert_eq!(
        results[8]["ErrorCode"], "ProvisionedThroughputExceededException",
        "the ninth record is throttled"
    );
    assert_eq!(
        results[8]["ErrorMessage"],
        format!(
            "Rate exceeded for shard shardId-000000000000 in stream Foo under account {ACCOUNT}."
        )
    );
    assert!(results[9].get("SequenceNumber").is_none());
    assert!(
        out.get("EncryptionType").is_none(),
        "no encryption, no member: {out}"
    );
}

#[test]
fn put_records_validation_lists_up_to_ten_errors() {
    let (mut k, now) = with_stream("Foo", 1);
    let entries: Vec<Value> = (0..501)
        .map(|_| json!({"PartitionKey": "", "Data": ""}))
        .collect();
    let error = err(
        &mut k,
        now,
        "PutRecords",
        json!({"StreamName": "Foo", "Records": entries}),
    );
    let message = error.message();
    assert!(message.starts_with("10 validation errors detected: Value '[com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310, "), "{message}");
    assert!(message.contains("at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"));
    assert!(message.contains("Value '' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1"));
    assert!(message.ends_with("at 'records.9.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1"), "{message}");

    let none = err(
        &mut k,
        now,
        "PutRecords",
        json!({"StreamName": "Foo", "Records": []}),
    );
    assert_eq!(
        none.message(),
        "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
}
