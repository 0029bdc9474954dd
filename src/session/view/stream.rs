//! The stream on screen: which stream, its lanes (open shards, and closed ones still readable),
//! what state each lane is in and why, who reads each shard, its producers and hot keys.
//!
//! A lane's state is worked out here, not in the page, because it is a claim about Kinesis
//! that must be true. The engine keeps a token bucket per shard and limit, refilled at the
//! limit's rate and holding at most one second of it (see `engine/throttle.rs`): a shard that
//! has been quiet can take more than its limit for a while, spending that stored second, and
//! only then refuses writes. So "OK" is said only when the shard took no more than its limits
//! in the last complete second and refused nothing in the last two; a shard over its limit but
//! not yet refusing says it is spending burst credit, with how much is left.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::engine::metrics::Metric;
use crate::engine::shard::Shard;
use crate::engine::stream::StreamMode;
use crate::engine::{
    hash_key_of, md5_hex, shard_id, LineageNode, ShardLimits, Stream, StreamStatus, MAX_HASH_KEY,
};
use crate::kcl::app::{ConsumerState, WorkerState};
use crate::kcl::Retrieval;
use crate::session::captions::out_of_order;
use crate::session::text::{and_list, int, plural};
use crate::sim::{EventKind, World};

#[path = "strip.rs"]
pub mod strip;
pub use strip::{Strip, StripCell, COMPACT_ABOVE_SHARDS};

/// What a lane shows as its state: a word on the badge, a phrase saying why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LaneState {
    /// Within its limits, nothing refused.
    Ok,
    /// Took more than a limit in the last second, without refusing anything yet: it is
    /// spending the burst credit its buckets stored while it was quieter.
    OverLimit,
    /// Refused writes (records or bytes) in the last two seconds.
    WritesRefused,
    /// Refused GetRecords calls in the last two seconds.
    ReadsRefused,
    /// Both.
    WritesAndReadsRefused,
    /// Closed by a split or merge, still readable until retention passes.
    Closed,
}

impl LaneState {
    /// The badge: `OK`, `OVER LIMIT`, `THROTTLED`, `CLOSED`.
    pub fn badge(self) -> &'static str {
        match self {
            LaneState::Ok => "OK",
            LaneState::OverLimit => "OVER LIMIT",
            LaneState::WritesRefused
            | LaneState::ReadsRefused
            | LaneState::WritesAndReadsRefused => "THROTTLED",
            LaneState::Closed => "CLOSED",
        }
    }

    /// Beside the badge, what it means in a few words (empty for OK).
    pub fn why(self) -> &'static str {
        match self {
            LaneState::Ok => "",
            LaneState::OverLimit => "over the limit — spending burst credit",
            LaneState::WritesRefused => "writes refused",
            LaneState::ReadsRefused => "reads refused",
            LaneState::WritesAndReadsRefused => "writes and reads refused",
            LaneState::Closed => "no writes, still readable",
        }
    }

    /// A state to draw as a warning (red for refusals, amber for burst credit).
    pub fn is_refusing(self) -> bool {
        matches!(
            self,
            LaneState::WritesRefused | LaneState::ReadsRefused | LaneState::WritesAndReadsRefused
        )
    }
}

