//! One `aws kinesis` operation, from its words to its output, in the CLI's order of events
//! (awscli/clidriver.py `ServiceOperation.__call__`): parse the options (argparse), refuse
//! words nothing took ("Unknown options"), decide on paging
//! (awscli/customizations/paginate.py), turn each value into a parameter as
//! awscli/argprocess.py does (Python's `int()`, shorthand or JSON for structures and lists,
//! blobs), then the call: botocore validates the parameters before sending (see
//! `validate.rs`), and the answer is parsed and printed (see `paginate.rs`). The waiters
//! (`aws kinesis wait ...`) are here too, as awscli/customizations/waiters.py builds them on
//! DescribeStream.

use serde_json::{Map, Value};

use super::argparse::{py_repr, python_int, Arg, Got, Nargs, Parser};
use super::commands::{find_action, CliCommand, CliOption, Kind, WAITER_ACTION};
use super::model::{self, Shape, WaitFor};
use super::paginate::{self, Paging};
use super::{shorthand, CliVersion, Failure, Globals};
use crate::sim::World;

/// The parser of an operation: its options in the arg table's order (a boolean member is two
/// switches, `--x` and `--no-x`), and the `help` positional awscli adds. With
/// `--cli-input-json` or `--generate-cli-skeleton` among the words, nothing is required
/// (awscli/customizations/arguments.py `OverrideRequiredArgsArgument`).
fn parser_args(options: &[CliOption], words: &[String]) -> Vec<Arg> {
    let overridden = words
        .iter()
        .any(|w| w == "--cli-input-json" || w == "--generate-cli-skeleton");
    let mut args = Vec::new();
    for option in options {
        let mut arg = Arg::option(option.flag.clone(), Nargs::One);
        arg.dest = option.flag.clone();
        arg.required = option.required && !overridden;
        match option.kind {
            Kind::Bool => {
                arg.nargs = Nargs::Switch(true);
                let mut negative =
                    Arg::option(format!("--no-{}", &option.flag[2..]), Nargs::Switch(false));
                negative.dest = option.flag.clone();
                args.push(arg);
                args.push(negative);
                continue;
            }
            Kind::List => arg.nargs = Nargs::Any,
            Kind::Paging { int } => arg.int = int,
            Kind::Unsupported if option.flag == "--generate-cli-skeleton" => {
                arg.nargs = Nargs::Maybe;
                arg.choices = Some(vec!["input".to_string(), "output".to_string()]);
            }
            _ => {}
        }
        args.push(arg);
    }
    args.push(Arg::positional("help", Nargs::Maybe));
    args
}

/// Parses an operation's words: `Err` for argparse's errors, a `help`, or words left over.
fn parse(
    options: &[CliOption],
    words: &[String],
    version: CliVersion,
) -> Result<super::argparse::Parsed, Failure> {
    let args = parser_args(options, words);
    let mut parsed = Parser {
        args: &args,
        version,
    }
    .parse(words)
    .map_err(Failure::Usage)?;
    match parsed.get("help").cloned() {
        Some(Got::One(word)) if word == "help" => {
            return Err(Failure::General(
                "Shardlab's console has no man pages: type help aws, or help aws COMMAND"
                    .to_string(),
            ))
        }
        Some(Got::One(word)) => parsed.extras.push(word),
        _ => {}
    }
    if !parsed.extras.is_empty() {
        return Err(Failure::Unknown(parsed.extras));
    }
    Ok(parsed)
}

/// Runs `aws kinesis COMMAND ...` (the words after the command's name).
pub(super) fn run(
    world: &mut World,
    command: &CliCommand,
    options: &[CliOption],
    words: &[String],
    globals: &Globals,
    version: CliVersion,
    warnings: &mut String,
) -> Result<String, Failure> {
    let parsed = parse(options, words, version)?;
    let operation = model::operation_of(command.action)
        .ok_or_else(|| Failure::General(format!("no model for {}", command.action)))?;
    let mut paging = paging(operation, options, &parsed, globals, version)?;
    let params = parameters(operation, options, &parsed, globals, version, warnings)?;
    // v2 turns paging off when --cli-input-json brings the paginator's own members
    // (its customizations/paginate.py `check_should_enable_pagination_call_parameters`).
    if version == CliVersion::V2 {
        if let Some(config) = &paging {
            let own = [config.paginator.input_token, config.paginator.limit_key];
            if own.iter().any(|member| params.contains_key(*member)) {
                paging = None;
            }
        }
    }
    paginate::call(world, operation, params, paging, globals)
}

