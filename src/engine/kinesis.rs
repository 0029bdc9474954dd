//! The service: streams by name, simulated time, and the asynchronous changes in flight.

use std::collections::BTreeMap;

use super::config::{Config, ShardLimits};
use super::error::ApiError;
use super::events::EngineEvent;
use super::on_demand::Scaling;
use super::reshard::{Reshard, ReshardStep};
use super::shard_id::shard_id;
use super::stream::{Change, Pending, Stream, StreamMode, StreamStatus};

/// The simulated Kinesis Data Streams service of one account in one region.
///
/// Time only moves forward through the `now_ms` passed to its calls; the engine never reads a
/// clock. A `now_ms` earlier than one already seen is treated as the later one.
#[derive(Clone, Debug)]
pub struct Kinesis {
    pub(crate) config: Config,
    pub(crate) streams: BTreeMap<String, Stream>,
    pub(crate) now_ms: u64,
    /// The second of the last retention trim, so trimming runs at most once a second.
    last_trim_second: u64,
    pub(crate) events: Vec<EngineEvent>,
    /// Enhanced fan-out subscriptions (consumers live on their streams).
    pub(crate) fan_out: super::fan_out::FanOut,
}

impl Kinesis {
    pub fn new(config: Config) -> Self {
        Kinesis {
            config,
            streams: BTreeMap::new(),
            now_ms: 0,
            last_trim_second: 0,
            events: Vec::new(),
            fan_out: Default::default(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The latest simulated time the engine has seen.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// A stream by name, in whatever state it is.
    pub fn stream(&self, name: &str) -> Option<&Stream> {
        self.streams.get(name)
    }

    /// Every stream, by name.
    pub fn streams(&self) -> impl Iterator<Item = &Stream> {
        self.streams.values()
    }

    /// Takes the transitions that happened since the last drain.
    pub fn drain_events(&mut self) -> Vec<EngineEvent> {
        std::mem::take(&mut self.events)
    }

    /// The earliest time at which a pending change is due, for the simulation's scheduler.
    pub fn next_change_ms(&self) -> Option<u64> {
        let streams = self
            .streams
            .values()
            .flat_map(|s| {
                let scaling = (s.mode == StreamMode::OnDemand)
                    .then(|| s.scaler.next_check_ms())
                    .flatten();
                [s.pending.as_ref().map(|p| p.due_ms), scaling]
            })
            .flatten()
            .min();
        streams
            .into_iter()
            .chain(self.next_consumer_change_ms())
            .min()
    }

    /// Lowers (or restores) the per-shard limits of one stream, for lessons that show
    /// throttling at small rates. Not an AWS API: AWS's limits are fixed.
    pub fn set_shard_limits(&mut self, stream: &str, limits: ShardLimits) -> Result<(), ApiError> {
        let now = self.now_ms;
        let not_found = self.stream_not_found(stream);
        let stream = self.streams.get_mut(stream).ok_or(not_found)?;
        stream.limits = limits;
        for shard in &mut stream.shards {
            shard.buckets.set_limits(&limits, now);
        }
        Ok(())
    }

    /// Moves simulated time to `now_ms`, applying every change due by then in time order.
    pub fn advance_to(&mut self, now_ms: u64) {
        let target = now_ms.max(self.now_ms);
        while let Some(due) = self.next_change_ms().filter(|due| *due <= target) {
            self.now_ms = self.now_ms.max(due);
            self.apply_due_changes(due);
            self.scale_on_demand_streams(due);
        }
        self.now_ms = target;
        if target / 1000 > self.last_trim_second {
            self.last_trim_second = target / 1000;
            self.trim(target);
        }
    }

    /// Starts an asynchronous change of stream `name`: it shows the change's status (CREATING,
    /// DELETING or UPDATING) until the change applies, `duration_ms` from `now_ms`.
    ///
    /// A reshard applies on the next whole second from then. The parents' last second is
    /// then the one before it and the children's first second is that one, so a child never
    /// holds a record numbered with a second before its own creation second, and its
    /// StartingSequenceNumber is one second after its parents' EndingSequenceNumber, as on
    /// AWS (kinesalite's AWS-validated mergeShards and splitShard tests, where AWS keeps
    /// writing to the parents until the children's creation second comes).
    pub(crate) fn begin_change(
        &mut self,
        now_ms: u64,
        name: &str,
        change: Change,
        duration_ms: u64,
    ) -> Result<(), ApiError> {
        let status = change.pending_status();
        let mut due_ms = now_ms.saturating_add(duration_ms);
        if matches!(change, Change::Reshard(_)) {
            due_ms = due_ms.div_ceil(1000).saturating_mul(1000);
        }
        let stream = self.find_stream_mut(name)?;
        stream.pending = Some(Pending { due_ms, change });
        self.set_status(name, status, now_ms);
        Ok(())
    }

    fn apply_due_changes(&mut self, due_ms: u64) {
        self.apply_due_consumer_changes(due_ms);
        let names: Vec<String> = self
            .streams
            .iter()
            .filter(|(_, s)| s.pending.as_ref().is_some_and(|p| p.due_ms == due_ms))
            .map(|(name, _)| name.clone())
            .collect();
        for name in names {
            let Some(pending) = self.streams.get_mut(&name).and_then(|s| s.pending.take()) else {
                continue;
            };
            match pending.change {
                Change::Activate => {
                    if let Some(stream) = self.streams.get_mut(&name) {
                        stream.activated = true;
                    }
                    self.set_status(&name, StreamStatus::Active, due_ms);
                }
                Change::Reshard(reshard) => {
                    if let Some(stream) = self.streams.get_mut(&name) {
                        for step in stream.apply_reshard(&reshard, due_ms) {
                            self.events.push(reshard_event(&name, step, due_ms, None));
                        }
                    }
                    self.set_status(&name, StreamStatus::Active, due_ms);
                }
                Change::SwitchMode(mode) => {
                    if let Some(stream) = self.streams.get_mut(&name) {
                        stream.mode = mode;
                        match mode {
                            StreamMode::OnDemand => stream.scaler.start(due_ms, &self.config),
                            StreamMode::Provisioned => stream.scaler.stop(),
                        }
                    }
                    self.set_status(&name, StreamStatus::Active, due_ms);
                }
                Change::Remove => {
                    self.streams.remove(&name);
                    self.events.push(EngineEvent::StreamDeleted {
                        at_ms: due_ms,
                        stream: name,
                    });
                }
            }
        }
    }

    /// Runs the scaler of every ON_DEMAND stream whose look is due at `due_ms` and applies
    /// what it decides at once (the stream stays ACTIVE), within the account's shard quota.
    fn scale_on_demand_streams(&mut self, due_ms: u64) {
        let names: Vec<String> = self
            .streams
            .iter()
            .filter(|(_, s)| {
                s.mode == StreamMode::OnDemand && s.scaler.next_check_ms() == Some(due_ms)
            })
            .map(|(name, _)| name.clone())
            .collect();
        for name in names {
            let Some(stream) = self.streams.get_mut(&name) else {
                continue;
            };
            let mut scaler = std::mem::take(&mut stream.scaler);
            let changes = scaler.check(stream, &self.config, due_ms);
            stream.scaler = scaler;
            for change in changes {
                let (reshard, reason) = match change {
                    Scaling::Split {
                        shard,
                        new_starting_hash_key,
                        reason,
                    } => {
                        if self.open_shards_in_account() >= self.config.shard_limit as usize {
                            continue;
                        }
                        let split = Reshard::Split {
                            shard,
                            new_starting_hash_key,
                        };
                        (split, reason)
                    }
                    Scaling::Merge {
                        shard_to_merge,
                        adjacent_shard_to_merge,
                        reason,
                    } => {
                        let merge = Reshard::Merge {
                            shard_to_merge,
                            adjacent_shard_to_merge,
                        };
                        (merge, reason)
                    }
                };
                let Some(stream) = self.streams.get_mut(&name) else {
                    continue;
                };
                for step in stream.apply_reshard(&reshard, due_ms) {
                    let sentence = match &step {
                        ReshardStep::Split { parent, children } => format!(
                            "{} split into {} and {} ({reason})",
                            shard_id(*parent),
                            shard_id(children[0]),
                            shard_id(children[1])
                        ),
                        ReshardStep::Merge { parents, child } => format!(
                            "{} and {} merged into {} ({reason})",
                            shard_id(parents[0]),
                            shard_id(parents[1]),
                            shard_id(*child)
                        ),
                    };
                    stream.scaler.applied(sentence);
                    let event = reshard_event(&name, step, due_ms, Some(reason.clone()));
                    self.events.push(event);
                }
            }
        }
    }

    pub(crate) fn set_status(&mut self, name: &str, status: StreamStatus, at_ms: u64) {
        if let Some(stream) = self.streams.get_mut(name) {
            stream.status = status;
            self.events.push(EngineEvent::StreamStatusChanged {
                at_ms,
                stream: name.to_string(),
                status: status.as_str(),
            });
        }
    }

    fn trim(&mut self, now_ms: u64) {
        for (name, stream) in &mut self.streams {
            let count = stream.trim(now_ms);
            if count > 0 {
                self.events.push(EngineEvent::RecordsExpired {
                    at_ms: now_ms,
                    stream: name.clone(),
                    count,
                });
            }
        }
    }

    /// `Stream {name} under account {account} not found.`
    pub(crate) fn stream_not_found(&self, name: &str) -> ApiError {
        ApiError::resource_not_found(format!(
            "Stream {name} under account {} not found.",
            self.config.account_id
        ))
    }

    /// The stream, or AWS's ResourceNotFoundException.
    pub(crate) fn find_stream(&self, name: &str) -> Result<&Stream, ApiError> {
        self.streams
            .get(name)
            .ok_or_else(|| self.stream_not_found(name))
    }

    pub(crate) fn find_stream_mut(&mut self, name: &str) -> Result<&mut Stream, ApiError> {
        let error = self.stream_not_found(name);
        self.streams.get_mut(name).ok_or(error)
    }

    /// The stream if it serves reads and writes (ACTIVE or UPDATING).
    pub(crate) fn serving_stream_mut(&mut self, name: &str) -> Result<&mut Stream, ApiError> {
        let error = self.stream_not_found(name);
        self.streams
            .get_mut(name)
            .filter(|s| s.is_serving())
            .ok_or(error)
    }

    /// Open shards across every stream of the account (what the shard quota counts).
    pub(crate) fn open_shards_in_account(&self) -> usize {
        self.streams.values().map(Stream::open_shard_count).sum()
    }

    /// AWS's LimitExceededException for the account shard quota.
    pub(crate) fn shard_limit_error(&self, current: usize, additional: usize) -> ApiError {
        ApiError::limit_exceeded(format!(
            "This request would exceed the shard limit for the account {} in {}. Current shard count for the account: {current}. Limit: {}. Number of additional shards that would have resulted from this request: {additional}. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.",
            self.config.account_id, self.config.region, self.config.shard_limit
        ))
    }

    /// `arn:aws:kinesis:{region}:{account}:stream/{name}`
    pub(crate) fn stream_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:kinesis:{}:{}:stream/{name}",
            self.config.region, self.config.account_id
        )
    }
}

/// The event that reports a completed split or merge; `reason` says why the service made it
/// by itself (on-demand scaling), `None` for a requested reshard.
fn reshard_event(
    stream: &str,
    step: ReshardStep,
    at_ms: u64,
    reason: Option<String>,
) -> EngineEvent {
    match step {
        ReshardStep::Split { parent, children } => EngineEvent::ShardSplit {
            at_ms,
            stream: stream.to_string(),
            parent: shard_id(parent),
            children: children.map(shard_id),
            reason,
        },
        ReshardStep::Merge { parents, child } => EngineEvent::ShardsMerged {
            at_ms,
            stream: stream.to_string(),
            parents: parents.map(shard_id),
            child: shard_id(child),
            reason,
        },
    }
}
