//! # Shardlab
//!
//! A teaching simulator of Amazon Kinesis Data Streams that runs in the browser.
//!
//! Records are hashed by MD5 onto shards, shards throttle at 1 MiB/s and 1,000 records/s,
//! hot keys burn one shard, shards split and merge, and KCL workers renew, lose and steal
//! leases. Everything on screen is meant to mean exactly what AWS means by it.
//!
//! The crate is one library with a binary on top:
//!
//! * `endpoint` (native only): `shardlab endpoint`'s wire protocol, a local Kinesis over HTTP;
//! * [`engine`]: the Kinesis service model, pure and deterministic (no browser, no clock);
//! * [`kcl`]: the Kinesis Client Library's lease protocol, workers and shard consumers;
//! * [`order`]: what readers (consumers, KCL applications) got out of their producers' order;
//! * [`script`]: the scenario language (the `aws kinesis` CLI, simulator commands, lessons);
//! * [`session`]: the page's model without the page: play, pause, speed, links, the view;
//! * [`sim`]: the world around it: a virtual clock, producers, consumers, an event log;
//! * `ui` (wasm32 only): the Yew front end, which reads the model and sends it commands.
//!
//! Dependencies point one way, from the page down to the engine, so everything below the UI
//! builds and tests natively with plain `cargo test` and runs unchanged in the browser.

#[cfg(not(target_arch = "wasm32"))]
pub mod endpoint;
pub mod engine;
pub mod hardening;
pub mod kcl;
pub mod kpl;
pub mod order;
pub mod script;
mod seeds;
pub mod session;
pub mod sim;
pub mod sort;

#[cfg(target_arch = "wasm32")]
pub mod ui;
