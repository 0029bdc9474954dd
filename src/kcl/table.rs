//! The lease table: one row per shard, every write conditional on `leaseCounter`.
//!
//! The KCL keeps its coordination state in a DynamoDB table named after the application. A
//! row (a *lease*) says which worker processes a shard (`leaseOwner`), how far it got
//! (`checkpoint`) and whether it is alive: `leaseCounter` goes up with every write, and other
//! workers judge liveness only by whether it still changes. Every write is a compare-and-set
//! ("set leaseCounter = N+1 only if it is still N"), so two workers racing for a lease cannot
//! both win, and a worker that lost a lease finds out when its next write fails.
//!
//! Attribute names are the KCL's serializer constants (reference `kcl-leases.md` section 1).

use std::collections::BTreeMap;

use serde::Serialize;

use super::assignment::lease_view::{self, LeaseView, RenewOutcome};

/// A checkpoint value: a sequence number or one of the KCL's sentinels.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub enum Checkpoint {
    TrimHorizon,
    Latest,
    AtTimestamp,
    /// A record's sequence number (its per-shard index and the number AWS shows).
    Sequence {
        seq_ix: u64,
        text: String,
    },
    ShardEnd,
}

impl Checkpoint {
    pub fn as_str(&self) -> &str {
        match self {
            Checkpoint::TrimHorizon => "TRIM_HORIZON",
            Checkpoint::Latest => "LATEST",
            Checkpoint::AtTimestamp => "AT_TIMESTAMP",
            Checkpoint::Sequence { text, .. } => text,
            Checkpoint::ShardEnd => "SHARD_END",
        }
    }
}

impl std::fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Checkpoint> for String {
    fn from(checkpoint: Checkpoint) -> String {
        checkpoint.as_str().to_string()
    }
}

/// One row of the lease table, with the KCL's attribute names.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lease {
    #[serde(rename = "leaseKey")]
    pub lease_key: String,
    #[serde(rename = "leaseOwner", skip_serializing_if = "Option::is_none")]
    pub lease_owner: Option<String>,
    #[serde(rename = "leaseCounter")]
    pub lease_counter: u64,
    pub checkpoint: Checkpoint,
    #[serde(rename = "checkpointSubSequenceNumber")]
    pub checkpoint_sub_sequence_number: u64,
    #[serde(rename = "ownerSwitchesSinceCheckpoint")]
    pub owner_switches_since_checkpoint: u64,
    /// `parentShardId`, as the KCL writes it: a string set, despite the singular name.
    #[serde(rename = "parentShardId")]
    pub parent_shard_ids: Vec<String>,
    #[serde(rename = "childShardIds", skip_serializing_if = "Vec::is_empty")]
    pub child_shard_ids: Vec<String>,
    /// KCL 3.x: the worker that must still checkpoint while a graceful handoff is pending
    /// (`leaseOwner` is then already the new owner). Absent otherwise, and always under 2.x.
    #[serde(rename = "checkpointOwner", skip_serializing_if = "Option::is_none")]
    pub checkpoint_owner: Option<String>,
    /// KCL 3.x: what the owner last wrote on renewal, its throughput on the shard in KB/s
    /// (the leader weighs leases by it). Absent until a 3.x renewal writes it.
    #[serde(rename = "throughputKBps", skip_serializing_if = "Option::is_none")]
    pub throughput_kbps: Option<f64>,
    /// The shard index the lease is for (not a KCL attribute: the lease key names it).
    #[serde(skip)]
    pub shard_index: u32,
}

impl Lease {
    /// The row as KCL 3.x's assignment sees it.
    pub fn view(&self) -> LeaseView {
        LeaseView {
            lease_key: self.lease_key.clone(),
            lease_owner: self.lease_owner.clone(),
            lease_counter: self.lease_counter,
            checkpoint_owner: self.checkpoint_owner.clone(),
            at_shard_end: self.checkpoint == Checkpoint::ShardEnd,
            throughput_kbps: self.throughput_kbps,
            owner_switches_since_checkpoint: self.owner_switches_since_checkpoint,
        }
    }

    /// `actualOwner()`: the worker still processing the shard (the old owner during a
    /// handoff).
    pub fn actual_owner(&self) -> Option<&str> {
        self.checkpoint_owner
            .as_deref()
            .or(self.lease_owner.as_deref())
    }

    /// Writes back what a 3.x write changed.
    fn apply(&mut self, view: LeaseView) {
        self.lease_owner = view.lease_owner;
        self.lease_counter = view.lease_counter;
        self.checkpoint_owner = view.checkpoint_owner;
        self.throughput_kbps = view.throughput_kbps;
        self.owner_switches_since_checkpoint = view.owner_switches_since_checkpoint;
    }
}

