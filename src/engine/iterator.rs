//! Shard iterators: opaque strings that name a position in a shard.
//!
//! An iterator is a position, not a cursor: passing the same one to GetRecords twice returns
//! the same records, until it expires five minutes after it was issued. AWS's iterators are
//! encrypted blobs whose first bytes are `00 00 00 00 00 00 00 01`; Shardlab's start the same
//! way and carry the stream, its creation time, the shard, the position (the sequence index
//! of the next record to return) and the issue time, sealed with a checksum so an edited or
//! truncated iterator is rejected as AWS rejects one: `Invalid ShardIterator.`
//!
//! [`IteratorStart`] is where a new iterator starts (TRIM_HORIZON, LATEST, at or after a
//! sequence number, AT_TIMESTAMP), turned into that position by the shard's records.

use base64::Engine as _;

use super::sequence::SequenceNumber;
use super::shard::Shard;

/// Where an iterator starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IteratorStart {
    TrimHorizon,
    Latest,
    AtSequenceNumber(SequenceNumber),
    AfterSequenceNumber(SequenceNumber),
    /// Epoch milliseconds.
    AtTimestamp(u64),
}

impl IteratorStart {
    /// The position in `shard` this start names: the sequence index of the first record an
    /// iterator issued now would return (records trimmed since are skipped when it is read).
    pub fn position_in(self, shard: &Shard) -> u64 {
        match self {
            IteratorStart::TrimHorizon => 0,
            IteratorStart::Latest => shard.next_seq_ix,
            IteratorStart::AtSequenceNumber(n) => n.seq_ix,
            IteratorStart::AfterSequenceNumber(n) => n.seq_ix.saturating_add(1),
            IteratorStart::AtTimestamp(at) => shard
                .records
                .first_seq_at_or_after_time(at)
                .unwrap_or(shard.next_seq_ix),
        }
    }
}

/// What a shard iterator says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardIterator {
    pub stream_name: String,
    /// The stream's creation time, so an iterator of a deleted and re-created stream fails.
    pub stream_created_ms: u64,
    pub shard_index: u32,
    /// The next record returned is the first with a sequence index at or above this.
    pub position: u64,
    pub issued_ms: u64,
}

const PREFIX: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 1];
const SEAL: &[u8] = b"shardlab-iterator-v1";

fn seal(body: &[u8]) -> [u8; 8] {
    let mut input = Vec::with_capacity(SEAL.len() + body.len());
    input.extend_from_slice(SEAL);
    input.extend_from_slice(body);
    let digest = md5::compute(&input).0;
    let mut out = [0; 8];
    out.copy_from_slice(&digest[..8]);
    out
}

impl ShardIterator {
    /// The opaque string handed to the caller.
    pub fn encode(&self) -> String {
        let mut body = Vec::with_capacity(44 + self.stream_name.len());
        body.extend_from_slice(&PREFIX);
        body.extend_from_slice(&self.issued_ms.to_be_bytes());
        body.extend_from_slice(&self.stream_created_ms.to_be_bytes());
        body.extend_from_slice(&self.shard_index.to_be_bytes());
        body.extend_from_slice(&self.position.to_be_bytes());
        body.extend_from_slice(self.stream_name.as_bytes());
        let checksum = seal(&body);
        body.extend_from_slice(&checksum);
        base64::engine::general_purpose::STANDARD.encode(body)
    }

    /// Reads an iterator string; `None` for anything Shardlab did not issue.
    ///
    /// An iterator wrapped in one pair of double quotes is read as the iterator inside, as
    /// AWS reads it: a shell's `X=$(aws kinesis get-shard-iterator ... --query ShardIterator)`
    /// keeps the JSON quotes, and AWS's GetRecords accepts the result (LocalStack's test
    /// validated against AWS, localstack/localstack#9884; etspaceman/kinesis-mock#689).
    pub fn decode(text: &str) -> Option<ShardIterator> {
        let text = text
            .strip_prefix('"')
            .and_then(|inner| inner.strip_suffix('"'))
            .unwrap_or(text);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?;
        let (body, checksum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
        if seal(body) != checksum || body.len() < 36 || body[..8] != PREFIX {
            return None;
        }
        let u64_at = |at: usize| -> Option<u64> {
            Some(u64::from_be_bytes(body.get(at..at + 8)?.try_into().ok()?))
        };
        Some(ShardIterator {
            issued_ms: u64_at(8)?,
            stream_created_ms: u64_at(16)?,
            shard_index: u32::from_be_bytes(body.get(24..28)?.try_into().ok()?),
            position: u64_at(28)?,
            stream_name: String::from_utf8(body.get(36..)?.to_vec()).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> ShardIterator {
        ShardIterator {
            stream_name: "Foo".into(),
            stream_created_ms: 1_700_000_000_123,
            shard_index: 3,
            position: 42,
            issued_ms: 1_700_000_100_000,
        }
    }

    #[test]
    fn round_trips_and_looks_like_aws() {
        let text = example().encode();
        assert!(text.starts_with("AAAAAAAAAA"), "{text}");
        assert!(text.len() <= 512);
        assert_eq!(ShardIterator::decode(&text), Some(example()));
    }

    #[test]
    fn edited_or_garbage_iterators_are_rejected() {
        let text = example().encode();
        let mut edited = text.clone().into_bytes();
        edited[20] = if edited[20] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            ShardIterator::decode(std::str::from_utf8(&edited).unwrap()),
            None
        );
        assert_eq!(ShardIterator::decode(&text[..text.len() - 4]), None);
        assert_eq!(ShardIterator::decode("not an iterator"), None);
        assert_eq!(ShardIterator::decode(""), None);
    }
}
