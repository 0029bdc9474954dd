//! The leader's LeaseAssignmentManager run: expiry from its own scans, assignment, balancing,
//! and the decision between a plain assignment and a graceful handoff.
//!
//! Sources (LAM = K/coordinator/assignment/LeaseAssignmentManager.java, K/ =
//! `amazon-kinesis-client/src/main/java/software/amazon/kinesis/`):
//! - every worker runs the LAM every 2F (20 s) with a fixed delay, first at start (LAM:118-129);
//!   a non-leader does nothing and forgets it ever led (LAM:164-170); a worker that becomes
//!   leader starts with no history and balances on its first run (LAM:172-177, 429-432);
//! - **expiry** (LAM:390-427): at each scan the leader stamps a lease with the scan time if its
//!   `leaseCounter` rose since its previous scan; a lease it has no history for gets the scan
//!   time, or "never" when unowned. A lease is expired when more than F passed since the stamp
//!   (Lease.java:270-282); expired and unowned leases are reassigned (LAM:193-204). A crashed
//!   worker's leases are therefore reassigned at the leader's second run after the crash (20 to
//!   40 s; a little under 20 s when the crash falls just after a scan with no renewal in
//!   between, so that scan's stamp is already the last), and by a new leader at its second run;
//! - only workers whose metrics row is fresh (`lut` at most 60 s old) and not failing take part
//!   (LAM:518-544; MigrationAwareLAMDataManager.java:80, 116-117). A dead worker stays a
//!   candidate for up to 60 s, and a lease given back to its own holder is no assignment;
//! - balancing runs on every 3rd run (LAM:227-240, 296-305);
//! - **writing** (LAM:319-379): an assignment whose lease is blocked on a pending handoff is
//!   dropped; a live lease (not expired or unowned, not at SHARD_END, no handoff pending) is
//!   moved by a graceful handoff when that is enabled; anything else by assignLease;
//! - **the handoff deadline** (LAM:397-410, 627-634): the leader gives a pending handoff until
//!   now + 30 s + F from when it started or first saw it; until then it does not reassign the
//!   lease; since 3.5 an *expired* pending handoff counts as free even for its own holder
//!   (VarianceBasedLeaseAssignmentDecider.java:308-327; PR #1765);
//! - leadership is given up after 3 failed runs in a row (LAM:82, 259-273):
//!   [`LeaseAssignmentManager::run_failed`].

use std::collections::BTreeMap;

use rand::Rng;

use super::config::Kcl3Config;
use super::decider::{Decider, LeaseState};
use super::lease_view::LeaseView;
use super::metrics::WorkerMetricStats;

/// How an assignment is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AssignmentKind {
    /// assignLease: an expired or unassigned lease, or one that cannot be handed off (at
    /// SHARD_END, or its handoff deadline passed). The old owner, if alive, loses it at once.
    Assign,
    /// initiateGracefulLeaseHandoff: a live lease moved from a live worker; the old owner
    /// checkpoints before the new one starts.
    GracefulHandoff,
}

/// One decision of a run, for the integration phase to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// The lease as scanned: the conditional write expects its owners.
    pub lease: LeaseView,
    /// The worker processing it now (`actualOwner`), if any.
    pub from: Option<String>,
    pub to: String,
    pub kind: AssignmentKind,
}

/// What a leader's run decided, with the CloudWatch names of its counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LamRun {
    /// Sorted by lease key.
    pub assignments: Vec<Assignment>,
    /// `ExpiredLeases`: expired or unassigned leases at this scan.
    pub expired_leases: usize,
    /// `LeaseSpillover`: those no worker could take.
    pub lease_spillover: usize,
    /// Whether this run balanced.
    pub balanced: bool,
    /// `NumWorkers`, `TotalLeases`.
    pub num_workers: usize,
    pub total_leases: usize,
}

/// What the leader remembers of a lease from its previous scan.
#[derive(Clone, Debug, PartialEq)]
struct Seen {
    counter: u64,
    last_counter_increment_ms: Option<u64>,
    /// (leaseOwner, checkpointOwner, deadline) of a pending handoff.
    pending: Option<(Option<String>, Option<String>, u64)>,
}

/// One worker's LeaseAssignmentManager (it acts only while the worker leads).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LeaseAssignmentManager {
    previous_scan: BTreeMap<String, Seen>,
    took_over_leadership: bool,
    run_counter: u32,
    continuous_failures: u32,
}

