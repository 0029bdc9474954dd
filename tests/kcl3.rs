//! KCL 3.x as a learner meets it, through the world and the scenario language: the leader
//! reassigns a crashed worker's leases, leadership moves when the leader dies, a busy worker
//! sheds leases by load, a planned removal moves leases without duplicates where a crash has
//! some, and resharding is read once, parents first.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::json;
use shardlab::kcl::{
    CheckpointPolicy, ConsumerState, DuplicateReason, InitialPosition, KclConfig, KclEvent,
    LeaseMoveKind,
};
use shardlab::script::{run_script, Entry};
use shardlab::sim::{ProducerConfig, World};

mod common;
use common::world::create_stream;

fn config() -> KclConfig {
    KclConfig {
        version: 3,
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

fn owner(world: &World, lease: &str) -> Option<String> {
    world
        .app("app")
        .unwrap()
        .table
        .get(lease)?
        .lease_owner
        .clone()
}

/// Leases whose `leaseOwner` is `id`.
fn leases_of(world: &World, id: &str) -> Vec<String> {
    let app = world.app("app").unwrap();
    app.table
        .rows()
        .filter(|l| l.lease_owner.as_deref() == Some(id))
        .map(|l| l.lease_key.clone())
        .collect()
}

/// The leader's assignments since `from`: (when, lease, from, to, how).
fn assignments(
    world: &World,
    from_ms: u64,
) -> Vec<(u64, String, Option<String>, String, LeaseMoveKind)> {
    world
        .kcl_trace()
        .iter()
        .filter(|(at, _)| *at >= from_ms)
        .filter_map(|(at, e)| match e {
            KclEvent::LeaseAssigned {
                lease,
                from,
                to,
                how,
                ..
            } => Some((*at, lease.clone(), from.clone(), to.clone(), *how)),
            _ => None,
        })
        .collect()
}

/// A world whose 3.x application `app` has run 4 minutes with three workers on six shards.
fn settled(seed: u64) -> World {
    let mut world = world(seed, 6, 60.0);
    world.add_kcl_app("app", config(), 3).unwrap();
    world.advance_by(240_000);
    let app = world.app("app").unwrap();
    assert!(app.leader().is_some(), "a worker took the Leader lock");
    assert!(
        app.table.rows().all(|l| l.lease_owner.is_some()),
        "the leader assigned every lease"
    );
    world
}

#[test]
fn a_new_applications_first_leases_are_spread_over_its_workers() {
    // No lease has a throughputKBps yet and every worker reports only its idle CPU: the
    // leader's extrapolation still raises each receiver's CPU, so the first assignment spreads
    // the leases instead of giving them all to one worker.
    let mut world = world(3, 6, 60.0);
    world.add_kcl_app("app", config(), 3).unwrap();
    let first = (0..120)
        .find_map(|_| {
            world.advance_by(1_000);
            let moves = assignments(&world, 0);
            (moves.len() >= 6).then_some(moves)
        })
        .expect("the leader assigned the six leases within two minutes");
    for id in ["worker-1", "worker-2", "worker-3"] {
        let got = first.iter().filter(|(.., to, _)| to == id).count();
        assert_eq!(got, 2, "{id} got {got} of the first six: {first:?}");
    }
}

#[test]
fn the_leader_reassigns_a_crashed_workers_leases_20_to_50_seconds_later() {
    let mut world = settled(1);
    let leader = world.app("app").unwrap().leader().unwrap().to_string();
    let victim = ["worker-1", "worker-2", "worker-3"]
        .into_iter()
        .find(|id| *id != leader && !leases_of(&world, id).is_empty())
        .expect("a worker other than the leader holds leases")
        .to_string();
    let lost = leases_of(&world, &victim);
    let killed_at = world.now_ms();
    world.kill_worker("app", &victim).unwrap();
    world.advance_by(120_000);
    let moves = assignments(&world, killed_at);
    for lease in &lost {
        let (at, _, from, to, how) = moves
            .iter()
            .find(|(_, key, ..)| key == lease)
            .unwrap_or_else(|| panic!("{lease} was reassigned: {moves:?}"));
        assert_eq!(from.as_deref(), Some(victim.as_str()));
        assert_eq!(*how, LeaseMoveKind::Crash, "worded as a crash");
        assert_ne!(to, &victim);
        let after = at - killed_at;
        assert!(
            (15_000..=50_000).contains(&after),
            "{lease} reassigned {after} ms after the crash"
        );
        let now_owner = owner(&world, lease).unwrap();
        assert_ne!(now_owner, victim);
        assert!(
            world.app("app").unwrap().workers[&now_owner]
                .held_leases()
                .contains(lease),
            "the new owner discovered {lease} and holds it"
        );
    }
}

#[test]
fn when_the_leader_dies_another_worker_leads_after_the_lock_lapses_and_takes_its_leases() {
    let mut world = settled(2);
    let leader = world.app("app").unwrap().leader().unwrap().to_string();
    let lost = leases_of(&world, &leader);
    assert!(!lost.is_empty(), "the leader processes shards too");
    let killed_at = world.now_ms();
    world.kill_worker("app", &leader).unwrap();
    world.advance_by(100_000);
    assert_eq!(
        world.app("app").unwrap().leader(),
        Some(leader.as_str()),
        "the dead leader's lock holds until it lapses (120 s without a heartbeat)"
    );
    assert!(
        assignments(&world, killed_at).is_empty(),
        "nobody assigns while the lock is held"
    );
    world.advance_by(200_000);
    let elected: Vec<(u64, String)> = world
        .kcl_trace()
        .iter()
        .filter(|(at, _)| *at >= killed_at)
        .filter_map(|(at, e)| match e {
            KclEvent::LeaderElected { worker, .. } => Some((*at, worker.clone())),
            _ => None,
        })
        .collect();
    let (elected_at, new_leader) = elected.first().expect("a new leader").clone();
    assert_ne!(new_leader, leader);
    assert_eq!(
        world.app("app").unwrap().leader(),
        Some(new_leader.as_str())
    );
    let after = elected_at - killed_at;
    assert!(
        (120_000..=190_000).contains(&after),
        "the lock moved {after} ms after the leader died"
    );
    for lease in &lost {
        let now_owner = owner(&world, lease).unwrap();
        assert_ne!(now_owner, leader, "{lease} moved off the dead leader");
        let (at, ..) = assignments(&world, killed_at)
            .into_iter()
            .find(|(_, key, ..)| key == lease)
            .unwrap();
        assert!(at >= elected_at, "assigned by the new leader");
    }
}

/// Runs a script; panics on a failed check or an error.
fn run_checked(source: &str) -> World {
    let (world, _, entries) = run_script(source).unwrap_or_else(|e| panic!("{e}"));
    let failures: Vec<String> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Expect {
                passed: false,
                message,
                ..
            } => Some(message.clone()),
            Entry::Error { text } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    world
}

#[test]
fn a_busy_worker_sheds_leases_by_load_to_its_idle_peer() {
    let world = run_checked(
        "aws kinesis create-stream --stream-name s --shard-count 6
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 600
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON
wait 4m
expect $(sim describe --query apps.app.version) == 3
kcl worker load app/worker-1 70
wait 6m
expect $(sim describe --query \"apps.app.workers[?id=='worker-1'].cpu | [0]\") > 50
expect $(sim describe --query \"length(apps.app.leases[?leaseOwner=='worker-1'])\") < $(sim describe --query \"length(apps.app.leases[?leaseOwner=='worker-2'])\")
expect $(sim describe --query apps.app.duplicates) == 0
",
    );
    let app = world.app("app").unwrap();
    let busy = app
        .table
        .rows()
        .filter(|l| l.lease_owner.as_deref() == Some("worker-1"))
        .count();
    assert!(busy <= 1, "the busy worker kept {busy} of 6 leases");
    assert!(app.table.rows().all(|l| l.throughput_kbps.is_some()));
}

#[test]
fn kcl_worker_load_explains_its_mistakes() {
    let setup = "aws kinesis create-stream --stream-name s --shard-count 1
kcl app add old --stream s --version 2
kcl app add app --stream s
";
    let error = |line: &str| -> String {
        let entries = match run_script(&format!("{setup}{line}\n")) {
            Ok((_, _, entries)) => entries,
            Err(e) => return e.to_string(),
        };
        entries
            .iter()
            .filter_map(|e| match e {
                Entry::Error { text } => Some(text.clone()),
                Entry::ScriptError { .. } => Some(e.render()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(error("kcl worker load old/worker-1 50").contains("KCL 2.x"));
    assert!(error("kcl worker load app/worker-1 150").contains("0 to 100"));
    assert!(error("kcl worker load app/worker-9 50").contains("worker-9"));
    assert!(error("kcl worker load app/worker-1 lots").contains("'lots'"));
    assert!(error("kcl worker load app/worker-1").contains("needs a percentage"));
    assert!(error("kcl app add x --stream s --version 4").contains("--version"));
    assert_eq!(error("kcl worker load app/worker-1 35"), "");
}

/// Two identical worlds up to `at`: then worker-1 is removed in one and killed in the other.
fn remove_or_kill(remove: bool) -> World {
    let mut world = world(7, 4, 200.0);
    let app = KclConfig {
        checkpoint: CheckpointPolicy::Interval(20_000),
        ..config()
    };
    world.add_kcl_app("app", app, 2).unwrap();
    world.advance_by(240_000);
    assert!(!leases_of(&world, "worker-1").is_empty());
    if remove {
        world.remove_worker("app", "worker-1").unwrap();
    } else {
        world.kill_worker("app", "worker-1").unwrap();
    }
    world.advance_by(240_000);
    world
}

#[test]
fn a_graceful_removal_moves_leases_without_duplicates_where_a_kill_has_some() {
    let removed = remove_or_kill(true);
    let killed = remove_or_kill(false);
    for world in [&removed, &killed] {
        assert!(
            leases_of(world, "worker-1").is_empty(),
            "worker-1's leases moved"
        );
        assert_eq!(leases_of(world, "worker-2").len(), 4);
    }
    let removed = removed.app("app").unwrap();
    assert!(!removed.workers.contains_key("worker-1"));
    assert_eq!(
        removed.stats.total_duplicates(),
        0,
        "shutdownRequested checkpointed: {:?}",
        removed.stats.duplicates
    );
    let killed = killed.app("app").unwrap();
    assert!(
        killed.stats.total_duplicates() > 0,
        "a crash leaves records after the last checkpoint to process again"
    );
}

#[test]
fn a_kcl3_application_reads_every_record_once_across_a_split_and_a_merge_parents_first() {
    let mut world = world(11, 2, 50.0);
    world.add_kcl_app("app", config(), 2).unwrap();
    world.advance_by(120_000);
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000",
            "NewStartingHashKey": (1u128 << 126).to_string()}),
        )
        .unwrap();
    world.advance_by(120_000);
    // Merge the second child (shard 3, the upper half of shard 0's range) with shard 1.
    world
        .call(
            "MergeShards",
            &json!({"StreamName": "s", "ShardToMerge": "shardId-000000000003",
            "AdjacentShardToMerge": "shardId-000000000001"}),
        )
        .unwrap();
    world.advance_by(300_000);
    world.pause_producer("p", None).unwrap();
    world.advance_by(120_000);
    let app = world.app("app").unwrap();
    assert_eq!(
        app.stats.total_duplicates(),
        0,
        "{:?}",
        app.stats.duplicates
    );
    let stream = world.kinesis().stream("s").unwrap();
    assert_eq!(stream.shards.len(), 5, "a split and a merge");
    for (index, shard) in stream.shards.iter().enumerate() {
        if shard.next_seq_ix > 0 {
            assert_eq!(
                app.processed_upto(index as u32),
                Some(shard.next_seq_ix - 1),
                "every record of shard {index} processed"
            );
        }
    }
    for (index, shard) in stream.shards.iter().enumerate() {
        let index = index as u32;
        let Some(first_child) = app.first_processed_ms.get(&index) else {
            continue;
        };
        for parent in shard.parent.into_iter().chain(shard.adjacent_parent) {
            if let Some(last_parent) = app.last_processed_ms.get(&parent) {
                assert!(
                    last_parent <= first_child,
                    "shard {index} read before its parent {parent} was finished"
                );
            }
        }
    }
}

/// The moves of `from`'s leases the leader wrote since `from_ms`: (lease, how).
fn moves_from(world: &World, from_ms: u64, from: &str) -> Vec<(String, LeaseMoveKind)> {
    assignments(world, from_ms)
        .into_iter()
        .filter(|(_, _, old, ..)| old.as_deref() == Some(from))
        .map(|(_, lease, _, _, how)| (lease, how))
        .collect()
}

/// Fan-out: a worker whose stream consumer was deregistered under it (its shard consumers
/// back in INITIALIZING, registering it again) and is then removed still asks its record
/// processors `shutdownRequested`, which checkpoint: the new owner processes nothing twice.
/// (The fault schedules found it: the model dropped such leases at once, without a
/// checkpoint, as if the processors had never been initialized.)
#[test]
fn a_worker_removed_while_its_fan_out_consumers_reinitialize_checkpoints_in_shutdown_requested() {
    let mut world = world(7, 4, 200.0);
    let app = KclConfig {
        checkpoint: CheckpointPolicy::Interval(20_000),
        retrieval: shardlab::kcl::Retrieval::FanOut,
        ..config()
    };
    world.add_kcl_app("app", app, 2).unwrap();
    world.advance_by(240_000);
    let held = leases_of(&world, "worker-1");
    assert!(!held.is_empty());
    let arn = world
        .kinesis()
        .stream("s")
        .unwrap()
        .consumer("app")
        .unwrap()
        .arn
        .clone();
    world
        .call("DeregisterStreamConsumer", &json!({"ConsumerARN": arn}))
        .unwrap();
    let reinitializing = |world: &World| {
        world.app("app").unwrap().workers["worker-1"]
            .consumers
            .values()
            .any(|c| c.state == shardlab::kcl::ConsumerState::Initializing)
    };
    for _ in 0..100 {
        if reinitializing(&world) {
            break;
        }
        world.advance_by(50);
    }
    assert!(
        reinitializing(&world),
        "a shard consumer of worker-1 is back in INITIALIZING"
    );
    let removed_at = world.now_ms();
    world.remove_worker("app", "worker-1").unwrap();
    world.advance_by(240_000);
    let asked = world
        .kcl_trace()
        .iter()
        .filter(|(at, _)| *at >= removed_at)
        .filter(|(_, e)| {
            matches!(e, KclEvent::ProcessorCalled { worker, call: shardlab::kcl::ProcessorCall::ShutdownRequested, .. } if worker == "worker-1")
        })
        .count();
    assert_eq!(
        asked,
        held.len(),
        "every processor of worker-1 was asked to shut down"
    );
    assert_eq!(leases_of(&world, "worker-2").len(), 4);
    let app = world.app("app").unwrap();
    assert_eq!(
        app.stats.total_duplicates(),
        0,
        "{:?}",
        app.stats.duplicates
    );
}

/// A worker paused past its leases' expiry while shutting down gracefully lost them before
/// `shutdownRequested` could checkpoint (the checkpoint fails): the leader's reassignment is
/// worded as after a crash, and its duplicates as failover, not as a planned move's.
#[test]
fn a_worker_paused_through_its_graceful_shutdown_loses_its_leases_as_in_a_crash() {
    let mut world = settled(3);
    let leader = world.app("app").unwrap().leader().unwrap().to_string();
    let victim = ["worker-1", "worker-2", "worker-3"]
        .into_iter()
        .find(|id| *id != leader && !leases_of(&world, id).is_empty())
        .unwrap()
        .to_string();
    let paused_at = world.now_ms();
    world.pause_worker("app", &victim, 16_000).unwrap();
    world.advance_by(5_000);
    world.remove_worker("app", &victim).unwrap();
    world.advance_by(120_000);
    assert!(!world.app("app").unwrap().workers.contains_key(&victim));
    let failed = world.kcl_trace().iter().any(|(at, e)| {
        *at >= paused_at
            && matches!(e, KclEvent::CheckpointFailed { worker, .. } if *worker == victim)
    });
    assert!(
        failed,
        "shutdownRequested's checkpoint failed: the lease had expired"
    );
    let moves = moves_from(&world, paused_at, &victim);
    assert!(!moves.is_empty());
    assert!(
        moves.iter().all(|(_, how)| *how == LeaseMoveKind::Crash),
        "{moves:?}"
    );
    let app = world.app("app").unwrap();
    assert!(
        !app.stats
            .duplicates
            .contains_key(&shardlab::kcl::DuplicateReason::Handoff),
        "{:?}",
        app.stats.duplicates
    );
}

/// A lease a graceful shutdown dropped, reclaimed by a new process under the same worker id,
/// then lost in a crash, moves as after a crash (it is no longer the released one).
#[test]
fn a_released_lease_reclaimed_under_the_same_id_then_crashed_moves_as_a_crash() {
    let mut world = settled(4);
    let leader = world.app("app").unwrap().leader().unwrap().to_string();
    let victim = ["worker-1", "worker-2", "worker-3"]
        .into_iter()
        .find(|id| *id != leader && !leases_of(&world, id).is_empty())
        .unwrap()
        .to_string();
    let held = leases_of(&world, &victim);
    world.remove_worker("app", &victim).unwrap();
    world.advance_by(1_000);
    assert!(!world.app("app").unwrap().workers.contains_key(&victim));
    world.add_worker("app", Some(&victim)).unwrap();
    world.advance_by(5_000);
    assert_eq!(
        world.app("app").unwrap().workers[&victim].held_leases(),
        held,
        "the new process reclaimed them"
    );
    let killed_at = world.now_ms();
    world.kill_worker("app", &victim).unwrap();
    world.advance_by(120_000);
    // (The leader may start a handoff of one to balance first; it never completes.)
    let mut moves = moves_from(&world, killed_at, &victim);
    moves.retain(|(_, how)| *how != LeaseMoveKind::Handoff);
    assert_eq!(moves.len(), held.len(), "{moves:?}");
    assert!(
        moves.iter().all(|(_, how)| *how == LeaseMoveKind::Crash),
        "worded as a crash, not as the release of the graceful shutdown before: {moves:?}"
    );
}

/// The same when nobody reassigned the lease during the pause (a lone worker, its own leader):
/// on waking, its discovery finds the expired lease still in its name and holds it again, but
/// the record processor's checkpoint in `shutdownRequested` is of the earlier holding and
/// fails, so the lease is not released: the next owner gets it as after a crash.
#[test]
fn a_lone_worker_paused_then_removed_leaves_its_leases_as_in_a_crash() {
    let mut world = world(5, 2, 60.0);
    world.add_kcl_app("app", config(), 1).unwrap();
    world.advance_by(120_000);
    let held = leases_of(&world, "worker-1");
    assert_eq!(held.len(), 2);
    world.pause_worker("app", "worker-1", 30_000).unwrap();
    world.advance_by(30_000);
    let removed_at = world.now_ms();
    world.remove_worker("app", "worker-1").unwrap();
    world.advance_by(10_000);
    assert!(!world.app("app").unwrap().workers.contains_key("worker-1"));
    world.add_worker("app", Some("worker-2")).unwrap();
    world.advance_by(120_000);
    let moves = moves_from(&world, removed_at, "worker-1");
    assert_eq!(moves.len(), 2, "{moves:?}");
    assert!(
        moves.iter().all(|(_, how)| *how == LeaseMoveKind::Crash),
        "{moves:?}"
    );
}

#[test]
fn records_lost_with_an_expired_lease_come_again_as_failover_even_after_a_graceful_removal() {
    // A lone worker, paused past its leases' expiry, loses them by its own clock on waking,
    // finds them again (still assigned to it) and is removed gracefully before its new shard
    // consumers process anything: its shutdownRequested checkpoints nothing new, and what its
    // earlier holdings processed after their last checkpoints comes again. That is the pause's
    // doing, as after a crash, not the graceful shutdown's.
    let mut world = world(5, 2, 60.0);
    let app = KclConfig {
        checkpoint: CheckpointPolicy::Interval(20_000),
        ..config()
    };
    world.add_kcl_app("app", app, 1).unwrap();
    world.advance_by(120_000);
    assert_eq!(leases_of(&world, "worker-1").len(), 2);
    world.pause_worker("app", "worker-1", 30_000).unwrap();
    world.advance_by(30_000);
    let woke = world.now_ms();
    // Its lease discovery takes the leases again (new holdings): remove it as their new
    // shard consumers initialize, before they process anything.
    let retaken = |world: &World| {
        world.kcl_trace().iter().any(|(at, e)| {
            *at >= woke
                && matches!(e, KclEvent::ConsumerState { worker, state: ConsumerState::Initializing, .. } if worker == "worker-1")
        })
    };
    for _ in 0..15_000 {
        if retaken(&world) {
            break;
        }
        world.advance_by(1);
    }
    assert!(retaken(&world), "worker-1 found its leases again");
    world.remove_worker("app", "worker-1").unwrap();
    world.advance_by(10_000);
    assert!(!world.app("app").unwrap().workers.contains_key("worker-1"));
    world.add_worker("app", Some("worker-2")).unwrap();
    world.advance_by(120_000);
    assert_eq!(leases_of(&world, "worker-2").len(), 2);
    let duplicates = &world.app("app").unwrap().stats.duplicates;
    assert!(
        duplicates
            .get(&DuplicateReason::Failover)
            .copied()
            .unwrap_or(0)
            > 0,
        "what worker-1 processed before its pause comes again: {duplicates:?}"
    );
    assert_eq!(
        duplicates.get(&DuplicateReason::Handoff),
        None,
        "the graceful removal repeated nothing: {duplicates:?}"
    );
}
