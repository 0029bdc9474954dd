//! The simulator's own commands: producers, consumers, KCL applications and workers, and the
//! world itself (`sim seed`, `sim describe`, `sim limits`).
//!
//! ```text
//! producer add NAME --stream S --rate N [--keys uniform:N|random|zipf:S:N|hot:KEY:FRACTION[:N]]
//!                  [--size BYTES|MIN-MAX] [--batch N] [--linger DURATION] [--retry none|backoff]
//!                  [--attempts N] [--explicit-hash-key K]
//! producer set NAME [the same options]        producer remove|stop|resume NAME
//! producer pause NAME DURATION
//! consumer add NAME --stream S --shard-id ID [--shard-iterator-type TRIM_HORIZON|LATEST|AT_TIMESTAMP]
//!                  [--timestamp T] [--idle DURATION] [--limit N]
//! consumer remove|stop|resume NAME            consumer pause NAME DURATION
//! kcl app add NAME --stream S [--workers N] [--checkpoint every:N|interval:T|batch|never]
//!            [--failover DURATION] [--initial-position LATEST|TRIM_HORIZON|AT_TIMESTAMP]
//!            [--timestamp T] [--processing DURATION-PER-RECORD] [--idle DURATION]
//!            [--max-records N] [--max-leases-for-worker N] [--max-leases-to-steal N]
//!            [--no-priority] [--forget-shard-end]
//! kcl worker add APP [ID]      kcl worker kill|remove APP/ID
//! kcl worker pause APP/ID DURATION              kcl worker restart APP/ID [NEW_ID]
//! sim seed N        sim describe [--query Q] [--output json|text]        sim time
//! sim limits --stream S [--write-records N] [--write-bytes N] [--read-calls N] [--read-bytes N]
//! ```

use std::collections::BTreeMap;

use serde_json::Value;

use super::aws_cli::parse_timestamp;
use super::duration::parse_duration;
use super::output::{self, OutputFormat};
use super::suggest::did_you_mean;
use super::Outcome;
use crate::engine::ShardLimits;
use crate::kcl::{CheckpointPolicy, InitialPosition, KclConfig};
use crate::sim::{
    Batching, ConsumerConfig, KeyDistribution, ProducerConfig, RetryPolicy, SizeSpec,
    StartPosition, World,
};

/// Positional words and `--option value` pairs of a command.
struct Args {
    positional: Vec<String>,
    options: BTreeMap<String, String>,
    flags: Vec<String>,
}

impl Args {
    fn parse(words: &[String], valued: &[&str], flags: &[&str]) -> Result<Args, String> {
        let mut args = Args {
            positional: Vec::new(),
            options: BTreeMap::new(),
            flags: Vec::new(),
        };
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
            i += 1;
            if !word.starts_with("--") {
                args.positional.push(word.clone());
                continue;
            }
            let (flag, inline) = match word.split_once('=') {
                Some((f, v)) => (f.to_string(), Some(v.to_string())),
                None => (word.clone(), None),
            };
            if flags.contains(&flag.as_str()) {
                args.flags.push(flag);
                continue;
            }
            if !valued.contains(&flag.as_str()) {
                let hint = did_you_mean(&flag, valued.iter().chain(flags).copied())
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_default();
                return Err(format!("unknown option {flag}{hint}"));
            }
            let value = match inline {
                Some(value) => value,
                None => {
                    let value = words
                        .get(i)
                        .cloned()
                        .ok_or_else(|| format!("{flag} needs a value"))?;
                    i += 1;
                    value
                }
            };
            if args.options.insert(flag.clone(), value).is_some() {
                return Err(format!("{flag} is given twice"));
            }
        }
        Ok(args)
    }

    fn get(&self, flag: &str) -> Option<&str> {
        self.options.get(flag).map(String::as_str)
    }

    fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    fn number<T: std::str::FromStr>(&self, flag: &str) -> Result<Option<T>, String> {
        self.get(flag)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| format!("{flag} must be a number, not '{v}'"))
            })
            .transpose()
    }

    fn duration(&self, flag: &str) -> Result<Option<u64>, String> {
        self.get(flag).map(parse_duration).transpose()
    }
}

