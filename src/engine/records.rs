//! A shard's records, in sequence order, trimmed by retention, in bounded memory.
//!
//! Records a person typed are kept whole. Records made by the simulation's producers are not:
//! they can be regenerated from their producer's seed, so a shard keeps only *runs* of them,
//! "from tick T every 100 ms, producer P's next records, as many each tick as its rate
//! allots", a few dozen bytes however many records the run holds. Their partition keys and
//! data are rebuilt only when someone reads them, which is what lets a browser simulate a
//! day of a 16-shard stream without storing a day of data.
//!
//! Within a chunk, records have consecutive sequence indices, so a record is found by binary
//! search over chunks and arithmetic inside one.

use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use super::write_call::WriteCall;

mod chunks;
use chunks::Chunks;
pub use chunks::BLOCK as CHUNKS_PER_BLOCK;

/// Something that can rebuild the records it produced: a simulated producer.
///
/// Each producer numbers the records it sends to a shard (its *ordinals*); the engine stores
/// only (source, shard, ordinal) and asks the source for the rest. Implementations must be
/// deterministic: the same arguments always give the same record.
pub trait RecordSource: fmt::Debug {
    /// A short name for event logs and the UI (the producer's name).
    fn name(&self) -> &str;
    /// The size AWS counts (partition key + data) of record `ordinal` made for `shard`.
    fn size(&self, shard: u32, ordinal: u64) -> u64;
    /// Its partition key and data.
    fn record(&self, shard: u32, ordinal: u64) -> (String, Vec<u8>);
    /// Its partition key alone: what event logs and scaling decisions need, without making
    /// data that can be a megabyte long. The default makes the whole record.
    fn partition_key(&self, shard: u32, ordinal: u64) -> String {
        self.record(shard, ordinal).0
    }
    /// Its hash key (MD5 of the partition key, or the producer's ExplicitHashKey).
    fn hash_key(&self, shard: u32, ordinal: u64) -> u128;
    /// A range the hash key of every record made for `shard` lies in, if the source vouches
    /// for one: a retry then goes to `shard` while it is open with that range, unhashed.
    fn home_range(&self, shard: u32) -> Option<super::HashKeyRange> {
        let _ = shard;
        None
    }
    /// Where it stands in its producer's send order, for counting the records a reader gets
    /// out of that order; `None` (the default) for a source that keeps no such order.
    fn send_order(&self, shard: u32, ordinal: u64) -> Option<SendOrder> {
        let _ = (shard, ordinal);
        None
    }
}

/// A producer record's place in its producer's sending, as a reader needs it to tell whether
/// the records of one partition key reach it in the order they were first sent.
///
/// Two records compare only when their `key`s are equal (same producer, same partition key);
/// then the one with the smaller `position` was first sent earlier. A retry keeps its
/// record's position, so a record resent late comes out as out of order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendOrder {
    /// The producer and the partition key, as one number.
    pub key: u128,
    /// Grows with the moment the producer first sent the record.
    pub position: u128,
}

/// One record a person or script put, kept whole: key and data share one allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    /// ApproximateArrivalTimestamp, epoch milliseconds.
    pub arrival_ms: u64,
    /// The partition key's UTF-8 bytes followed by the data.
    payload: Box<[u8]>,
    key_len: u16,
}

impl StoredRecord {
    pub fn new(arrival_ms: u64, partition_key: &str, data: &[u8]) -> Self {
        // A partition key is at most 256 characters, so at most 1,024 bytes.
        let key = &partition_key.as_bytes()[..partition_key.len().min(u16::MAX as usize)];
        let mut payload = Vec::with_capacity(key.len() + data.len());
        payload.extend_from_slice(key);
        payload.extend_from_slice(data);
        StoredRecord {
            arrival_ms,
            payload: payload.into_boxed_slice(),
            key_len: key.len() as u16,
        }
    }

    pub fn partition_key(&self) -> &str {
        std::str::from_utf8(&self.payload[..usize::from(self.key_len)]).unwrap_or_default()
    }

    pub fn data(&self) -> &[u8] {
        &self.payload[usize::from(self.key_len)..]
    }

