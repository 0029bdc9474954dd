//! Properties of the stream engine over many random runs (proptest): what is acknowledged
//! is read back in order, sequence numbers only grow, routing follows MD5, and the token
//! buckets never admit more than their rate plus one second of burst.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{json, Value};
use shardlab::engine::{
    hash_key_of, shard_id, HashKeyRange, Kinesis, PutRecordsEntry, ShardLimits,
};

mod common;
use common::kinesis::{b64, bytes_of, with_stream};

/// Stream `P` of `shards` shards with `limits` on each shard, ACTIVE at the returned time.
fn ready_stream(shards: u32, limits: ShardLimits) -> (Kinesis, u64) {
    let (mut k, ready) = with_stream("P", shards);
    k.set_shard_limits("P", limits).unwrap();
    (k, ready)
}

/// Reads a whole shard from TRIM_HORIZON, pacing calls under the 5 reads/s limit.
fn read_all(k: &mut Kinesis, now: &mut u64, shard: &str) -> Vec<(String, String, Vec<u8>)> {
    let mut it = k
        .call(
            *now,
            "GetShardIterator",
            &json!({"StreamName": "P", "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
        )
        .unwrap()["ShardIterator"]
        .as_str()
        .unwrap()
        .to_string();
    let mut out = Vec::new();
    loop {
        *now += 1_000;
        let page = k
            .call(
                *now,
                "GetRecords",
                &json!({"ShardIterator": it, "Limit": 37}),
            )
            .unwrap();
        let records = page["Records"].as_array().unwrap();
        if records.is_empty() {
            return out;
        }
        for r in records {
            let data = bytes_of(r);
            out.push((
                r["SequenceNumber"].as_str().unwrap().to_string(),
                r["PartitionKey"].as_str().unwrap().to_string(),
                data,
            ));
        }
        it = page["NextShardIterator"].as_str().unwrap().to_string();
    }
}

fn put_strategy() -> impl Strategy<Value = Vec<(String, Vec<u8>, u64)>> {
    proptest::collection::vec(
        (
            "[a-z0-9é]{1,12}",
            proptest::collection::vec(any::<u8>(), 0..40),
            0u64..30,
        ),
        1..120,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Every acknowledged record is read back from TRIM_HORIZON, in sequence order, with its
    /// key and data, and nothing else is; sequence numbers strictly increase per shard.
    #[test]
    fn acknowledged_records_read_back_in_order(shards in 1u32..6, puts in put_strategy(), records_per_sec in 3u64..50) {
        let (mut k, mut now) = ready_stream(shards, ShardLimits { write_records_per_sec: records_per_sec, ..ShardLimits::AWS });
        let mut acknowledged: Vec<Vec<(String, String, Vec<u8>)>> = vec![Vec::new(); shards as usize];
        for (key, data, gap) in &puts {
            now += gap;
            let body = json!({"StreamName": "P", "PartitionKey": key, "Data": b64(data)});
            match k.call(now, "PutRecord", &body) {
                Ok(out) => {
                    let shard: usize = out["ShardId"].as_str().unwrap()[8..].parse().unwrap();
                    acknowledged[shard].push((out["SequenceNumber"].as_str().unwrap().to_string(), key.clone(), data.clone()));
                }
                Err(e) => prop_assert_eq!(e.kind(), "ProvisionedThroughputExceededException"),
            }
        }
        for (index, expected) in acknowledged.iter().enumerate() {
            let read = read_all(&mut k, &mut now, &shard_id(index as u32));
            prop_assert_eq!(&read, expected);
            for pair in read.windows(2) {
                prop_assert!(pair[0].0 < pair[1].0, "sequence numbers must increase");
            }
        }
    }

    /// The shard a record goes to is the one whose range holds MD5(key).
    #[test]
    fn routing_follows_the_md5_of_the_key(shards in 1u32..40, keys in proptest::collection::vec("\\PC{1,20}", 1..20)) {
        let (mut k, now) = ready_stream(shards, ShardLimits::AWS);
        let ranges = HashKeyRange::even_split(shards);
        for key in keys {
            let out = k.call(now, "PutRecord", &json!({"StreamName": "P", "PartitionKey": key, "Data": ""})).unwrap();
            let owner = ranges.iter().position(|r| r.contains(hash_key_of(&key))).unwrap();
            prop_assert_eq!(out["ShardId"].as_str().unwrap(), shard_id(owner as u32));
        }
    }

    /// In any window of W ms a shard admits at most its burst (the bucket's capacity) plus
    /// W ms of rate, for records and for bytes, whatever the pattern of writes.
    #[test]
    fn no_window_admits_more_than_rate_plus_burst(
        writes in proptest::collection::vec((0u64..400, 1usize..3000, 1usize..40), 1..200),
        records_per_sec in 5u64..60,
        kib_per_sec in 4u64..64,
    ) {
        let limits = ShardLimits { write_records_per_sec: records_per_sec, write_bytes_per_sec: kib_per_sec * 1024, ..ShardLimits::AWS };
        let (mut k, mut now) = ready_stream(1, limits);
        let mut admitted: Vec<(u64, u64)> = Vec::new(); // (time, bytes charged)
        for (gap, size, batch) in writes {
            now += gap;
            let entries: Vec<PutRecordsEntry> = (0..batch)
                .map(|_| PutRecordsEntry { partition_key: "k".into(), data: vec![b'x'; size], explicit_hash_key: None })
                .collect();
            let out = k.put_records(now, "P", &entries).unwrap();
            for result in &out.records {
                if result.sequence_number.is_some() {
                    admitted.push((now, size as u64 + 1));
                }
            }
        }
        // Admitted writes are in time order: prefix sums give any window's totals.
        let mut prefix_bytes = vec![0u64];
        for (_, bytes) in &admitted {
            prefix_bytes.push(prefix_bytes.last().unwrap() + bytes);
        }
        for (first, &(start, _)) in admitted.iter().enumerate() {
            for width in [1u64, 250, 1000, 3000] {
                let end = admitted.partition_point(|(t, _)| *t < start + width);
                let records = (end - first) as u64;
                let bytes = prefix_bytes[end] - prefix_bytes[first];
                let span = width - 1;
                let max_records = records_per_sec + records_per_sec * span / 1000;
                // The bytes tank holds a second of its rate, or one largest record if more.
                let tank = limits.write_bytes_per_sec.max(shardlab::engine::shard::LARGEST_RECORD_CHARGE);
                let max_bytes = tank + limits.write_bytes_per_sec * span / 1000;
                prop_assert!(records <= max_records, "{records} records in {width} ms from {start}");
                prop_assert!(bytes <= max_bytes, "{bytes} bytes in {width} ms from {start}");
            }
        }
    }

    /// Nothing a caller sends makes the engine panic: arbitrary action names and bodies give
    /// either a response or an AWS error.
    #[test]
    fn arbitrary_requests_never_panic(
        action in "[A-Za-z]{0,24}",
        body in arbitrary_json(),
        later in prop_oneof![Just(0u64), 0u64..u64::MAX, (u64::MAX - 100_000)..=u64::MAX],
    ) {
        let (mut k, now) = ready_stream(2, ShardLimits::AWS);
        for name in shardlab::engine::ACTIONS.iter().copied().chain([action.as_str()]) {
            let _ = k.call(now, name, &body);
        }
        // Time itself is input too: calls at any later moment, even near u64::MAX.
        let later = now.max(later);
        for name in shardlab::engine::ACTIONS.iter().copied() {
            let _ = k.call(later, name, &body);
            let _ = k.call(later, name, &json!({"StreamName": "P", "ShardCount": 1, "ShardToSplit": "shardId-0",
                "NewStartingHashKey": "12345", "TargetShardCount": 3, "ScalingType": "UNIFORM_SCALING",
                "ShardToMerge": "shardId-0", "AdjacentShardToMerge": "shardId-1", "RetentionPeriodHours": 48}));
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,30}".prop_map(Value::from),
        Just(json!("P")),
        Just(json!("shardId-000000000001")),
        Just(json!("TRIM_HORIZON")),
        Just(json!("aGVsbG8=")),
    ];
    leaf.prop_recursive(3, 40, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("StreamName".to_string()),
                    Just("ShardCount".to_string()),
                    Just("PartitionKey".to_string()),
                    Just("Data".to_string()),
                    Just("ShardId".to_string()),
                    Just("ShardIteratorType".to_string()),
                    Just("ShardIterator".to_string()),
                    Just("Records".to_string()),
                    Just("Limit".to_string()),
                    Just("StartingSequenceNumber".to_string()),
                    Just("Timestamp".to_string()),
                    Just("ExplicitHashKey".to_string()),
                    Just("NextToken".to_string()),
                    Just("ShardFilter".to_string()),
                    Just("Type".to_string()),
                    Just("RetentionPeriodHours".to_string()),
                    Just("MaxResults".to_string()),
                    "[A-Za-z]{1,8}",
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
