//! Entry points for untrusted input, shared by the fuzz targets (`fuzz/`), the corpus replay
//! test (`tests/hardening.rs`) and the property tests.
//!
//! Each function takes bytes as an attacker (or a careless instructor) would supply them and
//! must return: no panic, no hang, no allocation that grows with a number written in the
//! input. Time is bounded the way the page bounds it: a script's waits run only up to a
//! simulated-time budget (the page runs long waits over many frames, see
//! [`crate::session::Session::frame`]), and a link is replayed for a bounded number of frames.
//!
//! The functions return a short summary so that a caller can tell inputs apart (and so the
//! optimiser cannot discard the work), nothing more.

use serde_json::Value;

use crate::engine::metrics::Metric;
use crate::engine::{Config, Kinesis, ACTIONS};
use crate::script::{Entry, Pause, Runner};
use crate::session::Session;
use crate::sim::World;

/// How much simulated time a fuzzed script may use. Long enough for producers to throttle,
/// a reshard to finish and a KCL lease to move; short enough for thousands of inputs a second.
pub const SCRIPT_BUDGET_MS: u64 = 90_000;
/// Records a fuzzed script may have the world store before it is stopped.
pub const MAX_RECORDS: u64 = 200_000;
/// Records a fuzzed script's producers may offer (stored or throttled) before it is stopped:
/// a producer of a million records a second on a throttled stream stores little but costs a
/// write attempt per record, so stored records alone do not bound the work.
pub const MAX_OFFERED: u64 = 5_000_000;
/// User records a fuzzed script's KPL producers may make before it is stopped: the KPL
/// handles each one (buffers, aggregates, encodes; the KCL decodes them again), and thousands
/// pack into one Kinesis record, so the Kinesis records offered do not bound its work. The
/// kpl-aggregation lesson (4,000 a second) took 11 s of a fuzz build's 10 s timeout without it.
pub const MAX_KPL_USER_RECORDS: u64 = 50_000;
/// Frames a fuzzed link is replayed for (each catches up 5 s of simulated time natively).
pub const LINK_FRAMES: usize = 12;
/// Kinesis calls one fuzz input may make.
pub const MAX_CALLS: usize = 64;
/// The shard quota of a fuzzed script's account: AWS's default quota in its largest regions
/// (200 elsewhere; Shardlab's own default is 20,000). Every `sim describe` and every check of a
/// `wait until` or `task` condition builds a snapshot of the whole world, about 15 us a shard
/// natively: with 20,000 shards, a task checking its condition every second for the budget's
/// 90 s took 30 s (a fuzz timeout); with 500 shards the same script takes under a second. A
/// big stream's cost on the page is measured elsewhere (issue 20).
pub const SCRIPT_SHARD_LIMIT: u32 = 500;

/// Parses `data` as a scenario script and runs it in a fresh world until it ends or its
/// waits would pass [`SCRIPT_BUDGET_MS`]. Returns the number of transcript entries.
pub fn script(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    script_text(&text, SCRIPT_BUDGET_MS).len()
}

/// [`script`] for text, with a budget of simulated time; returns the transcript.
pub fn script_text(text: &str, budget_ms: u64) -> Vec<Entry> {
    let Ok(mut runner) = Runner::new(text) else {
        return Vec::new();
    };
    let config = Config {
        shard_limit: SCRIPT_SHARD_LIMIT,
        ..Config::default()
    };
    let mut world = World::with_config(text.len() as u64, config);
    let deadline = world.now_ms().saturating_add(budget_ms);
    let mut out = Vec::new();
    loop {
        match runner.run_until_pause(&mut world, &mut out) {
            Pause::Done => break,
            // A task is done as `shardlab run` does it: its --show line at once.
            Pause::Wait { .. } if runner.show_task(&mut world, &mut out) => {}
            Pause::Wait { until_ms } => {
                if until_ms > deadline {
                    break;
                }
                // In one-second slices, stopping early once the world has done a budget's
                // worth of work (a million-record-a-second producer is legal; simulating a
                // minute of it is not what a fuzz input is for).
                while world.now_ms() < until_ms {
                    world.advance_to(until_ms.min(world.now_ms() + 1_000));
                    if records_stored(&world) > MAX_RECORDS
                        || records_offered(&world) > MAX_OFFERED
                        || kpl_user_records(&world) > MAX_KPL_USER_RECORDS
                    {
                        return out;
                    }
                }
            }
            Pause::Step { .. } | Pause::Ask { .. } => {}
        }
    }
    // What the page draws must be computable from whatever state the script left.
    let _ = world.snapshot();
    out
}

