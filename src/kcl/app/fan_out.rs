//! Enhanced fan-out retrieval for the KCL's shard consumers (`--retrieval fan-out`).
//!
//! Separate from the polling loop in `shard_consumer.rs` because the records come the other
//! way: the KCL's FanOutRecordsPublisher registers a stream consumer named after the
//! application (FanOutConfig), waits for it to be ACTIVE, and subscribes to each leased shard
//! from the lease's checkpoint; the service then pushes events. Each event's records go to
//! `processRecords` as one batch (events that arrived while the processor was busy go
//! together), checkpointed as polling batches are, by their records' sequence numbers. A
//! subscription ends after five minutes (the KCL subscribes again from the last
//! ContinuationSequenceNumber), on a takeover, or at the end of the shard, whose last event
//! names the children: then the consumer does the same SHARD_END work as when GetRecords
//! reports the end.
//!
//! Between events the shard consumer has no task scheduled: it is *waiting*, and the world
//! runs its next step when its subscription has an event due ([`KclApp::fan_out_waiting`]),
//! so a record reaches `processRecords` when the service pushes it, not at the next poll.

use super::activity::{AppSeries, SERIES_KEPT};
use super::record_processor::Batch;
use super::shard_consumer::ShutdownReason;
use super::worker::WorkerState;
use super::{Events, KclApp};
use crate::engine::{
    ConsumerStatus, ErrorKind, IteratorStart, Kinesis, SubscriptionEnd, SubscriptionId,
};
use crate::kcl::config::Retrieval;
use crate::kcl::events::ConsumerState;

/// How long a shard consumer waits before looking again at a stream consumer that is not
/// ACTIVE yet (the KCL polls DescribeStreamConsumer; AWS's CREATING lasts seconds).
pub const FAN_OUT_WAIT_MS: u64 = 1_000;

/// A shard consumer waiting for its subscription's next event. Borrowed from the app: the
/// world's clock asks for these before every task, across every shard consumer, so it must
/// not allocate (it clones the one it picks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FanOutWaiting<'a> {
    pub subscription: SubscriptionId,
    pub worker: &'a str,
    pub generation: u64,
    pub lease_key: &'a str,
    pub token: u64,
}

