//! Sequence numbers a caller sends, decoded as AWS decodes them: the three layouts.
//!
//! Kinesis writes only the "version 2" layout today ([`super::sequence`]), but its decoder
//! still reads the two older ones, and its answers to a number it did not write follow from
//! that decoding. kinesalite's author ran its test suite against real Kinesis and wrote down
//! what AWS answered (mhart/kinesalite test/getShardIterator.js and test/putRecord.js); its
//! `parseSequence` (db/index.js) is the decoder that reproduces every one of those answers, and
//! this module follows it:
//!
//! - A number below 2^124 has 2^124 added first. Anything then below 2^129 is **version 0**:
//!   in its hex digits, 1..10 are the shard creation second and 28..32 the shard index. So
//!   `"5"` encodes `shardId-000000000005` ("Invalid StartingSequenceNumber. It encodes
//!   shardId-000000000005, ...") and `"0"` encodes shard 0, which AWS then fails with an
//!   InternalFailure (a version-0 number never matches a shard's version-2 numbers).
//! - A 47-hex-digit number starting with `2` is **version 1** or **version 2** by its last
//!   digit. Version 1 (`2 | creation (9) | shard low digit | ?? (2) | record time (9) | random
//!   (14) | index (2) | shard index (8) | 1`) is accepted as a SequenceNumberForOrdering, as
//!   AWS accepts the all-zero one ("should work with SequenceNumberForOrdering all 0 with
//!   version 1"). Version 2 is [`SequenceNumber`].
//! - Anything else, a creation second at or after 16025175000, or a version-2 sequence index
//!   of 8 or more in its first hex digit, is invalid.
//!
//! The shard index field is read as a Java `int`, so `0x80000000` is -2147483648 and AWS
//! names it `shardId--02147483648` ([`encoded_shard_id`]).

use super::sequence::SequenceNumber;

/// The largest shard creation second AWS's decoder accepts, plus one.
const CREATION_SECS_LIMIT: u64 = 16_025_175_000;

/// A sequence number sent in a request, in whichever layout it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SentSequenceNumber {
    /// The layout Kinesis (and Shardlab) writes.
    V2(SequenceNumber),
    /// The layout before it: still decoded, but never one of a current shard's numbers.
    V1 {
        shard_created_secs: u64,
        shard_index: u32,
        record_secs: u64,
    },
    /// The first layout, with a 16-bit shard index and no record time.
    V0 {
        shard_created_secs: u64,
        shard_index: u32,
    },
}

impl SentSequenceNumber {
    /// Decodes a decimal sequence number as AWS does; `None` when AWS calls it invalid.
    pub fn decode(text: &str) -> Option<SentSequenceNumber> {
        let mut limbs = super::sequence::parse_decimal_192(text)?;
        if limbs[2] == 0 && limbs[1] < 1 << 60 {
            limbs[1] += 1 << 60; // below 2^124: 2^124 is added
        }
        if limbs[2] <= 1 {
            let hex = hex_digits(limbs);
            let shard_created_secs = hex_field(&hex, 1..10)?;
            return (shard_created_secs < CREATION_SECS_LIMIT).then_some(Self::V0 {
                shard_created_secs,
                shard_index: hex_field(&hex, 28..32)? as u32,
            });
        }
        let above_2_185 = limbs[2] > 1 << 57 || (limbs[2] == 1 << 57 && limbs[..2] != [0, 0]);
        if !above_2_185 || limbs[2] >= 3 << 56 {
            return None;
        }
        match limbs[0] & 0xf {
            2 => SequenceNumber::parse(text).map(Self::V2),
            1 => {
                let hex = hex_digits(limbs);
                Some(Self::V1 {
                    shard_created_secs: hex_field(&hex, 1..10)?,
                    shard_index: hex_field(&hex, 38..46)? as u32,
                    record_secs: hex_field(&hex, 13..22)?,
                })
            }
            _ => None,
        }
    }

    /// The shard index field, as its 32 bits (see [`encoded_shard_id`] for AWS's reading).
    pub fn shard_index(&self) -> u32 {
        match *self {
            Self::V2(number) => number.shard_index,
            Self::V1 { shard_index, .. } | Self::V0 { shard_index, .. } => shard_index,
        }
    }

