//! Structures, maps and lists on the command line, as the CLI reads them: JSON when the text
//! starts with `{` or `[`, otherwise the CLI's shorthand (`Type=AT_LATEST`,
//! `Data=hi,PartitionKey=k1 Data=yo,PartitionKey=k2`).
//!
//! Ported from awscli 1.46.3: `awscli/shorthand.py` (`ShorthandParser`, its error texts, and
//! `BackCompatVisitor`, which turns numbers and booleans into their types from the model and
//! lone values into lists) and `awscli/argprocess.py` (`ParamShorthandParser.
//! _should_parse_as_shorthand`, `_unpack_complex_cli_arg`, `ParamError`'s "Error parsing
//! parameter"). JSON is read as Python's `json.loads` reads it, with its error texts
//! (`pyjson.rs`).

use serde_json::{Map, Value};

use super::argparse::{py_repr, python_int};
use super::model::{self, Shape};
use super::{CliVersion, Failure};
use crate::script::pyjson;

/// `ParamError`: "Error parsing parameter '--flag': ...".
fn param_error(flag: &str, message: impl std::fmt::Display) -> Failure {
    Failure::Param(format!("Error parsing parameter '{flag}': {message}"))
}

/// A structure or map given as one word.
pub(super) fn structure(
    flag: &str,
    text: &str,
    shape: Shape,
    version: CliVersion,
) -> Result<Value, Failure> {
    if looks_like_json(text) {
        // `_unpack_complex_cli_arg`: a structure or a map must be a JSON object.
        return match text.trim_start().starts_with('{') {
            true => json(flag, text),
            false => Err(param_error(flag, format!("Invalid JSON:\n{text}"))),
        };
    }
    let mut parsed = Value::Object(
        ShorthandParser::new(text, version)
            .parse()
            .map_err(|e| param_error(flag, e))?,
    );
    back_compat(&mut parsed, shape).map_err(|e| param_error(flag, e))?;
    Ok(parsed)
}

