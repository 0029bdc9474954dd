//! Request checking in the order AWS does it: JSON types first, then model constraints.
//!
//! Kinesis's front end first converts the JSON into the request's Java types; a value of the
//! wrong type fails with `SerializationException` (worded as Java's conversion errors). Then
//! every constraint of the API model is checked member by member, and up to ten failures are
//! reported in one `ValidationException`:
//!
//! ```text
//! 1 validation error detected: Value '...' at 'partitionKey' failed to satisfy constraint:
//! Member must have length less than or equal to 256
//! ```
//!
//! Each action declares its members as a static [`Member`] list (the "shape"), in the order
//! AWS checks them (reference section 6.3; kinesalite's tests ran against AWS). The checks
//! here are written by hand because they are AWS's particular wording, not JSON Schema's.

use base64::Engine as _;
use serde_json::Value;

use super::error::ApiError;

/// The JSON types of the Kinesis API model.
#[derive(Clone, Copy, Debug)]
pub enum Type {
    String,
    Integer,
    Boolean,
    /// Base64 text on the wire; lengths are checked on the decoded bytes.
    Blob,
    /// Epoch seconds as a JSON number.
    Timestamp,
    /// A list of members, shown in messages as `memberStr` (Java's default `toString`).
    List(&'static Member, &'static str),
    Structure(&'static [Member]),
}

/// One constraint of the API model.
#[derive(Clone, Copy, Debug)]
pub enum Rule {
    NotNull,
    /// Required unless the named sibling member is given: `StreamName` when no `StreamARN`
    /// is. AWS's model lets either address the stream; with neither it answers the
    /// `StreamName` null error (observed, see tests/cli_fidelity.rs).
    NotNullUnless(&'static str),
    MinLength(u64),
    MaxLength(u64),
    MinValue(i64),
    MaxValue(i64),
    Pattern(Pattern),
    Enum(&'static [&'static str]),
}

/// The regular expressions the Kinesis model uses, matched by hand.
#[derive(Clone, Copy, Debug)]
pub enum Pattern {
    /// `[a-zA-Z0-9_.-]+`: stream names, shard ids, consumer names.
    Name,
    /// `0|([1-9]\d{0,38})`: hash keys.
    HashKey,
    /// `0|([1-9]\d{0,128})`: sequence numbers.
    SequenceNumber,
    /// `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`: stream ARNs.
    StreamArn,
    /// `^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+`:
    /// consumer ARNs.
    ConsumerArn,
}

impl Pattern {
    fn text(self) -> &'static str {
        match self {
            Pattern::Name => "[a-zA-Z0-9_.-]+",
            Pattern::HashKey => "0|([1-9]\\d{0,38})",
            Pattern::SequenceNumber => "0|([1-9]\\d{0,128})",
            Pattern::StreamArn => "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
            Pattern::ConsumerArn => "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+",
        }
    }

    fn matches(self, text: &str) -> bool {
        match self {
            Pattern::Name => {
                !text.is_empty()
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            }
            Pattern::HashKey => decimal_without_leading_zero(text, 39),
            Pattern::SequenceNumber => decimal_without_leading_zero(text, 129),
            Pattern::StreamArn => is_stream_arn(text),
            Pattern::ConsumerArn => is_consumer_arn(text),
        }
    }
}

/// `arn:aws.*:kinesis:.*:\d{12}:stream/\S+` without a regex engine: some `:stream/` with a
/// non-blank tail, preceded by `:` and twelve digits, preceded by `arn:aws…:kinesis:`.
fn is_stream_arn(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("arn:aws") else {
        return false;
    };
    let no_line_break = |s: &str| !s.contains(['\n', '\r']);
    rest.match_indices(":stream/").any(|(at, marker)| {
        let tail = &rest[at + marker.len()..];
        let head = &rest[..at];
        let Some(account_start) = head.len().checked_sub(13) else {
            return false;
        };
        let (before, account) = head.split_at(account_start);
        !tail.is_empty()
            && !tail.chars().any(char::is_whitespace)
            && account.starts_with(':')
            && account[1..].bytes().all(|b| b.is_ascii_digit())
            && before
                .match_indices(":kinesis:")
                .any(|(k, m)| k + m.len() <= before.len() && no_line_break(before))
    })
}

