//! KCL 3.x: what a worker runs instead of the lease taker.
//!
//! Separate from the 2.x lease coordinator because the loops differ, while the shard consumers,
//! the renewer's fencing and the accounting stay the same. The parts are pure modules under
//! `kcl::assignment` (their docs cite the Java); this file schedules them on a worker and
//! writes what they decide into the lease table, as `DynamoDBLeaseCoordinator` and the
//! `Scheduler` of KCL 3.x do in `CLIENT_VERSION_3X` mode:
//! - the leader decider and, on the leader, the LeaseAssignmentManager every 2 x failover
//!   with a fixed delay, first at start ([`KclTask::Assign`]); the lock holder heartbeats every
//!   30 s ([`KclTask::LeaderHeartbeat`]);
//! - lease discovery every assignment interval / 2 - epsilon (9,975 ms), first at start: the
//!   leases whose `leaseOwner` is this worker and that it does not hold, skipping those still
//!   pending a handoff ([`KclTask::Discover`]);
//! - the WorkerMetricStats reporter every 30 s, first 2 s after start (two 1 s samples):
//!   the simulated CPU of the period, from the time spent in `processRecords`, the records
//!   processed and the background load `kcl worker load` sets ([`KclTask::ReportMetrics`]);
//! - the LeaseGracefulShutdownHandler every 2 s ([`KclTask::ShutdownCheck`]): a lease whose
//!   renewal revealed a handoff gets its shard consumer asked to shut down (SHUTDOWN_REQUESTED,
//!   then `shutdownRequested`, then the transfer), and the transfer is forced 30 s after the
//!   renewal revealed it.
//!
//! A graceful worker shutdown (`kcl worker remove`) follows `Scheduler.createWorkerShutdownCallable`
//! (K/coordinator/Scheduler.java:1064-1110): the migration components stop (the LAM, the
//! leader decider, which releases the lock, and the metrics reporter), `stopLeaseTaker`
//! stops discovery and the graceful shutdown handler, and every shard consumer is asked to shut
//! down: its `shutdownRequested` checkpoints and the lease is dropped, or transferred if it was
//! being handed off (`attemptLeaseTransfer` moves only a lease whose `checkpointOwner` is this
//! worker). The dropped leases keep the worker's name until the leader sees them expire and
//! assigns them; the new owners start from the checkpoints written in `shutdownRequested`.

use std::collections::{BTreeMap, BTreeSet};

use super::shard_consumer::{ConsumerState, ShutdownReason};
use super::worker::{Held, KclTask, Wake};
use super::{Events, KclApp};
use crate::engine::Kinesis;
use crate::kcl::assignment::metrics::CPU;
use crate::kcl::assignment::{
    lease_view, AssignmentKind, Kcl3Config, LeaderDecider, LeaseAssignmentManager, LeaseView,
    WorkerMetricsReporter,
};
use crate::kcl::events::{KclEvent, LeaseMoveKind};
use crate::kcl::taker::Acquisition;

/// A KCL 3.x worker's own parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Worker3 {
    pub(super) decider: LeaderDecider,
    pub(super) lam: LeaseAssignmentManager,
    pub(super) reporter: WorkerMetricsReporter,
    /// Time spent in `processRecords` and records processed since the last report.
    pub(super) busy_ms: u64,
    pub(super) records: u64,
    pub(super) period_start_ms: u64,
    /// The CPU utilisation (percent) of the last report.
    pub cpu_pct: Option<f64>,
    /// Whether this worker's decider last said it leads.
    pub is_leader: bool,
    /// Leases whose renewal revealed a handoff, with when the transfer is forced.
    pub(super) pending_shutdowns: BTreeMap<String, u64>,
    /// Those whose shard consumer the handler has asked to shut down.
    pub(super) requested: BTreeSet<String>,
}

impl Worker3 {
    pub(super) fn new(id: &str, config: &Kcl3Config, background_load_pct: f64, now: u64) -> Self {
        let mut reporter = WorkerMetricsReporter::new(id);
        reporter.set_background_load(background_load_pct);
        Worker3 {
            decider: LeaderDecider::new(
                id,
                config.leader_lease_duration_ms,
                config.leader_heartbeat_ms,
            ),
            lam: LeaseAssignmentManager::new(),
            reporter,
            busy_ms: 0,
            records: 0,
            period_start_ms: now,
            cpu_pct: None,
            is_leader: false,
            pending_shutdowns: BTreeMap::new(),
            requested: BTreeSet::new(),
        }
    }

    /// The host's load besides the KCL, in percent (`kcl worker load`).
    pub fn background_load_pct(&self) -> f64 {
        self.reporter.background_load_pct
    }
}

