//! What a copy of the world costs: the heap it holds alone, and the blocks it shares with
//! the run and other copies, estimated from what grows in a run.
//!
//! The session keeps copies of itself to rewind to (`session/snapshots.rs`) and bounds the
//! heap they hold, so it needs to know what one holds without a counting allocator (the page
//! has none). A copy shares everything sealed: the shards' blocks of record chunks
//! (`engine/records/chunks.rs`), the event log's sealed blocks (`sim/log.rs`) and the events
//! a taken-over fan-out subscription keeps (`engine/fan_out/subscription.rs`). It copies the
//! rest: open tails, and bounded state that must be copied (metric series, the KCL's recent
//! lease renewals, delivery-order maps, lease tables). `benches/rewind.rs` prints this
//! estimate beside the heap a copy really allocates; the constants are its measurements on the
//! default scene, rounded up.
//!
//! Apart from `mod.rs` because it is bookkeeping for snapshots, not how the world runs.

use super::World;
use crate::engine::records::CHUNKS_PER_BLOCK;

/// What a copy of a world holds whatever its size: its maps, queues, lease tables, the KCL
/// application's delivery-order checks, the session's script and transcript.
const BASE_BYTES: usize = 384 << 10;
/// What each chunk of a shard's records takes: runs of records grow as a run goes on (~250 B
/// at minute 10, ~700 B at minute 60 of the default scene); the larger figure.
const CHUNK_BYTES: usize = 768;
/// What a sealed block of record chunks holds.
const BLOCK_BYTES: usize = CHUNKS_PER_BLOCK * CHUNK_BYTES;
/// What one of a KCL application's recent lease renewals takes (a lease key and a worker id).
const RENEWAL_BYTES: usize = 112;

/// The heap a copy of the world holds.
pub struct Footprint {
    /// What it copies (holds alone), estimated.
    pub alone: usize,
    /// What it shares, by address, with the heap each holds: blocks of record chunks, sealed
    /// blocks of the event log, subscriptions' outboxes.
    pub shared: Vec<(usize, usize)>,
}

impl World {
    /// What a copy of this world holds alone and shares (see the module docs).
    pub fn footprint(&self) -> Footprint {
        let streams = || self.kinesis.streams.values();
        let shards = || streams().flat_map(|stream| &stream.shards);
        let open_chunks: usize = shards().map(|s| s.records.open_chunk_count()).sum();
        let shard_series: usize = shards().map(|s| s.metrics.heap_bytes()).sum();
        let fan_out_series: usize = streams()
            .flat_map(|stream| &stream.consumers)
            .map(|c| c.metrics.heap_bytes())
            .sum();
        let producers: usize = self
            .producers
            .values()
            .map(|p| p.series.heap_bytes() + p.kinesis_series.heap_bytes())
            .sum();
        let consumers: usize = self.consumers.values().map(|c| c.series.heap_bytes()).sum();
        let apps: usize = self
            .apps
            .values()
            .map(|a| a.series.heap_bytes() + a.renewals.len() * RENEWAL_BYTES)
            .sum();
        let alone = BASE_BYTES
            + open_chunks * CHUNK_BYTES
            + shard_series
            + fan_out_series
            + producers
            + consumers
            + apps
            + self.log.open_bytes();
        let mut shared: Vec<(usize, usize)> = shards()
            .flat_map(|shard| shard.records.shared_blocks())
            .map(|block| (block, BLOCK_BYTES))
            .collect();
        shared.extend(self.log.shared_blocks());
        shared.extend(self.kinesis.fan_out.outboxes());
        Footprint { alone, shared }
    }
}
