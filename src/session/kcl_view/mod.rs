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
//!
//! KCL 3.x adds to each of these (`kcl3.rs`): the application's version and leader, each
//! worker's CPU utilisation as its metrics report says, the lease table's `checkpointOwner` and
//! `throughputKBps`, and a lease move worded by how the leader moved it.

mod kcl3;

pub use kcl3::{move_text, CPU_EXPLAINED, LEADER_EXPLAINED, TAKER_EXPLAINED};

use serde::Serialize;

use super::text::{and_list, plural};
use crate::kcl::app::{ConsumerState, KclApp, LeaseMove, WorkerState, WORKER_PROCESSED};
use crate::kcl::{DuplicateReason, KclEvent};
use crate::sim::{EventKind, World, START_MS};

/// One worker card.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
    /// KCL 3.x: whether the `Leader` lock names this worker.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub leader: bool,
    /// KCL 3.x: the CPU utilisation (percent) of its last WorkerMetricStats report, the value
    /// the leader reads (`workers[].cpu` in the snapshot); `None` before the first report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_pct: Option<f64>,
    /// The host's load besides the KCL (`kcl worker load`), in percent; included in `cpu_pct`.
    #[serde(skip_serializing_if = "is_zero")]
    pub background_load_pct: f64,
}

/// One row of the lease table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeaseRow {
    pub lease_key: String,
    pub lease_owner: Option<String>,
    /// KCL 3.x: the old owner while a graceful handoff is under way (`leaseOwner` already names
    /// the new one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint_owner: Option<String>,
    /// KCL 3.x: the shard's throughput its owner wrote at its last renewal, KB/s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throughput_kbps: Option<f64>,
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
    /// The KCL version, 2 or 3 (`kcl app add --version`).
    #[serde(skip_serializing_if = "is_v2")]
    pub version: u8,
    /// KCL 3.x: the worker the `Leader` lock in the coordinator state table names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leader: Option<String>,
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

fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

fn is_v2(version: &u8) -> bool {
    *version < 3
}

fn app_view(world: &World, app: &KclApp, causes: &Causes) -> AppView {
    let now = world.now_ms();
    let failover_ms = app.config.failover_time_millis;
    let leader = app.leader().filter(|_| app.config.is_v3());
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
            leader: leader == Some(w.id.as_str()),
            cpu_pct: w.kcl3.as_ref().and_then(|k| k.cpu_pct),
            background_load_pct: if app.config.is_v3() {
                w.background_load_pct
            } else {
                0.0
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
                checkpoint_owner: lease.checkpoint_owner.clone(),
                throughput_kbps: lease.throughput_kbps,
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
        version: app.config.version,
        leader: leader.map(str::to_string),
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
/// The last three are not in the KCL's table: the panel works them out. `checkpointOwner` and
/// `throughputKBps` are KCL 3.x's: [`lease_columns`] leaves them out for a 2.x application.
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
        "checkpointOwner",
        "KCL 3.x only: set while a lease is handed over gracefully, empty otherwise. To move \
         a live lease, the leader writes leaseOwner = the new worker and checkpointOwner = the \
         old one; the old owner's next renewal fails on it, its record processor checkpoints in \
         shutdownRequested, and it hands the lease over by removing checkpointOwner \
         (leaseCounter + 1; forced after 30 s). The new owner starts only then, from that \
         checkpoint.",
    ),
    (
        "leaseCounter",
        "Goes up by one at every write to the row: each renewal by the owner (every \
         failoverTimeMillis / 3 or so), each checkpoint, each take (KCL 3.x: each assignment by \
         the leader, and the end of a handoff). A counter that stops going \
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
        "throughputKBps",
        "KCL 3.x only: the shard's throughput, in KB per second, that the owner measured and \
         wrote with its last renewal. The leader's LeaseAssignmentManager reads it to work out \
         how much throughput to move off a busy worker.",
    ),
    (
        "shard consumer",
        "What the owner's shard consumer is doing: waiting for the parent shards to be done, \
         initializing, processing records, or shutting down. Not stored in the lease table.",
    ),
    (
        "unchanged for",
        "How long leaseCounter has not gone up. KCL 2.x: the other workers look at the table \
         only every 2 × (failoverTimeMillis + epsilon) or so; once one of them has seen the \
         counter unchanged for failoverTimeMillis, the lease has expired and it takes it. KCL \
         3.x: the leader looks every 2 × failoverTimeMillis, and gives a lease it has seen \
         unchanged for failoverTimeMillis to another worker. Not stored in the lease table.",
    ),
    (
        "after checkpoint",
        "Records the owner processed after its last checkpoint: if the lease moved now, the \
         next owner would process them again. Not stored in the lease table.",
    ),
];

/// The columns of an application's lease table: all of [`LEASE_COLUMNS`] for KCL 3.x, without
/// the 3.x attributes for 2.x.
pub fn lease_columns(version: u8) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    LEASE_COLUMNS
        .iter()
        .filter(move |(head, _)| version >= 3 || !kcl3::KCL3_COLUMNS.contains(head))
}

/// What "processed again" means in the KCL's model.
pub const PROCESSED_AGAIN: &str =
    "Processed again: the KCL processes every record at least once, not exactly once. When a \
     lease moves (a failover, a restart, a KCL 2.x steal to balance the load), the new owner \
     starts from the lease's last checkpoint, so the records processed after that checkpoint \
     are processed a second time. A KCL 3.x graceful handoff lets the old owner checkpoint \
     first, in shutdownRequested. Record processors should be idempotent.";

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
mod tests;
