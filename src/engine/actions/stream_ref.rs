//! How a request names its stream: `StreamName`, `StreamARN`, or both.
//!
//! Since 2022 every stream-addressed action but CreateStream takes a `StreamARN` beside the
//! `StreamName` ("you must use either the StreamARN or the StreamName parameter, or both",
//! the API reference of each action). With neither, AWS answers the old `StreamName` null
//! error (observed, tests/cli_fidelity.rs), which [`STREAM_NAME`]'s `NotNullUnless` rule
//! reproduces. With both naming different streams, or an ARN of another account or region,
//! AWS's answer is not documented; Shardlab's choices are listed in README's known unknowns:
//! InvalidArgumentException for the mismatch, ResourceNotFoundException for a stream this
//! account and region do not hold.

use serde_json::Value;

use super::str_of;
use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::validate::{Member, Pattern, Rule, Type};

/// `StreamARN`: `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`, 1 to 2,048 characters.
pub(super) const STREAM_ARN: Member = Member {
    name: "StreamARN",
    ty: Type::String,
    rules: STREAM_ARN_RULES,
};

const STREAM_ARN_RULES: &[Rule] = &[
    Rule::Pattern(Pattern::StreamArn),
    Rule::MinLength(1),
    Rule::MaxLength(2048),
];

/// The parts of a stream ARN that name a stream: region, account and name.
struct ArnParts<'a> {
    region: &'a str,
    account: &'a str,
    name: &'a str,
}

/// Splits an ARN that passed [`Pattern::StreamArn`]: `arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME`.
fn arn_parts(arn: &str) -> Option<ArnParts<'_>> {
    let mut fields = arn.splitn(6, ':');
    let (_arn, _partition, _service) = (fields.next()?, fields.next()?, fields.next()?);
    let region = fields.next()?;
    let account = fields.next()?;
    let name = fields.next()?.strip_prefix("stream/")?;
    Some(ArnParts {
        region,
        account,
        name,
    })
}

impl Kinesis {
    /// The name of the stream a checked request addresses, by `StreamName`, `StreamARN` or
    /// both. `None` when it gives neither (only ListShards allows that, with a NextToken).
    pub(super) fn addressed_stream_name(&self, body: &Value) -> Result<Option<String>, ApiError> {
        let name = str_of(body, "StreamName");
        let Some(arn) = str_of(body, "StreamARN") else {
            return Ok(name.map(str::to_string));
        };
        let parts = arn_parts(arn).ok_or_else(|| {
            ApiError::invalid_argument(format!("StreamARN {arn} is not a valid stream ARN."))
        })?;
        if let Some(name) = name.filter(|n| *n != parts.name) {
            return Err(ApiError::invalid_argument(format!(
                "StreamARN {arn} and StreamName {name} do not refer to the same stream."
            )));
        }
        if parts.region != self.config.region || parts.account != self.config.account_id {
            return Err(ApiError::resource_not_found(format!(
                "Stream {} under account {} not found.",
                parts.name, parts.account
            )));
        }
        Ok(Some(parts.name.to_string()))
    }

    /// The stream a stream-addressed request names (its shape requires one of the two).
    pub(super) fn stream_name_of(&self, body: &Value) -> Result<String, ApiError> {
        Ok(self.addressed_stream_name(body)?.unwrap_or_default())
    }
}
