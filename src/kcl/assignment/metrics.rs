//! Worker metrics: each KCL 3.x worker's row in `<app>-WorkerMetricStats`, and its reporter.
//!
//! The leader balances by worker load, not lease count, so each worker publishes its load.
//! Sources (K/ = `amazon-kinesis-client/src/main/java/software/amazon/kinesis/`):
//! - the row: `wid`, `lut` (last update), `sts` (metric -> its last values), `opr` (metric ->
//!   operating range, whose first value is the maximum) (K/worker/metricstats/
//!   WorkerMetricStats.java:82-83, 175-182);
//! - `WorkerMetricStatsManager` samples each metric every 1 s, and every 30 s appends the
//!   average of those samples to a window of the last 10 values; the reporter then writes the
//!   row with `lut` = now (LeaseManagementConfig.java:546, 551, 555; WorkerMetricStatsManager.
//!   java:53-54, 124, 239-241);
//! - the leader reads a metric as the exponential moving average of the window, oldest first,
//!   with α 0.5, ignoring the failure marker -1 (WorkerMetricStats.java:250-252, 350-363;
//!   K/utils/ExponentialMovingAverage.java:40-47; LeaseAssignmentManager.java:572);
//! - a row whose `lut` is older than 2 reports (60 s) is a gone worker
//!   (WorkerMetricStats.java:480-486; MigrationAwareLAMDataManager.java:80, 116-117);
//! - the default metric is CPU, short name "C", with operating range 100
//!   (K/worker/WorkerMetricsSelector.java:45, 56-104); a worker without metrics gets "T"
//!   from the leader ([`super::decider`]).
//!
//! The simulated CPU ([`simulated_cpu_pct`]) is the simulator's own: the share of the period
//! the worker spent in `processRecords`, plus a cost per record, plus the worker process's own
//! idle CPU (`Kcl3Config::idle_cpu_pct`), plus a background load in percent that
//! `kcl worker load APP/ID PERCENT` sets (everything else on the host).

use std::collections::{BTreeMap, VecDeque};

use super::config::Kcl3Config;

/// The CPU metric's short name.
pub const CPU: &str = "C";
/// The throughput metric the leader makes up for workers without metrics.
pub const THROUGHPUT: &str = "T";
/// CPU's operating range maximum, in percent.
pub const CPU_OPERATING_RANGE_MAX: u64 = 100;

/// One row of `<app>-WorkerMetricStats`.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerMetricStats {
    /// `wid`.
    pub wid: String,
    /// `lut`, in simulation ms (epoch seconds in DynamoDB).
    pub lut_ms: u64,
    /// `sts`: metric -> last values, oldest first; -1 marks a failed reading.
    pub sts: BTreeMap<String, Vec<f64>>,
    /// `opr`: metric -> operating range (its first value is the maximum).
    pub opr: BTreeMap<String, Vec<u64>>,
}

impl WorkerMetricStats {
    /// A row with no metrics: the leader balances such a worker by throughput ("T").
    pub fn without_metrics(wid: &str, lut_ms: u64) -> WorkerMetricStats {
        WorkerMetricStats {
            wid: wid.to_string(),
            lut_ms,
            sts: BTreeMap::new(),
            opr: BTreeMap::new(),
        }
    }

    /// The metric's value as the leader sees it: the EMA of the window.
    pub fn metric_stat(&self, name: &str, alpha: f64) -> f64 {
        let mut average: Option<f64> = None;
        for &value in self.sts.get(name).into_iter().flatten() {
            if value == -1.0 {
                continue;
            }
            average = Some(match average {
                None => value,
                Some(previous) => alpha * value + (1.0 - alpha) * previous,
            });
        }
        average.unwrap_or(0.0)
    }

    /// Gone: `lut` older than `max_age_ms` (`isExpired`).
    pub fn is_expired(&self, now_ms: u64, max_age_ms: u64) -> bool {
        now_ms.saturating_sub(self.lut_ms) > max_age_ms
    }

    /// `isUsingDefaultWorkerMetric`: no metrics at all, or "T".
    pub fn is_using_default_metric(&self) -> bool {
        (self.sts.is_empty() && self.opr.is_empty()) || self.sts.contains_key(THROUGHPUT)
    }

    /// `isAnyWorkerMetricFailing`: a metric's last reading failed; such a worker gets nothing.
    pub fn is_any_metric_failing(&self) -> bool {
        !self.is_using_default_metric()
            && self.sts.values().any(|values| values.last() == Some(&-1.0))
    }
}

/// The simulated CPU utilisation over a period, in percent, capped at 100.
pub fn simulated_cpu_pct(
    busy_ms: u64,
    records: u64,
    period_ms: u64,
    background_pct: f64,
    config: &Kcl3Config,
) -> f64 {
    let base = config.idle_cpu_pct + background_pct;
    if period_ms == 0 {
        return base.clamp(0.0, 100.0);
    }
    let seconds = period_ms as f64 / 1_000.0;
    let processing = 100.0 * busy_ms as f64 / period_ms as f64;
    let per_record = config.cpu_pct_per_record_per_s * records as f64 / seconds;
    (base + processing + per_record).clamp(0.0, 100.0)
}

