//! The simulator's own commands: producers, consumers, KCL applications and workers, and the
//! world itself (`sim seed`, `sim describe`, `sim limits`).
//!
//! What each command takes (its subcommands, words and options) is written in
//! [`super::grammar`], which `help` prints; `args::Args` reads the words against it,
//! with the errors all commands share. This file does what the commands say.

use serde_json::Value;

use super::args::Args;
use super::aws_cli::parse_timestamp;
use super::duration::parse_duration;
use super::grammar::{
    self, checkpoint, kcl_version, keys, position, retrieval, retry, Command, CONSUMER, KCL,
    PRODUCER, SIM,
};
use super::output::{self, OutputFormat};
use super::Outcome;
use crate::engine::ShardLimits;
use crate::kcl::{CheckpointPolicy, InitialPosition, KclConfig, Retrieval, DEFAULT_KCL_VERSION};
use crate::sim::{
    Batching, CliVersion, ConsumerConfig, KeyDistribution, ProducerConfig, RetryPolicy, SizeSpec,
    StartPosition, World,
};

fn ok(text: String) -> Outcome {
    Outcome::success(if text.is_empty() {
        text
    } else {
        format!("{text}\n")
    })
}

/// A simulator command that failed: always the script's mistake (a misspelt subcommand or
/// option, a value it cannot read, a name that does not exist), never part of the scenario.
fn fail(command: &str, message: impl AsRef<str>) -> Outcome {
    Outcome::misread(2, format!("{command}: {}\n", message.as_ref()), 0)
}

