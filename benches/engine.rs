//! Stream engine throughput, natively: PutRecord and PutRecords ns per record and GetRecords
//! records per second, beside the cost of MD5 alone over the same keys (every record pays one
//! MD5, so the ratio says how much the rest of the engine costs).
//!
//! Run with `cargo bench --bench engine`. A plain harness (no criterion): each figure is the
//! best of several timed rounds over 200,000 records, printed as a table.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    bench::run();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use std::hint::black_box;
    use std::time::Instant;

    use base64::Engine as _;
    use serde_json::json;
    use shardlab::engine::{hash_key_of, Config, Kinesis, PutRecordsEntry, ShardLimits};

    const RECORDS: usize = 200_000;
    const ROUNDS: usize = 5;
    const SHARDS: u32 = 64;
    const T0: u64 = 1_700_000_000_000;

    fn keys() -> Vec<String> {
        (0..RECORDS).map(|i| format!("user-{i}")).collect()
    }

    /// A stream whose limits never throttle, so the benchmark measures the engine's work.
    fn unthrottled() -> (Kinesis, u64) {
        let mut k = Kinesis::new(Config::default());
        k.create_stream(T0, "bench", SHARDS).unwrap();
        let unlimited = ShardLimits {
            write_bytes_per_sec: 1 << 40,
            write_records_per_sec: 1 << 40,
            read_calls_per_sec: 1 << 20,
            read_bytes_per_sec: 1 << 40,
        };
        k.set_shard_limits("bench", unlimited).unwrap();
        let now = T0 + k.config().create_duration_ms;
        (k, now)
    }

    /// Best wall time of `ROUNDS` runs of `f`, in nanoseconds per record. `setup` runs
    /// untimed before each round, and what `f` leaves behind is dropped untimed after it.
    fn best_ns_per_record<S, L>(
        mut setup: impl FnMut() -> S,
        mut f: impl FnMut(&mut S) -> (usize, L),
    ) -> f64 {
        (0..ROUNDS)
            .map(|_| {
                let mut state = setup();
                let start = Instant::now();
                let (n, leftovers) = f(&mut state);
                let ns = start.elapsed().as_nanos() as f64 / n as f64;
                drop(leftovers);
                drop(state);
                ns
            })
            .fold(f64::INFINITY, f64::min)
    }

    pub fn run() {
        let keys = keys();
        let data = vec![b'x'; 100];

        let md5 = best_ns_per_record(
            || (),
            |_| {
                for key in &keys {
                    black_box(hash_key_of(black_box(key)));
                }
                (keys.len(), ())
            },
        );

        let put_record = best_ns_per_record(unthrottled, |(k, now)| {
            for (i, key) in keys.iter().enumerate() {
                let at = *now + (i / 100) as u64; // 100 records per simulated ms
                black_box(k.put_record(at, "bench", key, &data, None, None).unwrap());
            }
            (keys.len(), ())
        });

        let entries: Vec<PutRecordsEntry> = keys
            .iter()
            .map(|key| PutRecordsEntry {
                partition_key: key.clone(),
                data: data.clone(),
                explicit_hash_key: None,
            })
            .collect();
        let put_records = best_ns_per_record(unthrottled, |(k, now)| {
            let outputs: Vec<_> = entries
                .chunks(500)
                .enumerate()
                .map(|(i, batch)| k.put_records(*now + i as u64, "bench", batch).unwrap())
                .collect();
            (keys.len(), outputs)
        });

        let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
        let bodies: Vec<_> = keys
            .iter()
            .take(RECORDS / 4)
            .map(|key| json!({"StreamName": "bench", "PartitionKey": key, "Data": encoded}))
            .collect();
        let json_put = best_ns_per_record(unthrottled, |(k, now)| {
            let outputs: Vec<_> = bodies
                .iter()
                .enumerate()
                .map(|(i, body)| k.call(*now + (i / 100) as u64, "PutRecord", body).unwrap())
                .collect();
            (bodies.len(), outputs)
        });

        // Reads: fill once, then read every shard from TRIM_HORIZON in pages of 10,000.
        let (mut k, now) = unthrottled();
        for (i, key) in keys.iter().enumerate() {
            k.put_record(now + (i / 100) as u64, "bench", key, &data, None, None)
                .unwrap();
        }
        let mut clock = now + (RECORDS / 100) as u64 + 1;
        let get_records = best_ns_per_record(
            || (),
            |_| {
                let mut read = 0;
                for shard in 0..SHARDS {
                    clock += 1; // each read repays its byte debt within a simulated millisecond
                    let it = k
                        .get_shard_iterator(
                            clock,
                            "bench",
                            shard,
                            shardlab::engine::IteratorStart::TrimHorizon,
                        )
                        .unwrap()
                        .shard_iterator;
                    let mut it = Some(it);
                    while let Some(current) = it {
                        clock += 1;
                        let out = k.get_records(clock, &current, 10_000).unwrap();
                        if out.records.is_empty() {
                            break;
                        }
                        read += out.records.len();
                        it = out.next_shard_iterator;
                    }
                }
                assert_eq!(read, RECORDS);
                (read, ())
            },
        );

        println!("Shardlab engine benchmark ({RECORDS} records of 100 bytes, keys user-N, {SHARDS} shards, best of {ROUNDS})");
        println!(
            "{:<34} {:>12} {:>14}",
            "operation", "ns/record", "x MD5 of key"
        );
        let row = |name: &str, ns: f64| println!("{name:<34} {ns:>12.1} {:>14.2}", ns / md5);
        row("MD5 of the partition key alone", md5);
        row("PutRecord (typed)", put_record);
        row("PutRecords, 500 per call (typed)", put_records);
        row("PutRecord via JSON call()", json_put);
        row("GetRecords, 10,000 per call", get_records);
        println!("GetRecords: {:.1} million records/s", 1e3 / get_records);
        // The machine is shared and wall time wanders between runs, so the ratio is also
        // measured pairwise: MD5 and PutRecord back to back, round after round, median taken.
        let mut ratios: Vec<f64> = (0..ROUNDS * 2)
            .map(|_| {
                let md5 = best_ns_per_record(
                    || (),
                    |_| {
                        for key in &keys {
                            black_box(hash_key_of(black_box(key)));
                        }
                        (keys.len(), ())
                    },
                );
                let put = best_ns_per_record(unthrottled, |(k, now)| {
                    for (i, key) in keys.iter().enumerate() {
                        let at = *now + (i / 100) as u64;
                        black_box(k.put_record(at, "bench", key, &data, None, None).unwrap());
                    }
                    (keys.len(), ())
                });
                put / md5
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        println!(
            "PutRecord/MD5 ratio: {:.2} (median of {} back-to-back pairs; aim: under 3)",
            ratios[ratios.len() / 2],
            ratios.len()
        );
    }
}
