//! What the KCL model reports, for the event log and the lessons.

use serde::Serialize;

use super::table::Checkpoint;

/// The shard consumer states of the KCL (its `ConsumerStates.ShardConsumerState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerState {
    WaitingOnParentShards,
    Initializing,
    Processing,
    /// A graceful shutdown was requested (reason REQUESTED): the batch in flight finishes,
    /// then the record processor's `shutdownRequested` is called.
    ShutdownRequested,
    /// The record processor's `leaseLost` (LEASE_LOST) or `shardEnded` (SHARD_END) runs.
    ShuttingDown,
    ShutdownComplete,
}

impl ConsumerState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumerState::WaitingOnParentShards => "WAITING_ON_PARENT_SHARDS",
            ConsumerState::Initializing => "INITIALIZING",
            ConsumerState::Processing => "PROCESSING",
            ConsumerState::ShutdownRequested => "SHUTDOWN_REQUESTED",
            ConsumerState::ShuttingDown => "SHUTTING_DOWN",
            ConsumerState::ShutdownComplete => "SHUTDOWN_COMPLETE",
        }
    }
}

/// Why a shard consumer shut down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShutdownReason {
    ShardEnd,
    LeaseLost,
    Requested,
}

impl ShutdownReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ShutdownReason::ShardEnd => "SHARD_END",
            ShutdownReason::LeaseLost => "LEASE_LOST",
            ShutdownReason::Requested => "REQUESTED",
        }
    }
}

impl std::fmt::Display for ConsumerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for ShutdownReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The states, reasons and worker actions are logged (and serialized, which the determinism
/// digests read) as the words the KCL and the history use: `WAITING_ON_PARENT_SHARDS`,
/// `LEASE_LOST`, `paused for 5000 ms`, a worker's `running`. The one way the KCL model writes
/// a type as its `Display` text: the event log, the snapshot (`sim/snapshot.rs`) and the KCL
/// view (`session/kcl_view.rs`) all serialize these types through it.
macro_rules! serialize_as_text {
    ($($name:ty),*) => {$(
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    )*};
}
pub(crate) use serialize_as_text;

serialize_as_text!(ConsumerState, ShutdownReason, WorkerAction, ProcessorCall);

/// The record processor's shutdown methods (the KCL 2.x `ShardRecordProcessor` interface),
/// reported when the KCL calls them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessorCall {
    /// The lease was lost (LEASE_LOST): the processor may no longer checkpoint.
    LeaseLost,
    /// The shard ended (SHARD_END): the processor must checkpoint SHARD_END here.
    ShardEnded,
    /// A graceful shutdown (REQUESTED): the processor checkpoints what it processed.
    ShutdownRequested,
}

impl ProcessorCall {
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessorCall::LeaseLost => "leaseLost",
            ProcessorCall::ShardEnded => "shardEnded",
            ProcessorCall::ShutdownRequested => "shutdownRequested",
        }
    }
}

impl std::fmt::Display for ProcessorCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to a worker process (what a person or the machine did to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerAction {
    Started,
    /// Started again with an id it had before (it reclaims its leases at once).
    Restarted,
    Killed,
    /// A long pause (a garbage collection) of this many milliseconds began.
    Paused {
        for_ms: u64,
    },
    Removed,
    /// A pause ended.
    WokeUp,
}

impl WorkerAction {
    /// Whether the worker came to life (rather than something being done to it).
    pub fn is_start(self) -> bool {
        matches!(self, WorkerAction::Started | WorkerAction::WokeUp)
    }
}

impl std::fmt::Display for WorkerAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkerAction::Started => f.write_str("started"),
            WorkerAction::Restarted => f.write_str("restarted"),
            WorkerAction::Killed => f.write_str("killed"),
            WorkerAction::Paused { for_ms } => write!(f, "paused for {for_ms} ms"),
            WorkerAction::Removed => f.write_str("removed"),
            WorkerAction::WokeUp => f.write_str("woke up"),
        }
    }
}

/// KCL 3.x: how a lease moved to another worker, for the words the page and the log use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeaseMoveKind {
    /// The leader gave out a lease nobody held, or one whose worker had shut down gracefully.
    Assignment,
    /// A graceful handoff: the old owner checkpointed in `shutdownRequested` and transferred
    /// it.
    Handoff,
    /// The leader reassigned a lease whose owner stopped renewing it (crashed or frozen).
    Crash,
}

impl LeaseMoveKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaseMoveKind::Assignment => "assignment",
            LeaseMoveKind::Handoff => "handoff",
            LeaseMoveKind::Crash => "crash",
        }
    }
}

impl std::fmt::Display for LeaseMoveKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

serialize_as_text!(LeaseMoveKind);