fn ok(text: String) -> Outcome {
    Outcome::success(if text.is_empty() {
        text
    } else {
        format!("{text}\n")
    })
}

fn fail(command: &str, message: impl AsRef<str>) -> Outcome {
    Outcome::failure(2, format!("{command}: {}\n", message.as_ref()))
}

fn subcommand<'a>(
    command: &str,
    words: &'a [String],
    known: &[&str],
) -> Result<(&'a str, &'a [String]), Outcome> {
    let Some(sub) = words.first() else {
        return Err(fail(
            command,
            format!("what should it do? one of: {}", known.join(", ")),
        ));
    };
    if !known.contains(&sub.as_str()) {
        let hint = did_you_mean(sub, known.iter().copied())
            .map(|s| format!("; did you mean '{s}'?"))
            .unwrap_or_default();
        return Err(fail(command, format!("unknown subcommand '{sub}'{hint}")));
    }
    Ok((sub.as_str(), &words[1..]))
}

/// Parses a key distribution: `uniform:N`, `random`, `zipf:S:N`, `hot:KEY:FRACTION[:N]`.
pub fn parse_keys(text: &str) -> Result<KeyDistribution, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |s: &str, what: &str| {
        s.parse::<u32>()
            .map_err(|_| format!("{what} must be a whole number, not '{s}'"))
    };
    let fraction = |s: &str, what: &str| {
        s.parse::<f64>()
            .map_err(|_| format!("{what} must be a number, not '{s}'"))
    };
    let keys = match parts.as_slice() {
        ["uniform", n] => KeyDistribution::Uniform(number(n, "the key count")?),
        ["random"] => KeyDistribution::Random,
        ["zipf", s, n] => KeyDistribution::Zipf {
            s: fraction(s, "the Zipf exponent")?,
            n: number(n, "the key count")?,
        },
        ["hot", key, f] => KeyDistribution::Hot {
            key: key.to_string(),
            fraction: fraction(f, "the hot key's fraction")?,
            n: 1000,
        },
        ["hot", key, f, n] => KeyDistribution::Hot {
            key: key.to_string(),
            fraction: fraction(f, "the hot key's fraction")?,
            n: number(n, "the number of other keys")?,
        },
        _ => return Err(format!("'{text}' is not a key distribution: use uniform:N, random, zipf:S:N or hot:KEY:FRACTION")),
    };
    keys.validate()?;
    Ok(keys)
}

fn parse_size(text: &str) -> Result<SizeSpec, String> {
    let size = match text.split_once('-') {
        Some((a, b)) => SizeSpec::Range(
            a.parse()
                .map_err(|_| format!("'{text}' is not a size range like 100-500"))?,
            b.parse()
                .map_err(|_| format!("'{text}' is not a size range like 100-500"))?,
        ),
        None => SizeSpec::Fixed(
            text.parse()
                .map_err(|_| format!("'{text}' is not a size in bytes"))?,
        ),
    };
    size.validate()?;
    Ok(size)
}

/// The options of `producer add|set` (also offered by Tab completion).
pub(crate) const PRODUCER_OPTIONS: &[&str] = &[
    "--stream",
    "--rate",
    "--keys",
    "--size",
    "--batch",
    "--linger",
    "--retry",
    "--attempts",
    "--explicit-hash-key",
];

