//! Scenario tests: a small fleet of KCL 3.x workers driven on virtual time, with the tasks and
//! periods a real worker runs (renewer 3,308 ms, discovery 9,975 ms, leader decider + LAM every
//! 20 s with a fixed delay, metrics every 30 s, lock heartbeat every 30 s, graceful shutdown
//! check every 2 s). What they assert is what a learner would see in the lease table.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::lam::{AssignmentKind, LeaseAssignmentManager};
use super::leader::{CoordinatorState, LeaderDecider};
use super::lease_view::{self, LeaseView, RenewOutcome};
use super::metrics::{WorkerMetricStats, WorkerMetricsReporter};
use super::Kcl3Config;

/// Each lease carries this rate.
const KBPS_PER_LEASE: f64 = 10.0;

struct Worker {
    alive: bool,
    decider: LeaderDecider,
    lam: LeaseAssignmentManager,
    reporter: WorkerMetricsReporter,
    held: BTreeMap<String, LeaseView>,
    /// Leases whose handoff this worker was asked for, and when.
    shutting_down: BTreeMap<String, u64>,
    /// Whether the record processor checkpoints in `shutdownRequested`.
    checkpoints_on_shutdown_requested: bool,
    /// Next due time of each task: renew, discover, lam, report, heartbeat, shutdown check.
    due: [u64; 6],
}

/// A move the leader wrote, as a learner would read it off the table.
#[derive(Clone, Debug, PartialEq)]
struct Move {
    at_ms: u64,
    lease: String,
    from: Option<String>,
    to: String,
    kind: AssignmentKind,
}

struct Fleet {
    config: Kcl3Config,
    now_ms: u64,
    table: BTreeMap<String, LeaseView>,
    coordinator: CoordinatorState,
    metrics: BTreeMap<String, WorkerMetricStats>,
    workers: BTreeMap<String, Worker>,
    rng: Pcg64Mcg,
    moves: Vec<Move>,
    /// (time, worker, lease): a worker started processing a lease it discovered.
    starts: Vec<(u64, String, String)>,
    /// LAM runs of whichever worker led: (time, leader).
    leader_runs: Vec<(u64, String)>,
    /// (time, lease): an old owner transferred a lease at the end of a handoff.
    transfers: Vec<(u64, String)>,
    /// What each held lease costs its worker, in busy ms per second.
    busy_ms_per_lease: u64,
}

impl Fleet {
    fn new(leases: usize) -> Fleet {
        let table = (0..leases)
            .map(|i| {
                let key = format!("shardId-{i:012}");
                (key.clone(), LeaseView::new(&key))
            })
            .collect();
        Fleet {
            config: Kcl3Config::default(),
            now_ms: 0,
            table,
            coordinator: CoordinatorState::default(),
            metrics: BTreeMap::new(),
            workers: BTreeMap::new(),
            rng: Pcg64Mcg::seed_from_u64(19),
            moves: Vec::new(),
            starts: Vec::new(),
            leader_runs: Vec::new(),
            transfers: Vec::new(),
            busy_ms_per_lease: 60,
        }
    }

    /// Starts a worker now; its tasks begin at once (the LAM and reporter with no delay).
    fn start(&mut self, id: &str, background_load_pct: f64) {
        let mut reporter = WorkerMetricsReporter::new(id);
        reporter.set_background_load(background_load_pct);
        let c = &self.config;
        let decider = LeaderDecider::new(id, c.leader_lease_duration_ms, c.leader_heartbeat_ms);
        let t = self.now_ms;
        self.workers.insert(
            id.to_string(),
            Worker {
                alive: true,
                decider,
                lam: LeaseAssignmentManager::new(),
                reporter,
                held: BTreeMap::new(),
                shutting_down: BTreeMap::new(),
                checkpoints_on_shutdown_requested: true,
                due: [t, t, t, t, t + c.leader_heartbeat_ms, t],
            },
        );
    }

    fn crash(&mut self, id: &str) {
        self.workers.get_mut(id).unwrap().alive = false;
    }

    fn owner(&self, lease: &str) -> Option<&str> {
        self.table[lease].lease_owner.as_deref()
    }

