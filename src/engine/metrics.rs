//! Per-second metrics in bounded memory: [`Series`], and the CloudWatch metrics of a shard.
//!
//! Kinesis publishes shard metrics to CloudWatch as one-minute sums, which hides the
//! per-second spikes that actually cause throttling. Shardlab keeps both views: the last
//! `metrics_seconds_kept` seconds at one-second resolution (what the charts draw) and the last
//! `metrics_minutes_kept` minutes as CloudWatch would show them, plus running totals. Seconds
//! without activity take no memory: they read back as zeros.

use std::collections::VecDeque;

/// The metrics kept per shard, named as CloudWatch names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    IncomingBytes,
    IncomingRecords,
    PutRecordSuccess,
    PutRecordsSuccessfulRecords,
    PutRecordsThrottledRecords,
    PutRecordsTotalRecords,
    WriteProvisionedThroughputExceeded,
    GetRecordsSuccess,
    GetRecordsRecords,
    GetRecordsBytes,
    GetRecordsIteratorAgeMilliseconds,
    ReadProvisionedThroughputExceeded,
}

/// How many metrics there are.
pub const METRIC_COUNT: usize = 12;

/// Per-second and per-minute periods a [`Series`] keeps: 15 minutes by the second and a day by
/// the minute, as CloudWatch shows a stream's metrics. Shards keep what their
/// [`crate::engine::Config`] says (this by default); producers, consumers and KCL applications
/// keep this.
pub const SERIES_KEPT: (usize, usize) = (15 * 60, 24 * 60);

impl Metric {
    /// Every metric, in a stable order.
    pub const ALL: [Metric; METRIC_COUNT] = [
        Metric::IncomingBytes,
        Metric::IncomingRecords,
        Metric::PutRecordSuccess,
        Metric::PutRecordsSuccessfulRecords,
        Metric::PutRecordsThrottledRecords,
        Metric::PutRecordsTotalRecords,
        Metric::WriteProvisionedThroughputExceeded,
        Metric::GetRecordsSuccess,
        Metric::GetRecordsRecords,
        Metric::GetRecordsBytes,
        Metric::GetRecordsIteratorAgeMilliseconds,
        Metric::ReadProvisionedThroughputExceeded,
    ];

    /// The CloudWatch metric name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::IncomingBytes => "IncomingBytes",
            Metric::IncomingRecords => "IncomingRecords",
            Metric::PutRecordSuccess => "PutRecord.Success",
            Metric::PutRecordsSuccessfulRecords => "PutRecords.SuccessfulRecords",
            Metric::PutRecordsThrottledRecords => "PutRecords.ThrottledRecords",
            Metric::PutRecordsTotalRecords => "PutRecords.TotalRecords",
            Metric::WriteProvisionedThroughputExceeded => "WriteProvisionedThroughputExceeded",
            Metric::GetRecordsSuccess => "GetRecords.Success",
            Metric::GetRecordsRecords => "GetRecords.Records",
            Metric::GetRecordsBytes => "GetRecords.Bytes",
            Metric::GetRecordsIteratorAgeMilliseconds => "GetRecords.IteratorAgeMilliseconds",
            Metric::ReadProvisionedThroughputExceeded => "ReadProvisionedThroughputExceeded",
        }
    }

    /// The metric with this CloudWatch name.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Iterator age is a maximum over the period; everything else is a sum.
    pub fn is_maximum(self) -> bool {
        self == Metric::GetRecordsIteratorAgeMilliseconds
    }
}

/// One period's values, indexed by `Metric as usize`.
pub type Sample = [u64; METRIC_COUNT];

/// `N` counters per second in bounded memory: the last seconds at one-second resolution, the
/// last minutes by the minute, and running totals. Counters marked as maxima keep the largest
/// value of a period (an age) instead of the sum. Used for shards here and for the
/// simulation's producers and consumers.
#[derive(Clone, Debug)]
pub struct Series<const N: usize> {
    maxima: [bool; N],
    /// The second being accumulated, and its values.
    current_second: u64,
    current: [u64; N],
    /// Finished seconds with any activity, oldest first: (epoch second, values).
    seconds: VecDeque<(u64, [u64; N])>,
    /// Finished minutes with any activity, oldest first: (epoch minute, values).
    minutes: VecDeque<(u64, [u64; N])>,
    totals: [u64; N],
}

impl<const N: usize> Series<N> {
    /// Drops the per-second and per-minute periods and keeps the totals: for a series that
    /// will never record again (an expired shard), whose periods would otherwise stay.
    pub fn forget_periods(&mut self) {
        self.seconds = VecDeque::new();
        self.minutes = VecDeque::new();
        self.current = [0; N];
    }

    /// The heap a copy of the series allocates (its kept seconds and minutes): for what a
    /// snapshot costs (`session/snapshots.rs`).
    pub fn heap_bytes(&self) -> usize {
        (self.seconds.len() + self.minutes.len()) * std::mem::size_of::<(u64, [u64; N])>()
    }

