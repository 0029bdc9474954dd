//! A KCL application: its lease table, its workers and their shard consumers.
//!
//! Each worker runs the KCL's loops on its own schedule: the renewer every
//! `failover/3 - epsilon` at a fixed rate, the taker every `2 x (failover + epsilon)` with a
//! fixed delay (first run at start), and the scheduler loop every second that starts a shard
//! consumer for each lease it holds and shuts down the consumers of leases it lost. A shard
//! consumer goes WAITING_ON_PARENT_SHARDS -> INITIALIZING -> PROCESSING (GetRecords every
//! `idleTimeBetweenReadsInMillis` through the engine, so KCL reads count against the shard's
//! limits) -> SHUTTING_DOWN -> SHUTDOWN_COMPLETE, with the reasons SHARD_END, LEASE_LOST and
//! REQUESTED.
//!
//! The application keeps the accounting a learner needs: records processed, records processed
//! more than once and why, and moments when two workers processed the same shard at once.
//!
//! The world calls [`KclApp::run`] with a due task and gets back the tasks to schedule next;
//! nothing here reads a clock.

use std::collections::{BTreeMap, BTreeSet};

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

use super::config::{CheckpointPolicy, InitialPosition, KclConfig};
use super::events::{DuplicateReason, KclEvent};
use super::table::{Checkpoint, Lease, LeaseTable};
use super::taker::{self, Acquisition, Observation, TakerSettings};
use crate::engine::metrics::Series;
use crate::engine::{
    shard_id, ChildShard, ErrorKind, IteratorStart, Kinesis, ShardIterator, Stream,
};

/// A worker's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WorkerState {
    Running,
    /// A long pause (a garbage collection): nothing runs until `until_ms`.
    Paused {
        until_ms: u64,
    },
    Dead,
}

impl WorkerState {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerState::Running => "running",
            WorkerState::Paused { .. } => "paused",
            WorkerState::Dead => "dead",
        }
    }
}

/// A lease a worker holds, as it remembers it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Held {
    counter: u64,
    /// This worker's clock at its last successful write of the lease.
    renewed_ms: u64,
    acquisition: Acquisition,
    /// A fresh token per holding, so a consumer of an earlier holding cannot act on this one.
    token: u64,
}

/// The shard consumer states of the KCL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ConsumerState {
    WaitingOnParentShards,
    Initializing,
    Processing,
    ShuttingDown,
    ShutdownComplete,
}

impl ConsumerState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumerState::WaitingOnParentShards => "WAITING_ON_PARENT_SHARDS",
            ConsumerState::Initializing => "INITIALIZING",
            ConsumerState::Processing => "PROCESSING",
            ConsumerState::ShuttingDown => "SHUTTING_DOWN",
            ConsumerState::ShutdownComplete => "SHUTDOWN_COMPLETE",
        }
    }
}

/// Why a shard consumer shut down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ShutdownReason {
    ShardEnd,
    LeaseLost,
    Requested,
}

impl ShutdownReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ShutdownReason::ShardEnd => "SHARD_END",
            ShutdownReason::LeaseLost => "LEASE_LOST",
            ShutdownReason::Requested => "REQUESTED",
        }
    }
}

/// Records handed to the record processor and not yet done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Batch {
    first_seq_ix: u64,
    last_seq_ix: u64,
    count: u64,
    last_arrival_ms: u64,
    started_ms: u64,
    done_ms: u64,
}

/// The shard consumer of one held lease.
#[derive(Clone, Debug)]
pub struct ShardConsumer {
    pub lease_key: String,
    pub shard_index: u32,
    pub state: ConsumerState,
    pub reason: Option<ShutdownReason>,
    iterator: Option<ShardIterator>,
    batch: Option<Batch>,
    /// Set once GetRecords reported the end of the shard.
    children: Option<Vec<ChildShard>>,
    /// Records processed since the last checkpoint.
    pub since_checkpoint: u64,
    last_checkpoint_ms: u64,
    /// The last processed record: (sequence index, arrival time).
    last_processed: Option<(u64, u64)>,
    pub acquisition: Acquisition,
    token: u64,
    /// The lease was lost while a batch was in flight: finishing it makes this a zombie.
    lost: bool,
    /// Whether the last read was throttled (shown in the lease view).
    pub throttled: bool,
    /// MillisBehindLatest from the last successful GetRecords: how far behind the tip of the
    /// shard this consumer is (what the KCL publishes as its MillisBehindLatest metric).
    pub millis_behind_latest: u64,
    /// Whether the missing SHARD_END checkpoint was already reported.
    warned_shard_end: bool,
}

impl ShardConsumer {
    /// Whether the record processor is working on a batch right now.
    pub fn in_flight(&self) -> bool {
        self.batch.is_some()
    }
}

/// One worker of the application.
#[derive(Clone, Debug)]
pub struct Worker {
    pub id: String,
    pub state: WorkerState,
    held: BTreeMap<String, Held>,
    observed: BTreeMap<String, Observation>,
    pub consumers: BTreeMap<String, ShardConsumer>,
    rng: Pcg64Mcg,
    generation: u64,
    next_token: u64,
    pub processed: u64,
    /// Records processed per second (the worker's throughput).
    pub throughput: Series<1>,
    /// When the renewer is next due (its fixed-rate schedule).
    next_renew_ms: u64,
}

