//! Who gets which lease: KCL 3.x's `VarianceBasedLeaseAssignmentDecider`, over the leader's
//! in-memory view of one scan (`LeaseAssignmentManager.InMemoryStorageView`).
//!
//! Sources (K/ = `amazon-kinesis-client/src/main/java/software/amazon/kinesis/`, VBD =
//! K/coordinator/assignment/VarianceBasedLeaseAssignmentDecider.java, LAM =
//! K/coordinator/assignment/LeaseAssignmentManager.java, WMS = K/worker/metricstats/
//! WorkerMetricStats.java):
//! - **the view** (LAM:518-579): a lease without `throughputKBps` counts as the average
//!   lease; the target throughput per worker is that average × leases ÷ active workers; a worker
//!   without metrics gets "T" = its assigned throughput ÷ the target × 100, range 100
//!   (LAM:586-598);
//! - **room** (WMS:332-348): a worker's room is (fleet average − value) ÷ value, 1 for an idle
//!   worker, the smallest over its metrics; the most room is served first (VBD:74-78). Java's
//!   heap leaves ties in no set order; the model breaks them by worker id;
//! - **expired and unassigned leases** (VBD:107-125), oldest first, each to the worker with the
//!   most room, skipping workers at `maxThroughputPerHostKBps` or `maxLeasesForWorker`
//!   (VBD:96-105; LAM:604-620). Giving a lease to the worker that already holds it is no
//!   assignment (VBD:320-327), unless it is an expired pending handoff (3.5, PR #1765);
//! - each assignment raises the receiver's values as if the lease's share of the average load
//!   had arrived (WMS:258-284); the giver's values are not lowered;
//! - **balancing** (VBD:127-289), per metric: if any worker is outside ±10 % of the average or
//!   above its operating range, take from the workers at or above the upper limit (or else the
//!   busiest) throughput × (value − avg) ÷ value × 60 %, in random leases that fit the amount,
//!   the smallest lease when overshoot is allowed and none fits (VBD:358-385); stop for that
//!   giver when the receiver would go above the average or its range (WMS:286-306); that
//!   receiver, already taken out of the queue, gets nothing more in this run (VBD:271-281).
//!   The extrapolation is coarse (a lease adds avg × its throughput ÷ target throughput), so
//!   with few, heavy leases balancing can stop short of the band.

use std::collections::{BTreeMap, BTreeSet};

use rand::seq::SliceRandom;
use rand::Rng;

use super::config::Kcl3Config;
use super::lease_view::LeaseView;
use super::metrics::{WorkerMetricStats, THROUGHPUT};

/// One lease as the leader sees it in this run.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaseState {
    pub view: LeaseView,
    /// `throughputKBps`, or the average lease's when the row has none.
    pub throughput_kbps: f64,
    /// Marked for direct reassignment: expired by the leader's clock, or without an owner.
    pub expired_or_unassigned: bool,
    /// The leader's scan time when it last saw the counter rise (`None`: never, oldest).
    pub last_counter_increment_ms: Option<u64>,
    /// The leader's deadline for a pending handoff.
    pub checkpoint_owner_timeout_ms: Option<u64>,
}

impl LeaseState {
    /// `blockedOnPendingCheckpoint` (Lease.java:302-309).
    pub fn blocked_on_pending_checkpoint(&self, now_ms: u64) -> bool {
        !(self.expired_or_unassigned
            || self.view.at_shard_end
            || !self.view.shutdown_requested()
            || self
                .checkpoint_owner_timeout_ms
                .is_none_or(|deadline| now_ms >= deadline))
    }

    /// `isEligibleForGracefulShutdown` (Lease.java:319-321).
    pub fn eligible_for_graceful_shutdown(&self) -> bool {
        !self.expired_or_unassigned && !self.view.at_shard_end && !self.view.shutdown_requested()
    }
}

