//! A request's head and body → the engine call to make, or AWS's answer without one.
//!
//! The checks run in the order AWS runs them, as kinesalite's AWS-validated connection tests
//! pin them (mhart/kinesalite `index.js` httpHandler, `test/connection.js`):
//!
//! | check, in this order | answer |
//! |---|---|
//! | body over [`MAX_BODY_BYTES`] | 413, JSON (Shardlab's: AWS's answer is not recorded) |
//! | a JSON 1.1, CBOR 1.1 or `application/json` POST whose body is there but not a JSON object (a CBOR map) | 400 `{"__type": "SerializationException"}` (CBOR: a CBOR map, with a message saying what was wrong); Coral's 200 wrapper for `application/json` |
//! | `application/json` (Coral, deprecated) | 200 `{"Output": {"__type": "com.amazon.coral.service#UnknownOperationException", "message": null}, "Version": "1.0"}` |
//! | target missing, not `Kinesis_20131202.`, or not an operation | 400 `{"__type": "UnknownOperationException"}`; for an operation of the model Shardlab does not simulate, a message naming it |
//! | empty body | 400 `{"__type": "SerializationException"}` |
//! | SigV4 in both header and query, in neither, or incomplete | 400 `InvalidSignatureException`, `MissingAuthenticationTokenException` ("Missing Authentication Token"), `IncompleteSignatureException` (kinesalite's texts); 403 XML `<Name>\n  <Message>...</Message>\n</Name>\n` when not a JSON or CBOR POST |
//! | not a JSON or CBOR POST (another method or content type) | 403 XML `AccessDeniedException` without a target, `UnrecognizedClientException` for another service, `<InternalFailure/>` 500 for no such operation, `<UnknownOperationException/>` 404 |
//!
//! Every 400 and every engine answer is in the request's protocol: a JSON object for JSON
//! 1.1 (and Coral), a CBOR map with the same members for CBOR 1.1 (see [`cbor`]), with that
//! protocol's content type.
//!
//! The order is that of the kinesalite version whose connection tests assert AWS's
//! 200 Coral wrapper and the XML `MissingAuthenticationTokenException` for an unsigned GET
//! (the later 3.3.3 moved the empty-body check first and gave Coral 400/404). kinesalite
//! 3.3.3 reads CBOR at the same place as JSON, and answers its checks in CBOR.
//!
//! Signatures are never verified (as in every local emulator): a client only needs some
//! credentials, as the SDKs always have.

use serde_json::Value;

use super::response::{
    body_response, coral_error, error_body, protocol_error, too_large, xml_bare, xml_error,
    RequestIds,
};
use super::{
    cbor, Protocol, WireResponse, AMZ_CBOR, AMZ_JSON, CORAL_JSON, MAX_BODY_BYTES, TARGET_PREFIX,
};
use crate::engine::{ApiError, ErrorKind, ACTIONS};

/// The operations of Kinesis's API model (botocore's `kinesis/2013-12-02/service-2.json`, 39
/// in all) that the engine does not simulate: a call to one is answered with an
/// UnknownOperationException that says so, not as if the name were a typo.
pub const UNSIMULATED: [&str; 17] = [
    "AddTagsToStream",
    "DeleteResourcePolicy",
    "DescribeAccountSettings",
    "DisableEnhancedMonitoring",
    "EnableEnhancedMonitoring",
    "GetResourcePolicy",
    "ListTagsForResource",
    "ListTagsForStream",
    "PutResourcePolicy",
    "RemoveTagsFromStream",
    "StartStreamEncryption",
    "StopStreamEncryption",
    "TagResource",
    "UntagResource",
    "UpdateAccountSettings",
    "UpdateMaxRecordSize",
    "UpdateStreamWarmThroughput",
];

/// What the wire layer reads of a request's head. Header values that are not text count as
/// absent (the server's choice).
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestHead<'a> {
    /// `POST`, `GET`, ...
    pub method: &'a str,
    /// The request target, path and query: `/`, or `/?X-Amz-Algorithm=...` for a presigned
    /// request. AWS ignores the path; the query may carry SigV4 instead of the header.
    pub uri: &'a str,
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// `X-Amz-Target`.
    pub target: Option<&'a str>,
    /// `Authorization`.
    pub authorization: Option<&'a str>,
    /// Whether `X-Amz-Date` or `Date` is present (SigV4 needs one of them).
    pub has_date: bool,
}

