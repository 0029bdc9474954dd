//! The CBOR 1.1 protocol (`application/x-amz-cbor-1.1`): the JSON 1.1 protocol's shapes in
//! CBOR, as the AWS SDK for Java (v1 since 1.11, v2, so the KCL and the KPL) speaks it to
//! Kinesis by default. The engine speaks JSON 1.1's shapes, so this module translates: a
//! request's CBOR into the JSON the engine reads, the engine's JSON into the CBOR the SDK
//! reads.
//!
//! Two members differ from JSON, and both differ the same way in every Java SDK:
//!
//! * Blobs (`Data` of PutRecord, of PutRecords' entries and of GetRecords' and
//!   SubscribeToShard's records: the only blob members of botocore's
//!   `kinesis/2013-12-02/service-2.json`) are CBOR byte strings, not base64 text. The SDKs
//!   write them with Jackson's `writeBinary`, and read either form: v2's
//!   `JsonProtocolUnmarshaller.unmarshallSdkBytes` takes the byte string a binary protocol
//!   hands over ("Binary protocols like CBOR may already have the raw bytes extracted") and
//!   falls back to base64 text
//!   (<https://github.com/aws/aws-sdk-java-v2/blob/master/core/protocols/aws-json-protocol/src/main/java/software/amazon/awssdk/protocols/json/internal/unmarshall/JsonProtocolUnmarshaller.java>);
//!   v1's `ByteBufferCborUnmarshaller` reads `getBinaryValue()`
//!   (<https://github.com/aws/aws-sdk-java/blob/master/aws-java-sdk-core/src/main/java/com/amazonaws/transform/SimpleTypeCborUnmarshallers.java>).
//! * Timestamps are tag 1 (RFC 8949's epoch date) around an integer of epoch
//!   **milliseconds**, not the RFC's seconds: v2's `SdkCborGenerator.writeValue(Instant)`
//!   writes `writeTag(1); writeNumber(instant.toEpochMilli())`
//!   (<https://github.com/aws/aws-sdk-java-v2/blob/master/core/protocols/aws-cbor-protocol/src/main/java/software/amazon/awssdk/protocols/cbor/internal/SdkCborGenerator.java>),
//!   and `AwsCborProtocolFactory` reads payload timestamps as `UNIX_TIMESTAMP_MILLIS` ("CBOR
//!   uses epoch millis for timestamps rather than epoch seconds with millisecond decimal
//!   precision like JSON protocols",
//!   <https://github.com/aws/aws-sdk-java-v2/blob/master/core/protocols/aws-cbor-protocol/src/main/java/software/amazon/awssdk/protocols/cbor/AwsCborProtocolFactory.java>),
//!   which `DateUtils.parseUnixTimestampMillisInstant` parses with `Long.parseLong` of the
//!   number's text (the tag itself is skipped by Jackson's CBOR parser): a float such as
//!   `1.603149588042E9` fails with a NumberFormatException (localstack/localstack#3134,
//!   where real Kinesis's `ApproximateArrivalTimestamp` is shown as `1603152823565`). v1
//!   does the same: `SdkCborGenerator` writes `writeTag(1); writeNumber(date.getTime())`,
//!   `DateCborUnmarshaller` reads `new Date(getLongValue())`. That this breaks the RFC is
//!   known and kept (aws/aws-sdk-java-v2#4661, #184 and PR #979 "CBOR ... uses epoch millis
//!   on the wire").
//!
//! Errors are CBOR maps `{"__type": ..., "message": ...}`: v2's `JsonErrorCodeParser` takes
//! the error code from an `x-amzn-ErrorType` header when there is one and otherwise from the
//! body's `__type` (or `code`), keeping what follows a `#`; the body is parsed with the
//! protocol's factory, CBOR here; `AwsJsonErrorMessageParser` reads `message`/`Message`. As
//! for JSON, Shardlab sends no `x-amzn-ErrorType` (AWS-validated answers have none).
//!
//! Reading a request needs no model: every byte string becomes base64 text and every tag-1
//! value epoch seconds (milliseconds ÷ 1000), wherever they are; any other tag is read as
//! the value it wraps, as Jackson does. Writing an answer does need it, since JSON does not
//! say which strings are blobs and which numbers timestamps: [`BLOB_MEMBERS`] and
//! [`TIMESTAMP_MEMBERS`] are the model's, by member name (no member name of Kinesis's
//! outputs is a blob in one shape and not in another).

use base64::Engine as _;
use ciborium::value::{Integer, Value as Cbor};
use serde_json::{Map, Number, Value};

/// The blob members of Kinesis's output shapes (botocore's model): records' `Data`.
pub const BLOB_MEMBERS: [&str; 1] = ["Data"];

