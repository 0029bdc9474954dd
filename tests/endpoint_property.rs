//! The fault-schedule idea carried over to the endpoint: random client calls (puts, batches,
//! splits, merges, reads) at random moments, through the endpoint's request path (the wire
//! codec and the owner's session), beside a scenario's simulated producer. Whatever the
//! schedule, every record the endpoint acknowledged must be readable afterwards, once, and in
//! the order it was acknowledged for its partition key, across the splits and merges. The
//! producer sends 90% of its records with one key, so the shard that key hashes to is hot and
//! the clients' puts there are throttled, whole or (in a PutRecords batch) in part.
//!
//! Moments are simulated and given explicitly ([`Owner::answer_at`]), so a failing case is
//! reproduced exactly from proptest's seed. `SHARDLAB_ENDPOINT_CASES` sets how many cases run
//! (default 8; scripts/test runs 200 in its optimised hardening stage).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use base64::Engine as _;
use proptest::prelude::*;
use serde_json::{json, Value};
use shardlab::endpoint::owner::{Body, Head, Owner};
use shardlab::endpoint::Options;

const SCENARIO: &str = "\
aws kinesis create-stream --stream-name s --shard-count 3
wait 2500ms
producer add background --stream s --rate 1500 --keys hot:user-42:0.9:100 --retry none
";

/// A client's call, and the simulated milliseconds since the previous one.
#[derive(Clone, Debug)]
enum Op {
    Put { key: u8, gap_ms: u16 },
    Batch { keys: Vec<u8>, gap_ms: u16 },
    Split { pick: u8, gap_ms: u16 },
    Merge { pick: u8, gap_ms: u16 },
    Read { pick: u8, gap_ms: u16 },
}

impl Op {
    fn gap_ms(&self) -> u64 {
        match self {
            Op::Put { gap_ms, .. }
            | Op::Batch { gap_ms, .. }
            | Op::Split { gap_ms, .. }
            | Op::Merge { gap_ms, .. }
            | Op::Read { gap_ms, .. } => u64::from(*gap_ms),
        }
    }
}

fn op() -> impl Strategy<Value = Op> {
    let gap = 0u16..400;
    prop_oneof![
        6 => (0u8..8, gap.clone()).prop_map(|(key, gap_ms)| Op::Put { key, gap_ms }),
        3 => (prop::collection::vec(0u8..8, 1..40), gap.clone())
            .prop_map(|(keys, gap_ms)| Op::Batch { keys, gap_ms }),
        1 => (any::<u8>(), 0u16..4000).prop_map(|(pick, gap_ms)| Op::Split { pick, gap_ms }),
        1 => (any::<u8>(), 0u16..4000).prop_map(|(pick, gap_ms)| Op::Merge { pick, gap_ms }),
        1 => (any::<u8>(), gap).prop_map(|(pick, gap_ms)| Op::Read { pick, gap_ms }),
    ]
}

/// The endpoint's owner with its clock in the test's hands.
struct Endpoint {
    owner: Owner,
    now_ms: u64,
}

impl Endpoint {
    fn new(seed: u64) -> Endpoint {
        let options = Options {
            seed,
            script: Some(("scenario.sh".into(), SCENARIO.into())),
            ..Options::default()
        };
        Endpoint {
            owner: Owner::new(&options, Box::new(std::io::sink())),
            now_ms: 0,
        }
    }

    fn call(&mut self, action: &str, body: Value) -> (u16, Value) {
        let head = Head::signed_json(action);
        let response = self.owner.answer_at(
            self.now_ms,
            &head,
            Body::Read(body.to_string().into_bytes()),
        );
        let body = match response.body.is_empty() {
            true => json!({}),
            false => serde_json::from_slice(&response.body).unwrap(),
        };
        (response.status, body)
    }

    /// The stream's shards, every one (closed ones too), in shard id order.
    fn shards(&mut self) -> Vec<Value> {
        let (status, body) = self.call("ListShards", json!({"StreamName": "s"}));
        assert_eq!(status, 200, "{body}");
        body["Shards"].as_array().unwrap().clone()
    }

