//! Shard ids: `shardId-` followed by a 12-digit, zero-padded index.
//!
//! A stream hands out shard indices in order and never reuses one: the children of a split
//! or merge take the next indices after the highest ever allocated, so closed and expired
//! shards keep theirs (reference section 2.3).
//!
//! On input AWS is lenient: any id whose part after the first `-` is all digits names that
//! index (`shardId-0`, `shard-1`, even `xyz-2`), and so does an id with no `-` at all that is
//! all digits (`"1"`, `"00001"`, `"2147483647"`), as long as the index fits in a Java `int`.
//! kinesalite's AWS-validated tests show both forms (mhart/kinesalite test/getShardIterator.js,
//! splitShard.js, mergeShards.js: "unknown stream and shard ID just small enough" sends
//! `"2147483647"` and AWS answers about `shardId-002147483647`).

/// The largest shard index AWS accepts on input (Java's `Integer.MAX_VALUE`).
pub const MAX_SHARD_INDEX: u32 = i32::MAX as u32;

/// The canonical id of the shard with this index, e.g. `shardId-000000000003`.
pub fn shard_id(index: u32) -> String {
    ShardId(index).to_string()
}

/// A shard index that prints and serializes as its id, without building a string until
/// one is needed (a typed PutRecord answer carries one per record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShardId(pub u32);

impl std::fmt::Display for ShardId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "shardId-{:012}", self.0)
    }
}

impl serde::Serialize for ShardId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The index a shard id names, accepting the same loose forms AWS does; `None` when the id
/// names no index (then AWS answers ResourceNotFoundException).
pub fn parse_shard_id(id: &str) -> Option<u32> {
    let digits = match id.split_once('-') {
        Some((_, digits)) => digits,
        None => id,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Leading zeros are allowed and there may be many; strip them before the range check.
    let significant = digits.trim_start_matches('0');
    if significant.len() > 10 {
        return None;
    }
    let index: u64 = if significant.is_empty() {
        0
    } else {
        significant.parse().ok()?
    };
    u32::try_from(index)
        .ok()
        .filter(|index| *index <= MAX_SHARD_INDEX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_twelve_digits() {
        assert_eq!(shard_id(0), "shardId-000000000000");
        assert_eq!(shard_id(14), "shardId-000000000014");
    }

    #[test]
    fn parses_the_forms_aws_accepts() {
        assert_eq!(parse_shard_id("shardId-000000000003"), Some(3));
        assert_eq!(parse_shard_id("shardId-0"), Some(0));
        assert_eq!(parse_shard_id("shard-1"), Some(1));
        assert_eq!(parse_shard_id("xyz-2"), Some(2));
        assert_eq!(parse_shard_id("shardId-2147483647"), Some(MAX_SHARD_INDEX));
        assert_eq!(parse_shard_id("shardId-2147483648"), None);
        assert_eq!(parse_shard_id("shardId-"), None);
        assert_eq!(parse_shard_id("shardId-1a"), None);
        assert_eq!(parse_shard_id("shardId"), None);
        assert_eq!(parse_shard_id("2147483647"), Some(MAX_SHARD_INDEX));
        assert_eq!(parse_shard_id("00001"), Some(1));
        assert_eq!(parse_shard_id("0"), Some(0));
        assert_eq!(parse_shard_id("2147483648"), None);
        assert_eq!(parse_shard_id("2.14E4"), None);
        assert_eq!(parse_shard_id("ABKLFD8"), None);
        assert_eq!(parse_shard_id("-00002147483647"), Some(MAX_SHARD_INDEX));
        assert_eq!(parse_shard_id("shardId-99999999999999999999999"), None);
    }
}
