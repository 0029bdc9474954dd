//! The numbers behind the page's charts and its CSV download.
//!
//! Nothing is sampled twice: every value comes from the per-second series the model already
//! keeps for CloudWatch (shards: IncomingRecords, WriteProvisionedThroughputExceeded, ...;
//! producers: succeeded and throttled records; consumers and KCL applications:
//! MillisBehindLatest, and the records delivered and the sum of their delivery latencies, whose
//! quotient is the delivery latency chart), so a chart and the CSV show exactly what the gauges
//! counted. Those
//! series keep the last 15 simulated minutes second by second, which is what the CSV holds.
//!
//! A consumer that made no GetRecords call in a second has no MillisBehindLatest for it, as in
//! CloudWatch: the value is `None` (a gap in the line, an empty cell in the CSV), never a
//! misleading 0 ("caught up").

use std::fmt::Write as _;

use crate::engine::metrics::Metric;
use crate::engine::{shard_id, Stream};
use crate::kcl::app::AppSeries;
use crate::script::grammar::point;
use crate::sim::consumer::ConsumerSeries;
use crate::sim::producer::ProducerSeries;
use crate::sim::world::START_MS;
use crate::sim::World;

/// Seconds of history the model keeps per second (and so the CSV's span).
pub const SECONDS_KEPT: u64 = crate::engine::metrics::SERIES_KEPT.0 as u64;

/// One line of a chart: a value (or a gap) per second.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// One chart: lines over the same seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// What `point chart NAME` calls it (see [`crate::script::grammar::point::CHARTS`]).
    pub name: &'static str,
    pub title: &'static str,
    pub unit: &'static str,
    /// The elapsed simulated second of the first value.
    pub first_second: u64,
    pub lines: Vec<Line>,
    /// A limit to draw as a dashed line (the shard write limit, for instance).
    pub limit: Option<(f64, String)>,
}

impl Chart {
    /// The largest value on the chart (at least 1, so an empty chart still has a scale).
    pub fn max_value(&self) -> f64 {
        self.lines
            .iter()
            .flat_map(|l| l.values.iter().flatten())
            .copied()
            .chain(self.limit.as_ref().map(|(v, _)| *v))
            .fold(1.0, f64::max)
    }
}

/// The charts' titles, which [`nothing_to_plot`] also knows them by.
pub const INCOMING_TITLE: &str = "IncomingRecords per shard";
pub const WRITE_EXCEEDED_TITLE: &str = "WriteProvisionedThroughputExceeded per shard";
pub const BEHIND_TITLE: &str = "MillisBehindLatest per consumer, and the stream's iterator age";
pub const PRODUCERS_TITLE: &str = "Producer records: succeeded vs throttled";
pub const LEASES_TITLE: &str = "Leases per worker";
pub const LATENCY_TITLE: &str =
    "Delivery latency per consumer and KCL application (put to delivery, mean of each second)";

/// A chart with nothing to plot, in words (`None` when it has a value to draw): a chart
/// without lines or values would show an empty legend and a bare axis, which says nothing.
pub fn nothing_to_plot(chart: &Chart) -> Option<String> {
    let seconds = chart.lines.first().map_or(0, |l| l.values.len());
    if chart
        .lines
        .iter()
        .any(|l| l.values.iter().any(Option::is_some))
    {
        return None;
    }
    Some(match chart.title {
        PRODUCERS_TITLE => "No producer writes to this stream, so there is nothing to plot. Add one with `producer add`.".to_string(),
        LEASES_TITLE => "This application has no worker, so there is nothing to plot.".to_string(),
        BEHIND_TITLE => format!(
            "No consumer or KCL application has read this stream in the last {}, so there is nothing to plot.",
            crate::session::text::plural(seconds.max(1) as u64, "second", "seconds")
        ),
        LATENCY_TITLE if chart.lines.is_empty() => "No consumer or KCL application reads this stream, so there is nothing to plot. Add one with `consumer add` or `kcl app add`.".to_string(),
        LATENCY_TITLE => format!(
            "No consumer or KCL application has received a record of this stream in the last {}, so there is nothing to plot.",
            crate::session::text::plural(seconds.max(1) as u64, "second", "seconds")
        ),
        title => format!("{title}: nothing to plot yet."),
    })
}

