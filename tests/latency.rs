//! Delivery latency, put to delivery, as a learner reads it in the snapshot: a consumer that
//! polls every second waits half a second on average, five consumers sharing a shard's five
//! reads a second wait longer than one alone, and a KCL application's tail (p99) is never
//! below its mean. AWS documents the averages this models (modern-kinesis.md, section 2):
//! about 200 ms with one polling consumer, about 1,000 ms with five.
#![cfg(not(target_arch = "wasm32"))]

use shardlab::kcl::{InitialPosition, KclConfig, Retrieval};
use shardlab::script::Entry;
use shardlab::sim::{ConsumerConfig, ProducerConfig, StartPosition, World};

mod common;
use common::world::create_stream;

const SHARD: &str = "shardId-000000000000";

/// A one-shard stream with a quiet producer (20 records a second, far below the limits).
fn quiet_stream(seed: u64) -> World {
    let mut world = World::new(seed);
    create_stream(&mut world, "s", 1);
    world
        .add_producer("p", ProducerConfig::new("s", 20.0))
        .unwrap();
    world
}

fn polling(idle_ms: u64) -> ConsumerConfig {
    ConsumerConfig {
        idle_ms,
        ..ConsumerConfig::new("s", SHARD, StartPosition::Latest)
    }
}

fn consumer_latency(world: &World, name: &str) -> (f64, u64) {
    let snapshot = world.snapshot();
    let c = &snapshot.consumers[name];
    (
        c.delivery_latency_ms_mean.expect("a mean after deliveries"),
        c.delivery_latency_ms_p99.expect("a p99 after deliveries"),
    )
}

#[test]
fn a_consumer_polling_a_quiet_shard_every_second_waits_half_a_second_on_average() {
    let idle_ms = 1_000;
    let mut world = quiet_stream(7);
    world.add_consumer("c", polling(idle_ms)).unwrap();
    // Before its first record a reader has no latency: null, not a flattering 0.
    let before = serde_json::to_value(world.snapshot()).unwrap();
    assert!(before["consumers"]["c"]["delivery_latency_ms_mean"].is_null());
    assert!(before["consumers"]["c"]["delivery_latency_ms_p99"].is_null());

    world.advance_by(120_000);
    let snapshot = world.snapshot();
    let c = &snapshot.consumers["c"];
    assert!(c.records > 2_000, "{}", c.records);
    assert_eq!(c.read_throttles, 0);
    let (mean, p99) = consumer_latency(&world, "c");
    // Records arrive evenly between polls, so each waits on average half the poll interval
    // (a poll wanders by up to a tenth of it; GetRecords returns at once on a quiet shard).
    let half = idle_ms as f64 / 2.0;
    assert!(
        (half - idle_ms as f64 / 10.0..=half + idle_ms as f64 / 10.0).contains(&mean),
        "mean {mean} ms for a poll every {idle_ms} ms"
    );
    // No record waits longer than the longest gap between two polls (idle + a twentieth).
    assert!(p99 as f64 > mean, "p99 {p99} vs mean {mean}");
    assert!(
        p99 as f64 <= (idle_ms + idle_ms / 20) as f64 * 1.01,
        "p99 {p99} ms"
    );
}

#[test]
fn five_consumers_sharing_a_shard_wait_longer_than_one_alone() {
    let mut alone = quiet_stream(11);
    alone
        .add_consumer(
            "c1",
            polling(ConsumerConfig::new("s", SHARD, StartPosition::Latest).idle_ms),
        )
        .unwrap();
    alone.advance_by(60_000);
    let (one_mean, _) = consumer_latency(&alone, "c1");

    let mut shared = quiet_stream(11);
    for n in 1..=5 {
        shared
            .add_consumer(
                &format!("c{n}"),
                ConsumerConfig::new("s", SHARD, StartPosition::Latest),
            )
            .unwrap();
    }
    shared.advance_by(60_000);
    let snapshot = shared.snapshot();
    // Five consumers polling every 200 ms ask for 25 reads a second of a shard's 5: most
    // calls are throttled, and a record waits for its reader's next call that gets through.
    let throttles: u64 = snapshot.consumers.values().map(|c| c.read_throttles).sum();
    assert!(throttles > 1_000, "{throttles}");
    let means: Vec<f64> = (1..=5)
        .map(|n| consumer_latency(&shared, &format!("c{n}")).0)
        .collect();
    let shared_mean = means.iter().sum::<f64>() / means.len() as f64;
    assert!(
        shared_mean > 2.0 * one_mean,
        "five share: {means:?} (mean {shared_mean} ms); one alone: {one_mean} ms"
    );
    // One alone polls every 200 ms: about 100 ms on average, well under AWS's 200 ms.
    assert!(one_mean < 200.0, "{one_mean}");
}

#[test]
fn a_kcl_applications_p99_is_at_least_its_mean() {
    let mut world = quiet_stream(5);
    // Polling: its latency follows the idle time between reads. From LATEST, so no record
    // waits for the leases (a new application's workers wait 1 to 30 s on an empty table).
    let config = KclConfig {
        initial_position: InitialPosition::Latest,
        retrieval: Retrieval::Polling,
        ..KclConfig::new("s")
    };
    let idle = config.idle_time_between_reads_in_millis;
    world.add_kcl_app("app", config, 2).unwrap();
    let before = serde_json::to_value(world.snapshot()).unwrap();
    assert!(before["apps"]["app"]["delivery_latency_ms_mean"].is_null());
    world.advance_by(120_000);
    let snapshot = world.snapshot();
    let app = &snapshot.apps["app"];
    assert!(app.processed > 1_000, "{}", app.processed);
    let mean = app.delivery_latency_ms_mean.unwrap();
    let p99 = app.delivery_latency_ms_p99.unwrap();
    assert!(p99 as f64 >= mean, "p99 {p99} ms, mean {mean} ms");
    // The KCL reads a shard every idleTimeBetweenReadsInMillis: about half of it on average.
    assert!(
        mean > idle as f64 / 4.0 && mean < idle as f64,
        "mean {mean} ms with a read every {idle} ms"
    );
}

#[test]
fn a_script_checks_delivery_latency_in_the_snapshot() {
    let script = "\
aws kinesis create-stream --stream-name s --shard-count 1
aws kinesis wait stream-exists --stream-name s
consumer add c --stream s --shard-id shardId-000000000000 --shard-iterator-type LATEST --idle 1s
kcl app add app --stream s --workers 1 --initial-position LATEST
expect $(sim describe --query consumers.c.delivery_latency_ms_mean) < 1000
producer add p --stream s --rate 20
wait 1m
expect $(sim describe --query consumers.c.delivery_latency_ms_mean) > 300
expect $(sim describe --query consumers.c.delivery_latency_ms_mean) < 700
expect $(sim describe --query consumers.c.delivery_latency_ms_p99) <= 1100
expect $(sim describe --query apps.app.delivery_latency_ms_mean) > 0
expect $(sim describe --query apps.app.delivery_latency_ms_p99) >= $(sim describe --query apps.app.delivery_latency_ms_mean)
";
    let (_, runner, entries) = shardlab::script::run_script(script).unwrap();
    let results: Vec<bool> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Expect { passed, .. } => Some(*passed),
            _ => None,
        })
        .collect();
    // Before any record, the latency is null, and null is not below 1000: that check fails
    // rather than passing on a reader that has read nothing.
    assert_eq!(
        results,
        [false, true, true, true, true, true],
        "{entries:?}"
    );
    assert_eq!(runner.expects_passed, 5);
}
