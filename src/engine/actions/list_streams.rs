//! ListStreams: stream names in order, a page at a time.

use serde::Serialize;
use serde_json::Value;

use super::{epoch_seconds, int_of, str_of, StreamModeDetails, LIMIT, NAME_RULES, NEXT_TOKEN};
use crate::engine::error::ApiError;
use crate::engine::kinesis::Kinesis;
use crate::engine::stream::StreamStatus;
use crate::engine::validate::{Member, Type};

/// Names returned per page when the caller sets no `Limit`, and at most per page.
const PAGE: usize = 100;

pub static SHAPE: [Member; 3] = [
    LIMIT,
    Member {
        name: "ExclusiveStartStreamName",
        ty: Type::String,
        rules: NAME_RULES,
    },
    NEXT_TOKEN,
];

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamSummary {
    pub stream_name: String,
    #[serde(rename = "StreamARN")]
    pub stream_arn: String,
    pub stream_status: StreamStatus,
    pub stream_mode_details: StreamModeDetails,
    pub stream_creation_timestamp: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamsOutput {
    pub stream_names: Vec<String>,
    pub has_more_streams: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    pub stream_summaries: Vec<StreamSummary>,
}

impl Kinesis {
    pub(super) fn list_streams_json(
        &mut self,
        body: &Value,
    ) -> Result<ListStreamsOutput, ApiError> {
        let limit =
            int_of(body, "Limit").map_or(PAGE, |l| usize::try_from(l).unwrap_or(1).min(PAGE));
        // The NextToken of this API is simply the last name of the previous page.
        let after = str_of(body, "ExclusiveStartStreamName").or_else(|| str_of(body, "NextToken"));
        let mut names = self
            .streams
            .range::<str, _>((
                after.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded),
                std::ops::Bound::Unbounded,
            ))
            .map(|(_, stream)| stream);
        let page: Vec<_> = names.by_ref().take(limit).collect();
        let has_more_streams = names.next().is_some();
        Ok(ListStreamsOutput {
            stream_names: page.iter().map(|s| s.name.clone()).collect(),
            has_more_streams,
            next_token: has_more_streams
                .then(|| page.last().map(|s| s.name.clone()))
                .flatten(),
            stream_summaries: page
                .iter()
                .map(|s| StreamSummary {
                    stream_name: s.name.clone(),
                    stream_arn: s.arn.clone(),
                    stream_status: s.status,
                    stream_mode_details: StreamModeDetails::of(s),
                    stream_creation_timestamp: epoch_seconds(s.created_ms),
                })
                .collect(),
        })
    }
}
