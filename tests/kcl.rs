//! The KCL model, scenario by scenario, as the reference (`kcl-leases.md`) explains them:
//! failover after a crash, stealing when a worker joins, parents before children after a
//! split, a zombie after a long pause, and invariants under random faults.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use serde_json::json;
use shardlab::kcl::{
    Checkpoint, CheckpointPolicy, ConsumerState, DuplicateReason, InitialPosition, KclConfig,
    KclEvent, ShutdownReason, WorkerAction, WorkerState,
};
use shardlab::sim::{EventKind, ProducerConfig, World};

mod common;
use common::world::create_stream;

fn config() -> KclConfig {
    KclConfig {
        initial_position: InitialPosition::TrimHorizon,
        ..KclConfig::new("s")
    }
}

fn owner(world: &World, lease: &str) -> Option<String> {
    world.app("app")?.table.get(lease)?.lease_owner.clone()
}

fn counter(world: &World, lease: &str) -> u64 {
    world
        .app("app")
        .unwrap()
        .table
        .get(lease)
        .unwrap()
        .lease_counter
}

/// KCL events since the start, with their times.
fn kcl_events(world: &World) -> Vec<(u64, KclEvent)> {
    world
        .log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Kcl { event } => Some((e.at_ms, event.clone())),
            _ => None,
        })
        .collect()
}

fn count_leases(world: &World) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for lease in world.app("app").unwrap().table.rows() {
        if let Some(owner) = &lease.lease_owner {
            *counts.entry(owner.clone()).or_default() += 1;
        }
    }
    counts
}

#[test]
fn a_dead_workers_lease_freezes_then_moves_about_20_to_40_seconds_later_and_its_tail_is_reprocessed(
) {
    let mut world = World::new(21);
    create_stream(&mut world, "s", 3);
    world
        .add_producer("p", ProducerConfig::new("s", 300.0))
        .unwrap();
    let policy = KclConfig {
        checkpoint: CheckpointPolicy::EveryRecords(700),
        ..config()
    };
    world.add_kcl_app("app", policy, 3).unwrap();
    world.advance_by(90_000);
    assert_eq!(
        count_leases(&world).values().copied().collect::<Vec<_>>(),
        [1, 1, 1],
        "balanced one each"
    );

    let lease = "shardId-000000000000";
    let victim = owner(&world, lease).unwrap();
    let others: Vec<String> = ["shardId-000000000001", "shardId-000000000002"]
        .iter()
        .map(|l| l.to_string())
        .collect();
    // Crash it between batches, with records processed since its last checkpoint, so what
    // it processed is exactly known.
    for _ in 0..2_000 {
        let consumer = &world.app("app").unwrap().workers[&victim].consumers[lease];
        if !consumer.in_flight() && consumer.since_checkpoint > 0 {
            break;
        }
        world.advance_by(5);
    }
    let app = world.app("app").unwrap();
    let tail = app.workers[&victim].consumers[lease].since_checkpoint;
    assert!(tail > 0, "some records processed since the last checkpoint");
    let duplicates_before = app.stats.total_duplicates();
    let switches_before = app
        .table
        .get(lease)
        .unwrap()
        .owner_switches_since_checkpoint;

    let killed_at = world.now_ms();
    world.kill_worker("app", &victim).unwrap();
    let frozen = counter(&world, lease);
    let others_before: Vec<u64> = others.iter().map(|l| counter(&world, l)).collect();
    world.advance_by(15_000);
    assert_eq!(
        counter(&world, lease),
        frozen,
        "nobody renews the dead worker's lease"
    );
    for (l, before) in others.iter().zip(&others_before) {
        // Renewals every 3.3 s: four or five in 15 s (checkpoints add more).
        assert!(counter(&world, l) >= before + 4, "{l} keeps ticking");
    }
    // Watch the row at the moment it changes hands.
    while owner(&world, lease).as_deref() == Some(victim.as_str())
        && world.now_ms() < killed_at + 60_000
    {
        world.advance_by(100);
    }
    let row = world.app("app").unwrap().table.get(lease).unwrap().clone();
    assert_eq!(row.owner_switches_since_checkpoint, switches_before + 1);
    world.advance_by(60_000);

    let take = kcl_events(&world).into_iter().find(|(at, e)| {
        *at > killed_at && matches!(e, KclEvent::LeaseTaken { lease: l, .. } if l == lease)
    });
    let (
        taken_at,
        KclEvent::LeaseTaken {
            counter: taken_counter,
            from,
            worker,
            ..
        },
    ) = take.expect("a survivor took the lease")
    else {
        unreachable!()
    };
    // A survivor takes it at the first of its scans (every 20,050 ms, out of step with the
    // other workers') that comes more than 10 s after the scan that last saw the counter
    // move: 20 to 40 s after the crash, or from about 17 s when the crash came within one
    // renewal period (3.3 s) after that scan.
    let after = taken_at - killed_at;
    assert!(
        (16_700..=40_100).contains(&after),
        "taken {after} ms after the crash"
    );
    assert_eq!(taken_counter, frozen + 1);
    assert_eq!(from.as_deref(), Some(victim.as_str()));
    assert_ne!(worker, victim);
    // The taker that took it first reported it expired, once, at that same scan.
    let expired: Vec<(u64, String)> = kcl_events(&world)
        .into_iter()
        .filter_map(|(at, e)| match e {
            KclEvent::LeaseExpired {
                lease: l,
                owner,
                seen_by,
                ..
            } if l == lease && owner == victim => Some((at, seen_by)),
            _ => None,
        })
        .collect();
    assert!(
        expired.contains(&(taken_at, worker.clone())),
        "{expired:?} (taken at {taken_at} by {worker})"
    );
    assert!(
        expired.len() <= 2,
        "each survivor reports the expiry once: {expired:?}"
    );
    let app = world.app("app").unwrap();
    // The new owner resumed after the checkpoint: exactly the victim's uncheckpointed tail
    // was processed again.
    assert_eq!(app.stats.total_duplicates() - duplicates_before, tail);
    assert!(
        app.stats
            .duplicates
            .get(&DuplicateReason::Failover)
            .copied()
            .unwrap_or(0)
            >= tail
    );
    assert_eq!(
        world.app("app").unwrap().workers[&victim].state,
        WorkerState::Dead
    );
}

