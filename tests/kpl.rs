//! The Kinesis Producer Library: the aggregated record format against a reference
//! implementation's bytes, and the KPL producer in the simulated world.

use shardlab::kpl::aggregated::{decode, encode, UserRecord};

fn fixture_records() -> Vec<UserRecord> {
    vec![
        UserRecord::new("alpha", b"first record"),
        UserRecord::new("beta", b"second"),
        UserRecord::new("alpha", b"third, same key"),
        UserRecord {
            explicit_hash_key: Some("170141183460469231731687303715884105728".into()),
            ..UserRecord::new("gamma", b"")
        },
    ]
}

#[test]
fn the_reference_aggregate_decodes_and_our_encoder_makes_the_same_bytes() {
    let reference = include_bytes!("fixtures/kpl_aggregated_record.bin");
    assert_eq!(decode(reference), Some(fixture_records()));
    assert_eq!(encode(&fixture_records()), reference.to_vec());
}

mod common;
use common::world::create_stream;

use serde_json::{json, Value};
use shardlab::engine::{PutRecordsEntry, PutRecordsOutput};
use shardlab::kcl::{InitialPosition, KclConfig, Retrieval};
use shardlab::kpl::pipeline::Pipeline;
use shardlab::kpl::KplConfig;
use shardlab::script::{run_script, Entry};
use shardlab::sim::{Batching, ProducerConfig, SizeSpec, World};

fn kpl(stream: &str, rate: f64, config: KplConfig) -> ProducerConfig {
    ProducerConfig {
        batching: Batching::Kpl(config),
        size: SizeSpec::Fixed(10),
        ..ProducerConfig::new(stream, rate)
    }
}

fn aggregating() -> KplConfig {
    KplConfig {
        aggregation_enabled: true,
        ..KplConfig::default()
    }
}

fn producer(world: &World, name: &str) -> Value {
    serde_json::to_value(world.snapshot()).unwrap()["producers"][name].clone()
}

fn n(value: &Value, field: &str) -> u64 {
    value[field]
        .as_u64()
        .unwrap_or_else(|| panic!("{field} in {value}"))
}

#[test]
fn without_aggregation_the_kpl_sends_put_records_calls_of_at_most_500_entries() {
    let mut pipeline = Pipeline::new(KplConfig::default());
    let range = shardlab::engine::HashKeyRange {
        starting_hash_key: 0,
        ending_hash_key: u128::MAX,
    };
    for i in 0..1_200 {
        let record = UserRecord::new(&format!("k{i}"), b"x");
        let hash = record.hash_key();
        pipeline.add(0, record, hash);
    }
    let mut calls = Vec::new();
    let report = pipeline.step(
        100,
        || Some(vec![(0, range)]),
        |entries: &[PutRecordsEntry]| {
            calls.push(entries.len());
            Some(PutRecordsOutput {
                failed_record_count: 0,
                records: vec![],
                encryption_type: None,
            })
        },
    );
    // At the first record's deadline (100 ms) the limiter's full bucket lets 1,000 of the
    // 1,200 Kinesis records through, in two calls of 500; it holds the other 200 back.
    assert_eq!(calls, [500, 500]);
    assert_eq!(report.calls, 2);
    assert_eq!(
        pipeline.buffered(),
        1_200,
        "200 held, 1,000 back in the buffer unanswered"
    );

    // In the world: every user record is its own Kinesis record.
    let mut world = World::new(3);
    create_stream(&mut world, "s", 4);
    world
        .add_producer("p", kpl("s", 3_000.0, KplConfig::default()))
        .unwrap();
    world.advance_by(10_000);
    let p = producer(&world, "p");
    // 3,000 a second for 10 s, split over four shards in fixed point (one may be due still).
    assert!((29_999..=30_000).contains(&n(&p, "user_records")), "{p}");
    assert_eq!(n(&p, "kinesis_records"), n(&p, "user_records_put"));
    assert_eq!(
        n(&p, "user_records_put") + n(&p, "buffered"),
        n(&p, "user_records")
    );
    // 300 records every 100 ms over four shards: one call of at most 500 entries.
    assert!(n(&p, "put_records_calls") >= 30_000 / 500, "{p}");
    assert_eq!(n(&p, "kinesis_records_throttled"), 0, "{p}");
}

