//! Shareable links: the URL fragment carries the scenario, the seed and a time.
//!
//! `#lesson=hot-key&seed=7&t=120000` opens a built-in lesson; `#script=...` carries a script,
//! deflated and base64url-encoded; `#seed=7` alone is the default scenario. Opening a link
//! replays the scenario from the seed up to `t` (simulated milliseconds since the start), so
//! everyone who opens it sees the same run. What the learner did by hand (a split, a producer
//! change, Next at a lesson step, an answer) travels too, as `actions=...` (deflated JSON of
//! `[ms, "command line"]`, `[ms]` for Next, `[ms, n]` for answer n and `[ms, {"api": ...,
//! "body": {...}}]` for a call a program made to `shardlab endpoint`), and is done again at
//! the same simulated moments. Everything in a link is untrusted: sizes are
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
    /// What the learner did, in order, to be done again at the same moments.
    pub actions: Vec<TimedAction>,
    /// A lesson step to open at (`step=3`), instead of a moment.
    pub step: Option<usize>,
}

/// Something a learner did that changes the run. (Play, pause and speed change only the pace,
/// so they are not kept.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A command line run from the page (a click or the console).
    Command(String),
    /// Next, at a lesson step.
    Next,
    /// An answer to a question (1-based).
    Answer(usize),
    /// A call of the Kinesis API from outside the page: a real program's request to
    /// `shardlab endpoint`, its action and JSON body (see `session/api.rs`).
    Api {
        action: String,
        body: serde_json::Value,
    },
}

/// An action and the simulated moment it happened (milliseconds since the start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedAction {
    pub at_ms: u64,
    pub action: Action,
}

impl TimedAction {
    /// The action as a link (and a mirrored endpoint's journal) carries it: `[ms, "line"]`
    /// for a command, `[ms]` for Next, `[ms, n]` for answer n, `[ms, {"api": action, "body":
    /// {...}}]` for a program's call.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.action {
            Action::Command(line) => serde_json::json!([self.at_ms, line]),
            Action::Next => serde_json::json!([self.at_ms]),
            Action::Answer(chosen) => serde_json::json!([self.at_ms, chosen]),
            Action::Api { action, body } => {
                serde_json::json!([self.at_ms, {"api": action, "body": body}])
            }
        }
    }

    /// Reads what [`TimedAction::to_json`] writes; `None` for anything else.
    pub fn from_json(item: &serde_json::Value) -> Option<TimedAction> {
        let at_ms = item.get(0)?.as_u64()?;
        let action = match item.get(1) {
            None => Action::Next,
            Some(serde_json::Value::String(line)) => Action::Command(line.clone()),
            Some(serde_json::Value::Number(n)) => {
                Action::Answer(n.as_u64().and_then(|n| usize::try_from(n).ok())?)
            }
            Some(serde_json::Value::Object(call)) => match (call.get("api"), call.get("body")) {
                (
                    Some(serde_json::Value::String(action)),
                    Some(body @ serde_json::Value::Object(_)),
                ) => Action::Api {
                    action: action.clone(),
                    body: body.clone(),
                },
                _ => return None,
            },
            Some(_) => return None,
        };
        Some(TimedAction { at_ms, action })
    }
}

/// The most actions a link may carry.
pub const MAX_ACTIONS: usize = 5_000;