impl KclApp {
    /// The shard consumers of live, awake workers waiting for a subscription's event, in the
    /// order of workers and then leases.
    pub fn fan_out_waiting(&self, now: u64) -> impl Iterator<Item = FanOutWaiting<'_>> {
        let fan_out = self.config.retrieval == Retrieval::FanOut;
        self.workers
            .values()
            .filter(move |worker| {
                fan_out
                    && match worker.state {
                        WorkerState::Running => true,
                        WorkerState::Paused { until_ms } => until_ms <= now,
                        WorkerState::Dead => false,
                    }
            })
            .flat_map(|worker| {
                // Only a consumer still PROCESSING: one shut down meanwhile (its lease lost)
                // no longer reads, and its subscription is left to expire.
                worker.consumers.values().filter_map(move |consumer| {
                    let waiting = consumer.state == ConsumerState::Processing
                        && consumer.batch.is_none()
                        && consumer.awaiting_event;
                    Some(FanOutWaiting {
                        subscription: consumer.subscription.filter(|_| waiting)?,
                        worker: &worker.id,
                        generation: worker.generation,
                        lease_key: &consumer.lease_key,
                        token: consumer.token,
                    })
                })
            })
    }

    /// INITIALIZING with fan-out: the application's stream consumer registered (by whichever
    /// shard consumer finds it missing) and ACTIVE; the subscription starts at `start`.
    pub(super) fn initialize_fan_out(
        &mut self,
        id: &str,
        key: &str,
        start: IteratorStart,
        now: u64,
        kinesis: &mut Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let status = kinesis
            .stream(&self.config.stream)
            .map(|s| s.consumer(&self.name).map(|c| c.status));
        match status {
            Some(Some(ConsumerStatus::Active)) => {}
            Some(None) => {
                let _ = kinesis.register_stream_consumer(now, &self.config.stream, &self.name);
                return Some(now + FAN_OUT_WAIT_MS);
            }
            _ => return Some(now + FAN_OUT_WAIT_MS),
        }
        let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
        consumer.fan_out_start = Some(start);
        consumer.subscription = None;
        consumer.continuation = None;
        self.set_state(id, key, ConsumerState::Processing, None, now, events);
        Some(now)
    }

    /// PROCESSING with fan-out and no batch in flight: subscribe if there is no subscription,
    /// take the events due, and hand their records to the processor as one batch.
    pub(super) fn process_fan_out(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &mut Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let stream = self.config.stream.clone();
        let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
        consumer.awaiting_event = false;
        let shard = consumer.shard_index;
        let subscription = match consumer.subscription {
            Some(subscription) => subscription,
            None => {
                let arn = kinesis
                    .stream(&stream)
                    .and_then(|s| s.consumer(&self.name))
                    .filter(|c| c.status == ConsumerStatus::Active)
                    .map(|c| c.arn.clone());
                let Some(arn) = arn else {
                    // Deregistered meanwhile: register again and wait for ACTIVE.
                    self.set_state(id, key, ConsumerState::Initializing, None, now, events);
                    return Some(now + FAN_OUT_WAIT_MS);
                };
                let after = |seq_ix| {
                    kinesis
                        .stream(&stream)
                        .and_then(|s| s.shards.get(shard as usize))
                        .map(|s| IteratorStart::AfterSequenceNumber(s.sequence_number(seq_ix, 0)))
                };
                let start = match (consumer.continuation, consumer.last_processed) {
                    (Some(number), _) => Some(IteratorStart::AfterSequenceNumber(number)),
                    (None, Some((seq_ix, _))) => after(seq_ix),
                    (None, None) => consumer.fan_out_start,
                }
                .unwrap_or(IteratorStart::TrimHorizon);
                match kinesis.subscribe_to_shard(now, &arn, shard, start) {
                    Ok(subscription) => {
                        consumer.subscription = Some(subscription);
                        subscription
                    }
                    Err(error) if error.error_kind() == ErrorKind::ResourceNotFound => {
                        // The shard is gone (expired): nothing left to process.
                        self.shut_down(id, key, ShutdownReason::ShardEnd, now, events);
                        return None;
                    }
                    // Refused (another subscription of this shard started within 5 s).
                    Err(_) => return Some(now + self.config.task_backoff_time_millis),
                }
            }
        };
        let Ok(poll) = kinesis.poll_subscription(now, subscription, false) else {
            consumer.subscription = None;
            return Some(now + self.config.task_backoff_time_millis);
        };
        // The delivery point: the events' records go to processRecords now.
        let found = kinesis
            .stream(&stream)
            .and_then(|s| s.shards.get(shard as usize));
        let (mut count, mut first, mut last, mut last_arrival) = (0u64, None, None, None);
        let mut bytes = 0u64;
        let mut latency_sum = 0u64;
        let mut children = None;
        for event in &poll.events {
            consumer.millis_behind_latest = event.millis_behind_latest;
            if let Some(number) = event.continuation_sequence_number {
                consumer.continuation = Some(number);
            }
            if event.child_shards.is_some() {
                children = event.child_shards.clone();
            }
            let (Some(from), Some(to), Some(found)) =
                (event.first_seq_ix, event.last_seq_ix, found)
            else {
                continue;
            };
            for record in found.records.iter_from(from).take_while(|r| r.seq_ix <= to) {
                self.order.deliver(shard, &record);
                latency_sum =
                    latency_sum.saturating_add(self.latency.record(now, record.arrival_ms));
                count += 1;
                bytes += record.size;
                first.get_or_insert(record.seq_ix);
                last = Some(record.seq_ix);
                last_arrival = Some(record.arrival_ms);
            }
        }
        let behind = consumer.millis_behind_latest;
        if poll.end.is_some() {
            consumer.subscription = None;
        }
        if children.is_some() {
            consumer.children = children;
        }
        self.series.record(
            now,
            &[
                (AppSeries::MillisBehindLatest.into(), behind),
                (AppSeries::Reads.into(), poll.events.len() as u64),
                (AppSeries::Delivered.into(), count),
                (AppSeries::DeliveryLatencySum.into(), latency_sum),
            ],
            SERIES_KEPT,
        );
        if let (Some(first), Some(last), Some(arrival)) = (first, last, last_arrival) {
            let work_ms = (count * self.config.processing_micros_per_record).div_ceil(1000);
            let batch = Batch {
                first_seq_ix: first,
                last_seq_ix: last,
                count,
                last_arrival_ms: arrival,
                started_ms: now,
                done_ms: now + work_ms,
                bytes,
            };
            let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
            consumer.batch = Some(batch);
            self.begin_batch(id, key, shard, now, events);
            return Some(batch.done_ms);
        }
        let consumer = self.workers.get(id)?.consumers.get(key)?;
        if consumer.children.is_some() {
            self.set_state(
                id,
                key,
                ConsumerState::ShuttingDown,
                Some(ShutdownReason::ShardEnd),
                now,
                events,
            );
            return Some(now);
        }
        match poll.end {
            // Subscribed and up to date: the world wakes this consumer at the next event.
            None => {
                let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
                consumer.awaiting_event = true;
                None
            }
            // Expired or taken over: subscribe again from the continuation.
            Some(SubscriptionEnd::Expired) => Some(now),
            Some(SubscriptionEnd::ConsumerGone) => {
                self.set_state(id, key, ConsumerState::Initializing, None, now, events);
                Some(now + FAN_OUT_WAIT_MS)
            }
            Some(_) => Some(now + self.config.task_backoff_time_millis),
        }
    }
}