/// Who reads a shard: a GetRecords consumer, or a KCL worker's shard consumer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReaderView {
    /// The consumer's name, or `application/worker`.
    pub name: String,
    pub kcl: bool,
    /// It reads with enhanced fan-out (pushed to, no GetRecords calls); left out when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fan_out: bool,
    /// GetRecords calls a second it asks for on this shard (from its poll interval; 0 for a
    /// fan-out reader).
    pub calls_per_second: f64,
    /// A consumer's records out of their producer's order (a KCL application's are in the
    /// KCL panel, so 0 for a worker).
    pub order_violations: u64,
}

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
    /// GetRecords calls in the last second, served and refused.
    pub read_calls: u64,
    pub read_bytes: u64,
    pub write_throttled: u64,
    pub read_throttled: u64,
    pub write_throttled_total: u64,
    pub read_throttled_total: u64,
    /// Throttled a write in the last two seconds.
    pub throttling: bool,
    /// Refused a GetRecords call in the last two seconds.
    pub read_throttling: bool,
    pub state: LaneState,
    /// What the state means, in a sentence (none when OK).
    pub note: Option<String>,
    /// Who reads the shard now.
    pub readers: Vec<ReaderView>,
    /// Its enhanced fan-out subscriptions, each with its own 2 MiB/s.
    pub fan_out: Vec<super::FanOutPipe>,
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
    /// Closed shards that are still readable (not yet expired), in hash key order.
    pub closed_shards: Vec<ShardView>,
    /// With more open shards than fit as lanes, the compact view's strip of them (see
    /// `view/strip.rs`); left out below that.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strip: Option<Strip>,
    /// Every shard ever, for the family tree.
    pub lineage: Vec<LineageNode>,
    pub retention_hours: u32,
    /// PROVISIONED or ON_DEMAND.
    pub mode: StreamMode,
    /// For an ON_DEMAND stream: its latest split or merge by the service and why, or how the
    /// service will scale it while it has not yet.
    pub scaling_note: Option<String>,
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

/// The stream the page shows: the one the learner picked (or last saw), else the scenario's
/// first. `deleted` names the stream the learner was looking at when it was deleted.
pub struct StreamPick<'a> {
    pub stream: Option<&'a Stream>,
    pub deleted: Option<String>,
}

/// Which stream to show, given the one the learner wants (picked, or shown before): that one
/// while it exists; if it was deleted, none (the page says so and offers the others); otherwise
/// the scenario's first stream (the earliest created).
pub fn pick_stream<'a>(world: &'a World, wanted: Option<&str>) -> StreamPick<'a> {
    let kinesis = world.kinesis();
    if let Some(name) = wanted {
        if let Some(stream) = kinesis.stream(name) {
            return StreamPick {
                stream: Some(stream),
                deleted: None,
            };
        }
        let deleted = world.log().iter().any(|e| {
            matches!(&e.kind, EventKind::Service { event: crate::engine::EngineEvent::StreamDeleted { stream, .. } } if stream == name)
        });
        if deleted {
            return StreamPick {
                stream: None,
                deleted: Some(name.to_string()),
            };
        }
    }
    StreamPick {
        stream: kinesis
            .streams()
            .min_by(|a, b| a.created_ms.cmp(&b.created_ms).then(a.name.cmp(&b.name))),
        deleted: None,
    }
}

const SPACE: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;

pub fn stream_view(world: &World, stream: &Stream) -> StreamView {
    let now = world.now_ms();
    let retention_ms = stream.retention_ms();
    let mut readers = Readers::of(world, stream);
    let mut shards: Vec<ShardView> = stream
        .open_shards()
        .map(|shard| shard_view(world, stream, shard, readers.take(shard.index)))
        .collect();
    super::fan_out::attach(world, stream, &mut shards);
    let mut closed: Vec<&Shard> = stream
        .shards
        .iter()
        .filter(|s| !s.is_open() && !s.is_expired(now, retention_ms))
        .collect();
    crate::sort::sort_by_key(&mut closed, |s| (s.range.starting_hash_key, s.index));
    let mut closed_shards: Vec<ShardView> = closed
        .into_iter()
        .map(|shard| shard_view(world, stream, shard, readers.take(shard.index)))
        .collect();
    super::fan_out::attach(world, stream, &mut closed_shards);
    StreamView {
        name: stream.name.clone(),
        status: stream.status,
        strip: Strip::of(&shards),
        shards,
        closed_shards,
        lineage: stream.lineage(now),
        retention_hours: stream.retention_hours,
        mode: stream.mode,
        scaling_note: scaling_note(world, stream),
    }
}

