//! Partition keys for simulated producers, and how they fall onto shards.
//!
//! A producer's keys come from a distribution over a finite key set: uniform over N keys,
//! Zipf(s) over N keys, one hot key taking a fraction of the traffic, or "random". Every key's
//! MD5 hash key is computed once, and the keys are kept sorted by hash key, so the keys a
//! shard owns are one contiguous slice: the share of traffic a shard gets is a prefix-sum
//! difference, and a key *given the shard* is a draw from that slice.
//!
//! Drawing "the key of this shard's n-th record from this producer" from a hash of
//! (producer seed, shard, n) instead of from a stateful generator is what lets the engine
//! store records as runs and rebuild any one of them later, in any order.
//!
//! The alias tables (Vose's method) are written here rather than taken from `rand_distr`
//! because a draw must come from one 64-bit hash, identically on every platform and every
//! version, with no generator state to carry.

use std::fmt;

use crate::engine::{hash_key_of, HashKeyRange};

/// The most keys a producer may draw from (memory: about 36 bytes per key).
pub const MAX_KEYS: u32 = 200_000;
/// How many keys the "random" distribution draws from.
pub const RANDOM_KEYS: u32 = 65_536;

pub use crate::seeds::mix;

/// The hash of record `ordinal` of `shard` under `seed`: where all its random choices start.
pub fn record_hash(seed: u64, shard: u32, ordinal: u64) -> u64 {
    mix(seed ^ mix(u64::from(shard).wrapping_mul(0x2545_f491_4f6c_dd1d) ^ mix(ordinal)))
}

/// The number [`KeyDistribution::key_identity`] gives the key named `name`: `N` for the
/// names `user-N` the distributions make (N below 2^32, written without leading zeros), and
/// otherwise a 63-bit FNV-1a hash of the name with the top bit set, so the two never meet.
fn name_identity(name: &[u8]) -> u64 {
    if let Some(digits) = name.strip_prefix(b"user-") {
        let canonical = !digits.is_empty()
            && digits.len() <= 10
            && digits.iter().all(u8::is_ascii_digit)
            && (digits == b"0" || digits[0] != b'0');
        if canonical {
            let n = digits
                .iter()
                .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
            if n <= u64::from(u32::MAX) {
                return n;
            }
        }
    }
    let hash = name.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (1 << 63) | hash
}

/// How a producer picks partition keys.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyDistribution {
    /// Uniform over `user-0` .. `user-{N-1}`.
    Uniform(u32),
    /// A fresh-looking random key per record (drawn from 65,536 random keys).
    Random,
    /// Zipf with exponent `s` over `user-0` .. `user-{N-1}`: `user-0` is the most popular.
    Zipf { s: f64, n: u32 },
    /// `key` gets `fraction` of the records; the rest are uniform over `n` other keys.
    Hot { key: String, fraction: f64, n: u32 },
}

impl KeyDistribution {
    /// The key set size.
    pub fn key_count(&self) -> u32 {
        match self {
            KeyDistribution::Uniform(n) | KeyDistribution::Zipf { n, .. } => *n,
            KeyDistribution::Random => RANDOM_KEYS,
            KeyDistribution::Hot { n, .. } => n + 1,
        }
    }

    /// The name of key `index` (no storage: names are made from the index).
    pub fn key_name(&self, index: u32) -> String {
        match self {
            KeyDistribution::Random => format!("{:016x}", mix(u64::from(index) ^ 0x5eed)),
            KeyDistribution::Hot { key, .. } if index == 0 => key.clone(),
            KeyDistribution::Hot { .. } => format!("user-{}", index - 1),
            _ => format!("user-{index}"),
        }
    }

    /// A number that stands for key `index`'s name: equal names give equal numbers in every
    /// distribution (`user-7` of a uniform, a Zipf or a hot distribution alike, and a hot key
    /// named `user-7`), so a producer that changes its keys still has one order per key.
    /// Computed without building the name: this runs for every record a reader gets.
    pub fn key_identity(&self, index: u32) -> u64 {
        match self {
            KeyDistribution::Random => {
                let value = mix(u64::from(index) ^ 0x5eed);
                let mut hex = [0u8; 16];
                for (i, digit) in hex.iter_mut().enumerate() {
                    let nibble = ((value >> (60 - 4 * i)) & 0xf) as u8;
                    *digit = if nibble < 10 {
                        b'0' + nibble
                    } else {
                        b'a' + nibble - 10
                    };
                }
                name_identity(&hex)
            }
            KeyDistribution::Hot { key, .. } if index == 0 => name_identity(key.as_bytes()),
            KeyDistribution::Hot { .. } => u64::from(index - 1),
            _ => u64::from(index),
        }
    }

