//! Reading a run of generated records in order, one record after the other.
//!
//! A run knows where its `n`-th record is only by a binary search over its ticks (see
//! [`GeneratedRun::locate`]); a reader takes hundreds or thousands of records in a row, so
//! the walk locates the first one and then steps: the next record of the same part and
//! tick, else the next part, else the next tick. Kept apart from `records.rs` (the log's
//! layout) because this is only the read path's speed.
//!
//! [`RecordLog::stretches`] is a faster path still, for a reader that needs only the stored
//! records of a range (the KCL's de-aggregation: a generated record is never an aggregate).
//! It gives each run's records as one count, without rebuilding any of them.

use super::{Body, GeneratedRun, RecordBody, RecordLog, RecordRef, StoredRecord};

/// Part of a range of records, as [`RecordLog::stretches`] gives it.
#[derive(Clone, Copy, Debug)]
pub enum Stretch<'a> {
    /// A record kept whole.
    Stored(&'a StoredRecord),
    /// This many generated records in a row (at least one).
    Generated(u64),
}

impl RecordLog {
    /// When the first record at or above `seq_ix` arrived, without rebuilding the record: a
    /// fan-out subscription asks this at each step, and a generated record's size (what
    /// [`RecordLog::first_at_or_after`] also gives) is a key draw.
    pub fn arrival_at_or_after(&self, seq_ix: u64) -> Option<u64> {
        let (chunk, offset) = self.locate_seq(seq_ix)?;
        match &self.chunks.get(chunk)?.body {
            Body::Stored(records) => records
                .get(usize::try_from(offset).ok()?)
                .map(|r| r.arrival_ms),
            Body::Run(run) => {
                (offset < run.count()).then(|| run.arrival_of_tick(run.tick_of(offset)))
            }
        }
    }
}

impl RecordLog {
    /// The records with sequence indices `first..=last`, in order, as stored records and
    /// counts of generated ones: the same records as `iter_from(first)` up to `last`, with
    /// no key or size drawn for the generated ones.
    pub fn stretches(&self, first: u64, last: u64) -> impl Iterator<Item = Stretch<'_>> + '_ {
        let (mut chunk, mut offset) = self.locate_seq(first).unwrap_or((self.chunks.len(), 0));
        std::iter::from_fn(move || loop {
            let current = self.chunks.get(chunk)?;
            // The chunk's records up to `last`: offsets below `end`.
            let end = last
                .checked_sub(current.first_seq_ix)
                .map_or(0, |o| o.saturating_add(1))
                .min(current.count());
            if offset >= end {
                // Past `last` (chunks are in sequence order), or this chunk is done.
                if end < current.count() {
                    return None;
                }
                chunk += 1;
                offset = 0;
                continue;
            }
            match &current.body {
                Body::Stored(records) => {
                    let record = records.get(usize::try_from(offset).ok()?);
                    offset += 1;
                    if let Some(record) = record {
                        return Some(Stretch::Stored(record));
                    }
                }
                Body::Run(_) => {
                    let n = end - offset;
                    offset = end;
                    return Some(Stretch::Generated(n));
                }
            }
        })
    }
}

/// A place in a run, stepped record by record: the same records, in the same order, as
/// [`GeneratedRun::locate`] gives offset by offset.
pub(super) struct RunWalk {
    offset: u64,
    /// The run's record count, when the walk began (a run only grows at the log's end, and
    /// the log is borrowed while the walk lives).
    count: u64,
    tick: u64,
    part: usize,
    /// The record's place among the part's records of the tick, and how many those are.
    k: u64,
    here: u64,
    /// The ordinal of the part's first record in the tick.
    base: u64,
}

impl RunWalk {
    pub(super) fn new(run: &GeneratedRun, offset: u64) -> RunWalk {
        let count = run.count();
        let mut walk = RunWalk {
            offset,
            count,
            tick: 0,
            part: 0,
            k: 0,
            here: 0,
            base: 0,
        };
        if offset < count {
            let tick = run.tick_of(offset);
            let mut rest = offset.saturating_sub(run.before(tick));
            walk.tick = tick;
            for (i, part) in run.parts.iter().enumerate() {
                let here = part.in_tick(tick);
                if rest < here {
                    walk.part = i;
                    walk.k = rest;
                    walk.here = here;
                    walk.base = part.ordinal(tick, 0);
                    return walk;
                }
                rest -= here;
            }
            // Not found (a run whose counts disagree): nothing more to give.
            walk.offset = count;
        }
        walk
    }

    pub(super) fn next<'a>(
        &mut self,
        run: &'a GeneratedRun,
        first_seq_ix: u64,
    ) -> Option<RecordRef<'a>> {
        if self.offset >= self.count {
            return None;
        }
        let part = run.parts.get(self.part)?;
        let ordinal = self.base + self.k;
        let record = RecordRef {
            seq_ix: first_seq_ix + self.offset,
            arrival_ms: run.arrival_of_tick(self.tick),
            size: part.source.size(part.origin_shard, ordinal),
            body: RecordBody::Generated {
                source: &part.source,
                shard: part.origin_shard,
                ordinal,
            },
        };
        self.offset += 1;
        self.k += 1;
        // On to the next part (or tick) with records, unless this was the run's last record.
        while self.k >= self.here && self.offset < self.count {
            self.part += 1;
            if self.part >= run.parts.len() {
                self.part = 0;
                self.tick += 1;
                if self.tick >= run.ticks {
                    // A run whose counts disagree: stop rather than walk on.
                    self.offset = self.count;
                    break;
                }
            }
            let part = &run.parts[self.part];
            self.k = 0;
            self.here = part.in_tick(self.tick);
            self.base = part.ordinal(self.tick, 0);
        }
        Some(record)
    }
}
