//! SplitShard: one open shard becomes two, split at `NewStartingHashKey`.
//!
//! The new key must lie strictly inside the shard: above its StartingHashKey + 1 and below its
//! EndingHashKey, so both children own at least two hash keys. The dev guide's "split in half"
//! is `(StartingHashKey + EndingHashKey) / 2`.

use serde_json::Value;

use super::{str_of, Empty, SHARD_ID_RULES, STREAM_ARN, STREAM_NAME};
use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::reshard::Reshard;
use crate::engine::shard_id::shard_id;
use crate::engine::stream::Change;
use crate::engine::validate::{Member, Pattern, Rule, Type};

pub static SHAPE: [Member; 4] = [
    Member {
        name: "NewStartingHashKey",
        ty: Type::String,
        rules: &[Rule::NotNull, Rule::Pattern(Pattern::HashKey)],
    },
    STREAM_NAME,
    STREAM_ARN,
    Member {
        name: "ShardToSplit",
        ty: Type::String,
        rules: SHARD_ID_RULES,
    },
];

impl Kinesis {
    pub(super) fn split_shard_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<Empty, ApiError> {
        let name = &self.stream_name_of(body)?;
        let given = str_of(body, "ShardToSplit").unwrap_or_default();
        let key_text = str_of(body, "NewStartingHashKey").unwrap_or_default();
        let index = self.resolve_open_shard_for_reshard(now_ms, "SplitShard", name, given)?;
        let account = self.config.account_id.clone();
        let open = self.open_shards_in_account();
        if open + 1 > self.config.shard_limit as usize {
            return Err(self.shard_limit_error(open, 1));
        }
        let range = self.find_stream(name)?.shards[index as usize].range;
        let out_of_range = || {
            ApiError::invalid_argument(format!(
                "NewStartingHashKey {key_text} used in SplitShard() on shard {} in stream {name} under account {account} is not both greater than one plus the shard's StartingHashKey {} and less than the shard's EndingHashKey {}.",
                shard_id(index),
                range.starting_hash_key,
                range.ending_hash_key
            ))
        };
        let key: u128 = key_text.parse().map_err(|_| out_of_range())?;
        if key <= range.starting_hash_key.saturating_add(1) || key >= range.ending_hash_key {
            return Err(out_of_range());
        }
        let duration = self.config.reshard_duration_ms;
        self.begin_change(
            now_ms,
            name,
            Change::Reshard(Reshard::Split {
                shard: index,
                new_starting_hash_key: key,
            }),
            duration,
        )?;
        Ok(Empty {})
    }
}
