//! Simulated producers: a rate, a key distribution, record sizes, PutRecord or batched
//! PutRecords, and a retry policy for throttled records, with the counters a learner watches.
//!
//! A producer sends every `interval` (100 ms for PutRecord, its linger time for PutRecords, as
//! the KPL buffers for `RecordMaxBufferedTime`). How many records each open shard gets per
//! send is not drawn at random: each shard has an accumulator that gains
//! `rate x interval x share` per send (in 32.32 fixed point), and the send carries the whole
//! records it crossed. The traffic is exactly the configured rate, split exactly by the key
//! distribution's shares, and the engine can store it as runs it regenerates on demand.
//! Which keys the records carry is random (seeded), drawn among the shard's keys.

use std::collections::BTreeMap;
use std::rc::Rc;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

use super::keys::{KeyDistribution, KeyTable};
use super::series;
use super::source::{ProducerSource, SizeSpec};
use crate::engine::metrics::Series;
use crate::engine::{HashKeyRange, RecordSource, TickPart, WriteCall};
use crate::kpl::limiter::DRAIN_DELAY_MS;
use crate::kpl::pipeline::{Pipeline, StepReport};
use crate::kpl::{KplConfig, UserRecord};

/// The PutRecord interval, and the default PutRecords linger: the KPL's 100 ms.
pub const DEFAULT_INTERVAL_MS: u64 = 100;
/// The fastest a producer may send.
pub const MIN_INTERVAL_MS: u64 = 10;
/// The highest rate a single producer may have.
pub const MAX_RATE: f64 = 1_000_000.0;
/// The highest rate of a KPL producer, whose user records are made one by one.
pub const MAX_KPL_RATE: f64 = 100_000.0;

/// How records leave the producer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Batching {
    /// One PutRecord per record (size rounded up to whole KB against the shard's limit).
    PutRecord,
    /// PutRecords calls of up to `batch_size` records every `linger_ms`.
    PutRecords { batch_size: u32, linger_ms: u64 },
    /// The Kinesis Producer Library: user records collected (and aggregated, if enabled)
    /// into PutRecords calls by a [`Pipeline`], stepped every 25 ms (the limiter's drain).
    Kpl(KplConfig),
}

impl Batching {
    /// The snapshot's `batching`: `PutRecord`, `PutRecords { batch_size: 500, linger_ms: 100 }`,
    /// or the KPL's settings under their KPL names.
    pub fn describe(&self) -> String {
        match self {
            Batching::Kpl(k) => format!(
                "KPL {{ AggregationEnabled: {}, RecordMaxBufferedTime: {} ms, CollectionMaxCount: {}, AggregationMaxSize: {}, RecordTtl: {} ms, RateLimit: {}% }}",
                k.aggregation_enabled,
                k.record_max_buffered_time_ms,
                k.collection_max_count,
                k.aggregation_max_size,
                k.record_ttl_ms,
                k.rate_limit
            ),
            other => format!("{other:?}"),
        }
    }
}

/// What to do with a throttled record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RetryPolicy {
    /// Give up at once: the record is lost (failed).
    None,
    /// Retry after an exponentially growing delay with jitter, as the AWS SDKs and the KPL
    /// do: attempt `n` waits between half and all of `min(max_ms, base_ms x 2^(n-1))`.
    Backoff {
        base_ms: u64,
        max_ms: u64,
        max_attempts: u32,
    },
}

impl RetryPolicy {
    /// The SDKs' standard mode: three attempts in all, from 100 ms, at most 5 s apart.
    pub const SDK: RetryPolicy = RetryPolicy::Backoff {
        base_ms: 100,
        max_ms: 5_000,
        max_attempts: 3,
    };
}

/// Everything a producer is told.
#[derive(Clone, Debug, PartialEq)]
pub struct ProducerConfig {
    pub stream: String,
    /// Records per second.
    pub rate: f64,
    pub keys: KeyDistribution,
    pub size: SizeSpec,
    pub explicit_hash_key: Option<u128>,
    pub batching: Batching,
    pub retry: RetryPolicy,
}

