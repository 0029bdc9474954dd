//! Enhanced fan-out: stream consumers registered on a stream, and their subscriptions.
//!
//! A polling reader shares its shard's 5 GetRecords calls and 2 MiB per second with every
//! other reader. An enhanced fan-out consumer is registered on the stream
//! (RegisterStreamConsumer) and then subscribes to shards (SubscribeToShard): the service
//! pushes each shard's records to it at up to 2 MiB/s of its own, whatever the other
//! consumers do, about 70 ms after they arrive (reference modern-kinesis.md section 2).
//!
//! This module is the registry: a [`Consumer`] lives on its [`Stream`]
//! (so deleting the stream removes its consumers), goes CREATING, ACTIVE, DELETING and then is
//! gone, each transition scheduled as a stream's own status changes are, so the world sees it
//! at its due time ([`Kinesis::next_consumer_change_ms`], applied from `advance_to`). AWS
//! documents no durations for CREATING and DELETING; they are `Config` values. The limits are
//! AWS's: 20 consumers per stream, at most 5 CREATING per account at once.
//!
//! [`subscription`] holds the deliveries themselves, and [`ConsumerMetrics`] the per-consumer
//! CloudWatch metrics (dimensions StreamName and ConsumerName), kept as shard metrics are.

pub mod subscription;

use super::error::ApiError;
use super::events::EngineEvent;
use super::kinesis::Kinesis;
use super::metrics::Series;
use super::stream::Stream;

pub use subscription::{FanOut, SubscribeToShardEvent, SubscriptionId};

/// `ConsumerStatus` as the API reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsumerStatus {
    Creating,
    Active,
    Deleting,
}

impl ConsumerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumerStatus::Creating => "CREATING",
            ConsumerStatus::Active => "ACTIVE",
            ConsumerStatus::Deleting => "DELETING",
        }
    }
}

/// One registered consumer of a stream.
#[derive(Clone, Debug)]
pub struct Consumer {
    pub name: String,
    /// `arn:aws:kinesis:REGION:ACCOUNT:stream/S/consumer/C:EPOCHSECONDS`, the epoch being its
    /// registration second, so a name registered again gets a new ARN.
    pub arn: String,
    pub status: ConsumerStatus,
    /// When RegisterStreamConsumer was called (`ConsumerCreationTimestamp`).
    pub created_ms: u64,
    /// When the current CREATING or DELETING ends.
    pub due_ms: Option<u64>,
    pub metrics: ConsumerMetrics,
}

/// The CloudWatch metrics of a consumer, named as CloudWatch names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConsumerMetric {
    SubscribeToShardRateExceeded,
    SubscribeToShardSuccess,
    SubscribeToShardEventBytes,
    SubscribeToShardEventRecords,
    SubscribeToShardEventMillisBehindLatest,
    SubscribeToShardEventSuccess,
}

/// How many consumer metrics there are.
pub const CONSUMER_METRIC_COUNT: usize = 6;

impl ConsumerMetric {
    pub const ALL: [ConsumerMetric; CONSUMER_METRIC_COUNT] = [
        ConsumerMetric::SubscribeToShardRateExceeded,
        ConsumerMetric::SubscribeToShardSuccess,
        ConsumerMetric::SubscribeToShardEventBytes,
        ConsumerMetric::SubscribeToShardEventRecords,
        ConsumerMetric::SubscribeToShardEventMillisBehindLatest,
        ConsumerMetric::SubscribeToShardEventSuccess,
    ];

    /// The CloudWatch metric name.
    pub fn name(self) -> &'static str {
        match self {
            ConsumerMetric::SubscribeToShardRateExceeded => "SubscribeToShard.RateExceeded",
            ConsumerMetric::SubscribeToShardSuccess => "SubscribeToShard.Success",
            ConsumerMetric::SubscribeToShardEventBytes => "SubscribeToShardEvent.Bytes",
            ConsumerMetric::SubscribeToShardEventRecords => "SubscribeToShardEvent.Records",
            ConsumerMetric::SubscribeToShardEventMillisBehindLatest => {
                "SubscribeToShardEvent.MillisBehindLatest"
            }
            ConsumerMetric::SubscribeToShardEventSuccess => "SubscribeToShardEvent.Success",
        }
    }

    /// The metric with this CloudWatch name.
    pub fn from_name(name: &str) -> Option<ConsumerMetric> {
        ConsumerMetric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// MillisBehindLatest is a maximum over the period; everything else is a sum.
    pub fn is_maximum(self) -> bool {
        self == ConsumerMetric::SubscribeToShardEventMillisBehindLatest
    }
}

/// The metrics of one consumer, over all its shards, in bounded memory.
#[derive(Clone, Debug)]
pub struct ConsumerMetrics(Series<CONSUMER_METRIC_COUNT>);

impl Default for ConsumerMetrics {
    fn default() -> Self {
        ConsumerMetrics(Series::new(
            ConsumerMetric::ALL.map(ConsumerMetric::is_maximum),
        ))
    }
}

