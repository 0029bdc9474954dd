//! Python's `json.loads` (CPython 3.11, its C scanner), for the JSON a learner types after
//! `--records` or `--shard-filter` and in a `--query`'s backquoted literal: the same values (members in the order given, a repeated
//! key keeping its first place and its last value, `NaN` and `Infinity` accepted) and the
//! same errors, which the CLI prints after "Invalid JSON: ": `Expecting value: line 1
//! column 2 (char 1)`, "Expecting ',' delimiter", "Unterminated string starting at", ...
//! Positions count characters, as Python's string indexes do.

use serde_json::{Map, Number, Value};

/// `json.JSONDecodeError`'s text: the message and where.
fn error(text: &[char], message: &str, at: usize) -> String {
    let before = &text[..at.min(text.len())];
    let line = before.iter().filter(|&&c| c == '\n').count() + 1;
    let column = match before.iter().rposition(|&c| c == '\n') {
        Some(newline) => at - newline,
        None => at + 1,
    };
    format!("{message}: line {line} column {column} (char {at})")
}

/// Parses `text` as `json.loads(text, object_pairs_hook=OrderedDict)` does.
pub(crate) fn loads(text: &str) -> Result<Value, String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.first() == Some(&'\u{feff}') {
        return Err(error(
            &chars,
            "Unexpected UTF-8 BOM (decode using utf-8-sig)",
            0,
        ));
    }
    let mut scanner = Scanner { text: &chars };
    let start = scanner.whitespace(0);
    let (value, end) = scanner
        .scan(start)
        .map_err(|failure| failure.text(&chars))?;
    let end = scanner.whitespace(end);
    if end != chars.len() {
        return Err(error(&chars, "Extra data", end));
    }
    Ok(value)
}

/// Why scanning stopped: no value at a place (`StopIteration`), or a decode error.
enum Stop {
    NoValue(usize),
    Error(String),
}

impl Stop {
    fn text(self, chars: &[char]) -> String {
        match self {
            Stop::NoValue(at) => error(chars, "Expecting value", at),
            Stop::Error(text) => text,
        }
    }
}

struct Scanner<'a> {
    text: &'a [char],
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

