//! What the KCL panel draws for each application: its workers, its lease table as the KCL
//! keeps it, and what is about to happen.
//!
//! The lease table rows carry the KCL's own attribute names (`leaseKey`, `leaseOwner`,
//! `leaseCounter`, `checkpoint`, `ownerSwitchesSinceCheckpoint`, `parentShardId`). Two
//! things the table does not say are worked out here, because they are what a learner needs to
//! see coming:
//!
//! * how long each lease's counter has stood still, and how long the *other* workers have seen
//!   it stand still (by their own clocks, at their taker runs): a lease is expired, and taken,
//!   once a taker has seen it unchanged for `failoverTimeMillis`;
//! * how many records the owner has processed since its last checkpoint: if the owner died
//!   now, the next owner would start from the checkpoint and process those again.
//!
//! And the panel explains itself, in sentences made here and tested natively: what each
//! column of the lease table means ([`LEASE_COLUMNS`]), what "processed again" and "overlaps"
//! are in the KCL's model ([`PROCESSED_AGAIN`], [`OVERLAPS`]), and the event behind the last
//! of each, with its time ([`AppView::last_processed_again`], [`AppView::last_overlap`]), read
//! from the world's event log.

use serde::Serialize;

use super::text::{and_list, plural};
use crate::kcl::app::{ConsumerState, KclApp, LeaseMove, WorkerState, WORKER_PROCESSED};
use crate::kcl::{DuplicateReason, KclEvent};
use crate::sim::{EventKind, World, START_MS};

/// One worker card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkerView {
    pub id: String,
    /// running, paused or dead (serialized as those words).
    pub state: WorkerState,
    /// For a paused worker: simulated milliseconds (since the start) when it wakes.
    pub paused_until_ms: Option<u64>,
    /// Lease keys it holds, by its own account.
    pub leases: Vec<String>,
    pub processed: u64,
    /// Records processed per second, over the last five complete seconds (a worker hands
    /// its record processor a batch per GetRecords, about once a second, so one second alone
    /// is lumpy).
    pub per_second: u64,
}

/// One row of the lease table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaseRow {
    pub lease_key: String,
    pub lease_owner: Option<String>,
    pub lease_counter: u64,
    pub checkpoint: String,
    pub owner_switches_since_checkpoint: u64,
    pub parent_shard_ids: Vec<String>,
    /// The owner's shard consumer state (PROCESSING, WAITING_ON_PARENT_SHARDS, ...).
    pub consumer_state: Option<ConsumerState>,
    /// Records the owner processed after the last checkpoint: processed again by whoever
    /// takes the lease next.
    pub since_checkpoint: u64,
    /// How long the counter has not changed.
    pub frozen_ms: u64,
    /// How long the live workers other than the owner have seen it unchanged (the largest).
    pub seen_frozen_ms: u64,
    /// The last time it changed hands.
    pub last_move: Option<LeaseMove>,
}

impl LeaseRow {
    /// How close the lease is to being taken: 0 while it is being renewed, up to 1 when a
    /// taker has seen it frozen for failoverTimeMillis (drawn as amber, then red).
    pub fn expiry(&self, failover_ms: u64) -> f64 {
        // A renewal is due every failover/3; a counter frozen for longer than two of those
        // is not being renewed.
        if self.frozen_ms * 3 <= failover_ms * 2 || failover_ms == 0 {
            return 0.0;
        }
        (self.seen_frozen_ms.max(self.frozen_ms) as f64 / failover_ms as f64).min(1.0)
    }
}

/// A KCL application on screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppView {
    pub name: String,
    pub stream: String,
    pub failover_ms: u64,
    pub workers: Vec<WorkerView>,
    pub leases: Vec<LeaseRow>,
    pub processed: u64,
    /// Records processed more than once, by cause (failover, steal, restart, zombie
    /// overlap).
    pub duplicates: Vec<(String, u64)>,
    pub overlaps: u64,
    /// Records of one key processed after a record of that key sent later
    /// ([`OUT_OF_ORDER`]).
    pub order_violations: u64,
    /// The last time records were processed again, and why, while the event log still holds
    /// it.
    pub last_processed_again: Option<Cause>,
    /// The last overlap, likewise.
    pub last_overlap: Option<Cause>,
}

