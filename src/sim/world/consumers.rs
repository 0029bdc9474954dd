//! Hosting polling consumers: running each consumer's GetRecords loop on its shards.
//!
//! Separate from the producers because reading is its own protocol: a consumer first gets a
//! shard iterator, then polls with the iterator each answer returns, follows a closed shard's
//! children, and asks for a new iterator after an expiry. Its reads count against the shard's
//! shared read limits, so consumers polling the same shard throttle each other. A consumer
//! added with `--efo` reads with enhanced fan-out instead: its task is a tick (`fan_out.rs`).

use std::collections::BTreeMap;

use super::clock::Task;
use super::lifecycle::Actor;
use super::World;
use crate::engine::{shard_id, ErrorKind, IteratorStart, ShardIterator};
use crate::sim::consumer::{Consumer, ConsumerConfig, ConsumerSeries, Cursor, StartPosition};
use crate::sim::log::ActorKind;
use crate::sim::log::EventKind;

impl Actor for Consumer {
    const KIND: ActorKind = ActorKind::Consumer;

    fn roster(world: &mut World) -> &mut BTreeMap<String, Self> {
        &mut world.consumers
    }

    fn paused_until(&mut self) -> &mut Option<u64> {
        &mut self.paused_until
    }

    fn next_task(&self, name: &str) -> (u64, Task) {
        let poll = Task::Poll {
            consumer: name.to_string(),
            generation: self.generation,
        };
        (self.next_poll_ms, poll)
    }
}

impl World {
    /// Adds a polling consumer; it polls at once and then every `idle_ms`.
    /// With `efo`, registers its stream consumer now and subscribes once it is ACTIVE
    /// (see `fan_out.rs`).
    pub fn add_consumer(&mut self, name: &str, config: ConsumerConfig) -> Result<(), String> {
        let efo = config.efo.then(|| config.stream.clone());
        self.add_actor(name, |seed, now| Consumer::new(name, config, now, seed))?;
        if let Some(stream) = efo {
            self.ensure_registered(self.now_ms, &stream, name);
        }
        Ok(())
    }

    /// Removes a consumer; an enhanced fan-out one deregisters its stream consumer.
    pub fn remove_consumer(&mut self, name: &str) -> Result<(), String> {
        let consumer = self.remove_actor::<Consumer>(name)?;
        if consumer.config.efo {
            let _ =
                self.kinesis
                    .deregister_stream_consumer(self.now_ms, &consumer.config.stream, name);
        }
        Ok(())
    }

    /// Pauses a consumer for `duration_ms`, or stops it (`None`) until resumed.
    pub fn pause_consumer(&mut self, name: &str, duration_ms: Option<u64>) -> Result<(), String> {
        self.pause_actor::<Consumer>(name, duration_ms)
    }

    pub fn resume_consumer(&mut self, name: &str) -> Result<(), String> {
        self.resume_actor::<Consumer>(name)
    }

    pub(super) fn run_poll(&mut self, now: u64, name: &str, generation: u64) {
        let Some(consumer) = self
            .consumers
            .get_mut(name)
            .filter(|c| c.generation == generation)
        else {
            return;
        };
        if consumer.config.efo {
            self.run_fan_out_tick(now, name, generation);
            return;
        }
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
                consumer.count_series(
                    now,
                    &[
                        (ConsumerSeries::MillisBehindLatest, behind),
                        (ConsumerSeries::Polls, 1),
                    ],
                );
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
        let Some(consumer) = self.consumers.get_mut(name) else {
            return;
        };
        let shard = cursor.shard;
        // Delivered when GetRecords returns: each record's latency from its arrival.
        let mut latency_sum = 0u64;
        let result = self.kinesis.read(now, &iterator, limit, |record| {
            consumer.order.deliver(shard, record);
            latency_sum =
                latency_sum.saturating_add(consumer.latency.record(now, record.arrival_ms));
        });
        let id = shard_id(cursor.shard);
        consumer.counters.calls += 1;
        match result {
            Ok(outcome) => {
                consumer.counters.records += outcome.count;
                consumer.counters.bytes += outcome.bytes;
                consumer.count_series(
                    now,
                    &[
                        (ConsumerSeries::Records, outcome.count),
                        (ConsumerSeries::Bytes, outcome.bytes),
                        (ConsumerSeries::DeliveryLatencySum, latency_sum),
                    ],
                );
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
                                out.push(Cursor::new(child));
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
                        consumer.count_series(now, &[(ConsumerSeries::ReadThrottles, 1)]);
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
