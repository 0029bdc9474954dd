//! Scenarios shared by the native and the browser tests, so both can check they see the very
//! same run, and the small helpers several test binaries share (in [`kinesis`] and [`world`]).
//! Everything here compiles for wasm32 too, since the browser tests include this module; each
//! binary uses only part of it, hence `allow(dead_code)`.
#![allow(dead_code)]

#[cfg(not(target_arch = "wasm32"))]
pub mod console;
pub mod kinesis;
pub mod world;

use serde_json::json;
use shardlab::sim::{
    Batching, ConsumerConfig, KeyDistribution, ProducerConfig, RetryPolicy, SizeSpec,
    StartPosition, World,
};

/// The digest of [`determinism_world`]: the native test and the browser test both check it,
/// so a seed gives the same run natively and in wasm, bit for bit. If the simulation changes
/// on purpose, run `cargo test --test world the_shared` and record the new value.
pub const DETERMINISM_DIGEST: &str = "d78ec8b54c7fda79d5d7056eb705010e";

/// A minute of a busy world: hot key, Zipf with size ranges and retries, random keys in
/// batches, two consumers, a split and a scale-up.
pub fn determinism_world() -> World {
    let mut world = World::new(2026);
    world
        .call(
            "CreateStream",
            &json!({"StreamName": "Foo", "ShardCount": 4}),
        )
        .unwrap();
    world.advance_by(2_000);
    let hot = ProducerConfig {
        keys: KeyDistribution::Hot {
            key: "user-42".into(),
            fraction: 0.6,
            n: 500,
        },
        ..ProducerConfig::new("Foo", 1_400.0)
    };
    world.add_producer("hot", hot).unwrap();
    let zipf = ProducerConfig {
        keys: KeyDistribution::Zipf { s: 1.1, n: 3_000 },
        size: SizeSpec::Range(20, 2_000),
        retry: RetryPolicy::Backoff {
            base_ms: 50,
            max_ms: 800,
            max_attempts: 5,
        },
        ..ProducerConfig::new("Foo", 900.0)
    };
    world.add_producer("zipf", zipf).unwrap();
    let batched = ProducerConfig {
        keys: KeyDistribution::Random,
        batching: Batching::PutRecords {
            batch_size: 200,
            linger_ms: 300,
        },
        ..ProducerConfig::new("Foo", 700.0)
    };
    world.add_producer("batched", batched).unwrap();
    world
        .add_consumer(
            "reader",
            ConsumerConfig::new("Foo", "shardId-000000000001", StartPosition::TrimHorizon),
        )
        .unwrap();
    world
        .add_consumer(
            "tail",
            ConsumerConfig::new("Foo", "shardId-000000000003", StartPosition::Latest),
        )
        .unwrap();
    world.advance_by(15_000);
    world
        .call(
            "SplitShard",
            &json!({"StreamName": "Foo", "ShardToSplit": "shardId-000000000001",
            "NewStartingHashKey": "127605887595351923798765477786913079296"}),
        )
        .unwrap();
    world.advance_by(20_000);
    world
        .call(
            "UpdateShardCount",
            &json!({"StreamName": "Foo", "TargetShardCount": 8, "ScalingType": "UNIFORM_SCALING"}),
        )
        .unwrap();
    world.advance_by(25_000);
    world
}

/// MD5 of the world's snapshot and whole event log as JSON.
pub fn digest(world: &World) -> String {
    let snapshot = serde_json::to_string(&world.snapshot()).unwrap();
    let events = serde_json::to_string(&world.events_since(0)).unwrap();
    format!("{:x}", md5::compute(format!("{snapshot}\n{events}")))
}

/// The digest of running the `kcl-duplicates` lesson: a scripted run is the same natively
/// and in the browser.
pub const SCRIPT_DIGEST: &str = "9b807838b1e3cc31ae2c77ecd9972002";

/// Runs a lesson and digests the world it leaves.
pub fn lesson_digest(name: &str) -> String {
    let lesson = shardlab::script::lesson(name).expect("a built-in lesson");
    let (world, _, _) = shardlab::script::run_script(lesson.source).expect("the lesson parses");
    digest(&world)
}