    /// The byte length of key `index`'s name.
    fn key_len(&self, index: u32) -> u64 {
        let digits = |n: u32| u64::from(n.checked_ilog10().unwrap_or(0) + 1);
        match self {
            KeyDistribution::Random => 16,
            KeyDistribution::Hot { key, .. } if index == 0 => key.len() as u64,
            KeyDistribution::Hot { .. } => 5 + digits(index - 1),
            _ => 5 + digits(index),
        }
    }

    /// The weight of key `index` (relative; need not sum to one).
    fn weight(&self, index: u32) -> f64 {
        match self {
            KeyDistribution::Uniform(_) | KeyDistribution::Random => 1.0,
            // libm's pow, not the platform's: the same bits natively and in wasm, so a seed
            // gives the same run everywhere.
            KeyDistribution::Zipf { s, .. } => 1.0 / libm::pow(f64::from(index + 1), *s),
            KeyDistribution::Hot { fraction, n, .. } => {
                if index == 0 {
                    *fraction
                } else {
                    (1.0 - fraction) / f64::from((*n).max(1))
                }
            }
        }
    }

    /// The `k` most frequent keys and their share of the traffic, most frequent first. For
    /// `Random` no key stands out: each of its keys has a share of 1/65,536.
    pub fn top_keys(&self, k: usize) -> Vec<(String, f64)> {
        let n = self.key_count();
        let total: f64 = match self {
            KeyDistribution::Uniform(_) | KeyDistribution::Random => f64::from(n),
            KeyDistribution::Hot { .. } => 1.0,
            KeyDistribution::Zipf { .. } => (0..n).map(|i| self.weight(i)).sum(),
        };
        // Weights fall with the index for every distribution here, so the first keys are
        // the most frequent (for Hot, the hot key is index 0 when its fraction dominates).
        let mut top: Vec<(String, f64)> = (0..n.min(k as u32 + 1))
            .map(|i| (self.key_name(i), self.weight(i) / total))
            .collect();
        crate::sort::sort_by(&mut top, |a, b| {
            b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });
        top.truncate(k);
        top
    }

    /// Checks the parameters a person typed.
    pub fn validate(&self) -> Result<(), String> {
        let count_ok = |n: u32| (1..=MAX_KEYS).contains(&n);
        match self {
            KeyDistribution::Uniform(n) if !count_ok(*n) => Err(format!(
                "uniform needs between 1 and {MAX_KEYS} keys, not {n}"
            )),
            KeyDistribution::Zipf { n, .. } if !count_ok(*n) => {
                Err(format!("zipf needs between 1 and {MAX_KEYS} keys, not {n}"))
            }
            KeyDistribution::Zipf { s, .. } if !(s.is_finite() && *s >= 0.0 && *s <= 10.0) => Err(
                format!("the Zipf exponent must be between 0 and 10, not {s}"),
            ),
            KeyDistribution::Hot { fraction, .. } if !(0.0..=1.0).contains(fraction) => Err(
                format!("the hot key's fraction must be between 0 and 1, not {fraction}"),
            ),
            KeyDistribution::Hot { n, .. } if *n >= MAX_KEYS => Err(format!(
                "a hot key may have at most {} other keys",
                MAX_KEYS - 1
            )),
            KeyDistribution::Hot { key, .. } if key.is_empty() || key.chars().count() > 256 => {
                Err("the hot key must be 1 to 256 characters".to_string())
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for KeyDistribution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyDistribution::Uniform(n) => write!(f, "uniform:{n}"),
            KeyDistribution::Random => write!(f, "random"),
            KeyDistribution::Zipf { s, n } => write!(f, "zipf:{s}:{n}"),
            KeyDistribution::Hot { key, fraction, n } => write!(f, "hot:{key}:{fraction}:{n}"),
        }
    }
}

/// An alias table: draws an index with probability proportional to its weight, from one
/// 64-bit hash.
#[derive(Clone, Debug)]
pub struct Alias {
    /// Per column: the probability (scaled to u32) of keeping the column, and its alias.
    columns: Vec<(u32, u32)>,
}

impl Alias {
    /// Builds the table; `None` if there are no weights or they sum to zero.
    pub fn new(weights: &[f64]) -> Option<Alias> {
        let n = weights.len();
        let total: f64 = weights.iter().sum();
        if n == 0 || total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        let mut columns = vec![(u32::MAX, 0u32); n];
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            columns[s] = ((scaled[s] * f64::from(u32::MAX)) as u32, l as u32);
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        for i in large.into_iter().chain(small) {
            columns[i] = (u32::MAX, i as u32);
        }
        Some(Alias { columns })
    }

