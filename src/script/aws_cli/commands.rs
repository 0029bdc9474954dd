//! The `aws kinesis` commands and their options, as the AWS CLI builds them from its model.
//!
//! A CLI option is a member of the action's input shape in the CLI's own copy of the API
//! model ([`super::model`]): its flag is the member's name in kebab case (`StreamName` is
//! `--stream-name`), it is required if the model says so (so `describe-stream-summary`
//! without `--stream-name` is sent, and the service answers), the member's shape says how
//! the text becomes JSON, and the options come in the model's order, which is the order
//! argparse matches abbreviations against. The engine's request shapes say which members
//! Shardlab simulates (not `--stream-arn`, `--tags`, ...) and what Tab offers (an `Enum`
//! rule, a stream's or a shard's name); a test checks that every member the engine reads is
//! an option. This file states the rest: each command's name, action and line of help, the
//! shorthand values Tab offers for structures, the global options help and Tab list, the
//! waiters; and, as the language's command table does for its own commands, what each
//! command does to the stream ([`Effect`]: a check may run only those that look).

use std::sync::OnceLock;

use super::model::{self, Shape};
use super::CliVersion;
use crate::engine::request_shape;
use crate::engine::validate::{Member, Pattern, Rule, Type};
use crate::script::grammar::{Effect, Opt, Value, TIME_PASSES};

/// How an option's text becomes a request member (the model's type of the member), or what
/// else the option is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    Int,
    Blob,
    Timestamp,
    /// `--flag` / `--no-flag`.
    Bool,
    /// A list: JSON, or shorthand words (`Data=x,PartitionKey=k ...`), as the CLI reads
    /// `nargs='*'` arguments.
    List,
    /// A structure as JSON or shorthand `Key=value,Key=value`.
    Struct,
    /// A map as JSON or shorthand `Key=value,...`.
    Map,
    /// `--starting-token`, `--page-size`, `--max-items`: the CLI's own paging options (the
    /// last two converted by argparse with `int`).
    Paging {
        int: bool,
    },
    /// `--cli-input-json`: the request as JSON, under the options given.
    InputJson,
    /// `--generate-cli-skeleton`: a CLI feature Shardlab leaves out.
    Unsupported,
}

/// An `aws kinesis` command: its name, action, a line of help and what it does to the world;
/// its options come from the action's input shape in the CLI's model ([`super::model`]).
pub(crate) struct CliCommand {
    pub name: &'static str,
    pub action: &'static str,
    pub help: &'static str,
    /// What it does to the world: reading (GetRecords) removes nothing, so only the writes,
    /// the reshards and the stream's own changes change it.
    pub effect: Effect,
    /// What help adds where Shardlab's command is not quite the CLI's.
    pub note: Option<&'static str>,
}

/// One option of a command, in the order the CLI adds it to its parser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CliOption {
    pub flag: String,
    /// The request member it sets (empty for the CLI's own options).
    pub member: &'static str,
    /// The member's shape in the model (empty for the CLI's own options).
    pub shape: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Listed in the CLI's help (the paging members a paginator replaces are not, though
    /// they still work).
    pub documented: bool,
    /// The engine simulates the member (not StreamId, Tags, ...).
    pub simulated: bool,
    /// What Tab offers for it and help calls it; `None` for a switch.
    pub value: Option<Value>,
}

const fn command(name: &'static str, action: &'static str, help: &'static str) -> CliCommand {
    CliCommand {
        name,
        action,
        help,
        effect: Effect::Observes,
        note: None,
    }
}

impl CliCommand {
    /// The command changes the world, as `how` says (`writes to the stream`).
    const fn changes(self, how: &'static str) -> CliCommand {
        CliCommand {
            effect: Effect::Changes(how),
            ..self
        }
    }

    /// Help says this of the command.
    const fn note(self, note: &'static str) -> CliCommand {
        CliCommand {
            note: Some(note),
            ..self
        }
    }
}

