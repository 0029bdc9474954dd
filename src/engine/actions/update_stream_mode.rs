//! UpdateStreamMode: switch a stream between PROVISIONED and ON_DEMAND capacity.
//!
//! The stream is addressed by `StreamARN` only (the model has no `StreamName` here). It must
//! be ACTIVE; it shows UPDATING for `Config::update_stream_mode_duration_ms` (AWS documents
//! no duration), then ACTIVE in the new mode, keeping its shards in both directions; reads and
//! writes go on meanwhile. The mode shown changes when the switch completes, as a reshard's
//! shards do. A stream switches at most `Config::stream_mode_switches_per_day` times (2, as
//! documented) in a rolling 24 hours; the LimitExceededException's text is Shardlab's, as is
//! the InvalidArgumentException for a switch to the mode the stream already has (README's
//! known unknowns).

use serde_json::Value;

use super::{str_of, Empty};
use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::stream::{Change, StreamMode};
use crate::engine::validate::{Member, Rule, Type};

/// A rolling day, for the limit on switches.
const DAY_MS: u64 = 24 * 3_600_000;

pub static SHAPE: [Member; 2] = [
    Member {
        name: "StreamARN",
        ty: Type::String,
        rules: &[
            Rule::NotNull,
            Rule::Pattern(crate::engine::validate::Pattern::StreamArn),
            Rule::MinLength(1),
            Rule::MaxLength(2048),
        ],
    },
    Member {
        name: "StreamModeDetails",
        ty: Type::Structure(&super::create_stream::STREAM_MODE_DETAILS),
        rules: &[Rule::NotNull],
    },
];

impl Kinesis {
    pub(super) fn update_stream_mode_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<Empty, ApiError> {
        let name = self.stream_name_of(body)?;
        let mode = body
            .get("StreamModeDetails")
            .and_then(|d| str_of(d, "StreamMode"))
            .and_then(StreamMode::parse)
            .unwrap_or(StreamMode::Provisioned);
        self.update_stream_mode(now_ms, &name, mode)?;
        Ok(Empty {})
    }

    /// UpdateStreamMode, typed: starts the switch of stream `name` to `mode`.
    pub fn update_stream_mode(
        &mut self,
        now_ms: u64,
        name: &str,
        mode: StreamMode,
    ) -> Result<(), ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let account = self.config.account_id.clone();
        let per_day = self.config.stream_mode_switches_per_day;
        let stream = self.find_stream(name)?;
        stream.require_active(&account)?;
        if stream.mode == mode {
            return Err(ApiError::invalid_argument(format!(
                "Stream {name} under account {account} is already in {} mode.",
                mode.as_str()
            )));
        }
        let recent = stream
            .mode_switches_ms
            .iter()
            .filter(|&&at| now_ms.saturating_sub(at) < DAY_MS)
            .count();
        if recent >= per_day {
            return Err(ApiError::limit_exceeded(format!(
                "Stream {name} under account {account} has already switched its capacity mode {per_day} times in the last 24 hours; the limit is {per_day} switches per rolling 24 hours."
            )));
        }
        let duration = self.config.update_stream_mode_duration_ms;
        let stream = self.find_stream_mut(name)?;
        stream
            .mode_switches_ms
            .retain(|&at| now_ms.saturating_sub(at) < DAY_MS);
        stream.mode_switches_ms.push(now_ms);
        self.begin_change(now_ms, name, Change::SwitchMode(mode), duration)
    }
}
