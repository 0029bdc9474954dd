//! The call and what the CLI prints of its answer.
//!
//! - The request: botocore validates the parameters (`validate.rs`), then serializes them
//!   (a timestamp as epoch seconds; blobs are base64 already, see `operation.rs`) and
//!   sends them, again after a throttling or server error (`retry.rs`).
//! - The answer: botocore's JSON parser builds the response member by member in the model's
//!   order, leaving out members the model does not have and members that are `null`
//!   (botocore/parsers.py `BaseJSONParser._handle_structure`); the CLI prints that, not the
//!   service's bytes. Timestamps stay the numbers the service sent in v1
//!   (`cli_timestamp_format` none), and become ISO 8601 in v2.
//! - Paging (botocore/paginate.py `PageIterator`): a paginated command fetches every page
//!   (`--max-items`, `--page-size`, `--starting-token`); for `--output json` the CLI prints
//!   `build_full_result()`: only the paginator's result keys, joined, then its
//!   `non_aggregate_keys` from the first page (so `describe-stream` prints `Shards` first,
//!   `"KeyId": null`, and no `HasMoreShards`), then `NextToken` if `--max-items` stopped it;
//!   `--query` applies to that. For `--output text` it prints page by page, `--query` applied
//!   to each (awscli/formatter.py `TextFormatter`).

use base64::Engine as _;
use serde_json::{Map, Value};

use super::model::{self, Operation, Paginator, Shape};
use super::{retry, validate, CliVersion, Failure, Globals};
use crate::script::output::{self, OutputFormat};
use crate::script::pyjson;
use crate::sim::World;

/// A paginated call's settings.
pub(super) struct Paging {
    pub paginator: &'static Paginator,
    pub starting_token: Option<String>,
    pub page_size: Option<i64>,
    pub max_items: Option<i64>,
}

/// Validates, sends (retrying as botocore does, see `retry.rs`) and parses one request.
pub(super) fn request(
    world: &mut World,
    operation: &Operation,
    params: &Map<String, Value>,
) -> Result<Value, Failure> {
    let params = Value::Object(params.clone());
    validate::validate(&params, operation.input).map_err(Failure::Param)?;
    let mut body = params;
    serialize(&mut body, operation.input);
    let response = retry::send(world, operation.action, &body)?;
    Ok(match operation.output {
        Some(shape) => parse(&response, shape, world.cli_version()),
        None => Value::Object(Map::new()),
    })
}

/// Botocore's serializer: timestamps as epoch seconds.
fn serialize(value: &mut Value, shape_name: &str) {
    let Some(shape) = model::shape(shape_name) else {
        return;
    };
    match (shape, value) {
        (Shape::Structure { members, .. }, Value::Object(map)) => {
            for (member, inner) in members {
                if let Some(item) = map.get_mut(*member) {
                    serialize(item, inner);
                }
            }
        }
        (Shape::List { member, .. }, Value::Array(items)) => {
            for item in items {
                serialize(item, member);
            }
        }
        (Shape::Timestamp, value) => {
            if let Some(seconds) = value.as_str().and_then(super::parse_timestamp) {
                *value = serde_json::json!(seconds);
            }
        }
        _ => {}
    }
}

/// Botocore's JSON parser (`_handle_structure`): the model's members in the model's order,
/// without nulls and without members the model lacks.
fn parse(value: &Value, shape_name: &str, version: CliVersion) -> Value {
    let Some(shape) = model::shape(shape_name) else {
        return value.clone();
    };
    match (shape, value) {
        (Shape::Structure { members, .. }, Value::Object(map)) => {
            let mut out = Map::new();
            for (member, inner) in members {
                match map.get(*member) {
                    None | Some(Value::Null) => {}
                    Some(item) => {
                        out.insert(member.to_string(), parse(item, inner, version));
                    }
                }
            }
            Value::Object(out)
        }
        (Shape::List { member, .. }, Value::Array(items)) => {
            Value::Array(items.iter().map(|i| parse(i, member, version)).collect())
        }
        (Shape::Timestamp, Value::Number(n)) if version == CliVersion::V2 => {
            Value::String(iso8601(n.as_f64().unwrap_or_default()))
        }
        _ => value.clone(),
    }
}

