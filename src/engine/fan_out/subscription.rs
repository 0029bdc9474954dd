//! SubscribeToShard: a consumer's subscription to one shard, and the events it delivers.
//!
//! On AWS a subscription is an HTTP/2 stream of `SubscribeToShardEvent`s lasting up to five
//! minutes. Here it is a value the engine keeps, addressed by a [`SubscriptionId`]: the
//! simulation subscribes ([`Kinesis::subscribe_to_shard`]), asks when the next event is due
//! ([`Kinesis::next_event_ms`]) and collects the events due by a moment
//! ([`Kinesis::poll_subscription`]). Events are computed lazily, in time order, from the
//! shard's records, so a subscription nobody polls costs nothing.
//!
//! How events are made (AWS documents the limits, not the mechanics; the choices are `Config`
//! values and README lists them):
//! - a record is delivered no earlier than its arrival plus `fan_out_propagation_ms` (70 ms,
//!   AWS's documented average latency);
//! - a subscription has its own token bucket of `fan_out_bytes_per_sec` (2 MiB/s) holding one
//!   event gap's worth, so a backlog drains at 2 MiB/s (10 MiB in about 5 s). An event may
//!   overshoot the level by one record and leave the bucket in debt, as GetRecords' byte
//!   bucket does; none of this touches the shard's shared GetRecords limits;
//! - two events are at least `fan_out_event_gap_ms` apart, records arriving meanwhile going
//!   together; an idle subscription sends an empty event every `fan_out_heartbeat_ms`, and
//!   one at once when it starts, carrying the ContinuationSequenceNumber to resume from;
//! - at the end of a closed shard a last event has `ChildShards` and no
//!   ContinuationSequenceNumber (as the KCL expects), and the subscription ends;
//! - it also ends after `subscription_lifetime_ms` (5 minutes), when taken over by a new
//!   SubscribeToShard of the same consumer and shard 5 s or more after it started (one within
//!   5 s is refused with ResourceInUseException), when its consumer is deregistered, or when
//!   its stream or shard is gone.
//!
//! Each event adds its bytes to the stream's `Usage::fan_out_bytes` (billed per GB) and
//! counts in the consumer's metrics.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Serialize;

use super::{ConsumerMetric, ConsumerStatus};
use crate::engine::error::ApiError;
use crate::engine::iterator::IteratorStart;
use crate::engine::kinesis::Kinesis;
use crate::engine::read::{ChildShard, Record, MAX_LIMIT};
use crate::engine::sequence::SequenceNumber;
use crate::engine::shard_id::shard_id;
use crate::engine::throttle::TokenBucket;

/// A subscription's handle.
pub type SubscriptionId = u64;

/// One `SubscribeToShardEvent`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscribeToShardEvent {
    /// When the event was sent (simulated time; not part of AWS's event).
    #[serde(skip)]
    pub at_ms: u64,
    /// How many records and bytes it delivered, whether or not `records` was materialized.
    #[serde(skip)]
    pub record_count: u64,
    #[serde(skip)]
    pub bytes: u64,
    /// Sequence indices of the first and last record delivered.
    #[serde(skip)]
    pub first_seq_ix: Option<u64>,
    #[serde(skip)]
    pub last_seq_ix: Option<u64>,
    pub records: Vec<Record>,
    /// The sequence number to resume from (AFTER_SEQUENCE_NUMBER); absent at a shard's end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation_sequence_number: Option<SequenceNumber>,
    pub millis_behind_latest: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_shards: Option<Vec<ChildShard>>,
}

/// Why a subscription ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionEnd {
    /// Its five minutes are over (the connection closes normally).
    Expired,
    /// A newer SubscribeToShard of the same consumer and shard took over.
    TakenOver,
    /// The shard was read to its end; the last event named the children.
    ShardEnded,
    /// The consumer was deregistered (or is no longer ACTIVE).
    ConsumerGone,
    /// The stream was deleted, or the shard passed retention.
    StreamGone,
}

