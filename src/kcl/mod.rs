//! The Kinesis Client Library, modelled: lease table, workers, shard consumers, checkpoints.
//!
//! Modelled after KCL 2.x's distributed lease taker (reference `kcl-leases.md`): workers
//! coordinate only through a lease table whose every write is a compare-and-set on
//! `leaseCounter`; each judges whether another is alive by watching that counter with its own
//! clock. That is why a dead worker's shards wait 20 to 40 seconds, why records are processed
//! twice, why a child shard sits idle until its parents are done, and how a paused worker
//! becomes a zombie. Built on the engine only; the world schedules its tasks.

pub mod app;
pub mod config;
pub mod events;
pub mod table;
pub mod taker;

pub use app::{
    AppStats, ConsumerState, Delivery, KclApp, KclTask, ShutdownReason, Wake, WorkerState,
};
pub use config::{CheckpointPolicy, InitialPosition, KclConfig};
pub use events::{DuplicateReason, KclEvent};
pub use table::{Checkpoint, Lease, LeaseTable};