/// v2's default `cli_timestamp_format` (iso8601): Python's `datetime.isoformat()` of the
/// time in UTC (v2 uses the machine's zone; Shardlab's is UTC).
fn iso8601(seconds: f64) -> String {
    let micros = (seconds * 1e6).round() as i64;
    let (secs, micro) = (micros.div_euclid(1_000_000), micros.rem_euclid(1_000_000));
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    // Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let fraction = if micro == 0 {
        String::new()
    } else {
        format!(".{micro:06}")
    };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{fraction}+00:00",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Runs the operation and prints its answer as the CLI's formatters do.
pub(super) fn call(
    world: &mut World,
    operation: &Operation,
    params: Map<String, Value>,
    paging: Option<Paging>,
    globals: &Globals,
) -> Result<String, Failure> {
    let format = match globals.output.as_str() {
        "text" => Some(OutputFormat::Text),
        "off" => None,
        _ => Some(OutputFormat::Json),
    };
    let Some(paging) = paging else {
        let response = request(world, operation, &params)?;
        return match format {
            Some(format) => print(&response, format, globals),
            None => Ok(String::new()),
        };
    };
    let pages = pages(world, operation, params, &paging)?;
    let Some(format) = format else {
        return Ok(String::new());
    };
    let paginator = paging.paginator;
    Ok(match format {
        OutputFormat::Json => print(&full_result(&pages, paginator), format, globals)?,
        OutputFormat::Text => {
            let mut out = String::new();
            for (i, page) in pages.responses.iter().enumerate() {
                let mut current = if i == 0 {
                    pages.non_aggregate.clone()
                } else {
                    Value::Object(Map::new())
                };
                for key in paginator.result_keys {
                    set_path(
                        &mut current,
                        key,
                        search(page, key).cloned().unwrap_or(Value::Null),
                    );
                }
                out.push_str(&print(&current, format, globals)?);
            }
            if let Some(token) = &pages.resume_token {
                let next = serde_json::json!({"NextToken": {"NextToken": token}});
                out.push_str(&print(&next, format, globals)?);
            }
            out
        }
    })
}

/// `--query`, then the formatter; the JSON formatter prints nothing for `{}`. An error while
/// searching is raised to the CLI's `main`, after the call was made.
fn print(value: &Value, format: OutputFormat, globals: &Globals) -> Result<String, Failure> {
    let value = match &globals.query {
        Some(expression) => output::query(value, expression).map_err(Failure::General)?,
        None => value.clone(),
    };
    if format == OutputFormat::Json && value.as_object().is_some_and(Map::is_empty) {
        return Ok(String::new());
    }
    Ok(output::render(&value, format))
}

/// The pages of a paginated call.
struct Pages {
    responses: Vec<Value>,
    non_aggregate: Value,
    resume_token: Option<String>,
}

