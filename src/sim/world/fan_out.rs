//! Enhanced fan-out readers in the world: delivering each subscription's events at their
//! moments, and the hand-written consumer that reads with `--efo`.
//!
//! Separate from the polling consumers because the protocol is the reverse: a polling reader
//! asks at moments of its own choosing, while a subscription is pushed to, at moments the
//! engine decides (a record's arrival plus the propagation delay, the subscription's own
//! 2 MiB/s, heartbeats, its five-minute end). The clock asks [`World::next_fan_out`] for the
//! earliest event any reader's subscription has due and delivers it before any later task,
//! so a record put at `t` reaches its fan-out readers at `t + 70 ms` whatever else is queued.
//! The readers are the world's own: consumers added with `--efo` and the shard consumers of
//! KCL applications reading with fan-out, and the subscriptions programs open through
//! `shardlab endpoint` ([`World::subscribe_to_shard`]): those are delivered at their moments
//! like the others, and their events (and their end) go to an outbox the endpoint drains
//! ([`World::take_subscription_messages`]) and streams to the program, encoded. A world nobody
//! serves (the page mirroring the endpoint) delivers them at the same moments, so its state is
//! the endpoint's, and keeps nothing. A subscription someone opened by hand in the console is
//! none of the world's business, and it never delivers anything unasked.
//!
//! The consumer's life: at `consumer add --efo` it registers a stream consumer of its own name
//! (if there is none), and every second (its tick, the `Poll` task) it registers one again if
//! it is gone and subscribes each shard it reads that has no live subscription, once the
//! consumer is ACTIVE. When a subscription expires (five minutes) or is taken over it
//! subscribes again at once from the last ContinuationSequenceNumber; at the end of a closed
//! shard it subscribes to the children the last event named.

use serde_json::Value;

use super::clock::Task;
use super::World;
use crate::engine::{
    shard_id, ApiError, ConsumerStatus, IteratorStart, SubscribeToShardEvent, SubscriptionEnd,
    SubscriptionId,
};
use crate::kcl::KclTask;
use crate::sim::consumer::{ConsumerSeries, Cursor, StartPosition};
use crate::sim::log::EventKind;

/// How often an enhanced fan-out consumer looks at its consumer and subscriptions (waiting
/// for ACTIVE, retrying a refused SubscribeToShard): the KCL's DescribeStreamConsumer polls
/// and SubscribeToShard's 1 call per second per shard both suggest a second.
pub const FAN_OUT_TICK_MS: u64 = 1_000;

/// Who a subscription delivers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum FanOutOwner {
    /// A consumer added with `--efo`, reading `shard`.
    Consumer { name: String, shard: u32 },
    /// A KCL application's shard consumer, waiting for its subscription's next event.
    Kcl {
        app: String,
        worker: String,
        generation: u64,
        lease_key: String,
        token: u64,
    },
    /// A program outside, through `shardlab endpoint`: its events go to the outbox.
    External,
}

/// What a program's subscription has to say at a moment: an event, or its end.
#[derive(Clone, Debug, PartialEq)]
pub enum SubscriptionMessage {
    /// A `SubscribeToShardEvent`, its records materialized.
    Event(SubscribeToShardEvent),
    /// The subscription is over: after five minutes or at the shard's end (`None`: the
    /// stream closes normally), or with the error AWS's event stream ends with
    /// (ResourceInUseException when a newer subscription took over, ResourceNotFoundException
    /// when the consumer or the shard went away).
    End(Option<ApiError>),
}

/// One message of a program's subscription, with the subscription it belongs to and when.
#[derive(Clone, Debug, PartialEq)]
pub struct SubscriptionDelivery {
    pub subscription: SubscriptionId,
    pub at_ms: u64,
    pub message: SubscriptionMessage,
}