/// An event behind a counter of the KCL panel: when, and what happened, in a sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// Simulated milliseconds since the start.
    pub at_ms: u64,
    pub text: String,
}

/// Every application in the world.
pub fn apps(world: &World) -> Vec<AppView> {
    let mut causes = Causes::default();
    // One pass over the log for every application, and none while nothing was processed
    // twice (the log holds thousands of events; this runs every frame).
    if world
        .apps()
        .any(|app| app.stats.total_duplicates() > 0 || app.stats.overlaps > 0)
    {
        for event in world.log().iter() {
            if let EventKind::Kcl { event: kcl } = &event.kind {
                causes.note(event.at_ms.saturating_sub(START_MS), kcl);
            }
        }
    }
    world
        .apps()
        .map(|app| app_view(world, app, &causes))
        .collect()
}

fn app_view(world: &World, app: &KclApp, causes: &Causes) -> AppView {
    let now = world.now_ms();
    let failover_ms = app.config.failover_time_millis;
    let workers = app
        .workers
        .values()
        .map(|w| WorkerView {
            id: w.id.clone(),
            state: w.state,
            paused_until_ms: match w.state {
                WorkerState::Paused { until_ms } => Some(until_ms.saturating_sub(START_MS)),
                _ => None,
            },
            leases: w.held_leases(),
            processed: w.processed,
            per_second: {
                let last = (now / 1000).saturating_sub(1);
                let five: u64 = w
                    .throughput
                    .per_second(WORKER_PROCESSED, last.saturating_sub(4), last)
                    .iter()
                    .sum();
                five / 5
            },
        })
        .collect();
    // How long each running worker has seen each lease unchanged, by its own clock.
    let ages: Vec<(String, std::collections::BTreeMap<String, u64>)> = app
        .workers
        .values()
        .filter(|w| w.state == WorkerState::Running)
        .map(|w| (w.id.clone(), w.ages(now)))
        .collect();
    let leases = app
        .table
        .rows()
        .map(|lease| {
            let owner = lease.lease_owner.as_deref();
            let consumer = owner
                .and_then(|o| app.workers.get(o))
                .and_then(|w| w.consumers.get(&lease.lease_key));
            let seen_frozen_ms = ages
                .iter()
                .filter(|(id, _)| Some(id.as_str()) != owner)
                .filter_map(|(_, ages)| ages.get(&lease.lease_key).copied())
                .max()
                .unwrap_or(0);
            let changed = app
                .activity
                .counter_changed_ms
                .get(&lease.lease_key)
                .copied()
                .unwrap_or(now);
            LeaseRow {
                lease_key: lease.lease_key.clone(),
                lease_owner: lease.lease_owner.clone(),
                lease_counter: lease.lease_counter,
                checkpoint: lease.checkpoint.as_str().to_string(),
                owner_switches_since_checkpoint: lease.owner_switches_since_checkpoint,
                parent_shard_ids: lease.parent_shard_ids.clone(),
                consumer_state: consumer.map(|c| c.state),
                since_checkpoint: consumer.map_or(0, |c| c.since_checkpoint),
                frozen_ms: now.saturating_sub(changed),
                seen_frozen_ms,
                last_move: app.activity.last_move.get(&lease.lease_key).cloned(),
            }
        })
        .collect();
    AppView {
        name: app.name.clone(),
        stream: app.config.stream.clone(),
        failover_ms,
        workers,
        leases,
        processed: app.stats.processed,
        duplicates: app
            .stats
            .duplicates
            .iter()
            .map(|(reason, n)| (reason.as_str().to_string(), *n))
            .collect(),
        overlaps: app.stats.overlaps,
        order_violations: app.order.violations(),
        last_processed_again: causes
            .processed_again
            .get(app.name.as_str())
            .map(|(at_ms, event)| processed_again_cause(app, *at_ms, event)),
        last_overlap: causes
            .overlap
            .get(app.name.as_str())
            .map(|(at_ms, event)| overlap_cause(*at_ms, event)),
    }
}

