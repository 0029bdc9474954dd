//! `shardlab endpoint` (issue 21): a local Kinesis over HTTP, for boto3, the AWS CLI and the
//! SDKs, that throttles, reshards and times out as AWS does, because it is Shardlab's engine.
//! Native only: nothing here enters the .wasm (lib.rs declares the module for non-wasm32
//! targets alone).
//!
//! Three parts, each with one job:
//! * [`wire`]: the codec between HTTP and [`Kinesis::call`](crate::engine::Kinesis::call):
//!   pure functions from a request's head and body to an engine call or AWS's answer, and
//!   from the engine's result to the response AWS would send;
//! * [`owner`]: the one owner of the world, on a thread of its own: requests in arrival
//!   order, simulated time following the wall clock, the scenario running beside the clients;
//! * [`server`]: the HTTP/1.1 and HTTP/2 server (axum on tokio) that only moves bytes
//!   between sockets and the owner;
//!
//! and [`options`] (the command line) and [`tally`] (the line a second it prints).

pub mod options;
pub mod owner;
pub mod server;
pub mod tally;
pub mod wire;

pub use options::Options;
pub use server::{serve, start, Running};
