//! SubscribeToShard: through the JSON face (its events for the records already in the shard)
//! and through the typed face the simulation uses (subscribe, poll, next event): delivery in
//! order at 2 MiB/s of the consumer's own, untouched by the shard's shared read limits, no
//! earlier than 70 ms after arrival; the 5-second rule and the takeover; the 5-minute life;
//! ChildShards at a closed shard's end; usage and the consumer's metrics (reference
//! modern-kinesis.md section 2).

use serde_json::{json, Value};
use shardlab::engine::metrics::Metric;
use shardlab::engine::{
    ConsumerMetric, IteratorStart, Kinesis, SubscribeToShardEvent, SubscriptionEnd,
};

use super::fan_out_consumers::{with_active_consumer, STREAM_ARN};
use super::{iterator, put};
use crate::common::kinesis::{b64, err, ok, ACCOUNT};

const SHARD: &str = "shardId-000000000000";

fn subscribe(k: &mut Kinesis, now: u64, arn: &str, position: Value) -> Vec<Value> {
    ok(
        k,
        now,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": SHARD, "StartingPosition": position}),
    )["EventStream"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["SubscribeToShardEvent"].clone())
        .collect()
}

/// Every event of subscription `id` up to `until`, polled every `step` ms, and its end.
fn poll_all(
    k: &mut Kinesis,
    id: u64,
    from: u64,
    until: u64,
    step: u64,
) -> (Vec<SubscribeToShardEvent>, Option<SubscriptionEnd>) {
    let mut events = Vec::new();
    let mut now = from;
    while now <= until {
        let poll = k.poll_subscription(now, id, false).unwrap();
        events.extend(poll.events);
        if poll.end.is_some() {
            return (events, poll.end);
        }
        now += step;
    }
    (events, None)
}

#[test]
fn the_json_answer_holds_the_records_as_get_records_shows_them() {
    let (mut k, arn, active) = with_active_consumer(1);
    for (i, word) in ["one", "two", "three"].into_iter().enumerate() {
        put(&mut k, active + i as u64, "Orders", "key", word);
    }
    let later = active + 1_000;
    let it = iterator(&mut k, later, "Orders", SHARD, "TRIM_HORIZON");
    let read = ok(&mut k, later, "GetRecords", json!({"ShardIterator": it}));
    let events = subscribe(&mut k, later, &arn, json!({"Type": "TRIM_HORIZON"}));
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event["Records"], read["Records"]);
    assert_eq!(
        event["ContinuationSequenceNumber"],
        read["Records"][2]["SequenceNumber"]
    );
    assert_eq!(event["MillisBehindLatest"], 0);
    assert!(event.get("ChildShards").is_none());
    // A consumer that resumes after the continuation number reads nothing more.
    let later = later + 5_000;
    let events = subscribe(
        &mut k,
        later,
        &arn,
        json!({"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": event["ContinuationSequenceNumber"]}),
    );
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["Records"], json!([]));
    assert_eq!(
        events[0]["ContinuationSequenceNumber"],
        event["ContinuationSequenceNumber"]
    );
}

#[test]
fn a_consumer_reads_only_when_active_and_a_second_subscription_waits_five_seconds() {
    let (mut k, arn, active) = with_active_consumer(1);
    let e = err(
        &mut k,
        active - 1,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": SHARD, "StartingPosition": {"Type": "LATEST"}}),
    );
    assert_eq!(e.kind(), "ResourceInUseException");
    let created = active - k.config().consumer_create_duration_ms;
    assert_eq!(
        e.message(),
        format!("Consumer {arn} with creation timestamp {created} under stream: {STREAM_ARN} is not in ACTIVE status.")
    );
    let first = k
        .subscribe_to_shard(active, &arn, 0, IteratorStart::Latest)
        .unwrap();
    let e = err(
        &mut k,
        active + 4_999,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": SHARD, "StartingPosition": {"Type": "LATEST"}}),
    );
    assert_eq!(e.kind(), "ResourceInUseException");
    assert_eq!(
        e.message(),
        format!("Another active subscription exists for this consumer: {arn} on shard {SHARD}.")
    );
    let second = k
        .subscribe_to_shard(active + 5_000, &arn, 0, IteratorStart::Latest)
        .unwrap();
    let poll = k.poll_subscription(active + 5_000, first, false).unwrap();
    assert_eq!(poll.end, Some(SubscriptionEnd::TakenOver));
    let e = k
        .poll_subscription(active + 5_001, first, false)
        .unwrap_err();
    assert_eq!(e.kind(), "ResourceNotFoundException");
    assert!(k.poll_subscription(active + 5_001, second, false).is_ok());
    let metrics = &k.stream("Orders").unwrap().consumer("app").unwrap().metrics;
    assert_eq!(metrics.total(ConsumerMetric::SubscribeToShardSuccess), 2);
    assert_eq!(
        metrics.total(ConsumerMetric::SubscribeToShardRateExceeded),
        1
    );
    // Unknown shards and bad starting positions.
    let e = err(
        &mut k,
        active + 20_000,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": "shardId-000000000009", "StartingPosition": {"Type": "LATEST"}}),
    );
    assert_eq!(e.kind(), "ResourceNotFoundException");
    assert_eq!(
        e.message(),
        format!(
            "Shard shardId-000000000009 in stream Orders under account {ACCOUNT} does not exist"
        )
    );
    let e = err(
        &mut k,
        active + 20_000,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": SHARD, "StartingPosition": {"Type": "AT_SEQUENCE_NUMBER"}}),
    );
    assert_eq!(e.kind(), "InvalidArgumentException");
    let e = err(
        &mut k,
        active + 20_000,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": SHARD, "StartingPosition": {"Type": "SOMEWHERE"}}),
    );
    assert_eq!(e.kind(), "ValidationException");
}

