//! KCL 3.x's intervals and knobs, with the defaults of v3.5.1 (F = `failoverTimeMillis`).
//!
//! Sources (K/ = `amazon-kinesis-client/src/main/java/software/amazon/kinesis/`):
//! K/leases/LeaseManagementConfig.java:127 (LAM interval 2F), 322/330 (leader lock 120 s /
//! heartbeat 30 s), 479/495 (graceful handoff on, 30 s), 546/551/555 (metric sampling 1 s,
//! report 30 s, 10 values kept), 567/571/578/586/616/623 (max throughput, ±10 %, 60 %
//! dampening, overshoot, every 3rd run, EMA α 0.5);
//! K/leases/dynamodb/DynamoDBLeaseCoordinator.java:168-171 (renewer F/3-ε, discovery LAM/2-ε);
//! K/coordinator/assignment/MigrationAwareLAMDataManager.java:80, 116-117 (a worker whose `lut`
//! is older than 2 reports is gone); K/lifecycle/LeaseGracefulShutdownHandler.java:52 (2 s).

/// The 3.x settings. `Default` gives the KCL's defaults with F = 10 s.
#[derive(Clone, Debug, PartialEq)]
pub struct Kcl3Config {
    /// `failoverTimeMillis` (F): a lease unchanged this long is expired.
    pub failover_ms: u64,
    /// The ε the KCL subtracts from its periods.
    pub epsilon_ms: u64,
    /// `leaseAssignmentIntervalMillis`: the LAM's fixed delay, 2F.
    pub lease_assignment_interval_ms: u64,
    /// `LeaderLock` lease duration and the holder's heartbeat period.
    pub leader_lease_duration_ms: u64,
    pub leader_heartbeat_ms: u64,
    /// WorkerMetricStats: sampling period, report period, values kept per metric.
    pub metrics_sample_ms: u64,
    pub metrics_report_ms: u64,
    pub metrics_kept: usize,
    /// The EMA α the LAM applies to a worker's kept values.
    pub ema_alpha: f64,
    /// ±% around the fleet average that triggers balancing.
    pub rebalance_threshold_pct: u32,
    /// Share (%) of a busy worker's distance to the average moved in one balancing run.
    pub dampening_pct: u32,
    /// Balancing runs on every Nth LAM run (the first run of a new leader included).
    pub variance_balancing_frequency: u32,
    pub max_leases_for_worker: usize,
    /// `maxThroughputPerHostKBps` (unlimited by default).
    pub max_throughput_per_host_kbps: f64,
    pub allow_throughput_overshoot: bool,
    pub graceful_handoff_enabled: bool,
    pub graceful_handoff_timeout_ms: u64,
    /// LeaseGracefulShutdownHandler's check period.
    pub shutdown_check_ms: u64,
    /// Simulated CPU: percent of one core per record processed per second. Not an AWS figure:
    /// a plausible cost chosen for the simulator (1,000 records/s cost 5 % of a core).
    pub cpu_pct_per_record_per_s: f64,
    /// Simulated CPU of a worker that processes nothing, in percent: the worker process's own
    /// threads (the JVM, the KCL's renewer, discovery and metrics loops). Not an AWS figure: a
    /// plausible floor chosen for the simulator. It matters when the leader first assigns an
    /// application's leases: with every worker at exactly 0 % the decider's extrapolation adds
    /// nothing (it scales by the fleet average), so all new leases would go to one worker; a
    /// real JVM never reports 0 %, and with a floor the first leases spread over the workers.
    pub idle_cpu_pct: f64,
}

impl Default for Kcl3Config {
    fn default() -> Kcl3Config {
        Kcl3Config::with_failover(10_000)
    }
}

impl Kcl3Config {
    /// The defaults, with the intervals that derive from F computed from `failover_ms`.
    pub fn with_failover(failover_ms: u64) -> Kcl3Config {
        Kcl3Config {
            failover_ms,
            epsilon_ms: 25,
            lease_assignment_interval_ms: 2 * failover_ms,
            leader_lease_duration_ms: 120_000,
            leader_heartbeat_ms: 30_000,
            metrics_sample_ms: 1_000,
            metrics_report_ms: 30_000,
            metrics_kept: 10,
            ema_alpha: 0.5,
            rebalance_threshold_pct: 10,
            dampening_pct: 60,
            variance_balancing_frequency: 3,
            max_leases_for_worker: usize::MAX,
            max_throughput_per_host_kbps: f64::INFINITY,
            allow_throughput_overshoot: true,
            graceful_handoff_enabled: true,
            graceful_handoff_timeout_ms: 30_000,
            shutdown_check_ms: 2_000,
            cpu_pct_per_record_per_s: 0.005,
            idle_cpu_pct: 2.0,
        }
    }

    /// The renewer's fixed rate, F/3 - ε (3,308 ms by default).
    pub fn renew_interval_ms(&self) -> u64 {
        self.failover_ms / 3 - self.epsilon_ms
    }

    /// Lease discovery's fixed rate, LAM interval / 2 - ε (9,975 ms by default).
    pub fn discovery_interval_ms(&self) -> u64 {
        self.lease_assignment_interval_ms / 2 - self.epsilon_ms
    }

    /// A worker whose `lut` is older than this is gone for the leader (60 s by default).
    pub fn worker_expiry_ms(&self) -> u64 {
        2 * self.metrics_report_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_derived_intervals_are_the_kcl_defaults() {
        let config = Kcl3Config::default();
        assert_eq!(config.renew_interval_ms(), 3_308);
        assert_eq!(config.discovery_interval_ms(), 9_975);
        assert_eq!(config.lease_assignment_interval_ms, 20_000);
        assert_eq!(config.worker_expiry_ms(), 60_000);
    }
}