/// Records every stream in the world has stored (trimmed ones included).
fn records_stored(world: &World) -> u64 {
    world
        .kinesis()
        .streams()
        .flat_map(|stream| stream.shards.iter())
        .map(|shard| shard.next_seq_ix.saturating_sub(1))
        .sum()
}

/// User records the world's KPL producers were given.
fn kpl_user_records(world: &World) -> u64 {
    world
        .producers()
        .filter_map(|p| p.kpl.as_ref())
        .map(|k| k.counters.user_records)
        .fold(0, u64::saturating_add)
}

/// Records every stream in the world was asked to store, accepted or throttled.
fn records_offered(world: &World) -> u64 {
    world
        .kinesis()
        .streams()
        .flat_map(|stream| stream.shards.iter())
        .map(|shard| {
            let totals = shard.metrics.totals();
            totals[Metric::IncomingRecords as usize]
                .saturating_add(totals[Metric::WriteProvisionedThroughputExceeded as usize])
        })
        .fold(0, u64::saturating_add)
}

/// Runs a sequence of Kinesis API calls read from `data`, one per line:
/// `ACTION JSON` (an action name, or `#N` for the Nth known action, then the body), or
/// `+MS` to let simulated time pass. A body that is not JSON is sent as a JSON string, so the
/// engine sees every kind of value. Returns how many calls succeeded.
pub fn kinesis_calls(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    let mut kinesis = Kinesis::new(Config::default());
    let mut now: u64 = 1_700_000_000_000;
    let mut ok = 0;
    // A stream to work on, so calls get past "stream not found".
    let _ = kinesis.call(
        now,
        "CreateStream",
        &serde_json::json!({"StreamName": "s", "ShardCount": 3}),
    );
    now += 10_000;
    let mut iterators: Vec<String> = Vec::new();
    for line in text.lines().take(MAX_CALLS) {
        if let Some(ms) = line.strip_prefix('+') {
            now = now.saturating_add(ms.trim().parse::<u64>().unwrap_or(1_000).min(86_400_000));
            continue;
        }
        let (name, body) = line.split_once(' ').unwrap_or((line, "{}"));
        let action = match name.strip_prefix('#').map(str::parse::<usize>) {
            Some(Ok(n)) => ACTIONS[n % ACTIONS.len()],
            _ => name,
        };
        let mut body: Value =
            serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_string()));
        // `"$IT"` stands for the last iterator returned, so GetRecords gets real ones too.
        if let (Some(object), Some(last)) = (body.as_object_mut(), iterators.last()) {
            if object.get("ShardIterator").and_then(Value::as_str) == Some("$IT") {
                object.insert("ShardIterator".into(), Value::String(last.clone()));
            }
        }
        match kinesis.call(now, action, &body) {
            Ok(answer) => {
                ok += 1;
                for key in ["ShardIterator", "NextShardIterator"] {
                    if let Some(it) = answer.get(key).and_then(Value::as_str) {
                        iterators.push(it.to_string());
                    }
                }
                // Answers are what the CLI prints: they must serialize.
                let _ = serde_json::to_string(&answer);
            }
            Err(error) => {
                // Every error has AWS's name and a message, and serializes as AWS's body.
                assert!(!error.kind().is_empty());
                let _ = serde_json::to_string(&error);
            }
        }
        now += 1;
    }
    ok
}

/// Opens the page's session on `data` as a URL fragment (a shared link), replays it for
/// [`LINK_FRAMES`] frames, plays a few more and builds the view the page would draw.
/// Returns the simulated time reached.
pub fn url_fragment(data: &[u8]) -> u64 {
    let fragment = String::from_utf8_lossy(data);
    let mut session = Session::from_fragment(&fragment);
    for _ in 0..LINK_FRAMES {
        if !session.catching_up() || records_stored(&session.world) > MAX_RECORDS {
            break;
        }
        session.frame(16.0);
    }
    for _ in 0..3 {
        session.frame(100.0);
    }
    let view = session.view();
    // The link the page would offer to share is readable again.
    let again = session.link().encode();
    assert!(
        crate::session::Link::decode(&again).is_ok(),
        "a session's own link does not decode: {again}"
    );
    view.elapsed_ms
}