impl ProducerConfig {
    pub fn new(stream: &str, rate: f64) -> Self {
        ProducerConfig {
            stream: stream.to_string(),
            rate,
            keys: KeyDistribution::Uniform(1000),
            size: SizeSpec::Fixed(100),
            explicit_hash_key: None,
            batching: Batching::PutRecord,
            retry: RetryPolicy::SDK,
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if !(self.rate.is_finite() && (0.0..=MAX_RATE).contains(&self.rate)) {
            return Err(format!(
                "a producer's rate must be between 0 and {MAX_RATE} records per second, not {}",
                self.rate
            ));
        }
        self.keys.validate()?;
        self.size.validate()?;
        if let Batching::Kpl(kpl) = &self.batching {
            kpl.validate()?;
            if self.rate > MAX_KPL_RATE {
                return Err(format!(
                    "a KPL producer's rate is at most {MAX_KPL_RATE} user records per second, not {}",
                    self.rate
                ));
            }
        }
        if let Batching::PutRecords {
            batch_size,
            linger_ms,
        } = self.batching
        {
            if !(1..=500).contains(&batch_size) {
                return Err(format!(
                    "a PutRecords batch holds 1 to 500 records, not {batch_size}"
                ));
            }
            if !(MIN_INTERVAL_MS..=60_000).contains(&linger_ms) {
                return Err(format!(
                    "the linger time must be between {MIN_INTERVAL_MS} ms and 60 s, not {linger_ms} ms"
                ));
            }
        }
        if let RetryPolicy::Backoff {
            base_ms,
            max_ms,
            max_attempts,
        } = self.retry
        {
            if base_ms == 0 || max_ms < base_ms || !(1..=100).contains(&max_attempts) {
                return Err("a backoff needs a base delay above 0, a maximum at least as large, and 1 to 100 attempts".into());
            }
        }
        Ok(())
    }

    /// Milliseconds between sends.
    pub fn interval_ms(&self) -> u64 {
        match self.batching {
            Batching::PutRecord => DEFAULT_INTERVAL_MS,
            Batching::PutRecords { linger_ms, .. } => linger_ms.max(MIN_INTERVAL_MS),
            Batching::Kpl(_) => DRAIN_DELAY_MS,
        }
    }

    pub fn call(&self) -> WriteCall {
        match self.batching {
            Batching::PutRecord => WriteCall::PutRecord,
            Batching::PutRecords { .. } | Batching::Kpl(_) => WriteCall::PutRecordsEntry,
        }
    }
}

/// The counters of one producer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProducerCounters {
    /// Records created and sent once.
    pub sent: u64,
    /// Records acknowledged with a sequence number.
    pub succeeded: u64,
    /// Refusals with ProvisionedThroughputExceeded (a record refused twice counts twice).
    pub throttled: u64,
    /// Retry attempts made.
    pub retried: u64,
    /// Records given up on.
    pub failed: u64,
    /// API calls made (PutRecord calls, or PutRecords batches).
    pub calls: u64,
    /// Sum and maximum of the time from a record's creation to its acknowledgement.
    pub latency_total_ms: u64,
    pub latency_max_ms: u64,
}

impl ProducerCounters {
    pub fn mean_latency_ms(&self) -> f64 {
        if self.succeeded == 0 {
            0.0
        } else {
            self.latency_total_ms as f64 / self.succeeded as f64
        }
    }
}

/// Per-second series of a producer: sent, succeeded, throttled, retried, failed.
pub const PRODUCER_SERIES: [&str; 5] = ["sent", "succeeded", "throttled", "retried", "failed"];

/// The counters of [`Producer::series`], in the order of [`PRODUCER_SERIES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProducerSeries {
    Sent,
    Succeeded,
    Throttled,
    Retried,
    Failed,
}

impl ProducerSeries {
    /// Every counter, in order.
    pub const ALL: [ProducerSeries; 5] = [
        ProducerSeries::Sent,
        ProducerSeries::Succeeded,
        ProducerSeries::Throttled,
        ProducerSeries::Retried,
        ProducerSeries::Failed,
    ];

    /// Every counter is a sum (none keeps a period's maximum).
    pub fn is_maximum(self) -> bool {
        false
    }
}

