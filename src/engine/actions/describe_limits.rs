//! DescribeLimits: the account's shard quota and how much of it open shards use.

use serde::Serialize;

use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::stream::StreamMode;

/// On-demand streams allowed per account by default .
pub(super) const ON_DEMAND_STREAM_COUNT_LIMIT: u32 = 50;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeLimitsOutput {
    pub shard_limit: u32,
    pub open_shard_count: usize,
    pub on_demand_stream_count: u32,
    pub on_demand_stream_count_limit: u32,
}

impl Kinesis {
    pub(super) fn describe_limits_json(&mut self) -> Result<DescribeLimitsOutput, ApiError> {
        Ok(DescribeLimitsOutput {
            shard_limit: self.config.shard_limit,
            open_shard_count: self.open_shards_in_account(),
            on_demand_stream_count: self
                .streams
                .values()
                .filter(|s| s.mode == StreamMode::OnDemand)
                .count() as u32,
            on_demand_stream_count_limit: ON_DEMAND_STREAM_COUNT_LIMIT,
        })
    }
}
