//! KCL 3.x lease assignment, modelled as pure, tested parts; `kcl/app/lease_assignment.rs`
//! schedules them on a [`KclApp`]'s workers when its `KclConfig::version` is 3.
//!
//! KCL 3.x (the current line; reference `modern-kinesis.md` section 3) replaces the 2.x
//! distributed taker ([`super::taker`]) with one elected leader that assigns leases for the
//! whole fleet by worker load, and moves live leases by a *graceful handoff* instead of
//! stealing. Paths below are `amazon-kinesis-client/src/main/java/software/amazon/kinesis/`
//! (K/) at v3.5.1 (commit 024eb86e). Each file does one job and is a pure function of the state
//! it is given and `now`; randomness comes through a passed `&mut impl rand::Rng`.
//!
//! - `config.rs`: the 3.x intervals and knobs with their defaults ([`Kcl3Config`]);
//! - `leader.rs`: the `Leader` lock in `<app>-CoordinatorState` and each worker's
//!   `DynamoDBLockBasedLeaderDecider`;
//! - `metrics.rs`: `WorkerMetricStats` rows, the simulated CPU and the 30 s reporter;
//! - `lease_view.rs`: the lease-table writes 3.x adds (assignLease, initiateGracefulLeaseHandoff,
//!   renewal revealing a handoff, eviction during a handoff), over a small [`LeaseView`];
//! - `decider.rs`: `VarianceBasedLeaseAssignmentDecider` (who gets which lease);
//! - `lam.rs`: the `LeaseAssignmentManager` run (expiry from its own scans, balancing every
//!   3rd run, the handoff deadline), returning [`Assignment`]s to apply.
//!
//! # Integration (done in `src/kcl/app/lease_assignment.rs`, as planned here)
//!
//! In native 3.x mode (`CLIENT_VERSION_3X`) a worker runs these tasks instead of the taker
//! (K/leases/dynamodb/DynamoDBLeaseCoordinator.java:168-171, 298-322):
//! - **lease renewer**, every F/3 - ε = 3,308 ms, fixed rate, as in 2.x, but each renewal goes
//!   through [`lease_view::renew_lease`] and writes `throughputKBps`;
//! - **lease discovery**, every assignment interval / 2 - ε = 9,975 ms, fixed rate: the GSI
//!   query `leaseOwner = me` ([`lease_view::discover`]); a lease whose `checkpointOwner` is still
//!   set is skipped (K/leases/dynamodb/DynamoDBLeaseDiscoverer.java:119-121), so the new owner
//!   starts only after the old one hands over;
//! - **leader decider + LAM**, every 2F = 20,000 ms, fixed delay: each worker asks
//!   [`LeaderDecider::is_leader`]; only the leader runs [`LeaseAssignmentManager::run`] and
//!   applies its assignments with [`lease_view::assign_lease`] or
//!   [`lease_view::initiate_graceful_lease_handoff`]; the holder heartbeats the lock every
//!   30 s ([`LeaderDecider::heartbeat`]) and releases it on a graceful stop; a crashed leader's
//!   lock lapses after 120 s of no heartbeat, so nothing is reassigned until then;
//! - **WorkerMetricStats reporter**, every 30 s: [`WorkerMetricsReporter::report`] writes the
//!   worker's row; `kcl worker load APP/ID PERCENT` will set its background load;
//! - **LeaseGracefulShutdownHandler**, every 2 s (K/lifecycle/LeaseGracefulShutdownHandler.java:52).
//!
//! A planned move, end to end: the leader writes `leaseOwner`=new, `checkpointOwner`=old with
//! the counter unchanged. The old owner's next renewal fails its "no `checkpointOwner`"
//! condition; the refresher reads the row, sees the request, copies the owners into its held
//! lease and renews again without that condition, which succeeds
//! (K/leases/dynamodb/DynamoDBLeaseRefresher.java:844-888, 1424-1450): the outcome is
//! [`RenewOutcome::ShutdownRequested`]. The renewer hands the lease to the graceful shutdown
//! handler (K/leases/dynamodb/DynamoDBLeaseRenewer.java:248-250), which asks the shard consumer
//! for a graceful shutdown: the consumer goes to SHUTDOWN_REQUESTED, the record processor's
//! `shutdownRequested(checkpointer)` checkpoints, and the ShutdownNotificationTask transfers
//! the lease with [`lease_view::transfer_lease`] (assignLease to `leaseOwner`: counter + 1,
//! `checkpointOwner` removed; K/lifecycle/ShutdownNotificationTask.java:50). The new owner's
//! next discovery (at most 9,975 ms later) finds it without `checkpointOwner` and starts from
//! that checkpoint: no record is processed twice. If the processor has not finished within
//! `gracefulLeaseHandoffTimeoutMillis` (30 s), the handler's 2 s check forces the same transfer
//! (LeaseGracefulShutdownHandler.java:144-181, 217-231) and the new owner may re-read records
//! after the last checkpoint. The leader, meanwhile, leaves the lease alone until its own
//! deadline (scan + 30 s + F) passes ([`LeaseAssignmentManager`]).
//!
//! [`KclApp`]: super::KclApp

pub mod config;
pub mod decider;
pub mod lam;
pub mod leader;
pub mod lease_view;
pub mod metrics;

#[cfg(test)]
mod scenarios;

pub use config::Kcl3Config;
pub use lam::{Assignment, AssignmentKind, LamRun, LeaseAssignmentManager};
pub use leader::{CoordinatorState, LeaderDecider, LeaderLock};
pub use lease_view::{LeaseView, RenewOutcome, WriteFailure};
pub use metrics::{WorkerMetricStats, WorkerMetricsReporter};
