//! Tab completion for the console: what the word at the cursor can be.
//!
//! A console without completion makes learners retype 20-character shard ids
//! (`shardId-000000000001`), remember which of `--shard-to-split` and `--shard-id` this command
//! wants, and guess the worker ids a KCL application made up. Completion answers those
//! questions from the language itself and from the world as it is now, the way `aws_completer`
//! does in bash: the first word offers the language's commands, `aws kinesis ` the CLI's
//! subcommands, a word starting with `-` the options the command still lacks, and the word after
//! an option its values: stream names, the shard ids of the stream named on the line, iterator
//! types, producer and consumer names, `APP/WORKER` ids, lease keys.
//!
//! What each command takes comes from the command table ([`super::grammar`]) and, for
//! `aws kinesis`, from the CLI's options derived from the engine's request shapes
//! ([`super::aws_cli`]): a value's kind says which of the world's names to offer. The line is
//! split by the language's own lexer in its tolerant mode ([`words_at_cursor`]): inside an
//! open `$(` the command being typed there is completed (`SHARD=$(aws kinesis get-sh` offers
//! `get-shard-iterator`), and inside an open quote or a comment nothing is offered. Candidates
//! are whole shell words, quoted when a name needs it.

use std::collections::BTreeSet;

use super::args::Args;
use super::aws_cli;
use super::grammar::{self, Arg, Command, Syntax, Value};
use super::parse::words_at_cursor;
use crate::sim::World;

/// What Tab offers for a console line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset in the line where the word being completed starts; the chosen candidate replaces line[start..].
    pub start: usize,
    /// Candidates in a stable, sorted order (deduplicated). Empty when nothing fits.
    pub candidates: Vec<String>,
}

impl Completion {
    /// The longest prefix shared by every candidate (what a shell inserts on Tab when there are several).
    pub fn common_prefix(&self) -> String {
        let Some((first, rest)) = self.candidates.split_first() else {
            return String::new();
        };
        let mut shared = first.len();
        for candidate in rest {
            shared = first
                .char_indices()
                .zip(candidate.chars())
                .take_while(|((i, a), b)| *i < shared && a == b)
                .map(|((i, a), _)| i + a.len_utf8())
                .last()
                .unwrap_or(0);
        }
        first[..shared].to_string()
    }
}

