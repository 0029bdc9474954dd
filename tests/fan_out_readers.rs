//! Enhanced fan-out readers in the world, as a learner sees them in the snapshot: a consumer
//! added with `--efo` gets every record of a shard that five polling consumers fight over,
//! never throttled, sooner than they do, without changing their throttling; it keeps reading
//! across the five-minute subscription renewals and across a split; and a KCL application
//! reading with fan-out processes what a polling one does, through a registered stream
//! consumer that the bill charges for, and registers it again, processing nothing twice, when
//! it is deregistered behind its back.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::json;
use shardlab::engine::ConsumerStatus;
use shardlab::kcl::{InitialPosition, KclConfig, Retrieval};
use std::collections::BTreeSet;

use shardlab::script::Entry;
use shardlab::sim::{ConsumerConfig, ProducerConfig, StartPosition, World};

mod common;
use common::world::create_stream;

const SHARD: &str = "shardId-000000000000";

fn efo(stream: &str, shard: &str) -> ConsumerConfig {
    ConsumerConfig {
        efo: true,
        ..ConsumerConfig::new(stream, shard, StartPosition::TrimHorizon)
    }
}

/// Records put into stream `s`, all shards.
fn incoming(world: &World) -> u64 {
    world.snapshot().streams["s"]
        .shards
        .iter()
        .map(|s| s.totals["IncomingRecords"])
        .sum()
}

/// A one-shard stream, five consumers polling it every 200 ms (together 25 calls a second
/// against its 5), optionally an enhanced fan-out consumer `e`, and a producer; 60 s of it,
/// then the producer stops and the readers catch up.
fn crowded(seed: u64, with_efo: bool) -> World {
    let mut world = World::new(seed);
    create_stream(&mut world, "s", 1);
    for n in 1..=5 {
        world
            .add_consumer(
                &format!("c{n}"),
                ConsumerConfig::new("s", SHARD, StartPosition::TrimHorizon),
            )
            .unwrap();
    }
    if with_efo {
        world.add_consumer("e", efo("s", SHARD)).unwrap();
    }
    // The stream consumer is CREATING for a few seconds: the producer starts once it is ACTIVE.
    world.advance_by(10_000);
    world
        .add_producer("p", ProducerConfig::new("s", 50.0))
        .unwrap();
    world.advance_by(60_000);
    world.pause_producer("p", None).unwrap();
    world.advance_by(10_000);
    world
}

#[test]
fn an_efo_consumer_gets_every_record_unthrottled_and_sooner_than_five_pollers() {
    let world = crowded(7, true);
    let snapshot = world.snapshot();
    let e = &snapshot.consumers["e"];
    assert_eq!(e.retrieval, "fan-out");
    assert!(incoming(&world) > 2_500);
    assert_eq!(e.records, incoming(&world), "every record, once");
    assert_eq!(e.read_throttles, 0);
    assert_eq!(e.calls, 0, "no GetRecords calls");
    assert!(e.subscriptions >= 1);
    assert_eq!(e.order_violations, 0);
    let efo_mean = e.delivery_latency_ms_mean.unwrap();
    // About 70 ms, AWS's documented average.
    assert!(
        (70.0..120.0).contains(&efo_mean),
        "fan-out mean {efo_mean} ms"
    );
    for n in 1..=5 {
        let c = &snapshot.consumers[&format!("c{n}")];
        assert_eq!(c.retrieval, "polling");
        assert!(
            c.read_throttles > 0,
            "c{n} shares 5 calls a second with four others"
        );
        let mean = c.delivery_latency_ms_mean.unwrap();
        assert!(efo_mean < mean, "fan-out {efo_mean} ms vs c{n} {mean} ms");
    }
    // The stream shows its registered consumer, ACTIVE.
    let registered = &snapshot.streams["s"].fan_out_consumers["e"];
    assert_eq!(
        registered.totals["SubscribeToShardEvent.Records"],
        e.records
    );
}

#[test]
fn an_efo_consumer_does_not_change_the_pollers_throttling() {
    let with = crowded(11, true).snapshot();
    let without = crowded(11, false).snapshot();
    for n in 1..=5 {
        let name = format!("c{n}");
        assert_eq!(
            with.consumers[&name].read_throttles, without.consumers[&name].read_throttles,
            "{name}'s throttles"
        );
        assert_eq!(
            with.consumers[&name].records,
            without.consumers[&name].records
        );
    }
}

