//! Token buckets: how a shard decides, call by call, whether it is over its limits.
//!
//! AWS documents its limits per second but not the algorithm; the reference (section 7)
//! suggests buckets refilled continuously, which also matches AWS's "a tank that refills at
//! a steady rate" for large records. Each bucket here holds at most one second of its rate,
//! so a quiet shard can absorb a one-second burst and a busy one is held to the rate.
//!
//! Levels are integers in thousandths of a unit and time is whole milliseconds, so one
//! millisecond refills exactly `rate` thousandths: no floating point, fully deterministic.
//!
//! The read-bytes bucket works differently, as AWS's GetRecords does: a call may take more
//! than is available (up to 10 MiB) and leaves the bucket in debt; calls are refused until the
//! debt is repaid (a 10 MiB read at 2 MiB/s blocks the shard's readers for 5 seconds).

/// A continuously refilled bucket of `rate_per_sec` units per second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenBucket {
    /// Current level in thousandths of a unit; negative when in debt.
    level_milli: i64,
    /// Maximum level in thousandths of a unit.
    capacity_milli: i64,
    rate_per_sec: u64,
    last_ms: u64,
}

impl TokenBucket {
    /// A full bucket holding one second of its rate.
    pub fn new(rate_per_sec: u64, now_ms: u64) -> Self {
        Self::with_capacity(rate_per_sec, rate_per_sec, now_ms)
    }

    /// A full bucket holding `capacity` units, refilled at `rate_per_sec`.
    pub fn with_capacity(rate_per_sec: u64, capacity: u64, now_ms: u64) -> Self {
        let capacity_milli = to_milli(capacity);
        TokenBucket {
            level_milli: capacity_milli,
            capacity_milli,
            rate_per_sec,
            last_ms: now_ms,
        }
    }

    /// A bucket that may go into debt: calls are refused while the level is negative
    /// (GetRecords bytes). It holds `capacity` units of credit at most.
    pub fn with_debt(rate_per_sec: u64, capacity: u64, now_ms: u64) -> Self {
        Self::with_capacity(rate_per_sec, capacity, now_ms)
    }

    pub fn rate_per_sec(&self) -> u64 {
        self.rate_per_sec
    }

    /// Changes the rate and capacity (a lesson lowering a limit); the level is kept, capped.
    pub fn set_rate(&mut self, rate_per_sec: u64, capacity: u64, now_ms: u64) {
        self.refill(now_ms);
        self.rate_per_sec = rate_per_sec;
        self.capacity_milli = to_milli(capacity);
        self.level_milli = self.level_milli.min(self.capacity_milli);
    }

    fn refill(&mut self, now_ms: u64) {
        if now_ms > self.last_ms {
            let gained = (now_ms - self.last_ms).saturating_mul(self.rate_per_sec);
            let gained = i64::try_from(gained).unwrap_or(i64::MAX);
            self.level_milli = self
                .level_milli
                .saturating_add(gained)
                .min(self.capacity_milli);
            self.last_ms = now_ms;
        }
    }

    /// Whether `units` are available now (without taking them).
    pub fn has(&mut self, now_ms: u64, units: u64) -> bool {
        self.refill(now_ms);
        self.level_milli >= to_milli(units)
    }

    /// Takes `units` if available; returns whether it did.
    pub fn try_take(&mut self, now_ms: u64, units: u64) -> bool {
        if self.has(now_ms, units) {
            self.level_milli -= to_milli(units);
            true
        } else {
            false
        }
    }

    /// Takes `units` that [`TokenBucket::has`] just confirmed are there.
    pub fn take(&mut self, units: u64) {
        self.level_milli = self.level_milli.saturating_sub(to_milli(units));
    }

    /// Takes `units` even if that puts the bucket in debt.
    pub fn take_into_debt(&mut self, now_ms: u64, units: u64) {
        self.refill(now_ms);
        self.level_milli = self.level_milli.saturating_sub(to_milli(units));
    }

    /// Whether the bucket is in debt now.
    pub fn in_debt(&mut self, now_ms: u64) -> bool {
        self.refill(now_ms);
        self.level_milli < 0
    }

    /// How many milliseconds from `now_ms` until the bucket is out of debt (0 if it is not in
    /// debt); a bucket that never refills answers `u64::MAX`.
    pub fn ms_until_out_of_debt(&mut self, now_ms: u64) -> u64 {
        self.refill(now_ms);
        if self.level_milli >= 0 {
            return 0;
        }
        if self.rate_per_sec == 0 {
            return u64::MAX;
        }
        self.level_milli.unsigned_abs().div_ceil(self.rate_per_sec)
    }

    /// The available units now, rounded down (negative in debt), for gauges.
    pub fn available(&mut self, now_ms: u64) -> i64 {
        self.refill(now_ms);
        self.level_milli.div_euclid(1000)
    }
}

fn to_milli(units: u64) -> i64 {
    i64::try_from(units.saturating_mul(1000)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_admits_one_second_then_the_rate() {
        let mut bucket = TokenBucket::new(1000, 0);
        let first_instant = (0..2000).filter(|_| bucket.try_take(0, 1)).count();
        assert_eq!(first_instant, 1000);
        // 10 ms later exactly 10 more fit.
        let later = (0..100).filter(|_| bucket.try_take(10, 1)).count();
        assert_eq!(later, 10);
    }

    #[test]
    fn debt_blocks_until_repaid() {
        let mb = 1024 * 1024;
        let mut bucket = TokenBucket::with_debt(2 * mb, 0, 0);
        assert!(!bucket.in_debt(0));
        bucket.take_into_debt(0, 10 * mb);
        assert!(bucket.in_debt(4_999));
        assert!(!bucket.in_debt(5_000));
    }
}
