//! The Kinesis API actions: the thin JSON face on top of the engine's core.
//!
//! As in mini-redis's `cmd/`, each action has a file (or one per small family) holding four
//! things and nothing else: its request shape (the members AWS checks, in AWS's order, checked
//! by [`super::validate`]), the parse of a checked JSON body, its typed operation on
//! [`Kinesis`] (the request's own checks with AWS's wording, then the core call), and its
//! response shape with AWS's field names. What a stream does (storing, routing, charging,
//! reading, resharding, scheduling CREATING/UPDATING/DELETING) lives in the core modules below
//! (`super::write`, `super::read`, `super::reshard`, `super::kinesis`, ...), which never
//! import from here.
//!
//! [`Kinesis::call`] is the JSON face: an action name and a request body in, the response
//! body or an [`ApiError`] out. The console, scripts and tests all go through it; the typed
//! methods serve the simulation's hot paths. This module also holds what several actions
//! share: request members named once (`STREAM_NAME`, `PARTITION_KEY`, ...), the readers of a
//! checked body, and common response types ([`Empty`], [`ShardDescription`]).

mod create_stream;
mod delete_stream;
mod describe_limits;
mod describe_stream;
mod get_records;
mod get_shard_iterator;
mod list_shards;
mod list_streams;
mod merge_shards;
mod put_record;
mod put_records;
mod retention;
mod split_shard;
mod stream_consumers;
mod stream_ref;
mod subscribe_to_shard;
mod update_shard_count;
mod update_stream_mode;

pub use get_records::GetRecordsOutput;
pub use get_shard_iterator::GetShardIteratorOutput;
pub use put_record::PutRecordOutput;
pub use put_records::{PutRecordsEntry, PutRecordsOutput, PutRecordsResultEntry};
pub use retention::Direction;
pub use update_shard_count::UpdateShardCountOutput;

use serde::Serialize;
use serde_json::Value;

use super::error::{ApiError, ErrorKind};
use super::hash_key::HashKeyRange;
use super::kinesis::Kinesis;
use super::sequence::SequenceNumber;
use super::shard::Shard;
use super::stream::Stream;
use super::validate::{self, Member, Pattern, Rule, Type};

/// Every action `call` understands, in the order of the AWS API reference.
pub const ACTIONS: [&str; 22] = [
    "CreateStream",
    "DecreaseStreamRetentionPeriod",
    "DeleteStream",
    "DeregisterStreamConsumer",
    "DescribeLimits",
    "DescribeStream",
    "DescribeStreamConsumer",
    "DescribeStreamSummary",
    "GetRecords",
    "GetShardIterator",
    "IncreaseStreamRetentionPeriod",
    "ListShards",
    "ListStreamConsumers",
    "ListStreams",
    "MergeShards",
    "PutRecord",
    "PutRecords",
    "RegisterStreamConsumer",
    "SplitShard",
    "SubscribeToShard",
    "UpdateShardCount",
    "UpdateStreamMode",
];

/// The request shape of an action: its members in the order AWS checks them, with their JSON
/// types and the API model's constraints (`NotNull` is a required member). The console's
/// `aws kinesis` options are derived from these, so the CLI and the engine cannot disagree on
/// what a request holds.
pub fn request_shape(action: &str) -> Option<&'static [Member]> {
    Some(match action {
        "CreateStream" => &create_stream::SHAPE,
        "DeleteStream" => &delete_stream::SHAPE,
        "DescribeStream" => &describe_stream::DESCRIBE_SHAPE,
        "DescribeStreamSummary" => &describe_stream::SUMMARY_SHAPE,
        "DescribeLimits" => &[],
        "ListStreams" => &list_streams::SHAPE,
        "ListShards" => &list_shards::SHAPE,
        "PutRecord" => &put_record::SHAPE,
        "PutRecords" => &put_records::SHAPE,
        "GetShardIterator" => &get_shard_iterator::SHAPE,
        "GetRecords" => &get_records::SHAPE,
        "IncreaseStreamRetentionPeriod" | "DecreaseStreamRetentionPeriod" => &retention::SHAPE,
        "SplitShard" => &split_shard::SHAPE,
        "MergeShards" => &merge_shards::SHAPE,
        "UpdateShardCount" => &update_shard_count::SHAPE,
        "UpdateStreamMode" => &update_stream_mode::SHAPE,
        "RegisterStreamConsumer" => &stream_consumers::REGISTER_SHAPE,
        "DescribeStreamConsumer" | "DeregisterStreamConsumer" => {
            &stream_consumers::CONSUMER_REF_SHAPE
        }
        "ListStreamConsumers" => &stream_consumers::LIST_SHAPE,
        "SubscribeToShard" => &subscribe_to_shard::SHAPE,
        _ => return None,
    })
}