    /// What the record counts against limits: its data plus its partition key.
    pub fn size(&self) -> u64 {
        self.payload.len() as u64
    }
}

/// One producer's share of each tick of a run.
///
/// The producer's allocator decides how many records it *offers* each tick: an accumulator in
/// 32.32 fixed point gains `per_tick` each tick and the tick offers the whole records it
/// crossed, so knowing the accumulator at the run's start is enough to count any tick, and the
/// ordinals of a tick's records follow. When every offered record was accepted (`accepted` is
/// `None`) that is all the run stores. When a shard throttled some ticks, `accepted` holds the
/// running total of accepted records after each tick (8 bytes a tick); the accepted records of a
/// tick are the first of its offer, the rest went to the producer's retries.
#[derive(Clone, Debug)]
pub struct RunPart {
    pub source: Rc<dyn RecordSource>,
    /// The shard the source drew these records' keys for.
    pub origin_shard: u32,
    /// The source's ordinal of the first record the part offered in the run.
    pub first_ordinal: u64,
    pub acc_start: u128,
    pub per_tick: u128,
    /// Running totals of accepted records after each tick, when not all were accepted.
    pub accepted: Option<Vec<u64>>,
}

impl RunPart {
    /// Records offered before tick `tick` (0-based).
    fn offered_before(&self, tick: u64) -> u64 {
        let acc = self
            .acc_start
            .saturating_add(self.per_tick.saturating_mul(u128::from(tick)));
        ((acc >> 32) - (self.acc_start >> 32)) as u64
    }

    /// Records stored before tick `tick`.
    fn before(&self, tick: u64) -> u64 {
        match &self.accepted {
            None => self.offered_before(tick),
            Some(totals) => match tick.checked_sub(1) {
                None => 0,
                Some(last) => totals
                    .get(usize::try_from(last).unwrap_or(usize::MAX))
                    .or(totals.last())
                    .copied()
                    .unwrap_or(0),
            },
        }
    }

    /// Records stored in tick `tick`.
    fn in_tick(&self, tick: u64) -> u64 {
        self.before(tick + 1) - self.before(tick)
    }

    /// The ordinal of the `k`-th stored record of tick `tick`.
    fn ordinal(&self, tick: u64, k: u64) -> u64 {
        self.first_ordinal + self.offered_before(tick) + k
    }
}

/// A counted run that has been fully accepted for this many ticks goes back to being steady.
const STEADY_AGAIN_AFTER: u32 = 64;

/// Records from producers, sent every `tick_ms` from `first_ms`, regenerated on demand.
#[derive(Clone, Debug)]
pub struct GeneratedRun {
    pub first_ms: u64,
    pub tick_ms: u64,
    pub ticks: u64,
    pub parts: Vec<RunPart>,
    /// Consecutive fully accepted ticks at the end of a counted run.
    steady_streak: u32,
}

impl GeneratedRun {
    fn before(&self, tick: u64) -> u64 {
        self.parts.iter().map(|p| p.before(tick)).sum()
    }

    fn count(&self) -> u64 {
        self.before(self.ticks)
    }

