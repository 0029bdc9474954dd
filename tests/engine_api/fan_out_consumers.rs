//! Enhanced fan-out consumers through the JSON face: RegisterStreamConsumer,
//! DescribeStreamConsumer, ListStreamConsumers, DeregisterStreamConsumer, their errors, the
//! CREATING/ACTIVE/DELETING life, `ConsumerCount`, and DeleteStream with consumers
//! (reference modern-kinesis.md section 2).

use serde_json::{json, Value};
use shardlab::engine::{Config, EngineEvent, Kinesis};

use crate::common::kinesis::{err, ok, with_stream, ACCOUNT, T0};

pub(crate) const STREAM_ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/Orders";

/// Registers `name` on `Orders` at `now`; returns the answer's `Consumer`.
pub(crate) fn register(k: &mut Kinesis, now: u64, name: &str) -> Value {
    ok(
        k,
        now,
        "RegisterStreamConsumer",
        json!({"StreamARN": STREAM_ARN, "ConsumerName": name}),
    )["Consumer"]
        .clone()
}

/// A one-shard stream `Orders` with an ACTIVE consumer `app`: (engine, consumer ARN, when it
/// is ACTIVE).
pub(crate) fn with_active_consumer(shards: u32) -> (Kinesis, String, u64) {
    let (mut k, ready) = with_stream("Orders", shards);
    let consumer = register(&mut k, ready, "app");
    let active = ready + k.config().consumer_create_duration_ms;
    (
        k,
        consumer["ConsumerARN"].as_str().unwrap().to_string(),
        active,
    )
}

fn describe(k: &mut Kinesis, now: u64, body: Value) -> Value {
    ok(k, now, "DescribeStreamConsumer", body)["ConsumerDescription"].clone()
}

fn consumer_count(k: &mut Kinesis, now: u64) -> Value {
    ok(
        k,
        now,
        "DescribeStreamSummary",
        json!({"StreamName": "Orders"}),
    )["StreamDescriptionSummary"]["ConsumerCount"]
        .clone()
}

#[test]
fn a_registered_consumer_is_creating_then_active_with_an_arn_ending_in_its_epoch() {
    let (mut k, ready) = with_stream("Orders", 1);
    let consumer = register(&mut k, ready, "app");
    let epoch = ready / 1000;
    let arn = format!("{STREAM_ARN}/consumer/app:{epoch}");
    assert_eq!(
        consumer,
        json!({"ConsumerName": "app", "ConsumerARN": arn, "ConsumerStatus": "CREATING",
               "ConsumerCreationTimestamp": ready as f64 / 1000.0})
    );
    assert_eq!(consumer_count(&mut k, ready), 1);
    let by_arn = describe(&mut k, ready, json!({"ConsumerARN": arn}));
    assert_eq!(by_arn["ConsumerStatus"], "CREATING");
    assert_eq!(by_arn["StreamARN"], STREAM_ARN);
    let active = ready + k.config().consumer_create_duration_ms;
    assert_eq!(
        k.next_change_ms(),
        Some(active),
        "the world can schedule it"
    );
    let before = describe(
        &mut k,
        active - 1,
        json!({"StreamARN": STREAM_ARN, "ConsumerName": "app"}),
    );
    assert_eq!(before["ConsumerStatus"], "CREATING");
    let by_name = describe(
        &mut k,
        active,
        json!({"StreamARN": STREAM_ARN, "ConsumerName": "app"}),
    );
    assert_eq!(
        by_name,
        json!({"ConsumerName": "app", "ConsumerARN": arn, "ConsumerStatus": "ACTIVE",
               "ConsumerCreationTimestamp": ready as f64 / 1000.0, "StreamARN": STREAM_ARN})
    );
    let events: Vec<EngineEvent> = k
        .drain_events()
        .into_iter()
        .filter(|e| matches!(e, EngineEvent::ConsumerStatusChanged { .. }))
        .collect();
    assert_eq!(
        events,
        vec![
            EngineEvent::ConsumerStatusChanged {
                at_ms: ready,
                stream: "Orders".into(),
                consumer: "app".into(),
                status: "CREATING"
            },
            EngineEvent::ConsumerStatusChanged {
                at_ms: active,
                stream: "Orders".into(),
                consumer: "app".into(),
                status: "ACTIVE"
            },
        ]
    );
    // DescribeStream counts it too.
    assert_eq!(consumer_count(&mut k, active), 1);
}

