//! Botocore's client-side parameter validation: what the CLI refuses before it sends
//! anything, printed as "Parameter validation failed:" and one line per problem.
//!
//! Ported from botocore 1.43.62 `botocore/validate.py` (`ParamValidator`,
//! `ValidationErrors._format_error`): required members (in the model's `required` order),
//! unknown members, then each member given, in the order given; types; and only the `min`
//! of integers ("Invalid value for parameter ShardCount, value: 0, valid min value: 1") and
//! of the lengths of strings and lists ("Invalid length for parameter PartitionKey, value: 0,
//! valid min length: 1"). Botocore checks no `max`, pattern or enum: the service does.
//! Values are shown as Python's `str()` shows them.

use serde_json::Value;

use crate::script::pyjson::py_str;

use super::model::{self, Shape};

/// Validates `params` against the input shape `shape_name`; `Err` is the whole report.
pub(super) fn validate(params: &Value, shape_name: &str) -> Result<(), String> {
    let mut errors = Vec::new();
    if let Some(shape) = model::shape(shape_name) {
        check(params, shape, "", &mut errors);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "Parameter validation failed:\n{}",
            errors.join("\n")
        ))
    }
}

/// `_get_name`: the top level is "input", a leading `.` goes.
fn name_of(name: &str) -> &str {
    if name.is_empty() {
        "input"
    } else {
        name.strip_prefix('.').unwrap_or(name)
    }
}

fn invalid_type(value: &Value, name: &str, valid: &str, errors: &mut Vec<String>) {
    errors.push(format!(
        "Invalid type for parameter {}, value: {}, type: {}, valid types: {valid}",
        name_of(name),
        py_str(value),
        py_type(value)
    ));
}

/// `range_check`: only a `min`.
fn range(value: i128, min: Option<i64>, name: &str, what: &str, errors: &mut Vec<String>) {
    if let Some(min) = min {
        if value < i128::from(min) {
            errors.push(format!(
                "Invalid {what} for parameter {}, value: {value}, valid min {}: {min}",
                name_of(name),
                if what == "length" { "length" } else { "value" }
            ));
        }
    }
}

fn check(value: &Value, shape: Shape, name: &str, errors: &mut Vec<String>) {
    match shape {
        Shape::Structure { members, required } => {
            let Value::Object(map) = value else {
                return invalid_type(value, name, "<class 'dict'>", errors);
            };
            for member in required {
                if !map.contains_key(*member) {
                    errors.push(format!(
                        "Missing required parameter in {}: \"{member}\"",
                        name_of(name)
                    ));
                }
            }
            let valid: Vec<&str> = members.iter().map(|(m, _)| *m).collect();
            for key in map.keys() {
                if !valid.contains(&key.as_str()) {
                    errors.push(format!(
                        "Unknown parameter in {}: \"{key}\", must be one of: {}",
                        name_of(name),
                        valid.join(", ")
                    ));
                }
            }
            for (key, inner) in map {
                if let Some((_, inner_shape)) = model::member_shape(shape, key) {
                    check(inner, inner_shape, &format!("{name}.{key}"), errors);
                }
            }
        }
        Shape::List { member, min } => {
            let Value::Array(items) = value else {
                return invalid_type(value, name, "<class 'list'>, <class 'tuple'>", errors);
            };
            range(items.len() as i128, min, name, "length", errors);
            if let Some(member_shape) = model::shape(member) {
                for (i, item) in items.iter().enumerate() {
                    check(item, member_shape, &format!("{name}[{i}]"), errors);
                }
            }
        }
        Shape::Map {
            key,
            value: value_shape,
            ..
        } => {
            let Value::Object(map) = value else {
                return invalid_type(value, name, "<class 'dict'>", errors);
            };
            for (k, v) in map {
                if let Some(key_shape) = model::shape(key) {
                    check(
                        &Value::String(k.clone()),
                        key_shape,
                        &format!("{name} (key: {k})"),
                        errors,
                    );
                }
                if let Some(inner) = model::shape(value_shape) {
                    check(v, inner, &format!("{name}.{k}"), errors);
                }
            }
        }
        Shape::String { min } => match value {
            Value::String(text) => {
                range(text.chars().count() as i128, min, name, "length", errors);
            }
            _ => invalid_type(value, name, "<class 'str'>", errors),
        },
        Shape::Integer { min } | Shape::Long { min } => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                let n = n
                    .as_i64()
                    .map(i128::from)
                    .or_else(|| n.as_u64().map(i128::from))
                    .unwrap_or_default();
                range(n, min, name, "value", errors);
            }
            // `isinstance(True, int)`: Python's booleans are integers.
            Value::Bool(b) => range(i128::from(*b), min, name, "value", errors),
            _ => invalid_type(value, name, "<class 'int'>", errors),
        },
        Shape::Boolean => {
            if !value.is_boolean() {
                invalid_type(value, name, "<class 'bool'>", errors);
            }
        }
        Shape::Blob => {
            if !value.is_string() {
                invalid_type(
                    value,
                    name,
                    "<class 'bytes'>, <class 'bytearray'>, file-like object",
                    errors,
                );
            }
        }
        Shape::Timestamp => {
            let valid = match value {
                Value::String(text) => super::parse_timestamp(text).is_some(),
                Value::Number(_) => true,
                _ => false,
            };
            if !valid {
                invalid_type(
                    value,
                    name,
                    "<class 'datetime.datetime'>, timestamp-string",
                    errors,
                );
            }
        }
    }
}

/// Python's `type(value)` of a value read from the command line.
fn py_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "<class 'NoneType'>",
        Value::Bool(_) => "<class 'bool'>",
        Value::Number(n) if n.is_f64() => "<class 'float'>",
        Value::Number(_) => "<class 'int'>",
        Value::String(_) => "<class 'str'>",
        Value::Array(_) => "<class 'list'>",
        Value::Object(_) => "<class 'dict'>",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The texts aws-cli 1.46.3 printed for the same parameters (against kinesalite, which
    /// they never reached).
    #[test]
    fn reports_as_botocore() {
        assert_eq!(
            validate(&json!({"StreamName": "Bar", "ShardCount": 0}), "CreateStreamInput"),
            Err("Parameter validation failed:\nInvalid value for parameter ShardCount, value: 0, valid min value: 1".to_string())
        );
        assert_eq!(
            validate(&json!({"StreamName": "", "Data": "x", "PartitionKey": ""}), "PutRecordInput"),
            Err("Parameter validation failed:\nInvalid length for parameter StreamName, value: 0, valid min length: 1\nInvalid length for parameter PartitionKey, value: 0, valid min length: 1".to_string())
        );
        assert_eq!(
            validate(&json!({"Records": [{"Data": 5}]}), "PutRecordsInput"),
            Err("Parameter validation failed:\nMissing required parameter in Records[0]: \"PartitionKey\"\nInvalid type for parameter Records[0].Data, value: 5, type: <class 'int'>, valid types: <class 'bytes'>, <class 'bytearray'>, file-like object".to_string())
        );
        assert!(validate(&json!({"StreamName": "Foo"}), "DescribeStreamSummaryInput").is_ok());
    }
}
