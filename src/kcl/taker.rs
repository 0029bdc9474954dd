//! The lease taker: how a KCL 2.x worker decides which leases to take or steal.
//!
//! Every `2 x (failoverTimeMillis + epsilon)` each worker scans the whole table. There is no
//! timestamp in the table, so each worker keeps its *own* note of when it last saw each lease's
//! counter change; a lease whose counter has not moved for `failoverTimeMillis` by this worker's
//! clock is expired. Then, exactly as `DynamoDBLeaseTaker` does (reference section 3.1):
//!
//! 1. count live leases per owner (expired and unowned leases are "available"), plus itself;
//! 2. target = ceil(leases / workers) (1 when workers >= leases), capped by maxLeasesForWorker;
//! 3. (2.3+) take every *very old* lease (unchanged for 3 x failover, or never seen changing:
//!    a new, unowned lease) up to maxLeasesForWorker, and stop;
//! 4. otherwise, if below target, take available leases up to the target, in random order;
//! 5. if none is available, steal from the single most loaded worker, only if it is above the
//!    target (or at it while this worker is short by two or more), at most
//!    maxLeasesToStealAtOneTime (1) per run, choosing the victim lease at random.
//!
//! The consequences are the lessons: a dead worker's leases move 20 to 40 seconds after it
//! died, a new worker gains one lease per run, and a cold start lets one worker grab all.

use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::Rng;

use super::table::Lease;

/// What a worker remembers about a lease between scans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    pub counter: u64,
    /// This worker's clock when it last saw the counter change; `None` when it never saw it
    /// change (an unowned lease at first sight), which the KCL counts as infinitely old
    /// (`lastCounterIncrementNanos` 0, DynamoDBLeaseTaker.java:378-380, 503-506).
    pub changed_ms: Option<u64>,
    /// This worker's clock at the scan that made this note.
    pub seen_ms: u64,
}

/// The taker's knobs, with the KCL's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TakerSettings {
    pub failover_ms: u64,
    pub max_leases_for_worker: usize,
    pub max_leases_to_steal_at_one_time: usize,
    /// KCL 2.3+'s "very old leases first"; off gives 1.x behaviour.
    pub priority_lease_assignment: bool,
}

/// How a lease came to be taken: the reason duplicates are later attributed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Acquisition {
    /// It had no owner (a new lease).
    Unowned,
    /// Its owner stopped renewing it (failover).
    Expired,
    /// Stolen from a live worker to balance the load.
    Stolen,
    /// Reclaimed by a worker restarting with the same id.
    Reclaimed,
    /// KCL 3.x: moved on purpose from a live worker that shut its processor down first (a
    /// graceful handoff, or a worker's graceful shutdown).
    Handoff,
}

/// One lease the taker decided to take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Take {
    pub lease_key: String,
    /// The counter the taker saw: the conditional write expects it.
    pub counter: u64,
    pub acquisition: Acquisition,
    pub previous_owner: Option<String>,
}

/// Updates a worker's notes from a fresh scan; forgets leases that vanished. Returns the keys
/// of leases that became expired in this worker's eyes at this scan.
pub fn observe(
    observed: &mut BTreeMap<String, Observation>,
    scan: &[Lease],
    now_ms: u64,
    failover_ms: u64,
) -> Vec<String> {
    let mut newly_expired = Vec::new();
    let mut next = BTreeMap::new();
    for lease in scan {
        let note = match observed.get(&lease.lease_key) {
            Some(seen) if seen.counter == lease.lease_counter => Observation {
                seen_ms: now_ms,
                ..*seen
            },
            Some(_) => Observation {
                counter: lease.lease_counter,
                changed_ms: Some(now_ms),
                seen_ms: now_ms,
            },
            None => Observation {
                counter: lease.lease_counter,
                // An unowned lease seen for the first time counts as never renewed.
                changed_ms: lease.lease_owner.is_some().then_some(now_ms),
                seen_ms: now_ms,
            },
        };
        // Reported once: when this scan is the first to find it expired (the previous scan,
        // at its own time, did not).
        let was_expired = observed.get(&lease.lease_key).is_some_and(|seen| {
            seen.counter == lease.lease_counter && is_expired(seen, seen.seen_ms, failover_ms)
        });
        if lease.lease_owner.is_some() && is_expired(&note, now_ms, failover_ms) && !was_expired {
            newly_expired.push(lease.lease_key.clone());
        }
        next.insert(lease.lease_key.clone(), note);
    }
    *observed = next;
    newly_expired
}

