//! Deterministic seeds: every random choice in Shardlab starts from the world's seed, mixed
//! with a name or a position, so the same seed gives the same run on every platform.

/// SplitMix64's finaliser: a well-mixed 64-bit hash of a 64-bit value.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A seed for the thing called `name`, derived from `seed`.
pub fn seed_for(seed: u64, name: &str) -> u64 {
    name.bytes().fold(mix(seed), |h, b| mix(h ^ u64::from(b)))
}