#[test]
fn a_subscription_ends_after_five_minutes_and_sends_heartbeats_meanwhile() {
    let (mut k, arn, active) = with_active_consumer(1);
    let id = k
        .subscribe_to_shard(active, &arn, 0, IteratorStart::Latest)
        .unwrap();
    let heartbeat = k.config().fan_out_heartbeat_ms;
    let lifetime = k.config().subscription_lifetime_ms;
    let (events, end) = poll_all(&mut k, id, active, active + lifetime + 1_000, 1_000);
    assert_eq!(end, Some(SubscriptionEnd::Expired));
    let times: Vec<u64> = events.iter().map(|e| e.at_ms - active).collect();
    let expected: Vec<u64> = (0..lifetime / heartbeat).map(|i| i * heartbeat).collect();
    assert_eq!(
        times, expected,
        "an empty event at once, then every heartbeat"
    );
    assert!(events
        .iter()
        .all(|e| e.records.is_empty() && e.record_count == 0));
}

#[test]
fn every_record_arrives_in_order_while_five_pollers_are_throttled() {
    let (mut k, arn, active) = with_active_consumer(1);
    let id = k
        .subscribe_to_shard(active, &arn, 0, IteratorStart::TrimHorizon)
        .unwrap();
    let mut iterators: Vec<String> = (0..5)
        .map(|_| iterator(&mut k, active, "Orders", SHARD, "TRIM_HORIZON"))
        .collect();
    let (mut throttled, mut read_ok) = (0u64, 0u64);
    let mut put_numbers = Vec::new();
    let mut delivered = Vec::new();
    for tick in 0..1_000u64 {
        let now = active + tick * 10;
        let out = put(
            &mut k,
            now,
            "Orders",
            &format!("k{tick}"),
            &format!("r{tick}"),
        );
        put_numbers.push(out["SequenceNumber"].as_str().unwrap().to_string());
        if tick % 5 == 0 {
            for it in iterators.iter_mut() {
                match k.call(
                    now,
                    "GetRecords",
                    &json!({"ShardIterator": it, "Limit": 10}),
                ) {
                    Ok(answer) => {
                        read_ok += 1;
                        *it = answer["NextShardIterator"].as_str().unwrap().to_string();
                    }
                    Err(e) => {
                        assert_eq!(e.kind(), "ProvisionedThroughputExceededException");
                        throttled += 1;
                    }
                }
            }
        }
        if tick % 10 == 0 {
            for event in k.poll_subscription(now, id, true).unwrap().events {
                delivered.extend(event.records.iter().map(|r| r.sequence_number.to_string()));
            }
        }
    }
    let end = active + 11_000;
    for event in k.poll_subscription(end, id, true).unwrap().events {
        delivered.extend(event.records.iter().map(|r| r.sequence_number.to_string()));
    }
    assert_eq!(delivered, put_numbers, "every record, once, in order");
    assert!(
        throttled > 0,
        "the pollers hit the shard's 5 calls a second"
    );
    let shard = &k.stream("Orders").unwrap().shards[0];
    let totals = shard.metrics.totals();
    assert_eq!(
        totals[Metric::ReadProvisionedThroughputExceeded as usize],
        throttled,
        "only the pollers were throttled"
    );
    assert_eq!(totals[Metric::GetRecordsSuccess as usize], read_ok);
    let metrics = &k.stream("Orders").unwrap().consumer("app").unwrap().metrics;
    assert_eq!(
        metrics.total(ConsumerMetric::SubscribeToShardEventRecords),
        1_000
    );
    let bytes = metrics.total(ConsumerMetric::SubscribeToShardEventBytes);
    assert_eq!(k.stream("Orders").unwrap().usage.fan_out_bytes, bytes);
    assert!(bytes > 0);
}

#[test]
fn a_record_is_delivered_seventy_milliseconds_after_it_arrives() {
    let (mut k, arn, active) = with_active_consumer(1);
    let id = k
        .subscribe_to_shard(active, &arn, 0, IteratorStart::Latest)
        .unwrap();
    let start = k.poll_subscription(active, id, false).unwrap();
    assert_eq!(start.events.len(), 1, "the first, empty event");
    let at = active + 1_000;
    put(&mut k, at, "Orders", "key", "hello");
    assert_eq!(k.next_event_ms(id), Some(at + 70));
    assert!(k
        .poll_subscription(at + 69, id, false)
        .unwrap()
        .events
        .is_empty());
    let events = k.poll_subscription(at + 70, id, true).unwrap().events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].at_ms, at + 70);
    assert_eq!(events[0].records[0].data, b"hello");
    assert_eq!(events[0].millis_behind_latest, 0);
}