impl LeaseAssignmentManager {
    pub fn new() -> LeaseAssignmentManager {
        LeaseAssignmentManager::default()
    }

    /// One scheduled run at `now_ms`. `None` when this worker is not the leader.
    pub fn run(
        &mut self,
        is_leader: bool,
        leases: &[LeaseView],
        metrics: &[WorkerMetricStats],
        now_ms: u64,
        config: &Kcl3Config,
        rng: &mut impl Rng,
    ) -> Option<LamRun> {
        if !is_leader {
            self.took_over_leadership = false;
            return None;
        }
        if !self.took_over_leadership {
            self.took_over_leadership = true;
            self.run_counter = 0;
            self.previous_scan.clear();
            self.continuous_failures = 0;
        }
        let mut scanned: Vec<&LeaseView> = leases.iter().collect();
        crate::sort::sort_by(&mut scanned, |a, b| a.lease_key.cmp(&b.lease_key));
        let states: Vec<LeaseState> = scanned
            .into_iter()
            .map(|lease| self.stamp(lease, now_ms, config))
            .collect();
        let active: Vec<WorkerMetricStats> = metrics
            .iter()
            .filter(|row| !row.is_expired(now_ms, config.worker_expiry_ms()))
            .filter(|row| !row.is_any_metric_failing())
            .cloned()
            .collect();
        let mut decider = Decider::new(config, states, &active);
        let expired_leases = decider
            .leases
            .iter()
            .filter(|lease| lease.expired_or_unassigned)
            .count();
        let lease_spillover = decider.assign_expired_or_unassigned();
        let balanced = self.run_counter == 0;
        self.run_counter = (self.run_counter + 1) % config.variance_balancing_frequency.max(1);
        if balanced {
            decider.balance_worker_variance(rng);
        }
        let mut assignments = Vec::new();
        for (&index, to) in &decider.new_assignments {
            let lease = &decider.leases[index];
            if lease.blocked_on_pending_checkpoint(now_ms) {
                continue;
            }
            let kind = if config.graceful_handoff_enabled && lease.eligible_for_graceful_shutdown()
            {
                AssignmentKind::GracefulHandoff
            } else {
                AssignmentKind::Assign
            };
            if kind == AssignmentKind::GracefulHandoff {
                // The handoff's deadline runs from now (LAM:355-366).
                if let Some(seen) = self.previous_scan.get_mut(&lease.view.lease_key) {
                    let deadline = now_ms + config.graceful_handoff_timeout_ms + config.failover_ms;
                    let old = lease.view.lease_owner.clone();
                    seen.pending = Some((Some(to.clone()), old, deadline));
                }
            }
            assignments.push(Assignment {
                lease: lease.view.clone(),
                from: lease.view.actual_owner().map(str::to_string),
                to: to.clone(),
                kind,
            });
        }
        Some(LamRun {
            assignments,
            expired_leases,
            lease_spillover,
            balanced,
            num_workers: active.len(),
            total_leases: leases.len(),
        })
    }

    /// A failed run (storage errors); true when the leader must release the lock.
    pub fn run_failed(&mut self) -> bool {
        self.continuous_failures += 1;
        self.continuous_failures >= 3
    }