/// Grammar-aware script generation: `data` picks commands from the scenario language's
/// templates and fills their slots with values chosen to sit on and beyond every limit
/// (0, -1, the maximum, huge numbers, empty strings, unicode, unknown names). The script is
/// then run by [`script_text`]. Returns the script, for reproducing a failure.
pub fn grammar_script(data: &[u8]) -> String {
    let mut bytes = data.iter().copied();
    let mut next = move || bytes.next();
    let mut lines = vec![
        "aws kinesis create-stream --stream-name s --shard-count 2".to_string(),
        "wait 3s".to_string(),
    ];
    while let (Some(pick), Some(a), Some(b)) = (next(), next(), next()) {
        let template = TEMPLATES[pick as usize % TEMPLATES.len()];
        let line = template
            .replacen("{N}", NUMBERS[a as usize % NUMBERS.len()], 1)
            .replacen("{N}", NUMBERS[b as usize % NUMBERS.len()], 1)
            .replacen("{S}", SHARDS[a as usize % SHARDS.len()], 1)
            .replacen("{S}", SHARDS[b as usize % SHARDS.len()], 1)
            .replacen("{T}", TEXTS[b as usize % TEXTS.len()], 1)
            .replacen("{D}", DURATIONS[a as usize % DURATIONS.len()], 1)
            .replacen("{K}", KEYS[b as usize % KEYS.len()], 1);
        lines.push(line);
        if lines.len() > 60 {
            break;
        }
    }
    // A recap ends a script: nothing may follow it.
    if data.len() % 2 == 1 {
        lines.push("recap \"That was the scenario.\"".to_string());
    }
    lines.join("\n")
}

const TEMPLATES: &[&str] = &[
    "aws kinesis create-stream --stream-name {T} --shard-count {N}",
    "aws kinesis put-record --stream-name s --partition-key {T} --data {T}",
    "aws kinesis put-record --stream-name s --partition-key k --data x --explicit-hash-key {N}",
    "aws kinesis put-records --stream-name s --records Data=x,PartitionKey={T} Data={T},PartitionKey=b",
    "aws kinesis split-shard --stream-name s --shard-to-split {S} --new-starting-hash-key {N}",
    "aws kinesis merge-shards --stream-name s --shard-to-merge {S} --adjacent-shard-to-merge {S}",
    "aws kinesis update-shard-count --stream-name s --target-shard-count {N} --scaling-type UNIFORM_SCALING",
    "aws kinesis increase-stream-retention-period --stream-name s --retention-period-hours {N}",
    "aws kinesis decrease-stream-retention-period --stream-name s --retention-period-hours {N}",
    "IT=$(aws kinesis get-shard-iterator --stream-name s --shard-id {S} --shard-iterator-type {T} --query ShardIterator --output text)",
    "aws kinesis get-records --shard-iterator $IT --limit {N}",
    "aws kinesis list-shards --stream-name s --max-results {N} --query 'Shards[].ShardId'",
    "aws kinesis describe-stream --stream-name s --query {T}",
    "producer add p{N} --stream s --rate {N} --keys {K} --size {N}",
    "producer set p{N} --rate {N} --batch {N} --linger {D} --retry backoff --attempts {N}",
    "producer pause p{N} {D}",
    "producer remove p{N}",
    "consumer add c{N} --stream s --shard-id {S} --limit {N} --idle {D}",
    "consumer pause c{N} {D}",
    "kcl app add a --stream s --workers {N} --checkpoint every:{N} --failover {D}",
    "kcl app add b --stream s --workers {N} --checkpoint {T} --processing {D} --max-leases-for-worker {N}",
    "kcl worker add a",
    "kcl worker kill a/worker-{N}",
    "kcl worker pause a/worker-{N} {D}",
    "kcl worker restart a/worker-{N} {T}",
    "kcl worker remove a/worker-{N}",
    "sim limits --stream s --write-records {N} --read-calls {N}",
    "sim describe --query {T}",
    "wait {D}",
    "sleep {N}",
    "at {D}",
    "wait until throttled s --timeout {D} --every {D}",
    "wait until lease a {S} moves --timeout {D}",
    "expect {T} == {N}",
    "say {T}",
    "step {T}",
    "ask \"{T}\" \"a\" \"b\" answer {N}",
    "X=$(sim describe --query {T} --output text)",
    "echo $X {T}",
    "wait {D} --fast",
    "task \"{T}\" until throttled s --hint-after {D} \"{T}\" --show \"producer add p{N} --stream s --rate {N}\"",
    "task {T} until status s {T} --show \"aws kinesis split-shard --stream-name s --shard-to-split {S} --new-starting-hash-key {N}\"",
    "point shard {S}",
    "point {T} {T}",
    "point chart {T}",
    "show stream {T}",
    "show all",
];

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "-1",
    "500",
    "1000",
    "10000",
    "100000",
    "100000000",
    "4294967296",
    "18446744073709551616",
    "340282366920938463463374607431768211455",
    "340282366920938463463374607431768211456",
    "1e308",
    "NaN",
    "0.5",
    "",
    "abc",
];

