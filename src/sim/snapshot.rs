//! The whole world as JSON, for tests, the page and `sim describe`.
//!
//! Schema (every map is keyed by name, in name order):
//!
//! ```text
//! time_ms, elapsed_ms, seed
//! streams.{name}: status, mode (PROVISIONED or ON_DEMAND), retention_hours, open_shard_count,
//!     shards[]: ShardId, HashKeyRange, ParentShardId?, AdjacentParentShardId?, open,
//!               records (held now), totals.{CloudWatch metric name}
//!     fan_out_consumers.{name} (only when the stream has some): ConsumerARN, ConsumerStatus,
//!               totals.{CloudWatch metric name}
//! producers.{name}: stream, rate, keys, batching, paused, sent, succeeded, throttled,
//!     retried, failed, calls, latency_ms_mean, latency_ms_max, pending_retries,
//!     and for a KPL producer (`--kpl`): user_records, user_records_put, kinesis_records,
//!     kinesis_records_throttled, put_records_calls, wrong_shard, expired, buffered,
//!     shard_map_refreshes (see [`crate::kpl::pipeline::KplCounters`])
//! consumers.{name}: stream, retrieval (polling or fan-out), shards[], records, bytes, calls,
//!     read_throttles, iterators_expired, subscriptions, MillisBehindLatest, order_violations,
//!     paused, delivery_latency_ms_mean, delivery_latency_ms_p99
//! apps.{name}: stream, retrieval (polling or fan-out), version (2 or 3), leader (KCL 3.x: the
//!     worker the Leader lock names, or null), processed, duplicates,
//!     duplicates_by_reason.{reason} (failover, steal, restart, zombie overlap, handoff), overlaps,
//!     order_violations, delivery_latency_ms_mean, delivery_latency_ms_p99,
//!     user_records, aggregated_records, dropped_user_records (once a KPL aggregate was read),
//!     workers[]: id, state (running|paused|dead), leases[], processed, cpu (KCL 3.x: the CPU
//!                utilisation in percent of its last metrics report; absent before it),
//!                consumers.{lease}: state, reason
//!     leases[]: the lease table rows with the KCL's attribute names (leaseKey, leaseOwner,
//!               leaseCounter, checkpoint, checkpointSubSequenceNumber,
//!               ownerSwitchesSinceCheckpoint, parentShardId, childShardIds, and under KCL 3.x
//!               checkpointOwner during a handoff and throughputKBps once renewed)
//! cost: total_usd, per_hour_usd,
//!     items[]: name, quantity, unit, unit_price_usd, amount_usd (see `sim::cost`)
//! ```
//!
//! `delivery_latency_ms_mean` (to 0.1 ms) and `delivery_latency_ms_p99` (whole ms, within 1 %)
//! are over the whole run, every delivery counted (see [`crate::sim::latency`]), and `null`
//! until the reader got its first record: a script's `expect ... < 500` then fails rather than
//! passing on a reader that never read, since `null` is not ordered against a number.

use std::collections::BTreeMap;

use crate::sort::IntoMap;

use serde::Serialize;

