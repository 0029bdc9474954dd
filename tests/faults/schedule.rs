//! One seed's run: the set-up (stream, producers, the KCL application under test), the
//! random fault schedule, then calm and catch-up; what it leaves behind is a [`Run`] for the
//! checks in `invariants.rs`.
//!
//! Apart from the checks because a reader looking for "what can happen to the application"
//! should find the whole list in one match, and the checks do not need to know how the world
//! got where it is.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde_json::json;
use shardlab::engine::metrics::Metric;
use shardlab::engine::stream::StreamMode;
use shardlab::engine::{Config, ConsumerMetric, EngineEvent, ShardLimits};
use shardlab::kcl::{CheckpointPolicy, InitialPosition, KclConfig, Retrieval, WorkerState};
use shardlab::kpl::KplConfig;
use shardlab::sim::log::EventKind;
use shardlab::sim::{
    Batching, ConsumerConfig, KeyDistribution, ProducerConfig, RetryPolicy, StartPosition, World,
};

use crate::common::world::create_stream;

/// At one moment: per shard, its next sequence index and IncomingRecords so far.
pub(crate) type Mark = (u64, BTreeMap<u32, (u64, u64)>);

/// What a run left behind, for the checks.
pub(crate) struct Run {
    pub(crate) world: World,
    /// The faults, as a reader would write them down.
    pub(crate) schedule: Vec<String>,
    /// Per shard, at moments during the run: (time, next sequence index, IncomingRecords).
    pub(crate) marks: Vec<Mark>,
    /// When the faults stopped.
    pub(crate) calm_ms: u64,
    pub(crate) failover_ms: u64,
    /// Whether the stream started ON_DEMAND, and whether the service resharded it by itself.
    pub(crate) on_demand: bool,
    pub(crate) self_scaled: bool,
    /// Whether the application read with enhanced fan-out, and the records its stream
    /// consumer's subscriptions delivered (SubscribeToShardEvent.Records, since the consumer
    /// was last registered).
    pub(crate) fan_out: bool,
    pub(crate) subscription_records: u64,
    /// Whether a KPL producer ran, and the user records it got acknowledged.
    pub(crate) kpl: bool,
    pub(crate) kpl_user_records_put: u64,
    /// Whether the application ran KCL 3.x (a leader assigning leases, graceful handoffs)
    /// rather than 2.x (every worker's lease taker).
    pub(crate) kcl3: bool,
}

pub(crate) fn marks_now(world: &World) -> Mark {
    let stream = world.kinesis().stream("s").expect("stream s");
    let per_shard = stream
        .shards
        .iter()
        .map(|shard| {
            let incoming = shard.metrics.totals()[Metric::IncomingRecords as usize];
            (shard.index, (shard.next_seq_ix, incoming))
        })
        .collect();
    (world.now_ms(), per_shard)
}

pub(crate) fn open_shards(world: &World) -> Vec<(u128, u128, String)> {
    let mut open: Vec<(u128, u128, String)> = world
        .kinesis()
        .stream("s")
        .expect("stream s")
        .open_shards()
        .map(|s| (s.range.starting_hash_key, s.range.ending_hash_key, s.id()))
        .collect();
    open.sort();
    open
}

