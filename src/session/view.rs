//! What the page draws, computed from the world once per frame.
//!
//! Rates are for the last complete simulated second, from the same CloudWatch-named metrics
//! the engine keeps, so a gauge shows exactly what CloudWatch would have counted.

use serde::Serialize;

use super::captions::TimeState;
pub use super::lesson::{AnsweredView, LessonView, Narration, NarrationLine, Question};
use super::Session;
use crate::engine::metrics::Metric;
use crate::engine::{hash_key_of, shard_id, LineageNode, ShardLimits, Stream, StreamStatus};
use crate::sim::producer::ProducerSeries;
use crate::sim::World;

/// One shard as the stream view draws it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShardView {
    pub id: String,
    pub index: u32,
    pub starting_hash_key: u128,
    pub ending_hash_key: u128,
    /// The share of the hash key space the shard owns (0 to 1).
    pub width: f64,
    /// Where its range starts, as a share of the space (0 to 1).
    pub offset: f64,
    pub open: bool,
    pub incoming_records: u64,
    pub incoming_bytes: u64,
    pub read_calls: u64,
    pub read_bytes: u64,
    pub write_throttled: u64,
    pub read_throttled: u64,
    pub write_throttled_total: u64,
    pub read_throttled_total: u64,
    /// Throttled a write in the last two seconds.
    pub throttling: bool,
    pub records_held: u64,
    pub limits: ShardLimits,
}

/// The stream on screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StreamView {
    pub name: String,
    /// Serialized as the API writes it (`"ACTIVE"`).
    pub status: StreamStatus,
    /// Open shards, in hash key order.
    pub shards: Vec<ShardView>,
    /// Every shard ever, for the family tree.
    pub lineage: Vec<LineageNode>,
    pub retention_hours: u32,
}

/// A producer on screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProducerView {
    pub name: String,
    pub stream: String,
    pub rate: f64,
    pub keys: String,
    pub paused: bool,
    pub sent: u64,
    pub succeeded: u64,
    pub throttled: u64,
    pub failed: u64,
    /// Records sent, and refused by a shard, in the last complete second.
    pub sent_per_second: u64,
    pub throttled_per_second: u64,
}

/// A frequent partition key and where it goes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HotKey {
    pub key: String,
    /// Records per second the producers send with this key.
    pub rate: f64,
    pub shard: String,
    pub producers: Vec<String>,
}

/// Everything the page shows at one frame.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct View {
    pub elapsed_ms: u64,
    pub seed: u64,
    pub speed: f64,
    pub playing: bool,
    /// What time is doing (held at a step or a question is not playing).
    pub time: TimeState,
    pub catching_up: bool,
    /// Where a console `wait` under way is going (elapsed ms).
    pub waiting_until_ms: Option<u64>,
    /// What the scenario is doing, in words.
    pub script: String,
    pub notice: Option<String>,
    pub streams: Vec<String>,
    pub stream: Option<StreamView>,
    pub producers: Vec<ProducerView>,
    pub hot_keys: Vec<HotKey>,
    /// The KCL applications.
    pub apps: Vec<super::kcl_view::AppView>,
    /// Where the lesson is.
    pub lesson: LessonView,
    /// The furthest moment of the run's timeline (the rewind slider's end).
    pub timeline_end_ms: u64,
}

