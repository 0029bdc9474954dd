//! PutRecord, and the write path every record takes.
//!
//! A record's partition key is hashed (MD5, big-endian) unless an `ExplicitHashKey` names the
//! hash key directly; the record goes to the open shard whose range holds the hash key. That
//! shard's buckets decide whether it fits in this instant's share of 1 MiB/s and 1,000
//! records/s. PutRecord charges its size rounded up to the next kilobyte; PutRecords entries
//! are charged exactly, which is why batching is cheaper (reference section 1.2).

use serde::Serialize;
use serde_json::Value;

use super::{str_of, STREAM_NAME_RULES};
use crate::engine::config::Config;
use crate::engine::error::ApiError;
use crate::engine::hash_key::hash_key_of;
use crate::engine::kinesis::Kinesis;
use crate::engine::metrics::Metric;
use crate::engine::records::StoredRecord;
use crate::engine::sequence::{SequenceNumber, ENDING_SEQ_IX};
use crate::engine::shard_id::{shard_id, ShardId};
use crate::engine::stream::Stream;
use crate::engine::validate::{self, Member, Pattern, Rule, Type};

/// The largest data blob of a record: 1 MiB.
pub const MAX_DATA_BYTES: u64 = 1024 * 1024;

pub static SHAPE: [Member; 5] = [
    Member {
        name: "SequenceNumberForOrdering",
        ty: Type::String,
        rules: &[Rule::Pattern(Pattern::SequenceNumber)],
    },
    Member {
        name: "PartitionKey",
        ty: Type::String,
        rules: &[Rule::NotNull, Rule::MinLength(1), Rule::MaxLength(256)],
    },
    Member {
        name: "ExplicitHashKey",
        ty: Type::String,
        rules: &[Rule::Pattern(Pattern::HashKey)],
    },
    Member {
        name: "Data",
        ty: Type::Blob,
        rules: &[Rule::NotNull, Rule::MaxLength(MAX_DATA_BYTES)],
    },
    Member {
        name: "StreamName",
        ty: Type::String,
        rules: STREAM_NAME_RULES,
    },
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordOutput {
    pub shard_id: ShardId,
    pub sequence_number: SequenceNumber,
    pub encryption_type: &'static str,
}

/// How a write is charged and counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteCall {
    /// A PutRecord call: size rounded up to a whole KB for throttling.
    PutRecord,
    /// One entry of a PutRecords call: charged exactly.
    PutRecordsEntry,
}

/// What happened to one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    Accepted {
        shard_index: u32,
        sequence_number: SequenceNumber,
    },
    Throttled {
        shard_index: u32,
    },
}

/// `Rate exceeded for shard {id} in stream {name} under account {account}.`
pub(crate) fn write_throttled_message(stream: &str, shard_index: u32, account: &str) -> String {
    format!(
        "Rate exceeded for shard {} in stream {stream} under account {account}.",
        shard_id(shard_index)
    )
}

/// Parses an ExplicitHashKey that passed the model's pattern; AWS then range-checks it.
pub(crate) fn parse_explicit_hash_key(text: &str) -> Result<u128, ApiError> {
    text.parse::<u128>().map_err(|_| {
        ApiError::invalid_argument(format!(
            "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}"
        ))
    })
}

