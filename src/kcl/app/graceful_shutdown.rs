//! A graceful worker shutdown (`kcl worker remove`), and the record processor's
//! `shutdownRequested`.
//!
//! Separate because it is the one shutdown a worker asks for itself, and it takes time: as in
//! KCL 2.x's `Scheduler.startGracefulShutdown` (Scheduler.java:1010-1020) the worker stops
//! taking leases, and each shard consumer goes to SHUTDOWN_REQUESTED (reason REQUESTED): the
//! batch in flight finishes, the KCL calls the record processor's `shutdownRequested`, where
//! the application checkpoints what it processed, and the worker drops the lease, so the
//! consumer ends LEASE_LOST (SHUTTING_DOWN, `leaseLost`, SHUTDOWN_COMPLETE). The worker goes
//! once every consumer has shut down. Its leases are not released in the table: other
//! workers take them once they expire (DynamoDBLeaseCoordinator.dropLease).
//!
//! [`KclApp::shutdown_requested`] is the path a lease leaving a live worker on purpose takes,
//! one lease at a time; KCL 3.x's graceful lease handoff uses the same call, and ends by
//! transferring the lease to its new owner (`lease_assignment.rs`). The application
//! checkpoints in `shutdownRequested` unless its policy is never to checkpoint. Under 3.x a
//! worker's own graceful shutdown also releases the leader lock if it holds it.

use super::shard_consumer::{ConsumerState, ShutdownReason};
use super::worker::{KclTask, Wake, WorkerState};
use super::{Events, KclApp};
use crate::engine::Kinesis;
use crate::kcl::config::CheckpointPolicy;
use crate::kcl::events::{ProcessorCall, WorkerAction};
use crate::kcl::table::Checkpoint;

impl KclApp {
    /// Starts a graceful shutdown of worker `id`; returns the steps to schedule. A dead
    /// worker is removed at once; a live one once its shard consumers have shut down.
    pub fn remove_worker(
        &mut self,
        id: &str,
        now: u64,
        events: &mut Events,
    ) -> Result<Vec<Wake>, String> {
        let worker = self
            .workers
            .get_mut(id)
            .ok_or_else(|| format!("there is no worker {id}"))?;
        if worker.shutting_down {
            return Err(format!("worker {id} is already shutting down"));
        }
        worker.shutting_down = true;
        let generation = worker.generation;
        // KCL 3.x: the LAM, the leader decider (which releases the lock) and the metrics
        // reporter stop first; discovery and the handoff handler stop with the taker.
        // (A dead worker's lock stays until it lapses: the process is gone.)
        let alive = worker.state != WorkerState::Dead;
        if let Some(w3) = worker.kcl3.as_mut().filter(|_| alive) {
            w3.decider.shutdown(&mut self.coordinator);
            w3.is_leader = false;
        }
        let active: Vec<(String, bool, u64, bool)> = worker
            .consumers
            .iter()
            .filter(|(_, c)| c.state != ConsumerState::ShutdownComplete)
            .map(|(key, c)| {
                (
                    key.clone(),
                    c.has_processor_to_ask(),
                    c.token,
                    c.in_flight(),
                )
            })
            .collect();
        let dead = worker.state == WorkerState::Dead;
        let mut wakes = Vec::new();
        for (key, ask, token, in_flight) in active {
            if dead {
                break;
            }
            match ask {
                // The record processor was never initialized: nothing to ask it.
                false => {
                    self.drop_lease(id, &key);
                    self.shut_down(id, &key, ShutdownReason::LeaseLost, now, events);
                }
                true => {
                    self.request_shutdown(id, &key, now, events);
                    if !in_flight {
                        wakes.push(Wake {
                            at_ms: now,
                            worker: Some(id.to_string()),
                            generation,
                            task: KclTask::Step {
                                lease_key: key,
                                token,
                            },
                        });
                    }
                }
            }
        }
        self.finish_removal_if_done(id, now, events);
        Ok(wakes)
    }

    /// Moves the consumer of lease `key` to SHUTDOWN_REQUESTED (reason REQUESTED). Its next
    /// step, once the batch in flight is done, calls [`KclApp::shutdown_requested`].
    pub(super) fn request_shutdown(&mut self, id: &str, key: &str, now: u64, events: &mut Events) {
        self.set_state(
            id,
            key,
            ConsumerState::ShutdownRequested,
            Some(ShutdownReason::Requested),
            now,
            events,
        );
    }

