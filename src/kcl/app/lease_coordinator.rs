//! The KCL's LeaseCoordinator: each worker's two lease loops, the LeaseRenewer and the
//! LeaseTaker.
//!
//! Separate from the taker's choice (`kcl/taker.rs`, a pure function of a scan) because this
//! is the part that writes: each renewal and take is a compare-and-set on `leaseCounter`
//! that may fail because another worker wrote first, and what succeeds becomes a lease the
//! worker holds. The renewer also fences itself: it never renews a lease its own clock says
//! expired, which is how a worker back from a long pause gives its leases up. Under KCL 3.x the
//! renewal is the 3.x one (`LeaseTable::renew_lease`): it writes `throughputKBps`, and the
//! old owner's renewal is how it learns of a graceful handoff.

use super::lease_assignment::held_view;
use super::worker::Held;
use super::{Events, KclApp};
use crate::engine::Kinesis;
use crate::kcl::assignment::RenewOutcome;
use crate::kcl::events::KclEvent;
use crate::kcl::taker::{self, Acquisition, TakerSettings};

/// Renewals remembered for checks.
const RENEWALS_KEPT: usize = 10_000;

impl KclApp {
    fn taker_settings(&self) -> TakerSettings {
        TakerSettings {
            failover_ms: self.config.failover_time_millis,
            max_leases_for_worker: self.config.max_leases_for_worker,
            max_leases_to_steal_at_one_time: self.config.max_leases_to_steal_at_one_time,
            priority_lease_assignment: self.config.enable_priority_lease_assignment,
        }
    }

    /// The LeaseRenewer of worker `id`: renews every lease it holds, and forgets those it
    /// could not renew (lost).
    pub(super) fn renew(&mut self, id: &str, now: u64, events: &mut Events) {
        let failover = self.config.failover_time_millis;
        let v3 = self.config.is_v3();
        let Some(worker) = self.workers.get_mut(id) else {
            return;
        };
        let keys: Vec<String> = worker.held.keys().cloned().collect();
        let mut revealed = Vec::new();
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
            if !v3 {
                match self.table.renew(&key, held.counter, id) {
                    Ok(counter) => {
                        held.counter = counter;
                        held.renewed_ms = now;
                        renewed.push((key, counter));
                    }
                    Err(_) => lost.push((key, "renewal failed: another worker has taken it")),
                }
                continue;
            }
            // KCL 3.x: the renewal writes throughputKBps and may reveal a graceful handoff.
            let seconds = now.saturating_sub(held.renewed_ms).max(1) as f64 / 1_000.0;
            let kbps =
                (held.bytes_since_renewal as f64 / 1_024.0 / seconds * 100.0).round() / 100.0;
            let mut view = held_view(id, &key, held);
            match self.table.renew_lease(&key, &mut view, Some(kbps)) {
                RenewOutcome::Lost => {
                    lost.push((key, "renewal failed: the leader gave it to another worker"))
                }
                outcome => {
                    held.counter = view.lease_counter;
                    held.renewed_ms = now;
                    held.bytes_since_renewal = 0;
                    if outcome == RenewOutcome::ShutdownRequested && held.handoff_to.is_none() {
                        held.handoff_to = view.lease_owner.clone();
                        revealed.push(key.clone());
                    }
                    renewed.push((key, view.lease_counter));
                }
            }
        }
        for (key, _) in &lost {
            worker.held.remove(key);
        }
        for key in revealed {
            self.handoff_revealed(id, &key, now);
        }
        for (key, counter) in renewed {
            self.renewals.push_back((key.clone(), id.to_string(), now));
            if self.renewals.len() > RENEWALS_KEPT {
                self.renewals.pop_front();
            }
            self.emit(events, now, |app| KclEvent::LeaseRenewed {
                app,
                worker: id.to_string(),
                lease: key,
                counter,
            });
        }
        for (key, why) in lost {
            self.emit(events, now, |app| KclEvent::LeaseLost {
                app,
                lease: key,
                worker: id.to_string(),
                why: why.to_string(),
            });
        }
    }

    /// The LeaseTaker of worker `id`: scans the table, notes what it sees by its own clock,
    /// and takes (or steals) what [`taker::leases_to_take`] chooses.
    pub(super) fn take(&mut self, id: &str, now: u64, kinesis: &Kinesis, events: &mut Events) {
        if self.table.is_empty() {
            self.sync_shards(now, kinesis, events);
        }
        let settings = self.taker_settings();
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
                    Held::new(counter, now, take.acquisition, worker.next_token),
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
                self.emit(events, now, |app| KclEvent::LeaseExpired {
                    app,
                    lease: key,
                    owner,
                    seen_by: id.to_string(),
                });
            }
        }
        for (take, counter) in taken {
            self.emit(events, now, |app| KclEvent::LeaseTaken {
                app,
                lease: take.lease_key,
                worker: id.to_string(),
                from: take.previous_owner,
                counter,
                stolen: take.acquisition == Acquisition::Stolen,
                how: None,
            });
        }
    }
}
