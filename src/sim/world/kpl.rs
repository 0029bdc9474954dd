//! Running a KPL producer: each 25 ms step, the application's new user records go into the
//! producer's [`Pipeline`], which sends what is due with PutRecords straight to the engine.
//!
//! Separate from `producers` because a KPL producer does not offer generated runs to a shared
//! tick: its Kinesis records are real bytes (aggregates), written as a PutRecords call is,
//! and its retries live inside the pipeline (no backoff, so no retry task).

use super::World;
use crate::engine::{shard_id, HashKeyRange};
use crate::kpl::pipeline::EXPIRED;
use crate::sim::log::EventKind;

impl World {
    /// One step of the KPL producer `name` at `now`, with the stream's open shards `layout`
    /// (what ListShards returns when the KPL refreshes its shard map).
    pub(super) fn run_kpl_step(&mut self, now: u64, name: &str, layout: &[(u32, HashKeyRange)]) {
        let Some(producer) = self.producers.get_mut(name) else {
            return;
        };
        let Some(mut pipeline) = producer.kpl.take() else {
            return;
        };
        let records = producer.take_user_records(layout);
        let added = records.len() as u64;
        let sample_key = records.first().map(|(r, _)| r.partition_key.clone());
        for (record, hash_key) in records {
            pipeline.add(now, record, hash_key);
        }
        let stream = producer.config.stream.clone();
        let kinesis = &mut self.kinesis;
        let report = pipeline.step(
            now,
            || Some(layout.to_vec()),
            |entries| kinesis.put_records(now, &stream, entries).ok(),
        );
        producer.kpl = Some(pipeline);
        producer.settle_kpl(now, added, &report);
        let sample_key = sample_key.unwrap_or_default();
        for (shard, (count, _)) in &report.put {
            // The first user record put on the shard names the dot (an aggregate goes where
            // that record's hash key says); an aggregate is one dot holding many.
            let kinesis = report.kinesis_put.get(shard);
            let key = kinesis.map_or(&sample_key, |(_, key)| key);
            let kinesis_records = kinesis.map(|(k, _)| *k).filter(|k| k < count);
            self.log.push(
                now,
                EventKind::RecordsPut {
                    producer: name.to_string(),
                    stream: stream.clone(),
                    shard: shard_id(*shard),
                    count: *count,
                    sample_key: key.clone(),
                    kinesis_records,
                },
            );
        }
        for (shard, count) in &report.throttled {
            self.log.push(
                now,
                EventKind::RecordsThrottled {
                    producer: name.to_string(),
                    stream: stream.clone(),
                    shard: shard_id(*shard),
                    count: *count,
                    sample_key: sample_key.clone(),
                },
            );
        }
        if report.expired > 0 {
            self.log.push(
                now,
                EventKind::RecordsFailed {
                    producer: name.to_string(),
                    count: report.expired,
                    reason: format!(
                        "{EXPIRED}: the user records reached their RecordTtl in the KPL"
                    ),
                },
            );
        }
    }
}