#[test]
fn the_owner_switch_is_counted_until_the_next_checkpoint() {
    let mut world = World::new(22);
    create_stream(&mut world, "s", 1);
    world
        .add_producer("p", ProducerConfig::new("s", 50.0))
        .unwrap();
    let policy = KclConfig {
        checkpoint: CheckpointPolicy::Never,
        ..config()
    };
    world.add_kcl_app("app", policy, 2).unwrap();
    world.advance_by(40_000);
    let lease = "shardId-000000000000";
    let first = owner(&world, lease).unwrap();
    let before = world
        .app("app")
        .unwrap()
        .table
        .get(lease)
        .unwrap()
        .owner_switches_since_checkpoint;
    assert_eq!(
        before, 0,
        "taking a new, unowned lease is no switch of owner"
    );
    world.kill_worker("app", &first).unwrap();
    world.advance_by(60_000);
    let row = world.app("app").unwrap().table.get(lease).unwrap().clone();
    assert_ne!(row.lease_owner.as_deref(), Some(first.as_str()));
    assert_eq!(
        row.owner_switches_since_checkpoint,
        before + 1,
        "never checkpointed: the switch stays counted"
    );
}

#[test]
fn a_third_worker_steals_one_lease_per_taker_run_until_four_three_three() {
    let mut world = World::new(23);
    create_stream(&mut world, "s", 10);
    world
        .add_producer("p", ProducerConfig::new("s", 100.0))
        .unwrap();
    world.add_kcl_app("app", config(), 2).unwrap();
    world.advance_by(150_000);
    let mut split: Vec<usize> = count_leases(&world).values().copied().collect();
    split.sort();
    assert_eq!(split, [5, 5]);

    let joined_at = world.now_ms();
    let mut cursor = world.log().end();
    world.add_worker("app", Some("worker-3")).unwrap();
    // Its taker first runs once the worker has started (within 5 s), then every 20,050 ms.
    world.advance_by(5_000);
    let mut held_by_new = Vec::new();
    // The event log is bounded: collect the steals as they happen, run by run.
    let mut steals: Vec<u64> = Vec::new();
    for _ in 0..6 {
        world.advance_by(20_050);
        held_by_new.push(count_leases(&world).get("worker-3").copied().unwrap_or(0));
        let since = world.events_since(cursor);
        cursor = since.next;
        assert_eq!(since.missed, 0, "the log kept every event of a taker run");
        steals.extend(since.events.iter().filter_map(|e| match &e.kind {
            EventKind::Kcl {
                event:
                    KclEvent::LeaseTaken {
                        worker,
                        stolen: true,
                        ..
                    },
            } if worker == "worker-3" => Some(e.at_ms - joined_at),
            _ => None,
        }));
    }
    // One steal per run of the newcomer's taker (the first run is at start), then none.
    assert_eq!(held_by_new, [2, 3, 3, 3, 3, 3]);
    assert_eq!(steals.len(), 3, "steals at {steals:?}");
    for pair in steals.windows(2) {
        assert!(pair[1] - pair[0] >= 20_000, "one per taker run: {steals:?}");
    }
    let mut split: Vec<usize> = count_leases(&world).values().copied().collect();
    split.sort();
    assert_eq!(split, [3, 3, 4], "and no further");
}

