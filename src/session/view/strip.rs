//! The compact view of a stream with many shards: a strip with one cell per open shard, in
//! hash key order, coloured by how much of its write limit it took in the last complete
//! second, with the busiest shards named and lanes only for a few.
//!
//! Lanes stop fitting long before 1,000 shards: each lane is a box of gauges and sentences,
//! and drawing a thousand of them every frame is what makes a big stream slow and unreadable.
//! Above [`COMPACT_ABOVE_SHARDS`] open shards the page shows this strip instead (see
//! `ui/shard_strip.rs`), and full lanes only for the shards the learner selected and the
//! busiest few ([`lanes`]). A shard's load is what CloudWatch would show against the AWS
//! write limit: IncomingRecords against 1,000 records/s and IncomingBytes against 1 MiB/s per
//! second, whichever is the larger share.

use serde::Serialize;

use super::ShardView;
use crate::engine::{shard_id, ShardLimits};
use crate::session::text::int;

/// Above this many open shards the stream panel shows the strip and a few lanes instead of a
/// lane per shard (32 lanes already fill a tall screen; the README says so).
pub const COMPACT_ABOVE_SHARDS: usize = 32;

/// How many of the busiest shards the strip names.
pub const BUSIEST_NAMED: usize = 8;

/// How many of the busiest shards get a lane in the compact view, besides the selected ones.
pub const BUSIEST_LANES: usize = 6;

/// At most this many lanes in the compact view.
pub const MAX_LANES: usize = 16;

/// One open shard in the strip.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StripCell {
    /// The shard's index (its id is `shardId-` and the index in 12 digits).
    pub index: u32,
    /// Where its range starts and how much of the hash key space it owns (0 to 1), for the
    /// hash key bar drawn to scale.
    pub offset: f64,
    pub width: f64,
    /// IncomingRecords and IncomingBytes in the last complete second.
    pub incoming_records: u64,
    pub incoming_bytes: u64,
    /// The larger of incoming records and incoming bytes as a share of the shard's write limit
    /// (1.0 is at the limit; more is over it, spending burst credit or refused).
    pub load: f64,
    /// Refused writes or reads in the last two seconds.
    pub throttled: bool,
}

impl StripCell {
    /// The shard's id.
    pub fn id(&self) -> String {
        shard_id(self.index)
    }

    /// The load in whole per cent, as the strip says it: `98% of its write limit`.
    pub fn percent(&self) -> u64 {
        (self.load * 100.0).round() as u64
    }
}

/// The strip: every open shard in hash key order, and the busiest of them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Strip {
    pub cells: Vec<StripCell>,
    /// Positions in `cells` of the busiest shards, busiest first (at most [`BUSIEST_NAMED`];
    /// only shards that took writes or were throttled).
    pub busiest: Vec<usize>,
    /// The stream's per-shard limits (the same for every shard of a stream).
    pub limits: ShardLimits,
}

/// A shard's load: the larger share of its write limits it took in the last second.
pub fn load(shard: &ShardView) -> f64 {
    let share = |value: u64, limit: u64| {
        if limit == 0 {
            0.0
        } else {
            value as f64 / limit as f64
        }
    };
    share(shard.incoming_records, shard.limits.write_records_per_sec).max(share(
        shard.incoming_bytes,
        shard.limits.write_bytes_per_sec,
    ))
}

impl Strip {
    /// The strip of `shards` (the open ones, in hash key order), or `None` when they still fit
    /// as lanes.
    pub fn of(shards: &[ShardView]) -> Option<Strip> {
        (shards.len() > COMPACT_ABOVE_SHARDS).then(|| Strip::build(shards))
    }

