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

#[derive(Clone, Debug)]
enum Traffic {
    /// `count` records of `size` bytes, one every `every_ms`, over `keys` keys.
    Burst {
        count: u32,
        size: usize,
        every_ms: u64,
        keys: u32,
    },
    Wait(u64),
    /// UpdateStreamMode to the other mode.
    SwitchMode,
}

fn traffic() -> impl Strategy<Value = Vec<Traffic>> {
    let step = prop_oneof![
        6 => (1u32..400, 200usize..3_000, 20u64..400, 1u32..50).prop_map(|(count, size, every_ms, keys)| Traffic::Burst { count, size, every_ms, keys }),
        2 => (0u64..300_000).prop_map(Traffic::Wait),
        1 => Just(Traffic::SwitchMode),
    ];
    proptest::collection::vec(step, 1..16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// An ON_DEMAND stream that splits and merges by itself (its scaler's thresholds shrunk to
    /// what a test reaches: 1,500 B/s per shard for a minute, a 3-minute peak window) keeps
    /// the hash key space tiled, and following ChildShards from the roots reads every
    /// acknowledged record exactly once, in per-shard order.
    #[test]
    fn on_demand_scaling_keeps_coverage_and_every_record(plan in traffic()) {
        let config = shardlab::engine::Config {
            on_demand_split_bytes_per_sec: 1_500,
            on_demand_split_after_ms: 60_000,
            on_demand_peak_window_ms: 180_000,
            on_demand_merge_interval_ms: 60_000,
            ..shardlab::engine::Config::default()
        };
        let mut k = shardlab::engine::Kinesis::new(config);
        let mut now = 1_000;
        k.call(now, "CreateStream", &json!({"StreamName": "Foo", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}})).unwrap();
        let arn = k.stream("Foo").unwrap().arn.clone();
        now += k.config().create_duration_ms;
        let roots = k.config().on_demand_initial_shard_count;
        let mut acknowledged: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let (mut n, mut mode) = (0u64, "ON_DEMAND");
        for step in plan {
            match step {
                Traffic::Burst { count, size, every_ms, keys } => {
                    for i in 0..count {
                        n += 1;
                        now += every_ms;
                        let mut data = format!("{n}:");
                        data.extend(std::iter::repeat_n('x', size));
                        let key = format!("k{}", (n * 7 + u64::from(i)) % u64::from(keys));
                        let body = json!({"StreamName": "Foo", "PartitionKey": key, "Data": b64(&data)});
                        if let Ok(out) = k.call(now, "PutRecord", &body) {
                            acknowledged.entry(out["ShardId"].as_str().unwrap().to_string()).or_default().push(data);
                        }
                    }
                }
                Traffic::Wait(ms) => now += ms,
                Traffic::SwitchMode => {
                    let to = if mode == "ON_DEMAND" { "PROVISIONED" } else { "ON_DEMAND" };
                    let body = json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": to}});
                    if k.call(now, "UpdateStreamMode", &body).is_ok() {
                        mode = to;
                    }
                }
            }
        }
        now += k.config().update_stream_mode_duration_ms;

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

        let mut queue: VecDeque<String> = (0..roots).map(|i| format!("shardId-{i:012}")).collect();
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