/// Applies producer options onto a configuration.
fn producer_config(args: &Args, mut config: ProducerConfig) -> Result<ProducerConfig, String> {
    if let Some(stream) = args.get("--stream") {
        config.stream = stream.to_string();
    }
    if let Some(rate) = args.number::<f64>("--rate")? {
        config.rate = rate;
    }
    if let Some(keys) = args.get("--keys") {
        config.keys = parse_keys(keys)?;
    }
    if let Some(size) = args.get("--size") {
        config.size = parse_size(size)?;
    }
    if let Some(key) = args.get("--explicit-hash-key") {
        config.explicit_hash_key = Some(
            key.parse()
                .map_err(|_| format!("'{key}' is not a hash key (0 to 2^128-1)"))?,
        );
    }
    let batch = args.number::<u32>("--batch")?;
    let linger = args.duration("--linger")?;
    if batch.is_some() || linger.is_some() {
        let (old_batch, old_linger) = match config.batching {
            Batching::PutRecords {
                batch_size,
                linger_ms,
            } => (batch_size, linger_ms),
            Batching::PutRecord => (500, 100),
        };
        config.batching = Batching::PutRecords {
            batch_size: batch.unwrap_or(old_batch),
            linger_ms: linger.unwrap_or(old_linger),
        };
    }
    let attempts = args.number::<u32>("--attempts")?;
    match args.get("--retry") {
        Some("none") => config.retry = RetryPolicy::None,
        Some("backoff") => {
            config.retry = match (RetryPolicy::SDK, attempts) {
                (
                    RetryPolicy::Backoff {
                        base_ms, max_ms, ..
                    },
                    Some(n),
                ) => RetryPolicy::Backoff {
                    base_ms,
                    max_ms,
                    max_attempts: n,
                },
                (policy, _) => policy,
            }
        }
        Some(other) => return Err(format!("--retry is none or backoff, not '{other}'")),
        None => {
            if let (
                Some(n),
                RetryPolicy::Backoff {
                    base_ms, max_ms, ..
                },
            ) = (attempts, config.retry)
            {
                config.retry = RetryPolicy::Backoff {
                    base_ms,
                    max_ms,
                    max_attempts: n,
                };
            }
        }
    }
    config.validate()?;
    Ok(config)
}

pub fn producer(world: &mut World, words: &[String]) -> Outcome {
    let (sub, rest) = match subcommand(
        "producer",
        words,
        &["add", "set", "remove", "pause", "stop", "resume"],
    ) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let args = match Args::parse(rest, PRODUCER_OPTIONS, &[]) {
        Ok(args) => args,
        Err(message) => return fail("producer", message),
    };
    let Some(name) = args.positional.first().cloned() else {
        return fail("producer", format!("producer {sub} needs a name"));
    };
    let result = match sub {
        "add" => {
            let Some(stream) = args.get("--stream") else {
                return fail("producer", "producer add needs --stream");
            };
            let Some(rate) = args.get("--rate") else {
                return fail("producer", "producer add needs --rate (records per second)");
            };
            producer_config(
                &args,
                ProducerConfig::new(stream, rate.parse().unwrap_or(-1.0)),
            )
            .and_then(|config| {
                let summary = format!(
                    "producer {name}: {} records/s to {} ({})",
                    config.rate, config.stream, config.keys
                );
                world.add_producer(&name, config).map(|_| summary)
            })
        }
        "set" => match world.producer(&name) {
            None => Err(format!("there is no producer named {name}")),
            Some(existing) => producer_config(&args, existing.config.clone()).and_then(|config| {
                let summary = format!(
                    "producer {name}: {} records/s to {} ({})",
                    config.rate, config.stream, config.keys
                );
                world.set_producer(&name, config).map(|_| summary)
            }),
        },
        "remove" => world
            .remove_producer(&name)
            .map(|_| format!("producer {name} removed")),
        "stop" => world
            .pause_producer(&name, None)
            .map(|_| format!("producer {name} stopped")),
        "resume" => world
            .resume_producer(&name)
            .map(|_| format!("producer {name} resumed")),
        _ => match args.positional.get(1).map(|d| parse_duration(d)) {
            Some(Ok(ms)) => world
                .pause_producer(&name, Some(ms))
                .map(|_| format!("producer {name} paused for {ms} ms")),
            Some(Err(message)) => Err(message),
            None => {
                Err("producer pause needs a duration, as in: producer pause NAME 30s".to_string())
            }
        },
    };
    match result {
        Ok(text) => ok(text),
        Err(message) => fail("producer", message),
    }
}

