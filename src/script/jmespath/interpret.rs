//! jmespath.py's `TreeInterpreter` and built-in functions (jmespath 1.1.0,
//! `jmespath/visitor.py`, `jmespath/functions.py`), on `serde_json::Value` read as Python
//! reads it: the type names its errors use (`int`, `str`, `dict`...), Python's `==`, `<`,
//! truthiness, `str()` and `repr()`.

use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

use super::parser::{Comparator, Node};
use crate::script::pyjson::py_str;

/// Walks the tree over `value` (`TreeInterpreter.visit`).
pub(super) fn visit(node: &Node, value: &Value) -> Result<Value, String> {
    Ok(match node {
        Node::Identity | Node::Current => value.clone(),
        Node::Field(name) => value.get(name).cloned().unwrap_or(Value::Null),
        Node::Subexpression(children) | Node::IndexExpression(children) => {
            let mut result = value.clone();
            for child in children {
                result = visit(child, &result)?;
            }
            result
        }
        Node::Pipe(left, right) => visit(right, &visit(left, value)?)?,
        Node::Index(i) => match value {
            Value::Array(items) => index(items, *i).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        Node::Slice(start, stop, step) => match value {
            Value::Array(items) => Value::Array(slice(items, *start, *stop, *step)?),
            _ => Value::Null,
        },
        Node::Literal(literal) => literal.clone(),
        Node::Comparator(op, left, right) => {
            let (left, right) = (visit(left, value)?, visit(right, value)?);
            compare(*op, &left, &right)?
        }
        // An expression reference outside a function's arguments has no JSON form.
        Node::Expref(_) => Value::Null,
        Node::Function(name, args) => call(name, args, value)?,
        Node::FilterProjection(left, right, condition) => {
            let Value::Array(items) = visit(left, value)? else {
                return Ok(Value::Null);
            };
            let mut collected = Vec::new();
            for item in &items {
                if truthy(&visit(condition, item)?) {
                    let current = visit(right, item)?;
                    if !current.is_null() {
                        collected.push(current);
                    }
                }
            }
            Value::Array(collected)
        }
        Node::Flatten(inner) => {
            let Value::Array(items) = visit(inner, value)? else {
                return Ok(Value::Null);
            };
            let mut merged = Vec::new();
            for item in items {
                match item {
                    Value::Array(inner) => merged.extend(inner),
                    other => merged.push(other),
                }
            }
            Value::Array(merged)
        }
        Node::Projection(left, right) => {
            let Value::Array(items) = visit(left, value)? else {
                return Ok(Value::Null);
            };
            project(items.iter(), right)?
        }
        Node::ValueProjection(left, right) => {
            let Value::Object(map) = visit(left, value)? else {
                return Ok(Value::Null);
            };
            project(map.values(), right)?
        }
        Node::MultiSelectDict(pairs) => {
            if value.is_null() {
                return Ok(Value::Null);
            }
            let mut collected = Map::new();
            for (key, child) in pairs {
                collected.insert(key.clone(), visit(child, value)?);
            }
            Value::Object(collected)
        }
        Node::MultiSelectList(children) => {
            if value.is_null() {
                return Ok(Value::Null);
            }
            Value::Array(
                children
                    .iter()
                    .map(|child| visit(child, value))
                    .collect::<Result<_, _>>()?,
            )
        }
        Node::Or(left, right) => {
            let matched = visit(left, value)?;
            if truthy(&matched) {
                matched
            } else {
                visit(right, value)?
            }
        }
        Node::And(left, right) => {
            let matched = visit(left, value)?;
            if truthy(&matched) {
                visit(right, value)?
            } else {
                matched
            }
        }
        Node::Not(inner) => {
            let original = visit(inner, value)?;
            match &original {
                Value::Number(n) if n.as_f64() == Some(0.0) => Value::Bool(false),
                other => Value::Bool(!python_truthy(other)),
            }
        }
    })
}

fn project<'v>(items: impl Iterator<Item = &'v Value>, right: &Node) -> Result<Value, String> {
    let mut collected = Vec::new();
    for item in items {
        let current = visit(right, item)?;
        if !current.is_null() {
            collected.push(current);
        }
    }
    Ok(Value::Array(collected))
}

/// Python's `list[i]`, or nothing out of range.
fn index(items: &[Value], i: i64) -> Option<&Value> {
    let len = items.len() as i64;
    let at = if i < 0 { len + i } else { i };
    (0..len).contains(&at).then(|| &items[at as usize])
}

