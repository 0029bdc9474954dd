//! SubscribeToShard as a program calls it through `shardlab endpoint`: a subscription the
//! world's clock follows for its whole life, whose events reach the program at their moments
//! (records put over ten seconds arrive as they are put, not in one answer), which ends after
//! five minutes, or with ResourceInUseException when a newer subscription of the same
//! consumer and shard takes over, as on AWS; the same calls at the same moments give the same
//! events wherever the clock stops; and the owner streams them as event-stream messages.
#![cfg(not(target_arch = "wasm32"))]

use base64::Engine as _;
use serde_json::{json, Value};
use shardlab::endpoint::owner::{Body, Head, Owner};
use shardlab::endpoint::wire::event_stream;
use shardlab::endpoint::Options;
use shardlab::engine::SubscribeToShardEvent;
use shardlab::sim::{SubscriptionDelivery, SubscriptionMessage, World};

mod common;
use common::world::create_stream;

const SHARD: &str = "shardId-000000000000";
const LIFETIME_MS: u64 = 5 * 60 * 1000;

/// A one-shard stream `s` with an ACTIVE stream consumer `app`; returns its ARN.
fn world_with_consumer() -> (World, String) {
    let mut world = World::new(7);
    world.keep_subscription_messages(true);
    create_stream(&mut world, "s", 1);
    let stream_arn = world
        .call("DescribeStreamSummary", &json!({"StreamName": "s"}))
        .unwrap()["StreamDescriptionSummary"]["StreamARN"]
        .as_str()
        .unwrap()
        .to_string();
    let registered = world
        .call(
            "RegisterStreamConsumer",
            &json!({"StreamARN": stream_arn, "ConsumerName": "app"}),
        )
        .unwrap();
    world.advance_by(10_000); // CREATING for 5 s
    let arn = registered["Consumer"]["ConsumerARN"]
        .as_str()
        .unwrap()
        .to_string();
    (world, arn)
}

fn subscribe_body(arn: &str) -> Value {
    json!({"ConsumerARN": arn, "ShardId": SHARD, "StartingPosition": {"Type": "LATEST"}})
}

fn put(world: &mut World, n: u64) -> u64 {
    world
        .call(
            "PutRecord",
            &json!({"StreamName": "s", "PartitionKey": format!("k{n}"),
                    "Data": base64::engine::general_purpose::STANDARD.encode(format!("record {n}"))}),
        )
        .unwrap();
    world.now_ms()
}

fn events(messages: &[SubscriptionDelivery]) -> Vec<&SubscribeToShardEvent> {
    messages
        .iter()
        .filter_map(|m| match &m.message {
            SubscriptionMessage::Event(event) => Some(event),
            SubscriptionMessage::End(_) => None,
        })
        .collect()
}

/// Subscribes at once, puts one record a second for ten seconds (the clock stopping every
/// `step` ms in between), then lets the subscription run out.
fn ten_seconds_of_records(step: u64) -> (Vec<SubscriptionDelivery>, Vec<u64>, u64) {
    let (mut world, arn) = world_with_consumer();
    let subscribed = world.now_ms();
    world.subscribe_to_shard(&subscribe_body(&arn)).unwrap();
    let mut put_at = Vec::new();
    for n in 0..10 {
        let next = subscribed + 1_000 * (n + 1);
        while world.now_ms() < next {
            world.advance_to((world.now_ms() + step).min(next));
        }
        put_at.push(put(&mut world, n));
    }
    world.advance_to(subscribed + LIFETIME_MS + 1_000);
    (world.take_subscription_messages(), put_at, subscribed)
}