/// What an ON_DEMAND stream's note says: the service's latest split or merge of it, with
/// the reason the scaler gave, or else the rule it scales by.
fn scaling_note(world: &World, stream: &Stream) -> Option<String> {
    if stream.mode != StreamMode::OnDemand {
        return None;
    }
    let latest = stream.scaler.latest().map(str::to_string);
    let config = world.kinesis().config();
    Some(latest.unwrap_or_else(|| {
        format!(
            "On-demand: the service splits a shard that takes more than {} KB/s for {} minutes; \
             SplitShard, MergeShards and UpdateShardCount are refused.",
            config.on_demand_split_bytes_per_sec / 1024,
            config.on_demand_split_after_ms / 60_000
        )
    }))
}

fn shard_view(
    world: &World,
    stream: &Stream,
    shard: &Shard,
    readers: Vec<ReaderView>,
) -> ShardView {
    let now = world.now_ms();
    let second = (now / 1000).saturating_sub(1);
    let m = &shard.metrics;
    let last = |metric| m.in_second(metric, second);
    let recent = |metric| m.in_second(metric, second) + m.in_second(metric, second + 1);
    let limits = stream.limits;
    let mut view = ShardView {
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
        write_throttled_total: m.totals()[Metric::WriteProvisionedThroughputExceeded as usize],
        read_throttled_total: m.totals()[Metric::ReadProvisionedThroughputExceeded as usize],
        throttling: recent(Metric::WriteProvisionedThroughputExceeded) > 0,
        read_throttling: recent(Metric::ReadProvisionedThroughputExceeded) > 0,
        state: LaneState::Ok,
        note: None,
        readers,
        fan_out: Vec::new(),
        records_held: shard.records.len() as u64,
        limits,
    };
    // What the write buckets hold now: a copy is refilled to now, the shard is untouched.
    let credit = Credit {
        records: shard.buckets.write_records.clone().available(now).max(0) as u64,
        bytes: shard.buckets.write_bytes.clone().available(now).max(0) as u64,
    };
    let (state, note) = if shard.is_open() {
        lane_state(&view, credit)
    } else {
        (
            LaneState::Closed,
            Some(closed_note(stream, shard, view.read_throttling)),
        )
    };
    view.state = state;
    view.note = note;
    view
}

/// What a shard's write buckets hold now: the burst credit left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credit {
    pub records: u64,
    pub bytes: u64,
}

/// An open lane's state and the sentence that explains it, from its numbers and the burst
/// credit its write buckets hold.
pub fn lane_state(shard: &ShardView, credit: Credit) -> (LaneState, Option<String>) {
    let limits = &shard.limits;
    let mut sentences = Vec::new();
    let writes = shard.throttling;
    let reads = shard.read_throttling;
    if writes {
        let refused = if shard.write_throttled > 0 {
            format!(
                "{} refused in the last second",
                plural(shard.write_throttled, "record", "records")
            )
        } else {
            "records refused in the last two seconds".to_string()
        };
        sentences.push(format!(
            "Writes refused: {refused} with ProvisionedThroughputExceededException, over the limit of {} records and {} a second.",
            int(limits.write_records_per_sec),
            mib(limits.write_bytes_per_sec)
        ));
    }
    if reads {
        sentences.push(reads_refused(shard));
    }
    let state = match (writes, reads) {
        (true, true) => LaneState::WritesAndReadsRefused,
        (true, false) => LaneState::WritesRefused,
        (false, true) => LaneState::ReadsRefused,
        (false, false) => LaneState::Ok,
    };
    if state != LaneState::Ok {
        return (state, Some(sentences.join(" ")));
    }
    if shard.incoming_records > limits.write_records_per_sec {
        let limit = int(limits.write_records_per_sec);
        return (
            LaneState::OverLimit,
            Some(format!(
                "Taking {} records/s, over the limit of {limit}, and nothing is refused yet: Shardlab models the limit as a bucket that holds at most one second of capacity ({limit} records) and refills at {limit} a second. The shard is spending what the bucket held ({} left); when it is empty, writes are refused.",
                int(shard.incoming_records),
                plural(credit.records, "record", "records"),
            )),
        );
    }
    if shard.incoming_bytes > limits.write_bytes_per_sec {
        let limit = mib(limits.write_bytes_per_sec);
        return (
            LaneState::OverLimit,
            Some(format!(
                "Taking {}/s, over the limit of {limit}/s, and nothing is refused yet: Shardlab models the limit as a bucket that holds at most one second of capacity and refills at {limit} a second. The shard is spending what the bucket held ({} left); when it is empty, writes are refused.",
                mib(shard.incoming_bytes),
                mib(credit.bytes),
            )),
        );
    }
    if shard.read_calls > limits.read_calls_per_sec {
        let limit = int(limits.read_calls_per_sec);
        return (
            LaneState::OverLimit,
            Some(format!(
                "Asked for {} GetRecords calls/s, over the limit of {limit}, and nothing is refused yet: Shardlab models the limit as a bucket that holds at most one second of calls ({limit}), and the shard is spending what it held; when it is empty, calls are refused.",
                int(shard.read_calls),
            )),
        );
    }
    (LaneState::Ok, None)
}

