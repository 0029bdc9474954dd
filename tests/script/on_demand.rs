//! On-demand scaling as a learner sees it from a script: the shard count of an ON_DEMAND
//! stream follows its traffic by real splits (reference modern-kinesis.md section 1: a shard
//! over 500 KB/s is split within 15 minutes; traffic that more than doubles is throttled
//! meanwhile; a single hot key is not isolated).

use serde_json::Value;
use shardlab::script::run_script;
use shardlab::sim::World;

/// Runs `source` and returns the world it left and the failed expectations.
fn run(source: &str) -> (World, Vec<String>) {
    let (world, _, entries) = run_script(source).unwrap_or_else(|e| panic!("{e}"));
    let failed = entries
        .iter()
        .filter_map(|e| match e {
            shardlab::script::Entry::Expect {
                passed: false,
                message,
                ..
            } => Some(message.clone()),
            _ => None,
        })
        .collect();
    (world, failed)
}

fn snapshot(world: &World) -> Value {
    serde_json::to_value(world.snapshot()).unwrap()
}

const ON_DEMAND: &str =
    "aws kinesis create-stream --stream-name s --stream-mode-details StreamMode=ON_DEMAND\n\
     aws kinesis wait stream-exists --stream-name s\n";

/// The open shards' hash key ranges, in order, tile the whole key space.
fn assert_tiled(stream: &Value) {
    let mut open: Vec<(u128, u128)> = stream["shards"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["open"] == true)
        .map(|s| {
            let range = &s["HashKeyRange"];
            let key = |name: &str| range[name].as_str().unwrap().parse::<u128>().unwrap();
            (key("StartingHashKey"), key("EndingHashKey"))
        })
        .collect();
    open.sort();
    assert_eq!(open.first().map(|r| r.0), Some(0));
    assert_eq!(open.last().map(|r| r.1), Some(u128::MAX));
    for pair in open.windows(2) {
        assert_eq!(pair[0].1 + 1, pair[1].0, "{open:?}");
    }
}

#[test]
fn a_stream_at_three_megabytes_a_second_grows_from_four_shards_to_eight_after_fifteen_minutes() {
    // 30 records/s of 100,000 bytes over many keys: about 0.7 MB/s on each of the 4 shards,
    // more than the 500 KB/s at which AWS splits a shard, less than the shard's 1 MB/s.
    let (world, failed) = run(&format!(
        "{ON_DEMAND}\
         producer add p --stream s --rate 30 --size 100000 --keys uniform:1000\n\
         wait 14m\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $COUNT == 4\n\
         wait 3m\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $COUNT == 8\n\
         STATUS=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.StreamStatus --output text)\n\
         expect $STATUS == ACTIVE\n\
         wait 30m\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $COUNT == 8\n"
    ));
    assert!(failed.is_empty(), "{failed:?}");
    let snapshot = snapshot(&world);
    let stream = &snapshot["streams"]["s"];
    assert_tiled(stream);
    // Every split is a real split: the four first shards are closed parents of two each.
    let shards = stream["shards"].as_array().unwrap();
    assert_eq!(shards.len(), 12);
    for parent in 0..4 {
        let id = format!("shardId-{parent:012}");
        let children = shards
            .iter()
            .filter(|s| s["ParentShardId"] == id.as_str())
            .count();
        assert_eq!(children, 2, "{id}");
    }
    // Under the shard's own limit all along: nothing was throttled.
    assert_eq!(snapshot["producers"]["p"]["throttled"], 0);
}

#[test]
fn traffic_that_more_than_doubles_is_throttled_until_the_stream_has_split() {
    // 4 shards can take 4 MB/s; 10 MB/s is throttled until the shards split (twice: after
    // the first split each child still takes more than 500 KB/s).
    let (world, failed) = run(&format!(
        "{ON_DEMAND}\
         producer add p --stream s --rate 100 --size 100000 --keys uniform:5000 --retry none\n\
         wait 5m\n\
         THROTTLED_EARLY=$(sim describe --query producers.p.throttled)\n\
         expect $THROTTLED_EARLY > 0\n\
         wait 12m\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $COUNT == 8\n\
         wait 20m\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $COUNT == 16\n"
    ));
    assert!(failed.is_empty(), "{failed:?}");
    let snapshot = snapshot(&world);
    assert_tiled(&snapshot["streams"]["s"]);
}

#[test]
fn a_hot_key_is_not_isolated_its_shard_is_not_split_again_and_again() {
    // One key writes 0.6 MB/s, nearly all of its shard's traffic: a split cannot relieve it.
    let (world, failed) = run(&format!(
        "{ON_DEMAND}\
         producer add p --stream s --rate 25 --size 25000 --keys hot:user-42:0.96:100\n\
         wait 40m\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $COUNT == 4\n"
    ));
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(snapshot(&world)["producers"]["p"]["throttled"], 0);
}

#[test]
fn a_stream_keeps_room_for_twice_its_peak_until_the_peak_is_thirty_days_old() {
    // 2.9 MB/s split 4 shards into 8; once the traffic stops, the stream keeps room for twice
    // that peak (6 shards) until the peak is 30 days old, then goes back to its first 4.
    let (world, failed) = run(&format!(
        "{ON_DEMAND}\
         producer add p --stream s --rate 30 --size 100000 --keys uniform:1000\n\
         wait 20m\n\
         producer remove p\n\
         wait 29d --fast\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $COUNT == 6\n\
         wait 2d --fast\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $COUNT == 4\n"
    ));
    assert!(failed.is_empty(), "{failed:?}");
    let snapshot = snapshot(&world);
    assert_tiled(&snapshot["streams"]["s"]);
}
