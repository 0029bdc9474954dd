//! The KCL's Scheduler loop: each worker's dispatch of shard consumers.
//!
//! Separate from the shard consumer because it is the worker's view, not the shard's: every
//! `shardConsumerDispatchPollIntervalMillis` it starts a consumer for each lease the worker
//! holds without one, and tells the consumers whose lease is gone to shut down (LEASE_LOST).
//! What the consumer then does is `shard_consumer.rs`.

use super::shard_consumer::{ConsumerState, ShardConsumer, ShutdownReason};
use super::worker::{KclTask, Wake};
use super::{Events, KclApp};
use crate::kcl::events::KclEvent;

impl KclApp {
    /// Starts a consumer for every held lease without one; shuts down consumers whose lease
    /// is gone.
    pub(super) fn dispatch(
        &mut self,
        id: &str,
        now: u64,
        generation: u64,
        events: &mut Events,
    ) -> Vec<Wake> {
        let failover = self.config.failover_time_millis;
        let Some(worker) = self.workers.get_mut(id) else {
            return Vec::new();
        };
        let mut wakes = Vec::new();
        let mut started = Vec::new();
        // A worker shutting down gracefully starts no new shard consumer.
        let starting = !worker.shutting_down;
        for (key, held) in worker.held.iter().filter(|_| starting) {
            if now.saturating_sub(held.renewed_ms) > failover {
                continue; // not "currently held" by this worker's clock
            }
            let current = worker
                .consumers
                .get(key)
                .is_some_and(|c| c.token == held.token);
            if current {
                continue;
            }
            let Some(index) = crate::engine::parse_shard_id(key) else {
                continue;
            };
            worker
                .consumers
                .insert(key.clone(), ShardConsumer::new(key, index, held, now));
            started.push(key.clone());
            wakes.push(Wake {
                at_ms: now,
                worker: Some(id.to_string()),
                generation,
                task: KclTask::Step {
                    lease_key: key.clone(),
                    token: held.token,
                },
            });
        }
        let mut lost = Vec::new();
        for (key, consumer) in &worker.consumers {
            let held = worker.held.get(key).filter(|h| h.token == consumer.token);
            let active = !matches!(consumer.state, ConsumerState::ShutdownComplete);
            if held.is_none() && active && !consumer.lease_lost {
                lost.push(key.clone());
            }
        }
        worker.consumers.retain(|key, c| {
            c.state != ConsumerState::ShutdownComplete
                || worker.held.get(key).is_some_and(|h| h.token == c.token)
        });
        for key in started {
            self.emit(events, now, |app| KclEvent::ConsumerState {
                app,
                lease: key,
                worker: id.to_string(),
                state: ConsumerState::WaitingOnParentShards,
                reason: None,
            });
        }
        for key in lost {
            // The in-flight processRecords call is not interrupted: it finishes (a zombie),
            // and only then the consumer shuts down.
            let in_flight = self
                .workers
                .get_mut(id)
                .and_then(|w| w.consumers.get_mut(&key))
                .map(|c| {
                    c.lease_lost = true;
                    c.batch.is_some()
                })
                .unwrap_or(false);
            if !in_flight {
                self.shut_down(id, &key, ShutdownReason::LeaseLost, now, events);
            }
        }
        wakes
    }
}
