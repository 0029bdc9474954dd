//! The numbers behind the page's charts and its CSV download.
//!
//! Nothing is sampled twice: every value comes from the per-second series the model already
//! keeps for CloudWatch (shards: IncomingRecords, WriteProvisionedThroughputExceeded, ...;
//! producers: succeeded and throttled records; consumers and KCL applications:
//! MillisBehindLatest), so a chart and the CSV show exactly what the gauges counted. Those
//! series keep the last 15 simulated minutes second by second, which is what the CSV holds.
//!
//! A consumer that made no GetRecords call in a second has no MillisBehindLatest for it, as in
//! CloudWatch: the value is `None` (a gap in the line, an empty cell in the CSV), never a
//! misleading 0 ("caught up").

use std::fmt::Write as _;

use crate::engine::metrics::Metric;
use crate::engine::{shard_id, Stream};
use crate::kcl::app::AppSeries;
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

/// The four charts of the page, for one stream, over the last `window` complete seconds.
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
            title: "IncomingRecords per shard",
            unit: "records/s",
            first_second,
            lines: shard_lines(Metric::IncomingRecords),
            limit: Some((limit, format!("the limit, {limit} records/s per shard"))),
        },
        Chart {
            title: "WriteProvisionedThroughputExceeded per shard",
            unit: "records/s",
            first_second,
            lines: shard_lines(Metric::WriteProvisionedThroughputExceeded),
            limit: None,
        },
        Chart {
            title: "MillisBehindLatest per consumer, and the stream's iterator age",
            unit: "ms",
            first_second,
            lines: behind,
            limit: None,
        },
        Chart {
            title: "Producer records: succeeded vs throttled",
            unit: "records/s",
            first_second,
            lines: producers,
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
        title: "Leases per worker",
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
    let mut last: Option<(usize, f64)> = None;
    values
        .into_iter()
        .zip(calls)
        .enumerate()
        .map(|(i, (v, &n))| {
            if n > 0 {
                last = Some((i, v as f64));
                Some(v as f64)
            } else {
                last.filter(|(at, _)| i - at <= BRIDGED_SECONDS)
                    .map(|(_, v)| v)
            }
        })
        .collect()
}

/// How many seconds without a GetRecords call a MillisBehindLatest line bridges.
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

    fn busy_session() -> Session {
        let mut session = Session::new(Link::decode("#seed=3").unwrap());
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
