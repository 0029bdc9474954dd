//! The Kinesis Producer Library (KPL), as far as a learner sees it: aggregation of many user
//! records into one Kinesis record, collection of Kinesis records into PutRecords calls,
//! retries without backoff until `RecordTtl`, a per-shard rate limiter, and the KCL's
//! de-aggregation on the other side.
//!
//! Separate from `sim::producer` because it is its own library with its own vocabulary
//! (user records, Kinesis records, `RecordMaxBufferedTime`, "Wrong Shard", "Expired"); the
//! simulated producer runs in KPL mode with this module's pieces:
//! - `aggregated.rs`: the aggregated record format, encoded and decoded;
//! - `config.rs`: the KPL's settings and their defaults;
//! - `limiter.rs`: the per-shard token buckets of `RateLimit`;
//! - `pipeline.rs`: the buffers, aggregation, collection and retries of one producer;
//! - `deaggregate.rs`: the KCL side, `AggregatorUtil.deaggregate` with sub-sequence numbers.

pub mod aggregated;
pub mod config;
pub mod deaggregate;
pub mod limiter;
pub mod pipeline;

pub use aggregated::{decode, encode, Aggregator, UserRecord, MAGIC};
pub use config::KplConfig;