pub fn consumer(world: &mut World, words: &[String]) -> Outcome {
    let (sub, rest) = match subcommand(
        "consumer",
        words,
        &["add", "remove", "pause", "stop", "resume"],
    ) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let args = match Args::parse(
        rest,
        &[
            "--stream",
            "--shard-id",
            "--shard-iterator-type",
            "--timestamp",
            "--idle",
            "--limit",
        ],
        &[],
    ) {
        Ok(args) => args,
        Err(message) => return fail("consumer", message),
    };
    let Some(name) = args.positional.first().cloned() else {
        return fail("consumer", format!("consumer {sub} needs a name"));
    };
    let result = match sub {
        "add" => (|| -> Result<String, String> {
            let stream = args.get("--stream").ok_or("consumer add needs --stream")?;
            let shard = args
                .get("--shard-id")
                .ok_or("consumer add needs --shard-id")?;
            let at = match args.get("--timestamp") {
                Some(t) => Some(parse_timestamp(t).ok_or_else(|| format!("'{t}' is not a time"))?),
                None => None,
            };
            let kind = args.get("--shard-iterator-type").unwrap_or("LATEST");
            let start = StartPosition::parse(kind, at.map(|s| (s * 1000.0) as u64)).ok_or_else(|| {
                format!("--shard-iterator-type is TRIM_HORIZON, LATEST or AT_TIMESTAMP (with --timestamp), not '{kind}'")
            })?;
            let mut config = ConsumerConfig::new(stream, shard, start);
            if let Some(idle) = args.duration("--idle")? {
                config.idle_ms = idle;
            }
            if let Some(limit) = args.number::<usize>("--limit")? {
                config.limit = limit;
            }
            world.add_consumer(&name, config)?;
            Ok(format!(
                "consumer {name}: reading {shard} of {stream} from {kind}"
            ))
        })(),
        "remove" => world
            .remove_consumer(&name)
            .map(|_| format!("consumer {name} removed")),
        "stop" => world
            .pause_consumer(&name, None)
            .map(|_| format!("consumer {name} stopped")),
        "resume" => world
            .resume_consumer(&name)
            .map(|_| format!("consumer {name} resumed")),
        _ => match args.positional.get(1).map(|d| parse_duration(d)) {
            Some(Ok(ms)) => world
                .pause_consumer(&name, Some(ms))
                .map(|_| format!("consumer {name} paused for {ms} ms")),
            Some(Err(message)) => Err(message),
            None => {
                Err("consumer pause needs a duration, as in: consumer pause NAME 30s".to_string())
            }
        },
    };
    match result {
        Ok(text) => ok(text),
        Err(message) => fail("consumer", message),
    }
}

/// The valued options of `kcl app add` (also offered by Tab completion).
pub(crate) const APP_OPTIONS: &[&str] = &[
    "--stream",
    "--workers",
    "--checkpoint",
    "--failover",
    "--initial-position",
    "--timestamp",
    "--processing",
    "--idle",
    "--max-records",
    "--max-leases-for-worker",
    "--max-leases-to-steal",
];

