//! What the KCL model reports, for the event log and the lessons.

use serde::Serialize;

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
}

impl DuplicateReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateReason::Failover => "failover",
            DuplicateReason::Steal => "steal",
            DuplicateReason::Restart => "restart",
            DuplicateReason::ZombieOverlap => "zombie overlap",
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
        checkpoint: String,
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
        checkpoint: String,
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
        state: &'static str,
        reason: Option<&'static str>,
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
    /// The record processor returned from `shardEnded` without checkpointing SHARD_END.
    ShardEndNotCheckpointed {
        app: String,
        lease: String,
        worker: String,
    },
    Worker {
        app: String,
        worker: String,
        action: String,
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
            | KclEvent::LeaseLost { app, .. }
            | KclEvent::Checkpointed { app, .. }
            | KclEvent::CheckpointFailed { app, .. }
            | KclEvent::ConsumerState { app, .. }
            | KclEvent::LeaseDeleted { app, .. }
            | KclEvent::Duplicates { app, .. }
            | KclEvent::Overlap { app, .. }
            | KclEvent::ShardEndNotCheckpointed { app, .. }
            | KclEvent::Worker { app, .. } => app,
        }
    }
}
