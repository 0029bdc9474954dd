//! SubscribeToShard: an enhanced fan-out consumer subscribes to a shard and records are
//! pushed to it.
//!
//! On AWS the answer is an HTTP/2 event stream lasting up to five minutes. A JSON call
//! cannot stream, so through [`Kinesis::call`] the subscription is created (and counts for
//! the 5-second rule and the takeover, as on AWS) and the answer holds the events it delivers
//! for the records already in the shard at the call's moment, bounded by the first
//! [`CALL_WINDOW_MS`] (5 simulated seconds) of the subscription, at its 2 MiB/s:
//! `{"EventStream": [{"SubscribeToShardEvent": {...}}, ...]}`. The first event always comes,
//! empty when there is nothing to read, with the ContinuationSequenceNumber to resume from.
//! The simulation uses the typed face instead (`subscribe_to_shard`, `poll_subscription`,
//! `next_event_ms` in `crate::engine::fan_out::subscription`), which follows the subscription
//! for its whole life, and so does `shardlab endpoint`: [`Kinesis::subscribe_to_shard_call`]
//! checks a request and makes its subscription exactly as the JSON face does, and the world
//! delivers its events at their moments to the program's event stream. Records are shaped as
//! GetRecords shapes them.

use serde::Serialize;
use serde_json::Value;

use super::stream_consumers::CONSUMER_ARN_RULES;
use super::{str_of, timestamp_ms_of, SHARD_ID_RULES, TIMESTAMP};
use crate::engine::error::{ApiError, ErrorKind};
use crate::engine::fan_out::{SubscribeToShardEvent, SubscriptionId};
use crate::engine::iterator::IteratorStart;
use crate::engine::kinesis::Kinesis;
use crate::engine::sequence_layouts::{encoded_shard_id, SentSequenceNumber};
use crate::engine::shard_id::{parse_shard_id, shard_id};
use crate::engine::validate::{self, Member, Pattern, Rule, Type};

/// How much of a subscription's life one JSON call answers with, at most.
pub const CALL_WINDOW_MS: u64 = 5_000;

/// The starting position types, as the model lists them.
const POSITION_TYPES: &[&str] = &[
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
    "TRIM_HORIZON",
    "LATEST",
    "AT_TIMESTAMP",
];

static STARTING_POSITION: [Member; 3] = [
    Member {
        name: "Type",
        ty: Type::String,
        rules: &[Rule::NotNull, Rule::Enum(POSITION_TYPES)],
    },
    Member {
        name: "SequenceNumber",
        ty: Type::String,
        rules: &[Rule::Pattern(Pattern::SequenceNumber)],
    },
    TIMESTAMP,
];

pub static SHAPE: [Member; 3] = [
    Member {
        name: "ConsumerARN",
        ty: Type::String,
        rules: &[
            Rule::NotNull,
            CONSUMER_ARN_RULES[0],
            CONSUMER_ARN_RULES[1],
            CONSUMER_ARN_RULES[2],
        ],
    },
    Member {
        name: "ShardId",
        ty: Type::String,
        rules: SHARD_ID_RULES,
    },
    Member {
        name: "StartingPosition",
        ty: Type::Structure(&STARTING_POSITION),
        rules: &[Rule::NotNull],
    },
];

/// One member of the event stream.
#[derive(Serialize)]
pub struct EventStreamItem {
    #[serde(rename = "SubscribeToShardEvent")]
    pub event: SubscribeToShardEvent,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscribeToShardOutput {
    pub event_stream: Vec<EventStreamItem>,
}

impl Kinesis {
    /// SubscribeToShard as a program calls it over the wire (`shardlab endpoint`): the request
    /// checked, and the subscription made, exactly as the JSON face does (the same errors
    /// in the same order), but nothing delivered: the caller follows the subscription for its
    /// whole life with [`Kinesis::next_event_ms`] and [`Kinesis::poll_subscription`], as the
    /// world does for the readers it owns.
    pub fn subscribe_to_shard_call(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<SubscriptionId, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        validate::check(body, &SHAPE)?;
        self.subscribe_from_request(now_ms, body)
    }

