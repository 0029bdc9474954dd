//! The `aws kinesis` commands and their options, derived from the engine's request shapes.
//!
//! A CLI option is a request member: its flag is the member's name in kebab case
//! (`StreamName` is `--stream-name`), a `NotNull` member is required, the member's type says
//! how the text becomes JSON, and an `Enum` rule lists what Tab offers. So the console and the
//! engine cannot disagree on what a request holds. This file states only what the CLI does
//! differently: each command's name and action, the order the CLI lists its options in (the
//! API model's, where the engine keeps the order it checks them in), the members it hides or
//! does not require, the shorthand values Tab offers for structures, and the CLI's own global
//! options and waiters; and, as the language's command table does for its own commands, what
//! each command does to the stream ([`Effect`]: a check may run only those that look).

use std::sync::OnceLock;

use crate::engine::request_shape;
use crate::engine::validate::{Member, Pattern, Rule, Type};
use crate::script::grammar::{Effect, Opt, Value, TIME_PASSES};

/// How an option's text becomes a request member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    Int,
    Blob,
    Timestamp,
    /// `--flag` / `--no-flag`.
    Bool,
    /// A JSON list of PutRecords entries, or the shorthand `Data=x,PartitionKey=k ...`.
    Records,
    /// A structure as JSON or shorthand `Key=value,Key=value`.
    Struct,
}

/// An `aws kinesis` command, as far as it is not its action's request shape.
pub(crate) struct CliCommand {
    pub name: &'static str,
    pub action: &'static str,
    pub help: &'static str,
    /// Its members in the order the CLI lists them (and names the missing ones).
    order: &'static [&'static str],
    /// Members the CLI does not take: it pages through every result itself.
    hidden: &'static [&'static str],
    /// Members the API requires but the CLI lets a command go without (the service then
    /// answers for them).
    not_required: &'static [&'static str],
    /// What it does to the world: reading (GetRecords) removes nothing, so only the writes,
    /// the reshards and the stream's own changes change it.
    pub effect: Effect,
}

/// One option of a command: a member of its action's request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CliOption {
    pub flag: String,
    pub member: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// What Tab offers for it and help calls it; `None` for a switch.
    pub value: Option<Value>,
}

const fn command(
    name: &'static str,
    action: &'static str,
    help: &'static str,
    order: &'static [&'static str],
) -> CliCommand {
    CliCommand {
        name,
        action,
        help,
        order,
        hidden: &[],
        not_required: &[],
        effect: Effect::Observes,
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
}

pub(crate) static COMMANDS: &[CliCommand] = &[
    CliCommand {
        // Required by the API, optional in the CLI (on-demand streams have no shard count).
        not_required: &["ShardCount"],
        ..command(
            "create-stream",
            "CreateStream",
            "create a stream with some shards",
            &["StreamName", "ShardCount", "StreamModeDetails"],
        )
        .changes("creates a stream")
    },
    command(
        "delete-stream",
        "DeleteStream",
        "delete a stream",
        &["StreamName", "EnforceConsumerDeletion"],
    )
    .changes("deletes a stream"),
    command(
        "describe-stream",
        "DescribeStream",
        "a stream's status and shards",
        &["StreamName", "ExclusiveStartShardId", "Limit"],
    ),
    command(
        "describe-stream-summary",
        "DescribeStreamSummary",
        "a stream's status and counts, without its shards",
        &["StreamName"],
    ),
    command(
        "describe-limits",
        "DescribeLimits",
        "the account's shard limit and how many shards are open",
        &[],
    ),
    CliCommand {
        hidden: &["NextToken"],
        ..command(
            "list-streams",
            "ListStreams",
            "the account's streams",
            &["ExclusiveStartStreamName", "Limit"],
        )
    },
    command(
        "list-shards",
        "ListShards",
        "a stream's shards, all of them or those a filter picks",
        &[
            "StreamName",
            "NextToken",
            "ExclusiveStartShardId",
            "MaxResults",
            "StreamCreationTimestamp",
            "ShardFilter",
        ],
    ),
    command(
        "put-record",
        "PutRecord",
        "write one record",
        &[
            "StreamName",
            "Data",
            "PartitionKey",
            "ExplicitHashKey",
            "SequenceNumberForOrdering",
        ],
    )
    .changes("writes to the stream"),
    command(
        "put-records",
        "PutRecords",
        "write up to 500 records in one call",
        &["StreamName", "Records"],
    )
    .changes("writes to the stream"),
    command(
        "get-shard-iterator",
        "GetShardIterator",
        "an iterator to read a shard from a place in it",
        &[
            "StreamName",
            "ShardId",
            "ShardIteratorType",
            "StartingSequenceNumber",
            "Timestamp",
        ],
    ),
    command(
        "get-records",
        "GetRecords",
        "read records with an iterator; the answer holds the next one",
        &["ShardIterator", "Limit"],
    ),
    command(
        "split-shard",
        "SplitShard",
        "split a shard's hash key range in two",
        &["StreamName", "ShardToSplit", "NewStartingHashKey"],
    )
    .changes("reshards the stream"),
    command(
        "merge-shards",
        "MergeShards",
        "merge two adjacent shards into one",
        &["StreamName", "ShardToMerge", "AdjacentShardToMerge"],
    )
    .changes("reshards the stream"),
    command(
        "update-shard-count",
        "UpdateShardCount",
        "split or merge shards evenly to reach a count",
        &["StreamName", "TargetShardCount", "ScalingType"],
    )
    .changes("reshards the stream"),
    command(
        "increase-stream-retention-period",
        "IncreaseStreamRetentionPeriod",
        "keep records longer",
        &["StreamName", "RetentionPeriodHours"],
    )
    .changes("changes how long the stream keeps records"),
    command(
        "decrease-stream-retention-period",
        "DecreaseStreamRetentionPeriod",
        "keep records for less long",
        &["StreamName", "RetentionPeriodHours"],
    )
    .changes("changes how long the stream keeps records"),
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
    // Shardlab simulates provisioned streams only.
    ("StreamModeDetails", &["StreamMode=PROVISIONED"]),
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
        "whether --data is base64 already (raw text unless told)",
    ),
    global("--region", Some(Value::Text), "accepted and ignored"),
    global("--profile", Some(Value::Text), "accepted and ignored"),
    global(
        "--no-paginate",
        None,
        "one page of a long answer, not all of them",
    ),
    global("--no-cli-pager", None, "accepted (nothing is paged)"),
    global("--endpoint-url", Some(Value::Text), "accepted and ignored"),
];

