//! A fixed workload for instruction-level profiling of the write path, where wall-clock
//! timings on a shared machine are too noisy to compare small changes:
//!
//! ```sh
//! cargo build --profile bench --example profile_put_record
//! valgrind --tool=callgrind target/release/examples/profile_put_record none
//! valgrind --tool=callgrind target/release/examples/profile_put_record md5
//! valgrind --tool=callgrind target/release/examples/profile_put_record put
//! ```
//!
//! Subtract the `none` total from the others and divide by 20,000 for instructions per
//! record of MD5 alone and of a whole typed PutRecord.

use shardlab::engine::{hash_key_of, Config, Kinesis, ShardLimits};

const RECORDS: usize = 20_000;

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let keys: Vec<String> = (0..RECORDS).map(|i| format!("user-{i}")).collect();
    let data = vec![b'x'; 100];
    let mut kinesis = Kinesis::new(Config::default());
    let start = 1_700_000_000_000;
    kinesis
        .create_stream(start, "bench", 64)
        .expect("a new stream");
    let unlimited = ShardLimits {
        write_bytes_per_sec: 1 << 40,
        write_records_per_sec: 1 << 40,
        read_calls_per_sec: 1 << 20,
        read_bytes_per_sec: 1 << 40,
    };
    kinesis
        .set_shard_limits("bench", unlimited)
        .expect("the stream exists");
    let now = start + kinesis.config().create_duration_ms;
    for (i, key) in keys.iter().enumerate() {
        match mode.as_str() {
            "md5" => {
                std::hint::black_box(hash_key_of(std::hint::black_box(key)));
            }
            "put" => {
                let at = now + (i / 100) as u64;
                let out = kinesis.put_record(at, "bench", key, &data, None, None);
                std::hint::black_box(out.expect("never throttled"));
            }
            _ => {}
        }
    }
    // Leave freeing memory out of the count.
    std::mem::forget(kinesis);
}
