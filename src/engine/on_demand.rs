//! On-demand scaling: how an ON_DEMAND stream reshards itself.
//!
//! AWS documents the rules, not the algorithm (reference modern-kinesis.md section 1):
//!
//! - a shard that takes in more than 500 KB/s is split within 15 minutes, its hash key range
//!   divided evenly between the two children;
//! - the stream's capacity is up to twice the peak write rate of the previous 30 days;
//! - traffic that more than doubles the previous peak within 15 minutes can be throttled for
//!   about 15 minutes meanwhile, even with evenly spread keys;
//! - hot keys are not isolated: one key can never exceed a shard's 1 MB/s.
//!
//! Shardlab's model follows those rules with real splits and merges, so the family tree,
//! ListShards and the KCL see every change. Once a minute (`Config::on_demand_check_interval_ms`)
//! the scaler looks at the minute that just ended, as CloudWatch's one-minute `IncomingBytes`
//! shows it:
//!
//! - An open shard whose write rate was above `Config::on_demand_split_bytes_per_sec` in every
//!   minute for `Config::on_demand_split_after_ms` (15 minutes: the documented "within 15
//!   minutes" taken at its longest, so the throttling a learner sees lasts as long as AWS says
//!   it can) is split at the middle of its range. Throttling needs no extra rule: until the
//!   split, the shard's own 1 MB/s limit refuses what is over it, and once shards carry at
//!   most 500 KB/s each the stream has room for twice its traffic, which is the documented
//!   "up to 2x the previous peak".
//! - A shard whose traffic is nearly all one partition key
//!   (`Config::on_demand_hot_key_share_percent`) is not split: a split cannot relieve it, as
//!   AWS says ("hot keys are not isolated"). What AWS does then is undocumented; this is
//!   Shardlab's choice, so that a hot key does not split its shard again every 15 minutes.
//! - Scale-down is undocumented for on-demand streams. Shardlab keeps the capacity the
//!   30-day peak calls for (`Config::on_demand_peak_window_ms`, twice the peak, and never below
//!   the initial shard count), and above that merges the quietest pair of adjacent shards
//!   whose combined rate is under the split threshold, at most once per
//!   `Config::on_demand_merge_interval_ms`. In a run shorter than 30 days, a stream therefore
//!   shrinks only back towards what its peak needs.
//!
//! The scaler decides; [`super::Kinesis`] applies the changes at once on the minute (the
//! stream stays ACTIVE: AWS shows no UPDATING for its own scaling), within the account's
//! shard quota, and reports each as a split or merge event with the reason.

use std::collections::{BTreeMap, VecDeque};

use super::config::Config;
use super::metrics::Metric;
use super::stream::{Stream, StreamStatus};

/// One minute, the period of CloudWatch's `IncomingBytes` that scaling decisions read.
const MINUTE_MS: u64 = 60_000;

/// A change the scaler decided on, with the sentence that explains it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scaling {
    Split {
        shard: u32,
        new_starting_hash_key: u128,
        reason: String,
    },
    Merge {
        shard_to_merge: u32,
        adjacent_shard_to_merge: u32,
        reason: String,
    },
}

/// The scaling state of one stream (used while it is ON_DEMAND).
#[derive(Clone, Debug, Default)]
pub struct OnDemandScaler {
    /// When the next look at the last minute is due (a whole minute); 0 while not scheduled.
    next_check_ms: u64,
    /// Open shards above the split threshold, and the start of their first hot minute.
    hot_since_ms: BTreeMap<u32, u64>,
    /// The stream's write rate (bytes/s) per minute, as a queue whose rates decrease from
    /// front to back: the front is the peak of the window (a sliding-window maximum).
    peaks: VecDeque<(u64, u64)>,
    /// When the scaler last merged, for the pace of scale-down.
    last_merge_ms: Option<u64>,
    /// The latest change it made, as a sentence for the page.
    latest: Option<String>,
}

