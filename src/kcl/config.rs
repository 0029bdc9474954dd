//! A KCL application's settings, with the KCL 2.x defaults (reference section 7) and the
//! KCL version that decides how leases are assigned.

use serde::Serialize;

use super::assignment::Kcl3Config;

/// The KCL versions a `kcl app add` can run (`--version`).
pub const KCL_VERSIONS: [u8; 2] = [2, 3];

/// The version an application runs when not told: KCL 3.x, the current line since late 2024
/// (AWS calls 1.x and 2.x outdated). `--version 2` keeps the 2.x lease taker.
pub const DEFAULT_KCL_VERSION: u8 = 3;

/// Where a new lease starts (`initialPositionInStream`); only used when a lease is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum InitialPosition {
    Latest,
    TrimHorizon,
    /// Epoch milliseconds.
    AtTimestamp(u64),
}

/// When the application's record processor checkpoints. Checkpointing is entirely the
/// application's choice; the KCL never does it by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CheckpointPolicy {
    /// After a batch once at least this many records were processed since the last one.
    EveryRecords(u64),
    /// After a batch once at least this long has passed since the last one.
    Interval(u64),
    /// After every batch.
    EachBatch,
    /// Never (except at shard end, unless that is switched off too).
    Never,
}

/// How the shard consumers get records: the KCL's `RetrievalConfig`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Retrieval {
    /// GetRecords every `idleTimeBetweenReadsInMillis` (a `PollingConfig`).
    Polling,
    /// Enhanced fan-out: a stream consumer named after the application, SubscribeToShard per
    /// leased shard (the KCL's `FanOutConfig`).
    FanOut,
}

impl Retrieval {
    /// The word `kcl app add --retrieval` takes and the snapshot shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Retrieval::Polling => "polling",
            Retrieval::FanOut => "fan-out",
        }
    }
}

/// The retrieval an application gets when not told: enhanced fan-out, as the real KCL's (2.x
/// and 3.x) unless a `PollingConfig` is given (reference modern-kinesis.md section 2,
/// RetrievalConfig.java). Lessons about the shard's shared read limits say `--retrieval
/// polling`.
pub const DEFAULT_RETRIEVAL: Retrieval = Retrieval::FanOut;

/// Everything a KCL application is told.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KclConfig {
    pub stream: String,
    /// 3: a leader assigns leases by worker load and moves them by graceful handoff
    /// (`kcl::assignment`); 2: every worker's lease taker takes and steals (`kcl::taker`).
    pub version: u8,
    /// Polling or enhanced fan-out ([`DEFAULT_RETRIEVAL`] unless told).
    pub retrieval: Retrieval,
    pub initial_position: InitialPosition,
    /// How long a lease may go unrenewed before others consider it expired: 10 s.
    pub failover_time_millis: u64,
    pub epsilon_millis: u64,
    pub max_leases_for_worker: usize,
    pub max_leases_to_steal_at_one_time: usize,
    /// KCL 2.3+: take very old and new leases first (off: 1.x behaviour).
    pub enable_priority_lease_assignment: bool,
    /// Time between GetRecords calls of a shard consumer: 1.5 s.
    pub idle_time_between_reads_in_millis: u64,
    /// GetRecords Limit: 10,000.
    pub max_records: usize,
    /// How often a child waiting for its parents checks them: 10 s.
    pub parent_shard_poll_interval_millis: u64,
    /// How often the scheduler loop matches shard consumers to held leases: 1 s.
    pub shard_consumer_dispatch_poll_interval_millis: u64,
    /// How often the LeaseCleanupManager runs: 1 min (`leaseCleanupIntervalMillis`).
    pub lease_cleanup_interval_millis: u64,
    /// How long its stopwatch must run before it checks finished (SHARD_END) leases: 5 min
    /// (`completedLeaseCleanupIntervalMillis`). The stopwatch starts with the worker and
    /// restarts after each successful delete.
    pub completed_lease_cleanup_interval_millis: u64,
    /// A worker that finds the lease table empty waits a random time between these two
    /// before creating the leases (Scheduler's `MIN_`/`MAX_WAIT_TIME_FOR_LEASE_TABLE_CHECK_MILLIS`,
    /// 1 s and 30 s), so that workers started together do not all sync the shards.
    pub empty_lease_table_wait_min_millis: u64,
    pub empty_lease_table_wait_max_millis: u64,
    /// How often it looks again whether the table is still empty: 3 s
    /// (`LEASE_TABLE_CHECK_FREQUENCY_MILLIS`).
    pub lease_table_check_frequency_millis: u64,
    /// Shardlab's choice (AWS documents no figure): a worker process takes a random time up
    /// to this long to start (JVM start-up, its first DynamoDB calls) before its lease loops
    /// run, so workers added together do not run their timers in step. 5 s.
    pub worker_startup_max_millis: u64,
    /// How often the leader looks for open shards without leases: 1 min.
    pub shard_sync_interval_millis: u64,
    /// Wait after a failed task (a throttled GetRecords): 500 ms.
    pub task_backoff_time_millis: u64,
    /// The record processor's work: microseconds per record.
    pub processing_micros_per_record: u64,
    pub checkpoint: CheckpointPolicy,
    /// Whether the processor checkpoints SHARD_END in `shardEnded`. Forgetting it blocks the
    /// children forever, as it does in real life.
    pub checkpoint_at_shard_end: bool,
}