impl From<ProducerSeries> for usize {
    fn from(counter: ProducerSeries) -> usize {
        counter as usize
    }
}

/// One shard's allocator for a producer.
#[derive(Clone, Copy, Debug)]
struct Allocation {
    acc: u128,
    per_tick: u128,
    next_ordinal: u64,
}

/// Records waiting to be sent again: the throttled records of one send, retried together
/// after one backoff, as the SDKs and the KPL resend a batch's failed entries together.
#[derive(Clone, Debug)]
pub struct Retry {
    pub source: Rc<ProducerSource>,
    pub origin_shard: u32,
    pub ordinals: Vec<u64>,
    /// Each record's hash key (if it was needed: see `Kinesis::put_generated_record`) and
    /// size, once an attempt has worked them out (empty before the first retry): a record
    /// retried again is routed without drawing its key again (the draw and the hash key's
    /// lookup are cache misses, and hot shards retry a lot).
    pub routed: Vec<(Option<u128>, u64)>,
    /// Attempts made so far.
    pub attempts: u32,
    pub created_ms: u64,
}

/// One simulated producer.
#[derive(Clone, Debug)]
pub struct Producer {
    pub name: String,
    pub config: ProducerConfig,
    pub source: Rc<ProducerSource>,
    allocations: BTreeMap<u32, Allocation>,
    /// The open shards the allocations were made for, as (index, range).
    layout: Vec<(u32, HashKeyRange)>,
    /// Records waiting for a retry, by due time (ties in arrival order).
    pub retries: BTreeMap<(u64, u64), Retry>,
    retry_seq: u64,
    rng: Pcg64Mcg,
    /// Sends are skipped until then (`u64::MAX`: stopped).
    pub paused_until: Option<u64>,
    pub next_send_ms: u64,
    /// A generation number: scheduled sends from before a reschedule are ignored.
    pub generation: u64,
    pub counters: ProducerCounters,
    pub series: Series<5>,
    /// The last error that failed a whole send, shown once.
    pub last_error: Option<String>,
    /// The KPL's pipeline, for a producer in KPL mode.
    pub kpl: Option<Box<Pipeline>>,
    /// A KPL producer's Kinesis records acknowledged per second (its user records are
    /// [`ProducerSeries::Succeeded`]): the card shows the two side by side.
    pub kinesis_series: Series<1>,
}

impl Producer {
    /// A producer from its `seed`; `serial` is its number in its world (see
    /// [`ProducerSource`]: it orders its records for the readers' order checks).
    pub fn new(
        name: &str,
        config: ProducerConfig,
        seed: u64,
        now_ms: u64,
        serial: u64,
    ) -> Result<Self, String> {
        config.validate()?;
        let source = Rc::new(Self::make_source(name, &config, seed, serial)?);
        let interval = config.interval_ms();
        Ok(Producer {
            name: name.to_string(),
            source,
            allocations: BTreeMap::new(),
            layout: Vec::new(),
            retries: BTreeMap::new(),
            retry_seq: 0,
            rng: Pcg64Mcg::seed_from_u64(seed ^ 0x7e7),
            paused_until: None,
            // Sends line up on multiples of the interval, so producers share runs.
            next_send_ms: (now_ms / interval + 1) * interval,
            generation: 0,
            counters: ProducerCounters::default(),
            series: Series::new(ProducerSeries::ALL.map(ProducerSeries::is_maximum)),
            last_error: None,
            kpl: kpl_pipeline(&config),
            kinesis_series: Series::new([false]),
            config,
        })
    }

    fn make_source(
        name: &str,
        config: &ProducerConfig,
        seed: u64,
        serial: u64,
    ) -> Result<ProducerSource, String> {
        let table = KeyTable::new(config.keys.clone())
            .ok_or_else(|| format!("cannot build the keys {}", config.keys))?;
        Ok(ProducerSource::new(
            name,
            (serial, serial),
            seed,
            Rc::new(table),
            config.size,
            config.explicit_hash_key,
        ))
    }

