//! UpdateShardCount: scale a stream to a target number of open shards, UNIFORM_SCALING.
//!
//! At most double and at least half the current open shards in one call, and at most 10,000
//! shards. The result has exactly the ranges CreateStream would give the target; the splits
//! and merges that get there are in [`crate::engine::reshard`].

use serde::Serialize;
use serde_json::Value;

use super::{int_of, STREAM_ARN, STREAM_NAME};
use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::reshard::Reshard;
use crate::engine::stream::Change;
use crate::engine::validate::{Member, Rule, Type};

/// The most open shards a stream may reach through UpdateShardCount.
pub const MAX_SHARDS_PER_STREAM: usize = 10_000;

pub static SHAPE: [Member; 4] = [
    Member {
        name: "ScalingType",
        ty: Type::String,
        rules: &[Rule::NotNull, Rule::Enum(&["UNIFORM_SCALING"])],
    },
    STREAM_NAME,
    STREAM_ARN,
    Member {
        name: "TargetShardCount",
        ty: Type::Integer,
        rules: &[Rule::NotNull, Rule::MinValue(1), Rule::MaxValue(100_000)],
    },
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateShardCountOutput {
    pub stream_name: String,
    pub current_shard_count: usize,
    pub target_shard_count: usize,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
}

impl Kinesis {
    pub(super) fn update_shard_count_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<UpdateShardCountOutput, ApiError> {
        let name = &self.stream_name_of(body)?;
        let target = int_of(body, "TargetShardCount").unwrap_or_default();
        self.update_shard_count(now_ms, name, usize::try_from(target).unwrap_or(0))
    }

    /// UpdateShardCount with UNIFORM_SCALING, typed.
    pub fn update_shard_count(
        &mut self,
        now_ms: u64,
        name: &str,
        target: usize,
    ) -> Result<UpdateShardCountOutput, ApiError> {
        self.advance_to(now_ms);
        let account = self.config.account_id.clone();
        let stream = self.find_stream(name)?;
        stream.require_provisioned("UpdateShardCount", &account)?;
        stream.require_active(&account)?;
        let current = stream.open_shard_count();
        let arn = stream.arn.clone();
        let counts = format!("Current open shard count: {current}, Target shard count: {target}");
        if target > MAX_SHARDS_PER_STREAM || current > MAX_SHARDS_PER_STREAM {
            return Err(ApiError::limit_exceeded(format!(
                "Target shard count or number of open shards cannot be greater than {MAX_SHARDS_PER_STREAM}. {counts}"
            )));
        }
        if target > current * 2 {
            return Err(ApiError::limit_exceeded(format!(
                "UpdateShardCount cannot scale up over double your current open shard count. {counts}"
            )));
        }
        if target * 2 < current {
            return Err(ApiError::limit_exceeded(format!(
                "UpdateShardCount cannot scale down below half your current open shard count. {counts}"
            )));
        }
        let open = self.open_shards_in_account();
        if target > current && open - current + target > self.config.shard_limit as usize {
            return Err(self.shard_limit_error(open, target - current));
        }
        if target != current {
            let duration = self.config.update_shard_count_duration_ms;
            self.begin_change(
                now_ms,
                name,
                Change::Reshard(Reshard::UniformScaling {
                    target_shard_count: target as u32,
                }),
                duration,
            )?;
        }
        Ok(UpdateShardCountOutput {
            stream_name: name.to_string(),
            current_shard_count: current,
            target_shard_count: target,
            stream_arn: arn,
        })
    }
}
