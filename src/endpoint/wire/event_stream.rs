//! SubscribeToShard's answer as AWS sends it: HTTP 200, `Content-Type:
//! application/vnd.amazon.eventstream`, and a body of binary event-stream messages for as long
//! as the subscription lasts (up to five minutes).
//!
//! Why a module of its own: every other answer is one JSON body; this one is a sequence of
//! framed messages, and the framing is what the SDKs check before they look at anything else
//! (a wrong length or CRC and they drop the connection).
//!
//! A message (the `application/vnd.amazon.eventstream` format, Smithy's "Amazon Event Stream
//! Specification"), all integers big-endian:
//!
//! ```text
//! total length u32 | headers length u32 | prelude CRC32 (of the 8 bytes before)
//! headers: name length u8, name, value type u8 (7: string), value length u16, value
//! payload
//! message CRC32 (of everything before it, prelude CRC included)
//! ```
//!
//! The CRC is CRC-32 (IEEE, the gzip one): botocore `eventstream.py` checks the prelude with
//! `crc32(prelude[:8])` and the message with `crc32(prelude_crc + headers + payload,
//! prelude_crc)`, which is the CRC of every byte before it; `@smithy/eventstream-codec`
//! (`EventStreamCodec.decode`, `splitMessage`) checks the same two.
//!
//! What the SDKs expect of Kinesis's stream (botocore `parsers.py` `EventStreamJSONParser`:
//! `_handle_event_stream` requires the first message to be `:event-type: initial-response`,
//! whose JSON payload is the operation's output without the stream, `{}` for
//! SubscribeToShard; `BaseEventStreamParser._do_parse` picks the union member by
//! `:event-type`; `_do_error_parse` reads an `:message-type: exception` message's name from
//! `:exception-type` and its text from the payload's `message`):
//! * first `:message-type: event`, `:event-type: initial-response`, `:content-type:
//!   application/json`, payload `{}`;
//! * then one `:event-type: SubscribeToShardEvent` per event, its payload the event as JSON
//!   (`Records` with `Data` in base64, `ContinuationSequenceNumber`, `MillisBehindLatest`,
//!   `ChildShards` at a shard's end);
//! * an error that ends the subscription (a newer subscription took over, the consumer went
//!   away) as `:message-type: exception`, `:exception-type: <Name>`, payload `{"message":
//!   ...}`; then the body ends. At its normal end (five minutes, the shard's end) the body
//!   simply ends.
//!
//! A CBOR client (the Java SDKs' default) gets the same messages with CBOR payloads and
//! `:content-type: application/x-amz-cbor-1.1`: the Java SDK v2 reads an event's payload
//! with the protocol's own unmarshaller (`AwsCborProtocolFactory` for Kinesis), so `Data` is
//! a byte string and timestamps tag 1 around epoch milliseconds there too ([`super::cbor`]).
//!
//! The encoder is checked against the test vectors the JS SDK's codec is tested with
//! (aws/aws-sdk-js-v3 `packages/eventstream-marshaller/src/TestVectors.fixture.ts`, now
//! `@smithy/eventstream-codec`): `payload_no_headers` and `payload_one_str_header`.

use serde_json::{json, Value};

use super::{cbor, Protocol};
use crate::engine::{ApiError, SubscribeToShardEvent};

/// The content type of an event stream body.
pub const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// The header value type of a string (botocore `EventStreamHeaderParser._HEADER_TYPE_MAP`).
const STRING: u8 = 7;
/// Prelude (lengths and their CRC) and the message CRC.
const FRAMING_BYTES: usize = 12 + 4;

