//! The Kinesis Data Streams service model.
//!
//! Pure Rust: no browser, no wall clock, no global state. Everything a learner sees about a
//! stream (where a record went, why it was throttled, what a shard id or sequence number
//! means) is computed here, so the same answers come out natively, in tests, and in the page.

pub mod hash_key;
pub mod shard_id;

pub use hash_key::{hash_key_of, md5_hex, HashKeyRange, MAX_HASH_KEY};
pub use shard_id::{parse_shard_id, shard_id};
