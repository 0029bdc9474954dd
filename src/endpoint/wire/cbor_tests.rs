//! The CBOR 1.1 protocol end to end: requests built as the Java SDKs build them (byte strings
//! for `Data`, tag 1 around epoch milliseconds for timestamps), through `handle`, the engine
//! and `respond`, and answers read back as CBOR.

use ciborium::value::Value as Cbor;
use serde_json::json;

use super::*;
use crate::engine::{Config, Kinesis};
use crate::sim::START_MS;

const SIGNED: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123abcd";

/// A CBOR request as the Java SDK sends it, to `target`.
fn signed_cbor(target: &str) -> RequestHead<'_> {
    RequestHead {
        method: "POST",
        uri: "/",
        content_type: Some(AMZ_CBOR),
        target: Some(target),
        authorization: Some(SIGNED),
        has_date: true,
    }
}

fn text(s: &str) -> Cbor {
    Cbor::Text(s.into())
}

/// A timestamp as the Java SDKs write it: tag 1, epoch milliseconds.
fn timestamp(ms: u64) -> Cbor {
    Cbor::Tag(1, Box::new(Cbor::Integer(ms.into())))
}

fn map(pairs: &[(&str, Cbor)]) -> Cbor {
    Cbor::Map(
        pairs
            .iter()
            .map(|(key, value)| (text(key), value.clone()))
            .collect(),
    )
}

fn encoded(value: &Cbor) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::ser::into_writer(value, &mut bytes).expect("encodes");
    bytes
}

fn decoded(response: &WireResponse) -> Cbor {
    assert_eq!(response.header("Content-Type"), Some(AMZ_CBOR));
    ciborium::de::from_reader(&response.body[..]).expect("a CBOR body")
}

/// A map's member, by key.
fn member<'a>(value: &'a Cbor, key: &str) -> &'a Cbor {
    let Cbor::Map(pairs) = value else {
        panic!("not a map: {value:?}")
    };
    pairs
        .iter()
        .find(|(k, _)| k.as_text() == Some(key))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {key} in {value:?}"))
}

fn items(value: &Cbor) -> &[Cbor] {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value:?}"))
}

fn ids() -> RequestIds {
    RequestIds::new(7)
}

fn answer(head: &RequestHead<'_>, body: &[u8]) -> WireResponse {
    match handle(head, body, &mut ids()) {
        Dispatch::Respond(response) => response,
        Dispatch::Call { action, .. } => panic!("expected an answer, got a call of {action}"),
    }
}

/// Bytes in, bytes out, in CBOR.
fn exchange(kinesis: &mut Kinesis, now_ms: u64, action: &str, body: &Cbor) -> WireResponse {
    let mut ids = ids();
    let target = format!("Kinesis_20131202.{action}");
    match handle(&signed_cbor(&target), &encoded(body), &mut ids) {
        Dispatch::Respond(response) => response,
        Dispatch::Call {
            action,
            body,
            protocol,
        } => {
            assert_eq!(protocol, Protocol::Cbor);
            let result = kinesis.call(now_ms, &action, &body);
            respond(&action, result, protocol, &mut ids)
        }
    }
}

/// A CBOR 400's `__type` and `message`.
fn error_of(response: &WireResponse) -> (String, Option<String>) {
    assert_eq!(response.status, 400);
    let body = decoded(response);
    let name = member(&body, "__type").as_text().expect("text").to_string();
    let Cbor::Map(pairs) = &body else {
        unreachable!()
    };
    let message = pairs
        .iter()
        .find(|(k, _)| k.as_text() == Some("message"))
        .and_then(|(_, v)| v.as_text())
        .map(str::to_string);
    (name, message)
}