/// The last `Duplicates` and `Overlap` event of each application in the log, with its time
/// since the start.
#[derive(Default)]
struct Causes<'a> {
    processed_again: std::collections::BTreeMap<&'a str, (u64, &'a KclEvent)>,
    overlap: std::collections::BTreeMap<&'a str, (u64, &'a KclEvent)>,
}

impl<'a> Causes<'a> {
    fn note(&mut self, at_ms: u64, event: &'a KclEvent) {
        match event {
            KclEvent::Duplicates { app, .. } => {
                self.processed_again.insert(app, (at_ms, event));
            }
            KclEvent::Overlap { app, .. } => {
                self.overlap.insert(app, (at_ms, event));
            }
            _ => {}
        }
    }
}

// ------------------------------------------------------------------ what the panel says

/// The lease table's columns as the panel heads them, each with what it means in plain words.
/// The last three are not in the KCL's table: the panel works them out.
pub const LEASE_COLUMNS: &[(&str, &str)] = &[
    (
        "leaseKey",
        "The shard this lease is for: one lease per shard, named by its shard id.",
    ),
    (
        "leaseOwner",
        "The worker that holds the lease: the only one that should process the shard's records.",
    ),
    (
        "leaseCounter",
        "Goes up by one at every write to the row: each renewal by the owner (every \
         failoverTimeMillis / 3 or so), each checkpoint, each take. A counter that stops going \
         up tells the other workers the owner is gone.",
    ),
    (
        "checkpoint",
        "Where processing of the shard has got to: the sequence number of the last record the \
         record processor checkpointed (TRIM_HORIZON, LATEST or AT_TIMESTAMP before the first, \
         SHARD_END once a closed shard is done). A new owner goes on from there.",
    ),
    (
        "ownerSwitchesSinceCheckpoint",
        "How many times the lease changed owner since its last checkpoint. Each new owner \
         starts from that checkpoint again.",
    ),
    (
        "parentShardId",
        "The shards this one was split or merged from. Its records are processed only once its \
         parents have been processed to their end (SHARD_END), so a key's records stay in \
         order.",
    ),
    (
        "shard consumer",
        "What the owner's shard consumer is doing: waiting for the parent shards to be done, \
         initializing, processing records, or shutting down. Not stored in the lease table.",
    ),
    (
        "unchanged for",
        "How long leaseCounter has not gone up. The other workers look at the table only every \
         2 × (failoverTimeMillis + epsilon) or so; once one of them has seen the counter \
         unchanged for failoverTimeMillis, the lease has expired and it takes it. Not stored \
         in the lease table.",
    ),
    (
        "after checkpoint",
        "Records the owner processed after its last checkpoint: if the lease moved now, the \
         next owner would process them again. Not stored in the lease table.",
    ),
];

/// What "processed again" means in the KCL's model.
pub const PROCESSED_AGAIN: &str =
    "Processed again: the KCL processes every record at least once, not exactly once. When a \
     lease moves (a failover, a steal to balance the load, a restart), the new owner starts \
     from the lease's last checkpoint, so the records processed after that checkpoint are \
     processed a second time. Record processors should be idempotent.";

/// What "overlaps" means in the KCL's model.
pub const OVERLAPS: &str =
    "An overlap: two workers processing the same shard at the same time. A worker that lost \
     its lease keeps processing until it notices, at its next renewal, or later if it was \
     frozen (a zombie, after a long garbage collection), so a batch can be processed by both.";

/// What "out of order" means for a KCL application.
pub const OUT_OF_ORDER: &str =
    "Out of order: records of one partition key processed after a record of that key which \
     their producer sent later, as when PutRecords entries are resent behind newer ones. The \
     KCL reads each shard in order and a child shard only after its parents, so it does not \
     reorder a key itself. Records processed again count as processed again, not here.";

