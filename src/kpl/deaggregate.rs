//! The KCL's side of aggregation: `AggregatorUtil.deaggregate` as `ProcessTask` calls it,
//! with the shard's hash key range, and the (sequence, sub-sequence) order of user records.
//!
//! Each user record of an aggregate keeps the Kinesis record's sequence number and gets a
//! sub-sequence number, its 0-based index in the aggregate. A user record whose hash key lies
//! outside the shard's range (an aggregate the KPL sent with a stale shard map) makes the KCL
//! drop it, every later user record of the aggregate, and those of the aggregate it already
//! kept: the whole aggregate is skipped. A record that is not an aggregate (no magic number,
//! a wrong MD5) is one user record with sub-sequence number 0, passed through unchanged.
//!
//! Kept here, not in `kcl::app`, so the KCL model's hook stays one call.

use serde::Serialize;

use super::aggregated::decode;
use crate::engine::records::Stretch;
use crate::engine::shard::Shard;
use crate::engine::HashKeyRange;

/// What de-aggregating one Kinesis record gives the record processor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deaggregated {
    /// User records handed to the record processor (0 if the aggregate was dropped).
    pub user_records: u64,
    /// User records dropped for lying outside the shard's hash key range.
    pub dropped: u64,
    /// The sub-sequence number of the last user record handed on (0 for a plain record).
    pub last_sub_sequence: u64,
    /// Whether the record was an aggregate.
    pub aggregated: bool,
}

/// De-aggregates one Kinesis record's data read from the shard with `range`.
pub fn deaggregate(data: &[u8], range: &HashKeyRange) -> Deaggregated {
    let Some(records) = decode(data) else {
        return Deaggregated {
            user_records: 1,
            dropped: 0,
            last_sub_sequence: 0,
            aggregated: false,
        };
    };
    let total = records.len() as u64;
    if records.iter().any(|r| !range.contains(r.hash_key())) {
        return Deaggregated {
            user_records: 0,
            dropped: total,
            last_sub_sequence: 0,
            aggregated: true,
        };
    }
    Deaggregated {
        user_records: total,
        dropped: 0,
        last_sub_sequence: total.saturating_sub(1),
        aggregated: true,
    }
}

/// What the KCL made of the user records of a batch of Kinesis records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UserRecordStats {
    /// User records handed to the record processor.
    pub user_records: u64,
    /// Aggregated records among the Kinesis records.
    pub aggregated_records: u64,
    /// User records dropped for lying outside the shard's hash key range.
    pub dropped_user_records: u64,
}

impl UserRecordStats {
    pub fn add(&mut self, other: &UserRecordStats) {
        self.user_records += other.user_records;
        self.aggregated_records += other.aggregated_records;
        self.dropped_user_records += other.dropped_user_records;
    }
}

/// De-aggregates the records of `shard` with sequence indices `first..=last`, as the KCL's
/// `ProcessTask` does before `processRecords`: the user records of the batch, and the
/// sub-sequence number of its last user record (what `checkpoint()` writes as
/// `checkpointSubSequenceNumber`). Records a producer generated are never aggregates.
pub fn batch(shard: &Shard, first: u64, last: u64) -> (UserRecordStats, u64) {
    let mut stats = UserRecordStats::default();
    let mut last_sub_sequence = 0;
    // By stretches, not record by record: a run of generated records is counted without
    // rebuilding each one (this runs for every batch a KCL application processes).
    for stretch in shard.records.stretches(first, last) {
        let stored = match stretch {
            Stretch::Generated(n) => {
                stats.user_records += n;
                last_sub_sequence = 0;
                continue;
            }
            Stretch::Stored(stored) => stored,
        };
        let out = deaggregate(stored.data(), &shard.range);
        stats.user_records += out.user_records;
        stats.dropped_user_records += out.dropped;
        stats.aggregated_records += u64::from(out.aggregated);
        last_sub_sequence = out.last_sub_sequence;
    }
    (stats, last_sub_sequence)
}

/// How many of a record's user records come after the checkpoint (`checkpoint`,
/// `checkpointSubSequenceNumber`): `ProcessTask` drops every user record at or below it
/// after a restart. `sub_sequence` is `None` when the checkpoint is at another record.
pub fn after_checkpoint(user_records: u64, sub_sequence: Option<u64>) -> u64 {
    match sub_sequence {
        Some(sub) => user_records.saturating_sub(sub + 1),
        None => user_records,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::hash_key_of;
    use crate::kpl::aggregated::{encode, UserRecord};

    const ALL: HashKeyRange = HashKeyRange {
        starting_hash_key: 0,
        ending_hash_key: u128::MAX,
    };

    #[test]
    fn an_aggregate_gives_its_user_records_with_sub_sequence_numbers() {
        let data = encode(&[UserRecord::new("a", b"1"), UserRecord::new("b", b"2")]);
        let out = deaggregate(&data, &ALL);
        assert_eq!((out.user_records, out.last_sub_sequence), (2, 1));
        assert!(out.aggregated);
        assert_eq!(deaggregate(b"plain", &ALL).user_records, 1);
    }

    #[test]
    fn an_out_of_range_user_record_drops_the_whole_aggregate() {
        let low = HashKeyRange {
            starting_hash_key: 0,
            ending_hash_key: hash_key_of("a"),
        };
        let keys = ["a", "b"];
        let (inside, outside): (Vec<&str>, Vec<&str>) =
            keys.iter().partition(|k| low.contains(hash_key_of(k)));
        assert_eq!((inside.len(), outside.len()), (1, 1));
        let data = encode(&[
            UserRecord::new(inside[0], b""),
            UserRecord::new(outside[0], b""),
        ]);
        let out = deaggregate(&data, &low);
        assert_eq!((out.user_records, out.dropped), (0, 2));
    }

    #[test]
    fn a_sub_sequence_checkpoint_skips_the_user_records_at_or_below_it() {
        assert_eq!(after_checkpoint(10, Some(3)), 6);
        assert_eq!(after_checkpoint(10, Some(9)), 0);
        assert_eq!(after_checkpoint(10, None), 10);
    }
}
