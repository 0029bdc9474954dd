//! The lease-table writes KCL 3.x adds, over a small view of a lease row.
//!
//! 3.x keeps the 2.x lease row and adds two attributes: `throughputKBps` (written by the owner
//! on every renewal, read by the leader to weigh leases) and `checkpointOwner` (set during a
//! graceful handoff to the worker that must still checkpoint). Every write here is a DynamoDB
//! conditional update; the conditions are the KCL's (K/ = `amazon-kinesis-client/src/main/
//! java/software/amazon/kinesis/`, DynamoDBLeaseRefresher = K/leases/dynamodb/
//! DynamoDBLeaseRefresher.java, Serializer = K/leases/dynamodb/DynamoDBLeaseSerializer.java):
//!
//! | write | condition | effect |
//! |---|---|---|
//! | [`assign_lease`] (leader; also the handoff's transfer) | `leaseOwner` as seen, row exists (Refresher:1068-1117) | `leaseOwner`=new, counter + 1, `checkpointOwner` removed, owner switches + 1 if the owner changes (Serializer:270-311) |
//! | [`initiate_graceful_lease_handoff`] (leader) | `leaseOwner` as seen, no `checkpointOwner` (Refresher:979-1060) | `leaseOwner`=new, `checkpointOwner`=old, counter unchanged |
//! | [`renew_lease`] (owner) | counter as held, and no `checkpointOwner` unless the holder knows of it (Refresher:833-915) | counter + 1, `throughputKBps` (Refresher:839-841) |
//! | [`evict_lease`] (owner giving a lease up) | owners as seen (Refresher:1153-1200) | during a handoff only `checkpointOwner` is removed, otherwise `leaseOwner`; counter + 1 (Serializer:313-332) |
//!
//! The integration phase maps [`LeaseView`] onto `kcl::table::Lease`.

/// The attributes of one lease row that 3.x assignment reads and writes.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaseView {
    pub lease_key: String,
    pub lease_owner: Option<String>,
    pub lease_counter: u64,
    /// Set while a graceful handoff waits for the old owner's checkpoint.
    pub checkpoint_owner: Option<String>,
    /// The checkpoint is SHARD_END: the shard is finished and is never handed off.
    pub at_shard_end: bool,
    /// What the owner last wrote on renewal; `None` until a first renewal with a value.
    pub throughput_kbps: Option<f64>,
    pub owner_switches_since_checkpoint: u64,
}

impl LeaseView {
    /// A fresh, unowned lease.
    pub fn new(lease_key: &str) -> LeaseView {
        LeaseView {
            lease_key: lease_key.to_string(),
            lease_owner: None,
            lease_counter: 0,
            checkpoint_owner: None,
            at_shard_end: false,
            throughput_kbps: None,
            owner_switches_since_checkpoint: 0,
        }
    }

    /// `shutdownRequested()`: a handoff is pending (Lease.java:287-289).
    pub fn shutdown_requested(&self) -> bool {
        self.checkpoint_owner.is_some()
    }

    /// `actualOwner()`: the worker still processing the shard, the old owner during a handoff
    /// (Lease.java:328-330).
    pub fn actual_owner(&self) -> Option<&str> {
        self.checkpoint_owner
            .as_deref()
            .or(self.lease_owner.as_deref())
    }
}

/// Why a conditional write did not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteFailure {
    /// ConditionalCheckFailedException: the row changed since the writer read it.
    ConditionFailed,
}

/// What a renewal found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenewOutcome {
    /// Counter + 1; the holder keeps processing.
    Renewed,
    /// The first attempt failed because `checkpointOwner` is set; the holder learned of the
    /// handoff, copied the owners and renewed again (counter + 1). It must now shut the shard
    /// consumer down gracefully and transfer the lease.
    ShutdownRequested,
    /// The lease is gone: another worker owns it, or the counter moved.
    Lost,
}

/// The leader's assignLease: gives `row` to `new_owner` if its `leaseOwner` is still what the
/// leader saw (`seen`). Also the old owner's transfer at the end of a handoff.
pub fn assign_lease(
    row: &mut LeaseView,
    seen: &LeaseView,
    new_owner: &str,
) -> Result<(), WriteFailure> {
    if row.lease_owner != seen.lease_owner {
        return Err(WriteFailure::ConditionFailed);
    }
    // Serializer:287: switches count when the owner changes, or when the checkpoint owner
    // takes the lease back; a handoff's transfer (leaseOwner already the new one) adds none.
    let owner_changes = seen
        .lease_owner
        .as_deref()
        .is_some_and(|old| old != new_owner)
        || seen.checkpoint_owner.as_deref() == Some(new_owner);
    row.lease_owner = Some(new_owner.to_string());
    row.checkpoint_owner = None;
    row.lease_counter += 1;
    if owner_changes {
        row.owner_switches_since_checkpoint += 1;
    }
    Ok(())
}

