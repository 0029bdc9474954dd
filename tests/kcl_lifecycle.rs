//! The KCL model's start-up and shutdown, as KCL 2.x has them: the wait on an empty lease
//! table, workers that start out of step, the shard consumer passing through SHUTTING_DOWN
//! (and SHUTDOWN_REQUESTED on a graceful shutdown) with the record processor's `leaseLost`,
//! `shardEnded` and `shutdownRequested` calls, and when a zombie's checkpoint fails.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::json;
use shardlab::kcl::{
    Checkpoint, CheckpointPolicy, ConsumerState, DuplicateReason, InitialPosition, KclConfig,
    KclEvent, ProcessorCall, ShutdownReason, WorkerAction,
};
use shardlab::sim::{ProducerConfig, World};

mod common;
use common::world::create_stream;

fn config() -> KclConfig {
    KclConfig {
        initial_position: InitialPosition::TrimHorizon,
        ..KclConfig::new("s")
    }
}

/// A traced world with stream `s` of `shards` shards and a producer of `rate` records/s.
fn world(seed: u64, shards: u32, rate: f64) -> World {
    let mut world = World::new(seed);
    world.trace_kcl();
    create_stream(&mut world, "s", shards);
    world
        .add_producer("p", ProducerConfig::new("s", rate))
        .unwrap();
    world
}

/// The KCL events about worker `id` since `from`, in order.
fn events_of(world: &World, id: &str, from: u64) -> Vec<(u64, KclEvent)> {
    world
        .kcl_trace()
        .iter()
        .filter(|(at, _)| *at >= from)
        .filter(|(_, e)| match e {
            KclEvent::ConsumerState { worker, .. }
            | KclEvent::ProcessorCalled { worker, .. }
            | KclEvent::Checkpointed { worker, .. }
            | KclEvent::CheckpointFailed { worker, .. }
            | KclEvent::Worker { worker, .. } => worker == id,
            _ => false,
        })
        .cloned()
        .collect()
}

/// The events as short words, for comparing sequences.
fn words(events: &[(u64, KclEvent)]) -> Vec<String> {
    events
        .iter()
        .map(|(_, e)| match e {
            KclEvent::ConsumerState { state, reason, .. } => match reason {
                Some(reason) => format!("{state} {reason}"),
                None => state.to_string(),
            },
            KclEvent::ProcessorCalled { call, .. } => call.to_string(),
            KclEvent::Checkpointed { checkpoint, .. } => match checkpoint {
                Checkpoint::ShardEnd => "checkpoint SHARD_END".into(),
                _ => "checkpoint".into(),
            },
            KclEvent::CheckpointFailed { .. } => "checkpoint failed".into(),
            KclEvent::Worker { action, .. } => format!("worker {action}"),
            _ => String::new(),
        })
        .collect()
}

#[test]
fn a_worker_on_an_empty_lease_table_waits_1_to_30_seconds_before_creating_the_leases() {
    let mut delays = Vec::new();
    for seed in 1..=6 {
        let mut world = world(seed, 2, 10.0);
        let added = world.now_ms();
        world.add_kcl_app("app", config(), 3).unwrap();
        world.advance_by(900);
        assert!(world.app("app").unwrap().table.is_empty(), "not at once");
        world.advance_by(40_000);
        let created: Vec<u64> = world
            .kcl_trace()
            .iter()
            .filter(|(_, e)| matches!(e, KclEvent::LeaseCreated { .. }))
            .map(|(at, _)| at - added)
            .collect();
        assert_eq!(created.len(), 2, "one lease per shard, created once");
        assert_eq!(created[0], created[1], "by one worker, in one shard sync");
        // Start-up (up to 5 s), then 1 to 30 s, looked at again every 3 s.
        assert!(
            (1_000..=38_000).contains(&created[0]),
            "created {} ms after start",
            created[0]
        );
        delays.push(created[0]);
    }
    delays.dedup();
    assert!(delays.len() > 3, "a random wait: {delays:?}");
}

