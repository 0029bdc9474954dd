//! `shardlab call`: the Kinesis JSON API over standard input and output, one request per line.
//!
//! Why: to compare the engine with another implementation (kinesalite, and one day AWS) call
//! for call, a differential runner must reach [`Kinesis::call`] from outside Rust, cheaply and
//! in order. A line in, a line out is the least machinery that does it, and it is the first
//! step towards an HTTP endpoint (issue 21): the request is what an HTTP POST carries (the
//! action of `X-Amz-Target: Kinesis_20131202.<Action>` and the JSON body), the answer is the
//! status code and the body AWS would send, errors as `{"__type": ..., "message": ...}`.
//!
//! ```text
//! → {"action": "CreateStream", "body": {"StreamName": "Foo", "ShardCount": 1}}
//! ← {"status":200,"body":{}}
//! → {"wait_ms": 2000}
//! ← {"status":200,"now_ms":1767225602000}
//! → {"action": "DescribeStream", "body": {"StreamName": "Nope"}}
//! ← {"status":400,"body":{"__type":"ResourceNotFoundException","message":"Stream Nope under account 123456789012 not found."}}
//! ```
//!
//! Time is simulated: it starts at `--start-ms` (epoch milliseconds; by default the world's
//! start, 2026-01-01T00:00:00Z) and moves only when a line says `{"wait_ms": N}` (answered
//! with the new time) or a request carries `"wait_ms"` beside its action (the clock moves
//! first). So a run is deterministic: the same lines give the same answers.
//!
//! The engine is AWS's (`Config::default()`) but for what a comparison must line up with its
//! peer, named as kinesalite names them: how long a stream stays CREATING (`--create-ms`),
//! DELETING (`--delete-ms`) and UPDATING after SplitShard, MergeShards or UpdateShardCount
//! (`--update-ms`), and the account's shard quota (`--shard-limit`).
//!
//! A line that is not a JSON object with a string `action` (or a `wait_ms`) gets AWS's
//! answer to a body it cannot read, a SerializationException; the process goes on. It ends
//! at the end of its input.

use std::io::{BufRead, Write};

use serde_json::{json, Map, Value};
use shardlab::endpoint::wire::error_body;
use shardlab::engine::{ApiError, Config, ErrorKind, Kinesis};
use shardlab::sim::START_MS;

/// `shardlab call [--start-ms MS] [--create-ms MS] [--delete-ms MS] [--update-ms MS]
/// [--shard-limit N]`: reads requests from `input` until its end.
pub fn call(args: &[String], input: &mut dyn BufRead, out: &mut dyn Write) -> Result<(), String> {
    let mut now_ms = START_MS;
    let mut config = Config::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut number = |what: &str| -> Result<u64, String> {
            rest.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{arg} needs {what}"))
        };
        match arg.as_str() {
            "--start-ms" => now_ms = number("epoch milliseconds")?,
            "--create-ms" => config.create_duration_ms = number("milliseconds")?,
            "--delete-ms" => config.delete_duration_ms = number("milliseconds")?,
            "--update-ms" => {
                let ms = number("milliseconds")?;
                config.reshard_duration_ms = ms;
                config.update_shard_count_duration_ms = ms;
            }
            "--shard-limit" => {
                config.shard_limit = u32::try_from(number("a number of shards")?)
                    .map_err(|_| "--shard-limit is too large".to_string())?;
            }
            other => return Err(format!("unexpected argument '{other}'")),
        }
    }
    let mut kinesis = Kinesis::new(config);
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Ok(());
        }
        if line.trim().is_empty() {
            continue;
        }
        let answer = answer(&mut kinesis, &mut now_ms, line.trim_end());
        // Events feed the page's history; nobody reads them here.
        kinesis.drain_events();
        writeln!(out, "{answer}").map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
    }
}

/// The answer to one request line.
fn answer(kinesis: &mut Kinesis, now_ms: &mut u64, line: &str) -> Value {
    let request: Map<String, Value> = match serde_json::from_str(line) {
        Ok(Value::Object(request)) => request,
        Ok(_) => return unreadable("a request line must be a JSON object"),
        Err(e) => return unreadable(&e.to_string()),
    };
    if let Some(wait) = request.get("wait_ms") {
        let Some(ms) = wait.as_u64() else {
            return unreadable("wait_ms must be a whole number of milliseconds");
        };
        *now_ms = now_ms.saturating_add(ms);
    }
    let Some(action) = request.get("action") else {
        return match request.get("wait_ms") {
            Some(_) => json!({"status": 200, "now_ms": *now_ms}),
            None => unreadable("a request needs an action or a wait_ms"),
        };
    };
    let Some(action) = action.as_str() else {
        return unreadable("action must be a string");
    };
    let body = request
        .get("body")
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    match kinesis.call(*now_ms, action, &body) {
        Ok(body) => json!({"status": 200, "body": body}),
        Err(error) => failure(&error),
    }
}