    /// A series whose counters `i` with `maxima[i]` keep maxima.
    pub fn new(maxima: [bool; N]) -> Self {
        Series {
            maxima,
            current_second: 0,
            current: [0; N],
            seconds: VecDeque::new(),
            minutes: VecDeque::new(),
            totals: [0; N],
        }
    }

    fn merge(&self, into: &mut [u64; N], from: &[u64; N]) {
        for i in 0..N {
            into[i] = if self.maxima[i] {
                into[i].max(from[i])
            } else {
                into[i].saturating_add(from[i])
            };
        }
    }

    /// Adds each value to its counter at `now_ms` (a maximum counter keeps the largest).
    pub fn record(&mut self, now_ms: u64, values: &[(usize, u64)], keep: (usize, usize)) {
        self.roll_to(now_ms / 1000, keep);
        for &(i, value) in values {
            if i >= N {
                continue;
            }
            if self.maxima[i] {
                self.current[i] = self.current[i].max(value);
                self.totals[i] = self.totals[i].max(value);
            } else {
                self.current[i] = self.current[i].saturating_add(value);
                self.totals[i] = self.totals[i].saturating_add(value);
            }
        }
    }

    /// Closes the accumulating second if `second` is later, keeping memory bounded.
    fn roll_to(&mut self, second: u64, (seconds_kept, minutes_kept): (usize, usize)) {
        if second <= self.current_second {
            return;
        }
        if self.current != [0; N] {
            let finished = (self.current_second, self.current);
            let minute = finished.0 / 60;
            let mut merged = None;
            if let Some((m, values)) = self.minutes.back() {
                if *m == minute {
                    let mut values = *values;
                    self.merge(&mut values, &finished.1);
                    merged = Some(values);
                }
            }
            match merged {
                Some(values) => {
                    if let Some(last) = self.minutes.back_mut() {
                        last.1 = values;
                    }
                }
                None => self.minutes.push_back((minute, finished.1)),
            }
            self.seconds.push_back(finished);
        }
        self.current = [0; N];
        self.current_second = second;
        let oldest_second = second.saturating_sub(seconds_kept as u64);
        while self
            .seconds
            .front()
            .is_some_and(|(s, _)| *s < oldest_second)
        {
            self.seconds.pop_front();
        }
        let oldest_minute = (second / 60).saturating_sub(minutes_kept as u64);
        while self
            .minutes
            .front()
            .is_some_and(|(m, _)| *m < oldest_minute)
        {
            self.minutes.pop_front();
        }
    }

    /// Running totals (maxima: the largest value seen).
    pub fn totals(&self) -> &[u64; N] {
        &self.totals
    }

    /// Counter `i` in each second from `from_second` up to and including `to_second`
    /// (epoch seconds), zeros where nothing happened or nothing is kept. At most 2^20 values.
    pub fn per_second(&self, i: usize, from_second: u64, to_second: u64) -> Vec<u64> {
        let len = to_second
            .saturating_sub(from_second)
            .saturating_add(1)
            .min(1 << 20) as usize;
        let mut out = vec![0; len];
        if i >= N {
            return out;
        }
        let mut put = |second: u64, value: u64| {
            if second >= from_second && second <= to_second {
                if let Some(slot) = out.get_mut((second - from_second) as usize) {
                    *slot = value;
                }
            }
        };
        let start = self.seconds.partition_point(|(s, _)| *s < from_second);
        for (second, values) in self.seconds.range(start..) {
            put(*second, values[i]);
        }
        put(self.current_second, self.current[i]);
        out
    }

    /// Counter `i` in the given epoch second, if still kept.
    pub fn in_second(&self, i: usize, second: u64) -> u64 {
        self.per_second(i, second, second)
            .first()
            .copied()
            .unwrap_or(0)
    }

    /// CloudWatch's view: per-minute values from `from_minute` to `to_minute` (epoch minutes).
    pub fn per_minute(&self, i: usize, from_minute: u64, to_minute: u64) -> Vec<u64> {
        let len = to_minute
            .saturating_sub(from_minute)
            .saturating_add(1)
            .min(1 << 20) as usize;
        let mut out = vec![0; len];
        if i >= N {
            return out;
        }
        let slot_of = |minute: u64| {
            (minute >= from_minute && minute <= to_minute)
                .then(|| usize::try_from(minute - from_minute).ok())
                .flatten()
        };
        for (minute, values) in &self.minutes {
            if let Some(slot) = slot_of(*minute).and_then(|at| out.get_mut(at)) {
                *slot = values[i];
            }
        }
        if let Some(slot) = slot_of(self.current_second / 60).and_then(|at| out.get_mut(at)) {
            *slot = if self.maxima[i] {
                (*slot).max(self.current[i])
            } else {
                slot.saturating_add(self.current[i])
            };
        }
        out
    }

