//! The record processor and its checkpointer: what happens to a batch GetRecords returned.
//!
//! Separate from the shard consumer's states because this is the application's side of the
//! KCL (`processRecords` and `checkpoint()`), where a learner's questions are answered: a
//! batch takes `processingMicrosPerRecord` per record, two workers on one shard at once is an
//! overlap, records at or below what any worker already processed are duplicates (blamed on
//! how the lease was acquired, or on a zombie), and a checkpoint is a conditional write that
//! fails once the worker no longer holds the lease.

use super::activity::{AppSeries, SERIES_KEPT, WORKER_PROCESSED};
use super::shard_consumer::ShutdownReason;
use super::{Delivery, Events, KclApp};
use crate::engine::Kinesis;
use crate::kcl::config::CheckpointPolicy;
use crate::kcl::events::{DuplicateReason, KclEvent};
use crate::kcl::table::Checkpoint;
use crate::kcl::taker::Acquisition;
use crate::kpl::deaggregate;

/// Records handed to the record processor and not yet done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Batch {
    pub(super) first_seq_ix: u64,
    pub(super) last_seq_ix: u64,
    pub(super) count: u64,
    pub(super) last_arrival_ms: u64,
    pub(super) started_ms: u64,
    pub(super) done_ms: u64,
    /// The records' bytes (partition keys and data).
    pub(super) bytes: u64,
}

impl KclApp {
    /// Notes a batch starting; two workers processing one shard at once is an overlap.
    pub(super) fn begin_batch(
        &mut self,
        id: &str,
        key: &str,
        shard: u32,
        now: u64,
        events: &mut Events,
    ) {
        let busy = self.in_flight.entry(shard).or_default();
        let others: Vec<String> = busy.iter().filter(|w| *w != id).cloned().collect();
        busy.insert(id.to_string());
        if !others.is_empty() {
            self.stats.overlaps += 1;
            let mut workers = others;
            workers.push(id.to_string());
            self.emit(events, now, |app| KclEvent::Overlap {
                app,
                lease: key.to_string(),
                workers,
            });
        }
    }

    /// The record processor finished a batch: count it, and its duplicates.
    pub(super) fn finish_batch(
        &mut self,
        id: &str,
        key: &str,
        batch: Batch,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) {
        let Some(consumer) = self
            .workers
            .get_mut(id)
            .and_then(|w| w.consumers.get_mut(key))
        else {
            return;
        };
        consumer.batch = None;
        if let Some(trace) = &mut self.trace {
            trace.push(Delivery {
                worker: id.to_string(),
                holding: consumer.token,
                shard: consumer.shard_index,
                first_seq_ix: batch.first_seq_ix,
                last_seq_ix: batch.last_seq_ix,
                started_ms: batch.started_ms,
                done_ms: now,
            });
        }
        consumer.since_checkpoint += batch.count;
        consumer.last_processed = Some((batch.last_seq_ix, batch.last_arrival_ms));
        let shard = consumer.shard_index;
        // A worker finishing a batch for a lease the table no longer gives it is a zombie.
        let still_owner = self
            .table
            .get(key)
            .is_some_and(|l| l.lease_owner.as_deref() == Some(id));
        let reason = if consumer.lease_lost || !still_owner {
            DuplicateReason::ZombieOverlap
        } else {
            match consumer.acquisition {
                Acquisition::Stolen => DuplicateReason::Steal,
                Acquisition::Reclaimed => DuplicateReason::Restart,
                Acquisition::Expired | Acquisition::Unowned => DuplicateReason::Failover,
                Acquisition::Handoff => DuplicateReason::Handoff,
            }
        };
        self.note_kcl3_batch(
            id,
            key,
            batch.done_ms.saturating_sub(batch.started_ms),
            batch.count,
            batch.bytes,
        );
        if let Some(worker) = self.workers.get_mut(id) {
            worker.processed += batch.count;
            worker
                .throughput
                .record(now, &[(WORKER_PROCESSED, batch.count)], SERIES_KEPT);
        }
        if let Some(workers) = self.in_flight.get_mut(&shard) {
            workers.remove(id);
        }
        let upto = self.processed_upto.get(&shard).copied();
        let duplicates = match upto {
            Some(upto) if upto >= batch.first_seq_ix => kinesis
                .stream(&self.config.stream)
                .and_then(|s| s.shards.get(shard as usize))
                .map_or(0, |s| {
                    s.records
                        .count_between(batch.first_seq_ix, upto.min(batch.last_seq_ix) + 1)
                }),
            _ => 0,
        };
        self.stats.processed += batch.count;
        // The KPL's user records, de-aggregated against the shard's range (`kpl::deaggregate`).
        if let Some(s) = kinesis
            .stream(&self.config.stream)
            .and_then(|s| s.shards.get(shard as usize))
        {
            let (user_records, _) = deaggregate::batch(s, batch.first_seq_ix, batch.last_seq_ix);
            self.stats.user_records.add(&user_records);
        }
        self.series.record(
            now,
            &[(AppSeries::Processed.into(), batch.count)],
            SERIES_KEPT,
        );
        self.processed_upto
            .insert(shard, upto.unwrap_or(0).max(batch.last_seq_ix));
        self.first_processed_ms
            .entry(shard)
            .or_insert(batch.started_ms);
        self.last_processed_ms.insert(shard, now);
        if duplicates > 0 {
            *self.stats.duplicates.entry(reason).or_default() += duplicates;
            self.emit(events, now, |app| KclEvent::Duplicates {
                app,
                lease: key.to_string(),
                worker: id.to_string(),
                count: duplicates,
                reason,
            });
        }
    }

