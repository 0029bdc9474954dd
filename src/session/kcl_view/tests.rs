use super::*;
use crate::kcl::app::LeaseMove;
use crate::session::{Link, Session};

#[test]
fn a_dead_workers_lease_freezes_turns_amber_and_moves() {
    // KCL 2.x: the lease takers judge expiry by the counter frozen for failoverTimeMillis, and
    // one of them takes the lease.
    let mut session = crate::session::fixtures::opening_session_kcl2(1, "");
    session.advance(60_000);
    let view = apps(&session.world).remove(0);
    assert_eq!(view.name, "analytics");
    assert_eq!(view.workers.len(), 3);
    assert!(
        view.workers.iter().all(|w| w.per_second > 0),
        "every worker processes: {:?}",
        view.workers
    );
    assert_eq!(view.leases.len(), 4);
    let row = &view.leases[1];
    assert!(row.lease_owner.is_some());
    assert_eq!(row.consumer_state, Some(ConsumerState::Processing));
    assert_eq!(row.expiry(view.failover_ms), 0.0, "renewed: {row:?}");
    assert!(row.frozen_ms < 4_000, "renewed every 3.3 s: {row:?}");

    let owner = row.lease_owner.clone().unwrap();
    let counter = row.lease_counter;
    session.run_command(&format!("kcl worker kill analytics/{owner}"));
    session.advance(8_000);
    let view = apps(&session.world).remove(0);
    let row = &view.leases[1];
    assert_eq!(row.lease_counter, counter.max(row.lease_counter));
    assert!(row.frozen_ms >= 8_000, "{row:?}");
    assert!(row.expiry(view.failover_ms) > 0.5, "amber: {row:?}");
    let dead = view.workers.iter().find(|w| w.id == owner).unwrap();
    assert_eq!(dead.state, WorkerState::Dead);

    session.advance(40_000);
    let view = apps(&session.world).remove(0);
    let row = &view.leases[1];
    assert_ne!(row.lease_owner.as_deref(), Some(owner.as_str()));
    let moved = row.last_move.clone().expect("the lease moved");
    assert_eq!(moved.from.as_deref(), Some(owner.as_str()));
    assert!(!moved.stolen, "taken from a dead worker, not stolen");
    assert_eq!(
        row.expiry(view.failover_ms),
        0.0,
        "renewed by its new owner"
    );
}

#[test]
fn an_application_counts_the_records_it_processed_out_of_order() {
    let script = "\
aws kinesis create-stream --stream-name s --shard-count 1
wait 5s
kcl app add app --stream s --workers 1 --initial-position TRIM_HORIZON --version 2
producer add p --stream s --rate 1500 --keys uniform:5 --batch 500 --linger 100ms --retry backoff --attempts 30
wait 30s
";
    let mut session = Session::new(Link::start(
        crate::session::Scenario::Script(script.into()),
        1,
    ));
    session.advance(40_000);
    let view = apps(&session.world).remove(0);
    let counted = session.world.app("app").unwrap().order.violations();
    assert!(counted > 0, "resent entries came late");
    assert_eq!(view.order_violations, counted);
    assert!(OUT_OF_ORDER.starts_with("Out of order: records of one partition key"));
}

