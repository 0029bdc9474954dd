//! What the endpoint prints about the calls it answers: one line a wall second at most, the
//! calls of each action and the errors they got, so a learner watching the terminal sees their
//! producer being throttled without a line per request scrolling past.
//!
//! ```text
//! [t=12.0s] 152 calls: PutRecord 120 (31 ProvisionedThroughputExceededException), GetRecords 32
//! ```

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::wire::WireResponse;

/// The shortest wall time between two lines.
const EVERY: Duration = Duration::from_secs(1);

/// Calls counted since the last line.
#[derive(Debug)]
pub struct Tally {
    /// Per action: calls, and errors by name.
    calls: BTreeMap<String, (u64, BTreeMap<String, u64>)>,
    last_line: Instant,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            calls: BTreeMap::new(),
            last_line: Instant::now(),
        }
    }
}

impl Tally {
    /// Counts one answered request.
    pub fn count(&mut self, target: Option<&str>, response: &WireResponse) {
        let action = target
            .and_then(|t| t.split_once('.'))
            .map_or("(no operation)", |(_, action)| action);
        let entry = self.calls.entry(action.to_string()).or_default();
        entry.0 += 1;
        if response.status != 200 {
            *entry.1.entry(error_name(response)).or_default() += 1;
        }
    }

    /// The line to print, when a second has gone by since the last and calls were made.
    pub fn line_due(&mut self, elapsed_ms: u64) -> Option<String> {
        if self.calls.is_empty() || self.last_line.elapsed() < EVERY {
            return None;
        }
        self.last_line = Instant::now();
        let total: u64 = self.calls.values().map(|(n, _)| n).sum();
        let parts: Vec<String> = std::mem::take(&mut self.calls)
            .into_iter()
            .map(|(action, (n, errors))| {
                let errors: Vec<String> = errors
                    .into_iter()
                    .map(|(name, count)| format!("{count} {name}"))
                    .collect();
                match errors.is_empty() {
                    true => format!("{action} {n}"),
                    false => format!("{action} {n} ({})", errors.join(", ")),
                }
            })
            .collect();
        Some(format!(
            "[t={:.1}s] {total} call{}: {}\n",
            elapsed_ms as f64 / 1_000.0,
            if total == 1 { "" } else { "s" },
            parts.join(", ")
        ))
    }
}

/// An error answer's exception name: the JSON body's `__type`, or the status.
fn error_name(response: &WireResponse) -> String {
    serde_json::from_slice::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|body| body.get("__type")?.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("HTTP {}", response.status))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> WireResponse {
        WireResponse {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_line_counts_calls_and_names_their_errors() {
        let mut tally = Tally::default();
        let target = Some("Kinesis_20131202.PutRecord");
        tally.count(target, &answer(200, "{}"));
        tally.count(
            target,
            &answer(
                400,
                r#"{"__type":"ProvisionedThroughputExceededException"}"#,
            ),
        );
        tally.count(None, &answer(403, "<AccessDeniedException/>"));
        assert_eq!(tally.line_due(500), None, "not a second yet");
        tally.last_line -= EVERY;
        assert_eq!(
            tally.line_due(12_000).unwrap(),
            "[t=12.0s] 3 calls: (no operation) 1 (1 HTTP 403), \
             PutRecord 2 (1 ProvisionedThroughputExceededException)\n"
        );
        tally.last_line -= EVERY;
        assert_eq!(tally.line_due(13_000), None, "nothing new to say");
    }
}
