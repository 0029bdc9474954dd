//! `aws kinesis ...`: the AWS CLI's commands, options and output, in front of the engine.
//!
//! Command and option names are the CLI's (`put-record --stream-name --partition-key --data`).
//! `--data` takes raw text as AWS CLI v1 does, unless `--cli-binary-format base64` says it is
//! already base64. Responses print as the CLI prints them (4-space JSON, or `--output text`),
//! after `--query`. A failed call prints `An error occurred (Name) when calling the Action
//! operation: message` and exits with 254; a usage error exits with 252. `describe-stream`,
//! `list-shards` and `list-streams` fetch every page as the CLI's paginators do, unless
//! `--no-paginate`. `aws kinesis wait stream-exists|stream-not-exists` polls every 10 s.

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::output::{self, OutputFormat};
use super::suggest::did_you_mean;
use super::Outcome;
use crate::sim::World;

mod commands;

pub use commands::{command_names, effect, is_switch, option_names, option_value, WAITERS};
pub(crate) use commands::{find, table, waiter_options, CliCommand, CliOption, Kind, GLOBAL};

const USAGE: &str = "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]";

fn usage_error(message: impl AsRef<str>) -> Outcome {
    Outcome::failure(252, format!("{USAGE}\naws: error: {}\n", message.as_ref()))
}

/// Runs `aws ...` (the words after `aws`).
pub fn run(world: &mut World, args: &[String]) -> Outcome {
    match args.first().map(String::as_str) {
        Some("kinesis") => {}
        Some(other) => {
            return usage_error(format!(
                "argument command: Invalid choice '{other}': Shardlab simulates only 'kinesis'"
            ))
        }
        None => return usage_error("the following arguments are required: command"),
    }
    let Some(sub) = args.get(1) else {
        return usage_error("the following arguments are required: operation");
    };
    if sub == "wait" {
        return wait(world, &args[2..]);
    }
    let Some((command, options)) = commands::find(sub) else {
        let hint = did_you_mean(sub, command_names())
            .map(|s| format!("\n\nDid you mean '{s}'?"))
            .unwrap_or_default();
        return usage_error(format!(
            "argument operation: Invalid choice '{sub}', valid choices are:\n\n{}{hint}",
            command_names().join(" | ")
        ));
    };
    let parsed = match parse_options(options, &args[2..]) {
        Ok(parsed) => parsed,
        Err(outcome) => return outcome,
    };
    let paginate = !parsed.no_paginate;
    let result = match (command.action, paginate) {
        ("DescribeStream", true) => describe_stream_all(world, parsed.body.clone()),
        ("ListShards", true) => list_shards_all(world, parsed.body.clone()),
        ("ListStreams", true) => list_streams_all(world, parsed.body.clone()),
        (action, _) => world.call(action, &parsed.body),
    };
    match result {
        Ok(response) => print_response(&response, &parsed),
        Err(error) => Outcome::failure(
            254,
            format!(
                "An error occurred ({}) when calling the {} operation: {}\n",
                error.kind(),
                command.action,
                error.message()
            ),
        ),
    }
}

struct Parsed {
    body: Value,
    query: Option<String>,
    output: OutputFormat,
    no_paginate: bool,
}

fn print_response(response: &Value, parsed: &Parsed) -> Outcome {
    let is_empty = response.as_object().is_some_and(Map::is_empty);
    if is_empty && parsed.query.is_none() {
        return Outcome::success(String::new());
    }
    let value = match &parsed.query {
        Some(expression) => match output::query(response, expression) {
            Ok(value) => value,
            Err(message) => return usage_error(format!("argument --query: {message}")),
        },
        None => response.clone(),
    };
    Outcome::success(output::render(&value, parsed.output))
}