impl SubscriptionEnd {
    /// The error the event stream ends with, if it ends with one (AWS's event stream can
    /// carry ResourceInUseException and ResourceNotFoundException).
    pub fn error(self, consumer_arn: &str, shard: &str) -> Option<ApiError> {
        match self {
            SubscriptionEnd::Expired | SubscriptionEnd::ShardEnded => None,
            SubscriptionEnd::TakenOver => Some(ApiError::resource_in_use(format!(
                "Another active subscription exists for this consumer: {consumer_arn} on shard {shard}."
            ))),
            SubscriptionEnd::ConsumerGone | SubscriptionEnd::StreamGone => Some(
                ApiError::resource_not_found(format!(
                    "Consumer {consumer_arn} or shard {shard} no longer exists."
                )),
            ),
        }
    }
}

/// What a poll returns: the events due by then, and the end if the subscription ended (it is
/// then forgotten: a further poll is ResourceNotFoundException).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionPoll {
    pub events: Vec<SubscribeToShardEvent>,
    pub end: Option<SubscriptionEnd>,
}

/// One subscription.
#[derive(Clone, Debug)]
pub struct Subscription {
    pub consumer_arn: String,
    pub consumer_name: String,
    pub stream: String,
    pub stream_created_ms: u64,
    pub shard_index: u32,
    pub started_ms: u64,
    pub ends_ms: u64,
    /// The sequence index of the next record to deliver.
    pub position: u64,
    /// The last record delivered: sequence index and arrival.
    last_delivered: Option<(u64, u64)>,
    /// Events are computed up to here.
    cursor_ms: u64,
    last_event_ms: Option<u64>,
    bucket: TokenBucket,
    /// Events computed and not yet polled. Shared by copies of the engine (snapshots, for
    /// rewinding): a subscription taken over keeps the events due before the takeover until
    /// it is forgotten, records materialized, which can be tens of MB for a reader far behind;
    /// once ended it never changes, so every copy shares the one outbox.
    outbox: Rc<Vec<SubscribeToShardEvent>>,
    pub end: Option<SubscriptionEnd>,
    /// Bytes pushed in the latest two seconds with any: (epoch second, bytes), older first,
    /// for the page's gauge of the subscription's own 2 MiB/s.
    recent_bytes: [(u64, u64); 2],
}

impl Subscription {
    /// Bytes this subscription pushed in epoch second `second` (0 once it is older than the
    /// latest two seconds with deliveries): what its gauge shows for the last whole second.
    pub fn bytes_in_second(&self, second: u64) -> u64 {
        self.recent_bytes
            .iter()
            .find(|(s, _)| *s == second)
            .map_or(0, |(_, bytes)| *bytes)
    }

    fn count_bytes(&mut self, at_ms: u64, bytes: u64) {
        let second = at_ms / 1000;
        match self.recent_bytes[1] {
            (s, ref mut b) if s == second => *b += bytes,
            _ => self.recent_bytes = [self.recent_bytes[1], (second, bytes)],
        }
    }
}

/// The subscriptions of the account, by id.
#[derive(Clone, Debug, Default)]
pub struct FanOut {
    subscriptions: BTreeMap<SubscriptionId, Subscription>,
    next_id: SubscriptionId,
}

impl FanOut {
    /// Ends every subscription of a consumer (deregistered).
    pub(crate) fn end_subscriptions_of(&mut self, consumer_arn: &str) {
        for sub in self.subscriptions.values_mut() {
            if sub.consumer_arn == consumer_arn && sub.end.is_none() {
                sub.end = Some(SubscriptionEnd::ConsumerGone);
            }
        }
    }

    pub fn get(&self, id: SubscriptionId) -> Option<&Subscription> {
        self.subscriptions.get(&id)
    }

    /// The subscriptions' outboxes that hold events, by address (copies that share one give
    /// the same), with the heap each holds, estimated: for what snapshots hold.
    pub fn outboxes(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.subscriptions
            .values()
            .filter(|s| !s.outbox.is_empty())
            .map(|s| (Rc::as_ptr(&s.outbox) as usize, outbox_bytes(&s.outbox)))
    }

    /// Every subscription not yet forgotten, by id.
    pub fn iter(&self) -> impl Iterator<Item = (SubscriptionId, &Subscription)> {
        self.subscriptions.iter().map(|(id, s)| (*id, s))
    }
}