    fn leases_of(&self, id: &str) -> Vec<String> {
        let owned = self
            .table
            .values()
            .filter(|l| l.lease_owner.as_deref() == Some(id));
        owned.map(|l| l.lease_key.clone()).collect()
    }

    fn leader(&self) -> Option<&str> {
        self.coordinator
            .leader
            .as_ref()
            .map(|lock| lock.owner.as_str())
    }

    /// Runs every task due up to `until_ms`, in time order (ties by worker id, then task).
    fn run_until(&mut self, until_ms: u64) {
        loop {
            let next = self
                .workers
                .iter()
                .filter(|(_, w)| w.alive)
                .flat_map(|(id, w)| w.due.iter().enumerate().map(move |(k, &t)| (t, id, k)))
                .min();
            let Some((t, id, task)) = next.map(|(t, id, k)| (t, id.clone(), k)) else {
                break;
            };
            if t > until_ms {
                break;
            }
            self.now_ms = t;
            self.run_task(&id, task);
        }
        self.now_ms = until_ms;
    }

    fn run_task(&mut self, id: &str, task: usize) {
        let c = self.config.clone();
        let now = self.now_ms;
        let w = self.workers.get_mut(id).unwrap();
        match task {
            0 => {
                w.due[0] += c.renew_interval_ms();
                for (key, held) in w.held.iter_mut() {
                    let row = self.table.get_mut(key).unwrap();
                    match lease_view::renew_lease(row, held, Some(KBPS_PER_LEASE)) {
                        RenewOutcome::Renewed => {}
                        RenewOutcome::ShutdownRequested => {
                            w.shutting_down.entry(key.clone()).or_insert(now);
                        }
                        RenewOutcome::Lost => held.lease_owner = None,
                    }
                }
                w.held.retain(|_, held| held.lease_owner.is_some());
            }
            1 => {
                w.due[1] += c.discovery_interval_ms();
                let found =
                    lease_view::discover(self.table.values(), id, |k| w.held.contains_key(k));
                for lease in found {
                    self.starts
                        .push((now, id.to_string(), lease.lease_key.clone()));
                    w.held.insert(lease.lease_key.clone(), lease);
                }
            }
            2 => {
                let is_leader = w.decider.is_leader(&mut self.coordinator, now);
                let leases: Vec<LeaseView> = self.table.values().cloned().collect();
                let metrics: Vec<WorkerMetricStats> = self.metrics.values().cloned().collect();
                let run = w
                    .lam
                    .run(is_leader, &leases, &metrics, now, &c, &mut self.rng);
                if let Some(run) = run {
                    self.leader_runs.push((now, id.to_string()));
                    for a in run.assignments {
                        let row = self.table.get_mut(&a.lease.lease_key).unwrap();
                        let written = match a.kind {
                            AssignmentKind::Assign => {
                                lease_view::assign_lease(row, &a.lease, &a.to)
                            }
                            AssignmentKind::GracefulHandoff => {
                                lease_view::initiate_graceful_lease_handoff(row, &a.lease, &a.to)
                            }
                        };
                        if written.is_ok() {
                            self.moves.push(Move {
                                at_ms: now,
                                lease: a.lease.lease_key,
                                from: a.from,
                                to: a.to,
                                kind: a.kind,
                            });
                        }
                    }
                }
                // Fixed delay: the run takes no virtual time here.
                w.due[2] = now + c.lease_assignment_interval_ms;
            }
            3 => {
                w.due[3] += c.metrics_report_ms;
                let busy = self.busy_ms_per_lease * w.held.len() as u64;
                w.reporter.sample(busy, 0, 1_000, &c);
                self.metrics
                    .insert(id.to_string(), w.reporter.report(now, &c));
            }
            4 => {
                w.due[4] += c.leader_heartbeat_ms;
                w.decider.heartbeat(&mut self.coordinator);
            }
            _ => {
                w.due[5] += c.shutdown_check_ms;
                let mut done = Vec::new();
                for (key, &asked) in &w.shutting_down {
                    let timed_out = now >= asked + c.graceful_handoff_timeout_ms;
                    if w.checkpoints_on_shutdown_requested || timed_out {
                        if let Some(held) = w.held.get(key) {
                            let row = self.table.get_mut(key).unwrap();
                            if lease_view::transfer_lease(row, held, id).is_ok() {
                                self.transfers.push((now, key.clone()));
                            }
                        }
                        done.push(key.clone());
                    }
                }
                for key in done {
                    w.shutting_down.remove(&key);
                    w.held.remove(&key);
                }
            }
        }
    }
}

