//! CreateStream: a new stream of N shards that split the hash key space evenly.
//!
//! The call returns at once with the stream CREATING; it turns ACTIVE after
//! `Config::create_duration_ms`. Until then it lists no shards and refuses reads and writes.
//!
//! `StreamModeDetails` chooses the capacity mode. PROVISIONED (the default) needs a
//! `ShardCount`; ON_DEMAND takes none and starts with `Config::on_demand_initial_shard_count`
//! shards (4, AWS's 4 MB/s of write capacity at creation). A ShardCount with ON_DEMAND is
//! refused with a ValidationException whose text is Shardlab's (README's known unknowns).

use serde_json::Value;

use super::{int_of, str_of, Empty, NEW_STREAM_NAME};
use crate::engine::error::ApiError;
use crate::engine::hash_key::HashKeyRange;
use crate::engine::kinesis::Kinesis;
use crate::engine::shard::Shard;
use crate::engine::stream::{Change, Stream, StreamMode, StreamStatus};
use crate::engine::validate::{Member, Rule, Type};

use super::describe_limits::ON_DEMAND_STREAM_COUNT_LIMIT;

/// More than this many streams CREATING at once is refused (reference section 1.5).
const MAX_STREAMS_CREATING: usize = 5;

pub static SHAPE: [Member; 3] = [
    Member {
        name: "ShardCount",
        ty: Type::Integer,
        // Required for PROVISIONED streams only; with no mode given, AWS's null error.
        rules: &[
            Rule::NotNullUnless("StreamModeDetails"),
            Rule::MinValue(1),
            Rule::MaxValue(100_000),
        ],
    },
    Member {
        name: "StreamModeDetails",
        ty: Type::Structure(&STREAM_MODE_DETAILS),
        rules: &[],
    },
    NEW_STREAM_NAME,
];

pub(super) static STREAM_MODE_DETAILS: [Member; 1] = [Member {
    name: "StreamMode",
    ty: Type::String,
    rules: &[Rule::NotNull, Rule::Enum(&["PROVISIONED", "ON_DEMAND"])],
}];

impl Kinesis {
    pub(super) fn create_stream_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<Empty, ApiError> {
        let name = str_of(body, "StreamName").unwrap_or_default();
        let mode = body
            .get("StreamModeDetails")
            .and_then(|d| str_of(d, "StreamMode"))
            .and_then(StreamMode::parse)
            .unwrap_or(StreamMode::Provisioned);
        let count = int_of(body, "ShardCount");
        let count = match (mode, count) {
            (StreamMode::OnDemand, Some(_)) => {
                return Err(ApiError::validation(
                    "ShardCount cannot be specified for a stream in ON_DEMAND mode.",
                ))
            }
            (StreamMode::OnDemand, None) => self.config.on_demand_initial_shard_count,
            (StreamMode::Provisioned, Some(count)) => u32::try_from(count).unwrap_or(u32::MAX),
            (StreamMode::Provisioned, None) => {
                return Err(ApiError::invalid_argument(
                    "ShardCount is required for a stream in PROVISIONED mode.",
                ))
            }
        };
        if mode == StreamMode::OnDemand {
            let on_demand = self
                .streams
                .values()
                .filter(|s| s.mode == StreamMode::OnDemand)
                .count();
            if on_demand >= ON_DEMAND_STREAM_COUNT_LIMIT as usize {
                return Err(ApiError::limit_exceeded(format!(
                    "This request would exceed the limit of {ON_DEMAND_STREAM_COUNT_LIMIT} ON_DEMAND streams for account {}.",
                    self.config.account_id
                )));
            }
        }
        self.create_stream(now_ms, name, count)?;
        let now_ms = self.now_ms;
        if let Some(stream) = self.streams.get_mut(name) {
            stream.mode = mode;
            if mode == StreamMode::OnDemand {
                stream.scaler.start(now_ms, &self.config);
            }
        }
        Ok(Empty {})
    }

    /// Creates a stream of `shard_count` evenly split shards, CREATING until it is ready.
    pub fn create_stream(
        &mut self,
        now_ms: u64,
        name: &str,
        shard_count: u32,
    ) -> Result<(), ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let account = self.config.account_id.clone();
        if self.streams.contains_key(name) {
            return Err(ApiError::resource_in_use(format!(
                "Stream {name} under account {account} already exists."
            )));
        }
        let creating = self
            .streams
            .values()
            .filter(|s| s.status == StreamStatus::Creating)
            .count();
        if creating >= MAX_STREAMS_CREATING {
            return Err(ApiError::limit_exceeded(format!(
                "This request would exceed the limit of {MAX_STREAMS_CREATING} streams in CREATING state for account {account}. Wait for a stream to become ACTIVE and try again."
            )));
        }
        let open = self.open_shards_in_account();
        let limit = self.config.shard_limit as usize;
        if open + shard_count as usize > limit {
            return Err(self.shard_limit_error(open, shard_count as usize));
        }
        let limits = self.config.limits_for(name);
        // The creation second in the shards' sequence numbers lies a few seconds before the
        // call, as on AWS (`Config::sequence_creation_lead_ms`).
        let created_secs = now_ms.saturating_sub(self.config.sequence_creation_lead_ms) / 1000;
        let shards = HashKeyRange::even_split(shard_count)
            .into_iter()
            .zip(0..)
            .map(|(range, index)| {
                let mut shard = Shard::new(index, range, now_ms, &limits, now_ms);
                shard.sequence_created_secs = created_secs;
                shard
            })
            .collect();
        let stream = Stream::new(
            name.to_string(),
            self.stream_arn(name),
            now_ms,
            shards,
            limits,
        );
        self.streams.insert(name.to_string(), stream);
        let duration = self.config.create_duration_ms;
        self.begin_change(now_ms, name, Change::Activate, duration)
    }
}