/// A worker's load as the decider tracks it through the run.
#[derive(Clone, Debug, PartialEq)]
struct WorkerLoad {
    wid: String,
    /// Metric -> current value (the EMA, raised by assignments in this run).
    values: BTreeMap<String, f64>,
    /// Metric -> operating range maximum.
    range_max: BTreeMap<String, f64>,
}

/// The decider and its view; [`Decider::new_assignments`] is the result.
pub struct Decider<'a> {
    config: &'a Kcl3Config,
    pub leases: Vec<LeaseState>,
    by_worker: BTreeMap<Option<String>, BTreeSet<usize>>,
    throughput: BTreeMap<Option<String>, f64>,
    workers: BTreeMap<String, WorkerLoad>,
    fleet_average: BTreeMap<String, f64>,
    target_average_throughput: f64,
    target_leases_per_worker: usize,
    /// Workers that may still receive leases (Java's priority queue).
    assignable: BTreeSet<String>,
    /// Lease index -> new owner, the last decision for a lease wins.
    pub new_assignments: BTreeMap<usize, String>,
}

impl<'a> Decider<'a> {
    /// Builds the view from the scanned leases (already stamped) and the active workers.
    pub fn new(
        config: &'a Kcl3Config,
        mut leases: Vec<LeaseState>,
        active: &[WorkerMetricStats],
    ) -> Decider<'a> {
        let known: Vec<f64> = leases
            .iter()
            .filter_map(|lease| lease.view.throughput_kbps)
            .collect();
        let average_lease = if known.is_empty() {
            0.0
        } else {
            known.iter().sum::<f64>() / known.len() as f64
        };
        let target_average_throughput =
            average_lease * leases.len() as f64 / active.len().max(1) as f64;
        let mut by_worker: BTreeMap<Option<String>, BTreeSet<usize>> = BTreeMap::new();
        let mut throughput: BTreeMap<Option<String>, f64> = BTreeMap::new();
        for (index, lease) in leases.iter_mut().enumerate() {
            lease.throughput_kbps = lease.view.throughput_kbps.unwrap_or(average_lease);
            let owner = lease.view.actual_owner().map(str::to_string);
            by_worker.entry(owner.clone()).or_default().insert(index);
            *throughput.entry(owner).or_default() += lease.throughput_kbps;
        }
        let mut workers = BTreeMap::new();
        for row in active {
            let mut load = WorkerLoad {
                wid: row.wid.clone(),
                values: BTreeMap::new(),
                range_max: BTreeMap::new(),
            };
            if row.is_using_default_metric() {
                let assigned = throughput
                    .get(&Some(row.wid.clone()))
                    .copied()
                    .unwrap_or(0.0);
                let ratio = if target_average_throughput > 0.0 {
                    assigned / target_average_throughput
                } else {
                    0.0
                };
                load.values.insert(THROUGHPUT.to_string(), ratio * 100.0);
                load.range_max.insert(THROUGHPUT.to_string(), 100.0);
            } else {
                for name in row.sts.keys() {
                    load.values
                        .insert(name.clone(), row.metric_stat(name, config.ema_alpha));
                    let max = row.opr.get(name).and_then(|r| r.first()).copied();
                    load.range_max
                        .insert(name.clone(), max.map_or(f64::INFINITY, |m| m as f64));
                }
            }
            workers.insert(row.wid.clone(), load);
        }
        let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
        for load in workers.values() {
            for (name, value) in &load.values {
                let entry = sums.entry(name.clone()).or_default();
                entry.0 += value;
                entry.1 += 1;
            }
        }
        let fleet_average = sums
            .into_iter()
            .map(|(name, (sum, n))| (name, sum / n as f64))
            .collect();
        let target_leases_per_worker = (leases.len() / workers.len().max(1)).max(1);
        let mut decider = Decider {
            config,
            leases,
            by_worker,
            throughput,
            workers,
            fleet_average,
            target_average_throughput,
            target_leases_per_worker,
            assignable: BTreeSet::new(),
            new_assignments: BTreeMap::new(),
        };
        decider.assignable = decider
            .workers
            .keys()
            .filter(|wid| decider.has_capacity(wid))
            .cloned()
            .collect();
        decider
    }

    fn has_capacity(&self, wid: &str) -> bool {
        let key = Some(wid.to_string());
        let throughput = self.throughput.get(&key).copied().unwrap_or(0.0);
        let leases = self.by_worker.get(&key).map_or(0, BTreeSet::len);
        throughput <= self.config.max_throughput_per_host_kbps
            && leases < self.config.max_leases_for_worker
    }

    /// `computePercentageToReachAverage`.
    fn room(&self, wid: &str) -> f64 {
        let load = &self.workers[wid];
        load.values
            .iter()
            .map(|(name, &value)| {
                if value == 0.0 {
                    1.0
                } else {
                    (self.fleet_average[name] - value) / value
                }
            })
            .fold(f64::MAX, f64::min)
    }

    /// Takes the worker with the most room out of the queue.
    fn poll(&mut self) -> Option<String> {
        let best = self
            .assignable
            .iter()
            .map(|wid| (self.room(wid), wid))
            .fold(None::<(f64, &String)>, |best, (room, wid)| match best {
                Some((best_room, _)) if best_room >= room => best,
                _ => Some((room, wid)),
            })
            .map(|(_, wid)| wid.clone())?;
        self.assignable.remove(&best);
        Some(best)
    }

    /// A metric's value after adding `added_kbps` (`extrapolateMetricsValue`).
    fn extrapolated(&self, value: f64, fleet_average: f64, added_kbps: f64) -> f64 {
        if self.target_average_throughput > 0.0 {
            value + added_kbps * fleet_average / self.target_average_throughput
        } else {
            value + fleet_average / self.target_leases_per_worker as f64
        }
    }

    fn would_go_above_average_or_range(&self, wid: &str, added_kbps: f64) -> bool {
        let load = &self.workers[wid];
        load.values.iter().any(|(name, &value)| {
            let average = self.fleet_average[name];
            let after = self.extrapolated(value, average, added_kbps);
            after > average || after > load.range_max[name]
        })
    }

    fn assign(&mut self, index: usize, wid: String, expired: bool) {
        let lease = &self.leases[index];
        let pending_expired = expired && lease.view.shutdown_requested();
        let owner = lease.view.actual_owner().map(str::to_string);
        if !pending_expired && owner.as_deref() == Some(wid.as_str()) {
            self.assignable.insert(wid);
            return;
        }
        let added = lease.throughput_kbps;
        let averages = self.fleet_average.clone();
        let target = self.target_average_throughput;
        let per_worker = self.target_leases_per_worker as f64;
        if let Some(load) = self.workers.get_mut(&wid) {
            for (name, value) in load.values.iter_mut() {
                let average = averages[name];
                *value += if target > 0.0 {
                    added * average / target
                } else {
                    average / per_worker
                };
            }
        }
        if let Some(set) = self.by_worker.get_mut(&owner) {
            set.remove(&index);
        }
        let new_owner = Some(wid.clone());
        self.by_worker
            .entry(new_owner.clone())
            .or_default()
            .insert(index);
        *self.throughput.entry(new_owner).or_default() += added;
        *self.throughput.entry(owner).or_default() -= added;
        self.new_assignments.insert(index, wid.clone());
        if self.has_capacity(&wid) {
            self.assignable.insert(wid);
        }
    }

    /// Hands out the expired and unassigned leases; returns how many found no worker.
    pub fn assign_expired_or_unassigned(&mut self) -> usize {
        let mut queue: Vec<usize> = (0..self.leases.len())
            .filter(|&i| self.leases[i].expired_or_unassigned)
            .collect();
        crate::sort::sort_by_key(&mut queue, |&i| self.leases[i].last_counter_increment_ms);
        for (position, &index) in queue.iter().enumerate() {
            match self.poll() {
                Some(wid) => self.assign(index, wid, true),
                None => return queue.len() - position,
            }
        }
        0
    }

    /// The givers for one metric and the throughput each should give.
    fn givers(&self, name: &str, average: f64) -> Vec<(String, f64)> {
        let threshold = f64::from(self.config.rebalance_threshold_pct) / 100.0;
        let (upper, lower) = (average * (1.0 + threshold), average * (1.0 - threshold));
        let mut trigger = false;
        let mut givers = Vec::new();
        let mut busiest: Option<(&String, f64)> = None;
        for (wid, load) in &self.workers {
            let Some(&value) = load.values.get(name) else {
                continue;
            };
            let above_range = value > load.range_max[name];
            trigger |= value > upper || value < lower || above_range;
            if value >= upper || above_range {
                givers.push(wid);
            }
            if busiest.is_none_or(|(_, most)| most < value) {
                busiest = Some((wid, value));
            }
        }
        if !trigger {
            return Vec::new();
        }
        if givers.is_empty() {
            givers.extend(busiest.map(|(wid, _)| wid));
        }
        let dampening = f64::from(self.config.dampening_pct) / 100.0;
        givers
            .into_iter()
            .map(|wid| {
                let value = self.workers[wid].values[name];
                let share = (value - average) / value * dampening;
                let assigned = self.throughput.get(&Some(wid.clone())).copied();
                (wid.clone(), assigned.unwrap_or(0.0) * share)
            })
            .collect()
    }

    /// The leases a giver gives (`getLeasesToTake`).
    fn leases_to_take(&self, wid: &str, amount: f64, rng: &mut impl Rng) -> Vec<usize> {
        let key = Some(wid.to_string());
        let mut held: Vec<usize> = self
            .by_worker
            .get(&key)
            .map(|set| set.iter().copied().collect())
            .unwrap_or_default();
        if held.is_empty() {
            return held;
        }
        held.shuffle(rng);
        if self.throughput.get(&key).copied().unwrap_or(0.0) == 0.0 {
            held.truncate(1);
            return held;
        }
        let mut remaining = amount;
        let mut taken = Vec::new();
        for &index in &held {
            let kbps = self.leases[index].throughput_kbps;
            if remaining - kbps <= 0.0 {
                continue;
            }
            remaining -= kbps;
            taken.push(index);
        }
        if self.config.allow_throughput_overshoot && taken.is_empty() {
            let smallest = held
                .iter()
                .copied()
                .fold(None::<usize>, |best, index| match best {
                    Some(b)
                        if self.leases[b].throughput_kbps <= self.leases[index].throughput_kbps =>
                    {
                        Some(b)
                    }
                    _ => Some(index),
                });
            taken.extend(smallest);
        }
        taken
    }

    /// `balanceWorkerVariance`.
    pub fn balance_worker_variance(&mut self, rng: &mut impl Rng) {
        let mut chosen: Vec<(String, f64)> = Vec::new();
        let mut max_take = -1.0;
        for (name, &average) in &self.fleet_average {
            let givers = self.givers(name, average);
            let total: f64 = givers.iter().map(|(_, take)| take).sum();
            if max_take < total {
                max_take = total;
                chosen = givers;
            }
        }
        crate::sort::sort_by(&mut chosen, |a, b| {
            b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });
        for (giver, amount) in chosen {
            for index in self.leases_to_take(&giver, amount, rng) {
                let receiver = self.poll();
                if let Some(wid) = &receiver {
                    if self.would_go_above_average_or_range(wid, self.leases[index].throughput_kbps)
                    {
                        break;
                    }
                }
                if let Some(wid) = receiver {
                    self.assign(index, wid, false);
                }
            }
        }
    }
}