/// Python's `list[start:stop:step]` (`slice.indices`).
fn slice(
    items: &[Value],
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
) -> Result<Vec<Value>, String> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err("slice step cannot be zero".to_string());
    }
    let len = items.len() as i64;
    let clamp = |value: Option<i64>, default: i64| -> i64 {
        match value {
            None => default,
            Some(v) if v < 0 => {
                let v = v + len;
                if v < 0 {
                    if step < 0 {
                        -1
                    } else {
                        0
                    }
                } else {
                    v
                }
            }
            Some(v) if v >= len => {
                if step < 0 {
                    len - 1
                } else {
                    len
                }
            }
            Some(v) => v,
        }
    };
    let (start, stop) = if step > 0 {
        (clamp(start, 0), clamp(stop, len))
    } else {
        (clamp(start, len - 1), clamp(stop, -1))
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(items[i as usize].clone());
        i += step;
    }
    Ok(out)
}

/// jmespath.py's `_is_false` negated: only `''`, `[]`, `{}`, null and false are false.
fn truthy(value: &Value) -> bool {
    !matches!(value, Value::Null | Value::Bool(false))
        && value.as_str() != Some("")
        && value.as_array().is_none_or(|a| !a.is_empty())
        && value.as_object().is_none_or(|o| !o.is_empty())
}

/// Python's `bool(value)`.
fn python_truthy(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.as_f64() != Some(0.0),
        other => truthy(other),
    }
}

pub(super) fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// Python's `==`.
pub(super) fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Bool(x), Value::Number(_)) | (Value::Number(_), Value::Bool(x)) => {
            number(if a.is_number() { a } else { b }) == Some(f64::from(u8::from(*x)))
        }
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| py_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => a == b,
    }
}

/// jmespath.py's `_equals`: `0` and `1` are never equal to a boolean.
fn jmes_eq(a: &Value, b: &Value) -> bool {
    let special =
        |x: &Value, y: &Value| number(x).is_some_and(|n| n == 0.0 || n == 1.0) && y.is_boolean();
    if special(a, b) || special(b, a) {
        return false;
    }
    py_eq(a, b)
}

fn compare(op: Comparator, left: &Value, right: &Value) -> Result<Value, String> {
    match op {
        Comparator::Eq => return Ok(Value::Bool(jmes_eq(left, right))),
        Comparator::Ne => return Ok(Value::Bool(!jmes_eq(left, right))),
        _ => {}
    }
    let comparable = |v: &Value| v.is_number() || v.is_string();
    if !(comparable(left) && comparable(right)) {
        return Ok(Value::Null);
    }
    let symbol = match op {
        Comparator::Lt => "<",
        Comparator::Gt => ">",
        Comparator::Lte => "<=",
        _ => ">=",
    };
    let ordering = py_cmp(left, right, symbol)?;
    Ok(Value::Bool(match op {
        Comparator::Lt => ordering == Ordering::Less,
        Comparator::Gt => ordering == Ordering::Greater,
        Comparator::Lte => ordering != Ordering::Greater,
        _ => ordering != Ordering::Less,
    }))
}

/// Python's ordering of two numbers or two strings; anything else is its TypeError.
pub(super) fn py_cmp(a: &Value, b: &Value, symbol: &str) -> Result<Ordering, String> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        (Value::Number(_), Value::Number(_)) => Ok(number(a)
            .unwrap_or_default()
            .partial_cmp(&number(b).unwrap_or_default())
            .unwrap_or(Ordering::Equal)),
        _ => Err(format!(
            "'{symbol}' not supported between instances of '{}' and '{}'",
            type_name(a),
            type_name(b)
        )),
    }
}

/// Python's `type(value).__name__`.
pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// `TYPES_MAP`: the JMESPath name of a Python type name.
pub(super) fn jmes_type(name: &str) -> &'static str {
    match name {
        "bool" => "boolean",
        "list" => "array",
        "dict" => "object",
        "NoneType" => "null",
        "str" => "string",
        "float" | "int" => "number",
        "_Expression" => "expref",
        _ => "unknown",
    }
}

/// A function's argument: a value, or an expression reference (`&foo`).
pub(super) enum Arg<'n> {
    Value(Value),
    Expref(&'n Node),
}

impl Arg<'_> {
    pub(super) fn type_name(&self) -> &'static str {
        match self {
            Arg::Value(value) => type_name(value),
            Arg::Expref(_) => "_Expression",
        }
    }

    pub(super) fn value(&self) -> &Value {
        match self {
            Arg::Value(value) => value,
            Arg::Expref(_) => &Value::Null,
        }
    }

    pub(super) fn shown(&self) -> String {
        match self {
            Arg::Value(value) => py_str(value),
            Arg::Expref(_) => "<jmespath.visitor._Expression object>".to_string(),
        }
    }
}

