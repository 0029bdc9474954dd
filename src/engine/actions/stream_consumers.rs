//! RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers and
//! DeregisterStreamConsumer: the enhanced fan-out consumers of a stream.
//!
//! A consumer is named by its `ConsumerARN`, or by the `StreamARN` of its stream and its
//! `ConsumerName` (Describe and Deregister accept either, not both and not neither). Register
//! and List take the stream by `StreamARN` only. What a consumer is and how its status moves
//! lives in the core (`crate::engine::fan_out`); this file holds the request shapes, AWS's
//! checks of them and the response shapes. ListStreamConsumers pages with a `NextToken` that
//! is valid for `Config::next_token_lifetime_ms`, as ListShards' is.

use serde::Serialize;
use serde_json::Value;

use super::{epoch_seconds, int_of, str_of, timestamp_ms_of, Empty, NAME_RULES, NEXT_TOKEN};
use crate::engine::error::{ApiError, ErrorKind};
use crate::engine::fan_out::{Consumer, ConsumerStatus};
use crate::engine::kinesis::Kinesis;
use crate::engine::validate::{Member, Pattern, Rule, Type};

/// `StreamARN` where the model requires it.
const REQUIRED_STREAM_ARN: Member = Member {
    name: "StreamARN",
    ty: Type::String,
    rules: &[
        Rule::NotNull,
        Rule::Pattern(Pattern::StreamArn),
        Rule::MinLength(1),
        Rule::MaxLength(2048),
    ],
};

const OPTIONAL_STREAM_ARN: Member = Member {
    name: "StreamARN",
    ty: Type::String,
    rules: &[
        Rule::Pattern(Pattern::StreamArn),
        Rule::MinLength(1),
        Rule::MaxLength(2048),
    ],
};

/// `ConsumerARN`: `^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+`.
pub(super) const CONSUMER_ARN_RULES: &[Rule] = &[
    Rule::Pattern(Pattern::ConsumerArn),
    Rule::MinLength(1),
    Rule::MaxLength(2048),
];

const OPTIONAL_CONSUMER_ARN: Member = Member {
    name: "ConsumerARN",
    ty: Type::String,
    rules: CONSUMER_ARN_RULES,
};

const OPTIONAL_CONSUMER_NAME: Member = Member {
    name: "ConsumerName",
    ty: Type::String,
    rules: NAME_RULES,
};

pub static REGISTER_SHAPE: [Member; 2] = [
    REQUIRED_STREAM_ARN,
    Member {
        name: "ConsumerName",
        ty: Type::String,
        rules: &[
            Rule::NotNull,
            Rule::Pattern(Pattern::Name),
            Rule::MinLength(1),
            Rule::MaxLength(128),
        ],
    },
];

/// DescribeStreamConsumer's and DeregisterStreamConsumer's members.
pub static CONSUMER_REF_SHAPE: [Member; 3] = [
    OPTIONAL_STREAM_ARN,
    OPTIONAL_CONSUMER_NAME,
    OPTIONAL_CONSUMER_ARN,
];

pub static LIST_SHAPE: [Member; 4] = [
    REQUIRED_STREAM_ARN,
    NEXT_TOKEN,
    Member {
        name: "MaxResults",
        ty: Type::Integer,
        rules: &[Rule::MinValue(1), Rule::MaxValue(10_000)],
    },
    Member {
        name: "StreamCreationTimestamp",
        ty: Type::Timestamp,
        rules: &[],
    },
];

/// At most this many consumers per ListStreamConsumers page, whatever MaxResults says.
const MAX_PAGE: usize = 100;

/// `Consumer` as RegisterStreamConsumer and ListStreamConsumers show it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumerSummary {
    pub consumer_name: String,
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: String,
    pub consumer_status: ConsumerStatus,
    pub consumer_creation_timestamp: f64,
}