    /// The tick holding the run's `offset`-th record (0-based), by binary search.
    fn tick_of(&self, offset: u64) -> u64 {
        let (mut low, mut high) = (0, self.ticks.saturating_sub(1));
        while low < high {
            let mid = low + (high - low).div_ceil(2);
            if self.before(mid) <= offset {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        low
    }

    fn arrival_of_tick(&self, tick: u64) -> u64 {
        self.first_ms
            .saturating_add(tick.saturating_mul(self.tick_ms))
    }

    /// The part and ordinal of the run's `offset`-th record, and its tick.
    fn locate(&self, offset: u64) -> Option<(&RunPart, u64, u64)> {
        let tick = self.tick_of(offset);
        let mut rest = offset.checked_sub(self.before(tick))?;
        for part in &self.parts {
            let here = part.in_tick(tick);
            if rest < here {
                return Some((part, part.ordinal(tick, rest), tick));
            }
            rest -= here;
        }
        None
    }

    /// Drops the first `ticks` ticks.
    fn drop_ticks(&mut self, ticks: u64) {
        for part in &mut self.parts {
            part.first_ordinal += part.offered_before(ticks);
            part.acc_start = part
                .acc_start
                .saturating_add(part.per_tick.saturating_mul(u128::from(ticks)));
            if let Some(totals) = &mut part.accepted {
                let gone = ticks
                    .checked_sub(1)
                    .map_or(0, |last| totals.get(last as usize).copied().unwrap_or(0));
                let keep_from = usize::try_from(ticks)
                    .unwrap_or(totals.len())
                    .min(totals.len());
                totals.drain(..keep_from);
                for total in totals.iter_mut() {
                    *total -= gone;
                }
            }
        }
        self.first_ms = self.arrival_of_tick(ticks);
        self.ticks -= ticks;
    }
}

/// A contiguous stretch of a shard's records.
#[derive(Clone, Debug)]
enum Body {
    /// Records kept whole, each with its own arrival time.
    Stored(VecDeque<StoredRecord>),
    /// A run of producer records.
    Run(GeneratedRun),
}

#[derive(Clone, Debug)]
struct Chunk {
    first_seq_ix: u64,
    body: Body,
}

impl Chunk {
    fn count(&self) -> u64 {
        match &self.body {
            Body::Stored(records) => records.len() as u64,
            Body::Run(run) => run.count(),
        }
    }

    fn end_seq_ix(&self) -> u64 {
        self.first_seq_ix + self.count()
    }

    fn last_arrival(&self) -> u64 {
        match &self.body {
            Body::Stored(records) => records.back().map_or(0, |r| r.arrival_ms),
            Body::Run(run) => run.arrival_of_tick(run.ticks.saturating_sub(1)),
        }
    }

    /// Offset of the first record that arrived at or after `ms` (may be `count()`).
    fn offset_of_time(&self, ms: u64) -> u64 {
        match &self.body {
            Body::Stored(records) => records.partition_point(|r| r.arrival_ms < ms) as u64,
            Body::Run(run) => {
                if ms <= run.first_ms {
                    0
                } else {
                    let tick = (ms - run.first_ms).div_ceil(run.tick_ms.max(1));
                    run.before(tick.min(run.ticks))
                }
            }
        }
    }

    fn record(&self, offset: u64) -> Option<RecordRef<'_>> {
        let seq_ix = self.first_seq_ix + offset;
        match &self.body {
            Body::Stored(records) => {
                let record = records.get(usize::try_from(offset).ok()?)?;
                Some(RecordRef {
                    seq_ix,
                    arrival_ms: record.arrival_ms,
                    size: record.size(),
                    body: RecordBody::Stored(record),
                })
            }
            Body::Run(run) => {
                let (part, ordinal, tick) = run.locate(offset)?;
                Some(RecordRef {
                    seq_ix,
                    arrival_ms: run.arrival_of_tick(tick),
                    size: part.source.size(part.origin_shard, ordinal),
                    body: RecordBody::Generated {
                        source: &part.source,
                        shard: part.origin_shard,
                        ordinal,
                    },
                })
            }
        }
    }
}

/// What a record holds, borrowed from the log.
#[derive(Clone, Copy, Debug)]
pub enum RecordBody<'a> {
    Stored(&'a StoredRecord),
    Generated {
        source: &'a Rc<dyn RecordSource>,
        shard: u32,
        ordinal: u64,
    },
}

/// One record as read from the log.
#[derive(Clone, Copy, Debug)]
pub struct RecordRef<'a> {
    pub seq_ix: u64,
    pub arrival_ms: u64,
    /// Partition key + data bytes.
    pub size: u64,
    pub body: RecordBody<'a>,
}

