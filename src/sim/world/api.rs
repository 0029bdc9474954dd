//! The Kinesis API called by hand: what the console and scripts do between the simulated
//! producers' and consumers' own calls.
//!
//! Separate because it is the one way into the world that is not scheduled: a call runs at
//! the current simulated time, straight against the engine, and only its logging (single
//! puts and their throttles, for the page to animate) belongs to the world, with the random
//! numbers the console's AWS CLI waits by between retries (its own seeded stream).

use rand::Rng;
use serde_json::Value;

use super::World;
use crate::engine::{ApiError, ErrorKind};
use crate::sim::log::EventKind;

impl World {
    /// The next random number in [0, 1) for the console's AWS CLI to scale its retry backoff
    /// by (botocore's `random.random()`). It comes from a generator of its own, seeded from the
    /// world's seed: the console's retries take nothing from the producers', consumers' and
    /// workers' random streams and shift none of them, and a run replayed from its seed and
    /// its commands (a link, a rewind, `shardlab run` again) waits exactly as long again.
    pub fn cli_retry_jitter(&mut self) -> f64 {
        self.cli_retry_rng.random::<f64>()
    }

    /// Calls the Kinesis API at the current simulated time, as the console and scripts do,
    /// logging single puts for the page to animate.
    pub fn call(&mut self, action: &str, body: &Value) -> Result<Value, ApiError> {
        let now = self.now_ms;
        let result = self.kinesis.call(now, action, body);
        for event in self.kinesis.drain_events() {
            self.log.push(now, EventKind::Service { event });
        }
        let stream = body
            .get("StreamName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match (action, &result) {
            ("PutRecord", Ok(out)) => {
                let key = body
                    .get("PartitionKey")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let size = key.len() as u64
                    + body
                        .get("Data")
                        .and_then(Value::as_str)
                        .map_or(0, |d| (d.len() / 4 * 3) as u64);
                self.log.push(
                    now,
                    EventKind::RecordPut {
                        stream: stream.to_string(),
                        shard: out["ShardId"].as_str().unwrap_or_default().to_string(),
                        partition_key: key.to_string(),
                        size,
                        sequence_number: out["SequenceNumber"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    },
                );
            }
            ("PutRecord", Err(error))
                if error.error_kind() == ErrorKind::ProvisionedThroughputExceeded =>
            {
                let key = body
                    .get("PartitionKey")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let shard = error
                    .message()
                    .split_whitespace()
                    .find(|w| w.starts_with("shardId-"))
                    .unwrap_or_default()
                    .to_string();
                self.log.push(
                    now,
                    EventKind::PutThrottled {
                        stream: stream.to_string(),
                        shard,
                        partition_key: key.to_string(),
                    },
                );
            }
            ("PutRecords", Ok(out)) => {
                let entries = body.get("Records").and_then(Value::as_array);
                let results = out.get("Records").and_then(Value::as_array);
                for (entry, result) in entries
                    .into_iter()
                    .flatten()
                    .zip(results.into_iter().flatten())
                {
                    let key = entry
                        .get("PartitionKey")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let kind = match (result.get("ShardId"), result.get("ErrorMessage")) {
                        (Some(shard), _) => EventKind::RecordPut {
                            stream: stream.to_string(),
                            shard: shard.as_str().unwrap_or_default().to_string(),
                            size: key.len() as u64
                                + entry
                                    .get("Data")
                                    .and_then(Value::as_str)
                                    .map_or(0, |d| (d.len() / 4 * 3) as u64),
                            partition_key: key,
                            sequence_number: result["SequenceNumber"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string(),
                        },
                        (None, Some(message)) => EventKind::PutThrottled {
                            stream: stream.to_string(),
                            shard: message
                                .as_str()
                                .unwrap_or_default()
                                .split_whitespace()
                                .find(|w| w.starts_with("shardId-"))
                                .unwrap_or_default()
                                .to_string(),
                            partition_key: key,
                        },
                        _ => continue,
                    };
                    self.log.push(now, kind);
                }
            }
            _ => {}
        }
        result
    }
}