/// Whether a lease is expired by this worker's clock (one never seen changing always is).
pub fn is_expired(note: &Observation, now_ms: u64, failover_ms: u64) -> bool {
    note.changed_ms
        .is_none_or(|changed| now_ms.saturating_sub(changed) > failover_ms)
}

/// Whether a lease is *very old* for the 2.3+ priority taking: unchanged for three failover
/// periods by this worker's clock, or never seen changing.
pub fn is_very_old(note: &Observation, now_ms: u64, failover_ms: u64) -> bool {
    is_expired(note, now_ms, 3 * failover_ms)
}

/// The leases worker `me` takes at `now_ms`, given a scan and its notes.
pub fn leases_to_take(
    me: &str,
    scan: &[Lease],
    observed: &BTreeMap<String, Observation>,
    now_ms: u64,
    settings: &TakerSettings,
    rng: &mut impl Rng,
) -> Vec<Take> {
    let failover = settings.failover_ms;
    let note = |lease: &Lease| {
        observed
            .get(&lease.lease_key)
            .copied()
            .unwrap_or(Observation {
                counter: lease.lease_counter,
                changed_ms: Some(now_ms),
                seen_ms: now_ms,
            })
    };
    let available =
        |lease: &Lease| lease.lease_owner.is_none() || is_expired(&note(lease), now_ms, failover);

    // Leases per live owner, over the leases that are not available; myself with zero.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for lease in scan.iter().filter(|l| !available(l)) {
        if let Some(owner) = lease.lease_owner.as_deref() {
            *counts.entry(owner).or_default() += 1;
        }
    }
    counts.entry(me).or_default();
    let workers = counts.len();
    let leases = scan.len();
    let mut target = if workers >= leases {
        1
    } else {
        leases.div_ceil(workers)
    };
    target = target.min(settings.max_leases_for_worker);
    let mine = counts.get(me).copied().unwrap_or(0);

    let take = |lease: &Lease, acquisition: Acquisition| Take {
        lease_key: lease.lease_key.clone(),
        counter: lease.lease_counter,
        acquisition,
        previous_owner: lease.lease_owner.clone(),
    };
    let acquisition_of = |lease: &Lease| {
        if lease.lease_owner.is_none() {
            Acquisition::Unowned
        } else {
            Acquisition::Expired
        }
    };

    // 2.3+: leases unchanged for three failover periods (or never seen changing) first.
    if settings.priority_lease_assignment {
        // A lease of its own that it let expire (a worker that woke from a long pause
        // dropped it) is taken back like any other: DynamoDBLeaseTaker does not skip them.
        let mut very_old: Vec<&Lease> = scan
            .iter()
            .filter(|l| is_very_old(&note(l), now_ms, failover))
            .collect();
        if !very_old.is_empty() {
            very_old.shuffle(rng);
            let room = settings.max_leases_for_worker.saturating_sub(mine);
            return very_old
                .into_iter()
                .take(room)
                .map(|l| take(l, acquisition_of(l)))
                .collect();
        }
    }

    let needed = target.saturating_sub(mine);
    if needed == 0 {
        return Vec::new();
    }
    let mut free: Vec<&Lease> = scan.iter().filter(|l| available(l)).collect();
    if !free.is_empty() {
        free.shuffle(rng);
        return free
            .into_iter()
            .take(needed)
            .map(|l| take(l, acquisition_of(l)))
            .collect();
    }

    // Nothing free: steal from the most loaded worker (the first such in id order).
    let Some((&victim, &most)) = counts
        .iter()
        .filter(|(owner, _)| **owner != me)
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
    else {
        return Vec::new();
    };
    if most < target {
        return Vec::new();
    }
    let mut steal = needed.min(most - target);
    if steal == 0 && needed > 1 {
        steal = 1;
    }
    steal = steal.min(settings.max_leases_to_steal_at_one_time);
    let mut theirs: Vec<&Lease> = scan
        .iter()
        .filter(|l| l.lease_owner.as_deref() == Some(victim) && !available(l))
        .collect();
    theirs.shuffle(rng);
    theirs
        .into_iter()
        .take(steal)
        .map(|l| take(l, Acquisition::Stolen))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kcl::table::Checkpoint;
    use rand::SeedableRng;

    fn lease(i: u32, owner: Option<&str>, counter: u64) -> Lease {
        Lease {
            lease_key: format!("shardId-{i:012}"),
            lease_owner: owner.map(String::from),
            lease_counter: counter,
            checkpoint: Checkpoint::TrimHorizon,
            checkpoint_sub_sequence_number: 0,
            owner_switches_since_checkpoint: 0,
            parent_shard_ids: Vec::new(),
            child_shard_ids: Vec::new(),
            checkpoint_owner: None,
            throughput_kbps: None,
            shard_index: i,
        }
    }

    const SETTINGS: TakerSettings = TakerSettings {
        failover_ms: 10_000,
        max_leases_for_worker: usize::MAX,
        max_leases_to_steal_at_one_time: 1,
        priority_lease_assignment: true,
    };

    /// Observes `scan` as live leases seen changing at `now`.
    fn fresh(scan: &[Lease], now: u64) -> BTreeMap<String, Observation> {
        scan.iter()
            .map(|l| {
                (
                    l.lease_key.clone(),
                    Observation {
                        counter: l.lease_counter,
                        changed_ms: Some(now),
                        seen_ms: now,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn the_reference_worked_example_converges_to_four_three_three() {
        // Ten leases, A and B hold five each, C is new: C steals one per run.
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(1);
        let mut scan: Vec<Lease> = (0..10)
            .map(|i| lease(i, Some(if i < 5 { "A" } else { "B" }), 1))
            .collect();
        let mut stolen_per_run = Vec::new();
        for run in 0..5 {
            let observed = fresh(&scan, 1_000 * run);
            let takes = leases_to_take("C", &scan, &observed, 1_000 * run, &SETTINGS, &mut rng);
            stolen_per_run.push(takes.len());
            for take in takes {
                assert_eq!(take.acquisition, Acquisition::Stolen);
                let row = scan
                    .iter_mut()
                    .find(|l| l.lease_key == take.lease_key)
                    .unwrap();
                row.lease_owner = Some("C".into());
            }
        }
        assert_eq!(stolen_per_run, [1, 1, 1, 0, 0]);
        let count = |w: &str| {
            scan.iter()
                .filter(|l| l.lease_owner.as_deref() == Some(w))
                .count()
        };
        let mut split = [count("A"), count("B"), count("C")];
        crate::sort::sort(&mut split);
        assert_eq!(split, [3, 3, 4]);
    }

    #[test]
    fn a_cold_start_lets_the_first_worker_take_every_new_lease() {
        // Two live workers hold a lease each, so the target is 8 / 3 -> 3: without the
        // very-old path A would take only three of the six new leases.
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(2);
        let mut scan: Vec<Lease> = (0..6).map(|i| lease(i, None, 0)).collect();
        scan.push(lease(6, Some("B"), 4));
        scan.push(lease(7, Some("C"), 4));
        let mut observed = BTreeMap::new();
        // At 5 s, far less than 3 x failover after anything: only "never seen changing" can
        // make the new leases very old.
        observe(&mut observed, &scan, 5_000, 10_000);
        assert_eq!(observed["shardId-000000000000"].changed_ms, None);
        assert!(is_very_old(
            &observed["shardId-000000000000"],
            5_000,
            10_000
        ));
        assert!(!is_very_old(
            &observed["shardId-000000000006"],
            5_000,
            10_000
        ));
        let takes = leases_to_take("A", &scan, &observed, 5_000, &SETTINGS, &mut rng);
        assert_eq!(
            takes.len(),
            6,
            "very old (never seen changing) leases are all taken at once, past the target"
        );
        assert!(takes.iter().all(|t| t.acquisition == Acquisition::Unowned));
        let one_x = TakerSettings {
            priority_lease_assignment: false,
            ..SETTINGS
        };
        let takes = leases_to_take("A", &scan, &observed, 5_000, &one_x, &mut rng);
        assert_eq!(
            takes.len(),
            3,
            "without priority taking A stops at the target"
        );
    }

    #[test]
    fn an_owned_lease_expires_only_after_failover_by_the_observers_clock() {
        let scan = vec![lease(0, Some("dead"), 87)];
        let mut observed = BTreeMap::new();
        assert!(
            observe(&mut observed, &scan, 100_000, 10_000).is_empty(),
            "first sight counts as fresh"
        );
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        assert!(leases_to_take("B", &scan, &observed, 110_000, &SETTINGS, &mut rng).is_empty());
        assert_eq!(
            observe(&mut observed, &scan, 110_001, 10_000),
            vec!["shardId-000000000000".to_string()]
        );
        let takes = leases_to_take("B", &scan, &observed, 110_001, &SETTINGS, &mut rng);
        assert_eq!(takes.len(), 1);
        assert_eq!(takes[0].acquisition, Acquisition::Expired);
        assert_eq!(takes[0].counter, 87);
    }
}