#[test]
fn an_efo_consumer_keeps_reading_across_subscription_renewals() {
    let mut world = World::new(3);
    create_stream(&mut world, "s", 1);
    world.add_consumer("e", efo("s", SHARD)).unwrap();
    world
        .add_producer("p", ProducerConfig::new("s", 20.0))
        .unwrap();
    world.advance_by(10_000);
    let mut last = world.consumer("e").unwrap().counters.records;
    assert!(last > 0);
    // Twelve minutes, second by second: not one second without records.
    for second in 0..720 {
        world.advance_by(1_000);
        let records = world.consumer("e").unwrap().counters.records;
        assert!(records > last, "no records in second {second}");
        last = records;
    }
    world.pause_producer("p", None).unwrap();
    world.advance_by(2_000);
    let snapshot = world.snapshot();
    let e = &snapshot.consumers["e"];
    assert_eq!(e.records, incoming(&world));
    // One subscription per five minutes: the first and two renewals at least.
    assert!(e.subscriptions >= 3, "{} subscriptions", e.subscriptions);
    assert!(e.delivery_latency_ms_p99.unwrap() < 200);
}

#[test]
fn an_efo_consumer_follows_a_split_to_the_children() {
    let mut world = World::new(5);
    create_stream(&mut world, "s", 1);
    world.add_consumer("e", efo("s", SHARD)).unwrap();
    world
        .add_producer("p", ProducerConfig::new("s", 40.0))
        .unwrap();
    world.advance_by(20_000);
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "s", "ShardToSplit": SHARD,
                    "NewStartingHashKey": "170141183460469231731687303715884105728"}),
        )
        .unwrap();
    world.advance_by(60_000);
    world.pause_producer("p", None).unwrap();
    world.advance_by(5_000);
    let snapshot = world.snapshot();
    let e = &snapshot.consumers["e"];
    assert_eq!(
        e.shards,
        ["shardId-000000000001", "shardId-000000000002"],
        "reads the children, not the closed parent"
    );
    assert_eq!(
        e.records,
        incoming(&world),
        "every record, parent and children"
    );
    assert_eq!(e.order_violations, 0);
    assert_eq!(e.read_throttles, 0);
}

#[test]
fn removing_an_efo_consumer_deregisters_it() {
    let mut world = World::new(1);
    create_stream(&mut world, "s", 1);
    world.add_consumer("e", efo("s", SHARD)).unwrap();
    let count = |world: &mut World| {
        world
            .call("DescribeStreamSummary", &json!({"StreamName": "s"}))
            .unwrap()["StreamDescriptionSummary"]["ConsumerCount"]
            .clone()
    };
    assert_eq!(count(&mut world), json!(1));
    world.advance_by(10_000);
    world.remove_consumer("e").unwrap();
    world.advance_by(60_000);
    assert_eq!(count(&mut world), json!(0));
}

/// The records (shard, sequence index) application `name` handed to processRecords.
fn processed(world: &World, name: &str) -> BTreeSet<(u32, u64)> {
    world
        .app(name)
        .unwrap()
        .trace
        .as_ref()
        .unwrap()
        .iter()
        .flat_map(|d| (d.first_seq_ix..=d.last_seq_ix).map(move |ix| (d.shard, ix)))
        .collect()
}

fn kcl(stream: &str, retrieval: Retrieval) -> KclConfig {
    KclConfig {
        retrieval,
        initial_position: InitialPosition::TrimHorizon,
        ..KclConfig::new(stream)
    }
}