/// What the paginator is to do: awscli/customizations/paginate.py turns paging off when the
/// paginator's own members are given (`check_should_enable_pagination`) and refuses its
/// options then.
fn paging(
    operation: &'static model::Operation,
    options: &[CliOption],
    parsed: &super::argparse::Parsed,
    globals: &Globals,
    version: CliVersion,
) -> Result<Option<Paging>, Failure> {
    let Some(paginator) = &operation.paginator else {
        return Ok(None);
    };
    let given = |flag: &str| parsed.get(flag).is_some();
    let manual = options
        .iter()
        .any(|o| !o.documented && !o.member.is_empty() && given(&o.flag));
    let int = |flag: &str| {
        parsed
            .text(flag)
            .and_then(python_int)
            .map(|n| n.clamp(i64::MIN.into(), i64::MAX.into()) as i64)
    };
    let config = Paging {
        paginator,
        starting_token: parsed.text("--starting-token").map(str::to_string),
        page_size: int("--page-size"),
        max_items: int("--max-items"),
    };
    if globals.paginate && !manual {
        return Ok(Some(config));
    }
    // `ensure_paging_params_not_set`: the options given with a true value, in this order.
    let used: Vec<&str> = [
        (
            "--starting-token",
            config
                .starting_token
                .as_ref()
                .is_some_and(|t| !t.is_empty()),
        ),
        ("--page-size", config.page_size.is_some_and(|n| n != 0)),
        ("--max-items", config.max_items.is_some_and(|n| n != 0)),
    ]
    .iter()
    .filter(|(_, used)| *used)
    .map(|(flag, _)| *flag)
    .collect();
    if !used.is_empty() {
        // botocore's PaginationError in v1; awscli's ParamValidationError in v2.
        let message = format!(
            "Cannot specify --no-paginate along with pagination arguments: {}",
            used.join(", ")
        );
        return Err(match version {
            CliVersion::V1 => Failure::General(format!("Error during pagination: {message}")),
            CliVersion::V2 => Failure::Param(message),
        });
    }
    Ok(None)
}

/// The request's parameters as awscli builds them (`_build_call_parameters`): each option
/// given, in the arg table's order, unpacked from its words.
fn parameters(
    operation: &model::Operation,
    options: &[CliOption],
    parsed: &super::argparse::Parsed,
    globals: &Globals,
    version: CliVersion,
    warnings: &mut String,
) -> Result<Map<String, Value>, Failure> {
    let mut params = Map::new();
    let mut input_json = None;
    for option in options {
        let Some(got) = parsed.get(&option.flag) else {
            continue;
        };
        if let (Kind::InputJson, Got::One(text)) = (option.kind, got) {
            input_json = Some(text.clone());
            continue;
        }
        if matches!(option.kind, Kind::Paging { .. }) {
            // awscli/customizations/paginate.py `PageArgument.add_to_params`.
            let non_positive =
                matches!(got, Got::One(text) if python_int(text).is_some_and(|n| n <= 0));
            if option.flag == "--max-items" && non_positive {
                warnings.push_str(
                    "warning: Non-positive values for --max-items may result in undefined behavior.\n",
                );
            }
            continue;
        }
        if !option.simulated {
            return Err(Failure::General(match (option.kind, option.member) {
                (Kind::Unsupported, _) => format!("Shardlab does not support {}", option.flag),
                (_, "StreamId") => format!(
                    "Shardlab does not simulate {} (a stream is named with --stream-name or --stream-arn)",
                    option.flag
                ),
                _ => format!("Shardlab does not simulate {}", option.flag),
            }));
        }
        if let Some(value) = unpack(option, got, version)? {
            params.insert(option.member.to_string(), value);
        }
    }
    if let Some(text) = input_json {
        add_input_json(&mut params, &text, options)?;
    }
    // Blobs go on the wire as base64: v1 encodes the text (botocore's serializer); v2 reads
    // it as base64 unless `--cli-binary-format raw-in-base64-out` (aws-cli v2
    // awscli/customizations/binaryformat.py `Base64DecodeVisitor`, before validation).
    let mut value = Value::Object(params);
    blobs(
        &mut value,
        operation.input,
        globals.binary_base64 && version == CliVersion::V2,
    )?;
    Ok(match value {
        Value::Object(map) => map,
        _ => Map::new(),
    })
}

