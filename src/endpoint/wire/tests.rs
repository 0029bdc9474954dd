//! The wire codec: one test per row of the checks' table (request.rs), and calls through the
//! engine end to end, bytes in and bytes out.

use serde_json::{json, Value};

use super::*;
use crate::engine::{Config, Kinesis};
use crate::sim::START_MS;

const SIGNED: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123abcd";

/// A request as botocore sends it, to `target`.
fn signed(target: &str) -> RequestHead<'_> {
    RequestHead {
        method: "POST",
        uri: "/",
        content_type: Some(AMZ_JSON),
        target: Some(target),
        authorization: Some(SIGNED),
        has_date: true,
    }
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

fn json_of(response: &WireResponse) -> Value {
    serde_json::from_slice(&response.body).expect("a JSON body")
}

fn text_of(response: &WireResponse) -> &str {
    std::str::from_utf8(&response.body).expect("a text body")
}

/// Bytes in, bytes out: the request through `handle`, the engine and `respond`.
fn exchange(kinesis: &mut Kinesis, now_ms: u64, target: &str, body: &str) -> WireResponse {
    let mut ids = ids();
    match handle(&signed(target), body.as_bytes(), &mut ids) {
        Dispatch::Respond(response) => response,
        Dispatch::Call {
            action,
            body,
            protocol,
        } => {
            let result = kinesis.call(now_ms, &action, &body);
            respond(&action, result, protocol, &mut ids)
        }
    }
}

#[test]
fn a_signed_json_request_becomes_a_call_of_its_action_with_its_body() {
    let dispatch = handle(
        &signed("Kinesis_20131202.ListStreams"),
        br#"{"Limit": 5}"#,
        &mut ids(),
    );
    assert_eq!(
        dispatch,
        Dispatch::Call {
            action: "ListStreams".into(),
            body: json!({"Limit": 5}),
            protocol: Protocol::Json,
        }
    );
    // Parameters after the media type, any path and a presigned query are all accepted.
    let head = RequestHead {
        content_type: Some("application/x-amz-json-1.1; charset=utf-8"),
        uri: "/any/path?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-SignedHeaders=d&X-Amz-Date=e",
        authorization: None,
        ..signed("Kinesis_20131202.ListStreams")
    };
    assert!(matches!(
        handle(&head, b"{}", &mut ids()),
        Dispatch::Call { .. }
    ));
}

#[test]
fn a_body_over_the_limit_gets_413_before_anything_else() {
    let body = vec![b' '; MAX_BODY_BYTES + 1];
    let response = answer(&RequestHead::default(), &body);
    assert_eq!(response.status, 413);
    assert_eq!(json_of(&response)["__type"], "SerializationException");
    // At the limit the body is read (here: whitespace, not JSON).
    let response = answer(&signed("Kinesis_20131202.ListStreams"), &body[1..]);
    assert_eq!(response.status, 400);
}

#[test]
fn a_method_other_than_post_gets_xml_after_the_credentials_are_checked() {
    let get = RequestHead {
        method: "GET",
        target: None,
        ..signed("")
    };
    let response = answer(&get, b"{}");
    assert_eq!(response.status, 403);
    assert_eq!(response.header("Content-Type"), None);
    assert_eq!(
        text_of(&response),
        "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n"
    );
    let unsigned = RequestHead {
        authorization: None,
        ..get
    };
    assert_eq!(
        text_of(&answer(&unsigned, b"")),
        "<MissingAuthenticationTokenException>\n  <Message>Missing Authentication Token</Message>\n</MissingAuthenticationTokenException>\n"
    );
    let incomplete = RequestHead {
        authorization: Some("X"),
        has_date: true,
        ..get
    };
    let response = answer(&incomplete, b"");
    assert_eq!(response.status, 403);
    assert!(text_of(&response).starts_with("<IncompleteSignatureException>\n  <Message>Authorization header requires 'Credential' parameter."));
    let put = RequestHead {
        method: "PUT",
        ..signed("Kinesis_20131202.ListStreams")
    };
    let response = answer(&put, b"{}");
    assert_eq!(
        (response.status, text_of(&response)),
        (404, "<UnknownOperationException/>\n")
    );
}