/// Three workers, 6 leases; `A` is the busiest so the leader never picks it for a lease.
fn settled_fleet(loads: [f64; 3]) -> Fleet {
    let mut fleet = Fleet::new(6);
    fleet.start("L", loads[2]);
    fleet.run_until(1_000);
    fleet.start("A", loads[0]);
    fleet.run_until(2_300);
    fleet.start("B", loads[1]);
    // Settle, then stop half-way between two leader runs (at 300 s and 320 s).
    fleet.run_until(310_000);
    fleet
}

#[test]
fn a_crashed_workers_leases_are_assigned_at_the_leaders_second_run_after_the_crash() {
    let mut fleet = settled_fleet([40.0, 20.0, 20.0]);
    assert_eq!(fleet.leader(), Some("L"));
    let lost = fleet.leases_of("A");
    assert!(!lost.is_empty(), "A holds leases before the crash");
    let crash = fleet.now_ms;
    fleet.crash("A");
    fleet.run_until(crash + 120_000);
    let runs: Vec<u64> = fleet
        .leader_runs
        .iter()
        .map(|r| r.0)
        .filter(|&t| t > crash)
        .collect();
    for lease in &lost {
        let moved = fleet
            .moves
            .iter()
            .find(|m| &m.lease == lease && m.at_ms > crash)
            .unwrap();
        assert_eq!(
            moved.at_ms, runs[1],
            "{lease} moved at the second run after the crash"
        );
        let after = moved.at_ms - crash;
        assert!(
            (20_000..=40_000).contains(&after),
            "{lease} moved {after} ms after the crash"
        );
        assert_eq!(
            moved.kind,
            AssignmentKind::Assign,
            "a crash's lease is assigned, not handed off"
        );
        assert_eq!(moved.from.as_deref(), Some("A"));
        // The new owner starts it within one discovery period.
        let start = fleet
            .starts
            .iter()
            .find(|s| &s.2 == lease && s.0 > crash)
            .unwrap();
        assert!(start.0 - moved.at_ms <= 9_975);
        assert_ne!(fleet.owner(lease), Some("A"));
    }
}

#[test]
fn a_dead_worker_tied_for_room_keeps_its_leases_until_its_metrics_are_60_s_old() {
    // Equal loads: the dead worker, still "active" for 60 s, is the first candidate for its
    // own leases, and giving a lease to its holder is no assignment.
    let mut fleet = settled_fleet([20.0, 20.0, 20.0]);
    let lost = fleet.leases_of("A");
    assert!(!lost.is_empty());
    let crash = fleet.now_ms;
    let last_report = fleet.metrics["A"].lut_ms;
    fleet.crash("A");
    fleet.run_until(crash + 150_000);
    for lease in &lost {
        let moved = fleet
            .moves
            .iter()
            .find(|m| &m.lease == lease && m.at_ms > crash)
            .unwrap();
        assert!(
            moved.at_ms > last_report + 60_000,
            "{lease} moved only once A's row was stale"
        );
        assert!(moved.at_ms - crash > 40_000);
    }
}

#[test]
fn the_leaders_death_blocks_reassignment_until_its_lock_lapses_then_another_worker_leads() {
    let mut fleet = settled_fleet([20.0, 20.0, 40.0]);
    let orphaned = fleet.leases_of("L");
    assert!(!orphaned.is_empty(), "the leader holds leases too");
    let crash = fleet.now_ms;
    fleet.crash("L");
    fleet.run_until(crash + 120_000);
    assert!(
        fleet.moves.iter().all(|m| m.at_ms <= crash),
        "nothing moves while the lock holds"
    );
    assert_eq!(fleet.leader(), Some("L"));
    fleet.run_until(crash + 300_000);
    let new_leader = fleet.leader().unwrap().to_string();
    assert_ne!(new_leader, "L");
    let first_run = fleet
        .leader_runs
        .iter()
        .find(|r| r.1 == new_leader)
        .unwrap()
        .0;
    assert!(
        first_run - crash >= 120_000,
        "the lock lapsed after 120 s without a heartbeat"
    );
    for lease in &orphaned {
        let moved = fleet
            .moves
            .iter()
            .find(|m| &m.lease == lease && m.at_ms > crash)
            .unwrap();
        assert_eq!(
            moved.at_ms,
            first_run + 20_000,
            "the new leader's second run"
        );
        assert_eq!(moved.kind, AssignmentKind::Assign);
        assert!((120_000..=200_000).contains(&(moved.at_ms - crash)));
    }
}