impl Kinesis {
    /// Calls one Kinesis API action with a JSON request body, at simulated time `now_ms`.
    ///
    /// Returns the JSON response body, or the error AWS would return (exception name and
    /// message). Never panics, whatever the input.
    pub fn call(&mut self, now_ms: u64, action: &str, body: &Value) -> Result<Value, ApiError> {
        self.advance_to(now_ms);
        let now = self.now_ms;
        let Some(shape) = request_shape(action) else {
            return Err(ApiError::new(ErrorKind::UnknownOperation, ""));
        };
        match action {
            "CreateStream" => self.json(body, shape, |k, b| k.create_stream_json(now, b)),
            "DeleteStream" => self.json(body, shape, |k, b| k.delete_stream_json(now, b)),
            "DescribeStream" => self.json(body, shape, |k, b| k.describe_stream_json(now, b)),
            "DescribeStreamSummary" => {
                self.json(body, shape, |k, b| k.describe_stream_summary_json(now, b))
            }
            "DescribeLimits" => self.json(body, shape, |k, _| k.describe_limits_json()),
            "ListStreams" => self.json(body, shape, |k, b| k.list_streams_json(b)),
            "ListShards" => self.json(body, shape, |k, b| k.list_shards_json(now, b)),
            "PutRecord" => self.json(body, shape, |k, b| k.put_record_json(now, b)),
            "PutRecords" => self.json(body, shape, |k, b| k.put_records_json(now, b)),
            "GetShardIterator" => self.json(body, shape, |k, b| k.get_shard_iterator_json(now, b)),
            "GetRecords" => self.json(body, shape, |k, b| k.get_records_json(now, b)),
            "IncreaseStreamRetentionPeriod" => self.json(body, shape, |k, b| {
                k.change_retention_json(now, b, retention::Direction::Increase)
            }),
            "DecreaseStreamRetentionPeriod" => self.json(body, shape, |k, b| {
                k.change_retention_json(now, b, retention::Direction::Decrease)
            }),
            "SplitShard" => self.json(body, shape, |k, b| k.split_shard_json(now, b)),
            "MergeShards" => self.json(body, shape, |k, b| k.merge_shards_json(now, b)),
            "UpdateShardCount" => self.json(body, shape, |k, b| k.update_shard_count_json(now, b)),
            "UpdateStreamMode" => self.json(body, shape, |k, b| k.update_stream_mode_json(now, b)),
            "RegisterStreamConsumer" => {
                self.json(body, shape, |k, b| k.register_stream_consumer_json(now, b))
            }
            "DescribeStreamConsumer" => {
                self.json(body, shape, |k, b| k.describe_stream_consumer_json(b))
            }
            "ListStreamConsumers" => {
                self.json(body, shape, |k, b| k.list_stream_consumers_json(now, b))
            }
            "DeregisterStreamConsumer" => self.json(body, shape, |k, b| {
                k.deregister_stream_consumer_json(now, b)
            }),
            "SubscribeToShard" => self.json(body, shape, |k, b| k.subscribe_to_shard_json(now, b)),
            _ => Err(ApiError::new(ErrorKind::UnknownOperation, "")),
        }
    }

    /// Checks `body` against `shape`, then runs the action and serializes its response.
    fn json<O: Serialize>(
        &mut self,
        body: &Value,
        shape: &'static [Member],
        action: impl FnOnce(&mut Self, &Value) -> Result<O, ApiError>,
    ) -> Result<Value, ApiError> {
        validate::check(body, shape)?;
        let output = action(self, body)?;
        serde_json::to_value(output)
            .map_err(|e| ApiError::new(ErrorKind::InternalFailure, e.to_string()))
    }
}