/// Completes the last word of `line` (the cursor is at the end of the line).
pub fn complete(line: &str, world: &World) -> Completion {
    let Some((mut words, current)) = words_at_cursor(line) else {
        return Completion {
            start: line.len(),
            candidates: Vec::new(),
        };
    };
    let mut start = current.start;
    let mut prefix = current.text;
    // `--stream-name=or`: complete the value after the `=`, as for `--stream-name or`.
    if let (Some(raw), Some(eq)) = (line.get(start..), prefix.find('=')) {
        if prefix.starts_with("--") && raw.get(..eq) == prefix.get(..eq) {
            words.push(prefix[..eq].to_string());
            prefix = prefix[eq + 1..].to_string();
            start += eq + 1;
        }
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let candidates: BTreeSet<String> = offers(&words, &prefix, world)
        .into_iter()
        .filter(|candidate| candidate.starts_with(prefix.as_str()))
        .map(|candidate| shell_word(&candidate))
        .collect();
    Completion {
        start,
        candidates: candidates.into_iter().collect(),
    }
}

/// A candidate as the learner would type it: bare when the language reads it back unchanged
/// (every name the simulator accepts is), otherwise in single quotes.
fn shell_word(text: &str) -> String {
    let special = |c: char| c.is_whitespace() || c.is_control() || "'\"\\$()".contains(c);
    if text.is_empty() || text.starts_with('#') || text.contains(special) {
        format!("'{}'", text.replace('\'', r"'\''"))
    } else {
        text.to_string()
    }
}

/// Everything that could stand at the cursor after `words` (before filtering by what has been
/// typed of the word; `prefix` only tells an option from a value).
fn offers(words: &[&str], prefix: &str, world: &World) -> Vec<String> {
    let Some((command, args)) = words.split_first() else {
        return owned(&grammar::command_names());
    };
    match (*command, grammar::command_named(command)) {
        ("aws", _) => aws(args, prefix, world),
        ("help", _) => help(args),
        (_, Some(command)) => node(command, None, args, prefix, world),
        (_, None) => Vec::new(),
    }
}

fn owned(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

// ------------------------------------------------------------------ what a value can be

/// What the candidates for a value depend on besides the world: the stream and application
/// named on the line (by an option, or by a word of the condition before it).
#[derive(Default)]
struct Named<'a> {
    stream: Option<&'a str>,
    app: Option<&'a str>,
}

impl<'a> Named<'a> {
    /// The stream and application among positional words `typed`, read as `specs` says.
    fn among(specs: &[Arg], typed: &[&'a str]) -> Named<'a> {
        let find = |kind: Value| {
            specs
                .iter()
                .zip(typed)
                .find(|(spec, _)| spec.value == kind)
                .map(|(_, word)| *word)
        };
        Named {
            stream: find(Value::Stream),
            app: find(Value::App),
        }
    }
}

fn values(value: Value, named: &Named, world: &World) -> Vec<String> {
    match value {
        Value::Stream => world.kinesis().streams().map(|s| s.name.clone()).collect(),
        Value::Shard => shard_ids(world, named.stream),
        Value::StreamArn => world.kinesis().streams().map(|s| s.arn.clone()).collect(),
        Value::ConsumerArn => world
            .kinesis()
            .streams()
            .flat_map(|s| s.consumers.iter().map(|c| c.arn.clone()))
            .collect(),
        Value::Producer => world.producers().map(|p| p.name.clone()).collect(),
        Value::Consumer => world.consumers().map(|c| c.name.clone()).collect(),
        Value::App => world.apps().map(|a| a.name.clone()).collect(),
        Value::Worker => world
            .apps()
            .flat_map(|app| {
                app.workers
                    .keys()
                    .map(move |worker| format!("{}/{worker}", app.name))
            })
            .collect(),
        // The leases of the application named on the line, or of every application.
        Value::Lease => world
            .apps()
            .filter(|app| named.app.is_none_or(|name| app.name == name))
            .flat_map(|app| app.table.rows().map(|l| l.lease_key.clone()))
            .collect(),
        fixed => fixed.fixed_offers(),
    }
}

/// The shard ids (open and closed) of `stream`, or of every stream when it is not named or not
/// known (a `$STREAM` the console cannot see into).
fn shard_ids(world: &World, stream: Option<&str>) -> Vec<String> {
    let named = stream.and_then(|name| world.kinesis().stream(name));
    match named {
        Some(stream) => stream.shards.iter().map(|shard| shard.id()).collect(),
        None => world
            .kinesis()
            .streams()
            .flat_map(|s| s.shards.iter().map(|shard| shard.id()))
            .collect(),
    }
}

/// The stream named among `args` by the first option whose value is a stream (`--stream S`,
/// `--stream-name=S`), as `names_stream` tells them.
fn named_stream<'a>(args: &[&'a str], names_stream: impl Fn(&str) -> bool) -> Option<&'a str> {
    let is_stream = |flag: &str| names_stream(flag);
    args.iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.split_once('=') {
            Some((flag, value)) if is_stream(flag) => Some(value),
            _ if is_stream(arg) => args.get(i + 1).copied(),
            _ => None,
        })
}

// ------------------------------------------------------------------ options

/// The options given so far (`--no-X` counting as `--X`, `--X=v` as `--X`).
fn given(args: &[&str]) -> BTreeSet<String> {
    let mut given = BTreeSet::new();
    for arg in args.iter().filter(|a| a.starts_with("--")) {
        let flag = arg.split_once('=').map_or(*arg, |(flag, _)| flag);
        if let Some(rest) = flag.strip_prefix("--no-") {
            given.insert(format!("--{rest}"));
        }
        given.insert(flag.to_string());
    }
    given
}

