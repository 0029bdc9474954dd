//! DescribeStream and DescribeStreamSummary: a stream's status, retention and shards.
//!
//! DescribeStream pages through shards 100 at a time (`HasMoreShards`,
//! `ExclusiveStartShardId`); AWS now recommends ListShards for that, and DescribeStreamSummary
//! for everything else. While a reshard is UPDATING both still show the old layout.

use serde::Serialize;
use serde_json::Value;

use super::{
    epoch_seconds, int_of, str_of, ShardDescription, StreamModeDetails, EXCLUSIVE_START_SHARD_ID,
    LIMIT, STREAM_ARN, STREAM_NAME,
};
use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::shard_id::parse_shard_id;
use crate::engine::stream::{Stream, StreamStatus};
use crate::engine::validate::Member;

/// At most this many shards per DescribeStream page, whatever `Limit` says.
const MAX_SHARDS_PER_PAGE: usize = 100;

pub static DESCRIBE_SHAPE: [Member; 4] = [LIMIT, EXCLUSIVE_START_SHARD_ID, STREAM_NAME, STREAM_ARN];

pub static SUMMARY_SHAPE: [Member; 2] = [STREAM_NAME, STREAM_ARN];

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnhancedMetrics {
    pub shard_level_metrics: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDescription {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_status: StreamStatus,
    pub stream_mode_details: StreamModeDetails,
    pub shards: Vec<ShardDescription>,
    pub has_more_shards: bool,
    pub retention_period_hours: u32,
    pub stream_creation_timestamp: f64,
    pub enhanced_monitoring: Vec<EnhancedMetrics>,
    pub encryption_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamOutput {
    pub stream_description: StreamDescription,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDescriptionSummary {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_status: StreamStatus,
    pub stream_mode_details: StreamModeDetails,
    pub retention_period_hours: u32,
    pub stream_creation_timestamp: f64,
    pub enhanced_monitoring: Vec<EnhancedMetrics>,
    pub encryption_type: &'static str,
    pub open_shard_count: usize,
    pub consumer_count: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamSummaryOutput {
    pub stream_description_summary: StreamDescriptionSummary,
}

fn no_enhanced_monitoring() -> Vec<EnhancedMetrics> {
    vec![EnhancedMetrics {
        shard_level_metrics: Vec::new(),
    }]
}

impl Kinesis {
    pub(super) fn describe_stream_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<DescribeStreamOutput, ApiError> {
        let name = &self.stream_name_of(body)?;
        let limit = int_of(body, "Limit").map_or(MAX_SHARDS_PER_PAGE, |l| {
            usize::try_from(l).unwrap_or(1).min(MAX_SHARDS_PER_PAGE)
        });
        // AWS lists shards after the named one; an id naming no index starts from the top.
        let after = str_of(body, "ExclusiveStartShardId").and_then(parse_shard_id);
        let stream = self.find_stream(name)?;
        let mut listed = stream
            .listed_shards(now_ms)
            .filter(|s| after.is_none_or(|a| s.index > a));
        let shards: Vec<ShardDescription> = listed
            .by_ref()
            .take(limit)
            .map(ShardDescription::of)
            .collect();
        let has_more_shards = listed.next().is_some();
        Ok(DescribeStreamOutput {
            stream_description: StreamDescription {
                stream_name: stream.name.clone(),
                stream_arn: stream.arn.clone(),
                stream_status: stream.status,
                stream_mode_details: StreamModeDetails::of(stream),
                shards,
                has_more_shards,
                retention_period_hours: stream.retention_hours,
                stream_creation_timestamp: epoch_seconds(stream.created_ms),
                enhanced_monitoring: no_enhanced_monitoring(),
                encryption_type: "NONE",
            },
        })
    }

    pub(super) fn describe_stream_summary_json(
        &mut self,
        _now_ms: u64,
        body: &Value,
    ) -> Result<DescribeStreamSummaryOutput, ApiError> {
        let stream = self.find_stream(&self.stream_name_of(body)?)?;
        Ok(DescribeStreamSummaryOutput {
            stream_description_summary: summary(stream),
        })
    }
}

fn summary(stream: &Stream) -> StreamDescriptionSummary {
    StreamDescriptionSummary {
        stream_name: stream.name.clone(),
        stream_arn: stream.arn.clone(),
        stream_status: stream.status,
        stream_mode_details: StreamModeDetails::of(stream),
        retention_period_hours: stream.retention_hours,
        stream_creation_timestamp: epoch_seconds(stream.created_ms),
        enhanced_monitoring: no_enhanced_monitoring(),
        encryption_type: "NONE",
        open_shard_count: stream.listed_open_shard_count(),
        consumer_count: stream.consumer_count(),
    }
}