/// What worker `id` remembers of lease `key` as a [`LeaseView`] (its in-memory lease).
pub(super) fn held_view(id: &str, key: &str, held: &Held) -> LeaseView {
    LeaseView {
        lease_owner: Some(held.handoff_to.clone().unwrap_or_else(|| id.to_string())),
        lease_counter: held.counter,
        checkpoint_owner: held.handoff_to.as_ref().map(|_| id.to_string()),
        ..LeaseView::new(key)
    }
}

impl KclApp {
    /// The 3.x loops of worker `id`, started at `at`.
    pub(super) fn kcl3_loops(&self, id: &str, at: u64, generation: u64) -> Vec<Wake> {
        let config = self.config.kcl3();
        let wake = |at_ms, task| Wake {
            at_ms,
            worker: Some(id.to_string()),
            generation,
            task,
        };
        vec![
            wake(at, KclTask::Assign),
            wake(at, KclTask::Discover),
            wake(at + 2 * config.metrics_sample_ms, KclTask::ReportMetrics),
            wake(at + config.leader_heartbeat_ms, KclTask::LeaderHeartbeat),
            wake(at + config.shutdown_check_ms, KclTask::ShutdownCheck),
        ]
    }

    /// Runs one of the 3.x tasks of worker `id`; returns its next run (none once the worker
    /// shuts down gracefully: those loops stop first).
    pub(super) fn run_kcl3_task(
        &mut self,
        id: &str,
        now: u64,
        task: KclTask,
        kinesis: &Kinesis,
        events: &mut Events,
    ) -> Vec<Wake> {
        let config = self.config.kcl3();
        let Some(generation) = self
            .workers
            .get(id)
            .filter(|w| !w.shutting_down)
            .map(|w| w.generation)
        else {
            return Vec::new();
        };
        let mut wakes = Vec::new();
        let next = match task {
            KclTask::Assign => {
                self.assign_leases(id, now, kinesis, events, &config);
                now + config.lease_assignment_interval_ms
            }
            KclTask::Discover => {
                self.discover_leases(id, now, events);
                now + config.discovery_interval_ms()
            }
            KclTask::ReportMetrics => {
                self.report_metrics(id, now, &config);
                now + config.metrics_report_ms
            }
            KclTask::LeaderHeartbeat => {
                if let Some(w3) = self.workers.get(id).and_then(|w| w.kcl3.as_ref()) {
                    w3.decider.heartbeat(&mut self.coordinator);
                }
                now + config.leader_heartbeat_ms
            }
            KclTask::ShutdownCheck => {
                wakes = self.check_graceful_shutdowns(id, now, generation, events);
                now + config.shutdown_check_ms
            }
            _ => return wakes,
        };
        wakes.push(Wake {
            at_ms: next,
            worker: Some(id.to_string()),
            generation,
            task,
        });
        wakes
    }

    /// The leader decider, then (on the leader) the LeaseAssignmentManager's run, whose
    /// assignments are written as assignLease or initiateGracefulLeaseHandoff.
    fn assign_leases(
        &mut self,
        id: &str,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
        config: &Kcl3Config,
    ) {
        if self.table.is_empty() {
            self.sync_shards(now, kinesis, events);
        }
        let views = self.table.views();
        let metrics: Vec<_> = self.worker_metrics.values().cloned().collect();
        let Some(worker) = self.workers.get_mut(id) else {
            return;
        };
        let Some(w3) = worker.kcl3.as_mut() else {
            return;
        };
        let leader = w3.decider.is_leader(&mut self.coordinator, now);
        let elected = leader && !w3.is_leader;
        w3.is_leader = leader;
        let run = w3
            .lam
            .run(leader, &views, &metrics, now, config, &mut worker.rng);
        if elected {
            self.emit(events, now, |app| KclEvent::LeaderElected {
                app,
                worker: id.to_string(),
            });
        }
        for assignment in run.map(|run| run.assignments).unwrap_or_default() {
            let key = assignment.lease.lease_key.clone();
            let written = match assignment.kind {
                AssignmentKind::Assign => self
                    .table
                    .assign_lease(&key, &assignment.lease, &assignment.to)
                    .is_ok(),
                AssignmentKind::GracefulHandoff => self
                    .table
                    .initiate_graceful_lease_handoff(&key, &assignment.lease, &assignment.to)
                    .is_ok(),
            };
            if !written {
                continue;
            }
            let how = match (&assignment.kind, &assignment.from) {
                (AssignmentKind::GracefulHandoff, _) => LeaseMoveKind::Handoff,
                (AssignmentKind::Assign, None) => LeaseMoveKind::Assignment,
                (AssignmentKind::Assign, Some(_)) if self.released.contains_key(&key) => {
                    LeaseMoveKind::Assignment
                }
                (AssignmentKind::Assign, Some(_)) => LeaseMoveKind::Crash,
            };
            if assignment.kind == AssignmentKind::Assign {
                let acquisition = match (how, &assignment.from) {
                    (_, None) => Acquisition::Unowned,
                    (LeaseMoveKind::Crash, _) => Acquisition::Expired,
                    // Let go gracefully, but with records beyond its checkpoint from a holding
                    // that expired before: those come again as after a crash.
                    _ if self.released.get(&key) == Some(&false) => Acquisition::Expired,
                    _ => Acquisition::Handoff,
                };
                self.released.remove(&key);
                self.moves
                    .insert(key.clone(), (assignment.from.clone(), how, acquisition));
            }
            self.emit(events, now, |app| KclEvent::LeaseAssigned {
                app,
                lease: key,
                from: assignment.from,
                to: assignment.to,
                how,
            });
        }
    }

