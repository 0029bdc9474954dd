//! Kinesis's wire protocol as the SDKs speak it: the codec between an HTTP request and
//! [`Kinesis::call`](crate::engine::Kinesis::call), pure (no socket, no clock, no async).
//!
//! What a client sends: `POST /` (AWS ignores the path), `X-Amz-Target:
//! Kinesis_20131202.<Action>`, `Content-Type: application/x-amz-json-1.1`, a SigV4
//! `Authorization` header and `X-Amz-Date`, and the request as a JSON object (the botocore
//! model: `protocol: json`, `jsonVersion: 1.1`, `targetPrefix: Kinesis_20131202`). The Java
//! SDKs (v1 since 1.11.0, v2, so the KCL and the KPL) send `application/x-amz-cbor-1.1` by
//! default instead: the same calls, checks and shapes in CBOR, with blobs as byte strings and
//! timestamps as epoch milliseconds under tag 1 ([`cbor`] has the Java SDKs' sources for it).
//! A request's [`Protocol`] rides along with its call, and the answer is in the same one.
//!
//! What AWS answers, and where the texts come from: the checks before an action runs, their
//! order and their exact bodies are kinesalite's (mhart/kinesalite `index.js` httpHandler and
//! its AWS-validated `test/connection.js`: XML 403s for what cannot be a Kinesis call, JSON
//! 400s `{"__type": ...}` for what can); the errors of the actions themselves are the
//! engine's ([`ApiError`](crate::engine::ApiError), AWS's wording). Responses carry
//! `x-amzn-RequestId` (a UUID) and `x-amz-id-2` (72 bytes, base64), as AWS's do, and no
//! `x-amzn-ErrorType`: AWS-validated answers have none, and every SDK reads the error's name
//! from the body's `__type` (botocore `BaseJSONParser._do_error_parse`, JS v3
//! `parseJsonError`, Java v2 `JsonErrorCodeParser` fall back to it).
//!
//! * [`request`]: a request's head and body → an immediate answer or the call to make;
//! * [`response`]: the engine's result → status, headers and body; request ids;
//! * [`cbor`]: CBOR 1.1 bodies ↔ the engine's JSON shapes;
//! * [`event_stream`]: SubscribeToShard's answer, binary event-stream messages.

pub mod cbor;
pub mod event_stream;
pub mod request;
pub mod response;

#[cfg(test)]
mod cbor_tests;
#[cfg(test)]
mod tests;

pub use request::{handle, Dispatch, RequestHead};
pub use response::{error_body, event_stream_head, respond, too_large, RequestIds};

/// The largest request body read, in bytes: 16 MiB. A PutRecords call may carry 10 MiB of
/// data (`src/engine/actions/put_records.rs`), which base64 makes ~13.4 MiB of JSON, plus
/// its keys and punctuation; 16 MiB is that with headroom, so no request the engine would
/// accept is refused here, and a 20 MB body is refused before it is parsed. What AWS answers
/// above its own limit is not recorded anywhere found: the 413 and its body are Shardlab's.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The JSON 1.1 protocol's content type, requests' and responses'.
pub const AMZ_JSON: &str = "application/x-amz-json-1.1";
/// The CBOR 1.1 protocol's content type, requests' and responses' (the Java SDKs' default for
/// Kinesis).
pub const AMZ_CBOR: &str = "application/x-amz-cbor-1.1";
/// The deprecated Coral content type AWS still answers (with a 200 and an `Output` wrapper).
pub const CORAL_JSON: &str = "application/json";
/// The `X-Amz-Target` prefix of every Kinesis Data Streams operation.
pub const TARGET_PREFIX: &str = "Kinesis_20131202";

/// The protocol a request came in, and so its answer goes out in: JSON 1.1 (also what the
/// engine speaks) or CBOR 1.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Json,
    Cbor,
}

impl Protocol {
    /// The content type of the protocol's requests and responses.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::Json => AMZ_JSON,
            Protocol::Cbor => AMZ_CBOR,
        }
    }
}

/// An HTTP response, ready for a server to send: it adds `Content-Length` (and, for HTTP/1.1,
/// whatever framing) itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl WireResponse {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
