//! `shardlab endpoint` (issue 21): a local Kinesis over HTTP, for boto3, the AWS CLI and the
//! SDKs. Native only: nothing here enters the .wasm (lib.rs declares the module for
//! non-wasm32 targets alone).
//!
//! Built in steps (notes: issue 21's plan, §6). This step is [`wire`], the codec between
//! HTTP and [`Kinesis::call`](crate::engine::Kinesis::call): pure functions from a request's
//! head and body to either an engine call or AWS's answer, and from the engine's result to
//! the response AWS would send. The server that owns the world and speaks HTTP comes next
//! and only moves bytes between a socket and these functions.

pub mod wire;