impl KclConfig {
    pub fn new(stream: &str) -> Self {
        KclConfig {
            stream: stream.to_string(),
            version: 2,
            retrieval: DEFAULT_RETRIEVAL,
            initial_position: InitialPosition::Latest,
            failover_time_millis: 10_000,
            epsilon_millis: 25,
            max_leases_for_worker: usize::MAX,
            max_leases_to_steal_at_one_time: 1,
            enable_priority_lease_assignment: true,
            idle_time_between_reads_in_millis: 1_500,
            max_records: 10_000,
            parent_shard_poll_interval_millis: 10_000,
            shard_consumer_dispatch_poll_interval_millis: 1_000,
            lease_cleanup_interval_millis: 60_000,
            completed_lease_cleanup_interval_millis: 300_000,
            empty_lease_table_wait_min_millis: 1_000,
            empty_lease_table_wait_max_millis: 30_000,
            lease_table_check_frequency_millis: 3_000,
            worker_startup_max_millis: 5_000,
            shard_sync_interval_millis: 60_000,
            task_backoff_time_millis: 500,
            processing_micros_per_record: 1_000,
            checkpoint: CheckpointPolicy::EachBatch,
            checkpoint_at_shard_end: true,
        }
    }

    /// The renewer's period: failover / 3 - epsilon (3,308 ms by default), at a fixed rate.
    pub fn renewer_interval_ms(&self) -> u64 {
        (self.failover_time_millis / 3)
            .saturating_sub(self.epsilon_millis)
            .max(1)
    }

    /// The taker's period: 2 x (failover + epsilon) (20,050 ms by default), fixed delay.
    pub fn taker_interval_ms(&self) -> u64 {
        2 * (self.failover_time_millis + self.epsilon_millis)
    }

    /// Whether the application runs KCL 3.x's leader-assigned leases.
    pub fn is_v3(&self) -> bool {
        self.version >= 3
    }

    /// The KCL 3.x settings, derived from `failoverTimeMillis` and `maxLeasesForWorker`.
    pub fn kcl3(&self) -> Kcl3Config {
        let mut config = Kcl3Config::with_failover(self.failover_time_millis);
        config.epsilon_ms = self.epsilon_millis;
        config.max_leases_for_worker = self.max_leases_for_worker;
        config
    }

    pub fn validate(&self) -> Result<(), String> {
        if !KCL_VERSIONS.contains(&self.version) {
            return Err(format!(
                "the KCL version must be 2 or 3, not {}",
                self.version
            ));
        }
        if !(1_000..=600_000).contains(&self.failover_time_millis) {
            return Err(format!(
                "failoverTimeMillis must be between 1 s and 10 min, not {} ms",
                self.failover_time_millis
            ));
        }
        if self.max_leases_for_worker == 0 || self.max_leases_to_steal_at_one_time == 0 {
            return Err(
                "maxLeasesForWorker and maxLeasesToStealAtOneTime must be at least 1".into(),
            );
        }
        if !(200..=600_000).contains(&self.idle_time_between_reads_in_millis) {
            return Err(format!(
                "idleTimeBetweenReadsInMillis must be between 200 ms and 10 min, not {} ms",
                self.idle_time_between_reads_in_millis
            ));
        }
        if !(1..=10_000).contains(&self.max_records) {
            return Err(format!(
                "maxRecords must be between 1 and 10000, not {}",
                self.max_records
            ));
        }
        if self.processing_micros_per_record > 10_000_000 {
            return Err("processing time per record must be at most 10 s".into());
        }
        Ok(())
    }
}