#[test]
fn a_cbor_request_becomes_a_call_with_the_json_protocols_shapes() {
    let put = map(&[
        ("StreamName", text("Foo")),
        ("Data", Cbor::Bytes(vec![0, 1, 2, 0xff])),
        ("PartitionKey", text("k")),
    ]);
    assert_eq!(
        handle(
            &signed_cbor("Kinesis_20131202.PutRecord"),
            &encoded(&put),
            &mut ids()
        ),
        Dispatch::Call {
            action: "PutRecord".into(),
            body: json!({"StreamName": "Foo", "Data": "AAEC/w==", "PartitionKey": "k"}),
            protocol: Protocol::Cbor,
        }
    );
    // A timestamp in epoch milliseconds becomes the JSON protocol's epoch seconds.
    let iterator = map(&[
        ("StreamName", text("Foo")),
        ("ShardId", text("shardId-000000000000")),
        ("ShardIteratorType", text("AT_TIMESTAMP")),
        ("Timestamp", timestamp(1_767_225_660_123)),
    ]);
    let Dispatch::Call { body, .. } = handle(
        &signed_cbor("Kinesis_20131202.GetShardIterator"),
        &encoded(&iterator),
        &mut ids(),
    ) else {
        panic!("a call")
    };
    assert_eq!(body["Timestamp"], json!(1_767_225_660.123));
    // Jackson (the Java SDKs' CBOR writer) opens maps with an indefinite length: read too.
    let mut jackson = vec![0xbf, 0x6a];
    jackson.extend(b"StreamName");
    jackson.extend([0x63, b'F', b'o', b'o', 0x6a]);
    jackson.extend(b"ShardCount");
    jackson.extend([0x01, 0xff]);
    let Dispatch::Call { body, .. } = handle(
        &signed_cbor("Kinesis_20131202.CreateStream"),
        &jackson,
        &mut ids(),
    ) else {
        panic!("a call")
    };
    assert_eq!(body, json!({"StreamName": "Foo", "ShardCount": 1}));
}

#[test]
fn records_put_in_cbor_are_read_back_as_byte_strings_with_millisecond_timestamps() {
    let mut kinesis = Kinesis::new(Config::default());
    let created = exchange(
        &mut kinesis,
        START_MS,
        "CreateStream",
        &map(&[
            ("StreamName", text("Foo")),
            ("ShardCount", Cbor::Integer(1.into())),
        ]),
    );
    assert_eq!(created.status, 200);
    assert_eq!(created.header("Content-Type"), Some(AMZ_CBOR));
    assert!(created.body.is_empty(), "no output, no body, as in JSON");

    let (first, second) = (START_MS + 60_000, START_MS + 61_000);
    // Data that is not UTF-8 nor base64: only a byte string carries it as it is.
    let payload = vec![0xde, 0xad, 0xbe, 0xef, 0x00, 0x80];
    let put = exchange(
        &mut kinesis,
        first,
        "PutRecord",
        &map(&[
            ("StreamName", text("Foo")),
            ("Data", Cbor::Bytes(payload.clone())),
            ("PartitionKey", text("user-42")),
        ]),
    );
    assert_eq!(put.status, 200);
    let put = decoded(&put);
    assert_eq!(member(&put, "ShardId"), &text("shardId-000000000000"));
    assert!(member(&put, "SequenceNumber")
        .as_text()
        .is_some_and(|s| s.len() == 56));

    let batch = exchange(
        &mut kinesis,
        second,
        "PutRecords",
        &map(&[
            ("StreamName", text("Foo")),
            (
                "Records",
                Cbor::Array(vec![
                    map(&[
                        ("Data", Cbor::Bytes(b"second".to_vec())),
                        ("PartitionKey", text("a")),
                    ]),
                    map(&[("Data", Cbor::Bytes(vec![])), ("PartitionKey", text("b"))]),
                ]),
            ),
        ]),
    );
    assert_eq!(batch.status, 200);
    let batch = decoded(&batch);
    assert_eq!(
        member(&batch, "FailedRecordCount"),
        &Cbor::Integer(0.into())
    );
    assert_eq!(items(member(&batch, "Records")).len(), 2);

    // Every record from the start: the bytes as put, the arrival moments to the millisecond.
    let read_at = START_MS + 62_000;
    let records = read(&mut kinesis, read_at, ("TRIM_HORIZON", None));
    let data: Vec<&Cbor> = records.iter().map(|r| member(r, "Data")).collect();
    assert_eq!(
        data,
        [
            &Cbor::Bytes(payload),
            &Cbor::Bytes(b"second".to_vec()),
            &Cbor::Bytes(vec![])
        ]
    );
    let arrivals: Vec<&Cbor> = records
        .iter()
        .map(|r| member(r, "ApproximateArrivalTimestamp"))
        .collect();
    assert_eq!(
        arrivals,
        [&timestamp(first), &timestamp(second), &timestamp(second)]
    );

    // AT_TIMESTAMP the second put's moment, in milliseconds: only its records (were the
    // milliseconds read as seconds, the moment would be in the far future and nothing read).
    let records = read(&mut kinesis, read_at, ("AT_TIMESTAMP", Some(second)));
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(
        member(&records[0], "Data"),
        &Cbor::Bytes(b"second".to_vec())
    );

    // The stream's creation moment, a timestamp too.
    let summary = exchange(
        &mut kinesis,
        read_at,
        "DescribeStreamSummary",
        &map(&[("StreamName", text("Foo"))]),
    );
    let summary = member(&decoded(&summary), "StreamDescriptionSummary").clone();
    assert_eq!(
        member(&summary, "StreamCreationTimestamp"),
        &timestamp(START_MS)
    );
    assert_eq!(
        member(&summary, "RetentionPeriodHours"),
        &Cbor::Integer(24.into())
    );
}