/// One message: its string headers, in order, and its payload.
pub fn encode(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut header_bytes = Vec::new();
    for (name, value) in headers {
        // Names are ours and short, values at most a few hundred bytes: the u8 and u16
        // lengths hold them.
        let name = &name.as_bytes()[..name.len().min(u8::MAX as usize)];
        let value = &value.as_bytes()[..value.len().min(u16::MAX as usize)];
        header_bytes.push(name.len() as u8);
        header_bytes.extend_from_slice(name);
        header_bytes.push(STRING);
        header_bytes.extend_from_slice(&(value.len() as u16).to_be_bytes());
        header_bytes.extend_from_slice(value);
    }
    let total = FRAMING_BYTES + header_bytes.len() + payload.len();
    let mut message = Vec::with_capacity(total);
    message.extend_from_slice(&(total as u32).to_be_bytes());
    message.extend_from_slice(&(header_bytes.len() as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&message);
    message.extend_from_slice(&prelude_crc.to_be_bytes());
    message.extend_from_slice(&header_bytes);
    message.extend_from_slice(payload);
    let message_crc = crc32fast::hash(&message);
    message.extend_from_slice(&message_crc.to_be_bytes());
    message
}

/// A payload in the request's protocol.
fn payload(value: &Value, protocol: Protocol) -> Vec<u8> {
    match protocol {
        Protocol::Json => serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()),
        Protocol::Cbor => cbor::encode(value),
    }
}

/// An event of the stream, `:event-type` `event_type`, its payload in the request's protocol.
fn event(event_type: &str, value: &Value, protocol: Protocol) -> Vec<u8> {
    encode(
        &[
            (":event-type", event_type),
            (":content-type", protocol.content_type()),
            (":message-type", "event"),
        ],
        &payload(value, protocol),
    )
}

/// The first message: the operation's output apart from the stream, which for
/// SubscribeToShard is nothing.
pub fn initial_response(protocol: Protocol) -> Vec<u8> {
    event("initial-response", &json!({}), protocol)
}

/// One `SubscribeToShardEvent`.
pub fn subscribe_to_shard_event(delivered: &SubscribeToShardEvent, protocol: Protocol) -> Vec<u8> {
    let value = serde_json::to_value(delivered).unwrap_or_else(|_| json!({}));
    event("SubscribeToShardEvent", &value, protocol)
}

/// The error a subscription ends with, as the stream's last message.
pub fn exception(error: &ApiError, protocol: Protocol) -> Vec<u8> {
    encode(
        &[
            (":exception-type", error.kind()),
            (":content-type", protocol.content_type()),
            (":message-type", "exception"),
        ],
        &payload(&json!({"message": error.message()}), protocol),
    )
}

/// A message taken apart: its headers and payload, with the lengths and both CRCs checked
/// (what a client does; tests read the stream with it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub headers: Vec<(String, String)>,
    pub payload: Vec<u8>,
}

impl Decoded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads the first message of `bytes`: it and how many bytes it took, or why it is not one.
/// Only string headers are read (the only type this endpoint sends).
pub fn decode(bytes: &[u8]) -> Result<(Decoded, usize), String> {
    let u32_at = |at: usize| -> Result<u32, String> {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| format!("cut short at byte {at}"))
    };
    let total = u32_at(0)? as usize;
    let headers_len = u32_at(4)? as usize;
    if crc32fast::hash(&bytes[..8]) != u32_at(8)? {
        return Err("prelude CRC mismatch".into());
    }
    if total < FRAMING_BYTES + headers_len || bytes.len() < total {
        return Err(format!(
            "lengths: total {total}, headers {headers_len}, have {}",
            bytes.len()
        ));
    }
    if crc32fast::hash(&bytes[..total - 4]) != u32_at(total - 4)? {
        return Err("message CRC mismatch".into());
    }
    let mut headers = Vec::new();
    let mut at = 12;
    let end = 12 + headers_len;
    while at < end {
        let name_len = bytes[at] as usize;
        let name = bytes
            .get(at + 1..at + 1 + name_len)
            .ok_or("header name cut short")?;
        at += 1 + name_len;
        if bytes.get(at) != Some(&STRING) {
            return Err(format!("header type {:?} is not a string", bytes.get(at)));
        }
        let len = bytes
            .get(at + 1..at + 3)
            .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
            .ok_or("header length cut short")?;
        let value = bytes
            .get(at + 3..at + 3 + len)
            .ok_or("header value cut short")?;
        at += 3 + len;
        headers.push((
            String::from_utf8_lossy(name).into_owned(),
            String::from_utf8_lossy(value).into_owned(),
        ));
    }
    if at != end {
        return Err("headers overrun their length".into());
    }
    Ok((
        Decoded {
            headers,
            payload: bytes[end..total - 4].to_vec(),
        },
        total,
    ))
}