#[test]
fn children_wait_for_their_parent_to_reach_shard_end() {
    let mut world = World::new(24);
    create_stream(&mut world, "s", 2);
    world
        .add_producer("p", ProducerConfig::new("s", 200.0))
        .unwrap();
    let slow = KclConfig {
        processing_micros_per_record: 4_000,
        ..config()
    };
    let added_at = world.now_ms();
    world.add_kcl_app("app", slow, 2).unwrap();
    // A worker on an empty lease table waits up to 30 s before creating the leases.
    world.advance_by(40_000);
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000",
            "NewStartingHashKey": (1u128 << 126).to_string()}),
        )
        .unwrap();
    world.advance_by(60_000);

    let app = world.app("app").unwrap();
    for child in ["shardId-000000000002", "shardId-000000000003"] {
        let row = app
            .table
            .get(child)
            .expect("the child's lease was created at the parent's end");
        assert_eq!(row.parent_shard_ids, ["shardId-000000000000"]);
    }
    let events = kcl_events(&world);
    let shard_end_at = events
        .iter()
        .find(|(_, e)| matches!(e, KclEvent::Checkpointed { lease, checkpoint, .. } if lease == "shardId-000000000000" && *checkpoint == Checkpoint::ShardEnd))
        .map(|(at, _)| *at)
        .expect("the parent reached SHARD_END");
    for child in [2u32, 3] {
        let first_child = app.first_processed_ms[&child];
        assert!(
            first_child >= app.last_processed_ms[&0],
            "child {child} waited for the parent's last batch"
        );
        assert!(
            first_child >= shard_end_at,
            "and for its SHARD_END checkpoint"
        );
    }
    // The parent's last record was processed.
    let last_parent = world.kinesis().stream("s").unwrap().shards[0].next_seq_ix - 1;
    assert_eq!(app.processed_upto(0), Some(last_parent));
    // Every child consumer started WAITING_ON_PARENT_SHARDS.
    assert!(events.iter().any(|(_, e)| matches!(e, KclEvent::ConsumerState { lease, state: ConsumerState::WaitingOnParentShards, .. } if lease == "shardId-000000000002")));

    // The children have checkpointed, but the LeaseCleanupManager looks at finished leases
    // only once its stopwatch, started with the worker, has run 5 minutes.
    world.advance_by(120_000);
    assert!(world
        .app("app")
        .unwrap()
        .table
        .get("shardId-000000000000")
        .is_some());
    world.advance_by(150_000);
    let deleted_at = kcl_events(&world)
        .into_iter()
        .find(|(_, e)| matches!(e, KclEvent::LeaseDeleted { lease, .. } if lease == "shardId-000000000000"))
        .map(|(at, _)| at)
        .expect("the finished parent's lease was deleted");
    assert!(
        deleted_at >= added_at + 300_000,
        "deleted {} ms after the workers started",
        deleted_at - added_at
    );
}