#[test]
fn a_busy_worker_sheds_leases_by_handoff_until_its_load_is_within_the_band() {
    // A's host is 80 % busy with other work, B's 20 %; each of 20 leases costs 4 % of a core.
    let mut fleet = Fleet::new(20);
    fleet.busy_ms_per_lease = 40;
    fleet.start("A", 80.0);
    fleet.run_until(59_000);
    assert_eq!(
        fleet.leases_of("A").len(),
        20,
        "A started alone and took every lease"
    );
    fleet.start("B", 20.0);
    fleet.run_until(1_200_000);
    let (a, b) = (fleet.leases_of("A").len(), fleet.leases_of("B").len());
    // Balanced by load, not count: A (80 + 4a) and B (20 + 4b) within ±10 % of their average.
    let (load_a, load_b) = (80.0 + 4.0 * a as f64, 20.0 + 4.0 * b as f64);
    let average = (load_a + load_b) / 2.0;
    assert!(
        load_a <= average * 1.1 && load_b >= average * 0.9,
        "A {a} leases, B {b}"
    );
    assert!(b >= a + 8, "by count B holds far more: A {a}, B {b}");
    let shed: Vec<&Move> = fleet
        .moves
        .iter()
        .filter(|m| m.from.as_deref() == Some("A"))
        .collect();
    assert_eq!(shed.len(), 20 - a);
    for m in &shed {
        assert_eq!(
            m.kind,
            AssignmentKind::GracefulHandoff,
            "a planned move is a handoff"
        );
        // B starts the lease only after A checkpointed and transferred it.
        let transfer = fleet
            .transfers
            .iter()
            .find(|t| t.1 == m.lease && t.0 >= m.at_ms)
            .unwrap();
        let start = fleet
            .starts
            .iter()
            .find(|s| s.2 == m.lease && s.1 == "B")
            .unwrap();
        assert!(start.0 >= transfer.0 && start.0 - transfer.0 <= 9_975);
        assert!(
            transfer.0 - m.at_ms <= 3_308 + 2_000,
            "A learned of it at its next renewal"
        );
    }
    // Nothing moved back: a worker within the band is left alone.
    assert!(fleet.moves.iter().all(|m| m.from.as_deref() != Some("B")));
}

#[test]
fn without_a_checkpoint_in_shutdown_requested_the_transfer_is_forced_after_30_s() {
    let mut fleet = Fleet::new(20);
    fleet.busy_ms_per_lease = 40;
    fleet.start("A", 80.0);
    fleet
        .workers
        .get_mut("A")
        .unwrap()
        .checkpoints_on_shutdown_requested = false;
    fleet.run_until(59_000);
    fleet.start("B", 20.0);
    fleet.run_until(300_000);
    let shed: Vec<&Move> = fleet
        .moves
        .iter()
        .filter(|m| m.from.as_deref() == Some("A"))
        .collect();
    let mut forced = 0;
    for m in shed {
        assert_eq!(m.kind, AssignmentKind::GracefulHandoff);
        let Some(transfer) = fleet.transfers.iter().find(|t| t.1 == m.lease) else {
            continue; // still pending at the end of the run
        };
        forced += 1;
        // A learned of the request at a renewal (<= 3,308 ms), waited 30 s, and its 2 s check
        // then forced the transfer.
        let waited = transfer.0 - m.at_ms;
        assert!(
            (30_000..=30_000 + 3_308 + 2_000).contains(&waited),
            "{waited}"
        );
        let start = fleet
            .starts
            .iter()
            .find(|s| s.2 == m.lease && s.1 == "B")
            .unwrap();
        assert!(start.0 >= transfer.0);
    }
    assert!(forced >= 2, "{forced} forced transfers");
}