impl RecordRef<'_> {
    /// The partition key and data, rebuilt for producer records.
    pub fn materialize(&self) -> (String, Vec<u8>) {
        match self.body {
            RecordBody::Stored(record) => {
                (record.partition_key().to_string(), record.data().to_vec())
            }
            RecordBody::Generated {
                source,
                shard,
                ordinal,
            } => source.record(shard, ordinal),
        }
    }

    /// Its place in its producer's send order; `None` for records typed by hand, whose
    /// sender Shardlab does not know.
    pub fn send_order(&self) -> Option<SendOrder> {
        match self.body {
            RecordBody::Stored(_) => None,
            RecordBody::Generated {
                source,
                shard,
                ordinal,
            } => source.send_order(shard, ordinal),
        }
    }

    /// The partition key alone.
    pub fn partition_key(&self) -> String {
        match self.body {
            RecordBody::Stored(record) => record.partition_key().to_string(),
            RecordBody::Generated {
                source,
                shard,
                ordinal,
            } => source.partition_key(shard, ordinal),
        }
    }
}

/// A tick's worth of one producer's records for one shard, offered to [`RecordLog::append_tick`].
#[derive(Clone, Debug)]
pub struct TickPart {
    pub source: Rc<dyn RecordSource>,
    pub origin_shard: u32,
    pub first_ordinal: u64,
    /// The allocator's accumulator before this tick, and its gain per tick.
    pub acc_before: u128,
    pub per_tick: u128,
    /// How many records the allocator gave this tick, and how many the shard accepted.
    pub offered: u64,
    pub accepted: u64,
    /// How the producer sends them (PutRecord sizes are rounded up to whole KB). Producers
    /// of both kinds that send at the same moments share one tick, so one run.
    pub call: WriteCall,
}

/// The records of one shard.
#[derive(Clone, Debug, Default)]
pub struct RecordLog {
    /// Sealed blocks shared between copies of the log, and an open tail (`chunks.rs`).
    chunks: Chunks,
    len: u64,
}

impl RecordLog {
    /// Records held (not yet trimmed).
    pub fn len(&self) -> usize {
        usize::try_from(self.len).unwrap_or(usize::MAX)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Chunks held: what memory the log uses grows with this, not with `len`.
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// Chunks a copy of the log copies (the rest are shared, see `chunks.rs`).
    pub fn open_chunk_count(&self) -> usize {
        self.chunks.open_len()
    }

    /// The sealed blocks of [`CHUNKS_PER_BLOCK`] chunks, by address (two copies of the log
    /// that share one give the same): for counting what copies hold.
    pub fn shared_blocks(&self) -> impl Iterator<Item = usize> + '_ {
        self.chunks.block_ids()
    }

    /// The sequence index after the last record.
    pub fn end_seq_ix(&self) -> Option<u64> {
        self.chunks.back().map(Chunk::end_seq_ix)
    }

    /// Appends a record kept whole with the given sequence index.
    pub fn push_stored(&mut self, seq_ix: u64, record: StoredRecord) {
        self.len += 1;
        if let Some(Chunk {
            body: Body::Stored(records),
            ..
        }) = self.chunks.back_mut().filter(|c| c.end_seq_ix() == seq_ix)
        {
            records.push_back(record);
            return;
        }
        self.chunks.push_back(Chunk {
            first_seq_ix: seq_ix,
            body: Body::Stored(VecDeque::from([record])),
        });
    }

    /// Appends the accepted records of one producer tick, starting at `seq_ix`: extends the
    /// last run when this tick continues it, or starts a new run.
    ///
    /// A tick that offered nothing still extends a run it continues, so a slow producer
    /// (less than a record per tick per shard) keeps one long run rather than many short ones.
    pub fn append_tick(&mut self, seq_ix: u64, at_ms: u64, tick_ms: u64, parts: &[TickPart]) {
        let accepted: u64 = parts.iter().map(|p| p.accepted).sum();
        let steady = parts.iter().all(|p| p.accepted == p.offered);
        if self.extend_run(seq_ix, at_ms, tick_ms, parts, steady) {
            self.len += accepted;
            return;
        }
        if accepted == 0 {
            return; // nothing to keep, and nothing a later tick could extend
        }
        self.len += accepted;
        let parts = parts
            .iter()
            .map(|p| RunPart {
                source: p.source.clone(),
                origin_shard: p.origin_shard,
                first_ordinal: p.first_ordinal,
                acc_start: p.acc_before,
                per_tick: p.per_tick,
                accepted: (!steady).then(|| vec![p.accepted]),
            })
            .collect();
        self.chunks.push_back(Chunk {
            first_seq_ix: seq_ix,
            body: Body::Run(GeneratedRun {
                first_ms: at_ms,
                tick_ms,
                ticks: 1,
                parts,
                steady_streak: 0,
            }),
        });
    }

