//! Responses as AWS sends them: the engine's result in the request's protocol (JSON 1.1 or
//! CBOR 1.1), and the shapes of the answers given before any action runs (JSON or CBOR, XML,
//! the Coral wrapper).

use base64::Engine as _;
use serde_json::{json, Value};

use super::{cbor, Protocol, WireResponse, AMZ_JSON};
use crate::engine::ApiError;

/// The actions whose model has no output: AWS answers them with an empty body (kinesalite's
/// AWS-validated CreateStream test; botocore parses an empty body as `{}`), where the engine
/// returns `{}`.
const NO_OUTPUT: [&str; 8] = [
    "CreateStream",
    "DecreaseStreamRetentionPeriod",
    "DeleteStream",
    "DeregisterStreamConsumer",
    "IncreaseStreamRetentionPeriod",
    "MergeShards",
    "SplitShard",
    "UpdateStreamMode",
];

/// The response to an engine call, in the request's `protocol`: 200 with the output, or the
/// error's status with AWS's error body (`{"__type": ..., "message": ...}`, a JSON object or a
/// CBOR map).
pub fn respond(
    action: &str,
    result: Result<Value, ApiError>,
    protocol: Protocol,
    ids: &mut RequestIds,
) -> WireResponse {
    match result {
        Ok(output) => {
            let empty = output.as_object().is_some_and(|o| o.is_empty()) || output.is_null();
            if empty && NO_OUTPUT.contains(&action) {
                stamp(200, Some(protocol.content_type()), Vec::new(), ids)
            } else {
                body_response(protocol, 200, &output, ids)
            }
        }
        Err(error) => {
            let (status, body) = error_body(&error);
            body_response(protocol, status, &body, ids)
        }
    }
}

/// An engine error as AWS answers it: the HTTP status and the JSON body. `shardlab call`
/// prints the same pair.
pub fn error_body(error: &ApiError) -> (u16, Value) {
    let body = serde_json::to_value(error).unwrap_or_else(|_| json!({"__type": error.kind()}));
    (error.error_kind().http_status(), body)
}

/// A response with `body` in `protocol`: JSON 1.1 text, or CBOR 1.1 ([`cbor::encode`]).
pub(super) fn body_response(
    protocol: Protocol,
    status: u16,
    body: &Value,
    ids: &mut RequestIds,
) -> WireResponse {
    let bytes = match protocol {
        Protocol::Json => to_bytes(body),
        Protocol::Cbor => cbor::encode(body),
    };
    stamp(status, Some(protocol.content_type()), bytes, ids)
}

/// A 400 the engine has no kind for (the checks' exceptions), in `protocol`: `{"__type":
/// name}`, with `message` when there is one.
pub(super) fn protocol_error(
    protocol: Protocol,
    name: &str,
    message: Option<&str>,
    ids: &mut RequestIds,
) -> WireResponse {
    let body = match message {
        Some(message) => json!({"__type": name, "message": message}),
        None => json!({"__type": name}),
    };
    body_response(protocol, 400, &body, ids)
}

/// AWS's answer to what it cannot take for a call of any JSON service (wrong method, wrong
/// content type): 403 and an XML body, no Content-Type (kinesalite `sendError`).
pub(super) fn xml_error(name: &str, message: &str, ids: &mut RequestIds) -> WireResponse {
    let body = format!("<{name}>\n  <Message>{message}</Message>\n</{name}>\n");
    stamp(403, None, body.into_bytes(), ids)
}

/// A bare XML error, `<Name/>`: AWS's answer to a Kinesis target sent with a content type
/// Kinesis does not speak (404 for an operation, 500 for a name that is none).
pub(super) fn xml_bare(name: &str, status: u16, ids: &mut RequestIds) -> WireResponse {
    stamp(status, None, format!("<{name}/>\n").into_bytes(), ids)
}

/// The deprecated Coral protocol (`Content-Type: application/json`): AWS answers 200 with its
/// exception wrapped in `Output` (kinesalite test/connection.js `assertUnknownDeprecated`).
pub(super) fn coral_error(name: &str, member: &str, ids: &mut RequestIds) -> WireResponse {
    let mut output = serde_json::Map::new();
    output.insert(
        "__type".into(),
        Value::String(format!("com.amazon.coral.service#{name}")),
    );
    output.insert(member.into(), Value::Null);
    let body = json!({"Output": output, "Version": "1.0"});
    stamp(200, Some(super::CORAL_JSON), to_bytes(&body), ids)
}

/// A Shardlab answer with no AWS counterpart found: 413 for a body over
/// [`MAX_BODY_BYTES`](super::MAX_BODY_BYTES), a JSON 1.1 error body saying so.
pub fn too_large(len: usize, ids: &mut RequestIds) -> WireResponse {
    let message = format!(
        "Request body of {len} bytes is larger than the {} bytes Shardlab reads (PutRecords' 10 MiB of data, base64 in JSON, with headroom).",
        super::MAX_BODY_BYTES
    );
    let body = json!({"__type": "SerializationException", "message": message});
    stamp(413, Some(AMZ_JSON), to_bytes(&body), ids)
}

/// The head of SubscribeToShard's answer: 200, `application/vnd.amazon.eventstream`, the
/// request ids; its body is the event stream (`event_stream.rs`), sent as it happens.
pub fn event_stream_head(ids: &mut RequestIds) -> WireResponse {
    stamp(
        200,
        Some(super::event_stream::CONTENT_TYPE),
        Vec::new(),
        ids,
    )
}

fn to_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// The response with the headers every answer carries: the content type (when there is one),
/// `x-amzn-RequestId` and `x-amz-id-2`.
fn stamp(
    status: u16,
    content_type: Option<&str>,
    body: Vec<u8>,
    ids: &mut RequestIds,
) -> WireResponse {
    let (request_id, id_2) = ids.next_pair();
    let mut headers = Vec::with_capacity(3);
    if let Some(content_type) = content_type {
        headers.push(("Content-Type".to_string(), content_type.to_string()));
    }
    headers.push(("x-amzn-RequestId".to_string(), request_id));
    headers.push(("x-amz-id-2".to_string(), id_2));
    WireResponse {
        status,
        headers,
        body,
    }
}

/// Request ids: `x-amzn-RequestId` (a version-4 UUID, as AWS's look) and `x-amz-id-2` (72
/// bytes, base64). Deterministic from a seed (SplitMix64 over a counter), so tests are
/// stable; the endpoint seeds its own, apart from the world's random numbers, so answering a
/// request never shifts the simulation.
#[derive(Clone, Debug)]
pub struct RequestIds {
    state: u64,
}

impl RequestIds {
    pub fn new(seed: u64) -> Self {
        RequestIds { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// The next request's `x-amzn-RequestId` and `x-amz-id-2`.
    pub fn next_pair(&mut self) -> (String, String) {
        let (a, b) = (self.next_u64(), self.next_u64());
        let request_id = format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        );
        let mut bytes = Vec::with_capacity(72);
        for _ in 0..9 {
            bytes.extend(self.next_u64().to_be_bytes());
        }
        let id_2 = base64::engine::general_purpose::STANDARD.encode(bytes);
        (request_id, id_2)
    }
}