impl Worker {
    /// Lease keys this worker holds.
    pub fn held_leases(&self) -> Vec<String> {
        self.held.keys().cloned().collect()
    }

    /// How long ago, by this worker's clock, each lease it knows was renewed or seen to change.
    pub fn ages(&self, now_ms: u64) -> BTreeMap<String, u64> {
        let mut ages: BTreeMap<String, u64> = self
            .observed
            .iter()
            .map(|(key, note)| (key.clone(), now_ms.saturating_sub(note.changed_ms)))
            .collect();
        for (key, held) in &self.held {
            ages.insert(key.clone(), now_ms.saturating_sub(held.renewed_ms));
        }
        ages
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// The work a scheduled task does.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KclTask {
    Renew,
    Take,
    Dispatch,
    Cleanup,
    /// The application's periodic shard sync (run by the first running worker).
    Sync,
    /// A shard consumer's next step.
    Step {
        lease_key: String,
        token: u64,
    },
}

/// A task to schedule: for a worker (of a generation), or for the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wake {
    pub at_ms: u64,
    pub worker: Option<String>,
    pub generation: u64,
    pub task: KclTask,
}

/// Counters for the lessons.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AppStats {
    /// Records handed to record processors and finished.
    pub processed: u64,
    /// Records processed more than once, by reason.
    pub duplicates: BTreeMap<DuplicateReason, u64>,
    /// Times two workers processed the same shard at the same time.
    pub overlaps: u64,
}

impl AppStats {
    pub fn total_duplicates(&self) -> u64 {
        self.duplicates.values().sum()
    }
}

/// One batch a record processor finished: what a property test needs to check ordering,
/// coverage and duplicates record by record. Kept only while tracing ([`KclApp::trace`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub worker: String,
    /// The holding the batch was processed under: a new one each time a worker (or a
    /// restarted worker with the same id) begins holding the lease.
    pub holding: u64,
    pub shard: u32,
    pub first_seq_ix: u64,
    pub last_seq_ix: u64,
    pub started_ms: u64,
    pub done_ms: u64,
}

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
    pub renewals: std::collections::VecDeque<(String, String, u64)>,
    /// When each lease's counter last changed and how it last changed hands, for the page.
    pub activity: LeaseActivity,
    /// Every batch processed, when a test asked for it with [`KclApp::start_tracing`]
    /// (`None` otherwise: it grows with the run).
    pub trace: Option<Vec<Delivery>>,
    /// Per-second series: records processed, MillisBehindLatest (the largest any shard
    /// consumer reported) and GetRecords calls that succeeded (a second without reads has no
    /// MillisBehindLatest, as in CloudWatch). See [`APP_SERIES`].
    pub series: Series<3>,
}

/// A lease changing hands: from whom (none for a lease nobody held), to whom, whether it was
/// stolen from a live worker, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaseMove {
    pub from: Option<String>,
    pub to: String,
    pub stolen: bool,
    pub at_ms: u64,
}

/// What the lease table view needs and the table itself does not keep: when each lease's
/// `leaseCounter` last went up (every successful write raises it), and its last move.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaseActivity {
    pub counter_changed_ms: BTreeMap<String, u64>,
    pub last_move: BTreeMap<String, LeaseMove>,
    /// How many leases each worker owns in the table, after each change of ownership (at
    /// most [`OWNERSHIP_KEPT`], oldest dropped): the leases-per-worker chart.
    pub ownership: std::collections::VecDeque<(u64, BTreeMap<String, u32>)>,
}

/// Changes of ownership remembered for the chart.
pub const OWNERSHIP_KEPT: usize = 2_000;

impl LeaseActivity {
    /// Notes what an event says about a lease.
    pub fn note(&mut self, at_ms: u64, event: &KclEvent) {
        match event {
            KclEvent::LeaseCreated { lease, .. }
            | KclEvent::LeaseRenewed { lease, .. }
            | KclEvent::Checkpointed { lease, .. } => {
                self.counter_changed_ms.insert(lease.clone(), at_ms);
            }
            KclEvent::LeaseTaken {
                lease,
                worker,
                from,
                stolen,
                ..
            } => {
                self.counter_changed_ms.insert(lease.clone(), at_ms);
                if from.as_deref() != Some(worker.as_str()) {
                    self.last_move.insert(
                        lease.clone(),
                        LeaseMove {
                            from: from.clone(),
                            to: worker.clone(),
                            stolen: *stolen,
                            at_ms,
                        },
                    );
                }
            }
            KclEvent::LeaseDeleted { lease, .. } => {
                self.counter_changed_ms.remove(lease);
                self.last_move.remove(lease);
            }
            _ => {}
        }
    }

    /// Notes who owns how many leases now, if the event changed ownership.
    pub fn note_owners(&mut self, at_ms: u64, event: &KclEvent, table: &LeaseTable) {
        if !matches!(
            event,
            KclEvent::LeaseCreated { .. }
                | KclEvent::LeaseTaken { .. }
                | KclEvent::LeaseDeleted { .. }
        ) {
            return;
        }
        let mut owners: BTreeMap<String, u32> = BTreeMap::new();
        for row in table.rows() {
            if let Some(owner) = &row.lease_owner {
                *owners.entry(owner.clone()).or_default() += 1;
            }
        }
        if self.ownership.back().map(|(_, o)| o) == Some(&owners) {
            return;
        }
        if self.ownership.len() == OWNERSHIP_KEPT {
            self.ownership.pop_front();
        }
        self.ownership.push_back((at_ms, owners));
    }
}