/// The heap events hold: themselves, and their records' keys and data.
fn outbox_bytes(events: &[SubscribeToShardEvent]) -> usize {
    let record = |r: &Record| std::mem::size_of::<Record>() + r.partition_key.len() + r.data.len();
    events
        .iter()
        .map(|e| {
            std::mem::size_of::<SubscribeToShardEvent>()
                + e.records.iter().map(record).sum::<usize>()
        })
        .sum()
}

/// What one step found in the shard.
enum Step {
    /// Nothing due at this moment after all.
    Nothing,
    Event(SubscribeToShardEvent, u64),
}

impl Kinesis {
    /// The subscriptions, for inspection.
    pub fn fan_out(&self) -> &FanOut {
        &self.fan_out
    }

    /// SubscribeToShard, typed: consumer `consumer_arn` subscribes to shard `shard_index` of
    /// its stream from `start`. Returns the subscription's handle.
    pub fn subscribe_to_shard(
        &mut self,
        now_ms: u64,
        consumer_arn: &str,
        shard_index: u32,
        start: IteratorStart,
    ) -> Result<SubscriptionId, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let account = self.config.account_id.clone();
        let (stream, consumer) = self.find_consumer_by_arn(consumer_arn)?;
        if consumer.status != ConsumerStatus::Active {
            return Err(ApiError::resource_in_use(format!(
                "Consumer {consumer_arn} with creation timestamp {} under stream: {} is not in ACTIVE status.",
                consumer.created_ms, stream.arn
            )));
        }
        let id = shard_id(shard_index);
        let stream_name = stream.name.clone();
        let consumer_name = consumer.name.clone();
        let shard = stream
            .live_shard(shard_index, now_ms)
            .filter(|_| stream.is_serving())
            .ok_or_else(|| {
                ApiError::resource_not_found(format!(
                    "Shard {id} in stream {stream_name} under account {account} does not exist"
                ))
            })?;
        if let IteratorStart::AtTimestamp(at) = start {
            if at > now_ms {
                return Err(ApiError::invalid_argument(format!(
                    "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {at}, currentTimestampInMillis: {now_ms}"
                )));
            }
        }
        let position = start.position_in(shard);
        let stream_created_ms = stream.created_ms;
        let takeover = self.config.subscription_takeover_ms;
        let live = self.fan_out.subscriptions.iter().find(|(_, s)| {
            s.consumer_arn == consumer_arn
                && s.shard_index == shard_index
                && s.end.is_none()
                && now_ms < s.ends_ms
        });
        if let Some((&old, sub)) = live {
            if now_ms.saturating_sub(sub.started_ms) < takeover {
                self.count_consumer(
                    &stream_name,
                    &consumer_name,
                    now_ms,
                    &[(ConsumerMetric::SubscribeToShardRateExceeded, 1)],
                );
                return Err(ApiError::resource_in_use(format!(
                    "Another active subscription exists for this consumer: {consumer_arn} on shard {id}."
                )));
            }
            // The old one delivers what was due before the takeover, then ends.
            self.run_subscription(old, now_ms, true, None);
            if let Some(sub) = self.fan_out.subscriptions.get_mut(&old) {
                sub.end.get_or_insert(SubscriptionEnd::TakenOver);
            }
        }
        // Forget subscriptions over for longer than a lifetime that nobody polled.
        let lifetime = self.config.subscription_lifetime_ms;
        self.fan_out
            .subscriptions
            .retain(|_, s| s.ends_ms.saturating_add(lifetime) > now_ms);
        let gap_bytes = self
            .config
            .fan_out_bytes_per_sec
            .saturating_mul(self.config.fan_out_event_gap_ms)
            / 1000;
        let sub = Subscription {
            consumer_arn: consumer_arn.to_string(),
            consumer_name: consumer_name.clone(),
            stream: stream_name.clone(),
            stream_created_ms,
            shard_index,
            started_ms: now_ms,
            ends_ms: now_ms.saturating_add(lifetime),
            position,
            last_delivered: None,
            cursor_ms: now_ms,
            last_event_ms: None,
            bucket: TokenBucket::with_debt(self.config.fan_out_bytes_per_sec, gap_bytes, now_ms),
            outbox: Rc::default(),
            recent_bytes: [(0, 0); 2],
            end: None,
        };
        let handle = self.fan_out.next_id;
        self.fan_out.next_id += 1;
        self.fan_out.subscriptions.insert(handle, sub);
        self.count_consumer(
            &stream_name,
            &consumer_name,
            now_ms,
            &[(ConsumerMetric::SubscribeToShardSuccess, 1)],
        );
        Ok(handle)
    }

    /// The events of subscription `id` due by `now_ms`, with the records materialized if
    /// `materialize` (the simulation's consumers only need counts and positions), and its end
    /// if it ended. An unknown or forgotten id is ResourceNotFoundException.
    pub fn poll_subscription(
        &mut self,
        now_ms: u64,
        id: SubscriptionId,
        materialize: bool,
    ) -> Result<SubscriptionPoll, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        if !self.fan_out.subscriptions.contains_key(&id) {
            return Err(ApiError::resource_not_found(format!(
                "Subscription {id} under account {} not found.",
                self.config.account_id
            )));
        }
        self.run_subscription(id, now_ms, materialize, None);
        let Some(sub) = self.fan_out.subscriptions.get_mut(&id) else {
            return Ok(SubscriptionPoll {
                events: Vec::new(),
                end: None,
            });
        };
        let events = Rc::unwrap_or_clone(std::mem::take(&mut sub.outbox));
        let end = sub.end;
        if end.is_some() {
            self.fan_out.subscriptions.remove(&id);
        }
        Ok(SubscriptionPoll { events, end })
    }

    /// Takes the events computed for `id` and not yet polled; forgets it if it ended.
    pub(crate) fn take_subscription_outbox(
        &mut self,
        id: SubscriptionId,
    ) -> Vec<SubscribeToShardEvent> {
        let Some(sub) = self.fan_out.subscriptions.get_mut(&id) else {
            return Vec::new();
        };
        let events = Rc::unwrap_or_clone(std::mem::take(&mut sub.outbox));
        if sub.end.is_some() {
            self.fan_out.subscriptions.remove(&id);
        }
        events
    }

    /// When subscription `id` next has something to say (an event, or its end), as things
    /// stand; `None` if it is unknown. A record written later can only make it sooner.
    pub fn next_event_ms(&mut self, id: SubscriptionId) -> Option<u64> {
        let now = self.now_ms;
        let Kinesis {
            config,
            streams,
            fan_out,
            ..
        } = self;
        let sub = fan_out.subscriptions.get_mut(&id)?;
        if sub.end.is_some() || !sub.outbox.is_empty() {
            return Some(now.max(sub.cursor_ms));
        }
        let stream = streams
            .get(&sub.stream)
            .filter(|s| s.created_ms == sub.stream_created_ms);
        let shard = stream.and_then(|s| s.shards.get(sub.shard_index as usize));
        let step = match (stream, shard) {
            (Some(stream), Some(shard)) => next_step_ms(config, sub, stream.retention_ms(), shard),
            _ => Some(sub.cursor_ms),
        };
        Some(step.map_or(sub.ends_ms, |s| s.min(sub.ends_ms)))
    }

    /// The earliest [`Kinesis::next_event_ms`] over every subscription.
    pub fn next_fan_out_event_ms(&mut self) -> Option<u64> {
        let ids: Vec<SubscriptionId> = self.fan_out.subscriptions.keys().copied().collect();
        ids.into_iter()
            .filter_map(|id| self.next_event_ms(id))
            .min()
    }

    /// Computes the events of `id` up to `until_ms` into its outbox. With `stop_after`, stops
    /// early once every record below that sequence index was delivered (the JSON face).
    pub(crate) fn run_subscription(
        &mut self,
        id: SubscriptionId,
        until_ms: u64,
        materialize: bool,
        stop_after: Option<u64>,
    ) {
        loop {
            let Some(sub) = self.fan_out.subscriptions.get(&id) else {
                return;
            };
            if sub.end.is_some() {
                return;
            }
            if stop_after.is_some_and(|last| sub.position > last && sub.last_event_ms.is_some()) {
                return;
            }
            match self.subscription_step(id, until_ms, materialize) {
                Some(Step::Event(event, bytes)) => {
                    let sub = &self.fan_out.subscriptions[&id];
                    let (stream, consumer) = (sub.stream.clone(), sub.consumer_name.clone());
                    let at = event.at_ms;
                    let behind = event.millis_behind_latest;
                    let records = event.record_count;
                    if let Some(s) = self.streams.get_mut(&stream) {
                        s.usage.fan_out_bytes += bytes;
                    }
                    self.count_consumer(
                        &stream,
                        &consumer,
                        at,
                        &[
                            (ConsumerMetric::SubscribeToShardEventSuccess, 1),
                            (ConsumerMetric::SubscribeToShardEventRecords, records),
                            (ConsumerMetric::SubscribeToShardEventBytes, bytes),
                            (
                                ConsumerMetric::SubscribeToShardEventMillisBehindLatest,
                                behind,
                            ),
                        ],
                    );
                    if let Some(sub) = self.fan_out.subscriptions.get_mut(&id) {
                        sub.count_bytes(at, bytes);
                        Rc::make_mut(&mut sub.outbox).push(event);
                    }
                }
                Some(Step::Nothing) => {}
                None => return,
            }
        }
    }

    /// One step of `id`: the next event if one is due by `until_ms`; `None` when nothing is
    /// (or the subscription just ended).
    fn subscription_step(
        &mut self,
        id: SubscriptionId,
        until_ms: u64,
        materialize: bool,
    ) -> Option<Step> {
        let Kinesis {
            config,
            streams,
            fan_out,
            ..
        } = self;
        let sub = fan_out.subscriptions.get_mut(&id)?;
        let Some(stream) = streams
            .get(&sub.stream)
            .filter(|s| s.created_ms == sub.stream_created_ms && s.is_serving())
        else {
            sub.end = Some(SubscriptionEnd::StreamGone);
            return None;
        };
        if stream
            .consumer(&sub.consumer_name)
            .is_none_or(|c| c.arn != sub.consumer_arn || c.status != ConsumerStatus::Active)
        {
            sub.end = Some(SubscriptionEnd::ConsumerGone);
            return None;
        }
        let retention_ms = stream.retention_ms();
        let Some(shard) = stream.live_shard(sub.shard_index, sub.cursor_ms) else {
            sub.end = Some(SubscriptionEnd::StreamGone);
            return None;
        };
        let t = next_step_ms(config, sub, retention_ms, shard)?;
        if t >= sub.ends_ms && sub.ends_ms <= until_ms {
            sub.cursor_ms = sub.ends_ms;
            sub.end = Some(SubscriptionEnd::Expired);
            return None;
        }
        if t > until_ms {
            sub.cursor_ms = sub.cursor_ms.max(until_ms);
            return None;
        }
        let delay = config.fan_out_propagation_ms;
        let cutoff = t.saturating_sub(retention_ms);
        let retained_from = shard
            .records
            .first_seq_at_or_after_time(cutoff)
            .unwrap_or(shard.next_seq_ix);
        let start = sub.position.max(retained_from);
        let in_debt = sub.bucket.in_debt(t);
        let available = u64::try_from(sub.bucket.available(t)).unwrap_or(0);
        let (mut count, mut bytes) = (0u64, 0u64);
        let (mut first, mut last) = (None, None);
        let mut records = Vec::new();
        let mut behind = 0;
        let mut any_left = false;
        for record in shard.records.iter_from(start) {
            let ready = record.arrival_ms.saturating_add(delay) <= t;
            let room = count == 0 || bytes < available;
            if !ready || in_debt || !room || count >= MAX_LIMIT as u64 {
                behind = t.saturating_sub(record.arrival_ms);
                any_left = true;
                break;
            }
            count += 1;
            bytes += record.size;
            first.get_or_insert(record.seq_ix);
            last = Some((record.seq_ix, record.arrival_ms));
            if materialize {
                let (partition_key, data) = record.materialize();
                records.push(Record {
                    sequence_number: shard.sequence_number(record.seq_ix, record.arrival_ms),
                    arrival_ms: record.arrival_ms,
                    partition_key,
                    data,
                });
            }
        }
        let at_end = shard.closed_ms.is_some() && count == 0 && !any_left;
        let heartbeat_due = sub
            .last_event_ms
            .is_none_or(|l| t >= l.saturating_add(config.fan_out_heartbeat_ms));
        sub.cursor_ms = t;
        if count == 0 && !at_end && !heartbeat_due {
            // Nothing after all (a record not ready yet): look again a millisecond later
            // (at the end of time, there is no later: the subscription is over).
            if t == u64::MAX {
                sub.end = Some(SubscriptionEnd::Expired);
                return None;
            }
            sub.cursor_ms = t + 1;
            return Some(Step::Nothing);
        }
        sub.bucket.take_into_debt(t, bytes);
        if let Some((seq_ix, arrival)) = last {
            sub.position = seq_ix + 1;
            sub.last_delivered = Some((seq_ix, arrival));
        } else {
            sub.position = start;
        }
        sub.last_event_ms = Some(t);
        let continuation = match sub.last_delivered {
            Some((seq_ix, arrival)) => shard.sequence_number(seq_ix, arrival),
            None => {
                let before = sub.position.saturating_sub(1);
                let at = shard
                    .records
                    .first_at_or_after(before)
                    .filter(|r| r.seq_ix == before)
                    .map_or(shard.sequence_created_secs.saturating_mul(1000), |r| {
                        r.arrival_ms
                    });
                shard.sequence_number(before, at)
            }
        };
        let child_shards =
            at_end.then(|| crate::engine::read::child_shards(&stream.shards, &shard.children));
        if at_end {
            sub.end = Some(SubscriptionEnd::ShardEnded);
        }
        let event = SubscribeToShardEvent {
            at_ms: t,
            record_count: count,
            bytes,
            first_seq_ix: first,
            last_seq_ix: last.map(|(seq_ix, _)| seq_ix),
            records,
            continuation_sequence_number: (!at_end).then_some(continuation),
            millis_behind_latest: behind,
            child_shards,
        };
        Some(Step::Event(event, bytes))
    }

    /// Records consumer metric values at `at_ms`.
    fn count_consumer(
        &mut self,
        stream: &str,
        consumer: &str,
        at_ms: u64,
        values: &[(ConsumerMetric, u64)],
    ) {
        let keep = (
            self.config.metrics_seconds_kept,
            self.config.metrics_minutes_kept,
        );
        if let Some(c) = self
            .streams
            .get_mut(stream)
            .and_then(|s| s.consumers.iter_mut().find(|c| c.name == consumer))
        {
            c.metrics.record(at_ms, values, keep);
        }
    }
}

