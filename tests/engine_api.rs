//! The stream engine through its JSON face, action by action and error by error, checked
//! against the reference (`kinesis-data-streams.md`): shapes, numbers and AWS's wording.
#![cfg(not(target_arch = "wasm32"))]

use base64::Engine as _;
use serde_json::{json, Value};
use shardlab::engine::{ApiError, Config, Kinesis, ShardLimits};

const ACCOUNT: &str = "123456789012";
/// 2023-11-14T22:13:20Z, a round simulated start.
const T0: u64 = 1_700_000_000_000;

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn ok(k: &mut Kinesis, now: u64, action: &str, body: Value) -> Value {
    k.call(now, action, &body)
        .unwrap_or_else(|e| panic!("{action} {body} failed: {e}"))
}

fn err(k: &mut Kinesis, now: u64, action: &str, body: Value) -> ApiError {
    match k.call(now, action, &body) {
        Ok(out) => panic!("{action} {body} should fail but returned {out}"),
        Err(e) => e,
    }
}

/// A Kinesis with stream `name` of `shards` shards, ACTIVE at the returned time.
fn with_stream(name: &str, shards: u32) -> (Kinesis, u64) {
    let mut k = Kinesis::new(Config::default());
    ok(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": name, "ShardCount": shards}),
    );
    let ready = T0 + k.config().create_duration_ms;
    (k, ready)
}

fn put(k: &mut Kinesis, now: u64, stream: &str, key: &str, data: &str) -> Value {
    ok(
        k,
        now,
        "PutRecord",
        json!({"StreamName": stream, "PartitionKey": key, "Data": b64(data)}),
    )
}

fn iterator(k: &mut Kinesis, now: u64, stream: &str, shard: &str, kind: &str) -> String {
    ok(
        k,
        now,
        "GetShardIterator",
        json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": kind}),
    )["ShardIterator"]
        .as_str()
        .unwrap()
        .to_string()
}

fn data_of(record: &Value) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(record["Data"].as_str().unwrap())
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

// ---------------------------------------------------------------- CreateStream, status

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

// ---------------------------------------------------------------- DeleteStream

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
        assert_eq!(out["EncryptionType"], "NONE");
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
    let big = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 1024 * 1024 + 1]);
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
        "StreamName": "Foo", "PartitionKey": "k", "Data": b64("2"), "SequenceNumberForOrdering": "12345"}),
    );
    assert_eq!(bad.kind(), "InvalidArgumentException");
    assert_eq!(
        bad.message(),
        format!("ExclusiveMinimumSequenceNumber 12345 used in PutRecord on stream Foo under account {ACCOUNT} is invalid.")
    );
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
    let data = b64(&"x".repeat(599)); // 599 bytes + 1-byte key = 600 bytes, charged 1 KB
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
        .map(|i| json!({"PartitionKey": format!("k{i}"), "Data": b64(&i.to_string())}))
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
    assert_eq!(out["EncryptionType"], "NONE");
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

// ---------------------------------------------------------------- iterators and reads

#[test]
fn records_read_back_in_order_from_trim_horizon_with_next_iterators() {
    let (mut k, now) = with_stream("Foo", 1);
    for i in 0..25 {
        put(
            &mut k,
            now + i,
            "Foo",
            &format!("k{i}"),
            &format!("record {i}"),
        );
    }
    let mut it = iterator(
        &mut k,
        now + 100,
        "Foo",
        "shardId-000000000000",
        "TRIM_HORIZON",
    );
    let mut seen = Vec::new();
    let mut clock = now + 100;
    loop {
        clock += 250;
        let out = ok(
            &mut k,
            clock,
            "GetRecords",
            json!({"ShardIterator": it, "Limit": 10}),
        );
        let records = out["Records"].as_array().unwrap();
        if records.is_empty() {
            assert_eq!(out["MillisBehindLatest"], 0);
            break;
        }
        seen.extend(records.iter().map(data_of));
        it = out["NextShardIterator"].as_str().unwrap().to_string();
    }
    let expected: Vec<String> = (0..25).map(|i| format!("record {i}")).collect();
    assert_eq!(seen, expected);
}

