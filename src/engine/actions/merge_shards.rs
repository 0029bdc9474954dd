//! MergeShards: two adjacent open shards become one.
//!
//! Adjacent means the `ShardToMerge`'s EndingHashKey + 1 is the `AdjacentShardToMerge`'s
//! StartingHashKey: the shard to merge is the lower one. The reversed order is refused with
//! AWS's "not an adjacent pair" message, as AWS refused it in kinesalite's AWS-validated test
//! "should return InvalidArgumentException if adjacency is inverted" (mhart/kinesalite
//! test/mergeShards.js; the README's "How faithful the engine is" weighs the evidence). The
//! child's `ParentShardId` is the `ShardToMerge` and its `AdjacentParentShardId` the other.

use serde_json::Value;

use super::{str_of, Empty, SHARD_ID_RULES, STREAM_ARN, STREAM_NAME};
use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::reshard::Reshard;
use crate::engine::shard_id::shard_id;
use crate::engine::stream::Change;
use crate::engine::validate::{Member, Type};

pub static SHAPE: [Member; 4] = [
    Member {
        name: "ShardToMerge",
        ty: Type::String,
        rules: SHARD_ID_RULES,
    },
    Member {
        name: "AdjacentShardToMerge",
        ty: Type::String,
        rules: SHARD_ID_RULES,
    },
    STREAM_NAME,
    STREAM_ARN,
];

impl Kinesis {
    pub(super) fn merge_shards_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<Empty, ApiError> {
        let name = &self.stream_name_of(body)?;
        let first_given = str_of(body, "ShardToMerge").unwrap_or_default();
        let second_given = str_of(body, "AdjacentShardToMerge").unwrap_or_default();
        // Both ids must name shards before the stream's state is looked at, as on AWS.
        for given in [first_given, second_given] {
            self.parse_shard_for_reshard(name, given)?;
        }
        let first =
            self.resolve_open_shard_for_reshard(now_ms, "MergeShards", name, first_given)?;
        let second =
            self.resolve_open_shard_for_reshard(now_ms, "MergeShards", name, second_given)?;
        let stream = self.find_stream(name)?;
        let (lower, upper) = (
            stream.shards[first as usize].range,
            stream.shards[second as usize].range,
        );
        let adjacent = lower.ending_hash_key.checked_add(1) == Some(upper.starting_hash_key);
        if !adjacent {
            return Err(ApiError::invalid_argument(format!(
                "Shards {} and {} in stream {name} under account {} are not an adjacent pair of shards eligible for merging",
                shard_id(first),
                shard_id(second),
                self.config.account_id
            )));
        }
        let duration = self.config.reshard_duration_ms;
        self.begin_change(
            now_ms,
            name,
            Change::Reshard(Reshard::Merge {
                shard_to_merge: first,
                adjacent_shard_to_merge: second,
            }),
            duration,
        )?;
        Ok(Empty {})
    }
}