#[test]
fn describe_needs_the_arn_or_the_stream_and_name_but_not_both() {
    let (mut k, arn, active) = with_active_consumer(1);
    let text =
        "Either ConsumerARN or both ConsumerName and StreamARN must be provided, but not both.";
    for body in [
        json!({}),
        json!({"ConsumerName": "app"}),
        json!({"StreamARN": STREAM_ARN}),
        json!({"ConsumerARN": arn, "ConsumerName": "app", "StreamARN": STREAM_ARN}),
        json!({"ConsumerARN": arn, "StreamARN": STREAM_ARN}),
    ] {
        for action in ["DescribeStreamConsumer", "DeregisterStreamConsumer"] {
            let e = err(&mut k, active, action, body.clone());
            assert_eq!(e.kind(), "InvalidArgumentException", "{action} {body}");
            assert_eq!(e.message(), text);
        }
    }
    let other = format!("{STREAM_ARN}/consumer/app:1");
    let e = err(
        &mut k,
        active,
        "DescribeStreamConsumer",
        json!({"ConsumerARN": other}),
    );
    assert_eq!(e.kind(), "ResourceNotFoundException");
    assert_eq!(
        e.message(),
        format!("Consumer {other} under account {ACCOUNT} not found.")
    );
    let e = err(
        &mut k,
        active,
        "DescribeStreamConsumer",
        json!({"StreamARN": STREAM_ARN, "ConsumerName": "nobody"}),
    );
    assert_eq!(e.kind(), "ResourceNotFoundException");
    assert_eq!(
        e.message(),
        format!("Consumer nobody under stream Orders under account {ACCOUNT} not found.")
    );
}

#[test]
fn requests_are_checked_against_the_model() {
    let (mut k, active) = with_stream("Orders", 1);
    let e = err(
        &mut k,
        active,
        "RegisterStreamConsumer",
        json!({"StreamARN": STREAM_ARN, "ConsumerName": "my app"}),
    );
    assert_eq!(e.kind(), "ValidationException");
    assert!(e.message().contains("consumerName"), "{}", e.message());
    let e = err(
        &mut k,
        active,
        "RegisterStreamConsumer",
        json!({"ConsumerName": "app"}),
    );
    assert_eq!(e.kind(), "ValidationException");
    assert!(e.message().contains("streamARN"), "{}", e.message());
    let e = err(
        &mut k,
        active,
        "DescribeStreamConsumer",
        json!({"ConsumerARN": STREAM_ARN}),
    );
    assert_eq!(e.kind(), "ValidationException");
    assert!(e.message().contains("consumerARN"), "{}", e.message());
    let e = err(
        &mut k,
        active,
        "RegisterStreamConsumer",
        json!({"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/Nope", "ConsumerName": "app"}),
    );
    assert_eq!(e.kind(), "ResourceNotFoundException");
    assert_eq!(
        e.message(),
        format!("Stream Nope under account {ACCOUNT} not found.")
    );
}

#[test]
fn a_name_is_registered_once_and_a_stream_holds_twenty() {
    let (mut k, ready) = with_stream("Orders", 1);
    register(&mut k, ready, "app");
    let e = err(
        &mut k,
        ready,
        "RegisterStreamConsumer",
        json!({"StreamARN": STREAM_ARN, "ConsumerName": "app"}),
    );
    assert_eq!(e.kind(), "ResourceInUseException");
    assert_eq!(
        e.message(),
        format!("Consumer app under stream Orders under account {ACCOUNT} already exists.")
    );
    // Five at a time may be CREATING; register in waves until the stream holds 20.
    let step = k.config().consumer_create_duration_ms;
    let mut now = ready;
    let mut n = 1;
    while n < 20 {
        now += step;
        for _ in 0..5.min(20 - n) {
            register(&mut k, now, &format!("c{n}"));
            n += 1;
        }
    }
    now += step;
    let e = err(
        &mut k,
        now,
        "RegisterStreamConsumer",
        json!({"StreamARN": STREAM_ARN, "ConsumerName": "one-more"}),
    );
    assert_eq!(e.kind(), "LimitExceededException");
    assert_eq!(
        e.message(),
        format!("Stream Orders under account {ACCOUNT} already has 20 registered consumers, the limit per stream.")
    );
    assert_eq!(consumer_count(&mut k, now), 20);
}

#[test]
fn at_most_five_consumers_of_the_account_are_creating_at_once() {
    let mut k = Kinesis::new(Config::default());
    for name in ["Orders", "Other"] {
        ok(
            &mut k,
            T0,
            "CreateStream",
            json!({"StreamName": name, "ShardCount": 1}),
        );
    }
    let ready = T0 + k.config().create_duration_ms;
    for i in 0..3 {
        register(&mut k, ready, &format!("a{i}"));
    }
    for i in 0..2 {
        ok(
            &mut k,
            ready,
            "RegisterStreamConsumer",
            json!({"StreamARN": STREAM_ARN.replace("Orders", "Other"), "ConsumerName": format!("b{i}")}),
        );
    }
    let e = err(
        &mut k,
        ready,
        "RegisterStreamConsumer",
        json!({"StreamARN": STREAM_ARN, "ConsumerName": "sixth"}),
    );
    assert_eq!(e.kind(), "LimitExceededException");
    assert_eq!(
        e.message(),
        format!("Account {ACCOUNT} already has 5 consumers in CREATING status, the most allowed at once. Retry once one of them is ACTIVE.")
    );
    let active = ready + k.config().consumer_create_duration_ms;
    register(&mut k, active, "sixth");
}