#[test]
fn workers_added_together_renew_out_of_step() {
    let mut world = world(32, 3, 30.0);
    world.add_kcl_app("app", config(), 3).unwrap();
    world.advance_by(90_000);
    let period = world.app("app").unwrap().config.renewer_interval_ms();
    let mut phases: Vec<(String, u64)> = ["worker-1", "worker-2", "worker-3"]
        .iter()
        .filter_map(|id| {
            world.kcl_trace().iter().find_map(|(at, e)| match e {
                KclEvent::LeaseRenewed { worker, .. } if worker == id => {
                    Some((id.to_string(), at % period))
                }
                _ => None,
            })
        })
        .collect();
    assert_eq!(phases.len(), 3, "every worker renews a lease: {phases:?}");
    phases.sort_by_key(|(_, phase)| *phase);
    for pair in phases.windows(2) {
        assert!(
            pair[1].1 - pair[0].1 >= 100,
            "renewer phases within the 3,308 ms period differ: {phases:?}"
        );
    }
}

#[test]
fn a_graceful_shutdown_finishes_the_batch_checkpoints_in_shutdown_requested_and_ends_lease_lost() {
    let mut world = world(33, 1, 100.0);
    // An application that checkpoints only once an hour, and in shutdownRequested (one that
    // never checkpoints does not checkpoint there either).
    let hourly = KclConfig {
        processing_micros_per_record: 4_000,
        checkpoint: CheckpointPolicy::Interval(3_600_000),
        ..config()
    };
    world.add_kcl_app("app", hourly, 1).unwrap();
    world.advance_by(50_000);
    let lease = "shardId-000000000000";
    for _ in 0..1_000 {
        if world.app("app").unwrap().workers["worker-1"].consumers[lease].in_flight() {
            break;
        }
        world.advance_by(10);
    }
    let removed_at = world.now_ms();
    assert!(world.app("app").unwrap().workers["worker-1"].consumers[lease].in_flight());
    world.remove_worker("app", "worker-1").unwrap();
    let app = world.app("app").unwrap();
    let consumer = &app.workers["worker-1"].consumers[lease];
    assert_eq!(
        (consumer.state, consumer.reason),
        (
            ConsumerState::ShutdownRequested,
            Some(ShutdownReason::Requested)
        ),
        "the worker waits for its batch in flight"
    );
    for _ in 0..600 {
        if !world.app("app").unwrap().workers.contains_key("worker-1") {
            break;
        }
        world.advance_by(100);
    }
    assert!(!world.app("app").unwrap().workers.contains_key("worker-1"));
    let events = events_of(&world, "worker-1", removed_at);
    assert_eq!(
        words(&events),
        [
            "SHUTDOWN_REQUESTED REQUESTED",
            "shutdownRequested",
            "checkpoint",
            "SHUTTING_DOWN LEASE_LOST",
            "leaseLost",
            "SHUTDOWN_COMPLETE LEASE_LOST",
            "worker removed",
        ]
    );
    assert!(events[1].0 > removed_at, "after the batch, not at once");
    let app = world.app("app").unwrap();
    let row = app.table.get(lease).unwrap();
    assert_eq!(
        row.lease_owner.as_deref(),
        Some("worker-1"),
        "KCL 2.x does not release the lease"
    );
    let Checkpoint::Sequence { seq_ix, .. } = row.checkpoint else {
        panic!("checkpointed in shutdownRequested: {:?}", row.checkpoint)
    };
    assert_eq!(Some(seq_ix), app.processed_upto(0), "up to the last record");

    // So the next owner processes nothing twice, although the application does not
    // checkpoint otherwise within the hour.
    world.add_worker("app", Some("worker-2")).unwrap();
    world.advance_by(60_000);
    let app = world.app("app").unwrap();
    assert_eq!(
        app.table.get(lease).unwrap().lease_owner.as_deref(),
        Some("worker-2")
    );
    assert!(app.workers["worker-2"].processed > 0);
    assert_eq!(app.stats.total_duplicates(), 0);
}

