//! One shard: its hash key range, lineage, records, throttling buckets and metrics.
//!
//! A shard's range never changes. Resharding closes shards and opens new ones; a closed shard
//! keeps its records (readable until retention passes them) and its place in the family tree.

use super::config::{Config, ShardLimits};
use super::hash_key::HashKeyRange;
use super::metrics::{Metric, ShardMetrics};
use super::records::RecordLog;
use super::sequence::{SequenceNumber, ENDING_SEQ_IX};
use super::shard_id::shard_id;
use super::throttle::TokenBucket;

/// The four per-shard throughput buckets.
#[derive(Clone, Debug)]
pub struct Buckets {
    pub write_bytes: TokenBucket,
    pub write_records: TokenBucket,
    pub read_calls: TokenBucket,
    pub read_bytes: TokenBucket,
}

/// The largest charge one record can make: 1 MiB of data plus a 256-character key (up to
/// 1 KiB of UTF-8), rounded up to whole KB by PutRecord. The write-bytes bucket always holds at
/// least this much, so a legal record fits once the shard has been quiet for long enough, even
/// under a lesson's lowered limit ("a tank that refills at a steady rate").
pub const LARGEST_RECORD_CHARGE: u64 = 1024 * 1024 + 1024;

/// Capacities: one second of each rate, but the write-bytes tank holds a whole record and
/// the read-bytes credit is one call's share of a second (a fifth): small reads never
/// throttle, while a 10 MiB read leaves the shard in debt for about 5 seconds.
fn capacities(limits: &ShardLimits) -> [u64; 4] {
    [
        limits.write_bytes_per_sec.max(LARGEST_RECORD_CHARGE),
        limits.write_records_per_sec,
        limits.read_calls_per_sec,
        limits.read_bytes_per_sec / limits.read_calls_per_sec.max(1),
    ]
}

impl Buckets {
    pub fn new(limits: &ShardLimits, now_ms: u64) -> Self {
        let [write_bytes, write_records, read_calls, read_bytes] = capacities(limits);
        Buckets {
            write_bytes: TokenBucket::with_capacity(
                limits.write_bytes_per_sec,
                write_bytes,
                now_ms,
            ),
            write_records: TokenBucket::with_capacity(
                limits.write_records_per_sec,
                write_records,
                now_ms,
            ),
            read_calls: TokenBucket::with_capacity(limits.read_calls_per_sec, read_calls, now_ms),
            read_bytes: TokenBucket::with_debt(limits.read_bytes_per_sec, read_bytes, now_ms),
        }
    }

    pub fn set_limits(&mut self, limits: &ShardLimits, now_ms: u64) {
        let [write_bytes, write_records, read_calls, read_bytes] = capacities(limits);
        self.write_bytes
            .set_rate(limits.write_bytes_per_sec, write_bytes, now_ms);
        self.write_records
            .set_rate(limits.write_records_per_sec, write_records, now_ms);
        self.read_calls
            .set_rate(limits.read_calls_per_sec, read_calls, now_ms);
        self.read_bytes
            .set_rate(limits.read_bytes_per_sec, read_bytes, now_ms);
    }
}

/// One shard of a stream.
#[derive(Clone, Debug)]
pub struct Shard {
    /// The shard index: `shardId-000000000003` has index 3.
    pub index: u32,
    pub range: HashKeyRange,
    /// The shard this one was split from, or the `ShardToMerge` of the merge that made it.
    pub parent: Option<u32>,
    /// The `AdjacentShardToMerge` of the merge that made this shard.
    pub adjacent_parent: Option<u32>,
    /// The shards made from this one when it was split or merged.
    pub children: Vec<u32>,
    /// When the shard opened.
    pub created_ms: u64,
    /// The creation second its sequence numbers carry: `created_ms / 1000`, except for a
    /// stream's first shards, which AWS dates a few seconds before the CreateStream call
    /// (`Config::sequence_creation_lead_ms`).
    pub sequence_created_secs: u64,
    /// When the shard was closed by a split or merge; `None` while open.
    pub closed_ms: Option<u64>,
    /// Set once the shard has expired (closed for longer than the retention period then in
    /// force): a later raise of the retention period does not bring it back.
    pub expired: bool,
    /// The sequence index the next record will get.
    pub next_seq_ix: u64,
    pub records: RecordLog,
    pub buckets: Buckets,
    pub metrics: ShardMetrics,
}

impl Shard {
    pub fn new(
        index: u32,
        range: HashKeyRange,
        created_ms: u64,
        limits: &ShardLimits,
        now_ms: u64,
    ) -> Self {
        Shard {
            index,
            range,
            parent: None,
            adjacent_parent: None,
            children: Vec::new(),
            created_ms,
            sequence_created_secs: created_ms / 1000,
            closed_ms: None,
            expired: false,
            // The first record gets 1, so every record sorts after StartingSequenceNumber.
            next_seq_ix: 1,
            records: RecordLog::default(),
            buckets: Buckets::new(limits, now_ms),
            metrics: ShardMetrics::default(),
        }
    }

    pub fn id(&self) -> String {
        shard_id(self.index)
    }

    pub fn is_open(&self) -> bool {
        self.closed_ms.is_none()
    }

    /// Whether the shard was open at `t_ms`: created by then and not yet closed. What
    /// ListShards' AT_TRIM_HORIZON and AT_TIMESTAMP filters and the KCL's first leases
    /// (at TRIM_HORIZON or AT_TIMESTAMP) start from.
    pub fn open_at(&self, t_ms: u64) -> bool {
        self.created_ms <= t_ms && self.closed_ms.is_none_or(|closed| closed > t_ms)
    }

    /// A closed shard is EXPIRED once everything it held is past retention: it is no longer
    /// listed and can no longer be read.
    pub fn is_expired(&self, now_ms: u64, retention_ms: u64) -> bool {
        self.expired
            || self
                .closed_ms
                .is_some_and(|closed| closed.saturating_add(retention_ms) <= now_ms)
    }

    /// The sequence number with this shard's fields and the given index and time.
    pub fn sequence_number(&self, seq_ix: u64, at_ms: u64) -> SequenceNumber {
        SequenceNumber {
            shard_created_secs: self.sequence_created_secs,
            shard_index: self.index,
            seq_ix,
            record_secs: at_ms / 1000,
        }
    }

    pub fn starting_sequence_number(&self) -> SequenceNumber {
        self.sequence_number(0, self.sequence_created_secs.saturating_mul(1000))
    }

    /// A closed shard's EndingSequenceNumber: the end of the counter, and the last second in
    /// which the shard took writes (the one before it closed, since reshards close shards on
    /// a whole second).
    pub fn ending_sequence_number(&self) -> Option<SequenceNumber> {
        self.closed_ms
            .map(|closed| self.sequence_number(ENDING_SEQ_IX, closed.saturating_sub(1)))
    }

    /// Records metric values at `now_ms`.
    pub fn count(&mut self, config: &Config, now_ms: u64, values: &[(Metric, u64)]) {
        self.metrics.record(
            now_ms,
            values,
            (config.metrics_seconds_kept, config.metrics_minutes_kept),
        );
    }
}
