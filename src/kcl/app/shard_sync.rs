//! The KCL's HierarchicalShardSyncer: which shards get a lease, and when.
//!
//! Separate because it is the one part that reads the stream's shard list and its lineage:
//! on an empty table it leases the shards at the initial position; later it leases open
//! shards none of whose ancestors is leased (their records would otherwise never be read),
//! starting from their oldest ancestors still listed, and deletes the leases of shards that
//! expired. Descendants of leased shards are not its business: the parent's shard consumer
//! creates their leases at SHARD_END (`shard_consumer.rs`).
//!
//! The sync runs once when the table is empty and then periodically for the application
//! (a [`KclTask::Sync`] with no worker).

use std::collections::BTreeSet;

use super::worker::{KclTask, Wake, WorkerState};
use super::{Events, KclApp};
use crate::engine::{shard_id, Kinesis, Stream};
use crate::kcl::config::InitialPosition;
use crate::kcl::events::KclEvent;
use crate::kcl::table::{Checkpoint, Lease};

impl KclApp {
    /// The application's next periodic shard sync, one interval after `now`. The world
    /// schedules the first when the application is created; each sync then schedules the next.
    pub fn next_shard_sync(&self, now: u64) -> Wake {
        Wake {
            at_ms: now + self.config.shard_sync_interval_millis,
            worker: None,
            generation: 0,
            task: KclTask::Sync,
        }
    }

    /// The periodic shard sync, run while any worker runs; schedules the next one.
    pub(super) fn run_shard_sync(
        &mut self,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) -> Vec<Wake> {
        if self
            .workers
            .values()
            .any(|w| w.state == WorkerState::Running)
        {
            self.sync_shards(now, kinesis, events);
        }
        vec![self.next_shard_sync(now)]
    }

    /// Creates leases for shards that need one: on an empty table, the shards at the initial
    /// position; later, open shards none of whose ancestors has a lease (descendants of leased
    /// shards get theirs when their parents reach SHARD_END).
    pub(super) fn sync_shards(&mut self, now: u64, kinesis: &Kinesis, events: &mut Events) {
        let Some(stream) = kinesis
            .stream(&self.config.stream)
            .filter(|s| s.is_serving())
        else {
            return;
        };
        let (wanted, checkpoint): (Vec<u32>, Checkpoint) = if self.table.is_empty() {
            let trim_horizon = now
                .saturating_sub(stream.retention_ms())
                .max(stream.created_ms);
            let shards_open_at = |t: u64| {
                stream
                    .listed_shards(now)
                    .filter(|s| s.open_at(t))
                    .map(|s| s.index)
                    .collect::<Vec<u32>>()
            };
            match self.config.initial_position {
                InitialPosition::Latest => (
                    stream.open_shards().map(|s| s.index).collect(),
                    Checkpoint::Latest,
                ),
                InitialPosition::TrimHorizon => {
                    (shards_open_at(trim_horizon), Checkpoint::TrimHorizon)
                }
                InitialPosition::AtTimestamp(t) => {
                    (shards_open_at(t.min(now)), Checkpoint::AtTimestamp)
                }
            }
        } else {
            let leased: BTreeSet<u32> = self.table.rows().map(|l| l.shard_index).collect();
            let orphans: Vec<u32> = stream
                .open_shards()
                .filter(|s| {
                    !leased.contains(&s.index)
                        && !has_leased_ancestor(stream, s.index, &leased, now)
                })
                .map(|s| s.index)
                .collect();
            // From the trim horizon (or a timestamp) an orphan's records start in its oldest
            // ancestors still listed, as KCL's HierarchicalShardSyncer creates them: their
            // consumers reach SHARD_END and the leases of the children follow.
            let orphans = match self.config.initial_position {
                InitialPosition::Latest => orphans,
                _ => {
                    let mut roots: BTreeSet<u32> = orphans
                        .iter()
                        .flat_map(|&o| oldest_listed_ancestors(stream, o, now))
                        .filter(|r| !leased.contains(r))
                        .collect();
                    roots.extend(unleased_closed_roots(stream, &leased, now));
                    roots.into_iter().collect()
                }
            };
            let checkpoint = match self.config.initial_position {
                InitialPosition::Latest => Checkpoint::Latest,
                InitialPosition::TrimHorizon => Checkpoint::TrimHorizon,
                InitialPosition::AtTimestamp(_) => Checkpoint::AtTimestamp,
            };
            (orphans, checkpoint)
        };
        // Leases of shards that have expired are garbage (KCL's lease cleanup deletes them
        // once the shard is gone): nobody can finish them, and children wait for them.
        let garbage: Vec<(String, u64)> = self
            .table
            .rows()
            .filter(|l| {
                (l.shard_index as usize) < stream.shards.len()
                    && stream.live_shard(l.shard_index, now).is_none()
            })
            .map(|l| (l.lease_key.clone(), l.lease_counter))
            .collect();
        for (key, counter) in garbage {
            self.delete_lease(key, counter, now, events);
        }
        for index in wanted {
            self.create_lease(stream, index, checkpoint.clone(), now, events);
        }
    }

