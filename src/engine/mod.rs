//! The Kinesis Data Streams service model.
//!
//! Pure Rust: no browser, no wall clock, no global state. Everything a learner sees about a
//! stream (where a record went, why it was throttled, what a shard id or sequence number
//! means) is computed here, so the same answers come out natively, in tests, and in the page.
//!
//! The public face is the Kinesis JSON API itself, [`Kinesis::call`]:
//!
//! ```
//! use shardlab::engine::{Config, Kinesis};
//! use serde_json::json;
//!
//! let mut kinesis = Kinesis::new(Config::default());
//! kinesis.call(0, "CreateStream", &json!({"StreamName": "Foo", "ShardCount": 4})).unwrap();
//! let later = kinesis.config().create_duration_ms;
//! let out = kinesis
//!     .call(later, "PutRecord", &json!({"StreamName": "Foo", "PartitionKey": "user-42", "Data": "aGVsbG8="}))
//!     .unwrap();
//! assert_eq!(out["ShardId"], "shardId-000000000001");
//! ```
//!
//! Typed methods underneath (`put_record`, `get_records`, ...) skip the JSON for the
//! simulation's hot paths; both go through the same code.
//!
//! # Layers
//!
//! The engine is built as mini-redis is: a core that knows nothing of requests, and a thin
//! face of commands on top. Dependencies point one way, down:
//!
//! - `actions` (private): the Kinesis API actions, one file each, the JSON face. Each holds
//!   its request shape, the parse of a checked body, its typed operation on [`Kinesis`] and
//!   its response shape. Nothing below imports from it.
//! - `kinesis`, [`write`](mod@write), [`read`](mod@read), `generated`: the service. Streams
//!   by name, simulated time and the asynchronous changes in flight; the write path every
//!   record takes (PutRecord, PutRecords, and the simulation's producers in `generated`); the
//!   read path of GetRecords and of the simulation's consumers.
//! - [`stream`], [`reshard`], [`shard`]: one stream's state, how splits and merges change its
//!   shards, and one shard with its buckets and metrics.
//! - [`fan_out`]: enhanced fan-out, the consumers registered on a stream and their
//!   SubscribeToShard subscriptions, which push records from a shard at 2 MiB/s of their own.
//! - [`records`], [`metrics`], `throttle`, [`write_call`]: a shard's record log, its
//!   CloudWatch metrics, its token buckets, and how a write is charged.
//! - The vocabulary used throughout: [`hash_key`], [`sequence`], [`shard_id`](mod@shard_id),
//!   [`sequence_layouts`] (the older layouts AWS still decodes on input), [`iterator`],
//!   [`error`], [`config`], [`events`], [`clock_text`], and [`validate`], in
//!   whose terms the request shapes are written; [`usage`]: what a stream used that AWS
//!   bills by the amount (PUT payload units, KB in, bytes out).

mod actions;
pub mod clock_text;
pub mod config;
pub mod error;
pub mod events;
pub mod fan_out;
mod generated;
pub mod hash_key;
pub mod iterator;
mod kinesis;
pub mod metrics;
pub mod on_demand;
pub mod read;
pub mod records;
pub mod reshard;
pub mod sequence;
pub mod sequence_layouts;
pub mod shard;
pub mod shard_id;
pub mod stream;
mod throttle;
pub mod usage;
pub mod validate;
pub mod write;
pub mod write_call;

pub use actions::{request_shape, ACTIONS};
pub use actions::{
    Direction, GetRecordsOutput, GetShardIteratorOutput, PutRecordOutput, PutRecordsEntry,
    PutRecordsOutput, PutRecordsResultEntry, UpdateShardCountOutput,
};
pub use config::{Config, ShardLimits};
pub use error::{ApiError, ErrorKind};
pub use events::EngineEvent;
pub use fan_out::subscription::{SubscriptionEnd, SubscriptionPoll};
pub use fan_out::{
    Consumer, ConsumerMetric, ConsumerStatus, SubscribeToShardEvent, SubscriptionId,
};
pub use generated::TickOutcome;
pub use hash_key::{hash_key_of, md5_hex, HashKeyRange, MAX_HASH_KEY};
pub use iterator::{IteratorStart, ShardIterator};
pub use kinesis::Kinesis;
pub use read::{ChildShard, ReadOutcome, Record};
pub use records::{RecordRef, RecordSource, SendOrder, TickPart};
pub use reshard::{LineageNode, LineageState, Reshard, ReshardStep};
pub use sequence::SequenceNumber;
pub use shard_id::{parse_shard_id, shard_id};
pub use stream::{Stream, StreamMode, StreamStatus};
pub use usage::Usage;
pub use write::WriteOutcome;
pub use write_call::WriteCall;