#[test]
fn a_backlog_of_ten_mebibytes_takes_five_seconds() {
    let (mut k, arn, active) = with_active_consumer(1);
    // 100 records of 100 KiB, 10 a second: 10 MiB in 10 s, within the shard's 1 MiB/s.
    let data = b64(vec![b'x'; 100 * 1024]);
    for i in 0..100u64 {
        let now = active + i * 100;
        let body = json!({"StreamName": "Orders", "PartitionKey": "k", "Data": data});
        ok(&mut k, now, "PutRecord", body);
    }
    let start = active + 20_000;
    let id = k
        .subscribe_to_shard(start, &arn, 0, IteratorStart::TrimHorizon)
        .unwrap();
    let (events, _) = poll_all(&mut k, id, start, start + 10_000, 100);
    let with_records: Vec<&SubscribeToShardEvent> =
        events.iter().filter(|e| e.record_count > 0).collect();
    let total: u64 = with_records.iter().map(|e| e.record_count).sum();
    assert_eq!(total, 100);
    let took = with_records.last().unwrap().at_ms - start;
    assert!((4_500..=5_200).contains(&took), "took {took} ms");
    // No second carries more than 2 MiB and one record.
    let mib = 1024 * 1024;
    for second in 0..6 {
        let from = start + second * 1_000;
        let bytes: u64 = with_records
            .iter()
            .filter(|e| e.at_ms >= from && e.at_ms < from + 1_000)
            .map(|e| e.bytes)
            .sum();
        assert!(
            bytes <= 2 * mib + 110 * 1024,
            "{bytes} bytes in second {second}"
        );
    }
    // While behind, the events say how far.
    assert!(with_records[0].millis_behind_latest > 0);
    assert_eq!(with_records.last().unwrap().millis_behind_latest, 0);
}

#[test]
fn a_subscription_says_how_many_bytes_it_pushed_in_a_second() {
    let (mut k, arn, active) = with_active_consumer(1);
    let data = b64(vec![b'x'; 100 * 1024]);
    for i in 0..100u64 {
        let body = json!({"StreamName": "Orders", "PartitionKey": "k", "Data": data});
        ok(&mut k, active + i * 100, "PutRecord", body);
    }
    let start = active + 20_000;
    let id = k
        .subscribe_to_shard(start, &arn, 0, IteratorStart::TrimHorizon)
        .unwrap();
    poll_all(&mut k, id, start, start + 3_500, 100);
    // A whole second inside the backlog's delivery: its own 2 MiB/s, all of it.
    let second = start / 1000 + 2;
    let bytes = k.fan_out().get(id).unwrap().bytes_in_second(second);
    let mib = 1024 * 1024;
    assert!(
        (19 * mib / 10..=2 * mib + 110 * 1024).contains(&bytes),
        "{bytes} bytes in second {second}"
    );
    // Seconds it did not push in read as 0.
    assert_eq!(
        k.fan_out().get(id).unwrap().bytes_in_second(second - 100),
        0
    );
}

#[test]
fn at_a_split_parents_end_the_last_event_names_the_children() {
    let (mut k, arn, active) = with_active_consumer(1);
    put(&mut k, active, "Orders", "key", "before");
    ok(
        &mut k,
        active,
        "SplitShard",
        json!({"StreamName": "Orders", "ShardToSplit": SHARD,
               "NewStartingHashKey": "170141183460469231731687303715884105728"}),
    );
    let done = active + 10_000;
    let events = subscribe(&mut k, done, &arn, json!({"Type": "TRIM_HORIZON"}));
    let last = events.last().unwrap();
    assert!(last.get("ContinuationSequenceNumber").is_none(), "{last}");
    let children: Vec<&str> = last["ChildShards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ShardId"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["shardId-000000000001", "shardId-000000000002"]);
    assert_eq!(last["ChildShards"][0]["ParentShards"], json!([SHARD]));
    assert_eq!(events[0]["Records"][0]["Data"], b64("before"));
    // Typed: the subscription ends at the shard's end.
    let later = done + 10_000;
    let id = k
        .subscribe_to_shard(later, &arn, 0, IteratorStart::TrimHorizon)
        .unwrap();
    let (events, end) = poll_all(&mut k, id, later, later + 2_000, 100);
    assert_eq!(end, Some(SubscriptionEnd::ShardEnded));
    assert!(events.last().unwrap().child_shards.is_some());
}

#[test]
fn deregistering_the_consumer_ends_its_subscriptions() {
    let (mut k, arn, active) = with_active_consumer(1);
    let id = k
        .subscribe_to_shard(active, &arn, 0, IteratorStart::Latest)
        .unwrap();
    ok(
        &mut k,
        active + 100,
        "DeregisterStreamConsumer",
        json!({"ConsumerARN": arn}),
    );
    let poll = k.poll_subscription(active + 200, id, false).unwrap();
    assert_eq!(poll.end, Some(SubscriptionEnd::ConsumerGone));
}