#[test]
fn a_missing_or_unknown_content_type_gets_xml() {
    // No target to read: 403 AccessDenied (MissingAuthenticationToken when unsigned).
    for content_type in [None, Some("application/x-amz-json-1.0"), Some("text/plain")] {
        let head = RequestHead {
            content_type,
            target: None,
            ..signed("")
        };
        let response = answer(&head, b"{}");
        assert_eq!(response.status, 403, "{content_type:?}");
        assert!(text_of(&response).starts_with("<AccessDeniedException>"));
        let unsigned = RequestHead {
            authorization: None,
            ..head
        };
        let response = answer(&unsigned, b"{}");
        assert!(text_of(&response).starts_with("<MissingAuthenticationTokenException>"));
    }
    let with = |target| RequestHead {
        content_type: Some("application/x-www-form-urlencoded"),
        ..signed(target)
    };
    // A Kinesis operation with the wrong content type: the bare 404.
    let response = answer(&with("Kinesis_20131202.ListStreams"), b"{}");
    assert_eq!(
        (response.status, text_of(&response)),
        (404, "<UnknownOperationException/>\n")
    );
    // A Kinesis target that is no operation: the bare 500.
    let response = answer(&with("Kinesis_20131202.ListStream"), b"{}");
    assert_eq!(
        (response.status, text_of(&response)),
        (500, "<InternalFailure/>\n")
    );
    // Another service's target.
    let response = answer(&with("DynamoDB_20120810.ListTables"), b"{}");
    assert_eq!(response.status, 403);
    assert_eq!(
        text_of(&response),
        "<UnrecognizedClientException>\n  <Message>No authorization strategy was found for service: DynamoDB_20120810, operation: ListTables</Message>\n</UnrecognizedClientException>\n"
    );
}

#[test]
fn the_deprecated_coral_content_type_gets_its_200_wrapper() {
    let head = RequestHead {
        content_type: Some(CORAL_JSON),
        ..signed("Kinesis_20131202.ListStreams")
    };
    for body in [&b""[..], b"{}"] {
        let response = answer(&head, body);
        assert_eq!(response.status, 200);
        assert_eq!(response.header("Content-Type"), Some(CORAL_JSON));
        assert_eq!(
            json_of(&response),
            json!({"Output": {"__type": "com.amazon.coral.service#UnknownOperationException", "message": null}, "Version": "1.0"})
        );
    }
    assert_eq!(
        json_of(&answer(&head, b"hello")),
        json!({"Output": {"__type": "com.amazon.coral.service#SerializationException", "Message": null}, "Version": "1.0"})
    );
}

#[test]
fn an_empty_body_is_a_serialization_exception_for_a_known_target_else_unknown() {
    let response = answer(&signed("Kinesis_20131202.ListStreams"), b"");
    assert_eq!(response.status, 400);
    assert_eq!(response.header("Content-Type"), Some(AMZ_JSON));
    assert_eq!(
        json_of(&response),
        json!({"__type": "SerializationException"})
    );
    let unsigned = RequestHead {
        authorization: None,
        ..signed("Kinesis_20131202.ListStreams")
    };
    assert_eq!(
        json_of(&answer(&unsigned, b""))["__type"],
        "SerializationException"
    );
    for target in [None, Some("Kinesis_20131202.ListStream")] {
        let head = RequestHead {
            target,
            ..signed("")
        };
        assert_eq!(
            json_of(&answer(&head, b"")),
            json!({"__type": "UnknownOperationException"})
        );
    }
}

#[test]
fn a_body_that_is_not_a_json_object_is_a_serialization_exception() {
    let bodies: [&[u8]; 7] = [
        b"hello",
        b"[]",
        b"7",
        b"null",
        b"{\"a\":",
        &[0xff, 0xfe, 0x00],
        b"{} {}",
    ];
    for body in bodies {
        let response = answer(&signed("Kinesis_20131202.PutRecord"), body);
        assert_eq!(response.status, 400, "{body:?}");
        assert_eq!(
            json_of(&response),
            json!({"__type": "SerializationException"}),
            "{body:?}"
        );
    }
}

#[test]
fn a_missing_or_unknown_target_is_an_unknown_operation() {
    let targets = [
        None,
        Some(""),
        Some("Kinesis_20131202.ListStream"),
        Some("Kinesis_20131202"),
        Some("DynamoDB_20120810.ListStreams"),
        Some("kinesis_20131202.ListStreams"),
    ];
    for target in targets {
        let head = RequestHead {
            target,
            ..signed("")
        };
        let response = answer(&head, b"{}");
        assert_eq!(response.status, 400, "{target:?}");
        assert_eq!(
            json_of(&response),
            json!({"__type": "UnknownOperationException"}),
            "{target:?}"
        );
    }
    // Even unsigned: the target is checked before the credentials.
    let head = RequestHead {
        target: None,
        authorization: None,
        ..signed("")
    };
    assert_eq!(
        json_of(&answer(&head, b"{}"))["__type"],
        "UnknownOperationException"
    );
}