#[test]
fn processed_again_and_overlaps_name_their_last_cause_with_its_time() {
    // The opening scene with its application on KCL 2.x and polling (its default is enhanced
    // fan-out, whose new owner's subscription ends the old owner's, so fewer records come
    // twice): the first worker takes every lease, the others steal theirs.
    let mut session = crate::session::fixtures::opening_session_kcl2(1, " --retrieval polling");
    session.advance(60_000);
    let view = apps(&session.world).remove(0);
    // worker-1 is mid-batch when worker-2 steals its lease: worker-1 finishes the batch
    // (a zombie overlap), and worker-2 starts again after the last checkpoint (steal).
    assert_eq!(
        view.duplicates,
        [
            ("steal".to_string(), 151),
            ("zombie overlap".to_string(), 674)
        ]
    );
    assert_eq!(view.overlaps, 1);
    let again = view.last_processed_again.expect("a cause");
    assert_eq!(
        again.text,
        "Last at 0:00:27.5: worker-2 processed 48 records of shardId-000000000000 a \
         second time: it stole the lease from worker-1 at 0:00:25.3 to balance the load, \
         and started from the last checkpoint."
    );
    assert_eq!(again.at_ms, 27_570);
    assert_eq!(
        view.last_overlap.expect("an overlap").text,
        "Last at 0:00:25.4: worker-2 and worker-1 processed shardId-000000000000 at the \
         same time."
    );

    // A zombie: a worker frozen past failoverTimeMillis finishes a batch after waking.
    let mut session = Session::new(Link::decode("#lesson=kcl-zombie").unwrap());
    session.play_like_a_learner(100_000);
    let view = apps(&session.world).remove(0);
    let again = view.last_processed_again.expect("a cause");
    assert!(
        again.text.ends_with(
            "a second time: it had lost the lease without noticing (a zombie) and \
             finished a batch the new owner processed too."
        ),
        "{}",
        again.text
    );

    // Nothing processed twice yet: nothing to explain, and the log is not read.
    let (world, _, _) = crate::script::run_script(
        "aws kinesis create-stream --stream-name s --shard-count 2\nwait 5s\n\
         producer add p --stream s --rate 100\nkcl app add a --stream s --workers 1 --version 2\nwait 30s",
    )
    .unwrap();
    let view = apps(&world).remove(0);
    assert!(view.processed > 0);
    assert_eq!((view.last_processed_again, view.last_overlap), (None, None));
}

#[test]
fn the_explanations_say_what_the_kcl_does() {
    assert!(PROCESSED_AGAIN.starts_with(
        "Processed again: the KCL processes every record at least once, not exactly once."
    ));
    assert!(PROCESSED_AGAIN.contains("the new owner starts from the lease's last checkpoint"));
    assert!(
        OVERLAPS.starts_with("An overlap: two workers processing the same shard at the same time.")
    );
    assert!(OVERLAPS.contains("(a zombie, after a long garbage collection)"));
    let heads: Vec<&str> = LEASE_COLUMNS.iter().map(|(head, _)| *head).collect();
    assert_eq!(
        heads,
        [
            "leaseKey",
            "leaseOwner",
            "checkpointOwner",
            "leaseCounter",
            "checkpoint",
            "ownerSwitchesSinceCheckpoint",
            "parentShardId",
            "throughputKBps",
            "shard consumer",
            "unchanged for",
            "after checkpoint"
        ]
    );
    for (head, text) in LEASE_COLUMNS {
        assert!(text.ends_with('.') && text.len() > 40, "{head}: {text}");
    }
    let counter = LEASE_COLUMNS[3].1;
    assert!(counter.contains("each checkpoint"), "{counter}");
    assert_eq!(clock(65_300), "0:01:05.3");
}

/// A KCL 3.x application `app` with two workers on four shards, after `then` ran.
fn kcl3_world(then: &str) -> World {
    let script = format!(
        "aws kinesis create-stream --stream-name s --shard-count 4
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 200
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON
wait 90s
{then}"
    );
    let (world, _, entries) = crate::script::run_script(&script).unwrap();
    for entry in &entries {
        if let crate::script::Entry::Error { text } = entry {
            panic!("{text}");
        }
    }
    world
}

