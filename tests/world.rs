//! The simulated world: determinism, hot keys, retries, read throttling, resharding under
//! consumers, the event log and memory.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use shardlab::engine::metrics::Metric;
use shardlab::engine::{hash_key_of, HashKeyRange};
use shardlab::sim::{
    Batching, ConsumerConfig, EventKind, KeyDistribution, ProducerConfig, RetryPolicy, SizeSpec,
    StartPosition, World,
};

mod common;
use common::kinesis::bytes_of;
use common::world::create_stream;

fn hot(rate: f64, key: &str) -> ProducerConfig {
    ProducerConfig {
        keys: KeyDistribution::Hot {
            key: key.into(),
            fraction: 1.0,
            n: 0,
        },
        retry: RetryPolicy::None,
        ..ProducerConfig::new("Foo", rate)
    }
}

fn totals(world: &World, stream: &str, shard: usize, metric: Metric) -> u64 {
    world.kinesis().stream(stream).unwrap().shards[shard]
        .metrics
        .totals()[metric as usize]
}

/// A busy scenario: three producers (one hot, one Zipf with retries, one batched), two
/// consumers, a split part way through.
fn busy_world(seed: u64) -> World {
    let mut world = World::new(seed);
    create_stream(&mut world, "Foo", 4);
    world.add_producer("hot", hot(1_300.0, "user-42")).unwrap();
    world
        .add_producer(
            "zipf",
            ProducerConfig {
                keys: KeyDistribution::Zipf { s: 1.2, n: 5_000 },
                size: SizeSpec::Range(50, 400),
                retry: RetryPolicy::SDK,
                ..ProducerConfig::new("Foo", 600.0)
            },
        )
        .unwrap();
    world
        .add_producer(
            "batched",
            ProducerConfig {
                keys: KeyDistribution::Random,
                batching: Batching::PutRecords {
                    batch_size: 500,
                    linger_ms: 250,
                },
                ..ProducerConfig::new("Foo", 400.0)
            },
        )
        .unwrap();
    world
        .add_consumer(
            "reader",
            ConsumerConfig::new("Foo", "shardId-000000000001", StartPosition::TrimHorizon),
        )
        .unwrap();
    world
        .add_consumer(
            "tail",
            ConsumerConfig::new("Foo", "shardId-000000000002", StartPosition::Latest),
        )
        .unwrap();
    world.advance_by(20_000);
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "Foo", "ShardToSplit": "shardId-000000000001",
                    "NewStartingHashKey": "127605887595351923798765477786913079296"}),
        )
        .unwrap();
    world.advance_by(40_000);
    world
}

#[test]
fn the_same_seed_gives_the_same_run_and_another_seed_a_different_one() {
    let a = busy_world(7);
    let b = busy_world(7);
    let c = busy_world(8);
    let snapshot = |w: &World| serde_json::to_value(w.snapshot()).unwrap();
    assert_eq!(snapshot(&a), snapshot(&b));
    assert_eq!(a.events_since(0), b.events_since(0), "identical event logs");
    assert_ne!(snapshot(&a), snapshot(&c));
    // And the run did what it says: records flowed, some were throttled, the split happened.
    let s = snapshot(&a);
    assert!(s["producers"]["hot"]["throttled"].as_u64().unwrap() > 0);
    assert_eq!(s["streams"]["Foo"]["open_shard_count"], 5);
    assert!(s["consumers"]["reader"]["records"].as_u64().unwrap() > 10_000);
    assert!(
        s["consumers"]["reader"]["shards"].as_array().unwrap().len() >= 2,
        "followed ChildShards"
    );
}

#[test]
fn a_hot_key_throttles_exactly_its_own_shard() {
    let mut world = World::new(1);
    create_stream(&mut world, "Foo", 4);
    // user-42 hashes into shardId-000000000001 (reference section 3).
    world.add_producer("hot", hot(1_500.0, "user-42")).unwrap();
    world
        .add_producer("background", ProducerConfig::new("Foo", 200.0))
        .unwrap();
    world.advance_by(2_000); // let the one-second burst allowance drain
    let before: Vec<u64> = (0..4)
        .map(|s| totals(&world, "Foo", s, Metric::WriteProvisionedThroughputExceeded))
        .collect();
    world.advance_by(20_000);
    let throttled_per_sec: Vec<f64> = (0..4)
        .map(|s| {
            (totals(&world, "Foo", s, Metric::WriteProvisionedThroughputExceeded) - before[s])
                as f64
                / 20.0
        })
        .collect();
    // 1,500 + about 50 background records/s against 1,000: about 550 refused each second.
    assert!(
        (480.0..=620.0).contains(&throttled_per_sec[1]),
        "{throttled_per_sec:?}"
    );
    for shard in [0, 2, 3] {
        assert_eq!(throttled_per_sec[shard], 0.0, "shard {shard} stays clean");
        assert!(totals(&world, "Foo", shard, Metric::IncomingRecords) > 0);
    }
    let hot = world.producer("hot").unwrap().counters;
    assert_eq!(
        hot.failed, hot.throttled,
        "no retries: every refusal is a lost record"
    );
}

