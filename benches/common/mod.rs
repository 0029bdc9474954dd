//! What the benches share: reading this process's memory from /proc (Linux).

/// A memory field of /proc/self/status (`"VmRSS:"` now, `"VmHWM:"` the peak), in MiB; 0 where
/// /proc is not there.
pub fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
