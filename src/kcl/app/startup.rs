//! A worker's start: the KCL Scheduler's initialization, as KCL 2.x and 3.x run it.
//!
//! Separate because starting is where workers of one application differ in time, and that is
//! what makes their loops run out of step. A worker process first takes a start-up time
//! (Shardlab's choice, AWS documents no figure: a seeded random time up to
//! `worker_startup_max_millis`, 5 s, for the JVM and its first DynamoDB calls). Then the
//! Scheduler initializes: on an empty lease table it waits a random 1 to 30 s, looking again
//! every 3 s, and creates the leases only if the table is still empty (Scheduler.java:141-143,
//! 637-651), so workers started together do not all sync the shards. Then the lease
//! coordinator starts: the renewer reclaims the leases the table still gives this worker id
//! (DynamoDBLeaseRenewer.initialize), the taker runs at once and then every 20 s, the renewer
//! every 3.3 s, the dispatch every second, and the LeaseCleanupManager's stopwatch starts.
//! Under KCL 3.x the start-up, the wait and the reclaim are the same; the 3.x loops (leader
//! decider and LeaseAssignmentManager, lease discovery, metrics reporter, graceful handoff
//! handler, `lease_assignment.rs`) run instead of the taker.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use std::collections::BTreeMap;

use super::lease_assignment::Worker3;
use super::worker::{Held, KclTask, Wake, Worker, WorkerState};
use super::{Events, KclApp};
use crate::engine::metrics::Series;
use crate::engine::Kinesis;
use crate::kcl::events::{KclEvent, WorkerAction};
use crate::kcl::taker::Acquisition;

impl KclApp {
    /// Starts (or restarts) worker `id` at `now`; its Scheduler initializes after its
    /// start-up time.
    pub fn start_worker(&mut self, id: &str, now: u64, events: &mut Events) -> Vec<Wake> {
        // Generations never repeat for an id, even after the worker was removed and one with
        // its name joined again: a task still scheduled for the old one must not run for it.
        let restarting = self.workers.contains_key(id);
        let generation = match self.workers.get(id) {
            Some(w) => w.generation + 1,
            None => self.retired.get(id).copied().unwrap_or(0),
        };
        let seed = crate::seeds::seed_for(self.seed, id);
        let background_load_pct = self.workers.get(id).map_or(0.0, |w| w.background_load_pct);
        let kcl3 = self
            .config
            .is_v3()
            .then(|| Worker3::new(id, &self.config.kcl3(), background_load_pct, now));
        let mut worker = Worker {
            id: id.to_string(),
            state: WorkerState::Running,
            held: BTreeMap::new(),
            observed: BTreeMap::new(),
            consumers: BTreeMap::new(),
            rng: Pcg64Mcg::seed_from_u64(seed ^ generation),
            generation,
            next_token: generation << 32,
            processed: 0,
            throughput: Series::new([false]),
            next_renew_ms: now + self.config.renewer_interval_ms(),
            cleanup_stopwatch_ms: now,
            shutting_down: false,
            kcl3,
            background_load_pct,
        };
        let startup = worker
            .rng
            .random_range(0..=self.config.worker_startup_max_millis);
        let action = if restarting {
            WorkerAction::Restarted
        } else {
            WorkerAction::Started
        };
        self.emit_worker(events, now, id, action);
        self.workers.insert(id.to_string(), worker);
        vec![Wake {
            at_ms: now + startup,
            worker: Some(id.to_string()),
            generation,
            task: KclTask::Initialize,
        }]
    }

    /// The Scheduler's initialization: on an empty lease table, the random wait first;
    /// otherwise the lease loops start at once.
    pub(super) fn initialize_worker(
        &mut self,
        id: &str,
        now: u64,
        generation: u64,
        events: &mut Events,
    ) -> Vec<Wake> {
        if !self.table.is_empty() {
            return self.start_lease_loops(id, now, generation, events);
        }
        let (min, max) = (
            self.config.empty_lease_table_wait_min_millis,
            self.config.empty_lease_table_wait_max_millis,
        );
        let wait = self
            .workers
            .get_mut(id)
            .map_or(min, |w| w.rng.random_range(min..=max.max(min)));
        vec![Wake {
            at_ms: now + self.config.lease_table_check_frequency_millis.min(wait),
            worker: Some(id.to_string()),
            generation,
            task: KclTask::WaitForLeaseTable {
                until_ms: now + wait,
            },
        }]
    }