/// Every whole message in `bytes`, in order.
pub fn decode_all(mut bytes: &[u8]) -> Result<Vec<Decoded>, String> {
    let mut messages = Vec::new();
    while !bytes.is_empty() {
        let (message, used) = decode(bytes)?;
        messages.push(message);
        bytes = &bytes[used..];
    }
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ErrorKind;

    /// `payload_no_headers` of the JS SDK's event stream test vectors.
    const PAYLOAD_NO_HEADERS: [u8; 29] = [
        0, 0, 0, 29, 0, 0, 0, 0, 253, 82, 140, 90, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114,
        39, 125, 195, 101, 57, 54,
    ];
    /// `payload_one_str_header`: `content-type: application/json`.
    const PAYLOAD_ONE_STR_HEADER: [u8; 61] = [
        0, 0, 0, 61, 0, 0, 0, 32, 7, 253, 131, 150, 12, 99, 111, 110, 116, 101, 110, 116, 45, 116,
        121, 112, 101, 7, 0, 16, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115,
        111, 110, 123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 141, 156, 8, 177,
    ];

    /// A CBOR client (the Java SDKs) gets its stream's payloads in CBOR, said by each
    /// message's `:content-type`.
    #[test]
    fn a_cbor_clients_messages_carry_cbor_payloads() {
        let (first, _) = decode(&initial_response(Protocol::Cbor)).unwrap();
        assert_eq!(
            first.header(":content-type"),
            Some("application/x-amz-cbor-1.1")
        );
        assert_eq!(first.header(":event-type"), Some("initial-response"));
        let empty: ciborium::Value = ciborium::from_reader(first.payload.as_slice()).unwrap();
        assert_eq!(empty, ciborium::Value::Map(Vec::new()));

        let error = ApiError::new(ErrorKind::ResourceInUse, "taken over");
        let (last, _) = decode(&exception(&error, Protocol::Cbor)).unwrap();
        assert_eq!(
            last.header(":exception-type"),
            Some("ResourceInUseException")
        );
        let body: ciborium::Value = ciborium::from_reader(last.payload.as_slice()).unwrap();
        assert_eq!(
            body,
            ciborium::Value::Map(vec![("message".into(), "taken over".into())])
        );
    }

    #[test]
    fn messages_match_the_sdks_test_vectors_byte_for_byte() {
        assert_eq!(encode(&[], b"{'foo':'bar'}"), PAYLOAD_NO_HEADERS);
        assert_eq!(
            encode(&[("content-type", "application/json")], b"{'foo':'bar'}"),
            PAYLOAD_ONE_STR_HEADER
        );
        let (decoded, used) = decode(&PAYLOAD_ONE_STR_HEADER).unwrap();
        assert_eq!(used, 61);
        assert_eq!(decoded.header("content-type"), Some("application/json"));
        assert_eq!(decoded.payload, b"{'foo':'bar'}");
    }

    #[test]
    fn an_event_decodes_back_with_its_lengths_and_crcs_right() {
        let first = initial_response(Protocol::Json);
        let error = ApiError::new(ErrorKind::ResourceInUse, "Another active subscription");
        let last = exception(&error, Protocol::Json);
        let both = [first.clone(), last.clone()].concat();
        let messages = decode_all(&both).unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].header(":event-type"), Some("initial-response"));
        assert_eq!(messages[0].header(":message-type"), Some("event"));
        assert_eq!(messages[0].payload, b"{}");
        assert_eq!(messages[1].header(":message-type"), Some("exception"));
        assert_eq!(
            messages[1].header(":exception-type"),
            Some("ResourceInUseException")
        );
        let payload: serde_json::Value = serde_json::from_slice(&messages[1].payload).unwrap();
        assert_eq!(payload["message"], "Another active subscription");
        // The prelude's total length is the message's, and a flipped byte anywhere is caught.
        assert_eq!(
            u32::from_be_bytes(first[..4].try_into().unwrap()) as usize,
            first.len()
        );
        for at in [2, 9, 20, first.len() - 1] {
            let mut bad = first.clone();
            bad[at] ^= 1;
            assert!(decode(&bad).is_err(), "byte {at} flipped went unnoticed");
        }
    }
}
