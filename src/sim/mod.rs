//! The simulated world: a virtual clock, the service, and the producers and consumers that
//! make things happen in it.
//!
//! The engine answers calls; the world makes calls happen over time. It is what the page, the
//! scenario runner and the tests drive: add producers and consumers, advance simulated time,
//! read the event log and the snapshot. Everything is deterministic given the seed.
//!
//! Layout:
//! - `world/`: the [`World`]: its state (`mod.rs`), the clock and task queue that drive it
//!   (`clock.rs`), API calls by hand (`api.rs`), the lifecycle shared by producers and
//!   consumers (`lifecycle.rs`), and hosting producers (`producers.rs`), consumers
//!   (`consumers.rs`) and KCL applications (`kcl.rs`);
//! - `producer`, `keys`, `source`: one producer, its key distribution and its records;
//! - `consumer`: one polling consumer;
//! - `latency`: delivery latency (put to delivery) of consumers and KCL applications;
//! - `series`: how producers and consumers keep their per-second series;
//! - `log`, `snapshot`: the event log, and the whole world as JSON.

pub mod consumer;
pub mod cost;
pub mod keys;
pub mod latency;
pub mod log;
pub mod prices;
pub mod producer;
pub mod series;
pub mod snapshot;
pub mod source;
pub mod world;

pub use consumer::{ConsumerConfig, StartPosition};
pub use keys::KeyDistribution;
pub use log::{ActorKind, Event, EventKind, EventsSince, Fault, FaultAction};
pub use producer::{Batching, ProducerConfig, RetryPolicy};
pub use snapshot::Snapshot;
pub use source::SizeSpec;
pub use world::{CliVersion, SubscriptionDelivery, SubscriptionMessage, World, START_MS};
