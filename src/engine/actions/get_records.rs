//! GetRecords: read from a shard iterator's position, and get the next position back.
//!
//! Reads share the shard's limits with every other reader: five calls per second and
//! 2 MiB per second. A call may return up to 10 MiB and then leaves the shard in debt, so the
//! next calls fail with ProvisionedThroughputExceededException until it is repaid. At the end
//! of a closed shard the next iterator is null and `ChildShards` says where to go next.

use base64::Engine as _;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::{epoch_seconds, int_of, str_of};
use crate::engine::clock_text::java_date;
use crate::engine::error::{ApiError, ErrorKind};
use crate::engine::hash_key::HashKeyRange;
use crate::engine::iterator::ShardIterator;
use crate::engine::kinesis::Kinesis;
use crate::engine::metrics::Metric;
use crate::engine::sequence::SequenceNumber;
use crate::engine::shard_id::shard_id;
use crate::engine::validate::{Member, Rule, Type};

/// Records per call when the caller sets no `Limit`, and the most it may ask for.
pub const MAX_LIMIT: usize = 10_000;
/// Bytes per call: 10 MiB.
pub const MAX_BYTES_PER_CALL: u64 = 10 * 1024 * 1024;

pub static SHAPE: [Member; 2] = [
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
];

/// A record as GetRecords returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub sequence_number: SequenceNumber,
    pub arrival_ms: u64,
    pub partition_key: String,
    pub data: Vec<u8>,
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut record = serializer.serialize_struct("Record", 4)?;
        record.serialize_field("SequenceNumber", &self.sequence_number)?;
        record.serialize_field(
            "ApproximateArrivalTimestamp",
            &epoch_seconds(self.arrival_ms),
        )?;
        record.serialize_field(
            "Data",
            &base64::engine::general_purpose::STANDARD.encode(&self.data),
        )?;
        record.serialize_field("PartitionKey", &self.partition_key)?;
        record.end()
    }
}

/// Where to read after a closed shard ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChildShard {
    pub shard_id: String,
    pub parent_shards: Vec<String>,
    pub hash_key_range: HashKeyRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecordsOutput {
    pub records: Vec<Record>,
    /// `None` once a closed shard has been read to its end.
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

    /// GetRecords, typed.
    pub fn get_records(
        &mut self,
        now_ms: u64,
        shard_iterator: &str,
        limit: usize,
    ) -> Result<GetRecordsOutput, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let iterator = ShardIterator::decode(shard_iterator)
            .filter(|it| it.issued_ms <= now_ms)
            .ok_or_else(|| ApiError::invalid_argument("Invalid ShardIterator."))?;
        let lifetime = self.config.iterator_lifetime_ms;
        if now_ms - iterator.issued_ms > lifetime {
            return Err(ApiError::new(
                ErrorKind::ExpiredIterator,
                format!(
                    "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of {lifetime} milliseconds.",
                    java_date(iterator.issued_ms),
                    java_date(now_ms)
                ),
            ));
        }
        let Kinesis {
            config, streams, ..
        } = self;
        let id = shard_id(iterator.shard_index);
        let stream_name = iterator.stream_name.as_str();
        let not_found = || {
            ApiError::resource_not_found(format!(
                "Shard {id} in stream {stream_name} under account {} does not exist",
                config.account_id
            ))
        };
        let stream = streams
            .get_mut(stream_name)
            .filter(|s| s.is_serving() && s.created_ms == iterator.stream_created_ms)
            .ok_or_else(not_found)?;
        let retention_ms = stream.retention_ms();
        let shard = stream
            .live_shard_mut(iterator.shard_index, now_ms)
            .ok_or_else(not_found)?;

        let buckets = &mut shard.buckets;
        if buckets.read_bytes.in_debt(now_ms) || !buckets.read_calls.try_take(now_ms, 1) {
            shard.count(
                config,
                now_ms,
                &[(Metric::ReadProvisionedThroughputExceeded, 1)],
            );
            return Err(ApiError::throughput_exceeded(format!(
                "Rate exceeded for Shard - {}/{stream_name}/{id}",
                config.account_id
            )));
        }

        let cutoff = now_ms.saturating_sub(retention_ms);
        let start = shard
            .records
            .position_of_seq(iterator.position)
            .max(shard.records.position_of_time(cutoff));
        let limit = limit.clamp(1, MAX_LIMIT);
        let mut records = Vec::new();
        let mut bytes = 0u64;
        for stored in shard.records.iter_from(start) {
            if records.len() >= limit
                || (bytes + stored.size() > MAX_BYTES_PER_CALL && !records.is_empty())
            {
                break;
            }
            bytes += stored.size();
            records.push(Record {
                sequence_number: shard.sequence_number(stored.seq_ix, stored.arrival_ms),
                arrival_ms: stored.arrival_ms,
                partition_key: stored.partition_key().to_string(),
                data: stored.data().to_vec(),
            });
        }
        let caught_up = start + records.len() >= shard.records.len();
        let next_position = records
            .last()
            .map_or(iterator.position, |r| r.sequence_number.seq_ix + 1);
        let last_arrival = records.last().map(|r| r.arrival_ms);
        let millis_behind_latest = match (caught_up, last_arrival) {
            (true, _) | (false, None) => 0,
            (false, Some(arrival)) => (now_ms - arrival).div_ceil(1000) * 1000,
        };
        shard.buckets.read_bytes.take_into_debt(now_ms, bytes);
        let age = last_arrival.map_or(0, |arrival| now_ms - arrival);
        shard.count(
            config,
            now_ms,
            &[
                (Metric::GetRecordsSuccess, 1),
                (Metric::GetRecordsRecords, records.len() as u64),
                (Metric::GetRecordsBytes, bytes),
                (Metric::GetRecordsIteratorAgeMilliseconds, age),
            ],
        );

        // A closed shard read to its end: no next iterator, and the children to go on with.
        let at_end = shard.closed_ms.is_some() && records.is_empty() && caught_up;
        if at_end {
            let children = shard.children.clone();
            let child_shards = children
                .iter()
                .filter_map(|&child| stream.shards.get(child as usize))
                .map(|child| ChildShard {
                    shard_id: child.id(),
                    parent_shards: child
                        .parent
                        .into_iter()
                        .chain(child.adjacent_parent)
                        .map(shard_id)
                        .collect(),
                    hash_key_range: child.range,
                })
                .collect();
            return Ok(GetRecordsOutput {
                records,
                next_shard_iterator: None,
                millis_behind_latest: 0,
                child_shards: Some(child_shards),
            });
        }
        let next = ShardIterator {
            position: next_position,
            issued_ms: now_ms,
            ..iterator
        };
        Ok(GetRecordsOutput {
            records,
            next_shard_iterator: Some(next.encode()),
            millis_behind_latest,
            child_shards: None,
        })
    }
}