#[test]
fn forgetting_the_shard_end_checkpoint_blocks_the_children() {
    let mut world = World::new(25);
    create_stream(&mut world, "s", 1);
    world
        .add_producer("p", ProducerConfig::new("s", 100.0))
        .unwrap();
    let forgetful = KclConfig {
        checkpoint_at_shard_end: false,
        ..config()
    };
    world.add_kcl_app("app", forgetful, 1).unwrap();
    world.advance_by(20_000);
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000",
            "NewStartingHashKey": (1u128 << 127).to_string()}),
        )
        .unwrap();
    world.advance_by(120_000);
    let app = world.app("app").unwrap();
    assert!(
        app.processed_upto(1).is_none() && app.processed_upto(2).is_none(),
        "children never processed"
    );
    let worker = &app.workers["worker-1"];
    for child in ["shardId-000000000001", "shardId-000000000002"] {
        assert_eq!(
            worker.consumers[child].state,
            ConsumerState::WaitingOnParentShards
        );
    }
    assert!(kcl_events(&world)
        .iter()
        .any(|(_, e)| matches!(e, KclEvent::ShardEndNotCheckpointed { .. })));
}

#[test]
fn a_worker_paused_past_the_failover_time_becomes_a_zombie() {
    let mut world = World::new(26);
    create_stream(&mut world, "s", 1);
    world
        .add_producer("p", ProducerConfig::new("s", 100.0))
        .unwrap();
    let slow = KclConfig {
        processing_micros_per_record: 8_000,
        ..config()
    };
    world.add_kcl_app("app", slow, 2).unwrap();
    world.advance_by(40_000);
    let lease = "shardId-000000000000";
    let sleeper = owner(&world, lease).unwrap();
    // Pause it in the middle of processing a batch.
    for _ in 0..1_000 {
        if world.app("app").unwrap().workers[&sleeper].consumers[lease].in_flight() {
            break;
        }
        world.advance_by(10);
    }
    assert!(world.app("app").unwrap().workers[&sleeper].consumers[lease].in_flight());
    let paused_at = world.now_ms();
    world.pause_worker("app", &sleeper, 50_000).unwrap();
    world.advance_by(45_000);
    let app = world.app("app").unwrap();
    assert_ne!(
        owner(&world, lease).as_deref(),
        Some(sleeper.as_str()),
        "another worker took the lease"
    );
    assert!(
        app.stats.overlaps >= 1,
        "two workers processed the shard at once"
    );
    world.advance_by(20_000);

    let events: Vec<(u64, KclEvent)> = kcl_events(&world)
        .into_iter()
        .filter(|(at, _)| *at >= paused_at)
        .collect();
    let woke = paused_at + 50_000;
    assert!(events.iter().any(|(at, e)| *at >= woke
        && matches!(e, KclEvent::LeaseLost { worker, .. } if *worker == sleeper)));
    assert!(events.iter().any(|(at, e)| *at >= woke
        && matches!(e, KclEvent::CheckpointFailed { worker, .. } if *worker == sleeper)));
    assert!(events.iter().any(|(_, e)| matches!(e, KclEvent::ConsumerState { worker, reason: Some(ShutdownReason::LeaseLost), .. } if *worker == sleeper)));
    let app = world.app("app").unwrap();
    assert!(
        app.stats
            .duplicates
            .get(&DuplicateReason::ZombieOverlap)
            .copied()
            .unwrap_or(0)
            > 0,
        "{:?}",
        app.stats
    );
    assert!(app.workers[&sleeper].held_leases().is_empty());
}