/// The timestamp members of Kinesis's output shapes (botocore's model). The last three are
/// DescribeAccountSettings' and UpdateAccountSettings', which the engine does not simulate.
pub const TIMESTAMP_MEMBERS: [&str; 6] = [
    "ApproximateArrivalTimestamp",
    "ConsumerCreationTimestamp",
    "StreamCreationTimestamp",
    "EarliestAllowedEndAt",
    "EndedAt",
    "StartedAt",
];

/// RFC 8949's tag of an epoch-based date, which AWS fills with epoch milliseconds.
pub const EPOCH_TAG: u64 = 1;

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A CBOR request body → the JSON object the engine reads. `Err` says why it is not one: not
/// CBOR, more than one CBOR item, not a map, a key that is not text, a number JSON cannot
/// carry, a tag-1 value that is not a number.
pub fn decode_request(body: &[u8]) -> Result<Value, String> {
    let mut rest = body;
    let value: Cbor =
        ciborium::de::from_reader(&mut rest).map_err(|error| format!("not CBOR: {error}"))?;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the request's CBOR map", rest.len()));
    }
    match value {
        Cbor::Map(_) => to_json(value),
        _ => Err("the request is not a CBOR map".into()),
    }
}

fn to_json(value: Cbor) -> Result<Value, String> {
    Ok(match value {
        Cbor::Null => Value::Null,
        Cbor::Bool(b) => Value::Bool(b),
        Cbor::Text(text) => Value::String(text),
        Cbor::Bytes(bytes) => Value::String(BASE64.encode(bytes)),
        Cbor::Integer(integer) => Value::Number(integer_number(integer)),
        Cbor::Float(float) => Value::Number(
            Number::from_f64(float).ok_or_else(|| format!("{float} is not a JSON number"))?,
        ),
        Cbor::Tag(EPOCH_TAG, inner) => {
            let millis = match *inner {
                Cbor::Integer(integer) => i128::from(integer) as f64,
                Cbor::Float(float) => float,
                _ => return Err("a timestamp (tag 1) that is not a number".into()),
            };
            let seconds = millis / 1000.0;
            Value::Number(
                Number::from_f64(seconds)
                    .ok_or_else(|| format!("timestamp {millis} is not a JSON number"))?,
            )
        }
        Cbor::Tag(_, inner) => to_json(*inner)?,
        Cbor::Array(items) => {
            Value::Array(items.into_iter().map(to_json).collect::<Result<_, _>>()?)
        }
        Cbor::Map(pairs) => {
            let mut map = Map::with_capacity(pairs.len());
            for (key, value) in pairs {
                let Cbor::Text(key) = key else {
                    return Err("a map key that is not text".into());
                };
                map.insert(key, to_json(value)?);
            }
            Value::Object(map)
        }
        _ => return Err("a CBOR value JSON has no counterpart for".into()),
    })
}

/// A CBOR integer as a JSON number: exact within 64 bits, else the nearest float.
fn integer_number(integer: Integer) -> Number {
    let wide = i128::from(integer);
    if let Ok(n) = i64::try_from(wide) {
        Number::from(n)
    } else if let Ok(n) = u64::try_from(wide) {
        Number::from(n)
    } else {
        Number::from_f64(wide as f64).unwrap_or_else(|| Number::from(0))
    }
}

/// The engine's JSON (an output or an error body) → CBOR bytes as AWS answers a CBOR client:
/// [`BLOB_MEMBERS`] as byte strings, [`TIMESTAMP_MEMBERS`] as tag 1 around integer epoch
/// milliseconds, everything else natively (integers as integers).
pub fn encode(value: &Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail; an empty body would be the only sign.
    let _ = ciborium::ser::into_writer(&to_cbor(value, None), &mut bytes);
    bytes
}

fn to_cbor(value: &Value, member: Option<&str>) -> Cbor {
    let is = |names: &[&str]| member.is_some_and(|m| names.contains(&m));
    match value {
        Value::Null => Cbor::Null,
        Value::Bool(b) => Cbor::Bool(*b),
        Value::String(text) if is(&BLOB_MEMBERS) => match BASE64.decode(text) {
            Ok(bytes) => Cbor::Bytes(bytes),
            Err(_) => Cbor::Text(text.clone()),
        },
        Value::String(text) => Cbor::Text(text.clone()),
        Value::Number(n) if is(&TIMESTAMP_MEMBERS) => {
            let millis = (n.as_f64().unwrap_or(0.0) * 1000.0).round() as i64;
            Cbor::Tag(EPOCH_TAG, Box::new(Cbor::Integer(millis.into())))
        }
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Cbor::Integer(i.into()),
            (_, Some(u)) => Cbor::Integer(u.into()),
            _ => Cbor::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::Array(items) => Cbor::Array(items.iter().map(|item| to_cbor(item, None)).collect()),
        Value::Object(map) => Cbor::Map(
            map.iter()
                .map(|(key, value)| (Cbor::Text(key.clone()), to_cbor(value, Some(key))))
                .collect(),
        ),
    }
}