/// When the next step of `sub` is due: an event with records, the end of a closed shard, or a
/// heartbeat, whichever comes first, never before the subscription's cursor.
fn next_step_ms(
    config: &crate::engine::config::Config,
    sub: &mut Subscription,
    retention_ms: u64,
    shard: &crate::engine::shard::Shard,
) -> Option<u64> {
    let from = sub.cursor_ms;
    let heartbeat = sub
        .last_event_ms
        .map_or(from, |l| l.saturating_add(config.fan_out_heartbeat_ms));
    let gap_ok = sub
        .last_event_ms
        .map_or(from, |l| l.saturating_add(config.fan_out_event_gap_ms));
    let retained_from = shard
        .records
        .first_seq_at_or_after_time(from.saturating_sub(retention_ms))
        .unwrap_or(shard.next_seq_ix);
    let next_arrival = shard
        .records
        .arrival_at_or_after(sub.position.max(retained_from));
    let data = match next_arrival {
        Some(arrival_ms) => {
            let ready = arrival_ms.saturating_add(config.fan_out_propagation_ms);
            let paid = from.saturating_add(sub.bucket.ms_until_out_of_debt(from));
            Some(ready.max(paid).max(gap_ok))
        }
        None => shard.closed_ms.map(|closed| closed.max(gap_ok)),
    };
    Some(data.map_or(heartbeat, |d| d.min(heartbeat)).max(from))
}