    /// The worker's wait on an empty lease table: another look every
    /// `LEASE_TABLE_CHECK_FREQUENCY_MILLIS` while it is still empty; at the end of the wait it
    /// creates the leases itself. Then its lease loops start.
    pub(super) fn wait_for_lease_table(
        &mut self,
        id: &str,
        now: u64,
        generation: u64,
        until_ms: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) -> Vec<Wake> {
        if now < until_ms {
            if self.table.is_empty() {
                return vec![Wake {
                    at_ms: now + self.config.lease_table_check_frequency_millis,
                    worker: Some(id.to_string()),
                    generation,
                    task: KclTask::WaitForLeaseTable { until_ms },
                }];
            }
        } else {
            self.sync_shards(now, kinesis, events);
        }
        self.start_lease_loops(id, now, generation, events)
    }

    /// Starts worker `id`'s lease coordinator at `now`: it reclaims its own leases, then the
    /// taker runs at once (KCL 2.x) or the 3.x loops start (`lease_assignment.rs`), the
    /// renewer one period later, the Scheduler's dispatch at once, and the
    /// LeaseCleanupManager with its stopwatch.
    fn start_lease_loops(
        &mut self,
        id: &str,
        now: u64,
        generation: u64,
        events: &mut Events,
    ) -> Vec<Wake> {
        self.reclaim_own_leases(id, now, events);
        let renewer = self.config.renewer_interval_ms();
        if let Some(worker) = self.workers.get_mut(id) {
            worker.next_renew_ms = now + renewer;
            worker.cleanup_stopwatch_ms = now;
            // KCL 3.x: the metrics reporter's first period starts with it, not at process start.
            if let Some(w3) = worker.kcl3.as_mut() {
                w3.period_start_ms = now;
            }
        }
        let wake = |at_ms, task| Wake {
            at_ms,
            worker: Some(id.to_string()),
            generation,
            task,
        };
        let mut loops = vec![
            wake(now + renewer, KclTask::Renew),
            wake(now, KclTask::Dispatch),
            wake(
                now + self.config.lease_cleanup_interval_millis,
                KclTask::Cleanup,
            ),
        ];
        if self.config.is_v3() {
            loops.extend(self.kcl3_loops(id, now, generation));
        } else {
            loops.insert(0, wake(now, KclTask::Take));
        }
        loops
    }

    /// A worker that restarts with the same id renews its own leases at once, even if they
    /// look expired: it picks up where it left off without waiting for the failover.
    fn reclaim_own_leases(&mut self, id: &str, now: u64, events: &mut Events) {
        let mine: Vec<(String, u64)> = self
            .table
            .rows()
            .filter(|l| l.lease_owner.as_deref() == Some(id))
            .map(|l| (l.lease_key.clone(), l.lease_counter))
            .collect();
        for (key, counter) in mine {
            let Ok(counter) = self.table.renew(&key, counter, id) else {
                continue;
            };
            // KCL 3.x: a lease a graceful shutdown left behind is held again (a new process
            // under the old id): if it moves later, it is not the one that was released.
            self.released.remove(&key);
            let Some(worker) = self.workers.get_mut(id) else {
                return;
            };
            worker.next_token += 1;
            worker.held.insert(
                key.clone(),
                Held::new(counter, now, Acquisition::Reclaimed, worker.next_token),
            );
            self.emit(events, now, |app| KclEvent::LeaseTaken {
                app,
                lease: key,
                worker: id.to_string(),
                from: Some(id.to_string()),
                counter,
                stolen: false,
                how: None,
            });
        }
    }
}