impl ConsumerMetrics {
    /// The heap a copy allocates (see [`Series::heap_bytes`]).
    pub fn heap_bytes(&self) -> usize {
        self.0.heap_bytes()
    }

    pub(crate) fn record(
        &mut self,
        now_ms: u64,
        values: &[(ConsumerMetric, u64)],
        keep: (usize, usize),
    ) {
        let indexed: Vec<(usize, u64)> = values.iter().map(|&(m, v)| (m as usize, v)).collect();
        self.0.record(now_ms, &indexed, keep);
    }

    /// Running totals since the consumer was registered (MillisBehindLatest: the maximum).
    pub fn total(&self, metric: ConsumerMetric) -> u64 {
        self.0.totals()[metric as usize]
    }

    /// The value of `metric` in each second from `from_second` to `to_second` inclusive.
    pub fn per_second(&self, metric: ConsumerMetric, from_second: u64, to_second: u64) -> Vec<u64> {
        self.0.per_second(metric as usize, from_second, to_second)
    }

    /// CloudWatch's view: per-minute values from `from_minute` to `to_minute` (epoch minutes).
    pub fn per_minute(&self, metric: ConsumerMetric, from_minute: u64, to_minute: u64) -> Vec<u64> {
        self.0.per_minute(metric as usize, from_minute, to_minute)
    }
}

/// The parts of a consumer ARN that name a consumer.
pub(crate) struct ConsumerArnParts<'a> {
    pub region: &'a str,
    pub account: &'a str,
    pub stream: &'a str,
}

/// Splits `arn:PARTITION:kinesis:REGION:ACCOUNT:stream/S/consumer/C:EPOCH`.
pub(crate) fn consumer_arn_parts(arn: &str) -> Option<ConsumerArnParts<'_>> {
    let mut fields = arn.splitn(6, ':');
    let (_arn, _partition, _service) = (fields.next()?, fields.next()?, fields.next()?);
    let region = fields.next()?;
    let account = fields.next()?;
    let resource = fields.next()?.strip_prefix("stream/")?;
    let (stream, _consumer) = resource.split_once("/consumer/")?;
    Some(ConsumerArnParts {
        region,
        account,
        stream,
    })
}

impl Stream {
    /// The consumers the stream has registered, in every status, oldest first.
    pub fn consumers(&self) -> &[Consumer] {
        &self.consumers
    }

    /// `ConsumerCount`: the consumers registered on the stream (any status).
    pub fn consumer_count(&self) -> usize {
        self.consumers.len()
    }

    /// The ACTIVE consumers (what AWS bills consumer-shard-hours for).
    pub fn active_consumer_count(&self) -> usize {
        self.consumers
            .iter()
            .filter(|c| c.status == ConsumerStatus::Active)
            .count()
    }

    pub fn consumer(&self, name: &str) -> Option<&Consumer> {
        self.consumers.iter().find(|c| c.name == name)
    }
}

impl Kinesis {
    /// `Consumer {arn} under account {account} not found.` (Shardlab's text).
    pub(crate) fn consumer_not_found(&self, what: &str) -> ApiError {
        ApiError::resource_not_found(format!(
            "Consumer {what} under account {} not found.",
            self.config.account_id
        ))
    }

    /// The stream and consumer an ARN names, or ResourceNotFoundException.
    pub(crate) fn find_consumer_by_arn(&self, arn: &str) -> Result<(&Stream, &Consumer), ApiError> {
        let parts = consumer_arn_parts(arn).ok_or_else(|| self.consumer_not_found(arn))?;
        if parts.region != self.config.region || parts.account != self.config.account_id {
            return Err(self.consumer_not_found(arn));
        }
        let stream = self
            .streams
            .get(parts.stream)
            .ok_or_else(|| self.consumer_not_found(arn))?;
        let consumer = stream
            .consumers
            .iter()
            .find(|c| c.arn == arn)
            .ok_or_else(|| self.consumer_not_found(arn))?;
        Ok((stream, consumer))
    }

    /// The stream and consumer named by StreamARN's stream and a consumer name.
    pub(crate) fn find_consumer_by_name(
        &self,
        stream: &str,
        name: &str,
    ) -> Result<(&Stream, &Consumer), ApiError> {
        let found = self.find_stream(stream)?;
        let consumer = found.consumer(name).ok_or_else(|| {
            ApiError::resource_not_found(format!(
                "Consumer {name} under stream {stream} under account {} not found.",
                self.config.account_id
            ))
        })?;
        Ok((found, consumer))
    }