impl Stream {
    /// Writes one record to the open shard that owns `hash_key`, or throttles it.
    ///
    /// `min_exclusive` is a SequenceNumberForOrdering: the record's number must exceed it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn write(
        &mut self,
        config: &Config,
        now_ms: u64,
        partition_key: &str,
        data: &[u8],
        hash_key: u128,
        min_exclusive: Option<SequenceNumber>,
        call: WriteCall,
    ) -> WriteOutcome {
        let Some(shard_index) = self.route(hash_key) else {
            // The open shards always cover the space; this cannot happen, but never panic.
            return WriteOutcome::Throttled { shard_index: 0 };
        };
        let shard = &mut self.shards[shard_index as usize];
        let size = (partition_key.len() + data.len()) as u64;
        let charged = match call {
            WriteCall::PutRecord => size.div_ceil(1024).max(1) * 1024,
            WriteCall::PutRecordsEntry => size,
        };
        let buckets = &mut shard.buckets;
        let fits = buckets.write_records.has(now_ms, 1) && buckets.write_bytes.has(now_ms, charged);
        // Both buckets were just refilled to `now_ms`; take from both or from neither.
        if !fits {
            let throttled: &[(Metric, u64)] = match call {
                WriteCall::PutRecord => &[(Metric::WriteProvisionedThroughputExceeded, 1)],
                WriteCall::PutRecordsEntry => &[
                    (Metric::WriteProvisionedThroughputExceeded, 1),
                    (Metric::PutRecordsThrottledRecords, 1),
                    (Metric::PutRecordsTotalRecords, 1),
                ],
            };
            shard.count(config, now_ms, throttled);
            return WriteOutcome::Throttled { shard_index };
        }
        buckets.write_records.take(1);
        buckets.write_bytes.take(charged);

        let mut seq_ix = shard.next_seq_ix;
        if let Some(floor) = min_exclusive {
            let same_shard = floor.shard_index == shard.index
                && floor.shard_created_secs == shard.sequence_created_secs;
            if same_shard && floor.seq_ix >= seq_ix {
                seq_ix = floor.seq_ix + 1;
            }
        }
        shard.next_seq_ix = seq_ix + 1;
        shard
            .records
            .push_stored(seq_ix, StoredRecord::new(now_ms, partition_key, data));
        let call_metrics: &[(Metric, u64)] = match call {
            WriteCall::PutRecord => &[(Metric::PutRecordSuccess, 1)],
            WriteCall::PutRecordsEntry => &[
                (Metric::PutRecordsSuccessfulRecords, 1),
                (Metric::PutRecordsTotalRecords, 1),
            ],
        };
        shard.count(
            config,
            now_ms,
            &[(Metric::IncomingRecords, 1), (Metric::IncomingBytes, size)],
        );
        shard.count(config, now_ms, call_metrics);
        WriteOutcome::Accepted {
            shard_index,
            sequence_number: shard.sequence_number(seq_ix, now_ms),
        }
    }
}

impl Kinesis {
    pub(super) fn put_record_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<PutRecordOutput, ApiError> {
        let name = str_of(body, "StreamName").unwrap_or_default();
        let key = str_of(body, "PartitionKey").unwrap_or_default();
        let data = validate::decode_blob(str_of(body, "Data").unwrap_or_default())?;
        self.serving_stream_mut(name)?;
        let hash_key = match str_of(body, "ExplicitHashKey") {
            Some(text) => Some(parse_explicit_hash_key(text)?),
            None => None,
        };
        let ordering = match str_of(body, "SequenceNumberForOrdering") {
            Some(text) => Some(self.parse_ordering(now_ms, name, text)?),
            None => None,
        };
        self.put_record(now_ms, name, key, &data, hash_key, ordering)
    }

    fn parse_ordering(
        &self,
        now_ms: u64,
        stream: &str,
        text: &str,
    ) -> Result<SequenceNumber, ApiError> {
        SequenceNumber::parse(text)
            .filter(|s| s.record_secs <= now_ms / 1000 && s.seq_ix < ENDING_SEQ_IX - 1)
            .ok_or_else(|| {
                ApiError::invalid_argument(format!(
                    "ExclusiveMinimumSequenceNumber {text} used in PutRecord on stream {stream} under account {} is invalid.",
                    self.config.account_id
                ))
            })
    }

    /// PutRecord, typed: writes one record or fails with ProvisionedThroughputExceeded.
    pub fn put_record(
        &mut self,
        now_ms: u64,
        stream_name: &str,
        partition_key: &str,
        data: &[u8],
        explicit_hash_key: Option<u128>,
        sequence_number_for_ordering: Option<SequenceNumber>,
    ) -> Result<PutRecordOutput, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let hash_key = explicit_hash_key.unwrap_or_else(|| hash_key_of(partition_key));
        let Kinesis {
            config, streams, ..
        } = self;
        let stream = streams
            .get_mut(stream_name)
            .filter(|s| s.is_serving())
            .ok_or_else(|| {
                ApiError::resource_not_found(format!(
                    "Stream {stream_name} under account {} not found.",
                    config.account_id
                ))
            })?;
        match stream.write(
            config,
            now_ms,
            partition_key,
            data,
            hash_key,
            sequence_number_for_ordering,
            WriteCall::PutRecord,
        ) {
            WriteOutcome::Accepted {
                shard_index,
                sequence_number,
            } => Ok(PutRecordOutput {
                shard_id: ShardId(shard_index),
                sequence_number,
                encryption_type: "NONE",
            }),
            WriteOutcome::Throttled { shard_index } => Err(ApiError::throughput_exceeded(
                write_throttled_message(stream_name, shard_index, &config.account_id),
            )),
        }
    }
}