    /// Applies a new configuration. Keys, sizes or hash key make a new record source (new
    /// ordinals, numbered `serial` in the world); a new rate or batching keeps it.
    pub fn reconfigure(
        &mut self,
        config: ProducerConfig,
        seed: u64,
        now_ms: u64,
        serial: u64,
    ) -> Result<(), String> {
        config.validate()?;
        let recipe_changed = config.keys != self.config.keys
            || config.size != self.config.size
            || config.explicit_hash_key != self.config.explicit_hash_key;
        if recipe_changed {
            let keys = if config.keys == self.config.keys {
                self.source.keys().clone()
            } else {
                Rc::new(
                    KeyTable::new(config.keys.clone())
                        .ok_or_else(|| format!("cannot build the keys {}", config.keys))?,
                )
            };
            let version_seed = seed ^ self.generation.wrapping_add(1).wrapping_mul(0x9e37_79b9);
            self.source = Rc::new(ProducerSource::new(
                &self.name,
                (self.source.producer_id(), serial),
                version_seed,
                keys,
                config.size,
                config.explicit_hash_key,
            ));
            self.allocations.clear();
        }
        let interval = config.interval_ms();
        if interval != self.config.interval_ms() {
            self.next_send_ms = (now_ms / interval + 1) * interval;
        }
        match (&mut self.kpl, config.batching) {
            (Some(pipeline), Batching::Kpl(kpl)) => pipeline.config = kpl,
            _ => self.kpl = kpl_pipeline(&config),
        }
        self.config = config;
        self.layout.clear(); // recompute shares at the next send
        self.generation += 1;
        Ok(())
    }

    pub fn is_paused(&self, now_ms: u64) -> bool {
        self.paused_until.is_some_and(|until| now_ms < until)
    }

    /// Plans one send at `now_ms` onto the open shards `layout` (index, range), in hash key
    /// order: the records each shard gets, as engine tick parts.
    pub fn plan_send(&mut self, layout: &[(u32, HashKeyRange)]) -> Vec<(u32, TickPart)> {
        if self.layout != layout {
            self.reallocate(layout);
        }
        let source: Rc<dyn RecordSource> = self.source.clone();
        let call = self.config.call();
        self.allocations
            .iter()
            .filter(|(_, a)| a.per_tick > 0)
            .map(|(&shard, a)| {
                let offered = (((a.acc + a.per_tick) >> 32) - (a.acc >> 32)) as u64;
                (
                    shard,
                    TickPart {
                        source: source.clone(),
                        origin_shard: shard,
                        first_ordinal: a.next_ordinal,
                        acc_before: a.acc,
                        per_tick: a.per_tick,
                        offered,
                        accepted: 0,
                        call,
                    },
                )
            })
            .collect()
    }

    /// Shares of the rate for a new set of open shards; shards that stay keep their state.
    fn reallocate(&mut self, layout: &[(u32, HashKeyRange)]) {
        let per_send = self.config.rate * self.config.interval_ms() as f64 / 1000.0;
        let mut allocations = BTreeMap::new();
        for (index, range) in layout {
            self.source.prepare(*index, range);
            let share = match self.config.explicit_hash_key {
                Some(hash) => f64::from(u8::from(range.contains(hash))),
                None => self.source.keys().share_of(range),
            };
            let per_tick = (per_send * share * 4_294_967_296.0).round();
            let per_tick = if per_tick.is_finite() && per_tick > 0.0 {
                per_tick as u128
            } else {
                0
            };
            let previous = self.allocations.get(index).copied();
            allocations.insert(
                *index,
                Allocation {
                    acc: previous.map_or(0, |a| a.acc),
                    per_tick,
                    next_ordinal: previous.map_or(0, |a| a.next_ordinal),
                },
            );
        }
        self.allocations = allocations;
        self.layout = layout.to_vec();
    }

