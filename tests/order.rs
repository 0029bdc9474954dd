//! Order violations, as the ordering lesson shows them: records of one partition key that a
//! consumer or a KCL application gets in another order than their producer first sent them.
//!
//! Three causes a learner meets, each checked where it happens and where it does not:
//! PutRecords entries refused and resent behind later ones; a single PutRecord producer that
//! never retries (nothing to reorder, throttled or not); and a reader that starts a merged
//! child as soon as one of its parents ends, while the KCL waits for both.

mod common;

use serde_json::json;
use shardlab::kcl::{InitialPosition, KclConfig};
use shardlab::sim::{
    Batching, ConsumerConfig, KeyDistribution, ProducerConfig, RetryPolicy, StartPosition, World,
};

use common::world::create_stream;
use shardlab::script::Entry;

fn violations(world: &World) -> (u64, u64) {
    let snapshot = world.snapshot();
    (
        snapshot.consumers["reader"].order_violations,
        snapshot.apps["app"].order_violations,
    )
}

/// A consumer polling once a second and a KCL application, both from TRIM_HORIZON (together
/// 1.7 GetRecords calls a second: neither throttles the other).
fn add_readers(world: &mut World, stream: &str, shard: &str) {
    world
        .add_consumer(
            "reader",
            ConsumerConfig {
                idle_ms: 1_000,
                ..ConsumerConfig::new(stream, shard, StartPosition::TrimHorizon)
            },
        )
        .unwrap();
    let app = KclConfig {
        initial_position: InitialPosition::TrimHorizon,
        ..KclConfig::new(stream)
    };
    world.add_kcl_app("app", app, 1).unwrap();
}

#[test]
fn put_records_retries_on_a_throttled_shard_deliver_a_keys_records_out_of_order() {
    let mut world = World::new(17);
    create_stream(&mut world, "s", 1);
    add_readers(&mut world, "s", "shardId-000000000000");
    // 1,500 records a second of five keys into a shard that takes 1,000: every batch has
    // refused entries, resent after a backoff, behind newer records of the same keys.
    let producer = ProducerConfig {
        keys: KeyDistribution::Uniform(5),
        batching: Batching::PutRecords {
            batch_size: 500,
            linger_ms: 100,
        },
        retry: RetryPolicy::Backoff {
            base_ms: 100,
            max_ms: 2_000,
            max_attempts: 30,
        },
        ..ProducerConfig::new("s", 1_500.0)
    };
    world.add_producer("batches", producer.clone()).unwrap();
    world.advance_by(20_000);
    let stopped = ProducerConfig {
        rate: 0.0,
        ..producer
    };
    world.set_producer("batches", stopped).unwrap();
    world.advance_by(30_000);
    let snapshot = world.snapshot();
    let sent = &snapshot.producers["batches"];
    assert!(
        sent.throttled > 1_000,
        "the shard refused entries: {sent:?}"
    );
    let (consumer, app) = violations(&world);
    assert!(
        consumer > 100,
        "the consumer got resent records late: {consumer}"
    );
    assert!(app > 100, "so did the KCL application: {app}");
    // Only a record that was resent can come after a newer one of its key.
    assert!(consumer <= sent.retried && app <= sent.retried);
    // Both read the same shard in the same order: the same records are late for both.
    assert_eq!(consumer, app);
}

#[test]
fn a_put_record_producer_that_never_retries_delivers_every_key_in_order() {
    let mut world = World::new(17);
    create_stream(&mut world, "s", 1);
    add_readers(&mut world, "s", "shardId-000000000000");
    // Over the limit too: the refused records are dropped, never resent, so nothing comes
    // late.
    let producer = ProducerConfig {
        keys: KeyDistribution::Uniform(5),
        retry: RetryPolicy::None,
        ..ProducerConfig::new("s", 1_500.0)
    };
    world.add_producer("single", producer).unwrap();
    world.advance_by(30_000);
    let snapshot = world.snapshot();
    assert!(snapshot.producers["single"].failed > 1_000);
    assert!(snapshot.consumers["reader"].records > 10_000);
    assert!(snapshot.apps["app"].processed > 10_000);
    assert_eq!(violations(&world), (0, 0));
}

#[test]
fn reading_a_merged_child_before_both_parents_end_delivers_newer_records_first() {
    let mut world = World::new(17);
    create_stream(&mut world, "s", 1);
    // A quiet producer in the lower half of the hash key space, a busy one in the upper
    // half, three keys each.
    for (name, rate, hash_key) in [("quiet", 20.0, 1u128), ("busy", 400.0, (1 << 127) + 1)] {
        let producer = ProducerConfig {
            keys: KeyDistribution::Uniform(3),
            explicit_hash_key: Some(hash_key),
            ..ProducerConfig::new("s", rate)
        };
        world.add_producer(name, producer).unwrap();
    }
    // The consumer takes at most 20 records a call, five calls a second: it falls behind on
    // the busy half. The KCL application keeps up, and waits for parents.
    world
        .add_consumer(
            "reader",
            ConsumerConfig {
                limit: 20,
                ..ConsumerConfig::new("s", "shardId-000000000000", StartPosition::TrimHorizon)
            },
        )
        .unwrap();
    let app = KclConfig {
        initial_position: InitialPosition::TrimHorizon,
        ..KclConfig::new("s")
    };
    world.add_kcl_app("app", app, 2).unwrap();
    world.advance_by(10_000);
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000",
                "NewStartingHashKey": (1u128 << 127).to_string()}),
        )
        .unwrap();
    world.advance_by(10_000);
    world
        .call(
            "MergeShards",
            &json!({"StreamName": "s", "ShardToMerge": "shardId-000000000001",
                "AdjacentShardToMerge": "shardId-000000000002"}),
        )
        .unwrap();
    world.advance_by(10_000);
    assert_eq!(violations(&world), (0, 0), "nothing read out of order yet");
    world.advance_by(150_000);
    let snapshot = world.snapshot();
    let reader = &snapshot.consumers["reader"];
    // It ended the quiet parent, started the merged child (shard 3) while the busy parent
    // (shard 2) still had a backlog, and got the busy keys' newer records first.
    assert!(reader.shards.contains(&"shardId-000000000003".to_string()));
    assert!(
        reader.order_violations > 100,
        "the busy parent's backlog came after the child: {reader:?}"
    );
    // The KCL waits for both parents' SHARD_END before the child: everything in order.
    let app = &snapshot.apps["app"];
    assert!(app.processed > 30_000, "{}", app.processed);
    assert_eq!(app.order_violations, 0);
}

#[test]
fn a_script_waits_for_and_checks_the_counts_in_the_snapshot() {
    let script = "\
aws kinesis create-stream --stream-name s --shard-count 1
aws kinesis wait stream-exists --stream-name s
consumer add c --stream s --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --idle 1s
kcl app add app --stream s --workers 1 --initial-position TRIM_HORIZON --version 2
producer add p --stream s --rate 1500 --keys uniform:5 --batch 500 --linger 100ms --retry backoff --attempts 30
wait until $(sim describe --query consumers.c.order_violations) > 0 --timeout 1m
expect $? == 0
wait 30s
expect $(sim describe --query apps.app.order_violations) > 0
expect $(sim describe --query consumers.c.order_violations) > 100
";
    let (_, runner, entries) = shardlab::script::run_script(script).unwrap();
    let failures: Vec<&Entry> = entries
        .iter()
        .filter(|e| matches!(e, Entry::Expect { passed: false, .. }))
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(runner.expects_passed, 3);
}
