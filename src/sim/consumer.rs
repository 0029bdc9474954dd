//! Simulated polling consumers: a GetRecords loop on a shard, as a hand-written consumer (not
//! the KCL) does it.
//!
//! The consumer gets an iterator, then calls GetRecords every `idle_ms` with the iterator the
//! last call returned. Its reads count against the shard's shared limits of five calls and
//! 2 MiB per second, so five consumers polling every 200 ms throttle each other where one
//! does not. At the end of a closed shard it follows `ChildShards` and reads the children.
//! An iterator older than five minutes (a long pause) expires, and the consumer asks for a
//! new one after the last record it saw.
//!
//! With `efo` it is an enhanced fan-out reader instead: it registers a stream consumer of its
//! own name, subscribes to its shard once that is ACTIVE, and takes the events the service
//! pushes (the world delivers them at their moments: `world/fan_out.rs`). It makes no
//! GetRecords calls, so it neither takes from nor is refused by the shard's shared read limits.

use std::collections::BTreeSet;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

use super::latency::DeliveryLatency;
use super::series;
use crate::engine::metrics::Series;
use crate::engine::{parse_shard_id, SequenceNumber, ShardIterator, SubscriptionId};
use crate::order::DeliveryOrder;

/// Where a consumer starts reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum StartPosition {
    TrimHorizon,
    Latest,
    /// Epoch milliseconds.
    AtTimestamp(u64),
}

impl StartPosition {
    /// Parses an AWS iterator type name (AT_TIMESTAMP needs a time: `at`).
    pub fn parse(text: &str, at: Option<u64>) -> Option<Self> {
        match text {
            "TRIM_HORIZON" => Some(StartPosition::TrimHorizon),
            "LATEST" => Some(StartPosition::Latest),
            "AT_TIMESTAMP" => at.map(StartPosition::AtTimestamp),
            _ => None,
        }
    }
}

/// Everything a consumer is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerConfig {
    pub stream: String,
    pub shard_id: String,
    pub start: StartPosition,
    /// Time between polls.
    pub idle_ms: u64,
    /// GetRecords Limit.
    pub limit: usize,
    /// Read with enhanced fan-out (SubscribeToShard) rather than GetRecords.
    pub efo: bool,
}

/// The default poll interval: five GetRecords a second, the whole of a shard's read calls.
pub const DEFAULT_IDLE_MS: u64 = 200;

impl ConsumerConfig {
    pub fn new(stream: &str, shard_id: &str, start: StartPosition) -> Self {
        ConsumerConfig {
            stream: stream.to_string(),
            shard_id: shard_id.to_string(),
            start,
            idle_ms: DEFAULT_IDLE_MS,
            limit: 10_000,
            efo: false,
        }
    }

    pub fn validate(&self) -> Result<u32, String> {
        if !(10..=3_600_000).contains(&self.idle_ms) {
            return Err(format!(
                "a consumer's idle time must be between 10 ms and 1 hour, not {} ms",
                self.idle_ms
            ));
        }
        if !(1..=10_000).contains(&self.limit) {
            return Err(format!(
                "GetRecords' limit is between 1 and 10000, not {}",
                self.limit
            ));
        }
        parse_shard_id(&self.shard_id)
            .ok_or_else(|| format!("'{}' is not a shard id", self.shard_id))
    }
}

/// The counters of one consumer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConsumerCounters {
    pub records: u64,
    pub bytes: u64,
    pub calls: u64,
    pub read_throttles: u64,
    pub iterators_expired: u64,
    /// The latest MillisBehindLatest, the largest across the shards being read.
    pub millis_behind_latest: u64,
    /// SubscribeToShard calls that succeeded (enhanced fan-out only).
    pub subscriptions: u64,
}

/// Per-second series of a consumer: records, bytes, read throttles, MillisBehindLatest (max),
/// polls (a second without polls has no MillisBehindLatest, as in CloudWatch), and the sum of
/// the delivery latencies of the records read in the second (divided by `records`, the mean
/// delivery latency of that second: see [`crate::sim::latency`]).
pub const CONSUMER_SERIES: [&str; 6] = [
    "records",
    "bytes",
    "read_throttles",
    "MillisBehindLatest",
    "polls",
    "delivery_latency_ms_sum",
];