const SHARDS: &[&str] = &[
    "shardId-000000000000",
    "shardId-000000000001",
    "shardId-000000000002",
    "shardId-000000000003",
    "shardId-000000000007",
    "0",
    "1",
    "shardId-999999999999",
    "shardId-",
    "''",
];

const TEXTS: &[&str] = &[
    "s",
    "a",
    "user-42",
    "héllo",
    "''",
    "TRIM_HORIZON",
    "LATEST",
    "AT_SEQUENCE_NUMBER",
    "batch",
    "never",
    "'Shards[0]'",
    "'['",
    "\"unterminated",
    "$(",
    "$UNDEFINED",
    "🦀🦀🦀",
    "x\\y",
    "--stream-name",
];

const DURATIONS: &[&str] = &[
    "0ms", "1ms", "100ms", "1s", "5s", "30s", "2m", "1h", "25h", "400d", "401d", "1e9h", "-1s",
    "s", "1.5s",
];

const KEYS: &[&str] = &[
    "uniform:1",
    "uniform:0",
    "uniform:100000000",
    "random",
    "zipf:1.1:100",
    "zipf:-1:0",
    "zipf:1e308:5",
    "hot:k:0.9",
    "hot:k:2:100",
    "hot:k:NaN:1",
    "nonsense",
];

/// The long run: a 16-shard stream written at 2,000 records/s for a simulated day by three
/// producers, read by two KCL applications of four workers each, with faults every hour (a
/// worker crash and restart, a long pause, a hot-key burst that throttles a shard, a split
/// and the merge that undoes it, a producer outage). Used by `benches/long_run.rs` natively
/// and `tests/browser_long_run.rs` in the browser to show that memory stays bounded: records
/// older than retention are trimmed, metrics fall from one-second to one-minute periods after
/// 15 minutes, the event log keeps its last 20,000 events.
pub struct LongRun {
    pub world: World,
    /// Simulated hours run so far.
    pub hours: u64,
    /// Simulated minutes run so far.
    pub minutes: u64,
}

/// What the long run holds at a moment, for the reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LongRunStats {
    pub hours: u64,
    /// Records acknowledged since the start.
    pub acknowledged: u64,
    /// Records the stream holds now (within retention).
    pub stored: u64,
    /// Chunks of the record logs (what their memory grows with).
    pub chunks: u64,
    /// Records the applications processed.
    pub processed: u64,
    /// Events the event log keeps.
    pub events_kept: u64,
}

impl LongRun {
    pub const STREAM: &'static str = "orders";
    pub const SHARDS: u32 = 16;

    pub fn new(seed: u64) -> LongRun {
        use crate::kcl::{CheckpointPolicy, InitialPosition, KclConfig};
        use crate::sim::{Batching, KeyDistribution, ProducerConfig};
        let mut world = World::new(seed);
        world
            .call(
                "CreateStream",
                &serde_json::json!({"StreamName": Self::STREAM, "ShardCount": Self::SHARDS}),
            )
            .expect("a 16-shard stream");
        world.advance_by(world.kinesis().config().create_duration_ms);
        let web = ProducerConfig {
            keys: KeyDistribution::Uniform(100_000),
            batching: Batching::PutRecords {
                batch_size: 500,
                linger_ms: 100,
            },
            ..ProducerConfig::new(Self::STREAM, 1_500.0)
        };
        let mobile = ProducerConfig {
            keys: KeyDistribution::Zipf { s: 1.1, n: 5_000 },
            ..ProducerConfig::new(Self::STREAM, 450.0)
        };
        let viral = ProducerConfig {
            keys: KeyDistribution::Hot {
                key: "user-42".into(),
                fraction: 0.5,
                n: 1_000,
            },
            ..ProducerConfig::new(Self::STREAM, 50.0)
        };
        for (name, config) in [("web", web), ("mobile", mobile), ("viral", viral)] {
            world.add_producer(name, config).expect("a valid producer");
        }
        let analytics = KclConfig {
            initial_position: InitialPosition::TrimHorizon,
            checkpoint: CheckpointPolicy::EveryRecords(1_000),
            ..KclConfig::new(Self::STREAM)
        };
        let billing = KclConfig {
            initial_position: InitialPosition::Latest,
            checkpoint: CheckpointPolicy::Interval(10_000),
            ..KclConfig::new(Self::STREAM)
        };
        world
            .add_kcl_app("analytics", analytics, 4)
            .expect("an application");
        world
            .add_kcl_app("billing", billing, 4)
            .expect("an application");
        LongRun {
            world,
            hours: 0,
            minutes: 0,
        }
    }