#[test]
fn retries_with_backoff_recover_once_the_rate_falls_below_the_limit() {
    let mut world = World::new(3);
    create_stream(&mut world, "Foo", 4);
    let retrying = ProducerConfig {
        retry: RetryPolicy::Backoff {
            base_ms: 100,
            max_ms: 2_000,
            max_attempts: 30,
        },
        ..hot(1_500.0, "user-42")
    };
    world.add_producer("hot", retrying.clone()).unwrap();
    world.advance_by(5_000);
    let during = world.producer("hot").unwrap().counters;
    assert!(during.throttled > 1_000, "{during:?}");
    assert!(!world.producer("hot").unwrap().retries.is_empty());
    world
        .set_producer(
            "hot",
            ProducerConfig {
                rate: 300.0,
                ..retrying
            },
        )
        .unwrap();
    world.advance_by(60_000);
    let after = world.producer("hot").unwrap().counters;
    assert_eq!(after.failed, 0, "{after:?}");
    assert_eq!(
        after.succeeded, after.sent,
        "every record got through in the end"
    );
    assert!(after.retried >= during.throttled);
    assert!(world.producer("hot").unwrap().retries.is_empty());
    assert!(
        after.latency_max_ms > 1_000,
        "retried records waited: {after:?}"
    );
}

fn readers(count: usize) -> World {
    let mut world = World::new(5);
    create_stream(&mut world, "Foo", 1);
    world
        .add_producer("p", ProducerConfig::new("Foo", 100.0))
        .unwrap();
    for i in 0..count {
        world
            .add_consumer(
                &format!("c{i}"),
                ConsumerConfig::new("Foo", "shardId-000000000000", StartPosition::TrimHorizon),
            )
            .unwrap();
    }
    world.advance_by(30_000);
    world
}

#[test]
fn five_consumers_on_one_shard_hit_the_shared_read_limit_and_one_does_not() {
    let one = readers(1);
    let alone = one.consumer("c0").unwrap().counters;
    assert_eq!(alone.read_throttles, 0, "{alone:?}");
    assert!(alone.records >= 2_900, "{alone:?}");

    let five = readers(5);
    let mut calls = 0;
    for i in 0..5 {
        let counters = five.consumer(&format!("c{i}")).unwrap().counters;
        assert!(counters.read_throttles > 0, "c{i}: {counters:?}");
        calls += counters.calls - counters.read_throttles;
    }
    // Together they got about five successful reads a second, not twenty-five.
    assert!(
        (140..=160).contains(&calls),
        "{calls} successful reads in 30 s"
    );
    assert!(totals(&five, "Foo", 0, Metric::ReadProvisionedThroughputExceeded) > 0);
}

#[test]
fn a_consumer_follows_child_shards_and_reads_every_record_once() {
    let mut world = World::new(9);
    create_stream(&mut world, "Foo", 1);
    world
        .add_producer("p", ProducerConfig::new("Foo", 500.0))
        .unwrap();
    world
        .add_consumer(
            "c",
            ConsumerConfig::new("Foo", "shardId-000000000000", StartPosition::TrimHorizon),
        )
        .unwrap();
    world.advance_by(10_000);
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "Foo", "ShardToSplit": "shardId-000000000000",
            "NewStartingHashKey": (1u128 << 127).to_string()}),
        )
        .unwrap();
    world.advance_by(10_000);
    world
        .call(
            "MergeShards",
            &json!({"StreamName": "Foo", "ShardToMerge": "shardId-000000000001",
            "AdjacentShardToMerge": "shardId-000000000002"}),
        )
        .unwrap();
    world.advance_by(10_000);
    world.pause_producer("p", None).unwrap();
    world.advance_by(10_000);
    let produced = world.producer("p").unwrap().counters.succeeded;
    let consumer = world.consumer("c").unwrap();
    assert_eq!(consumer.counters.records, produced, "every record, once");
    assert_eq!(
        consumer.shard_indices(),
        vec![3],
        "now reading the merge child"
    );
    let ended = world
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ShardEnded { .. }))
        .count();
    assert_eq!(ended, 3, "shards 0, 1 and 2 were read to their ends");
}