/// GetShardIterator of `Foo`'s only shard (of `kind`, at a moment for AT_TIMESTAMP), then
/// GetRecords with it: the records.
fn read(kinesis: &mut Kinesis, now_ms: u64, (kind, at): (&str, Option<u64>)) -> Vec<Cbor> {
    let mut request = vec![
        ("StreamName", text("Foo")),
        ("ShardId", text("shardId-000000000000")),
        ("ShardIteratorType", text(kind)),
    ];
    if let Some(at) = at {
        request.push(("Timestamp", timestamp(at)));
    }
    let iterator = exchange(kinesis, now_ms, "GetShardIterator", &map(&request));
    assert_eq!(iterator.status, 200);
    let iterator = member(&decoded(&iterator), "ShardIterator").clone();
    let got = exchange(
        kinesis,
        now_ms,
        "GetRecords",
        &map(&[("ShardIterator", iterator)]),
    );
    assert_eq!(got.status, 200);
    let got = decoded(&got);
    assert!(
        matches!(member(&got, "MillisBehindLatest"), Cbor::Integer(_)),
        "{got:?}"
    );
    items(member(&got, "Records")).to_vec()
}

#[test]
fn an_engine_error_is_a_cbor_map_with_type_and_message() {
    let mut kinesis = Kinesis::new(Config::default());
    let missing = exchange(
        &mut kinesis,
        START_MS,
        "DescribeStream",
        &map(&[("StreamName", text("Nope"))]),
    );
    assert_eq!(
        error_of(&missing),
        (
            "ResourceNotFoundException".into(),
            Some("Stream Nope under account 123456789012 not found.".into())
        )
    );
    assert_eq!(
        missing.header("x-amzn-ErrorType"),
        None,
        "the SDK reads __type"
    );
    assert!(missing.header("x-amzn-RequestId").is_some());
    // A member of the wrong type is the engine's SerializationException, as in JSON.
    let wrong = exchange(
        &mut kinesis,
        START_MS,
        "CreateStream",
        &map(&[("StreamName", text("Bar")), ("ShardCount", text("x"))]),
    );
    assert_eq!(wrong.status, 400);
    assert_eq!(
        member(&decoded(&wrong), "__type"),
        &text("SerializationException")
    );
}

#[test]
fn a_body_that_is_not_a_cbor_map_is_a_cbor_serialization_exception() {
    let bodies: [&[u8]; 9] = [
        b"hello",                              // a text head, too short
        &[0x80],                               // an array
        &[0x07],                               // an integer
        &[0xa1, 0x01, 0x02],                   // a map with an integer key
        &[0xa1, 0x61, b'a'],                   // a map cut short
        &[0xa0, 0xa0],                         // two maps
        &[0xa1, 0x61, b'a', 0xf9, 0x7e, 0x00], // NaN
        &[0xa1, 0x61, b'a', 0xc1, 0x61, b'x'], // a timestamp that is text
        br#"{"StreamName": "Foo"}"#,           // JSON
    ];
    for body in bodies {
        let response = answer(&signed_cbor("Kinesis_20131202.PutRecord"), body);
        let (name, message) = error_of(&response);
        assert_eq!(name, "SerializationException", "{body:?}");
        let message = message.expect("a message");
        assert!(
            message.starts_with("The request body is not a CBOR map"),
            "{message}"
        );
    }
}