impl View {
    pub fn of(session: &Session) -> View {
        let world = &session.world;
        let stream = world
            .producers()
            .map(|p| p.config.stream.as_str())
            .find(|name| world.kinesis().stream(name).is_some())
            .and_then(|name| world.kinesis().stream(name))
            .or_else(|| world.kinesis().streams().next());
        let last_second = (world.now_ms() / 1000).saturating_sub(1);
        View {
            elapsed_ms: world.elapsed_ms(),
            seed: session.seed(),
            speed: session.speed(),
            playing: session.playing,
            time: session.time_state(),
            catching_up: session.catching_up(),
            waiting_until_ms: session.waiting_until(),
            script: session.script_caption(),
            notice: session.notice.clone(),
            streams: world.kinesis().streams().map(|s| s.name.clone()).collect(),
            stream: stream.map(|s| stream_view(world, s)),
            producers: world
                .producers()
                .map(|p| ProducerView {
                    sent_per_second: p.series.in_second(ProducerSeries::Sent.into(), last_second),
                    throttled_per_second: p
                        .series
                        .in_second(ProducerSeries::Throttled.into(), last_second),
                    name: p.name.clone(),
                    stream: p.config.stream.clone(),
                    rate: p.config.rate,
                    keys: p.config.keys.to_string(),
                    paused: p.is_paused(world.now_ms()),
                    sent: p.counters.sent,
                    succeeded: p.counters.succeeded,
                    throttled: p.counters.throttled,
                    failed: p.counters.failed,
                })
                .collect(),
            hot_keys: stream.map(|s| hot_keys(world, s)).unwrap_or_default(),
            apps: super::kcl_view::apps(world),
            lesson: session.lesson_view(),
            timeline_end_ms: session.timeline_end_ms(),
        }
    }
}

const SPACE: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;

fn stream_view(world: &World, stream: &Stream) -> StreamView {
    let now = world.now_ms();
    let second = (now / 1000).saturating_sub(1);
    let shards = stream
        .open_shards()
        .map(|shard| {
            let m = &shard.metrics;
            let last = |metric| m.in_second(metric, second);
            let recent = |metric| m.in_second(metric, second) + m.in_second(metric, second + 1);
            ShardView {
                id: shard.id(),
                index: shard.index,
                starting_hash_key: shard.range.starting_hash_key,
                ending_hash_key: shard.range.ending_hash_key,
                width: (shard.range.ending_hash_key - shard.range.starting_hash_key) as f64 / SPACE,
                offset: shard.range.starting_hash_key as f64 / SPACE,
                open: shard.is_open(),
                incoming_records: last(Metric::IncomingRecords),
                incoming_bytes: last(Metric::IncomingBytes),
                read_calls: last(Metric::GetRecordsSuccess)
                    + last(Metric::ReadProvisionedThroughputExceeded),
                read_bytes: last(Metric::GetRecordsBytes),
                write_throttled: last(Metric::WriteProvisionedThroughputExceeded),
                read_throttled: last(Metric::ReadProvisionedThroughputExceeded),
                write_throttled_total: m.totals()
                    [Metric::WriteProvisionedThroughputExceeded as usize],
                read_throttled_total: m.totals()
                    [Metric::ReadProvisionedThroughputExceeded as usize],
                throttling: recent(Metric::WriteProvisionedThroughputExceeded) > 0,
                records_held: shard.records.len() as u64,
                limits: stream.limits,
            }
        })
        .collect();
    StreamView {
        name: stream.name.clone(),
        status: stream.status,
        shards,
        lineage: stream.lineage(now),
        retention_hours: stream.retention_hours,
    }
}

/// The most frequent keys across the stream's producers, with their shards.
fn hot_keys(world: &World, stream: &Stream) -> Vec<HotKey> {
    let mut keys: Vec<HotKey> = Vec::new();
    for producer in world.producers().filter(|p| p.config.stream == stream.name) {
        if producer.is_paused(world.now_ms()) {
            continue;
        }
        for (key, share) in producer.config.keys.top_keys(5) {
            let rate = producer.config.rate * share;
            match keys.iter_mut().find(|k| k.key == key) {
                Some(existing) => {
                    existing.rate += rate;
                    existing.producers.push(producer.name.clone());
                }
                None => {
                    let hash = producer
                        .config
                        .explicit_hash_key
                        .unwrap_or_else(|| hash_key_of(&key));
                    let shard = stream.route(hash).map(shard_id).unwrap_or_default();
                    keys.push(HotKey {
                        key,
                        rate,
                        shard,
                        producers: vec![producer.name.clone()],
                    });
                }
            }
        }
    }
    keys.sort_by(|a, b| b.rate.total_cmp(&a.rate).then_with(|| a.key.cmp(&b.key)));
    keys.truncate(8);
    keys
}