    /// Lease discovery: worker `id` starts holding the leases whose `leaseOwner` is `id` and
    /// whose handoff (if any) is over; its shard consumers start at the next dispatch, from
    /// the lease's checkpoint.
    fn discover_leases(&mut self, id: &str, now: u64, events: &mut Events) {
        let views = self.table.views();
        let Some(worker) = self.workers.get(id) else {
            return;
        };
        let found = lease_view::discover(&views, id, |key| worker.held.contains_key(key));
        for lease in found {
            let key = lease.lease_key.clone();
            let (from, how, acquisition) = self.moves.remove(&key).unwrap_or((
                None,
                LeaseMoveKind::Assignment,
                Acquisition::Unowned,
            ));
            let Some(worker) = self.workers.get_mut(id) else {
                return;
            };
            worker.next_token += 1;
            let held = Held::new(lease.lease_counter, now, acquisition, worker.next_token);
            worker.held.insert(key.clone(), held);
            self.emit(events, now, |app| KclEvent::LeaseTaken {
                app,
                lease: key,
                worker: id.to_string(),
                from,
                counter: lease.lease_counter,
                stolen: false,
                how: Some(how),
            });
        }
    }

    /// The WorkerMetricStats reporter: the CPU of the period since the last report.
    fn report_metrics(&mut self, id: &str, now: u64, config: &Kcl3Config) {
        let Some(w3) = self.workers.get_mut(id).and_then(|w| w.kcl3.as_mut()) else {
            return;
        };
        let period = now.saturating_sub(w3.period_start_ms);
        w3.reporter.sample(w3.busy_ms, w3.records, period, config);
        let row = w3.reporter.report(now, config);
        w3.cpu_pct = row.sts.get(CPU).and_then(|values| values.last().copied());
        w3.busy_ms = 0;
        w3.records = 0;
        w3.period_start_ms = now;
        self.worker_metrics.insert(id.to_string(), row);
    }

    /// Notes a batch worker `id` finished, for its CPU and its lease's `throughputKBps`.
    pub(super) fn note_kcl3_batch(
        &mut self,
        id: &str,
        key: &str,
        busy_ms: u64,
        records: u64,
        bytes: u64,
    ) {
        let Some(worker) = self.workers.get_mut(id) else {
            return;
        };
        if let Some(held) = worker.held.get_mut(key) {
            held.bytes_since_renewal += bytes;
        }
        if let Some(w3) = worker.kcl3.as_mut() {
            w3.busy_ms += busy_ms;
            w3.records += records;
        }
    }

    /// `kcl worker load APP/ID PERCENT`: the host's load besides the KCL.
    pub fn set_worker_load(&mut self, id: &str, percent: f64) -> Result<(), String> {
        if !self.config.is_v3() {
            return Err(format!(
                "{} runs KCL 2.x, whose workers report no load; add it with --version 3",
                self.name
            ));
        }
        if !(0.0..=100.0).contains(&percent) {
            return Err(format!(
                "the load is a percentage from 0 to 100, not {percent}"
            ));
        }
        let worker = self
            .workers
            .get_mut(id)
            .ok_or_else(|| format!("there is no worker {id}"))?;
        worker.background_load_pct = percent;
        if let Some(w3) = worker.kcl3.as_mut() {
            w3.reporter.set_background_load(percent);
        }
        Ok(())
    }

    /// The worker named in the `Leader` lock, if any (a crashed leader stays named until
    /// another worker sees the lock lapse).
    pub fn leader(&self) -> Option<&str> {
        self.coordinator
            .leader
            .as_ref()
            .map(|lock| lock.owner.as_str())
    }

