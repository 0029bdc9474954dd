//! Partition keys, hash keys and the ranges shards own.
//!
//! Kinesis never looks at a partition key's text when it routes a record. It takes the MD5
//! digest of the key's UTF-8 bytes, reads those 16 bytes as one big-endian unsigned 128-bit
//! integer (the *hash key*), and sends the record to the open shard whose
//! `[StartingHashKey, EndingHashKey]` range holds that number. An `ExplicitHashKey` on the
//! request skips the MD5 step and names the number directly.
//!
//! Rust's `u128` holds a hash key exactly, so no big-integer crate is needed; AWS prints hash
//! keys as decimal strings, and so does everything here that a learner sees.
//!
//! Reference: `kinesis-data-streams.md` sections 2.1 (the space), 2.2 (CreateStream's even
//! split) and 3 (routing, with worked examples that the tests check).

use serde::{Deserialize, Serialize};

/// The largest hash key, 2^128 - 1 = 340282366920938463463374607431768211455.
pub const MAX_HASH_KEY: u128 = u128::MAX;

/// The hash key Kinesis computes for a partition key: MD5 of its UTF-8 bytes, big-endian.
pub fn hash_key_of(partition_key: &str) -> u128 {
    u128::from_be_bytes(md5_of(partition_key))
}

/// The raw MD5 digest of a partition key, for showing the learner each step of the routing.
pub fn md5_of(partition_key: &str) -> [u8; 16] {
    md5::compute(partition_key.as_bytes()).0
}

/// The MD5 digest as 32 lower-case hex digits, as `md5sum` prints it.
pub fn md5_hex(partition_key: &str) -> String {
    format!("{:x}", md5::compute(partition_key.as_bytes()))
}

/// An inclusive range of hash keys, `StartingHashKey..=EndingHashKey`, as a shard owns it.
///
/// Serialized the way the Kinesis API shows it: both ends as decimal strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HashKeyRange {
    #[serde(rename = "StartingHashKey", with = "decimal")]
    pub starting_hash_key: u128,
    #[serde(rename = "EndingHashKey", with = "decimal")]
    pub ending_hash_key: u128,
}

impl HashKeyRange {
    /// The whole hash key space, `0..=2^128-1`.
    pub const ALL: HashKeyRange = HashKeyRange {
        starting_hash_key: 0,
        ending_hash_key: MAX_HASH_KEY,
    };

    /// Whether `hash_key` falls in this range (both ends inclusive).
    pub fn contains(&self, hash_key: u128) -> bool {
        self.starting_hash_key <= hash_key && hash_key <= self.ending_hash_key
    }

    /// The ranges `CreateStream` gives a stream of `shard_count` shards.
    ///
    /// Each shard is `floor(2^128 / N)` wide and the last one absorbs the remainder, exactly
    /// as AWS does (not `floor((2^128 - 1) / N)`, the off-by-one some mocks use). Returns an
    /// empty list for zero shards.
    pub fn even_split(shard_count: u32) -> Vec<HashKeyRange> {
        (0..shard_count)
            .map(|i| Self::even_split_part(i, shard_count))
            .collect()
    }

    /// Range `index` of [`HashKeyRange::even_split`]`(shard_count)`, without building the list.
    /// `index` must be below `shard_count`.
    pub fn even_split_part(index: u32, shard_count: u32) -> HashKeyRange {
        let width = even_width(shard_count);
        let starting_hash_key = u128::from(index) * width;
        let ending_hash_key = if index + 1 >= shard_count {
            MAX_HASH_KEY
        } else {
            starting_hash_key + width - 1
        };
        HashKeyRange {
            starting_hash_key,
            ending_hash_key,
        }
    }
}

/// `floor(2^128 / n)` for `n >= 1`, computed without overflowing `u128`.
fn even_width(n: u32) -> u128 {
    match n {
        0 | 1 => MAX_HASH_KEY, // one shard covers everything; 0 is never asked for a width
        n => {
            // 2^128 = MAX + 1, so floor(2^128 / n) = floor(MAX / n) + (1 if n divides MAX + 1).
            let n = u128::from(n);
            MAX_HASH_KEY / n + u128::from(MAX_HASH_KEY % n == n - 1)
        }
    }
}

/// Serde helpers that write a `u128` as AWS does: a decimal string.
pub mod decimal {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &u128, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u128, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map_err(|_| D::Error::custom(format!("not a 128-bit decimal: {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_of_one_shard_is_the_whole_space() {
        assert_eq!(HashKeyRange::even_split(1), vec![HashKeyRange::ALL]);
    }

    #[test]
    fn power_of_two_widths_are_exact() {
        assert_eq!(even_width(2), 1u128 << 127);
        assert_eq!(even_width(4), 1u128 << 126);
        assert_eq!(even_width(8), 1u128 << 125);
    }

    #[test]
    fn ranges_tile_the_space() {
        for n in 1..=40 {
            let ranges = HashKeyRange::even_split(n);
            assert_eq!(ranges[0].starting_hash_key, 0);
            assert_eq!(ranges.last().map(|r| r.ending_hash_key), Some(MAX_HASH_KEY));
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].ending_hash_key + 1, pair[1].starting_hash_key);
            }
        }
    }
}