/// The ticks of a chart's value axis: 0 and then a round step (1, 2 or 5 times a power of
/// ten, at least 1, since the values are counts and milliseconds) up to the first tick at or
/// above `max_value`, five ticks at most. Every tick is a different number, so no two labels
/// read the same (see [`value_label`]).
pub fn value_ticks(max_value: f64) -> Vec<f64> {
    let max = if max_value.is_finite() {
        max_value.max(1.0)
    } else {
        1.0
    };
    let raw = max / 4.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * power)
        .max(1.0);
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// A value tick's label: `0`, `250`, `1.5k`, `2k`, `1.25M`.
pub fn value_label(value: f64) -> String {
    let (scaled, suffix) = if value >= 1_000_000.0 {
        (value / 1_000_000.0, "M")
    } else if value >= 1_000.0 {
        (value / 1_000.0, "k")
    } else {
        (value, "")
    };
    let text = format!("{scaled:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{suffix}")
}

/// The ticks of the time axis, in elapsed seconds: whole seconds from `first` to `last` at a
/// round step (1, 2, 5, 10, 15, 30 or 60 s, or whole minutes), five ticks at most.
pub fn second_ticks(first: u64, last: u64) -> Vec<u64> {
    let span = last.saturating_sub(first);
    let step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900]
        .into_iter()
        .find(|step| span / step < 5)
        .unwrap_or(span.div_ceil(4).max(1));
    let start = first.div_ceil(step) * step;
    (0..)
        .map(|i| start + i * step)
        .take_while(|t| *t <= last)
        .collect()
}

/// The five charts of the page, for one stream, over the last `window` complete seconds.
pub fn charts(world: &World, stream: &Stream, window: u64) -> Vec<Chart> {
    let (from, to) = seconds_span(world, window);
    let first_second = from.saturating_sub(START_MS / 1000);
    let shards_with_data: Vec<_> = stream
        .shards
        .iter()
        .filter(|s| s.is_open() || s.closed_ms.is_some_and(|c| c / 1000 >= from))
        .collect();
    let shard_lines = |metric: Metric| -> Vec<Line> {
        shards_with_data
            .iter()
            .map(|shard| Line {
                name: shard_id(shard.index),
                values: shard
                    .metrics
                    .per_second(metric, from, to)
                    .into_iter()
                    .map(|v| Some(v as f64))
                    .collect(),
            })
            .collect()
    };
    let limit = stream.limits.write_records_per_sec as f64;

    let mut behind = Vec::new();
    let mut latency = Vec::new();
    for consumer in world.consumers().filter(|c| c.config.stream == stream.name) {
        let polls = consumer
            .series
            .per_second(ConsumerSeries::Polls.into(), from, to);
        let values =
            consumer
                .series
                .per_second(ConsumerSeries::MillisBehindLatest.into(), from, to);
        behind.push(Line {
            name: consumer.name.clone(),
            values: gaps(values, &polls),
        });
        let records = consumer
            .series
            .per_second(ConsumerSeries::Records.into(), from, to);
        let sums = consumer
            .series
            .per_second(ConsumerSeries::DeliveryLatencySum.into(), from, to);
        latency.push(Line {
            name: consumer.name.clone(),
            values: means(&sums, &records),
        });
    }
    for app in world.apps().filter(|a| a.config.stream == stream.name) {
        let reads = app.series.per_second(AppSeries::Reads.into(), from, to);
        let values = app
            .series
            .per_second(AppSeries::MillisBehindLatest.into(), from, to);
        behind.push(Line {
            name: format!("{} (KCL)", app.name),
            values: gaps(values, &reads),
        });
        let delivered = app.series.per_second(AppSeries::Delivered.into(), from, to);
        let sums = app
            .series
            .per_second(AppSeries::DeliveryLatencySum.into(), from, to);
        latency.push(Line {
            name: format!("{} (KCL)", app.name),
            values: means(&sums, &delivered),
        });
    }

    // The stream's own view of its readers: the oldest record any GetRecords call returned
    // in each second (the largest GetRecords.IteratorAgeMilliseconds over its shards).
    let mut calls = vec![0u64; (to - from + 1) as usize];
    let mut age = vec![0u64; calls.len()];
    for shard in &shards_with_data {
        let shard_calls = shard
            .metrics
            .per_second(Metric::GetRecordsSuccess, from, to);
        let shard_age =
            shard
                .metrics
                .per_second(Metric::GetRecordsIteratorAgeMilliseconds, from, to);
        for i in 0..calls.len() {
            calls[i] += shard_calls.get(i).copied().unwrap_or(0);
            age[i] = age[i].max(shard_age.get(i).copied().unwrap_or(0));
        }
    }
    behind.push(Line {
        name: "GetRecords.IteratorAgeMilliseconds (stream)".to_string(),
        values: gaps(age, &calls),
    });

    let mut producers = Vec::new();
    for producer in world.producers().filter(|p| p.config.stream == stream.name) {
        for (counter, what) in [
            (ProducerSeries::Succeeded, "succeeded"),
            (ProducerSeries::Throttled, "throttled"),
        ] {
            producers.push(Line {
                name: format!("{} {what}", producer.name),
                values: producer
                    .series
                    .per_second(counter.into(), from, to)
                    .into_iter()
                    .map(|v| Some(v as f64))
                    .collect(),
            });
        }
    }

    vec![
        Chart {
            name: point::CHARTS[0],
            title: INCOMING_TITLE,
            unit: "records/s",
            first_second,
            lines: shard_lines(Metric::IncomingRecords),
            limit: Some((limit, format!("the limit, {limit} records/s per shard"))),
        },
        Chart {
            name: point::CHARTS[1],
            title: WRITE_EXCEEDED_TITLE,
            unit: "records/s",
            first_second,
            lines: shard_lines(Metric::WriteProvisionedThroughputExceeded),
            limit: None,
        },
        Chart {
            name: point::CHARTS[2],
            title: BEHIND_TITLE,
            unit: "ms",
            first_second,
            lines: behind,
            limit: None,
        },
        Chart {
            name: point::CHARTS[3],
            title: PRODUCERS_TITLE,
            unit: "records/s",
            first_second,
            lines: producers,
            limit: None,
        },
        Chart {
            name: point::CHARTS[5],
            title: LATENCY_TITLE,
            unit: "ms",
            first_second,
            lines: latency,
            limit: None,
        },
    ]
}

