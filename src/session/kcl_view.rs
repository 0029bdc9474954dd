//! What the KCL panel draws for each application: its workers, its lease table as the KCL
//! keeps it, and what is about to happen.
//!
//! The lease table rows carry the KCL's own attribute names (`leaseKey`, `leaseOwner`,
//! `leaseCounter`, `checkpoint`, `ownerSwitchesSinceCheckpoint`, `parentShardIds`). Two
//! things the table does not say are worked out here, because they are what a learner needs to
//! see coming:
//!
//! * how long each lease's counter has stood still, and how long the *other* workers have seen
//!   it stand still (by their own clocks, at their taker runs): a lease is expired, and taken,
//!   once a taker has seen it unchanged for `failoverTimeMillis`;
//! * how many records the owner has processed since its last checkpoint: if the owner died
//!   now, the next owner would start from the checkpoint and process those again.

use serde::Serialize;

use crate::kcl::app::{ConsumerState, KclApp, LeaseMove, WorkerState, WORKER_PROCESSED};
use crate::sim::{World, START_MS};

/// One worker card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkerView {
    pub id: String,
    /// running, paused or dead (serialized as those words).
    pub state: WorkerState,
    /// For a paused worker: simulated milliseconds (since the start) when it wakes.
    pub paused_until_ms: Option<u64>,
    /// Lease keys it holds, by its own account.
    pub leases: Vec<String>,
    pub processed: u64,
    /// Records processed per second, over the last five complete seconds (a worker hands
    /// its record processor a batch per GetRecords, about once a second, so one second alone
    /// is lumpy).
    pub per_second: u64,
}

/// One row of the lease table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaseRow {
    pub lease_key: String,
    pub lease_owner: Option<String>,
    pub lease_counter: u64,
    pub checkpoint: String,
    pub owner_switches_since_checkpoint: u64,
    pub parent_shard_ids: Vec<String>,
    /// The owner's shard consumer state (PROCESSING, WAITING_ON_PARENT_SHARDS, ...).
    pub consumer_state: Option<ConsumerState>,
    /// Records the owner processed after the last checkpoint: processed again by whoever
    /// takes the lease next.
    pub since_checkpoint: u64,
    /// How long the counter has not changed.
    pub frozen_ms: u64,
    /// How long the live workers other than the owner have seen it unchanged (the largest).
    pub seen_frozen_ms: u64,
    /// The last time it changed hands.
    pub last_move: Option<LeaseMove>,
}

impl LeaseRow {
    /// How close the lease is to being taken: 0 while it is being renewed, up to 1 when a
    /// taker has seen it frozen for failoverTimeMillis (drawn as amber, then red).
    pub fn expiry(&self, failover_ms: u64) -> f64 {
        // A renewal is due every failover/3; a counter frozen for longer than two of those
        // is not being renewed.
        if self.frozen_ms * 3 <= failover_ms * 2 || failover_ms == 0 {
            return 0.0;
        }
        (self.seen_frozen_ms.max(self.frozen_ms) as f64 / failover_ms as f64).min(1.0)
    }
}

/// A KCL application on screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppView {
    pub name: String,
    pub stream: String,
    pub failover_ms: u64,
    pub workers: Vec<WorkerView>,
    pub leases: Vec<LeaseRow>,
    pub processed: u64,
    /// Records processed more than once, by cause (failover, steal, restart, zombie
    /// overlap).
    pub duplicates: Vec<(String, u64)>,
    pub overlaps: u64,
}

/// Every application in the world.
pub fn apps(world: &World) -> Vec<AppView> {
    world.apps().map(|app| app_view(world, app)).collect()
}