    /// Accounts for one shard's part of a send once the engine answered.
    pub fn settle_part(&mut self, now_ms: u64, part: &TickPart) -> (u64, u64) {
        let interval = self.config.interval_ms();
        if let Some(allocation) = self.allocations.get_mut(&part.origin_shard) {
            allocation.acc += allocation.per_tick;
            allocation.next_ordinal += part.offered;
        }
        let throttled = part.offered - part.accepted;
        self.counters.sent += part.offered;
        self.counters.succeeded += part.accepted;
        self.counters.throttled += throttled;
        // Records are created evenly through the interval and sent at its end.
        self.counters.latency_total_ms += part.accepted * interval / 2;
        if part.accepted > 0 {
            self.counters.latency_max_ms = self.counters.latency_max_ms.max(interval);
        }
        let mut failed = 0;
        if throttled > 0 {
            let retry = Retry {
                source: self.source.clone(),
                origin_shard: part.origin_shard,
                ordinals: (part.first_ordinal + part.accepted..part.first_ordinal + part.offered)
                    .collect(),
                routed: Vec::new(),
                attempts: 1,
                created_ms: now_ms.saturating_sub(interval / 2),
            };
            if !self.schedule_retry(now_ms, retry) {
                failed = throttled;
            }
        }
        self.count_series(
            now_ms,
            &[
                (ProducerSeries::Sent, part.offered),
                (ProducerSeries::Succeeded, part.accepted),
                (ProducerSeries::Throttled, throttled),
                (ProducerSeries::Failed, failed),
            ],
        );
        (part.accepted, throttled)
    }

    /// Counts the calls a send made: one per record, or one per batch.
    pub fn count_calls(&mut self, records: u64) {
        self.counters.calls += match self.config.batching {
            Batching::PutRecord => records,
            Batching::PutRecords { batch_size, .. } => records.div_ceil(u64::from(batch_size)),
            // The pipeline counts its own PutRecords calls.
            Batching::Kpl(_) => 0,
        };
    }

    /// Queues `retry` after its backoff; `false` (and its records counted as failed) if no
    /// attempt is left.
    pub fn schedule_retry(&mut self, now_ms: u64, retry: Retry) -> bool {
        let records = retry.ordinals.len() as u64;
        let RetryPolicy::Backoff {
            base_ms,
            max_ms,
            max_attempts,
        } = self.config.retry
        else {
            self.counters.failed += records;
            return false;
        };
        if retry.attempts >= max_attempts {
            self.counters.failed += records;
            return false;
        }
        let ceiling = base_ms
            .saturating_mul(1u64 << (retry.attempts - 1).min(40))
            .min(max_ms);
        let delay = (ceiling / 2 + self.rng.random_range(0..=ceiling - ceiling / 2)).max(1);
        self.retry_seq += 1;
        self.retries
            .insert((now_ms.saturating_add(delay), self.retry_seq), retry);
        true
    }

    /// The earliest retry due, if any.
    pub fn next_retry_ms(&self) -> Option<u64> {
        self.retries.keys().next().map(|(due, _)| *due)
    }

    /// Takes the retries due by `now_ms`, oldest first.
    pub fn take_due_retries(&mut self, now_ms: u64) -> Vec<Retry> {
        let later = self.retries.split_off(&(now_ms.saturating_add(1), 0));
        std::mem::replace(&mut self.retries, later)
            .into_values()
            .collect()
    }

    /// Accounts for a retry attempt: `refused` are the ordinals throttled again, with their
    /// hash keys and sizes.
    pub fn settle_retry(
        &mut self,
        now_ms: u64,
        retry: Retry,
        (refused, routed): (Vec<u64>, Vec<(Option<u128>, u64)>),
    ) {
        let attempted = retry.ordinals.len() as u64;
        let throttled = refused.len() as u64;
        let accepted = attempted - throttled;
        self.counters.retried += attempted;
        self.counters.succeeded += accepted;
        self.counters.throttled += throttled;
        if accepted > 0 {
            let latency = now_ms.saturating_sub(retry.created_ms);
            self.counters.latency_total_ms += latency * accepted;
            self.counters.latency_max_ms = self.counters.latency_max_ms.max(latency);
        }
        let mut failed = 0;
        if throttled > 0 {
            let again = Retry {
                ordinals: refused,
                routed,
                attempts: retry.attempts + 1,
                ..retry
            };
            if !self.schedule_retry(now_ms, again) {
                failed = throttled;
            }
        }
        self.count_series(
            now_ms,
            &[
                (ProducerSeries::Succeeded, accepted),
                (ProducerSeries::Throttled, throttled),
                (ProducerSeries::Retried, attempted),
                (ProducerSeries::Failed, failed),
            ],
        );
    }

