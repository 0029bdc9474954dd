//! DeleteStream: the stream turns DELETING, then disappears after
//! `Config::delete_duration_ms`; from then on every call about it is ResourceNotFound.

use serde_json::Value;

use super::{Empty, STREAM_ARN, STREAM_NAME};
use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::stream::{Change, StreamStatus};
use crate::engine::validate::{Member, Type};

pub static SHAPE: [Member; 3] = [
    Member {
        name: "EnforceConsumerDeletion",
        ty: Type::Boolean,
        rules: &[],
    },
    STREAM_NAME,
    STREAM_ARN,
];

impl Kinesis {
    pub(super) fn delete_stream_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<Empty, ApiError> {
        self.delete_stream(now_ms, &self.stream_name_of(body)?)?;
        Ok(Empty {})
    }

    /// Starts deleting a stream.
    pub fn delete_stream(&mut self, now_ms: u64, name: &str) -> Result<(), ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        if self.find_stream(name)?.status == StreamStatus::Deleting {
            return Ok(()); // already on its way out
        }
        let duration = self.config.delete_duration_ms;
        self.begin_change(now_ms, name, Change::Remove, duration)
    }
}
