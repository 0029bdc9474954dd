//! GetShardIterator and GetRecords: iterator types, iterators as reusable positions that
//! expire, errors in AWS's wording, read throttling and MillisBehindLatest.

use serde_json::json;
use shardlab::engine::ShardLimits;

use crate::common::kinesis::{b64, data_of, err, ok, with_stream, ACCOUNT};
use crate::{iterator, put};

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

/// GetRecords reads an iterator wrapped in double quotes as the iterator inside, as AWS does:
/// in bash, `IT=$(aws kinesis get-shard-iterator ... --query ShardIterator)` keeps the JSON
/// quotes, and AWS accepts `--shard-iterator $IT` anyway (LocalStack's test validated against
/// AWS, localstack/localstack#9884, "Even though this is not technically correct, both the
/// CLI and AWS allow this"; etspaceman/kinesis-mock#689).
#[test]
fn an_iterator_in_double_quotes_reads_as_the_iterator_inside() {
    let (mut k, now) = with_stream("Foo", 1);
    put(&mut k, now, "Foo", "k", "one");
    let it = iterator(&mut k, now, "Foo", "shardId-000000000000", "TRIM_HORIZON");
    let quoted = ok(
        &mut k,
        now + 300,
        "GetRecords",
        json!({"ShardIterator": format!("\"{it}\"")}),
    );
    let records = quoted["Records"].as_array().unwrap();
    assert_eq!(records.iter().map(data_of).collect::<Vec<_>>(), ["one"]);
    let next = quoted["NextShardIterator"].as_str().unwrap();
    assert!(!next.starts_with('"'), "the next iterator is bare: {next}");
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
        // A version-0 number whose creation second is too large (tests/engine_api/sequence_numbers.rs).
        (body("shardId-000000000000", "AT_SEQUENCE_NUMBER", Some("26227199374822427428162556223570313216")), "InvalidArgumentException",
         format!("StartingSequenceNumber 26227199374822427428162556223570313216 used in GetShardIterator on shard shardId-000000000000 in stream Foo under account {ACCOUNT} is invalid.")),
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
    let mib = b64(vec![7u8; (1 << 20) - 1]);
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
fn small_reads_in_the_same_millisecond_are_not_throttled() {
    let (mut k, now) = with_stream("Foo", 1);
    put(&mut k, now, "Foo", "k", "x");
    let it = iterator(&mut k, now, "Foo", "shardId-000000000000", "TRIM_HORIZON");
    for _ in 0..5 {
        ok(&mut k, now, "GetRecords", json!({"ShardIterator": it}));
    }
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
