//! Order violations: records of one partition key that reach a reader in another order than
//! their producer first sent them.
//!
//! Kinesis keeps a shard's records in the order it stored them, and a key goes to one shard
//! at a time, so a reader that reads each shard in order and parents before children gets a
//! key's records in the order the shards stored them. That is not always the order they were
//! sent: PutRecords entries refused and resent land after later records of the same key, and
//! a reader that reads a child shard before its parent is finished gets the key's newer
//! records first. The ordering lesson counts both, for polling consumers and for KCL
//! applications alike, with one [`DeliveryOrder`] per reader.
//!
//! Kept apart from the engine (which only says where each record stands in its producer's
//! sending: [`crate::engine::SendOrder`]) because this is the reader's side, shared by the
//! world's consumers and the KCL's applications.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::engine::RecordRef;
use crate::seeds::mix;

/// A hasher for the keys' numbers, which are already well spread: one mix of their bits.
/// (The standard SipHash costs more than the rest of the check; nothing iterates the maps, so
/// their order never shows.)
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = mix(self.0 ^ u64::from(byte));
        }
    }

    fn write_u128(&mut self, n: u128) {
        self.0 = mix(self.0 ^ (n as u64) ^ mix((n >> 64) as u64));
    }
}

type KeyMap = HashMap<u128, u128, BuildHasherDefault<KeyHasher>>;

/// Keys remembered per generation: a reader remembers the 8,192 to 16,384 keys it got most
/// recently. A key it has not got for that many other keys is forgotten, and its next record
/// cannot count as out of order; a learner's scenarios have far fewer keys that matter.
pub const KEYS_PER_GENERATION: usize = 8_192;

/// What one reader (a consumer, or a KCL application) got, as far as order goes.
///
/// Memory is bounded: per key, the largest send position delivered, in two generations of at
/// most [`KEYS_PER_GENERATION`] keys each (a key found only in the older one moves to the
/// newer; when the newer is full, it becomes the older and the oldest is dropped); per shard
/// read, the highest sequence index delivered (one number a shard).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryOrder {
    /// Per shard: the highest sequence index delivered. A record at or below it was
    /// delivered before (a KCL worker starting again from a checkpoint): that is a
    /// duplicate, counted elsewhere, not a reordering.
    delivered_upto: Vec<(u32, u64)>,
    recent: KeyMap,
    older: KeyMap,
    violations: u64,
}

impl DeliveryOrder {
    /// Records delivered after a record of the same key that their producer sent later.
    pub fn violations(&self) -> u64 {
        self.violations
    }

    /// Notes a record read from shard `shard`, in the order the reader gets them.
    pub fn deliver(&mut self, shard: u32, record: &RecordRef<'_>) {
        // A reader reads a few shards at a time: the one just read is first, a short scan
        // finds the others.
        match self.delivered_upto.iter().position(|(s, _)| *s == shard) {
            Some(i) => {
                if record.seq_ix <= self.delivered_upto[i].1 {
                    return;
                }
                self.delivered_upto[i].1 = record.seq_ix;
                if i > 0 {
                    self.delivered_upto.swap(0, i);
                }
            }
            None => self.delivered_upto.insert(0, (shard, record.seq_ix)),
        }
        let Some(order) = record.send_order() else {
            return;
        };
        if let Some(latest) = self.recent.get_mut(&order.key) {
            if order.position < *latest {
                self.violations += 1;
            } else {
                *latest = order.position;
            }
            return;
        }
        let mut latest = self.older.remove(&order.key).unwrap_or(order.position);
        if order.position < latest {
            self.violations += 1;
        } else {
            latest = order.position;
        }
        if self.recent.len() >= KEYS_PER_GENERATION {
            // The newer generation becomes the older; the oldest is emptied and reused as
            // the newer, keeping its allocation (a busy reader turns generations over many
            // times a second, and growing a fresh map each time was a visible cost).
            std::mem::swap(&mut self.older, &mut self.recent);
            self.recent.clear();
        }
        self.recent.insert(order.key, latest);
    }

    /// Keys remembered now (at most twice [`KEYS_PER_GENERATION`]).
    pub fn keys_remembered(&self) -> usize {
        self.recent.len() + self.older.len()
    }
}

#[cfg(test)]
mod tests;
