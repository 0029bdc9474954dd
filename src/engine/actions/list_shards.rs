//! ListShards: the shards of a stream, filtered and paged.
//!
//! `ShardFilter` answers the questions a consumer asks after a reshard: which shards are
//! open now (AT_LATEST), which held the oldest data (AT_TRIM_HORIZON), which were open at a
//! moment (AT_TIMESTAMP). Pages carry an opaque `NextToken` that is valid for five minutes and
//! cannot be combined with `StreamName`.

use serde::Serialize;
use serde_json::Value;

use super::{
    int_of, str_of, timestamp_ms_of, ShardDescription, EXCLUSIVE_START_SHARD_ID, NAME_RULES,
    NEXT_TOKEN, STREAM_ARN, TIMESTAMP,
};
use crate::engine::error::{ApiError, ErrorKind};
use crate::engine::kinesis::Kinesis;
use crate::engine::shard::Shard;
use crate::engine::shard_id::parse_shard_id;
use crate::engine::validate::{Member, Rule, Type};

/// At most this many shards per page.
const MAX_PAGE: usize = 1000;

const FILTER_TYPES: &[&str] = &[
    "AFTER_SHARD_ID",
    "AT_TRIM_HORIZON",
    "FROM_TRIM_HORIZON",
    "AT_LATEST",
    "AT_TIMESTAMP",
    "FROM_TIMESTAMP",
];

static SHARD_FILTER: [Member; 3] = [
    Member {
        name: "Type",
        ty: Type::String,
        rules: &[Rule::NotNull, Rule::Enum(FILTER_TYPES)],
    },
    Member {
        name: "ShardId",
        ty: Type::String,
        rules: NAME_RULES,
    },
    TIMESTAMP,
];