/// What to do with a request.
#[derive(Clone, Debug, PartialEq)]
pub enum Dispatch {
    /// Answer at once: the request never reaches the engine.
    Respond(WireResponse),
    /// Call the engine's `action` with `body` (a JSON object, whatever the protocol), then
    /// [`respond`](super::respond) with its result in `protocol`, the request's.
    Call {
        action: String,
        body: Value,
        protocol: Protocol,
    },
}

/// What `X-Amz-Target` names.
enum Target<'a> {
    /// An action the engine has.
    Simulated(&'static str),
    /// An operation of the model the engine does not simulate.
    Unsimulated(&'a str),
    /// Nothing Kinesis has.
    Unknown,
}

/// `X-Amz-Target`'s service and operation parts, and what they name.
fn target_of(header: Option<&str>) -> (&str, &str, Target<'_>) {
    // kinesalite splits on every '.' and takes the first two parts.
    let mut parts = header.unwrap_or("").split('.');
    let service = parts.next().unwrap_or("");
    let operation = parts.next().unwrap_or("");
    if service == TARGET_PREFIX {
        if let Some(action) = ACTIONS.iter().find(|a| **a == operation) {
            return (service, operation, Target::Simulated(action));
        }
        if UNSIMULATED.contains(&operation) {
            return (service, operation, Target::Unsimulated(operation));
        }
    }
    (service, operation, Target::Unknown)
}

fn unknown_operation(
    target: &Target<'_>,
    protocol: Protocol,
    ids: &mut RequestIds,
) -> WireResponse {
    let message = match target {
        Target::Unsimulated(operation) => format!(
            "Shardlab does not simulate {operation}: it has the {} actions of its engine (see the README).",
            ACTIONS.len()
        ),
        _ => String::new(),
    };
    let (status, body) = error_body(&ApiError::new(ErrorKind::UnknownOperation, message));
    body_response(protocol, status, &body, ids)
}

/// Reads a request: the answer AWS gives before any action runs, or the call to make.
pub fn handle(head: &RequestHead<'_>, body: &[u8], ids: &mut RequestIds) -> Dispatch {
    Dispatch::Respond(match check(head, body, ids) {
        Ok((action, body, protocol)) => {
            return Dispatch::Call {
                action: action.to_string(),
                body,
                protocol,
            }
        }
        Err(response) => response,
    })
}

fn check(
    head: &RequestHead<'_>,
    body: &[u8],
    ids: &mut RequestIds,
) -> Result<(&'static str, Value, Protocol), WireResponse> {
    if body.len() > MAX_BODY_BYTES {
        return Err(too_large(body.len(), ids));
    }
    let content_type = head
        .content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim();
    let is = |expected: &str| head.method == "POST" && content_type.eq_ignore_ascii_case(expected);
    let coral = is(CORAL_JSON);
    // The protocol of a POST whose body the front door reads; Coral's answers are JSON.
    let protocol = match () {
        _ if is(AMZ_CBOR) => Some(Protocol::Cbor),
        _ if is(AMZ_JSON) || coral => Some(Protocol::Json),
        _ => None,
    };
    let (service, operation, target) = target_of(head.target);
    let mut call = None;
    if let Some(protocol) = protocol {
        let parsed = match body.is_empty() {
            true => None,
            false => match read_body(protocol, body) {
                Ok(value) => Some(value),
                Err(_) if coral => {
                    return Err(coral_error("SerializationException", "Message", ids))
                }
                Err(reason) => {
                    return Err(protocol_error(
                        protocol,
                        "SerializationException",
                        reason.as_deref(),
                        ids,
                    ))
                }
            },
        };
        if coral {
            // Coral goes no further: any target is unknown to it.
            return Err(coral_error("UnknownOperationException", "message", ids));
        }
        let Target::Simulated(action) = target else {
            return Err(unknown_operation(&target, protocol, ids));
        };
        let Some(parsed) = parsed else {
            return Err(protocol_error(
                protocol,
                "SerializationException",
                None,
                ids,
            ));
        };
        call = Some((action, parsed, protocol));
    }
    let query_auth = query_param(head.uri, "X-Amz-Algorithm").is_some();
    if let Some((name, message)) = auth_error(head, query_auth) {
        return Err(match protocol {
            Some(protocol) => protocol_error(protocol, name, Some(&message), ids),
            None => xml_error(name, &message, ids),
        });
    }
    // Signed, but not a JSON or CBOR POST: what AWS's front door says before knowing the
    // protocol.
    call.ok_or_else(|| match target {
        _ if service.is_empty() || operation.is_empty() => xml_error(
            "AccessDeniedException",
            "Unable to determine service/operation name to be authorized",
            ids,
        ),
        _ if service != TARGET_PREFIX => xml_error(
            "UnrecognizedClientException",
            &format!(
                "No authorization strategy was found for service: {service}, operation: {operation}"
            ),
            ids,
        ),
        Target::Unknown => xml_bare("InternalFailure", 500, ids),
        _ => xml_bare("UnknownOperationException", 404, ids),
    })
}

/// A non-empty body as the engine's JSON object, or why not: JSON 1.1 says nothing (AWS's
/// `{"__type": "SerializationException"}` has no message), CBOR says what it found (the
/// message is Shardlab's: AWS's CBOR answer to a malformed body is not recorded).
fn read_body(protocol: Protocol, body: &[u8]) -> Result<Value, Option<String>> {
    match protocol {
        Protocol::Json => match serde_json::from_slice::<Value>(body) {
            Ok(value @ Value::Object(_)) => Ok(value),
            _ => Err(None),
        },
        Protocol::Cbor => cbor::decode_request(body).map_err(|reason| {
            Some(format!(
                "The request body is not a CBOR map of the call's members: {reason}."
            ))
        }),
    }
}

/// The SigV4 presence checks, kinesalite's (never the signature itself): the exception and
/// its message, or `None` when the request carries credentials in one complete form.
fn auth_error(head: &RequestHead<'_>, query_auth: bool) -> Option<(&'static str, String)> {
    match (head.authorization, query_auth) {
        (Some(_), true) => Some((
            "InvalidSignatureException",
            "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.".into(),
        )),
        (None, false) => Some((
            "MissingAuthenticationTokenException",
            "Missing Authentication Token".into(),
        )),
        (Some(header), false) => {
            let mut message = String::new();
            for param in ["Credential", "Signature", "SignedHeaders"] {
                if header_param(header, param).is_none_or(str::is_empty) {
                    message += &format!("Authorization header requires '{param}' parameter. ");
                }
            }
            if !head.has_date {
                message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
            }
            (!message.is_empty()).then(|| {
                message += "Authorization=";
                message += header;
                ("IncompleteSignatureException", message)
            })
        }
        (None, true) => {
            let mut message = String::new();
            for param in [
                "X-Amz-Algorithm",
                "X-Amz-Credential",
                "X-Amz-Signature",
                "X-Amz-SignedHeaders",
                "X-Amz-Date",
            ] {
                if query_param(head.uri, param).is_none_or(str::is_empty) {
                    message += &format!("AWS query-string parameters must include '{param}'. ");
                }
            }
            (!message.is_empty()).then(|| {
                message += "Re-examine the query-string parameters.";
                ("IncompleteSignatureException", message)
            })
        }
    }
}

/// A parameter of the `Authorization` header: the words after the algorithm, split on commas
/// and spaces, each `Name=value` (kinesalite's reading; the value is what lies between the
/// first and a second `=`).
fn header_param<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split([',', ' '])
        .skip(1)
        .filter(|word| !word.is_empty())
        .filter_map(|word| {
            let mut parts = word.trim().split('=');
            let key = parts.next()?;
            Some((key, parts.next().unwrap_or("")))
        })
        .filter(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .last()
}

/// A query parameter's value (`""` for a bare name), by exact name; not percent-decoded (only
/// presence and emptiness matter here).
fn query_param<'a>(uri: &'a str, name: &str) -> Option<&'a str> {
    let (_, query) = uri.split_once('?')?;
    query
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .filter(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .next_back()
}