impl OnDemandScaler {
    /// Starts watching at `now_ms`: the first look is at the next whole minute.
    pub fn start(&mut self, now_ms: u64, config: &Config) {
        let interval = config.on_demand_check_interval_ms.max(1000);
        self.next_check_ms = (now_ms / interval + 1) * interval;
    }

    /// Stops watching (the stream left ON_DEMAND).
    pub fn stop(&mut self) {
        *self = OnDemandScaler::default();
    }

    /// When the next look is due, if the scaler is watching.
    pub fn next_check_ms(&self) -> Option<u64> {
        (self.next_check_ms > 0).then_some(self.next_check_ms)
    }

    /// The latest split or merge the service made and why ("shardId-... split into ... and
    /// ... (on-demand scaling: ...)"), while the stream is ON_DEMAND.
    pub fn latest(&self) -> Option<&str> {
        self.latest.as_deref()
    }

    /// Remembers the change just applied, for [`OnDemandScaler::latest`].
    pub(crate) fn applied(&mut self, sentence: String) {
        self.latest = Some(sentence);
    }

    /// The peak write rate (bytes/s, per-minute average) within the window, for the snapshot.
    pub fn peak_bytes_per_sec(&self) -> u64 {
        self.peaks.front().map_or(0, |&(_, rate)| rate)
    }

    /// Looks at the minute that ended at `now_ms` and returns the changes to make.
    pub fn check(&mut self, stream: &Stream, config: &Config, now_ms: u64) -> Vec<Scaling> {
        let interval = config.on_demand_check_interval_ms.max(1000);
        self.next_check_ms = (now_ms / interval + 1) * interval;
        if stream.status != StreamStatus::Active || stream.pending.is_some() {
            return Vec::new();
        }
        let minute = (now_ms / MINUTE_MS).saturating_sub(1);
        let minute_start = minute * MINUTE_MS;
        let rate_of = |index: u32| {
            let shard = &stream.shards[index as usize];
            let bytes = shard
                .metrics
                .per_minute(Metric::IncomingBytes, minute, minute)
                .first()
                .copied()
                .unwrap_or(0);
            bytes / (MINUTE_MS / 1000)
        };
        self.note_stream_rate(stream, minute, config);

        // Splits: shards over the threshold for long enough.
        let threshold = config.on_demand_split_bytes_per_sec;
        let open: Vec<u32> = stream.open_shards().map(|s| s.index).collect();
        self.hot_since_ms.retain(|index, _| open.contains(index));
        let mut changes = Vec::new();
        for &index in &open {
            let shard = &stream.shards[index as usize];
            let rate = rate_of(index);
            if shard.created_ms > minute_start || rate <= threshold {
                self.hot_since_ms.remove(&index);
                continue;
            }
            let since = *self.hot_since_ms.entry(index).or_insert(minute_start);
            let hot_for = now_ms.saturating_sub(since);
            if hot_for < config.on_demand_split_after_ms {
                continue;
            }
            let share = dominant_key_share(stream, index, minute_start);
            if share >= u64::from(config.on_demand_hot_key_share_percent) {
                // A split cannot relieve one key; look again after another full window.
                self.hot_since_ms.insert(index, minute_start + MINUTE_MS);
                continue;
            }
            let range = shard.range;
            let middle =
                range.starting_hash_key + (range.ending_hash_key - range.starting_hash_key) / 2 + 1;
            changes.push(Scaling::Split {
                shard: index,
                new_starting_hash_key: middle,
                reason: format!(
                    "on-demand scaling: it took {} for {} (over the {} at which AWS splits a shard)",
                    rate_text(rate),
                    minutes_text(hot_for),
                    rate_text(threshold)
                ),
            });
        }
        if !changes.is_empty() {
            return changes;
        }

        // Scale-down: the quietest adjacent pair, when the 30-day peak leaves room.
        let shard_rate = stream.limits.write_bytes_per_sec.max(1);
        let needed = (2 * self.peak_bytes_per_sec()).div_ceil(shard_rate);
        let needed = needed.max(u64::from(config.on_demand_initial_shard_count));
        let paced = self
            .last_merge_ms
            .is_none_or(|at| now_ms.saturating_sub(at) >= config.on_demand_merge_interval_ms);
        if open.len() as u64 <= needed || !paced {
            return changes;
        }
        let quietest = open
            .windows(2)
            .filter(|pair| {
                let [a, b] = [pair[0], pair[1]].map(|i| &stream.shards[i as usize]);
                a.range.ending_hash_key.checked_add(1) == Some(b.range.starting_hash_key)
                    && a.created_ms <= minute_start
                    && b.created_ms <= minute_start
            })
            .map(|pair| (rate_of(pair[0]) + rate_of(pair[1]), pair[0], pair[1]))
            .filter(|&(rate, _, _)| rate <= threshold)
            .min();
        if let Some((rate, a, b)) = quietest {
            self.last_merge_ms = Some(now_ms);
            changes.push(Scaling::Merge {
                shard_to_merge: a,
                adjacent_shard_to_merge: b,
                reason: format!(
                    "on-demand scaling: together they took {} and the stream's peak of the last {} ({}) needs {} shards, fewer than its {}",
                    rate_text(rate),
                    days_text(config.on_demand_peak_window_ms),
                    rate_text(self.peak_bytes_per_sec()),
                    needed,
                    open.len()
                ),
            });
        }
        changes
    }

