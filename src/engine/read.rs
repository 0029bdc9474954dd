//! The read path: what one GetRecords call returns from a shard, and what it costs.
//!
//! Reads share the shard's limits with every other reader: five calls per second and
//! 2 MiB per second. A call may return up to 10 MiB and then leaves the shard in debt, so the
//! next calls fail with ProvisionedThroughputExceededException until it is repaid. At the end
//! of a closed shard there is no next iterator and `ChildShards` says where to go next.
//!
//! This is the core under GetRecords, and what the simulation's consumers and KCL workers
//! call directly: [`Kinesis::read`] visits records without rebuilding their keys and data, so
//! a consumer that only counts never pays for them. The GetRecords action materializes them.

use base64::Engine as _;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::clock_text::java_date;
use super::error::{ApiError, ErrorKind};
use super::hash_key::HashKeyRange;
use super::iterator::ShardIterator;
use super::kinesis::Kinesis;
use super::metrics::Metric;
use super::records::RecordRef;
use super::sequence::SequenceNumber;
use super::shard_id::shard_id;

/// Records per call when the caller sets no `Limit`, and the most it may ask for.
pub const MAX_LIMIT: usize = 10_000;
/// Bytes per call: 10 MiB.
pub const MAX_BYTES_PER_CALL: u64 = 10 * 1024 * 1024;

/// Where to read after a closed shard ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChildShard {
    pub shard_id: String,
    pub parent_shards: Vec<String>,
    pub hash_key_range: HashKeyRange,
}

/// A record as GetRecords returns it (and SubscribeToShard's events carry it).
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
            &(self.arrival_ms as f64 / 1000.0),
        )?;
        record.serialize_field(
            "Data",
            &base64::engine::general_purpose::STANDARD.encode(&self.data),
        )?;
        record.serialize_field("PartitionKey", &self.partition_key)?;
        record.end()
    }
}

/// What one read returned, before any record is materialized: the simulation's consumers
/// only need counts, bytes and positions, so they never rebuild keys or data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOutcome {
    pub shard_index: u32,
    pub count: u64,
    pub bytes: u64,
    /// Sequence indices of the first and last record returned.
    pub first_seq_ix: Option<u64>,
    pub last_seq_ix: Option<u64>,
    pub last_arrival_ms: Option<u64>,
    /// Where to read next; `None` at the end of a closed shard.
    pub next: Option<ShardIterator>,
    pub millis_behind_latest: u64,
    /// At the end of a closed shard: where to go next.
    pub child_shards: Option<Vec<ChildShard>>,
}

impl Kinesis {
    /// Reads from a decoded iterator, calling `visit` for each record returned, with every
    /// check, limit and metric of GetRecords.
    pub fn read(
        &mut self,
        now_ms: u64,
        iterator: &ShardIterator,
        limit: usize,
        mut visit: impl FnMut(&RecordRef<'_>),
    ) -> Result<ReadOutcome, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        if iterator.issued_ms > now_ms {
            return Err(ApiError::invalid_argument("Invalid ShardIterator."));
        }
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

        // Records past retention are never returned, trimmed yet or not.
        let cutoff = now_ms.saturating_sub(retention_ms);
        let retained_from = shard
            .records
            .first_seq_at_or_after_time(cutoff)
            .unwrap_or(shard.next_seq_ix);
        let start = iterator.position.max(retained_from);
        let limit = limit.clamp(1, MAX_LIMIT) as u64;
        let (mut count, mut bytes) = (0u64, 0u64);
        let (mut first_seq_ix, mut last_seq_ix, mut last_arrival_ms) = (None, None, None);
        let mut more = false;
        for record in shard.records.iter_from(start) {
            if count >= limit || (bytes + record.size > MAX_BYTES_PER_CALL && count > 0) {
                more = true;
                break;
            }
            count += 1;
            bytes += record.size;
            first_seq_ix.get_or_insert(record.seq_ix);
            last_seq_ix = Some(record.seq_ix);
            last_arrival_ms = Some(record.arrival_ms);
            visit(&record);
        }
        let millis_behind_latest = match (more, last_arrival_ms) {
            (true, Some(arrival)) => (now_ms - arrival).div_ceil(1000) * 1000,
            _ => 0,
        };
        shard.buckets.read_bytes.take_into_debt(now_ms, bytes);
        let age = last_arrival_ms.map_or(0, |arrival| now_ms - arrival);
        shard.count(
            config,
            now_ms,
            &[
                (Metric::GetRecordsSuccess, 1),
                (Metric::GetRecordsRecords, count),
                (Metric::GetRecordsBytes, bytes),
                (Metric::GetRecordsIteratorAgeMilliseconds, age),
            ],
        );
        let shard_index = shard.index;
        let next_position = last_seq_ix.map_or(start, |last| last + 1);

        // A closed shard read to its end: no next iterator, and the children to go on with.
        if shard.closed_ms.is_some() && count == 0 && !more {
            let children = shard.children.clone();
            let child_shards = child_shards(&stream.shards, &children);
            return Ok(ReadOutcome {
                shard_index,
                count,
                bytes,
                first_seq_ix,
                last_seq_ix,
                last_arrival_ms,
                next: None,
                millis_behind_latest: 0,
                child_shards: Some(child_shards),
            });
        }
        // (A closed shard read to its end returned nothing: no bytes to count above.)
        stream.usage.record_read(bytes);
        Ok(ReadOutcome {
            shard_index,
            count,
            bytes,
            first_seq_ix,
            last_seq_ix,
            last_arrival_ms,
            next: Some(ShardIterator {
                position: next_position,
                issued_ms: now_ms,
                ..iterator.clone()
            }),
            millis_behind_latest,
            child_shards: None,
        })
    }
}

/// The `ChildShards` of a closed shard read to its end: each of its `children` (indices into
/// the stream's `shards`) with its parents and range, as GetRecords and a subscription's last
/// event give them.
pub(crate) fn child_shards(shards: &[super::shard::Shard], children: &[u32]) -> Vec<ChildShard> {
    children
        .iter()
        .filter_map(|&child| shards.get(child as usize))
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
        .collect()
}
