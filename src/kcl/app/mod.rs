//! A KCL application: its lease table, its workers and their shard consumers.
//!
//! Each worker runs the KCL's loops on its own schedule, from the moment its start-up is done
//! (a random few seconds, and on an empty lease table a random 1 to 30 s wait first): the
//! renewer every `failover/3 - epsilon` at a fixed rate, the taker every
//! `2 x (failover + epsilon)` with a fixed delay (first run at once), the LeaseCleanupManager
//! every minute, and the scheduler loop every second that starts a shard consumer for each
//! lease it holds and shuts down the consumers of leases it lost. A shard consumer goes
//! WAITING_ON_PARENT_SHARDS -> INITIALIZING -> PROCESSING (GetRecords every
//! `idleTimeBetweenReadsInMillis` through the engine, or a SubscribeToShard with enhanced
//! fan-out) -> SHUTTING_DOWN -> SHUTDOWN_COMPLETE, with the reasons SHARD_END and LEASE_LOST,
//! and through SHUTDOWN_REQUESTED first (reason REQUESTED) on a graceful shutdown.
//!
//! The application keeps the accounting a learner needs: records processed, records processed
//! more than once and why, and moments when two workers processed the same shard at once.
//!
//! The world calls [`KclApp::run`] with a due task and gets back the tasks to schedule next;
//! nothing here reads a clock.
//!
//! This file holds the application itself and the lifecycle of its workers (start, kill,
//! pause, remove) and routes each due task to the part of the KCL that runs it, one file each
//! (`impl KclApp` blocks in child modules, so the private state stays private to the app):
//! - `worker.rs`: a worker, the leases it holds, and the tasks scheduled for it;
//! - `startup.rs`: a worker's start: the Scheduler's initialization, the wait on an empty
//!   lease table, the reclaim of its own leases, the start of its loops;
//! - `lease_coordinator.rs`: the LeaseRenewer and the driving of the LeaseTaker (whose choice
//!   is `kcl/taker.rs`);
//! - `lease_assignment.rs`: under KCL 3.x, instead of the taker, the leader decider and
//!   LeaseAssignmentManager, lease discovery, the metrics reporter and the graceful handoff
//!   (whose parts are `kcl/assignment/`);
//! - `lease_cleanup.rs`: the LeaseCleanupManager, and the one way a lease is deleted;
//! - `shard_sync.rs`: the HierarchicalShardSyncer, which creates leases for new shards;
//! - `scheduler.rs`: the Scheduler's loop, which starts and stops shard consumers;
//! - `graceful_shutdown.rs`: `kcl worker remove`, SHUTDOWN_REQUESTED and `shutdownRequested`;
//! - `shard_consumer.rs`: the ShardConsumer's state machine;
//! - `fan_out.rs`: its enhanced fan-out retrieval (SubscribeToShard instead of GetRecords);
//! - `record_processor.rs`: the record processor's batches and its checkpoints;
//! - `activity.rs`: the accounting (counters, traces, series, lease moves).

mod activity;
mod fan_out;
mod graceful_shutdown;
mod lease_assignment;
mod lease_cleanup;
mod lease_coordinator;
mod record_processor;
mod scheduler;
mod shard_consumer;
mod shard_sync;
mod startup;
mod worker;

pub use activity::{
    AppSeries, AppStats, Delivery, LeaseActivity, LeaseMove, APP_SERIES, OWNERSHIP_KEPT,
    WORKER_PROCESSED,
};
pub use fan_out::FanOutWaiting;
pub use lease_assignment::Worker3;
pub use shard_consumer::{ConsumerState, ShardConsumer, ShutdownReason};
pub use worker::{KclTask, Wake, Worker, WorkerState};

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::assignment::{CoordinatorState, WorkerMetricStats};
use super::config::KclConfig;
use super::events::{KclEvent, LeaseMoveKind, WorkerAction};
use super::table::LeaseTable;
use super::taker::Acquisition;
use crate::engine::metrics::Series;
use crate::engine::Kinesis;
use crate::order::DeliveryOrder;
use crate::sim::latency::DeliveryLatency;