const fn global(flag: &'static str, value: Option<Value>, help: &'static str) -> Opt {
    Opt {
        flag,
        value,
        required: false,
        help,
        limits: None,
    }
}

/// `aws kinesis wait WAITER --stream-name S`.
pub const WAITERS: &[&str] = &["stream-exists", "stream-not-exists"];

/// What a waiter calls to see the stream (the CLI's call DescribeStream; the summary is
/// enough here). Its request's one member is the waiter's one option, `--stream-name`.
pub(crate) const WAITER_ACTION: &str = "DescribeStreamSummary";

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

fn kind_of(ty: Type) -> Kind {
    match ty {
        Type::String => Kind::Str,
        Type::Integer => Kind::Int,
        Type::Boolean => Kind::Bool,
        Type::Blob => Kind::Blob,
        Type::Timestamp => Kind::Timestamp,
        Type::List(..) => Kind::Records,
        Type::Structure(_) => Kind::Struct,
    }
}

/// What a member's value is for Tab and help: its `Enum`, a stream's or a shard's name (a
/// name-patterned member says which in its name), a number, a time, or text.
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
    Some(match member.ty {
        Type::Boolean => return None,
        Type::Integer => Value::Number,
        Type::Timestamp => Value::Timestamp,
        Type::String => match enumerated {
            Some(values) => Value::OneOf(values),
            None if named && member.name.ends_with("StreamName") => Value::Stream,
            None if named && member.name.contains("Shard") => Value::Shard,
            None => Value::Text,
        },
        Type::Blob | Type::List(..) | Type::Structure(_) => Value::Text,
    })
}

/// A command's options, from its action's request shape, in the CLI's order.
fn derive(command: &CliCommand) -> Vec<CliOption> {
    let shape = request_shape(command.action).unwrap_or_default();
    let position = |member: &Member| {
        command
            .order
            .iter()
            .position(|name| *name == member.name)
            .unwrap_or(command.order.len())
    };
    let mut members: Vec<&Member> = shape
        .iter()
        .filter(|member| !command.hidden.contains(&member.name))
        .collect();
    members.sort_by_key(|member| position(member));
    members
        .into_iter()
        .map(|member| CliOption {
            flag: flag_of(member.name),
            member: member.name,
            kind: kind_of(member.ty),
            required: member.rules.iter().any(|r| matches!(r, Rule::NotNull))
                && !command.not_required.contains(&member.name),
            value: value_of(member),
        })
        .collect()
}

/// Every command with its derived options, worked out once.
pub(crate) fn table() -> &'static [(&'static CliCommand, Vec<CliOption>)] {
    static TABLE: OnceLock<Vec<(&'static CliCommand, Vec<CliOption>)>> = OnceLock::new();
    TABLE.get_or_init(|| COMMANDS.iter().map(|c| (c, derive(c))).collect())
}

/// The command named `name` and its options.
pub(crate) fn find(name: &str) -> Option<&'static (&'static CliCommand, Vec<CliOption>)> {
    table().iter().find(|(command, _)| command.name == name)
}

/// The options of `aws kinesis wait WAITER`: those of the action it calls.
pub(crate) fn waiter_options() -> &'static [CliOption] {
    table()
        .iter()
        .find(|(command, _)| command.action == WAITER_ACTION)
        .map_or(&[], |(_, options)| options.as_slice())
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

/// The options of a subcommand, for completion: its own, then the global ones.
pub fn option_names(command: &str) -> Vec<&'static str> {
    let mut names: Vec<&str> = find(command)
        .map(|(_, options)| options.iter().map(|o| o.flag.as_str()).collect())
        .unwrap_or_default();
    names.extend(GLOBAL.iter().map(|o| o.flag));
    names
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
