//! The write path every record takes: routed, charged, throttled or numbered, stored, counted.
//!
//! A record's partition key is hashed (MD5, big-endian) unless an `ExplicitHashKey` names the
//! hash key directly; the record goes to the open shard whose range holds the hash key. That
//! shard's buckets decide whether it fits in this instant's share of 1 MiB/s and 1,000
//! records/s; how much it takes depends on the call ([`WriteCall`]).
//!
//! This is the core under PutRecord and PutRecords, which parse a request, call
//! `Stream::write` once per record and shape the response. Records from the simulation's
//! producers take the same buckets and metrics through `generated`.

use super::config::Config;
use super::error::ApiError;
use super::kinesis::Kinesis;
use super::records::StoredRecord;
use super::sequence::SequenceNumber;
use super::shard_id::shard_id;
use super::stream::Stream;
use super::write_call::WriteCall;

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

impl Kinesis {
    /// The stream a write goes to (ACTIVE or UPDATING) and the config its metrics are kept
    /// by, or AWS's ResourceNotFoundException.
    pub(crate) fn stream_for_write(
        &mut self,
        stream_name: &str,
    ) -> Result<(&Config, &mut Stream), ApiError> {
        let Kinesis {
            config, streams, ..
        } = self;
        match streams.get_mut(stream_name).filter(|s| s.is_serving()) {
            Some(stream) => Ok((config, stream)),
            None => Err(ApiError::resource_not_found(format!(
                "Stream {stream_name} under account {} not found.",
                config.account_id
            ))),
        }
    }
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
        let charged = call.charge(size);
        let buckets = &mut shard.buckets;
        let fits = buckets.write_records.has(now_ms, 1) && buckets.write_bytes.has(now_ms, charged);
        // Both buckets were just refilled to `now_ms`; take from both or from neither.
        if !fits {
            shard.count(config, now_ms, &call.metrics(0, 0, 1));
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
        shard.count(config, now_ms, &call.metrics(1, size, 0));
        let sequence_number = shard.sequence_number(seq_ix, now_ms);
        self.usage.record_put(size);
        WriteOutcome::Accepted {
            shard_index,
            sequence_number,
        }
    }
}
