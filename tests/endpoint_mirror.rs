//! The page as a live mirror of the endpoint: the journal the owner sends (server-sent
//! events) replayed in a session of the page's own gives the endpoint's state and event
//! history exactly, whether the page watched from the start or opened late, and however its
//! frames slice time.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use shardlab::endpoint::owner::{Body, Head, Owner};
use shardlab::endpoint::Options;
use shardlab::session::{Link, Scenario, Session};
use tokio::sync::mpsc;

const SCENARIO: &str = "\
aws kinesis create-stream --stream-name orders --shard-count 2
wait 3s
producer add web --stream orders --rate 1500 --keys hot:user-42:0.8:50 --retry none
kcl app add analytics --stream orders --workers 2
";

fn call(owner: &mut Owner, at_ms: u64, action: &str, body: Value) -> Value {
    let response = owner.answer_at(
        at_ms,
        &Head::signed_json(action),
        Body::Read(body.to_string().into_bytes()),
    );
    assert_eq!(
        response.status,
        200,
        "{action}: {}",
        String::from_utf8_lossy(&response.body)
    );
    serde_json::from_slice(&response.body).unwrap_or(json!({}))
}

/// The endpoint's run beside the scenario's producer and KCL application: a program's own
/// stream, puts between the owner's ticks, a split, a batch on the children.
fn endpoint_run(owner: &mut Owner) {
    call(
        owner,
        100,
        "CreateStream",
        json!({"StreamName": "mine", "ShardCount": 1}),
    );
    for i in 0..40u64 {
        let at = 2_500 + i * 137;
        owner.catch_up_to(at - 50); // a tick between calls
        call(
            owner,
            at,
            "PutRecord",
            json!({"StreamName": "mine", "PartitionKey": format!("k{}", i % 7), "Data": "aGVsbG8="}),
        );
    }
    call(
        owner,
        9_000,
        "SplitShard",
        json!({"StreamName": "mine", "ShardToSplit": "shardId-000000000000",
               "NewStartingHashKey": "170141183460469231731687303715884105728"}),
    );
    call(
        owner,
        16_000,
        "PutRecords",
        json!({"StreamName": "mine", "Records": [
            {"PartitionKey": "a", "Data": "eA=="}, {"PartitionKey": "b", "Data": "eQ=="}]}),
    );
    owner.catch_up_to(20_000);
}

fn owner() -> Owner {
    let options = Options {
        seed: 11,
        script: Some(("scenario.sh".into(), SCENARIO.into())),
        ..Options::default()
    };
    Owner::new(&options, Box::new(std::io::sink())).named("127.0.0.1:4567")
}

/// Feeds the page's session the events received so far, a frame after each.
fn feed(page: &mut Session, events: &mut mpsc::UnboundedReceiver<String>) -> usize {
    let mut n = 0;
    while let Ok(event) = events.try_recv() {
        let (name, data) = event
            .strip_prefix("event: ")
            .and_then(|e| e.trim_end().split_once("\ndata: "))
            .expect("an event and its data");
        page.mirror_event(name, data).unwrap();
        page.frame(16.0);
        n += 1;
    }
    n
}

/// The world's state and its whole event log (what the page draws, and its history), as the
/// determinism digests take them.
fn state(session: &Session) -> String {
    let snapshot = serde_json::to_string(&session.world.snapshot()).unwrap();
    let events = serde_json::to_string(&session.world.events_since(0)).unwrap();
    format!("{snapshot}\n{events}")
}

#[test]
fn a_page_watching_from_the_start_draws_the_endpoints_state() {
    let mut owner = owner();
    let (sink, mut events) = mpsc::unbounded_channel();
    owner.add_mirror(sink);
    endpoint_run(&mut owner);
    let mut page = Session::new(Link::start(Scenario::Default, 1));
    let received = feed(&mut page, &mut events);
    assert!(received > 40, "{received} events");
    assert_eq!(page.mirroring().unwrap().endpoint, "127.0.0.1:4567");
    assert_eq!(page.world.elapsed_ms(), 20_000);
    assert_eq!(state(&page), state(owner.session()));
    // The program's records are on the page, with the endpoint's sequence numbers.
    let shards = page
        .world
        .call("ListShards", &json!({"StreamName": "mine"}))
        .unwrap();
    assert_eq!(shards["Shards"].as_array().unwrap().len(), 3, "{shards}");
}

#[test]
fn a_page_opened_late_catches_up_to_the_same_state() {
    let mut owner = owner();
    endpoint_run(&mut owner);
    let (sink, mut events) = mpsc::unbounded_channel();
    owner.add_mirror(sink);
    let mut page = Session::new(Link::start(Scenario::Default, 1));
    feed(&mut page, &mut events);
    assert_eq!(state(&page), state(owner.session()));
}