/// Why a conditional write did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteFailure {
    /// No such row.
    Missing,
    /// The row exists already (create).
    Exists,
    /// `leaseCounter` or `leaseOwner` is no longer what the writer expected.
    ConditionFailed,
}

/// The lease table of one application, by lease key.
#[derive(Clone, Debug, Default)]
pub struct LeaseTable {
    rows: BTreeMap<String, Lease>,
}

impl LeaseTable {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// A consistent scan of every row, in key order.
    pub fn scan(&self) -> Vec<Lease> {
        self.rows.values().cloned().collect()
    }

    pub fn get(&self, key: &str) -> Option<&Lease> {
        self.rows.get(key)
    }

    pub fn rows(&self) -> impl Iterator<Item = &Lease> {
        self.rows.values()
    }

    /// "Put only if `leaseKey` is absent".
    pub fn create_if_absent(&mut self, lease: Lease) -> Result<(), WriteFailure> {
        if self.rows.contains_key(&lease.lease_key) {
            return Err(WriteFailure::Exists);
        }
        self.rows.insert(lease.lease_key.clone(), lease);
        Ok(())
    }

    fn conditional(
        &mut self,
        key: &str,
        expected_counter: u64,
        expected_owner: Option<&str>,
    ) -> Result<&mut Lease, WriteFailure> {
        let lease = self.rows.get_mut(key).ok_or(WriteFailure::Missing)?;
        // During a 3.x handoff the old owner (`checkpointOwner`) still writes its checkpoint.
        let owner_ok = expected_owner.is_none_or(|owner| {
            lease.lease_owner.as_deref() == Some(owner)
                || lease.checkpoint_owner.as_deref() == Some(owner)
        });
        if lease.lease_counter != expected_counter || !owner_ok {
            return Err(WriteFailure::ConditionFailed);
        }
        Ok(lease)
    }

    /// Renew: counter N -> N+1, only if the counter is still N and `owner` holds it.
    pub fn renew(
        &mut self,
        key: &str,
        expected_counter: u64,
        owner: &str,
    ) -> Result<u64, WriteFailure> {
        let lease = self.conditional(key, expected_counter, Some(owner))?;
        lease.lease_counter += 1;
        Ok(lease.lease_counter)
    }

    /// Take: owner := `new_owner`, counter N -> N+1 only if still N. Taking a lease from
    /// another worker adds one to `ownerSwitchesSinceCheckpoint`; taking an unowned lease (a
    /// new one) does not, as in the KCL's `takeLease` (DynamoDBLeaseRefresher.java:966).
    pub fn take(
        &mut self,
        key: &str,
        expected_counter: u64,
        new_owner: &str,
    ) -> Result<u64, WriteFailure> {
        let lease = self.conditional(key, expected_counter, None)?;
        if lease
            .lease_owner
            .as_deref()
            .is_some_and(|owner| owner != new_owner)
        {
            lease.owner_switches_since_checkpoint += 1;
        }
        lease.lease_owner = Some(new_owner.to_string());
        lease.lease_counter += 1;
        Ok(lease.lease_counter)
    }

    /// Checkpoint: write the position, reset `ownerSwitchesSinceCheckpoint`, bump the counter;
    /// only if the counter and owner are what the writer holds.
    pub fn checkpoint(
        &mut self,
        key: &str,
        expected_counter: u64,
        owner: &str,
        checkpoint: Checkpoint,
    ) -> Result<u64, WriteFailure> {
        let lease = self.conditional(key, expected_counter, Some(owner))?;
        lease.checkpoint = checkpoint;
        lease.checkpoint_sub_sequence_number = 0;
        lease.owner_switches_since_checkpoint = 0;
        lease.lease_counter += 1;
        Ok(lease.lease_counter)
    }

    /// Sets `checkpointSubSequenceNumber` of the checkpoint just written (the same
    /// conditional write as [`Self::checkpoint`] in the KCL; split off to keep its callers).
    pub fn set_checkpoint_sub_sequence(&mut self, key: &str, sub_sequence: u64) {
        if let Some(lease) = self.rows.get_mut(key) {
            lease.checkpoint_sub_sequence_number = sub_sequence;
        }
    }

    /// Records the children of a finished shard (an update of a held lease).
    pub fn set_children(
        &mut self,
        key: &str,
        expected_counter: u64,
        owner: &str,
        children: Vec<String>,
    ) -> Result<u64, WriteFailure> {
        let lease = self.conditional(key, expected_counter, Some(owner))?;
        lease.child_shard_ids = children;
        lease.lease_counter += 1;
        Ok(lease.lease_counter)
    }