/// The counters of [`Consumer::series`], in the order of [`CONSUMER_SERIES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerSeries {
    Records,
    Bytes,
    ReadThrottles,
    MillisBehindLatest,
    Polls,
    DeliveryLatencySum,
}

impl ConsumerSeries {
    /// Every counter, in order.
    pub const ALL: [ConsumerSeries; 6] = [
        ConsumerSeries::Records,
        ConsumerSeries::Bytes,
        ConsumerSeries::ReadThrottles,
        ConsumerSeries::MillisBehindLatest,
        ConsumerSeries::Polls,
        ConsumerSeries::DeliveryLatencySum,
    ];

    /// MillisBehindLatest keeps the largest value of a period; the others are sums.
    pub fn is_maximum(self) -> bool {
        self == ConsumerSeries::MillisBehindLatest
    }
}

impl From<ConsumerSeries> for usize {
    fn from(counter: ConsumerSeries) -> usize {
        counter as usize
    }
}

/// A shard being read.
#[derive(Clone, Debug)]
pub struct Cursor {
    pub shard: u32,
    /// `None` until the first GetShardIterator succeeds (or after an expiry).
    pub iterator: Option<ShardIterator>,
    pub last_seq_ix: Option<u64>,
    pub millis_behind_latest: u64,
    /// Enhanced fan-out: the live subscription to the shard, if any.
    pub subscription: Option<SubscriptionId>,
    /// Enhanced fan-out: the last event's ContinuationSequenceNumber, to resubscribe from.
    pub continuation: Option<SequenceNumber>,
}

impl Cursor {
    /// A shard not read yet.
    pub fn new(shard: u32) -> Self {
        Cursor {
            shard,
            iterator: None,
            last_seq_ix: None,
            millis_behind_latest: 0,
            subscription: None,
            continuation: None,
        }
    }
}

/// One simulated consumer.
#[derive(Clone, Debug)]
pub struct Consumer {
    pub name: String,
    pub config: ConsumerConfig,
    pub cursors: Vec<Cursor>,
    /// Shards read to their end, or already being read.
    pub seen: BTreeSet<u32>,
    pub paused_until: Option<u64>,
    pub next_poll_ms: u64,
    pub generation: u64,
    pub counters: ConsumerCounters,
    pub series: Series<6>,
    /// How long after their puts its records reached it (every GetRecords delivery).
    pub latency: DeliveryLatency,
    /// The order its records came in, for `order_violations`.
    pub order: DeliveryOrder,
    /// Polls wander by up to a tenth of the idle time, as real loops do (their work takes
    /// varying time); drawn from this consumer's own seeded generator.
    jitter: Pcg64Mcg,
}

impl Consumer {
    /// A consumer from its `seed` (the world's seed for its name). The seed places its first
    /// poll somewhere within one idle time from now (real consumers do not poll in lockstep,
    /// and a shared read limit is shared by whoever calls first) and seeds its jitter.
    pub fn new(name: &str, config: ConsumerConfig, now_ms: u64, seed: u64) -> Result<Self, String> {
        let shard = config.validate()?;
        Ok(Consumer {
            name: name.to_string(),
            cursors: vec![Cursor::new(shard)],
            seen: BTreeSet::from([shard]),
            paused_until: None,
            next_poll_ms: now_ms + seed % config.idle_ms.max(1),
            generation: 0,
            counters: ConsumerCounters::default(),
            series: Series::new(ConsumerSeries::ALL.map(ConsumerSeries::is_maximum)),
            latency: DeliveryLatency::default(),
            order: DeliveryOrder::default(),
            jitter: Pcg64Mcg::seed_from_u64(seed),
            config,
        })
    }

    /// When to poll next after a poll at `now_ms`.
    pub fn next_poll_after(&mut self, now_ms: u64) -> u64 {
        let idle = self.config.idle_ms;
        let spread = idle / 10;
        now_ms + idle - spread / 2 + self.jitter.random_range(0..=spread)
    }

    pub fn is_paused(&self, now_ms: u64) -> bool {
        self.paused_until.is_some_and(|until| now_ms < until)
    }

    pub fn count_series(&mut self, now_ms: u64, values: &[(ConsumerSeries, u64)]) {
        series::record(&mut self.series, now_ms, values);
    }

    /// Shard ids being read, for the snapshot.
    pub fn shard_indices(&self) -> Vec<u32> {
        self.cursors.iter().map(|c| c.shard).collect()
    }
}