fn kcl_config(args: &Args) -> Result<KclConfig, String> {
    let stream = args.get("--stream").ok_or("kcl app add needs --stream")?;
    let mut config = KclConfig::new(stream);
    if let Some(policy) = args.get("--checkpoint") {
        config.checkpoint = match policy.split_once(':') {
            Some(("every", n)) => CheckpointPolicy::EveryRecords(
                n.parse()
                    .map_err(|_| format!("'{policy}': every:N needs a number of records"))?,
            ),
            Some(("interval", t)) => CheckpointPolicy::Interval(parse_duration(t)?),
            None if policy == "batch" => CheckpointPolicy::EachBatch,
            None if policy == "never" => CheckpointPolicy::Never,
            _ => {
                return Err(format!(
                    "--checkpoint is every:N, interval:T, batch or never, not '{policy}'"
                ))
            }
        };
    }
    if let Some(failover) = args.duration("--failover")? {
        config.failover_time_millis = failover;
    }
    if let Some(position) = args.get("--initial-position") {
        config.initial_position = match position {
            "LATEST" => InitialPosition::Latest,
            "TRIM_HORIZON" => InitialPosition::TrimHorizon,
            "AT_TIMESTAMP" => {
                let t = args
                    .get("--timestamp")
                    .ok_or("AT_TIMESTAMP needs --timestamp")?;
                let seconds = parse_timestamp(t).ok_or_else(|| format!("'{t}' is not a time"))?;
                InitialPosition::AtTimestamp((seconds * 1000.0) as u64)
            }
            other => {
                return Err(format!(
                    "--initial-position is LATEST, TRIM_HORIZON or AT_TIMESTAMP, not '{other}'"
                ))
            }
        };
    }
    if let Some(per_record) = args.get("--processing") {
        // A duration per record, in microseconds underneath: "2ms" or "0.5ms".
        let ms: f64 = per_record
            .strip_suffix("ms")
            .and_then(|n| n.parse().ok())
            .or_else(|| {
                per_record
                    .strip_suffix('s')
                    .and_then(|n| n.parse::<f64>().ok())
                    .map(|s| s * 1000.0)
            })
            .ok_or_else(|| {
                format!("--processing is a time per record like 2ms, not '{per_record}'")
            })?;
        if !(0.0..=10_000.0).contains(&ms) {
            return Err("--processing must be between 0 and 10 s per record".into());
        }
        config.processing_micros_per_record = (ms * 1000.0).round() as u64;
    }
    if let Some(idle) = args.duration("--idle")? {
        config.idle_time_between_reads_in_millis = idle;
    }
    if let Some(n) = args.number::<usize>("--max-records")? {
        config.max_records = n;
    }
    if let Some(n) = args.number::<usize>("--max-leases-for-worker")? {
        config.max_leases_for_worker = n;
    }
    if let Some(n) = args.number::<usize>("--max-leases-to-steal")? {
        config.max_leases_to_steal_at_one_time = n;
    }
    config.enable_priority_lease_assignment = !args.has("--no-priority");
    config.checkpoint_at_shard_end = !args.has("--forget-shard-end");
    config.validate()?;
    Ok(config)
}

fn app_and_worker(text: &str) -> Result<(&str, &str), String> {
    text.split_once('/')
        .filter(|(a, w)| !a.is_empty() && !w.is_empty())
        .ok_or_else(|| format!("name a worker as APP/WORKER (like app/worker-1), not '{text}'"))
}

pub fn kcl(world: &mut World, words: &[String]) -> Outcome {
    let (what, rest) = match subcommand("kcl", words, &["app", "worker"]) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let result = if what == "app" {
        let (sub, rest) = match subcommand("kcl app", rest, &["add"]) {
            Ok(found) => found,
            Err(outcome) => return outcome,
        };
        let _ = sub;
        (|| -> Result<String, String> {
            let args = Args::parse(rest, APP_OPTIONS, &["--no-priority", "--forget-shard-end"])?;
            let name = args
                .positional
                .first()
                .ok_or("kcl app add needs a name")?
                .clone();
            let workers = args.number::<usize>("--workers")?.unwrap_or(1);
            let config = kcl_config(&args)?;
            let stream = config.stream.clone();
            world.add_kcl_app(&name, config, workers)?;
            Ok(format!(
                "KCL application {name}: {workers} worker(s) reading {stream}"
            ))
        })()
    } else {
        let (sub, rest) = match subcommand(
            "kcl worker",
            rest,
            &["add", "kill", "pause", "restart", "remove"],
        ) {
            Ok(found) => found,
            Err(outcome) => return outcome,
        };
        (|| -> Result<String, String> {
            let target = rest
                .first()
                .ok_or_else(|| format!("kcl worker {sub} needs APP/WORKER"))?;
            match sub {
                "add" => {
                    let app = target.as_str();
                    let id = world.add_worker(app, rest.get(1).map(String::as_str))?;
                    Ok(format!("worker {app}/{id} started"))
                }
                "kill" => {
                    let (app, id) = app_and_worker(target)?;
                    world.kill_worker(app, id)?;
                    Ok(format!("worker {app}/{id} killed"))
                }
                "pause" => {
                    let (app, id) = app_and_worker(target)?;
                    let duration = rest.get(1).ok_or("kcl worker pause needs a duration, as in: kcl worker pause app/worker-1 40s")?;
                    let ms = parse_duration(duration)?;
                    world.pause_worker(app, id, ms)?;
                    Ok(format!("worker {app}/{id} paused for {ms} ms"))
                }
                "restart" => {
                    let (app, id) = app_and_worker(target)?;
                    let new_id = world.restart_worker(app, id, rest.get(1).map(String::as_str))?;
                    Ok(format!("worker {app}/{new_id} started"))
                }
                _ => {
                    let (app, id) = app_and_worker(target)?;
                    world.remove_worker(app, id)?;
                    Ok(format!("worker {app}/{id} shut down and removed"))
                }
            }
        })()
    };
    match result {
        Ok(text) => ok(text),
        Err(message) => fail("kcl", message),
    }
}

