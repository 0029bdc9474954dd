//! The application's accounting: what a learner (and a test) needs and the KCL itself does
//! not keep.
//!
//! Separate from the loops that produce it because it only watches: counters of records
//! processed and processed twice ([`AppStats`]), each batch when a test traces
//! ([`Delivery`]), the per-second series of the charts, and when each lease last moved and
//! who owns how many ([`LeaseActivity`], fed by the world from the events).

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::kcl::events::{DuplicateReason, KclEvent, LeaseMoveKind};
use crate::kcl::table::LeaseTable;

/// Counters for the lessons.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AppStats {
    /// Records handed to record processors and finished.
    pub processed: u64,
    /// Records processed more than once, by reason.
    pub duplicates: BTreeMap<DuplicateReason, u64>,
    /// Times two workers processed the same shard at the same time.
    pub overlaps: u64,
    /// The KPL user records in the processed records (see `kpl::deaggregate`).
    pub user_records: crate::kpl::deaggregate::UserRecordStats,
}

impl AppStats {
    pub fn total_duplicates(&self) -> u64 {
        self.duplicates.values().sum()
    }
}

/// One batch a record processor finished: what a property test needs to check ordering,
/// coverage and duplicates record by record. Kept only while tracing
/// ([`super::KclApp::trace`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub worker: String,
    /// The holding the batch was processed under: a new one each time a worker (or a
    /// restarted worker with the same id) begins holding the lease.
    pub holding: u64,
    pub shard: u32,
    pub first_seq_ix: u64,
    pub last_seq_ix: u64,
    pub started_ms: u64,
    pub done_ms: u64,
}

/// The names of [`super::KclApp::series`]'s counters.
pub const APP_SERIES: [&str; 5] = [
    "processed",
    "MillisBehindLatest",
    "reads",
    "delivered",
    "delivery_latency_ms_sum",
];

/// The counters of [`super::KclApp::series`], in the order of [`APP_SERIES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppSeries {
    /// Records handed to the record processors.
    Processed,
    /// The largest MillisBehindLatest a GetRecords call returned (a maximum, not a sum).
    MillisBehindLatest,
    /// GetRecords calls that returned.
    Reads,
    /// Records handed to the record processors (`processRecords`), counted when handed over
    /// (`Processed` counts them when the batch is done).
    Delivered,
    /// The sum of those records' delivery latencies: divided by `Delivered`, the mean delivery
    /// latency of the second (see [`crate::sim::latency`]).
    DeliveryLatencySum,
}

impl AppSeries {
    /// Every counter, in order.
    pub const ALL: [AppSeries; 5] = [
        AppSeries::Processed,
        AppSeries::MillisBehindLatest,
        AppSeries::Reads,
        AppSeries::Delivered,
        AppSeries::DeliveryLatencySum,
    ];

    /// MillisBehindLatest keeps the largest value of a period; the others are sums.
    pub fn is_maximum(self) -> bool {
        self == AppSeries::MillisBehindLatest
    }
}

impl From<AppSeries> for usize {
    fn from(counter: AppSeries) -> usize {
        counter as usize
    }
}

/// The one counter of a worker's `throughput` series: records processed.
pub const WORKER_PROCESSED: usize = 0;

/// Per-second and per-minute periods of [`super::KclApp::series`] kept, as for shards.
pub(super) use crate::engine::metrics::SERIES_KEPT;

/// A lease changing hands: from whom (none for a lease nobody held), to whom, whether it was
/// stolen from a live worker, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaseMove {
    pub from: Option<String>,
    pub to: String,
    pub stolen: bool,
    pub at_ms: u64,
    /// KCL 3.x: how it moved (assignment, handoff or crash), for the page's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how: Option<LeaseMoveKind>,
}

/// What the lease table view needs and the table itself does not keep: when each lease's
/// `leaseCounter` last went up (every successful write raises it), and its last move.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaseActivity {
    pub counter_changed_ms: BTreeMap<String, u64>,
    pub last_move: BTreeMap<String, LeaseMove>,
    /// How many leases each worker owns in the table, after each change of ownership (at
    /// most [`OWNERSHIP_KEPT`], oldest dropped): the leases-per-worker chart.
    pub ownership: VecDeque<(u64, BTreeMap<String, u32>)>,
}

/// Changes of ownership remembered for the chart.
pub const OWNERSHIP_KEPT: usize = 2_000;

impl LeaseActivity {
    /// Notes what an event says about a lease.
    pub fn note(&mut self, at_ms: u64, event: &KclEvent) {
        match event {
            KclEvent::LeaseCreated { lease, .. }
            | KclEvent::LeaseRenewed { lease, .. }
            | KclEvent::Checkpointed { lease, .. } => {
                self.counter_changed_ms.insert(lease.clone(), at_ms);
            }
            KclEvent::LeaseTaken {
                lease,
                worker,
                from,
                stolen,
                how,
                ..
            } => {
                self.counter_changed_ms.insert(lease.clone(), at_ms);
                if from.as_deref() != Some(worker.as_str()) {
                    self.last_move.insert(
                        lease.clone(),
                        LeaseMove {
                            from: from.clone(),
                            to: worker.clone(),
                            stolen: *stolen,
                            at_ms,
                            how: *how,
                        },
                    );
                }
            }
            // The start of a handoff leaves the counter as it was; assignLease and the
            // transfer raise it.
            KclEvent::LeaseAssigned { lease, how, .. } if *how != LeaseMoveKind::Handoff => {
                self.counter_changed_ms.insert(lease.clone(), at_ms);
            }
            KclEvent::LeaseTransferred { lease, .. } => {
                self.counter_changed_ms.insert(lease.clone(), at_ms);
            }
            KclEvent::LeaseDeleted { lease, .. } => {
                self.counter_changed_ms.remove(lease);
                self.last_move.remove(lease);
            }
            _ => {}
        }
    }

    /// Notes who owns how many leases now, if the event changed ownership.
    pub fn note_owners(&mut self, at_ms: u64, event: &KclEvent, table: &LeaseTable) {
        if !matches!(
            event,
            KclEvent::LeaseCreated { .. }
                | KclEvent::LeaseTaken { .. }
                | KclEvent::LeaseAssigned { .. }
                | KclEvent::LeaseTransferred { .. }
                | KclEvent::LeaseDeleted { .. }
        ) {
            return;
        }
        let mut owners: BTreeMap<String, u32> = BTreeMap::new();
        for row in table.rows() {
            if let Some(owner) = &row.lease_owner {
                *owners.entry(owner.clone()).or_default() += 1;
            }
        }
        if self.ownership.back().map(|(_, o)| o) == Some(&owners) {
            return;
        }
        if self.ownership.len() == OWNERSHIP_KEPT {
            self.ownership.pop_front();
        }
        self.ownership.push_back((at_ms, owners));
    }
}
