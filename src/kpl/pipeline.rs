//! One KPL instance's pipeline: user records in, PutRecords calls out, results back.
//!
//! The KPL's stages (`pipeline.h`): the aggregator groups user records by the shard its
//! cached shard map predicts (ListShards) and packs each group into aggregated records of at
//! most `AggregationMaxSize`; the limiter holds each shard under `RateLimit`%; the collector
//! packs Kinesis records into PutRecords calls of at most `CollectionMaxCount` entries and
//! `CollectionMaxSize` bytes; the retrier reads the results. A group is flushed when its
//! oldest user record's deadline (`RecordMaxBufferedTime` after it was added) has come.
//!
//! The retrier (`retrier.cc`): a failed Kinesis record's user records go back into the
//! buffer with the deadline min(`RecordMaxBufferedTime`/2, TTL left), without backoff; past
//! `RecordTtl` they fail with "Expired". A success on another shard than predicted, for a
//! user record whose hash key lies outside the shard it reached, means the shard map is
//! stale: that user record is retried ("Wrong Shard", only when aggregating, as the KPL
//! does) and the map is listed again. Everything runs at the simulator's virtual time in
//! steps of the limiter's 25 ms drain period.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use super::aggregated::{Aggregator, UserRecord};
use super::config::KplConfig;
use super::limiter::Limiter;
use crate::engine::HashKeyRange;
use crate::engine::{PutRecordsEntry, PutRecordsOutput};

/// The error code of a user record that reached its `RecordTtl`.
pub const EXPIRED: &str = "Expired";
/// The error code of a user record that reached a shard whose range does not hold it.
pub const WRONG_SHARD: &str = "Wrong Shard";

/// What a learner watches of a KPL producer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KplCounters {
    /// User records the application added (`addUserRecord`).
    pub user_records: u64,
    /// User records acknowledged with a sequence number.
    pub user_records_put: u64,
    /// Kinesis records (aggregates, or single user records) acknowledged.
    pub kinesis_records: u64,
    /// Kinesis records refused (throttled by the shard).
    pub kinesis_records_throttled: u64,
    /// PutRecords calls made.
    pub put_records_calls: u64,
    /// User records retried (each retry counts).
    pub retries: u64,
    /// User records retried because the shard map was stale.
    pub wrong_shard: u64,
    /// User records failed with "Expired".
    pub expired: u64,
    /// ListShards calls made to refresh the shard map.
    pub shard_map_refreshes: u64,
}

/// A user record waiting in the KPL.
#[derive(Clone, Debug)]
struct Buffered {
    record: UserRecord,
    hash_key: u128,
    arrival_ms: u64,
    deadline_ms: u64,
}

/// A Kinesis record made by the aggregator (or one user record alone), with the shard it was
/// predicted for.
#[derive(Clone, Debug)]
struct KinesisRecord {
    predicted_shard: u32,
    entry: PutRecordsEntry,
    items: Vec<Buffered>,
}

impl KinesisRecord {
    fn size(&self) -> u64 {
        (self.entry.partition_key.len() + self.entry.data.len()) as u64
    }
}

/// What one step did, for the world's log and the producer's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepReport {
    /// User records acknowledged, with their time in the KPL, by the shard they reached.
    pub put: BTreeMap<u32, (u64, u64)>,
    /// Kinesis records acknowledged (aggregates, or single user records), by the shard they
    /// reached, with the partition key of the first user record of the first of them (an
    /// aggregate's ExplicitHashKey is that record's hash key): what the page draws a dot of.
    pub kinesis_put: BTreeMap<u32, (u64, String)>,
    /// User records whose Kinesis record was throttled, by predicted shard.
    pub throttled: BTreeMap<u32, u64>,
    pub retried: u64,
    pub expired: u64,
    pub wrong_shard: u64,
    pub calls: u64,
    /// The longest a user record acknowledged in this step waited.
    pub max_latency_ms: u64,
}

/// One KPL instance.
#[derive(Clone, Debug)]
pub struct Pipeline {
    pub config: KplConfig,
    /// The cached shard map, as ListShards returned it: open shards (index, range).
    shard_map: Option<Vec<(u32, HashKeyRange)>>,
    /// Set by a "Wrong Shard": the map is listed again at the next step.
    map_invalid: bool,
    buffer: Vec<Buffered>,
    /// Kinesis records the limiter holds back, by predicted shard.
    limited: BTreeMap<u32, VecDeque<KinesisRecord>>,
    limiter: Limiter,
    pub counters: KplCounters,
}

impl Pipeline {
    pub fn new(config: KplConfig) -> Self {
        Pipeline {
            config,
            shard_map: None,
            map_invalid: false,
            buffer: Vec::new(),
            limited: BTreeMap::new(),
            limiter: Limiter::default(),
            counters: KplCounters::default(),
        }
    }