impl Kinesis {
    /// The index a reshard request's shard id names, or AWS's "Could not find shard" with the
    /// id as the caller sent it (checked before the stream itself is looked at).
    fn parse_shard_for_reshard(&self, stream: &str, given: &str) -> Result<u32, ApiError> {
        super::shard_id::parse_shard_id(given).ok_or_else(|| {
            ApiError::resource_not_found(format!(
                "Could not find shard {given} in stream {stream} under account {}.",
                self.config.account_id
            ))
        })
    }

    /// Resolves the shard of a SplitShard or MergeShards request, in AWS's order of checks:
    /// the id, the stream, its ACTIVE state, the shard's existence, then that it is open.
    fn resolve_open_shard_for_reshard(
        &mut self,
        now_ms: u64,
        action: &str,
        stream: &str,
        given: &str,
    ) -> Result<u32, ApiError> {
        let index = self.parse_shard_for_reshard(stream, given)?;
        let account = self.config.account_id.clone();
        let found = self.find_stream(stream)?;
        found.require_provisioned(action, &account)?;
        found.require_active(&account)?;
        let id = super::shard_id::shard_id(index);
        let shard = found.live_shard(index, now_ms).ok_or_else(|| {
            ApiError::resource_not_found(format!(
                "Could not find shard {id} in stream {stream} under account {account}."
            ))
        })?;
        if !shard.is_open() {
            return Err(ApiError::invalid_argument(format!(
                "Shard {id} in stream {stream} under account {account} has already been merged or split, and thus is not eligible for merging or splitting."
            )));
        }
        Ok(index)
    }
}

/// A string member of a checked body.
fn str_of<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body.get(name).and_then(Value::as_str)
}

/// An integer member of a checked body, read as AWS reads it: floored, held to a Java `int`.
fn int_of(body: &Value, name: &str) -> Option<i64> {
    body.get(name)
        .filter(|v| v.is_number())
        .map(validate::integer_value)
}

/// A timestamp member (epoch seconds, fraction allowed) as epoch milliseconds.
fn timestamp_ms_of(body: &Value, name: &str) -> Option<u64> {
    let seconds = body.get(name)?.as_f64()?;
    Some((seconds * 1000.0).round().clamp(0.0, u64::MAX as f64) as u64)
}

/// Epoch milliseconds as AWS's JSON timestamps: epoch seconds with a millisecond fraction.
pub(crate) fn epoch_seconds(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// `SequenceNumberRange` of a shard.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceNumberRange {
    pub starting_sequence_number: SequenceNumber,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ending_sequence_number: Option<SequenceNumber>,
}

/// A `Shard` as DescribeStream and ListShards show it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ShardDescription {
    pub shard_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_shard_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjacent_parent_shard_id: Option<String>,
    pub hash_key_range: HashKeyRange,
    pub sequence_number_range: SequenceNumberRange,
}

impl ShardDescription {
    pub fn of(shard: &Shard) -> Self {
        ShardDescription {
            shard_id: shard.id(),
            parent_shard_id: shard.parent.map(super::shard_id::shard_id),
            adjacent_parent_shard_id: shard.adjacent_parent.map(super::shard_id::shard_id),
            hash_key_range: shard.range,
            sequence_number_range: SequenceNumberRange {
                starting_sequence_number: shard.starting_sequence_number(),
                ending_sequence_number: shard.ending_sequence_number(),
            },
        }
    }
}

/// Parses an ExplicitHashKey that passed the model's pattern; AWS then range-checks it.
fn parse_explicit_hash_key(text: &str) -> Result<u128, ApiError> {
    text.parse::<u128>().map_err(|_| {
        ApiError::invalid_argument(format!(
            "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}"
        ))
    })
}

/// The answer of the actions that return nothing (CreateStream, DeleteStream, the retention
/// changes, SplitShard, MergeShards): an empty JSON object.
#[derive(Serialize)]
pub struct Empty {}

/// `StreamModeDetails` as DescribeStream, DescribeStreamSummary and ListStreams show it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamModeDetails {
    pub stream_mode: &'static str,
}

impl StreamModeDetails {
    fn of(stream: &Stream) -> Self {
        StreamModeDetails {
            stream_mode: stream.mode.as_str(),
        }
    }
}

