//! Settings of the simulated service: account, region, per-shard limits and how long the
//! asynchronous state changes (CREATING, UPDATING, DELETING) take in simulated time.
//!
//! The defaults are AWS's numbers. Lessons lower the per-shard limits of a stream so that
//! throttling shows up at rates a browser can animate one record at a time.

/// The per-shard throughput limits (reference section 1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShardLimits {
    /// Write bytes per second (partition key + data): 1 MiB.
    pub write_bytes_per_sec: u64,
    /// Records written per second: 1,000.
    pub write_records_per_sec: u64,
    /// GetRecords calls per second, shared by every reader of the shard: 5.
    pub read_calls_per_sec: u64,
    /// Bytes read per second: 2 MiB.
    pub read_bytes_per_sec: u64,
}

impl ShardLimits {
    /// AWS's limits for every provisioned shard.
    pub const AWS: ShardLimits = ShardLimits {
        write_bytes_per_sec: 1024 * 1024,
        write_records_per_sec: 1000,
        read_calls_per_sec: 5,
        read_bytes_per_sec: 2 * 1024 * 1024,
    };
}

impl Default for ShardLimits {
    fn default() -> Self {
        ShardLimits::AWS
    }
}

/// Engine settings. `Config::default()` behaves as AWS does in us-east-1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The 12-digit account id that appears in ARNs and error messages.
    pub account_id: String,
    /// The region that appears in ARNs.
    pub region: String,
    /// Account shard quota (20,000 in us-east-1, us-west-2 and eu-west-1).
    pub shard_limit: u32,
    /// Per-shard limits given to new streams.
    pub shard_limits: ShardLimits,
    /// Lower (or higher) limits for the streams named here, applied when they are created.
    pub stream_shard_limits: std::collections::BTreeMap<String, ShardLimits>,
    /// How long a new stream stays CREATING.
    pub create_duration_ms: u64,
    /// How long before its CreateStream call a stream's shards were created, as the creation
    /// time in their sequence numbers says. AWS encodes a second 2 to 7 s before the call
    /// (kinesalite's AWS-validated test "should create a basic 3-shard stream",
    /// mhart/kinesalite test/createStream.js);
    /// AWS documents nothing, so Shardlab takes 4 s, inside that window.
    pub sequence_creation_lead_ms: u64,
    /// How long a deleted stream stays DELETING before it is gone.
    pub delete_duration_ms: u64,
    /// How long SplitShard or MergeShards keeps the stream UPDATING.
    pub reshard_duration_ms: u64,
    /// How long UpdateShardCount keeps the stream UPDATING ("a few minutes" on AWS).
    pub update_shard_count_duration_ms: u64,
    /// How many shards a new ON_DEMAND stream starts with. AWS documents 4 MB/s of write
    /// capacity at creation (1 MB/s per shard), and 4 shards were observed (reference
    /// modern-kinesis.md section 1).
    pub on_demand_initial_shard_count: u32,
    /// How often an ON_DEMAND stream's scaler looks at the minute that just ended (see
    /// [`super::on_demand`]): CloudWatch's one-minute period. Shardlab's choice.
    pub on_demand_check_interval_ms: u64,
    /// The write rate above which an ON_DEMAND stream splits a shard: 500 KB/s, as documented
    /// (Shardlab reads KB as 1,024 bytes, as AWS's 1 MB/s shard limit is 2^20 bytes).
    pub on_demand_split_bytes_per_sec: u64,
    /// How long a shard must stay above that rate before it is split: 15 minutes, the
    /// documented "within 15 minutes" at its longest.
    pub on_demand_split_after_ms: u64,
    /// A shard whose busiest partition key wrote at least this share (percent) of its bytes
    /// is not split: a split cannot relieve one key. Undocumented; Shardlab's choice.
    pub on_demand_hot_key_share_percent: u32,
    /// The window of the peak whose double an ON_DEMAND stream keeps room for: 30 days, as
    /// documented.
    pub on_demand_peak_window_ms: u64,
    /// The fastest pace at which an ON_DEMAND stream merges shards it no longer needs: one
    /// merge an hour. Scale-down is undocumented; Shardlab's choice.
    pub on_demand_merge_interval_ms: u64,
    /// How long UpdateStreamMode keeps the stream UPDATING. AWS documents no duration;
    /// Shardlab's choice.
    pub update_stream_mode_duration_ms: u64,
    /// How many UpdateStreamMode calls a stream accepts in a rolling 24 hours: twice, as
    /// documented.
    pub stream_mode_switches_per_day: usize,
    /// How long a shard iterator stays valid: 5 minutes.
    pub iterator_lifetime_ms: u64,
    /// How long a ListShards NextToken stays valid: 5 minutes.
    pub next_token_lifetime_ms: u64,
    /// How many most recent seconds of per-second shard metrics to keep.
    pub metrics_seconds_kept: usize,
    /// How long a registered stream consumer stays CREATING before it is ACTIVE. AWS
    /// documents no duration; Shardlab's choice (README's known unknowns).
    pub consumer_create_duration_ms: u64,
    /// How long a deregistered consumer stays DELETING before it is gone (Shardlab's choice).
    pub consumer_delete_duration_ms: u64,
    /// Registered consumers a stream may have: 20, as documented (50 with On-demand
    /// Advantage, which Shardlab does not simulate).
    pub consumers_per_stream: usize,
    /// Consumers the account may have CREATING at once: 5, as documented.
    pub consumers_creating_per_account: usize,
    /// How long a SubscribeToShard subscription lasts: 5 minutes, as documented.
    pub subscription_lifetime_ms: u64,
    /// Within this long of a successful SubscribeToShard the same consumer's next one on the
    /// same shard is refused; from then on it takes over: 5 s, as documented.
    pub subscription_takeover_ms: u64,
    /// Bytes per second a subscription delivers at most, per shard and consumer: 2 MiB.
    pub fan_out_bytes_per_sec: u64,
    /// How long after its arrival a record is delivered at the earliest: 70 ms, AWS's
    /// documented average enhanced fan-out latency.
    pub fan_out_propagation_ms: u64,
    /// The least time between two events of a subscription: records arriving meanwhile are
    /// delivered together. Shardlab's choice (AWS documents no batching).
    pub fan_out_event_gap_ms: u64,
    /// How often an idle subscription sends an empty event (Shardlab's choice; AWS sends
    /// events with no records but documents no interval).
    pub fan_out_heartbeat_ms: u64,
    /// How many most recent minutes of per-minute shard metrics to keep.
    pub metrics_minutes_kept: usize,
}