    /// How many stored periods the series holds (for memory accounting).
    pub fn stored_periods(&self) -> usize {
        self.seconds.len() + self.minutes.len()
    }
}

/// The metrics of one shard.
#[derive(Clone, Debug)]
pub struct ShardMetrics(Series<METRIC_COUNT>);

impl Default for ShardMetrics {
    fn default() -> Self {
        ShardMetrics(Series::new(Metric::ALL.map(Metric::is_maximum)))
    }
}

impl ShardMetrics {
    /// The heap a copy allocates (see [`Series::heap_bytes`]).
    pub fn heap_bytes(&self) -> usize {
        self.0.heap_bytes()
    }

    /// Adds each value to its metric at `now_ms` (for iterator age: raises the maximum).
    pub fn record(&mut self, now_ms: u64, values: &[(Metric, u64)], keep: (usize, usize)) {
        let mut indexed = [(0usize, 0u64); METRIC_COUNT];
        let n = values.len().min(METRIC_COUNT);
        for (slot, &(metric, value)) in indexed.iter_mut().zip(values) {
            *slot = (metric as usize, value);
        }
        self.0.record(now_ms, &indexed[..n], keep);
    }

    /// Forgets the periods of an expired shard (see [`Series::forget_periods`]).
    pub fn forget_periods(&mut self) {
        self.0.forget_periods();
    }

    /// Running totals since the shard was created (iterator age: the maximum seen).
    pub fn totals(&self) -> &Sample {
        self.0.totals()
    }

    /// The value of `metric` in each second from `from_second` to `to_second` inclusive.
    pub fn per_second(&self, metric: Metric, from_second: u64, to_second: u64) -> Vec<u64> {
        self.0.per_second(metric as usize, from_second, to_second)
    }

    /// The value of `metric` in the given epoch second, if still kept.
    pub fn in_second(&self, metric: Metric, second: u64) -> u64 {
        self.0.in_second(metric as usize, second)
    }

    /// CloudWatch's view: per-minute values from `from_minute` to `to_minute` (epoch minutes).
    pub fn per_minute(&self, metric: Metric, from_minute: u64, to_minute: u64) -> Vec<u64> {
        self.0.per_minute(metric as usize, from_minute, to_minute)
    }

    /// How many stored periods this shard holds (for memory accounting).
    pub fn stored_periods(&self) -> usize {
        self.0.stored_periods()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEEP: (usize, usize) = (900, 1440);

    #[test]
    fn seconds_read_back_with_zeros_between() {
        let mut m = ShardMetrics::default();
        m.record(1_000, &[(Metric::IncomingRecords, 3)], KEEP);
        m.record(1_500, &[(Metric::IncomingRecords, 2)], KEEP);
        m.record(3_200, &[(Metric::IncomingRecords, 7)], KEEP);
        assert_eq!(
            m.per_second(Metric::IncomingRecords, 0, 4),
            vec![0, 5, 0, 7, 0]
        );
        assert_eq!(m.totals()[Metric::IncomingRecords as usize], 12);
    }

    #[test]
    fn iterator_age_is_a_maximum() {
        let mut m = ShardMetrics::default();
        m.record(0, &[(Metric::GetRecordsIteratorAgeMilliseconds, 500)], KEEP);
        m.record(
            10,
            &[(Metric::GetRecordsIteratorAgeMilliseconds, 200)],
            KEEP,
        );
        assert_eq!(
            m.in_second(Metric::GetRecordsIteratorAgeMilliseconds, 0),
            500
        );
    }

    #[test]
    fn memory_stays_bounded_and_minutes_keep_the_sums() {
        let mut m = ShardMetrics::default();
        for second in 0..3_600u64 {
            m.record(second * 1000, &[(Metric::IncomingRecords, 1)], (60, 10));
        }
        assert!(m.stored_periods() <= 60 + 11, "{}", m.stored_periods());
        // The last complete minute (minute 58) holds 60 records.
        assert_eq!(m.per_minute(Metric::IncomingRecords, 58, 58), vec![60]);
        assert_eq!(
            m.per_second(Metric::IncomingRecords, 0, 0),
            vec![0],
            "second 0 was dropped"
        );
    }

    #[test]
    fn any_range_is_answered_without_panicking() {
        let mut m = ShardMetrics::default();
        m.record(5_000, &[(Metric::IncomingRecords, 1)], KEEP);
        assert_eq!(
            m.per_minute(Metric::IncomingRecords, 0, u64::MAX).len(),
            1 << 20
        );
        assert_eq!(
            m.per_second(Metric::IncomingRecords, 0, u64::MAX).len(),
            1 << 20
        );
        assert_eq!(m.per_minute(Metric::IncomingRecords, 9, 3), vec![0]);
    }

    #[test]
    fn names_round_trip() {
        for metric in Metric::ALL {
            assert_eq!(Metric::from_name(metric.name()), Some(metric));
        }
    }
}