use super::cost::Bill;
use super::world::World;
use crate::engine::metrics::Metric;
use crate::engine::{shard_id, HashKeyRange, StreamMode, StreamStatus};
use crate::engine::{ConsumerMetric, ConsumerStatus};
use crate::kcl::{ConsumerState, Lease, ShutdownReason, WorkerState};
use crate::kpl::deaggregate::UserRecordStats;
use crate::kpl::pipeline::KplCounters;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    pub time_ms: u64,
    pub elapsed_ms: u64,
    pub seed: u64,
    pub streams: BTreeMap<String, StreamSnapshot>,
    pub producers: BTreeMap<String, ProducerSnapshot>,
    pub consumers: BTreeMap<String, ConsumerSnapshot>,
    pub apps: BTreeMap<String, AppSnapshot>,
    /// What the streams would cost on AWS so far, and per hour now.
    pub cost: Bill,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppSnapshot {
    pub stream: String,
    /// `polling` or `fan-out` (`kcl app add --retrieval`).
    pub retrieval: &'static str,
    /// The KCL version, 2 or 3 (`kcl app add --version`).
    pub version: u8,
    /// KCL 3.x: the worker the `Leader` lock names (null under 2.x or before an election).
    pub leader: Option<String>,
    pub processed: u64,
    pub duplicates: u64,
    pub duplicates_by_reason: BTreeMap<&'static str, u64>,
    pub overlaps: u64,
    /// Records of one partition key processed after a record of that key its producer sent
    /// later (records processed again are duplicates, not counted here): see [`crate::order`].
    pub order_violations: u64,
    /// Put to `processRecords`, over the run; `None` (null) before the first delivery.
    pub delivery_latency_ms_mean: Option<f64>,
    pub delivery_latency_ms_p99: Option<u64>,
    pub workers: Vec<WorkerSnapshot>,
    pub leases: Vec<Lease>,
    /// Once the application has read a KPL aggregate: user_records, aggregated_records and
    /// dropped_user_records (see [`crate::kpl::deaggregate`]); absent before.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub kpl: Option<UserRecordStats>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkerSnapshot {
    pub id: String,
    /// Serialized as `running`, `paused` or `dead`.
    pub state: WorkerState,
    pub leases: Vec<String>,
    pub processed: u64,
    /// KCL 3.x: the CPU utilisation (percent) of the worker's last metrics report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<f64>,
    pub consumers: BTreeMap<String, ConsumerStateSnapshot>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConsumerStateSnapshot {
    /// Serialized as the KCL's word (`PROCESSING`, ...).
    pub state: ConsumerState,
    /// Serialized as the KCL's word (`SHARD_END`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<ShutdownReason>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StreamSnapshot {
    /// Serialized as the API writes it (`ACTIVE`, ...).
    pub status: StreamStatus,
    /// The capacity mode as the API writes it (`PROVISIONED`, `ON_DEMAND`).
    pub mode: StreamMode,
    pub retention_hours: u32,
    pub open_shard_count: usize,
    pub shards: Vec<ShardSnapshot>,
    /// Registered enhanced fan-out consumers, by name; left out when there are none.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fan_out_consumers: BTreeMap<String, FanOutConsumerSnapshot>,
}

/// A registered enhanced fan-out consumer and its CloudWatch metrics' totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FanOutConsumerSnapshot {
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: String,
    #[serde(rename = "ConsumerStatus")]
    pub consumer_status: ConsumerStatus,
    pub totals: BTreeMap<&'static str, u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShardSnapshot {
    #[serde(rename = "ShardId")]
    pub shard_id: String,
    #[serde(rename = "HashKeyRange")]
    pub hash_key_range: HashKeyRange,
    #[serde(rename = "ParentShardId", skip_serializing_if = "Option::is_none")]
    pub parent_shard_id: Option<String>,
    #[serde(
        rename = "AdjacentParentShardId",
        skip_serializing_if = "Option::is_none"
    )]
    pub adjacent_parent_shard_id: Option<String>,
    pub open: bool,
    /// Records the shard holds now (within retention).
    pub records: u64,
    pub totals: BTreeMap<&'static str, u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProducerSnapshot {
    pub stream: String,
    pub rate: f64,
    pub keys: String,
    pub batching: String,
    pub paused: bool,
    pub sent: u64,
    pub succeeded: u64,
    pub throttled: u64,
    pub retried: u64,
    pub failed: u64,
    pub calls: u64,
    pub latency_ms_mean: f64,
    pub latency_ms_max: u64,
    pub pending_retries: usize,
    /// A KPL producer's counters, flattened into the producer's object (none otherwise).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub kpl: Option<KplSnapshot>,
}

/// What a KPL producer adds to its snapshot: user records against Kinesis records.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KplSnapshot {
    #[serde(flatten)]
    pub counters: KplCounters,
    /// User records inside the KPL now (buffered, or held by the rate limiter).
    pub buffered: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConsumerSnapshot {
    pub stream: String,
    /// `polling` (GetRecords) or `fan-out` (SubscribeToShard, `consumer add --efo`).
    pub retrieval: &'static str,
    pub shards: Vec<String>,
    pub records: u64,
    pub bytes: u64,
    pub calls: u64,
    pub read_throttles: u64,
    pub iterators_expired: u64,
    /// SubscribeToShard calls that succeeded (0 for a polling consumer).
    pub subscriptions: u64,
    #[serde(rename = "MillisBehindLatest")]
    pub millis_behind_latest: u64,
    /// Records of one partition key read after a record of that key its producer sent later:
    /// see [`crate::order`].
    pub order_violations: u64,
    pub paused: bool,
    /// Put to GetRecords' answer, over the run; `None` (null) before the first delivery.
    pub delivery_latency_ms_mean: Option<f64>,
    pub delivery_latency_ms_p99: Option<u64>,
}

