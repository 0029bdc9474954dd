//! The simulated world: a virtual clock, the service, and the producers and consumers that
//! make things happen in it.
//!
//! The engine answers calls; the world makes calls happen over time. It is what the page, the
//! scenario runner and the tests drive: add producers and consumers, advance simulated time,
//! read the event log and the snapshot. Everything is deterministic given the seed.

pub mod consumer;
pub mod keys;
pub mod log;
pub mod producer;
pub mod snapshot;
pub mod source;
pub mod world;

pub use consumer::{ConsumerConfig, StartPosition};
pub use keys::KeyDistribution;
pub use log::{Event, EventKind, EventsSince};
pub use producer::{Batching, ProducerConfig, RetryPolicy};
pub use snapshot::Snapshot;
pub use source::SizeSpec;
pub use world::{World, START_MS};
