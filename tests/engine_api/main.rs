//! The stream engine through its JSON face, action by action and error by error, checked
//! against the reference (`kinesis-data-streams.md`): shapes, numbers and AWS's wording.
//!
//! One test binary, one file per API area, so a reader looking for how PutRecord or
//! GetRecords behaves finds it in a file of its own rather than in one long list.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use shardlab::engine::Kinesis;

#[path = "../common/mod.rs"]
mod common;

mod arns;
mod create;
mod delete;
mod fan_out_consumers;
mod fan_out_subscribe;
mod list;
mod metrics;
mod modes;
mod put;
mod read;
mod requests;
mod reshard;
mod retention;
mod sequence_numbers;
mod shard_ids;

use common::kinesis::{b64, ok};

/// PutRecord of the text `data` under partition key `key`; returns the answer.
fn put(k: &mut Kinesis, now: u64, stream: &str, key: &str, data: &str) -> Value {
    ok(
        k,
        now,
        "PutRecord",
        json!({"StreamName": stream, "PartitionKey": key, "Data": b64(data)}),
    )
}

/// A shard iterator of type `kind` (TRIM_HORIZON, LATEST) for `shard`.
fn iterator(k: &mut Kinesis, now: u64, stream: &str, shard: &str, kind: &str) -> String {
    ok(
        k,
        now,
        "GetShardIterator",
        json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": kind}),
    )["ShardIterator"]
        .as_str()
        .unwrap()
        .to_string()
}