/// One KCL application consuming one stream.
#[derive(Clone, Debug)]
pub struct KclApp {
    pub name: String,
    pub config: KclConfig,
    pub table: LeaseTable,
    pub workers: BTreeMap<String, Worker>,
    pub stats: AppStats,
    seed: u64,
    /// Per shard: the highest sequence index any worker finished processing.
    processed_upto: BTreeMap<u32, u64>,
    /// The next generation for the id of each removed worker.
    retired: BTreeMap<String, u64>,
    /// Per shard: workers with a batch in flight, to detect overlaps.
    in_flight: BTreeMap<u32, BTreeSet<String>>,
    /// Per shard: when its first and last records were processed (for ordering checks).
    pub first_processed_ms: BTreeMap<u32, u64>,
    pub last_processed_ms: BTreeMap<u32, u64>,
    /// Renewals made, as (lease, worker, time), for checking that no two live workers hold
    /// one lease at once. Bounded to the most recent.
    pub renewals: VecDeque<(String, String, u64)>,
    /// When each lease's counter last changed and how it last changed hands, for the page.
    pub activity: LeaseActivity,
    /// Every batch processed, when a test asked for it with [`KclApp::start_tracing`]
    /// (`None` otherwise: it grows with the run).
    pub trace: Option<Vec<Delivery>>,
    /// Per-second series: records processed, MillisBehindLatest (the largest any shard
    /// consumer reported) and GetRecords calls that succeeded (a second without reads has no
    /// MillisBehindLatest, as in CloudWatch), records delivered to the record processors and
    /// the sum of their delivery latencies. See [`APP_SERIES`].
    pub series: Series<5>,
    /// How long after their puts records reached the record processors (every batch handed
    /// to `processRecords`, duplicates included).
    pub latency: DeliveryLatency,
    /// The order its record processors got records in, for `order_violations`: one for the
    /// application, since the order that matters is the order it processed a key's records.
    pub order: DeliveryOrder,
    /// KCL 3.x: `<app>-CoordinatorState` (the `Leader` lock).
    pub coordinator: CoordinatorState,
    /// KCL 3.x: `<app>-WorkerMetricStats`, by worker id.
    pub worker_metrics: BTreeMap<String, WorkerMetricStats>,
    /// KCL 3.x: per lease, how the leader (or a handoff) last moved it, until its new owner
    /// discovers it: (from, how, the new holding's acquisition).
    moves: BTreeMap<String, (Option<String>, LeaseMoveKind, Acquisition)>,
    /// KCL 3.x: leases a worker dropped in its graceful shutdown, until the leader assigns
    /// them, each with whether its checkpoint then covered every record processed of its
    /// shard (if not, what lies beyond was lost earlier, with a lease that expired, and comes
    /// again as after a crash, whatever the wording of the move).
    released: BTreeMap<String, bool>,
}

/// What the application reports, each event with the time it happened.
type Events = Vec<(u64, KclEvent)>;

impl KclApp {
    pub fn new(name: &str, config: KclConfig, seed: u64) -> Result<Self, String> {
        config.validate()?;
        Ok(KclApp {
            name: name.to_string(),
            config,
            table: LeaseTable::default(),
            workers: BTreeMap::new(),
            stats: AppStats::default(),
            seed,
            processed_upto: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            trace: None,
            retired: BTreeMap::new(),
            first_processed_ms: BTreeMap::new(),
            last_processed_ms: BTreeMap::new(),
            renewals: VecDeque::new(),
            series: Series::new(AppSeries::ALL.map(AppSeries::is_maximum)),
            latency: DeliveryLatency::default(),
            activity: LeaseActivity::default(),
            order: DeliveryOrder::default(),
            coordinator: CoordinatorState::default(),
            worker_metrics: BTreeMap::new(),
            moves: BTreeMap::new(),
            released: BTreeMap::new(),
        })
    }

    /// Keeps every batch processed from now on in [`KclApp::trace`].
    pub fn start_tracing(&mut self) {
        self.trace.get_or_insert_with(Vec::new);
    }

    /// The highest sequence index of `shard` that any worker finished processing.
    pub fn processed_upto(&self, shard: u32) -> Option<u64> {
        self.processed_upto.get(&shard).copied()
    }

    /// Reports an event of this application at `now`: every event is stamped here with the
    /// application's name (the closure is given it) and the time.
    fn emit(&self, events: &mut Events, now: u64, event: impl FnOnce(String) -> KclEvent) {
        events.push((now, event(self.name.clone())));
    }

    /// Reports what happened to worker `id`.
    fn emit_worker(&self, events: &mut Events, now: u64, id: &str, action: WorkerAction) {
        self.emit(events, now, |app| KclEvent::Worker {
            app,
            worker: id.to_string(),
            action,
        });
    }

    // ------------------------------------------------------------------ worker lifecycle

    /// A crash: the worker stops at once, holding nothing; its leases stay in the table under
    /// its name until others see them expire.
    pub fn kill_worker(&mut self, id: &str, now: u64, events: &mut Events) -> Result<(), String> {
        if !self.workers.contains_key(id) {
            return Err(format!("there is no worker {id}"));
        }
        self.stop_worker(id);
        self.emit_worker(events, now, id, WorkerAction::Killed);
        Ok(())
    }