fn parse_options(options: &[CliOption], args: &[String]) -> Result<Parsed, Outcome> {
    let mut body = Map::new();
    let mut query = None;
    let mut output_format = OutputFormat::Json;
    let mut binary_base64 = false;
    let mut no_paginate = false;
    let mut raw: Vec<(&CliOption, Vec<String>)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        if !flag.starts_with("--") {
            return Err(usage_error(format!("Unknown options: {arg}")));
        }
        // Everything up to the next --option is this option's value (lists take several).
        let mut values: Vec<String> = inline.into_iter().collect();
        while values.is_empty() || is_list_option(options, &flag) {
            match args.get(i + 1) {
                Some(next) if !next.starts_with("--") => {
                    values.push(next.clone());
                    i += 1;
                }
                _ => break,
            }
        }
        i += 1;
        let single = |values: &[String]| -> Result<String, Outcome> {
            match values {
                [value] => Ok(value.clone()),
                [] => Err(usage_error(format!(
                    "argument {flag}: expected one argument"
                ))),
                _ => Err(usage_error(format!(
                    "Unknown options: {}",
                    values[1..].join(", ")
                ))),
            }
        };
        match flag.as_str() {
            "--query" => query = Some(single(&values)?),
            "--output" => {
                let text = single(&values)?;
                output_format = OutputFormat::parse(&text).ok_or_else(|| {
                    usage_error(format!(
                        "argument --output: Invalid choice, valid choices are:\n\njson | text\n(Shardlab does not draw 'table' or 'yaml'; '{text}' was given)"
                    ))
                })?;
            }
            "--cli-binary-format" => match single(&values)?.as_str() {
                "base64" => binary_base64 = true,
                "raw-in-base64-out" => binary_base64 = false,
                other => {
                    return Err(usage_error(format!(
                        "argument --cli-binary-format: Invalid choice '{other}', valid choices are: base64 | raw-in-base64-out"
                    )))
                }
            },
            "--no-paginate" => no_paginate = true,
            "--no-cli-pager" => {}
            "--region" | "--profile" | "--endpoint-url" => {
                single(&values)?;
            }
            _ => {
                let (option, negated) = match options.iter().find(|o| o.flag == flag) {
                    Some(option) => (option, false),
                    None => match flag
                        .strip_prefix("--no-")
                        .and_then(|rest| options.iter().find(|o| o.kind == Kind::Bool && o.flag == format!("--{rest}")))
                    {
                        Some(option) => (option, true),
                        None => {
                            let known: Vec<&str> = options.iter().map(|o| o.flag.as_str()).chain(GLOBAL.iter().map(|o| o.flag)).collect();
                            let hint = did_you_mean(&flag, known).map(|s| format!(" (did you mean {s}?)")).unwrap_or_default();
                            return Err(usage_error(format!("Unknown options: {flag}{hint}")));
                        }
                    },
                };
                if raw.iter().any(|(o, _)| o.flag == option.flag) {
                    return Err(usage_error(format!("argument {}: given twice", option.flag)));
                }
                if option.kind == Kind::Bool {
                    if !values.is_empty() {
                        return Err(usage_error(format!("Unknown options: {}", values.join(", "))));
                    }
                    body.insert(option.member.to_string(), Value::Bool(!negated));
                    continue;
                }
                raw.push((option, values));
            }
        }
    }
    for (option, values) in raw {
        let value = match option.kind {
            Kind::Records => records(&values, binary_base64, &option.flag)?,
            _ => {
                let text = match values.as_slice() {
                    [value] => value.clone(),
                    [] => {
                        return Err(usage_error(format!(
                            "argument {}: expected one argument",
                            option.flag
                        )))
                    }
                    _ => {
                        return Err(usage_error(format!(
                            "Unknown options: {}",
                            values[1..].join(", ")
                        )))
                    }
                };
                convert(option, &text, binary_base64)?
            }
        };
        body.insert(option.member.to_string(), value);
    }
    let missing: Vec<&str> = options
        .iter()
        .filter(|o| o.required && !body.contains_key(o.member))
        .map(|o| o.flag.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(usage_error(format!(
            "the following arguments are required: {}",
            missing.join(", ")
        )));
    }
    Ok(Parsed {
        body: Value::Object(body),
        query,
        output: output_format,
        no_paginate,
    })
}

fn is_list_option(options: &[CliOption], flag: &str) -> bool {
    options
        .iter()
        .any(|o| o.flag == flag && o.kind == Kind::Records)
}

fn convert(option: &CliOption, text: &str, binary_base64: bool) -> Result<Value, Outcome> {
    let invalid = |why: &str| {
        usage_error(format!(
            "argument {}: invalid value '{text}': {why}",
            option.flag
        ))
    };
    Ok(match option.kind {
        Kind::Str => Value::String(text.to_string()),
        Kind::Int => Value::Number(
            text.trim()
                .parse::<i64>()
                .map_err(|_| invalid("expected an integer"))?
                .into(),
        ),
        Kind::Blob => Value::String(blob(text, binary_base64).map_err(|why| invalid(&why))?),
        Kind::Timestamp => json!(parse_timestamp(text).ok_or_else(|| invalid(
            "expected epoch seconds (1459799926.480) or an ISO 8601 time (2016-04-04T19:58:46.480-00:00)"
        ))?),
        Kind::Struct => shorthand_struct(text).map_err(|why| invalid(&why))?,
        Kind::Bool | Kind::Records => Value::Null,
    })
}

