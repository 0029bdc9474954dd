//! A producer's records, rebuilt on demand from its seed.
//!
//! Record `n` a producer sent to shard `s` is fully determined by (seed, s, n): its key is a
//! draw among the keys that hash into shard `s`, its size a draw from the producer's size
//! range, its data a short JSON text padded to that size. The engine stores only
//! (source, shard, n) and calls back here when someone reads the record.
//!
//! (shard, n) is also the record's place in the producer's sending, which is what lets a
//! reader count records of one key it gets out of order without anyone storing a send time:
//! a producer numbers each shard's records in the order it first sends them (a retry keeps
//! its number), and a key only ever moves to a shard made later, with a larger index (a
//! child of a split or a merge). A source made later (new keys or sizes) sent later still,
//! so the position is (source serial, shard, n).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use super::keys::{mix, record_hash, KeyTable, ShardKeys};
use crate::engine::{HashKeyRange, RecordSource, SendOrder};

/// The data size of each record, in bytes (the partition key comes on top).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeSpec {
    Fixed(u32),
    /// Uniform between the two, inclusive.
    Range(u32, u32),
}

impl SizeSpec {
    /// The largest data blob a record may carry.
    pub const MAX: u32 = 1024 * 1024;

    pub fn validate(&self) -> Result<(), String> {
        match *self {
            SizeSpec::Fixed(n) if n > Self::MAX => Err(format!(
                "a record's data is at most {} bytes, not {n}",
                Self::MAX
            )),
            SizeSpec::Range(a, b) if a > b || b > Self::MAX => Err(format!(
                "a size range must run from a smaller to a larger size of at most {} bytes",
                Self::MAX
            )),
            _ => Ok(()),
        }
    }

    /// The draw by division: what [`SizeDraw`] must give, number for number.
    #[cfg(test)]
    fn draw(&self, hash: u64) -> u64 {
        match *self {
            SizeSpec::Fixed(n) => u64::from(n),
            SizeSpec::Range(a, b) => u64::from(a) + hash % (u64::from(b - a) + 1),
        }
    }
}

/// `n % d` for one fixed `d`, by a multiplication instead of a 64-bit division (the
/// division was a third of a record's size draw, and every record's size is drawn). Lemire,
/// Kaser and Kurz, "Faster remainder by direct computation" (2019): with
/// `m = ceil(2^128 / d)`, `n % d` is the high 64 bits of `(m * n mod 2^128) * d`, exactly, for
/// every 64-bit `n` and `d`.
#[derive(Clone, Copy, Debug)]
struct Remainder {
    d: u64,
    m: u128,
}

impl Remainder {
    fn new(d: u64) -> Remainder {
        // d = 1 wraps m to 0, and every remainder is then 0, as it should be.
        let m = (u128::MAX / u128::from(d.max(1))).wrapping_add(1);
        Remainder { d, m }
    }

    fn of(self, n: u64) -> u64 {
        let low = self.m.wrapping_mul(u128::from(n));
        let d = u128::from(self.d);
        let bottom = (u128::from(low as u64) * d) >> 64;
        let top = (low >> 64) * d;
        ((bottom + top) >> 64) as u64
    }
}

/// [`SizeSpec::draw`], with the range's division made a multiplication: the same numbers.
#[derive(Clone, Copy, Debug)]
struct SizeDraw {
    low: u64,
    span: Remainder,
}

impl SizeDraw {
    fn new(sizes: SizeSpec) -> SizeDraw {
        let (low, high) = match sizes {
            SizeSpec::Fixed(n) => (n, n),
            SizeSpec::Range(a, b) => (a, b),
        };
        SizeDraw {
            low: u64::from(low),
            span: Remainder::new(u64::from(high.saturating_sub(low)) + 1),
        }
    }

    fn draw(self, hash: u64) -> u64 {
        self.low + self.span.of(hash)
    }
}

impl fmt::Display for SizeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizeSpec::Fixed(n) => write!(f, "{n}"),
            SizeSpec::Range(a, b) => write!(f, "{a}-{b}"),
        }
    }
}

