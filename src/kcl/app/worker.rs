//! A worker of a KCL application, and the tasks the world schedules for it.
//!
//! Separate from the application because a worker is what a learner kills, pauses and
//! restarts: its own clock-based memory of the lease table (the leases it holds and what it
//! saw of the others'), its shard consumers, and its random source. The loops it runs
//! ([`KclTask`]) are the KCL's: the LeaseRenewer, the LeaseTaker, the Scheduler's dispatch,
//! the LeaseCleanupManager and each ShardConsumer's next step.

use std::collections::BTreeMap;

use rand_pcg::Pcg64Mcg;

use super::lease_assignment::Worker3;
use super::shard_consumer::ShardConsumer;
use crate::engine::metrics::Series;
use crate::kcl::events::serialize_as_text;
use crate::kcl::taker::{Acquisition, Observation};

/// A worker's life.
///
/// Serialized (in the snapshot and the KCL view) as its text: `running`, `paused`, `dead`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerState {
    Running,
    /// A long pause (a garbage collection): nothing runs until `until_ms`.
    Paused {
        until_ms: u64,
    },
    Dead,
}

impl WorkerState {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerState::Running => "running",
            WorkerState::Paused { .. } => "paused",
            WorkerState::Dead => "dead",
        }
    }
}

impl std::fmt::Display for WorkerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

serialize_as_text!(WorkerState);

/// A lease a worker holds, as it remembers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Held {
    pub(super) counter: u64,
    /// This worker's clock at its last successful write of the lease.
    pub(super) renewed_ms: u64,
    pub(super) acquisition: Acquisition,
    /// A fresh token per holding (the KCL's concurrency token), so a consumer of an earlier
    /// holding cannot act on this one.
    pub(super) token: u64,
    /// KCL 3.x: the new `leaseOwner` once a renewal revealed a graceful handoff (this worker
    /// is then the `checkpointOwner`).
    pub(super) handoff_to: Option<String>,
    /// KCL 3.x: bytes processed on the lease since its last renewal (for `throughputKBps`).
    pub(super) bytes_since_renewal: u64,
}

impl Held {
    /// A lease just acquired with `counter`.
    pub(super) fn new(counter: u64, now: u64, acquisition: Acquisition, token: u64) -> Held {
        Held {
            counter,
            renewed_ms: now,
            acquisition,
            token,
            handoff_to: None,
            bytes_since_renewal: 0,
        }
    }
}

/// One worker of the application.
#[derive(Clone, Debug)]
pub struct Worker {
    pub id: String,
    pub state: WorkerState,
    pub(super) held: BTreeMap<String, Held>,
    /// What this worker's taker saw of every lease, by its own clock.
    pub(super) observed: BTreeMap<String, Observation>,
    pub consumers: BTreeMap<String, ShardConsumer>,
    pub(super) rng: Pcg64Mcg,
    pub(super) generation: u64,
    /// The last concurrency token handed out (see [`Held::token`]).
    pub(super) next_token: u64,
    pub processed: u64,
    /// Records processed per second (the worker's throughput).
    pub throughput: Series<1>,
    /// When the renewer is next due (its fixed-rate schedule).
    pub(super) next_renew_ms: u64,
    /// When the LeaseCleanupManager's completed-lease stopwatch was last (re)started: at the
    /// start of the worker's lease loops, and after each successful delete.
    pub(super) cleanup_stopwatch_ms: u64,
    /// A graceful shutdown (`kcl worker remove`) is under way: the worker takes no lease and
    /// starts no shard consumer, and goes once every consumer has shut down.
    pub(super) shutting_down: bool,
    /// KCL 3.x: the worker's leader decider, lease assignment manager, metrics reporter and
    /// graceful shutdown handler (`None` under 2.x).
    pub kcl3: Option<Worker3>,
    /// The host's load besides the KCL, in percent (`kcl worker load`; KCL 3.x reports it in
    /// its CPU utilisation). Kept across restarts: it is the machine's.
    pub background_load_pct: f64,
}

impl Worker {
    /// Whether a graceful shutdown (`kcl worker remove`) is under way: the worker is still
    /// finishing its batches, and goes once every shard consumer has shut down.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down
    }

    /// Lease keys this worker holds.
    pub fn held_leases(&self) -> Vec<String> {
        self.held.keys().cloned().collect()
    }

    /// How long ago, by this worker's clock, each lease it knows was renewed or seen to change
    /// (a lease it never saw change, a new unowned one, has no age: it counts as very old).
    pub fn ages(&self, now_ms: u64) -> BTreeMap<String, u64> {
        let mut ages: BTreeMap<String, u64> = self
            .observed
            .iter()
            .filter_map(|(key, note)| Some((key.clone(), now_ms.saturating_sub(note.changed_ms?))))
            .collect();
        for (key, held) in &self.held {
            ages.insert(key.clone(), now_ms.saturating_sub(held.renewed_ms));
        }
        ages
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// The work a scheduled task does.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KclTask {
    /// The worker's start-up is done: the Scheduler initializes (KclApp::initialize_worker).
    Initialize,
    /// A starting worker found the lease table empty: it looks again every 3 s, until
    /// `until_ms`, whether another worker created the leases (Scheduler.java:637-651).
    WaitForLeaseTable {
        until_ms: u64,
    },
    Renew,
    Take,
    Dispatch,
    Cleanup,
    /// The application's periodic shard sync (run by the first running worker).
    Sync,
    /// KCL 3.x: the leader decider and, on the leader, the LeaseAssignmentManager (every
    /// 2 x failover, fixed delay).
    Assign,
    /// KCL 3.x: lease discovery, leases whose `leaseOwner` is this worker (every 9,975 ms).
    Discover,
    /// KCL 3.x: the WorkerMetricStats reporter (every 30 s).
    ReportMetrics,
    /// KCL 3.x: the leader lock's heartbeat (every 30 s; only the holder's changes the lock).
    LeaderHeartbeat,
    /// KCL 3.x: the LeaseGracefulShutdownHandler's check (every 2 s).
    ShutdownCheck,
    /// A shard consumer's next step.
    Step {
        lease_key: String,
        token: u64,
    },
}

/// A task to schedule: for a worker (of a generation), or for the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wake {
    pub at_ms: u64,
    pub worker: Option<String>,
    pub generation: u64,
    pub task: KclTask,
}