/// A blob argument as the wire wants it (base64): raw text is encoded, unless the caller said
/// the text is base64 already.
fn blob(text: &str, binary_base64: bool) -> Result<String, String> {
    if text.starts_with("fileb://") || text.starts_with("file://") {
        return Err(
            "Shardlab runs in a browser and reads no files; give the data inline".to_string(),
        );
    }
    if binary_base64 {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(|_| text.to_string())
            .map_err(|_| {
                "Invalid base64 (with --cli-binary-format base64 the data must be base64)"
                    .to_string()
            })
    } else {
        Ok(base64::engine::general_purpose::STANDARD.encode(text.as_bytes()))
    }
}

/// `--records`: a JSON list, or shorthand entries `Data=x,PartitionKey=k[,ExplicitHashKey=h]`.
fn records(values: &[String], binary_base64: bool, flag: &str) -> Result<Value, Outcome> {
    let invalid = |why: String| usage_error(format!("argument {flag}: {why}"));
    let entries: Vec<Value> = if values.len() == 1 && values[0].trim_start().starts_with('[') {
        match serde_json::from_str::<Value>(&values[0]) {
            Ok(Value::Array(items)) => items,
            Ok(_) => return Err(invalid("expected a JSON list of records".into())),
            Err(e) => return Err(invalid(format!("Invalid JSON: {e}"))),
        }
    } else {
        values
            .iter()
            .map(|v| shorthand_struct(v).map_err(&invalid))
            .collect::<Result<_, _>>()?
    };
    let mut out = Vec::with_capacity(entries.len());
    for mut entry in entries {
        if let Some(Value::String(data)) = entry.get("Data").cloned() {
            let encoded = blob(&data, binary_base64).map_err(&invalid)?;
            entry["Data"] = Value::String(encoded);
        }
        out.push(entry);
    }
    Ok(Value::Array(out))
}

/// The CLI's shorthand `Key=value,Key=value`, or JSON if it starts with `{`.
fn shorthand_struct(text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| format!("Invalid JSON: {e}"));
    }
    let mut map = Map::new();
    for pair in text.split(',') {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("expected Key=value, not '{pair}'"))?;
        let value = match key.trim() {
            "Timestamp" => parse_timestamp(value.trim())
                .map(|t| json!(t))
                .ok_or_else(|| format!("'{value}' is not a time"))?,
            _ => Value::String(value.trim().to_string()),
        };
        map.insert(key.trim().to_string(), value);
    }
    Ok(Value::Object(map))
}