#[test]
fn the_checks_before_the_engine_answer_a_cbor_client_in_cbor() {
    assert_eq!(
        error_of(&answer(&signed_cbor("Kinesis_20131202.ListStreams"), b"")),
        ("SerializationException".into(), None)
    );
    assert_eq!(
        error_of(&answer(
            &signed_cbor("Kinesis_20131202.ListStream"),
            &[0xa0]
        ))
        .0,
        "UnknownOperationException"
    );
    let (name, message) = error_of(&answer(
        &signed_cbor("Kinesis_20131202.AddTagsToStream"),
        &[0xa0],
    ));
    assert_eq!(name, "UnknownOperationException");
    assert!(message.is_some_and(|m| m.starts_with("Shardlab does not simulate AddTagsToStream")));
    let unsigned = RequestHead {
        authorization: None,
        ..signed_cbor("Kinesis_20131202.ListStreams")
    };
    assert_eq!(
        error_of(&answer(&unsigned, &[0xa0])),
        (
            "MissingAuthenticationTokenException".into(),
            Some("Missing Authentication Token".into())
        )
    );
    // Not a POST: the front door's XML, whatever the content type.
    let get = RequestHead {
        method: "GET",
        ..signed_cbor("Kinesis_20131202.ListStreams")
    };
    let response = answer(&get, &[0xa0]);
    assert_eq!(response.status, 404);
    assert_eq!(response.body, b"<UnknownOperationException/>\n");
    // An empty map is a call, as `{}` is in JSON.
    assert!(matches!(
        handle(
            &signed_cbor("Kinesis_20131202.ListStreams"),
            &[0xa0],
            &mut ids()
        ),
        Dispatch::Call {
            protocol: Protocol::Cbor,
            ..
        }
    ));
}

#[test]
fn answers_use_the_models_member_types() {
    // Only the model's blob and timestamp members change type; a number or a string elsewhere
    // is written as it is, whatever its name.
    let output = json!({
        "Records": [{"Data": "aGk=", "ApproximateArrivalTimestamp": 1_767_225_660.5, "SequenceNumber": "1"}],
        "Timestamp": 5,
        "Ratio": 0.25,
        "Negative": -3,
        "Nothing": null,
        "Flag": true,
    });
    let value: Cbor = ciborium::de::from_reader(&cbor::encode(&output)[..]).expect("CBOR");
    let record = &items(member(&value, "Records"))[0];
    assert_eq!(member(record, "Data"), &Cbor::Bytes(b"hi".to_vec()));
    assert_eq!(
        member(record, "ApproximateArrivalTimestamp"),
        &timestamp(1_767_225_660_500)
    );
    assert_eq!(member(record, "SequenceNumber"), &text("1"));
    assert_eq!(member(&value, "Timestamp"), &Cbor::Integer(5.into()));
    assert_eq!(member(&value, "Ratio"), &Cbor::Float(0.25));
    assert_eq!(member(&value, "Negative"), &Cbor::Integer((-3).into()));
    assert_eq!(member(&value, "Nothing"), &Cbor::Null);
    assert_eq!(member(&value, "Flag"), &Cbor::Bool(true));
    // Read back, CBOR is the JSON it came from (timestamps to the millisecond).
    assert_eq!(
        cbor::decode_request(&cbor::encode(&output)),
        Ok(output.clone())
    );
}

#[test]
fn a_megabyte_record_and_any_bytes_in_cbor_get_an_answer() {
    let mut kinesis = Kinesis::new(Config::default());
    exchange(
        &mut kinesis,
        START_MS,
        "CreateStream",
        &map(&[
            ("StreamName", text("Foo")),
            ("ShardCount", Cbor::Integer(1.into())),
        ]),
    );
    let big = vec![7u8; 1024 * 1024 - 8];
    let put = exchange(
        &mut kinesis,
        START_MS + 60_000,
        "PutRecord",
        &map(&[
            ("StreamName", text("Foo")),
            ("Data", Cbor::Bytes(big)),
            ("PartitionKey", text("k8")),
        ]),
    );
    assert_eq!(put.status, 200, "{:?}", error_of(&put));
    // A cheap sweep of random bodies; the fuzz target covers more.
    let mut state = 3u64;
    for _ in 0..2_000 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (state >> 58) as usize;
        let mut body: Vec<u8> = (0..len).map(|i| (state >> (i % 56)) as u8).collect();
        if state & 2 == 0 {
            body.insert(0, 0xbf); // a map's head, so more bodies get past the first byte
        }
        let response = match handle(
            &signed_cbor("Kinesis_20131202.PutRecord"),
            &body,
            &mut ids(),
        ) {
            Dispatch::Respond(response) => response,
            Dispatch::Call {
                action,
                body,
                protocol,
            } => respond(
                &action,
                kinesis.call(START_MS + 61_000, &action, &body),
                protocol,
                &mut ids(),
            ),
        };
        assert!([200, 400].contains(&response.status), "{}", response.status);
        if response.status == 400 {
            assert!(error_of(&response).0.ends_with("Exception"));
        }
    }
}