impl World {
    /// The earliest subscription event due by `limit_ms` for a reader of the world: when,
    /// which subscription, and whose. A subscription is delivered at most once per
    /// millisecond, so a reader that leaves an event unread cannot hold the clock still.
    ///
    /// The clock calls this before every task, and a big stream has a thousand waiting
    /// subscriptions: the readers are walked by reference (consumers added with `--efo`, then
    /// each application's waiting shard consumers, first found wins a tie) and only the one
    /// picked is cloned into a [`FanOutOwner`].
    pub(super) fn next_fan_out(
        &mut self,
        limit_ms: u64,
    ) -> Option<(u64, SubscriptionId, FanOutOwner)> {
        let World {
            consumers,
            apps,
            kinesis,
            fan_out_delivered,
            external_subscriptions,
            now_ms,
            ..
        } = self;
        let now = *now_ms;
        let mut owned_ids: Vec<SubscriptionId> = Vec::new();
        let mut due_of = |id: SubscriptionId| {
            owned_ids.push(id);
            // An unknown subscription is due now: its reader learns it is gone.
            let due = kinesis.next_event_ms(id).unwrap_or(now).max(now);
            match fan_out_delivered.get(&id) {
                Some(&last) => due.max(last.saturating_add(1)),
                None => due,
            }
        };
        let mut best: Option<(u64, SubscriptionId, FanOutOwner)> = None;
        let better = |due: u64, best: &Option<(u64, SubscriptionId, FanOutOwner)>| {
            due <= limit_ms && best.as_ref().is_none_or(|(b, _, _)| due < *b)
        };
        for consumer in consumers
            .values()
            .filter(|c| c.config.efo && !c.is_paused(now))
        {
            for cursor in &consumer.cursors {
                let Some(id) = cursor.subscription else {
                    continue;
                };
                let due = due_of(id);
                if better(due, &best) {
                    let owner = FanOutOwner::Consumer {
                        name: consumer.name.clone(),
                        shard: cursor.shard,
                    };
                    best = Some((due, id, owner));
                }
            }
        }
        for app in apps.values() {
            for waiting in app.fan_out_waiting(now) {
                let due = due_of(waiting.subscription);
                if better(due, &best) {
                    let owner = FanOutOwner::Kcl {
                        app: app.name.clone(),
                        worker: waiting.worker.to_string(),
                        generation: waiting.generation,
                        lease_key: waiting.lease_key.to_string(),
                        token: waiting.token,
                    };
                    best = Some((due, waiting.subscription, owner));
                }
            }
        }
        for &id in external_subscriptions.iter() {
            let due = due_of(id);
            if better(due, &best) {
                best = Some((due, id, FanOutOwner::External));
            }
        }
        if owned_ids.is_empty() {
            fan_out_delivered.clear();
            return None;
        }
        // Forget the deliveries of subscriptions no reader waits on any more (computing the
        // dues first changes nothing: each due reads only its own subscription's entry).
        owned_ids.sort_unstable();
        fan_out_delivered.retain(|id, _| owned_ids.binary_search(id).is_ok());
        best
    }

    /// Hands subscription `id`'s due events to its reader.
    pub(super) fn deliver_fan_out(&mut self, now: u64, id: SubscriptionId, owner: FanOutOwner) {
        self.fan_out_delivered.insert(id, now);
        match owner {
            FanOutOwner::Consumer { name, shard } => self.deliver_to_consumer(now, &name, shard),
            FanOutOwner::Kcl {
                app,
                worker,
                generation,
                lease_key,
                token,
            } => self.run_kcl(
                now,
                &app,
                Some(&worker),
                generation,
                KclTask::Step { lease_key, token },
            ),
            FanOutOwner::External => self.deliver_external(now, id),
        }
    }

    /// SubscribeToShard as a program calls it through `shardlab endpoint`: checked and made
    /// as the JSON face makes it (the same errors), then followed by the world's clock for its
    /// whole life, its events and its end going to the outbox at their moments.
    pub fn subscribe_to_shard(&mut self, body: &Value) -> Result<SubscriptionId, ApiError> {
        let now = self.now_ms;
        let result = self.kinesis.subscribe_to_shard_call(now, body);
        for event in self.kinesis.drain_events() {
            self.log
                .push(now, crate::sim::log::EventKind::Service { event });
        }
        let id = result?;
        self.external_subscriptions.insert(id);
        Ok(id)
    }

    /// Whether the programs' subscriptions' messages are kept for someone to take (the
    /// endpoint turns this on; otherwise they are delivered at their moments and dropped, so
    /// a world nobody serves holds nothing for them).
    pub fn keep_subscription_messages(&mut self, keep: bool) {
        self.subscription_outbox = keep.then(Vec::new);
    }

    /// Takes the programs' subscriptions' messages delivered since the last time, in the
    /// order they happened.
    pub fn take_subscription_messages(&mut self) -> Vec<SubscriptionDelivery> {
        self.subscription_outbox
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The subscriptions programs opened that are still delivering.
    pub fn program_subscriptions(&self) -> impl Iterator<Item = SubscriptionId> + '_ {
        self.external_subscriptions.iter().copied()
    }

