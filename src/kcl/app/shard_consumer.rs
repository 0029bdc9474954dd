//! The KCL's ShardConsumer: the state machine that reads one shard for one held lease.
//!
//! Separate because it is the heart of what a learner watches in the lease view: a consumer
//! goes WAITING_ON_PARENT_SHARDS (until every parent lease is checkpointed at SHARD_END) ->
//! INITIALIZING (a shard iterator from the lease's checkpoint) -> PROCESSING (GetRecords
//! every `idleTimeBetweenReadsInMillis`, each batch handed to the record processor,
//! `record_processor.rs`) -> SHUTTING_DOWN -> SHUTDOWN_COMPLETE. In SHUTTING_DOWN the KCL
//! calls the record processor's `shardEnded` (reason SHARD_END: the children's leases and the
//! SHARD_END checkpoint) or `leaseLost` (reason LEASE_LOST). A graceful shutdown (REQUESTED)
//! goes through SHUTDOWN_REQUESTED first (`graceful_shutdown.rs`). Every step runs as a
//! [`super::KclTask::Step`] of the worker, tagged with the holding's token so a consumer of
//! an earlier holding never acts on a later one.

use super::activity::{AppSeries, SERIES_KEPT};
use super::record_processor::Batch;
use super::worker::Held;
use super::{Events, KclApp};
use crate::engine::{
    ChildShard, ErrorKind, IteratorStart, Kinesis, SequenceNumber, ShardIterator, SubscriptionId,
};
use crate::kcl::config::{InitialPosition, Retrieval};
pub use crate::kcl::events::{ConsumerState, ShutdownReason};
use crate::kcl::events::{KclEvent, ProcessorCall};
use crate::kcl::table::Checkpoint;
use crate::kcl::taker::Acquisition;

/// The shard consumer of one held lease.
#[derive(Clone, Debug)]
pub struct ShardConsumer {
    pub lease_key: String,
    pub shard_index: u32,
    pub state: ConsumerState,
    pub reason: Option<ShutdownReason>,
    pub(super) iterator: Option<ShardIterator>,
    pub(super) batch: Option<Batch>,
    /// Set once GetRecords reported the end of the shard.
    pub(super) children: Option<Vec<ChildShard>>,
    /// Records processed since the last checkpoint.
    pub since_checkpoint: u64,
    pub(super) last_checkpoint_ms: u64,
    /// The last processed record: (sequence index, arrival time).
    pub(super) last_processed: Option<(u64, u64)>,
    pub acquisition: Acquisition,
    /// The holding this consumer works for ([`Held::token`]).
    pub(super) token: u64,
    /// The worker no longer holds the lease (the scheduler saw it gone, or a checkpoint
    /// failed): a batch still in flight finishes as a zombie, then the consumer shuts down
    /// LEASE_LOST.
    pub(super) lease_lost: bool,
    /// Whether the last read was throttled (shown in the lease view).
    pub throttled: bool,
    /// MillisBehindLatest from the last successful GetRecords: how far behind the tip of the
    /// shard this consumer is (what the KCL publishes as its MillisBehindLatest metric).
    pub millis_behind_latest: u64,
    /// Whether the missing SHARD_END checkpoint was already reported.
    pub(super) warned_shard_end: bool,
    /// Whether `shardEnded` was already reported (the KCL calls it again at each retry).
    pub(super) shard_ended_called: bool,
    /// Fan-out: the live subscription to the shard, if any (`fan_out.rs`).
    pub(super) subscription: Option<SubscriptionId>,
    /// Fan-out: up to date, with no task scheduled: the world wakes it at the next event.
    pub(super) awaiting_event: bool,
    /// Fan-out: the last event's ContinuationSequenceNumber, to subscribe again from.
    pub(super) continuation: Option<SequenceNumber>,
    /// Fan-out: where the first subscription starts (from the lease's checkpoint).
    pub(super) fan_out_start: Option<IteratorStart>,
}