/// The consumer ARN pattern without a regex engine: `…stream/NAME/consumer/NAME:DIGITS`
/// after `arn:aws…:kinesis:…:` and twelve digits and `:`.
fn is_consumer_arn(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("arn:aws") else {
        return false;
    };
    let Some((head, epoch)) = rest.rsplit_once(':') else {
        return false;
    };
    let Some((head, consumer)) = head.rsplit_once("/consumer/") else {
        return false;
    };
    let Some((head, stream)) = head.rsplit_once("stream/") else {
        return false;
    };
    let Some(kinesis) = head.find(":kinesis:") else {
        return false;
    };
    let after = &head[kinesis + ":kinesis:".len() - 1..];
    let has_account = after.char_indices().any(|(at, c)| {
        c == ':'
            && after.get(at + 1..at + 14).is_some_and(|account| {
                account.ends_with(':') && account[..12].bytes().all(|b| b.is_ascii_digit())
            })
    });
    !epoch.is_empty()
        && epoch.bytes().all(|b| b.is_ascii_digit())
        && Pattern::Name.matches(consumer)
        && Pattern::Name.matches(stream)
        && has_account
        && !text.contains(['\n', '\r'])
}

fn decimal_without_leading_zero(text: &str, max_digits: usize) -> bool {
    text == "0"
        || (!text.is_empty()
            && text.len() <= max_digits
            && !text.starts_with('0')
            && text.bytes().all(|b| b.is_ascii_digit()))
}

/// A member of a request shape: its JSON name, type and constraints.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub name: &'static str,
    pub ty: Type,
    pub rules: &'static [Rule],
}

/// Checks a request body against its shape; `Ok` means it is safe to deserialize.
pub fn check(body: &Value, members: &'static [Member]) -> Result<(), ApiError> {
    match body {
        Value::Object(_) => {}
        Value::Array(_) => {
            return Err(ApiError::serialization(
                "Start of list found where not expected",
            ))
        }
        // A body that is no JSON object (`true`, `null`, `5`, `"x"`) gets a bare
        // SerializationException, no message, as AWS answered kinesalite's connection tests
        // (mhart/kinesalite test/connection.js: "should return SerializationException if
        // non-JSON body" and its body matrix with 'true' and 'null').
        _ => return Err(ApiError::serialization("")),
    }
    check_types(body, members)?;
    let mut errors = Vec::new();
    check_members(body, members, "", &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        let count = errors.len();
        Err(ApiError::validation(format!(
            "{count} validation error{} detected: {}",
            if count > 1 { "s" } else { "" },
            errors.join("; ")
        )))
    }
}

fn check_types(body: &Value, members: &'static [Member]) -> Result<(), ApiError> {
    for member in members {
        if let Some(value) = body.get(member.name) {
            check_type(value, member.ty)?;
        }
    }
    Ok(())
}

fn check_type(value: &Value, ty: Type) -> Result<(), ApiError> {
    let fail = |message: String| Err(ApiError::serialization(message));
    let shape_of_object = |value: &Value| match value {
        Value::Array(_) => "Start of list found where not expected".to_string(),
        _ => "Start of structure or map found where not expected.".to_string(),
    };
    if value.is_null() {
        return Ok(());
    }
    match ty {
        Type::String => match value {
            Value::String(_) => Ok(()),
            Value::Bool(_) => fail("class java.lang.Boolean can not be converted to an String".into()),
            Value::Number(_) => fail("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String".into()),
            other => fail(shape_of_object(other)),
        },
        Type::Integer => match value {
            Value::Number(_) => Ok(()),
            Value::Bool(_) => fail("class java.lang.Boolean can not be converted to an Integer".into()),
            Value::String(_) => fail("class java.lang.String can not be converted to an Integer".into()),
            other => fail(shape_of_object(other)),
        },
        Type::Timestamp => match value {
            Value::Number(_) => Ok(()),
            Value::Bool(_) => fail("class java.lang.Boolean can not be converted to milliseconds since epoch".into()),
            Value::String(_) => fail("class java.lang.String can not be converted to milliseconds since epoch".into()),
            other => fail(shape_of_object(other)),
        },
        Type::Boolean => match value {
            Value::Bool(_) => Ok(()),
            Value::Number(_) => fail("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean".into()),
            Value::String(s) => fail(format!("'{}' can not be converted to an Boolean", s.to_uppercase())),
            other => fail(shape_of_object(other)),
        },
        Type::Blob => match value {
            Value::String(text) => check_base64(text),
            Value::Bool(_) => fail("class java.lang.Boolean can not be converted to a Blob".into()),
            Value::Number(_) => fail("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob".into()),
            other => fail(shape_of_object(other)),
        },
        Type::List(member, _) => match value {
            Value::Array(items) => items.iter().try_for_each(|item| check_type(item, member.ty)),
            Value::Object(_) => fail("Start of structure or map found where not expected.".into()),
            _ => fail("Expected list or null".into()),
        },
        Type::Structure(members) => match value {
            Value::Object(_) => check_types(value, members),
            Value::Array(_) => fail("Start of list found where not expected".into()),
            _ => fail("Expected null".into()),
        },
    }
}