impl Scanner<'_> {
    fn at(&self, index: usize) -> Option<char> {
        self.text.get(index).copied()
    }

    fn whitespace(&self, mut index: usize) -> usize {
        while self.at(index).is_some_and(is_ws) {
            index += 1;
        }
        index
    }

    fn fail(&self, message: &str, at: usize) -> Stop {
        Stop::Error(error(self.text, message, at))
    }

    fn starts(&self, index: usize, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(i, c)| self.at(index + i) == Some(c))
    }

    /// `scan_once`: one value at `index`, and where it ends.
    fn scan(&mut self, index: usize) -> Result<(Value, usize), Stop> {
        let Some(c) = self.at(index) else {
            return Err(Stop::NoValue(index));
        };
        match c {
            '"' => self
                .string(index + 1)
                .map(|(s, end)| (Value::String(s), end)),
            '{' => self.object(index + 1),
            '[' => self.array(index + 1),
            'n' if self.starts(index, "null") => Ok((Value::Null, index + 4)),
            't' if self.starts(index, "true") => Ok((Value::Bool(true), index + 4)),
            'f' if self.starts(index, "false") => Ok((Value::Bool(false), index + 5)),
            // Python reads NaN and the infinities; JSON values here cannot hold them.
            'N' if self.starts(index, "NaN") => Ok((Value::Null, index + 3)),
            'I' if self.starts(index, "Infinity") => Ok((Value::Null, index + 8)),
            '-' if self.starts(index, "-Infinity") => Ok((Value::Null, index + 9)),
            _ => self.number(index),
        }
    }

    /// `NUMBER_RE`: `(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?`.
    fn number(&self, index: usize) -> Result<(Value, usize), Stop> {
        let digit = |i: usize| self.at(i).is_some_and(|c| c.is_ascii_digit());
        let mut end = index;
        if self.at(end) == Some('-') {
            end += 1;
        }
        match self.at(end) {
            Some('0') => end += 1,
            Some('1'..='9') => {
                while digit(end) {
                    end += 1;
                }
            }
            _ => return Err(Stop::NoValue(index)),
        }
        let integer_end = end;
        if self.at(end) == Some('.') && digit(end + 1) {
            end += 1;
            while digit(end) {
                end += 1;
            }
        }
        if matches!(self.at(end), Some('e' | 'E')) {
            let mut exp = end + 1;
            if matches!(self.at(exp), Some('+' | '-')) {
                exp += 1;
            }
            if digit(exp) {
                while digit(exp) {
                    exp += 1;
                }
                end = exp;
            }
        }
        let text: String = self.text[index..end].iter().collect();
        let value = if end == integer_end {
            text.parse::<i64>()
                .map(Value::from)
                .or_else(|_| text.parse::<u64>().map(Value::from))
                .unwrap_or_else(|_| float(text.parse().unwrap_or(f64::INFINITY)))
        } else {
            float(text.parse().unwrap_or(f64::INFINITY))
        };
        Ok((value, end))
    }

    /// `scanstring`, just after the opening quote.
    fn string(&self, mut index: usize) -> Result<(String, usize), Stop> {
        let begin = index - 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.at(index) else {
                return Err(self.fail("Unterminated string starting at", begin));
            };
            match c {
                '"' => return Ok((out, index + 1)),
                '\\' => {
                    let Some(escape) = self.at(index + 1) else {
                        return Err(self.fail("Unterminated string starting at", begin));
                    };
                    if escape == 'u' {
                        let (unit, next) = self.hex4(index + 2)?;
                        index = next;
                        let mut code = unit;
                        if (0xd800..=0xdbff).contains(&unit)
                            && self.at(index) == Some('\\')
                            && self.at(index + 1) == Some('u')
                        {
                            let (low, after) = self.hex4(index + 2)?;
                            if (0xdc00..=0xdfff).contains(&low) {
                                code = 0x10000 + (((unit - 0xd800) << 10) | (low - 0xdc00));
                                index = after;
                            }
                        }
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        continue;
                    }
                    out.push(match escape {
                        '"' => '"',
                        '\\' => '\\',
                        '/' => '/',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        _ => return Err(self.fail("Invalid \\escape", index)),
                    });
                    index += 2;
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.fail("Invalid control character at", index))
                }
                c => {
                    out.push(c);
                    index += 1;
                }
            }
        }
    }

    /// Four hex digits of a `\u` escape starting at `index`.
    fn hex4(&self, index: usize) -> Result<(u32, usize), Stop> {
        let bad = || self.fail("Invalid \\uXXXX escape", index - 1);
        if index + 4 > self.text.len() {
            return Err(bad());
        }
        let mut code = 0;
        for i in index..index + 4 {
            code = code * 16 + self.at(i).and_then(|c| c.to_digit(16)).ok_or_else(bad)?;
        }
        Ok((code, index + 4))
    }

    fn object(&mut self, mut index: usize) -> Result<(Value, usize), Stop> {
        let mut map = Map::new();
        let mut next = self.at(index);
        if next != Some('"') {
            index = self.whitespace(index);
            next = self.at(index);
            if next == Some('}') {
                return Ok((Value::Object(map), index + 1));
            }
            if next != Some('"') {
                return Err(self.fail("Expecting property name enclosed in double quotes", index));
            }
        }
        index += 1;
        loop {
            let (key, end) = self.string(index)?;
            index = end;
            if self.at(index) != Some(':') {
                index = self.whitespace(index);
                if self.at(index) != Some(':') {
                    return Err(self.fail("Expecting ':' delimiter", index));
                }
            }
            index = self.whitespace(index + 1);
            let (value, end) = self.scan(index)?;
            map.insert(key, value);
            index = self.whitespace(end);
            let next = self.at(index);
            index += 1;
            match next {
                Some('}') => return Ok((Value::Object(map), index)),
                Some(',') => {}
                _ => return Err(self.fail("Expecting ',' delimiter", index - 1)),
            }
            index = self.whitespace(index);
            if self.at(index) != Some('"') {
                return Err(self.fail("Expecting property name enclosed in double quotes", index));
            }
            index += 1;
        }
    }

    fn array(&mut self, mut index: usize) -> Result<(Value, usize), Stop> {
        let mut items = Vec::new();
        index = self.whitespace(index);
        if self.at(index) == Some(']') {
            return Ok((Value::Array(items), index + 1));
        }
        loop {
            let (value, end) = self.scan(index)?;
            items.push(value);
            index = self.whitespace(end);
            let next = self.at(index);
            index += 1;
            match next {
                Some(']') => return Ok((Value::Array(items), index)),
                Some(',') => {}
                _ => return Err(self.fail("Expecting ',' delimiter", index - 1)),
            }
            index = self.whitespace(index);
        }
    }
}