/// Why reads were refused: too many calls for the shard's shared five a second, or a large
/// read that used up the next seconds' bytes.
fn reads_refused(shard: &ShardView) -> String {
    let limits = &shard.limits;
    // Fan-out readers make no GetRecords calls: only the pollers share the five.
    let readers = shard.readers.iter().filter(|r| !r.fan_out).count();
    let who = match readers {
        0 | 1 => "its readers".to_string(),
        n => format!("its {n} polling readers"),
    };
    if shard.read_calls > limits.read_calls_per_sec {
        format!(
            "Reads refused: {who} asked for {} GetRecords calls in the last second; the shard serves {} a second, shared by everyone reading it, and refused {} with ProvisionedThroughputExceededException.",
            int(shard.read_calls),
            int(limits.read_calls_per_sec),
            int(shard.read_throttled)
        )
    } else {
        format!(
            "Reads refused: a GetRecords call read more than the shard's {} a second, and the calls after it are refused with ProvisionedThroughputExceededException until that time has passed.",
            mib(limits.read_bytes_per_sec)
        )
    }
}

/// What a closed lane says: why it closed, where writes go instead, and for how long it stays
/// readable.
fn closed_note(stream: &Stream, shard: &Shard, read_throttling: bool) -> String {
    let children: Vec<String> = shard.children.iter().map(|&c| shard_id(c)).collect();
    let how = match children.len() {
        0 => "Closed".to_string(),
        1 => format!("Closed by a merge into {}", children[0]),
        _ => format!("Closed by a split into {}", and_list(&children)),
    };
    let mut note = format!(
        "{how}: it takes no more writes, and its records stay readable until each is older than the stream's retention period ({}). The KCL reads it to its end before its children.",
        plural(u64::from(stream.retention_hours), "hour", "hours")
    );
    if read_throttling {
        note.push_str(" Reads of it were refused in the last two seconds.");
    }
    note
}

/// Who reads each shard of `stream` now, by shard index: consumers with a cursor on it, and
/// KCL workers (running) whose shard consumer is reading it. Built in one pass over the
/// readers, so a view of many shards does not loop over every reader for each shard (at
/// 1,000 shards and a KCL application holding a lease on each, that was a million steps a
/// frame). Within a shard, consumers come first in the world's order, then each
/// application's workers in theirs.
#[derive(Default)]
struct Readers(BTreeMap<u32, Vec<ReaderView>>);