/// `PageIterator.__iter__`.
fn pages(
    world: &mut World,
    operation: &Operation,
    mut params: Map<String, Value>,
    paging: &Paging,
) -> Result<Pages, Failure> {
    let paginator = paging.paginator;
    let mut starting_truncation = 0;
    if let Some(token) = &paging.starting_token {
        let (value, index) = decode_token(token, paginator.input_token);
        starting_truncation = index;
        if let Some(value) = value {
            params.insert(paginator.input_token.to_string(), value);
        }
    }
    if let Some(size) = paging.page_size {
        params.insert(paginator.limit_key.to_string(), Value::from(size));
    }
    let primary = paginator.result_keys[0];
    let mut result = Pages {
        responses: Vec::new(),
        non_aggregate: Value::Object(Map::new()),
        resume_token: None,
    };
    let mut total: i64 = 0;
    let mut previous: Option<Value> = None;
    loop {
        let mut page = request(world, operation, &params)?;
        if result.responses.is_empty() {
            if paging.starting_token.is_some() {
                // `_handle_first_request`: the items before the token's index go, and the
                // other result keys are emptied.
                // `all_data[starting_truncation:]`, Python's slice.
                let kept = match search(&page, primary) {
                    Some(Value::Array(items)) => {
                        let len = items.len() as i64;
                        let from = if starting_truncation >= 0 {
                            starting_truncation.min(len)
                        } else {
                            (len + starting_truncation).max(0)
                        };
                        Value::Array(items[from as usize..].to_vec())
                    }
                    _ => Value::Null,
                };
                set_path(&mut page, primary, kept);
                for key in &paginator.result_keys[1..] {
                    let empty = match search(&page, key) {
                        Some(Value::Array(_)) => Value::Array(Vec::new()),
                        _ => Value::Null,
                    };
                    set_path(&mut page, key, empty);
                }
            }
            for key in paginator.non_aggregate_keys {
                let found = search(&page, key).cloned().unwrap_or(Value::Null);
                set_path(&mut result.non_aggregate, key, found);
            }
        }
        let count = match search(&page, primary) {
            Some(Value::Array(items)) => items.len() as i64,
            _ => 0,
        };
        let next_token = next_token(&page, paginator);
        if let Some(max) = paging.max_items {
            let truncate = total + count - max;
            if truncate > 0 {
                // `_truncate_response`: `original[:amount_to_keep]`, a negative amount
                // counting from the end as Python's slices do.
                let keep = count - truncate;
                if let Some(Value::Array(items)) = search_mut(&mut page, primary) {
                    let len = items.len() as i64;
                    let end = if keep >= 0 {
                        keep.min(len)
                    } else {
                        (len + keep).max(0)
                    };
                    items.truncate(end as usize);
                }
                // The next call starts where this page began, skipping what was printed.
                let mut token = Map::new();
                let first = if result.responses.is_empty() {
                    starting_truncation
                } else {
                    0
                };
                let index = keep + first;
                let start = match &previous {
                    Some(token) => token.clone(),
                    None => params
                        .get(paginator.input_token)
                        .cloned()
                        .unwrap_or(Value::Null),
                };
                token.insert(paginator.input_token.to_string(), start);
                token.insert("boto_truncate_amount".to_string(), Value::from(index));
                result.resume_token = Some(encode_token(&Value::Object(token)));
                result.responses.push(page);
                break;
            }
        }
        result.responses.push(page);
        total += count;
        let Some(next) = next_token else {
            break;
        };
        if paging.max_items == Some(total) {
            let mut token = Map::new();
            token.insert(paginator.input_token.to_string(), next);
            result.resume_token = Some(encode_token(&Value::Object(token)));
            break;
        }
        if previous.as_ref() == Some(&next) {
            return Err(Failure::Runtime(format!(
                "Error during pagination: The same next token was received twice: {{'{}': '{}'}}",
                paginator.input_token,
                next.as_str().unwrap_or_default()
            )));
        }
        params.insert(paginator.input_token.to_string(), next.clone());
        previous = Some(next);
    }
    Ok(result)
}

/// `_get_next_token`: nothing if `more_results` is false, else the output token (an empty
/// one is none).
fn next_token(page: &Value, paginator: &Paginator) -> Option<Value> {
    if let Some(more) = paginator.more_results {
        if !search(page, more).is_some_and(truthy) {
            return None;
        }
    }
    search(page, paginator.output_token)
        .filter(|t| truthy(t))
        .cloned()
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(n) => n.as_f64() != Some(0.0),
    }
}

/// `build_full_result`: the result keys joined over the pages, then the first page's
/// non-aggregate keys merged in, then the resume token.
fn full_result(pages: &Pages, paginator: &Paginator) -> Value {
    let mut complete = Value::Object(Map::new());
    for page in &pages.responses {
        for key in paginator.result_keys {
            let Some(found) = search(page, key) else {
                continue;
            };
            if found.is_null() {
                continue;
            }
            match search_mut(&mut complete, key) {
                Some(Value::Array(existing)) => {
                    if let Value::Array(more) = found {
                        existing.extend(more.iter().cloned());
                    }
                }
                Some(_) => {}
                None => set_path(&mut complete, key, found.clone()),
            }
        }
    }
    merge(&mut complete, &pages.non_aggregate);
    if let (Some(token), Value::Object(map)) = (&pages.resume_token, &mut complete) {
        map.insert("NextToken".to_string(), Value::String(token.clone()));
    }
    complete
}