/// A list given as words (`nargs='*'`).
pub(super) fn list(
    flag: &str,
    words: &[String],
    shape: Shape,
    version: CliVersion,
) -> Result<Value, Failure> {
    let Shape::List { member, .. } = shape else {
        return Err(param_error(flag, "not a list"));
    };
    let member_shape = model::shape(member).unwrap_or(Shape::String { min: None });
    let complex = matches!(
        member_shape,
        Shape::Structure { .. } | Shape::List { .. } | Shape::Map { .. }
    );
    if words.first().is_some_and(|w| looks_like_json(w)) || !complex {
        // `_unpack_complex_cli_arg` for a list.
        if let [only] = words {
            if only.trim().starts_with('[') {
                return json(flag, only);
            }
        }
        return words
            .iter()
            .map(|word| match member_shape {
                Shape::Structure { .. } | Shape::Map { .. } => {
                    if word.trim_start().starts_with('{') {
                        json(flag, word)
                    } else {
                        Err(param_error(flag, format!("Invalid JSON:\n{word}")))
                    }
                }
                _ => Ok(Value::String(word.clone())),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    let mut items = Vec::with_capacity(words.len());
    for word in words {
        items.push(Value::Object(
            ShorthandParser::new(word, version)
                .parse()
                .map_err(|e| param_error(flag, e))?,
        ));
    }
    let mut parsed = Value::Array(items);
    back_compat(&mut parsed, shape).map_err(|e| param_error(flag, e))?;
    Ok(parsed)
}

fn looks_like_json(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.starts_with('[') || trimmed.starts_with('{')
}

/// `_unpack_json_cli_arg`: Python's `json.loads`, or "Invalid JSON: ...".
fn json(flag: &str, text: &str) -> Result<Value, Failure> {
    pyjson::loads(text)
        .map_err(|e| param_error(flag, format!("Invalid JSON: {e}\nJSON received: {text}")))
}

/// `BackCompatVisitor`: numbers and booleans by the model, a lone value where a list goes
/// becomes a list of one.
fn back_compat(value: &mut Value, shape: Shape) -> Result<(), String> {
    match shape {
        Shape::Structure { members, .. } => {
            if let Value::Object(map) = value {
                for (member, member_shape) in members {
                    let Some(inner_shape) = model::shape(member_shape) else {
                        continue;
                    };
                    if let Some(inner) = map.get_mut(*member) {
                        back_compat(inner, inner_shape)?;
                    }
                }
            }
        }
        Shape::List { member, .. } => match value {
            Value::Array(items) => {
                if let Some(member_shape) = model::shape(member) {
                    for item in items {
                        back_compat(item, member_shape)?;
                    }
                }
            }
            Value::Null => {}
            other => *other = Value::Array(vec![other.take()]),
        },
        Shape::Map {
            value: value_shape, ..
        } => {
            if let (Value::Object(map), Some(inner_shape)) = (value, model::shape(value_shape)) {
                for inner in map.values_mut() {
                    back_compat(inner, inner_shape)?;
                }
            }
        }
        Shape::Integer { .. } | Shape::Long { .. } => {
            if let Value::String(text) = value {
                let n = python_int(text).ok_or_else(|| {
                    format!("invalid literal for int() with base 10: {}", py_repr(text))
                })?;
                *value = i64::try_from(n).map_or_else(|_| Value::from(n as f64), Value::from);
            }
        }
        Shape::Boolean => {
            if let Value::String(text) = value {
                match text.to_lowercase().as_str() {
                    "true" => *value = Value::Bool(true),
                    "false" => *value = Value::Bool(false),
                    _ => {}
                }
            }
        }
        Shape::String { .. } | Shape::Blob | Shape::Timestamp => {}
    }
    Ok(())
}

/// awscli's `ShorthandParser`, over the text's characters (Python indexes code points).
struct ShorthandParser {
    text: Vec<char>,
    index: usize,
    /// v2 puts a space before the input in a syntax error (its shorthand.py).
    version: CliVersion,
}

/// Where a `ShorthandParseError` points: the input and a caret (`_error_location`).
fn error_location(text: &[char], index: usize) -> String {
    let before: String = text[..index.min(text.len())].iter().collect();
    let after: String = text[index.min(text.len())..].iter().collect();
    let all: String = text.iter().collect();
    let mut consumed = all.clone();
    let mut remaining = String::new();
    let mut spaces = index;
    if let Some(last) = before.rfind('\n') {
        spaces = index - before[..last].chars().count() - 1;
    }
    if let Some(next) = after.find('\n') {
        let at = before.len() + next;
        consumed = all[..at].to_string();
        remaining = all[at..].to_string();
    }
    format!("{consumed}\n{}^{remaining}", " ".repeat(spaces))
}

impl ShorthandParser {
    fn new(text: &str, version: CliVersion) -> ShorthandParser {
        ShorthandParser {
            text: text.chars().collect(),
            index: 0,
            version,
        }
    }

    fn syntax_error(&self, expected: &str, actual: &str) -> String {
        let space = if self.version == CliVersion::V2 {
            " "
        } else {
            ""
        };
        format!(
            "Expected: '{expected}', received: '{actual}' for input:\n{space}{}",
            error_location(&self.text, self.index)
        )
    }

    fn parse(mut self) -> Result<Map<String, Value>, String> {
        let mut params = Map::new();
        let (key, value) = self.keyval()?;
        params.insert(key, value);
        let mut last = self.index;
        while self.index < self.text.len() {
            self.expect(',', true)?;
            let (key, value) = self.keyval()?;
            if params.contains_key(&key) {
                return Err(format!(
                    "Second instance of key \"{key}\" encountered for input:\n{}\nThis is often because there is a preceding \",\" instead of a space.",
                    error_location(&self.text, last + 1)
                ));
            }
            params.insert(key, value);
            last = self.index;
        }
        Ok(params)
    }

    fn keyval(&mut self) -> Result<(String, Value), String> {
        let key = self.key();
        // `@=` reads the value from a file, which Shardlab cannot.
        let _ = self.expect('@', true);
        self.expect('=', true)?;
        Ok((key, self.values()?))
    }

    fn key(&mut self) -> String {
        let start = self.index;
        while let Some(&c) = self.text.get(self.index) {
            if !(c.is_ascii_alphanumeric() || "-_.#/:".contains(c)) {
                break;
            }
            self.index += 1;
        }
        self.text[start..self.index].iter().collect()
    }

    fn values(&mut self) -> Result<Value, String> {
        match self.current() {
            None => Ok(Value::String(String::new())),
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            Some(_) => self.csv_value(),
        }
    }

    fn csv_value(&mut self) -> Result<Value, String> {
        let first = self.first_value()?;
        self.consume_whitespace();
        if self.current() != Some(',') {
            return Ok(first);
        }
        self.expect(',', true)?;
        let mut list = vec![first.clone()];
        loop {
            match self.second_value() {
                Ok(current) => {
                    self.consume_whitespace();
                    if self.at_eof() {
                        list.push(current);
                        break;
                    }
                    match self.expect(',', true) {
                        Ok(()) => list.push(current),
                        Err(error) => {
                            if self.at_eof() {
                                return Err(error);
                            }
                            self.backtrack_to(',');
                            break;
                        }
                    }
                }
                Err(error) => {
                    if self.at_eof() {
                        return Err(error);
                    }
                    self.backtrack_to(',');
                    break;
                }
            }
        }
        Ok(if list.len() == 1 {
            first
        } else {
            Value::Array(list)
        })
    }

    /// `_FIRST_VALUE`: a word of the first value, `\,` an escaped comma.
    fn value(&mut self) -> Value {
        let consumed = self.consume_word(is_start_char, is_first_follow_char);
        Value::String(consumed.replace("\\,", ",").trim_end().to_string())
    }

    fn explicit_list(&mut self) -> Result<Value, String> {
        self.expect('[', true)?;
        let mut values = Vec::new();
        while self.current() != Some(']') {
            values.push(self.explicit_values()?);
            self.consume_whitespace();
            if self.current() != Some(']') {
                self.expect(',', false)?;
                self.consume_whitespace();
            }
        }
        self.expect(']', false)?;
        Ok(Value::Array(values))
    }

    fn explicit_values(&mut self) -> Result<Value, String> {
        match self.current() {
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            _ => self.first_value(),
        }
    }

    fn hash_literal(&mut self) -> Result<Value, String> {
        self.expect('{', true)?;
        let mut map = Map::new();
        while self.current() != Some('}') {
            let key = self.key();
            let _ = self.expect('@', true);
            self.expect('=', true)?;
            let value = self.explicit_values()?;
            self.consume_whitespace();
            if self.current() != Some('}') {
                self.expect(',', false)?;
                self.consume_whitespace();
            }
            map.insert(key, value);
        }
        self.expect('}', false)?;
        Ok(Value::Object(map))
    }

    fn first_value(&mut self) -> Result<Value, String> {
        match self.current() {
            Some('\'') => self.quoted('\'', "singled quoted"),
            Some('"') => self.quoted('"', "double quoted"),
            _ => Ok(self.value()),
        }
    }

    fn second_value(&mut self) -> Result<Value, String> {
        match self.current() {
            Some('\'') => self.quoted('\'', "singled quoted"),
            Some('"') => self.quoted('"', "double quoted"),
            _ => {
                let consumed = self.consume_word(is_start_char, is_second_follow_char);
                if consumed.is_empty() {
                    return Err(self.syntax_error("<second>", "<none>"));
                }
                Ok(Value::String(
                    consumed.replace("\\,", ",").trim_end().to_string(),
                ))
            }
        }
    }

    /// A quoted value (`'(?:\\'|[^'])*'`), its escaped quotes and backslashes undone.
    fn quoted(&mut self, quote: char, name: &str) -> Result<Value, String> {
        let start = self.index;
        let mut at = start + 1;
        loop {
            match self.text.get(at) {
                None => {
                    return Err(self.syntax_error(&format!("<{name}>"), "<none>"));
                }
                Some('\\') if self.text.get(at + 1) == Some(&quote) => at += 2,
                Some(&c) if c == quote => break,
                Some(_) => at += 1,
            }
        }
        let inner: String = self.text[start + 1..at].iter().collect();
        self.index = at + 1;
        Ok(Value::String(
            inner
                .replace(&format!("\\{quote}"), &quote.to_string())
                .replace("\\\\", "\\"),
        ))
    }

    /// A regex match of `(\\,|[start])(\\,|[follow])*` at the current place (empty if none).
    fn consume_word(&mut self, start: fn(char) -> bool, follow: fn(char) -> bool) -> String {
        let begin = self.index;
        let mut at = self.index;
        let mut first = true;
        loop {
            let escaped = self.text.get(at) == Some(&'\\') && self.text.get(at + 1) == Some(&',');
            if escaped {
                at += 2;
            } else if self
                .text
                .get(at)
                .is_some_and(|&c| if first { start(c) } else { follow(c) })
            {
                at += 1;
            } else {
                break;
            }
            first = false;
        }
        self.index = at;
        self.text[begin..at].iter().collect()
    }

    fn expect(&mut self, c: char, whitespace: bool) -> Result<(), String> {
        if whitespace {
            self.consume_whitespace();
        }
        match self.current() {
            None => return Err(self.syntax_error(&c.to_string(), "EOF")),
            Some(actual) if actual != c => {
                return Err(self.syntax_error(&c.to_string(), &actual.to_string()))
            }
            Some(_) => self.index += 1,
        }
        if whitespace {
            self.consume_whitespace();
        }
        Ok(())
    }

    fn current(&self) -> Option<char> {
        self.text.get(self.index).copied()
    }

    fn at_eof(&self) -> bool {
        self.index >= self.text.len()
    }

    fn backtrack_to(&mut self, c: char) {
        while self.index > 0 && self.text.get(self.index) != Some(&c) {
            self.index -= 1;
        }
    }

    fn consume_whitespace(&mut self) {
        while self
            .current()
            .is_some_and(|c| " \t\n\r\x0b\x0c".contains(c))
        {
            self.index += 1;
        }
    }
}

/// `_START_WORD`: `[!#-&(-+\--<>-Z\\-z|-\uffff]`.
fn is_start_char(c: char) -> bool {
    matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='Z' | '\\'..='z' | '|'..='\u{ffff}')
}

/// `_FIRST_FOLLOW_CHARS`: `[\s!#-&(-+\--\\\\^-|~-\uffff]`.
fn is_first_follow_char(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='\\' | '^'..='|' | '~'..='\u{ffff}')
}

/// `_SECOND_FOLLOW_CHARS`: `[\s!#-&(-+\--<>-\uffff]`.
fn is_second_follow_char(c: char) -> bool {
    c.is_whitespace() || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shape(name: &str) -> Shape {
        model::shape(name).unwrap()
    }

    #[test]
    fn shorthand_as_the_cli_reads_it() {
        assert_eq!(
            structure(
                "--shard-filter",
                "Type=AT_LATEST",
                shape("ShardFilter"),
                CliVersion::V1
            )
            .unwrap(),
            json!({"Type": "AT_LATEST"})
        );
        let words = [
            "Data=hi,PartitionKey=k1".to_string(),
            "Data=yo,PartitionKey=k2".to_string(),
        ];
        assert_eq!(
            list(
                "--records",
                &words,
                shape("PutRecordsRequestEntryList"),
                CliVersion::V1
            )
            .unwrap(),
            json!([{"Data": "hi", "PartitionKey": "k1"}, {"Data": "yo", "PartitionKey": "k2"}])
        );
        // awscli/shorthand.py's own error (observed: aws kinesis list-shards --shard-filter Type).
        assert_eq!(
            structure("--shard-filter", "Type", shape("ShardFilter"), CliVersion::V1).unwrap_err(),
            Failure::Param(
                "Error parsing parameter '--shard-filter': Expected: '=', received: 'EOF' for input:\nType\n    ^"
                    .to_string()
            )
        );
    }
}
