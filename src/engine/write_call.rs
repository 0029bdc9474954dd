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
    /// and `throttled` records written by this call: [`WriteCall::own_metrics`], then
    /// [`WriteCall::shared_metrics`] (the order does not matter: each adds to its own
    /// counter), leaving out the zeros (a throttled record's IncomingBytes,
    /// an accepted one's WriteProvisionedThroughputExceeded), which would count nothing.
    pub fn metrics(self, accepted: u64, accepted_bytes: u64, throttled: u64) -> WriteMetrics {
        let mut metrics = self.own_metrics(accepted, throttled);
        for value in Self::shared_metrics(accepted, accepted_bytes, throttled) {
            metrics.push(value);
        }
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
    pub fn own_metrics(self, accepted: u64, throttled: u64) -> WriteMetrics {
        let mut metrics = WriteMetrics::default();
        match self {
            WriteCall::PutRecord => metrics.push((Metric::PutRecordSuccess, accepted)),
            WriteCall::PutRecordsEntry => {
                metrics.push((Metric::PutRecordsSuccessfulRecords, accepted));
                metrics.push((Metric::PutRecordsThrottledRecords, throttled));
                metrics.push((Metric::PutRecordsTotalRecords, accepted + throttled));
            }
        }
        metrics
    }
}

/// The metrics of one write, held on the stack: the write path counts them for every record
/// (millions a second in a busy world), so it must not allocate. Reads as a slice.
#[derive(Clone, Copy, Debug)]
pub struct WriteMetrics {
    values: [(Metric, u64); 6],
    len: usize,
}

impl Default for WriteMetrics {
    fn default() -> Self {
        WriteMetrics {
            values: [(Metric::IncomingRecords, 0); 6],
            len: 0,
        }
    }
}

impl WriteMetrics {
    /// Adds a value; a zero is left out, since adding it to a sum (or a maximum) changes
    /// nothing and every entry costs the hot path time.
    fn push(&mut self, value: (Metric, u64)) {
        if value.1 == 0 {
            return;
        }
        if let Some(slot) = self.values.get_mut(self.len) {
            *slot = value;
            self.len += 1;
        }
    }
}

impl std::ops::Deref for WriteMetrics {
    type Target = [(Metric, u64)];

    fn deref(&self) -> &Self::Target {
        &self.values[..self.len]
    }
}
