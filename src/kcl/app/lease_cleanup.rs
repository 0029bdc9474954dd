//! The KCL's LeaseCleanupManager: the deletion of finished leases, and the one way any lease
//! leaves the table.
//!
//! Separate because deleting is the end of a lease's life, and two parts of the KCL do it:
//! each worker's cleanup loop (a parent whose children have all begun) and the shard sync
//! (the lease of a shard that expired). Both go through [`KclApp::delete_lease`], which is
//! also what makes every worker forget the lease.
//!
//! The cleanup loop runs every `leaseCleanupIntervalMillis` (1 min), but looks at finished
//! leases only once its stopwatch has run `completedLeaseCleanupIntervalMillis` (5 min); the
//! stopwatch starts with the worker and restarts after each successful delete
//! (LeaseCleanupManager.java:157-158, 342, 388-391). So a parent usually stays in the table
//! for minutes after its children began.

use super::{Events, KclApp};
use crate::kcl::events::KclEvent;
use crate::kcl::table::Checkpoint;

impl KclApp {
    /// Deletes held SHARD_END leases whose children have all checkpointed and whose own
    /// parents are gone, when the completed-lease stopwatch says it is time.
    pub(super) fn cleanup(&mut self, id: &str, now: u64, events: &mut Events) {
        let Some(worker) = self.workers.get(id) else {
            return;
        };
        let elapsed = now.saturating_sub(worker.cleanup_stopwatch_ms);
        if elapsed < self.config.completed_lease_cleanup_interval_millis {
            return;
        }
        let candidates: Vec<(String, u64)> = worker
            .held
            .iter()
            .filter_map(|(key, held)| {
                let lease = self.table.get(key)?;
                let children_done = !lease.child_shard_ids.is_empty()
                    && lease.child_shard_ids.iter().all(|child| {
                        self.table.get(child).is_some_and(|c| {
                            matches!(
                                c.checkpoint,
                                Checkpoint::Sequence { .. } | Checkpoint::ShardEnd
                            )
                        })
                    });
                let parents_gone = lease
                    .parent_shard_ids
                    .iter()
                    .all(|p| self.table.get(p).is_none());
                (lease.checkpoint == Checkpoint::ShardEnd && children_done && parents_gone)
                    .then(|| (key.clone(), held.counter))
            })
            .collect();
        let mut deleted = false;
        for (key, counter) in candidates {
            deleted |= self.delete_lease(key, counter, now, events);
        }
        if deleted {
            if let Some(worker) = self.workers.get_mut(id) {
                worker.cleanup_stopwatch_ms = now;
            }
        }
    }

    /// Deletes a lease (conditional on its counter) and forgets it in every worker; returns
    /// whether it was deleted.
    pub(super) fn delete_lease(
        &mut self,
        key: String,
        counter: u64,
        now: u64,
        events: &mut Events,
    ) -> bool {
        if self.table.delete(&key, counter).is_err() {
            return false;
        }
        for worker in self.workers.values_mut() {
            worker.held.remove(&key);
            worker.consumers.remove(&key);
        }
        self.emit(events, now, |app| KclEvent::LeaseDeleted {
            app,
            lease: key,
        });
        true
    }
}
