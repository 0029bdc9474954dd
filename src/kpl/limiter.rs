//! The KPL's rate limiter: per shard, two token buckets (records and bytes) that refill at
//! `RateLimit`% of the shard's write limits, 1,000 records/s and 1 MiB/s.
//!
//! The KPL's `ShardLimiter` (`limiter.h`) puts every Kinesis record (an aggregate counts as
//! one record of its full size) through the buckets of the shard its shard map predicts, keeps
//! the records that find no tokens in a queue, and drains the queues every 25 ms. With the
//! default 150 %, a producer alone can still fill its shard (and be throttled for the last
//! third) but retries cannot snowball. Time is virtual: the buckets refill by the elapsed
//! simulated time, in fixed point, so every run is the same.

use std::collections::BTreeMap;

/// The limiter's drain period (`kDrainDelayMillis`).
pub const DRAIN_DELAY_MS: u64 = 25;
/// A shard's write limits the rate limit is a percentage of.
pub const RECORDS_PER_SEC_LIMIT: u64 = 1_000;
pub const BYTES_PER_SEC_LIMIT: u64 = 1024 * 1024;
/// What the byte bucket holds: 10 MiB (`kBytesPerRecordLimit`, so that one record of the
/// 10 MiB the service accepts can pass), refilling at `RateLimit`% of 1 MiB/s.
pub const BYTE_BUCKET_MAX: u64 = 10 * 1024 * 1024;

/// Tokens are kept in thousandths, so refills of a few milliseconds lose nothing.
const SCALE: u64 = 1_000;

/// One token stream: `max` tokens at most, `rate` tokens per second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stream {
    milli_tokens: u64,
    max: u64,
    rate_per_sec: u64,
}

impl Stream {
    fn new(max: u64, rate_per_sec: u64) -> Self {
        Stream {
            milli_tokens: max * SCALE,
            max,
            rate_per_sec,
        }
    }

    fn refill(&mut self, elapsed_ms: u64) {
        let gained = self.rate_per_sec.saturating_mul(elapsed_ms);
        self.milli_tokens = self
            .milli_tokens
            .saturating_add(gained)
            .min(self.max.saturating_mul(SCALE));
    }

    fn has(&self, tokens: u64) -> bool {
        self.milli_tokens >= tokens.saturating_mul(SCALE)
    }
}

/// One shard's buckets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardLimiter {
    records: Stream,
    bytes: Stream,
    refilled_ms: u64,
}

impl ShardLimiter {
    /// Buckets that start full: 1,000 records and 10 MiB (as the KPL's `ShardLimiter` has
    /// them since it accepts 10 MiB records), refilling at `rate_limit`% of the shard's
    /// limits.
    pub fn new(rate_limit: u32, now_ms: u64) -> Self {
        let percent = u64::from(rate_limit);
        ShardLimiter {
            records: Stream::new(RECORDS_PER_SEC_LIMIT, RECORDS_PER_SEC_LIMIT * percent / 100),
            bytes: Stream::new(BYTE_BUCKET_MAX, BYTES_PER_SEC_LIMIT * percent / 100),
            refilled_ms: now_ms,
        }
    }

    /// Takes one record of `bytes` if both buckets have the tokens (a record larger than the
    /// byte bucket passes once the bucket is full, as it could never pass otherwise).
    pub fn try_take(&mut self, now_ms: u64, bytes: u64) -> bool {
        let elapsed = now_ms.saturating_sub(self.refilled_ms);
        self.records.refill(elapsed);
        self.bytes.refill(elapsed);
        self.refilled_ms = self.refilled_ms.max(now_ms);
        let bytes = bytes.min(self.bytes.max);
        if self.records.has(1) && self.bytes.has(bytes) {
            self.records.milli_tokens -= SCALE;
            self.bytes.milli_tokens -= bytes * SCALE;
            true
        } else {
            false
        }
    }
}

/// The limiters of every shard a producer writes to, made on first use.
#[derive(Clone, Debug, Default)]
pub struct Limiter {
    shards: BTreeMap<u32, ShardLimiter>,
}

impl Limiter {
    pub fn try_take(&mut self, rate_limit: u32, shard: u32, now_ms: u64, bytes: u64) -> bool {
        self.shards
            .entry(shard)
            .or_insert_with(|| ShardLimiter::new(rate_limit, now_ms))
            .try_take(now_ms, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_passes_its_burst_then_one_and_a_half_times_its_limit() {
        let mut limiter = ShardLimiter::new(150, 0);
        let mut passed = 0;
        // Ten seconds of 5,000 tiny records a second, offered every 25 ms.
        for step in 1..=400u64 {
            for _ in 0..125 {
                passed += u64::from(limiter.try_take(step * 25, 10));
            }
        }
        // The full bucket (1,000) plus 1,500 a second for the 9.975 s after the first offer
        // (the bucket, full at 0 ms, cannot grow in the first 25 ms).
        assert_eq!(passed, 1_000 + 14_962);
    }

    #[test]
    fn the_byte_bucket_holds_back_large_records() {
        // A full bucket passes 10 MiB at once, then 1 MiB a second at 100 %.
        let mut limiter = ShardLimiter::new(100, 0);
        assert!(limiter.try_take(0, 10 * 1024 * 1024));
        assert!(!limiter.try_take(0, 1));
        assert!(!limiter.try_take(500, 1024 * 1024));
        assert!(limiter.try_take(1000, 1024 * 1024));
    }
}
