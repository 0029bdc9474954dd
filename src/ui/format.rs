//! Numbers as the page prints them: thousands separators, bytes in KiB and MiB, durations.

/// `1234567` as `1,234,567` (the same words as the event history; see
/// [`crate::session::text`]).
pub use crate::session::text::int;

/// Bytes with binary units, as AWS states the limits (1 MiB/s, 2 MiB/s).
pub fn bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = n as f64;
    if b >= KIB * KIB {
        format!("{:.2} MiB", b / KIB / KIB)
    } else if b >= KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{n} B")
    }
}

/// Elapsed simulated time as `H:MM:SS.t`.
pub fn clock(elapsed_ms: u64) -> String {
    let tenths = elapsed_ms / 100 % 10;
    let s = elapsed_ms / 1000;
    format!("{}:{:02}:{:02}.{tenths}", s / 3600, s / 60 % 60, s % 60)
}

/// A speed reached (measured, so never round): `0.31x`, `0.07x`, `3.4x`, `12x`.
pub fn reached_speed(speed: f64) -> String {
    if speed >= 10.0 {
        format!("{speed:.0}x")
    } else if speed >= 1.0 {
        format!("{speed:.1}x")
    } else if speed >= 0.01 {
        format!("{speed:.2}x")
    } else {
        "under 0.01x".to_string()
    }
}

/// A speed multiplier: `0.25x`, `1x`, `64x`.
pub fn speed(speed: f64) -> String {
    if speed.fract() == 0.0 {
        format!("{speed:.0}x")
    } else {
        format!("{speed}x")
    }
}

/// A 128-bit hash key in scientific notation, for narrow places (`8.51e37`).
pub fn short_hash(key: u128) -> String {
    if key < 100_000 {
        key.to_string()
    } else {
        format!("{:.2e}", key as f64)
    }
}

/// A shard id without its zero padding, for tight spaces: `shardId-000000000004` -> `#4`.
pub fn short_shard(id: &str) -> String {
    match id
        .strip_prefix("shardId-")
        .and_then(|n| n.parse::<u64>().ok())
    {
        Some(n) => format!("#{n}"),
        None => id.to_string(),
    }
}