    /// Records a whole send lost to an error (the stream is gone or not ready).
    pub fn fail_send(&mut self, now_ms: u64, records: u64) {
        self.counters.sent += records;
        self.counters.failed += records;
        self.count_series(
            now_ms,
            &[
                (ProducerSeries::Sent, records),
                (ProducerSeries::Failed, records),
            ],
        );
        for allocation in self.allocations.values_mut() {
            allocation.acc += allocation.per_tick;
        }
    }

    /// Records due this send across all shards (for a send that cannot happen).
    pub fn records_due(&self) -> u64 {
        if self.allocations.is_empty() {
            // No layout yet: the configured rate over one interval.
            return (self.config.rate * self.config.interval_ms() as f64 / 1000.0).round() as u64;
        }
        self.allocations
            .values()
            .map(|a| (((a.acc + a.per_tick) >> 32) - (a.acc >> 32)) as u64)
            .sum()
    }

    fn count_series(&mut self, now_ms: u64, values: &[(ProducerSeries, u64)]) {
        series::record(&mut self.series, now_ms, values);
    }

    /// The user records the application adds to the KPL in this step (at the configured rate,
    /// split by the key distribution like any producer's records), with their hash keys.
    pub fn take_user_records(&mut self, layout: &[(u32, HashKeyRange)]) -> Vec<(UserRecord, u128)> {
        let parts = self.plan_send(layout);
        let mut records = Vec::new();
        for (shard, part) in parts {
            for ordinal in part.first_ordinal..part.first_ordinal + part.offered {
                let (partition_key, data) = self.source.record(shard, ordinal);
                let record = UserRecord {
                    partition_key,
                    explicit_hash_key: self.config.explicit_hash_key.map(|k| k.to_string()),
                    data,
                };
                records.push((record, self.source.hash_key(shard, ordinal)));
            }
            if let Some(allocation) = self.allocations.get_mut(&shard) {
                allocation.acc += allocation.per_tick;
                allocation.next_ordinal += part.offered;
            }
        }
        records
    }

    /// Accounts for one KPL step: `added` user records went in, `report` says what came out.
    pub fn settle_kpl(&mut self, now_ms: u64, added: u64, report: &StepReport) {
        let put: u64 = report.put.values().map(|p| p.0).sum();
        let latency: u64 = report.put.values().map(|p| p.1).sum();
        let throttled: u64 = report.throttled.values().sum();
        let c = &mut self.counters;
        c.sent += added;
        c.succeeded += put;
        c.throttled += throttled;
        c.retried += report.retried;
        c.failed += report.expired;
        c.calls += report.calls;
        c.latency_total_ms += latency;
        c.latency_max_ms = c.latency_max_ms.max(report.max_latency_ms);
        self.count_series(
            now_ms,
            &[
                (ProducerSeries::Sent, added),
                (ProducerSeries::Succeeded, put),
                (ProducerSeries::Throttled, throttled),
                (ProducerSeries::Retried, report.retried),
                (ProducerSeries::Failed, report.expired),
            ],
        );
        let kinesis: u64 = report.kinesis_put.values().map(|k| k.0).sum();
        series::record(&mut self.kinesis_series, now_ms, &[(0usize, kinesis)]);
    }

    /// The share of this producer's traffic each open shard gets, by shard index.
    pub fn shares(&self) -> BTreeMap<u32, f64> {
        self.layout
            .iter()
            .map(|(index, range)| {
                let share = match self.config.explicit_hash_key {
                    Some(hash) => f64::from(u8::from(range.contains(hash))),
                    None => self.source.keys().share_of(range),
                };
                (*index, share)
            })
            .collect()
    }
}

/// A KPL pipeline for a producer in KPL mode.
fn kpl_pipeline(config: &ProducerConfig) -> Option<Box<Pipeline>> {
    match config.batching {
        Batching::Kpl(kpl) => Some(Box::new(Pipeline::new(kpl))),
        _ => None,
    }
}