fn app_view(world: &World, app: &KclApp) -> AppView {
    let now = world.now_ms();
    let failover_ms = app.config.failover_time_millis;
    let workers = app
        .workers
        .values()
        .map(|w| WorkerView {
            id: w.id.clone(),
            state: w.state,
            paused_until_ms: match w.state {
                WorkerState::Paused { until_ms } => Some(until_ms.saturating_sub(START_MS)),
                _ => None,
            },
            leases: w.held_leases(),
            processed: w.processed,
            per_second: {
                let last = (now / 1000).saturating_sub(1);
                let five: u64 = w
                    .throughput
                    .per_second(WORKER_PROCESSED, last.saturating_sub(4), last)
                    .iter()
                    .sum();
                five / 5
            },
        })
        .collect();
    // How long each running worker has seen each lease unchanged, by its own clock.
    let ages: Vec<(String, std::collections::BTreeMap<String, u64>)> = app
        .workers
        .values()
        .filter(|w| w.state == WorkerState::Running)
        .map(|w| (w.id.clone(), w.ages(now)))
        .collect();
    let leases = app
        .table
        .rows()
        .map(|lease| {
            let owner = lease.lease_owner.as_deref();
            let consumer = owner
                .and_then(|o| app.workers.get(o))
                .and_then(|w| w.consumers.get(&lease.lease_key));
            let seen_frozen_ms = ages
                .iter()
                .filter(|(id, _)| Some(id.as_str()) != owner)
                .filter_map(|(_, ages)| ages.get(&lease.lease_key).copied())
                .max()
                .unwrap_or(0);
            let changed = app
                .activity
                .counter_changed_ms
                .get(&lease.lease_key)
                .copied()
                .unwrap_or(now);
            LeaseRow {
                lease_key: lease.lease_key.clone(),
                lease_owner: lease.lease_owner.clone(),
                lease_counter: lease.lease_counter,
                checkpoint: lease.checkpoint.as_str().to_string(),
                owner_switches_since_checkpoint: lease.owner_switches_since_checkpoint,
                parent_shard_ids: lease.parent_shard_ids.clone(),
                consumer_state: consumer.map(|c| c.state),
                since_checkpoint: consumer.map_or(0, |c| c.since_checkpoint),
                frozen_ms: now.saturating_sub(changed),
                seen_frozen_ms,
                last_move: app.activity.last_move.get(&lease.lease_key).cloned(),
            }
        })
        .collect();
    AppView {
        name: app.name.clone(),
        stream: app.config.stream.clone(),
        failover_ms,
        workers,
        leases,
        processed: app.stats.processed,
        duplicates: app
            .stats
            .duplicates
            .iter()
            .map(|(reason, n)| (reason.as_str().to_string(), *n))
            .collect(),
        overlaps: app.stats.overlaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Link, Session};

    #[test]
    fn a_dead_workers_lease_freezes_turns_amber_and_moves() {
        let mut session = Session::new(Link::decode("#seed=1").unwrap());
        session.advance(60_000);
        let view = apps(&session.world).remove(0);
        assert_eq!(view.name, "analytics");
        assert_eq!(view.workers.len(), 3);
        assert!(
            view.workers.iter().all(|w| w.per_second > 0),
            "every worker processes: {:?}",
            view.workers
        );
        assert_eq!(view.leases.len(), 4);
        let row = &view.leases[1];
        assert!(row.lease_owner.is_some());
        assert_eq!(row.consumer_state, Some(ConsumerState::Processing));
        assert_eq!(row.expiry(view.failover_ms), 0.0, "renewed: {row:?}");
        assert!(row.frozen_ms < 4_000, "renewed every 3.3 s: {row:?}");

        let owner = row.lease_owner.clone().unwrap();
        let counter = row.lease_counter;
        session.run_command(&format!("kcl worker kill analytics/{owner}"));
        session.advance(8_000);
        let view = apps(&session.world).remove(0);
        let row = &view.leases[1];
        assert_eq!(row.lease_counter, counter.max(row.lease_counter));
        assert!(row.frozen_ms >= 8_000, "{row:?}");
        assert!(row.expiry(view.failover_ms) > 0.5, "amber: {row:?}");
        let dead = view.workers.iter().find(|w| w.id == owner).unwrap();
        assert_eq!(dead.state, WorkerState::Dead);

        session.advance(40_000);
        let view = apps(&session.world).remove(0);
        let row = &view.leases[1];
        assert_ne!(row.lease_owner.as_deref(), Some(owner.as_str()));
        let moved = row.last_move.clone().expect("the lease moved");
        assert_eq!(moved.from.as_deref(), Some(owner.as_str()));
        assert!(!moved.stolen, "taken from a dead worker, not stolen");
        assert_eq!(
            row.expiry(view.failover_ms),
            0.0,
            "renewed by its new owner"
        );
    }
}