#[test]
fn aggregation_fits_4000_tiny_records_a_second_in_one_shard_where_plain_puts_are_throttled() {
    let mut world = World::new(4);
    create_stream(&mut world, "s", 1);
    world
        .add_producer("kpl", kpl("s", 4_000.0, aggregating()))
        .unwrap();
    world.advance_by(20_000);
    let p = producer(&world, "kpl");
    assert_eq!(n(&p, "user_records"), 80_000);
    assert_eq!(n(&p, "user_records_put") + n(&p, "buffered"), 80_000, "{p}");
    assert_eq!(n(&p, "kinesis_records_throttled"), 0, "{p}");
    // About 400 user records in each aggregate sent every 100 ms: 10 Kinesis records a
    // second, far under the shard's 1,000.
    assert!(n(&p, "kinesis_records") <= 20 * 12, "{p}");

    let mut plain = World::new(4);
    create_stream(&mut plain, "s", 1);
    plain
        .add_producer("batch", {
            let mut config = kpl("s", 4_000.0, KplConfig::default());
            config.batching = Batching::PutRecords {
                batch_size: 500,
                linger_ms: 100,
            };
            config
        })
        .unwrap();
    plain.advance_by(20_000);
    let b = producer(&plain, "batch");
    assert!(n(&b, "throttled") > 20_000, "{b}");
    assert!(
        b.get("user_records").is_none(),
        "only a KPL producer has user records"
    );
}

#[test]
fn user_records_past_their_ttl_fail_as_expired() {
    let mut world = World::new(5);
    create_stream(&mut world, "s", 1);
    // 3,000 records a second into a shard the limiter holds at 1,500: the backlog grows.
    let config = KplConfig {
        record_ttl_ms: 1_000,
        ..KplConfig::default()
    };
    world.add_producer("p", kpl("s", 3_000.0, config)).unwrap();
    world.advance_by(10_000);
    let p = producer(&world, "p");
    assert!(n(&p, "expired") > 5_000, "{p}");
    assert_eq!(n(&p, "failed"), n(&p, "expired"));
    assert_eq!(
        n(&p, "user_records_put") + n(&p, "expired") + n(&p, "buffered"),
        30_000,
        "{p}"
    );
    assert!(world
        .log()
        .iter()
        .any(|e| format!("{:?}", e.kind).contains("Expired")));
}

#[test]
fn the_rate_limiter_holds_a_producer_near_150_percent_of_its_shard() {
    let mut world = World::new(6);
    create_stream(&mut world, "s", 1);
    world
        .add_producer("p", kpl("s", 3_000.0, KplConfig::default()))
        .unwrap();
    world.advance_by(10_000);
    let before = producer(&world, "p");
    world.advance_by(10_000);
    let after = producer(&world, "p");
    let attempted = |p: &Value| n(p, "kinesis_records") + n(p, "kinesis_records_throttled");
    let per_second = (attempted(&after) - attempted(&before)) as f64 / 10.0;
    // 1,500 Kinesis records a second leave the KPL, of 3,000 offered; the shard takes 1,000.
    assert!((1_450.0..=1_550.0).contains(&per_second), "{per_second}");
    let accepted = (n(&after, "kinesis_records") - n(&before, "kinesis_records")) as f64 / 10.0;
    assert!((950.0..=1_000.0).contains(&accepted), "{accepted}");
}

#[test]
fn a_stale_shard_map_after_a_split_gives_wrong_shard_retries_and_every_record_is_put() {
    let mut world = World::new(7);
    create_stream(&mut world, "s", 1);
    world
        .add_producer("p", kpl("s", 500.0, aggregating()))
        .unwrap();
    let config = KclConfig {
        initial_position: InitialPosition::TrimHorizon,
        ..KclConfig::new("s")
    };
    world.add_kcl_app("app", config, 1).unwrap();
    world.advance_by(5_000);
    world
        .call(
            "SplitShard",
            &json!({
                "StreamName": "s",
                "ShardToSplit": "shardId-000000000000",
                "NewStartingHashKey": "170141183460469231731687303715884105728",
            }),
        )
        .unwrap();
    world.advance_by(15_000);
    world.pause_producer("p", None).unwrap();
    // Time for the application to start (its empty lease table waits 1-30 s), finish the
    // parent and take its children at a later taker run.
    world.advance_by(120_000);
    let p = producer(&world, "p");
    assert!(n(&p, "wrong_shard") > 0, "{p}");
    assert!(n(&p, "shard_map_refreshes") >= 2, "{p}");
    assert_eq!(n(&p, "expired"), 0);
    assert_eq!(
        n(&p, "user_records_put") + n(&p, "buffered"),
        n(&p, "user_records"),
        "{p}"
    );
    // The KCL drops an aggregate that holds a user record outside its shard's range, whole
    // (AggregatorUtil.deaggregate). The KPL's stale map did not know the child the aggregate
    // reached, so it retried every user record of it ("Wrong Shard"): each user record
    // reaches the record processor once, through the records sent again.
    let app = &serde_json::to_value(world.snapshot()).unwrap()["apps"]["app"];
    assert!(n(app, "dropped_user_records") > 0, "{app}");
    assert_eq!(n(app, "user_records"), n(&p, "user_records_put"), "{app}");
    assert_eq!(n(app, "duplicates"), 0);
}