/// Epoch seconds (`1459799926.480`) or ISO 8601 (`2016-04-04T19:58:46.480-00:00`, `...Z`).
pub fn parse_timestamp(text: &str) -> Option<f64> {
    if let Ok(seconds) = text.parse::<f64>() {
        return seconds.is_finite().then_some(seconds);
    }
    let (date, time) = text.split_once(['T', ' '])?;
    let mut ymd = date.split('-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (ymd.next()??, ymd.next()??, ymd.next()??);
    let (clock, offset_seconds) = match time.rfind(['+', '-', 'Z']) {
        Some(at) if time[at..].starts_with('Z') => (&time[..at], 0),
        Some(at) if at > 0 => {
            let (hours, minutes) = time[at + 1..]
                .split_once(':')
                .unwrap_or((&time[at + 1..], "0"));
            let sign = if time[at..].starts_with('-') { -1 } else { 1 };
            (
                &time[..at],
                sign * (hours.parse::<i64>().ok()? * 3600 + minutes.parse::<i64>().ok()? * 60),
            )
        }
        _ => (time, 0),
    };
    let mut hms = clock.split(':');
    let hours: i64 = hms.next()?.parse().ok()?;
    let minutes: i64 = hms.next().unwrap_or("0").parse().ok()?;
    let seconds: f64 = hms.next().unwrap_or("0").parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hours > 23 || minutes > 59 {
        return None;
    }
    // Days from the civil date (Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + hours * 3600 + minutes * 60 - offset_seconds) as f64 + seconds)
}

// ---------------------------------------------------------------- paginators

fn describe_stream_all(
    world: &mut World,
    mut body: Value,
) -> Result<Value, crate::engine::ApiError> {
    let mut first = world.call("DescribeStream", &body)?;
    let mut guard = 0;
    while first["StreamDescription"]["HasMoreShards"] == json!(true) && guard < 1000 {
        guard += 1;
        let last = first["StreamDescription"]["Shards"]
            .as_array()
            .and_then(|s| s.last())
            .and_then(|s| s["ShardId"].as_str())
            .unwrap_or_default()
            .to_string();
        body["ExclusiveStartShardId"] = json!(last);
        let page = world.call("DescribeStream", &body)?;
        let more = page["StreamDescription"]["Shards"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if let Some(shards) = first["StreamDescription"]["Shards"].as_array_mut() {
            shards.extend(more);
        }
        first["StreamDescription"]["HasMoreShards"] =
            page["StreamDescription"]["HasMoreShards"].clone();
    }
    Ok(first)
}

fn list_shards_all(world: &mut World, body: Value) -> Result<Value, crate::engine::ApiError> {
    let mut first = world.call("ListShards", &body)?;
    let mut guard = 0;
    while let Some(token) = first
        .get("NextToken")
        .and_then(Value::as_str)
        .map(String::from)
    {
        guard += 1;
        if guard > 1000 {
            break;
        }
        let mut next = json!({"NextToken": token});
        if let Some(max) = body.get("MaxResults") {
            next["MaxResults"] = max.clone();
        }
        let page = world.call("ListShards", &next)?;
        let more = page["Shards"].as_array().cloned().unwrap_or_default();
        if let Some(shards) = first["Shards"].as_array_mut() {
            shards.extend(more);
        }
        match page.get("NextToken") {
            Some(token) => first["NextToken"] = token.clone(),
            None => {
                if let Some(map) = first.as_object_mut() {
                    map.remove("NextToken");
                }
            }
        }
    }
    Ok(first)
}

fn list_streams_all(world: &mut World, mut body: Value) -> Result<Value, crate::engine::ApiError> {
    let mut first = world.call("ListStreams", &body)?;
    let mut guard = 0;
    while first["HasMoreStreams"] == json!(true) && guard < 1000 {
        guard += 1;
        let last = first["StreamNames"]
            .as_array()
            .and_then(|n| n.last())
            .cloned()
            .unwrap_or(Value::Null);
        body["ExclusiveStartStreamName"] = last;
        let page = world.call("ListStreams", &body)?;
        for key in ["StreamNames", "StreamSummaries"] {
            let more = page[key].as_array().cloned().unwrap_or_default();
            if let Some(list) = first[key].as_array_mut() {
                list.extend(more);
            }
        }
        first["HasMoreStreams"] = page["HasMoreStreams"].clone();
    }
    if let Some(map) = first.as_object_mut() {
        map.remove("NextToken");
    }
    Ok(first)
}

// ---------------------------------------------------------------- waiters

/// `aws kinesis wait stream-exists|stream-not-exists --stream-name S`: DescribeStream every
/// 10 s, at most 18 times, as the CLI's waiters do. Simulated time passes meanwhile.
fn wait(world: &mut World, args: &[String]) -> Outcome {
    let Some(waiter) = args.first() else {
        return usage_error(
            "the following arguments are required: wait-name (stream-exists | stream-not-exists)",
        );
    };
    if !WAITERS.contains(&waiter.as_str()) {
        let hint = did_you_mean(waiter, WAITERS.iter().copied())
            .map(|s| format!(" (did you mean {s}?)"))
            .unwrap_or_default();
        return usage_error(format!(
            "argument wait-name: Invalid choice '{waiter}'{hint}"
        ));
    }
    // Its one option, the stream's name, as the action it calls names it.
    let options = waiter_options();
    let body = match args.get(1..) {
        Some([flag, name]) => options
            .iter()
            .find(|option| option.flag == *flag)
            .map(|option| json!({ option.member: name })),
        _ => None,
    };
    let Some(body) = body else {
        let flags: Vec<&str> = options.iter().map(|o| o.flag.as_str()).collect();
        return usage_error(format!(
            "the following arguments are required: {}",
            flags.join(", ")
        ));
    };
    for attempt in 0..18 {
        if attempt > 0 {
            world.advance_by(10_000);
        }
        let status = world
            .call(commands::WAITER_ACTION, &body)
            .ok()
            .and_then(|r| {
                r["StreamDescriptionSummary"]["StreamStatus"]
                    .as_str()
                    .map(String::from)
            });
        let done = match waiter.as_str() {
            "stream-exists" => status.as_deref() == Some("ACTIVE"),
            _ => status.is_none(),
        };
        if done {
            return Outcome::success(String::new());
        }
    }
    let waiter_name = if waiter == "stream-exists" {
        "StreamExists"
    } else {
        "StreamNotExists"
    };
    Outcome::failure(
        255,
        format!("\nWaiter {waiter_name} failed: Max attempts exceeded\n"),
    )
}

#[cfg(test)]
mod tests;