/// The names of [`KclApp::series`]'s counters.
pub const APP_SERIES: [&str; 3] = ["processed", "MillisBehindLatest", "reads"];

/// Per-second and per-minute periods of [`KclApp::series`] kept: 15 minutes and a day, as
/// for shards.
const SERIES_KEPT: (usize, usize) = (15 * 60, 24 * 60);

/// Renewals remembered for checks.
const RENEWALS_KEPT: usize = 10_000;

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
            renewals: std::collections::VecDeque::new(),
            series: Series::new([false, true, false]),
            activity: LeaseActivity::default(),
        })
    }

    /// The highest sequence index of `shard` that any worker finished processing.
    /// Keeps every batch processed from now on in [`KclApp::trace`].
    pub fn start_tracing(&mut self) {
        self.trace.get_or_insert_with(Vec::new);
    }

    pub fn processed_upto(&self, shard: u32) -> Option<u64> {
        self.processed_upto.get(&shard).copied()
    }

    fn settings(&self) -> TakerSettings {
        TakerSettings {
            failover_ms: self.config.failover_time_millis,
            max_leases_for_worker: self.config.max_leases_for_worker,
            max_leases_to_steal_at_one_time: self.config.max_leases_to_steal_at_one_time,
            priority_lease_assignment: self.config.enable_priority_lease_assignment,
        }
    }

    fn event(&self, events: &mut Events, now: u64, event: KclEvent) {
        events.push((now, event));
    }

    /// Starts (or restarts) worker `id` at `now`: it creates the lease table if it is empty,
    /// reclaims the leases it owns, and runs its taker at once.
    pub fn start_worker(
        &mut self,
        id: &str,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) -> Vec<Wake> {
        // Generations never repeat for an id, even after the worker was removed and one with
        // its name joined again: a task still scheduled for the old one must not run for it.
        let restarting = self.workers.contains_key(id);
        let generation = match self.workers.get(id) {
            Some(w) => w.generation + 1,
            None => self.retired.get(id).copied().unwrap_or(0),
        };
        let seed = crate::seeds::seed_for(self.seed, id);
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
        };
        if self.table.is_empty() {
            self.sync_shards(now, kinesis, events);
        }
        // A worker that restarts with the same id renews its own leases at once, even if they
        // look expired: it picks up where it left off without waiting for the failover.
        for lease in self.table.scan() {
            if lease.lease_owner.as_deref() == Some(id) {
                if let Ok(counter) = self.table.renew(&lease.lease_key, lease.lease_counter, id) {
                    worker.next_token += 1;
                    worker.held.insert(
                        lease.lease_key.clone(),
                        Held {
                            counter,
                            renewed_ms: now,
                            acquisition: Acquisition::Reclaimed,
                            token: worker.next_token,
                        },
                    );
                    self.event(
                        events,
                        now,
                        KclEvent::LeaseTaken {
                            app: self.name.clone(),
                            lease: lease.lease_key.clone(),
                            worker: id.to_string(),
                            from: Some(id.to_string()),
                            counter,
                            stolen: false,
                        },
                    );
                }
            }
        }
        let action = if restarting { "restarted" } else { "started" };
        self.event(
            events,
            now,
            KclEvent::Worker {
                app: self.name.clone(),
                worker: id.to_string(),
                action: action.to_string(),
            },
        );
        self.workers.insert(id.to_string(), worker);
        let wake = |at_ms, task| Wake {
            at_ms,
            worker: Some(id.to_string()),
            generation,
            task,
        };
        vec![
            wake(now, KclTask::Take),
            wake(now + self.config.renewer_interval_ms(), KclTask::Renew),
            wake(now, KclTask::Dispatch),
            wake(
                now + self.config.lease_cleanup_interval_millis,
                KclTask::Cleanup,
            ),
        ]
    }

    /// The application-level periodic task, first due one sync interval after creation.
    pub fn first_sync(&self, now: u64) -> Wake {
        Wake {
            at_ms: now + self.config.shard_sync_interval_millis,
            worker: None,
            generation: 0,
            task: KclTask::Sync,
        }
    }

    /// A crash: the worker stops at once, holding nothing; its leases stay in the table under
    /// its name until others see them expire.
    pub fn kill_worker(&mut self, id: &str, now: u64, events: &mut Events) -> Result<(), String> {
        let worker = self
            .workers
            .get_mut(id)
            .ok_or_else(|| format!("there is no worker {id}"))?;
        worker.state = WorkerState::Dead;
        worker.generation += 1;
        worker.held.clear();
        worker.consumers.clear();
        for workers in self.in_flight.values_mut() {
            workers.remove(id);
        }
        self.event(
            events,
            now,
            KclEvent::Worker {
                app: self.name.clone(),
                worker: id.to_string(),
                action: "killed".to_string(),
            },
        );
        Ok(())
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
        self.event(
            events,
            now,
            KclEvent::Worker {
                app: self.name.clone(),
                worker: id.to_string(),
                action: format!("paused for {duration_ms} ms"),
            },
        );
        Ok(())
    }

    /// A graceful shutdown: every shard consumer is asked to shut down (REQUESTED) and
    /// checkpoints what it processed; the worker then stops. As in KCL 2.x, its leases are
    /// not released: other workers take them when they expire.
    pub fn remove_worker(
        &mut self,
        id: &str,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) -> Result<(), String> {
        let keys: Vec<String> = self
            .workers
            .get(id)
            .ok_or_else(|| format!("there is no worker {id}"))?
            .consumers
            .keys()
            .cloned()
            .collect();
        for key in keys {
            if self.consumer_state(id, &key) == Some(ConsumerState::Processing) {
                self.checkpoint(id, &key, now, kinesis, events);
            }
            self.set_state(
                id,
                &key,
                ConsumerState::ShutdownComplete,
                Some(ShutdownReason::Requested),
                now,
                events,
            );
        }
        self.kill_worker(id, now, events)?;
        if let Some(worker) = self.workers.remove(id) {
            self.retired.insert(id.to_string(), worker.generation + 1);
        }
        self.event(
            events,
            now,
            KclEvent::Worker {
                app: self.name.clone(),
                worker: id.to_string(),
                action: "removed".to_string(),
            },
        );
        Ok(())
    }

    fn consumer_state(&self, worker: &str, key: &str) -> Option<ConsumerState> {
        self.workers
            .get(worker)?
            .consumers
            .get(key)
            .map(|c| c.state)
    }

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
            return self.run_sync(now, kinesis, events);
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
                self.event(
                    events,
                    now,
                    KclEvent::Worker {
                        app: self.name.clone(),
                        worker: id.to_string(),
                        action: "woke up".to_string(),
                    },
                );
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
            KclTask::Step { lease_key, token } => self
                .step(id, &lease_key, token, now, kinesis, events)
                .map(|at| again(at, KclTask::Step { lease_key, token }))
                .unwrap_or_default(),
            KclTask::Sync => Vec::new(),
        }
    }

    // ------------------------------------------------------------------ lease creation

    fn run_sync(&mut self, now: u64, kinesis: &Kinesis, events: &mut Events) -> Vec<Wake> {
        if self
            .workers
            .values()
            .any(|w| w.state == WorkerState::Running)
        {
            self.sync_shards(now, kinesis, events);
        }
        vec![self.first_sync(now)]
    }

    /// Creates leases for shards that need one: on an empty table, the shards at the initial
    /// position; later, open shards none of whose ancestors has a lease (descendants of leased
    /// shards get theirs when their parents reach SHARD_END).
    fn sync_shards(&mut self, now: u64, kinesis: &Kinesis, events: &mut Events) {
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
            let open_at = |t: u64| {
                stream
                    .listed_shards(now)
                    .filter(move |s| s.created_ms <= t && s.closed_ms.is_none_or(|c| c > t))
                    .map(|s| s.index)
                    .collect::<Vec<u32>>()
            };
            match self.config.initial_position {
                InitialPosition::Latest => (
                    stream.open_shards().map(|s| s.index).collect(),
                    Checkpoint::Latest,
                ),
                InitialPosition::TrimHorizon => (open_at(trim_horizon), Checkpoint::TrimHorizon),
                InitialPosition::AtTimestamp(t) => (open_at(t.min(now)), Checkpoint::AtTimestamp),
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

    fn create_lease(
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
            shard_index: index,
        };
        if self.table.create_if_absent(lease).is_ok() {
            self.event(
                events,
                now,
                KclEvent::LeaseCreated {
                    app: self.name.clone(),
                    lease: shard_id(index),
                    checkpoint: checkpoint.as_str().to_string(),
                },
            );
        }
    }

    // ------------------------------------------------------------------ renewer and taker

    fn renew(&mut self, id: &str, now: u64, events: &mut Events) {
        let failover = self.config.failover_time_millis;
        let Some(worker) = self.workers.get_mut(id) else {
            return;
        };
        let keys: Vec<String> = worker.held.keys().cloned().collect();
        let mut lost = Vec::new();
        let mut renewed = Vec::new();
        for key in keys {
            let Some(held) = worker.held.get_mut(&key) else {
                continue;
            };
            if now.saturating_sub(held.renewed_ms) > failover {
                // Self-fencing: never renew a lease its own clock says expired.
                lost.push((key, "expired by its own clock (it could not renew in time)"));
                continue;
            }
            match self.table.renew(&key, held.counter, id) {
                Ok(counter) => {
                    held.counter = counter;
                    held.renewed_ms = now;
                    renewed.push((key, counter));
                }
                Err(_) => lost.push((key, "renewal failed: another worker has taken it")),
            }
        }
        for (key, _) in &lost {
            worker.held.remove(key);
        }
        for (key, counter) in renewed {
            self.renewals.push_back((key.clone(), id.to_string(), now));
            if self.renewals.len() > RENEWALS_KEPT {
                self.renewals.pop_front();
            }
            self.event(
                events,
                now,
                KclEvent::LeaseRenewed {
                    app: self.name.clone(),
                    worker: id.to_string(),
                    lease: key,
                    counter,
                },
            );
        }
        for (key, why) in lost {
            self.event(
                events,
                now,
                KclEvent::LeaseLost {
                    app: self.name.clone(),
                    lease: key,
                    worker: id.to_string(),
                    why: why.to_string(),
                },
            );
        }
    }

    fn take(&mut self, id: &str, now: u64, kinesis: &Kinesis, events: &mut Events) {
        if self.table.is_empty() {
            self.sync_shards(now, kinesis, events);
        }
        let settings = self.settings();
        let scan = self.table.scan();
        let Some(worker) = self.workers.get_mut(id) else {
            return;
        };
        let newly_expired = taker::observe(&mut worker.observed, &scan, now, settings.failover_ms);
        let takes =
            taker::leases_to_take(id, &scan, &worker.observed, now, &settings, &mut worker.rng);
        let mut taken = Vec::new();
        for take in takes {
            if let Ok(counter) = self.table.take(&take.lease_key, take.counter, id) {
                worker.next_token += 1;
                worker.held.insert(
                    take.lease_key.clone(),
                    Held {
                        counter,
                        renewed_ms: now,
                        acquisition: take.acquisition,
                        token: worker.next_token,
                    },
                );
                taken.push((take, counter));
            }
        }
        for key in newly_expired {
            let owner = scan
                .iter()
                .find(|l| l.lease_key == key)
                .and_then(|l| l.lease_owner.clone())
                .unwrap_or_default();
            if owner != id {
                self.event(
                    events,
                    now,
                    KclEvent::LeaseExpired {
                        app: self.name.clone(),
                        lease: key,
                        owner,
                        seen_by: id.to_string(),
                    },
                );
            }
        }
        for (take, counter) in taken {
            self.event(
                events,
                now,
                KclEvent::LeaseTaken {
                    app: self.name.clone(),
                    lease: take.lease_key,
                    worker: id.to_string(),
                    from: take.previous_owner,
                    counter,
                    stolen: take.acquisition == Acquisition::Stolen,
                },
            );
        }
    }

    // ------------------------------------------------------------------ scheduler loop

    /// Starts a consumer for every held lease without one; shuts down consumers whose lease
    /// is gone.
    fn dispatch(&mut self, id: &str, now: u64, generation: u64, events: &mut Events) -> Vec<Wake> {
        let failover = self.config.failover_time_millis;
        let Some(worker) = self.workers.get_mut(id) else {
            return Vec::new();
        };
        let mut wakes = Vec::new();
        let mut started = Vec::new();
        for (key, held) in &worker.held {
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
            worker.consumers.insert(
                key.clone(),
                ShardConsumer {
                    lease_key: key.clone(),
                    shard_index: index,
                    state: ConsumerState::WaitingOnParentShards,
                    reason: None,
                    iterator: None,
                    batch: None,
                    children: None,
                    since_checkpoint: 0,
                    last_checkpoint_ms: now,
                    last_processed: None,
                    acquisition: held.acquisition,
                    token: held.token,
                    lost: false,
                    throttled: false,
                    millis_behind_latest: 0,
                    warned_shard_end: false,
                },
            );
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
            if held.is_none() && active && !consumer.lost {
                lost.push(key.clone());
            }
        }
        worker.consumers.retain(|key, c| {
            c.state != ConsumerState::ShutdownComplete
                || worker.held.get(key).is_some_and(|h| h.token == c.token)
        });
        for key in started {
            self.event(
                events,
                now,
                KclEvent::ConsumerState {
                    app: self.name.clone(),
                    lease: key,
                    worker: id.to_string(),
                    state: ConsumerState::WaitingOnParentShards.as_str(),
                    reason: None,
                },
            );
        }
        for key in lost {
            // The in-flight processRecords call is not interrupted: it finishes (a zombie),
            // and only then the consumer shuts down.
            let in_flight = self
                .workers
                .get_mut(id)
                .and_then(|w| w.consumers.get_mut(&key))
                .map(|c| {
                    c.lost = true;
                    c.batch.is_some()
                })
                .unwrap_or(false);
            if !in_flight {
                self.set_state(
                    id,
                    &key,
                    ConsumerState::ShutdownComplete,
                    Some(ShutdownReason::LeaseLost),
                    now,
                    events,
                );
            }
        }
        wakes
    }

    fn set_state(
        &mut self,
        id: &str,
        key: &str,
        state: ConsumerState,
        reason: Option<ShutdownReason>,
        now: u64,
        events: &mut Events,
    ) {
        let Some(consumer) = self
            .workers
            .get_mut(id)
            .and_then(|w| w.consumers.get_mut(key))
        else {
            return;
        };
        if consumer.state == state && consumer.reason == reason {
            return;
        }
        consumer.state = state;
        consumer.reason = reason.or(consumer.reason);
        if state == ConsumerState::ShutdownComplete {
            if let Some(workers) = self.in_flight.get_mut(&consumer.shard_index) {
                workers.remove(id);
            }
        }
        self.event(
            events,
            now,
            KclEvent::ConsumerState {
                app: self.name.clone(),
                lease: key.to_string(),
                worker: id.to_string(),
                state: state.as_str(),
                reason: reason.map(ShutdownReason::as_str),
            },
        );
    }

    // ------------------------------------------------------------------ shard consumer

    /// One step of a shard consumer; returns when it wants to run again.
    fn step(
        &mut self,
        id: &str,
        key: &str,
        token: u64,
        now: u64,
        kinesis: &mut Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let consumer = self.workers.get(id)?.consumers.get(key)?;
        if consumer.token != token {
            return None;
        }
        match consumer.state {
            ConsumerState::WaitingOnParentShards => {
                let parents = self
                    .table
                    .get(key)
                    .map(|l| l.parent_shard_ids.clone())
                    .unwrap_or_default();
                let blocked = parents.iter().any(|parent| {
                    self.table
                        .get(parent)
                        .is_some_and(|lease| lease.checkpoint != Checkpoint::ShardEnd)
                });
                if blocked {
                    return Some(now + self.config.parent_shard_poll_interval_millis);
                }
                self.set_state(id, key, ConsumerState::Initializing, None, now, events);
                Some(now)
            }
            ConsumerState::Initializing => self.initialize(id, key, now, kinesis, events),
            ConsumerState::Processing => self.process(id, key, now, kinesis, events),
            ConsumerState::ShuttingDown => self.shard_end(id, key, now, kinesis, events),
            ConsumerState::ShutdownComplete => None,
        }
    }

    fn initialize(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &mut Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let lease = self.table.get(key)?.clone();
        let start = match &lease.checkpoint {
            Checkpoint::ShardEnd => {
                self.set_state(
                    id,
                    key,
                    ConsumerState::ShutdownComplete,
                    Some(ShutdownReason::ShardEnd),
                    now,
                    events,
                );
                return None;
            }
            Checkpoint::TrimHorizon => IteratorStart::TrimHorizon,
            Checkpoint::Latest => IteratorStart::Latest,
            Checkpoint::AtTimestamp => match self.config.initial_position {
                InitialPosition::AtTimestamp(t) => IteratorStart::AtTimestamp(t.min(now)),
                _ => IteratorStart::TrimHorizon,
            },
            Checkpoint::Sequence { seq_ix, .. } => {
                let number = kinesis
                    .stream(&self.config.stream)
                    .and_then(|s| s.shards.get(lease.shard_index as usize))
                    .map(|s| s.sequence_number(*seq_ix, 0))?;
                IteratorStart::AfterSequenceNumber(number)
            }
        };
        match kinesis.get_shard_iterator(now, &self.config.stream, lease.shard_index, start) {
            Ok(answer) => {
                let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
                consumer.iterator = ShardIterator::decode(&answer.shard_iterator);
                if let Checkpoint::Sequence { seq_ix, .. } = lease.checkpoint {
                    consumer.last_processed = Some((seq_ix, 0));
                }
                self.set_state(id, key, ConsumerState::Processing, None, now, events);
                Some(now)
            }
            Err(error) if error.error_kind() == ErrorKind::ResourceNotFound => {
                // The shard is gone (expired): nothing left to process.
                self.set_state(
                    id,
                    key,
                    ConsumerState::ShutdownComplete,
                    Some(ShutdownReason::ShardEnd),
                    now,
                    events,
                );
                None
            }
            Err(_) => Some(now + self.config.task_backoff_time_millis),
        }
    }

    fn process(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &mut Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let consumer = self.workers.get(id)?.consumers.get(key)?;
        let shard = consumer.shard_index;
        // A batch in flight finishes first.
        if let Some(batch) = consumer.batch {
            if now < batch.done_ms {
                return Some(batch.done_ms);
            }
            self.finish_batch(id, key, batch, now, kinesis, events);
            let consumer = self.workers.get(id)?.consumers.get(key)?;
            if consumer.lost {
                self.fail_checkpoint(id, key, now, events);
                self.set_state(
                    id,
                    key,
                    ConsumerState::ShutdownComplete,
                    Some(ShutdownReason::LeaseLost),
                    now,
                    events,
                );
                return None;
            }
            self.maybe_checkpoint(id, key, now, kinesis, events);
            let consumer = self.workers.get(id)?.consumers.get(key)?;
            if consumer.state != ConsumerState::Processing {
                return None;
            }
            if consumer.children.is_some() {
                self.set_state(
                    id,
                    key,
                    ConsumerState::ShuttingDown,
                    Some(ShutdownReason::ShardEnd),
                    now,
                    events,
                );
                return Some(now);
            }
            let next = batch.started_ms + self.config.idle_time_between_reads_in_millis;
            return Some(next.max(now));
        }
        if consumer.lost {
            self.set_state(
                id,
                key,
                ConsumerState::ShutdownComplete,
                Some(ShutdownReason::LeaseLost),
                now,
                events,
            );
            return None;
        }
        let Some(iterator) = consumer.iterator.clone() else {
            self.set_state(id, key, ConsumerState::Initializing, None, now, events);
            return Some(now);
        };
        match kinesis.read(now, &iterator, self.config.max_records, |_| {}) {
            Ok(outcome) => {
                let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
                consumer.throttled = false;
                consumer.millis_behind_latest = outcome.millis_behind_latest;
                consumer.iterator = outcome.next.clone();
                self.series.record(
                    now,
                    &[(1, outcome.millis_behind_latest), (2, 1)],
                    SERIES_KEPT,
                );
                if outcome.next.is_none() {
                    consumer.children = Some(outcome.child_shards.clone().unwrap_or_default());
                }
                if let (Some(first), Some(last), Some(arrival)) = (
                    outcome.first_seq_ix,
                    outcome.last_seq_ix,
                    outcome.last_arrival_ms,
                ) {
                    let work_ms =
                        (outcome.count * self.config.processing_micros_per_record).div_ceil(1000);
                    let batch = Batch {
                        first_seq_ix: first,
                        last_seq_ix: last,
                        count: outcome.count,
                        last_arrival_ms: arrival,
                        started_ms: now,
                        done_ms: now + work_ms,
                    };
                    consumer.batch = Some(batch);
                    self.begin_batch(id, key, shard, now, events);
                    return Some(batch.done_ms);
                }
                if outcome.next.is_none() {
                    self.set_state(
                        id,
                        key,
                        ConsumerState::ShuttingDown,
                        Some(ShutdownReason::ShardEnd),
                        now,
                        events,
                    );
                    return Some(now);
                }
                Some(now + self.config.idle_time_between_reads_in_millis)
            }
            Err(error) => {
                let consumer = self.workers.get_mut(id)?.consumers.get_mut(key)?;
                match error.error_kind() {
                    ErrorKind::ProvisionedThroughputExceeded => {
                        consumer.throttled = true;
                        Some(now + self.config.task_backoff_time_millis)
                    }
                    ErrorKind::ExpiredIterator | ErrorKind::InvalidArgument => {
                        // Start again after the last record processed (or the checkpoint).
                        consumer.iterator = None;
                        let restart = consumer.last_processed;
                        let number = restart.and_then(|(seq_ix, _)| {
                            kinesis
                                .stream(&self.config.stream)
                                .and_then(|s| s.shards.get(shard as usize))
                                .map(|s| s.sequence_number(seq_ix, 0))
                        });
                        match number {
                            Some(number) => {
                                if let Ok(answer) = kinesis.get_shard_iterator(
                                    now,
                                    &self.config.stream,
                                    shard,
                                    IteratorStart::AfterSequenceNumber(number),
                                ) {
                                    let consumer =
                                        self.workers.get_mut(id)?.consumers.get_mut(key)?;
                                    consumer.iterator =
                                        ShardIterator::decode(&answer.shard_iterator);
                                }
                                Some(now)
                            }
                            None => {
                                self.set_state(
                                    id,
                                    key,
                                    ConsumerState::Initializing,
                                    None,
                                    now,
                                    events,
                                );
                                Some(now)
                            }
                        }
                    }
                    _ => {
                        self.set_state(
                            id,
                            key,
                            ConsumerState::ShutdownComplete,
                            Some(ShutdownReason::ShardEnd),
                            now,
                            events,
                        );
                        None
                    }
                }
            }
        }
    }

    /// Notes a batch starting; two workers processing one shard at once is an overlap.
    fn begin_batch(&mut self, id: &str, key: &str, shard: u32, now: u64, events: &mut Events) {
        let busy = self.in_flight.entry(shard).or_default();
        let others: Vec<String> = busy.iter().filter(|w| *w != id).cloned().collect();
        busy.insert(id.to_string());
        if !others.is_empty() {
            self.stats.overlaps += 1;
            let mut workers = others;
            workers.push(id.to_string());
            self.event(
                events,
                now,
                KclEvent::Overlap {
                    app: self.name.clone(),
                    lease: key.to_string(),
                    workers,
                },
            );
        }
    }

    /// The record processor finished a batch: count it, and its duplicates.
    fn finish_batch(
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
        let reason = if consumer.lost || !still_owner {
            DuplicateReason::ZombieOverlap
        } else {
            match consumer.acquisition {
                Acquisition::Stolen => DuplicateReason::Steal,
                Acquisition::Reclaimed => DuplicateReason::Restart,
                Acquisition::Expired | Acquisition::Unowned => DuplicateReason::Failover,
            }
        };
        if let Some(worker) = self.workers.get_mut(id) {
            worker.processed += batch.count;
            worker
                .throughput
                .record(now, &[(0, batch.count)], SERIES_KEPT);
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
        self.series.record(now, &[(0, batch.count)], SERIES_KEPT);
        self.processed_upto
            .insert(shard, upto.unwrap_or(0).max(batch.last_seq_ix));
        self.first_processed_ms
            .entry(shard)
            .or_insert(batch.started_ms);
        self.last_processed_ms.insert(shard, now);
        if duplicates > 0 {
            *self.stats.duplicates.entry(reason).or_default() += duplicates;
            self.event(
                events,
                now,
                KclEvent::Duplicates {
                    app: self.name.clone(),
                    lease: key.to_string(),
                    worker: id.to_string(),
                    count: duplicates,
                    reason,
                },
            );
        }
    }

    fn maybe_checkpoint(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) {
        let Some(consumer) = self.workers.get(id).and_then(|w| w.consumers.get(key)) else {
            return;
        };
        let due = match self.config.checkpoint {
            CheckpointPolicy::EachBatch => consumer.since_checkpoint > 0,
            CheckpointPolicy::EveryRecords(n) => consumer.since_checkpoint >= n.max(1),
            CheckpointPolicy::Interval(ms) => {
                consumer.since_checkpoint > 0
                    && now.saturating_sub(consumer.last_checkpoint_ms) >= ms
            }
            CheckpointPolicy::Never => false,
        };
        if due {
            self.checkpoint(id, key, now, kinesis, events);
        }
    }

    /// Checkpoints the last processed record; on failure the consumer shuts down LEASE_LOST.
    fn checkpoint(
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
        let result = held.map(|h| {
            self.table.checkpoint(
                key,
                h.counter,
                id,
                Checkpoint::Sequence {
                    seq_ix,
                    text: text.clone(),
                },
            )
        });
        match result {
            Some(Ok(counter)) => {
                if let Some(held) = worker.held.get_mut(key) {
                    held.counter = counter;
                    held.renewed_ms = now;
                }
                if let Some(consumer) = worker.consumers.get_mut(key) {
                    consumer.since_checkpoint = 0;
                    consumer.last_checkpoint_ms = now;
                }
                self.event(
                    events,
                    now,
                    KclEvent::Checkpointed {
                        app: self.name.clone(),
                        lease: key.to_string(),
                        worker: id.to_string(),
                        checkpoint: text,
                    },
                );
            }
            _ => {
                self.fail_checkpoint(id, key, now, events);
                if let Some(consumer) = self
                    .workers
                    .get_mut(id)
                    .and_then(|w| w.consumers.get_mut(key))
                {
                    consumer.lost = true;
                }
                self.set_state(
                    id,
                    key,
                    ConsumerState::ShutdownComplete,
                    Some(ShutdownReason::LeaseLost),
                    now,
                    events,
                );
            }
        }
    }

    fn fail_checkpoint(&mut self, id: &str, key: &str, now: u64, events: &mut Events) {
        self.event(events, now, KclEvent::CheckpointFailed {
            app: self.name.clone(),
            lease: key.to_string(),
            worker: id.to_string(),
            message: "ShutdownException: Can't update checkpoint - instance doesn't hold the lease for this shard".to_string(),
        });
    }

    /// SHARD_END: create the children's leases, record them, checkpoint SHARD_END.
    fn shard_end(
        &mut self,
        id: &str,
        key: &str,
        now: u64,
        kinesis: &Kinesis,
        events: &mut Events,
    ) -> Option<u64> {
        let failover = self.config.failover_time_millis;
        let worker = self.workers.get(id)?;
        let consumer = worker.consumers.get(key)?;
        let held = worker
            .held
            .get(key)
            .filter(|h| h.token == consumer.token && now.saturating_sub(h.renewed_ms) <= failover)
            .cloned();
        let Some(held) = held else {
            // No longer ours: the next owner does the shard-end work.
            self.set_state(
                id,
                key,
                ConsumerState::ShutdownComplete,
                Some(ShutdownReason::LeaseLost),
                now,
                events,
            );
            return None;
        };
        let children = consumer.children.clone().unwrap_or_default();
        if let Some(stream) = kinesis.stream(&self.config.stream) {
            for child in &children {
                if self.table.get(&child.shard_id).is_some() {
                    continue;
                }
                // A merge child is created only once both parents' leases exist (or neither).
                let parents_leased = child
                    .parent_shards
                    .iter()
                    .filter(|p| self.table.get(p).is_some())
                    .count();
                if parents_leased != child.parent_shards.len() && parents_leased != 0 {
                    continue;
                }
                if let Some(index) = crate::engine::parse_shard_id(&child.shard_id) {
                    self.create_lease(stream, index, Checkpoint::TrimHorizon, now, events);
                }
            }
        }
        let mut counter = held.counter;
        let child_ids: Vec<String> = children.iter().map(|c| c.shard_id.clone()).collect();
        if let Ok(next) = self.table.set_children(key, counter, id, child_ids) {
            counter = next;
        }
        if !self.config.checkpoint_at_shard_end {
            let consumer = self
                .workers
                .get_mut(id)
                .and_then(|w| w.consumers.get_mut(key))?;
            if !consumer.warned_shard_end {
                consumer.warned_shard_end = true;
                self.event(
                    events,
                    now,
                    KclEvent::ShardEndNotCheckpointed {
                        app: self.name.clone(),
                        lease: key.to_string(),
                        worker: id.to_string(),
                    },
                );
            }
            if let Some(held) = self.workers.get_mut(id).and_then(|w| w.held.get_mut(key)) {
                held.counter = counter;
            }
            // The KCL retries the shutdown task; the children stay blocked meanwhile.
            return Some(now + self.config.parent_shard_poll_interval_millis);
        }
        match self
            .table
            .checkpoint(key, counter, id, Checkpoint::ShardEnd)
        {
            Ok(next) => {
                if let Some(held) = self.workers.get_mut(id).and_then(|w| w.held.get_mut(key)) {
                    held.counter = next;
                    held.renewed_ms = now;
                }
                self.event(
                    events,
                    now,
                    KclEvent::Checkpointed {
                        app: self.name.clone(),
                        lease: key.to_string(),
                        worker: id.to_string(),
                        checkpoint: "SHARD_END".to_string(),
                    },
                );
                self.set_state(
                    id,
                    key,
                    ConsumerState::ShutdownComplete,
                    Some(ShutdownReason::ShardEnd),
                    now,
                    events,
                );
                None
            }
            Err(_) => {
                self.fail_checkpoint(id, key, now, events);
                self.set_state(
                    id,
                    key,
                    ConsumerState::ShutdownComplete,
                    Some(ShutdownReason::LeaseLost),
                    now,
                    events,
                );
                None
            }
        }
    }

    /// Deletes held SHARD_END leases whose children have all checkpointed and whose own
    /// parents are gone.
    fn cleanup(&mut self, id: &str, now: u64, events: &mut Events) {
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
    fn delete_lease(&mut self, key: String, counter: u64, now: u64, events: &mut Events) {
        if self.table.delete(&key, counter).is_err() {
            return;
        }
        for worker in self.workers.values_mut() {
            worker.held.remove(&key);
            worker.consumers.remove(&key);
        }
        self.event(
            events,
            now,
            KclEvent::LeaseDeleted {
                app: self.name.clone(),
                lease: key,
            },
        );
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