    fn extend_run(
        &mut self,
        seq_ix: u64,
        at_ms: u64,
        tick_ms: u64,
        parts: &[TickPart],
        steady: bool,
    ) -> bool {
        let Some(chunk) = self.chunks.back_mut() else {
            return false;
        };
        let end = chunk.end_seq_ix();
        let Body::Run(run) = &mut chunk.body else {
            return false;
        };
        let counted = run.parts.iter().any(|p| p.accepted.is_some());
        let continues = end == seq_ix
            && run.tick_ms == tick_ms
            && run.arrival_of_tick(run.ticks) == at_ms
            && run.parts.len() == parts.len()
            && run.parts.iter().zip(parts).all(|(have, offer)| {
                Rc::ptr_eq(&have.source, &offer.source)
                    && have.origin_shard == offer.origin_shard
                    && have.per_tick == offer.per_tick
                    && have
                        .acc_start
                        .saturating_add(have.per_tick.saturating_mul(u128::from(run.ticks)))
                        == offer.acc_before
                    && have.first_ordinal + have.offered_before(run.ticks) == offer.first_ordinal
            });
        if !continues || (!counted && !steady) {
            // A steady run that meets a throttled tick ends; the tick starts a counted run.
            return false;
        }
        if counted {
            if steady && run.steady_streak >= STEADY_AGAIN_AFTER {
                // Fully accepted for a while: start a steady run again.
                return false;
            }
            run.steady_streak = if steady { run.steady_streak + 1 } else { 0 };
            for (have, offer) in run.parts.iter_mut().zip(parts) {
                if let Some(totals) = &mut have.accepted {
                    let total = totals.last().copied().unwrap_or(0) + offer.accepted;
                    totals.push(total);
                }
            }
        }
        run.ticks += 1;
        true
    }

    /// Appends one producer record (a retry) at `seq_ix`.
    pub fn push_generated(
        &mut self,
        seq_ix: u64,
        at_ms: u64,
        source: Rc<dyn RecordSource>,
        origin_shard: u32,
        ordinal: u64,
    ) {
        self.len += 1;
        // Retries of consecutive records of one producer in one instant share a run.
        if let Some(chunk) = self.chunks.back_mut() {
            let end = chunk.end_seq_ix();
            if let Body::Run(run) = &mut chunk.body {
                if let [part] = run.parts.as_mut_slice() {
                    if let (Some([total]), 0) = (part.accepted.as_deref_mut(), part.per_tick) {
                        if end == seq_ix
                            && run.ticks == 1
                            && run.first_ms == at_ms
                            && Rc::ptr_eq(&part.source, &source)
                            && part.origin_shard == origin_shard
                            && part.first_ordinal + *total == ordinal
                        {
                            *total += 1;
                            return;
                        }
                    }
                }
            }
        }
        self.chunks.push_back(Chunk {
            first_seq_ix: seq_ix,
            body: Body::Run(GeneratedRun {
                first_ms: at_ms,
                tick_ms: 1,
                ticks: 1,
                parts: vec![RunPart {
                    source,
                    origin_shard,
                    first_ordinal: ordinal,
                    acc_start: 0,
                    per_tick: 0,
                    accepted: Some(vec![1]),
                }],
                steady_streak: 0,
            }),
        });
    }

    /// Index of the chunk holding `seq_ix` or, if none does, the first after it.
    fn chunk_at_or_after(&self, seq_ix: u64) -> usize {
        self.chunks.partition_point(|c| c.end_seq_ix() <= seq_ix)
    }

    /// The first record with a sequence index at or above `seq_ix`, as (chunk, offset).
    fn locate_seq(&self, seq_ix: u64) -> Option<(usize, u64)> {
        let index = self.chunk_at_or_after(seq_ix);
        let chunk = self.chunks.get(index)?;
        Some((index, seq_ix.saturating_sub(chunk.first_seq_ix)))
    }