    /// Stops worker `id` at once: dead, holding nothing, its scheduled tasks void.
    fn stop_worker(&mut self, id: &str) {
        if let Some(worker) = self.workers.get_mut(id) {
            worker.state = WorkerState::Dead;
            worker.generation += 1;
            worker.held.clear();
            worker.consumers.clear();
        }
        for workers in self.in_flight.values_mut() {
            workers.remove(id);
        }
    }

    /// A long pause (a GC pause): nothing of the worker runs until it wakes.
    pub fn pause_worker(
        &mut self,
        id: &str,
        now: u64,
        duration_ms: u64,
        events: &mut Events,
    ) -> Result<(), String> {
        let worker = self
            .workers
            .get_mut(id)
            .filter(|w| w.state != WorkerState::Dead)
            .ok_or_else(|| format!("there is no running worker {id}"))?;
        worker.state = WorkerState::Paused {
            until_ms: now.saturating_add(duration_ms),
        };
        self.emit_worker(
            events,
            now,
            id,
            WorkerAction::Paused {
                for_ms: duration_ms,
            },
        );
        Ok(())
    }

    pub(super) fn consumer_state(&self, worker: &str, key: &str) -> Option<ConsumerState> {
        self.workers
            .get(worker)?
            .consumers
            .get(key)
            .map(|c| c.state)
    }

    // ------------------------------------------------------------------ running tasks

    /// Runs one due task. Returns what to schedule next.
    pub fn run(
        &mut self,
        now: u64,
        worker: Option<&str>,
        generation: u64,
        task: KclTask,
        kinesis: &mut Kinesis,
        events: &mut Events,
    ) -> Vec<Wake> {
        let Some(id) = worker else {
            return self.run_shard_sync(now, kinesis, events);
        };
        let Some(state) = self
            .workers
            .get(id)
            .filter(|w| w.generation == generation)
            .map(|w| w.state)
        else {
            return Vec::new(); // a task of a worker that has since died or restarted
        };
        match state {
            WorkerState::Dead => return Vec::new(),
            WorkerState::Paused { until_ms } if now < until_ms => {
                // Frozen: the task runs when the worker wakes.
                return vec![Wake {
                    at_ms: until_ms,
                    worker: Some(id.to_string()),
                    generation,
                    task,
                }];
            }
            WorkerState::Paused { .. } => {
                if let Some(worker) = self.workers.get_mut(id) {
                    worker.state = WorkerState::Running;
                }
                self.emit_worker(events, now, id, WorkerAction::WokeUp);
            }
            WorkerState::Running => {}
        }
        let again = |at_ms: u64, task: KclTask| {
            vec![Wake {
                at_ms,
                worker: Some(id.to_string()),
                generation,
                task,
            }]
        };
        match task {
            KclTask::Initialize => self.initialize_worker(id, now, generation, events),
            KclTask::WaitForLeaseTable { until_ms } => {
                self.wait_for_lease_table(id, now, generation, until_ms, kinesis, events)
            }
            KclTask::Renew => {
                self.renew(id, now, events);
                let next = self.workers.get_mut(id).map_or(now, |w| {
                    w.next_renew_ms =
                        (w.next_renew_ms + self.config.renewer_interval_ms()).max(now + 1);
                    w.next_renew_ms
                });
                again(next, KclTask::Renew)
            }
            KclTask::Take => {
                // A worker shutting down gracefully has stopped its lease taker.
                if self.workers.get(id).is_some_and(|w| w.shutting_down) {
                    return Vec::new();
                }
                self.take(id, now, kinesis, events);
                again(now + self.config.taker_interval_ms(), KclTask::Take)
            }
            KclTask::Dispatch => {
                let mut wakes = self.dispatch(id, now, generation, events);
                wakes.extend(again(
                    now + self.config.shard_consumer_dispatch_poll_interval_millis,
                    KclTask::Dispatch,
                ));
                wakes
            }
            KclTask::Cleanup => {
                self.cleanup(id, now, events);
                again(
                    now + self.config.lease_cleanup_interval_millis,
                    KclTask::Cleanup,
                )
            }
            KclTask::Assign
            | KclTask::Discover
            | KclTask::ReportMetrics
            | KclTask::LeaderHeartbeat
            | KclTask::ShutdownCheck => self.run_kcl3_task(id, now, task, kinesis, events),
            KclTask::Step { lease_key, token } => self
                .step(id, &lease_key, token, now, kinesis, events)
                .map(|at| again(at, KclTask::Step { lease_key, token }))
                .unwrap_or_default(),
            KclTask::Sync => Vec::new(),
        }
    }
}