impl Link {
    /// A link to a scenario from its start.
    pub fn start(scenario: Scenario, seed: u64) -> Link {
        Link {
            scenario,
            seed,
            time_ms: 0,
            play: false,
            actions: Vec::new(),
            step: None,
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
            Scenario::Script(text) => parts.push(format!("script={}", pack(text.as_bytes()))),
        }
        parts.push(format!("seed={}", self.seed));
        if self.time_ms > 0 {
            parts.push(format!("t={}", self.time_ms));
        }
        if let Some(step) = self.step {
            parts.push(format!("step={step}"));
        }
        if self.play {
            parts.push("play=1".to_string());
        }
        if !self.actions.is_empty() {
            let json: Vec<serde_json::Value> =
                self.actions.iter().map(TimedAction::to_json).collect();
            parts.push(format!(
                "actions={}",
                pack(serde_json::Value::Array(json).to_string().as_bytes())
            ));
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
                "script" => link.scenario = Scenario::Script(unpack(value, "script")?),
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
                "step" => {
                    let step: usize = value.parse().map_err(|_| {
                        format!(
                            "the step in this link, '{}', is not a step number",
                            shorten(value)
                        )
                    })?;
                    if step == 0 {
                        return Err("steps count from 1".to_string());
                    }
                    link.step = Some(step);
                }
                "actions" => link.actions = actions(&unpack(value, "actions")?)?,
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

fn pack(bytes: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(bytes, 9);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
}

fn unpack(value: &str, what: &str) -> Result<String, String> {
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value.trim_end_matches('='))
        .map_err(|_| format!("the {what} in this link is damaged (not base64url)"))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_SCRIPT_BYTES)
        .map_err(|_| {
            format!("the {what} in this link is damaged or larger than {MAX_SCRIPT_BYTES} bytes")
        })?;
    String::from_utf8(bytes).map_err(|_| format!("the {what} in this link is not text"))
}

/// Reads the actions: a JSON array of `[ms, "line"]`, `[ms]`, `[ms, n]` and
/// `[ms, {"api": action, "body": {...}}]`, in time order.
fn actions(text: &str) -> Result<Vec<TimedAction>, String> {
    let damaged = || "the actions in this link are damaged".to_string();
    let list: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|_| damaged())?;
    if list.len() > MAX_ACTIONS {
        return Err(format!(
            "this link carries {} actions; a link may carry at most {MAX_ACTIONS}",
            list.len()
        ));
    }
    let mut out: Vec<TimedAction> = Vec::with_capacity(list.len());
    for item in list {
        let action = TimedAction::from_json(&item).ok_or_else(damaged)?;
        if action.at_ms > MAX_TIME_MS || out.last().is_some_and(|last| last.at_ms > action.at_ms) {
            return Err(damaged());
        }
        out.push(action);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_from_a_program_travels_in_a_link_and_a_damaged_one_is_refused() {
        let mut link = Link::start(Scenario::Default, 2);
        link.actions.push(TimedAction {
            at_ms: 40,
            action: Action::Api {
                action: "PutRecord".into(),
                body: serde_json::json!({"StreamName": "s", "PartitionKey": "k", "Data": ""}),
            },
        });
        assert_eq!(Link::decode(&link.encode()).unwrap(), link);
        for damaged in [
            r#"[[5, {"api": 3, "body": {}}]]"#,
            r#"[[5, {"api": "PutRecord", "body": []}]]"#,
            r#"[[5, {"body": {}}]]"#,
        ] {
            let fragment = format!("seed=1&actions={}", pack(damaged.as_bytes()));
            assert!(
                Link::decode(&fragment).unwrap_err().contains("damaged"),
                "{damaged}"
            );
        }
    }

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
                actions: vec![
                    TimedAction {
                        at_ms: 10_000,
                        action: Action::Command("producer set viral --rate 'it''s'".into()),
                    },
                    TimedAction {
                        at_ms: 12_000,
                        action: Action::Next,
                    },
                    TimedAction {
                        at_ms: 12_000,
                        action: Action::Answer(2),
                    },
                ],
                step: Some(3),
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
        let out_of_order = format!("actions={}", pack(b"[[5, \"a\"], [4]]"));
        assert!(Link::decode(&out_of_order).unwrap_err().contains("damaged"));
        let not_json = format!("actions={}", pack(b"[[5, \"a\""));
        assert!(Link::decode(&not_json).unwrap_err().contains("damaged"));
    }
}