#[test]
fn a_kcl3_application_names_its_leader_and_its_workers_cpu() {
    let world = kcl3_world("kcl worker load app/worker-1 70\nwait 40s");
    let view = apps(&world).remove(0);
    assert_eq!(view.version_label(), "KCL 3.x");
    let leader = world.app("app").unwrap().leader().unwrap().to_string();
    assert_eq!(view.leader.as_deref(), Some(leader.as_str()));
    assert_eq!(view.leases_by(), format!("leader {leader}"));
    assert!(view
        .leases_by_explained()
        .contains("LeaseAssignmentManager"));
    let badges: Vec<&str> = view
        .workers
        .iter()
        .filter(|w| w.leader)
        .map(|w| w.id.as_str())
        .collect();
    assert_eq!(badges, [leader.as_str()], "one leader card");
    let busy = view.workers.iter().find(|w| w.id == "worker-1").unwrap();
    let cpu = busy.cpu_pct.expect("reported");
    assert!(cpu > 70.0, "70% background and some processing: {cpu}");
    assert_eq!(busy.background_load_pct, 70.0);
    assert!(
        busy.cpu_text().starts_with("CPU ")
            && busy.cpu_text().ends_with("% (incl. 70% background)"),
        "{}",
        busy.cpu_text()
    );
    let idle = view.workers.iter().find(|w| w.id == "worker-2").unwrap();
    assert!(idle.cpu_pct.unwrap() < 50.0, "{idle:?}");
    assert!(!idle.cpu_text().contains("background"));
    // The 3.x columns are on the table, and every lease has a throughput.
    let heads: Vec<&str> = lease_columns(3).map(|(head, _)| *head).collect();
    assert!(heads.contains(&"checkpointOwner") && heads.contains(&"throughputKBps"));
    assert!(view.leases.iter().all(|l| l.throughput_kbps.is_some()));
    assert!(view.leases.iter().all(|l| l.checkpoint_owner.is_none()));
}