    /// Adds the stream's write rate in `minute` to the sliding-window peak.
    fn note_stream_rate(&mut self, stream: &Stream, minute: u64, config: &Config) {
        let (start, end) = (minute * MINUTE_MS, (minute + 1) * MINUTE_MS);
        let bytes: u64 = stream
            .shards
            .iter()
            .filter(|s| s.created_ms < end && s.closed_ms.is_none_or(|c| c > start))
            .map(|s| {
                s.metrics
                    .per_minute(Metric::IncomingBytes, minute, minute)
                    .first()
                    .copied()
                    .unwrap_or(0)
            })
            .sum();
        let rate = bytes / (MINUTE_MS / 1000);
        while self.peaks.back().is_some_and(|&(_, r)| r <= rate) {
            self.peaks.pop_back();
        }
        self.peaks.push_back((minute, rate));
        let window_minutes = config.on_demand_peak_window_ms / MINUTE_MS;
        while self
            .peaks
            .front()
            .is_some_and(|&(m, _)| m + window_minutes <= minute)
        {
            self.peaks.pop_front();
        }
    }
}

/// The share, in percent, of a shard's bytes in the minute from `minute_start` that its
/// busiest partition key wrote (0 if the minute's records are gone).
fn dominant_key_share(stream: &Stream, index: u32, minute_start: u64) -> u64 {
    let shard = &stream.shards[index as usize];
    let Some(first) = shard.records.first_seq_at_or_after_time(minute_start) else {
        return 0;
    };
    let mut bytes_by_key: BTreeMap<String, u64> = BTreeMap::new();
    let mut total = 0u64;
    for record in shard.records.iter_from(first) {
        if record.arrival_ms >= minute_start + MINUTE_MS {
            break;
        }
        *bytes_by_key.entry(record.partition_key()).or_default() += record.size;
        total += record.size;
    }
    let busiest = bytes_by_key.into_values().max().unwrap_or(0);
    busiest * 100 / total.max(1)
}

/// "716 KB/s", "1.4 MB/s": rates as the AWS documentation writes them, the threshold being
/// "500 KB/s" (1 KB = 1,024 bytes, 1 MB = 2^20 bytes, as in the shard limit of 1 MB/s).
fn rate_text(bytes_per_sec: u64) -> String {
    if bytes_per_sec >= 1024 * 1024 {
        format!("{:.1} MB/s", bytes_per_sec as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB/s", bytes_per_sec / 1024)
    }
}

fn minutes_text(ms: u64) -> String {
    match ms / MINUTE_MS {
        1 => "1 minute".to_string(),
        n => format!("{n} minutes"),
    }
}

fn days_text(ms: u64) -> String {
    match ms / (24 * 3_600_000) {
        1 => "day".to_string(),
        n => format!("{n} days"),
    }
}