/// Parses a key distribution: `uniform:N`, `random`, `zipf:S:N`, `hot:KEY:FRACTION[:N]`.
pub fn parse_keys(text: &str) -> Result<KeyDistribution, String> {
    // The form (known by its name, `hot`), then the words after its name.
    let (form, rest) = grammar::Value::Forms(keys::FORMS)
        .form_of(text)
        .unwrap_or_default();
    let parts: Vec<&str> = rest.split(':').collect();
    let number = |s: &str, what: &str| {
        s.parse::<u32>()
            .map_err(|_| format!("{what} must be a whole number, not '{s}'"))
    };
    let fraction = |s: &str, what: &str| {
        s.parse::<f64>()
            .map_err(|_| format!("{what} must be a number, not '{s}'"))
    };
    let distribution = match (form, parts.as_slice()) {
        (keys::UNIFORM, [n]) => KeyDistribution::Uniform(number(n, "the key count")?),
        (keys::RANDOM, _) => KeyDistribution::Random,
        (keys::ZIPF, [s, n]) => KeyDistribution::Zipf {
            s: fraction(s, "the Zipf exponent")?,
            n: number(n, "the key count")?,
        },
        (keys::HOT, [key, f]) => KeyDistribution::Hot {
            key: key.to_string(),
            fraction: fraction(f, "the hot key's fraction")?,
            n: 1000,
        },
        (keys::HOT, [key, f, n]) => KeyDistribution::Hot {
            key: key.to_string(),
            fraction: fraction(f, "the hot key's fraction")?,
            n: number(n, "the number of other keys")?,
        },
        _ => return Err(format!("'{text}' is not a key distribution: use uniform:N, random, zipf:S:N or hot:KEY:FRACTION")),
    };
    distribution.validate()?;
    Ok(distribution)
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
            Batching::PutRecord | Batching::Kpl(_) => (500, 100),
        };
        config.batching = Batching::PutRecords {
            batch_size: batch.unwrap_or(old_batch),
            linger_ms: linger.unwrap_or(old_linger),
        };
    }
    kpl_options(args, &mut config)?;
    let attempts = args.number::<u32>("--attempts")?;
    match args.get("--retry") {
        Some(retry::NONE) => config.retry = RetryPolicy::None,
        Some(retry::BACKOFF) => {
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
        Some(other) => return Err(choice_error(args, "--retry", other)),
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

/// Applies `--kpl` and the KPL's settings. Settings without `--kpl` change a KPL producer
/// (`producer set`) and are an error on any other.
fn kpl_options(args: &Args, config: &mut ProducerConfig) -> Result<(), String> {
    let current = match config.batching {
        Batching::Kpl(kpl) => Some(kpl),
        _ => None,
    };
    let settings = [
        "--aggregate",
        "--max-buffered-time",
        "--collection-max-count",
        "--aggregation-max-size",
        "--record-ttl",
        "--rate-limit",
    ];
    let given = settings
        .iter()
        .find(|o| args.has(o) || args.get(o).is_some());
    let mut kpl = match (args.has("--kpl"), current, given) {
        (true, current, _) => current.unwrap_or_default(),
        (false, Some(current), _) => current,
        (false, None, Some(option)) => {
            return Err(format!("{option} is a KPL setting: add --kpl"));
        }
        (false, None, None) => return Ok(()),
    };
    if args.get("--batch").is_some() || args.get("--linger").is_some() {
        return Err("--kpl collects by --collection-max-count and --max-buffered-time, not --batch and --linger".into());
    }
    if args.has("--aggregate") {
        kpl.aggregation_enabled = true;
    }
    if let Some(ms) = args.duration("--max-buffered-time")? {
        kpl.record_max_buffered_time_ms = ms;
    }
    if let Some(n) = args.number::<u32>("--collection-max-count")? {
        kpl.collection_max_count = n;
    }
    if let Some(n) = args.number::<u64>("--aggregation-max-size")? {
        kpl.aggregation_max_size = n;
    }
    if let Some(ms) = args.duration("--record-ttl")? {
        kpl.record_ttl_ms = ms;
    }
    if let Some(n) = args.number::<u32>("--rate-limit")? {
        kpl.rate_limit = n;
    }
    config.batching = Batching::Kpl(kpl);
    Ok(())
}

/// The subcommand `words` start with and the rest read against it; the error to print if
/// either fails.
fn read(
    prefix: &str,
    command: &'static Command,
    words: &[String],
) -> Result<(&'static str, Args), Outcome> {
    let (sub, rest) = command
        .find_subcommand(words)
        .map_err(|message| fail(prefix, message))?;
    let path = format!("{prefix} {}", sub.name);
    let args = Args::parse(&path, sub, Some(command), rest)
        .and_then(|args| args.check().map(|_| args))
        .map_err(|message| fail(command.name, message))?;
    Ok((sub.name, args))
}

pub fn producer(world: &mut World, words: &[String]) -> Outcome {
    let (sub, args) = match read("producer", &PRODUCER, words) {
        Ok(read) => read,
        Err(outcome) => return outcome,
    };
    let name = args.word(0).unwrap_or_default().to_string();
    let result = match sub {
        "add" => {
            let stream = args.get("--stream").unwrap_or_default();
            let rate = args.get("--rate").unwrap_or_default();
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
        _ => args.word(1).and_then(parse_duration).and_then(|ms| {
            world
                .pause_producer(&name, Some(ms))
                .map(|_| format!("producer {name} paused for {ms} ms"))
        }),
    };
    match result {
        Ok(text) => ok(text),
        Err(message) => fail("producer", message),
    }
}

pub fn consumer(world: &mut World, words: &[String]) -> Outcome {
    let (sub, args) = match read("consumer", &CONSUMER, words) {
        Ok(read) => read,
        Err(outcome) => return outcome,
    };
    let name = args.word(0).unwrap_or_default().to_string();
    let result = match sub {
        "add" => (|| -> Result<String, String> {
            let stream = args.get("--stream").unwrap_or_default();
            let shard = args.get("--shard-id").unwrap_or_default();
            let at = match args.get("--timestamp") {
                Some(t) => Some(parse_timestamp(t).ok_or_else(|| format!("'{t}' is not a time"))?),
                None => None,
            };
            let kind = args.get("--shard-iterator-type").unwrap_or("LATEST");
            let start =
                StartPosition::parse(kind, at.map(|s| (s * 1000.0) as u64)).ok_or_else(|| {
                    let choices = args
                        .option("--shard-iterator-type")
                        .and_then(|option| option.value)
                        .map(|value| value.describe())
                        .unwrap_or_default();
                    format!("--shard-iterator-type is {choices} (with --timestamp), not '{kind}'")
                })?;
            let mut config = ConsumerConfig::new(stream, shard, start);
            if let Some(idle) = args.duration("--idle")? {
                config.idle_ms = idle;
            }
            if let Some(limit) = args.number::<usize>("--limit")? {
                config.limit = limit;
            }
            config.efo = args.has("--efo");
            world.add_consumer(&name, config)?;
            let how = if args.has("--efo") {
                " with enhanced fan-out"
            } else {
                ""
            };
            Ok(format!(
                "consumer {name}: reading {shard} of {stream} from {kind}{how}"
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
        _ => args.word(1).and_then(parse_duration).and_then(|ms| {
            world
                .pause_consumer(&name, Some(ms))
                .map(|_| format!("consumer {name} paused for {ms} ms"))
        }),
    };
    match result {
        Ok(text) => ok(text),
        Err(message) => fail("consumer", message),
    }
}

/// The error for a word that is not one of an option's choices: `--retry is none or
/// backoff, not 'x'`.
fn choice_error(args: &Args, flag: &str, given: &str) -> String {
    match args.option(flag) {
        Some(option) => option.not_one_of(given),
        None => format!("{flag} does not take '{given}'"),
    }
}

fn kcl_config(args: &Args) -> Result<KclConfig, String> {
    args.check()?;
    let mut config = KclConfig::new(args.get("--stream").unwrap_or_default());
    if let Some(policy) = args.get("--checkpoint") {
        config.checkpoint = match args.form_of("--checkpoint") {
            Some((checkpoint::EVERY, n)) => {
                CheckpointPolicy::EveryRecords(n.parse().map_err(|_| {
                    format!(
                        "'{policy}': {} needs a number of records",
                        checkpoint::EVERY
                    )
                })?)
            }
            Some((checkpoint::INTERVAL, t)) => CheckpointPolicy::Interval(parse_duration(t)?),
            Some((checkpoint::BATCH, _)) => CheckpointPolicy::EachBatch,
            Some((checkpoint::NEVER, _)) => CheckpointPolicy::Never,
            _ => return Err(choice_error(args, "--checkpoint", policy)),
        };
    }
    if let Some(failover) = args.duration("--failover")? {
        config.failover_time_millis = failover;
    }
    if let Some(given) = args.get("--initial-position") {
        config.initial_position = match given {
            position::LATEST => InitialPosition::Latest,
            position::TRIM_HORIZON => InitialPosition::TrimHorizon,
            position::AT_TIMESTAMP => {
                let t = args
                    .get("--timestamp")
                    .ok_or("AT_TIMESTAMP needs --timestamp")?;
                let seconds = parse_timestamp(t).ok_or_else(|| format!("'{t}' is not a time"))?;
                InitialPosition::AtTimestamp((seconds * 1000.0) as u64)
            }
            other => return Err(choice_error(args, "--initial-position", other)),
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
    if let Some(given) = args.get("--retrieval") {
        config.retrieval = match given {
            retrieval::POLLING => Retrieval::Polling,
            retrieval::FAN_OUT => Retrieval::FanOut,
            other => return Err(choice_error(args, "--retrieval", other)),
        };
    }
    if let Some(n) = args.number::<usize>("--max-leases-for-worker")? {
        config.max_leases_for_worker = n;
    }
    if let Some(n) = args.number::<usize>("--max-leases-to-steal")? {
        config.max_leases_to_steal_at_one_time = n;
    }
    config.version = match args.get("--version") {
        None => DEFAULT_KCL_VERSION,
        Some(kcl_version::V2) => 2,
        Some(kcl_version::V3) => 3,
        Some(given) => return Err(choice_error(args, "--version", given)),
    };
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
    let (what, rest) = match KCL.find_subcommand(words) {
        Ok(found) => found,
        Err(message) => return fail("kcl", message),
    };
    let prefix = format!("kcl {}", what.name);
    let (sub, rest) = match what.find_subcommand(rest) {
        Ok(found) => found,
        Err(message) => return fail(&prefix, message),
    };
    let path = format!("{prefix} {}", sub.name);
    let result = if what.name == "app" && sub.name == "set" {
        (|| -> Result<String, String> {
            let args = Args::parse(&path, sub, Some(what), rest)?;
            let name = args.word(0)?.to_string();
            let retrieval = match args.get("--retrieval").unwrap_or_default() {
                "polling" => Retrieval::Polling,
                _ => Retrieval::FanOut,
            };
            let restarted = world.redeploy_kcl_app(&name, retrieval)?;
            Ok(format!(
                "KCL application {name} redeployed to read with {}: {restarted} worker(s) restarted from their checkpoints",
                match retrieval {
                    Retrieval::Polling => "polling (GetRecords)",
                    Retrieval::FanOut => "enhanced fan-out",
                }
            ))
        })()
    } else if what.name == "app" {
        (|| -> Result<String, String> {
            let args = Args::parse(&path, sub, Some(what), rest)?;
            let name = args.word(0)?.to_string();
            let workers = args.number::<usize>("--workers")?.unwrap_or(1);
            let config = kcl_config(&args)?;
            let stream = config.stream.clone();
            world.add_kcl_app(&name, config, workers)?;
            Ok(format!(
                "KCL application {name}: {workers} worker(s) reading {stream}"
            ))
        })()
    } else {
        (|| -> Result<String, String> {
            let args = Args::parse(&path, sub, Some(what), rest)?;
            let target = args.word(0)?;
            match sub.name {
                "add" => {
                    let id = world.add_worker(target, args.optional_word(1))?;
                    Ok(format!("worker {target}/{id} started"))
                }
                "kill" => {
                    let (app, id) = app_and_worker(target)?;
                    world.kill_worker(app, id)?;
                    Ok(format!("worker {app}/{id} killed"))
                }
                "pause" => {
                    let (app, id) = app_and_worker(target)?;
                    let ms = parse_duration(args.word(1)?)?;
                    world.pause_worker(app, id, ms)?;
                    Ok(format!("worker {app}/{id} paused for {ms} ms"))
                }
                "restart" => {
                    let (app, id) = app_and_worker(target)?;
                    let new_id = world.restart_worker(app, id, args.optional_word(1))?;
                    Ok(format!("worker {app}/{new_id} started"))
                }
                "load" => {
                    let (app, id) = app_and_worker(target)?;
                    let given = args.word(1)?;
                    let percent: f64 = given
                        .trim_end_matches('%')
                        .parse()
                        .map_err(|_| format!("'{given}' is not a percentage from 0 to 100"))?;
                    world.set_worker_load(app, id, percent)?;
                    Ok(format!(
                        "worker {app}/{id}: background load {percent}% of its CPU"
                    ))
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

/// `sim describe`, `sim time`, `sim cost`, `sim limits` (`sim seed` needs the runner: it replaces the world).
pub fn sim(world: &mut World, words: &[String]) -> Outcome {
    let (sub, rest) = match SIM.find_subcommand(words) {
        Ok(found) => found,
        Err(message) => return fail("sim", message),
    };
    let path = format!("sim {}", sub.name);
    match sub.name {
        "describe" => {
            let args = match Args::parse(&path, sub, Some(&SIM), rest) {
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
        "cost" => ok(world.bill().render()),
        "limits" => {
            let args = match Args::parse(&path, sub, Some(&SIM), rest) {
                Ok(args) => args,
                Err(message) => return fail("sim", message),
            };
            let result = (|| -> Result<String, String> {
                args.check()?;
                let stream = args.get("--stream").unwrap_or_default();
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
        "cli" => {
            let args = match Args::parse(&path, sub, Some(&SIM), rest) {
                Ok(args) => args,
                Err(message) => return fail("sim", message),
            };
            match args.word(0) {
                Ok("v1") => {
                    world.set_cli_version(CliVersion::V1);
                    ok("aws commands now behave as AWS CLI v1 (1.x): --data is raw text; errors exit with 255".to_string())
                }
                Ok("v2") => {
                    world.set_cli_version(CliVersion::V2);
                    ok("aws commands now behave as AWS CLI v2 (2.x): --data is base64 unless --cli-binary-format raw-in-base64-out; errors exit with 254, usage errors with 252".to_string())
                }
                Ok(other) => fail("sim", format!("sim cli takes v1 or v2, not '{other}'")),
                Err(message) => fail("sim", message),
            }
        }
        _ => fail("sim", "sim seed is handled by the script runner"),
    }
}
