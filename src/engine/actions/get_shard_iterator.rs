//! GetShardIterator: a position in a shard to start reading from.
//!
//! TRIM_HORIZON is the oldest record still retained, LATEST is just after the newest (only
//! records written later are read), AT_/AFTER_SEQUENCE_NUMBER name a record, AT_TIMESTAMP the
//! first record that arrived at or after a moment.

use serde::Serialize;
use serde_json::Value;

use super::{str_of, timestamp_ms_of, SHARD_ID_RULES, STREAM_ARN, STREAM_NAME, TIMESTAMP};
use crate::engine::error::{ApiError, ErrorKind};
use crate::engine::iterator::{IteratorStart, ShardIterator};
use crate::engine::kinesis::Kinesis;
use crate::engine::sequence_layouts::{encoded_shard_id, SentSequenceNumber};
use crate::engine::shard_id::{parse_shard_id, shard_id};
use crate::engine::validate::{Member, Pattern, Rule, Type};

/// The iterator types, in the order AWS lists them in its validation message.
pub const ITERATOR_TYPES: &[&str] = &[
    "AFTER_SEQUENCE_NUMBER",
    "LATEST",
    "AT_TIMESTAMP",
    "AT_SEQUENCE_NUMBER",
    "TRIM_HORIZON",
];

pub static SHAPE: [Member; 6] = [
    Member {
        name: "ShardId",
        ty: Type::String,
        rules: SHARD_ID_RULES,
    },
    Member {
        name: "ShardIteratorType",
        ty: Type::String,
        rules: &[Rule::NotNull, Rule::Enum(ITERATOR_TYPES)],
    },
    Member {
        name: "StartingSequenceNumber",
        ty: Type::String,
        rules: &[Rule::Pattern(Pattern::SequenceNumber)],
    },
    STREAM_NAME,
    STREAM_ARN,
    TIMESTAMP,
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetShardIteratorOutput {
    pub shard_iterator: String,
}

impl Kinesis {
    pub(super) fn get_shard_iterator_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<GetShardIteratorOutput, ApiError> {
        let account = self.config.account_id.clone();
        let name = &self.stream_name_of(body)?;
        let given_id = str_of(body, "ShardId").unwrap_or_default();
        let kind = str_of(body, "ShardIteratorType").unwrap_or_default();
        let sequence = str_of(body, "StartingSequenceNumber");
        let index = parse_shard_id(given_id).ok_or_else(|| {
            ApiError::resource_not_found(format!(
                "Could not find shard {given_id} in stream {name} under account {account}."
            ))
        })?;
        let id = shard_id(index);
        let shard = self
            .streams
            .get(name)
            .filter(|s| s.is_serving())
            .and_then(|s| s.live_shard(index, now_ms))
            .ok_or_else(|| {
                ApiError::resource_not_found(format!(
                    "Shard {id} in stream {name} under account {account} does not exist"
                ))
            })?;
        let mismatch = |also: bool| {
            ApiError::invalid_argument(format!(
                "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {kind} and {} StartingSequenceNumber.",
                if also { "also a" } else { "no" }
            ))
        };
        let start = match kind {
            "TRIM_HORIZON" | "LATEST" if sequence.is_some() => return Err(mismatch(true)),
            "TRIM_HORIZON" => IteratorStart::TrimHorizon,
            "LATEST" => IteratorStart::Latest,
            "AT_TIMESTAMP" => {
                let at = timestamp_ms_of(body, "Timestamp").ok_or_else(|| {
                    ApiError::invalid_argument(
                        "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
                    )
                })?;
                if at > now_ms {
                    return Err(ApiError::invalid_argument(format!(
                        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {at}, currentTimestampInMillis: {now_ms}"
                    )));
                }
                IteratorStart::AtTimestamp(at)
            }
            _ => {
                let text = sequence.ok_or_else(|| mismatch(false))?;
                let invalid = |why: &str| {
                    ApiError::invalid_argument(format!(
                        "StartingSequenceNumber {text} used in GetShardIterator on shard {id} in stream {name} under account {account} is invalid{why}."
                    ))
                };
                // Decoded in whichever layout it was written, as AWS decodes it; see
                // `sequence_layouts` for the answers this reproduces.
                let sent = SentSequenceNumber::decode(text).ok_or_else(|| invalid(""))?;
                if sent.shard_index() != index {
                    return Err(ApiError::invalid_argument(format!(
                        "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a shard with {id}",
                        encoded_shard_id(sent.shard_index())
                    )));
                }
                let number = match sent {
                    SentSequenceNumber::V2(number)
                        if number.shard_created_secs == shard.sequence_created_secs =>
                    {
                        number
                    }
                    // AWS fails a version-0 number of the right shard index with an
                    // InternalFailure and no message.
                    SentSequenceNumber::V0 { .. } => {
                        return Err(ApiError::new(ErrorKind::InternalFailure, ""))
                    }
                    _ => return Err(invalid(" because it did not come from this stream")),
                };
                if kind == "AT_SEQUENCE_NUMBER" {
                    IteratorStart::AtSequenceNumber(number)
                } else {
                    IteratorStart::AfterSequenceNumber(number)
                }
            }
        };
        self.get_shard_iterator(now_ms, name, index, start)
    }

    /// GetShardIterator, typed, for a shard index already resolved.
    pub fn get_shard_iterator(
        &mut self,
        now_ms: u64,
        stream_name: &str,
        shard_index: u32,
        start: IteratorStart,
    ) -> Result<GetShardIteratorOutput, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let account = &self.config.account_id;
        let stream = self
            .streams
            .get(stream_name)
            .filter(|s| s.is_serving())
            .ok_or_else(|| {
                ApiError::resource_not_found(format!(
                    "Shard {} in stream {stream_name} under account {account} does not exist",
                    shard_id(shard_index)
                ))
            })?;
        let shard = stream.live_shard(shard_index, now_ms).ok_or_else(|| {
            ApiError::resource_not_found(format!(
                "Shard {} in stream {stream_name} under account {account} does not exist",
                shard_id(shard_index)
            ))
        })?;
        let position = start.position_in(shard);
        Ok(GetShardIteratorOutput {
            shard_iterator: ShardIterator {
                stream_name: stream_name.to_string(),
                stream_created_ms: stream.created_ms,
                shard_index,
                position,
                issued_ms: now_ms,
            }
            .encode(),
        })
    }
}
