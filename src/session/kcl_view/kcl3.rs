//! What the KCL panel says that only KCL 3.x has: the leader, the workers' CPU, a lease being
//! handed over, and how the leader moved a lease.
//!
//! Separate from the 2.x view because 3.x moves leases another way: one elected leader, which
//! holds the `Leader` lock in the coordinator state table, runs the LeaseAssignmentManager and
//! assigns leases by worker load (reference `modern-kinesis.md` section 3); a live lease moves by
//! a graceful handoff (`checkpointOwner`), never by a steal. The sentences are made here and
//! tested natively, the page only draws them.

use super::{AppView, LeaseRow, WorkerView};
use crate::kcl::app::LeaseMove;
use crate::kcl::LeaseMoveKind;
use crate::session::captions;

/// The lease table attributes KCL 3.x added (left out of a 2.x application's table).
pub(super) const KCL3_COLUMNS: [&str; 2] = ["checkpointOwner", "throughputKBps"];

/// What the leader of a KCL 3.x application does (the header's and the badge's explanation).
pub const LEADER_EXPLAINED: &str =
    "KCL 3.x: one worker, the leader, holds the Leader lock in the application's coordinator \
     state table (taken through the DynamoDB Lock Client and renewed every 30 s). Only the \
     leader runs the LeaseAssignmentManager: every 2 × failoverTimeMillis it gives unowned and \
     expired leases to the workers with the most room, and, every third run, when a worker's \
     CPU is more than 10% off the fleet's average, moves leases off the busiest by a graceful \
     handoff. The other workers renew their leases \
     and find the ones assigned to them. If the leader dies, nothing is reassigned until its \
     lock lapses (2 minutes) and another worker takes it.";

/// How a KCL 2.x application shares its leases (the header's explanation).
pub const TAKER_EXPLAINED: &str =
    "KCL 2.x: there is no leader for leases. Every worker runs its own lease taker every \
     2 × (failoverTimeMillis + epsilon): it takes leases nobody renewed for failoverTimeMillis \
     and, if it holds fewer than its share, steals one from the worker holding the most.";

/// What a worker's CPU bar shows.
pub const CPU_EXPLAINED: &str =
    "KCL 3.x: each worker writes its CPU utilisation to the WorkerMetricStats table every 30 s; \
     the leader reads it (an average of the last reports) to balance the load. Here it is the \
     time the worker spent processing records plus the host's other load (kcl worker load).";

impl AppView {
    pub fn is_kcl3(&self) -> bool {
        self.version >= 3
    }

    /// "KCL 3.x" or "KCL 2.x".
    pub fn version_label(&self) -> &'static str {
        if self.is_kcl3() {
            "KCL 3.x"
        } else {
            "KCL 2.x"
        }
    }

    /// The header's line about who assigns leases: the leader under 3.x, every worker's taker
    /// under 2.x.
    pub fn leases_by(&self) -> String {
        match (&self.leader, self.is_kcl3()) {
            (Some(leader), true) => format!("leader {leader}"),
            (None, true) => "no leader elected yet".to_string(),
            (_, false) => "every worker runs its own lease taker".to_string(),
        }
    }

    /// The explanation of [`AppView::leases_by`].
    pub fn leases_by_explained(&self) -> &'static str {
        if self.is_kcl3() {
            LEADER_EXPLAINED
        } else {
            TAKER_EXPLAINED
        }
    }
}

impl WorkerView {
    /// The CPU as its card says it: `CPU 78% (incl. 70% background)`.
    pub fn cpu_text(&self) -> String {
        let background = if self.background_load_pct > 0.0 {
            format!(" (incl. {:.0}% background)", self.background_load_pct)
        } else {
            String::new()
        };
        match self.cpu_pct {
            Some(cpu) => format!("CPU {cpu:.0}%{background}"),
            None => format!("CPU not reported yet{background}"),
        }
    }
}

impl LeaseRow {
    /// A lease in a graceful handoff: `handing over from worker-1 to worker-2`.
    pub fn handover_text(&self) -> Option<String> {
        let from = self.checkpoint_owner.as_deref()?;
        let to = self.lease_owner.as_deref().unwrap_or("nobody");
        Some(format!("handing over from {from} to {to}"))
    }

    /// The title of a KCL 3.x row's "unchanged for" cell (the leader, not the other workers,
    /// judges expiry).
    pub fn frozen_title_kcl3(&self, failover_ms: u64) -> String {
        format!(
            "Counter unchanged for {:.1} s; the leader reassigns a lease it has seen unchanged \
             for {:.0} s at one of its LeaseAssignmentManager runs",
            self.frozen_ms as f64 / 1000.0,
            failover_ms as f64 / 1000.0
        )
    }

    /// `throughputKBps` as the cell shows it.
    pub fn throughput_text(&self) -> String {
        self.throughput_kbps
            .map_or_else(|| "-".to_string(), |kbps| format!("{kbps:.1}"))
    }
}

/// A recent lease move in words, after the new owner's name: how the leader moved it under 3.x,
/// taken or stolen under 2.x.
pub fn move_text(moved: &LeaseMove) -> String {
    let from = moved.from.as_deref();
    match (moved.how, from) {
        (None, _) => captions::lease_moved(moved.stolen, from),
        (Some(LeaseMoveKind::Assignment), None) => " assigned by the leader".to_string(),
        (Some(LeaseMoveKind::Assignment), Some(from)) => {
            format!(" assigned by the leader after {from} shut down gracefully")
        }
        (Some(LeaseMoveKind::Handoff), from) => format!(
            " balanced by the leader: handed over by {}",
            from.unwrap_or("its old owner")
        ),
        (Some(LeaseMoveKind::Crash), from) => format!(
            " reassigned by the leader: {} stopped renewing it",
            from.unwrap_or("its owner")
        ),
    }
}
