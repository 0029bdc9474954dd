//! How producers and consumers record their per-second series: by named counter, kept as long
//! as a shard's metrics.
//!
//! Separate because both kinds record the same way: each names its counters with an enum
//! ([`crate::sim::producer::ProducerSeries`], [`crate::sim::consumer::ConsumerSeries`]), as a
//! shard names its CloudWatch metrics with [`crate::engine::metrics::Metric`], and both keep
//! the same periods.

use crate::engine::metrics::Series;
pub use crate::engine::metrics::SERIES_KEPT;

/// Adds each value to its named counter at `now_ms` (a maximum counter keeps the largest).
pub(crate) fn record<const N: usize, C: Copy + Into<usize>>(
    series: &mut Series<N>,
    now_ms: u64,
    values: &[(C, u64)],
) {
    let mut indexed = [(0usize, 0u64); N];
    let n = values.len().min(N);
    for (slot, &(counter, value)) in indexed.iter_mut().zip(values) {
        *slot = (counter.into(), value);
    }
    series.record(now_ms, &indexed[..n], SERIES_KEPT);
}

#[cfg(test)]
mod tests {
    use crate::sim::consumer::{ConsumerSeries, CONSUMER_SERIES};
    use crate::sim::producer::{ProducerSeries, PRODUCER_SERIES};

    #[test]
    fn named_series_counters_line_up_with_their_names() {
        assert_eq!(ProducerSeries::ALL.len(), PRODUCER_SERIES.len());
        for (i, counter) in ProducerSeries::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(counter), i);
        }
        assert_eq!(ConsumerSeries::ALL.len(), CONSUMER_SERIES.len());
        for (i, counter) in ConsumerSeries::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(counter), i);
        }
        assert_eq!(
            PRODUCER_SERIES[usize::from(ProducerSeries::Retried)],
            "retried"
        );
        assert_eq!(
            CONSUMER_SERIES[usize::from(ConsumerSeries::MillisBehindLatest)],
            "MillisBehindLatest"
        );
    }
}