impl Config {
    /// The per-shard limits a new stream called `stream` gets.
    pub fn limits_for(&self, stream: &str) -> ShardLimits {
        self.stream_shard_limits
            .get(stream)
            .copied()
            .unwrap_or(self.shard_limits)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            account_id: "123456789012".to_string(),
            region: "us-east-1".to_string(),
            shard_limit: 20_000,
            shard_limits: ShardLimits::AWS,
            stream_shard_limits: std::collections::BTreeMap::new(),
            create_duration_ms: 2_000,
            sequence_creation_lead_ms: 4_000,
            delete_duration_ms: 2_000,
            reshard_duration_ms: 5_000,
            update_shard_count_duration_ms: 30_000,
            on_demand_initial_shard_count: 4,
            on_demand_check_interval_ms: 60_000,
            on_demand_split_bytes_per_sec: 500 * 1024,
            on_demand_split_after_ms: 15 * 60_000,
            on_demand_hot_key_share_percent: 90,
            on_demand_peak_window_ms: 30 * 24 * 3_600_000,
            on_demand_merge_interval_ms: 3_600_000,
            update_stream_mode_duration_ms: 30_000,
            stream_mode_switches_per_day: 2,
            iterator_lifetime_ms: 300_000,
            next_token_lifetime_ms: 300_000,
            metrics_seconds_kept: super::metrics::SERIES_KEPT.0,
            consumer_create_duration_ms: 5_000,
            consumer_delete_duration_ms: 5_000,
            consumers_per_stream: 20,
            consumers_creating_per_account: 5,
            subscription_lifetime_ms: 300_000,
            subscription_takeover_ms: 5_000,
            fan_out_bytes_per_sec: 2 * 1024 * 1024,
            fan_out_propagation_ms: 70,
            fan_out_event_gap_ms: 50,
            fan_out_heartbeat_ms: 5_000,
            metrics_minutes_kept: super::metrics::SERIES_KEPT.1,
        }
    }
}
