//! The cost meter: what the simulated streams would cost on AWS, in virtual time, by the
//! price table in `sim::prices`, as the snapshot's `cost` and `sim cost` show it.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use shardlab::script::Runner;
use shardlab::sim::prices::{self, HOUR_MS};
use shardlab::sim::{KeyDistribution, ProducerConfig, RetryPolicy, SizeSpec, World, START_MS};

mod common;
use common::console::run;
use common::world::create_stream;

const HOUR: u64 = HOUR_MS as u64;

fn cost(world: &World) -> Value {
    serde_json::to_value(world.snapshot()).unwrap()["cost"].clone()
}

fn item<'a>(cost: &'a Value, name: &str) -> &'a Value {
    cost["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no item {name} in {cost}"))
}

#[test]
fn one_shard_for_one_hour_with_no_traffic_costs_the_shard_hour_price() {
    let mut world = World::new(1);
    create_stream(&mut world, "Foo", 1);
    assert_eq!(cost(&world)["items"][0]["name"], "shard-hours");
    world.advance_to(START_MS + HOUR);
    let cost = cost(&world);
    assert_eq!(cost["total_usd"], json!(prices::SHARD_HOUR.usd));
    assert_eq!(cost["per_hour_usd"], json!(0.015));
    assert_eq!(
        cost["items"],
        json!([{"name": "shard-hours", "quantity": 1.0, "unit": "shard-hours",
                "unit_price_usd": 0.015, "amount_usd": 0.015}])
    );
}

#[test]
fn a_thousand_records_of_30_kb_cost_two_thousand_put_payload_units() {
    let mut world = World::new(7);
    // Ten shards and a record every 10 ms: 3 MB/s with room to spare, nothing throttled.
    create_stream(&mut world, "Foo", 10);
    let data = common::kinesis::b64([b'x'; 30 * 1024 - 8]);
    for i in 0..1_000 {
        let key = format!("key-{i:04}");
        let body = json!({"StreamName": "Foo", "PartitionKey": key, "Data": data});
        world.call("PutRecord", &body).unwrap();
        world.advance_by(10);
    }
    let cost = cost(&world);
    let units = item(&cost, "PUT payload units");
    assert_eq!(units["quantity"], json!(2_000.0));
    assert_eq!(units["unit"], "PUT payload units");
    assert_eq!(units["unit_price_usd"], json!(0.014 / 1e6));
    assert_eq!(units["amount_usd"], json!(0.000028));
}

#[test]
fn a_producer_s_records_are_billed_by_their_size() {
    let mut world = World::new(7);
    create_stream(&mut world, "Foo", 10);
    let producer = ProducerConfig {
        keys: KeyDistribution::Uniform(1000),
        size: SizeSpec::Range(20 * 1024, 60 * 1024),
        retry: RetryPolicy::None,
        ..ProducerConfig::new("Foo", 50.0)
    };
    world.add_producer("big", producer).unwrap();
    world.advance_by(10_000);
    let snapshot = serde_json::to_value(world.snapshot()).unwrap();
    let stored = snapshot["producers"]["big"]["succeeded"].as_f64().unwrap();
    let units = item(&snapshot["cost"], "PUT payload units")["quantity"]
        .as_f64()
        .unwrap();
    // 20 to 60 KB and a key: one to three units each, two on average.
    assert!(stored > 400.0 && units > 1.5 * stored && units < 2.5 * stored);
}

#[test]
fn records_typed_by_hand_round_up_to_whole_units_too() {
    let mut world = World::new(1);
    create_stream(&mut world, "Foo", 1);
    let data = common::kinesis::b64([b'x'; 5 * 1024]);
    for _ in 0..3 {
        world
            .call(
                "PutRecord",
                &json!({"StreamName": "Foo", "PartitionKey": "k", "Data": data}),
            )
            .unwrap();
    }
    assert_eq!(
        item(&cost(&world), "PUT payload units")["quantity"],
        json!(3.0)
    );
}

#[test]
fn retention_raised_to_48_hours_accrues_extended_retention() {
    let mut world = World::new(1);
    create_stream(&mut world, "Foo", 2);
    world.advance_to(START_MS + HOUR);
    assert!(cost(&world)["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["name"] != "extended retention"));
    world
        .call(
            "IncreaseStreamRetentionPeriod",
            &json!({"StreamName": "Foo", "RetentionPeriodHours": 48}),
        )
        .unwrap();
    world.advance_to(START_MS + 2 * HOUR);
    let cost = cost(&world);
    let extended = item(&cost, "extended retention");
    assert_eq!(extended["quantity"], json!(2.0));
    assert_eq!(extended["unit"], "shard-hours");
    assert_eq!(extended["amount_usd"], json!(0.04));
    assert_eq!(item(&cost, "shard-hours")["quantity"], json!(4.0));
    // Two shards at $0.015 and $0.02 an hour each.
    assert_eq!(cost["per_hour_usd"], json!(0.07));
}

#[test]
fn a_split_bills_the_children_from_the_moment_they_open() {
    let mut world = World::new(1);
    create_stream(&mut world, "Foo", 1);
    world.advance_to(START_MS + HOUR);
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "Foo", "ShardToSplit": "shardId-000000000000",
                    "NewStartingHashKey": "170141183460469231731687303715884105728"}),
        )
        .unwrap();
    // The reshard applies on a whole second, 5 s from now.
    let reshard_ms = world.kinesis().config().reshard_duration_ms;
    world.advance_to(START_MS + 2 * HOUR);
    let shard_hours = 1.0 + (reshard_ms as f64 + 2.0 * (HOUR - reshard_ms) as f64) / HOUR_MS;
    let cost = cost(&world);
    let billed = item(&cost, "shard-hours")["quantity"].as_f64().unwrap();
    assert!(
        (billed - shard_hours).abs() < 1e-6,
        "{billed} {shard_hours}"
    );
    assert_eq!(cost["per_hour_usd"], json!(0.03));
}

