//! Hosting producers: adding and changing them, and running their sends and retries against
//! the shards.
//!
//! Separate from the consumers and the KCL because a send is the world's most involved task:
//! every producer sending at the same instant offers its records to each shard together, so
//! that the shard's write limits are shared fairly (one `put_tick` per shard and interval),
//! and throttled records come back later as retries, one retry task per producer.

use std::collections::BTreeMap;

use super::clock::Task;
use super::lifecycle::Actor;
use super::World;
use crate::engine::{shard_id, HashKeyRange, RecordSource, TickPart, WriteOutcome};
use crate::sim::log::EventKind;
use crate::sim::log::{ActorKind, FaultAction};
use crate::sim::producer::{Producer, ProducerConfig};

impl Actor for Producer {
    const KIND: ActorKind = ActorKind::Producer;

    fn roster(world: &mut World) -> &mut BTreeMap<String, Self> {
        &mut world.producers
    }

    fn paused_until(&mut self) -> &mut Option<u64> {
        &mut self.paused_until
    }

    fn next_task(&self, name: &str) -> (u64, Task) {
        let send = Task::Send {
            producer: name.to_string(),
            generation: self.generation,
        };
        (self.next_send_ms, send)
    }
}

impl World {
    /// Adds a producer; it sends from its next interval on.
    pub fn add_producer(&mut self, name: &str, config: ProducerConfig) -> Result<(), String> {
        let serial = self.next_source_serial();
        self.add_actor(name, |seed, now| {
            Producer::new(name, config, seed, now, serial)
        })
    }

    /// The number of the next producer record source made (see `sim::source`).
    fn next_source_serial(&mut self) -> u64 {
        self.sources_made += 1;
        self.sources_made
    }

    /// Changes a producer's configuration while it runs.
    pub fn set_producer(&mut self, name: &str, config: ProducerConfig) -> Result<(), String> {
        let seed = self.seed_for(name);
        let now = self.now_ms;
        let serial = self.next_source_serial();
        let producer = self.actor_mut::<Producer>(name)?;
        producer.reconfigure(config, seed, now, serial)?;
        let (at, send) = producer.next_task(name);
        self.schedule(at, send);
        self.fault(Producer::KIND, name, FaultAction::Changed);
        Ok(())
    }

    pub fn remove_producer(&mut self, name: &str) -> Result<(), String> {
        self.remove_actor::<Producer>(name)?;
        self.retry_wakes.remove(name);
        Ok(())
    }

    /// Pauses a producer for `duration_ms`, or stops it (`None`) until resumed.
    pub fn pause_producer(&mut self, name: &str, duration_ms: Option<u64>) -> Result<(), String> {
        self.pause_actor::<Producer>(name, duration_ms)
    }

    pub fn resume_producer(&mut self, name: &str) -> Result<(), String> {
        self.resume_actor::<Producer>(name)
    }

    /// The open shards of a stream that takes writes, as (index, range) in hash key order.
    fn layout(&self, stream: &str) -> Option<Vec<(u32, HashKeyRange)>> {
        let stream = self.kinesis.stream(stream).filter(|s| s.is_serving())?;
        Some(stream.open_shards().map(|s| (s.index, s.range)).collect())
    }

    pub(super) fn run_sends(&mut self, now: u64, mut sends: Vec<(String, u64)>) {
        crate::sort::sort(&mut sends);
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
                    Some(layout) if producer.kpl.is_some() => {
                        producer.last_error = None;
                        self.run_kpl_step(now, &name, &layout);
                    }
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
                    let sample_key = part
                        .source
                        .partition_key(part.origin_shard, part.first_ordinal);
                    self.log.push(
                        now,
                        EventKind::RecordsPut {
                            producer: name.clone(),
                            stream: stream.clone(),
                            shard: id.clone(),
                            count: accepted,
                            sample_key,
                            kinesis_records: None,
                        },
                    );
                }
                if throttled > 0 {
                    // The refused records are the tick's last ones: name the first of them.
                    let sample_key = part
                        .source
                        .partition_key(part.origin_shard, part.first_ordinal + accepted);
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

    pub(super) fn run_retries(&mut self, now: u64, name: &str) {
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
            let (mut refused, mut refused_routed) = (Vec::new(), Vec::new());
            for (i, &ordinal) in retry.ordinals.iter().enumerate() {
                // The hash key only when the shard of origin is not the record's home (see
                // `Kinesis::put_generated_record`).
                let routed = retry.routed.get(i).copied().unwrap_or_else(|| {
                    let home = source.home_range(retry.origin_shard);
                    let hash_key = self
                        .kinesis
                        .stream(&stream)
                        .and_then(|s| s.shards.get(retry.origin_shard as usize))
                        .filter(|s| s.is_open() && Some(s.range) == home)
                        .is_none()
                        .then(|| source.hash_key(retry.origin_shard, ordinal));
                    (hash_key, source.size(retry.origin_shard, ordinal))
                });
                let outcome = self.kinesis.put_generated_record(
                    now,
                    &stream,
                    &source,
                    retry.origin_shard,
                    ordinal,
                    routed,
                    call,
                );
                let (shard, slot) = match outcome {
                    Ok(WriteOutcome::Accepted { shard_index, .. }) => (Some(shard_index), 0),
                    Ok(WriteOutcome::Throttled { shard_index }) => (Some(shard_index), 1),
                    Err(_) => (None, 1),
                };
                if slot == 1 {
                    refused.push(ordinal);
                    refused_routed.push(routed);
                }
                if let Some(shard) = shard {
                    let (count, key) = &mut outcomes.entry(shard).or_default()[slot];
                    *count += 1;
                    if key.is_none() {
                        *key = Some(source.partition_key(retry.origin_shard, ordinal));
                    }
                }
            }
            if let Some(producer) = self.producers.get_mut(name) {
                producer.count_calls(retry.ordinals.len() as u64);
                producer.settle_retry(now, retry, (refused, refused_routed));
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
                        kinesis_records: None,
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
}