impl Readers {
    fn of(world: &World, stream: &Stream) -> Readers {
        let now = world.now_ms();
        let mut by_shard: BTreeMap<u32, Vec<ReaderView>> = BTreeMap::new();
        for consumer in world
            .consumers()
            .filter(|c| c.config.stream == stream.name && !c.is_paused(now))
        {
            let shards: BTreeSet<u32> = consumer.cursors.iter().map(|c| c.shard).collect();
            for shard in shards {
                by_shard.entry(shard).or_default().push(ReaderView {
                    name: consumer.name.clone(),
                    kcl: false,
                    fan_out: consumer.config.efo,
                    calls_per_second: if consumer.config.efo {
                        0.0
                    } else {
                        1000.0 / consumer.config.idle_ms.max(1) as f64
                    },
                    order_violations: consumer.order.violations(),
                });
            }
        }
        for app in world.apps().filter(|a| a.config.stream == stream.name) {
            let fan_out = app.config.retrieval == Retrieval::FanOut;
            let per_second = if fan_out {
                0.0
            } else {
                1000.0 / app.config.idle_time_between_reads_in_millis.max(1) as f64
            };
            for worker in app
                .workers
                .values()
                .filter(|w| w.state == WorkerState::Running)
            {
                let shards: BTreeSet<u32> = worker
                    .consumers
                    .values()
                    .filter(|c| {
                        matches!(
                            c.state,
                            ConsumerState::Initializing
                                | ConsumerState::Processing
                                | ConsumerState::ShutdownRequested
                                | ConsumerState::ShuttingDown
                        )
                    })
                    .map(|c| c.shard_index)
                    .collect();
                for shard in shards {
                    by_shard.entry(shard).or_default().push(ReaderView {
                        name: format!("{}/{}", app.name, worker.id),
                        kcl: true,
                        fan_out,
                        calls_per_second: per_second,
                        order_violations: 0,
                    });
                }
            }
        }
        Readers(by_shard)
    }

    /// The readers of shard `index` (taken: each shard is asked once).
    fn take(&mut self, index: u32) -> Vec<ReaderView> {
        self.0.remove(&index).unwrap_or_default()
    }
}

/// A reader as a lane labels it: `c1 · 5 calls/s`, `analytics/worker-1 · 0.7 calls/s (KCL)`,
/// `e1 · enhanced fan-out` (it makes no GetRecords calls), and, once a consumer got records
/// out of order, `c1 · 5 calls/s · 12 out of order`.
pub fn reader_label(reader: &ReaderView) -> String {
    let rate = reader.calls_per_second;
    let how = if reader.fan_out {
        "enhanced fan-out".to_string()
    } else if (rate - rate.round()).abs() < 0.05 {
        format!("{rate:.0} calls/s")
    } else {
        format!("{rate:.1} calls/s")
    };
    let mut label = format!(
        "{} · {how}{}",
        reader.name,
        if reader.kcl { " (KCL)" } else { "" }
    );
    if reader.order_violations > 0 {
        label.push_str(" · ");
        label.push_str(&out_of_order(reader.order_violations));
    }
    label
}

/// Under a lane whose consumers got records out of order: what that count means.
pub fn readers_out_of_order_note(readers: &[ReaderView]) -> Option<&'static str> {
    readers
        .iter()
        .any(|r| r.order_violations > 0)
        .then_some(READER_OUT_OF_ORDER)
}

/// What "out of order" means for a consumer.
pub const READER_OUT_OF_ORDER: &str =
    "Out of order: records of one partition key that a consumer got after a record of that key \
     which their producer sent later: PutRecords entries resent behind newer ones, or a child \
     shard read before its parents were read to their end.";