    /// Creates the lease of shard `index`, naming its parents, at `checkpoint` (unless the
    /// table has it already).
    pub(super) fn create_lease(
        &mut self,
        stream: &Stream,
        index: u32,
        checkpoint: Checkpoint,
        now: u64,
        events: &mut Events,
    ) {
        let Some(shard) = stream.shards.get(index as usize) else {
            return;
        };
        let lease = Lease {
            lease_key: shard_id(index),
            lease_owner: None,
            lease_counter: 0,
            checkpoint: checkpoint.clone(),
            checkpoint_sub_sequence_number: 0,
            owner_switches_since_checkpoint: 0,
            parent_shard_ids: shard
                .parent
                .into_iter()
                .chain(shard.adjacent_parent)
                .map(shard_id)
                .collect(),
            child_shard_ids: Vec::new(),
            checkpoint_owner: None,
            throughput_kbps: None,
            shard_index: index,
        };
        if self.table.create_if_absent(lease).is_ok() {
            self.emit(events, now, |app| KclEvent::LeaseCreated {
                app,
                lease: shard_id(index),
                checkpoint,
            });
        }
    }
}

/// The parents of shard `index` that the API still lists (expired ones are gone, as they
/// are from KCL's view of ListShards).
fn listed_parents(stream: &Stream, index: u32, now: u64) -> Vec<u32> {
    stream
        .shards
        .get(index as usize)
        .map(|s| {
            s.parent
                .into_iter()
                .chain(s.adjacent_parent)
                .filter(|&p| stream.live_shard(p, now).is_some())
                .collect()
        })
        .unwrap_or_default()
}

/// Closed shards still listed that nobody has read: no lease, no listed parent (so no parent
/// consumer will create one at SHARD_END), and no leased descendant (a shard that was read
/// has one: its lease is deleted only once its children hold theirs). This happens when a
/// shard whose parent expired is closed by a merge before any worker ran the sync: its merge
/// child, a descendant of the sibling's lease, waits for it. KCL's HierarchicalShardSyncer
/// leases such ancestors at the trim horizon; so does this.
fn unleased_closed_roots(stream: &Stream, leased: &BTreeSet<u32>, now: u64) -> Vec<u32> {
    let has_leased_descendant = |index: u32| {
        let mut stack = vec![index];
        let mut seen = BTreeSet::new();
        while let Some(shard) = stack.pop() {
            if !seen.insert(shard) {
                continue;
            }
            if shard != index && leased.contains(&shard) {
                return true;
            }
            if let Some(s) = stream.shards.get(shard as usize) {
                stack.extend(s.children.iter().copied());
            }
        }
        false
    };
    stream
        .listed_shards(now)
        .filter(|s| !s.is_open() && !leased.contains(&s.index))
        .filter(|s| listed_parents(stream, s.index, now).is_empty())
        .filter(|s| !has_leased_descendant(s.index))
        .map(|s| s.index)
        .collect()
}

/// The ancestors of shard `index` (or the shard itself) that are still listed but whose own
/// parents are not: where reading its line of records from the trim horizon begins.
fn oldest_listed_ancestors(stream: &Stream, index: u32, now: u64) -> BTreeSet<u32> {
    let mut roots = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut stack = vec![index];
    while let Some(shard) = stack.pop() {
        if !seen.insert(shard) {
            continue;
        }
        let parents = listed_parents(stream, shard, now);
        if parents.is_empty() {
            roots.insert(shard);
        } else {
            stack.extend(parents);
        }
    }
    roots
}

/// Whether some ancestor of shard `index` has a lease.
///
/// An ancestor that has expired (past retention, no longer listed) does not count, nor do
/// its own ancestors: as in KCL's `HierarchicalShardSyncer`, which only sees the shards
/// ListShards returns, the children of an expired shard get leases of their own at the
/// initial position (otherwise they would wait for a parent nobody can finish).
fn has_leased_ancestor(stream: &Stream, index: u32, leased: &BTreeSet<u32>, now: u64) -> bool {
    let mut stack = listed_parents(stream, index, now);
    let mut seen = BTreeSet::new();
    while let Some(ancestor) = stack.pop() {
        if !seen.insert(ancestor) {
            continue;
        }
        if leased.contains(&ancestor) {
            return true;
        }
        stack.extend(listed_parents(stream, ancestor, now));
    }
    false
}
