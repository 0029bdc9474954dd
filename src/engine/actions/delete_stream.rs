//! DeleteStream: the stream turns DELETING, then disappears after
//! `Config::delete_duration_ms`; from then on every call about it is ResourceNotFound.

use serde_json::Value;

use super::create_stream::Empty;
use super::{str_of, STREAM_NAME_RULES};
use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::stream::{Change, Pending, StreamStatus};
use crate::engine::validate::{Member, Type};

pub static SHAPE: [Member; 2] = [
    Member {
        name: "EnforceConsumerDeletion",
        ty: Type::Boolean,
        rules: &[],
    },
    Member {
        name: "StreamName",
        ty: Type::String,
        rules: STREAM_NAME_RULES,
    },
];

impl Kinesis {
    pub(super) fn delete_stream_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<Empty, ApiError> {
        self.delete_stream(now_ms, str_of(body, "StreamName").unwrap_or_default())?;
        Ok(Empty {})
    }

    /// Starts deleting a stream.
    pub fn delete_stream(&mut self, now_ms: u64, name: &str) -> Result<(), ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let due_ms = now_ms.saturating_add(self.config.delete_duration_ms);
        let stream = self.find_stream_mut(name)?;
        if stream.status == StreamStatus::Deleting {
            return Ok(()); // already on its way out
        }
        stream.pending = Some(Pending {
            due_ms,
            change: Change::Remove,
        });
        self.set_status(name, StreamStatus::Deleting, now_ms);
        Ok(())
    }
}