    /// One simulated hour, minute by minute, with that hour's faults.
    pub fn hour(&mut self) {
        for _ in 0..60 {
            self.minute();
        }
    }

    /// One simulated minute, after that minute's fault if it has one.
    pub fn minute(&mut self) {
        use crate::sim::{KeyDistribution, ProducerConfig};
        let hour = self.minutes / 60;
        let minute = self.minutes % 60;
        match minute {
            10 => {
                let _ = self.world.kill_worker("analytics", "worker-1");
            }
            12 => {
                let _ = self.world.restart_worker("analytics", "worker-1", None);
            }
            20 => {
                // Longer than failoverTimeMillis: a zombie, then it loses its leases.
                let _ = self.world.pause_worker("billing", "worker-2", 30_000);
            }
            25 => {
                // A hot key burst: the shard of user-42 throttles for five minutes.
                let burst = ProducerConfig {
                    keys: KeyDistribution::Hot {
                        key: "user-42".into(),
                        fraction: 0.9,
                        n: 1_000,
                    },
                    ..ProducerConfig::new(Self::STREAM, 1_200.0)
                };
                let _ = self.world.set_producer("viral", burst);
            }
            30 => {
                let calm = ProducerConfig {
                    keys: KeyDistribution::Hot {
                        key: "user-42".into(),
                        fraction: 0.5,
                        n: 1_000,
                    },
                    ..ProducerConfig::new(Self::STREAM, 50.0)
                };
                let _ = self.world.set_producer("viral", calm);
            }
            35 if hour.is_multiple_of(3) => {
                let _ = self.split_widest();
            }
            45 if hour.is_multiple_of(3) => {
                let _ = self.merge_narrowest();
            }
            50 => {
                let _ = self.world.pause_producer("mobile", Some(60_000));
            }
            _ => {}
        }
        self.world.advance_by(60_000);
        self.minutes += 1;
        self.hours = self.minutes / 60;
    }