/// The leader's initiateGracefulLeaseHandoff: `leaseOwner`=new, `checkpointOwner`=old, the
/// counter unchanged so the old owner's renewals keep working.
pub fn initiate_graceful_lease_handoff(
    row: &mut LeaseView,
    seen: &LeaseView,
    new_owner: &str,
) -> Result<(), WriteFailure> {
    if row.lease_owner.is_none() || row.lease_owner != seen.lease_owner || row.shutdown_requested()
    {
        return Err(WriteFailure::ConditionFailed);
    }
    row.checkpoint_owner = row.lease_owner.take();
    row.lease_owner = Some(new_owner.to_string());
    Ok(())
}

/// The owner's renewal of `held` (its in-memory copy of the lease), writing `throughput_kbps`.
/// Updates `held` as the KCL's refresher does.
pub fn renew_lease(
    row: &mut LeaseView,
    held: &mut LeaseView,
    throughput_kbps: Option<f64>,
) -> RenewOutcome {
    let mut learned = false;
    let counter_matches = row.lease_counter == held.lease_counter;
    if !(counter_matches && (held.shutdown_requested() || !row.shutdown_requested())) {
        // Refresher:875-888: if the holder did not know of a handoff, look at the row.
        if held.shutdown_requested() || !row.shutdown_requested() || !counter_matches {
            return RenewOutcome::Lost;
        }
        // handleGracefulShutdown (Refresher:1424-1450).
        if held.actual_owner() != row.actual_owner() || row.checkpoint_owner == row.lease_owner {
            return RenewOutcome::Lost;
        }
        held.checkpoint_owner = row.checkpoint_owner.clone();
        held.lease_owner = row.lease_owner.clone();
        learned = true;
    }
    row.lease_counter += 1;
    if throughput_kbps.is_some() {
        row.throughput_kbps = throughput_kbps;
    }
    held.lease_counter = row.lease_counter;
    held.throughput_kbps = row.throughput_kbps;
    if learned || held.shutdown_requested() {
        RenewOutcome::ShutdownRequested
    } else {
        RenewOutcome::Renewed
    }
}

/// The old owner's transfer at the end of a handoff (after `shutdownRequested` checkpointed, or
/// forced at the timeout): assignLease to the lease's `leaseOwner`, only if this worker is the
/// `checkpointOwner` (LeaseGracefulShutdownHandler.java:217-231).
pub fn transfer_lease(
    row: &mut LeaseView,
    held: &LeaseView,
    worker_id: &str,
) -> Result<(), WriteFailure> {
    match (&held.checkpoint_owner, &held.lease_owner) {
        (Some(checkpoint_owner), Some(new_owner)) if checkpoint_owner == worker_id => {
            let new_owner = new_owner.clone();
            assign_lease(row, held, &new_owner)
        }
        _ => Err(WriteFailure::ConditionFailed),
    }
}

/// evictLease: give a lease up. During a handoff only `checkpointOwner` goes, so the new owner
/// proceeds; otherwise `leaseOwner` goes. Counter + 1 either way.
pub fn evict_lease(row: &mut LeaseView, seen: &LeaseView) -> Result<(), WriteFailure> {
    if row.lease_owner != seen.lease_owner || row.checkpoint_owner != seen.checkpoint_owner {
        return Err(WriteFailure::ConditionFailed);
    }
    if row.checkpoint_owner.is_none() {
        row.lease_owner = None;
    }
    row.checkpoint_owner = None;
    row.lease_counter += 1;
    Ok(())
}