    /// RegisterStreamConsumer, typed: registers `name` on stream `stream`; it is CREATING
    /// until `Config::consumer_create_duration_ms` from now.
    pub fn register_stream_consumer(
        &mut self,
        now_ms: u64,
        stream: &str,
        name: &str,
    ) -> Result<Consumer, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let account = self.config.account_id.clone();
        let found = self.find_stream(stream)?;
        if !found.is_serving() {
            found.require_active(&account)?;
        }
        if found.consumer(name).is_some() {
            return Err(ApiError::resource_in_use(format!(
                "Consumer {name} under stream {stream} under account {account} already exists."
            )));
        }
        let per_stream = self.config.consumers_per_stream;
        if found.consumers.len() >= per_stream {
            return Err(ApiError::limit_exceeded(format!(
                "Stream {stream} under account {account} already has {per_stream} registered consumers, the limit per stream."
            )));
        }
        let creating = self
            .streams
            .values()
            .flat_map(|s| &s.consumers)
            .filter(|c| c.status == ConsumerStatus::Creating)
            .count();
        let per_account = self.config.consumers_creating_per_account;
        if creating >= per_account {
            return Err(ApiError::limit_exceeded(format!(
                "Account {account} already has {per_account} consumers in CREATING status, the most allowed at once. Retry once one of them is ACTIVE."
            )));
        }
        let consumer = Consumer {
            name: name.to_string(),
            arn: format!("{}/consumer/{name}:{}", found.arn, now_ms / 1000),
            status: ConsumerStatus::Creating,
            created_ms: now_ms,
            due_ms: Some(now_ms.saturating_add(self.config.consumer_create_duration_ms)),
            metrics: ConsumerMetrics::default(),
        };
        self.find_stream_mut(stream)?
            .consumers
            .push(consumer.clone());
        self.events.push(EngineEvent::ConsumerStatusChanged {
            at_ms: now_ms,
            stream: stream.to_string(),
            consumer: name.to_string(),
            status: ConsumerStatus::Creating.as_str(),
        });
        Ok(consumer)
    }

    /// DeregisterStreamConsumer, typed: the consumer `name` of `stream` turns DELETING and is
    /// gone `Config::consumer_delete_duration_ms` later; its subscriptions end now.
    pub fn deregister_stream_consumer(
        &mut self,
        now_ms: u64,
        stream: &str,
        name: &str,
    ) -> Result<(), ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let arn = self.find_consumer_by_name(stream, name)?.1.arn.clone();
        let due = now_ms.saturating_add(self.config.consumer_delete_duration_ms);
        let found = self.find_stream_mut(stream)?;
        let Some(consumer) = found.consumers.iter_mut().find(|c| c.name == name) else {
            return Ok(());
        };
        if consumer.status == ConsumerStatus::Deleting {
            return Ok(()); // already on its way out
        }
        consumer.status = ConsumerStatus::Deleting;
        consumer.due_ms = Some(due);
        self.events.push(EngineEvent::ConsumerStatusChanged {
            at_ms: now_ms,
            stream: stream.to_string(),
            consumer: name.to_string(),
            status: ConsumerStatus::Deleting.as_str(),
        });
        self.fan_out.end_subscriptions_of(&arn);
        Ok(())
    }

    /// A stream being deleted takes its consumers with it: they turn DELETING now and are
    /// gone when it is; their subscriptions end.
    pub(crate) fn consumers_go_with_stream(&mut self, now_ms: u64, stream: &str) {
        let Some(found) = self.streams.get_mut(stream) else {
            return;
        };
        let mut arns = Vec::new();
        for consumer in &mut found.consumers {
            arns.push(consumer.arn.clone());
            consumer.due_ms = None;
            if consumer.status != ConsumerStatus::Deleting {
                consumer.status = ConsumerStatus::Deleting;
                self.events.push(EngineEvent::ConsumerStatusChanged {
                    at_ms: now_ms,
                    stream: stream.to_string(),
                    consumer: consumer.name.clone(),
                    status: ConsumerStatus::Deleting.as_str(),
                });
            }
        }
        for arn in arns {
            self.fan_out.end_subscriptions_of(&arn);
        }
    }

    /// The earliest time a consumer's CREATING or DELETING ends, for the scheduler.
    pub fn next_consumer_change_ms(&self) -> Option<u64> {
        self.streams
            .values()
            .flat_map(|s| &s.consumers)
            .filter_map(|c| c.due_ms)
            .min()
    }

    /// Applies the consumer transitions due at `due_ms`: CREATING -> ACTIVE, DELETING -> gone.
    pub(crate) fn apply_due_consumer_changes(&mut self, due_ms: u64) {
        for (name, stream) in &mut self.streams {
            let mut gone = Vec::new();
            for consumer in &mut stream.consumers {
                if consumer.due_ms != Some(due_ms) {
                    continue;
                }
                consumer.due_ms = None;
                match consumer.status {
                    ConsumerStatus::Creating => {
                        consumer.status = ConsumerStatus::Active;
                        self.events.push(EngineEvent::ConsumerStatusChanged {
                            at_ms: due_ms,
                            stream: name.clone(),
                            consumer: consumer.name.clone(),
                            status: ConsumerStatus::Active.as_str(),
                        });
                    }
                    ConsumerStatus::Deleting => gone.push(consumer.name.clone()),
                    ConsumerStatus::Active => {}
                }
            }
            stream.consumers.retain(|c| !gone.contains(&c.name));
            for consumer in gone {
                self.events.push(EngineEvent::ConsumerDeleted {
                    at_ms: due_ms,
                    stream: name.clone(),
                    consumer,
                });
            }
        }
    }
}