    /// The index `hash` picks.
    pub fn draw(&self, hash: u64) -> usize {
        let column = ((hash >> 32) * self.columns.len() as u64) >> 32;
        let (keep, alias) = self.columns[column as usize];
        if (hash as u32) <= keep {
            column as usize
        } else {
            alias as usize
        }
    }
}

/// Keys sorted by hash key, so that a shard's keys are one slice.
pub struct KeyTable {
    pub distribution: KeyDistribution,
    /// The key indices in the order of their hash keys. Apart from the hash keys because a
    /// draw reads only this: 4 bytes a key rather than 20, so a shard's keys stay in the
    /// cache (the draw is the hot path of generated records, twice a record).
    indices: Vec<u32>,
    /// Each key index's hash key, by key index: a retried record is routed by its hash key,
    /// and one load here (a cache miss at most, in a busy stream's few hundred thousand
    /// retries a second) is far cheaper than making the name and hashing it again.
    hash_by_index: Vec<u128>,
    /// Prefix sums of weights in `indices` order; `prefix[i]` is the weight before entry `i`.
    prefix: Vec<f64>,
    /// Every key, for draws not restricted to a shard (an ExplicitHashKey producer).
    everywhere: Alias,
}

impl fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "KeyTable({}, {} keys)",
            self.distribution,
            self.indices.len()
        )
    }
}

impl KeyTable {
    /// Hashes every key once (MD5 each). `None` if the distribution is invalid.
    pub fn new(distribution: KeyDistribution) -> Option<KeyTable> {
        distribution.validate().ok()?;
        let n = distribution.key_count();
        let mut sorted: Vec<(u128, u32)> = (0..n)
            .map(|i| (hash_key_of(&distribution.key_name(i)), i))
            .collect();
        sorted.sort_unstable();
        let mut hash_by_index = vec![0u128; sorted.len()];
        for &(hash, index) in &sorted {
            hash_by_index[index as usize] = hash;
        }
        let indices: Vec<u32> = sorted.into_iter().map(|(_, index)| index).collect();
        let mut prefix = Vec::with_capacity(indices.len() + 1);
        let mut running = 0.0;
        prefix.push(0.0);
        for &index in &indices {
            running += distribution.weight(index);
            prefix.push(running);
        }
        let weights: Vec<f64> = (0..n).map(|i| distribution.weight(i)).collect();
        let everywhere = Alias::new(&weights)?;
        Some(KeyTable {
            distribution,
            indices,
            hash_by_index,
            prefix,
            everywhere,
        })
    }

    fn total_weight(&self) -> f64 {
        self.prefix.last().copied().unwrap_or(0.0)
    }

    /// The slice of `indices` whose keys hash into `range`.
    fn slice_of(&self, range: &HashKeyRange) -> (usize, usize) {
        let hash = |i: &u32| self.hash_by_index[*i as usize];
        let start = self
            .indices
            .partition_point(|i| hash(i) < range.starting_hash_key);
        let end = self
            .indices
            .partition_point(|i| hash(i) <= range.ending_hash_key);
        (start, end.max(start))
    }

    /// The share of the traffic whose keys hash into `range`.
    pub fn share_of(&self, range: &HashKeyRange) -> f64 {
        let (start, end) = self.slice_of(range);
        let total = self.total_weight();
        if total > 0.0 {
            (self.prefix[end] - self.prefix[start]) / total
        } else {
            0.0
        }
    }

    /// A sampler of the keys that hash into `range` (`None` if no key does).
    pub fn sampler_for(&self, range: &HashKeyRange) -> Option<ShardKeys> {
        let (start, end) = self.slice_of(range);
        if start == end {
            return None;
        }
        let uniform = matches!(
            self.distribution,
            KeyDistribution::Uniform(_) | KeyDistribution::Random
        );
        let alias = if uniform {
            None
        } else {
            let weights: Vec<f64> = self.indices[start..end]
                .iter()
                .map(|&i| self.distribution.weight(i))
                .collect();
            Some(Alias::new(&weights)?)
        };
        Some(ShardKeys { start, end, alias })
    }

