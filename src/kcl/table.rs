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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    /// The shard index the lease is for (not a KCL attribute: the lease key names it).
    #[serde(skip)]
    pub shard_index: u32,
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
        let owner_ok =
            expected_owner.is_none_or(|owner| lease.lease_owner.as_deref() == Some(owner));
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
    fn rows_serialize_with_the_kcl_attribute_names() {
        let mut row = lease("shardId-000000000003");
        row.lease_owner = Some("worker-1".into());
        row.parent_shard_ids = vec!["shardId-000000000001".into()];
        let json = serde_json::to_value(&row).unwrap();
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
