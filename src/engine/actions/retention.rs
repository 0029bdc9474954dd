//! IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod.
//!
//! Retention is 24 hours to 8,760 hours (365 days). Increasing it keeps records that have not
//! yet expired; records already trimmed never come back. Decreasing it makes older records
//! unreadable at once and moves TRIM_HORIZON forward.

use serde_json::Value;

use super::{int_of, Empty, STREAM_ARN, STREAM_NAME};
use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::validate::{Member, Rule, Type};

pub const MIN_RETENTION_HOURS: i64 = 24;
pub const MAX_RETENTION_HOURS: i64 = 8760;

pub static SHAPE: [Member; 3] = [
    Member {
        name: "RetentionPeriodHours",
        ty: Type::Integer,
        rules: &[Rule::NotNull, Rule::MinValue(1)],
    },
    STREAM_NAME,
    STREAM_ARN,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Increase,
    Decrease,
}

impl Kinesis {
    pub(super) fn change_retention_json(
        &mut self,
        now_ms: u64,
        body: &Value,
        direction: Direction,
    ) -> Result<Empty, ApiError> {
        let name = &self.stream_name_of(body)?;
        let hours = int_of(body, "RetentionPeriodHours").unwrap_or_default();
        self.change_retention(now_ms, name, hours, direction)?;
        Ok(Empty {})
    }

    /// Sets a stream's retention period, enforcing AWS's bounds and direction.
    pub fn change_retention(
        &mut self,
        now_ms: u64,
        name: &str,
        hours: i64,
        direction: Direction,
    ) -> Result<(), ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let stream = self.find_stream_mut(name)?;
        if hours < MIN_RETENTION_HOURS {
            return Err(ApiError::invalid_argument(format!(
                "Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too short."
            )));
        }
        if hours > MAX_RETENTION_HOURS {
            return Err(ApiError::invalid_argument(format!(
                "Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too long."
            )));
        }
        let current = i64::from(stream.retention_hours);
        match direction {
            Direction::Increase if hours < current => {
                return Err(ApiError::invalid_argument(format!(
                    "Requested retention period ({hours} hours) for stream {name} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
                )))
            }
            Direction::Decrease if hours > current => {
                return Err(ApiError::invalid_argument(format!(
                    "Requested retention period ({hours} hours) for stream {name} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
                )))
            }
            _ => {}
        }
        stream.set_retention_hours(u32::try_from(hours).unwrap_or(u32::MAX), now_ms);
        Ok(())
    }
}
