//! jmespath.py's built-in functions (jmespath 1.1.0, `jmespath/functions.py`), each as its
//! Python body computes it: `avg` a float, `sum` of integers an integer, `ceil` and `floor`
//! integers, `keys` and `values` in the object's order, `sort_by` stable, `to_string` as
//! `json.dumps(..., separators=(',', ':'))`. Arguments arrive checked against the
//! signature (`interpret.rs`).

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::interpret::{
    int_or_float, jmes_type, number, py_cmp, py_eq, type_error, type_name, visit, Arg,
};
use crate::script::aws_cli::python_int;
use crate::script::pyjson::{self, py_str};

fn items<'a>(arg: &'a Arg) -> &'a [Value] {
    arg.value().as_array().map_or(&[], Vec::as_slice)
}

fn text<'a>(arg: &'a Arg) -> &'a str {
    arg.value().as_str().unwrap_or_default()
}

fn is_float(value: &Value) -> bool {
    value.as_number().is_some_and(serde_json::Number::is_f64)
}

/// Runs the function `name` on checked arguments.
pub(super) fn run(name: &str, args: &[Arg]) -> Result<Value, String> {
    let first = args.first().map(Arg::value).unwrap_or(&Value::Null);
    Ok(match name {
        "abs" => match first.as_i64() {
            Some(n) if !is_float(first) => Value::from(n.abs()),
            _ => int_or_float(number(first).unwrap_or_default().abs()),
        },
        "avg" => {
            let values = items(&args[0]);
            if values.is_empty() {
                return Ok(Value::Null);
            }
            let total: f64 = values.iter().filter_map(number).sum();
            int_or_float(total / values.len() as f64)
        }
        "ceil" | "floor" => {
            let n = number(first).unwrap_or_default();
            let rounded = if name == "ceil" { n.ceil() } else { n.floor() };
            if rounded.abs() < 9.0e15 {
                Value::from(rounded as i64)
            } else {
                int_or_float(rounded)
            }
        }
        "contains" => match first {
            Value::Array(list) => Value::Bool(list.iter().any(|item| py_eq(item, args[1].value()))),
            _ => match args[1].value() {
                Value::String(search) => Value::Bool(text(&args[0]).contains(search.as_str())),
                other => {
                    return Err(format!(
                        "'in <string>' requires string as left operand, not {}",
                        type_name(other)
                    ))
                }
            },
        },
        "ends_with" => Value::Bool(text(&args[0]).ends_with(text(&args[1]))),
        "starts_with" => Value::Bool(text(&args[0]).starts_with(text(&args[1]))),
        "join" => {
            let parts: Vec<&str> = items(&args[1]).iter().filter_map(Value::as_str).collect();
            Value::String(parts.join(text(&args[0])))
        }
        "keys" => Value::Array(
            first
                .as_object()
                .map(|m| m.keys().cloned().map(Value::String).collect())
                .unwrap_or_default(),
        ),
        "values" => Value::Array(
            first
                .as_object()
                .map(|m| m.values().cloned().collect())
                .unwrap_or_default(),
        ),
        "length" => Value::from(match first {
            Value::String(s) => s.chars().count(),
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            _ => 0,
        }),
        "map" => {
            let Arg::Expref(expression) = &args[0] else {
                return Ok(Value::Null);
            };
            Value::Array(
                items(&args[1])
                    .iter()
                    .map(|item| visit(expression, item))
                    .collect::<Result<_, _>>()?,
            )
        }
        "max" | "min" => {
            let values = items(&args[0]);
            let Some(mut best) = values.first() else {
                return Ok(Value::Null);
            };
            for item in &values[1..] {
                let better = if name == "max" {
                    py_cmp(item, best, ">")? == Ordering::Greater
                } else {
                    py_cmp(item, best, "<")? == Ordering::Less
                };
                if better {
                    best = item;
                }
            }
            best.clone()
        }
        "merge" => {
            let mut merged = Map::new();
            for arg in args {
                if let Value::Object(map) = arg.value() {
                    for (k, v) in map {
                        merged.insert(k.clone(), v.clone());
                    }
                }
            }
            Value::Object(merged)
        }
        "not_null" => args
            .iter()
            .map(Arg::value)
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null),
        "reverse" => match first {
            Value::String(s) => Value::String(s.chars().rev().collect()),
            Value::Array(a) => Value::Array(a.iter().rev().cloned().collect()),
            _ => Value::Null,
        },
        "sort" => {
            let mut values = items(&args[0]).to_vec();
            crate::sort::sort_by(&mut values, |a, b| {
                py_cmp(a, b, "<").unwrap_or(Ordering::Equal)
            });
            Value::Array(values)
        }
        "sum" => {
            let values = items(&args[0]);
            if values.iter().any(is_float) {
                int_or_float(values.iter().filter_map(number).sum())
            } else {
                Value::from(values.iter().filter_map(Value::as_i64).sum::<i64>())
            }
        }
        "to_array" => match first {
            Value::Array(_) => first.clone(),
            other => Value::Array(vec![other.clone()]),
        },
        "to_string" => match first {
            Value::String(_) => first.clone(),
            other => Value::String(pyjson::dumps(other, true)),
        },
        "to_number" => to_number(first),
        "type" => Value::String(
            match first {
                Value::String(_) => "string",
                Value::Bool(_) => "boolean",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
                Value::Number(_) => "number",
                Value::Null => "null",
            }
            .to_string(),
        ),
        "sort_by" | "min_by" | "max_by" => by_key(name, args)?,
        _ => Value::Null,
    })
}