impl ShardConsumer {
    /// A consumer for the lease `lease_key` of shard `shard_index`, as the worker holds it,
    /// waiting on the parent shards.
    pub(super) fn new(lease_key: &str, shard_index: u32, held: &Held, now: u64) -> Self {
        ShardConsumer {
            lease_key: lease_key.to_string(),
            shard_index,
            state: ConsumerState::WaitingOnParentShards,
            reason: None,
            iterator: None,
            batch: None,
            children: None,
            since_checkpoint: 0,
            last_checkpoint_ms: now,
            last_processed: None,
            acquisition: held.acquisition,
            token: held.token,
            lease_lost: false,
            throttled: false,
            millis_behind_latest: 0,
            warned_shard_end: false,
            shard_ended_called: false,
            subscription: None,
            awaiting_event: false,
            continuation: None,
            fan_out_start: None,
        }
    }

    /// Whether a shutdown must go through the record processor (SHUTDOWN_REQUESTED, then
    /// `shutdownRequested`, where it checkpoints) rather than end at once: it was initialized
    /// and may have processed records. A consumer back in INITIALIZING within its holding (its
    /// iterator or its stream consumer gone) has processed some; one still waiting on its
    /// parents, or initializing for the first time, has nothing to checkpoint.
    pub(super) fn has_processor_to_ask(&self) -> bool {
        match self.state {
            ConsumerState::WaitingOnParentShards => false,
            ConsumerState::Initializing => self.last_processed.is_some(),
            _ => true,
        }
    }

    /// Whether the record processor is working on a batch right now.
    pub fn in_flight(&self) -> bool {
        self.batch.is_some()
    }
}

impl KclApp {
    /// Moves the consumer of lease `key` on worker `id` to `state` (and reports it), unless
    /// it is there already for the same reason. A consumer that shuts down no longer counts
    /// as processing its shard.
    pub(super) fn set_state(
        &mut self,
        id: &str,
        key: &str,
        state: ConsumerState,
        reason: Option<ShutdownReason>,
        now: u64,
        events: &mut Events,
    ) {
        let Some(consumer) = self
            .workers
            .get_mut(id)
            .and_then(|w| w.consumers.get_mut(key))
        else {
            return;
        };
        if consumer.state == state && consumer.reason == reason {
            return;
        }
        consumer.state = state;
        consumer.reason = reason.or(consumer.reason);
        let complete = state == ConsumerState::ShutdownComplete;
        if complete {
            if let Some(workers) = self.in_flight.get_mut(&consumer.shard_index) {
                workers.remove(id);
            }
        }
        self.emit(events, now, |app| KclEvent::ConsumerState {
            app,
            lease: key.to_string(),
            worker: id.to_string(),
            state,
            reason,
        });
        if complete {
            self.finish_removal_if_done(id, now, events);
        }
    }

    /// Shuts the consumer of lease `key` on worker `id` down for `reason`: SHUTTING_DOWN,
    /// where the KCL calls the record processor's `leaseLost` or `shardEnded`, then
    /// SHUTDOWN_COMPLETE.
    pub(super) fn shut_down(
        &mut self,
        id: &str,
        key: &str,
        reason: ShutdownReason,
        now: u64,
        events: &mut Events,
    ) {
        let active = self
            .consumer_state(id, key)
            .is_some_and(|state| state != ConsumerState::ShutdownComplete);
        if !active {
            return;
        }
        self.set_state(
            id,
            key,
            ConsumerState::ShuttingDown,
            Some(reason),
            now,
            events,
        );
        match reason {
            ShutdownReason::LeaseLost => {
                self.report_call(id, key, ProcessorCall::LeaseLost, now, events)
            }
            ShutdownReason::ShardEnd => self.report_shard_ended(id, key, now, events),
            ShutdownReason::Requested => {}
        }
        self.set_state(
            id,
            key,
            ConsumerState::ShutdownComplete,
            Some(reason),
            now,
            events,
        );
    }

    /// Reports that the KCL called `call` on the record processor of lease `key`.
    pub(super) fn report_call(
        &self,
        id: &str,
        key: &str,
        call: ProcessorCall,
        now: u64,
        events: &mut Events,
    ) {
        self.emit(events, now, |app| KclEvent::ProcessorCalled {
            app,
            lease: key.to_string(),
            worker: id.to_string(),
            call,
        });
    }

    /// Reports the `shardEnded` call, once per consumer.
    fn report_shard_ended(&mut self, id: &str, key: &str, now: u64, events: &mut Events) {
        let Some(consumer) = self
            .workers
            .get_mut(id)
            .and_then(|w| w.consumers.get_mut(key))
        else {
            return;
        };
        if !std::mem::replace(&mut consumer.shard_ended_called, true) {
            self.report_call(id, key, ProcessorCall::ShardEnded, now, events);
        }
    }

