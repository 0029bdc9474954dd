//! Calling the stream engine through its JSON face, as the engine tests do: a call that must
//! succeed, a call that must fail, a fresh ACTIVE stream, and base64 in and out.
//!
//! Separate from the shared scenarios in `common/mod.rs` because these drive a bare
//! [`Kinesis`] at chosen instants rather than a simulated world; here once, so the engine test
//! binaries (`engine_api`, `engine_resharding`, `engine_properties`, `routing`) share one copy.

use base64::Engine as _;
use serde_json::{json, Value};
use shardlab::engine::{ApiError, Config, HashKeyRange, Kinesis};

/// The account the engine names in ARNs and error messages.
pub const ACCOUNT: &str = "123456789012";
/// 2023-11-14T22:13:20Z, a round simulated start.
pub const T0: u64 = 1_700_000_000_000;

/// Calls `action` with `body` at `now` and returns its answer; panics, naming the call, if it
/// fails.
pub fn ok(k: &mut Kinesis, now: u64, action: &str, body: Value) -> Value {
    k.call(now, action, &body)
        .unwrap_or_else(|e| panic!("{action} {body} failed: {e}"))
}

/// Calls `action` with `body` at `now` and returns its error; panics, naming the call, if it
/// succeeds.
pub fn err(k: &mut Kinesis, now: u64, action: &str, body: Value) -> ApiError {
    match k.call(now, action, &body) {
        Ok(out) => panic!("{action} {body} should fail but returned {out}"),
        Err(e) => e,
    }
}

/// A Kinesis with stream `name` of `shards` shards, created at [`T0`] and ACTIVE at the
/// returned time.
pub fn with_stream(name: &str, shards: u32) -> (Kinesis, u64) {
    let mut k = Kinesis::new(Config::default());
    ok(
        &mut k,
        T0,
        "CreateStream",
        json!({"StreamName": name, "ShardCount": shards}),
    );
    let ready = T0 + k.config().create_duration_ms;
    (k, ready)
}

/// `data` in base64, as a record's `Data` is sent.
pub fn b64(data: impl AsRef<[u8]>) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// The bytes of a record returned by GetRecords.
pub fn bytes_of(record: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(record["Data"].as_str().unwrap())
        .unwrap()
}

/// The data of a record returned by GetRecords, as text.
pub fn data_of(record: &Value) -> String {
    String::from_utf8(bytes_of(record)).unwrap()
}

/// The (StartingHashKey, EndingHashKey) pairs CreateStream gives `n` shards, in decimal.
pub fn create_stream_ranges(n: u32) -> Vec<(String, String)> {
    HashKeyRange::even_split(n)
        .into_iter()
        .map(|r| {
            (
                r.starting_hash_key.to_string(),
                r.ending_hash_key.to_string(),
            )
        })
        .collect()
}

/// The open shards of `stream` (ListShards AT_LATEST): id, starting and ending hash key.
pub fn open_ranges(k: &mut Kinesis, now: u64, stream: &str) -> Vec<(String, String, String)> {
    let out = ok(
        k,
        now,
        "ListShards",
        json!({"StreamName": stream, "ShardFilter": {"Type": "AT_LATEST"}}),
    );
    out["Shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["ShardId"].as_str().unwrap().to_string(),
                s["HashKeyRange"]["StartingHashKey"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                s["HashKeyRange"]["EndingHashKey"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

/// Reads a shard of `stream` from TRIM_HORIZON to its end; returns the data and the final page.
pub fn read_shard(
    k: &mut Kinesis,
    clock: &mut u64,
    stream: &str,
    shard: &str,
) -> (Vec<String>, Value) {
    let mut it = ok(
        k,
        *clock,
        "GetShardIterator",
        json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
    )["ShardIterator"]
        .clone();
    let mut data = Vec::new();
    loop {
        *clock += 1_000;
        let page = ok(
            k,
            *clock,
            "GetRecords",
            json!({"ShardIterator": it, "Limit": 50}),
        );
        for record in page["Records"].as_array().unwrap() {
            data.push(data_of(record));
        }
        match page["NextShardIterator"].as_str() {
            Some(next)
                if !page["Records"].as_array().unwrap().is_empty()
                    || page.get("ChildShards").is_none() =>
            {
                if page["Records"].as_array().unwrap().is_empty() {
                    return (data, page); // an open shard read to its tip
                }
                it = json!(next);
            }
            _ => return (data, page),
        }
    }
}