/// `options` less those already on the line.
fn missing(options: &[&str], args: &[&str]) -> Vec<String> {
    let given = given(args);
    options
        .iter()
        .filter(|o| !given.contains(**o))
        .map(|o| o.to_string())
        .collect()
}

/// The option whose value the cursor is at: the previous word is an option that takes one and
/// the word being typed does not look like an option itself.
fn value_of<'a>(
    args: &[&'a str],
    prefix: &str,
    takes_value: impl Fn(&str) -> bool,
) -> Option<&'a str> {
    let last = *args.last()?;
    (last.starts_with("--") && !last.contains('=') && takes_value(last) && !prefix.starts_with('-'))
        .then_some(last)
}

/// How many positional words `args` hold, skipping options and their values.
fn positional_count(args: &[&str], valued: &[&str]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        if !arg.starts_with("--") {
            count += 1;
        } else if valued.contains(arg) {
            i += 1;
        }
    }
    count
}

// ------------------------------------------------------------------ the command table

/// What `command` (a subcommand of `parent`, if any) offers after `args`.
fn node(
    command: &'static Command,
    parent: Option<&Command>,
    args: &[&str],
    prefix: &str,
    world: &World,
) -> Vec<String> {
    if command.syntax == Syntax::Condition {
        return condition(command, args, prefix, world);
    }
    if !command.subcommands.is_empty() {
        if let Some((first, rest)) = args.split_first() {
            if let Some(sub) = command.subcommand(first) {
                return node(sub, Some(command), rest, prefix, world);
            }
        } else {
            // A subcommand, or the first word of the form without one (`wait 30s`).
            let mut offers = owned(&command.subcommand_names());
            if let Some(first) = command.words.first() {
                offers.extend(values(first.value, &Named::default(), world));
            }
            return offers;
        }
    }
    if command.syntax == Syntax::Options {
        return with_options(command, parent, args, prefix, world);
    }
    // Every word is positional; a last word named `...` repeats (`show PANEL...`).
    let repeating = command.words.last().filter(|w| w.name.ends_with("..."));
    match command.words.get(args.len()).or(repeating) {
        Some(word) => values(word.value, &Named::among(command.words, args), world),
        None => Vec::new(),
    }
}

/// `NAME [--option value ...]`: an option's values, the options not given yet, or the
/// positional word's values.
fn with_options(
    command: &Command,
    parent: Option<&Command>,
    args: &[&str],
    prefix: &str,
    world: &World,
) -> Vec<String> {
    let read = command.read_options(parent);
    let valued: Vec<&str> = read
        .iter()
        .filter(|o| o.value.is_some())
        .map(|o| o.flag)
        .collect();
    let named = Named {
        stream: named_stream(args, |flag| {
            read.iter()
                .any(|o| o.flag == flag && o.value == Some(Value::Stream))
        }),
        app: None,
    };
    if let Some(flag) = value_of(args, prefix, |flag| valued.contains(&flag)) {
        let value = read.iter().find(|o| o.flag == flag).and_then(|o| o.value);
        return value.map_or_else(Vec::new, |value| values(value, &named, world));
    }
    let shown: Vec<&str> = command
        .shown_options(parent)
        .iter()
        .map(|o| o.flag)
        .collect();
    if prefix.starts_with('-') {
        return missing(&shown, args);
    }
    match command.words.get(positional_count(args, &valued)) {
        Some(word) => values(word.value, &named, world),
        None if prefix.is_empty() => missing(&shown, args),
        None => Vec::new(),
    }
}