#[test]
fn an_operation_shardlab_does_not_simulate_is_unknown_with_a_message_naming_it() {
    let response = answer(&signed("Kinesis_20131202.AddTagsToStream"), b"{}");
    assert_eq!(response.status, 400);
    let body = json_of(&response);
    assert_eq!(body["__type"], "UnknownOperationException");
    let message = body["message"].as_str().expect("a message");
    assert!(
        message.starts_with("Shardlab does not simulate AddTagsToStream"),
        "{message}"
    );
}

#[test]
fn credentials_must_be_present_in_one_complete_form() {
    let missing = RequestHead {
        authorization: None,
        ..signed("Kinesis_20131202.ListStreams")
    };
    assert_eq!(
        json_of(&answer(&missing, b"{}")),
        json!({"__type": "MissingAuthenticationTokenException", "message": "Missing Authentication Token"})
    );
    let both = RequestHead {
        uri: "/?X-Amz-Algorithm",
        ..signed("Kinesis_20131202.ListStreams")
    };
    assert_eq!(
        json_of(&answer(&both, b"{}")),
        json!({"__type": "InvalidSignatureException", "message": "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."})
    );
    let bare = RequestHead {
        authorization: Some("X"),
        has_date: false,
        ..signed("Kinesis_20131202.ListStreams")
    };
    assert_eq!(
        json_of(&answer(&bare, b"{}")),
        json!({"__type": "IncompleteSignatureException", "message":
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=X"})
    );
    for header in [
        "AWS4- Signature=b Credential=a",
        "AWS4- Signature=b,Credential=a",
        "AWS4- Signature=b, Credential=a",
    ] {
        let head = RequestHead {
            authorization: Some(header),
            ..signed("Kinesis_20131202.ListStreams")
        };
        assert_eq!(
            json_of(&answer(&head, b"{}"))["message"],
            format!(
                "Authorization header requires 'SignedHeaders' parameter. Authorization={header}"
            )
        );
    }
    let query = RequestHead {
        uri: "/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d",
        authorization: None,
        ..signed("Kinesis_20131202.ListStreams")
    };
    assert_eq!(
        json_of(&answer(&query, b"{}"))["message"],
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."
    );
}

#[test]
fn every_answer_carries_request_ids_and_they_are_deterministic() {
    let mut ids = RequestIds::new(7);
    let (first, id_2) = ids.next_pair();
    let (second, _) = ids.next_pair();
    assert_ne!(first, second);
    assert_eq!(
        RequestIds::new(7).next_pair().0,
        first,
        "same seed, same ids"
    );
    let shape: Vec<usize> = first.split('-').map(str::len).collect();
    assert_eq!(shape, [8, 4, 4, 4, 12], "{first}");
    assert_eq!(first.as_bytes()[14], b'4', "a version-4 UUID: {first}");
    assert_eq!(id_2.len(), 96, "72 bytes in base64: {id_2}");
    let response = answer(&signed("Kinesis_20131202.Nope"), b"{}");
    assert!(response.header("x-amzn-RequestId").is_some());
    assert!(response.header("x-amz-id-2").is_some());
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        None,
        "AWS sends none; SDKs read __type"
    );
}

#[test]
fn create_stream_then_put_record_round_trip_through_the_engine() {
    let mut kinesis = Kinesis::new(Config::default());
    let created = exchange(
        &mut kinesis,
        START_MS,
        "Kinesis_20131202.CreateStream",
        r#"{"StreamName": "Foo", "ShardCount": 1}"#,
    );
    assert_eq!(created.status, 200);
    assert!(
        created.body.is_empty(),
        "an action without output answers an empty body"
    );
    assert_eq!(created.header("Content-Type"), Some(AMZ_JSON));
    let later = START_MS + 60_000;
    let put = exchange(
        &mut kinesis,
        later,
        "Kinesis_20131202.PutRecord",
        r#"{"StreamName": "Foo", "PartitionKey": "user-42", "Data": "aGVsbG8="}"#,
    );
    assert_eq!(put.status, 200, "{}", text_of(&put));
    let body = json_of(&put);
    assert_eq!(body["ShardId"], "shardId-000000000000");
    assert!(
        body["SequenceNumber"]
            .as_str()
            .is_some_and(|s| s.len() == 56),
        "{body}"
    );
    // The engine's errors come back as AWS's: DescribeStream of a stream that is not there.
    let missing = exchange(
        &mut kinesis,
        later,
        "Kinesis_20131202.DescribeStream",
        r#"{"StreamName": "Nope"}"#,
    );
    assert_eq!(missing.status, 400);
    assert_eq!(
        json_of(&missing),
        json!({"__type": "ResourceNotFoundException", "message": "Stream Nope under account 123456789012 not found."})
    );
    // A member of the wrong JSON type: the engine's SerializationException, `Message`.
    let wrong = exchange(
        &mut kinesis,
        later,
        "Kinesis_20131202.CreateStream",
        r#"{"StreamName": "Bar", "ShardCount": "x"}"#,
    );
    assert_eq!(wrong.status, 400);
    assert_eq!(json_of(&wrong)["__type"], "SerializationException");
    assert!(
        json_of(&wrong)["Message"].is_string(),
        "{}",
        text_of(&wrong)
    );
}

#[test]
fn a_throttled_put_record_is_a_400_with_aws_message() {
    let mut kinesis = Kinesis::new(Config::default());
    exchange(
        &mut kinesis,
        START_MS,
        "Kinesis_20131202.CreateStream",
        r#"{"StreamName": "Foo", "ShardCount": 1}"#,
    );
    let now = START_MS + 60_000;
    // 1,100 records in one millisecond: past the shard's 1,000 records a second.
    let throttled = (0..1_100)
        .map(|_| {
            exchange(
                &mut kinesis,
                now,
                "Kinesis_20131202.PutRecord",
                r#"{"StreamName": "Foo", "PartitionKey": "k", "Data": "aGk="}"#,
            )
        })
        .find(|response| response.status != 200)
        .expect("some put is throttled");
    assert_eq!(throttled.status, 400);
    assert_eq!(
        json_of(&throttled),
        json!({"__type": "ProvisionedThroughputExceededException",
               "message": "Rate exceeded for shard shardId-000000000000 in stream Foo under account 123456789012."})
    );
}

#[test]
fn an_internal_failure_is_a_500() {
    let error = crate::engine::ApiError::new(crate::engine::ErrorKind::InternalFailure, "");
    let response = respond("ListStreams", Err(error), Protocol::Json, &mut ids());
    assert_eq!(response.status, 500);
    assert_eq!(json_of(&response), json!({"__type": "InternalFailure"}));
}

#[test]
fn no_bytes_make_it_panic() {
    // A cheap sweep here; the fuzz target (a later step) does it properly.
    let mut state = 1u64;
    for _ in 0..2_000 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (state >> 58) as usize;
        let body: Vec<u8> = (0..len).map(|i| (state >> (i % 56)) as u8).collect();
        let text = String::from_utf8_lossy(&body).into_owned();
        let head = RequestHead {
            method: if state & 1 == 0 { "POST" } else { &text },
            uri: &text,
            content_type: [Some(AMZ_JSON), Some(&text[..]), None][(state % 3) as usize],
            target: Some(&text),
            authorization: (state & 4 == 0).then_some(&text[..]),
            has_date: state & 8 == 0,
        };
        let status = match handle(&head, &body, &mut ids()) {
            Dispatch::Respond(response) => response.status,
            Dispatch::Call { .. } => 200,
        };
        assert!([200, 400, 403, 404, 413, 500].contains(&status), "{status}");
    }
}

#[test]
fn every_action_with_an_empty_object_gets_an_aws_shaped_answer() {
    let mut kinesis = Kinesis::new(Config::default());
    for action in crate::engine::ACTIONS {
        let response = exchange(
            &mut kinesis,
            START_MS,
            &format!("Kinesis_20131202.{action}"),
            "{}",
        );
        assert!(
            [200, 400].contains(&response.status),
            "{action}: {}",
            response.status
        );
        if response.status == 400 {
            let body = json_of(&response);
            assert!(
                body["__type"]
                    .as_str()
                    .is_some_and(|t| t.ends_with("Exception")),
                "{action}: {body}"
            );
        }
    }
}