#[test]
fn producer_records_read_back_through_the_api_with_keys_of_their_shard() {
    let mut world = World::new(11);
    create_stream(&mut world, "Foo", 4);
    world
        .add_producer(
            "zipf",
            ProducerConfig {
                keys: KeyDistribution::Zipf { s: 1.0, n: 300 },
                size: SizeSpec::Range(60, 90),
                ..ProducerConfig::new("Foo", 800.0)
            },
        )
        .unwrap();
    world.advance_by(5_000);
    let ranges = HashKeyRange::even_split(4);
    for (index, range) in ranges.iter().enumerate() {
        let it = world
            .call("GetShardIterator", &json!({"StreamName": "Foo", "ShardId": format!("shardId-{index:012}"), "ShardIteratorType": "TRIM_HORIZON"}))
            .unwrap();
        let page = world
            .call(
                "GetRecords",
                &json!({"ShardIterator": it["ShardIterator"], "Limit": 200}),
            )
            .unwrap();
        let records = page["Records"].as_array().unwrap();
        assert!(!records.is_empty());
        let mut previous = String::new();
        for record in records {
            let key = record["PartitionKey"].as_str().unwrap();
            assert!(
                range.contains(hash_key_of(key)),
                "{key} is in shard {index}"
            );
            let data = bytes_of(record);
            assert!((60..=90).contains(&data.len()));
            let text = String::from_utf8(data).unwrap();
            assert!(text.starts_with("{\"producer\":\"zipf\""), "{text}");
            let sequence = record["SequenceNumber"].as_str().unwrap().to_string();
            assert!(sequence > previous);
            previous = sequence;
        }
    }
    // The same read twice gives the same records: they are regenerated identically.
    let it = world
        .call("GetShardIterator", &json!({"StreamName": "Foo", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}))
        .unwrap();
    world.advance_by(1_000);
    let first = world
        .call("GetRecords", &json!({"ShardIterator": it["ShardIterator"]}))
        .unwrap();
    world.advance_by(1_000);
    let second = world
        .call("GetRecords", &json!({"ShardIterator": it["ShardIterator"]}))
        .unwrap();
    // The second read also sees what arrived in between; the records both saw are identical.
    let (a, b) = (
        first["Records"].as_array().unwrap(),
        second["Records"].as_array().unwrap(),
    );
    assert!(b.len() > a.len());
    for (x, y) in a.iter().zip(b) {
        for field in [
            "SequenceNumber",
            "PartitionKey",
            "Data",
            "ApproximateArrivalTimestamp",
        ] {
            assert_eq!(x[field], y[field], "{field} differs");
        }
    }
}

#[test]
fn paused_producers_send_nothing_and_resume() {
    let mut world = World::new(2);
    create_stream(&mut world, "Foo", 2);
    world
        .add_producer("p", ProducerConfig::new("Foo", 100.0))
        .unwrap();
    world.advance_by(3_000);
    world.pause_producer("p", Some(5_000)).unwrap();
    let at_pause = world.producer("p").unwrap().counters.sent;
    world.advance_by(4_900);
    assert_eq!(world.producer("p").unwrap().counters.sent, at_pause);
    world.advance_by(5_100);
    assert!(world.producer("p").unwrap().counters.sent >= at_pause + 490);
}

#[test]
fn the_event_log_tells_what_happened_and_stays_bounded() {
    let mut world = busy_world(4);
    let events = world.events_since(0);
    let kinds = |f: fn(&EventKind) -> bool| events.events.iter().filter(|e| f(&e.kind)).count();
    assert!(kinds(|k| matches!(k, EventKind::RecordsPut { .. })) > 100);
    assert!(kinds(|k| matches!(k, EventKind::RecordsThrottled { .. })) > 10);
    assert!(
        kinds(|k| matches!(k, EventKind::Service { .. })) > 0,
        "the split is logged"
    );
    assert!(world.log().len() <= shardlab::sim::world::EVENT_LOG_CAPACITY);
    let cursor = events.next;
    world.advance_by(1_000);
    let later = world.events_since(cursor);
    assert!(later
        .events
        .iter()
        .all(|e| e.seq >= cursor && e.at_ms > world.now_ms() - 1_001));
    let json: Value = serde_json::to_value(&later.events[0]).unwrap();
    assert!(json.get("kind").is_some() && json.get("at_ms").is_some());
}