#[test]
fn while_mirroring_the_page_takes_no_commands_and_a_way_back_forks() {
    let mut owner = owner();
    let (sink, mut events) = mpsc::unbounded_channel();
    owner.add_mirror(sink);
    endpoint_run(&mut owner);
    let mut page = Session::new(Link::start(Scenario::Default, 1));
    feed(&mut page, &mut events);
    let said = page.run_command("aws kinesis delete-stream --stream-name mine");
    assert!(format!("{said:?}").contains("Press Fork"), "{said:?}");
    assert_eq!(
        state(&page),
        state(owner.session()),
        "the command was not run"
    );

    page.reset();
    assert!(page.mirroring().is_none());
    assert!(page.notice.as_deref().unwrap().starts_with("Forked"));
}

#[test]
fn an_event_the_page_cannot_read_is_an_error_and_the_mirror_goes_on() {
    let mut page = Session::new(Link::start(Scenario::Default, 1));
    page.mirror_event("start", r#"{"endpoint": "e:1", "script": "", "seed": 4}"#)
        .unwrap();
    for (name, data) in [
        ("clock", "soon"),
        ("action", "[1, []]"),
        ("start", "{}"),
        ("nope", "1"),
    ] {
        assert!(page.mirror_event(name, data).is_err(), "{name} {data}");
    }
    page.mirror_event("clock", "500").unwrap();
    page.frame(16.0);
    assert_eq!((page.world.elapsed_ms(), page.seed()), (500, 4));
}

/// A program reading the endpoint with SubscribeToShard: the subscription is the world's on
/// both sides (the call journaled as any other), so the page, which streams nothing to
/// anyone, delivers the same events at the same moments and draws the same fan-out metrics.
#[test]
fn a_program_subscribed_to_a_shard_leaves_the_page_in_the_endpoints_state() {
    let mut owner = owner();
    let (sink, mut events) = mpsc::unbounded_channel();
    owner.add_mirror(sink);
    call(
        &mut owner,
        100,
        "CreateStream",
        json!({"StreamName": "mine", "ShardCount": 1}),
    );
    let summary = call(
        &mut owner,
        3_000,
        "DescribeStreamSummary",
        json!({"StreamName": "mine"}),
    );
    let registered = call(
        &mut owner,
        3_000,
        "RegisterStreamConsumer",
        json!({"StreamARN": summary["StreamDescriptionSummary"]["StreamARN"],
               "ConsumerName": "reader"}),
    );
    let arn = registered["Consumer"]["ConsumerARN"].clone();
    let subscribe = json!({"ConsumerARN": arn, "ShardId": "shardId-000000000000",
                           "StartingPosition": {"Type": "TRIM_HORIZON"}});
    let mut streams = Vec::new();
    for (at, also_puts) in [(9_000, true), (21_000, false)] {
        let mut reply = owner.answer_at(
            at,
            &Head::signed_json("SubscribeToShard"),
            Body::Read(subscribe.to_string().into_bytes()),
        );
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        streams.push(reply.events.take().unwrap());
        for i in 0..20u64 {
            let at = at + 300 + i * 211;
            owner.catch_up_to(at - 40);
            if also_puts {
                call(
                    &mut owner,
                    at,
                    "PutRecord",
                    json!({"StreamName": "mine", "PartitionKey": format!("k{i}"), "Data": "aGk="}),
                );
            }
        }
    }
    owner.catch_up_to(31_000);
    let mut page = Session::new(Link::start(Scenario::Default, 1));
    feed(&mut page, &mut events);
    assert_eq!(page.world.elapsed_ms(), 31_000);
    assert_eq!(state(&page), state(owner.session()));
    let fan_out = &owner.session().world.snapshot().streams["mine"].fan_out_consumers["reader"];
    let records = fan_out.totals["SubscribeToShardEvent.Records"];
    // The first subscription read the 20 records, the second (from TRIM_HORIZON) again.
    assert_eq!(records, 40, "{fan_out:?}");
    // The program got its records, and its first stream was ended by the second.
    let first: Vec<u8> = std::iter::from_fn(|| streams[0].try_recv().ok())
        .flatten()
        .collect();
    let messages = shardlab::endpoint::wire::event_stream::decode_all(&first).unwrap();
    assert_eq!(
        messages.last().unwrap().header(":exception-type"),
        Some("ResourceInUseException")
    );
    assert!(page.world.take_subscription_messages().is_empty());
}