#[test]
fn a_worker_restarting_with_its_old_id_reclaims_its_leases_as_soon_as_it_has_started() {
    let mut world = World::new(27);
    create_stream(&mut world, "s", 2);
    world
        .add_producer("p", ProducerConfig::new("s", 50.0))
        .unwrap();
    world.add_kcl_app("app", config(), 2).unwrap();
    world.advance_by(60_000);
    let lease = "shardId-000000000000";
    let holder = owner(&world, lease).unwrap();
    world.kill_worker("app", &holder).unwrap();
    world.advance_by(5_000);
    let restarted_at = world.now_ms();
    world.restart_worker("app", &holder, None).unwrap();
    // Its start-up takes up to 5 s; then its renewer reclaims the lease without waiting for
    // the failover.
    world.advance_by(5_000);
    assert_eq!(owner(&world, lease).as_deref(), Some(holder.as_str()));
    assert!(world.app("app").unwrap().workers[&holder]
        .held_leases()
        .contains(&lease.to_string()));
    assert!(kcl_events(&world).iter().any(|(at, e)| *at >= restarted_at
        && matches!(e, KclEvent::LeaseTaken { lease: l, worker, from: Some(from), .. }
            if l == lease && *worker == holder && *from == holder)));
}

// ---------------------------------------------------------------- found by tests/faults.rs

#[test]
fn a_lone_worker_that_let_its_lease_expire_takes_it_back() {
    let mut world = World::new(5);
    create_stream(&mut world, "s", 1);
    world
        .add_producer("p", ProducerConfig::new("s", 50.0))
        .unwrap();
    world.add_kcl_app("app", config(), 1).unwrap();
    world.advance_by(40_000);
    let lease = "shardId-000000000000";
    assert_eq!(owner(&world, lease).as_deref(), Some("worker-1"));
    // Paused past failoverTimeMillis (10 s): on waking it finds the lease expired by its own
    // clock and drops it; with nobody else to take it, its taker takes it back.
    world.pause_worker("app", "worker-1", 15_000).unwrap();
    world.advance_by(15_000 + 45_000);
    let app = world.app("app").unwrap();
    assert!(app.workers["worker-1"]
        .held_leases()
        .contains(&lease.to_string()));
    let events = kcl_events(&world);
    assert!(events
        .iter()
        .any(|(_, e)| matches!(e, KclEvent::LeaseLost { worker, .. } if worker == "worker-1")));
    let last_take = events
        .iter()
        .filter_map(|(at, e)| match e {
            KclEvent::LeaseTaken { worker, from, .. } if worker == "worker-1" => {
                Some((*at, from.clone()))
            }
            _ => None,
        })
        .next_back()
        .unwrap();
    assert_eq!(
        last_take.1.as_deref(),
        Some("worker-1"),
        "taken back from itself"
    );
    // And it is processing again: everything up to a second ago is done.
    let shard = &world.kinesis().stream("s").unwrap().shards[0];
    let recent = shard
        .records
        .first_seq_at_or_after_time(world.now_ms() - 3_000)
        .unwrap();
    assert!(app.processed_upto(0).unwrap() >= recent);
}

#[test]
fn a_worker_that_leaves_and_joins_again_is_a_new_generation() {
    let mut world = World::new(6);
    create_stream(&mut world, "s", 2);
    world.add_kcl_app("app", config(), 2).unwrap();
    world.advance_by(5_000);
    let before = world.app("app").unwrap().workers["worker-2"].generation();
    world.remove_worker("app", "worker-2").unwrap();
    world.advance_by(1_000);
    assert_eq!(world.add_worker("app", None).unwrap(), "worker-2");
    let after = world.app("app").unwrap().workers["worker-2"].generation();
    assert!(
        after > before,
        "generation {after} after {before}: the old worker's tasks must not run for the new one"
    );
    let started = kcl_events(&world)
        .into_iter()
        .filter(|(_, e)| matches!(e, KclEvent::Worker { worker, action: WorkerAction::Started, .. } if worker == "worker-2"))
        .count();
    assert_eq!(started, 2, "joining again is a start, not a restart");
}

