//! What changed inside the service on its own: the asynchronous transitions a learner should
//! see happen (a stream turning ACTIVE, a split completing). The simulation drains these into
//! its event log; API calls report their own outcomes directly.

use serde::Serialize;

/// A change the engine made when simulated time reached it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind")]
pub enum EngineEvent {
    /// A stream's status changed (CREATING -> ACTIVE, ACTIVE -> UPDATING, ...).
    StreamStatusChanged {
        at_ms: u64,
        stream: String,
        status: &'static str,
    },
    /// A deleted stream is gone.
    StreamDeleted { at_ms: u64, stream: String },
    /// A split completed: the parent closed and two children opened.
    ShardSplit {
        at_ms: u64,
        stream: String,
        parent: String,
        children: [String; 2],
        /// Why the service split it by itself (on-demand scaling); absent for SplitShard.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A merge completed: two adjacent parents closed and one child opened.
    ShardsMerged {
        at_ms: u64,
        stream: String,
        parents: [String; 2],
        child: String,
        /// Why the service merged them by itself (on-demand scaling); absent for MergeShards.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Records passed retention and were trimmed.
    RecordsExpired {
        at_ms: u64,
        stream: String,
        count: u64,
    },
    /// A stream consumer's status changed (CREATING, ACTIVE, DELETING).
    ConsumerStatusChanged {
        at_ms: u64,
        stream: String,
        consumer: String,
        status: &'static str,
    },
    /// A deregistered consumer is gone.
    ConsumerDeleted {
        at_ms: u64,
        stream: String,
        consumer: String,
    },
}
