//! The KPL's aggregated record: many user records in one Kinesis record.
//!
//! The layout (the KPL's `aggregation-format.md` and `messages.proto`): the four magic bytes
//! `F3 89 9A C2`, a protobuf (proto2) `AggregatedRecord`, and the 16-byte MD5 digest of the
//! protobuf bytes. Partition keys and explicit hash keys are stored once, in tables, and each
//! record points into them by index. The messages are derived by hand with `prost` (the
//! schema is four fields deep and frozen since 2014: no build script, no `protoc`).
//!
//! Decoding is the KCL's `AggregatorUtil.deaggregate`: a record without the magic number, with
//! nothing after it but the digest, with a wrong digest or with a protobuf that does not parse
//! is not an aggregate, and the KCL hands it to the application unchanged.

use prost::Message;

use crate::engine::hash_key::hash_key_of;

/// The four bytes every aggregated record starts with.
pub const MAGIC: [u8; 4] = [0xF3, 0x89, 0x9A, 0xC2];
/// The MD5 digest that ends it.
pub const DIGEST_SIZE: usize = 16;

/// `message AggregatedRecord` of the KPL's `messages.proto`.
#[derive(Clone, PartialEq, Message)]
pub struct AggregatedRecord {
    #[prost(string, repeated, tag = "1")]
    pub partition_key_table: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    pub explicit_hash_key_table: Vec<String>,
    #[prost(message, repeated, tag = "3")]
    pub records: Vec<Record>,
}

/// `message Record`: one user record.
#[derive(Clone, PartialEq, Message)]
pub struct Record {
    #[prost(uint64, required, tag = "1")]
    pub partition_key_index: u64,
    #[prost(uint64, optional, tag = "2")]
    pub explicit_hash_key_index: Option<u64>,
    #[prost(bytes = "vec", required, tag = "3")]
    pub data: Vec<u8>,
    /// Unused by the KPL and the KCL.
    #[prost(message, repeated, tag = "4")]
    pub tags: Vec<Tag>,
}

/// `message Tag`.
#[derive(Clone, PartialEq, Message)]
pub struct Tag {
    #[prost(string, required, tag = "1")]
    pub key: String,
    #[prost(string, optional, tag = "2")]
    pub value: Option<String>,
}

/// A user record as the application put it with `addUserRecord`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub partition_key: String,
    /// The explicit hash key as the decimal text the API takes, if one was given.
    pub explicit_hash_key: Option<String>,
    pub data: Vec<u8>,
}

impl UserRecord {
    pub fn new(partition_key: &str, data: &[u8]) -> Self {
        UserRecord {
            partition_key: partition_key.to_string(),
            explicit_hash_key: None,
            data: data.to_vec(),
        }
    }

    /// The hash key Kinesis routes it by: the explicit one, or the MD5 of its partition key.
    pub fn hash_key(&self) -> u128 {
        self.explicit_hash_key
            .as_deref()
            .and_then(|text| text.parse().ok())
            .unwrap_or_else(|| hash_key_of(&self.partition_key))
    }
}

/// Builds an `AggregatedRecord` one user record at a time, keeping the key tables and the
/// encoded size (what the KPL compares with `AggregationMaxSize`).
#[derive(Clone, Debug, Default)]
pub struct Aggregator {
    message: AggregatedRecord,
}

impl Aggregator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.message.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.message.records.is_empty()
    }

    /// The size of the Kinesis record's data once encoded: magic, protobuf and digest.
    pub fn encoded_size(&self) -> usize {
        MAGIC.len() + self.message.encoded_len() + DIGEST_SIZE
    }

    /// The encoded size with `record` added (without adding it).
    pub fn size_with(&self, record: &UserRecord) -> usize {
        let mut probe = self.clone();
        probe.add(record);
        probe.encoded_size()
    }

    /// Adds a user record, reusing its keys' table entries.
    pub fn add(&mut self, record: &UserRecord) {
        let partition_key_index =
            index_of(&mut self.message.partition_key_table, &record.partition_key);
        let explicit_hash_key_index = record
            .explicit_hash_key
            .as_ref()
            .map(|key| index_of(&mut self.message.explicit_hash_key_table, key));
        self.message.records.push(Record {
            partition_key_index,
            explicit_hash_key_index,
            data: record.data.clone(),
            tags: Vec::new(),
        });
    }

    /// The Kinesis record's data: magic, protobuf, MD5 of the protobuf.
    pub fn encode(&self) -> Vec<u8> {
        let body = self.message.encode_to_vec();
        let mut out = Vec::with_capacity(MAGIC.len() + body.len() + DIGEST_SIZE);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&body);
        out.extend_from_slice(&md5::compute(&body).0);
        out
    }
}

