//! Printing responses as the AWS CLI does: `--query` (JMESPath, as jmespath.py runs it, see
//! [`super::jmespath`]), then `--output json` (4-space indented JSON, keys in the response's
//! order, as Python's `json.dump` writes it) or `--output text` (tab-separated, the CLI's own
//! layout rules, ported from awscli's `text.py`).

use serde_json::Value;

use super::{jmespath, pyjson};

/// The CLI's output formats that Shardlab prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    Text,
}

impl OutputFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "json" => Some(OutputFormat::Json),
            "text" => Some(OutputFormat::Text),
            _ => None,
        }
    }
}

/// Checks a `--query` as the CLI compiles it before running anything: `Err` is
/// jmespath.py's error text.
pub fn compile(expression: &str) -> Result<(), String> {
    jmespath::compile(expression).map(|_| ())
}

/// Applies a JMESPath expression, as `--query` does: a bad expression is the CLI's "Bad
/// value for --query", an error while searching (an unknown function, a wrong argument) is
/// jmespath.py's own text.
pub fn query(value: &Value, expression: &str) -> Result<Value, String> {
    let node = jmespath::compile(expression)
        .map_err(|e| format!("Bad value for --query {expression}: {e}"))?;
    jmespath::search(&node, value)
}

/// Python's `json.dump(indent=4)`: serde's pretty printer, with floats as Python writes them
/// (`1e+16`, not `1e16`).
struct PythonFormatter(serde_json::ser::PrettyFormatter<'static>);

macro_rules! delegate {
    ($($name:ident $(, $arg:ident: $ty:ty)*;)*) => {
        $(
            fn $name<W: ?Sized + std::io::Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> std::io::Result<()> {
                self.0.$name(writer $(, $arg)*)
            }
        )*
    };
}

impl serde_json::ser::Formatter for PythonFormatter {
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        writer.write_all(pyjson::float_repr(value).as_bytes())
    }

    delegate! {
        begin_array;
        end_array;
        begin_array_value, first: bool;
        end_array_value;
        begin_object;
        end_object;
        begin_object_key, first: bool;
        begin_object_value;
        end_object_value;
    }
}

/// JSON as the CLI prints it (`json.dump(..., indent=4, ensure_ascii=False)`): four spaces
/// of indent, floats as Python writes them, a newline at the end.
pub fn json(value: &Value) -> String {
    let mut out = Vec::new();
    let formatter = PythonFormatter(serde_json::ser::PrettyFormatter::with_indent(b"    "));
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    if serde::Serialize::serialize(value, &mut serializer).is_err() {
        return String::new();
    }
    let mut text = String::from_utf8(out).unwrap_or_default();
    text.push('\n');
    text
}

/// Formats a response (or a query result) in the requested format.
pub fn render(value: &Value, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json(value),
        OutputFormat::Text => {
            let mut out = String::new();
            text(value, None, None, &mut out);
            out
        }
    }
}

/// How Python's `str()` shows a scalar, which is what the text format prints.
fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_f64() => pyjson::float_repr(n.as_f64().unwrap_or_default()),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_))
}

fn text(value: &Value, identifier: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut scalars = Vec::new();
            let mut nested: Vec<(&String, &Value)> = Vec::new();
            match scalar_keys {
                None => {
                    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                    crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(b.0));
                    for (key, item) in entries {
                        if is_scalar(item) {
                            scalars.push(scalar(item));
                        } else {
                            nested.push((key, item));
                        }
                    }
                }
                Some(keys) => {
                    for key in keys {
                        scalars.push(map.get(key).map(scalar).unwrap_or_default());
                    }
                    let mut rest: Vec<(&String, &Value)> =
                        map.iter().filter(|(k, _)| !keys.contains(k)).collect();
                    crate::sort::sort_by(&mut rest, |a, b| a.0.cmp(b.0));
                    nested.extend(rest);
                }
            }
            if !scalars.is_empty() {
                if let Some(identifier) = identifier {
                    scalars.insert(0, identifier.to_uppercase());
                }
                out.push_str(&scalars.join("\t"));
                out.push('\n');
            }
            for (key, item) in nested {
                text(item, Some(key), None, out);
            }
        }
        Value::Array(items) => {
            if items.is_empty() {
                return;
            }
            if items.iter().any(|i| i.is_object()) {
                let mut keys: Vec<String> = items
                    .iter()
                    .filter_map(Value::as_object)
                    .flat_map(|m| {
                        m.iter()
                            .filter(|(_, v)| is_scalar(v))
                            .map(|(k, _)| k.clone())
                    })
                    .collect();
                crate::sort::sort(&mut keys);
                keys.dedup();
                for item in items {
                    text(item, identifier, Some(&keys), out);
                }
            } else if items.iter().any(|i| i.is_array()) {
                let scalars: Vec<&Value> = items.iter().filter(|i| is_scalar(i)).collect();
                if !scalars.is_empty() {
                    scalar_list(&scalars, identifier, out);
                }
                for item in items.iter().filter(|i| !is_scalar(i)) {
                    text(item, identifier, None, out);
                }
            } else {
                let scalars: Vec<&Value> = items.iter().collect();
                scalar_list(&scalars, identifier, out);
            }
        }
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar_list(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(identifier) => {
            for item in items {
                out.push_str(&format!(
                    "{}\t{}\n",
                    identifier.to_uppercase(),
                    scalar(item)
                ));
            }
        }
        None => {
            let joined: Vec<String> = items.iter().map(|i| scalar(i)).collect();
            out.push_str(&joined.join("\t"));
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_is_indented_by_four_and_keeps_key_order() {
        let value = json!({"ShardId": "shardId-000000000001", "SequenceNumber": "4959", "EncryptionType": "NONE"});
        assert_eq!(
            json(&value),
            "{\n    \"ShardId\": \"shardId-000000000001\",\n    \"SequenceNumber\": \"4959\",\n    \"EncryptionType\": \"NONE\"\n}\n"
        );
        assert_eq!(json(&json!({"Records": []})), "{\n    \"Records\": []\n}\n");
    }

    #[test]
    fn queries_pick_and_text_unquotes() {
        let value =
            json!({"ShardIterator": "AAAA", "Shards": [{"ShardId": "a"}, {"ShardId": "b"}]});
        assert_eq!(query(&value, "ShardIterator").unwrap(), json!("AAAA"));
        assert_eq!(
            render(&query(&value, "ShardIterator").unwrap(), OutputFormat::Text),
            "AAAA\n"
        );
        assert_eq!(
            query(&value, "Shards[].ShardId").unwrap(),
            json!(["a", "b"])
        );
        assert_eq!(render(&json!(["a", "b"]), OutputFormat::Text), "a\tb\n");
        assert!(query(&value, "Shards[")
            .unwrap_err()
            .starts_with("Bad value for --query Shards["));
    }

    #[test]
    fn text_output_follows_the_cli_layout() {
        let value = json!({"StreamNames": ["Foo", "Bar"], "HasMoreStreams": false});
        assert_eq!(
            render(&value, OutputFormat::Text),
            "False\nSTREAMNAMES\tFoo\nSTREAMNAMES\tBar\n"
        );
        let value = json!({"Shards": [{"ShardId": "s0", "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "9"}}]});
        assert_eq!(
            render(&value, OutputFormat::Text),
            "SHARDS\ts0\nHASHKEYRANGE\t9\t0\n"
        );
    }
}