    /// When the record was written, epoch seconds (version 0 has no such field).
    pub fn record_secs(&self) -> Option<u64> {
        match *self {
            Self::V2(number) => Some(number.record_secs),
            Self::V1 { record_secs, .. } => Some(record_secs),
            Self::V0 { .. } => None,
        }
    }
}

/// The shard id a sequence number's shard index field names in AWS's messages: the field read
/// as a Java `int` and printed as `shardId-%012d`, so a set top bit gives a negative index
/// (`shardId--02147483648`, kinesalite's AWS-validated test "should return
/// InvalidArgumentException for 8 near end of StartingSequenceNumber").
pub fn encoded_shard_id(shard_index: u32) -> String {
    format!("shardId-{:012}", shard_index as i32)
}

/// The hex digits of a 192-bit value, without leading zeros.
fn hex_digits(limbs: [u64; 3]) -> String {
    match limbs {
        [low, 0, 0] => format!("{low:x}"),
        [low, mid, 0] => format!("{mid:x}{low:016x}"),
        [low, mid, high] => format!("{high:x}{mid:016x}{low:016x}"),
    }
}

/// The value of hex digits `range` of `hex`.
fn hex_field(hex: &str, range: std::ops::Range<usize>) -> Option<u64> {
    u64::from_str_radix(hex.get(range)?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The decimal of a hex string (how kinesalite's tests write their numbers).
    fn decimal(hex: &str) -> String {
        let limbs = hex.chars().fold([0u64; 3], |mut limbs, c| {
            let mut carry = u128::from(c.to_digit(16).unwrap());
            for limb in limbs.iter_mut() {
                let product = u128::from(*limb) * 16 + carry;
                *limb = product as u64;
                carry = product >> 64;
            }
            limbs
        });
        crate::engine::sequence::format_decimal_192(limbs)
    }

    #[test]
    fn small_numbers_are_version_0_with_their_shard_index() {
        assert_eq!(
            SentSequenceNumber::decode("5"),
            Some(SentSequenceNumber::V0 {
                shard_created_secs: 0,
                shard_index: 5
            })
        );
        assert_eq!(SentSequenceNumber::decode("0").unwrap().shard_index(), 0);
        assert_eq!(SentSequenceNumber::decode("0").unwrap().record_secs(), None);
    }

    #[test]
    fn the_numbers_aws_called_invalid_are_invalid() {
        // Each from kinesalite's AWS-validated tests (test/getShardIterator.js,
        // test/putRecord.js): a large date, versions 0/3/4 at 47 digits, a leading 1 or 3,
        // an 8 in the sequence index, all f.
        for hex in [
            "13bb2cc3d80000000000000000000000",
            "20000000000000000000000000000000000000000000000",
            "20000000000000000000000000000000000000000000003",
            "20000000000000000000000000000000000000000000004",
            "30000000000000000000000000000000000000000000001",
            "1ffffffffff7fffffffffffffff000000000007fffffff2",
            "20000000000800000000000000000000000000000000002",
            "2ffffffffff7fffffffffffffff000000000007fffffff2",
        ] {
            assert_eq!(SentSequenceNumber::decode(&decimal(hex)), None, "{hex}");
        }
        assert_eq!(
            decimal("13bb2cc3d80000000000000000000000"),
            "26227199374822427428162556223570313216"
        );
    }

    #[test]
    fn version_1_and_2_numbers_decode() {
        let v1 = decimal("20000000000000000000000000000000000000000000001");
        assert_eq!(
            v1,
            "49039857307708443467467104868809893875799651909875269633"
        );
        assert_eq!(
            SentSequenceNumber::decode(&v1),
            Some(SentSequenceNumber::V1 {
                shard_created_secs: 0,
                shard_index: 0,
                record_secs: 0
            })
        );
        let negative =
            SentSequenceNumber::decode(&decimal("20000000000000000000000000000000000000800000002"))
                .unwrap();
        assert!(matches!(negative, SentSequenceNumber::V2(_)));
        assert_eq!(
            encoded_shard_id(negative.shard_index()),
            "shardId--02147483648"
        );
        assert_eq!(encoded_shard_id(5), "shardId-000000000005");
    }
}