fn index_of(table: &mut Vec<String>, key: &str) -> u64 {
    let index = match table.iter().position(|k| k == key) {
        Some(index) => index,
        None => {
            table.push(key.to_string());
            table.len() - 1
        }
    };
    index as u64
}

/// Encodes `records` as one aggregated record.
pub fn encode(records: &[UserRecord]) -> Vec<u8> {
    let mut aggregator = Aggregator::new();
    for record in records {
        aggregator.add(record);
    }
    aggregator.encode()
}

/// Decodes a Kinesis record's data as an aggregated record: `None` if it is not one (no magic
/// number, a wrong digest, a protobuf that does not parse or points outside its key tables),
/// in which case the KCL passes the record through unchanged.
pub fn decode(data: &[u8]) -> Option<Vec<UserRecord>> {
    let rest = data.strip_prefix(&MAGIC)?;
    if rest.len() <= DIGEST_SIZE {
        return None;
    }
    let (body, digest) = rest.split_at(rest.len() - DIGEST_SIZE);
    if md5::compute(body).0 != digest {
        return None;
    }
    let message = AggregatedRecord::decode(body).ok()?;
    message
        .records
        .into_iter()
        .map(|record| {
            let partition_key = message
                .partition_key_table
                .get(usize::try_from(record.partition_key_index).ok()?)?
                .clone();
            let explicit_hash_key = match record.explicit_hash_key_index {
                Some(index) => Some(
                    message
                        .explicit_hash_key_table
                        .get(usize::try_from(index).ok()?)?
                        .clone(),
                ),
                None => None,
            };
            Some(UserRecord {
                partition_key,
                explicit_hash_key,
                data: record.data,
            })
        })
        .collect()
}

/// Whether a Kinesis record's data is an aggregated record (starts with the magic number).
pub fn is_aggregated(data: &[u8]) -> bool {
    data.starts_with(&MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three() -> Vec<UserRecord> {
        vec![
            UserRecord::new("alpha", b"one"),
            UserRecord::new("beta", b"two"),
            UserRecord {
                explicit_hash_key: Some("42".into()),
                ..UserRecord::new("alpha", b"")
            },
        ]
    }

    #[test]
    fn aggregated_bytes_decode_to_the_user_records() {
        let bytes = encode(&three());
        assert_eq!(&bytes[..4], &[0xF3, 0x89, 0x9A, 0xC2]);
        assert_eq!(decode(&bytes), Some(three()));
        assert_eq!(three()[2].hash_key(), 42);
    }

    #[test]
    fn keys_are_stored_once_and_size_is_what_encode_makes() {
        let mut aggregator = Aggregator::new();
        for record in three() {
            let predicted = aggregator.size_with(&record);
            aggregator.add(&record);
            assert_eq!(aggregator.encoded_size(), predicted);
        }
        assert_eq!(aggregator.message.partition_key_table, ["alpha", "beta"]);
        assert_eq!(aggregator.encode().len(), aggregator.encoded_size());
    }

    #[test]
    fn a_bad_magic_or_digest_is_not_an_aggregate() {
        let mut bytes = encode(&three());
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(decode(&bytes), None, "wrong MD5");
        let mut bytes = encode(&three());
        bytes[0] = 0;
        assert_eq!(decode(&bytes), None, "wrong magic");
        assert_eq!(decode(b"plain JSON text"), None);
        assert_eq!(decode(&MAGIC), None);
    }
}