/// The readers of a lane in one line, for its heading: none, or how many and the calls a
/// second they ask for together against the shard's limit.
pub fn readers_summary(readers: &[ReaderView], limit: u64) -> String {
    if readers.is_empty() {
        return "No reader".to_string();
    }
    let (pushed, polling): (Vec<&ReaderView>, Vec<&ReaderView>) =
        readers.iter().partition(|r| r.fan_out);
    let fan_out = plural(pushed.len() as u64, "reader", "readers");
    if polling.is_empty() {
        return format!(
            "{fan_out} by enhanced fan-out, none polling: no GetRecords call of the shard's {}",
            int(limit)
        );
    }
    let asked: f64 = polling.iter().map(|r| r.calls_per_second).sum();
    let asking = format!(
        "{} asking for {} GetRecords calls/s of the shard's {}",
        plural(polling.len() as u64, "polling reader", "polling readers"),
        if (asked - asked.round()).abs() < 0.05 {
            format!("{asked:.0}")
        } else {
            format!("{asked:.1}")
        },
        int(limit)
    );
    if pushed.is_empty() {
        // Only pollers: the sentence as it always was.
        asking.replacen("polling reader", "reader", 1)
    } else {
        format!("{asking}; {fan_out} by enhanced fan-out")
    }
}

/// Bytes as the limits are stated: `1 MiB`, `1.50 MiB`, `512 KiB`, `300 B`.
fn mib(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        if bytes.is_multiple_of(MIB) {
            format!("{} MiB", bytes / MIB)
        } else {
            format!("{:.2} MiB", bytes as f64 / MIB as f64)
        }
    } else if bytes >= KIB {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} B")
    }
}

/// The most frequent keys across the stream's producers, with their shards.
pub fn hot_keys(world: &World, stream: &Stream) -> Vec<HotKey> {
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
    crate::sort::sort_by(&mut keys, |a, b| {
        b.rate.total_cmp(&a.rate).then_with(|| a.key.cmp(&b.key))
    });
    keys.truncate(8);
    keys
}

/// Where a partition key goes, step by step, in the stream as it is now.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyRoute {
    pub key: String,
    /// MD5 of the key's UTF-8 bytes, in hex.
    pub md5: String,
    /// The MD5 read as a big-endian 128-bit number.
    pub hash_key: u128,
    /// Its place along the hash key space, in per cent (0 to 100).
    pub position: f64,
    /// The open shard whose range holds it: (id, StartingHashKey, EndingHashKey).
    pub shard: Option<(String, u128, u128)>,
}

/// Routes `key` onto the open shards `shards` (any order), as PutRecord does.
pub fn route_key(key: &str, shards: &[(String, u128, u128)]) -> KeyRoute {
    let hash_key = hash_key_of(key);
    KeyRoute {
        key: key.to_string(),
        md5: md5_hex(key),
        hash_key,
        position: hash_key as f64 / MAX_HASH_KEY as f64 * 100.0,
        shard: shards
            .iter()
            .find(|(_, start, end)| *start <= hash_key && hash_key <= *end)
            .cloned(),
    }
}

/// The popover's one-line answer: `user-42 → shardId-000000000001 (26.1% along the hash key
/// space)`, or that no open shard holds it.
pub fn route_sentence(route: &KeyRoute) -> String {
    match &route.shard {
        Some((id, _, _)) => format!(
            "{} goes to {id}: its hash key is {:.2}% of the way along the hash key space, inside {id}'s range.",
            route.key, route.position
        ),
        None => format!(
            "{} hashes {:.2}% of the way along the hash key space, and no open shard holds it.",
            route.key, route.position
        ),
    }
}

/// What the page says instead of lanes: the stream the learner was looking at was deleted
/// (and which others there are), or there is no stream at all.
pub fn no_stream(deleted: Option<&str>, others: &[String]) -> (String, String) {
    match deleted {
        Some(name) => (
            format!("Stream {name} was deleted"),
            if others.is_empty() {
                format!("DeleteStream removed {name} and its records. There is no other stream: create one in the console (aws kinesis create-stream --stream-name Foo --shard-count 1) or open a lesson.")
            } else {
                format!(
                    "DeleteStream removed {name} and its records. Other streams: {}.",
                    and_list(others)
                )
            },
        ),
        None => (
            "No stream yet".to_string(),
            "There is no stream at this moment of the run: create one in the console (aws kinesis create-stream --stream-name Foo --shard-count 1) or open a lesson.".to_string(),
        ),
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