#[test]
fn records_put_over_ten_seconds_arrive_at_their_moments_and_the_subscription_ends_at_five_minutes()
{
    let (messages, put_at, subscribed) = ten_seconds_of_records(333);
    let delivered = events(&messages);
    // The first event comes at once, empty, with where to resume from.
    assert_eq!(delivered[0].at_ms, subscribed);
    assert!(delivered[0].records.is_empty());
    assert!(delivered[0].continuation_sequence_number.is_some());
    let with_records: Vec<_> = delivered.iter().filter(|e| !e.records.is_empty()).collect();
    assert_eq!(
        with_records.len(),
        10,
        "one event per record put a second apart"
    );
    for (n, (event, at)) in with_records.iter().zip(&put_at).enumerate() {
        assert_eq!(event.records.len(), 1);
        assert_eq!(event.records[0].data, format!("record {n}").into_bytes());
        // Pushed 70 ms after its arrival (AWS's documented average propagation).
        assert_eq!(event.at_ms, at + 70, "record {n}");
    }
    // Heartbeats in between (every 5 s when idle), then the end at five minutes, cleanly.
    assert!(delivered.len() > 60, "{} events", delivered.len());
    let last = messages.last().unwrap();
    assert_eq!(last.message, SubscriptionMessage::End(None));
    assert_eq!(last.at_ms, subscribed + LIFETIME_MS);
}

#[test]
fn the_same_calls_give_the_same_events_wherever_the_clock_stops() {
    let (fine, _, _) = ten_seconds_of_records(7);
    let (coarse, _, _) = ten_seconds_of_records(1_000);
    assert_eq!(fine, coarse);
}

#[test]
fn a_newer_subscription_ends_the_older_with_resource_in_use_and_one_within_5_s_is_refused() {
    let (mut world, arn) = world_with_consumer();
    let first = world.subscribe_to_shard(&subscribe_body(&arn)).unwrap();
    world.advance_by(2_000);
    // Within five seconds: refused, as the JSON face refuses it.
    let mut console = world.clone();
    let refused = world.subscribe_to_shard(&subscribe_body(&arn)).unwrap_err();
    let json_face = console
        .call("SubscribeToShard", &subscribe_body(&arn))
        .unwrap_err();
    assert_eq!(refused, json_face);
    assert_eq!(refused.kind(), "ResourceInUseException");
    world.advance_by(4_000);
    let second = world.subscribe_to_shard(&subscribe_body(&arn)).unwrap();
    world.advance_by(1_000);
    let messages = world.take_subscription_messages();
    let ended: Vec<_> = messages
        .iter()
        .filter(|m| matches!(m.message, SubscriptionMessage::End(_)))
        .collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].subscription, first);
    let SubscriptionMessage::End(Some(error)) = &ended[0].message else {
        panic!("{:?}", ended[0]);
    };
    assert_eq!(error.kind(), "ResourceInUseException");
    assert!(error.message().contains(&arn), "{}", error.message());
    assert!(messages.iter().any(|m| m.subscription == second));
    assert_eq!(world.program_subscriptions().collect::<Vec<_>>(), [second]);
}

#[test]
fn errors_at_subscribe_time_are_the_json_faces() {
    let (mut world, arn) = world_with_consumer();
    let bodies = [
        json!({"ConsumerARN": format!("{arn}x"), "ShardId": SHARD, "StartingPosition": {"Type": "LATEST"}}),
        json!({"ConsumerARN": arn, "ShardId": "shardId-000000000009", "StartingPosition": {"Type": "LATEST"}}),
        json!({"ConsumerARN": arn, "ShardId": SHARD, "StartingPosition": {"Type": "AT_SEQUENCE_NUMBER"}}),
        json!({"ConsumerARN": arn, "ShardId": SHARD, "StartingPosition": {"Type": "SOMEWHERE"}}),
        json!({"ConsumerARN": arn, "ShardId": SHARD}),
    ];
    for body in bodies {
        let mut console = world.clone();
        let streamed = world.subscribe_to_shard(&body).unwrap_err();
        let answered = console.call("SubscribeToShard", &body).unwrap_err();
        assert_eq!(streamed, answered, "{body}");
    }
    assert_eq!(world.program_subscriptions().count(), 0);
}

#[test]
fn a_world_nobody_serves_keeps_no_messages_and_reaches_the_same_state() {
    let (mut served, arn) = world_with_consumer();
    let mut unserved = served.clone();
    unserved.keep_subscription_messages(false);
    for world in [&mut served, &mut unserved] {
        world.subscribe_to_shard(&subscribe_body(&arn)).unwrap();
        for n in 0..20 {
            world.advance_by(500);
            put(world, n);
        }
        world.advance_by(60_000);
    }
    assert!(unserved.take_subscription_messages().is_empty());
    assert!(events(&served.take_subscription_messages()).len() > 20);
    assert_eq!(
        serde_json::to_string(&served.snapshot()).unwrap(),
        serde_json::to_string(&unserved.snapshot()).unwrap()
    );
}

