//! PutRecord: one record in, its shard and sequence number out, or
//! ProvisionedThroughputExceededException when its shard is over its limits.
//!
//! PutRecord charges a record's size rounded up to the next kilobyte; PutRecords entries are
//! charged exactly, which is why batching is cheaper (reference section 1.2). The routing,
//! charging and storing are the core's write path ([`crate::engine::write`]).

use serde::Serialize;
use serde_json::Value;

use super::{
    parse_explicit_hash_key, str_of, DATA, EXPLICIT_HASH_KEY, PARTITION_KEY, STREAM_ARN,
    STREAM_NAME,
};
use crate::engine::error::ApiError;
use crate::engine::hash_key::hash_key_of;
use crate::engine::kinesis::Kinesis;
use crate::engine::sequence::{SequenceNumber, ENDING_SEQ_IX};
use crate::engine::sequence_layouts::SentSequenceNumber;
use crate::engine::shard_id::ShardId;
use crate::engine::validate::{self, Member, Pattern, Rule, Type};
use crate::engine::write::{write_throttled_message, WriteOutcome};
use crate::engine::write_call::WriteCall;

pub static SHAPE: [Member; 6] = [
    Member {
        name: "SequenceNumberForOrdering",
        ty: Type::String,
        rules: &[Rule::Pattern(Pattern::SequenceNumber)],
    },
    PARTITION_KEY,
    EXPLICIT_HASH_KEY,
    DATA,
    STREAM_NAME,
    STREAM_ARN,
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordOutput {
    pub shard_id: ShardId,
    pub sequence_number: SequenceNumber,
    /// Left out, as AWS leaves it out for a stream without server-side encryption (the only
    /// kind Shardlab simulates): localstack's API Gateway-to-Kinesis test recorded AWS's
    /// PutRecord answer as `{SequenceNumber, ShardId}` in 2024 and skips the member in its own
    /// (tests/aws/services/apigateway/test_apigateway_kinesis.snapshot.json: "PutRecord does
    /// not return EncryptionType, but it's documented as such"); kinesalite's AWS-validated
    /// tests expect no such member either. `Some("KMS")` would be a stream encrypted with KMS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_type: Option<&'static str>,
}

impl Kinesis {
    pub(super) fn put_record_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<PutRecordOutput, ApiError> {
        let name = &self.stream_name_of(body)?;
        let key = str_of(body, "PartitionKey").unwrap_or_default();
        let data = validate::decode_blob(str_of(body, "Data").unwrap_or_default())?;
        self.serving_stream_mut(name)?;
        let hash_key = match str_of(body, "ExplicitHashKey") {
            Some(text) => Some(parse_explicit_hash_key(text)?),
            None => None,
        };
        let ordering = match str_of(body, "SequenceNumberForOrdering") {
            Some(text) => self.parse_ordering(now_ms, name, text)?,
            None => None,
        };
        self.put_record(now_ms, name, key, &data, hash_key, ordering)
    }

    /// A SequenceNumberForOrdering, decoded in whichever layout it was written as AWS decodes
    /// it (`sequence_layouts`): the floor it sets for the record's number, if any. AWS accepts
    /// the older layouts (kinesalite's AWS-validated test "should work with
    /// SequenceNumberForOrdering all 0 with version 1", mhart/kinesalite test/putRecord.js),
    /// but only a version-2 number of the record's own shard can order anything.
    fn parse_ordering(
        &self,
        now_ms: u64,
        stream: &str,
        text: &str,
    ) -> Result<Option<SequenceNumber>, ApiError> {
        let invalid = || {
            ApiError::invalid_argument(format!(
                "ExclusiveMinimumSequenceNumber {text} used in PutRecord on stream {stream} under account {} is invalid.",
                self.config.account_id
            ))
        };
        let sent = SentSequenceNumber::decode(text)
            .filter(|s| s.record_secs().is_none_or(|secs| secs <= now_ms / 1000))
            .ok_or_else(invalid)?;
        match sent {
            SentSequenceNumber::V2(number) if number.seq_ix >= ENDING_SEQ_IX - 1 => Err(invalid()),
            SentSequenceNumber::V2(number) => Ok(Some(number)),
            SentSequenceNumber::V1 { .. } | SentSequenceNumber::V0 { .. } => Ok(None),
        }
    }

    /// PutRecord, typed: writes one record or fails with ProvisionedThroughputExceeded.
    pub fn put_record(
        &mut self,
        now_ms: u64,
        stream_name: &str,
        partition_key: &str,
        data: &[u8],
        explicit_hash_key: Option<u128>,
        sequence_number_for_ordering: Option<SequenceNumber>,
    ) -> Result<PutRecordOutput, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let hash_key = explicit_hash_key.unwrap_or_else(|| hash_key_of(partition_key));
        let (config, stream) = self.stream_for_write(stream_name)?;
        match stream.write(
            config,
            now_ms,
            partition_key,
            data,
            hash_key,
            sequence_number_for_ordering,
            WriteCall::PutRecord,
        ) {
            WriteOutcome::Accepted {
                shard_index,
                sequence_number,
            } => Ok(PutRecordOutput {
                shard_id: ShardId(shard_index),
                sequence_number,
                encryption_type: None,
            }),
            WriteOutcome::Throttled { shard_index } => Err(ApiError::throughput_exceeded(
                write_throttled_message(stream_name, shard_index, &config.account_id),
            )),
        }
    }
}