/// A worker's WorkerMetricStatsManager and reporter.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerMetricsReporter {
    pub wid: String,
    /// Host load besides the KCL, in percent.
    pub background_load_pct: f64,
    /// 1 s samples since the last report.
    samples: Vec<f64>,
    /// The window written to `sts`.
    window: VecDeque<f64>,
}

impl WorkerMetricsReporter {
    pub fn new(wid: &str) -> WorkerMetricsReporter {
        WorkerMetricsReporter {
            wid: wid.to_string(),
            background_load_pct: 0.0,
            samples: Vec::new(),
            window: VecDeque::new(),
        }
    }

    /// `kcl worker load APP/ID PERCENT`.
    pub fn set_background_load(&mut self, percent: f64) {
        self.background_load_pct = percent.clamp(0.0, 100.0);
    }

    /// One sample (every second): the CPU over the last `period_ms` of processing.
    pub fn sample(&mut self, busy_ms: u64, records: u64, period_ms: u64, config: &Kcl3Config) {
        let cpu = simulated_cpu_pct(
            busy_ms,
            records,
            period_ms,
            self.background_load_pct,
            config,
        );
        self.samples.push(cpu);
    }

    /// The 30 s report: the samples' average joins the window (the last `metrics_kept`
    /// values), and the row is written with `lut` = now. With no sample, the idle and
    /// background load.
    pub fn report(&mut self, now_ms: u64, config: &Kcl3Config) -> WorkerMetricStats {
        let average = if self.samples.is_empty() {
            simulated_cpu_pct(0, 0, 0, self.background_load_pct, config)
        } else {
            self.samples.iter().sum::<f64>() / self.samples.len() as f64
        };
        self.samples.clear();
        self.window.push_back((average * 100.0).round() / 100.0);
        while self.window.len() > config.metrics_kept.max(1) {
            self.window.pop_front();
        }
        WorkerMetricStats {
            wid: self.wid.clone(),
            lut_ms: now_ms,
            sts: BTreeMap::from([(CPU.to_string(), self.window.iter().copied().collect())]),
            opr: BTreeMap::from([(CPU.to_string(), vec![CPU_OPERATING_RANGE_MAX])]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leader_reads_the_ema_of_the_last_ten_reports() {
        // Without the idle floor, so the reports are the background loads.
        let config = Kcl3Config {
            idle_cpu_pct: 0.0,
            ..Kcl3Config::default()
        };
        let mut reporter = WorkerMetricsReporter::new("A");
        reporter.set_background_load(20.0);
        let mut row = reporter.report(30_000, &config);
        assert_eq!(row.metric_stat(CPU, 0.5), 20.0);
        reporter.set_background_load(80.0);
        for report in 2..=12 {
            row = reporter.report(30_000 * report, &config);
        }
        // Eleven reports at 80 pushed the 20 out of the ten-value window.
        assert_eq!(row.sts[CPU].len(), 10);
        assert_eq!(row.metric_stat(CPU, 0.5), 80.0);
        // One report at 80 after one at 20: α 0.5 gives 50.
        let mut fresh = WorkerMetricsReporter::new("B");
        fresh.set_background_load(20.0);
        fresh.report(30_000, &config);
        fresh.set_background_load(80.0);
        assert_eq!(fresh.report(60_000, &config).metric_stat(CPU, 0.5), 50.0);
    }

    #[test]
    fn cpu_counts_processing_time_records_and_background_load() {
        let config = Kcl3Config::default();
        // Busy 300 ms of each second, 1,000 records/s, 20 % background: 2 % idle + 20 % + 30 %
        // + 5 %.
        let cpu = simulated_cpu_pct(300, 1_000, 1_000, 20.0, &config);
        assert!((cpu - 57.0).abs() < 1e-9, "{cpu}");
        assert_eq!(simulated_cpu_pct(2_000, 0, 1_000, 50.0, &config), 100.0);
        let mut reporter = WorkerMetricsReporter::new("A");
        reporter.sample(100, 0, 1_000, &config);
        reporter.sample(300, 0, 1_000, &config);
        assert_eq!(reporter.report(30_000, &config).sts[CPU], vec![22.0]);
        // A worker that processes nothing still reports its own idle CPU.
        let mut idle = WorkerMetricsReporter::new("B");
        assert_eq!(idle.report(30_000, &config).sts[CPU], vec![2.0]);
    }

    #[test]
    fn a_worker_silent_for_more_than_60_s_is_gone() {
        let row = WorkerMetricStats::without_metrics("A", 30_000);
        assert!(!row.is_expired(90_000, 60_000));
        assert!(row.is_expired(90_001, 60_000));
        assert!(row.is_using_default_metric());
    }
}
