//! The KCL's LeaseCleanupManager: the deletion of finished leases, and the one way any lease
//! leaves the table.
//!
//! Separate because deleting is the end of a lease's life, and two parts of the KCL do it:
//! each worker's cleanup loop (a parent whose children have all begun) and the shard sync
//! (the lease of a shard that expired). Both go through [`KclApp::delete_lease`], which is
//! also what makes every worker forget the lease.

use super::{Events, KclApp};
use crate::kcl::events::KclEvent;
use crate::kcl::table::Checkpoint;

impl KclApp {
    /// Deletes held SHARD_END leases whose children have all checkpointed and whose own
    /// parents are gone.
    pub(super) fn cleanup(&mut self, id: &str, now: u64, events: &mut Events) {
        let Some(worker) = self.workers.get(id) else {
            return;
        };
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
        for (key, counter) in candidates {
            self.delete_lease(key, counter, now, events);
        }
    }

    /// Deletes a lease (conditional on its counter) and forgets it in every worker.
    pub(super) fn delete_lease(
        &mut self,
        key: String,
        counter: u64,
        now: u64,
        events: &mut Events,
    ) {
        if self.table.delete(&key, counter).is_err() {
            return;
        }
        for worker in self.workers.values_mut() {
            worker.held.remove(&key);
            worker.consumers.remove(&key);
        }
        self.emit(events, now, |app| KclEvent::LeaseDeleted {
            app,
            lease: key,
        });
    }
}
