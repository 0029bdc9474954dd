//! Shareable links: the URL fragment carries the scenario, the seed and a time.
//!
//! `#lesson=hot-key&seed=7&t=120000` opens a built-in lesson; `#script=...` carries a script,
//! deflated and base64url-encoded; `#seed=7` alone is the default scenario. Opening a link
//! replays the scenario from the seed up to `t` (simulated milliseconds since the start), so
//! everyone who opens it sees the same run. Everything in a link is untrusted: sizes are
//! capped, and a link that cannot be read is an error the page shows before opening the
//! default scenario.

use base64::Engine as _;

use crate::script::parse::MAX_SCRIPT_BYTES;

/// The longest fragment read (characters).
pub const MAX_FRAGMENT: usize = 200_000;
/// The furthest a link may ask to fast-forward: one simulated day.
pub const MAX_TIME_MS: u64 = 24 * 3_600_000;

/// What a session runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// The page's opening scene.
    Default,
    Lesson(String),
    Script(String),
}

/// Everything a link says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub scenario: Scenario,
    pub seed: u64,
    /// Simulated milliseconds since the start to replay up to.
    pub time_ms: u64,
    /// Whether to go on playing after arriving at `time_ms` (`play=1`); a shared moment
    /// holds still by default, so everyone looks at the same picture.
    pub play: bool,
}

impl Link {
    /// A link to a scenario from its start.
    pub fn start(scenario: Scenario, seed: u64) -> Link {
        Link {
            scenario,
            seed,
            time_ms: 0,
            play: false,
        }
    }
}

impl Link {
    /// The fragment, without the leading `#`.
    pub fn encode(&self) -> String {
        let mut parts = Vec::new();
        match &self.scenario {
            Scenario::Default => {}
            Scenario::Lesson(name) => parts.push(format!("lesson={name}")),
            Scenario::Script(text) => {
                let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
                parts.push(format!(
                    "script={}",
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
                ));
            }
        }
        parts.push(format!("seed={}", self.seed));
        if self.time_ms > 0 {
            parts.push(format!("t={}", self.time_ms));
        }
        if self.play {
            parts.push("play=1".to_string());
        }
        parts.join("&")
    }

    /// Reads a fragment (with or without the `#`). An empty fragment is the default scene.
    pub fn decode(fragment: &str) -> Result<Link, String> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if fragment.len() > MAX_FRAGMENT {
            return Err(format!(
                "this link is {} characters long; links may be at most {MAX_FRAGMENT}",
                fragment.len()
            ));
        }
        let mut link = Link::start(Scenario::Default, 1);
        for part in fragment.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            match key {
                "lesson" => {
                    if crate::script::lesson(value).is_none() {
                        return Err(format!(
                            "this link names a lesson, '{}', that does not exist",
                            shorten(value)
                        ));
                    }
                    link.scenario = Scenario::Lesson(value.to_string());
                }
                "script" => link.scenario = Scenario::Script(unpack(value)?),
                "seed" => {
                    link.seed = value.parse().map_err(|_| {
                        format!(
                            "the seed in this link, '{}', is not a whole number",
                            shorten(value)
                        )
                    })?;
                }
                "t" => {
                    let t: u64 = value.parse().map_err(|_| {
                        format!(
                            "the time in this link, '{}', is not a number of milliseconds",
                            shorten(value)
                        )
                    })?;
                    if t > MAX_TIME_MS {
                        return Err(format!("this link asks to replay {t} ms; a link may go at most one simulated day in"));
                    }
                    link.time_ms = t;
                }
                "play" => link.play = matches!(value, "1" | "true" | "yes"),
                _ => {}
            }
        }
        Ok(link)
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}...", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}

fn unpack(value: &str) -> Result<String, String> {
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value.trim_end_matches('='))
        .map_err(|_| "the script in this link is damaged (not base64url)".to_string())?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_SCRIPT_BYTES)
        .map_err(|_| {
            format!("the script in this link is damaged or larger than {MAX_SCRIPT_BYTES} bytes")
        })?;
    String::from_utf8(bytes).map_err(|_| "the script in this link is not text".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip() {
        for scenario in [
            Scenario::Default,
            Scenario::Lesson("hot-key".into()),
            Scenario::Script(
                "aws kinesis create-stream --stream-name Foo --shard-count 2\nwait 10s\n".into(),
            ),
        ] {
            let link = Link {
                scenario,
                seed: 42,
                time_ms: 90_000,
                play: true,
            };
            assert_eq!(Link::decode(&format!("#{}", link.encode())), Ok(link));
        }
        assert_eq!(Link::decode(""), Ok(Link::start(Scenario::Default, 1)));
    }

    #[test]
    fn broken_links_are_errors_not_panics() {
        assert!(Link::decode("#lesson=nope")
            .unwrap_err()
            .contains("does not exist"));
        assert!(Link::decode("#seed=abc")
            .unwrap_err()
            .contains("not a whole number"));
        assert!(Link::decode("#script=!!!").unwrap_err().contains("damaged"));
        assert!(Link::decode("#t=999999999999")
            .unwrap_err()
            .contains("one simulated day"));
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b'#'; 5 * MAX_SCRIPT_BYTES], 9);
        let fragment = format!(
            "script={}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bomb)
        );
        assert!(Link::decode(&fragment).unwrap_err().contains("larger than"));
        assert!(Link::decode(&"x".repeat(MAX_FRAGMENT + 1)).is_err());
    }
}