/// `to_number`: numbers as they are, text as Python's `int()` then `float()` read it.
fn to_number(value: &Value) -> Value {
    match value {
        Value::Number(_) => value.clone(),
        Value::String(text) => match python_int(text) {
            Some(n) => i64::try_from(n).map_or_else(|_| int_or_float(n as f64), Value::from),
            None => {
                let cleaned = text.trim().replace('_', "");
                cleaned
                    .parse::<f64>()
                    .ok()
                    .filter(|_| !text.contains("__"))
                    .map_or(Value::Null, int_or_float)
            }
        },
        _ => Value::Null,
    }
}

/// `sort_by`, `min_by`, `max_by`: the key of each item by the expression, checked.
fn by_key(name: &str, args: &[Arg]) -> Result<Value, String> {
    let Arg::Expref(expression) = &args[1] else {
        return Ok(Value::Null);
    };
    let array = items(&args[0]);
    let allowed: Vec<&str> = if name == "sort_by" {
        let Some(first) = array.first() else {
            return Ok(Value::Array(Vec::new()));
        };
        let required = jmes_type(type_name(&visit(expression, first)?));
        if !matches!(required, "number" | "string") {
            return Err(type_error(
                "sort_by",
                &py_str(first),
                required,
                &["string", "number"],
            ));
        }
        vec![required]
    } else {
        vec!["number", "string"]
    };
    let mut keyed = Vec::with_capacity(array.len());
    for item in array {
        let key = visit(expression, item)?;
        let key_type = jmes_type(type_name(&key));
        if !allowed.contains(&key_type) {
            return Err(type_error(name, &py_str(&key), key_type, &allowed));
        }
        keyed.push((key, item));
    }
    match name {
        "sort_by" => {
            let mut failure = None;
            crate::sort::sort_by(&mut keyed, |a, b| {
                py_cmp(&a.0, &b.0, "<").unwrap_or_else(|e| {
                    failure.get_or_insert(e);
                    Ordering::Equal
                })
            });
            if let Some(error) = failure {
                return Err(error);
            }
            Ok(Value::Array(
                keyed.into_iter().map(|(_, item)| item.clone()).collect(),
            ))
        }
        _ => {
            let Some((mut best_key, mut best)) = keyed.first().cloned() else {
                return Ok(Value::Null);
            };
            for (key, item) in keyed.iter().skip(1) {
                let better = if name == "max_by" {
                    py_cmp(key, &best_key, ">")? == Ordering::Greater
                } else {
                    py_cmp(key, &best_key, "<")? == Ordering::Less
                };
                if better {
                    best_key = key.clone();
                    best = item;
                }
            }
            Ok(best.clone())
        }
    }
}