    /// The strip of `shards` (in hash key order, kept: a cell's position is its shard's
    /// position in the view), however many.
    pub fn build(shards: &[ShardView]) -> Strip {
        let cells: Vec<StripCell> = shards
            .iter()
            .map(|s| StripCell {
                index: s.index,
                offset: s.offset,
                width: s.width,
                incoming_records: s.incoming_records,
                incoming_bytes: s.incoming_bytes,
                load: load(s),
                throttled: s.state.is_refusing(),
            })
            .collect();
        let busiest = busiest(&cells, BUSIEST_NAMED);
        let limits = shards.first().map_or(ShardLimits::AWS, |s| s.limits);
        Strip {
            cells,
            busiest,
            limits,
        }
    }

    /// The cell of shard `id`, if it is open.
    pub fn position(&self, id: &str) -> Option<usize> {
        let index = index_of(id)?;
        self.cells.iter().position(|c| c.index == index)
    }

    /// For each cell, whether its shard is among `selected` (shard ids).
    pub fn marks(&self, selected: &[String]) -> Vec<bool> {
        let wanted: Vec<u32> = selected.iter().filter_map(|id| index_of(id)).collect();
        self.cells
            .iter()
            .map(|c| wanted.contains(&c.index))
            .collect()
    }
}

/// The index in a shard id (`shardId-000000000042` is 42).
fn index_of(id: &str) -> Option<u32> {
    id.strip_prefix("shardId-")?.parse().ok()
}

/// What a cell says when pointed at: `shardId-000000000042: 1,020 records/s and 310 KiB/s
/// in the last second (IncomingRecords, IncomingBytes), 102% of its write limit of 1,000
/// records/s and 1 MiB/s.`, and whether it refused writes or reads.
pub fn cell_sentence(cell: &StripCell, limits: &ShardLimits) -> String {
    let mut sentence = format!(
        "{}: {} records/s and {}/s in the last second (IncomingRecords, IncomingBytes), {}% of its write limit of {} records/s and {}/s.",
        cell.id(),
        int(cell.incoming_records),
        bytes(cell.incoming_bytes),
        cell.percent(),
        int(limits.write_records_per_sec),
        bytes(limits.write_bytes_per_sec),
    );
    if cell.throttled {
        sentence.push_str(" THROTTLED: it refused writes or reads in the last two seconds.");
    } else if cell.load > 1.0 {
        sentence.push_str(" OVER LIMIT: it is spending burst credit.");
    }
    sentence
}

/// Bytes as the strip states them: `1 MiB`, `1.50 MiB`, `310 KiB`, `300 B`.
fn bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = KIB * KIB;
    if n >= MIB {
        if n.is_multiple_of(MIB) {
            format!("{} MiB", n / MIB)
        } else {
            format!("{:.2} MiB", n as f64 / MIB as f64)
        }
    } else if n >= KIB {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} B")
    }
}

/// The `n` busiest cells, busiest first: by load, throttled before not at equal load, then in
/// hash key order. A shard that took nothing and refused nothing is not busy.
pub fn busiest(cells: &[StripCell], n: usize) -> Vec<usize> {
    let mut busy: Vec<usize> = (0..cells.len())
        .filter(|&i| cells[i].load > 0.0 || cells[i].throttled)
        .collect();
    crate::sort::sort_by(&mut busy, |&a, &b| {
        let (a_cell, b_cell) = (&cells[a], &cells[b]);
        b_cell
            .load
            .total_cmp(&a_cell.load)
            .then(b_cell.throttled.cmp(&a_cell.throttled))
            .then(a.cmp(&b))
    });
    busy.truncate(n);
    busy
}

/// Which open shards get a lane in the compact view, as positions in `shards` (hash key
/// order): the selected ones, then the [`BUSIEST_LANES`] busiest, at most [`MAX_LANES`].
pub fn lanes(strip: &Strip, shards: &[ShardView], selected: &[String]) -> Vec<usize> {
    let mut chosen: Vec<usize> = selected
        .iter()
        .filter_map(|id| shards.iter().position(|s| &s.id == id))
        .collect();
    for &busy in strip.busiest.iter().take(BUSIEST_LANES) {
        if !chosen.contains(&busy) {
            chosen.push(busy);
        }
    }
    chosen.truncate(MAX_LANES);
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
#[path = "strip_tests.rs"]
mod tests;
