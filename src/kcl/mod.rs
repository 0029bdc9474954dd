//! The Kinesis Client Library, modelled: lease table, workers, shard consumers, checkpoints.
//!
//! Two versions (`KclConfig::version`). KCL 3.x, the default of `kcl app add`: an elected leader
//! assigns the leases by worker load and moves live ones by graceful handoff (`assignment/`).
//! KCL 2.x, the distributed lease taker (reference `kcl-leases.md`), below: workers
//! coordinate only through a lease table whose every write is a compare-and-set on
//! `leaseCounter`; each judges whether another is alive by watching that counter with its own
//! clock. That is why a dead worker's shards wait 20 to 40 seconds, why records are processed
//! twice, why a child shard sits idle until its parents are done, and how a paused worker
//! becomes a zombie. Built on the engine only (and `sim::latency`, the delivery-latency meter a
//! KCL application shares with polling consumers); the world schedules its tasks.
//!
//! The files follow the KCL's own parts:
//! - `table.rs`: the lease table, every write a compare-and-set on `leaseCounter`;
//! - `taker.rs`: the LeaseTaker's choice of leases to take or steal (a pure function, 2.x);
//! - `assignment/`: KCL 3.x's leader lock, worker metrics, assignment decider and LAM (pure);
//! - `config.rs` and `events.rs`: the application's settings and what it reports;
//! - `app/`: one application ([`KclApp`]) and its workers; `app/mod.rs` lists its parts
//!   (LeaseRenewer and taker driving, LeaseCleanupManager, HierarchicalShardSyncer,
//!   Scheduler, ShardConsumer, record processor, accounting).

pub mod app;
pub mod assignment;
pub mod config;
pub mod events;
pub mod table;
pub mod taker;

pub use app::{
    AppStats, ConsumerState, Delivery, KclApp, KclTask, ShutdownReason, Wake, WorkerState,
};
pub use config::{
    CheckpointPolicy, InitialPosition, KclConfig, Retrieval, DEFAULT_KCL_VERSION, DEFAULT_RETRIEVAL,
};
pub use events::{DuplicateReason, KclEvent, LeaseMoveKind, ProcessorCall, WorkerAction};
pub use table::{Checkpoint, Lease, LeaseTable};