pub static SHAPE: [Member; 7] = [
    EXCLUSIVE_START_SHARD_ID,
    Member {
        name: "MaxResults",
        ty: Type::Integer,
        rules: &[Rule::MinValue(1), Rule::MaxValue(10_000)],
    },
    NEXT_TOKEN,
    Member {
        name: "StreamCreationTimestamp",
        ty: Type::Timestamp,
        rules: &[],
    },
    // Optional here: a later page names its stream through NextToken instead.
    Member {
        name: "StreamName",
        ty: Type::String,
        rules: NAME_RULES,
    },
    Member {
        name: "ShardFilter",
        ty: Type::Structure(&SHARD_FILTER),
        rules: &[],
    },
    STREAM_ARN,
];

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListShardsOutput {
    pub shards: Vec<ShardDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Which shards a ListShards call asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardFilter {
    AfterShardId(u32),
    AtTrimHorizon,
    FromTrimHorizon,
    AtLatest,
    AtTimestamp(u64),
    FromTimestamp(u64),
}

impl ShardFilter {
    fn code(self) -> (u8, u64) {
        match self {
            ShardFilter::AfterShardId(i) => (0, u64::from(i)),
            ShardFilter::AtTrimHorizon => (1, 0),
            ShardFilter::FromTrimHorizon => (2, 0),
            ShardFilter::AtLatest => (3, 0),
            ShardFilter::AtTimestamp(t) => (4, t),
            ShardFilter::FromTimestamp(t) => (5, t),
        }
    }

    fn from_code(kind: u8, value: u64) -> Option<Self> {
        Some(match kind {
            0 => ShardFilter::AfterShardId(u32::try_from(value).ok()?),
            1 => ShardFilter::AtTrimHorizon,
            2 => ShardFilter::FromTrimHorizon,
            3 => ShardFilter::AtLatest,
            4 => ShardFilter::AtTimestamp(value),
            5 => ShardFilter::FromTimestamp(value),
            _ => return None,
        })
    }

    /// Whether `shard` passes the filter, given the time of the stream's trim horizon.
    fn admits(self, shard: &Shard, trim_horizon_ms: u64) -> bool {
        match self {
            ShardFilter::AfterShardId(after) => shard.index > after,
            ShardFilter::AtTrimHorizon => shard.open_at(trim_horizon_ms),
            ShardFilter::FromTrimHorizon => true,
            ShardFilter::AtLatest => shard.is_open(),
            ShardFilter::AtTimestamp(t) => shard.open_at(t),
            ShardFilter::FromTimestamp(t) => shard.closed_ms.is_none_or(|c| c >= t),
        }
    }
}

/// What a NextToken remembers: where the next page starts.
#[derive(Debug, PartialEq, Eq)]
struct PageToken {
    stream_name: String,
    stream_created_ms: u64,
    last_shard_index: u32,
    filter: ShardFilter,
    issued_ms: u64,
}

impl PageToken {
    fn encode(&self) -> String {
        let (kind, value) = self.filter.code();
        let mut bytes = Vec::with_capacity(32 + self.stream_name.len());
        bytes.extend_from_slice(&self.issued_ms.to_be_bytes());
        bytes.extend_from_slice(&self.stream_created_ms.to_be_bytes());
        bytes.extend_from_slice(&self.last_shard_index.to_be_bytes());
        bytes.push(kind);
        bytes.extend_from_slice(&value.to_be_bytes());
        bytes.extend_from_slice(self.stream_name.as_bytes());
        super::seal_token(bytes)
    }

    fn decode(text: &str) -> Option<PageToken> {
        let body = super::unseal_token(text, 29)?;
        let u64_at = |at: usize| Some(u64::from_be_bytes(body.get(at..at + 8)?.try_into().ok()?));
        Some(PageToken {
            issued_ms: u64_at(0)?,
            stream_created_ms: u64_at(8)?,
            last_shard_index: u32::from_be_bytes(body.get(16..20)?.try_into().ok()?),
            filter: ShardFilter::from_code(*body.get(20)?, u64_at(21)?)?,
            stream_name: String::from_utf8(body.get(29..)?.to_vec()).ok()?,
        })
    }
}

impl Kinesis {
    pub(super) fn list_shards_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<ListShardsOutput, ApiError> {
        let page_size = int_of(body, "MaxResults")
            .map_or(MAX_PAGE, |m| usize::try_from(m).unwrap_or(1).min(MAX_PAGE));
        let (name, filter, after) = match (
            str_of(body, "NextToken"),
            self.addressed_stream_name(body)?,
        ) {
            (None, None) => {
                return Err(ApiError::invalid_argument(
                    "Either NextToken or StreamName should be provided.",
                ))
            }
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid_argument(
                    "NextToken and StreamName cannot be provided together.",
                ))
            }
            (Some(token), None) => {
                for (member, text) in [
                    (
                        "ExclusiveStartShardId",
                        "NextToken and ExclusiveStartShardId cannot be provided together.",
                    ),
                    (
                        "StreamCreationTimestamp",
                        "NextToken and StreamCreationTimestamp cannot be provided together.",
                    ),
                    (
                        "ShardFilter",
                        "NextToken and ShardFilter cannot be provided together.",
                    ),
                ] {
                    if body.get(member).is_some_and(|v| !v.is_null()) {
                        return Err(ApiError::invalid_argument(text));
                    }
                }
                let token = PageToken::decode(token)
                    .ok_or_else(|| ApiError::invalid_argument("Invalid NextToken."))?;
                if now_ms.saturating_sub(token.issued_ms) > self.config.next_token_lifetime_ms {
                    return Err(ApiError::new(
                        ErrorKind::ExpiredNextToken,
                        format!(
                            "The NextToken has expired: it is valid for {} seconds. Call ListShards again with the StreamName.",
                            self.config.next_token_lifetime_ms / 1000
                        ),
                    ));
                }
                let stream = self.find_stream(&token.stream_name)?;
                if stream.created_ms != token.stream_created_ms {
                    return Err(self.stream_not_found(&token.stream_name));
                }
                (
                    token.stream_name,
                    token.filter,
                    Some(token.last_shard_index),
                )
            }
            (None, Some(name)) => {
                let filter = self.shard_filter(body)?;
                let after = str_of(body, "ExclusiveStartShardId").and_then(parse_shard_id);
                (name, filter, after)
            }
        };
        let stream = self.find_stream(&name)?;
        if let Some(created) = timestamp_ms_of(body, "StreamCreationTimestamp") {
            if created / 1000 != stream.created_ms / 1000 {
                return Err(self.stream_not_found(&name));
            }
        }
        // The oldest moment still readable: retention ago, or the stream's creation if later.
        let trim_horizon_ms = now_ms
            .saturating_sub(stream.retention_ms())
            .max(stream.created_ms);
        let mut matching = stream
            .listed_shards(now_ms)
            .filter(|s| after.is_none_or(|a| s.index > a))
            .filter(|s| filter.admits(s, trim_horizon_ms));
        let page: Vec<&Shard> = matching.by_ref().take(page_size).collect();
        let next_token = match (matching.next(), page.last()) {
            (Some(_), Some(last)) => Some(
                PageToken {
                    stream_name: name.clone(),
                    stream_created_ms: stream.created_ms,
                    last_shard_index: last.index,
                    filter,
                    issued_ms: now_ms,
                }
                .encode(),
            ),
            _ => None,
        };
        Ok(ListShardsOutput {
            shards: page.into_iter().map(ShardDescription::of).collect(),
            next_token,
        })
    }

    fn shard_filter(&self, body: &Value) -> Result<ShardFilter, ApiError> {
        let Some(filter) = body.get("ShardFilter").filter(|f| !f.is_null()) else {
            return Ok(ShardFilter::FromTrimHorizon);
        };
        let kind = str_of(filter, "Type").unwrap_or_default();
        let shard_id = str_of(filter, "ShardId");
        let timestamp = timestamp_ms_of(filter, "Timestamp");
        let needs_shard_id = || {
            ApiError::invalid_argument(
                "ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID.",
            )
        };
        let needs_timestamp = || {
            ApiError::invalid_argument(
                "Timestamp must be supplied in a ShardFilter with a Type of AT_TIMESTAMP or FROM_TIMESTAMP.",
            )
        };
        let filter = match kind {
            "AFTER_SHARD_ID" => {
                let id = shard_id.ok_or_else(needs_shard_id)?;
                ShardFilter::AfterShardId(parse_shard_id(id).ok_or_else(needs_shard_id)?)
            }
            "AT_TRIM_HORIZON" => ShardFilter::AtTrimHorizon,
            "FROM_TRIM_HORIZON" => ShardFilter::FromTrimHorizon,
            "AT_LATEST" => ShardFilter::AtLatest,
            "AT_TIMESTAMP" => ShardFilter::AtTimestamp(timestamp.ok_or_else(needs_timestamp)?),
            _ => ShardFilter::FromTimestamp(timestamp.ok_or_else(needs_timestamp)?),
        };
        Ok(filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_reject_edits() {
        let token = PageToken {
            stream_name: "Foo".into(),
            stream_created_ms: 5,
            last_shard_index: 7,
            filter: ShardFilter::AtTimestamp(1234),
            issued_ms: 99,
        };
        let text = token.encode();
        assert_eq!(PageToken::decode(&text), Some(token));
        assert_eq!(PageToken::decode("bogus"), None);
        assert_eq!(PageToken::decode(&text[1..]), None);
    }
}