    /// The expiry stamp and handoff deadline for one scanned lease; remembers the scan.
    fn stamp(&mut self, lease: &LeaseView, now_ms: u64, config: &Kcl3Config) -> LeaseState {
        let previous = self.previous_scan.get(&lease.lease_key);
        let last_counter_increment_ms = match previous {
            None if lease.actual_owner().is_none() => None,
            None => Some(now_ms),
            Some(seen) if lease.lease_counter > seen.counter => Some(now_ms),
            Some(seen) => seen.last_counter_increment_ms,
        };
        let pending = lease.shutdown_requested().then(|| {
            let owners = (lease.lease_owner.clone(), lease.checkpoint_owner.clone());
            let deadline = match previous.and_then(|seen| seen.pending.as_ref()) {
                Some((owner, checkpoint_owner, deadline))
                    if (owner, checkpoint_owner) == (&owners.0, &owners.1) =>
                {
                    *deadline
                }
                _ => now_ms + config.graceful_handoff_timeout_ms + config.failover_ms,
            };
            (owners.0, owners.1, deadline)
        });
        let expired = last_counter_increment_ms
            .is_none_or(|stamp| now_ms.saturating_sub(stamp) > config.failover_ms);
        let state = LeaseState {
            view: lease.clone(),
            throughput_kbps: 0.0,
            expired_or_unassigned: expired || lease.actual_owner().is_none(),
            last_counter_increment_ms,
            checkpoint_owner_timeout_ms: pending.as_ref().map(|p| p.2),
        };
        self.previous_scan.insert(
            lease.lease_key.clone(),
            Seen {
                counter: lease.lease_counter,
                last_counter_increment_ms,
                pending,
            },
        );
        state
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    use super::*;
    use crate::kcl::assignment::metrics::{CPU, CPU_OPERATING_RANGE_MAX};

    fn lease(key: &str, owner: Option<&str>, kbps: f64) -> LeaseView {
        LeaseView {
            lease_owner: owner.map(str::to_string),
            throughput_kbps: Some(kbps),
            ..LeaseView::new(key)
        }
    }

    fn cpu(wid: &str, value: f64, lut_ms: u64) -> WorkerMetricStats {
        WorkerMetricStats {
            wid: wid.to_string(),
            lut_ms,
            sts: BTreeMap::from([(CPU.to_string(), vec![value])]),
            opr: BTreeMap::from([(CPU.to_string(), vec![CPU_OPERATING_RANGE_MAX])]),
        }
    }

    fn kinds(run: &LamRun, key: &str) -> Vec<AssignmentKind> {
        let of_key = run.assignments.iter().filter(|a| a.lease.lease_key == key);
        of_key.map(|a| a.kind).collect()
    }

    #[test]
    fn a_new_leader_sees_no_owned_lease_expired_until_its_second_scan() {
        let config = Kcl3Config::default();
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let leases = vec![lease("s0", Some("dead"), 10.0), lease("s1", None, 10.0)];
        let metrics = vec![cpu("B", 30.0, 0)];
        let mut lam = LeaseAssignmentManager::new();
        let first = lam
            .run(true, &leases, &metrics, 1_000, &config, &mut rng)
            .unwrap();
        assert_eq!(first.expired_leases, 1, "only the unowned lease");
        assert_eq!(first.assignments.len(), 1);
        assert_eq!(first.assignments[0].lease.lease_key, "s1");
        let second = lam
            .run(true, &leases, &metrics, 21_000, &config, &mut rng)
            .unwrap();
        let moved: Vec<&str> = second
            .assignments
            .iter()
            .map(|a| a.lease.lease_key.as_str())
            .collect();
        assert!(moved.contains(&"s0"), "unchanged for 20 s > F: expired");
        assert_eq!(kinds(&second, "s0"), [AssignmentKind::Assign]);
        // A non-leader decides nothing, and forgets: leading again starts a fresh history.
        assert!(lam
            .run(false, &leases, &metrics, 41_000, &config, &mut rng)
            .is_none());
        let again = lam
            .run(true, &leases, &metrics, 61_000, &config, &mut rng)
            .unwrap();
        assert!(kinds(&again, "s0").is_empty());
    }

    #[test]
    fn workers_at_max_leases_are_skipped_and_the_rest_spill_over() {
        let config = Kcl3Config {
            max_leases_for_worker: 1,
            ..Kcl3Config::default()
        };
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let leases: Vec<LeaseView> = (0..4)
            .map(|i| lease(&format!("s{i}"), None, 10.0))
            .collect();
        let metrics = vec![cpu("A", 20.0, 0), cpu("B", 20.0, 0)];
        let run = LeaseAssignmentManager::new()
            .run(true, &leases, &metrics, 1_000, &config, &mut rng)
            .unwrap();
        assert_eq!((run.expired_leases, run.lease_spillover), (4, 2));
        let owners: Vec<&str> = run.assignments.iter().map(|a| a.to.as_str()).collect();
        assert_eq!(owners, ["A", "B"]);
    }

    #[test]
    fn without_metrics_the_leader_balances_throughput_with_the_t_metric() {
        let config = Kcl3Config::default();
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let leases: Vec<LeaseView> = (0..8)
            .map(|i| lease(&format!("s{i}"), Some("A"), 10.0))
            .collect();
        let metrics = vec![
            WorkerMetricStats::without_metrics("A", 0),
            WorkerMetricStats::without_metrics("B", 0),
        ];
        // T: A = 80 / 40 x 100 = 200, B = 0. A gives 80 x (200 - 100) / 200 x 60 % = 24 KBps:
        // two 10 KBps leases.
        let run = LeaseAssignmentManager::new()
            .run(true, &leases, &metrics, 1_000, &config, &mut rng)
            .unwrap();
        assert!(run.balanced);
        assert_eq!(run.assignments.len(), 2);
        for a in &run.assignments {
            assert_eq!((a.from.as_deref(), a.to.as_str()), (Some("A"), "B"));
            assert_eq!(a.kind, AssignmentKind::GracefulHandoff);
        }
    }

    #[test]
    fn leases_at_shard_end_are_never_handed_off() {
        let config = Kcl3Config::default();
        let mut moved_shard_end = 0;
        for seed in 0..20 {
            let mut rng = Pcg64Mcg::seed_from_u64(seed);
            let mut leases = vec![
                lease("live0", Some("A"), 10.0),
                lease("live1", Some("A"), 10.0),
            ];
            for key in ["ended0", "ended1"] {
                let mut ended = lease(key, Some("A"), 1.0);
                ended.at_shard_end = true;
                leases.push(ended);
            }
            leases.push(lease("other", Some("B"), 10.0));
            let metrics = vec![cpu("A", 90.0, 0), cpu("B", 10.0, 0)];
            let run = LeaseAssignmentManager::new()
                .run(true, &leases, &metrics, 1_000, &config, &mut rng)
                .unwrap();
            for a in &run.assignments {
                if a.lease.at_shard_end {
                    moved_shard_end += 1;
                    assert_eq!(a.kind, AssignmentKind::Assign, "{}", a.lease.lease_key);
                } else {
                    assert_eq!(a.kind, AssignmentKind::GracefulHandoff);
                }
            }
        }
        assert!(moved_shard_end > 0, "balancing did pick SHARD_END leases");
    }

    /// A holds only a pending handoff (leaseOwner C, checkpointOwner A); every lease is renewed
    /// (its counter is `counter`).
    fn pending_fleet(counter: u64) -> (Vec<LeaseView>, Vec<WorkerMetricStats>) {
        let mut pending = lease("p", Some("C"), 10.0);
        pending.checkpoint_owner = Some("A".into());
        let mut leases = vec![pending];
        leases.extend((0..8).map(|i| lease(&format!("c{i}"), Some("C"), 10.0)));
        for lease in &mut leases {
            lease.lease_counter = counter;
        }
        let metrics = vec![cpu("A", 90.0, 0), cpu("B", 10.0, 0), cpu("C", 50.0, 0)];
        (leases, metrics)
    }

    #[test]
    fn the_leader_leaves_a_live_pending_handoff_alone_until_now_plus_30_s_plus_f() {
        let config = Kcl3Config {
            variance_balancing_frequency: 1,
            ..Kcl3Config::default()
        };
        let mut rng = Pcg64Mcg::seed_from_u64(5);
        let mut lam = LeaseAssignmentManager::new();
        // First seen pending at 1 s: deadline 41 s. Balancing wants "p" on B each run.
        for (at, counter) in [(1_000, 1), (21_000, 7)] {
            let (leases, metrics) = pending_fleet(counter);
            let run = lam
                .run(true, &leases, &metrics, at, &config, &mut rng)
                .unwrap();
            assert!(kinds(&run, "p").is_empty(), "blocked at {at}");
        }
        let (leases, metrics) = pending_fleet(13);
        let run = lam
            .run(true, &leases, &metrics, 41_000, &config, &mut rng)
            .unwrap();
        assert_eq!(
            kinds(&run, "p"),
            [AssignmentKind::Assign],
            "forced once the deadline passed"
        );
    }

    #[test]
    fn an_expired_pending_handoff_is_free_even_for_its_checkpoint_owner() {
        // leaseOwner A died mid-handoff; checkpointOwner B restarted and skips the lease.
        let config = Kcl3Config::default();
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let mut stuck = lease("p", Some("A"), 10.0);
        stuck.checkpoint_owner = Some("B".into());
        let metrics = vec![cpu("B", 20.0, 0)];
        let mut lam = LeaseAssignmentManager::new();
        let leases = [stuck];
        assert!(lam
            .run(true, &leases, &metrics, 1_000, &config, &mut rng)
            .unwrap()
            .assignments
            .is_empty());
        let run = lam
            .run(true, &leases, &metrics, 21_000, &config, &mut rng)
            .unwrap();
        assert_eq!(run.assignments.len(), 1);
        assert_eq!(
            (run.assignments[0].to.as_str(), run.assignments[0].kind),
            ("B", AssignmentKind::Assign)
        );
    }
}