/// Leases per worker over the last `window` complete seconds, as the lease table's
/// `leaseOwner` column counts them (a dead worker keeps its leases until they are taken).
pub fn leases_chart(world: &World, app: &crate::kcl::KclApp, window: u64) -> Chart {
    let (from, to) = seconds_span(world, window);
    let changes = &app.activity.ownership;
    let mut workers: std::collections::BTreeSet<String> = app.workers.keys().cloned().collect();
    for (_, owners) in changes {
        workers.extend(owners.keys().cloned());
    }
    let lines = workers
        .into_iter()
        .map(|worker| Line {
            values: (from..=to)
                .map(|second| {
                    let end_ms = (second + 1) * 1000;
                    let at = changes.partition_point(|(at_ms, _)| *at_ms < end_ms);
                    Some(
                        at.checked_sub(1)
                            .and_then(|i| changes.get(i))
                            .and_then(|(_, owners)| owners.get(&worker).copied())
                            .unwrap_or(0) as f64,
                    )
                })
                .collect(),
            name: worker,
        })
        .collect();
    Chart {
        name: point::CHARTS[4],
        title: LEASES_TITLE,
        unit: "leases",
        first_second: from.saturating_sub(START_MS / 1000),
        lines,
        limit: None,
    }
}

/// The epoch seconds of the last `window` complete seconds, clipped to the start and to what
/// the model keeps.
fn seconds_span(world: &World, window: u64) -> (u64, u64) {
    let start = START_MS / 1000;
    let to = (world.now_ms() / 1000).saturating_sub(1).max(start);
    let from = to
        .saturating_sub(window.min(SECONDS_KEPT).saturating_sub(1))
        .max(start);
    (from, to)
}

/// A value where there were calls, a gap where there were none. A consumer polling once a
/// second does not land a call in every second, so the line carries a value across up to
/// [`BRIDGED_SECONDS`] quiet seconds; a longer silence (a dead consumer) is a gap.
fn gaps(values: Vec<u64>, calls: &[u64]) -> Vec<Option<f64>> {
    bridged(
        values
            .into_iter()
            .zip(calls)
            .map(|(v, &n)| (n > 0).then_some(v as f64)),
    )
}