/// `sim describe`, `sim time`, `sim limits` (`sim seed` needs the runner: it replaces the world).
pub fn sim(world: &mut World, words: &[String]) -> Outcome {
    let (sub, rest) = match subcommand("sim", words, &["describe", "time", "limits", "seed"]) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    match sub {
        "describe" => {
            let args = match Args::parse(rest, &["--query", "--output"], &[]) {
                Ok(args) => args,
                Err(message) => return fail("sim", message),
            };
            let snapshot = serde_json::to_value(world.snapshot()).unwrap_or(Value::Null);
            let value = match args.get("--query") {
                Some(q) => match output::query(&snapshot, q) {
                    Ok(value) => value,
                    Err(message) => return fail("sim", message),
                },
                None => snapshot,
            };
            let format = match args.get("--output").map(OutputFormat::parse) {
                None => OutputFormat::Json,
                Some(Some(format)) => format,
                Some(None) => return fail("sim", "--output is json or text"),
            };
            Outcome::success(output::render(&value, format))
        }
        "time" => ok(format!("{} ms since the start", world.elapsed_ms())),
        "limits" => {
            let args = match Args::parse(
                rest,
                &[
                    "--stream",
                    "--write-records",
                    "--write-bytes",
                    "--read-calls",
                    "--read-bytes",
                ],
                &[],
            ) {
                Ok(args) => args,
                Err(message) => return fail("sim", message),
            };
            let result = (|| -> Result<String, String> {
                let stream = args.get("--stream").ok_or("sim limits needs --stream")?;
                let current = world
                    .kinesis()
                    .stream(stream)
                    .map(|s| s.limits)
                    .ok_or_else(|| format!("there is no stream {stream}"))?;
                let limits = ShardLimits {
                    write_records_per_sec: args
                        .number("--write-records")?
                        .unwrap_or(current.write_records_per_sec),
                    write_bytes_per_sec: args
                        .number("--write-bytes")?
                        .unwrap_or(current.write_bytes_per_sec),
                    read_calls_per_sec: args
                        .number("--read-calls")?
                        .unwrap_or(current.read_calls_per_sec),
                    read_bytes_per_sec: args
                        .number("--read-bytes")?
                        .unwrap_or(current.read_bytes_per_sec),
                };
                if limits.write_records_per_sec == 0 || limits.read_calls_per_sec == 0 {
                    return Err("limits must be at least 1".to_string());
                }
                world
                    .kinesis_mut()
                    .set_shard_limits(stream, limits)
                    .map_err(|e| e.message().to_string())?;
                Ok(format!(
                    "{stream}: each shard takes {} records/s and {} bytes/s, serves {} reads/s and {} bytes/s",
                    limits.write_records_per_sec, limits.write_bytes_per_sec, limits.read_calls_per_sec, limits.read_bytes_per_sec
                ))
            })();
            match result {
                Ok(text) => ok(text),
                Err(message) => fail("sim", message),
            }
        }
        _ => fail("sim", "sim seed is handled by the script runner"),
    }
}