#[test]
fn a_fan_out_kcl_application_processes_what_a_polling_one_does() {
    let mut world = World::new(9);
    world.trace_kcl();
    create_stream(&mut world, "s", 2);
    world
        .add_kcl_app("pushed", kcl("s", Retrieval::FanOut), 2)
        .unwrap();
    world
        .add_kcl_app("polled", kcl("s", Retrieval::Polling), 2)
        .unwrap();
    // Both have taken their leases, and the stream consumer is ACTIVE.
    world.advance_by(30_000);
    world
        .add_producer("p", ProducerConfig::new("s", 50.0))
        .unwrap();
    // Past a subscription renewal, with a split of shard 0 on the way.
    world.advance_by(120_000);
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "s", "ShardToSplit": SHARD,
                    "NewStartingHashKey": "85070591730234615865843651857942052864"}),
        )
        .unwrap();
    world.advance_by(300_000);
    world.pause_producer("p", None).unwrap();
    world.advance_by(30_000);
    let pushed = processed(&world, "pushed");
    assert_eq!(pushed.len() as u64, incoming(&world), "every record");
    assert_eq!(pushed, processed(&world, "polled"), "the same records");
    let snapshot = world.snapshot();
    let (a, b) = (&snapshot.apps["pushed"], &snapshot.apps["polled"]);
    assert_eq!((a.retrieval, b.retrieval), ("fan-out", "polling"));
    assert_eq!(a.order_violations, 0);
    // Pushed about 70 ms after the put, polled every 1.5 s; both wait for the parent's end
    // (up to 10 s) before reading the children.
    let (fast, slow) = (
        a.delivery_latency_ms_mean.unwrap(),
        b.delivery_latency_ms_mean.unwrap(),
    );
    assert!(2.0 * fast < slow, "fan-out {fast} ms, polling {slow} ms");
    // The children were processed too, after the parent's SHARD_END.
    assert!(pushed.iter().any(|(shard, _)| *shard == 3));
}

#[test]
fn fan_out_readers_added_by_script_register_consumers_and_are_billed() {
    let script = "\
aws kinesis create-stream --stream-name s --shard-count 1
aws kinesis wait stream-exists --stream-name s
kcl app add analytics --stream s --retrieval fan-out --initial-position TRIM_HORIZON
consumer add audit --stream s --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --efo
producer add p --stream s --rate 20
wait 2m
";
    let (mut world, _, out) = shardlab::script::run_script(script).unwrap();
    let failed: Vec<_> = out
        .iter()
        .filter(|e| matches!(e, Entry::Error { .. } | Entry::ScriptError { .. }))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    let summary = world
        .call("DescribeStreamSummary", &json!({"StreamName": "s"}))
        .unwrap();
    assert_eq!(
        summary["StreamDescriptionSummary"]["ConsumerCount"],
        json!(2)
    );
    let said = out.iter().any(|e| {
        matches!(e, Entry::Output { text } if text.contains(
            "consumer audit: reading shardId-000000000000 of s from TRIM_HORIZON with enhanced fan-out"
        ))
    });
    assert!(said, "{out:?}");
    let listed = world
        .call(
            "ListStreamConsumers",
            &json!({"StreamARN": summary["StreamDescriptionSummary"]["StreamARN"]}),
        )
        .unwrap();
    assert_eq!(listed["Consumers"][0]["ConsumerName"], json!("analytics"));
    assert_eq!(listed["Consumers"][0]["ConsumerStatus"], json!("ACTIVE"));
    let snapshot = world.snapshot();
    assert_eq!(snapshot.apps["analytics"].retrieval, "fan-out");
    assert_eq!(snapshot.consumers["audit"].retrieval, "fan-out");
    assert_eq!(
        snapshot.consumers["audit"].records,
        snapshot.apps["analytics"].processed
    );
    assert!(snapshot.apps["analytics"].processed > 2_000);
    let item = snapshot
        .cost
        .items
        .iter()
        .find(|i| i.name == "fan-out consumer-shard-hours")
        .expect("the bill charges the consumer per shard-hour");
    assert!(item.quantity > 0.0);
    // Without --retrieval the application reads with fan-out, as the KCL does; with
    // --retrieval polling it registers nothing.
    let (world, _, _) = shardlab::script::run_script(
        "aws kinesis create-stream --stream-name s --shard-count 1\nwait 1m\nkcl app add a --stream s\nkcl app add b --stream s --retrieval polling\nwait 10s\n",
    )
    .unwrap();
    assert_eq!(world.snapshot().apps["a"].retrieval, "fan-out");
    assert_eq!(world.snapshot().apps["b"].retrieval, "polling");
    let stream = world.kinesis().stream("s").unwrap();
    assert_eq!(stream.consumer_count(), 1);
    assert_eq!(stream.consumers()[0].name, "a");
}