#[test]
fn a_deleted_stream_stops_costing_and_stays_on_the_bill() {
    let mut world = World::new(1);
    create_stream(&mut world, "Foo", 1);
    world.advance_to(START_MS + HOUR - 2_000);
    world
        .call("DeleteStream", &json!({"StreamName": "Foo"}))
        .unwrap();
    world.advance_to(START_MS + 3 * HOUR);
    let cost = cost(&world);
    // Billed until DELETING ends, 2 s after the call.
    assert_eq!(cost["total_usd"], json!(0.015));
    assert_eq!(cost["per_hour_usd"], json!(0.0));
}

#[test]
fn sim_cost_prints_what_the_snapshot_says() {
    let mut world = World::new(1);
    let mut console = Runner::console();
    for line in [
        "aws kinesis create-stream --stream-name Foo --shard-count 2",
        "wait 1h",
        "producer add p --stream Foo --rate 50 --size 30000",
        "wait 2m",
    ] {
        let printed = run(&mut world, &mut console, line);
        assert_eq!(printed.status, 0, "{line}: {printed:?}");
    }
    let printed = run(&mut world, &mut console, "sim cost");
    assert_eq!(printed.status, 0, "{printed:?}");
    let cost = cost(&world);
    let lines: Vec<&str> = printed.stdout.lines().collect();
    let items = cost["items"].as_array().unwrap();
    assert_eq!(lines.len(), items.len() + 1, "{}", printed.stdout);
    for (line, item) in lines.iter().zip(items) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let name = item["name"].as_str().unwrap();
        assert!(line.starts_with(name), "{line}");
        let quantity = item["quantity"].as_f64().unwrap().to_string();
        assert!(words.contains(&quantity.as_str()), "{line} has {quantity}");
        let amount = format!("${}", item["amount_usd"].as_f64().unwrap());
        assert!(words.contains(&amount.as_str()), "{line} has {amount}");
    }
    let total = format!("total ${} so far;", cost["total_usd"].as_f64().unwrap());
    assert!(
        lines.last().unwrap().starts_with(&total),
        "{}",
        printed.stdout
    );
    let rate = format!("${} per hour now", cost["per_hour_usd"].as_f64().unwrap());
    assert!(lines.last().unwrap().contains(&rate), "{}", printed.stdout);
    let check = run(
        &mut world,
        &mut console,
        "expect $(sim describe --query cost.total_usd) < 0.05",
    );
    assert_eq!((check.status, check.stderr.as_str()), (0, ""), "{check:?}");
    // Traffic counts in the rate: 100 units a second (0.36 million an hour at $0.014 a
    // million) beside two shard-hours an hour.
    let per_hour = cost["per_hour_usd"].as_f64().unwrap();
    assert!((per_hour - 0.03504).abs() < 0.0002, "{per_hour}");
}

#[test]
fn an_on_demand_stream_for_one_hour_with_no_traffic_costs_the_stream_hour_price() {
    let mut world = World::new(1);
    world
        .call(
            "CreateStream",
            &json!({"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        )
        .expect("an on-demand stream");
    world.advance_to(START_MS + HOUR);
    let cost = cost(&world);
    // Billed by the stream, not by its four shards.
    assert_eq!(
        cost["items"],
        json!([{"name": "on-demand stream-hours", "quantity": 1.0, "unit": "stream-hours",
                "unit_price_usd": prices::ON_DEMAND_STREAM_HOUR.usd,
                "amount_usd": prices::ON_DEMAND_STREAM_HOUR.usd}])
    );
    assert_eq!(cost["total_usd"], json!(prices::ON_DEMAND_STREAM_HOUR.usd));
}

#[test]
fn one_fan_out_consumer_on_one_shard_for_an_hour_costs_a_consumer_shard_hour_more() {
    let mut world = World::new(1);
    create_stream(&mut world, "Foo", 1);
    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/Foo";
    world
        .call(
            "RegisterStreamConsumer",
            &json!({"StreamARN": arn, "ConsumerName": "app"}),
        )
        .unwrap();
    // Billed from the moment it is ACTIVE (the world steps through that change).
    let active = world.now_ms() + world.kinesis().config().consumer_create_duration_ms;
    world.advance_to(active + HOUR);
    let cost = cost(&world);
    let consumer = item(&cost, "fan-out consumer-shard-hours");
    assert_eq!(consumer["quantity"], json!(1.0));
    assert_eq!(
        consumer["amount_usd"],
        json!(prices::FAN_OUT_CONSUMER_SHARD_HOUR.usd)
    );
    let shard_hours = item(&cost, "shard-hours")["amount_usd"].as_f64().unwrap();
    let total = cost["total_usd"].as_f64().unwrap();
    assert!(
        (total - (shard_hours + prices::FAN_OUT_CONSUMER_SHARD_HOUR.usd)).abs() < 1e-8,
        "{cost}"
    );
    // The stream's own shard-hour and the consumer's, an hour each, from now on.
    assert_eq!(cost["per_hour_usd"], json!(0.03));
}