    /// Takes the due events of a program's subscription into the outbox (records
    /// materialized only when someone will read them: that changes nothing else).
    fn deliver_external(&mut self, now: u64, id: SubscriptionId) {
        let keep = self.subscription_outbox.is_some();
        let named = self
            .kinesis
            .fan_out()
            .get(id)
            .map(|s| (s.consumer_arn.clone(), shard_id(s.shard_index)));
        let mut messages = Vec::new();
        match self.kinesis.poll_subscription(now, id, keep) {
            Ok(poll) => {
                messages.extend(poll.events.into_iter().map(SubscriptionMessage::Event));
                if let Some(end) = poll.end {
                    let error = named.and_then(|(arn, shard)| end.error(&arn, &shard));
                    messages.push(SubscriptionMessage::End(error));
                }
            }
            Err(error) => messages.push(SubscriptionMessage::End(Some(error))),
        }
        if matches!(messages.last(), Some(SubscriptionMessage::End(_))) {
            self.external_subscriptions.remove(&id);
        }
        if let Some(outbox) = self.subscription_outbox.as_mut() {
            outbox.extend(messages.into_iter().map(|message| SubscriptionDelivery {
                subscription: id,
                at_ms: match &message {
                    SubscriptionMessage::Event(event) => event.at_ms,
                    SubscriptionMessage::End(_) => now,
                },
                message,
            }));
        }
    }

    /// An enhanced fan-out consumer's tick: registers its stream consumer if there is none,
    /// subscribes each shard without a live subscription once it is ACTIVE.
    pub(super) fn run_fan_out_tick(&mut self, now: u64, name: &str, generation: u64) {
        let Some(consumer) = self
            .consumers
            .get(name)
            .filter(|c| c.generation == generation)
        else {
            return;
        };
        let paused = consumer.is_paused(now);
        let stream = consumer.config.stream.clone();
        let mut next = now + FAN_OUT_TICK_MS;
        if !paused {
            self.ensure_registered(now, &stream, name);
            let registered = self
                .kinesis
                .stream(&stream)
                .and_then(|s| s.consumer(name))
                .map(|c| (c.status, c.due_ms));
            match registered {
                Some((ConsumerStatus::Active, _)) => {
                    let shards: Vec<u32> = self
                        .consumers
                        .get(name)
                        .map(|c| {
                            c.cursors
                                .iter()
                                .filter(|c| c.subscription.is_none())
                                .map(|c| c.shard)
                                .collect()
                        })
                        .unwrap_or_default();
                    for shard in shards {
                        self.subscribe_cursor(now, name, shard);
                    }
                }
                // Look again the moment it turns ACTIVE.
                Some((ConsumerStatus::Creating, Some(due))) if due > now => next = next.min(due),
                _ => {}
            }
        }
        if let Some(consumer) = self.consumers.get_mut(name) {
            consumer.next_poll_ms = next;
        }
        self.schedule(
            next,
            Task::Poll {
                consumer: name.to_string(),
                generation,
            },
        );
    }

    /// Registers the stream consumer `name` on `stream` unless it is registered (errors, such
    /// as a stream not created yet or the CREATING limit, wait for the next tick).
    pub(super) fn ensure_registered(&mut self, now: u64, stream: &str, name: &str) {
        let exists = self
            .kinesis
            .stream(stream)
            .map(|s| s.consumer(name).is_some());
        if exists == Some(false) {
            let _ = self.kinesis.register_stream_consumer(now, stream, name);
        }
    }

    /// SubscribeToShard for the consumer's cursor on `shard`, from where it left off.
    fn subscribe_cursor(&mut self, now: u64, name: &str, shard: u32) {
        let Some(consumer) = self.consumers.get(name) else {
            return;
        };
        let stream = consumer.config.stream.clone();
        let first = crate::engine::parse_shard_id(&consumer.config.shard_id);
        let configured = consumer.config.start;
        let Some(cursor) = consumer.cursors.iter().find(|c| c.shard == shard) else {
            return;
        };
        let found = self.kinesis.stream(&stream);
        let Some(arn) = found
            .and_then(|s| s.consumer(name))
            .filter(|c| c.status == ConsumerStatus::Active)
            .map(|c| c.arn.clone())
        else {
            return;
        };
        let start = match (cursor.continuation, cursor.last_seq_ix) {
            (Some(number), _) => IteratorStart::AfterSequenceNumber(number),
            (None, Some(seq_ix)) => {
                let Some(number) = found
                    .and_then(|s| s.shards.get(shard as usize))
                    .map(|s| s.sequence_number(seq_ix, 0))
                else {
                    return;
                };
                IteratorStart::AfterSequenceNumber(number)
            }
            // The configured start is for the shard it was given; children from their start.
            (None, None) if Some(shard) == first => match configured {
                StartPosition::TrimHorizon => IteratorStart::TrimHorizon,
                StartPosition::Latest => IteratorStart::Latest,
                StartPosition::AtTimestamp(at) => IteratorStart::AtTimestamp(at.min(now)),
            },
            (None, None) => IteratorStart::TrimHorizon,
        };
        let Ok(id) = self.kinesis.subscribe_to_shard(now, &arn, shard, start) else {
            return; // refused (within 5 s of another, say): the next tick tries again
        };
        if let Some(consumer) = self.consumers.get_mut(name) {
            consumer.counters.subscriptions += 1;
            if let Some(cursor) = consumer.cursors.iter_mut().find(|c| c.shard == shard) {
                cursor.subscription = Some(id);
            }
        }
    }

