//! Enhanced fan-out on screen: each subscription to a shard is a pipe of its own beside the
//! shard's shared read gauges, with a gauge of the bytes it pushed in the last whole second
//! against its own 2 MiB/s (`Config::fan_out_bytes_per_sec`).
//!
//! The point a learner should see: polling readers of a shard share its 5 GetRecords calls
//! and 2 MB a second (the lane's read gauges), while every fan-out consumer has its own
//! 2 MiB/s and does not touch those gauges at all.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ShardView;
use crate::engine::Stream;
use crate::sim::World;

/// One live subscription of a stream consumer to a shard.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FanOutPipe {
    /// The registered stream consumer's name (a KCL application's is the application's).
    pub consumer: String,
    /// Bytes pushed in the last whole second.
    pub bytes_per_sec: u64,
    /// The subscription's own limit: 2 MiB/s.
    pub limit: u64,
}

/// Puts each open subscription of `stream` on its shard's view, consumers by name.
pub fn attach(world: &World, stream: &Stream, shards: &mut [ShardView]) {
    let kinesis = world.kinesis();
    let second = (world.now_ms() / 1000).saturating_sub(1);
    let limit = kinesis.config().fan_out_bytes_per_sec;
    let mut by_shard: BTreeMap<u32, BTreeMap<String, u64>> = BTreeMap::new();
    for (_, sub) in kinesis.fan_out().iter() {
        if sub.end.is_some()
            || sub.stream != stream.name
            || sub.stream_created_ms != stream.created_ms
        {
            continue;
        }
        *by_shard
            .entry(sub.shard_index)
            .or_default()
            .entry(sub.consumer_name.clone())
            .or_default() += sub.bytes_in_second(second);
    }
    for shard in shards {
        if let Some(pipes) = by_shard.remove(&shard.index) {
            shard.fan_out = pipes
                .into_iter()
                .map(|(consumer, bytes_per_sec)| FanOutPipe {
                    consumer,
                    bytes_per_sec,
                    limit,
                })
                .collect();
        }
    }
}