#[test]
fn a_busy_workers_lease_is_handed_over_with_checkpoint_owner_and_worded_by_the_leader() {
    let handed = kcl3_world(
        "kcl worker load app/worker-1 70
wait 31s
wait until $(sim describe --query \"length(apps.app.leases[?checkpointOwner])\") > 0 --timeout 10m --every 500ms",
    );
    let view = apps(&handed).remove(0);
    let row = view
        .leases
        .iter()
        .find(|l| l.checkpoint_owner.is_some())
        .expect("a lease in handoff");
    assert_eq!(row.checkpoint_owner.as_deref(), Some("worker-1"), "{row:?}");
    assert_eq!(row.lease_owner.as_deref(), Some("worker-2"));
    assert_eq!(
        row.handover_text().as_deref(),
        Some("handing over from worker-1 to worker-2")
    );
    let key = row.lease_key.clone();

    // Once worker-2 discovers it, its move says the leader balanced it by a handoff (the page
    // highlights it for 5 s: the browser test waits for the discovery as here).
    let (_, mut runner, _) = crate::script::run_script("").unwrap();
    let mut world = handed;
    let mut out = Vec::new();
    runner.run_line(
        &format!(
            "wait until $(sim describe --query \"apps.app.workers[?id=='worker-2'].leases[]\") contains {key} --timeout 1m --every 200ms"
        ),
        &mut world,
        &mut out,
    );
    assert!(
        !out.iter()
            .any(|e| matches!(e, crate::script::Entry::Error { .. })),
        "{out:?}"
    );
    let view = apps(&world).remove(0);
    let row = view.leases.iter().find(|l| l.lease_key == key).unwrap();
    assert_eq!(row.checkpoint_owner, None, "handed over");
    assert!(world.app("app").unwrap().workers["worker-2"]
        .held_leases()
        .contains(&key));
    let moved = row.last_move.as_ref().expect("moved");
    assert!(
        world.now_ms() - moved.at_ms < 1_000,
        "the wait stops at the discovery, while the page highlights the move"
    );
    assert_eq!(
        move_text(moved),
        " balanced by the leader: handed over by worker-1"
    );
}

#[test]
fn a_kcl3_lease_move_says_how_the_leader_moved_it() {
    let at = |how, from: Option<&str>| LeaseMove {
        from: from.map(str::to_string),
        to: "worker-2".to_string(),
        stolen: false,
        at_ms: 0,
        how,
    };
    use crate::kcl::LeaseMoveKind::*;
    assert_eq!(
        move_text(&at(Some(Assignment), None)),
        " assigned by the leader"
    );
    assert_eq!(
        move_text(&at(Some(Assignment), Some("worker-1"))),
        " assigned by the leader after worker-1 shut down gracefully"
    );
    assert_eq!(
        move_text(&at(Some(Crash), Some("worker-1"))),
        " reassigned by the leader: worker-1 stopped renewing it"
    );
    // KCL 2.x as before.
    assert_eq!(
        move_text(&at(None, Some("worker-1"))),
        " taken from worker-1"
    );
    let stolen = LeaseMove {
        stolen: true,
        ..at(None, Some("worker-1"))
    };
    assert_eq!(move_text(&stolen), " stolen from worker-1");
}

#[test]
fn a_crashed_workers_lease_is_reassigned_by_the_leader_and_a_2x_app_keeps_its_words() {
    let world = kcl3_world("");
    let leader = world.app("app").unwrap().leader().unwrap().to_string();
    let victim = if leader == "worker-1" {
        "worker-2"
    } else {
        "worker-1"
    };
    // The leases the victim holds when it dies (the leader may have balanced others away
    // from it by a handoff before: those moves are not the crash's).
    let held = world.app("app").unwrap().workers[victim].held_leases();
    assert!(!held.is_empty());
    let world = {
        let mut world = world;
        world.kill_worker("app", victim).unwrap();
        // The leader sees the leases expire within 20-40 s, or once the dead worker's metrics
        // are 60 s old if it was their best candidate; the new owner finds them within 10 s.
        world.advance_by(120_000);
        world
    };
    let view = apps(&world).remove(0);
    for key in &held {
        let row = view.leases.iter().find(|l| &l.lease_key == key).unwrap();
        assert_ne!(row.lease_owner.as_deref(), Some(victim), "{row:?}");
        let moved = row.last_move.as_ref().expect("the victim's lease moved");
        assert_eq!(moved.from.as_deref(), Some(victim), "{moved:?}");
        assert_eq!(
            move_text(moved),
            format!(" reassigned by the leader: {victim} stopped renewing it")
        );
    }

    let mut session = crate::session::fixtures::opening_session_kcl2(1, "");
    session.advance(10_000);
    let view = apps(&session.world).remove(0);
    assert_eq!(view.version_label(), "KCL 2.x");
    assert_eq!(view.leader, None);
    assert_eq!(view.leases_by(), "every worker runs its own lease taker");
    assert!(view
        .workers
        .iter()
        .all(|w| !w.leader && w.cpu_pct.is_none()));
    let heads: Vec<&str> = lease_columns(2).map(|(head, _)| *head).collect();
    assert!(!heads.contains(&"checkpointOwner") && !heads.contains(&"throughputKBps"));
}

#[test]
fn a_removed_workers_leases_are_assigned_by_the_leader_without_a_handoff() {
    // KCL 3.x's graceful worker shutdown drops its leases after shutdownRequested: no
    // checkpointOwner; the leader assigns them once it sees them expire. (Settled first: at
    // 90 s the leader may still be handing a lease to the worker about to leave.)
    let world = kcl3_world("wait 3m");
    assert!(apps(&world)[0]
        .leases
        .iter()
        .all(|l| l.checkpoint_owner.is_none()));
    let leader = world.app("app").unwrap().leader().unwrap().to_string();
    let leaving = if leader == "worker-1" {
        "worker-2"
    } else {
        "worker-1"
    };
    let held = world.app("app").unwrap().workers[leaving].held_leases();
    assert!(!held.is_empty());
    let mut world = world;
    world.remove_worker("app", leaving).unwrap();
    let mut handed_over = false;
    for _ in 0..240 {
        world.advance_by(500);
        // The leader may balance the two workers left by handoffs of their own; none is the
        // leaving worker's.
        handed_over |= apps(&world)[0]
            .leases
            .iter()
            .any(|l| l.checkpoint_owner.as_deref() == Some(leaving));
    }
    assert!(!handed_over, "a worker's own shutdown is not a handoff");
    // The leases it held when it left. (Its WorkerMetricStats row counts as live for 60 s:
    // until then the leader may hand it one of the other worker's leases, which it never
    // takes; that lease is later reassigned as a crash's, and is not checked here.)
    let view = apps(&world).remove(0);
    for key in &held {
        let row = view.leases.iter().find(|l| &l.lease_key == key).unwrap();
        assert_ne!(row.lease_owner.as_deref(), Some(leaving), "{row:?}");
        let moved = row.last_move.as_ref().expect("its lease moved");
        assert_eq!(moved.from.as_deref(), Some(leaving), "{moved:?}");
        assert_eq!(
            move_text(moved),
            format!(" assigned by the leader after {leaving} shut down gracefully")
        );
    }
}