#[test]
fn a_fan_out_application_survives_a_dead_worker_and_a_paused_one() {
    let mut world = World::new(4);
    world.trace_kcl();
    create_stream(&mut world, "s", 4);
    world
        .add_kcl_app("pushed", kcl("s", Retrieval::FanOut), 3)
        .unwrap();
    world.advance_by(30_000);
    world
        .add_producer("p", ProducerConfig::new("s", 40.0))
        .unwrap();
    world.advance_by(30_000);
    // A crash: its leases expire and move, and the new owners take the subscriptions over.
    world.kill_worker("pushed", "worker-1").unwrap();
    world.advance_by(30_000);
    // A long pause: the worker's leases are taken while it sleeps; it wakes a zombie.
    world.pause_worker("pushed", "worker-2", 40_000).unwrap();
    world.advance_by(120_000);
    world.pause_producer("p", None).unwrap();
    world.advance_by(30_000);
    assert_eq!(
        processed(&world, "pushed").len() as u64,
        incoming(&world),
        "every record processed, some perhaps twice"
    );
    let snapshot = world.snapshot();
    let app = &snapshot.apps["pushed"];
    assert!(
        app.duplicates > 0,
        "records after the dead worker's checkpoint, again"
    );
    assert_eq!(
        snapshot.streams["s"].fan_out_consumers["pushed"].consumer_status,
        ConsumerStatus::Active
    );
}

#[test]
fn a_fan_out_application_whose_consumer_is_deregistered_registers_again_without_duplicates() {
    let mut world = World::new(16);
    world.trace_kcl();
    create_stream(&mut world, "s", 1);
    // Checkpoints every 10 s: the records since the last one must not be processed again.
    let config = KclConfig {
        checkpoint: shardlab::kcl::CheckpointPolicy::Interval(10_000),
        ..kcl("s", Retrieval::FanOut)
    };
    world.add_kcl_app("pushed", config, 1).unwrap();
    world.advance_by(10_000);
    world
        .add_producer("p", ProducerConfig::new("s", 50.0))
        .unwrap();
    world.advance_by(15_000);
    let arn = world
        .kinesis()
        .stream("s")
        .unwrap()
        .consumer("pushed")
        .unwrap()
        .arn
        .clone();
    world
        .call("DeregisterStreamConsumer", &json!({"ConsumerARN": arn}))
        .unwrap();
    world.advance_by(60_000);
    world.pause_producer("p", None).unwrap();
    world.advance_by(10_000);
    let snapshot = world.snapshot();
    let app = &snapshot.apps["pushed"];
    assert_eq!(app.processed, incoming(&world), "every record, once");
    assert_eq!(
        app.duplicates, 0,
        "one worker, one holding: no record twice"
    );
    let registered = &snapshot.streams["s"].fan_out_consumers["pushed"];
    assert_eq!(registered.consumer_status, ConsumerStatus::Active);
    assert_ne!(registered.consumer_arn, arn, "a new registration");
    assert!(registered.totals["SubscribeToShardEvent.Records"] > 0);
}

#[test]
fn kcl_app_set_redeploys_an_application_with_another_retrieval() {
    let (world, _, entries) = shardlab::script::run_script(
        "aws kinesis create-stream --stream-name s --shard-count 2\n\
         wait 5s\n\
         producer add p --stream s --rate 200\n\
         kcl app add a --stream s --workers 2 --retrieval polling --initial-position TRIM_HORIZON --version 2\n\
         wait 40s\n\
         kcl app set a --retrieval fan-out\n\
         kcl app set a --retrieval fan-out\n\
         kcl app set nobody --retrieval polling\n\
         wait 40s\n",
    )
    .unwrap();
    let text: Vec<String> = entries.iter().map(|e| e.render()).collect();
    let text = text.join("\n");
    assert!(
        text.contains("KCL application a redeployed to read with enhanced fan-out: 2 worker(s) restarted from their checkpoints"),
        "{text}"
    );
    assert!(text.contains("a already reads with fan-out"), "{text}");
    let snapshot = world.snapshot();
    let app = &snapshot.apps["a"];
    assert_eq!(app.retrieval, "fan-out");
    // Its stream consumer is registered and delivers: every record put was processed.
    let stream = world.kinesis().stream("s").unwrap();
    assert_eq!(stream.consumer_count(), 1);
    assert_eq!(stream.consumers()[0].name, "a");
    let put = snapshot.producers["p"].succeeded;
    assert!(app.processed >= put, "{} of {put}", app.processed);
    // The restart reclaimed the workers' leases: they still hold one shard each.
    assert_eq!(
        app.workers.iter().filter(|w| w.leases.len() == 1).count(),
        2
    );
}
