//! The long run of the hardening issue, natively: a 16-shard stream at 2,000 records/s with
//! two KCL applications and hourly faults (see `shardlab::hardening::LongRun`), for 26
//! simulated hours: the day of the issue plus two hours past retention, to show memory
//! levelling off once trimming starts. Prints, every simulated hour, the resident memory and
//! what the world holds, and fails if memory passes the stated bound.
//!
//! Run with `cargo bench --bench long_run` (`LONG_RUN_HOURS=N` for a shorter run).

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

    use shardlab::hardening::LongRun;

    /// The bound the README states for the resident memory of the whole process.
    const BOUND_MIB: f64 = 256.0;

    pub fn run() {
        let hours: u64 = std::env::var("LONG_RUN_HOURS")
            .ok()
            .and_then(|h| h.parse().ok())
            .unwrap_or(26);
        let started = Instant::now();
        let mut run = LongRun::new(1);
        println!("hour  wall s  RSS MiB  acknowledged     stored  chunks  processed  events");
        while run.hours < hours {
            run.hour();
            let s = run.stats();
            println!(
                "{:>4} {:>7.1} {:>8.1} {:>13} {:>10} {:>7} {:>10} {:>7}",
                s.hours,
                started.elapsed().as_secs_f64(),
                status_mib("VmRSS:"),
                s.acknowledged,
                s.stored,
                s.chunks,
                s.processed,
                s.events_kept
            );
        }
        let wall = started.elapsed().as_secs_f64();
        let s = run.stats();
        let peak = status_mib("VmHWM:");
        println!(
            "long run: {hours} simulated hours in {wall:.0} s ({:.0} simulated records/s), peak RSS {peak:.1} MiB (bound {BOUND_MIB} MiB), {} records stored, {} processed",
            s.acknowledged as f64 / wall,
            s.stored,
            s.processed
        );
        assert!(
            peak <= BOUND_MIB,
            "peak RSS {peak:.1} MiB is past the {BOUND_MIB} MiB bound"
        );
    }
}