    /// User records inside the KPL (buffered or held by the limiter).
    pub fn buffered(&self) -> u64 {
        let limited: usize = self.limited.values().flatten().map(|k| k.items.len()).sum();
        (self.buffer.len() + limited) as u64
    }

    /// `addUserRecord`: the record waits until `RecordMaxBufferedTime` from now.
    pub fn add(&mut self, now_ms: u64, record: UserRecord, hash_key: u128) {
        self.counters.user_records += 1;
        self.buffer.push(Buffered {
            record,
            hash_key,
            arrival_ms: now_ms,
            deadline_ms: now_ms + self.config.record_max_buffered_time_ms,
        });
    }

    fn predict(&self, hash_key: u128) -> u32 {
        self.shard_map
            .iter()
            .flatten()
            .find(|(_, range)| range.contains(hash_key))
            .map_or(u32::MAX, |(index, _)| *index)
    }

    fn expired(&self, record: &Buffered, now_ms: u64) -> bool {
        now_ms >= record.arrival_ms + self.config.record_ttl_ms
    }

    /// One step at `now_ms`: refresh the shard map if asked (`list_shards`), expire, flush the
    /// groups whose deadline came, pass the limiter, and send with `put` (a PutRecords call).
    pub fn step(
        &mut self,
        now_ms: u64,
        list_shards: impl FnOnce() -> Option<Vec<(u32, HashKeyRange)>>,
        mut put: impl FnMut(&[PutRecordsEntry]) -> Option<PutRecordsOutput>,
    ) -> StepReport {
        let mut report = StepReport::default();
        if self.shard_map.is_none() || self.map_invalid {
            if let Some(map) = list_shards() {
                self.shard_map = Some(map);
                self.map_invalid = false;
                self.counters.shard_map_refreshes += 1;
            }
        }
        // Records past their TTL fail where they wait.
        let before = self.buffer.len();
        let buffer = std::mem::take(&mut self.buffer);
        self.buffer = buffer
            .into_iter()
            .filter(|r| !self.expired(r, now_ms))
            .collect();
        report.expired += (before - self.buffer.len()) as u64;
        // Group by predicted shard; flush the groups whose oldest deadline came.
        let mut groups: BTreeMap<u32, Vec<Buffered>> = BTreeMap::new();
        for record in std::mem::take(&mut self.buffer) {
            groups
                .entry(self.predict(record.hash_key))
                .or_default()
                .push(record);
        }
        for (shard, records) in groups {
            let due = records.iter().any(|r| r.deadline_ms <= now_ms);
            if due {
                for kinesis_record in self.reduce(shard, records) {
                    self.limited
                        .entry(shard)
                        .or_default()
                        .push_back(kinesis_record);
                }
            } else {
                self.buffer.extend(records);
            }
        }
        // The limiter lets through what each shard's buckets allow.
        let mut ready = Vec::new();
        for (&shard, queue) in &mut self.limited {
            while let Some(front) = queue.front() {
                if front
                    .items
                    .iter()
                    .any(|r| now_ms >= r.arrival_ms + self.config.record_ttl_ms)
                {
                    report.expired += front.items.len() as u64;
                    queue.pop_front();
                    continue;
                }
                if !self
                    .limiter
                    .try_take(self.config.rate_limit, shard, now_ms, front.size())
                {
                    break;
                }
                ready.extend(queue.pop_front());
            }
        }
        self.limited.retain(|_, queue| !queue.is_empty());
        // The collector packs PutRecords calls.
        let mut call: Vec<KinesisRecord> = Vec::new();
        let mut call_bytes = 0;
        for kinesis_record in ready {
            let size = kinesis_record.size();
            if !call.is_empty()
                && (call.len() >= self.config.collection_max_count as usize
                    || call_bytes + size > self.config.collection_max_size)
            {
                self.send(now_ms, std::mem::take(&mut call), &mut put, &mut report);
                call_bytes = 0;
            }
            call_bytes += size;
            call.push(kinesis_record);
        }
        if !call.is_empty() {
            self.send(now_ms, call, &mut put, &mut report);
        }
        self.counters.expired += report.expired;
        self.counters.wrong_shard += report.wrong_shard;
        self.counters.retries += report.retried;
        report
    }