#[test]
fn producer_series_and_shard_metrics_agree_per_second() {
    let mut world = World::new(6);
    create_stream(&mut world, "Foo", 1);
    world
        .add_producer("p", ProducerConfig::new("Foo", 250.0))
        .unwrap();
    world.advance_by(10_000);
    let second = world.now_ms() / 1000 - 2;
    let producer = world.producer("p").unwrap();
    assert_eq!(
        producer.series.in_second(1, second),
        250,
        "succeeded per second"
    );
    let shard = &world.kinesis().stream("Foo").unwrap().shards[0];
    assert_eq!(
        shard.metrics.in_second(Metric::IncomingRecords, second),
        250
    );
}

#[test]
fn steady_traffic_is_stored_as_a_few_runs_not_record_by_record() {
    let mut world = World::new(12);
    create_stream(&mut world, "Foo", 16);
    world
        .add_producer("a", ProducerConfig::new("Foo", 2_000.0))
        .unwrap();
    world
        .add_producer(
            "b",
            ProducerConfig {
                keys: KeyDistribution::Zipf { s: 0.8, n: 20_000 },
                ..ProducerConfig::new("Foo", 1_000.0)
            },
        )
        .unwrap();
    world.advance_by(10 * 60_000);
    let stream = world.kinesis().stream("Foo").unwrap();
    let records: usize = stream.shards.iter().map(|s| s.records.len()).sum();
    let chunks: usize = stream.shards.iter().map(|s| s.records.chunk_count()).sum();
    let succeeded: u64 = world.producers().map(|p| p.counters.succeeded).sum();
    assert_eq!(records as u64, succeeded, "every record kept");
    // The allocators deliver the configured rate, give or take the fraction of a record
    // each (producer, shard) accumulator still holds.
    assert!(3_000 * 600 - succeeded < 2 * 16, "{succeeded}");
    assert!(chunks <= 16 * 4, "{chunks} chunks for {records} records");
}

#[test]
fn a_producer_on_a_missing_stream_fails_its_records_and_says_why_once() {
    let mut world = World::new(13);
    world
        .add_producer("p", ProducerConfig::new("Nowhere", 100.0))
        .unwrap();
    world.advance_by(3_000);
    let counters = world.producer("p").unwrap().counters;
    assert!(counters.failed >= 290, "{counters:?}");
    let failures = world
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::RecordsFailed { .. }))
        .count();
    assert_eq!(failures, 1);
    assert!(
        world
            .add_producer("p", ProducerConfig::new("Foo", 1.0))
            .is_err(),
        "names are unique"
    );
    assert!(world
        .add_producer("bad name", ProducerConfig::new("Foo", 1.0))
        .is_err());
    assert!(world
        .add_producer("q", ProducerConfig::new("Foo", -1.0))
        .is_err());
}

#[test]
fn the_shared_scenario_reaches_the_recorded_digest() {
    let world = common::determinism_world();
    assert_eq!(common::digest(&world), common::DETERMINISM_DIGEST);
}

#[test]
fn the_snapshot_shows_a_stream_s_fan_out_consumers_and_their_metrics() {
    let mut world = World::new(1);
    create_stream(&mut world, "Foo", 1);
    let snapshot = serde_json::to_value(world.snapshot()).unwrap();
    assert!(
        snapshot["streams"]["Foo"]
            .get("fan_out_consumers")
            .is_none(),
        "left out while there are none"
    );
    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/Foo";
    let consumer = world
        .call(
            "RegisterStreamConsumer",
            &json!({"StreamARN": arn, "ConsumerName": "app"}),
        )
        .unwrap()["Consumer"]["ConsumerARN"]
        .clone();
    for i in 0..3 {
        let body = json!({"StreamName": "Foo", "PartitionKey": format!("k{i}"), "Data": "aGk="});
        world.call("PutRecord", &body).unwrap();
    }
    world.advance_by(world.kinesis().config().consumer_create_duration_ms);
    let answer = world
        .call(
            "SubscribeToShard",
            &json!({"ConsumerARN": consumer, "ShardId": "shardId-000000000000",
                    "StartingPosition": {"Type": "TRIM_HORIZON"}}),
        )
        .unwrap();
    let records = &answer["EventStream"][0]["SubscribeToShardEvent"]["Records"];
    assert_eq!(records.as_array().unwrap().len(), 3);
    let snapshot = serde_json::to_value(world.snapshot()).unwrap();
    let app = &snapshot["streams"]["Foo"]["fan_out_consumers"]["app"];
    assert_eq!(app["ConsumerARN"], consumer);
    assert_eq!(app["ConsumerStatus"], "ACTIVE");
    assert_eq!(app["totals"]["SubscribeToShard.Success"], 1);
    assert_eq!(app["totals"]["SubscribeToShardEvent.Records"], 3);
}
