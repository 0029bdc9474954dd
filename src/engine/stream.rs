//! A stream: its status, retention, shards (open and closed) and pending state change.
//!
//! Kinesis changes a stream asynchronously: CreateStream returns at once with the stream
//! CREATING, a reshard leaves it UPDATING, DeleteStream leaves it DELETING. Each of those is a
//! [`Pending`] change with a due time; [`super::Kinesis`] applies it when simulated time
//! reaches it, and only then does the new state become visible.

use super::config::ShardLimits;
use super::error::ApiError;
use super::on_demand::OnDemandScaler;
use super::reshard::{self, LineageNode, Reshard, ReshardStep};
use super::shard::Shard;
use super::usage::Usage;

/// `StreamStatus` as the API reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamStatus {
    Creating,
    Active,
    Updating,
    Deleting,
}

impl StreamStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamStatus::Creating => "CREATING",
            StreamStatus::Active => "ACTIVE",
            StreamStatus::Updating => "UPDATING",
            StreamStatus::Deleting => "DELETING",
        }
    }
}

/// `StreamMode`: how the stream's capacity is managed. A provisioned stream has the shards its
/// owner asks for; an on-demand stream is resharded by the service alone, so SplitShard,
/// MergeShards and UpdateShardCount refuse it (reference modern-kinesis.md section 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StreamMode {
    Provisioned,
    OnDemand,
}

impl StreamMode {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamMode::Provisioned => "PROVISIONED",
            StreamMode::OnDemand => "ON_DEMAND",
        }
    }

    /// The mode an API request names (its enum already checked).
    pub fn parse(text: &str) -> Option<StreamMode> {
        match text {
            "PROVISIONED" => Some(StreamMode::Provisioned),
            "ON_DEMAND" => Some(StreamMode::OnDemand),
            _ => None,
        }
    }
}

/// An asynchronous change waiting for its due time.
#[derive(Clone, Debug)]
pub struct Pending {
    pub due_ms: u64,
    pub change: Change,
}

#[derive(Clone, Debug)]
pub enum Change {
    /// CREATING -> ACTIVE.
    Activate,
    /// DELETING -> gone.
    Remove,
    /// UPDATING -> ACTIVE, with the new shards.
    Reshard(Reshard),
    /// UPDATING -> ACTIVE in the new capacity mode, with the same shards (UpdateStreamMode).
    SwitchMode(StreamMode),
}

impl Change {
    /// The status a stream shows while this change is pending.
    pub fn pending_status(&self) -> StreamStatus {
        match self {
            Change::Activate => StreamStatus::Creating,
            Change::Remove => StreamStatus::Deleting,
            Change::Reshard(_) | Change::SwitchMode(_) => StreamStatus::Updating,
        }
    }
}

/// One stream.
#[derive(Clone, Debug)]
pub struct Stream {
    pub name: String,
    pub arn: String,
    pub status: StreamStatus,
    /// The capacity mode; a switch shows only once its UPDATING is over.
    pub mode: StreamMode,
    /// How the service reshards the stream by itself while it is ON_DEMAND.
    pub scaler: OnDemandScaler,
    /// When UpdateStreamMode calls were accepted, for the limit of switches per 24 hours.
    pub mode_switches_ms: Vec<u64>,
    /// When CreateStream was called (`StreamCreationTimestamp`).
    pub created_ms: u64,
    pub retention_hours: u32,
    /// Every shard the stream ever had, by index (closed and expired ones too).
    pub shards: Vec<Shard>,
    /// Per-shard limits of this stream (AWS's unless a lesson lowered them).
    pub limits: ShardLimits,
    pub pending: Option<Pending>,
    /// Whether the stream has ever been ACTIVE. Its shards are listed only from then on: a
    /// stream deleted while still CREATING shows DELETING with no shards, as AWS shows it.
    pub activated: bool,
    /// What it used that AWS bills by the amount, for the cost meter.
    pub usage: Usage,
    /// Registered enhanced fan-out consumers, oldest first (see `super::fan_out`).
    pub consumers: Vec<super::fan_out::Consumer>,
    /// Indices of the open shards ordered by StartingHashKey, for routing by binary search.
    open_by_range: Vec<u32>,
}

impl Stream {
    pub fn new(
        name: String,
        arn: String,
        created_ms: u64,
        shards: Vec<Shard>,
        limits: ShardLimits,
    ) -> Self {
        let mut stream = Stream {
            name,
            arn,
            status: StreamStatus::Creating,
            mode: StreamMode::Provisioned,
            scaler: OnDemandScaler::default(),
            mode_switches_ms: Vec::new(),
            created_ms,
            retention_hours: 24,
            shards,
            limits,
            pending: None,
            activated: false,
            usage: Usage::default(),
            consumers: Vec::new(),
            open_by_range: Vec::new(),
        };
        stream.reindex_open_shards();
        stream
    }

    pub fn retention_ms(&self) -> u64 {
        u64::from(self.retention_hours) * 3_600_000
    }

    /// Rebuilds the routing index after shards opened or closed.
    pub fn reindex_open_shards(&mut self) {
        let mut open: Vec<&Shard> = self.shards.iter().filter(|s| s.is_open()).collect();
        crate::sort::sort_by_key(&mut open, |s| s.range.starting_hash_key);
        self.open_by_range = open.iter().map(|s| s.index).collect();
    }