#[test]
fn the_children_of_an_expired_parent_are_read_from_the_trim_horizon() {
    let mut world = World::new(7);
    world.trace_kcl();
    create_stream(&mut world, "s", 1);
    world
        .add_producer("p", ProducerConfig::new("s", 20.0))
        .unwrap();
    world.add_kcl_app("app", config(), 1).unwrap();
    world.advance_by(40_000);
    // The application goes down; the shard is split; a day later the parent has expired.
    world.kill_worker("app", "worker-1").unwrap();
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": (1u128 << 127).to_string()}),
        )
        .unwrap();
    world.advance_by(10_000);
    world.pause_producer("p", Some(25 * 3_600_000)).unwrap();
    world.advance_by(25 * 3_600_000);
    world.restart_worker("app", "worker-1", None).unwrap();
    world.advance_by(10_000);
    world.pause_producer("p", None).unwrap();
    // The next shard sync deletes the dead parent's lease and leases the children.
    world.advance_by(120_000);
    let app = world.app("app").unwrap();
    assert!(app.table.get("shardId-000000000000").is_none());
    let stream = world.kinesis().stream("s").unwrap();
    for child in [1u32, 2] {
        let shard = &stream.shards[child as usize];
        let last = shard.records.iter_from(0).last().expect("records").seq_ix;
        assert_eq!(
            app.processed_upto(child),
            Some(last),
            "child {child} processed to its end"
        );
        // From the trim horizon: the child's very first record was processed.
        let first = shard.records.iter_from(0).next().unwrap().seq_ix;
        assert!(app
            .trace
            .as_ref()
            .unwrap()
            .iter()
            .any(|d| d.shard == child && d.first_seq_ix == first));
    }
    assert!(world
        .kcl_trace()
        .iter()
        .any(|(_, e)| matches!(e, KclEvent::LeaseDeleted { lease, .. } if lease == "shardId-000000000000")));
}

#[test]
fn a_closed_shard_whose_parent_expired_is_read_before_its_merge_child() {
    // Found by seed 6125 of tests/faults.rs: while no worker ran, shard 1 was split, expired,
    // and its child 3 was merged with shard 0 (which has a lease). The merge child waits for
    // both parents; shard 3 must get a lease of its own, at the trim horizon.
    let mut world = World::new(8);
    world.trace_kcl();
    create_stream(&mut world, "s", 3);
    world
        .add_producer("p", ProducerConfig::new("s", 60.0))
        .unwrap();
    world.add_kcl_app("app", config(), 1).unwrap();
    world.advance_by(40_000);
    world.remove_worker("app", "worker-1").unwrap();
    let (start, end) = {
        let shard = &world.kinesis().stream("s").unwrap().shards[1];
        (shard.range.starting_hash_key, shard.range.ending_hash_key)
    };
    let middle = start + (end - start) / 2 + 1;
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "s", "ShardToSplit": "shardId-000000000001", "NewStartingHashKey": middle.to_string()}),
        )
        .unwrap();
    world.advance_by(10_000);
    world.pause_producer("p", Some(25 * 3_600_000)).unwrap();
    world.advance_by(25 * 3_600_000 + 10_000);
    world
        .call(
            "MergeShards",
            &json!({"StreamName": "s", "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000003"}),
        )
        .unwrap();
    world.advance_by(10_000);
    world.add_worker("app", None).unwrap();
    world.advance_by(10_000);
    world.pause_producer("p", None).unwrap();
    world.advance_by(300_000);
    let app = world.app("app").unwrap();
    let stream = world.kinesis().stream("s").unwrap();
    for shard in [3u32, 5] {
        let last = stream.shards[shard as usize]
            .records
            .iter_from(0)
            .last()
            .expect("records")
            .seq_ix;
        assert_eq!(
            app.processed_upto(shard),
            Some(last),
            "shard {shard} read to its end"
        );
    }
}