/// One version of a producer's record recipe (keys, sizes, hash key). Changing any of these
/// makes a new source; changing only the rate keeps it.
pub struct ProducerSource {
    producer: String,
    /// The producer's number in its world, the same for all its versions: with the key, the
    /// identity of a send order.
    producer_id: u64,
    /// This version's number in its world: versions made later have larger ones.
    serial: u64,
    seed: u64,
    keys: Rc<KeyTable>,
    sizes: SizeSpec,
    size_draw: SizeDraw,
    explicit_hash_key: Option<u128>,
    /// Each shard's key sampler, made the first time the producer writes to the shard
    /// (`None` until then), by shard index, with the range it was made for: a vector, not a
    /// map, because every record's key draw looks its shard up here.
    shards: RefCell<Vec<Option<ShardSampler>>>,
    /// Keys drawn lately, as (shard, ordinal, key index), in a slot chosen by the two (a
    /// shard's consecutive records in consecutive slots). The draw is the costly part of a
    /// record (a cache miss or two), and the same records are asked for again soon: a reader
    /// asks for a record's size and then its send order, and a KCL application on enhanced
    /// fan-out reads an event's records just after the subscription measured them.
    recent_keys: Box<[Cell<Option<RecentKey>>]>,
}

/// A shard's key sampler with the hash key range it was made for.
type ShardSampler = (HashKeyRange, Option<ShardKeys>);

/// A remembered key draw: (shard, ordinal, key index).
type RecentKey = (u32, u64, u32);

/// How many draws [`ProducerSource::recent_keys`] remembers: more than an event carries from
/// a shard at a busy stream's rate (a power of two).
const RECENT_KEYS: usize = 512;

/// The slot of record `ordinal` of `shard` in [`ProducerSource::recent_keys`].
fn recent_slot(shard: u32, ordinal: u64) -> usize {
    (ordinal as usize ^ (shard as usize).wrapping_mul(0x9e37)) & (RECENT_KEYS - 1)
}

impl fmt::Debug for ProducerSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ProducerSource({}, {:?}, size {})",
            self.producer, self.keys, self.sizes
        )
    }
}

impl ProducerSource {
    pub fn new(
        producer: &str,
        (producer_id, serial): (u64, u64),
        seed: u64,
        keys: Rc<KeyTable>,
        sizes: SizeSpec,
        explicit_hash_key: Option<u128>,
    ) -> Self {
        ProducerSource {
            producer: producer.to_string(),
            producer_id,
            serial,
            seed,
            keys,
            sizes,
            size_draw: SizeDraw::new(sizes),
            explicit_hash_key,
            shards: RefCell::new(Vec::new()),
            recent_keys: (0..RECENT_KEYS).map(|_| Cell::new(None)).collect(),
        }
    }

    /// The producer's number in its world.
    pub fn producer_id(&self) -> u64 {
        self.producer_id
    }

    pub fn keys(&self) -> &Rc<KeyTable> {
        &self.keys
    }

    pub fn sizes(&self) -> SizeSpec {
        self.sizes
    }

    pub fn explicit_hash_key(&self) -> Option<u128> {
        self.explicit_hash_key
    }

    /// Makes shard `index`'s key sampler if it does not exist yet.
    pub fn prepare(&self, index: u32, range: &HashKeyRange) {
        let mut shards = self.shards.borrow_mut();
        let slot = index as usize;
        if shards.len() <= slot {
            shards.resize(slot + 1, None);
        }
        if shards[slot].is_none() {
            shards[slot] = Some((*range, self.keys.sampler_for(range)));
            // The shard's records drew among all keys until now: forget those draws.
            for cell in self.recent_keys.iter() {
                cell.set(None);
            }
        }
    }

    /// The key index of record `ordinal` of `shard`.
    pub fn key_index(&self, shard: u32, ordinal: u64) -> u32 {
        if let Some(index) = self.recent_key(shard, ordinal) {
            return index;
        }
        self.draw_key(shard, ordinal, record_hash(self.seed, shard, ordinal))
    }

    fn recent_key(&self, shard: u32, ordinal: u64) -> Option<u32> {
        match self.recent_keys[recent_slot(shard, ordinal)].get() {
            Some((s, o, index)) if (s, o) == (shard, ordinal) => Some(index),
            _ => None,
        }
    }

    /// [`Self::key_index`], given the record's hash (which its size draw needs as well).
    fn key_index_hashed(&self, shard: u32, ordinal: u64, hash: u64) -> u32 {
        if let Some(index) = self.recent_key(shard, ordinal) {
            return index;
        }
        self.draw_key(shard, ordinal, hash)
    }

