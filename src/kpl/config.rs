//! The KPL's settings a learner can change, with the defaults of
//! `KinesisProducerConfiguration` (KPL 0.15/1.0) and the ranges its setters accept.
//!
//! One difference, on purpose: the real KPL aggregates by default (`AggregationEnabled` is
//! true). In Shardlab `--kpl` alone collects without aggregating, so that the two steps can
//! be seen apart, and `--aggregate` turns aggregation on.

use serde::Serialize;

/// `RecordMaxBufferedTime`: 100 ms.
pub const DEFAULT_MAX_BUFFERED_TIME_MS: u64 = 100;
/// `CollectionMaxCount`: 500 (also the most PutRecords takes).
pub const DEFAULT_COLLECTION_MAX_COUNT: u32 = 500;
/// `CollectionMaxSize`: 5 MiB per PutRecords call.
pub const DEFAULT_COLLECTION_MAX_SIZE: u64 = 5 * 1024 * 1024;
/// `AggregationMaxSize`: 51,200 bytes.
pub const DEFAULT_AGGREGATION_MAX_SIZE: u64 = 51_200;
/// `RecordTtl`: 30 s.
pub const DEFAULT_RECORD_TTL_MS: u64 = 30_000;
/// `RateLimit`: 150 % of a shard's limits.
pub const DEFAULT_RATE_LIMIT: u32 = 150;

/// A KPL producer's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct KplConfig {
    /// `AggregationEnabled` (true in the real KPL; off unless `--aggregate` in Shardlab).
    pub aggregation_enabled: bool,
    pub record_max_buffered_time_ms: u64,
    pub collection_max_count: u32,
    pub collection_max_size: u64,
    pub aggregation_max_size: u64,
    pub record_ttl_ms: u64,
    pub rate_limit: u32,
}

impl Default for KplConfig {
    fn default() -> Self {
        KplConfig {
            aggregation_enabled: false,
            record_max_buffered_time_ms: DEFAULT_MAX_BUFFERED_TIME_MS,
            collection_max_count: DEFAULT_COLLECTION_MAX_COUNT,
            collection_max_size: DEFAULT_COLLECTION_MAX_SIZE,
            aggregation_max_size: DEFAULT_AGGREGATION_MAX_SIZE,
            record_ttl_ms: DEFAULT_RECORD_TTL_MS,
            rate_limit: DEFAULT_RATE_LIMIT,
        }
    }
}

impl KplConfig {
    /// The ranges `KinesisProducerConfiguration`'s setters accept (the buffered time is
    /// bounded here by the simulator's 10 ms step).
    pub fn validate(&self) -> Result<(), String> {
        if !(10..=60_000).contains(&self.record_max_buffered_time_ms) {
            return Err(format!(
                "RecordMaxBufferedTime must be between 10 ms and 60 s, not {} ms",
                self.record_max_buffered_time_ms
            ));
        }
        if !(1..=500).contains(&self.collection_max_count) {
            return Err(format!(
                "CollectionMaxCount must be between 1 and 500, not {}",
                self.collection_max_count
            ));
        }
        if !(64..=10 * 1024 * 1024).contains(&self.aggregation_max_size) {
            return Err(format!(
                "AggregationMaxSize must be between 64 and 10485760 bytes, not {}",
                self.aggregation_max_size
            ));
        }
        if self.record_ttl_ms < 100 {
            return Err(format!(
                "RecordTtl must be at least 100 ms, not {} ms",
                self.record_ttl_ms
            ));
        }
        if !(1..=10_000).contains(&self.rate_limit) {
            return Err(format!(
                "RateLimit must be between 1 and 10000 percent, not {}",
                self.rate_limit
            ));
        }
        Ok(())
    }
}
