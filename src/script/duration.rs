//! Durations as scripts write them (`1500ms`, `30s`, `2m`, `1.5h`), and as people read them
//! (`12.5 s`, `3 min 20 s`).

/// The longest duration a script may name: 400 days.
pub const MAX_MS: u64 = 400 * 24 * 3_600_000;

/// Parses a duration with its unit into milliseconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("'{text}' needs a unit: ms, s, m or h (as in 30s)"))?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration (try 500ms, 30s, 2m or 1h)"))?;
    let scale = match unit {
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" | "min" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => return Err(format!("'{unit}' is not a unit of time; use ms, s, m or h")),
    };
    let ms = (value * scale).round();
    if !ms.is_finite() || ms < 0.0 || ms > MAX_MS as f64 {
        return Err(format!(
            "'{text}' is longer than the 400 days a script may wait"
        ));
    }
    Ok(ms as u64)
}

/// A duration as a script writes it, in the largest unit it is a whole number of: `10m`,
/// `24h`, `500ms` (what [`parse_duration`] reads back).
pub fn written(ms: u64) -> String {
    for (unit, scale) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000)] {
        if ms >= scale && ms.is_multiple_of(scale) {
            return format!("{}{unit}", ms / scale);
        }
    }
    format!("{ms}ms")
}

/// A duration as a person reads it: 1500 ms, 12.5 s, 3 min 20 s.
pub fn human(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        let s = ms as f64 / 1000.0;
        if ms.is_multiple_of(1000) {
            format!("{} s", ms / 1000)
        } else {
            format!("{s:.1} s")
        }
    } else if ms < 3_600_000 {
        let (m, s) = (ms / 60_000, (ms % 60_000) / 1000);
        if s == 0 {
            format!("{m} min")
        } else {
            format!("{m} min {s} s")
        }
    } else {
        let (h, m) = (ms / 3_600_000, (ms % 3_600_000) / 60_000);
        if m == 0 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_duration("1500ms"), Ok(1500));
        assert_eq!(parse_duration("30s"), Ok(30_000));
        assert_eq!(parse_duration("2m"), Ok(120_000));
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000));
        assert!(parse_duration("30").unwrap_err().contains("needs a unit"));
        assert!(parse_duration("3 weeks").is_err());
        assert!(parse_duration("9999999h").is_err());
    }

    #[test]
    fn a_duration_is_written_as_a_script_writes_it_and_read_back() {
        assert_eq!(written(600_000), "10m");
        assert_eq!(written(86_400_000), "24h");
        assert_eq!(written(500), "500ms");
        assert_eq!(written(1_500), "1500ms");
        assert_eq!(written(0), "0ms");
        for ms in [0, 1, 100, 999, 1_000, 61_000, 3_600_000, 5_400_000, MAX_MS] {
            assert_eq!(parse_duration(&written(ms)), Ok(ms));
        }
    }
}