/// Why records were processed more than once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum DuplicateReason {
    /// A worker took a lease whose owner had stopped renewing it, and restarted from the
    /// last checkpoint.
    Failover,
    /// A worker stole a lease to balance the load, and restarted from the last checkpoint.
    Steal,
    /// A worker restarting with its old id reclaimed its lease from the last checkpoint.
    Restart,
    /// A worker that had lost its lease (a zombie) finished processing a batch that the new
    /// owner processed too.
    ZombieOverlap,
    /// KCL 3.x: a lease moved on purpose (a graceful handoff, or a worker's graceful shutdown)
    /// and the new owner started from a checkpoint older than what the old owner processed:
    /// the application did not checkpoint in `shutdownRequested`, or the transfer was forced
    /// after 30 s.
    Handoff,
}

impl DuplicateReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateReason::Failover => "failover",
            DuplicateReason::Steal => "steal",
            DuplicateReason::Restart => "restart",
            DuplicateReason::ZombieOverlap => "zombie overlap",
            DuplicateReason::Handoff => "handoff",
        }
    }
}

/// One thing that happened in a KCL application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kcl")]
pub enum KclEvent {
    LeaseCreated {
        app: String,
        lease: String,
        /// Serialized as its text (`TRIM_HORIZON`, `LATEST`, ...).
        checkpoint: Checkpoint,
    },
    LeaseRenewed {
        app: String,
        worker: String,
        lease: String,
        counter: u64,
    },
    /// A worker's taker saw a lease's counter frozen for longer than failoverTimeMillis.
    LeaseExpired {
        app: String,
        lease: String,
        owner: String,
        seen_by: String,
    },
    LeaseTaken {
        app: String,
        lease: String,
        worker: String,
        from: Option<String>,
        counter: u64,
        stolen: bool,
        /// KCL 3.x: how the lease came to this worker (absent under 2.x, where `stolen`
        /// says it).
        #[serde(skip_serializing_if = "Option::is_none")]
        how: Option<LeaseMoveKind>,
    },
    /// KCL 3.x: the leader's LeaseAssignmentManager wrote a new `leaseOwner` (an assignLease,
    /// or the start of a graceful handoff, which sets `checkpointOwner` to `from`).
    LeaseAssigned {
        app: String,
        lease: String,
        from: Option<String>,
        to: String,
        how: LeaseMoveKind,
    },
    /// KCL 3.x: the old owner ended a graceful handoff: `checkpointOwner` removed, counter + 1.
    /// `forced` when the processor had not finished `shutdownRequested` within 30 s.
    LeaseTransferred {
        app: String,
        lease: String,
        from: String,
        to: String,
        forced: bool,
    },
    /// KCL 3.x: a worker took the `Leader` lock in the coordinator-state table.
    LeaderElected {
        app: String,
        worker: String,
    },
    LeaseLost {
        app: String,
        lease: String,
        worker: String,
        why: String,
    },
    Checkpointed {
        app: String,
        lease: String,
        worker: String,
        /// A record's sequence number or `SHARD_END`, serialized as its text.
        checkpoint: Checkpoint,
    },
    CheckpointFailed {
        app: String,
        lease: String,
        worker: String,
        message: String,
    },
    ConsumerState {
        app: String,
        lease: String,
        worker: String,
        state: ConsumerState,
        reason: Option<ShutdownReason>,
    },
    LeaseDeleted {
        app: String,
        lease: String,
    },
    Duplicates {
        app: String,
        lease: String,
        worker: String,
        count: u64,
        reason: DuplicateReason,
    },
    /// Two workers processed the same shard at the same time.
    Overlap {
        app: String,
        lease: String,
        workers: Vec<String>,
    },
    /// The KCL called one of the record processor's shutdown methods.
    ProcessorCalled {
        app: String,
        lease: String,
        worker: String,
        call: ProcessorCall,
    },
    /// The record processor returned from `shardEnded` without checkpointing SHARD_END.
    ShardEndNotCheckpointed {
        app: String,
        lease: String,
        worker: String,
    },
    Worker {
        app: String,
        worker: String,
        action: WorkerAction,
    },
}

impl KclEvent {
    /// The application the event belongs to.
    pub fn app(&self) -> &str {
        match self {
            KclEvent::LeaseCreated { app, .. }
            | KclEvent::LeaseRenewed { app, .. }
            | KclEvent::LeaseExpired { app, .. }
            | KclEvent::LeaseTaken { app, .. }
            | KclEvent::LeaseAssigned { app, .. }
            | KclEvent::LeaseTransferred { app, .. }
            | KclEvent::LeaderElected { app, .. }
            | KclEvent::LeaseLost { app, .. }
            | KclEvent::Checkpointed { app, .. }
            | KclEvent::CheckpointFailed { app, .. }
            | KclEvent::ConsumerState { app, .. }
            | KclEvent::LeaseDeleted { app, .. }
            | KclEvent::Duplicates { app, .. }
            | KclEvent::Overlap { app, .. }
            | KclEvent::ProcessorCalled { app, .. }
            | KclEvent::ShardEndNotCheckpointed { app, .. }
            | KclEvent::Worker { app, .. } => app,
        }
    }
}
