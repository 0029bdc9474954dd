//! KCL 3.x leader election: the `Leader` lock in `<app>-CoordinatorState`.
//!
//! Each worker's `DynamoDBLockBasedLeaderDecider` (K/leader/DynamoDBLockBasedLeaderDecider.java,
//! K/ = `amazon-kinesis-client/src/main/java/software/amazon/kinesis/`) takes the item `Leader`
//! (K/leader/LeaderLock.java:38) through the DynamoDB Lock Client:
//! - `isLeader` reads the lock; the holder is leader while the item names it (:164-166);
//! - if there is no lock, or it has lapsed, the worker tries to acquire it (:139-152);
//! - a refused worker answers "no" from memory for one heartbeat period before asking DynamoDB
//!   again (:117-125); a holder always re-reads;
//! - the holder's lock client heartbeats every 30 s, which rewrites the item's
//!   `recordVersionNumber`; the lease is 120 s (LeaseManagementConfig.java:322, 330);
//! - a graceful stop releases the lock (`releaseLeadershipIfHeld`), and so does a leader whose
//!   LAM failed 3 times in a row (LeaseAssignmentManager.java:82, 263-271).
//!
//! "Lapsed" is judged as the Lock Client does, without trusting clocks across hosts: a
//! contender remembers the `recordVersionNumber` it saw and when it first saw it; when that
//! number has not changed for the lease duration, by the contender's own clock, the lock is
//! free. So when the leader crashes, nothing is assigned until 120 s after a contender first
//! saw its last heartbeat (2 to 2.5 minutes), and then the new leader needs two LAM runs to
//! see leases expire. Open issue awslabs/amazon-kinesis-client#1803 (KCL 3.4.3, unconfirmed)
//! reports that after a SIGKILL the lock is never taken over; the model follows the design.

/// The `Leader` item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderLock {
    /// `ownerName`.
    pub owner: String,
    /// `recordVersionNumber`: changes on every heartbeat.
    pub record_version_number: u64,
    /// `leaseDuration` in ms.
    pub lease_duration_ms: u64,
}

/// `<app>-CoordinatorState`, the part election uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoordinatorState {
    pub leader: Option<LeaderLock>,
    /// The next `recordVersionNumber` to write (a UUID in DynamoDB; a sequence here).
    next_rvn: u64,
}

impl CoordinatorState {
    fn fresh_rvn(&mut self) -> u64 {
        self.next_rvn += 1;
        self.next_rvn
    }
}

/// One worker's leader decider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderDecider {
    pub worker_id: String,
    lease_duration_ms: u64,
    heartbeat_ms: u64,
    /// When this worker last asked DynamoDB, and the answer.
    last_check_ms: Option<u64>,
    last_is_leader: bool,
    /// The lock version this worker is watching: (owner, rvn, first seen at).
    watched: Option<(String, u64, u64)>,
    shut_down: bool,
}

impl LeaderDecider {
    pub fn new(worker_id: &str, lease_duration_ms: u64, heartbeat_ms: u64) -> LeaderDecider {
        LeaderDecider {
            worker_id: worker_id.to_string(),
            lease_duration_ms,
            heartbeat_ms,
            last_check_ms: None,
            last_is_leader: false,
            watched: None,
            shut_down: false,
        }
    }

    /// `isLeader`: whether this worker leads at `now_ms`, acquiring the lock when it is free or
    /// has lapsed.
    pub fn is_leader(&mut self, state: &mut CoordinatorState, now_ms: u64) -> bool {
        if self.shut_down {
            return false;
        }
        if let Some(last) = self.last_check_ms {
            if !self.last_is_leader && last + self.heartbeat_ms > now_ms {
                return false;
            }
        }
        let answer = match &state.leader {
            Some(lock) if lock.owner == self.worker_id => true,
            Some(lock) if !self.lapsed(lock, now_ms) => false,
            _ => {
                let rvn = state.fresh_rvn();
                state.leader = Some(LeaderLock {
                    owner: self.worker_id.clone(),
                    record_version_number: rvn,
                    lease_duration_ms: self.lease_duration_ms,
                });
                self.watched = None;
                true
            }
        };
        self.last_check_ms = Some(now_ms);
        self.last_is_leader = answer;
        answer
    }

    /// Notes the lock's version; true when it has not changed for the lease duration.
    fn lapsed(&mut self, lock: &LeaderLock, now_ms: u64) -> bool {
        match &self.watched {
            Some((owner, rvn, since))
                if *owner == lock.owner && *rvn == lock.record_version_number =>
            {
                now_ms.saturating_sub(*since) >= lock.lease_duration_ms
            }
            _ => {
                self.watched = Some((lock.owner.clone(), lock.record_version_number, now_ms));
                false
            }
        }
    }

    /// The holder's heartbeat (every `heartbeat_ms`): a new `recordVersionNumber`. False if this
    /// worker no longer holds the lock.
    pub fn heartbeat(&self, state: &mut CoordinatorState) -> bool {
        if self.shut_down {
            return false;
        }
        let rvn = state.fresh_rvn();
        match &mut state.leader {
            Some(lock) if lock.owner == self.worker_id => {
                lock.record_version_number = rvn;
                true
            }
            _ => false,
        }
    }

    /// `releaseLeadershipIfHeld`: deletes the lock if this worker holds it.
    pub fn release_leadership_if_held(&mut self, state: &mut CoordinatorState) {
        if state
            .leader
            .as_ref()
            .is_some_and(|lock| lock.owner == self.worker_id)
        {
            state.leader = None;
        }
        self.last_is_leader = false;
    }

    /// A graceful stop: release the lock and never ask again.
    pub fn shutdown(&mut self, state: &mut CoordinatorState) {
        self.release_leadership_if_held(state);
        self.shut_down = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decider(id: &str) -> LeaderDecider {
        LeaderDecider::new(id, 120_000, 30_000)
    }

    #[test]
    fn the_first_worker_to_ask_leads_and_a_refused_one_waits_a_heartbeat_period() {
        let mut state = CoordinatorState::default();
        let (mut a, mut b) = (decider("A"), decider("B"));
        assert!(a.is_leader(&mut state, 1_000));
        assert!(!b.is_leader(&mut state, 1_500));
        // Even with the lock released, B answers from memory until 30 s after its refusal.
        a.shutdown(&mut state);
        assert!(!b.is_leader(&mut state, 31_000));
        assert!(b.is_leader(&mut state, 31_500));
        assert!(!a.is_leader(&mut state, 40_000));
    }

    #[test]
    fn a_heartbeating_leader_keeps_the_lock_and_a_silent_one_loses_it_after_120_s() {
        let mut state = CoordinatorState::default();
        let (mut a, mut b) = (decider("A"), decider("B"));
        assert!(a.is_leader(&mut state, 0));
        // A heartbeats every 30 s for 5 minutes; B asks every 30 s and is always refused.
        for t in (30_000..=300_000).step_by(30_000) {
            assert!(a.heartbeat(&mut state));
            assert!(!b.is_leader(&mut state, t + 1), "B led at {t}");
        }
        // A crashes after its heartbeat at 300 s. B first saw that version at 300.001 s.
        let mut took_over = None;
        for t in (330_001..=600_001).step_by(30_000) {
            if b.is_leader(&mut state, t) {
                took_over = Some(t);
                break;
            }
        }
        assert_eq!(took_over, Some(420_001));
        assert!(!a.heartbeat(&mut state), "A's lock is gone");
        assert!(!a.is_leader(&mut state, 420_002));
    }
}