/// Checks base64 text as AWS's JSON layer does. It converts the parsed JSON value, a Java
/// `String`, to a Blob (hence "class java.lang.Boolean can not be converted to a Blob" for
/// other values), so the length it reports counts UTF-16 units and the invalid character it
/// names is a whole character, not a byte of its UTF-8 encoding. Not observed on AWS for
/// non-ASCII text; see "Known unknowns" in the README.
fn check_base64(text: &str) -> Result<(), ApiError> {
    let fail = |why: String| {
        Err(ApiError::serialization(format!(
            "'{text}' can not be converted to a Blob: {why}"
        )))
    };
    let java_length = text.encode_utf16().count();
    if !java_length.is_multiple_of(4) {
        return fail(format!(
            "Base64 encoded length is expected a multiple of 4 bytes but found: {java_length}"
        ));
    }
    for (i, c) in text.char_indices() {
        let valid = c.is_ascii_alphanumeric()
            || c == '+'
            || c == '/'
            || (c == '=' && text[i..].bytes().all(|b| b == b'='));
        if !valid {
            return fail(format!("Invalid Base64 character: '{c}'"));
        }
    }
    if base64::engine::general_purpose::STANDARD
        .decode(text)
        .is_err()
    {
        return fail("Invalid last non-pad Base64 character dectected".into());
    }
    Ok(())
}

/// Decodes a blob that [`check`] has accepted.
pub fn decode_blob(text: &str) -> Result<Vec<u8>, ApiError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| ApiError::serialization(format!("'{text}' can not be converted to a Blob")))
}

/// The byte length of a base64 blob without decoding it.
fn blob_len(text: &str) -> u64 {
    let padding = text.bytes().rev().take_while(|&b| b == b'=').count();
    ((text.len() / 4) * 3).saturating_sub(padding) as u64
}

const MAX_ERRORS: usize = 10;

fn check_members(body: &Value, members: &'static [Member], parent: &str, errors: &mut Vec<String>) {
    for member in members {
        let value = body.get(member.name).filter(|v| !v.is_null());
        let path = format!("{parent}{}", lower_first(member.name));
        for rule in member.rules {
            if errors.len() >= MAX_ERRORS {
                return;
            }
            let Some(value) = value else {
                let required = match rule {
                    Rule::NotNull => true,
                    Rule::NotNullUnless(other) => body.get(*other).is_none_or(Value::is_null),
                    _ => false,
                };
                if required {
                    errors.push(format!(
                        "Value null at '{path}' failed to satisfy constraint: Member must not be null"
                    ));
                }
                continue;
            };
            if let Some(failure) = rule_failure(*rule, value, member.ty) {
                errors.push(format!(
                    "Value {} at '{path}' failed to satisfy constraint: {failure}",
                    render(value, member.ty)
                ));
            }
        }
        // Constraints of the members of list entries and nested structures.
        match (member.ty, value) {
            (Type::List(inner, _), Some(Value::Array(items))) => {
                if let Type::Structure(fields) = inner.ty {
                    for (i, item) in items.iter().enumerate() {
                        check_members(item, fields, &format!("{path}.{}.member.", i + 1), errors);
                    }
                }
            }
            (Type::Structure(fields), Some(value)) => {
                check_members(value, fields, &format!("{path}."), errors);
            }
            _ => {}
        }
    }
}

fn rule_failure(rule: Rule, value: &Value, ty: Type) -> Option<String> {
    let length = || -> u64 {
        match (ty, value) {
            (Type::Blob, Value::String(text)) => blob_len(text),
            // Java counts UTF-16 code units, so an emoji counts twice.
            (_, Value::String(text)) => text.encode_utf16().count() as u64,
            (_, Value::Array(items)) => items.len() as u64,
            (_, Value::Object(map)) => map.len() as u64,
            _ => 0,
        }
    };
    let number = || integer_value(value) as f64;
    match rule {
        Rule::NotNull | Rule::NotNullUnless(_) => None,
        Rule::MinLength(min) => (length() < min)
            .then(|| format!("Member must have length greater than or equal to {min}")),
        Rule::MaxLength(max) => {
            (length() > max).then(|| format!("Member must have length less than or equal to {max}"))
        }
        Rule::MinValue(min) => (number() < min as f64)
            .then(|| format!("Member must have value greater than or equal to {min}")),
        Rule::MaxValue(max) => (number() > max as f64)
            .then(|| format!("Member must have value less than or equal to {max}")),
        Rule::Pattern(pattern) => {
            let text = value.as_str().unwrap_or_default();
            (!pattern.matches(text)).then(|| {
                format!(
                    "Member must satisfy regular expression pattern: {}",
                    pattern.text()
                )
            })
        }
        Rule::Enum(values) => {
            let text = value.as_str().unwrap_or_default();
            (!values.contains(&text)).then(|| {
                format!(
                    "Member must satisfy enum value set: [{}]",
                    values.join(", ")
                )
            })
        }
    }
}