    /// Takes the due events of the consumer's subscription to `shard`.
    fn deliver_to_consumer(&mut self, now: u64, name: &str, shard: u32) {
        let Some(id) = self
            .consumers
            .get(name)
            .and_then(|c| c.cursors.iter().find(|c| c.shard == shard))
            .and_then(|c| c.subscription)
        else {
            return;
        };
        let end = match self.kinesis.poll_subscription(now, id, false) {
            Ok(poll) => {
                for event in &poll.events {
                    self.consumer_event(name, shard, event);
                }
                poll.end
            }
            // Forgotten by the service (a consumer stopped for long): start again.
            Err(_) => Some(SubscriptionEnd::Expired),
        };
        let Some(end) = end else {
            return;
        };
        let Some(consumer) = self.consumers.get_mut(name) else {
            return;
        };
        match end {
            SubscriptionEnd::ShardEnded => consumer.cursors.retain(|c| c.shard != shard),
            SubscriptionEnd::Expired | SubscriptionEnd::TakenOver => {
                if let Some(cursor) = consumer.cursors.iter_mut().find(|c| c.shard == shard) {
                    cursor.subscription = None;
                }
                self.subscribe_cursor(now, name, shard);
            }
            SubscriptionEnd::ConsumerGone | SubscriptionEnd::StreamGone => {
                if let Some(cursor) = consumer.cursors.iter_mut().find(|c| c.shard == shard) {
                    cursor.subscription = None;
                }
            }
        }
    }

    /// One SubscribeToShardEvent reaching the consumer: its records counted as a GetRecords
    /// answer's are (latency from each record's arrival to the event), its children followed.
    fn consumer_event(&mut self, name: &str, shard: u32, event: &SubscribeToShardEvent) {
        let Some(consumer) = self.consumers.get_mut(name) else {
            return;
        };
        let stream = consumer.config.stream.clone();
        let at = event.at_ms;
        let mut latency_sum = 0u64;
        if let (Some(first), Some(last), Some(found)) = (
            event.first_seq_ix,
            event.last_seq_ix,
            self.kinesis
                .stream(&stream)
                .and_then(|s| s.shards.get(shard as usize)),
        ) {
            for record in found
                .records
                .iter_from(first)
                .take_while(|r| r.seq_ix <= last)
            {
                consumer.order.deliver(shard, &record);
                latency_sum =
                    latency_sum.saturating_add(consumer.latency.record(at, record.arrival_ms));
            }
        }
        consumer.counters.records += event.record_count;
        consumer.counters.bytes += event.bytes;
        if let Some(cursor) = consumer.cursors.iter_mut().find(|c| c.shard == shard) {
            cursor.millis_behind_latest = event.millis_behind_latest;
            if let Some(last) = event.last_seq_ix {
                cursor.last_seq_ix = Some(last);
            }
            if let Some(number) = event.continuation_sequence_number {
                cursor.continuation = Some(number);
            }
        }
        consumer.counters.millis_behind_latest = consumer
            .cursors
            .iter()
            .map(|c| c.millis_behind_latest)
            .max()
            .unwrap_or(0);
        consumer.count_series(
            at,
            &[
                (ConsumerSeries::Records, event.record_count),
                (ConsumerSeries::Bytes, event.bytes),
                (ConsumerSeries::DeliveryLatencySum, latency_sum),
                (
                    ConsumerSeries::MillisBehindLatest,
                    event.millis_behind_latest,
                ),
                (ConsumerSeries::Polls, 1),
            ],
        );
        if event.record_count > 0 {
            self.log.push(
                at,
                EventKind::RecordsRead {
                    consumer: name.to_string(),
                    stream: stream.clone(),
                    shard: shard_id(shard),
                    count: event.record_count,
                    millis_behind_latest: event.millis_behind_latest,
                },
            );
        }
        let Some(children) = &event.child_shards else {
            return;
        };
        let children: Vec<u32> = children
            .iter()
            .filter_map(|c| crate::engine::parse_shard_id(&c.shard_id))
            .collect();
        let mut new = Vec::new();
        if let Some(consumer) = self.consumers.get_mut(name) {
            for &child in &children {
                if consumer.seen.insert(child) {
                    consumer.cursors.push(Cursor::new(child));
                    new.push(child);
                }
            }
        }
        self.log.push(
            at,
            EventKind::ShardEnded {
                consumer: name.to_string(),
                stream,
                shard: shard_id(shard),
                children: children.into_iter().map(shard_id).collect(),
            },
        );
        for child in new {
            self.subscribe_cursor(at, name, child);
        }
    }
}