/// botocore.utils `merge_dicts`.
fn merge(into: &mut Value, from: &Value) {
    let (Value::Object(into), Value::Object(from)) = (into, from) else {
        return;
    };
    for (key, value) in from {
        match (into.get_mut(key), value) {
            (Some(existing @ Value::Object(_)), Value::Object(_)) => merge(existing, value),
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

/// The paginators' expressions: dotted keys and `[-1]`.
fn search<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut current = value;
    for part in path.split('.') {
        let (key, last) = match part.strip_suffix("[-1]") {
            Some(key) => (key, true),
            None => (part, false),
        };
        current = current.get(key)?;
        if last {
            current = current.as_array()?.last()?;
        }
    }
    Some(current)
}

fn search_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut current = value;
    for part in path.split('.') {
        current = current.get_mut(part)?;
    }
    Some(current)
}

/// botocore.utils `set_value_from_jmespath`: creates the objects on the way.
fn set_path(value: &mut Value, path: &str, new: Value) {
    let mut current = value;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let Value::Object(map) = current else {
            return;
        };
        if i + 1 == parts.len() {
            map.insert(part.to_string(), new);
            return;
        }
        current = map
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// botocore.paginate `TokenEncoder.encode`: `json.dumps` then base64.
fn encode_token(token: &Value) -> String {
    base64(pyjson::dumps(token, false).as_bytes())
}

/// `TokenDecoder.decode`, or the token itself as the service's token (botocore's
/// `_parse_starting_token_deprecated`, which passes an opaque token along), and the items of
/// the first page to skip.
fn decode_token(token: &str, input_token: &str) -> (Option<Value>, i64) {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| serde_json::from_str::<Value>(&text).ok());
    match decoded {
        Some(Value::Object(map)) => {
            let index = map
                .get("boto_truncate_amount")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            (
                map.get(input_token).cloned().filter(|v| !v.is_null()),
                index,
            )
        }
        _ => (Some(Value::String(token.to_string())), 0),
    }
}

/// Standard base64.
pub(super) fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Python's `base64.b64decode(text)` (binascii's non-strict `a2b_base64`): characters
/// outside the alphabet are skipped, a complete pad ends the input; `None` for
/// "Incorrect padding" and a lone last character.
pub(super) fn python_b64decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut quad, mut left, mut pads) = (0u8, 0u32, 0u8);
    for c in text.chars() {
        if c == '=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    return Some(out);
                }
            }
            continue;
        }
        let value = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '+' => 62,
            '/' => 63,
            _ => continue,
        };
        pads = 0;
        match quad {
            0 => {
                quad = 1;
                left = value;
            }
            1 => {
                quad = 2;
                out.push(((left << 2) | (value >> 4)) as u8);
                left = value & 0x0f;
            }
            2 => {
                quad = 3;
                out.push(((left << 4) | (value >> 2)) as u8);
                left = value & 0x03;
            }
            _ => {
                quad = 0;
                out.push(((left << 6) | value) as u8);
                left = 0;
            }
        }
    }
    (quad == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_helpers() {
        assert_eq!(python_b64decode("aGk="), Some(b"hi".to_vec()));
        // v2 reads `--data testdata` as base64: eight letters are six bytes.
        assert_eq!(python_b64decode("testdata").map(|b| b.len()), Some(6));
        assert_eq!(python_b64decode("hello"), None);
        assert_eq!(python_b64decode("hi!!"), None);
        assert_eq!(iso8601(1_767_225_600.0), "2026-01-01T00:00:00+00:00");
        assert_eq!(
            iso8601(1_459_799_926.48),
            "2016-04-04T19:58:46.480000+00:00"
        );
        assert_eq!(
            pyjson::dumps(
                &serde_json::json!({"ExclusiveStartShardId": "shardId-000000000001", "boto_truncate_amount": 1}),
                false
            ),
            "{\"ExclusiveStartShardId\": \"shardId-000000000001\", \"boto_truncate_amount\": 1}"
        );
    }
}
