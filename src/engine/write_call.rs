//! How a record is written: by PutRecord, or as one entry of a PutRecords call.
//!
//! The two calls put a record into its shard the same way but charge it differently:
//! PutRecord rounds its size up to the next kilobyte against the shard's 1 MiB/s, PutRecords
//! charges each entry exactly, which is why batching is cheaper (reference section 1.2). They
//! also count different CloudWatch metrics: which ones is written here, once, for both the
//! API's writes ([`super::write`]) and the producers' (`generated`).
//!
//! This is its own module, below everything else, because both sides of a write need it:
//! the write path that charges and counts ([`super::write`], `generated`) and the
//! record log, whose producer ticks ([`super::records::TickPart`]) say how their records are
//! sent. The log must not depend on the write path that stores into it.

use super::metrics::Metric;

/// How a write is charged and counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteCall {
    /// A PutRecord call: size rounded up to a whole KB for throttling.
    PutRecord,
    /// One entry of a PutRecords call: charged exactly.
    PutRecordsEntry,
}

impl WriteCall {
    /// What a record of `size` bytes (partition key + data) takes from the shard's
    /// write-bytes bucket.
    pub fn charge(self, size: u64) -> u64 {
        match self {
            WriteCall::PutRecord => size.div_ceil(1024).max(1) * 1024,
            WriteCall::PutRecordsEntry => size,
        }
    }

    /// The CloudWatch metrics a shard counts for `accepted` records (`accepted_bytes` in all)
    /// and `throttled` records written by this call: [`WriteCall::shared_metrics`], then
    /// [`WriteCall::own_metrics`]. Every one of them is a sum (none is a maximum), so the
    /// zeros (a throttled record's IncomingBytes, an accepted one's
    /// WriteProvisionedThroughputExceeded) count nothing.
    pub fn metrics(self, accepted: u64, accepted_bytes: u64, throttled: u64) -> Vec<(Metric, u64)> {
        let mut metrics = Self::shared_metrics(accepted, accepted_bytes, throttled).to_vec();
        metrics.extend(self.own_metrics(accepted, throttled));
        metrics
    }

    /// The metrics every write counts, whatever the call.
    pub fn shared_metrics(
        accepted: u64,
        accepted_bytes: u64,
        throttled: u64,
    ) -> [(Metric, u64); 3] {
        [
            (Metric::IncomingRecords, accepted),
            (Metric::IncomingBytes, accepted_bytes),
            (Metric::WriteProvisionedThroughputExceeded, throttled),
        ]
    }

    /// The metrics of this kind of call alone (PutRecord.Success, PutRecords.*Records).
    pub fn own_metrics(self, accepted: u64, throttled: u64) -> Vec<(Metric, u64)> {
        match self {
            WriteCall::PutRecord => vec![(Metric::PutRecordSuccess, accepted)],
            WriteCall::PutRecordsEntry => vec![
                (Metric::PutRecordsSuccessfulRecords, accepted),
                (Metric::PutRecordsThrottledRecords, throttled),
                (Metric::PutRecordsTotalRecords, accepted + throttled),
            ],
        }
    }
}