    /// Every row as KCL 3.x's assignment sees it, in key order.
    pub fn views(&self) -> Vec<LeaseView> {
        self.rows.values().map(Lease::view).collect()
    }

    /// A KCL 3.x write: `write` (one of [`lease_view`]'s) runs on the row's view, and what it
    /// changed is written back only if its condition held.
    fn write_view<T>(
        &mut self,
        key: &str,
        write: impl FnOnce(&mut LeaseView) -> Result<T, lease_view::WriteFailure>,
    ) -> Result<T, WriteFailure> {
        let lease = self.rows.get_mut(key).ok_or(WriteFailure::Missing)?;
        let mut view = lease.view();
        let out = write(&mut view).map_err(|_| WriteFailure::ConditionFailed)?;
        lease.apply(view);
        Ok(out)
    }

    /// KCL 3.x, the leader's assignLease of a lease whose owners were `seen`: `leaseOwner` :=
    /// `new_owner`, counter + 1, `checkpointOwner` removed. Returns the new counter.
    pub fn assign_lease(
        &mut self,
        key: &str,
        seen: &LeaseView,
        new_owner: &str,
    ) -> Result<u64, WriteFailure> {
        self.write_view(key, |row| {
            lease_view::assign_lease(row, seen, new_owner).map(|()| row.lease_counter)
        })
    }

    /// KCL 3.x, the leader's initiateGracefulLeaseHandoff: `leaseOwner` := `new_owner`,
    /// `checkpointOwner` := the old owner, counter unchanged.
    pub fn initiate_graceful_lease_handoff(
        &mut self,
        key: &str,
        seen: &LeaseView,
        new_owner: &str,
    ) -> Result<(), WriteFailure> {
        self.write_view(key, |row| {
            lease_view::initiate_graceful_lease_handoff(row, seen, new_owner)
        })
    }

    /// KCL 3.x, the owner's renewal of `held`, writing `throughputKBps`; a renewal may reveal
    /// a pending handoff ([`RenewOutcome::ShutdownRequested`]). A missing row is lost.
    pub fn renew_lease(
        &mut self,
        key: &str,
        held: &mut LeaseView,
        throughput_kbps: Option<f64>,
    ) -> RenewOutcome {
        self.write_view(key, |row| {
            Ok(lease_view::renew_lease(row, held, throughput_kbps))
        })
        .unwrap_or(RenewOutcome::Lost)
    }

    /// KCL 3.x, the old owner's transfer at the end of a handoff (assignLease to the new
    /// `leaseOwner`, `checkpointOwner` removed). Returns the new counter.
    pub fn transfer_lease(
        &mut self,
        key: &str,
        held: &LeaseView,
        worker_id: &str,
    ) -> Result<u64, WriteFailure> {
        self.write_view(key, |row| {
            lease_view::transfer_lease(row, held, worker_id).map(|()| row.lease_counter)
        })
    }

    /// KCL 3.x evictLease: during a handoff only `checkpointOwner` goes, otherwise
    /// `leaseOwner`; counter + 1.
    pub fn evict_lease(&mut self, key: &str, seen: &LeaseView) -> Result<u64, WriteFailure> {
        self.write_view(key, |row| {
            lease_view::evict_lease(row, seen).map(|()| row.lease_counter)
        })
    }