    /// Splits the open shard with the widest range in half.
    fn split_widest(&mut self) -> Result<(), String> {
        let stream = self
            .world
            .kinesis()
            .stream(Self::STREAM)
            .ok_or("no stream")?;
        let widest = stream
            .open_shards()
            .max_by_key(|s| {
                (
                    s.range.ending_hash_key - s.range.starting_hash_key,
                    std::cmp::Reverse(s.index),
                )
            })
            .ok_or("no open shard")?;
        let key = widest.range.starting_hash_key
            + (widest.range.ending_hash_key - widest.range.starting_hash_key) / 2
            + 1;
        let body = serde_json::json!({"StreamName": Self::STREAM, "ShardToSplit": widest.id(), "NewStartingHashKey": key.to_string()});
        self.world
            .call("SplitShard", &body)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Merges the two adjacent open shards whose ranges together are the narrowest.
    fn merge_narrowest(&mut self) -> Result<(), String> {
        let stream = self
            .world
            .kinesis()
            .stream(Self::STREAM)
            .ok_or("no stream")?;
        let mut open: Vec<(u128, u128, String)> = stream
            .open_shards()
            .map(|s| (s.range.starting_hash_key, s.range.ending_hash_key, s.id()))
            .collect();
        open.sort();
        let pair = open
            .windows(2)
            .min_by_key(|w| w[1].1 - w[0].0)
            .ok_or("one shard")?;
        let body = serde_json::json!({"StreamName": Self::STREAM, "ShardToMerge": pair[0].2, "AdjacentShardToMerge": pair[1].2});
        self.world
            .call("MergeShards", &body)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    pub fn stats(&self) -> LongRunStats {
        let shards = self
            .world
            .kinesis()
            .stream(Self::STREAM)
            .map(|s| s.shards.as_slice())
            .unwrap_or_default();
        LongRunStats {
            hours: self.hours,
            acknowledged: self.world.producers().map(|p| p.counters.succeeded).sum(),
            stored: shards.iter().map(|s| s.records.len() as u64).sum(),
            chunks: shards.iter().map(|s| s.records.chunk_count() as u64).sum(),
            processed: self.world.apps().map(|a| a.stats.processed).sum(),
            events_kept: self.world.log().len() as u64,
        }
    }
}

/// Requests one fuzz input may send to the endpoint.
#[cfg(not(target_arch = "wasm32"))]
pub const MAX_REQUESTS: usize = 32;

/// Sends `data` to `shardlab endpoint`'s request path as up to [`MAX_REQUESTS`] requests, one
/// after another 100 simulated ms apart, through the wire codec and the owner's session, as
/// the server hands them over. Each request is six lines and a body, ended by `\n\0\n`:
///
/// ```text
/// METHOD\nURI\nCONTENT-TYPE\nTARGET\nAUTHORIZATION\nDATE\nBODY...\n\0\n
/// ```
///
/// `-` is an absent header; a target `#n` is the engine's n-th action, and an authorization
/// `+` a complete SigV4 header, so inputs reach the engine easily; a header that is not
/// visible ASCII counts as absent, as the server reads it. Every answer must be AWS-shaped:
/// a status AWS uses, a request id, and for an error a JSON body with `__type`, an XML body,
/// or a CBOR one. Returns how many requests were answered 200.
#[cfg(not(target_arch = "wasm32"))]
pub fn endpoint_requests(data: &[u8]) -> usize {
    use crate::endpoint::owner::{Body, Head, Owner};
    use crate::endpoint::wire::{AMZ_CBOR, MAX_BODY_BYTES};
    use crate::endpoint::Options;

    let header = |line: &[u8]| -> Option<String> {
        let text = std::str::from_utf8(line).ok()?;
        let visible = text
            .bytes()
            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b));
        (visible && text != "-").then(|| text.to_string())
    };
    let mut owner = Owner::new(&Options::default(), Box::new(std::io::sink()));
    let mut ok = 0;
    for (n, request) in requests(data).into_iter().take(MAX_REQUESTS).enumerate() {
        let mut lines = request.splitn(7, |b| *b == b'\n');
        let mut next = || lines.next().unwrap_or_default();
        let method = header(next()).unwrap_or_else(|| "POST".into());
        let uri = header(next()).unwrap_or_else(|| "/".into());
        let content_type = header(next());
        let target = header(next()).map(|t| match t.strip_prefix('#').map(str::parse::<usize>) {
            Some(Ok(i)) => format!("Kinesis_20131202.{}", ACTIONS[i % ACTIONS.len()]),
            _ => t,
        });
        let authorization = header(next()).map(|a| match a.as_str() {
            "+" => "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, \
                    SignedHeaders=host, Signature=00"
                .to_string(),
            _ => a,
        });
        let has_date = next() != b"0";
        let body = next().to_vec();
        let head = Head {
            method,
            uri,
            content_type,
            target,
            authorization,
            has_date,
        };
        let body = match body.len() > MAX_BODY_BYTES {
            true => Body::TooLarge(body.len()),
            false => Body::Read(body),
        };
        let response = owner.answer_at(n as u64 * 100, &head, body);
        assert!(
            [200, 400, 403, 404, 413, 500].contains(&response.status),
            "status {}",
            response.status
        );
        assert!(response.header("x-amzn-RequestId").is_some());
        if response.status == 200 {
            ok += 1;
            continue;
        }
        let shaped = match response.header("content-type") {
            Some(AMZ_CBOR) => !response.body.is_empty(),
            _ => match serde_json::from_slice::<Value>(&response.body) {
                Ok(body) => body.get("__type").is_some_and(Value::is_string),
                Err(_) => response.body.starts_with(b"<"),
            },
        };
        assert!(
            shaped,
            "not AWS-shaped: {:?}",
            String::from_utf8_lossy(&response.body)
        );
    }
    ok
}

/// A fuzz input's requests: the parts between `\n\0\n` separators.
#[cfg(not(target_arch = "wasm32"))]
fn requests(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(3).position(|w| w == b"\n\0\n") {
        parts.push(&rest[..at]);
        rest = &rest[at + 3..];
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    parts
}