/// The mean delivery latency of each second (the sum of the latencies over the records
/// delivered), a gap in a second without deliveries, bridged as [`gaps`] bridges.
fn means(sums: &[u64], delivered: &[u64]) -> Vec<Option<f64>> {
    bridged(
        sums.iter()
            .zip(delivered)
            .map(|(&sum, &n)| (n > 0).then(|| sum as f64 / n as f64)),
    )
}

/// Carries the last value across up to [`BRIDGED_SECONDS`] seconds without one.
fn bridged(values: impl Iterator<Item = Option<f64>>) -> Vec<Option<f64>> {
    let mut last: Option<(usize, f64)> = None;
    values
        .enumerate()
        .map(|(i, value)| match value {
            Some(v) => {
                last = Some((i, v));
                Some(v)
            }
            None => last
                .filter(|(at, _)| i - at <= BRIDGED_SECONDS)
                .map(|(_, v)| v),
        })
        .collect()
}

/// How many seconds without a GetRecords call (or a delivery) a line bridges.
const BRIDGED_SECONDS: usize = 2;

/// The per-second metrics of the last 15 simulated minutes as CSV, one row per value:
/// `second,timestamp,dimension,name,metric,value` (CloudWatch's names; dimension is
/// `StreamName/ShardId`, `Producer`, `Consumer` or `KclApplication`). Seconds count from the
/// start of the run; timestamps are the simulated wall clock, ISO 8601 UTC.
pub fn csv(world: &World) -> String {
    let (from, to) = seconds_span(world, SECONDS_KEPT);
    let mut out = String::from("second,timestamp,dimension,name,metric,value\n");
    if world.now_ms() < START_MS + 1000 {
        return out;
    }
    let mut row = |second: u64, dimension: &str, name: &str, metric: &str, value: u64| {
        let elapsed = second - START_MS / 1000;
        let stamp = crate::engine::clock_text::iso8601(second * 1000);
        let _ = writeln!(
            out,
            "{elapsed},{stamp},{dimension},{},{metric},{value}",
            quote(name)
        );
    };
    for second in from..=to {
        for stream in world.kinesis().streams() {
            for shard in &stream.shards {
                let dimension = format!("{}/ShardId", quote(&stream.name));
                for metric in Metric::ALL {
                    let value = shard.metrics.in_second(metric, second);
                    if value > 0 || shard.is_open() && metric == Metric::IncomingRecords {
                        row(second, &dimension, &shard.id(), metric.name(), value);
                    }
                }
            }
        }
        for producer in world.producers() {
            for (i, metric) in crate::sim::producer::PRODUCER_SERIES.iter().enumerate() {
                let value = producer.series.in_second(i, second);
                row(second, "Producer", &producer.name, metric, value);
            }
        }
        for consumer in world.consumers() {
            let polled = consumer
                .series
                .in_second(ConsumerSeries::Polls.into(), second)
                > 0;
            for (i, metric) in crate::sim::consumer::CONSUMER_SERIES.iter().enumerate() {
                // An age is a reading of a call: none without one.
                if i == usize::from(ConsumerSeries::MillisBehindLatest) && !polled {
                    continue;
                }
                let value = consumer.series.in_second(i, second);
                row(second, "Consumer", &consumer.name, metric, value);
            }
        }
        for app in world.apps() {
            let read = app.series.in_second(AppSeries::Reads.into(), second) > 0;
            for (i, metric) in crate::kcl::app::APP_SERIES.iter().enumerate() {
                if i == usize::from(AppSeries::MillisBehindLatest) && !read {
                    continue;
                }
                let value = app.series.in_second(i, second);
                row(second, "KclApplication", &app.name, metric, value);
            }
        }
    }
    out
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Link, Session};

    /// The opening scene once its application has processed every shard for 20 s.
    fn busy_session() -> Session {
        let mut session = Session::new(Link::decode("#seed=3").unwrap());
        crate::session::fixtures::until_analytics_processes(&mut session);
        session.advance(20_000);
        session
    }

    #[test]
    fn the_incoming_records_chart_matches_the_shard_metrics() {
        let session = busy_session();
        let stream = session.world.kinesis().stream("orders").unwrap();
        let charts = charts(&session.world, stream, 10);
        let incoming = &charts[0];
        assert_eq!(incoming.lines.len(), 4);
        assert_eq!(incoming.lines[1].values.len(), 10);
        let last_complete = session.world.now_ms() / 1000 - 1;
        assert_eq!(incoming.first_second, last_complete - 9 - START_MS / 1000);
        let second = last_complete;
        assert_eq!(
            incoming.lines[1].values[9],
            Some(
                stream.shards[1]
                    .metrics
                    .in_second(Metric::IncomingRecords, second) as f64
            )
        );
        // The hot shard sits at its limit and is throttled; the others are not.
        let throttled = &charts[1];
        assert!(throttled.lines[1].values[9].unwrap() > 0.0);
        assert_eq!(throttled.lines[0].values[9], Some(0.0));
    }

    #[test]
    fn a_consumer_that_does_not_read_has_gaps_not_zeros() {
        let mut session = busy_session();
        let workers: Vec<String> = session
            .world
            .app("analytics")
            .unwrap()
            .workers
            .keys()
            .cloned()
            .collect();
        for worker in workers {
            let entries = session.run_command(&format!("kcl worker kill analytics/{worker}"));
            assert!(
                !entries
                    .iter()
                    .any(|e| matches!(e, crate::script::Entry::Error { .. })),
                "{entries:?}"
            );
        }
        session.advance(5_000);
        let stream = session.world.kinesis().stream("orders").unwrap();
        let charts = charts(&session.world, stream, 20);
        let behind = &charts[2].lines[0];
        assert_eq!(behind.name, "analytics (KCL)");
        assert!(behind.values[..10].iter().any(|v| v.is_some()));
        assert_eq!(behind.values[19], None, "{:?}", behind.values);
    }

    #[test]
    fn the_delivery_latency_chart_is_each_readers_mean_of_each_second() {
        let session = busy_session();
        let stream = session.world.kinesis().stream("orders").unwrap();
        let charts = charts(&session.world, stream, 10);
        let latency = charts.iter().find(|c| c.title == LATENCY_TITLE).unwrap();
        assert_eq!((latency.name, latency.unit), ("latency", "ms"));
        let readers = session.world.consumers().count() + session.world.apps().count();
        assert_eq!(latency.lines.len(), readers);
        let app = latency
            .lines
            .iter()
            .find(|l| l.name == "analytics (KCL)")
            .unwrap();
        // A second's value is the sum of that second's latencies over its deliveries.
        let found = session.world.app("analytics").unwrap();
        let last = session.world.now_ms() / 1000 - 1;
        let mut checked = 0;
        for (i, second) in (last - 9..=last).enumerate() {
            let n = found.series.in_second(AppSeries::Delivered.into(), second);
            let sum = found
                .series
                .in_second(AppSeries::DeliveryLatencySum.into(), second);
            if n > 0 {
                assert_eq!(app.values[i], Some(sum as f64 / n as f64));
                checked += 1;
            }
        }
        assert!(
            checked >= 5,
            "the KCL reads every 1.5 s: {checked} seconds with deliveries"
        );
        // Every value is a latency a reader could have seen: no more than the run so far.
        let values: Vec<f64> = app.values.iter().flatten().copied().collect();
        assert!(!values.is_empty());
        assert!(values
            .iter()
            .all(|v| *v >= 0.0 && *v <= session.world.elapsed_ms() as f64));
    }

    #[test]
    fn leases_per_worker_follow_the_lease_table() {
        let mut session = busy_session();
        session.advance(60_000);
        let app = session.world.app("analytics").unwrap();
        let chart = leases_chart(&session.world, app, 30);
        assert_eq!(chart.lines.len(), 3);
        let total: f64 = chart.lines.iter().map(|l| l.values[29].unwrap()).sum();
        assert_eq!(total, 4.0, "four leases, all owned");
        let most = chart
            .lines
            .iter()
            .map(|l| l.values[29].unwrap())
            .fold(0.0, f64::max);
        assert_eq!(most, 2.0, "4 leases over 3 workers: 2/1/1");
    }

    #[test]
    fn axis_ticks_are_distinct_round_numbers_with_distinct_labels() {
        for max in [
            0.0, 0.4, 1.0, 1.1, 3.0, 7.0, 11.0, 999.0, 1_100.0, 1_350.0, 12_345.0, 2.5e6,
        ] {
            let ticks = value_ticks(max);
            assert_eq!(ticks[0], 0.0);
            assert!(*ticks.last().unwrap() >= max, "{max}: {ticks:?}");
            assert!((2..=5).contains(&ticks.len()), "{max}: {ticks:?}");
            let labels: Vec<String> = ticks.iter().map(|t| value_label(*t)).collect();
            let distinct: std::collections::BTreeSet<&String> = labels.iter().collect();
            assert_eq!(distinct.len(), labels.len(), "{max}: {labels:?}");
        }
        assert_eq!(value_ticks(1.1), [0.0, 1.0, 2.0]);
        assert_eq!(value_ticks(1_100.0), [0.0, 500.0, 1_000.0, 1_500.0]);
        let labels: Vec<String> = [0.0, 500.0, 1_500.0, 2_000.0, 1_250_000.0]
            .iter()
            .map(|v| value_label(*v))
            .collect();
        assert_eq!(labels, ["0", "500", "1.5k", "2k", "1.25M"]);
        // The time axis: one second gives one tick, not "0s 0s 1s".
        assert_eq!(second_ticks(0, 0), [0]);
        assert_eq!(second_ticks(0, 1), [0, 1]);
        assert_eq!(second_ticks(3, 122), [30, 60, 90, 120]);
        assert_eq!(second_ticks(0, 119), [0, 30, 60, 90]);
        for last in 0..400 {
            let ticks = second_ticks(last / 3, last);
            assert!(!ticks.is_empty() && ticks.len() <= 5, "{last}: {ticks:?}");
            assert!(ticks.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn a_chart_with_nothing_to_plot_says_so() {
        let script = "aws kinesis create-stream --stream-name Foo --shard-count 1\nwait 5s\n";
        let link = Link {
            scenario: crate::session::Scenario::Script(script.to_string()),
            ..Link::decode("").unwrap()
        };
        let mut session = Session::new(link);
        session.advance(10_000);
        let stream = session.world.kinesis().stream("Foo").unwrap();
        let charts = charts(&session.world, stream, 120);
        assert_eq!(
            nothing_to_plot(&charts[0]),
            None,
            "zero records a second is a value"
        );
        assert_eq!(
            nothing_to_plot(&charts[2]).as_deref(),
            Some("No consumer or KCL application has read this stream in the last 10 seconds, so there is nothing to plot.")
        );
        assert_eq!(
            nothing_to_plot(&charts[3]).as_deref(),
            Some("No producer writes to this stream, so there is nothing to plot. Add one with `producer add`.")
        );
        assert_eq!(
            nothing_to_plot(&charts[4]).as_deref(),
            Some("No consumer or KCL application reads this stream, so there is nothing to plot. Add one with `consumer add` or `kcl app add`.")
        );
        // A reader that has received nothing yet: no value, and the words say for how long.
        let mut session = session;
        session.run_command(
            "consumer add c --stream Foo --shard-id shardId-000000000000 --shard-iterator-type LATEST",
        );
        session.advance(3_000);
        let stream = session.world.kinesis().stream("Foo").unwrap();
        assert_eq!(
            nothing_to_plot(&super::charts(&session.world, stream, 120)[4]).as_deref(),
            Some("No consumer or KCL application has received a record of this stream in the last 13 seconds, so there is nothing to plot.")
        );
        let busy = busy_session();
        let stream = busy.world.kinesis().stream("orders").unwrap();
        assert!(charts_of(&busy, stream)
            .iter()
            .all(|c| nothing_to_plot(c).is_none()));
    }

    fn charts_of(session: &Session, stream: &Stream) -> Vec<Chart> {
        charts(&session.world, stream, 10)
    }

    #[test]
    fn the_csv_has_one_row_per_value_with_cloudwatch_names() {
        let session = busy_session();
        let csv = csv(&session.world);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("second,timestamp,dimension,name,metric,value")
        );
        let stream = session.world.kinesis().stream("orders").unwrap();
        let expected = stream.shards[1]
            .metrics
            .in_second(Metric::IncomingRecords, START_MS / 1000 + 5);
        let row = format!(
            "5,2026-01-01T00:00:05Z,orders/ShardId,shardId-000000000001,IncomingRecords,{expected}"
        );
        assert!(csv.lines().any(|l| l == row), "no row {row}");
        assert!(csv.contains(",Producer,viral,throttled,"));
        assert!(csv.contains(",KclApplication,analytics,MillisBehindLatest,"));
        // Every row has six fields.
        assert!(csv.lines().all(|l| l.split(',').count() == 6));
    }
}