/// An Integer member's value as AWS's front end reads it: floored, then held to a Java `int`.
pub fn integer_value(value: &Value) -> i64 {
    let number = value
        .as_i64()
        .map(|n| n as f64)
        .or_else(|| value.as_f64())
        .unwrap_or(0.0)
        .floor();
    number.clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i64
}

/// How AWS prints a value in a validation message.
fn render(value: &Value, ty: Type) -> String {
    match (ty, value) {
        (Type::Blob, Value::String(text)) => {
            let len = blob_len(text);
            format!("'java.nio.HeapByteBuffer[pos=0 lim={len} cap={len}]'")
        }
        (Type::List(_, member_str), Value::Array(items)) => {
            let shown: Vec<String> = items
                .iter()
                .map(|item| {
                    if member_str.is_empty() {
                        plain(item)
                    } else {
                        member_str.to_string()
                    }
                })
                .collect();
            format!("'[{}]'", shown.join(", "))
        }
        (Type::Integer, Value::Number(_)) => format!("'{}'", integer_value(value)),
        (_, value) => format!("'{}'", plain(value)),
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static SHAPE: [Member; 2] = [
        Member {
            name: "PartitionKey",
            ty: Type::String,
            rules: &[Rule::NotNull, Rule::MinLength(1), Rule::MaxLength(256)],
        },
        Member {
            name: "StreamName",
            ty: Type::String,
            rules: &[
                Rule::NotNull,
                Rule::Pattern(Pattern::Name),
                Rule::MinLength(1),
                Rule::MaxLength(128),
            ],
        },
    ];

    #[test]
    fn wrong_types_are_serialization_errors() {
        let error = check(&json!({"StreamName": 5}), &SHAPE).unwrap_err();
        assert_eq!(error.kind(), "SerializationException");
        assert_eq!(error.message(), "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String");
    }

    #[test]
    fn constraint_failures_are_listed_in_aws_wording() {
        let error = check(&json!({"PartitionKey": "k".repeat(257)}), &SHAPE).unwrap_err();
        assert_eq!(error.kind(), "ValidationException");
        assert_eq!(
            error.message(),
            format!(
                "2 validation errors detected: Value '{}' at 'partitionKey' failed to satisfy constraint: \
                 Member must have length less than or equal to 256; Value null at 'streamName' failed to \
                 satisfy constraint: Member must not be null",
                "k".repeat(257)
            )
        );
    }

    #[test]
    fn patterns_match_like_the_model() {
        assert!(Pattern::HashKey.matches("0"));
        assert!(Pattern::HashKey.matches(&"9".repeat(39)));
        assert!(!Pattern::HashKey.matches(&"9".repeat(40)));
        assert!(!Pattern::HashKey.matches("01"));
        assert!(Pattern::Name.matches("my.stream_1-x"));
        assert!(!Pattern::Name.matches("my stream"));
        let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/Foo";
        assert!(Pattern::StreamArn.matches(arn));
        assert!(Pattern::StreamArn.matches("arn:aws-cn:kinesis:cn-north-1:123456789012:stream/a"));
        assert!(!Pattern::StreamArn.matches("arn:aws:kinesis:us-east-1:12345678901:stream/Foo"));
        assert!(!Pattern::StreamArn.matches("arn:aws:kinesis:us-east-1:123456789012:stream/"));
        assert!(!Pattern::StreamArn.matches("arn:aws:kinesis:us-east-1:123456789012:stream/a b"));
        assert!(!Pattern::StreamArn.matches("arn:aws:sqs:us-east-1:123456789012:stream/Foo"));
        assert!(!Pattern::StreamArn.matches("Foo"));
        let consumer = "arn:aws:kinesis:us-east-1:123456789012:stream/Foo/consumer/app:1700000002";
        assert!(Pattern::ConsumerArn.matches(consumer));
        assert!(!Pattern::ConsumerArn.matches(arn));
        assert!(!Pattern::ConsumerArn.matches(&consumer.replace(":1700000002", ":")));
        assert!(!Pattern::ConsumerArn.matches(&consumer.replace("/app:", "/a b:")));
        assert!(!Pattern::ConsumerArn.matches(&consumer.replace("123456789012", "12345")));
    }

    #[test]
    fn base64_problems_are_named() {
        for (text, why) in [
            (
                "abc",
                "Base64 encoded length is expected a multiple of 4 bytes but found: 3",
            ),
            ("ab!c", "Invalid Base64 character: '!'"),
        ] {
            let error = check_base64(text).unwrap_err();
            assert!(error.message().ends_with(why), "{}", error.message());
        }
        assert!(check_base64("aGVsbG8=").is_ok());
        assert_eq!(blob_len("aGVsbG8="), 5);
    }
}