/// A zombie: the owner of the only lease is paused mid-batch past the failover time.
fn zombie(seed: u64, checkpoint: CheckpointPolicy) -> (World, String, u64) {
    let mut world = world(seed, 1, 100.0);
    // From LATEST: no backlog, so each batch is about 1.5 s of records (1.2 s of work).
    let slow = KclConfig {
        processing_micros_per_record: 8_000,
        checkpoint,
        initial_position: InitialPosition::Latest,
        ..KclConfig::new("s")
    };
    world.add_kcl_app("app", slow, 2).unwrap();
    world.advance_by(50_000);
    let lease = "shardId-000000000000";
    let sleeper = world
        .app("app")
        .unwrap()
        .table
        .get(lease)
        .unwrap()
        .lease_owner
        .clone()
        .unwrap();
    for _ in 0..1_000 {
        if world.app("app").unwrap().workers[&sleeper].consumers[lease].in_flight() {
            break;
        }
        world.advance_by(10);
    }
    let paused_at = world.now_ms();
    world.pause_worker("app", &sleeper, 50_000).unwrap();
    world.advance_by(70_000);
    (world, sleeper, paused_at)
}

#[test]
fn a_zombie_that_checkpoints_fails_then_shuts_down_through_lease_lost() {
    let (world, sleeper, paused_at) = zombie(34, CheckpointPolicy::EachBatch);
    let events = words(&events_of(&world, &sleeper, paused_at));
    let tail: Vec<&str> = events
        .iter()
        .map(String::as_str)
        .filter(|w| !w.starts_with("worker"))
        .collect();
    assert_eq!(
        tail,
        [
            "checkpoint failed",
            "SHUTTING_DOWN LEASE_LOST",
            "leaseLost",
            "SHUTDOWN_COMPLETE LEASE_LOST",
        ]
    );
}

#[test]
fn a_zombie_that_does_not_checkpoint_then_gets_no_failed_checkpoint() {
    let (world, sleeper, paused_at) = zombie(35, CheckpointPolicy::Never);
    let app = world.app("app").unwrap();
    assert!(
        app.stats
            .duplicates
            .get(&DuplicateReason::ZombieOverlap)
            .is_some_and(|n| *n > 0),
        "the zombie finished its batch: {:?}",
        app.stats
    );
    let events = events_of(&world, &sleeper, paused_at);
    assert!(
        !events
            .iter()
            .any(|(_, e)| matches!(e, KclEvent::CheckpointFailed { .. })),
        "{:?}",
        words(&events)
    );
    assert!(events.iter().any(|(_, e)| matches!(
        e,
        KclEvent::ProcessorCalled {
            call: ProcessorCall::LeaseLost,
            ..
        }
    )));
}

#[test]
fn at_the_end_of_a_shard_the_kcl_calls_shard_ended_where_the_application_checkpoints() {
    let mut world = world(36, 1, 50.0);
    world.add_kcl_app("app", config(), 1).unwrap();
    world.advance_by(40_000);
    let split_at = world.now_ms();
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000",
            "NewStartingHashKey": (1u128 << 127).to_string()}),
        )
        .unwrap();
    world.advance_by(30_000);
    let parent: Vec<(u64, KclEvent)> = events_of(&world, "worker-1", split_at)
        .into_iter()
        .filter(|(_, e)| match e {
            KclEvent::ConsumerState { lease, .. }
            | KclEvent::ProcessorCalled { lease, .. }
            | KclEvent::Checkpointed { lease, .. } => lease == "shardId-000000000000",
            _ => false,
        })
        .collect();
    let words = words(&parent);
    let from = words
        .iter()
        .position(|w| w == "SHUTTING_DOWN SHARD_END")
        .expect("the parent's consumer reached SHUTTING_DOWN");
    assert_eq!(
        words[from..],
        [
            "SHUTTING_DOWN SHARD_END",
            "shardEnded",
            "checkpoint SHARD_END",
            "SHUTDOWN_COMPLETE SHARD_END",
        ]
    );
    assert!(!world.kcl_trace().iter().any(|(_, e)| matches!(
        e,
        KclEvent::Worker {
            action: WorkerAction::Removed,
            ..
        }
    )));
}
