//! Invariants under random fault schedules, over thousands of seeds.
//!
//! Each seed builds a stream (PROVISIONED, or ON_DEMAND with a scaler shrunk to resharding
//! by itself within the run), producers (some with hot keys, some batching, some retrying)
//! and a KCL application, polling or reading with enhanced fan-out, then throws a random
//! schedule of faults at it (`schedule.rs`): worker crashes, pauses, restarts (with the old
//! id or a new one), workers joining and leaving, splits, merges, UpdateShardCount, retention
//! changes, a capacity mode switch, a day-long outage that lets retention trim records,
//! producers changing rate, key distribution or pausing, fan-out consumers of the world's own
//! joining and leaving, and a fan-out application's stream consumer deregistered behind its
//! back. Half the applications run KCL 3.x (a leader assigning leases by load, graceful
//! handoffs), with faults of their own besides: graceful removals, a host's background load
//! changing, workers joining, the leader crashing or freezing. Then the faults stop, every
//! worker comes back, the producers stop, and the application catches up.
//!
//! After each run the checks in `invariants.rs` must hold (see [`check`]); a failing seed prints the line
//! that reproduces it alone, with its fault schedule:
//!
//! ```text
//! SHARDLAB_FAULT_SEED=1234 cargo test --release --test faults reproduce -- --ignored --nocapture
//! ```
//!
//! Plain `cargo test` runs [`SEEDS`] seeds (unoptimised builds are slow); `scripts/test`
//! (and so CI) runs 2,000 in an optimised build with overflow checks on:
//!
//! ```text
//! SHARDLAB_FAULT_SEEDS=2000 cargo test --profile hardening --test faults
//! ```
//!
//! and `SHARDLAB_FAULT_SEEDS=20000` runs more.
#![cfg(not(target_arch = "wasm32"))]

use shardlab::engine::shard_id;
use shardlab::kcl::{KclEvent, LeaseMoveKind};

#[path = "../common/mod.rs"]
mod common;
mod invariants;
mod schedule;

use invariants::check;
use schedule::run;

/// Seeds run by plain `cargo test` (CI sets `SHARDLAB_FAULT_SEEDS=2000`).
const SEEDS: u64 = 64;
/// The seeds are shared out between this many tests, which cargo runs in parallel.
const PARTS: u64 = 4;

fn run_seeds(seeds: impl Iterator<Item = u64>) {
    let mut failures = Vec::new();
    let (mut runs, mut on_demand, mut self_scaled, mut fan_out, mut kpl) = (0, 0, 0, 0, 0);
    let (mut kcl3, mut handoffs) = (0, 0);
    for seed in seeds {
        runs += 1;
        let mut run = run(seed);
        on_demand += usize::from(run.on_demand);
        self_scaled += usize::from(run.on_demand && run.self_scaled);
        fan_out += usize::from(run.fan_out);
        kpl += usize::from(run.kpl);
        kcl3 += usize::from(run.kcl3);
        // A planned move for invariant 8: a graceful handoff that was not forced, or a lease a
        // graceful shutdown let go, taken by another worker.
        handoffs += usize::from(run.world.kcl_trace().iter().any(|(_, e)| match e {
            KclEvent::LeaseTransferred { forced, .. } => !forced,
            KclEvent::LeaseTaken {
                worker,
                from: Some(from),
                how: Some(LeaseMoveKind::Assignment),
                ..
            } => from != worker,
            _ => false,
        }));
        // A fan-out run is there to read through subscriptions: its records must have come
        // that way, not merely been processed.
        let pushed = if run.fan_out && run.subscription_records == 0 {
            Err("the fan-out application's subscriptions delivered no records".to_string())
        } else if run.kpl && run.kpl_user_records_put == 0 {
            Err("the KPL producer got no user record in".to_string())
        } else {
            Ok(())
        };
        if let Err(problem) = pushed.and_then(|()| check(&mut run)) {
            failures.push(format!(
                "seed {seed}: {problem}\n  reproduce: SHARDLAB_FAULT_SEED={seed} cargo test --release --test faults reproduce -- --ignored --nocapture"
            ));
            if failures.len() >= 5 {
                break;
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // The ON_DEMAND runs are there to put the scaler among the faults: some must scale.
    assert!(
        on_demand == 0 || self_scaled > 0,
        "none of {on_demand} ON_DEMAND runs split or merged a shard by itself"
    );
    // Four in ten applications read with enhanced fan-out: among 16 seeds, some do.
    assert!(
        fan_out > 0 || runs < 16,
        "none of {runs} runs read with enhanced fan-out"
    );
    // A quarter of the runs add a KPL producer: among 16 seeds, some do.
    assert!(
        kpl > 0 || runs < 16,
        "none of {runs} runs had a KPL producer"
    );
    // Half the applications run KCL 3.x, and their faults move leases on purpose (a graceful
    // handoff or a graceful shutdown): among 16 seeds, some do both (the planned-move
    // invariant has something to check).
    assert!(
        (kcl3 > 0 && handoffs > 0) || runs < 16,
        "of {runs} runs, {kcl3} had a KCL 3.x application, {handoffs} a planned lease move"
    );
    println!(
        "{runs} runs: {on_demand} ON_DEMAND ({self_scaled} scaled by themselves), {fan_out} fan-out, {kpl} with a KPL producer, {kcl3} KCL 3.x ({handoffs} with a planned lease move)"
    );
}

fn seeds_in_part(part: u64) -> impl Iterator<Item = u64> {
    let total = std::env::var("SHARDLAB_FAULT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEEDS);
    (0..total).filter(move |seed| seed % PARTS == part)
}

#[test]
fn invariants_hold_under_random_faults_part_1() {
    run_seeds(seeds_in_part(0));
}

#[test]
fn invariants_hold_under_random_faults_part_2() {
    run_seeds(seeds_in_part(1));
}

#[test]
fn invariants_hold_under_random_faults_part_3() {
    run_seeds(seeds_in_part(2));
}

#[test]
fn invariants_hold_under_random_faults_part_4() {
    run_seeds(seeds_in_part(3));
}

/// One seed, with its schedule printed: `SHARDLAB_FAULT_SEED=N cargo test --release --test
/// faults reproduce -- --ignored --nocapture`.
#[test]
#[ignore = "reproduces one seed named by SHARDLAB_FAULT_SEED"]
fn reproduce() {
    let seed: u64 = std::env::var("SHARDLAB_FAULT_SEED")
        .expect("set SHARDLAB_FAULT_SEED")
        .parse()
        .expect("a number");
    let mut run = run(seed);
    for line in &run.schedule {
        println!("{line}");
    }
    if let Ok(lease) = std::env::var("SHARDLAB_FAULT_LEASE") {
        for (at, event) in run.world.kcl_trace() {
            let text = format!("{event:?}");
            if text.contains(&format!("\"{lease}\"")) || matches!(event, KclEvent::Worker { .. }) {
                println!("{} {text}", at - shardlab::sim::START_MS);
            }
        }
        for d in run.world.app("app").unwrap().trace.as_ref().unwrap() {
            if shard_id(d.shard) == lease {
                println!(
                    "{} batch {}..={} by {} (holding {}) done {}",
                    d.started_ms - shardlab::sim::START_MS,
                    d.first_seq_ix,
                    d.last_seq_ix,
                    d.worker,
                    d.holding,
                    d.done_ms - shardlab::sim::START_MS
                );
            }
        }
    }
    if let Err(problem) = check(&mut run) {
        panic!("seed {seed}: {problem}");
    }
    println!("seed {seed}: every invariant holds");
}