    pub(super) fn subscribe_to_shard_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<SubscribeToShardOutput, ApiError> {
        let id = self.subscribe_from_request(now_ms, body)?;
        let (stream_name, index) = self
            .fan_out
            .get(id)
            .map(|s| (s.stream.clone(), s.shard_index))
            .unwrap_or_default();
        let now_ms = self.now_ms;
        // Stop once the records in the shard now are delivered (an open shard), or run the
        // window out (a closed shard, whose last event names its children).
        let stop_after = self
            .streams
            .get(&stream_name)
            .and_then(|s| s.shards.get(index as usize))
            .filter(|shard| shard.is_open())
            .map(|shard| shard.next_seq_ix.saturating_sub(1));
        self.run_subscription(id, now_ms.saturating_add(CALL_WINDOW_MS), true, stop_after);
        let poll = self.take_subscription_outbox(id);
        Ok(SubscribeToShardOutput {
            event_stream: poll
                .into_iter()
                .map(|event| EventStreamItem { event })
                .collect(),
        })
    }

    /// The subscription a (checked) request asks for: its consumer, shard and starting
    /// position looked up and checked in AWS's order, then [`Kinesis::subscribe_to_shard`].
    fn subscribe_from_request(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<SubscriptionId, ApiError> {
        let account = self.config.account_id.clone();
        let arn = str_of(body, "ConsumerARN").unwrap_or_default();
        let stream_name = self.find_consumer_by_arn(arn)?.0.name.clone();
        let given = str_of(body, "ShardId").unwrap_or_default();
        let index = parse_shard_id(given).ok_or_else(|| {
            ApiError::resource_not_found(format!(
                "Could not find shard {given} in stream {stream_name} under account {account}."
            ))
        })?;
        let position = body.get("StartingPosition").unwrap_or(&Value::Null);
        let start = self.starting_position(&stream_name, index, position)?;
        self.subscribe_to_shard(now_ms, arn, index, start)
    }

    /// A `StartingPosition` as an iterator start, checked as GetShardIterator checks its
    /// type and sequence number.
    fn starting_position(
        &self,
        stream: &str,
        index: u32,
        position: &Value,
    ) -> Result<IteratorStart, ApiError> {
        let account = &self.config.account_id;
        let kind = str_of(position, "Type").unwrap_or_default();
        let sequence = str_of(position, "SequenceNumber");
        let id = shard_id(index);
        let mismatch = |also: bool| {
            ApiError::invalid_argument(format!(
                "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and SequenceNumber or (2) TRIM_HORIZON or LATEST and no SequenceNumber. Request specified {kind} and {} SequenceNumber.",
                if also { "also a" } else { "no" }
            ))
        };
        Ok(match kind {
            "TRIM_HORIZON" | "LATEST" if sequence.is_some() => return Err(mismatch(true)),
            "TRIM_HORIZON" => IteratorStart::TrimHorizon,
            "LATEST" => IteratorStart::Latest,
            "AT_TIMESTAMP" => IteratorStart::AtTimestamp(
                timestamp_ms_of(position, "Timestamp").ok_or_else(|| {
                    ApiError::invalid_argument(
                        "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
                    )
                })?,
            ),
            _ => {
                let text = sequence.ok_or_else(|| mismatch(false))?;
                let invalid = |why: &str| {
                    ApiError::invalid_argument(format!(
                        "SequenceNumber {text} used in SubscribeToShard on shard {id} in stream {stream} under account {account} is invalid{why}."
                    ))
                };
                let sent = SentSequenceNumber::decode(text).ok_or_else(|| invalid(""))?;
                if sent.shard_index() != index {
                    return Err(ApiError::invalid_argument(format!(
                        "Invalid SequenceNumber. It encodes {}, while it was used in a call to a shard with {id}",
                        encoded_shard_id(sent.shard_index())
                    )));
                }
                let created = self
                    .streams
                    .get(stream)
                    .and_then(|s| s.shards.get(index as usize))
                    .map(|s| s.sequence_created_secs);
                let number = match sent {
                    SentSequenceNumber::V2(number)
                        if Some(number.shard_created_secs) == created =>
                    {
                        number
                    }
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
        })
    }
}