/// A function's signature: the types each argument may be, and whether the last repeats.
fn signature(name: &str) -> Option<(&'static [&'static [&'static str]], bool)> {
    const ANY: &[&str] = &[];
    Some(match name {
        "abs" | "ceil" | "floor" => (&[&["number"]], false),
        "avg" | "sum" => (&[&["array-number"]], false),
        "not_null" => (&[ANY], true),
        "to_array" | "to_string" | "to_number" | "type" => (&[ANY], false),
        "contains" => (&[&["array", "string"], ANY], false),
        "length" => (&[&["string", "array", "object"]], false),
        "ends_with" | "starts_with" => (&[&["string"], &["string"]], false),
        "reverse" => (&[&["array", "string"]], false),
        "join" => (&[&["string"], &["array-string"]], false),
        "map" => (&[&["expref"], &["array"]], false),
        "max" | "min" => (&[&["array-number", "array-string"]], false),
        "merge" => (&[&["object"]], true),
        "sort" => (&[&["array-string", "array-number"]], false),
        "keys" | "values" => (&[&["object"]], false),
        "sort_by" | "min_by" | "max_by" => (&[&["array"], &["expref"]], false),
        _ => return None,
    })
}

/// `REVERSE_TYPES_MAP`.
fn python_types(jmes: &str) -> &'static [&'static str] {
    match jmes {
        "boolean" => &["bool"],
        "array" => &["list"],
        "object" => &["dict"],
        "null" => &["NoneType"],
        "string" => &["str"],
        "number" => &["float", "int"],
        "expref" => &["_Expression"],
        _ => &[],
    }
}

/// A Python list of strings, as `%s` shows it.
fn py_list(items: &[&str]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|i| format!("'{i}'"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

pub(super) fn type_error(function: &str, value: &str, received: &str, expected: &[&str]) -> String {
    format!(
        "In function {function}(), invalid type for value: {value}, expected one of: {}, received: \"{received}\"",
        py_list(expected)
    )
}

/// `Functions._type_check_single` and `_subtype_check`.
fn check_type(function: &str, arg: &Arg, types: &[&str]) -> Result<(), String> {
    let mut allowed: Vec<&str> = Vec::new();
    let mut subtypes: Vec<&[&str]> = Vec::new();
    for t in types {
        match t.split_once('-') {
            Some((outer, inner)) => {
                subtypes.push(python_types(inner));
                allowed.extend(python_types(outer));
            }
            None => allowed.extend(python_types(t)),
        }
    }
    let actual = arg.type_name();
    if !allowed.contains(&actual) {
        return Err(type_error(function, &arg.shown(), jmes_type(actual), types));
    }
    let Value::Array(items) = arg.value() else {
        return Ok(());
    };
    let group: &[&str] = match subtypes.as_slice() {
        [] => return Ok(()),
        [only] => only,
        groups => {
            let Some(first) = items.first() else {
                return Ok(());
            };
            let first_name = type_name(first);
            match groups.iter().find(|g| g.contains(&first_name)) {
                Some(group) => group,
                None => return Err(type_error(function, &py_str(first), first_name, types)),
            }
        }
    };
    for item in items {
        if !group.contains(&type_name(item)) {
            return Err(type_error(function, &py_str(item), type_name(item), types));
        }
    }
    Ok(())
}

pub(super) fn int_or_float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// `Functions.call_function`.
fn call(name: &str, children: &[Node], value: &Value) -> Result<Value, String> {
    let mut args = Vec::with_capacity(children.len());
    for child in children {
        args.push(match child {
            Node::Expref(inner) => Arg::Expref(inner),
            other => Arg::Value(visit(other, value)?),
        });
    }
    let Some((types, variadic)) = signature(name) else {
        return Err(format!("Unknown function: {name}()"));
    };
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    if variadic && args.len() < types.len() {
        return Err(format!(
            "Expected at least {} {} for function {name}(), received {}",
            types.len(),
            plural(types.len()),
            args.len()
        ));
    }
    if !variadic && args.len() != types.len() {
        return Err(format!(
            "Expected {} {} for function {name}(), received {}",
            types.len(),
            plural(types.len()),
            args.len()
        ));
    }
    for (arg, allowed) in args.iter().zip(types.iter()) {
        if !allowed.is_empty() {
            check_type(name, arg, allowed)?;
        }
    }
    super::functions::run(name, &args)
}