    fn open_shards(&mut self) -> Vec<Value> {
        let mut open: Vec<Value> = self
            .shards()
            .into_iter()
            .filter(|s| s["SequenceNumberRange"]["EndingSequenceNumber"].is_null())
            .collect();
        open.sort_by_key(|s| hash_key(s, "StartingHashKey"));
        open
    }

    /// A shard's records from its start: (partition key, data, sequence number). Waits out
    /// read throttling by moving the clock on.
    fn read_all(&mut self, shard: &str) -> Vec<(String, String, String)> {
        let (status, got) = self.call(
            "GetShardIterator",
            json!({"StreamName": "s", "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
        );
        assert_eq!(status, 200, "{got}");
        let mut iterator = got["ShardIterator"].clone();
        let mut records = Vec::new();
        while iterator.is_string() {
            let (status, page) = self.call("GetRecords", json!({"ShardIterator": iterator}));
            if status == 400 {
                assert_eq!(
                    page["__type"], "ProvisionedThroughputExceededException",
                    "{page}"
                );
                self.now_ms += 1_000;
                continue;
            }
            assert_eq!(status, 200, "{page}");
            let batch = page["Records"].as_array().unwrap();
            for record in batch {
                let data = base64::engine::general_purpose::STANDARD
                    .decode(record["Data"].as_str().unwrap())
                    .unwrap();
                records.push((
                    record["PartitionKey"].as_str().unwrap().to_string(),
                    String::from_utf8_lossy(&data).into_owned(),
                    record["SequenceNumber"].as_str().unwrap().to_string(),
                ));
            }
            if batch.is_empty() && page["MillisBehindLatest"] == 0 {
                break;
            }
            iterator = page["NextShardIterator"].clone();
        }
        records
    }
}

fn hash_key(shard: &Value, end: &str) -> u128 {
    shard["HashKeyRange"][end]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn data(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Runs a schedule; returns what was acknowledged per key, (data, sequence number) in order.
fn run(seed: u64, ops: &[Op]) -> (Endpoint, BTreeMap<String, Vec<(String, String)>>) {
    let mut endpoint = Endpoint::new(seed);
    endpoint.now_ms = 3_000; // the stream is ACTIVE after 2 s, the producer on at 2.5 s
    let mut acked: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut sent = 0usize;
    for op in ops {
        endpoint.now_ms += op.gap_ms();
        match op {
            Op::Put { key, .. } => {
                let key = format!("client-{key}");
                let text = format!("{key}:{sent}");
                sent += 1;
                let (status, out) = endpoint.call(
                    "PutRecord",
                    json!({"StreamName": "s", "PartitionKey": key, "Data": data(&text)}),
                );
                match status {
                    200 => acked
                        .entry(key)
                        .or_default()
                        .push((text, out["SequenceNumber"].as_str().unwrap().into())),
                    _ => assert_eq!(out["__type"], "ProvisionedThroughputExceededException"),
                }
            }
            Op::Batch { keys, .. } => {
                let entries: Vec<(String, String)> = keys
                    .iter()
                    .map(|k| {
                        sent += 1;
                        (format!("client-{k}"), format!("client-{k}:{}", sent - 1))
                    })
                    .collect();
                let records: Vec<Value> = entries
                    .iter()
                    .map(|(key, text)| json!({"PartitionKey": key, "Data": data(text)}))
                    .collect();
                let (status, out) =
                    endpoint.call("PutRecords", json!({"StreamName": "s", "Records": records}));
                assert_eq!(status, 200, "{out}");
                let results = out["Records"].as_array().unwrap();
                assert_eq!(results.len(), entries.len());
                for ((key, text), result) in entries.into_iter().zip(results) {
                    if let Some(sequence) = result["SequenceNumber"].as_str() {
                        acked.entry(key).or_default().push((text, sequence.into()));
                    } else {
                        assert_eq!(
                            result["ErrorCode"],
                            "ProvisionedThroughputExceededException"
                        );
                    }
                }
            }
            Op::Split { pick, .. } => {
                let open = endpoint.open_shards();
                let shard = &open[usize::from(*pick) % open.len()];
                let (start, end) = (
                    hash_key(shard, "StartingHashKey"),
                    hash_key(shard, "EndingHashKey"),
                );
                if end > start {
                    // Refused while UPDATING or at the shard limit: a client sees that too.
                    let _ = endpoint.call(
                        "SplitShard",
                        json!({"StreamName": "s", "ShardToSplit": shard["ShardId"],
                               "NewStartingHashKey": (start + (end - start) / 2 + 1).to_string()}),
                    );
                }
            }
            Op::Merge { pick, .. } => {
                let open = endpoint.open_shards();
                if open.len() >= 2 {
                    let i = usize::from(*pick) % (open.len() - 1);
                    let _ = endpoint.call(
                        "MergeShards",
                        json!({"StreamName": "s", "ShardToMerge": open[i]["ShardId"],
                               "AdjacentShardToMerge": open[i + 1]["ShardId"]}),
                    );
                }
            }
            Op::Read { pick, .. } => {
                let shards = endpoint.shards();
                let shard = &shards[usize::from(*pick) % shards.len()]["ShardId"];
                let (_, got) = endpoint.call(
                    "GetShardIterator",
                    json!({"StreamName": "s", "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
                );
                if got["ShardIterator"].is_string() {
                    let _ = endpoint.call(
                        "GetRecords",
                        json!({"ShardIterator": got["ShardIterator"], "Limit": 100}),
                    );
                }
            }
        }
    }
    // Let any resharding under way finish before reading back.
    endpoint.now_ms += 10_000;
    (endpoint, acked)
}

fn cases() -> u32 {
    std::env::var("SHARDLAB_ENDPOINT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn every_acknowledged_record_is_readable_once_in_its_keys_order(
        seed in 1u64..1_000_000,
        ops in prop::collection::vec(op(), 20..120),
    ) {
        let (mut endpoint, acked) = run(seed, &ops);
        // Parents before children: shard ids grow, so reading in id order follows each key
        // from the shard it was written to before a split or merge into the one after.
        let mut read: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for shard in endpoint.shards() {
            let id = shard["ShardId"].as_str().unwrap().to_string();
            for (key, text, sequence) in endpoint.read_all(&id) {
                if key.starts_with("client-") {
                    read.entry(key).or_default().push((text, sequence));
                }
            }
        }
        prop_assert_eq!(read, acked);
    }
}

/// The schedule's outcome depends only on the seed and the calls: the same run twice
/// acknowledges the same records with the same sequence numbers.
#[test]
fn the_same_schedule_gives_the_same_answers() {
    let ops: Vec<Op> = (0..60)
        .map(|i| match i % 7 {
            3 => Op::Batch {
                keys: vec![1, 2, 3, 1],
                gap_ms: 50,
            },
            5 => Op::Split {
                pick: i,
                gap_ms: 900,
            },
            _ => Op::Put {
                key: i % 5,
                gap_ms: 20,
            },
        })
        .collect();
    let (mut endpoint, first) = run(7, &ops);
    let (_, second) = run(7, &ops);
    let acknowledged = first.values().map(Vec::len).sum::<usize>();
    assert_eq!(first, second);
    // The schedule did what it is for: some puts went in, some were throttled, and the
    // stream was resharded.
    let sent = ops
        .iter()
        .map(|op| match op {
            Op::Put { .. } => 1,
            Op::Batch { keys, .. } => keys.len(),
            _ => 0,
        })
        .sum::<usize>();
    assert!(
        acknowledged > 50 && acknowledged < sent,
        "{acknowledged} of {sent} acknowledged"
    );
    assert!(endpoint.shards().len() > 3, "no split went through");
}