/// What help says of `subscribe-to-shard`, which the CLI leaves out.
pub(crate) const SUBSCRIBE_NOTE: &str =
    "  The real AWS CLI (v1 and v2) has no subscribe-to-shard: its answer is an HTTP/2 event
  stream, which only an SDK reads (awscli/customizations/removals.py leaves it out).
  Shardlab's console adds it, and prints the events the subscription delivers in its first
  5 simulated seconds for the records in the shard at the call, as the engine answers:
  {\"EventStream\": [{\"SubscribeToShardEvent\": {\"Records\": [...],
  \"ContinuationSequenceNumber\": ..., \"MillisBehindLatest\": ...}}, ...]}.
  The subscription lives on: another call within 5 s is refused (ResourceInUseException),
  one after 5 s takes over.";

pub(crate) static COMMANDS: &[CliCommand] = &[
    command(
        "create-stream",
        "CreateStream",
        "create a stream with some shards",
    )
    .changes("creates a stream"),
    command("delete-stream", "DeleteStream", "delete a stream").changes("deletes a stream"),
    command(
        "describe-stream",
        "DescribeStream",
        "a stream's status and shards",
    ),
    command(
        "describe-stream-summary",
        "DescribeStreamSummary",
        "a stream's status and counts, without its shards",
    ),
    command(
        "describe-limits",
        "DescribeLimits",
        "the account's shard limit and how many shards are open",
    ),
    command("list-streams", "ListStreams", "the account's streams"),
    command(
        "list-shards",
        "ListShards",
        "a stream's shards, all of them or those a filter picks",
    ),
    command("put-record", "PutRecord", "write one record").changes("writes to the stream"),
    command(
        "put-records",
        "PutRecords",
        "write up to 500 records in one call",
    )
    .changes("writes to the stream"),
    command(
        "get-shard-iterator",
        "GetShardIterator",
        "an iterator to read a shard from a place in it",
    ),
    command(
        "get-records",
        "GetRecords",
        "read records with an iterator; the answer holds the next one",
    ),
    command(
        "split-shard",
        "SplitShard",
        "split a shard's hash key range in two",
    )
    .changes("reshards the stream"),
    command(
        "merge-shards",
        "MergeShards",
        "merge two adjacent shards into one",
    )
    .changes("reshards the stream"),
    command(
        "update-shard-count",
        "UpdateShardCount",
        "split or merge shards evenly to reach a count",
    )
    .changes("reshards the stream"),
    command(
        "update-stream-mode",
        "UpdateStreamMode",
        "switch a stream between PROVISIONED and ON_DEMAND capacity",
    )
    .changes("changes the stream's capacity mode"),
    command(
        "increase-stream-retention-period",
        "IncreaseStreamRetentionPeriod",
        "keep records longer",
    )
    .changes("changes how long the stream keeps records"),
    command(
        "decrease-stream-retention-period",
        "DecreaseStreamRetentionPeriod",
        "keep records for less long",
    )
    .changes("changes how long the stream keeps records"),
    command(
        "register-stream-consumer",
        "RegisterStreamConsumer",
        "register an enhanced fan-out consumer with a stream (by its ARN)",
    )
    .changes("registers a consumer"),
    command(
        "describe-stream-consumer",
        "DescribeStreamConsumer",
        "a consumer's status and ARN, by its ARN or by the stream's ARN and its name",
    ),
    command(
        "list-stream-consumers",
        "ListStreamConsumers",
        "the enhanced fan-out consumers registered with a stream",
    ),
    command(
        "deregister-stream-consumer",
        "DeregisterStreamConsumer",
        "deregister a consumer, by its ARN or by the stream's ARN and its name",
    )
    .changes("deregisters a consumer"),
    command(
        "subscribe-to-shard",
        "SubscribeToShard",
        "Shardlab only: the events a consumer's subscription to a shard delivers in 5 s",
    )
    .changes("subscribes a consumer to a shard")
    .note(SUBSCRIBE_NOTE),
];

/// What Tab offers for the structures the CLI takes in shorthand.
const SHORTHAND: &[(&str, &[&str])] = &[
    (
        "ShardFilter",
        &[
            "Type=AT_LATEST",
            "Type=AT_TRIM_HORIZON",
            "Type=FROM_TRIM_HORIZON",
            "Type=AFTER_SHARD_ID,ShardId=",
            "Type=AT_TIMESTAMP,Timestamp=",
            "Type=FROM_TIMESTAMP,Timestamp=",
        ],
    ),
    (
        "StreamModeDetails",
        &["StreamMode=PROVISIONED", "StreamMode=ON_DEMAND"],
    ),
    (
        "StartingPosition",
        &[
            "Type=TRIM_HORIZON",
            "Type=LATEST",
            "Type=AT_SEQUENCE_NUMBER,SequenceNumber=",
            "Type=AFTER_SEQUENCE_NUMBER,SequenceNumber=",
            "Type=AT_TIMESTAMP,Timestamp=",
        ],
    ),
];

/// Options every command accepts (the CLI's global options).
pub(crate) const GLOBAL: &[Opt] = &[
    global(
        "--query",
        Some(Value::Text),
        "a JMESPath expression picking what to print",
    ),
    global(
        "--output",
        Some(Value::OneOf(&["json", "text"])),
        "how to print the answer",
    ),
    global(
        "--cli-binary-format",
        Some(Value::OneOf(&["base64", "raw-in-base64-out"])),
        "AWS CLI v2 only (sim cli v2): whether --data is base64 (the default) or raw text",
    ),
    global("--region", Some(Value::Text), "accepted and ignored"),
    global("--profile", Some(Value::Text), "accepted and ignored"),
    global(
        "--no-paginate",
        None,
        "one page of a long answer, not all of them",
    ),
    global(
        "--no-cli-pager",
        None,
        "AWS CLI v2 only (sim cli v2): accepted (nothing is paged)",
    ),
    global("--endpoint-url", Some(Value::Text), "accepted and ignored"),
];

const fn global(flag: &'static str, value: Option<Value>, help: &'static str) -> Opt {
    Opt {
        flag,
        value,
        then: None,
        required: false,
        help,
        limits: None,
    }
}

/// `aws kinesis wait WAITER --stream-name S`.
pub const WAITERS: &[&str] = &["stream-exists", "stream-not-exists"];

/// What a waiter calls to see the stream (`waiters-2.json`); its options are that
/// command's.
pub(crate) const WAITER_ACTION: &str = "DescribeStream";

/// A member's name as a CLI flag: `StreamName` is `--stream-name`.
pub(crate) fn flag_of(member: &str) -> String {
    let mut flag = String::from("-");
    let mut previous_lower = false;
    for c in member.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower || flag.len() == 1 {
                flag.push('-');
            }
            flag.push(c.to_ascii_lowercase());
        } else {
            flag.push(c);
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    flag
}

fn kind_of(shape: Shape) -> Kind {
    match shape {
        Shape::String { .. } => Kind::Str,
        Shape::Integer { .. } | Shape::Long { .. } => Kind::Int,
        Shape::Boolean => Kind::Bool,
        Shape::Blob => Kind::Blob,
        Shape::Timestamp => Kind::Timestamp,
        Shape::List { .. } => Kind::List,
        Shape::Structure { .. } => Kind::Struct,
        Shape::Map { .. } => Kind::Map,
    }
}

/// What a member's value is for Tab and help: its `Enum`, a stream's or a consumer's ARN (its
/// pattern says which), a stream's or a shard's name (a name-patterned member says which in
/// its name), a number, a time, or text.
fn value_of(member: &Member) -> Option<Value> {
    if let Some((_, offers)) = SHORTHAND.iter().find(|(name, _)| *name == member.name) {
        return Some(Value::OneOf(offers));
    }
    let enumerated = member.rules.iter().find_map(|rule| match rule {
        Rule::Enum(values) => Some(*values),
        _ => None,
    });
    let named = member
        .rules
        .iter()
        .any(|rule| matches!(rule, Rule::Pattern(Pattern::Name)));
    // An ARN's pattern says whose (Tab offers the world's stream or consumer ARNs).
    let arn = member.rules.iter().find_map(|rule| match rule {
        Rule::Pattern(Pattern::StreamArn) => Some(Value::StreamArn),
        Rule::Pattern(Pattern::ConsumerArn) => Some(Value::ConsumerArn),
        _ => None,
    });
    Some(match member.ty {
        Type::Boolean => return None,
        Type::Integer => Value::Number,
        Type::Timestamp => Value::Timestamp,
        Type::String => match (enumerated, arn) {
            (Some(values), _) => Value::OneOf(values),
            (None, Some(arn)) => arn,
            _ if named && member.name.ends_with("StreamName") => Value::Stream,
            _ if named && member.name.contains("Shard") => Value::Shard,
            _ => Value::Text,
        },
        Type::Blob | Type::List(..) | Type::Structure(_) => Value::Text,
    })
}

/// What Tab and help say of a member the engine does not simulate: its kind in the model.
fn model_value(kind: Kind) -> Option<Value> {
    match kind {
        Kind::Bool => None,
        Kind::Int => Some(Value::Number),
        Kind::Timestamp => Some(Value::Timestamp),
        _ => Some(Value::Text),
    }
}

/// A CLI option that is no member of the request.
fn cli_option(flag: &str, kind: Kind, value: Option<Value>) -> CliOption {
    CliOption {
        flag: flag.to_string(),
        member: "",
        shape: "",
        kind,
        required: false,
        documented: true,
        simulated: kind != Kind::Unsupported,
        value,
    }
}

/// A command's options as the CLI builds its argument table (`ServiceOperation.
/// _create_argument_table` in awscli/clidriver.py, then the `building-argument-table`
/// handlers): the input members in the model's order (required if the model says so), then
/// `--cli-input-json`, the paging options of a paginated command
/// (awscli/customizations/paginate.py, which also hides the members they replace), then
/// `--generate-cli-skeleton`. The engine's request shape says which members are simulated
/// and what Tab offers for them.
fn derive(action: &str) -> Vec<CliOption> {
    let Some(operation) = model::operation_of(action) else {
        return Vec::new();
    };
    let engine = request_shape(action).unwrap_or_default();
    let input = model::shape(operation.input);
    let required = match input {
        Some(Shape::Structure { required, .. }) => required,
        _ => &[],
    };
    let paging: Vec<&str> = operation
        .paginator
        .iter()
        .flat_map(|p| [p.input_token, p.limit_key])
        .collect();
    let mut options: Vec<CliOption> = input
        .map(Shape::members)
        .unwrap_or_default()
        .iter()
        .filter_map(|&(member, shape_name)| {
            let kind = kind_of(model::shape(shape_name)?);
            let simulated = engine.iter().find(|m| m.name == member);
            Some(CliOption {
                flag: flag_of(member),
                member,
                shape: shape_name,
                kind,
                required: required.contains(&member),
                documented: !paging.contains(&member),
                simulated: simulated.is_some(),
                value: simulated.map_or_else(|| model_value(kind), value_of),
            })
        })
        .collect();
    options.push(cli_option(
        "--cli-input-json",
        Kind::InputJson,
        Some(Value::Text),
    ));
    if operation.paginator.is_some() {
        options.push(cli_option(
            "--starting-token",
            Kind::Paging { int: false },
            Some(Value::Text),
        ));
        options.push(cli_option(
            "--page-size",
            Kind::Paging { int: true },
            Some(Value::Number),
        ));
        options.push(cli_option(
            "--max-items",
            Kind::Paging { int: true },
            Some(Value::Number),
        ));
    }
    options.push(cli_option(
        "--generate-cli-skeleton",
        Kind::Unsupported,
        Some(Value::OneOf(&["input", "output"])),
    ));
    options
}

/// Every command with its derived options, worked out once.
pub(crate) fn table() -> &'static [(&'static CliCommand, Vec<CliOption>)] {
    static TABLE: OnceLock<Vec<(&'static CliCommand, Vec<CliOption>)>> = OnceLock::new();
    TABLE.get_or_init(|| COMMANDS.iter().map(|c| (c, derive(c.action))).collect())
}

/// The command named `name` and its options.
pub(crate) fn find(name: &str) -> Option<&'static (&'static CliCommand, Vec<CliOption>)> {
    table().iter().find(|(command, _)| command.name == name)
}

