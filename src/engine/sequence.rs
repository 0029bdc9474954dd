//! Sequence numbers in AWS's "version 2" layout.
//!
//! A Kinesis sequence number looks like an opaque 56-digit decimal string, but it is a
//! 188-bit number with fields (reference section 4.1). Written in hex it is 47 digits:
//!
//! ```text
//! 2 | shard creation time (s, 9 hex) | shard index low digit | sequence index (16 hex)
//!   | 00 | record time (s, 9 hex) | shard index (8 hex) | 2
//! ```
//!
//! The sequence index sits above the record time, so within a shard numbers order by the
//! index: that is why they strictly increase. Shardlab produces exactly this layout, so a
//! learner can decode a number and find the shard and second it came from, and numbers from
//! AWS documentation decode here too.
//!
//! 188 bits do not fit in a `u128`; decimal conversion uses three 64-bit limbs. That is a few
//! lines of arithmetic, so no big-integer crate is pulled in for it.

use std::cmp::Ordering;
use std::fmt;

/// The sequence index of a closed shard's `EndingSequenceNumber`.
pub const ENDING_SEQ_IX: u64 = 0x7fff_ffff_ffff_ffff;

/// Largest shard creation time (epoch seconds) AWS accepts in a sequence number.
const MAX_CREATION_SECS: u64 = 16_025_175_000;

const MASK_36: u64 = (1 << 36) - 1;
const MASK_48: u128 = (1 << 48) - 1;

/// One decoded sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SequenceNumber {
    /// When the shard was created, epoch seconds.
    pub shard_created_secs: u64,
    /// The shard's index (`shardId-000000000007` is 7).
    pub shard_index: u32,
    /// The per-shard counter; `ENDING_SEQ_IX` marks a closed shard's end.
    pub seq_ix: u64,
    /// When the record arrived, epoch seconds (the creation time for a starting number).
    pub record_secs: u64,
}

impl SequenceNumber {
    /// The 188-bit value as (high 60 bits, low 128 bits).
    fn to_parts(self) -> (u64, u128) {
        let seq = u128::from(self.seq_ix);
        let lo = 2
            | (u128::from(self.shard_index) << 4)
            | (u128::from(self.record_secs & MASK_36) << 36)
            | ((seq & MASK_48) << 80);
        let hi = (self.seq_ix >> 48)
            | (u64::from(self.shard_index & 0xf) << 16)
            | ((self.shard_created_secs & MASK_36) << 20)
            | (2 << 56);
        (hi, lo)
    }

    fn limbs(self) -> [u64; 3] {
        let (hi, lo) = self.to_parts();
        [lo as u64, (lo >> 64) as u64, hi]
    }

    /// Parses a decimal sequence number; `None` unless it is a valid version-2 number.
    pub fn parse(text: &str) -> Option<SequenceNumber> {
        let limbs = parse_decimal_192(text)?;
        let hi = limbs[2];
        let lo = (u128::from(limbs[1]) << 64) | u128::from(limbs[0]);
        if hi >> 56 != 2 || lo & 0xf != 2 {
            return None;
        }
        let seq_ix = ((hi & 0xffff) << 48) | ((lo >> 80) & MASK_48) as u64;
        let number = SequenceNumber {
            shard_created_secs: (hi >> 20) & MASK_36,
            shard_index: ((lo >> 4) & 0xffff_ffff) as u32,
            seq_ix,
            record_secs: ((lo >> 36) as u64) & MASK_36,
        };
        let low_digit_agrees = (hi >> 16) & 0xf == u64::from(number.shard_index & 0xf);
        let valid = seq_ix <= ENDING_SEQ_IX
            && number.shard_created_secs < MAX_CREATION_SECS
            && low_digit_agrees;
        valid.then_some(number)
    }

    /// The 47 hex digits of the layout, for explaining a number field by field.
    pub fn to_hex(self) -> String {
        let (hi, lo) = self.to_parts();
        format!("{hi:015x}{lo:032x}")
    }
}