impl World {
    /// Everything a learner can see, at this instant.
    pub fn snapshot(&self) -> Snapshot {
        let now = self.now_ms();
        let streams = self
            .kinesis()
            .streams()
            .map(|stream| {
                let shards = stream
                    .listed_shards(now)
                    .map(|shard| ShardSnapshot {
                        shard_id: shard.id(),
                        hash_key_range: shard.range,
                        parent_shard_id: shard.parent.map(shard_id),
                        adjacent_parent_shard_id: shard.adjacent_parent.map(shard_id),
                        open: shard.is_open(),
                        records: shard.records.len() as u64,
                        totals: Metric::ALL
                            .iter()
                            .map(|m| (m.name(), shard.metrics.totals()[*m as usize]))
                            .into_map(),
                    })
                    .collect();
                (
                    stream.name.clone(),
                    StreamSnapshot {
                        status: stream.status,
                        mode: stream.mode,
                        retention_hours: stream.retention_hours,
                        open_shard_count: stream.open_shard_count(),
                        shards,
                        fan_out_consumers: stream
                            .consumers()
                            .iter()
                            .map(|c| {
                                let totals = ConsumerMetric::ALL
                                    .iter()
                                    .map(|m| (m.name(), c.metrics.total(*m)))
                                    .into_map();
                                let consumer = FanOutConsumerSnapshot {
                                    consumer_arn: c.arn.clone(),
                                    consumer_status: c.status,
                                    totals,
                                };
                                (c.name.clone(), consumer)
                            })
                            .into_map(),
                    },
                )
            })
            .into_map();
        let producers = self
            .producers()
            .map(|p| {
                let c = p.counters;
                (
                    p.name.clone(),
                    ProducerSnapshot {
                        stream: p.config.stream.clone(),
                        rate: p.config.rate,
                        keys: p.config.keys.to_string(),
                        batching: p.config.batching.describe(),
                        paused: p.is_paused(now),
                        sent: c.sent,
                        succeeded: c.succeeded,
                        throttled: c.throttled,
                        retried: c.retried,
                        failed: c.failed,
                        calls: c.calls,
                        latency_ms_mean: (c.mean_latency_ms() * 10.0).round() / 10.0,
                        latency_ms_max: c.latency_max_ms,
                        pending_retries: p.retries.len(),
                        kpl: p.kpl.as_ref().map(|k| KplSnapshot {
                            counters: k.counters,
                            buffered: k.buffered(),
                        }),
                    },
                )
            })
            .into_map();
        let consumers = self
            .consumers()
            .map(|c| {
                (
                    c.name.clone(),
                    ConsumerSnapshot {
                        stream: c.config.stream.clone(),
                        retrieval: if c.config.efo { "fan-out" } else { "polling" },
                        shards: c.shard_indices().into_iter().map(shard_id).collect(),
                        records: c.counters.records,
                        bytes: c.counters.bytes,
                        calls: c.counters.calls,
                        read_throttles: c.counters.read_throttles,
                        iterators_expired: c.counters.iterators_expired,
                        subscriptions: c.counters.subscriptions,
                        millis_behind_latest: c.counters.millis_behind_latest,
                        order_violations: c.order.violations(),
                        paused: c.is_paused(now),
                        delivery_latency_ms_mean: c.latency.summary().mean_ms,
                        delivery_latency_ms_p99: c.latency.summary().p99_ms,
                    },
                )
            })
            .into_map();
        let apps = self
            .apps()
            .map(|app| {
                let workers = app
                    .workers
                    .values()
                    .map(|w| WorkerSnapshot {
                        id: w.id.clone(),
                        state: w.state,
                        leases: w.held_leases(),
                        processed: w.processed,
                        cpu: w.kcl3.as_ref().and_then(|k| k.cpu_pct),
                        consumers: w
                            .consumers
                            .iter()
                            .map(|(key, c)| {
                                (
                                    key.clone(),
                                    ConsumerStateSnapshot {
                                        state: c.state,
                                        reason: c.reason,
                                    },
                                )
                            })
                            .into_map(),
                    })
                    .collect();
                (
                    app.name.clone(),
                    AppSnapshot {
                        stream: app.config.stream.clone(),
                        retrieval: app.config.retrieval.as_str(),
                        version: app.config.version,
                        leader: app.leader().map(str::to_string),
                        processed: app.stats.processed,
                        duplicates: app.stats.total_duplicates(),
                        duplicates_by_reason: app
                            .stats
                            .duplicates
                            .iter()
                            .map(|(reason, n)| (reason.as_str(), *n))
                            .into_map(),
                        overlaps: app.stats.overlaps,
                        kpl: Some(app.stats.user_records).filter(|u| u.aggregated_records > 0),
                        order_violations: app.order.violations(),
                        delivery_latency_ms_mean: app.latency.summary().mean_ms,
                        delivery_latency_ms_p99: app.latency.summary().p99_ms,
                        workers,
                        leases: app.table.scan(),
                    },
                )
            })
            .into_map();
        Snapshot {
            time_ms: now,
            elapsed_ms: self.elapsed_ms(),
            seed: self.seed(),
            streams,
            producers,
            consumers,
            apps,
            cost: self.bill(),
        }
    }
}
