//! Where a shard's record chunks are kept: full blocks of [`BLOCK`] chunks, sealed and shared
//! behind `Rc`, and an open tail the log appends to.
//!
//! A copy of the world (a snapshot, for rewinding: `session/snapshots.rs`) copies its shards'
//! record logs. A busy shard makes ~1,800 chunks a simulated minute, so copying them all made
//! a snapshot at minute 60 some 75 MB; sharing the sealed blocks makes a copy cost the tail
//! (at most one block) and a pointer a block, like the event log's sealed blocks
//! (`sim/log.rs`). Only the tail and the first chunk are ever changed (appending; trimming
//! by retention): the first chunk of a shared block is copied on write, and a block is
//! dropped whole once retention has trimmed past it.
//!
//! The methods mirror `VecDeque`'s, which the log used before, so its reading code did not
//! change. Apart from `records.rs` because it is storage, not what a record is.

use std::collections::VecDeque;
use std::rc::Rc;

use super::Chunk;

/// Chunks in a sealed block.
pub const BLOCK: usize = 256;

#[derive(Clone, Debug, Default)]
pub(super) struct Chunks {
    /// Full blocks, oldest first, each of exactly [`BLOCK`] chunks.
    sealed: VecDeque<Rc<Vec<Chunk>>>,
    /// Chunks of the first sealed block already trimmed away.
    head: usize,
    /// The newest chunks, fewer than [`BLOCK`]: never empty while `sealed` is not.
    tail: VecDeque<Chunk>,
}

impl Chunks {
    pub(super) fn len(&self) -> usize {
        self.sealed.len() * BLOCK - self.head + self.tail.len()
    }

    pub(super) fn get(&self, index: usize) -> Option<&Chunk> {
        let at = index + self.head;
        let sealed = self.sealed.len() * BLOCK;
        if at < sealed {
            Some(&self.sealed[at / BLOCK][at % BLOCK])
        } else {
            self.tail.get(at - sealed)
        }
    }

    pub(super) fn front_mut(&mut self) -> Option<&mut Chunk> {
        match self.sealed.front_mut() {
            Some(block) => Rc::make_mut(block).get_mut(self.head),
            None => self.tail.front_mut(),
        }
    }

    pub(super) fn back(&self) -> Option<&Chunk> {
        self.tail.back()
    }

    pub(super) fn back_mut(&mut self) -> Option<&mut Chunk> {
        self.tail.back_mut()
    }

    pub(super) fn push_back(&mut self, chunk: Chunk) {
        if self.tail.len() == BLOCK {
            let block: Vec<Chunk> = std::mem::take(&mut self.tail).into();
            self.sealed.push_back(Rc::new(block));
        }
        self.tail.push_back(chunk);
    }

    /// Drops the first chunk.
    pub(super) fn drop_front(&mut self) {
        if self.sealed.is_empty() {
            self.tail.pop_front();
            return;
        }
        self.head += 1;
        if self.head == BLOCK {
            self.sealed.pop_front();
            self.head = 0;
        }
    }

    /// The index of the first chunk for which `pred` is false (chunks for which it holds
    /// come first), as `VecDeque::partition_point`.
    pub(super) fn partition_point(&self, mut pred: impl FnMut(&Chunk) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if self.get(mid).is_some_and(&mut pred) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    /// The chunks before `end`, oldest first.
    pub(super) fn before(&self, end: usize) -> impl Iterator<Item = &Chunk> + '_ {
        (0..end.min(self.len())).filter_map(move |index| self.get(index))
    }

    /// Gives back the tail's spare room after trimming emptied much of it.
    pub(super) fn shrink(&mut self) {
        if self.tail.capacity() > 64 && self.tail.len() < self.tail.capacity() / 4 {
            self.tail.shrink_to(self.tail.len() * 2);
        }
    }

    /// The sealed blocks, by address: copies that share one give the same.
    pub(super) fn block_ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.sealed.iter().map(|block| Rc::as_ptr(block) as usize)
    }

    /// Chunks of the open tail: what a copy of the log copies.
    pub(super) fn open_len(&self) -> usize {
        self.tail.len()
    }
}
