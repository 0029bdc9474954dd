//! GetRecords: read from a shard iterator's position, and get the next position back.
//!
//! The reading itself (limits, debt, retention, metrics, child shards at the end of a closed
//! shard) is the core's [`Kinesis::read`]; this action decodes the iterator, has the records
//! rebuilt, and answers with their sequence numbers, data and the next iterator.

use serde::Serialize;
use serde_json::Value;

use super::{int_of, str_of, STREAM_ARN};
use crate::engine::error::ApiError;
use crate::engine::iterator::ShardIterator;
use crate::engine::kinesis::Kinesis;
use crate::engine::read::{ChildShard, Record, MAX_LIMIT};
use crate::engine::validate::{Member, Rule, Type};

pub static SHAPE: [Member; 3] = [
    Member {
        name: "Limit",
        ty: Type::Integer,
        rules: &[Rule::MinValue(1), Rule::MaxValue(MAX_LIMIT as i64)],
    },
    Member {
        name: "ShardIterator",
        ty: Type::String,
        rules: &[Rule::NotNull, Rule::MinLength(1), Rule::MaxLength(512)],
    },
    // Accepted and checked against the model; the iterator itself names the stream.
    STREAM_ARN,
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecordsOutput {
    pub records: Vec<Record>,
    /// `None` once a closed shard has been read to its end; AWS then leaves the member out
    /// of the response (it does not send `null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_shard_iterator: Option<String>,
    pub millis_behind_latest: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_shards: Option<Vec<ChildShard>>,
}

impl Kinesis {
    pub(super) fn get_records_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<GetRecordsOutput, ApiError> {
        let limit = int_of(body, "Limit").map_or(MAX_LIMIT, |l| usize::try_from(l).unwrap_or(1));
        self.get_records(
            now_ms,
            str_of(body, "ShardIterator").unwrap_or_default(),
            limit,
        )
    }

    /// GetRecords, typed: the records themselves, partition keys and data included.
    pub fn get_records(
        &mut self,
        now_ms: u64,
        shard_iterator: &str,
        limit: usize,
    ) -> Result<GetRecordsOutput, ApiError> {
        let iterator = ShardIterator::decode(shard_iterator)
            .ok_or_else(|| ApiError::invalid_argument("Invalid ShardIterator."))?;
        let mut records = Vec::new();
        let outcome = self.read(now_ms, &iterator, limit, |record| {
            let (partition_key, data) = record.materialize();
            records.push((record.seq_ix, record.arrival_ms, partition_key, data));
        })?;
        let stream = self.streams.get(&iterator.stream_name);
        let shard = stream.and_then(|s| s.shards.get(iterator.shard_index as usize));
        let records = records
            .into_iter()
            .filter_map(|(seq_ix, arrival_ms, partition_key, data)| {
                Some(Record {
                    sequence_number: shard?.sequence_number(seq_ix, arrival_ms),
                    arrival_ms,
                    partition_key,
                    data,
                })
            })
            .collect();
        Ok(GetRecordsOutput {
            records,
            next_shard_iterator: outcome.next.map(|next| next.encode()),
            millis_behind_latest: outcome.millis_behind_latest,
            child_shards: outcome.child_shards,
        })
    }
}