#[test]
fn an_iterator_is_a_position_that_can_be_reused() {
    let (mut k, now) = with_stream("Foo", 1);
    put(&mut k, now, "Foo", "k", "one");
    let it = iterator(&mut k, now, "Foo", "shardId-000000000000", "TRIM_HORIZON");
    let first = ok(
        &mut k,
        now + 300,
        "GetRecords",
        json!({"ShardIterator": it}),
    );
    let again = ok(
        &mut k,
        now + 600,
        "GetRecords",
        json!({"ShardIterator": it}),
    );
    assert_eq!(first["Records"], again["Records"]);
    let record = &first["Records"][0];
    assert_eq!(record["PartitionKey"], "k");
    assert_eq!(data_of(record), "one");
    assert_eq!(
        record["ApproximateArrivalTimestamp"],
        json!((now as f64) / 1000.0)
    );
}

#[test]
fn latest_sees_only_later_records_and_after_sequence_number_skips_one() {
    let (mut k, now) = with_stream("Foo", 1);
    let first = put(&mut k, now, "Foo", "k", "old")["SequenceNumber"]
        .as_str()
        .unwrap()
        .to_string();
    put(&mut k, now, "Foo", "k", "second");
    let latest = iterator(&mut k, now, "Foo", "shardId-000000000000", "LATEST");
    put(&mut k, now + 1, "Foo", "k", "new");
    let out = ok(
        &mut k,
        now + 300,
        "GetRecords",
        json!({"ShardIterator": latest}),
    );
    let data: Vec<String> = out["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(data_of)
        .collect();
    assert_eq!(data, ["new"]);

    let after = ok(
        &mut k,
        now + 300,
        "GetShardIterator",
        json!({"StreamName": "Foo", "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": first}),
    )["ShardIterator"]
        .clone();
    let out = ok(
        &mut k,
        now + 600,
        "GetRecords",
        json!({"ShardIterator": after}),
    );
    assert_eq!(data_of(&out["Records"][0]), "second");

    let at = ok(
        &mut k,
        now + 600,
        "GetShardIterator",
        json!({"StreamName": "Foo", "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": first}),
    )["ShardIterator"]
        .clone();
    let out = ok(
        &mut k,
        now + 900,
        "GetRecords",
        json!({"ShardIterator": at}),
    );
    assert_eq!(data_of(&out["Records"][0]), "old");
}

#[test]
fn at_timestamp_starts_at_the_first_record_that_arrived_then() {
    let (mut k, now) = with_stream("Foo", 1);
    put(&mut k, now, "Foo", "k", "t0");
    put(&mut k, now + 5_000, "Foo", "k", "t5");
    put(&mut k, now + 9_000, "Foo", "k", "t9");
    let at = ok(
        &mut k,
        now + 10_000,
        "GetShardIterator",
        json!({"StreamName": "Foo", "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": (now + 4_000) as f64 / 1000.0}),
    )["ShardIterator"]
        .clone();
    let out = ok(
        &mut k,
        now + 10_000,
        "GetRecords",
        json!({"ShardIterator": at}),
    );
    let data: Vec<String> = out["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(data_of)
        .collect();
    assert_eq!(data, ["t5", "t9"]);

    let future = err(
        &mut k,
        now + 10_000,
        "GetShardIterator",
        json!({"StreamName": "Foo", "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": (now + 20_000) as f64 / 1000.0}),
    );
    assert_eq!(
        future.message(),
        format!("The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {}, currentTimestampInMillis: {}", now + 20_000, now + 10_000)
    );
    let missing = err(
        &mut k,
        now + 10_000,
        "GetShardIterator",
        json!({"StreamName": "Foo", "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_TIMESTAMP"}),
    );
    assert_eq!(
        missing.message(),
        "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter."
    );
}

#[test]
fn get_shard_iterator_errors_use_aws_wording() {
    let (mut k, now) = with_stream("Foo", 2);
    let seq = put(&mut k, now, "Foo", "a", "x")["SequenceNumber"]
        .as_str()
        .unwrap()
        .to_string(); // shard 0
    let body = |shard: &str, kind: &str, seq: Option<&str>| {
        let mut body = json!({"StreamName": "Foo", "ShardId": shard, "ShardIteratorType": kind});
        if let Some(seq) = seq {
            body["StartingSequenceNumber"] = json!(seq);
        }
        body
    };
    let cases = [
        (body("shardId-000000000000", "LATEST", Some(&seq)), "InvalidArgumentException",
         "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified LATEST and also a StartingSequenceNumber.".to_string()),
        (body("shardId-000000000000", "AT_SEQUENCE_NUMBER", None), "InvalidArgumentException",
         "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.".to_string()),
        (body("shardId-000000000001", "AT_SEQUENCE_NUMBER", Some(&seq)), "InvalidArgumentException",
         "Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001".to_string()),
        (body("shardId-000000000000", "AT_SEQUENCE_NUMBER", Some("12345")), "InvalidArgumentException",
         format!("StartingSequenceNumber 12345 used in GetShardIterator on shard shardId-000000000000 in stream Foo under account {ACCOUNT} is invalid.")),
        (body("shardId-000000000002", "LATEST", None), "ResourceNotFoundException",
         format!("Shard shardId-000000000002 in stream Foo under account {ACCOUNT} does not exist")),
        (body("nonsense", "LATEST", None), "ResourceNotFoundException",
         format!("Could not find shard nonsense in stream Foo under account {ACCOUNT}.")),
        (body("shardId-000000000000", "SIDEWAYS", None), "ValidationException",
         "1 validation error detected: Value 'SIDEWAYS' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]".to_string()),
    ];
    for (request, kind, message) in cases {
        let error = err(&mut k, now, "GetShardIterator", request.clone());
        assert_eq!(
            (error.kind(), error.message()),
            (kind, message.as_str()),
            "{request}"
        );
    }
    // AWS's loose shard ids work.
    iterator(&mut k, now, "Foo", "shardId-1", "LATEST");
    iterator(&mut k, now, "Foo", "shard-1", "LATEST");
}

#[test]
fn a_sequence_number_from_a_recreated_stream_did_not_come_from_this_stream() {
    let (mut k, now) = with_stream("Foo", 1);
    let seq = put(&mut k, now, "Foo", "k", "x")["SequenceNumber"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&mut k, now, "DeleteStream", json!({"StreamName": "Foo"}));
    let later = now + 10_000;
    ok(
        &mut k,
        later,
        "CreateStream",
        json!({"StreamName": "Foo", "ShardCount": 1}),
    );
    let ready = later + k.config().create_duration_ms;
    let error = err(
        &mut k,
        ready,
        "GetShardIterator",
        json!({"StreamName": "Foo", "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": seq}),
    );
    assert_eq!(
        error.message(),
        format!("StartingSequenceNumber {seq} used in GetShardIterator on shard shardId-000000000000 in stream Foo under account {ACCOUNT} is invalid because it did not come from this stream.")
    );
}

#[test]
fn iterators_expire_after_five_minutes_with_java_dates_in_the_message() {
    let (mut k, now) = with_stream("Foo", 1);
    let it = iterator(&mut k, now, "Foo", "shardId-000000000000", "TRIM_HORIZON");
    ok(
        &mut k,
        now + 300_000,
        "GetRecords",
        json!({"ShardIterator": it}),
    );
    let error = err(
        &mut k,
        now + 300_001,
        "GetRecords",
        json!({"ShardIterator": it}),
    );
    assert_eq!(error.kind(), "ExpiredIteratorException");
    // now = 2023-11-14T22:13:22Z (created at T0 + 2 s).
    assert_eq!(
        error.message(),
        "Iterator expired. The iterator was created at time Tue Nov 14 22:13:22 UTC 2023 while right now it is \
         Tue Nov 14 22:18:22 UTC 2023 which is further in the future than the tolerated delay of 300000 milliseconds."
    );
    let garbage = err(
        &mut k,
        now,
        "GetRecords",
        json!({"ShardIterator": "AAAAAAAAAAGarbage=="}),
    );
    assert_eq!(
        (garbage.kind(), garbage.message()),
        ("InvalidArgumentException", "Invalid ShardIterator.")
    );
}

#[test]
fn a_sixth_read_in_one_second_is_throttled_and_a_big_read_blocks_for_seconds() {
    let (mut k, now) = with_stream("Foo", 1);
    let it = iterator(&mut k, now, "Foo", "shardId-000000000000", "TRIM_HORIZON");
    for _ in 0..5 {
        ok(&mut k, now, "GetRecords", json!({"ShardIterator": it}));
    }
    let error = err(&mut k, now, "GetRecords", json!({"ShardIterator": it}));
    assert_eq!(error.kind(), "ProvisionedThroughputExceededException");
    assert_eq!(
        error.message(),
        format!("Rate exceeded for Shard - {ACCOUNT}/Foo/shardId-000000000000")
    );
    ok(
        &mut k,
        now + 200,
        "GetRecords",
        json!({"ShardIterator": it}),
    );

    // 10 records of 1 MiB: one read returns all 10 MiB; the shard had one call's share of
    // credit (2 MiB / 5) and now owes 9.6 MiB, repaid at 2 MiB/s in just over 4.8 s.
    let (mut k, now) = with_stream("Big", 1);
    k.set_shard_limits(
        "Big",
        ShardLimits {
            write_bytes_per_sec: 100 << 20,
            ..ShardLimits::AWS
        },
    )
    .unwrap();
    let mib = base64::engine::general_purpose::STANDARD.encode(vec![7u8; (1 << 20) - 1]);
    for _ in 0..11 {
        ok(
            &mut k,
            now,
            "PutRecord",
            json!({"StreamName": "Big", "PartitionKey": "k", "Data": mib}),
        );
    }
    let it = iterator(&mut k, now, "Big", "shardId-000000000000", "TRIM_HORIZON");
    let big = ok(&mut k, now, "GetRecords", json!({"ShardIterator": it}));
    assert_eq!(
        big["Records"].as_array().unwrap().len(),
        10,
        "10 MiB per call"
    );
    let next = big["NextShardIterator"].as_str().unwrap().to_string();
    assert!(k
        .call(now + 4_799, "GetRecords", &json!({"ShardIterator": next}))
        .is_err());
    let rest = ok(
        &mut k,
        now + 4_801,
        "GetRecords",
        json!({"ShardIterator": next}),
    );
    assert_eq!(rest["Records"].as_array().unwrap().len(), 1);
}

#[test]
fn millis_behind_latest_counts_whole_seconds_to_the_tip() {
    let (mut k, now) = with_stream("Foo", 1);
    for i in 0..3 {
        put(&mut k, now + i * 1000, "Foo", "k", "x");
    }
    let it = iterator(
        &mut k,
        now + 10_500,
        "Foo",
        "shardId-000000000000",
        "TRIM_HORIZON",
    );
    let out = ok(
        &mut k,
        now + 10_500,
        "GetRecords",
        json!({"ShardIterator": it, "Limit": 1}),
    );
    assert_eq!(
        out["MillisBehindLatest"], 11_000,
        "10.5 s behind, rounded up to whole seconds"
    );
    let rest = ok(
        &mut k,
        now + 10_700,
        "GetRecords",
        json!({"ShardIterator": out["NextShardIterator"]}),
    );
    assert_eq!(rest["MillisBehindLatest"], 0);
}

// ---------------------------------------------------------------- retention

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

// ---------------------------------------------------------------- listing

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

// ---------------------------------------------------------------- metrics

#[test]
fn shard_metrics_count_per_second_with_cloudwatch_names() {
    use shardlab::engine::metrics::Metric;
    let (mut k, now) = with_stream("Foo", 1);
    k.set_shard_limits(
        "Foo",
        ShardLimits {
            write_records_per_sec: 3,
            ..ShardLimits::AWS
        },
    )
    .unwrap();
    for _ in 0..5 {
        let _ = k.call(
            now,
            "PutRecord",
            &json!({"StreamName": "Foo", "PartitionKey": "k", "Data": b64("abc")}),
        );
    }
    let shard = &k.stream("Foo").unwrap().shards[0];
    let second = now / 1000;
    assert_eq!(shard.metrics.in_second(Metric::IncomingRecords, second), 3);
    assert_eq!(
        shard.metrics.in_second(Metric::IncomingBytes, second),
        3 * 4
    );
    assert_eq!(
        shard
            .metrics
            .in_second(Metric::WriteProvisionedThroughputExceeded, second),
        2
    );
    assert_eq!(
        Metric::WriteProvisionedThroughputExceeded.name(),
        "WriteProvisionedThroughputExceeded"
    );
    assert_eq!(
        Metric::GetRecordsIteratorAgeMilliseconds.name(),
        "GetRecords.IteratorAgeMilliseconds"
    );
}

// ---------------------------------------------------------------- regressions from review

#[test]
fn the_largest_legal_record_fits_a_quiet_shard() {
    let (mut k, now) = with_stream("Foo", 1);
    let mib = base64::engine::general_purpose::STANDARD.encode(vec![1u8; 1024 * 1024]);
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
fn small_reads_in_the_same_millisecond_are_not_throttled() {
    let (mut k, now) = with_stream("Foo", 1);
    put(&mut k, now, "Foo", "k", "x");
    let it = iterator(&mut k, now, "Foo", "shardId-000000000000", "TRIM_HORIZON");
    for _ in 0..5 {
        ok(&mut k, now, "GetRecords", json!({"ShardIterator": it}));
    }
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