    /// Checkpoints if the application's checkpoint policy says it is time.
    pub(super) fn checkpoint_if_due(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) {
        if self.checkpoint_due(id, key, now) {
            self.checkpoint(id, key, now, kinesis, events);
        }
    }

    /// Whether the application's checkpoint policy makes it checkpoint after this batch.
    pub(super) fn checkpoint_due(&self, id: &str, key: &str, now: u64) -> bool {
        let Some(consumer) = self.workers.get(id).and_then(|w| w.consumers.get(key)) else {
            return false;
        };
        match self.config.checkpoint {
            CheckpointPolicy::EachBatch => consumer.since_checkpoint > 0,
            CheckpointPolicy::EveryRecords(n) => consumer.since_checkpoint >= n.max(1),
            CheckpointPolicy::Interval(ms) => {
                consumer.since_checkpoint > 0
                    && now.saturating_sub(consumer.last_checkpoint_ms) >= ms
            }
            CheckpointPolicy::Never => false,
        }
    }

    /// Checkpoints the last processed record; on failure the consumer shuts down LEASE_LOST.
    pub(super) fn checkpoint(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) {
        let failover = self.config.failover_time_millis;
        let Some(worker) = self.workers.get_mut(id) else {
            return;
        };
        let Some(consumer) = worker.consumers.get(key) else {
            return;
        };
        let Some((seq_ix, arrival)) = consumer.last_processed else {
            return;
        };
        let held = worker
            .held
            .get(key)
            .filter(|h| h.token == consumer.token && now.saturating_sub(h.renewed_ms) <= failover)
            .cloned();
        let text = kinesis
            .stream(&self.config.stream)
            .and_then(|s| s.shards.get(consumer.shard_index as usize))
            .map(|s| s.sequence_number(seq_ix, arrival).to_string())
            .unwrap_or_default();
        // `checkpoint()` writes the last user record's sub-sequence number (0 unless the
        // last record was a KPL aggregate).
        let sub_sequence = kinesis
            .stream(&self.config.stream)
            .and_then(|s| s.shards.get(consumer.shard_index as usize))
            .map_or(0, |s| deaggregate::batch(s, seq_ix, seq_ix).1);
        let checkpoint = Checkpoint::Sequence { seq_ix, text };
        let result = held.map(|h| {
            self.table
                .checkpoint(key, h.counter, id, checkpoint.clone())
        });
        match result {
            Some(Ok(counter)) => {
                self.table.set_checkpoint_sub_sequence(key, sub_sequence);
                if let Some(held) = worker.held.get_mut(key) {
                    held.counter = counter;
                    held.renewed_ms = now;
                }
                if let Some(consumer) = worker.consumers.get_mut(key) {
                    consumer.since_checkpoint = 0;
                    consumer.last_checkpoint_ms = now;
                }
                self.emit(events, now, |app| KclEvent::Checkpointed {
                    app,
                    lease: key.to_string(),
                    worker: id.to_string(),
                    checkpoint,
                });
            }
            _ => {
                self.report_failed_checkpoint(id, key, now, events);
                if let Some(consumer) = self
                    .workers
                    .get_mut(id)
                    .and_then(|w| w.consumers.get_mut(key))
                {
                    consumer.lease_lost = true;
                }
                self.shut_down(id, key, ShutdownReason::LeaseLost, now, events);
            }
        }
    }

    /// Reports the exception the KCL throws at a checkpoint of a lease the worker lost.
    pub(super) fn report_failed_checkpoint(
        &self,
        id: &str,
        key: &str,
        now: u64,
        events: &mut Events,
    ) {
        self.emit(events, now, |app| KclEvent::CheckpointFailed { app,
            lease: key.to_string(),
            worker: id.to_string(),
            message: "ShutdownException: Can't update checkpoint - instance doesn't hold the lease for this shard".to_string(),
        });
    }
}