fn failure(error: &ApiError) -> Value {
    let (status, body) = error_body(error);
    json!({"status": status, "body": body})
}

fn unreadable(message: &str) -> Value {
    failure(&ApiError::new(ErrorKind::Serialization, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], input: &str) -> Result<Vec<Value>, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut out = Vec::new();
        call(&args, &mut input.as_bytes(), &mut out)?;
        Ok(String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect())
    }

    #[test]
    fn answers_each_line_with_the_status_and_the_body_aws_sends() {
        let answers = run(
            &[],
            concat!(
                r#"{"action": "CreateStream", "body": {"StreamName": "Foo", "ShardCount": 1}}"#,
                "\n",
                r#"{"action": "DescribeStreamSummary", "body": {"StreamName": "Foo"}}"#,
                "\n\n",
                r#"{"wait_ms": 2000}"#,
                "\n",
                r#"{"action": "DescribeStreamSummary", "body": {"StreamName": "Foo"}}"#,
                "\n",
                r#"{"action": "DescribeStream", "body": {"StreamName": "Nope"}}"#,
                "\n",
            ),
        )
        .unwrap();
        assert_eq!(answers.len(), 5, "a blank line is skipped: {answers:?}");
        assert_eq!(answers[0], json!({"status": 200, "body": {}}));
        let status = "/body/StreamDescriptionSummary/StreamStatus";
        assert_eq!(answers[1].pointer(status), Some(&json!("CREATING")));
        assert_eq!(
            answers[2],
            json!({"status": 200, "now_ms": START_MS + 2000})
        );
        assert_eq!(answers[3].pointer(status), Some(&json!("ACTIVE")));
        // AWS's error body (the JSON 1.1 protocol): __type and message.
        assert_eq!(
            answers[4],
            json!({"status": 400, "body": {
                "__type": "ResourceNotFoundException",
                "message": "Stream Nope under account 123456789012 not found."
            }})
        );
    }

    #[test]
    fn a_request_can_move_the_clock_before_its_call_and_the_start_is_settable() {
        let answers = run(
            &["--start-ms", "1000000000000"],
            concat!(
                r#"{"action": "CreateStream", "body": {"StreamName": "Foo", "ShardCount": 1}}"#,
                "\n",
                r#"{"wait_ms": 2000, "action": "DescribeStreamSummary", "body": {"StreamName": "Foo"}}"#,
                "\n",
            ),
        )
        .unwrap();
        let summary = &answers[1]["body"]["StreamDescriptionSummary"];
        assert_eq!(summary["StreamStatus"], "ACTIVE");
        assert_eq!(summary["StreamCreationTimestamp"], json!(1_000_000_000.0));
    }

    #[test]
    fn unreadable_lines_get_a_serialization_exception_and_the_run_goes_on() {
        let answers = run(
            &[],
            "not json\n[]\n{\"body\": {}}\n{\"action\": 7}\n{\"wait_ms\": -1}\n{\"action\": \"Frobnicate\"}\n{\"action\": \"ListStreams\"}\n",
        )
        .unwrap();
        for answer in &answers[..5] {
            assert_eq!(answer["status"], 400, "{answer}");
            assert_eq!(
                answer["body"]["__type"], "SerializationException",
                "{answer}"
            );
        }
        assert_eq!(answers[5]["body"]["__type"], "UnknownOperationException");
        assert_eq!(answers[6]["status"], 200);
        assert_eq!(answers[6]["body"]["StreamNames"], json!([]));
    }

    #[test]
    fn state_changes_take_the_durations_given() {
        let answers = run(
            &[
                "--create-ms",
                "0",
                "--update-ms",
                "100",
                "--shard-limit",
                "2",
            ],
            concat!(
                r#"{"action": "CreateStream", "body": {"StreamName": "Foo", "ShardCount": 2}}"#,
                "\n",
                r#"{"action": "DescribeStreamSummary", "body": {"StreamName": "Foo"}}"#,
                "\n",
                r#"{"action": "CreateStream", "body": {"StreamName": "Bar", "ShardCount": 1}}"#,
                "\n",
            ),
        )
        .unwrap();
        let status = "/body/StreamDescriptionSummary/StreamStatus";
        assert_eq!(answers[1].pointer(status), Some(&json!("ACTIVE")));
        assert_eq!(answers[2]["body"]["__type"], "LimitExceededException");
    }

    #[test]
    fn bad_arguments_are_usage_errors() {
        assert!(run(&["--start-ms"], "").is_err());
        assert!(run(&["--create-ms", "-1"], "").is_err());
        assert!(run(&["--shard-limit", "99999999999"], "").is_err());
        assert!(run(&["--start-ms", "x"], "").is_err());
        assert!(run(&["--frobnicate"], "").is_err());
    }
}
