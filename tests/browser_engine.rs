//! The stream engine inside headless Chromium: proves that u128 hash keys, MD5, base64 and
//! the 188-bit sequence numbers behave in wasm32 exactly as natively.
#![cfg(target_arch = "wasm32")]

use serde_json::json;
use shardlab::engine::{Config, Kinesis, SequenceNumber};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const T0: u64 = 1_700_000_000_000;

#[wasm_bindgen_test]
fn the_reference_keys_route_to_the_reference_shards_in_the_browser() {
    let mut k = Kinesis::new(Config::default());
    k.call(
        T0,
        "CreateStream",
        &json!({"StreamName": "Foo", "ShardCount": 4}),
    )
    .unwrap();
    let now = T0 + k.config().create_duration_ms;
    for (key, shard) in [
        ("a", "shardId-000000000000"),
        ("user-42", "shardId-000000000001"),
        ("héllo", "shardId-000000000002"),
        ("partitionKey-0", "shardId-000000000003"),
    ] {
        let out = k
            .call(
                now,
                "PutRecord",
                &json!({"StreamName": "Foo", "PartitionKey": key, "Data": "aGVsbG8="}),
            )
            .unwrap();
        assert_eq!(out["ShardId"], shard, "{key}");
    }
    let shards = k
        .call(now, "ListShards", &json!({"StreamName": "Foo"}))
        .unwrap();
    assert_eq!(
        shards["Shards"][3]["HashKeyRange"]["EndingHashKey"],
        "340282366920938463463374607431768211455"
    );
}

#[wasm_bindgen_test]
fn records_and_sequence_numbers_round_trip_in_the_browser() {
    let mut k = Kinesis::new(Config::default());
    k.call(
        T0,
        "CreateStream",
        &json!({"StreamName": "Foo", "ShardCount": 1}),
    )
    .unwrap();
    let now = T0 + k.config().create_duration_ms;
    let put = k
        .call(
            now,
            "PutRecord",
            &json!({"StreamName": "Foo", "PartitionKey": "k", "Data": "aGVsbG8="}),
        )
        .unwrap();
    let seq = put["SequenceNumber"].as_str().unwrap();
    assert_eq!(seq.len(), 56);
    let decoded = SequenceNumber::parse(seq).unwrap();
    assert_eq!(decoded.shard_index, 0);
    assert_eq!(decoded.record_secs, now / 1000);
    let it = k
        .call(now, "GetShardIterator", &json!({"StreamName": "Foo", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": seq}))
        .unwrap();
    let out = k
        .call(
            now,
            "GetRecords",
            &json!({"ShardIterator": it["ShardIterator"]}),
        )
        .unwrap();
    assert_eq!(out["Records"][0]["Data"], "aGVsbG8=");
    assert_eq!(out["Records"][0]["SequenceNumber"], seq);
}
