//! Delivery latency: how long after its put a record reached a reader.
//!
//! A record's latency is the time its reader got it minus its `ApproximateArrivalTimestamp`
//! (when PutRecord or PutRecords accepted it). A polling consumer gets a record when its
//! GetRecords call returns it; a KCL application when a worker hands the batch to its record
//! processor (`processRecords`). Every delivery counts, duplicates included: a record read
//! twice (a re-read after an expired iterator, a KCL failover) is two deliveries, each with
//! its own latency, since the reader waited for it twice.
//!
//! AWS documents the averages a learner should see (modern-kinesis.md, section 2): about
//! 200 ms for one consumer polling a shard, about 1,000 ms with five sharing it, about 70 ms
//! with enhanced fan-out. So the snapshot reports a mean and a p99 over the whole run
//! ([`DeliveryLatency`]), and the per-second series (a sum of latencies, divided by the
//! records delivered in that second) lets the page chart the mean second by second.
//!
//! The p99 comes from a histogram with fixed log-linear buckets, so memory is bounded (one
//! array of [`BUCKETS`] counters per reader, allocated at the first delivery) and the result
//! is deterministic whatever the order of deliveries:
//! - below [`EXACT_BELOW_MS`] (128 ms) every millisecond has its own bucket: exact;
//! - above, each power of two `[2^k, 2^(k+1))` is split into [`SUB_BUCKETS`] (64) equal
//!   buckets, each reported by its midpoint, so a quantile is off by at most half a bucket:
//!   a relative error of at most 1/128, under 0.8 % (the doc promises 1 %);
//! - latencies from 2^40 ms (35 years) up are counted in the last bucket.
//!
//! Hand-written rather than a crate (`hdrhistogram`, say): this is fifty lines, and every
//! dependency weighs on the page's `.wasm`, whose size budget issue 20 sets; the crates that
//! do this well also bring serialization and allocation strategies the simulator does not use.

use serde::Serialize;

/// Latencies below this many milliseconds are counted exactly, one bucket per millisecond.
pub const EXACT_BELOW_MS: u64 = 128;
/// Buckets per power of two above [`EXACT_BELOW_MS`].
pub const SUB_BUCKETS: u64 = 64;
/// The largest power of two with buckets of its own: 2^39..2^40 ms.
const TOP_POWER: u32 = 39;
/// log2 of [`EXACT_BELOW_MS`].
const EXACT_POWER: u32 = 7;
/// log2 of [`SUB_BUCKETS`].
const SUB_POWER: u32 = 6;
/// Every bucket: the exact ones, then [`SUB_BUCKETS`] per power of two from 2^7 to 2^39.
pub const BUCKETS: usize =
    (EXACT_BELOW_MS + (TOP_POWER - EXACT_POWER + 1) as u64 * SUB_BUCKETS) as usize;
/// The relative error of [`DeliveryLatency::quantile_ms`] the tests hold it to.
pub const RELATIVE_ERROR: f64 = 0.01;

/// The bucket of a latency.
fn bucket(ms: u64) -> usize {
    if ms < EXACT_BELOW_MS {
        return ms as usize;
    }
    let ms = ms.min((1u64 << (TOP_POWER + 1)) - 1);
    let power = 63 - ms.leading_zeros();
    let sub = (ms >> (power - SUB_POWER)) & (SUB_BUCKETS - 1);
    (EXACT_BELOW_MS + u64::from(power - EXACT_POWER) * SUB_BUCKETS + sub) as usize
}

/// The value a bucket reports: its latency when exact, else the midpoint of its range.
fn representative(index: usize) -> f64 {
    let index = index as u64;
    if index < EXACT_BELOW_MS {
        return index as f64;
    }
    let above = index - EXACT_BELOW_MS;
    let power = EXACT_POWER as u64 + above / SUB_BUCKETS;
    let sub = above % SUB_BUCKETS;
    let width = 1u64 << (power - u64::from(SUB_POWER));
    let lowest = (SUB_BUCKETS + sub) * width;
    // The bucket holds the whole milliseconds lowest..=lowest + width - 1.
    lowest as f64 + (width - 1) as f64 / 2.0
}

/// The delivery latencies of one reader over the run: count, sum and histogram.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryLatency {
    count: u64,
    sum_ms: u128,
    /// Empty until the first delivery, then [`BUCKETS`] counters.
    buckets: Vec<u64>,
}

impl DeliveryLatency {
    /// Counts one record delivered at `now_ms` that arrived at `arrival_ms`; returns its
    /// latency (0 for a record stamped later than now, which the engine never does).
    pub fn record(&mut self, now_ms: u64, arrival_ms: u64) -> u64 {
        let latency = now_ms.saturating_sub(arrival_ms);
        self.record_ms(latency);
        latency
    }

