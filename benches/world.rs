//! End-to-end simulation speed: a 64-shard stream written at its full capacity of 64,000
//! records/s by one producer, with a polling consumer on every shard, for 10 simulated
//! minutes. Prints simulated records per wall-clock second and the memory the process holds.
//!
//! Run with `cargo bench --bench world`.

#[cfg(not(target_arch = "wasm32"))]
#[path = "common/mod.rs"]
mod common;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    bench::run();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use std::time::Instant;

    use crate::common::status_mib;

    use serde_json::json;
    use shardlab::engine::shard_id;
    use shardlab::sim::{ConsumerConfig, KeyDistribution, ProducerConfig, StartPosition, World};

    const SHARDS: u32 = 64;
    const RATE: f64 = 64_000.0;
    const MINUTES: u64 = 10;

    pub fn run() {
        let rss_before = status_mib("VmRSS:");
        let mut world = World::new(1);
        world
            .call(
                "CreateStream",
                &json!({"StreamName": "bench", "ShardCount": SHARDS}),
            )
            .expect("a new stream");
        world.advance_by(world.kinesis().config().create_duration_ms);
        let producer = ProducerConfig {
            keys: KeyDistribution::Uniform(100_000),
            ..ProducerConfig::new("bench", RATE)
        };
        world
            .add_producer("load", producer)
            .expect("a valid producer");
        for shard in 0..SHARDS {
            let config = ConsumerConfig::new("bench", &shard_id(shard), StartPosition::TrimHorizon);
            world
                .add_consumer(&format!("reader-{shard}"), config)
                .expect("a valid consumer");
        }

        let start = Instant::now();
        for _ in 0..MINUTES * 60 {
            world.advance_by(1_000);
        }
        let wall = start.elapsed().as_secs_f64();

        let produced = world.producer("load").map_or(0, |p| p.counters.succeeded);
        let throttled = world.producer("load").map_or(0, |p| p.counters.throttled);
        let consumed: u64 = world.consumers().map(|c| c.counters.records).sum();
        let read_throttles: u64 = world.consumers().map(|c| c.counters.read_throttles).sum();
        let stream = world.kinesis().stream("bench").expect("the stream");
        let held: usize = stream.shards.iter().map(|s| s.records.len()).sum();
        let chunks: usize = stream.shards.iter().map(|s| s.records.chunk_count()).sum();
        println!("Shardlab world benchmark: {SHARDS} shards, {RATE} records/s offered, a polling consumer per shard, {MINUTES} simulated minutes");
        println!("records produced (acknowledged)   {produced}");
        println!("records throttled                 {throttled}");
        println!("records consumed                  {consumed}");
        println!("read throttles                    {read_throttles}");
        println!("records held in the stream        {held} in {chunks} chunks");
        println!("wall time                         {wall:.2} s");
        println!(
            "simulated records per wall second {:.0} (produced + consumed: {:.0})",
            produced as f64 / wall,
            (produced + consumed) as f64 / wall
        );
        println!(
            "simulated seconds per wall second {:.0}",
            (MINUTES * 60) as f64 / wall
        );
        println!(
            "resident memory                   {:.1} MiB (before the world: {rss_before:.1} MiB)",
            status_mib("VmRSS:")
        );
    }
}