/// Lease discovery: the leases the GSI query `leaseOwner = worker_id` returns that the worker
/// does not hold yet, skipping those still pending a handoff (DynamoDBLeaseDiscoverer.java:
/// 119-121). Sorted by key.
pub fn discover<'a>(
    rows: impl IntoIterator<Item = &'a LeaseView>,
    worker_id: &str,
    held: impl Fn(&str) -> bool,
) -> Vec<LeaseView> {
    let mut found: Vec<LeaseView> = rows
        .into_iter()
        .filter(|row| row.lease_owner.as_deref() == Some(worker_id))
        .filter(|row| !row.shutdown_requested() && !held(&row.lease_key))
        .cloned()
        .collect();
    crate::sort::sort_by(&mut found, |a, b| a.lease_key.cmp(&b.lease_key));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(owner: &str, counter: u64) -> LeaseView {
        LeaseView {
            lease_owner: Some(owner.to_string()),
            lease_counter: counter,
            ..LeaseView::new("shardId-000000000000")
        }
    }

    #[test]
    fn assign_lease_sets_the_owner_bumps_the_counter_and_clears_the_checkpoint_owner() {
        let mut row = owned("A", 7);
        row.checkpoint_owner = Some("C".into());
        let seen = row.clone();
        assign_lease(&mut row, &seen, "B").unwrap();
        assert_eq!(row.lease_owner.as_deref(), Some("B"));
        assert_eq!(row.lease_counter, 8);
        assert_eq!(row.checkpoint_owner, None);
        assert_eq!(row.owner_switches_since_checkpoint, 1);
        // An unowned lease assigned for the first time is no owner switch.
        let mut fresh = LeaseView::new("shardId-000000000001");
        let seen = fresh.clone();
        assign_lease(&mut fresh, &seen, "A").unwrap();
        assert_eq!(fresh.owner_switches_since_checkpoint, 0);
    }

    #[test]
    fn assign_lease_fails_when_the_owner_changed_since_the_scan() {
        let seen = owned("A", 7);
        let mut row = owned("C", 8);
        assert_eq!(
            assign_lease(&mut row, &seen, "B"),
            Err(WriteFailure::ConditionFailed)
        );
        assert_eq!(row.lease_owner.as_deref(), Some("C"));
    }

    #[test]
    fn a_handoff_keeps_the_counter_and_names_the_old_owner_checkpoint_owner() {
        let mut row = owned("A", 7);
        let seen = row.clone();
        initiate_graceful_lease_handoff(&mut row, &seen, "B").unwrap();
        assert_eq!(row.lease_owner.as_deref(), Some("B"));
        assert_eq!(row.checkpoint_owner.as_deref(), Some("A"));
        assert_eq!(row.lease_counter, 7);
        assert_eq!(row.actual_owner(), Some("A"));
        // A second handoff while one is pending is refused.
        let seen = row.clone();
        assert_eq!(
            initiate_graceful_lease_handoff(&mut row, &seen, "C"),
            Err(WriteFailure::ConditionFailed)
        );
    }

    #[test]
    fn the_old_owners_renewal_reveals_the_handoff_and_still_renews() {
        let mut row = owned("A", 7);
        let mut held = row.clone();
        assert_eq!(
            renew_lease(&mut row, &mut held, Some(12.5)),
            RenewOutcome::Renewed
        );
        assert_eq!((row.lease_counter, row.throughput_kbps), (8, Some(12.5)));
        let seen = row.clone();
        initiate_graceful_lease_handoff(&mut row, &seen, "B").unwrap();
        assert_eq!(
            renew_lease(&mut row, &mut held, Some(11.0)),
            RenewOutcome::ShutdownRequested
        );
        assert_eq!(row.lease_counter, 9);
        assert_eq!(held.checkpoint_owner.as_deref(), Some("A"));
        assert_eq!(held.lease_owner.as_deref(), Some("B"));
        // The new owner's discovery skips it while checkpointOwner is set.
        assert!(discover([&row], "B", |_| false).is_empty());
        // After the checkpoint, the old owner transfers it; B discovers it.
        transfer_lease(&mut row, &held, "A").unwrap();
        assert_eq!(row.checkpoint_owner, None);
        assert_eq!(row.lease_counter, 10);
        assert_eq!(row.owner_switches_since_checkpoint, 0);
        assert_eq!(discover([&row], "B", |_| false).len(), 1);
        // The old owner's next renewal finds the lease lost.
        assert_eq!(renew_lease(&mut row, &mut held, None), RenewOutcome::Lost);
    }

    #[test]
    fn eviction_during_a_handoff_removes_only_the_checkpoint_owner() {
        let mut row = owned("A", 7);
        let seen = row.clone();
        initiate_graceful_lease_handoff(&mut row, &seen, "B").unwrap();
        let seen = row.clone();
        evict_lease(&mut row, &seen).unwrap();
        assert_eq!(row.lease_owner.as_deref(), Some("B"));
        assert_eq!(row.checkpoint_owner, None);
        assert_eq!(row.lease_counter, 8);
        let seen = row.clone();
        evict_lease(&mut row, &seen).unwrap();
        assert_eq!(row.lease_owner, None);
    }
}