    /// A renewal of worker `id` revealed a handoff of lease `key`: the graceful shutdown
    /// handler takes it up at its next check, and forces the transfer after the timeout.
    pub(super) fn handoff_revealed(&mut self, id: &str, key: &str, now: u64) {
        let timeout = self.config.kcl3().graceful_handoff_timeout_ms;
        if let Some(w3) = self.workers.get_mut(id).and_then(|w| w.kcl3.as_mut()) {
            w3.pending_shutdowns
                .entry(key.to_string())
                .or_insert(now + timeout);
        }
    }

    /// The LeaseGracefulShutdownHandler's check; returns the shard consumers' steps to run.
    fn check_graceful_shutdowns(
        &mut self,
        id: &str,
        now: u64,
        generation: u64,
        events: &mut Events,
    ) -> Vec<Wake> {
        let mut wakes = Vec::new();
        let Some(w3) = self.workers.get(id).and_then(|w| w.kcl3.as_ref()) else {
            return wakes;
        };
        let pending: Vec<(String, u64, bool)> = w3
            .pending_shutdowns
            .iter()
            .map(|(key, deadline)| (key.clone(), *deadline, w3.requested.contains(key)))
            .collect();
        for (key, deadline, requested) in pending {
            let held = self
                .workers
                .get(id)
                .is_some_and(|w| w.held.contains_key(&key));
            if !held {
                self.forget_handoff(id, &key);
                continue;
            }
            if now >= deadline {
                // Forced: the processor has not finished; the consumer goes LEASE_LOST.
                self.transfer_handoff(id, &key, now, true, events);
                if let Some(consumer) = self
                    .workers
                    .get_mut(id)
                    .and_then(|w| w.consumers.get_mut(&key))
                {
                    consumer.lease_lost = true;
                }
                continue;
            }
            if requested {
                continue;
            }
            if let Some(w3) = self.workers.get_mut(id).and_then(|w| w.kcl3.as_mut()) {
                w3.requested.insert(key.clone());
            }
            let consumer = self.workers.get(id).and_then(|w| w.consumers.get(&key));
            let state = consumer.map(|c| c.state);
            let ask = consumer.is_some_and(|c| c.has_processor_to_ask());
            match state {
                // PROCESSING, or back in INITIALIZING with records processed (its iterator or
                // stream consumer gone): the processor checkpoints in shutdownRequested.
                Some(ConsumerState::Processing | ConsumerState::Initializing) if ask => {
                    self.request_shutdown(id, &key, now, events);
                    // The next step, once the batch in flight (if any) is done, calls
                    // shutdownRequested.
                    let consumer = self.workers.get(id).and_then(|w| w.consumers.get(&key));
                    if let Some(consumer) = consumer.filter(|c| !c.in_flight()) {
                        wakes.push(Wake {
                            at_ms: now,
                            worker: Some(id.to_string()),
                            generation,
                            task: KclTask::Step {
                                lease_key: key.clone(),
                                token: consumer.token,
                            },
                        });
                    }
                }
                Some(
                    ConsumerState::ShutdownRequested
                    | ConsumerState::ShuttingDown
                    | ConsumerState::ShutdownComplete,
                ) => {}
                // No record processor to ask yet: the lease goes over at once.
                state => {
                    self.transfer_handoff(id, &key, now, false, events);
                    if state.is_some() {
                        self.shut_down(id, &key, ShutdownReason::LeaseLost, now, events);
                    }
                }
            }
        }
        wakes
    }

    fn forget_handoff(&mut self, id: &str, key: &str) {
        if let Some(w3) = self.workers.get_mut(id).and_then(|w| w.kcl3.as_mut()) {
            w3.pending_shutdowns.remove(key);
            w3.requested.remove(key);
        }
    }

    /// The end of a handoff of lease `key` by its old owner `id` (`attemptLeaseTransfer`):
    /// assignLease to the new `leaseOwner`, `checkpointOwner` removed; the worker stops
    /// holding the lease. False if `id` was not handing the lease off.
    pub(super) fn transfer_handoff(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        forced: bool,
        events: &mut Events,
    ) -> bool {
        let Some(held) = self.workers.get(id).and_then(|w| w.held.get(key)) else {
            return false;
        };
        let Some(to) = held.handoff_to.clone() else {
            return false;
        };
        let view = held_view(id, key, held);
        let transferred = self.table.transfer_lease(key, &view, id).is_ok();
        if let Some(worker) = self.workers.get_mut(id) {
            worker.held.remove(key);
        }
        self.forget_handoff(id, key);
        if transferred {
            self.moves.insert(
                key.to_string(),
                (
                    Some(id.to_string()),
                    LeaseMoveKind::Handoff,
                    Acquisition::Handoff,
                ),
            );
            self.emit(events, now, |app| KclEvent::LeaseTransferred {
                app,
                lease: key.to_string(),
                from: id.to_string(),
                to,
                forced,
            });
        }
        true
    }
}
