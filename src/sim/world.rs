//! The world: the service, the producers and consumers, one virtual clock, one event queue.
//!
//! Nothing here reads a wall clock. [`World::advance_to`] takes the scheduled tasks (producer
//! sends, retries, consumer polls) in time order, ties in the order they were scheduled, and
//! lets the engine apply its own asynchronous changes (a stream turning ACTIVE, a split
//! completing) at their moments in between. Given a seed and the same commands at the same
//! simulated times, two worlds go through exactly the same states, natively or in a browser.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use serde_json::Value;

use super::consumer::{Consumer, ConsumerConfig, Cursor, StartPosition};
use super::log::{EventKind, EventLog, EventsSince};
use super::producer::{Producer, ProducerConfig};
use crate::engine::{
    shard_id, ApiError, Config, ErrorKind, HashKeyRange, IteratorStart, Kinesis, RecordSource,
    ShardIterator, TickPart, WriteOutcome,
};
use crate::kcl::{KclApp, KclConfig, KclEvent, KclTask, Wake};

/// Where simulated time starts: 2026-01-01T00:00:00Z.
pub const START_MS: u64 = 1_767_225_600_000;
/// Events kept in the log.
pub const EVENT_LOG_CAPACITY: usize = 20_000;

/// A task waiting for its moment.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Task {
    Send {
        producer: String,
        generation: u64,
    },
    Retry {
        producer: String,
    },
    Poll {
        consumer: String,
        generation: u64,
    },
    Kcl {
        app: String,
        worker: Option<String>,
        generation: u64,
        task: KclTask,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Scheduled {
    at_ms: u64,
    seq: u64,
    task: Task,
}

/// The whole simulation.
#[derive(Debug)]
pub struct World {
    seed: u64,
    now_ms: u64,
    kinesis: Kinesis,
    pub(crate) producers: BTreeMap<String, Producer>,
    pub(crate) consumers: BTreeMap<String, Consumer>,
    pub(crate) apps: BTreeMap<String, KclApp>,
    queue: BinaryHeap<Reverse<Scheduled>>,
    next_task_seq: u64,
    /// When each producer's retry task is due, to keep one per producer.
    retry_wakes: BTreeMap<String, u64>,
    log: EventLog,
    /// Every KCL event, unbounded, when a test asked for it with [`World::trace_kcl`].
    kcl_trace: Option<Vec<(u64, KclEvent)>>,
}

impl World {
    /// A world with AWS's settings, starting at [`START_MS`].
    pub fn new(seed: u64) -> Self {
        Self::with_config(seed, Config::default())
    }

    pub fn with_config(seed: u64, config: Config) -> Self {
        let mut kinesis = Kinesis::new(config);
        kinesis.advance_to(START_MS);
        World {
            seed,
            now_ms: START_MS,
            kinesis,
            producers: BTreeMap::new(),
            consumers: BTreeMap::new(),
            apps: BTreeMap::new(),
            queue: BinaryHeap::new(),
            next_task_seq: 0,
            retry_wakes: BTreeMap::new(),
            log: EventLog::new(EVENT_LOG_CAPACITY),
            kcl_trace: None,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Simulated time, epoch milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// Whether nothing has happened yet (no time passed, nothing created).
    pub fn is_pristine(&self) -> bool {
        self.elapsed_ms() == 0
            && self.kinesis.streams().next().is_none()
            && self.producers.is_empty()
            && self.consumers.is_empty()
            && self.apps.is_empty()
    }

    /// Simulated time since the world began.
    pub fn elapsed_ms(&self) -> u64 {
        self.now_ms - START_MS
    }

    /// The service, to look at.
    pub fn kinesis(&self) -> &Kinesis {
        &self.kinesis
    }

    /// The service, to change directly (lowering a stream's limits for a lesson, say).
    pub fn kinesis_mut(&mut self) -> &mut Kinesis {
        &mut self.kinesis
    }

    pub fn producer(&self, name: &str) -> Option<&Producer> {
        self.producers.get(name)
    }

    pub fn producers(&self) -> impl Iterator<Item = &Producer> {
        self.producers.values()
    }

    pub fn consumer(&self, name: &str) -> Option<&Consumer> {
        self.consumers.get(name)
    }

    pub fn consumers(&self) -> impl Iterator<Item = &Consumer> {
        self.consumers.values()
    }

    /// Events since `cursor` (see [`EventLog::since`]).
    pub fn events_since(&self, cursor: u64) -> EventsSince {
        self.log.since(cursor)
    }

    pub fn log(&self) -> &EventLog {
        &self.log
    }

    fn schedule(&mut self, at_ms: u64, task: Task) {
        self.next_task_seq += 1;
        self.queue.push(Reverse(Scheduled {
            at_ms,
            seq: self.next_task_seq,
            task,
        }));
    }

    /// When the next scheduled task or engine change is due.
    pub fn next_event_ms(&self) -> Option<u64> {
        let task = self.queue.peek().map(|Reverse(s)| s.at_ms);
        match (task, self.kinesis.next_change_ms()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Advances simulated time by `ms`.
    pub fn advance_by(&mut self, ms: u64) {
        self.advance_to(self.now_ms.saturating_add(ms));
    }

    /// Runs every task due up to `target_ms`, in time order, then sets the clock there.
    pub fn advance_to(&mut self, target_ms: u64) {
        let target = target_ms.max(self.now_ms);
        while let Some(at) = self
            .queue
            .peek()
            .map(|Reverse(s)| s.at_ms)
            .filter(|at| *at <= target)
        {
            self.set_clock(at);
            let Some(Reverse(first)) = self.queue.pop() else {
                break;
            };
            match first.task {
                Task::Send {
                    producer,
                    generation,
                } => {
                    // Every producer sending at this instant sends together, so that a
                    // shard shares its capacity between them fairly.
                    let mut sends = vec![(producer, generation)];
                    while let Some(Reverse(Scheduled {
                        at_ms,
                        task: Task::Send { .. },
                        ..
                    })) = self.queue.peek()
                    {
                        if *at_ms != at {
                            break;
                        }
                        if let Some(Reverse(Scheduled {
                            task:
                                Task::Send {
                                    producer,
                                    generation,
                                },
                            ..
                        })) = self.queue.pop()
                        {
                            sends.push((producer, generation));
                        }
                    }
                    self.run_sends(at, sends);
                }
                Task::Retry { producer } => self.run_retries(at, &producer),
                Task::Poll {
                    consumer,
                    generation,
                } => self.run_poll(at, &consumer, generation),
                Task::Kcl {
                    app,
                    worker,
                    generation,
                    task,
                } => self.run_kcl(at, &app, worker.as_deref(), generation, task),
            }
        }
        self.set_clock(target);
    }

    fn set_clock(&mut self, at_ms: u64) {
        self.now_ms = at_ms;
        self.kinesis.advance_to(at_ms);
        for event in self.kinesis.drain_events() {
            self.log.push(at_ms, EventKind::Service { event });
        }
    }

    // ------------------------------------------------------------------ the API, by hand

    /// Calls the Kinesis API at the current simulated time, as the console and scripts do,
    /// logging single puts for the page to animate.
    pub fn call(&mut self, action: &str, body: &Value) -> Result<Value, ApiError> {
        let now = self.now_ms;
        let result = self.kinesis.call(now, action, body);
        for event in self.kinesis.drain_events() {
            self.log.push(now, EventKind::Service { event });
        }
        let stream = body
            .get("StreamName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match (action, &result) {
            ("PutRecord", Ok(out)) => {
                let key = body
                    .get("PartitionKey")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let size = key.len() as u64
                    + body
                        .get("Data")
                        .and_then(Value::as_str)
                        .map_or(0, |d| (d.len() / 4 * 3) as u64);
                self.log.push(
                    now,
                    EventKind::RecordPut {
                        stream: stream.to_string(),
                        shard: out["ShardId"].as_str().unwrap_or_default().to_string(),
                        partition_key: key.to_string(),
                        size,
                        sequence_number: out["SequenceNumber"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    },
                );
            }
            ("PutRecord", Err(error))
                if error.error_kind() == ErrorKind::ProvisionedThroughputExceeded =>
            {
                let key = body
                    .get("PartitionKey")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let shard = error
                    .message()
                    .split_whitespace()
                    .find(|w| w.starts_with("shardId-"))
                    .unwrap_or_default()
                    .to_string();
                self.log.push(
                    now,
                    EventKind::PutThrottled {
                        stream: stream.to_string(),
                        shard,
                        partition_key: key.to_string(),
                    },
                );
            }
            ("PutRecords", Ok(out)) => {
                let entries = body.get("Records").and_then(Value::as_array);
                let results = out.get("Records").and_then(Value::as_array);
                for (entry, result) in entries
                    .into_iter()
                    .flatten()
                    .zip(results.into_iter().flatten())
                {
                    let key = entry
                        .get("PartitionKey")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let kind = match (result.get("ShardId"), result.get("ErrorMessage")) {
                        (Some(shard), _) => EventKind::RecordPut {
                            stream: stream.to_string(),
                            shard: shard.as_str().unwrap_or_default().to_string(),
                            size: key.len() as u64
                                + entry
                                    .get("Data")
                                    .and_then(Value::as_str)
                                    .map_or(0, |d| (d.len() / 4 * 3) as u64),
                            partition_key: key,
                            sequence_number: result["SequenceNumber"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string(),
                        },
                        (None, Some(message)) => EventKind::PutThrottled {
                            stream: stream.to_string(),
                            shard: message
                                .as_str()
                                .unwrap_or_default()
                                .split_whitespace()
                                .find(|w| w.starts_with("shardId-"))
                                .unwrap_or_default()
                                .to_string(),
                            partition_key: key,
                        },
                        _ => continue,
                    };
                    self.log.push(now, kind);
                }
            }
            _ => {}
        }
        result
    }

    // ------------------------------------------------------------------ producers

    fn seed_for(&self, name: &str) -> u64 {
        crate::seeds::seed_for(self.seed, name)
    }

    /// Adds a producer; it sends from its next interval on.
    pub fn add_producer(&mut self, name: &str, config: ProducerConfig) -> Result<(), String> {
        check_name(name)?;
        if self.producers.contains_key(name) {
            return Err(format!("there is already a producer named {name}"));
        }
        let producer = Producer::new(name, config, self.seed_for(name), self.now_ms)?;
        let (at, generation) = (producer.next_send_ms, producer.generation);
        self.producers.insert(name.to_string(), producer);
        self.schedule(
            at,
            Task::Send {
                producer: name.to_string(),
                generation,
            },
        );
        self.fault(name, "producer added");
        Ok(())
    }

    /// Changes a producer's configuration while it runs.
    pub fn set_producer(&mut self, name: &str, config: ProducerConfig) -> Result<(), String> {
        let seed = self.seed_for(name);
        let now = self.now_ms;
        let producer = self
            .producers
            .get_mut(name)
            .ok_or_else(|| format!("there is no producer named {name}"))?;
        producer.reconfigure(config, seed, now)?;
        let (at, generation) = (producer.next_send_ms, producer.generation);
        self.schedule(
            at,
            Task::Send {
                producer: name.to_string(),
                generation,
            },
        );
        self.fault(name, "producer changed");
        Ok(())
    }

    pub fn remove_producer(&mut self, name: &str) -> Result<(), String> {
        self.producers
            .remove(name)
            .ok_or_else(|| format!("there is no producer named {name}"))?;
        self.retry_wakes.remove(name);
        self.fault(name, "producer removed");
        Ok(())
    }

    /// Pauses a producer for `duration_ms`, or stops it (`None`) until resumed.
    pub fn pause_producer(&mut self, name: &str, duration_ms: Option<u64>) -> Result<(), String> {
        let now = self.now_ms;
        let producer = self
            .producers
            .get_mut(name)
            .ok_or_else(|| format!("there is no producer named {name}"))?;
        producer.paused_until = Some(duration_ms.map_or(u64::MAX, |d| now.saturating_add(d)));
        let action = match duration_ms {
            Some(d) => format!("producer paused for {d} ms"),
            None => "producer stopped".to_string(),
        };
        self.fault(name, &action);
        Ok(())
    }

    pub fn resume_producer(&mut self, name: &str) -> Result<(), String> {
        let producer = self
            .producers
            .get_mut(name)
            .ok_or_else(|| format!("there is no producer named {name}"))?;
        producer.paused_until = None;
        self.fault(name, "producer resumed");
        Ok(())
    }

    fn fault(&mut self, target: &str, action: &str) {
        self.log.push(
            self.now_ms,
            EventKind::Fault {
                target: target.to_string(),
                action: action.to_string(),
            },
        );
    }

    /// The open shards of a stream that takes writes, as (index, range) in hash key order.
    fn layout(&self, stream: &str) -> Option<Vec<(u32, HashKeyRange)>> {
        let stream = self.kinesis.stream(stream).filter(|s| s.is_serving())?;
        Some(stream.open_shards().map(|s| (s.index, s.range)).collect())
    }

    fn run_sends(&mut self, now: u64, mut sends: Vec<(String, u64)>) {
        sends.sort();
        // (stream, shard, interval) -> the parts offered to that shard, by producer.
        type Offer = (String, TickPart);
        let mut offers: BTreeMap<(String, u32, u64), Vec<Offer>> = BTreeMap::new();
        for (name, generation) in sends {
            let Some(producer) = self
                .producers
                .get(&name)
                .filter(|p| p.generation == generation)
            else {
                continue;
            };
            let interval = producer.config.interval_ms();
            let stream = producer.config.stream.clone();
            let paused = producer.is_paused(now);
            let layout = self.layout(&stream);
            let Some(producer) = self.producers.get_mut(&name) else {
                continue;
            };
            producer.next_send_ms = now + interval;
            let next = Task::Send {
                producer: name.clone(),
                generation,
            };
            if !paused {
                match layout {
                    Some(layout) => {
                        producer.last_error = None;
                        for (shard, part) in producer.plan_send(&layout) {
                            offers
                                // PutRecord and PutRecords producers sending at the
                                // same moments share a tick (one run of records).
                                .entry((stream.clone(), shard, interval))
                                .or_default()
                                .push((name.clone(), part));
                        }
                    }
                    None => {
                        let due = producer.records_due();
                        producer.fail_send(now, due);
                        let reason = format!(
                            "Stream {stream} is not ready for writes (ResourceNotFoundException)"
                        );
                        if producer.last_error.as_deref() != Some(reason.as_str()) && due > 0 {
                            producer.last_error = Some(reason.clone());
                            self.log.push(
                                now,
                                EventKind::RecordsFailed {
                                    producer: name.clone(),
                                    count: due,
                                    reason,
                                },
                            );
                        }
                    }
                }
            }
            self.schedule(now + interval, next);
        }
        let mut records_per_producer: BTreeMap<String, u64> = BTreeMap::new();
        for ((stream, shard, interval), offer) in offers {
            let (names, mut parts): (Vec<String>, Vec<TickPart>) = offer.into_iter().unzip();
            if self
                .kinesis
                .put_tick(now, &stream, shard, interval, &mut parts)
                .is_err()
            {
                // The shard closed or the stream went away at this very instant: refused.
                for part in &mut parts {
                    part.accepted = 0;
                }
            }
            for (name, part) in names.iter().zip(&parts) {
                *records_per_producer.entry(name.clone()).or_default() += part.offered;
                let Some(producer) = self.producers.get_mut(name) else {
                    continue;
                };
                let (accepted, throttled) = producer.settle_part(now, part);
                let id = shard_id(shard);
                if accepted > 0 {
                    let (sample_key, _) = part.source.record(part.origin_shard, part.first_ordinal);
                    self.log.push(
                        now,
                        EventKind::RecordsPut {
                            producer: name.clone(),
                            stream: stream.clone(),
                            shard: id.clone(),
                            count: accepted,
                            sample_key,
                        },
                    );
                }
                if throttled > 0 {
                    // The refused records are the tick's last ones: name the first of them.
                    let (sample_key, _) = part
                        .source
                        .record(part.origin_shard, part.first_ordinal + accepted);
                    self.log.push(
                        now,
                        EventKind::RecordsThrottled {
                            producer: name.clone(),
                            stream: stream.clone(),
                            shard: id,
                            count: throttled,
                            sample_key,
                        },
                    );
                }
            }
        }
        for (name, records) in records_per_producer {
            if let Some(producer) = self.producers.get_mut(&name) {
                producer.count_calls(records);
            }
            self.wake_retries(&name);
        }
    }

    /// Makes sure a retry task is scheduled for the producer's earliest retry.
    fn wake_retries(&mut self, name: &str) {
        let Some(due) = self.producers.get(name).and_then(Producer::next_retry_ms) else {
            return;
        };
        if self
            .retry_wakes
            .get(name)
            .is_some_and(|&at| at <= due && at >= self.now_ms)
        {
            return;
        }
        self.retry_wakes.insert(name.to_string(), due);
        self.schedule(
            due,
            Task::Retry {
                producer: name.to_string(),
            },
        );
    }

    fn run_retries(&mut self, now: u64, name: &str) {
        if self.retry_wakes.get(name) == Some(&now) {
            self.retry_wakes.remove(name);
        }
        let Some(producer) = self.producers.get_mut(name) else {
            return;
        };
        let stream = producer.config.stream.clone();
        let call = producer.config.call();
        let due = producer.take_due_retries(now);
        // Per shard: records accepted and refused, with the first key of each, for the log.
        let mut outcomes: BTreeMap<u32, [(u64, Option<String>); 2]> = BTreeMap::new();
        for retry in due {
            let source: std::rc::Rc<dyn RecordSource> = retry.source.clone();
            let mut refused = Vec::new();
            for &ordinal in &retry.ordinals {
                let outcome = self.kinesis.put_generated_record(
                    now,
                    &stream,
                    &source,
                    retry.origin_shard,
                    ordinal,
                    call,
                );
                let (shard, slot) = match outcome {
                    Ok(WriteOutcome::Accepted { shard_index, .. }) => (Some(shard_index), 0),
                    Ok(WriteOutcome::Throttled { shard_index }) => (Some(shard_index), 1),
                    Err(_) => (None, 1),
                };
                if slot == 1 {
                    refused.push(ordinal);
                }
                if let Some(shard) = shard {
                    let (count, key) = &mut outcomes.entry(shard).or_default()[slot];
                    *count += 1;
                    if key.is_none() {
                        *key = Some(source.record(retry.origin_shard, ordinal).0);
                    }
                }
            }
            if let Some(producer) = self.producers.get_mut(name) {
                producer.count_calls(retry.ordinals.len() as u64);
                producer.settle_retry(now, retry, refused);
            }
        }
        for (shard, [(accepted, accepted_key), (throttled, throttled_key)]) in outcomes {
            if accepted > 0 {
                self.log.push(
                    now,
                    EventKind::RecordsPut {
                        producer: name.to_string(),
                        stream: stream.clone(),
                        shard: shard_id(shard),
                        count: accepted,
                        sample_key: accepted_key.unwrap_or_default(),
                    },
                );
            }
            if throttled > 0 {
                self.log.push(
                    now,
                    EventKind::RecordsThrottled {
                        producer: name.to_string(),
                        stream: stream.clone(),
                        shard: shard_id(shard),
                        count: throttled,
                        sample_key: throttled_key.unwrap_or_default(),
                    },
                );
            }
        }
        self.wake_retries(name);
    }

    // ------------------------------------------------------------------ consumers

    /// Adds a polling consumer; it polls at once and then every `idle_ms`.
    pub fn add_consumer(&mut self, name: &str, config: ConsumerConfig) -> Result<(), String> {
        check_name(name)?;
        if self.consumers.contains_key(name) {
            return Err(format!("there is already a consumer named {name}"));
        }
        let phase = self.seed_for(name);
        let consumer = Consumer::new(name, config, self.now_ms, phase)?;
        let (at, generation) = (consumer.next_poll_ms, consumer.generation);
        self.consumers.insert(name.to_string(), consumer);
        self.schedule(
            at,
            Task::Poll {
                consumer: name.to_string(),
                generation,
            },
        );
        self.fault(name, "consumer added");
        Ok(())
    }

    pub fn remove_consumer(&mut self, name: &str) -> Result<(), String> {
        self.consumers
            .remove(name)
            .ok_or_else(|| format!("there is no consumer named {name}"))?;
        self.fault(name, "consumer removed");
        Ok(())
    }

    /// Pauses a consumer for `duration_ms`, or stops it (`None`) until resumed.
    pub fn pause_consumer(&mut self, name: &str, duration_ms: Option<u64>) -> Result<(), String> {
        let now = self.now_ms;
        let consumer = self
            .consumers
            .get_mut(name)
            .ok_or_else(|| format!("there is no consumer named {name}"))?;
        consumer.paused_until = Some(duration_ms.map_or(u64::MAX, |d| now.saturating_add(d)));
        let action = match duration_ms {
            Some(d) => format!("consumer paused for {d} ms"),
            None => "consumer stopped".to_string(),
        };
        self.fault(name, &action);
        Ok(())
    }

    pub fn resume_consumer(&mut self, name: &str) -> Result<(), String> {
        let consumer = self
            .consumers
            .get_mut(name)
            .ok_or_else(|| format!("there is no consumer named {name}"))?;
        consumer.paused_until = None;
        self.fault(name, "consumer resumed");
        Ok(())
    }

    fn run_poll(&mut self, now: u64, name: &str, generation: u64) {
        let Some(consumer) = self
            .consumers
            .get_mut(name)
            .filter(|c| c.generation == generation)
        else {
            return;
        };
        let next_poll = consumer.next_poll_after(now);
        consumer.next_poll_ms = next_poll;
        if !consumer.is_paused(now) {
            let mut cursors = std::mem::take(&mut consumer.cursors);
            let mut next_cursors = Vec::with_capacity(cursors.len());
            for cursor in cursors.drain(..) {
                self.poll_cursor(now, name, cursor, &mut next_cursors);
            }
            if let Some(consumer) = self.consumers.get_mut(name) {
                consumer.counters.millis_behind_latest = next_cursors
                    .iter()
                    .map(|c| c.millis_behind_latest)
                    .max()
                    .unwrap_or(0);
                let behind = consumer.counters.millis_behind_latest;
                consumer.count_series(now, &[(3, behind), (4, 1)]);
                consumer.cursors = next_cursors;
            }
        }
        self.schedule(
            next_poll,
            Task::Poll {
                consumer: name.to_string(),
                generation,
            },
        );
    }

    /// One GetRecords (or GetShardIterator) for one shard of a consumer.
    fn poll_cursor(&mut self, now: u64, name: &str, mut cursor: Cursor, out: &mut Vec<Cursor>) {
        let Some(consumer) = self.consumers.get(name) else {
            return;
        };
        let stream = consumer.config.stream.clone();
        let limit = consumer.config.limit;
        let configured_start = consumer.config.start;
        let Some(iterator) = cursor.iterator.clone() else {
            let start = match cursor.last_seq_ix {
                Some(seq_ix) => self
                    .kinesis
                    .stream(&stream)
                    .and_then(|s| s.shards.get(cursor.shard as usize))
                    .map(|s| IteratorStart::AfterSequenceNumber(s.sequence_number(seq_ix, 0))),
                // The configured start is for the shard the consumer was given; children are
                // read from their beginning.
                None if cursor.shard == self.first_shard_of(name) => Some(match configured_start {
                    StartPosition::TrimHorizon => IteratorStart::TrimHorizon,
                    StartPosition::Latest => IteratorStart::Latest,
                    StartPosition::AtTimestamp(at) => IteratorStart::AtTimestamp(at.min(now)),
                }),
                None => Some(IteratorStart::TrimHorizon),
            };
            if let Some(start) = start {
                if let Ok(answer) =
                    self.kinesis
                        .get_shard_iterator(now, &stream, cursor.shard, start)
                {
                    cursor.iterator = ShardIterator::decode(&answer.shard_iterator);
                }
            }
            out.push(cursor);
            return;
        };
        let result = self.kinesis.read(now, &iterator, limit, |_| {});
        let id = shard_id(cursor.shard);
        let Some(consumer) = self.consumers.get_mut(name) else {
            return;
        };
        consumer.counters.calls += 1;
        match result {
            Ok(outcome) => {
                consumer.counters.records += outcome.count;
                consumer.counters.bytes += outcome.bytes;
                consumer.count_series(now, &[(0, outcome.count), (1, outcome.bytes)]);
                cursor.millis_behind_latest = outcome.millis_behind_latest;
                if let Some(last) = outcome.last_seq_ix {
                    cursor.last_seq_ix = Some(last);
                }
                if outcome.count > 0 {
                    self.log.push(
                        now,
                        EventKind::RecordsRead {
                            consumer: name.to_string(),
                            stream: stream.clone(),
                            shard: id.clone(),
                            count: outcome.count,
                            millis_behind_latest: outcome.millis_behind_latest,
                        },
                    );
                }
                match outcome.next {
                    Some(next) => {
                        cursor.iterator = Some(next);
                        out.push(cursor);
                    }
                    None => {
                        // The end of a closed shard: read its children next.
                        let children: Vec<u32> = outcome
                            .child_shards
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|c| crate::engine::parse_shard_id(&c.shard_id))
                            .collect();
                        let Some(consumer) = self.consumers.get_mut(name) else {
                            return;
                        };
                        for &child in &children {
                            if consumer.seen.insert(child) {
                                out.push(Cursor {
                                    shard: child,
                                    iterator: None,
                                    last_seq_ix: None,
                                    millis_behind_latest: 0,
                                });
                            }
                        }
                        self.log.push(
                            now,
                            EventKind::ShardEnded {
                                consumer: name.to_string(),
                                stream,
                                shard: id,
                                children: children.into_iter().map(shard_id).collect(),
                            },
                        );
                    }
                }
            }
            Err(error) => {
                match error.error_kind() {
                    ErrorKind::ProvisionedThroughputExceeded => {
                        consumer.counters.read_throttles += 1;
                        consumer.count_series(now, &[(2, 1)]);
                        self.log.push(
                            now,
                            EventKind::ReadThrottled {
                                consumer: name.to_string(),
                                stream,
                                shard: id,
                            },
                        );
                    }
                    ErrorKind::ExpiredIterator => {
                        consumer.counters.iterators_expired += 1;
                        cursor.iterator = None;
                        self.log.push(
                            now,
                            EventKind::IteratorExpired {
                                consumer: name.to_string(),
                                stream,
                                shard: id,
                            },
                        );
                    }
                    // The shard or stream is gone: try for a new iterator next time.
                    _ => cursor.iterator = None,
                }
                out.push(cursor);
            }
        }
    }

    fn first_shard_of(&self, name: &str) -> u32 {
        self.consumers
            .get(name)
            .and_then(|c| crate::engine::parse_shard_id(&c.config.shard_id))
            .unwrap_or(u32::MAX)
    }
}

impl World {
    // ------------------------------------------------------------------ KCL applications

    pub fn app(&self, name: &str) -> Option<&KclApp> {
        self.apps.get(name)
    }

    pub fn apps(&self) -> impl Iterator<Item = &KclApp> {
        self.apps.values()
    }

    /// Keeps, from now on, every KCL event (unbounded, unlike the event log) and every batch
    /// each application processes ([`KclApp::trace`]), for property tests that check the lease
    /// protocol over a whole run. Applications added later are traced too.
    pub fn trace_kcl(&mut self) {
        self.kcl_trace.get_or_insert_with(Vec::new);
        for app in self.apps.values_mut() {
            app.start_tracing();
        }
    }

    /// The KCL events kept since [`World::trace_kcl`], in order.
    pub fn kcl_trace(&self) -> &[(u64, KclEvent)] {
        self.kcl_trace.as_deref().unwrap_or_default()
    }

    fn log_kcl(&mut self, events: Vec<(u64, KclEvent)>) {
        for (at_ms, event) in events {
            if let Some(trace) = &mut self.kcl_trace {
                trace.push((at_ms, event.clone()));
            }
            if let Some(app) = self.apps.get_mut(event.app()) {
                app.activity.note(at_ms, &event);
                app.activity.note_owners(at_ms, &event, &app.table);
            }
            self.log.push(at_ms, EventKind::Kcl { event });
        }
    }

    fn schedule_wakes(&mut self, app: &str, wakes: Vec<Wake>) {
        for wake in wakes {
            self.schedule(
                wake.at_ms,
                Task::Kcl {
                    app: app.to_string(),
                    worker: wake.worker,
                    generation: wake.generation,
                    task: wake.task,
                },
            );
        }
    }

    /// Adds a KCL application with `workers` workers named `worker-1`, `worker-2`, ...
    pub fn add_kcl_app(
        &mut self,
        name: &str,
        config: KclConfig,
        workers: usize,
    ) -> Result<(), String> {
        check_name(name)?;
        if self.apps.contains_key(name) {
            return Err(format!("there is already a KCL application named {name}"));
        }
        if workers > 100 {
            return Err("a KCL application may have at most 100 workers".to_string());
        }
        let mut app = KclApp::new(name, config, self.seed_for(name))?;
        if self.kcl_trace.is_some() {
            app.start_tracing();
        }
        let first_sync = app.first_sync(self.now_ms);
        self.apps.insert(name.to_string(), app);
        self.schedule_wakes(name, vec![first_sync]);
        self.fault(name, "KCL application added");
        for n in 1..=workers {
            self.add_worker(name, Some(&format!("worker-{n}")))?;
        }
        Ok(())
    }

    /// Starts a worker (a new id, or the next free `worker-N`); returns its id.
    pub fn add_worker(&mut self, app: &str, id: Option<&str>) -> Result<String, String> {
        let found = self
            .apps
            .get(app)
            .ok_or_else(|| format!("there is no KCL application named {app}"))?;
        let id = match id {
            Some(id) => id.to_string(),
            None => (1..)
                .map(|n| format!("worker-{n}"))
                .find(|id| !found.workers.contains_key(id))
                .unwrap_or_default(),
        };
        check_name(&id)?;
        if found
            .workers
            .get(&id)
            .is_some_and(|w| w.state != crate::kcl::WorkerState::Dead)
        {
            return Err(format!("worker {id} of {app} is already running"));
        }
        if found.workers.len() >= 100 && !found.workers.contains_key(&id) {
            return Err("a KCL application may have at most 100 workers".to_string());
        }
        let now = self.now_ms;
        let mut events = Vec::new();
        let Some(found) = self.apps.get_mut(app) else {
            return Err(format!("there is no KCL application named {app}"));
        };
        let wakes = found.start_worker(&id, now, &self.kinesis, &mut events);
        self.log_kcl(events);
        self.schedule_wakes(app, wakes);
        Ok(id)
    }

    /// Crashes a worker: it stops at once; its leases expire in the others' eyes.
    pub fn kill_worker(&mut self, app: &str, id: &str) -> Result<(), String> {
        let now = self.now_ms;
        let mut events = Vec::new();
        self.apps
            .get_mut(app)
            .ok_or_else(|| format!("there is no KCL application named {app}"))?
            .kill_worker(id, now, &mut events)?;
        self.log_kcl(events);
        Ok(())
    }

    /// Pauses a worker (a long GC pause) for `duration_ms`.
    pub fn pause_worker(&mut self, app: &str, id: &str, duration_ms: u64) -> Result<(), String> {
        let now = self.now_ms;
        let mut events = Vec::new();
        self.apps
            .get_mut(app)
            .ok_or_else(|| format!("there is no KCL application named {app}"))?
            .pause_worker(id, now, duration_ms, &mut events)?;
        self.log_kcl(events);
        Ok(())
    }

    /// Restarts a worker: with the same id it reclaims its leases at once; with a new id it
    /// is a new worker that must wait for the old one's leases to expire.
    pub fn restart_worker(
        &mut self,
        app: &str,
        id: &str,
        new_id: Option<&str>,
    ) -> Result<String, String> {
        let exists = self
            .apps
            .get(app)
            .ok_or_else(|| format!("there is no KCL application named {app}"))?
            .workers
            .contains_key(id);
        if !exists {
            return Err(format!("there is no worker {id} in {app}"));
        }
        let running = self
            .apps
            .get(app)
            .and_then(|a| a.workers.get(id))
            .is_some_and(|w| w.state != crate::kcl::WorkerState::Dead);
        if running {
            self.kill_worker(app, id)?;
        }
        self.add_worker(app, Some(new_id.unwrap_or(id)))
    }

    /// Shuts a worker down gracefully (REQUESTED) and removes it.
    pub fn remove_worker(&mut self, app: &str, id: &str) -> Result<(), String> {
        let now = self.now_ms;
        let mut events = Vec::new();
        self.apps
            .get_mut(app)
            .ok_or_else(|| format!("there is no KCL application named {app}"))?
            .remove_worker(id, now, &self.kinesis, &mut events)?;
        self.log_kcl(events);
        Ok(())
    }

    fn run_kcl(
        &mut self,
        now: u64,
        app: &str,
        worker: Option<&str>,
        generation: u64,
        task: KclTask,
    ) {
        let mut events = Vec::new();
        let Some(found) = self.apps.get_mut(app) else {
            return;
        };
        let wakes = found.run(
            now,
            worker,
            generation,
            task,
            &mut self.kinesis,
            &mut events,
        );
        self.log_kcl(events);
        self.schedule_wakes(app, wakes);
    }
}

/// Producer and consumer names: what a shell word and a URL can carry without quoting.
fn check_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a valid name: use 1 to 64 letters, digits, '-', '_' or '.'"
        ))
    }
}
