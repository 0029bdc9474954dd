//! DeleteStream: the stream turns DELETING, then disappears after
//! `Config::delete_duration_ms`; from then on every call about it is ResourceNotFound.
//!
//! A stream with registered consumers is deleted only with `EnforceConsumerDeletion`: true,
//! otherwise ResourceInUseException, as documented (the text is Shardlab's). Its consumers
//! turn DELETING with it and go with it; their subscriptions end.

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
        let name = self.stream_name_of(body)?;
        let enforce = body
            .get("EnforceConsumerDeletion")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let account = self.config.account_id.clone();
        let stream = self.find_stream(&name)?;
        if !enforce && stream.consumer_count() > 0 && stream.status != StreamStatus::Deleting {
            return Err(ApiError::resource_in_use(format!(
                "Stream {name} under account {account} has registered consumers. Deregister them, or set EnforceConsumerDeletion to true."
            )));
        }
        self.delete_stream(now_ms, &name)?;
        Ok(Empty {})
    }

    /// Starts deleting a stream, and its consumers with it.
    pub fn delete_stream(&mut self, now_ms: u64, name: &str) -> Result<(), ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        if self.find_stream(name)?.status == StreamStatus::Deleting {
            return Ok(()); // already on its way out
        }
        let duration = self.config.delete_duration_ms;
        self.begin_change(now_ms, name, Change::Remove, duration)?;
        self.consumers_go_with_stream(now_ms, name);
        Ok(())
    }
}