    /// Counts one delivery of `latency_ms`.
    pub fn record_ms(&mut self, latency_ms: u64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; BUCKETS];
        }
        self.count += 1;
        self.sum_ms += u128::from(latency_ms);
        if let Some(slot) = self.buckets.get_mut(bucket(latency_ms)) {
            *slot += 1;
        }
    }

    /// Deliveries counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The mean latency in milliseconds, exact; `None` before any delivery.
    pub fn mean_ms(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_ms as f64 / self.count as f64)
    }

    /// The `q` quantile (0 < q <= 1) by nearest rank, within [`RELATIVE_ERROR`] (exact below
    /// [`EXACT_BELOW_MS`]); `None` before any delivery.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for (index, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some(representative(index));
            }
        }
        None
    }

    /// The 99th percentile, as [`DeliveryLatency::quantile_ms`].
    pub fn p99_ms(&self) -> Option<f64> {
        self.quantile_ms(0.99)
    }

    /// What the snapshot shows: the mean to a tenth of a millisecond and the p99 in whole
    /// milliseconds, both `null` before the first delivery.
    pub fn summary(&self) -> LatencySummary {
        LatencySummary {
            mean_ms: self.mean_ms().map(|m| (m * 10.0).round() / 10.0),
            p99_ms: self.p99_ms().map(|p| p.round() as u64),
        }
    }
}

/// A reader's latency in the snapshot (see [`DeliveryLatency::summary`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LatencySummary {
    pub mean_ms: Option<f64>,
    pub p99_ms: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    fn exact_quantile(values: &mut [u64], q: f64) -> f64 {
        values.sort_unstable();
        let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
        values[rank - 1] as f64
    }

    #[test]
    fn nothing_delivered_has_no_mean_and_no_p99() {
        let latency = DeliveryLatency::default();
        assert_eq!(latency.mean_ms(), None);
        assert_eq!(latency.p99_ms(), None);
        assert_eq!(
            serde_json::to_value(latency.summary()).unwrap(),
            serde_json::json!({"mean_ms": null, "p99_ms": null})
        );
    }

    #[test]
    fn below_128_ms_the_p99_is_exact() {
        let mut latency = DeliveryLatency::default();
        let mut values: Vec<u64> = (0..1200).map(|i| i % 120).collect();
        for &v in &values {
            latency.record_ms(v);
        }
        assert_eq!(latency.p99_ms(), Some(exact_quantile(&mut values, 0.99)));
        assert_eq!(latency.mean_ms(), Some(59.5));
    }

    #[test]
    fn a_uniform_spread_of_a_second_has_a_p99_near_990_ms() {
        let mut latency = DeliveryLatency::default();
        for v in 1..=1000 {
            latency.record_ms(v);
        }
        let p99 = latency.p99_ms().unwrap();
        assert!((p99 - 990.0).abs() <= 990.0 * RELATIVE_ERROR, "{p99}");
        assert_eq!(latency.mean_ms(), Some(500.5));
    }

    #[test]
    fn every_bucket_reports_a_value_within_the_stated_error() {
        for ms in (0..5_000).chain([1 << 20, 123_456_789, (1 << 40) - 1]) {
            let reported = representative(bucket(ms));
            let error = (reported - ms as f64).abs();
            assert!(error <= ms as f64 / 128.0, "{ms} ms reported as {reported}");
        }
        assert_eq!(bucket((1 << 40) - 1), BUCKETS - 1);
        assert_eq!(bucket(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn a_long_tail_is_seen_by_the_p99_not_the_median() {
        let mut latency = DeliveryLatency::default();
        for _ in 0..980 {
            latency.record_ms(200);
        }
        for _ in 0..20 {
            latency.record_ms(30_000);
        }
        assert_eq!(latency.quantile_ms(0.5), Some(representative(bucket(200))));
        let p99 = latency.p99_ms().unwrap();
        assert!((p99 - 30_000.0).abs() <= 30_000.0 * RELATIVE_ERROR, "{p99}");
    }

    #[test]
    fn the_p99_agrees_with_an_exact_sort_on_random_samples() {
        let mut rng = Pcg64Mcg::seed_from_u64(18);
        for round in 0..50 {
            let n = rng.random_range(1..3_000);
            let scale: u64 = [100, 2_000, 60_000, 10_000_000][round % 4];
            let mut values: Vec<u64> = (0..n).map(|_| rng.random_range(0..scale)).collect();
            let mut latency = DeliveryLatency::default();
            for &v in &values {
                latency.record_ms(v);
            }
            for q in [0.5, 0.9, 0.99, 1.0] {
                let exact = exact_quantile(&mut values, q);
                let got = latency.quantile_ms(q).unwrap();
                assert!(
                    (got - exact).abs() <= exact * RELATIVE_ERROR,
                    "q {q} of {n} values below {scale}: {got} vs {exact}"
                );
            }
        }
    }

    // proptest is a native dev-dependency only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn the_p99_of_any_sample_is_within_the_stated_error(
            mut values in proptest::collection::vec(0u64..100_000_000, 1..2_000)
        ) {
            let mut latency = DeliveryLatency::default();
            for &v in &values {
                latency.record_ms(v);
            }
            let exact = exact_quantile(&mut values, 0.99);
            let got = latency.p99_ms().unwrap();
            proptest::prop_assert!((got - exact).abs() <= exact * RELATIVE_ERROR, "{} vs {}", got, exact);
        }
    }

    #[test]
    fn the_latency_is_the_delivery_time_minus_the_arrival_time() {
        let mut latency = DeliveryLatency::default();
        assert_eq!(latency.record(1_700_000_000_450, 1_700_000_000_200), 250);
        assert_eq!(latency.record(5, 10), 0);
        assert_eq!(latency.count(), 2);
        assert_eq!(latency.mean_ms(), Some(125.0));
    }
}