impl ConsumerSummary {
    fn of(consumer: &Consumer) -> Self {
        ConsumerSummary {
            consumer_name: consumer.name.clone(),
            consumer_arn: consumer.arn.clone(),
            consumer_status: consumer.status,
            consumer_creation_timestamp: epoch_seconds(consumer.created_ms),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegisterStreamConsumerOutput {
    pub consumer: ConsumerSummary,
}

/// `ConsumerDescription`: the summary's fields and the stream's ARN.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumerDescription {
    pub consumer_name: String,
    #[serde(rename = "ConsumerARN")]
    pub consumer_arn: String,
    pub consumer_status: ConsumerStatus,
    pub consumer_creation_timestamp: f64,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamConsumerOutput {
    pub consumer_description: ConsumerDescription,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamConsumersOutput {
    pub consumers: Vec<ConsumerSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// What a ListStreamConsumers NextToken remembers.
#[derive(Debug, PartialEq, Eq)]
struct PageToken {
    stream_name: String,
    stream_created_ms: u64,
    /// How many consumers earlier pages listed.
    offset: u64,
    issued_ms: u64,
}

impl PageToken {
    fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(28 + self.stream_name.len());
        bytes.extend_from_slice(&self.issued_ms.to_be_bytes());
        bytes.extend_from_slice(&self.stream_created_ms.to_be_bytes());
        bytes.extend_from_slice(&self.offset.to_be_bytes());
        bytes.extend_from_slice(self.stream_name.as_bytes());
        super::seal_token(bytes)
    }

    fn decode(text: &str) -> Option<PageToken> {
        let body = super::unseal_token(text, 24)?;
        let u64_at = |at: usize| Some(u64::from_be_bytes(body.get(at..at + 8)?.try_into().ok()?));
        Some(PageToken {
            issued_ms: u64_at(0)?,
            stream_created_ms: u64_at(8)?,
            offset: u64_at(16)?,
            stream_name: String::from_utf8(body.get(24..)?.to_vec()).ok()?,
        })
    }
}

impl Kinesis {
    pub(super) fn register_stream_consumer_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<RegisterStreamConsumerOutput, ApiError> {
        let stream = self.stream_name_of(body)?;
        let name = str_of(body, "ConsumerName").unwrap_or_default();
        let consumer = self.register_stream_consumer(now_ms, &stream, name)?;
        Ok(RegisterStreamConsumerOutput {
            consumer: ConsumerSummary::of(&consumer),
        })
    }

    /// The (stream, consumer name) a Describe or Deregister request names: by ConsumerARN, or
    /// by StreamARN and ConsumerName, never both ways nor neither.
    fn consumer_named_by(&self, body: &Value) -> Result<(String, String), ApiError> {
        let arn = str_of(body, "ConsumerARN");
        let stream_arn = str_of(body, "StreamARN");
        let name = str_of(body, "ConsumerName");
        match (arn, stream_arn, name) {
            (Some(arn), None, None) => {
                let (stream, consumer) = self.find_consumer_by_arn(arn)?;
                Ok((stream.name.clone(), consumer.name.clone()))
            }
            (None, Some(_), Some(name)) => {
                let stream = self.stream_name_of(body)?;
                let (_, consumer) = self.find_consumer_by_name(&stream, name)?;
                Ok((stream, consumer.name.clone()))
            }
            _ => Err(ApiError::invalid_argument(
                "Either ConsumerARN or both ConsumerName and StreamARN must be provided, but not both.",
            )),
        }
    }

    pub(super) fn describe_stream_consumer_json(
        &mut self,
        body: &Value,
    ) -> Result<DescribeStreamConsumerOutput, ApiError> {
        let (stream, name) = self.consumer_named_by(body)?;
        let (stream, consumer) = self.find_consumer_by_name(&stream, &name)?;
        Ok(DescribeStreamConsumerOutput {
            consumer_description: ConsumerDescription {
                consumer_name: consumer.name.clone(),
                consumer_arn: consumer.arn.clone(),
                consumer_status: consumer.status,
                consumer_creation_timestamp: epoch_seconds(consumer.created_ms),
                stream_arn: stream.arn.clone(),
            },
        })
    }

    pub(super) fn deregister_stream_consumer_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<Empty, ApiError> {
        let (stream, name) = self.consumer_named_by(body)?;
        self.deregister_stream_consumer(now_ms, &stream, &name)?;
        Ok(Empty {})
    }

    pub(super) fn list_stream_consumers_json(
        &mut self,
        now_ms: u64,
        body: &Value,
    ) -> Result<ListStreamConsumersOutput, ApiError> {
        let name = self.stream_name_of(body)?;
        let page_size = int_of(body, "MaxResults")
            .map_or(MAX_PAGE, |m| usize::try_from(m).unwrap_or(1).min(MAX_PAGE));
        let stream = self.find_stream(&name)?;
        if let Some(created) = timestamp_ms_of(body, "StreamCreationTimestamp") {
            if created / 1000 != stream.created_ms / 1000 {
                return Err(self.stream_not_found(&name));
            }
        }
        let offset = match str_of(body, "NextToken") {
            None => 0,
            Some(token) => {
                let token = PageToken::decode(token)
                    .filter(|t| t.stream_name == name)
                    .ok_or_else(|| ApiError::invalid_argument("Invalid NextToken."))?;
                if now_ms.saturating_sub(token.issued_ms) > self.config.next_token_lifetime_ms {
                    return Err(ApiError::new(
                        ErrorKind::ExpiredNextToken,
                        format!(
                            "The NextToken has expired: it is valid for {} seconds. Call ListStreamConsumers again without a NextToken.",
                            self.config.next_token_lifetime_ms / 1000
                        ),
                    ));
                }
                if token.stream_created_ms != stream.created_ms {
                    return Err(self.stream_not_found(&name));
                }
                usize::try_from(token.offset).unwrap_or(usize::MAX)
            }
        };
        let consumers: Vec<ConsumerSummary> = stream
            .consumers
            .iter()
            .skip(offset)
            .take(page_size)
            .map(ConsumerSummary::of)
            .collect();
        let listed = offset.saturating_add(consumers.len());
        let next_token = (listed < stream.consumers.len()).then(|| {
            PageToken {
                stream_name: name.clone(),
                stream_created_ms: stream.created_ms,
                offset: listed as u64,
                issued_ms: now_ms,
            }
            .encode()
        });
        Ok(ListStreamConsumersOutput {
            consumers,
            next_token,
        })
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
            offset: 7,
            issued_ms: 99,
        };
        let text = token.encode();
        assert_eq!(PageToken::decode(&text), Some(token));
        assert_eq!(PageToken::decode("bogus"), None);
        assert_eq!(PageToken::decode(&text[1..]), None);
    }
}