    /// SHUTDOWN_REQUESTED: waits for the batch in flight, then `shutdownRequested`.
    pub(super) fn step_shutdown_requested(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let consumer = self.workers.get(id)?.consumers.get(key)?;
        if let Some(batch) = consumer.batch {
            if now < batch.done_ms {
                return Some(batch.done_ms);
            }
            self.finish_batch(id, key, batch, now, kinesis, events);
        }
        self.shutdown_requested(id, key, now, kinesis, events);
        None
    }

    /// The record processor's `shutdownRequested`: the application checkpoints what it
    /// processed (a failed checkpoint shuts the consumer down LEASE_LOST at once), then the
    /// worker drops the lease and the consumer ends LEASE_LOST.
    pub(super) fn shutdown_requested(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) {
        self.report_call(id, key, ProcessorCall::ShutdownRequested, now, events);
        let processed = self
            .workers
            .get(id)
            .and_then(|w| w.consumers.get(key))
            .is_some_and(|c| c.last_processed.is_some());
        // An application that never checkpoints does not here either.
        if processed && self.config.checkpoint != CheckpointPolicy::Never {
            self.checkpoint(id, key, now, kinesis, events);
        }
        // KCL 3.x: a lease being handed off goes to its new owner (attemptLeaseTransfer);
        // any other is dropped, and after a worker's graceful shutdown the leader assigns it
        // once it expires. Only a lease the worker still held for this consumer is released
        // (the holding the checkpoint writes through: same token, renewed within failoverTime):
        // one it lost meanwhile (paused past its expiry, so its checkpoint here failed, even if
        // discovery found the lease again since under a new holding) moves as after a crash,
        // from the checkpoint before.
        let failover = self.config.failover_time_millis;
        let held = self.workers.get(id).is_some_and(|w| {
            let token = w.consumers.get(key).map(|c| c.token);
            w.held.get(key).is_some_and(|h| {
                Some(h.token) == token && now.saturating_sub(h.renewed_ms) <= failover
            })
        });
        if !self.transfer_handoff(id, key, now, false, events) {
            self.drop_lease(id, key);
            if held && self.config.is_v3() && self.workers.get(id).is_some_and(|w| w.shutting_down)
            {
                let covered = self.checkpoint_covers_all_processed(id, key);
                self.released.insert(key.to_string(), covered);
            }
        }
        self.shut_down(id, key, ShutdownReason::LeaseLost, now, events);
    }

    /// Whether lease `key`'s checkpoint covers every record of its shard the application has
    /// processed: then its next owner processes nothing again. It may not, after a graceful
    /// shutdown that checkpointed, when an earlier holding of the lease (lost while its worker
    /// was paused past expiry) processed records it could no longer checkpoint.
    fn checkpoint_covers_all_processed(&self, id: &str, key: &str) -> bool {
        let Some(shard) = self
            .workers
            .get(id)
            .and_then(|w| w.consumers.get(key))
            .map(|c| c.shard_index)
        else {
            return true;
        };
        let Some(upto) = self.processed_upto.get(&shard) else {
            return true;
        };
        match self.table.get(key).map(|l| &l.checkpoint) {
            Some(Checkpoint::Sequence { seq_ix, .. }) => seq_ix >= upto,
            Some(Checkpoint::ShardEnd) => true,
            _ => false,
        }
    }

    /// The worker stops renewing lease `key` (the KCL's `dropLease`); the row keeps its owner
    /// until another worker takes it.
    fn drop_lease(&mut self, id: &str, key: &str) {
        if let Some(worker) = self.workers.get_mut(id) {
            worker.held.remove(key);
        }
    }

    /// Removes worker `id` if its graceful shutdown is done: every shard consumer shut down.
    pub(super) fn finish_removal_if_done(&mut self, id: &str, now: u64, events: &mut Events) {
        let done = self.workers.get(id).is_some_and(|w| {
            w.shutting_down
                && w.consumers
                    .values()
                    .all(|c| c.state == ConsumerState::ShutdownComplete)
        });
        if !done {
            return;
        }
        self.stop_worker(id);
        if let Some(worker) = self.workers.remove(id) {
            self.retired.insert(id.to_string(), worker.generation + 1);
        }
        self.emit_worker(events, now, id, WorkerAction::Removed);
    }
}
