//! Issue 20's native speed goal: a 1,000-shard stream offered 1,000,000 records/s, simulated
//! for one minute, at least 5x faster than real time.
//!
//! The world (chosen to look like a busy production stream, not a best case):
//! - a 1,000-shard provisioned stream (AWS limits: 1,000 records/s and 1 MiB/s per shard, so
//!   1,000,000 records/s is the stream's whole record capacity: hot shards throttle);
//! - `orders`: 800,000 records/s, PutRecords (500 a batch, 100 ms linger), uniform over
//!   200,000 keys (the most a producer may have), 200 to 1,000 bytes of data;
//! - `clicks`: 200,000 records/s, PutRecord, Zipf(0.8) over 100,000 keys (the skew of web
//!   traffic: its top key alone is about 2% of it, a few shards run hot and retry), 100 to
//!   300 bytes;
//! - one KCL application (KCL 2.x defaults, so enhanced fan-out; 20 workers, from
//!   TRIM_HORIZON) reading all 1,000 shards: the way such a stream is read (a polling
//!   consumer per shard would be 1,000 actors no one runs by hand). Its workers take the
//!   leases over the first seconds, so the minute includes the KCL's start-up as well as
//!   its steady state.
//!   `BIG_STREAM_READER=none` drops it, to see the producers' share.
//!
//! Each run is a child process (so that its peak memory is its own); the bench prints each
//! run and the median of `BIG_STREAM_RUNS` runs (3 unless told): wall time, simulated/wall
//! ratio (the goal: 5 or more), simulated records per wall second and peak resident memory,
//! and the CPU time, whose ratio is the steadier one on a shared machine.
//! `BIG_STREAM_SECONDS=N` simulates N seconds instead of 60 (for a profile).
//!
//! Run with `cargo bench --bench big_stream`.

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
    use std::process::Command;
    use std::time::Instant;

    use crate::common::status_mib;

    use serde_json::json;
    use shardlab::kcl::{InitialPosition, KclConfig};
    use shardlab::sim::{Batching, KeyDistribution, ProducerConfig, SizeSpec, World};

    const SHARDS: u32 = 1_000;
    const SECONDS: u64 = 60;

    /// The simulated seconds: a minute, or `BIG_STREAM_SECONDS` (shorter, for profiling).
    fn seconds() -> u64 {
        std::env::var("BIG_STREAM_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(SECONDS)
    }
    const WORKERS: usize = 20;
    /// Set in a child process: run the world once and print one line of figures.
    const CHILD: &str = "BIG_STREAM_CHILD";

    /// CPU seconds this process has used (user + system), from /proc (Linux): on a shared
    /// machine the wall time waits for other processes, the CPU time does not.
    fn cpu_s() -> f64 {
        std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| {
                let fields: Vec<f64> = s
                    .rsplit(')')
                    .next()?
                    .split_whitespace()
                    .filter_map(|f| f.parse().ok())
                    .collect();
                // utime and stime are fields 14 and 15; 11 and 12 after the name and state.
                Some((fields.get(10)? + fields.get(11)?) / 100.0)
            })
            .unwrap_or(0.0)
    }

    fn world(reader: bool) -> World {
        let mut world = World::new(1);
        world
            .call(
                "CreateStream",
                &json!({"StreamName": "big", "ShardCount": SHARDS}),
            )
            .expect("a new stream");
        world.advance_by(world.kinesis().config().create_duration_ms);
        let orders = ProducerConfig {
            keys: KeyDistribution::Uniform(200_000),
            size: SizeSpec::Range(200, 1_000),
            batching: Batching::PutRecords {
                batch_size: 500,
                linger_ms: 100,
            },
            ..ProducerConfig::new("big", 800_000.0)
        };
        world.add_producer("orders", orders).expect("a producer");
        let clicks = ProducerConfig {
            keys: KeyDistribution::Zipf { s: 0.8, n: 100_000 },
            size: SizeSpec::Range(100, 300),
            ..ProducerConfig::new("big", 200_000.0)
        };
        world.add_producer("clicks", clicks).expect("a producer");
        if reader {
            let mut app = KclConfig::new("big");
            app.initial_position = InitialPosition::TrimHorizon;
            world.add_kcl_app("app", app, WORKERS).expect("an app");
        }
        world
    }

    /// One run: the figures as `wall_s records_per_wall_s peak_mib` and a description.
    fn child() {
        let reader = std::env::var("BIG_STREAM_READER").map_or(true, |r| r != "none");
        let setup = Instant::now();
        let mut world = world(reader);
        let setup = setup.elapsed().as_secs_f64();
        let start = Instant::now();
        let cpu = cpu_s();
        for _ in 0..seconds() {
            world.advance_by(1_000);
        }
        let wall = start.elapsed().as_secs_f64();
        let cpu = cpu_s() - cpu;
        let count = |f: fn(&shardlab::sim::producer::ProducerCounters) -> u64| -> u64 {
            world.producers().map(|p| f(&p.counters)).sum()
        };
        let acknowledged = count(|c| c.succeeded);
        let throttled = count(|c| c.throttled);
        let failed = count(|c| c.failed);
        let processed: u64 = world.apps().map(|a| a.stats.processed).sum();
        let peak = status_mib("VmHWM:");
        println!(
            "FIGURES {wall} {} {peak} {cpu}",
            (acknowledged + processed) as f64 / wall
        );
        println!(
            "  setup {setup:.2} s; acknowledged {acknowledged}, throttled {throttled}, failed {failed}, processed by the KCL {processed}, events logged {}",
            world.log().end()
        );
    }

    fn median(mut values: Vec<f64>) -> f64 {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    }

    pub fn run() {
        if std::env::var_os(CHILD).is_some() {
            child();
            return;
        }
        let runs: usize = std::env::var("BIG_STREAM_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .filter(|&r| r > 0)
            .unwrap_or(3);
        let me = std::env::current_exe().expect("this bench's path");
        println!(
            "Shardlab big stream: {SHARDS} shards, 1,000,000 records/s offered (800,000 uniform PutRecords + 200,000 Zipf(0.8) PutRecord), a KCL application of {WORKERS} workers, {} simulated seconds; {runs} runs",
            seconds()
        );
        let (mut walls, mut rates, mut peaks, mut cpus) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for run in 1..=runs {
            let output = Command::new(&me)
                .env(CHILD, "1")
                .output()
                .expect("a child run");
            let text = String::from_utf8_lossy(&output.stdout);
            let Some(figures) = text.lines().find_map(|l| l.strip_prefix("FIGURES ")) else {
                panic!(
                    "run {run} failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            };
            let numbers: Vec<f64> = figures
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            let [wall, rate, peak, cpu] = numbers[..] else {
                panic!("run {run} printed {figures}");
            };
            println!(
                "run {run}: wall {wall:.2} s, {:.2}x real time, {rate:.0} simulated records per wall second (acknowledged + processed), peak RSS {peak:.1} MiB; CPU {cpu:.2} s ({:.2}x)",
                seconds() as f64 / wall,
                seconds() as f64 / cpu
            );
            for line in text.lines().filter(|l| l.starts_with("  ")) {
                println!("{line}");
            }
            walls.push(wall);
            rates.push(rate);
            peaks.push(peak);
            cpus.push(cpu);
        }
        let wall = median(walls);
        let cpu = median(cpus);
        println!(
            "median of {runs}: wall {wall:.2} s, simulated/wall {:.2}x (goal 5x), {:.0} simulated records per wall second, peak RSS {:.1} MiB; CPU {cpu:.2} s, simulated/CPU {:.2}x",
            seconds() as f64 / wall,
            median(rates),
            median(peaks),
            seconds() as f64 / cpu
        );
    }
}