#[test]
fn the_kcl_processes_every_user_record_once_and_checkpoints_a_sub_sequence_number() {
    let mut world = World::new(8);
    create_stream(&mut world, "s", 2);
    let config = KclConfig {
        initial_position: InitialPosition::TrimHorizon,
        // GetRecords here; the split test below reads with enhanced fan-out (the default).
        retrieval: Retrieval::Polling,
        ..KclConfig::new("s")
    };
    world.add_kcl_app("app", config, 2).unwrap();
    // The two workers share the two leases first (no steal, so no fault to blame a
    // duplicate on), then the producer starts.
    world.advance_by(60_000);
    let owners: Vec<_> = world
        .app("app")
        .unwrap()
        .table
        .rows()
        .map(|l| l.lease_owner.clone())
        .collect();
    assert_ne!(owners[0], owners[1], "one lease each");
    world
        .add_producer("p", kpl("s", 2_000.0, aggregating()))
        .unwrap();
    world.advance_by(20_000);
    world.pause_producer("p", None).unwrap();
    world.advance_by(10_000);
    let snapshot = serde_json::to_value(world.snapshot()).unwrap();
    let p = &snapshot["producers"]["p"];
    let app = &snapshot["apps"]["app"];
    assert_eq!(n(p, "buffered"), 0);
    assert_eq!(n(app, "user_records"), n(p, "user_records_put"), "{app}");
    assert_eq!(n(app, "dropped_user_records"), 0);
    assert_eq!(n(app, "duplicates"), 0);
    assert!(n(app, "aggregated_records") > 0);
    let leases = app["leases"].as_array().unwrap();
    assert!(
        leases
            .iter()
            .any(|l| l["checkpointSubSequenceNumber"].as_u64() > Some(0)),
        "the last record of a batch is an aggregate: {leases:?}"
    );

    // Both workers restart: they resume after (checkpoint, checkpointSubSequenceNumber),
    // so no user record at or below it comes again, and the new ones come once.
    let workers: Vec<String> = world.app("app").unwrap().workers.keys().cloned().collect();
    for worker in &workers {
        world.restart_worker("app", worker, None).unwrap();
    }
    world.resume_producer("p").unwrap();
    world.advance_by(10_000);
    world.pause_producer("p", None).unwrap();
    world.advance_by(10_000);
    let snapshot = serde_json::to_value(world.snapshot()).unwrap();
    let p = &snapshot["producers"]["p"];
    let app = &snapshot["apps"]["app"];
    assert_eq!(n(app, "duplicates"), 0, "{app}");
    assert_eq!(n(app, "user_records"), n(p, "user_records_put"), "{app}");
}

#[test]
fn get_records_in_the_console_shows_the_aggregated_bytes() {
    let (world, _runner, entries) = run_script(
        "aws kinesis create-stream --stream-name s --shard-count 1\n\
         aws kinesis wait stream-exists --stream-name s\n\
         producer add p --stream s --rate 1000 --size 10 --kpl --aggregate\n\
         sleep 2\n\
         producer stop p\n\
         ITER=$(aws kinesis get-shard-iterator --stream-name s --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)\n\
         aws kinesis get-records --shard-iterator $ITER --limit 1 --query 'Records[0].[PartitionKey,Data]'\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out: String = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Output { text } => Some(text.clone()),
            _ => None,
        })
        .collect();
    // Base64 of F3 89 9A C2 begins "84maw": the magic number, then the protobuf.
    assert!(out.contains("84maw"), "{out}");
    assert!(
        out.contains("\"a\""),
        "the aggregate's partition key: {out}"
    );
    assert!(n(&producer(&world, "p"), "user_records") >= 1_000);
}

#[test]
fn kpl_options_are_checked() {
    let (_, _, entries) = run_script(
        "aws kinesis create-stream --stream-name s --shard-count 1\n\
         producer add p --stream s --rate 10 --aggregate\n\
         producer add q --stream s --rate 10 --kpl --collection-max-count 501\n\
         producer add r --stream s --rate 10 --kpl --batch 10\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let errors: String = entries.iter().map(Entry::render).collect();
    assert!(
        errors.contains("--aggregate is a KPL setting: add --kpl"),
        "{errors}"
    );
    assert!(
        errors.contains("CollectionMaxCount must be between 1 and 500"),
        "{errors}"
    );
    assert!(errors.contains("not --batch and --linger"), "{errors}");
}