/// `wait until`: its options anywhere, a condition's first word naming its form (or
/// `VALUE OP VALUE`), then the form's words.
fn condition(command: &'static Command, args: &[&str], prefix: &str, world: &World) -> Vec<String> {
    let flags: Vec<&str> = command.options.iter().map(|o| o.flag).collect();
    let valued: Vec<&str> = command
        .options
        .iter()
        .filter(|o| o.value.is_some())
        .map(|o| o.flag)
        .collect();
    if let Some(flag) = value_of(args, prefix, |flag| valued.contains(&flag)) {
        let value = command
            .options
            .iter()
            .find(|o| o.flag == flag)
            .and_then(|o| o.value);
        return value.map_or_else(Vec::new, |value| values(value, &Named::default(), world));
    }
    if prefix.starts_with('-') {
        return missing(&flags, args);
    }
    // The condition's words, as `Until::parse` reads them: everything but the options.
    let typed: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let words = Args::parse(command.name, command, None, &typed)
        .map(|read| read.positional)
        .unwrap_or_default();
    // The words a command leads with before its condition (`task "WHAT TO DO" until`).
    if let Some(lead) = command.lead.get(words.len()) {
        return values(lead.value, &Named::default(), world);
    }
    let words = &words[command.lead.len()..];
    if words.is_empty() {
        return owned(&command.subcommand_names());
    }
    let (form, typed) = command.form(words);
    let typed: Vec<&str> = typed.iter().map(String::as_str).collect();
    match form.words.get(typed.len()) {
        Some(word) => values(word.value, &Named::among(form.words, &typed), world),
        None if prefix.is_empty() => missing(&flags, args),
        None => Vec::new(),
    }
}

// ------------------------------------------------------------------ aws kinesis

fn aws(args: &[&str], prefix: &str, world: &World) -> Vec<String> {
    let (service, sub, rest) = match args {
        [] => return owned(&["kinesis"]),
        [service] => (*service, None, &[][..]),
        [service, sub, rest @ ..] => (*service, Some(*sub), rest),
    };
    if service != "kinesis" {
        return Vec::new();
    }
    let Some(sub) = sub else {
        return owned(&aws_cli::command_names());
    };
    if sub == "wait" {
        // `aws kinesis wait stream-exists --stream-name S` (or `--stream-arn ARN`) takes
        // nothing else.
        let options = aws_cli::waiter_options();
        let flags = aws_cli::waiter_option_names();
        let Some((_, given)) = rest.split_first() else {
            return owned(aws_cli::WAITERS);
        };
        if let Some(flag) = value_of(given, prefix, |flag| flags.contains(&flag)) {
            let value = options
                .iter()
                .find(|o| o.flag == flag)
                .and_then(|o| o.value);
            return value.map_or_else(Vec::new, |v| values(v, &Named::default(), world));
        }
        // The stream is named once, by --stream-name or --stream-arn.
        let named = given
            .iter()
            .any(|word| flags.iter().any(|flag| word.starts_with(flag)));
        if !named && (prefix.is_empty() || prefix.starts_with('-')) {
            return missing(&flags, given);
        }
        return Vec::new();
    }
    if !aws_cli::command_names().contains(&sub) {
        return Vec::new();
    }
    if let Some(option) = value_of(rest, prefix, |flag| !aws_cli::is_switch(flag)) {
        let named = Named {
            stream: named_stream(rest, |flag| {
                aws_cli::option_value(flag) == Some(Value::Stream)
            }),
            app: None,
        };
        return aws_cli::option_value(option).map_or_else(Vec::new, |v| values(v, &named, world));
    }
    if prefix.is_empty() || prefix.starts_with('-') {
        return missing(&aws_cli::option_names(sub, world.cli_version()), rest);
    }
    Vec::new()
}

// ------------------------------------------------------------------ help

/// `help COMMAND SUBCOMMAND...`: the table's names at that depth (`help aws kinesis ` the CLI's).
fn help(args: &[&str]) -> Vec<String> {
    let Some((first, path)) = args.split_first() else {
        return owned(&grammar::command_names());
    };
    if *first == "aws" {
        return match path {
            [] => owned(&["kinesis"]),
            ["kinesis"] => owned(&aws_cli::command_names()),
            _ => Vec::new(),
        };
    }
    let mut command = grammar::command_named(first);
    for name in path {
        command = command.and_then(|c| c.subcommand(name));
    }
    command.map_or_else(Vec::new, |c| owned(&c.subcommand_names()))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod lesson_tests;