impl Ord for SequenceNumber {
    fn cmp(&self, other: &Self) -> Ordering {
        self.to_parts().cmp(&other.to_parts())
    }
}

impl PartialOrd for SequenceNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for SequenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_decimal_192(self.limbs()))
    }
}

impl serde::Serialize for SequenceNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

const TEN_POW_19: u64 = 10_000_000_000_000_000_000;

/// Divides the little-endian limbs by `divisor` in place and returns the remainder.
fn div_rem(limbs: &mut [u64; 3], divisor: u64) -> u64 {
    let mut rem: u128 = 0;
    for limb in limbs.iter_mut().rev() {
        let current = (rem << 64) | u128::from(*limb);
        *limb = (current / u128::from(divisor)) as u64;
        rem = current % u128::from(divisor);
    }
    rem as u64
}

pub(super) fn format_decimal_192(mut limbs: [u64; 3]) -> String {
    let mut chunks = Vec::with_capacity(4);
    while limbs != [0; 3] {
        chunks.push(div_rem(&mut limbs, TEN_POW_19));
    }
    let Some((first, rest)) = chunks.split_last() else {
        return "0".to_string();
    };
    let mut out = first.to_string();
    for chunk in rest.iter().rev() {
        out.push_str(&format!("{chunk:019}"));
    }
    out
}

/// Parses a decimal string of digits into 192 bits; `None` if not all digits or too big.
pub(super) fn parse_decimal_192(text: &str) -> Option<[u64; 3]> {
    if text.is_empty() || text.len() > 130 {
        return None;
    }
    let mut limbs = [0u64; 3];
    for byte in text.bytes() {
        let digit = match byte {
            b'0'..=b'9' => u64::from(byte - b'0'),
            _ => return None,
        };
        let mut carry = u128::from(digit);
        for limb in limbs.iter_mut() {
            let product = u128::from(*limb) * 10 + carry;
            *limb = product as u64;
            carry = product >> 64;
        }
        if carry != 0 {
            return None;
        }
    }
    Some(limbs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_example_round_trips() {
        // Reference section 4.1: create=1700000000, shard 3, seqIx 5, time=1700000010.
        let number = SequenceNumber {
            shard_created_secs: 1_700_000_000,
            shard_index: 3,
            seq_ix: 5,
            record_secs: 1_700_000_010,
        };
        assert_eq!(
            number.to_hex(),
            "206553f100300000000000000050006553f10a000000032"
        );
        let text = number.to_string();
        assert_eq!(
            text,
            "49646437577175378652512468275256581209501448593861509170"
        );
        assert_eq!(text.len(), 56);
        assert_eq!(SequenceNumber::parse(&text), Some(number));
    }

    #[test]
    fn ending_sequence_numbers_still_have_56_digits() {
        let end = SequenceNumber {
            shard_created_secs: 1_700_000_000,
            shard_index: 12,
            seq_ix: ENDING_SEQ_IX,
            record_secs: 1_700_000_100,
        };
        assert_eq!(end.to_string().len(), 56);
        assert_eq!(SequenceNumber::parse(&end.to_string()), Some(end));
    }

    #[test]
    fn order_follows_the_counter_within_a_shard() {
        let at = |seq_ix, record_secs| SequenceNumber {
            shard_created_secs: 1_700_000_000,
            shard_index: 1,
            seq_ix,
            record_secs,
        };
        assert!(at(1, 1_700_000_900) < at(2, 1_700_000_001));
        assert!(at(2, 5).to_string() < at(3, 5).to_string());
    }

    #[test]
    fn rejects_what_is_not_a_version_2_number() {
        assert_eq!(SequenceNumber::parse("0"), None);
        assert_eq!(SequenceNumber::parse("12345678901234567890"), None);
        assert_eq!(
            SequenceNumber::parse("4964643757717537865251246827525658120950144859386150917x"),
            None
        );
        assert_eq!(SequenceNumber::parse(&"9".repeat(60)), None);
        // Last hex digit 1 (version 1).
        assert_eq!(
            SequenceNumber::parse("49646437577175378652512468275256581209501448593861509169"),
            None
        );
    }
}