    fn draw_key(&self, shard: u32, ordinal: u64, hash: u64) -> u32 {
        let index = if self.explicit_hash_key.is_some() {
            self.keys.draw(None, hash)
        } else {
            let shards = self.shards.borrow();
            let keys = shards
                .get(shard as usize)
                .and_then(|s| s.as_ref()?.1.as_ref());
            self.keys.draw(keys, hash)
        };
        self.recent_keys[recent_slot(shard, ordinal)].set(Some((shard, ordinal, index)));
        index
    }

    fn data_len(&self, shard: u32, ordinal: u64) -> u64 {
        self.data_len_hashed(record_hash(self.seed, shard, ordinal))
    }

    fn data_len_hashed(&self, hash: u64) -> u64 {
        self.size_draw.draw(mix(hash ^ 0xda7a))
    }

    /// The data a record carries: a short JSON text, padded with spaces or cut to its size.
    fn data(&self, ordinal: u64, key: &str, len: u64) -> Vec<u8> {
        let text = format!(
            "{{\"producer\":\"{}\",\"n\":{ordinal},\"key\":\"{key}\"}}",
            self.producer
        );
        let len = usize::try_from(len).unwrap_or(0);
        let mut data = text.into_bytes();
        data.resize(len, b' ');
        data
    }
}

impl RecordSource for ProducerSource {
    fn name(&self) -> &str {
        &self.producer
    }

    fn size(&self, shard: u32, ordinal: u64) -> u64 {
        let hash = record_hash(self.seed, shard, ordinal);
        let key = self.key_index_hashed(shard, ordinal, hash);
        self.keys.key_len(key) + self.data_len_hashed(hash)
    }

    fn record(&self, shard: u32, ordinal: u64) -> (String, Vec<u8>) {
        let key = self
            .keys
            .distribution
            .key_name(self.key_index(shard, ordinal));
        let data = self.data(ordinal, &key, self.data_len(shard, ordinal));
        (key, data)
    }

    fn partition_key(&self, shard: u32, ordinal: u64) -> String {
        self.keys
            .distribution
            .key_name(self.key_index(shard, ordinal))
    }

    fn hash_key(&self, shard: u32, ordinal: u64) -> u128 {
        self.explicit_hash_key
            .unwrap_or_else(|| self.keys.hash_of(self.key_index(shard, ordinal)))
    }

    /// The range shard `shard`'s sampler was made for: its keys are drawn among the keys
    /// hashing into it (not so with an ExplicitHashKey, or a range no key hashes into,
    /// whose draws range over every key).
    fn home_range(&self, shard: u32) -> Option<HashKeyRange> {
        if self.explicit_hash_key.is_some() {
            return None;
        }
        match self.shards.borrow().get(shard as usize) {
            Some(Some((range, Some(_)))) => Some(*range),
            _ => None,
        }
    }

    fn send_order(&self, shard: u32, ordinal: u64) -> Option<SendOrder> {
        let key = self
            .keys
            .distribution
            .key_identity(self.key_index(shard, ordinal));
        let serial = u128::from(self.serial.min(u64::from(u32::MAX)));
        Some(SendOrder {
            key: u128::from(self.producer_id) << 64 | u128::from(key),
            position: serial << 96 | u128::from(shard) << 64 | u128::from(ordinal),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{mix, Remainder, SizeDraw, SizeSpec};

    /// The multiplication gives the division's remainders: every size a seed draws stays
    /// the same (the goldens depend on them).
    #[test]
    fn remainders_match_the_division() {
        let divisors = [
            1,
            2,
            3,
            7,
            100,
            201,
            801,
            1 << 20,
            (1 << 20) + 1,
            u64::from(u32::MAX) + 2,
        ];
        let numbers = (0..20_000)
            .map(mix)
            .chain([0, 1, u64::MAX, u64::MAX - 1, 1 << 63]);
        for n in numbers {
            for d in divisors {
                assert_eq!(Remainder::new(d).of(n), n % d, "{n} % {d}");
            }
        }
        for spec in [
            SizeSpec::Fixed(500),
            SizeSpec::Range(200, 1_000),
            SizeSpec::Range(0, SizeSpec::MAX),
        ] {
            for n in (0..2_000).map(mix) {
                assert_eq!(SizeDraw::new(spec).draw(n), spec.draw(n));
            }
        }
    }
}