    /// The open shard whose range holds `hash_key`.
    pub fn route(&self, hash_key: u128) -> Option<u32> {
        let after = self
            .open_by_range
            .partition_point(|&i| self.shards[i as usize].range.starting_hash_key <= hash_key);
        let index = *self.open_by_range.get(after.checked_sub(1)?)?;
        self.shards[index as usize]
            .range
            .contains(hash_key)
            .then_some(index)
    }

    /// Open shards ordered by hash key range.
    pub fn open_shards(&self) -> impl Iterator<Item = &Shard> {
        self.open_by_range.iter().map(|&i| &self.shards[i as usize])
    }

    pub fn open_shard_count(&self) -> usize {
        self.open_by_range.len()
    }

    /// Shards the API still lists at `now_ms`: open ones and closed ones within retention,
    /// ordered by shard index. Nothing is listed before the stream first turns ACTIVE: not
    /// while it is CREATING, nor when it is deleted while CREATING (kinesalite's
    /// AWS-validated test "should allow stream to be deleted while it is being created",
    /// mhart/kinesalite test/deleteStream.js, shows DELETING with `Shards: []`).
    pub fn listed_shards(&self, now_ms: u64) -> impl Iterator<Item = &Shard> {
        let retention_ms = self.retention_ms();
        let visible = self.activated;
        self.shards
            .iter()
            .filter(move |s| visible && !s.is_expired(now_ms, retention_ms))
    }

    /// `OpenShardCount` as DescribeStreamSummary reports it: 0 until the stream first turns
    /// ACTIVE, consistently with [`Stream::listed_shards`].
    pub fn listed_open_shard_count(&self) -> usize {
        if self.activated {
            self.open_shard_count()
        } else {
            0
        }
    }

    /// The shard with this index, unless it never existed or has expired.
    pub fn live_shard(&self, index: u32, now_ms: u64) -> Option<&Shard> {
        self.shards
            .get(index as usize)
            .filter(|s| !s.is_expired(now_ms, self.retention_ms()))
    }

    pub fn live_shard_mut(&mut self, index: u32, now_ms: u64) -> Option<&mut Shard> {
        let retention_ms = self.retention_ms();
        self.shards
            .get_mut(index as usize)
            .filter(|s| !s.is_expired(now_ms, retention_ms))
    }

    /// Whether data-plane calls are served (ACTIVE or UPDATING).
    pub fn is_serving(&self) -> bool {
        matches!(self.status, StreamStatus::Active | StreamStatus::Updating)
    }

    /// The error for SplitShard, MergeShards or UpdateShardCount on an ON_DEMAND stream:
    /// ValidationException, as documented; the text is Shardlab's (README's known unknowns).
    pub fn require_provisioned(&self, action: &str, account: &str) -> Result<(), ApiError> {
        if self.mode == StreamMode::Provisioned {
            Ok(())
        } else {
            Err(ApiError::validation(format!(
                "{action} is not supported for stream {} under account {account} because it is in ON_DEMAND capacity mode.",
                self.name
            )))
        }
    }

    /// The error for a control-plane change while the stream is not ACTIVE.
    pub fn require_active(&self, account: &str) -> Result<(), ApiError> {
        if self.status == StreamStatus::Active {
            Ok(())
        } else {
            Err(ApiError::resource_in_use(format!(
                "Stream {} under account {account} not ACTIVE, instead in state {}",
                self.name,
                self.status.as_str()
            )))
        }
    }

    /// Sets the retention period at `now_ms`. Records already past the old period are gone for
    /// good, even if they were not trimmed yet: they are trimmed with the old period first,
    /// then the new one applies.
    pub(crate) fn set_retention_hours(&mut self, hours: u32, now_ms: u64) {
        self.trim(now_ms);
        self.retention_hours = hours;
        self.trim(now_ms);
    }

    /// Applies a due reshard at `at_ms` (see [`super::reshard`]) and returns its steps in
    /// order.
    pub(crate) fn apply_reshard(&mut self, reshard: &Reshard, at_ms: u64) -> Vec<ReshardStep> {
        let steps = reshard::apply(&mut self.shards, &self.limits, reshard, at_ms);
        self.reindex_open_shards();
        steps
    }

    /// Every shard the stream ever had, with parents, children and times.
    pub fn lineage(&self, now_ms: u64) -> Vec<LineageNode> {
        let retention_ms = self.retention_ms();
        self.shards
            .iter()
            .map(|s| LineageNode::of(s, now_ms, retention_ms))
            .collect()
    }

    /// Drops records past retention from every shard; returns how many were dropped.
    pub fn trim(&mut self, now_ms: u64) -> u64 {
        let retention_ms = self.retention_ms();
        let cutoff = now_ms.saturating_sub(retention_ms);
        self.shards
            .iter_mut()
            .map(|shard| {
                if !shard.expired && shard.is_expired(now_ms, retention_ms) {
                    // Gone for good: nothing will read its metrics by the second again.
                    shard.expired = true;
                    shard.metrics.forget_periods();
                }
                shard.records.trim_before(cutoff)
            })
            .sum()
    }
}