/// The options of `aws kinesis wait WAITER`: those of the action it calls.
pub(crate) fn waiter_options() -> &'static [CliOption] {
    find_action(WAITER_ACTION).map_or(&[], |(_, options)| options.as_slice())
}

/// The command of an action and its options.
pub(crate) fn find_action(action: &str) -> Option<&'static (&'static CliCommand, Vec<CliOption>)> {
    table().iter().find(|(command, _)| command.action == action)
}

/// What the `aws kinesis` command `name` does to the world; a waiter lets time pass while it
/// polls, and a name that is no command changes nothing (it is an error).
pub fn effect(name: &str) -> Effect {
    if name == "wait" {
        return Effect::Changes(TIME_PASSES);
    }
    COMMANDS
        .iter()
        .find(|c| c.name == name)
        .map_or(Effect::Observes, |c| c.effect)
}

/// Every `aws kinesis` subcommand, for help and completion.
pub fn command_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    names.push("wait");
    names
}

/// Global options only AWS CLI v2 has.
pub(crate) const V2_ONLY: &[&str] = &["--cli-binary-format", "--no-cli-pager"];

/// The options of a subcommand, for completion: its own that the CLI documents and Shardlab
/// simulates, then the global ones of that version of the CLI.
pub fn option_names(command: &str, version: CliVersion) -> Vec<&'static str> {
    let mut names: Vec<&str> = find(command)
        .map(|(_, options)| {
            options
                .iter()
                .filter(|o| o.documented && o.simulated)
                .map(|o| o.flag.as_str())
                .collect()
        })
        .unwrap_or_default();
    names.extend(
        GLOBAL
            .iter()
            .map(|o| o.flag)
            .filter(|flag| version == CliVersion::V2 || !V2_ONLY.contains(flag)),
    );
    names
}

/// The options of `aws kinesis wait WAITER` that Tab offers: the stream's.
pub fn waiter_option_names() -> Vec<&'static str> {
    waiter_options()
        .iter()
        .filter(|o| o.documented && o.simulated && !o.member.is_empty())
        .map(|o| o.flag.as_str())
        .collect()
}

/// Whether a flag takes no value: `--no-...`, or a boolean member of any command.
pub fn is_switch(flag: &str) -> bool {
    flag.starts_with("--no-")
        || table()
            .iter()
            .flat_map(|(_, options)| options)
            .any(|o| o.kind == Kind::Bool && o.flag == flag)
}

/// What a flag's value is, in whichever command has it (a member means the same everywhere).
pub fn option_value(flag: &str) -> Option<Value> {
    table()
        .iter()
        .flat_map(|(_, options)| options)
        .find(|o| o.flag == flag)
        .and_then(|o| o.value)
        .or_else(|| GLOBAL.iter().find(|o| o.flag == flag).and_then(|o| o.value))
}