/// How a worker came to process records again; `from` says from whom and when it took the
/// lease (` from worker-1 at 0:00:10.0`), when that is known.
fn reason_text(reason: DuplicateReason, from: &str) -> String {
    match reason {
        DuplicateReason::Failover => format!(
            "it took the lease{from} after its owner stopped renewing it, and started from the \
             last checkpoint"
        ),
        DuplicateReason::Steal => format!(
            "it stole the lease{from} to balance the load, and started from the last checkpoint"
        ),
        DuplicateReason::Restart => "it restarted with its old id, reclaimed the lease and \
                                     started from the last checkpoint"
            .to_string(),
        DuplicateReason::ZombieOverlap => "it had lost the lease without noticing (a zombie) \
                                           and finished a batch the new owner processed too"
            .to_string(),
        DuplicateReason::Handoff => format!(
            "the lease was handed over{from} on purpose (KCL 3.x), but the old owner had not \
             checkpointed everything it processed in shutdownRequested"
        ),
    }
}

/// The last records processed again: who, how many, of which shard, and why.
fn processed_again_cause(app: &KclApp, at_ms: u64, event: &KclEvent) -> Cause {
    let KclEvent::Duplicates {
        lease,
        worker,
        count,
        reason,
        ..
    } = event
    else {
        return Cause {
            at_ms,
            text: String::new(),
        };
    };
    // The move that gave it the lease, if that is still the lease's last move.
    let from = app
        .activity
        .last_move
        .get(lease)
        .filter(|m| m.to == *worker && m.at_ms.saturating_sub(START_MS) <= at_ms)
        .and_then(|m| {
            let from = m.from.as_deref()?;
            Some(format!(
                " from {from} at {}",
                clock(m.at_ms.saturating_sub(START_MS))
            ))
        })
        .unwrap_or_default();
    Cause {
        at_ms,
        text: format!(
            "Last at {}: {worker} processed {} of {lease} a second time: {}.",
            clock(at_ms),
            plural(*count, "record", "records"),
            reason_text(*reason, &from)
        ),
    }
}

/// The last overlap: which workers, on which shard.
fn overlap_cause(at_ms: u64, event: &KclEvent) -> Cause {
    let text = match event {
        KclEvent::Overlap { lease, workers, .. } => format!(
            "Last at {}: {} processed {lease} at the same time.",
            clock(at_ms),
            and_list(workers)
        ),
        _ => String::new(),
    };
    Cause { at_ms, text }
}

/// Simulated time as the page's clock shows it: `0:01:05.3`.
pub fn clock(elapsed_ms: u64) -> String {
    let tenths = elapsed_ms / 100 % 10;
    let s = elapsed_ms / 1000;
    format!("{}:{:02}:{:02}.{tenths}", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Link, Session};

    #[test]
    fn a_dead_workers_lease_freezes_turns_amber_and_moves() {
        let mut session = Session::new(Link::decode("#seed=1").unwrap());
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
        // The opening scene with its application polling (its default is enhanced fan-out,
        // whose new owner's subscription ends the old owner's, so fewer records come twice):
        // the first worker takes every lease, the others steal theirs.
        let scene = include_str!("default.sh").replace(
            "--checkpoint every:500",
            "--checkpoint every:500 --retrieval polling",
        );
        let mut session = Session::new(Link::start(crate::session::Scenario::Script(scene), 1));
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
        assert!(OVERLAPS
            .starts_with("An overlap: two workers processing the same shard at the same time."));
        assert!(OVERLAPS.contains("(a zombie, after a long garbage collection)"));
        let heads: Vec<&str> = LEASE_COLUMNS.iter().map(|(head, _)| *head).collect();
        assert_eq!(
            heads,
            [
                "leaseKey",
                "leaseOwner",
                "leaseCounter",
                "checkpoint",
                "ownerSwitchesSinceCheckpoint",
                "parentShardId",
                "shard consumer",
                "unchanged for",
                "after checkpoint"
            ]
        );
        for (head, text) in LEASE_COLUMNS {
            assert!(text.ends_with('.') && text.len() > 40, "{head}: {text}");
        }
        let counter = LEASE_COLUMNS[2].1;
        assert!(counter.contains("each checkpoint"), "{counter}");
        assert_eq!(clock(65_300), "0:01:05.3");
    }
}