#[test]
fn the_owner_streams_the_subscription_as_event_stream_messages() {
    let mut owner = Owner::new(&Options::default(), Box::new(std::io::sink()));
    let call = |owner: &mut Owner, at: u64, action: &str, body: Value| {
        owner.answer_at(
            at,
            &Head::signed_json(action),
            Body::Read(body.to_string().into_bytes()),
        )
    };
    call(
        &mut owner,
        0,
        "CreateStream",
        json!({"StreamName": "s", "ShardCount": 1}),
    );
    let summary = call(
        &mut owner,
        30_000,
        "DescribeStreamSummary",
        json!({"StreamName": "s"}),
    );
    let summary: Value = serde_json::from_slice(&summary.body).unwrap();
    let stream_arn = summary["StreamDescriptionSummary"]["StreamARN"].clone();
    let registered = call(
        &mut owner,
        30_000,
        "RegisterStreamConsumer",
        json!({"StreamARN": stream_arn, "ConsumerName": "app"}),
    );
    let registered: Value = serde_json::from_slice(&registered.body).unwrap();
    let arn = registered["Consumer"]["ConsumerARN"].as_str().unwrap();

    // While the consumer is CREATING: an ordinary JSON error, not a stream.
    let early = call(&mut owner, 31_000, "SubscribeToShard", subscribe_body(arn));
    assert_eq!(early.status, 400);
    assert!(early.events.is_none());
    let error: Value = serde_json::from_slice(&early.body).unwrap();
    assert_eq!(error["__type"], "ResourceInUseException");

    let mut reply = call(&mut owner, 40_000, "SubscribeToShard", subscribe_body(arn));
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    assert!(reply.header("x-amzn-RequestId").is_some());
    let mut stream = reply.events.take().unwrap();
    for n in 0..3u64 {
        call(
            &mut owner,
            41_000 + n * 1_000,
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": "k", "Data": base64::engine::general_purpose::STANDARD.encode(format!("r{n}"))}),
        );
    }
    owner.catch_up_to(45_000);
    let mut bytes = Vec::new();
    while let Ok(message) = stream.try_recv() {
        bytes.extend(message);
    }
    let messages = event_stream::decode_all(&bytes).unwrap();
    assert_eq!(messages[0].header(":event-type"), Some("initial-response"));
    assert_eq!(messages[0].payload, b"{}");
    let records: Vec<Value> = messages[1..]
        .iter()
        .inspect(|m| {
            assert_eq!(m.header(":message-type"), Some("event"));
            assert_eq!(m.header(":event-type"), Some("SubscribeToShardEvent"));
        })
        .flat_map(|m| {
            let event: Value = serde_json::from_slice(&m.payload).unwrap();
            assert!(event["ContinuationSequenceNumber"].is_string(), "{event}");
            assert!(event["MillisBehindLatest"].is_u64(), "{event}");
            event["Records"].as_array().unwrap().clone()
        })
        .collect();
    let data: Vec<&str> = records
        .iter()
        .map(|r| r["Data"].as_str().unwrap())
        .collect();
    assert_eq!(data, ["cjA=", "cjE=", "cjI="]);

    // Taken over by a newer subscription: the stream ends with ResourceInUseException.
    let newer = call(&mut owner, 50_000, "SubscribeToShard", subscribe_body(arn));
    assert_eq!(newer.status, 200);
    owner.catch_up_to(50_010);
    let mut tail = Vec::new();
    while let Ok(message) = stream.try_recv() {
        tail.extend(message);
    }
    let last = event_stream::decode_all(&tail).unwrap().pop().unwrap();
    assert_eq!(last.header(":message-type"), Some("exception"));
    assert_eq!(
        last.header(":exception-type"),
        Some("ResourceInUseException")
    );
    // ...and is closed.
    assert!(matches!(
        stream.try_recv(),
        Err(tokio::sync::mpsc::error::TryRecvError::Disconnected)
    ));
}