    /// Delete, only if the counter is still what the deleter saw.
    pub fn delete(&mut self, key: &str, expected_counter: u64) -> Result<(), WriteFailure> {
        self.conditional(key, expected_counter, None)?;
        self.rows.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(key: &str) -> Lease {
        Lease {
            lease_key: key.into(),
            lease_owner: None,
            lease_counter: 0,
            checkpoint: Checkpoint::TrimHorizon,
            checkpoint_sub_sequence_number: 0,
            owner_switches_since_checkpoint: 0,
            parent_shard_ids: Vec::new(),
            child_shard_ids: Vec::new(),
            checkpoint_owner: None,
            throughput_kbps: None,
            shard_index: 0,
        }
    }

    #[test]
    fn every_write_is_a_compare_and_set_on_the_counter() {
        let mut table = LeaseTable::default();
        table
            .create_if_absent(lease("shardId-000000000000"))
            .unwrap();
        assert_eq!(
            table.create_if_absent(lease("shardId-000000000000")),
            Err(WriteFailure::Exists)
        );
        let key = "shardId-000000000000";
        assert_eq!(table.take(key, 0, "A"), Ok(1));
        assert_eq!(
            table.get(key).unwrap().owner_switches_since_checkpoint,
            0,
            "taking a new, unowned lease is no switch of owner"
        );
        // B saw counter 0 too: its take fails, A's renew goes through.
        assert_eq!(table.take(key, 0, "B"), Err(WriteFailure::ConditionFailed));
        assert_eq!(table.renew(key, 1, "A"), Ok(2));
        // A stale renew (A thinks 1) fails, as does B renewing a lease it does not own.
        assert_eq!(table.renew(key, 1, "A"), Err(WriteFailure::ConditionFailed));
        assert_eq!(table.renew(key, 2, "B"), Err(WriteFailure::ConditionFailed));
        assert_eq!(table.take(key, 2, "B"), Ok(3));
        assert_eq!(table.get(key).unwrap().owner_switches_since_checkpoint, 1);
        let checkpoint = Checkpoint::Sequence {
            seq_ix: 7,
            text: "49".into(),
        };
        assert_eq!(
            table.checkpoint(key, 3, "A", checkpoint.clone()),
            Err(WriteFailure::ConditionFailed)
        );
        assert_eq!(table.checkpoint(key, 3, "B", checkpoint), Ok(4));
        assert_eq!(table.get(key).unwrap().owner_switches_since_checkpoint, 0);
        assert_eq!(table.delete(key, 3), Err(WriteFailure::ConditionFailed));
        assert_eq!(table.delete(key, 4), Ok(()));
        assert!(table.is_empty());
    }

    #[test]
    fn kcl3_writes_go_through_the_lease_view_conditions() {
        let mut table = LeaseTable::default();
        let key = "shardId-000000000000";
        table.create_if_absent(lease(key)).unwrap();
        let seen = table.get(key).unwrap().view();
        assert_eq!(table.assign_lease(key, &seen, "A"), Ok(1));
        // A second assignment from the same stale scan fails: the owner changed since.
        assert_eq!(
            table.assign_lease(key, &seen, "B"),
            Err(WriteFailure::ConditionFailed)
        );
        let mut held = table.get(key).unwrap().view();
        assert_eq!(
            table.renew_lease(key, &mut held, Some(40.0)),
            RenewOutcome::Renewed
        );
        assert_eq!(table.get(key).unwrap().throughput_kbps, Some(40.0));
        let seen = table.get(key).unwrap().view();
        table
            .initiate_graceful_lease_handoff(key, &seen, "B")
            .unwrap();
        let row = table.get(key).unwrap();
        assert_eq!(
            (row.lease_owner.as_deref(), row.checkpoint_owner.as_deref()),
            (Some("B"), Some("A"))
        );
        assert_eq!(row.actual_owner(), Some("A"));
        // A's renewal reveals the handoff; A can still checkpoint, then transfers.
        assert_eq!(
            table.renew_lease(key, &mut held, Some(40.0)),
            RenewOutcome::ShutdownRequested
        );
        let checkpoint = Checkpoint::Sequence {
            seq_ix: 3,
            text: "4".into(),
        };
        assert_eq!(table.checkpoint(key, 3, "A", checkpoint), Ok(4));
        held.lease_counter = 4;
        assert_eq!(table.transfer_lease(key, &held, "A"), Ok(5));
        let row = table.get(key).unwrap();
        assert_eq!(
            (row.lease_owner.as_deref(), row.checkpoint_owner.as_deref()),
            (Some("B"), None)
        );
        // A's next renewal finds the lease lost; B's eviction frees it.
        assert_eq!(table.renew_lease(key, &mut held, None), RenewOutcome::Lost);
        let seen = table.get(key).unwrap().view();
        assert_eq!(table.evict_lease(key, &seen), Ok(6));
        assert_eq!(table.get(key).unwrap().lease_owner, None);
    }

    #[test]
    fn rows_serialize_with_the_kcl_attribute_names() {
        let mut row = lease("shardId-000000000003");
        row.lease_owner = Some("worker-1".into());
        row.parent_shard_ids = vec!["shardId-000000000001".into()];
        let json = serde_json::to_value(&row).unwrap();
        let mut handing_off = row.clone();
        handing_off.checkpoint_owner = Some("worker-2".into());
        handing_off.throughput_kbps = Some(12.5);
        let v3 = serde_json::to_value(&handing_off).unwrap();
        assert_eq!(v3["checkpointOwner"], "worker-2");
        assert_eq!(v3["throughputKBps"], 12.5);
        assert_eq!(
            json,
            serde_json::json!({
                "leaseKey": "shardId-000000000003", "leaseOwner": "worker-1", "leaseCounter": 0,
                "checkpoint": "TRIM_HORIZON", "checkpointSubSequenceNumber": 0,
                "ownerSwitchesSinceCheckpoint": 0, "parentShardId": ["shardId-000000000001"]
            })
        );
    }
}