    /// One step of a shard consumer; returns when it wants to run again.
    pub(super) fn step(
        &mut self,
        id: &str,
        key: &str,
        token: u64,
        now: u64,
        kinesis: &mut Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let consumer = self.workers.get(id)?.consumers.get(key)?;
        if consumer.token != token {
            return None;
        }
        match consumer.state {
            ConsumerState::WaitingOnParentShards => {
                let parents = self
                    .table
                    .get(key)
                    .map(|l| l.parent_shard_ids.clone())
                    .unwrap_or_default();
                let blocked = parents.iter().any(|parent| {
                    self.table
                        .get(parent)
                        .is_some_and(|lease| lease.checkpoint != Checkpoint::ShardEnd)
                });
                if blocked {
                    return Some(now + self.config.parent_shard_poll_interval_millis);
                }
                self.set_state(id, key, ConsumerState::Initializing, None, now, events);
                Some(now)
            }
            ConsumerState::Initializing => self.initialize(id, key, now, kinesis, events),
            ConsumerState::Processing => self.process(id, key, now, kinesis, events),
            ConsumerState::ShutdownRequested => {
                self.step_shutdown_requested(id, key, now, kinesis, events)
            }
            ConsumerState::ShuttingDown => self.shard_end(id, key, now, kinesis, events),
            ConsumerState::ShutdownComplete => None,
        }
    }

    /// INITIALIZING (the KCL's InitializeTask): a shard iterator where the lease's checkpoint
    /// says to start.
    fn initialize(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &mut Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let lease = self.table.get(key)?.clone();
        let start = match &lease.checkpoint {
            Checkpoint::ShardEnd => {
                self.shut_down(id, key, ShutdownReason::ShardEnd, now, events);
                return None;
            }
            Checkpoint::TrimHorizon => IteratorStart::TrimHorizon,
            Checkpoint::Latest => IteratorStart::Latest,
            Checkpoint::AtTimestamp => match self.config.initial_position {
                InitialPosition::AtTimestamp(t) => IteratorStart::AtTimestamp(t.min(now)),
                _ => IteratorStart::TrimHorizon,
            },
            Checkpoint::Sequence { seq_ix, .. } => {
                let number = kinesis
                    .stream(&self.config.stream)
                    .and_then(|s| s.shards.get(lease.shard_index as usize))
                    .map(|s| s.sequence_number(*seq_ix, 0))?;
                IteratorStart::AfterSequenceNumber(number)
            }
        };
        if self.config.retrieval == Retrieval::FanOut {
            // A fan-out consumer comes back here within its holding too, when its stream
            // consumer was deregistered: it subscribes again after the last record it
            // processed, not from the older checkpoint, or it would process the records
            // since the checkpoint twice with no change of owner.
            if let Checkpoint::Sequence { seq_ix, .. } = lease.checkpoint {
                let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
                if consumer
                    .last_processed
                    .is_none_or(|(done, _)| done < seq_ix)
                {
                    consumer.last_processed = Some((seq_ix, 0));
                }
            }
            return self.initialize_fan_out(id, key, start, now, kinesis, events);
        }
        match kinesis.get_shard_iterator(now, &self.config.stream, lease.shard_index, start) {
            Ok(answer) => {
                let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
                consumer.iterator = ShardIterator::decode(&answer.shard_iterator);
                if let Checkpoint::Sequence { seq_ix, .. } = lease.checkpoint {
                    consumer.last_processed = Some((seq_ix, 0));
                }
                self.set_state(id, key, ConsumerState::Processing, None, now, events);
                Some(now)
            }
            Err(error) if error.error_kind() == ErrorKind::ResourceNotFound => {
                // The shard is gone (expired): nothing left to process.
                self.shut_down(id, key, ShutdownReason::ShardEnd, now, events);
                None
            }
            Err(_) => Some(now + self.config.task_backoff_time_millis),
        }
    }