#[test]
fn list_stream_consumers_pages_with_an_expiring_token() {
    let (mut k, ready) = with_stream("Orders", 1);
    for name in ["a", "b", "c", "d", "e"] {
        register(&mut k, ready, name);
    }
    let page = ok(
        &mut k,
        ready,
        "ListStreamConsumers",
        json!({"StreamARN": STREAM_ARN, "MaxResults": 2}),
    );
    let names = |page: &Value| -> Vec<String> {
        page["Consumers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ConsumerName"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&page), ["a", "b"]);
    assert_eq!(page["Consumers"][0]["ConsumerStatus"], "CREATING");
    let token = page["NextToken"].as_str().unwrap().to_string();
    let second = ok(
        &mut k,
        ready + 1_000,
        "ListStreamConsumers",
        json!({"StreamARN": STREAM_ARN, "MaxResults": 2, "NextToken": token}),
    );
    assert_eq!(names(&second), ["c", "d"]);
    let last = ok(
        &mut k,
        ready + 1_000,
        "ListStreamConsumers",
        json!({"StreamARN": STREAM_ARN, "NextToken": second["NextToken"]}),
    );
    assert_eq!(names(&last), ["e"]);
    assert!(last.get("NextToken").is_none());
    let all = ok(
        &mut k,
        ready,
        "ListStreamConsumers",
        json!({"StreamARN": STREAM_ARN}),
    );
    assert_eq!(names(&all).len(), 5);
    let lifetime = k.config().next_token_lifetime_ms;
    let e = err(
        &mut k,
        ready + lifetime + 1,
        "ListStreamConsumers",
        json!({"StreamARN": STREAM_ARN, "NextToken": token}),
    );
    assert_eq!(e.kind(), "ExpiredNextTokenException");
    let e = err(
        &mut k,
        ready + lifetime + 1,
        "ListStreamConsumers",
        json!({"StreamARN": STREAM_ARN, "NextToken": "bogus"}),
    );
    assert_eq!(e.kind(), "InvalidArgumentException");
    assert_eq!(e.message(), "Invalid NextToken.");
    let e = err(
        &mut k,
        ready,
        "ListStreamConsumers",
        json!({"StreamARN": STREAM_ARN, "MaxResults": 0}),
    );
    assert_eq!(e.kind(), "ValidationException");
}

#[test]
fn a_deregistered_consumer_is_deleting_then_gone_and_comes_back_with_a_new_arn() {
    let (mut k, arn, active) = with_active_consumer(1);
    let answer = ok(
        &mut k,
        active,
        "DeregisterStreamConsumer",
        json!({"ConsumerARN": arn}),
    );
    assert_eq!(answer, json!({}));
    let d = describe(&mut k, active, json!({"ConsumerARN": arn}));
    assert_eq!(d["ConsumerStatus"], "DELETING");
    let gone = active + k.config().consumer_delete_duration_ms;
    let e = err(
        &mut k,
        gone,
        "DescribeStreamConsumer",
        json!({"ConsumerARN": arn}),
    );
    assert_eq!(e.kind(), "ResourceNotFoundException");
    assert_eq!(consumer_count(&mut k, gone), 0);
    assert!(k.drain_events().contains(&EngineEvent::ConsumerDeleted {
        at_ms: gone,
        stream: "Orders".into(),
        consumer: "app".into()
    }));
    let again = register(&mut k, gone + 1_000, "app");
    assert_ne!(again["ConsumerARN"], json!(arn));
}

#[test]
fn a_stream_with_consumers_is_deleted_only_when_told_to_delete_them() {
    let (mut k, _arn, active) = with_active_consumer(1);
    let e = err(
        &mut k,
        active,
        "DeleteStream",
        json!({"StreamName": "Orders"}),
    );
    assert_eq!(e.kind(), "ResourceInUseException");
    assert_eq!(
        e.message(),
        format!("Stream Orders under account {ACCOUNT} has registered consumers. Deregister them, or set EnforceConsumerDeletion to true.")
    );
    ok(
        &mut k,
        active,
        "DeleteStream",
        json!({"StreamName": "Orders", "EnforceConsumerDeletion": true}),
    );
    let listed = ok(
        &mut k,
        active,
        "ListStreamConsumers",
        json!({"StreamARN": STREAM_ARN}),
    );
    assert_eq!(listed["Consumers"][0]["ConsumerStatus"], "DELETING");
    let gone = active + k.config().delete_duration_ms;
    // Created again, the stream has no consumers.
    ok(
        &mut k,
        gone,
        "CreateStream",
        json!({"StreamName": "Orders", "ShardCount": 1}),
    );
    let ready = gone + k.config().create_duration_ms;
    assert_eq!(consumer_count(&mut k, ready), 0);
}