/// Python's `json.dumps(value)` (`ensure_ascii`), with its default separators `, ` and
/// `: `, or the compact `,` and `:`.
pub(crate) fn dumps(value: &Value, compact: bool) -> String {
    let (item, key) = if compact { (",", ":") } else { (", ", ": ") };
    match value {
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}{key}{}", dumps_str(k), dumps(v, compact)))
                .collect::<Vec<_>>()
                .join(item)
        ),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| dumps(v, compact))
                .collect::<Vec<_>>()
                .join(item)
        ),
        Value::String(text) => dumps_str(text),
        Value::Number(n) if n.is_f64() => float_repr(n.as_f64().unwrap_or_default()),
        other => other.to_string(),
    }
}

/// A JSON string as Python's `json.dumps` writes it: `\uXXXX` for anything not ASCII.
fn dumps_str(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Python's `repr(float)`: the shortest digits that read back, in fixed notation while the
/// decimal point is between 4 places left and 16 places right of the first digit, else as
/// `1e+16` (with a two-digit exponent at least).
pub(crate) fn float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .to_string();
    }
    let scientific = format!("{:e}", value.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if value < 0.0 { "-" } else { "" };
    let decpt = exponent + 1;
    if !(-3..=16).contains(&decpt) {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{fraction}e{esign}{:02}", exponent.abs());
    }
    let n = digits.len() as i32;
    if decpt <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt >= n {
        format!("{sign}{digits}{}.0", "0".repeat((decpt - n) as usize))
    } else {
        let (whole, fraction) = digits.split_at(decpt as usize);
        format!("{sign}{whole}.{fraction}")
    }
}

fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// Python's `str(value)` of a value read by [`loads`]: what the CLI's messages, botocore's
/// validation and jmespath.py's errors print.
pub(crate) fn py_str(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => py_repr(other),
    }
}

/// Python's `repr(value)`: `None`, `True`, floats as [`float_repr`], strings quoted as
/// Python quotes them.
fn py_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(n) if n.is_f64() => float_repr(n.as_f64().unwrap_or_default()),
        Value::Number(n) => n.to_string(),
        Value::String(text) => crate::script::aws_cli::py_repr(text),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(py_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", crate::script::aws_cli::py_repr(k), py_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each against CPython 3.11's `json.loads` (the texts it printed for the same input).
    #[test]
    fn errors_read_as_pythons() {
        let cases = [
            ("", "Expecting value: line 1 column 1 (char 0)"),
            ("[1,", "Expecting value: line 1 column 4 (char 3)"),
            ("[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
            (
                "{\"a\"",
                "Expecting ':' delimiter: line 1 column 5 (char 4)",
            ),
            (
                "{\"a\":1",
                "Expecting ',' delimiter: line 1 column 7 (char 6)",
            ),
            (
                "{\"a\":1,}",
                "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)",
            ),
            (
                "{a:1}",
                "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
            ),
            (
                "\"abc",
                "Unterminated string starting at: line 1 column 1 (char 0)",
            ),
            ("\"a\\x\"", "Invalid \\escape: line 1 column 3 (char 2)"),
            (
                "\"a\\u12\"",
                "Invalid \\uXXXX escape: line 1 column 4 (char 3)",
            ),
            (
                "\"a\nb\"",
                "Invalid control character at: line 1 column 3 (char 2)",
            ),
            ("[1] x", "Extra data: line 1 column 5 (char 4)"),
            ("01", "Extra data: line 1 column 2 (char 1)"),
            ("['a']", "Expecting value: line 1 column 2 (char 1)"),
        ];
        for (input, expected) in cases {
            assert_eq!(loads(input).unwrap_err(), expected, "{input:?}");
        }
        assert_eq!(
            loads("{\"b\":1,\"a\":2,\"b\":3}").unwrap().to_string(),
            "{\"b\":3,\"a\":2}"
        );
        assert_eq!(loads(" [1.0, -0, 5] ").unwrap().to_string(), "[1.0,0,5]");
    }

    /// Each as CPython 3.11's `repr` prints it.
    #[test]
    fn floats_as_python_prints_them() {
        for (value, expected) in [
            (1767225600.0, "1767225600.0"),
            (1459799926.48, "1459799926.48"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5, "-2.5"),
            (1.5e300, "1.5e+300"),
            (0.1, "0.1"),
            (123.0, "123.0"),
        ] {
            assert_eq!(float_repr(value), expected, "{value}");
        }
    }
}
