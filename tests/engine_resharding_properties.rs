//! Resharding as a property over random runs (proptest): after any splits, merges and
//! scalings the open shards tile the hash key space, and following ChildShards from the roots
//! reads every acknowledged record exactly once. The worked examples are in
//! `engine_resharding.rs`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use proptest::prelude::*;
use serde_json::json;
use shardlab::engine::MAX_HASH_KEY;

mod common;
use common::kinesis::{b64, open_ranges, read_shard, with_stream};

#[derive(Clone, Debug)]
enum Step {
    Put(String),
    Split { pick: usize, at: f64 },
    Merge { pick: usize },
    Scale { factor: f64 },
    Wait(u64),
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        6 => "[a-z]{1,6}".prop_map(Step::Put),
        1 => (any::<usize>(), 0.0f64..1.0).prop_map(|(pick, at)| Step::Split { pick, at }),
        1 => any::<usize>().prop_map(|pick| Step::Merge { pick }),
        1 => (0.5f64..2.0).prop_map(|factor| Step::Scale { factor }),
        2 => (0u64..40_000).prop_map(Step::Wait),
    ];
    proptest::collection::vec(step, 1..80)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// After any splits, merges and scalings: the open shards tile the hash key space exactly
    /// once, and reading every root shard from TRIM_HORIZON and following ChildShards reads
    /// every acknowledged record exactly once, in per-shard order.
    #[test]
    fn resharding_keeps_coverage_and_every_record(start in 1u32..5, plan in steps()) {
        let (mut k, mut now) = with_stream("Foo", start);
        let mut acknowledged: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut n = 0;
        for step in plan {
            now += 10;
            match step {
                Step::Put(key) => {
                    n += 1;
                    let data = format!("{n}");
                    let body = json!({"StreamName": "Foo", "PartitionKey": key, "Data": b64(&data)});
                    if let Ok(out) = k.call(now, "PutRecord", &body) {
                        acknowledged.entry(out["ShardId"].as_str().unwrap().to_string()).or_default().push(data);
                    }
                }
                Step::Split { pick, at } => {
                    let open = open_ranges(&mut k, now, "Foo");
                    let (id, s, e) = &open[pick % open.len()];
                    let (s, e): (u128, u128) = (s.parse().unwrap(), e.parse().unwrap());
                    if e - s > 4 {
                        let key = s + 2 + ((e - s - 3) as f64 * at) as u128;
                        let _ = k.call(now, "SplitShard", &json!({"StreamName": "Foo", "ShardToSplit": id, "NewStartingHashKey": key.to_string()}));
                    }
                }
                Step::Merge { pick } => {
                    let mut open = open_ranges(&mut k, now, "Foo");
                    open.sort_by_key(|(_, s, _)| s.parse::<u128>().unwrap());
                    if open.len() > 1 {
                        let i = pick % (open.len() - 1);
                        let _ = k.call(now, "MergeShards", &json!({"StreamName": "Foo", "ShardToMerge": open[i].0, "AdjacentShardToMerge": open[i + 1].0}));
                    }
                }
                Step::Scale { factor } => {
                    let count = open_ranges(&mut k, now, "Foo").len();
                    let target = ((count as f64 * factor).round() as usize).clamp(count.div_ceil(2), (count * 2).min(24)).max(1);
                    let _ = k.call(now, "UpdateShardCount", &json!({"StreamName": "Foo", "TargetShardCount": target, "ScalingType": "UNIFORM_SCALING"}));
                }
                Step::Wait(ms) => now += ms,
            }
        }
        now += k.config().update_shard_count_duration_ms;

        // Coverage: the open shards tile 0..2^128-1 with no gap and no overlap.
        let mut open: Vec<(u128, u128)> = open_ranges(&mut k, now, "Foo")
            .iter()
            .map(|(_, s, e)| (s.parse().unwrap(), e.parse().unwrap()))
            .collect();
        open.sort();
        prop_assert_eq!(open[0].0, 0);
        prop_assert_eq!(open.last().unwrap().1, MAX_HASH_KEY);
        for pair in open.windows(2) {
            prop_assert_eq!(pair[0].1 + 1, pair[1].0);
        }

        // Follow the lineage from the roots, reading each shard once.
        let mut queue: VecDeque<String> = (0..start).map(|i| format!("shardId-{i:012}")).collect();
        let mut visited = BTreeSet::new();
        let mut read: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut clock = now;
        while let Some(shard) = queue.pop_front() {
            if !visited.insert(shard.clone()) {
                continue;
            }
            let (data, last) = read_shard(&mut k, &mut clock, "Foo", &shard);
            if !data.is_empty() {
                read.insert(shard.clone(), data);
            }
            if let Some(children) = last["ChildShards"].as_array() {
                queue.extend(children.iter().map(|c| c["ShardId"].as_str().unwrap().to_string()));
            }
        }
        prop_assert_eq!(read, acknowledged);
    }
}