    /// PROCESSING (the KCL's ProcessTask): finish the batch in flight and checkpoint if due,
    /// or read the next batch with GetRecords; at the end of the shard, shut down.
    fn process(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &mut Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let consumer = self.workers.get(id)?.consumers.get(key)?;
        let shard = consumer.shard_index;
        // A batch in flight finishes first.
        if let Some(batch) = consumer.batch {
            if now < batch.done_ms {
                return Some(batch.done_ms);
            }
            self.finish_batch(id, key, batch, now, kinesis, events);
            let consumer = self.workers.get(id)?.consumers.get(key)?;
            if consumer.lease_lost {
                // A zombie's record processor: its checkpoint fails, if it makes one now.
                if self.checkpoint_due(id, key, now) {
                    self.report_failed_checkpoint(id, key, now, events);
                }
                self.shut_down(id, key, ShutdownReason::LeaseLost, now, events);
                return None;
            }
            self.checkpoint_if_due(id, key, now, kinesis, events);
            let consumer = self.workers.get(id)?.consumers.get(key)?;
            if consumer.state != ConsumerState::Processing {
                return None;
            }
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
            if self.config.retrieval == Retrieval::FanOut {
                return Some(now); // on to the events that came meanwhile
            }
            let next = batch.started_ms + self.config.idle_time_between_reads_in_millis;
            return Some(next.max(now));
        }
        if consumer.lease_lost {
            self.shut_down(id, key, ShutdownReason::LeaseLost, now, events);
            return None;
        }
        if self.config.retrieval == Retrieval::FanOut {
            return self.process_fan_out(id, key, now, kinesis, events);
        }
        let Some(iterator) = consumer.iterator.clone() else {
            self.set_state(id, key, ConsumerState::Initializing, None, now, events);
            return Some(now);
        };
        let order = &mut self.order;
        // The delivery point: a batch GetRecords returned goes to processRecords at once.
        let latency = &mut self.latency;
        let mut latency_sum = 0u64;
        let mut bytes = 0u64;
        match kinesis.read(now, &iterator, self.config.max_records, |record| {
            bytes += record.size;
            order.deliver(shard, record);
            latency_sum = latency_sum.saturating_add(latency.record(now, record.arrival_ms));
        }) {
            Ok(outcome) => {
                let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
                consumer.throttled = false;
                consumer.millis_behind_latest = outcome.millis_behind_latest;
                consumer.iterator = outcome.next.clone();
                self.series.record(
                    now,
                    &[
                        (
                            AppSeries::MillisBehindLatest.into(),
                            outcome.millis_behind_latest,
                        ),
                        (AppSeries::Reads.into(), 1),
                        (AppSeries::Delivered.into(), outcome.count),
                        (AppSeries::DeliveryLatencySum.into(), latency_sum),
                    ],
                    SERIES_KEPT,
                );
                if outcome.next.is_none() {
                    consumer.children = Some(outcome.child_shards.clone().unwrap_or_default());
                }
                if let (Some(first), Some(last), Some(arrival)) = (
                    outcome.first_seq_ix,
                    outcome.last_seq_ix,
                    outcome.last_arrival_ms,
                ) {
                    let work_ms =
                        (outcome.count * self.config.processing_micros_per_record).div_ceil(1000);
                    let batch = Batch {
                        first_seq_ix: first,
                        last_seq_ix: last,
                        count: outcome.count,
                        last_arrival_ms: arrival,
                        started_ms: now,
                        done_ms: now + work_ms,
                        bytes,
                    };
                    consumer.batch = Some(batch);
                    self.begin_batch(id, key, shard, now, events);
                    return Some(batch.done_ms);
                }
                if outcome.next.is_none() {
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
                Some(now + self.config.idle_time_between_reads_in_millis)
            }
            Err(error) => {
                let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
                match error.error_kind() {
                    ErrorKind::ProvisionedThroughputExceeded => {
                        consumer.throttled = true;
                        Some(now + self.config.task_backoff_time_millis)
                    }
                    ErrorKind::ExpiredIterator | ErrorKind::InvalidArgument => {
                        // Start again after the last record processed (or the checkpoint).
                        consumer.iterator = None;
                        let restart = consumer.last_processed;
                        let number = restart.and_then(|(seq_ix, _)| {
                            kinesis
                                .stream(&self.config.stream)
                                .and_then(|s| s.shards.get(shard as usize))
                                .map(|s| s.sequence_number(seq_ix, 0))
                        });
                        match number {
                            Some(number) => {
                                if let Ok(answer) = kinesis.get_shard_iterator(
                                    now,
                                    &self.config.stream,
                                    shard,
                                    IteratorStart::AfterSequenceNumber(number),
                                ) {
                                    let consumer =
                                        self.workers.get_mut(id)?.consumers.get_mut(key)?;
                                    consumer.iterator =
                                        ShardIterator::decode(&answer.shard_iterator);
                                }
                                Some(now)
                            }
                            None => {
                                self.set_state(
                                    id,
                                    key,
                                    ConsumerState::Initializing,
                                    None,
                                    now,
                                    events,
                                );
                                Some(now)
                            }
                        }
                    }
                    _ => {
                        self.shut_down(id, key, ShutdownReason::ShardEnd, now, events);
                        None
                    }
                }
            }
        }
    }

    /// SHUTTING_DOWN at SHARD_END (the KCL's ShutdownTask): create the children's leases,
    /// record them, checkpoint SHARD_END.
    fn shard_end(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let failover = self.config.failover_time_millis;
        let worker = self.workers.get(id)?;
        let consumer = worker.consumers.get(key)?;
        let held = worker
            .held
            .get(key)
            .filter(|h| h.token == consumer.token && now.saturating_sub(h.renewed_ms) <= failover)
            .cloned();
        let Some(held) = held else {
            // No longer ours: the next owner does the shard-end work.
            self.shut_down(id, key, ShutdownReason::LeaseLost, now, events);
            return None;
        };
        let children = consumer.children.clone().unwrap_or_default();
        if let Some(stream) = kinesis.stream(&self.config.stream) {
            for child in &children {
                if self.table.get(&child.shard_id).is_some() {
                    continue;
                }
                // A merge child is created only once both parents' leases exist (or neither).
                let parents_leased = child
                    .parent_shards
                    .iter()
                    .filter(|p| self.table.get(p).is_some())
                    .count();
                if parents_leased != child.parent_shards.len() && parents_leased != 0 {
                    continue;
                }
                if let Some(index) = crate::engine::parse_shard_id(&child.shard_id) {
                    self.create_lease(stream, index, Checkpoint::TrimHorizon, now, events);
                }
            }
        }
        let mut counter = held.counter;
        let child_ids: Vec<String> = children.iter().map(|c| c.shard_id.clone()).collect();
        if let Ok(next) = self.table.set_children(key, counter, id, child_ids) {
            counter = next;
        }
        // The children's leases exist: the KCL calls shardEnded, where the application must
        // checkpoint SHARD_END.
        self.report_shard_ended(id, key, now, events);
        if !self.config.checkpoint_at_shard_end {
            let consumer = self
                .workers
                .get_mut(id)
                .and_then(|w| w.consumers.get_mut(key))?;
            if !consumer.warned_shard_end {
                consumer.warned_shard_end = true;
                self.emit(events, now, |app| KclEvent::ShardEndNotCheckpointed {
                    app,
                    lease: key.to_string(),
                    worker: id.to_string(),
                });
            }
            if let Some(held) = self.workers.get_mut(id).and_then(|w| w.held.get_mut(key)) {
                held.counter = counter;
            }
            // The KCL retries the shutdown task; the children stay blocked meanwhile.
            return Some(now + self.config.parent_shard_poll_interval_millis);
        }
        match self
            .table
            .checkpoint(key, counter, id, Checkpoint::ShardEnd)
        {
            Ok(next) => {
                if let Some(held) = self.workers.get_mut(id).and_then(|w| w.held.get_mut(key)) {
                    held.counter = next;
                    held.renewed_ms = now;
                }
                self.emit(events, now, |app| KclEvent::Checkpointed {
                    app,
                    lease: key.to_string(),
                    worker: id.to_string(),
                    checkpoint: Checkpoint::ShardEnd,
                });
                self.set_state(
                    id,
                    key,
                    ConsumerState::ShutdownComplete,
                    Some(ShutdownReason::ShardEnd),
                    now,
                    events,
                );
                None
            }
            Err(_) => {
                self.report_failed_checkpoint(id, key, now, events);
                self.shut_down(id, key, ShutdownReason::LeaseLost, now, events);
                None
            }
        }
    }
}