// Request members that several actions share, named once. Each action's shape lists its
// members in the order AWS checks them; these are only the repeated ones.

/// A name the model allows to be left out (`ExclusiveStartShardId`, ListShards'
/// `StreamName`, ...): `[a-zA-Z0-9_.-]+`, 1 to 128 characters.
const NAME_RULES: &[Rule] = &[
    Rule::Pattern(Pattern::Name),
    Rule::MinLength(1),
    Rule::MaxLength(128),
];

/// The `StreamName` of every stream-addressed action: a required name.
const STREAM_NAME_RULES: &[Rule] = &[
    Rule::NotNull,
    Rule::Pattern(Pattern::Name),
    Rule::MinLength(1),
    Rule::MaxLength(128),
];

/// A required shard id (`ShardId`, `ShardToSplit`, `ShardToMerge`, ...) is constrained
/// exactly as a stream name is.
const SHARD_ID_RULES: &[Rule] = STREAM_NAME_RULES;

/// The largest data blob of a record: 1 MiB.
const MAX_DATA_BYTES: u64 = 1024 * 1024;

/// The `StreamName` of a stream-addressed action: required unless a `StreamARN` names the
/// stream (see [`stream_ref`]).
const STREAM_NAME: Member = Member {
    name: "StreamName",
    ty: Type::String,
    rules: &[
        Rule::NotNullUnless("StreamARN"),
        Rule::Pattern(Pattern::Name),
        Rule::MinLength(1),
        Rule::MaxLength(128),
    ],
};

/// CreateStream's `StreamName`, which no ARN can stand in for.
const NEW_STREAM_NAME: Member = Member {
    name: "StreamName",
    ty: Type::String,
    rules: STREAM_NAME_RULES,
};

use stream_ref::STREAM_ARN;

/// A record's partition key (PutRecord, and each PutRecords entry).
const PARTITION_KEY: Member = Member {
    name: "PartitionKey",
    ty: Type::String,
    rules: &[Rule::NotNull, Rule::MinLength(1), Rule::MaxLength(256)],
};

const EXPLICIT_HASH_KEY: Member = Member {
    name: "ExplicitHashKey",
    ty: Type::String,
    rules: &[Rule::Pattern(Pattern::HashKey)],
};

/// A record's data, base64 on the wire; its length is checked on the decoded bytes.
const DATA: Member = Member {
    name: "Data",
    ty: Type::Blob,
    rules: &[Rule::NotNull, Rule::MaxLength(MAX_DATA_BYTES)],
};

const EXCLUSIVE_START_SHARD_ID: Member = Member {
    name: "ExclusiveStartShardId",
    ty: Type::String,
    rules: NAME_RULES,
};

/// DescribeStream's and ListStreams' page size.
const LIMIT: Member = Member {
    name: "Limit",
    ty: Type::Integer,
    rules: &[Rule::MinValue(1), Rule::MaxValue(10_000)],
};

const NEXT_TOKEN: Member = Member {
    name: "NextToken",
    ty: Type::String,
    rules: &[Rule::MinLength(1), Rule::MaxLength(1_048_576)],
};

/// A moment (GetShardIterator's AT_TIMESTAMP, a ListShards filter), epoch seconds.
const TIMESTAMP: Member = Member {
    name: "Timestamp",
    ty: Type::Timestamp,
    rules: &[],
};

/// A NextToken's bytes, sealed: a 4-byte MD5 check appended, then base64, so that a token
/// that was tampered with or made up is refused rather than misread. ListShards and
/// ListStreamConsumers put their own fields in.
pub(super) fn seal_token(mut bytes: Vec<u8>) -> String {
    use base64::Engine as _;
    let check = md5::compute(&bytes).0;
    bytes.extend_from_slice(&check[..4]);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The bytes of a token [`seal_token`] made, if it is one and holds at least `min_len`.
pub(super) fn unseal_token(text: &str, min_len: usize) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    let body_len = bytes.len().checked_sub(4)?;
    let (body, check) = bytes.split_at(body_len);
    if body.len() < min_len || md5::compute(body).0[..4] != *check {
        return None;
    }
    bytes.truncate(body_len);
    Some(bytes)
}