/// `--cli-input-json` (awscli/customizations/cliinputjson.py): the JSON's members join the
/// parameters the options did not set, in the JSON's order.
fn add_input_json(
    params: &mut Map<String, Value>,
    text: &str,
    options: &[CliOption],
) -> Result<(), Failure> {
    if text.starts_with("file://") || text.starts_with("fileb://") {
        return Err(Failure::General(
            "Error parsing parameter 'cli-input-json': Shardlab runs in a browser and reads no files; give the JSON inline".to_string(),
        ));
    }
    let input = crate::script::pyjson::loads(text).map_err(|e| {
        Failure::Param(format!(
            "Error parsing parameter 'cli-input-json': Invalid JSON: {e}\nJSON received: {text}"
        ))
    })?;
    let Value::Object(input) = input else {
        return Err(Failure::General(format!(
            "'{}' object has no attribute 'keys'",
            match input {
                Value::Array(_) => "list",
                Value::String(_) => "str",
                Value::Bool(_) => "bool",
                Value::Null => "NoneType",
                Value::Number(n) if n.is_f64() => "float",
                _ => "int",
            }
        )));
    };
    for (key, value) in input {
        if params.contains_key(&key) {
            continue;
        }
        if let Some(option) = options.iter().find(|o| o.member == key && !o.simulated) {
            return Err(Failure::General(match option.member {
                "StreamId" => "Shardlab does not simulate StreamId (a stream is named with StreamName or StreamARN)".to_string(),
                member => format!("Shardlab does not simulate {member}"),
            }));
        }
        params.insert(key, value);
    }
    Ok(())
}

/// One option's value as a parameter (awscli/argprocess.py `unpack_argument`), as Python
/// would hold it: text, a number, a switch, a structure or a list.
fn unpack(option: &CliOption, got: &Got, version: CliVersion) -> Result<Option<Value>, Failure> {
    let text = match got {
        Got::One(text) => text.as_str(),
        Got::Switch(on) => return Ok(Some(Value::Bool(*on))),
        Got::Many(words) => {
            let shape = model::shape(option.shape).ok_or_else(no_shape)?;
            return shorthand::list(&option.flag, words, shape, version).map(Some);
        }
        Got::Nothing => return Ok(None),
    };
    if text.starts_with("file://") || text.starts_with("fileb://") {
        return Err(Failure::General(format!(
            "Error parsing parameter '{}': Shardlab runs in a browser and reads no files; give the value inline",
            option.flag
        )));
    }
    Ok(Some(match option.kind {
        // argprocess.py `unpack_scalar_cli_arg`: `int(value)`, whose ValueError the CLI
        // prints as it is.
        Kind::Int => match python_int(text) {
            Some(n) => match i64::try_from(n) {
                Ok(n) => Value::from(n),
                Err(_) => Value::from(n as f64),
            },
            None => {
                return Err(Failure::General(format!(
                    "invalid literal for int() with base 10: {}",
                    py_repr(text)
                )))
            }
        },
        Kind::Struct | Kind::Map | Kind::List => {
            let shape = model::shape(option.shape).ok_or_else(no_shape)?;
            shorthand::structure(&option.flag, text, shape, version)?
        }
        _ => Value::String(text.to_string()),
    }))
}

fn no_shape() -> Failure {
    Failure::General("the model has no such shape".to_string())
}

