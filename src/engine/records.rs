//! A shard's records, in sequence order, trimmed by retention.
//!
//! Records arrive in simulated-time order and get increasing sequence indices, so the log is
//! sorted both by `seq_ix` and by arrival time: positions are found by binary search, and
//! retention trims from the front. Memory of trimmed records is handed back.

use std::collections::VecDeque;

/// One record as the shard keeps it: partition key and data share one allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    /// The per-shard sequence index (the counter field of its sequence number).
    pub seq_ix: u64,
    /// ApproximateArrivalTimestamp, epoch milliseconds.
    pub arrival_ms: u64,
    /// The partition key's UTF-8 bytes followed by the data.
    payload: Box<[u8]>,
    key_len: u16,
}

impl StoredRecord {
    pub fn new(seq_ix: u64, arrival_ms: u64, partition_key: &str, data: &[u8]) -> Self {
        // A partition key is at most 256 characters, so at most 1,024 bytes.
        let key = &partition_key.as_bytes()[..partition_key.len().min(u16::MAX as usize)];
        let mut payload = Vec::with_capacity(key.len() + data.len());
        payload.extend_from_slice(key);
        payload.extend_from_slice(data);
        StoredRecord {
            seq_ix,
            arrival_ms,
            payload: payload.into_boxed_slice(),
            key_len: key.len() as u16,
        }
    }

    pub fn partition_key(&self) -> &str {
        std::str::from_utf8(&self.payload[..usize::from(self.key_len)]).unwrap_or_default()
    }

    pub fn data(&self) -> &[u8] {
        &self.payload[usize::from(self.key_len)..]
    }

    /// What the record counts against read limits: its data plus its partition key.
    pub fn size(&self) -> u64 {
        self.payload.len() as u64
    }
}

/// The records of one shard.
#[derive(Clone, Debug, Default)]
pub struct RecordLog {
    records: VecDeque<StoredRecord>,
    bytes: u64,
}

impl RecordLog {
    pub fn push(&mut self, record: StoredRecord) {
        debug_assert!(self
            .records
            .back()
            .is_none_or(|last| last.seq_ix < record.seq_ix));
        self.bytes += record.size();
        self.records.push_back(record);
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Bytes of partition keys and data held.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    pub fn first(&self) -> Option<&StoredRecord> {
        self.records.front()
    }

    pub fn last(&self) -> Option<&StoredRecord> {
        self.records.back()
    }

    /// Position of the first record with `seq_ix >= at`.
    pub fn position_of_seq(&self, at: u64) -> usize {
        self.records.partition_point(|r| r.seq_ix < at)
    }

    /// Position of the first record that arrived at or after `ms`.
    pub fn position_of_time(&self, ms: u64) -> usize {
        self.records.partition_point(|r| r.arrival_ms < ms)
    }

    /// The record at `position`, if any.
    pub fn get(&self, position: usize) -> Option<&StoredRecord> {
        self.records.get(position)
    }

    /// Records from `position` on, in order.
    pub fn iter_from(&self, position: usize) -> impl Iterator<Item = &StoredRecord> {
        self.records.range(position.min(self.records.len())..)
    }

    /// Drops every record that arrived before `cutoff_ms`; returns how many were dropped.
    pub fn trim_before(&mut self, cutoff_ms: u64) -> usize {
        let drop = self.position_of_time(cutoff_ms);
        for record in self.records.drain(..drop) {
            self.bytes -= record.size();
        }
        if self.records.capacity() > 64 && self.records.len() < self.records.capacity() / 4 {
            self.records.shrink_to(self.records.len() * 2);
        }
        drop
    }
}