    /// The key index `hash` picks among the keys of `shard_keys`, or among all keys.
    pub fn draw(&self, shard_keys: Option<&ShardKeys>, hash: u64) -> u32 {
        match shard_keys {
            Some(keys) => {
                let offset = match &keys.alias {
                    Some(alias) => alias.draw(hash),
                    None => (((hash >> 32) * (keys.end - keys.start) as u64) >> 32) as usize,
                };
                self.indices[(keys.start + offset).min(keys.end - 1)]
            }
            None => self.everywhere.draw(hash) as u32,
        }
    }

    /// The hash key of key `index` (the MD5 of its name, computed when the table was made).
    pub fn hash_of(&self, index: u32) -> u128 {
        match self.hash_by_index.get(index as usize) {
            Some(&hash) => hash,
            None => hash_key_of(&self.distribution.key_name(index)),
        }
    }

    pub fn key_len(&self, index: u32) -> u64 {
        self.distribution.key_len(index)
    }
}

/// The keys of one shard: a slice of the table, and their alias table when not uniform.
#[derive(Clone, Debug)]
pub struct ShardKeys {
    start: usize,
    end: usize,
    alias: Option<Alias>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alias_table_draws_in_proportion() {
        let alias = Alias::new(&[1.0, 3.0, 0.0, 4.0]).unwrap();
        let mut counts = [0u32; 4];
        for i in 0..80_000u64 {
            counts[alias.draw(mix(i))] += 1;
        }
        assert_eq!(counts[2], 0);
        for (i, expected) in [(0, 10_000.0), (1, 30_000.0), (3, 40_000.0)] {
            let got = f64::from(counts[i]);
            assert!((got - expected).abs() < expected * 0.05, "{i}: {got}");
        }
    }

    #[test]
    fn shares_of_the_four_even_shards_add_up() {
        let table = KeyTable::new(KeyDistribution::Uniform(10_000)).unwrap();
        let shares: Vec<f64> = HashKeyRange::even_split(4)
            .iter()
            .map(|r| table.share_of(r))
            .collect();
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        for share in shares {
            assert!((share - 0.25).abs() < 0.02, "{share}");
        }
    }

    #[test]
    fn a_hot_key_puts_its_fraction_on_its_own_shard() {
        let table = KeyTable::new(KeyDistribution::Hot {
            key: "user-42".into(),
            fraction: 0.5,
            n: 1000,
        })
        .unwrap();
        // user-42 hashes into shard 1 of 4 (reference section 3).
        let ranges = HashKeyRange::even_split(4);
        assert!(table.share_of(&ranges[1]) > 0.6);
        assert!(table.share_of(&ranges[0]) < 0.2);
    }

    #[test]
    fn a_keys_identity_follows_its_name_in_every_distribution() {
        let hot = |key: &str| KeyDistribution::Hot {
            key: key.into(),
            fraction: 0.5,
            n: 100,
        };
        let distributions = [
            KeyDistribution::Uniform(100),
            KeyDistribution::Zipf { s: 1.0, n: 100 },
            KeyDistribution::Random,
            hot("user-42"),
            hot("user-042"),
            hot("héllo"),
        ];
        for distribution in &distributions {
            for index in [0, 1, 42, 99] {
                let name = distribution.key_name(index);
                assert_eq!(
                    distribution.key_identity(index),
                    name_identity(name.as_bytes()),
                    "{distribution} {name}"
                );
            }
        }
        // The same name, the same number, whichever distribution made it.
        assert_eq!(hot("user-42").key_identity(0), 42);
        assert_eq!(KeyDistribution::Uniform(100).key_identity(42), 42);
        // Names that only look alike differ.
        assert_ne!(hot("user-042").key_identity(0), 42);
        assert_ne!(name_identity(b"user-"), name_identity(b"user-0"));
        assert_ne!(
            name_identity(b"user-4294967296"),
            4_294_967_296 & u64::from(u32::MAX)
        );
    }

    #[test]
    fn a_shard_draw_only_gives_keys_of_that_shard() {
        let table = KeyTable::new(KeyDistribution::Zipf { s: 1.1, n: 500 }).unwrap();
        for range in HashKeyRange::even_split(3) {
            let keys = table.sampler_for(&range).unwrap();
            for i in 0..200 {
                let index = table.draw(Some(&keys), mix(i));
                assert!(range.contains(table.hash_of(index)));
                let name = table.distribution.key_name(index);
                assert_eq!(table.hash_of(index), hash_key_of(&name), "{name}");
            }
        }
    }
}