fn workers(world: &World, state: Option<WorkerState>) -> Vec<String> {
    world
        .app("app")
        .map(|app| {
            app.workers
                .values()
                .filter(|w| state.is_none_or(|s| w.state == s))
                .map(|w| w.id.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn producer_config(rng: &mut Pcg64Mcg) -> ProducerConfig {
    let mut config = ProducerConfig::new("s", rng.random_range(20..400) as f64);
    config.keys = match rng.random_range(0..4) {
        0 => KeyDistribution::Uniform(rng.random_range(1..2_000)),
        1 => KeyDistribution::Random,
        2 => KeyDistribution::Zipf {
            s: 1.1,
            n: rng.random_range(2..500),
        },
        _ => KeyDistribution::Hot {
            key: "user-42".into(),
            fraction: rng.random_range(0.5..1.0),
            n: 100,
        },
    };
    if rng.random_bool(0.4) {
        config.batching = Batching::PutRecords {
            batch_size: rng.random_range(10..500),
            linger_ms: rng.random_range(50..1_000),
        };
    }
    if rng.random_bool(0.3) {
        config.retry = RetryPolicy::None;
    }
    config
}

/// A KPL producer (issue 19): collecting or aggregating, with a buffering time and a record
/// TTL drawn so that retries and expiry both happen under the faults.
fn kpl_producer_config(rng: &mut Pcg64Mcg) -> ProducerConfig {
    let mut config = ProducerConfig::new("s", rng.random_range(20..400) as f64);
    config.keys = KeyDistribution::Uniform(rng.random_range(1..2_000));
    config.batching = Batching::Kpl(KplConfig {
        aggregation_enabled: rng.random_bool(0.6),
        record_max_buffered_time_ms: rng.random_range(25..500),
        record_ttl_ms: rng.random_range(1_000..30_000),
        ..KplConfig::default()
    });
    config
}

/// One seed's run: set-up, random faults, then calm and catch-up.
pub(crate) fn run(seed: u64) -> Run {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    // Some streams are ON_DEMAND, with the scaler's thresholds and windows shrunk to what a
    // short run at small rates reaches, so that it splits and merges shards on its own
    // among the faults.
    let on_demand = rng.random_bool(0.3);
    let config = if on_demand {
        Config {
            on_demand_split_bytes_per_sec: rng.random_range(500..3_000),
            on_demand_split_after_ms: 60_000,
            on_demand_peak_window_ms: rng.random_range(2..6) * 60_000,
            on_demand_merge_interval_ms: 60_000,
            ..Config::default()
        }
    } else {
        Config::default()
    };
    let mut world = World::with_config(seed, config);
    world.trace_kcl();
    let shards = if on_demand {
        world
            .call(
                "CreateStream",
                &json!({"StreamName": "s", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
            )
            .unwrap();
        world.advance_by(world.kinesis().config().create_duration_ms);
        world.kinesis().config().on_demand_initial_shard_count
    } else {
        let shards = rng.random_range(1..=4);
        create_stream(&mut world, "s", shards);
        shards
    };
    // Lower write limits make hot keys throttle at the rates a quick test can afford.
    if rng.random_bool(0.5) {
        world
            .kinesis_mut()
            .set_shard_limits(
                "s",
                ShardLimits {
                    write_records_per_sec: 100,
                    ..ShardLimits::AWS
                },
            )
            .unwrap();
    }
    let mut schedule = vec![if on_demand {
        let c = world.kinesis().config();
        format!(
            "{shards} shards, ON_DEMAND (split over {} B/s after {} ms, peak window {} ms)",
            c.on_demand_split_bytes_per_sec, c.on_demand_split_after_ms, c.on_demand_peak_window_ms
        )
    } else {
        format!("{shards} shards")
    }];
    let producers = rng.random_range(1..=2);
    for i in 0..producers {
        let config = producer_config(&mut rng);
        schedule.push(format!("producer p{i}: {config:?}"));
        world.add_producer(&format!("p{i}"), config).unwrap();
    }
    // Some runs add a KPL producer, k0 (collecting, or aggregating). Its choices come from a
    // random source of their own, so a seed without it runs exactly as it did before.
    let mut kpl_rng = Pcg64Mcg::seed_from_u64(seed ^ 0x6b70_6c00);
    let kpl = kpl_rng.random_bool(0.25);
    if kpl {
        let config = kpl_producer_config(&mut kpl_rng);
        schedule.push(format!("KPL producer k0: {config:?}"));
        world.add_producer("k0", config).unwrap();
    }
    // Every producer, for the pauses that quiet them all.
    let all_producers: Vec<String> = (0..producers)
        .map(|i| format!("p{i}"))
        .chain(kpl.then(|| "k0".to_string()))
        .collect();
    let failover_ms = [6_000, 10_000, 20_000][rng.random_range(0..3)];
    let checkpoint = match rng.random_range(0..3) {
        0 => CheckpointPolicy::EveryRecords(rng.random_range(1..300)),
        1 => CheckpointPolicy::Interval(rng.random_range(500..15_000)),
        _ => CheckpointPolicy::EachBatch,
    };
    // Some applications read with enhanced fan-out: a stream consumer named after the
    // application, a subscription per leased shard. Both retrievals are named, whatever the
    // default is.
    let fan_out = rng.random_bool(0.4);
    let retrieval = if fan_out {
        Retrieval::FanOut
    } else {
        Retrieval::Polling
    };
    // Half the applications run KCL 3.x. Like the KPL producer's, the choice and the 3.x
    // faults come from a random source of their own: the main one draws exactly what it drew
    // before, so a 2.x seed runs as it did before 3.x joined the schedules.
    let mut kcl3_rng = Pcg64Mcg::seed_from_u64(seed ^ 0x6b63_6c33);
    let kcl3 = kcl3_rng.random_bool(0.5);
    let config = KclConfig {
        version: if kcl3 { 3 } else { 2 },
        retrieval,
        initial_position: InitialPosition::TrimHorizon,
        failover_time_millis: failover_ms,
        checkpoint,
        ..KclConfig::new("s")
    };
    let initial_workers = rng.random_range(1..=4);
    schedule.push(format!(
        "app: KCL {}.x, {initial_workers} workers, failover {failover_ms} ms, {checkpoint:?}, {}",
        config.version,
        if fan_out {
            "reading with enhanced fan-out"
        } else {
            "polling"
        }
    ));
    world.add_kcl_app("app", config, initial_workers).unwrap();

    let mut marks = vec![marks_now(&world)];
    // Enhanced fan-out consumers of the world's own come and go (reading from TRIM_HORIZON,
    // each its own stream consumer and subscriptions beside the application's).
    let mut efo_consumers: Vec<String> = Vec::new();
    let mut efo_added = 0;
    let faults = rng.random_range(4..12);
    for _ in 0..faults {
        world.advance_by(rng.random_range(1_000..25_000));
        marks.push(marks_now(&world));
        let all = workers(&world, None);
        let pick = (!all.is_empty()).then(|| all[rng.random_range(0..all.len())].clone());
        let at = world.elapsed_ms();
        let (what, outcome): (String, Result<(), String>) = match (rng.random_range(0..19), pick) {
            (0 | 1, Some(w)) => (format!("kill {w}"), world.kill_worker("app", &w)),
            (2 | 3, Some(w)) => {
                let ms = rng.random_range(1_000..45_000);
                (
                    format!("pause {w} for {ms} ms"),
                    world.pause_worker("app", &w, ms),
                )
            }
            (4, Some(w)) => (
                format!("restart {w}"),
                world.restart_worker("app", &w, None).map(|_| ()),
            ),
            (5, Some(w)) => {
                let new = format!("{w}-b");
                (
                    format!("kill {w}, restart it as {new}"),
                    world
                        .kill_worker("app", &w)
                        .and_then(|_| world.restart_worker("app", &w, Some(&new)).map(|_| ())),
                )
            }
            (6, _) => (
                "a worker joins".into(),
                world.add_worker("app", None).map(|_| ()),
            ),
            (7, Some(w)) => (format!("{w} leaves"), world.remove_worker("app", &w)),
            (8, _) => {
                let open = open_shards(&world);
                let (start, end, id) = &open[rng.random_range(0..open.len())];
                let key = start + (end - start) / 2 + 1;
                (
                    format!("split {id} at {key}"),
                    api(
                        &mut world,
                        "SplitShard",
                        json!({"StreamName": "s", "ShardToSplit": id, "NewStartingHashKey": key.to_string()}),
                    ),
                )
            }
            (9, _) => {
                let open = open_shards(&world);
                if open.len() < 2 {
                    ("merge (only one shard open)".into(), Ok(()))
                } else {
                    let i = rng.random_range(0..open.len() - 1);
                    (
                        format!("merge {} and {}", open[i].2, open[i + 1].2),
                        api(
                            &mut world,
                            "MergeShards",
                            json!({"StreamName": "s", "ShardToMerge": open[i].2, "AdjacentShardToMerge": open[i + 1].2}),
                        ),
                    )
                }
            }
            (10, _) => {
                let open = open_shards(&world).len() as u32;
                // An ON_DEMAND stream may have scaled past 16 shards (then AWS refuses anyway).
                let target =
                    rng.random_range(open.div_ceil(2)..=(open * 2).min(8).max(open.div_ceil(2)));
                (
                    format!("update shard count {open} -> {target}"),
                    api(
                        &mut world,
                        "UpdateShardCount",
                        json!({"StreamName": "s", "TargetShardCount": target, "ScalingType": "UNIFORM_SCALING"}),
                    ),
                )
            }
            (11, _) => {
                let hours = rng.random_range(24..=30);
                let action = if rng.random_bool(0.5) {
                    "IncreaseStreamRetentionPeriod"
                } else {
                    "DecreaseStreamRetentionPeriod"
                };
                (
                    format!("{action} to {hours} h"),
                    api(
                        &mut world,
                        action,
                        json!({"StreamName": "s", "RetentionPeriodHours": hours}),
                    ),
                )
            }
            (12, _) => {
                let i = rng.random_range(0..producers);
                let config = producer_config(&mut rng);
                (
                    format!("producer p{i} becomes {config:?}"),
                    world.set_producer(&format!("p{i}"), config),
                )
            }
            (13, _) => {
                let i = rng.random_range(0..producers);
                let ms = rng.random_range(1_000..30_000);
                (
                    format!("producer p{i} pauses for {ms} ms"),
                    world.pause_producer(&format!("p{i}"), Some(ms)),
                )
            }
            (14, _) if rng.random_bool(0.25) => {
                // A day-long outage: the application is down and retention trims what it
                // had not read. Producers are quiet meanwhile (a day of traffic is the long
                // run's job, not this test's).
                let retention = world.kinesis().stream("s").unwrap().retention_ms();
                let gap = retention + rng.random_range(0..7_200_000);
                for name in &all_producers {
                    world.pause_producer(name, Some(gap)).unwrap();
                }
                for w in workers(&world, None) {
                    if world.app("app").unwrap().workers[&w].state != WorkerState::Dead {
                        world.kill_worker("app", &w).unwrap();
                    }
                }
                world.advance_by(gap);
                marks.push(marks_now(&world));
                for w in workers(&world, Some(WorkerState::Dead)) {
                    world.restart_worker("app", &w, None).unwrap();
                }
                (format!("everything stops for {gap} ms"), Ok(()))
            }
            (15, _) => {
                let stream = world.kinesis().stream("s").unwrap();
                let (arn, mode) = (stream.arn.clone(), stream.mode);
                let to = match mode {
                    StreamMode::OnDemand => "PROVISIONED",
                    StreamMode::Provisioned => "ON_DEMAND",
                };
                (
                    format!("switch to {to}"),
                    api(
                        &mut world,
                        "UpdateStreamMode",
                        json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": to}}),
                    ),
                )
            }
            (16, _) if fan_out => {
                // Behind the application's back: its subscriptions end, and its shard
                // consumers must register the stream consumer again and subscribe from where
                // they were.
                let arn = world
                    .kinesis()
                    .stream("s")
                    .and_then(|s| s.consumer("app"))
                    .map(|c| c.arn.clone());
                match arn {
                    Some(arn) => (
                        "deregister the application's stream consumer".into(),
                        api(
                            &mut world,
                            "DeregisterStreamConsumer",
                            json!({"ConsumerARN": arn}),
                        ),
                    ),
                    None => (
                        "deregister (the application's stream consumer is not registered)".into(),
                        Ok(()),
                    ),
                }
            }
            (17, _) if !efo_consumers.is_empty() && rng.random_bool(0.5) => {
                let name = efo_consumers.remove(rng.random_range(0..efo_consumers.len()));
                (
                    format!("fan-out consumer {name} leaves"),
                    world.remove_consumer(&name),
                )
            }
            (17, _) => {
                let open = open_shards(&world);
                let shard = open[rng.random_range(0..open.len())].2.clone();
                let name = format!("e{efo_added}");
                efo_added += 1;
                efo_consumers.push(name.clone());
                let config = ConsumerConfig {
                    efo: true,
                    ..ConsumerConfig::new("s", &shard, StartPosition::TrimHorizon)
                };
                (
                    format!("fan-out consumer {name} joins, reading {shard}"),
                    world.add_consumer(&name, config),
                )
            }
            _ => ("nothing".into(), Ok(())),
        };
        note(&mut schedule, at, &what, outcome);
        if kcl3 {
            kcl3_fault(&mut world, &mut kcl3_rng, &mut schedule);
        }
    }

    // The faults stop: dead workers come back, at least one worker runs, producers run on
    // for a while and then stop, and the application catches up.
    let calm_ms = world.now_ms();
    for w in workers(&world, Some(WorkerState::Dead)) {
        world.restart_worker("app", &w, None).unwrap();
    }
    // A worker that is leaving (a graceful remove still finishing its batches) does not
    // count: it goes once its shard consumers have shut down.
    let staying = world
        .app("app")
        .unwrap()
        .workers
        .values()
        .filter(|w| !w.is_shutting_down())
        .count();
    if staying == 0 {
        world.add_worker("app", None).unwrap();
    }
    for name in &all_producers {
        let _ = world.resume_producer(name);
    }
    world.advance_by(20_000);
    marks.push(marks_now(&world));
    for name in &all_producers {
        world.pause_producer(name, None).unwrap();
    }
    // Paused workers wake within 45 s; leases then move within two failover times (KCL 3.x:
    // a crashed leader's lock lapses after 120 s first, then the new leader assigns every
    // 2 x failover, and a handoff ends within 30 s); each generation of children waits for
    // its parents (polled every 10 s), and a new child's lease may wait for the next shard
    // sync (every minute). Twenty minutes is plenty; the run stops as soon as every shard's
    // last record was processed.
    for _ in 0..40 {
        world.advance_by(30_000);
        if caught_up(&world) {
            break;
        }
    }
    marks.push(marks_now(&world));
    let self_scaled = world.log().iter().any(|e| {
        matches!(
            &e.kind,
            EventKind::Service {
                event: EngineEvent::ShardSplit {
                    reason: Some(_),
                    ..
                } | EngineEvent::ShardsMerged {
                    reason: Some(_),
                    ..
                }
            }
        )
    });
    let kpl_user_records_put = world
        .producers()
        .filter_map(|p| p.kpl.as_ref())
        .map(|k| k.counters.user_records_put)
        .sum();
    let subscription_records = world
        .kinesis()
        .stream("s")
        .and_then(|s| s.consumer("app"))
        .map_or(0, |c| {
            c.metrics
                .total(ConsumerMetric::SubscribeToShardEventRecords)
        });
    Run {
        world,
        schedule,
        marks,
        calm_ms,
        failover_ms,
        on_demand,
        self_scaled,
        fan_out,
        subscription_records,
        kpl,
        kpl_user_records_put,
        kcl3,
    }
}

/// Writes one fault and how it went into the schedule.
fn note(schedule: &mut Vec<String>, at: u64, what: &str, outcome: Result<(), String>) {
    let outcome = match outcome {
        Ok(()) => String::new(),
        Err(e) => format!(" (refused: {})", e.lines().next().unwrap_or("")),
    };
    schedule.push(format!("at {at} ms: {what}{outcome}"));
}

/// KCL 3.x: after each fault of the main schedule, sometimes one that only 3.x has a word
/// for, drawn from the 3.x random source: a graceful removal (the leases are dropped after
/// `shutdownRequested` and the leader assigns them), a worker's background load changing (the
/// leader moves leases off a busy worker by graceful handoff), a worker joining (handoffs
/// to balance onto it), and the leader in particular crashing or freezing (the `Leader` lock
/// holds until it lapses, and nobody assigns meanwhile).
fn kcl3_fault(world: &mut World, rng: &mut Pcg64Mcg, schedule: &mut Vec<String>) {
    if !rng.random_bool(0.8) {
        return;
    }
    world.advance_by(rng.random_range(1_000..15_000));
    let at = world.elapsed_ms();
    let live = workers(world, Some(WorkerState::Running));
    let pick = (!live.is_empty()).then(|| live[rng.random_range(0..live.len())].clone());
    let leader = world
        .app("app")
        .and_then(|app| app.leader())
        .map(str::to_string);
    // Weighted towards the planned moves invariant 8 checks: removals and loads.
    let (what, outcome): (String, Result<(), String>) = match (rng.random_range(0..8), pick) {
        (0 | 6, Some(w)) => (
            format!("{w} shuts down gracefully"),
            world.remove_worker("app", &w),
        ),
        (1 | 2 | 7, Some(w)) => {
            let load = [0.0, 20.0, 50.0, 80.0, 95.0][rng.random_range(0..5)];
            (
                format!("{w}'s host load becomes {load}%"),
                world.set_worker_load("app", &w, load),
            )
        }
        (3, _) => (
            "a worker joins".into(),
            world.add_worker("app", None).map(|_| ()),
        ),
        (4, _) => match leader {
            Some(l) => (format!("kill the leader {l}"), world.kill_worker("app", &l)),
            None => ("kill the leader (there is none)".into(), Ok(())),
        },
        (5, _) => match leader {
            Some(l) => {
                let ms = rng.random_range(1_000..45_000);
                (
                    format!("pause the leader {l} for {ms} ms"),
                    world.pause_worker("app", &l, ms),
                )
            }
            None => ("pause the leader (there is none)".into(), Ok(())),
        },
        _ => ("nothing (no live worker)".into(), Ok(())),
    };
    note(schedule, at, &what, outcome);
}

/// Whether the application processed the last record of every shard still listed.
fn caught_up(world: &World) -> bool {
    let app = world.app("app").unwrap();
    let stream = world.kinesis().stream("s").unwrap();
    stream.listed_shards(world.now_ms()).all(|shard| {
        let end = shard.records.end_seq_ix().unwrap_or(0);
        let last = shard
            .records
            .iter_from(end.saturating_sub(1_000))
            .last()
            .or_else(|| shard.records.iter_from(0).last());
        last.is_none_or(|record| app.processed_upto(shard.index) >= Some(record.seq_ix))
    })
}

fn api(world: &mut World, action: &str, body: serde_json::Value) -> Result<(), String> {
    world
        .call(action, &body)
        .map(|_| ())
        .map_err(|e| e.to_string())
}