/// Every blob in `value` as the base64 that goes on the wire: the text's UTF-8 encoded, or
/// (`decode`, v2's binary format) the text read as Python's `base64.b64decode` reads it.
fn blobs(value: &mut Value, shape_name: &str, decode: bool) -> Result<(), Failure> {
    let Some(shape) = model::shape(shape_name) else {
        return Ok(());
    };
    match (shape, value) {
        (Shape::Structure { members, .. }, Value::Object(map)) => {
            for (member, member_shape) in members {
                if let Some(inner) = map.get_mut(*member) {
                    blobs(inner, member_shape, decode)?;
                }
            }
        }
        (Shape::List { member, .. }, Value::Array(items)) => {
            for item in items {
                blobs(item, member, decode)?;
            }
        }
        (Shape::Blob, Value::String(text)) => {
            let bytes = match decode {
                true => paginate::python_b64decode(text)
                    .ok_or_else(|| Failure::General(format!("Invalid base64: \"{text}\"")))?,
                false => text.as_bytes().to_vec(),
            };
            *text = paginate::base64(&bytes);
        }
        _ => {}
    }
    Ok(())
}

/// `aws kinesis wait WAITER ...` (awscli/customizations/waiters.py): the waiter's options are
/// DescribeStream's, and it calls DescribeStream every 10 s, at most 18 times
/// (botocore/waiter.py `Waiter.wait`), while simulated time passes.
pub(super) fn wait(
    world: &mut World,
    words: &[String],
    globals: &Globals,
    version: CliVersion,
    warnings: &mut String,
) -> Result<String, Failure> {
    let mut subcommand = Arg::positional("subcommand", Nargs::Maybe);
    subcommand.choices = Some(model::WAITERS.iter().map(|w| w.0.to_string()).collect());
    let wait_args = [subcommand];
    let parsed = Parser {
        args: &wait_args,
        version,
    }
    .parse(words)
    .map_err(Failure::Usage)?;
    let Some(Got::One(name)) = parsed.get("subcommand") else {
        // awscli/customizations/commands.py `BasicCommand.__call__`, then `WaitCommand.
        // _run_main` (a ValueError in v1, v2's `_raise_usage_error`).
        if !parsed.extras.is_empty() {
            let message = format!("Unknown options: {}", parsed.extras.join(","));
            return Err(match version {
                CliVersion::V1 => Failure::General(message),
                CliVersion::V2 => Failure::Param(message),
            });
        }
        return Err(match version {
            CliVersion::V1 => Failure::General(
                "usage: aws [options] <command> <subcommand> [parameters]\naws: error: too few arguments"
                    .to_string(),
            ),
            CliVersion::V2 => Failure::Param(
                "usage: aws [options] kinesis wait <subcommand> [parameters]\naws: [ERROR]: too few arguments"
                    .to_string(),
            ),
        });
    };
    let Some(&(_, waiter_name, wait_for)) = model::WAITERS.iter().find(|w| w.0 == name) else {
        return Err(Failure::Usage(format!("argument subcommand: {name}")));
    };
    let (_, options) =
        find_action(WAITER_ACTION).ok_or_else(|| Failure::General("no waiter".to_string()))?;
    let parsed = parse(options, &parsed.extras, version)?;
    let operation = model::operation_of(WAITER_ACTION)
        .ok_or_else(|| Failure::General("no waiter".to_string()))?;
    let params = parameters(operation, options, &parsed, globals, version, warnings)?;
    for attempt in 0..18 {
        if attempt > 0 {
            world.advance_by(10_000);
        }
        let done = match (paginate::request(world, operation, &params), wait_for) {
            (Ok(response), WaitFor::Active) => {
                response["StreamDescription"]["StreamStatus"] == "ACTIVE"
            }
            (Err(Failure::Service { code, .. }), WaitFor::Error(expected)) if code == expected => {
                true
            }
            (Err(Failure::Service { code, message, .. }), _) => {
                return Err(Failure::Runtime(format!(
                    "Waiter {waiter_name} failed: An error occurred ({code}): {message}"
                )))
            }
            (Err(other), _) => return Err(other),
            (Ok(_), WaitFor::Error(_)) => false,
        };
        if done {
            return Ok(String::new());
        }
    }
    Err(Failure::Runtime(format!(
        "Waiter {waiter_name} failed: Max attempts exceeded"
    )))
}