    /// Makes Kinesis records of one shard's user records: one each without aggregation,
    /// aggregates of at most `AggregationMaxSize` with it (an aggregate of one record is
    /// sent as that record).
    fn reduce(&self, shard: u32, records: Vec<Buffered>) -> Vec<KinesisRecord> {
        if !self.config.aggregation_enabled {
            return records.into_iter().map(|r| single(shard, r)).collect();
        }
        let mut out = Vec::new();
        let mut aggregator = Aggregator::new();
        let mut items: Vec<Buffered> = Vec::new();
        for record in records {
            if !items.is_empty()
                && aggregator.size_with(&record.record) as u64 > self.config.aggregation_max_size
            {
                out.push(aggregate(shard, &aggregator, std::mem::take(&mut items)));
                aggregator = Aggregator::new();
            }
            aggregator.add(&record.record);
            items.push(record);
        }
        if !items.is_empty() {
            out.push(aggregate(shard, &aggregator, items));
        }
        out
    }

    fn send(
        &mut self,
        now_ms: u64,
        call: Vec<KinesisRecord>,
        put: &mut impl FnMut(&[PutRecordsEntry]) -> Option<PutRecordsOutput>,
        report: &mut StepReport,
    ) {
        let entries: Vec<PutRecordsEntry> = call.iter().map(|k| k.entry.clone()).collect();
        self.counters.put_records_calls += 1;
        report.calls += 1;
        let results = put(&entries).map(|out| out.records);
        for (index, kinesis_record) in call.into_iter().enumerate() {
            let result = results.as_ref().and_then(|r| r.get(index));
            let actual = result
                .and_then(|r| r.shard_id.as_ref())
                .filter(|_| result.is_some_and(|r| r.sequence_number.is_some()))
                .map(|id| id.0);
            let Some(actual) = actual else {
                self.counters.kinesis_records_throttled += 1;
                *report
                    .throttled
                    .entry(kinesis_record.predicted_shard)
                    .or_default() += kinesis_record.items.len() as u64;
                for record in kinesis_record.items {
                    self.retry(now_ms, record, report);
                }
                continue;
            };
            self.counters.kinesis_records += 1;
            let (kinesis, first_key) = report.kinesis_put.entry(actual).or_default();
            if *kinesis == 0 {
                if let Some(first) = kinesis_record.items.first() {
                    first_key.clone_from(&first.record.partition_key);
                }
            }
            *kinesis += 1;
            let actual_range = self
                .shard_map
                .iter()
                .flatten()
                .find(|(i, _)| *i == actual)
                .map(|(_, r)| *r);
            let predicted = kinesis_record.predicted_shard;
            if predicted != actual {
                // A new shard, or a record outside it: the map is stale (`invalidate_cache`).
                self.map_invalid = true;
            }
            for record in kinesis_record.items {
                let fits = actual_range.is_some_and(|r| r.contains(record.hash_key));
                if predicted != actual && !fits && self.config.aggregation_enabled {
                    report.wrong_shard += 1;
                    self.retry(now_ms, record, report);
                    continue;
                }
                self.counters.user_records_put += 1;
                let latency = now_ms - record.arrival_ms;
                let (count, total) = report.put.entry(actual).or_default();
                *count += 1;
                *total += latency;
                report.max_latency_ms = report.max_latency_ms.max(latency);
            }
        }
    }

    /// The retrier: back into the buffer with a deadline of half the buffered time (at most
    /// the TTL left), or "Expired".
    fn retry(&mut self, now_ms: u64, mut record: Buffered, report: &mut StepReport) {
        if self.expired(&record, now_ms) {
            report.expired += 1;
            return;
        }
        report.retried += 1;
        let expiration = record.arrival_ms + self.config.record_ttl_ms;
        record.deadline_ms = (now_ms + self.config.record_max_buffered_time_ms / 2).min(expiration);
        self.buffer.push(record);
    }
}

fn single(shard: u32, record: Buffered) -> KinesisRecord {
    KinesisRecord {
        predicted_shard: shard,
        entry: PutRecordsEntry {
            partition_key: record.record.partition_key.clone(),
            data: record.record.data.clone(),
            explicit_hash_key: record
                .record
                .explicit_hash_key
                .as_deref()
                .and_then(|k| k.parse().ok()),
        },
        items: vec![record],
    }
}

/// An aggregate goes with PartitionKey "a" and the first user record's hash key as its
/// ExplicitHashKey (`kinesis_record.cc`), so it lands where its first record belongs.
fn aggregate(shard: u32, aggregator: &Aggregator, mut items: Vec<Buffered>) -> KinesisRecord {
    if items.len() == 1 {
        if let Some(only) = items.pop() {
            return single(shard, only);
        }
    }
    KinesisRecord {
        predicted_shard: shard,
        entry: PutRecordsEntry {
            partition_key: "a".to_string(),
            data: aggregator.encode(),
            explicit_hash_key: Some(items[0].hash_key),
        },
        items,
    }
}
