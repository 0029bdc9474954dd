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

impl Buckets {
    pub fn new(limits: &ShardLimits, now_ms: u64) -> Self {
        Buckets {
            write_bytes: TokenBucket::new(limits.write_bytes_per_sec, now_ms),
            write_records: TokenBucket::new(limits.write_records_per_sec, now_ms),
            read_calls: TokenBucket::new(limits.read_calls_per_sec, now_ms),
            read_bytes: TokenBucket::debt_only(limits.read_bytes_per_sec, now_ms),
        }
    }

    pub fn set_limits(&mut self, limits: &ShardLimits, now_ms: u64) {
        self.write_bytes
            .set_rate(limits.write_bytes_per_sec, now_ms);
        self.write_records
            .set_rate(limits.write_records_per_sec, now_ms);
        self.read_calls.set_rate(limits.read_calls_per_sec, now_ms);
        self.read_bytes.set_rate(limits.read_bytes_per_sec, now_ms);
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
    /// When the shard was created (its StartingSequenceNumber carries the second).
    pub created_ms: u64,
    /// When the shard was closed by a split or merge; `None` while open.
    pub closed_ms: Option<u64>,
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
            closed_ms: None,
            next_seq_ix: 0,
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

    /// A closed shard is EXPIRED once everything it held is past retention: it is no longer
    /// listed and can no longer be read.
    pub fn is_expired(&self, now_ms: u64, retention_ms: u64) -> bool {
        self.closed_ms
            .is_some_and(|closed| closed.saturating_add(retention_ms) <= now_ms)
    }

    /// The sequence number with this shard's fields and the given index and time.
    pub fn sequence_number(&self, seq_ix: u64, at_ms: u64) -> SequenceNumber {
        SequenceNumber {
            shard_created_secs: self.created_ms / 1000,
            shard_index: self.index,
            seq_ix,
            record_secs: at_ms / 1000,
        }
    }

    pub fn starting_sequence_number(&self) -> SequenceNumber {
        self.sequence_number(0, self.created_ms)
    }

    pub fn ending_sequence_number(&self) -> Option<SequenceNumber> {
        self.closed_ms
            .map(|closed| self.sequence_number(ENDING_SEQ_IX, closed))
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