    /// The sequence index of the first record that arrived at or after `ms`, if any.
    pub fn first_seq_at_or_after_time(&self, ms: u64) -> Option<u64> {
        let index = self.chunks.partition_point(|c| c.last_arrival() < ms);
        let chunk = self.chunks.get(index)?;
        Some(chunk.first_seq_ix + chunk.offset_of_time(ms))
    }

    /// The record with the smallest sequence index at or above `seq_ix`.
    pub fn first_at_or_after(&self, seq_ix: u64) -> Option<RecordRef<'_>> {
        let (chunk, offset) = self.locate_seq(seq_ix)?;
        self.chunks.get(chunk)?.record(offset)
    }

    /// Records in order from the first with a sequence index at or above `seq_ix`.
    pub fn iter_from(&self, seq_ix: u64) -> impl Iterator<Item = RecordRef<'_>> + '_ {
        let (mut chunk, mut offset) = self.locate_seq(seq_ix).unwrap_or((self.chunks.len(), 0));
        // Inside a run, a walk that steps from record to record (locating each one on its
        // own is a binary search over the run's ticks: the read path's largest cost).
        let mut walk: Option<RunWalk> = None;
        std::iter::from_fn(move || loop {
            let current = self.chunks.get(chunk)?;
            if let Body::Run(run) = &current.body {
                let walk = walk.get_or_insert_with(|| RunWalk::new(run, offset));
                if let Some(record) = walk.next(run, current.first_seq_ix) {
                    return Some(record);
                }
            } else if offset < current.count() {
                let record = current.record(offset);
                offset += 1;
                if record.is_some() {
                    return record;
                }
                continue;
            }
            chunk += 1;
            offset = 0;
            walk = None;
        })
    }

    /// How many records have sequence indices in `from..to`.
    pub fn count_between(&self, from: u64, to: u64) -> u64 {
        if to <= from {
            return 0;
        }
        let position = |seq_ix: u64| -> u64 {
            // Records before `seq_ix`, counted from the first chunk.
            let index = self.chunk_at_or_after(seq_ix);
            let before: u64 = self.chunks.before(index).map(Chunk::count).sum();
            let inside = self
                .chunks
                .get(index)
                .map_or(0, |c| seq_ix.saturating_sub(c.first_seq_ix).min(c.count()));
            before + inside
        };
        position(to) - position(from)
    }

    /// The last record's arrival time.
    pub fn last_arrival_ms(&self) -> Option<u64> {
        self.chunks.back().map(Chunk::last_arrival)
    }

    /// Drops every record that arrived before `cutoff_ms`; returns how many were dropped.
    pub fn trim_before(&mut self, cutoff_ms: u64) -> u64 {
        let mut dropped = 0;
        // The first chunk is looked at before it is changed: changing it copies its block
        // when a copy of the log shares it.
        while let Some(front) = self.chunks.get(0) {
            if front.last_arrival() < cutoff_ms {
                dropped += front.count();
                self.chunks.drop_front();
                continue;
            }
            let offset = front.offset_of_time(cutoff_ms);
            if offset > 0 {
                let Some(front) = self.chunks.front_mut() else {
                    break;
                };
                dropped += offset;
                front.first_seq_ix += offset;
                match &mut front.body {
                    Body::Stored(records) => {
                        records.drain(..usize::try_from(offset).unwrap_or(records.len()));
                        if records.capacity() > 64 && records.len() < records.capacity() / 4 {
                            records.shrink_to(records.len() * 2);
                        }
                    }
                    Body::Run(run) => {
                        let ticks = (cutoff_ms - run.first_ms).div_ceil(run.tick_ms.max(1));
                        run.drop_ticks(ticks.min(run.ticks));
                    }
                }
            }
            break;
        }
        self.chunks.shrink();
        self.len -= dropped.min(self.len);
        dropped
    }
}

mod walk;
use walk::RunWalk;
pub use walk::Stretch;

#[cfg(test)]
mod tests;
