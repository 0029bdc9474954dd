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
//! The line is split into words the way the scenario language splits them (`'...'`, `"..."`,
//! `\`, `$(...)`), by a small scanner of its own that never fails: inside an open `$(` the
//! command being typed there is completed (`SHARD=$(aws kinesis get-sh` offers
//! `get-shard-iterator`), and inside an open quote or a comment nothing is offered. Candidates
//! are whole shell words, quoted when a name needs it.

use std::collections::BTreeSet;

use super::aws_cli;
use super::runner::COMMANDS;
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

// ------------------------------------------------------------------ splitting the line

/// A word as the language reads it: where it starts in the line, and its text with the quotes
/// taken away (a `$NAME` or `$(...)` in it is kept as written).
#[derive(Debug)]
struct Token {
    start: usize,
    text: String,
}

/// One command being read: the top of the line, or the inside of a `$(`.
struct Frame {
    /// Where its `$(` starts (0 for the line itself).
    dollar: usize,
    words: Vec<Token>,
    current: Option<Token>,
    /// The quote the scanner is inside, if any.
    quote: Option<char>,
}

impl Frame {
    fn new(dollar: usize) -> Frame {
        Frame {
            dollar,
            words: Vec::new(),
            current: None,
            quote: None,
        }
    }

    fn word(&mut self, at: usize) -> &mut String {
        &mut self
            .current
            .get_or_insert_with(|| Token {
                start: at,
                text: String::new(),
            })
            .text
    }

    fn finish(&mut self) {
        if let Some(token) = self.current.take() {
            self.words.push(token);
        }
    }
}

/// The words before the cursor in the innermost command it is in, and the word it is in (empty
/// and starting at the end after whitespace). `None` inside an open quote or a comment.
///
/// It follows the language's lexer but never fails and never recurses, so any line is safe.
fn words_at_cursor(line: &str) -> Option<(Vec<String>, Token)> {
    let mut stack = vec![Frame::new(0)];
    let mut chars = line.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let nested = stack.len() > 1;
        let opens_command = c == '$' && chars.peek().is_some_and(|&(_, next)| next == '(');
        let frame = stack.last_mut()?;
        match frame.quote {
            Some('\'') => {
                if c == '\'' {
                    frame.quote = None;
                } else {
                    frame.word(at).push(c);
                }
            }
            Some(_) => match c {
                '"' => frame.quote = None,
                '\\' => match chars.peek() {
                    Some(&(_, escaped @ ('"' | '\\' | '$' | '`'))) => {
                        chars.next();
                        frame.word(at).push(escaped);
                    }
                    _ => frame.word(at).push('\\'),
                },
                '$' if opens_command => {
                    chars.next();
                    stack.push(Frame::new(at));
                }
                _ => frame.word(at).push(c),
            },
            None => match c {
                c if c.is_whitespace() => frame.finish(),
                ')' if nested => {
                    frame.finish();
                    let dollar = frame.dollar;
                    stack.pop();
                    if let (Some(outer), Some(text)) =
                        (stack.last_mut(), line.get(dollar..at + c.len_utf8()))
                    {
                        outer.word(dollar).push_str(text);
                    }
                }
                '#' if frame.current.is_none() => return None,
                '\'' | '"' => {
                    frame.word(at);
                    frame.quote = Some(c);
                }
                '\\' => {
                    let word = frame.word(at);
                    if let Some((_, escaped)) = chars.next() {
                        word.push(escaped);
                    }
                }
                '$' if opens_command => {
                    frame.word(at);
                    chars.next();
                    stack.push(Frame::new(at));
                }
                _ => frame.word(at).push(c),
            },
        }
    }
    let frame = stack.pop()?;
    if frame.quote.is_some() {
        return None;
    }
    let current = frame.current.unwrap_or(Token {
        start: line.len(),
        text: String::new(),
    });
    Some((frame.words.into_iter().map(|t| t.text).collect(), current))
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

// ------------------------------------------------------------------ what each command takes

/// Everything that could stand at the cursor after `words` (before filtering by what has been
/// typed of the word; `prefix` only tells an option from a value).
fn offers(words: &[&str], prefix: &str, world: &World) -> Vec<String> {
    let Some((command, args)) = words.split_first() else {
        return owned(COMMANDS);
    };
    match *command {
        "aws" => aws(args, prefix, world),
        "producer" => producer(args, prefix, world),
        "consumer" => consumer(args, prefix, world),
        "kcl" => kcl(args, prefix, world),
        "sim" => sim(args, prefix, world),
        "wait" => wait(args, prefix, world),
        "expect" if args.len() == 1 => owned(OPERATORS),
        _ => Vec::new(),
    }
}

fn owned(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// The comparisons of `expect` and `wait until VALUE OP VALUE`.
const OPERATORS: &[&str] = &["==", "!=", "<", "<=", ">", ">=", "contains"];

/// `ShardIteratorType` values of GetShardIterator.
const ITERATOR_TYPES: &[&str] = &[
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
    "TRIM_HORIZON",
    "LATEST",
    "AT_TIMESTAMP",
];

/// What `--output` takes, in the CLI and in `sim describe`.
const OUTPUT_FORMATS: &[&str] = &["json", "text"];

/// The `StreamStatus` values `wait until status STREAM` compares with.
const STREAM_STATUSES: &[&str] = &["CREATING", "ACTIVE", "UPDATING", "DELETING"];

/// Options whose value is a shard id.
const SHARD_OPTIONS: &[&str] = &[
    "--shard-id",
    "--shard-to-split",
    "--shard-to-merge",
    "--adjacent-shard-to-merge",
    "--exclusive-start-shard-id",
];

fn stream_names(world: &World) -> Vec<String> {
    world.kinesis().streams().map(|s| s.name.clone()).collect()
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

/// The stream named by `--stream-name S` / `--stream S` (or `=S`) among `args`.
fn named_stream<'a>(args: &[&'a str]) -> Option<&'a str> {
    let is_stream = |flag: &str| flag == "--stream-name" || flag == "--stream";
    args.iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.split_once('=') {
            Some((flag, value)) if is_stream(flag) => Some(value),
            _ if is_stream(arg) => args.get(i + 1).copied(),
            _ => None,
        })
}

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

// ------------------------------------------------------------------ aws kinesis

/// CLI options that take no value (`Kind::Bool` in `aws_cli`, and the global switches).
fn is_aws_switch(flag: &str) -> bool {
    flag.starts_with("--no-") || flag == "--enforce-consumer-deletion"
}

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
        // `aws kinesis wait stream-exists --stream-name S` takes nothing else.
        return match rest {
            [] => owned(&["stream-exists", "stream-not-exists"]),
            [_, .., "--stream-name"] if !prefix.starts_with('-') => stream_names(world),
            [_, options @ ..] if prefix.is_empty() || prefix.starts_with('-') => {
                missing(&["--stream-name"], options)
            }
            _ => Vec::new(),
        };
    }
    if !aws_cli::command_names().contains(&sub) {
        return Vec::new();
    }
    if let Some(option) = value_of(rest, prefix, |flag| !is_aws_switch(flag)) {
        return aws_values(option, rest, world);
    }
    if prefix.is_empty() || prefix.starts_with('-') {
        return missing(&aws_cli::option_names(sub), rest);
    }
    Vec::new()
}

fn aws_values(option: &str, args: &[&str], world: &World) -> Vec<String> {
    match option {
        "--stream-name" | "--exclusive-start-stream-name" => stream_names(world),
        _ if SHARD_OPTIONS.contains(&option) => shard_ids(world, named_stream(args)),
        "--shard-iterator-type" => owned(ITERATOR_TYPES),
        "--scaling-type" => owned(&["UNIFORM_SCALING"]),
        "--output" => owned(OUTPUT_FORMATS),
        "--cli-binary-format" => owned(&["base64", "raw-in-base64-out"]),
        "--shard-filter" => owned(&[
            "Type=AT_LATEST",
            "Type=AT_TRIM_HORIZON",
            "Type=FROM_TRIM_HORIZON",
            "Type=AFTER_SHARD_ID,ShardId=",
            "Type=AT_TIMESTAMP,Timestamp=",
            "Type=FROM_TIMESTAMP,Timestamp=",
        ]),
        // Shardlab simulates provisioned streams only.
        "--stream-mode-details" => owned(&["StreamMode=PROVISIONED"]),
        _ => Vec::new(),
    }
}

// ------------------------------------------------------------------ simulator commands
//
// The producer and application options are `sim_commands`' own lists; the others mirror its
// code, and the tests run every one of them through the real commands, so a renamed option
// fails a test here.
use super::sim_commands::{APP_OPTIONS, PRODUCER_OPTIONS};

const PRODUCER_SUBCOMMANDS: &[&str] = &["add", "set", "remove", "pause", "stop", "resume"];

const CONSUMER_SUBCOMMANDS: &[&str] = &["add", "remove", "pause", "stop", "resume"];

const CONSUMER_OPTIONS: &[&str] = &[
    "--stream",
    "--shard-id",
    "--shard-iterator-type",
    "--timestamp",
    "--idle",
    "--limit",
];

const APP_SWITCHES: &[&str] = &["--no-priority", "--forget-shard-end"];

const WORKER_SUBCOMMANDS: &[&str] = &["add", "kill", "pause", "restart", "remove"];

const SIM_SUBCOMMANDS: &[&str] = &["describe", "limits", "seed", "time"];

const DESCRIBE_OPTIONS: &[&str] = &["--query", "--output"];

const LIMITS_OPTIONS: &[&str] = &[
    "--stream",
    "--write-records",
    "--write-bytes",
    "--read-calls",
    "--read-bytes",
];

/// A simulator command's `NAME [--option value ...]` after its subcommand: the option's values,
/// the options not given yet, or (for the first positional word) `names`.
struct Shape<'a> {
    valued: &'a [&'a str],
    switches: &'a [&'a str],
    /// What the first positional word can be (`None`: a new name, nothing to offer).
    names: Option<Vec<String>>,
    /// Whether options are offered on an empty word after the name.
    takes_options: bool,
}

fn simulator(
    shape: Shape,
    args: &[&str],
    prefix: &str,
    values: impl Fn(&str) -> Vec<String>,
) -> Vec<String> {
    if let Some(option) = value_of(args, prefix, |flag| shape.valued.contains(&flag)) {
        return values(option);
    }
    let all: Vec<&str> = shape.valued.iter().chain(shape.switches).copied().collect();
    if prefix.starts_with('-') {
        return if shape.takes_options {
            missing(&all, args)
        } else {
            Vec::new()
        };
    }
    match positional_count(args, shape.valued) {
        0 => shape.names.unwrap_or_default(),
        _ if prefix.is_empty() && shape.takes_options => missing(&all, args),
        _ => Vec::new(),
    }
}

fn producer(args: &[&str], prefix: &str, world: &World) -> Vec<String> {
    let Some((sub, rest)) = args.split_first() else {
        return owned(PRODUCER_SUBCOMMANDS);
    };
    if !PRODUCER_SUBCOMMANDS.contains(sub) {
        return Vec::new();
    }
    let names = (*sub != "add").then(|| world.producers().map(|p| p.name.clone()).collect());
    let shape = Shape {
        valued: PRODUCER_OPTIONS,
        switches: &[],
        names,
        takes_options: matches!(*sub, "add" | "set"),
    };
    simulator(shape, rest, prefix, |option| match option {
        "--stream" => stream_names(world),
        "--keys" => owned(&["uniform:", "random", "zipf:", "hot:"]),
        "--retry" => owned(&["none", "backoff"]),
        _ => Vec::new(),
    })
}

fn consumer(args: &[&str], prefix: &str, world: &World) -> Vec<String> {
    let Some((sub, rest)) = args.split_first() else {
        return owned(CONSUMER_SUBCOMMANDS);
    };
    if !CONSUMER_SUBCOMMANDS.contains(sub) {
        return Vec::new();
    }
    let names = (*sub != "add").then(|| world.consumers().map(|c| c.name.clone()).collect());
    let shape = Shape {
        valued: CONSUMER_OPTIONS,
        switches: &[],
        names,
        takes_options: *sub == "add",
    };
    simulator(shape, rest, prefix, |option| match option {
        "--stream" => stream_names(world),
        "--shard-id" => shard_ids(world, named_stream(rest)),
        "--shard-iterator-type" => owned(&["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"]),
        _ => Vec::new(),
    })
}

fn kcl(args: &[&str], prefix: &str, world: &World) -> Vec<String> {
    let apps = || world.apps().map(|a| a.name.clone()).collect::<Vec<_>>();
    match args {
        [] => owned(&["app", "worker"]),
        ["app"] => owned(&["add"]),
        ["app", "add", rest @ ..] => {
            let shape = Shape {
                valued: APP_OPTIONS,
                switches: APP_SWITCHES,
                names: None,
                takes_options: true,
            };
            simulator(shape, rest, prefix, |option| match option {
                "--stream" => stream_names(world),
                "--checkpoint" => owned(&["every:", "interval:", "batch", "never"]),
                "--initial-position" => owned(&["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"]),
                _ => Vec::new(),
            })
        }
        ["worker"] => owned(WORKER_SUBCOMMANDS),
        ["worker", "add"] => apps(),
        ["worker", "kill" | "pause" | "restart" | "remove"] => world
            .apps()
            .flat_map(|app| {
                app.workers
                    .keys()
                    .map(move |worker| format!("{}/{worker}", app.name))
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn sim(args: &[&str], prefix: &str, world: &World) -> Vec<String> {
    let (valued, rest) = match args {
        [] => return owned(SIM_SUBCOMMANDS),
        ["describe", rest @ ..] => (DESCRIBE_OPTIONS, rest),
        ["limits", rest @ ..] => (LIMITS_OPTIONS, rest),
        _ => return Vec::new(),
    };
    let shape = Shape {
        valued,
        switches: &[],
        names: None,
        takes_options: true,
    };
    // Neither takes a positional word, so options are offered from the start.
    if prefix.is_empty() && value_of(rest, prefix, |flag| valued.contains(&flag)).is_none() {
        return missing(valued, rest);
    }
    simulator(shape, rest, prefix, |option| match option {
        "--stream" => stream_names(world),
        "--output" => owned(OUTPUT_FORMATS),
        _ => Vec::new(),
    })
}

// ------------------------------------------------------------------ wait until

const WAIT_OPTIONS: &[&str] = &["--timeout", "--every"];

fn wait(args: &[&str], prefix: &str, world: &World) -> Vec<String> {
    let Some((&"until", rest)) = args.split_first() else {
        return if args.is_empty() {
            owned(&["until"])
        } else {
            Vec::new()
        };
    };
    if value_of(rest, prefix, |flag| WAIT_OPTIONS.contains(&flag)).is_some() {
        return Vec::new(); // a duration
    }
    if prefix.starts_with('-') {
        return missing(WAIT_OPTIONS, rest);
    }
    // The condition's words, as `Until::parse` reads them: everything but the options.
    let mut condition = Vec::new();
    let mut words = rest.iter();
    while let Some(word) = words.next() {
        if WAIT_OPTIONS.contains(word) {
            words.next();
        } else {
            condition.push(*word);
        }
    }
    let options = || {
        if prefix.is_empty() {
            missing(WAIT_OPTIONS, rest)
        } else {
            Vec::new()
        }
    };
    match condition.as_slice() {
        [] => owned(&["throttled", "read-throttled", "lease", "status"]),
        ["throttled" | "read-throttled" | "status"] => stream_names(world),
        ["throttled" | "read-throttled", stream] => shard_ids(world, Some(stream)),
        ["status", _] => owned(STREAM_STATUSES),
        ["lease"] => world.apps().map(|a| a.name.clone()).collect(),
        ["lease", app] => world
            .app(app)
            .map(|app| app.table.rows().map(|l| l.lease_key.clone()).collect())
            .unwrap_or_default(),
        ["lease", _, _] => owned(&["moves"]),
        [_] => owned(OPERATORS),
        [_, _] => Vec::new(), // the value compared with
        _ => options(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{Entry, Runner};

    /// Two streams (orders with 2 shards, payments with 3), a producer, a consumer and a KCL
    /// application with two workers, a minute in.
    fn world() -> World {
        let mut world = World::new(1);
        let mut console = Runner::console();
        let mut out = Vec::new();
        for line in [
            "aws kinesis create-stream --stream-name orders --shard-count 2",
            "aws kinesis create-stream --stream-name payments --shard-count 3",
            "aws kinesis wait stream-exists --stream-name orders",
            "aws kinesis wait stream-exists --stream-name payments",
            "producer add web --stream orders --rate 10",
            "consumer add audit --stream payments --shard-id shardId-000000000002 --shard-iterator-type TRIM_HORIZON",
            "kcl app add analytics --stream orders --workers 2",
        ] {
            console.run_line(line, &mut world, &mut out);
        }
        assert_errors_free(&out);
        world.advance_by(60_000);
        world
    }

    fn assert_errors_free(out: &[Entry]) {
        let errors: Vec<&Entry> = out
            .iter()
            .filter(|e| matches!(e, Entry::Error { .. }))
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    fn offered(line: &str, world: &World) -> Vec<String> {
        complete(line, world).candidates
    }

    fn strings(words: &[&str]) -> Vec<String> {
        let mut words = owned(words);
        words.sort();
        words
    }

    /// What running `line` at a fresh console printed, errors included.
    fn transcript(line: &str) -> String {
        let mut world = World::new(1);
        let mut out = Vec::new();
        Runner::console().run_line(line, &mut world, &mut out);
        format!("{out:?}")
    }

    const ORDERS_SHARDS: &[&str] = &["shardId-000000000000", "shardId-000000000001"];
    const PAYMENTS_SHARDS: &[&str] = &[
        "shardId-000000000000",
        "shardId-000000000001",
        "shardId-000000000002",
    ];

    #[test]
    fn the_first_word_is_one_of_the_languages_commands() {
        let world = World::new(1);
        assert_eq!(offered("", &world), strings(COMMANDS));
        assert_eq!(offered("s", &world), ["say", "sim", "sleep", "step"]);
        assert_eq!(offered("aw", &world), ["aws"]);
        assert_eq!(offered("  k", &world), ["kcl"]);
        assert_eq!(complete("  k", &world).start, 2);
        assert!(offered("frobnicate", &world).is_empty());
    }

    #[test]
    fn aws_kinesis_subcommands_and_waiters() {
        let world = world();
        assert_eq!(offered("aws ", &world), ["kinesis"]);
        assert_eq!(offered("aws kin", &world), ["kinesis"]);
        assert!(offered("aws s3 ", &world).is_empty());
        let mut all = owned(&aws_cli::command_names());
        all.sort();
        assert_eq!(offered("aws kinesis ", &world), all);
        assert!(all.contains(&"wait".to_string()));
        assert_eq!(
            offered("aws kinesis get-sh", &world),
            ["get-shard-iterator"]
        );
        assert_eq!(
            offered("aws kinesis wait ", &world),
            ["stream-exists", "stream-not-exists"]
        );
        assert_eq!(
            offered("aws kinesis wait stream-exists ", &world),
            ["--stream-name"]
        );
        assert_eq!(
            offered("aws kinesis wait stream-exists --stream-name ", &world),
            ["orders", "payments"]
        );
        assert!(offered(
            "aws kinesis wait stream-exists --stream-name orders ",
            &world
        )
        .is_empty());
        assert!(offered("aws kinesis frobnicate ", &world).is_empty());
    }

    #[test]
    fn stream_names_complete_after_stream_name() {
        let world = world();
        assert_eq!(
            offered("aws kinesis get-shard-iterator --stream-name o", &world),
            ["orders"]
        );
        assert_eq!(
            offered("aws kinesis describe-stream --stream-name ", &world),
            ["orders", "payments"]
        );
        assert_eq!(
            offered(
                "aws kinesis list-streams --exclusive-start-stream-name p",
                &world
            ),
            ["payments"]
        );
        // The inline form completes after the '='.
        let line = "aws kinesis describe-stream --stream-name=or";
        let completion = complete(line, &world);
        assert_eq!(completion.candidates, ["orders"]);
        assert_eq!(&line[completion.start..], "or");
    }

    #[test]
    fn shard_ids_come_from_the_stream_named_on_the_line() {
        let world = world();
        assert_eq!(
            offered(
                "aws kinesis get-shard-iterator --stream-name orders --shard-id ",
                &world
            ),
            ORDERS_SHARDS
        );
        assert_eq!(
            offered(
                "aws kinesis get-shard-iterator --shard-id shardId-000000000002 --stream-name payments --shard-iterator-type LATEST --shard-id shardId-0000000000",
                &world
            ),
            PAYMENTS_SHARDS
        );
        // No stream named (or one the console cannot see): every stream's shards, once each.
        assert_eq!(
            offered("aws kinesis get-shard-iterator --shard-id ", &world),
            PAYMENTS_SHARDS
        );
        assert_eq!(
            offered(
                "aws kinesis split-shard --stream-name $STREAM --shard-to-split ",
                &world
            ),
            PAYMENTS_SHARDS
        );
        for option in SHARD_OPTIONS {
            let line = format!("aws kinesis merge-shards --stream-name orders {option} ");
            assert_eq!(offered(&line, &world), ORDERS_SHARDS, "{option}");
        }
    }

    #[test]
    fn options_already_given_are_not_offered_again() {
        let world = world();
        assert_eq!(
            offered(
                "aws kinesis get-shard-iterator --stream-name orders --sh",
                &world
            ),
            ["--shard-id", "--shard-iterator-type"]
        );
        assert_eq!(
            offered(
                "aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-000000000000 --sh",
                &world
            ),
            ["--shard-iterator-type"]
        );
        let fresh = offered("aws kinesis put-record ", &world);
        let mut expected = owned(&aws_cli::option_names("put-record"));
        expected.sort();
        assert_eq!(fresh, expected);
        let later = offered(
            "aws kinesis put-record --stream-name=orders --data hi ",
            &world,
        );
        assert!(!later.contains(&"--stream-name".to_string()));
        assert!(!later.contains(&"--data".to_string()));
        assert!(later.contains(&"--partition-key".to_string()));
        assert!(later.contains(&"--query".to_string()));
        // A switch takes no value: what follows it is the next option.
        assert!(offered(
            "aws kinesis delete-stream --stream-name orders --enforce-consumer-deletion ",
            &world
        )
        .contains(&"--query".to_string()));
        assert!(!offered(
            "aws kinesis delete-stream --stream-name orders --no-enforce-consumer-deletion --",
            &world
        )
        .contains(&"--enforce-consumer-deletion".to_string()));
        assert!(offered("aws kinesis list-shards --no-paginate ", &world)
            .contains(&"--stream-name".to_string()));
        // A word that is neither an option nor a value has nothing to complete.
        assert!(offered("aws kinesis list-shards x", &world).is_empty());
    }

    #[test]
    fn enumerated_values_of_the_cli() {
        let world = world();
        assert_eq!(
            offered(
                "aws kinesis get-shard-iterator --stream-name orders --shard-iterator-type ",
                &world
            ),
            strings(ITERATOR_TYPES)
        );
        assert_eq!(
            offered(
                "aws kinesis get-shard-iterator --shard-iterator-type AT_",
                &world
            ),
            ["AT_SEQUENCE_NUMBER", "AT_TIMESTAMP"]
        );
        assert_eq!(
            offered("aws kinesis update-shard-count --scaling-type ", &world),
            ["UNIFORM_SCALING"]
        );
        assert_eq!(
            offered("aws kinesis list-streams --output ", &world),
            ["json", "text"]
        );
        assert_eq!(
            offered("aws kinesis put-record --cli-binary-format ", &world),
            ["base64", "raw-in-base64-out"]
        );
        assert!(
            offered("aws kinesis list-shards --shard-filter Type=AT_", &world)
                .contains(&"Type=AT_LATEST".to_string())
        );
        // Free text has nothing to offer.
        assert!(offered("aws kinesis put-record --partition-key ", &world).is_empty());
    }

    #[test]
    fn producers_and_consumers() {
        let world = world();
        assert_eq!(offered("producer ", &world), strings(PRODUCER_SUBCOMMANDS));
        assert_eq!(offered("producer s", &world), ["set", "stop"]);
        assert_eq!(offered("producer set ", &world), ["web"]);
        assert_eq!(offered("producer pause w", &world), ["web"]);
        assert!(offered("producer add ", &world).is_empty(), "a new name");
        assert_eq!(
            offered("producer add mobile ", &world),
            strings(PRODUCER_OPTIONS)
        );
        assert_eq!(
            offered("producer add mobile --stream ", &world),
            ["orders", "payments"]
        );
        assert_eq!(
            offered("producer add mobile --stream orders --k", &world),
            ["--keys"]
        );
        assert_eq!(
            offered("producer add mobile --keys ", &world),
            ["hot:", "random", "uniform:", "zipf:"]
        );
        assert_eq!(
            offered("producer add mobile --retry ", &world),
            ["backoff", "none"]
        );
        let set = offered("producer set web --rate 5 ", &world);
        assert!(!set.contains(&"--rate".to_string()));
        assert!(set.contains(&"--keys".to_string()));
        assert!(offered("producer remove web ", &world).is_empty());

        assert_eq!(offered("consumer ", &world), strings(CONSUMER_SUBCOMMANDS));
        assert_eq!(offered("consumer remove ", &world), ["audit"]);
        assert_eq!(
            offered("consumer add tail --stream orders --shard-id ", &world),
            ORDERS_SHARDS
        );
        assert_eq!(
            offered("consumer add tail --shard-iterator-type ", &world),
            ["AT_TIMESTAMP", "LATEST", "TRIM_HORIZON"]
        );
        assert!(offered("producer frobnicate ", &world).is_empty());
    }

    #[test]
    fn kcl_applications_and_workers() {
        let world = world();
        assert_eq!(offered("kcl ", &world), ["app", "worker"]);
        assert_eq!(offered("kcl app ", &world), ["add"]);
        let mut options = owned(APP_OPTIONS);
        options.extend(owned(APP_SWITCHES));
        options.sort();
        assert_eq!(offered("kcl app add billing ", &world), options);
        assert_eq!(
            offered("kcl app add billing --stream orders --no-", &world),
            ["--no-priority"]
        );
        assert_eq!(
            offered("kcl app add billing --initial-position ", &world),
            ["AT_TIMESTAMP", "LATEST", "TRIM_HORIZON"]
        );
        assert_eq!(
            offered("kcl app add billing --checkpoint ", &world),
            ["batch", "every:", "interval:", "never"]
        );
        assert_eq!(offered("kcl worker ", &world), strings(WORKER_SUBCOMMANDS));
        assert_eq!(offered("kcl worker add ", &world), ["analytics"]);
        let workers: Vec<String> = world
            .app("analytics")
            .map(|app| {
                app.workers
                    .keys()
                    .map(|id| format!("analytics/{id}"))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(workers.len(), 2);
        for sub in ["kill", "pause", "restart", "remove"] {
            assert_eq!(offered(&format!("kcl worker {sub} "), &world), workers);
        }
        assert_eq!(
            offered("kcl worker kill analytics/worker-2", &world),
            ["analytics/worker-2"]
        );
        assert!(offered("kcl worker kill analytics/worker-1 ", &world).is_empty());
    }

    #[test]
    fn sim_subcommands_and_options() {
        let world = world();
        assert_eq!(
            offered("sim ", &world),
            ["describe", "limits", "seed", "time"]
        );
        assert_eq!(offered("sim describe ", &world), ["--output", "--query"]);
        assert_eq!(offered("sim describe --output ", &world), ["json", "text"]);
        assert_eq!(
            offered("sim limits --stream ", &world),
            ["orders", "payments"]
        );
        assert_eq!(
            offered("sim limits --stream orders --write-", &world),
            ["--write-bytes", "--write-records"]
        );
        assert!(offered("sim time ", &world).is_empty());
    }

    #[test]
    fn wait_until_conditions() {
        let world = world();
        assert_eq!(offered("wait ", &world), ["until"]);
        assert!(offered("wait 30s ", &world).is_empty());
        assert_eq!(
            offered("wait until ", &world),
            ["lease", "read-throttled", "status", "throttled"]
        );
        assert_eq!(
            offered("wait until throttled ", &world),
            ["orders", "payments"]
        );
        assert_eq!(
            offered("wait until read-throttled orders ", &world),
            ORDERS_SHARDS
        );
        assert_eq!(
            offered("wait until status orders ", &world),
            ["ACTIVE", "CREATING", "DELETING", "UPDATING"]
        );
        assert_eq!(offered("wait until lease ", &world), ["analytics"]);
        let leases: Vec<String> = world
            .app("analytics")
            .map(|app| app.table.rows().map(|l| l.lease_key.clone()).collect())
            .unwrap_or_default();
        assert_eq!(leases, ORDERS_SHARDS, "the KCL took a lease per shard");
        assert_eq!(offered("wait until lease analytics ", &world), leases);
        assert!(offered("wait until lease nobody ", &world).is_empty());
        assert_eq!(
            offered("wait until lease analytics shardId-000000000001 ", &world),
            ["moves"]
        );
        assert_eq!(
            offered(
                "wait until lease analytics shardId-000000000001 moves ",
                &world
            ),
            ["--every", "--timeout"]
        );
        assert_eq!(
            offered(
                "wait until --timeout 5m throttled orders shardId-000000000000 --",
                &world
            ),
            ["--every"]
        );
        assert!(
            offered("wait until --timeout ", &world).is_empty(),
            "a duration"
        );
        // `wait until VALUE OP VALUE` and `expect` offer the comparisons.
        assert_eq!(
            offered("wait until $(sim time) ", &world),
            strings(OPERATORS)
        );
        assert_eq!(offered("expect $X ", &world), strings(OPERATORS));
        assert_eq!(offered("expect $X c", &world), ["contains"]);
    }

    #[test]
    fn the_command_inside_an_open_substitution_is_completed() {
        let world = world();
        let line = "SHARD=$(aws kinesis get-sh";
        let completion = complete(line, &world);
        assert_eq!(completion.candidates, ["get-shard-iterator"]);
        assert_eq!(&line[completion.start..], "get-sh");
        let line = "expect $(aws kinesis describe-stream-summary --stream-name o";
        assert_eq!(offered(line, &world), ["orders"]);
        assert_eq!(offered("echo \"$(aws kinesis wait ", &world).len(), 2);
        assert_eq!(offered("X=$(", &world), strings(COMMANDS));
        // Once closed, the substitution is one word of the outer command.
        assert_eq!(
            offered(
                "aws kinesis get-records --shard-iterator $(aws kinesis get-shard-iterator) --l",
                &world
            ),
            ["--limit"]
        );
    }

    #[test]
    fn quotes_comments_and_whitespace() {
        let world = world();
        assert!(offered("say \"hello wor", &world).is_empty());
        assert!(offered("aws kinesis describe-stream --stream-name 'ord", &world).is_empty());
        assert!(offered("# aws kin", &world).is_empty());
        assert!(offered("aws kinesis list-streams # --o", &world).is_empty());
        // A closed quote is part of the word it replaces.
        let line = "aws kinesis describe-stream --stream-name 'orders'";
        let completion = complete(line, &world);
        assert_eq!(completion.candidates, ["orders"]);
        assert_eq!(&line[completion.start..], "'orders'");
        assert_eq!(
            offered("aws kinesis \"describe-stream\" --stream-name ", &world),
            ["orders", "payments"]
        );
        // Trailing whitespace starts a new, empty word.
        let line = "aws kinesis\t";
        let completion = complete(line, &world);
        assert_eq!(completion.start, line.len());
        assert!(completion.candidates.len() > 10);
        let completion = complete("aws kinesis", &world);
        assert_eq!(completion.start, 4);
        assert_eq!(completion.candidates, ["kinesis"]);
    }

    #[test]
    fn candidates_read_back_as_the_text_they_stand_for() {
        for text in [
            "orders",
            "<=",
            "!=",
            "hot:",
            "Type=AT_LATEST",
            "analytics/worker-1",
            "é名前",
            "it's busy",
            "",
            "$HOME",
            "#tag",
            "a#b",
            "a)b",
            "back\\slash",
            "\"",
            "tab\there",
        ] {
            let word = shell_word(text);
            let line = format!("echo $(echo {word} ) {word} ");
            let words = words_at_cursor(&line)
                .map(|(words, _)| words)
                .unwrap_or_default();
            assert_eq!(words.len(), 3, "{line}");
            assert_eq!(words[2], text, "{line}");
        }
        assert_eq!(shell_word("shardId-000000000000"), "shardId-000000000000");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }

    #[test]
    fn common_prefix_is_what_tab_inserts() {
        let world = world();
        assert_eq!(complete("aws kinesis get-", &world).common_prefix(), "get-");
        assert_eq!(
            complete(
                "aws kinesis get-shard-iterator --stream-name orders --shard-id ",
                &world
            )
            .common_prefix(),
            "shardId-00000000000"
        );
        assert_eq!(
            complete("aws kinesis get-sh", &world).common_prefix(),
            "get-shard-iterator"
        );
        assert_eq!(complete("zzz", &world).common_prefix(), "");
        let accents = Completion {
            start: 0,
            candidates: owned(&["café-ü", "café-ö"]),
        };
        assert_eq!(accents.common_prefix(), "café-");
    }

    #[test]
    fn every_offered_simulator_option_and_subcommand_is_one_the_commands_know() {
        for (command, options) in [
            ("producer add probe", PRODUCER_OPTIONS),
            ("consumer add probe", CONSUMER_OPTIONS),
            ("kcl app add probe", APP_OPTIONS),
            ("sim describe", DESCRIBE_OPTIONS),
            ("sim limits", LIMITS_OPTIONS),
        ] {
            for option in options {
                let said = transcript(&format!("{command} {option} 1"));
                assert!(
                    !said.contains("unknown option"),
                    "{command} {option}: {said}"
                );
            }
            let said = transcript(&format!("{command} --frobnicate 1"));
            assert!(said.contains("unknown option"), "{command}: {said}");
        }
        for switch in APP_SWITCHES {
            let said = transcript(&format!("kcl app add probe {switch}"));
            assert!(!said.contains("unknown option"), "{switch}: {said}");
        }
        for (command, subcommands) in [
            ("producer", PRODUCER_SUBCOMMANDS),
            ("consumer", CONSUMER_SUBCOMMANDS),
            ("kcl worker", WORKER_SUBCOMMANDS),
            ("sim", SIM_SUBCOMMANDS),
        ] {
            for sub in subcommands {
                let said = transcript(&format!("{command} {sub}"));
                assert!(
                    !said.contains("unknown subcommand"),
                    "{command} {sub}: {said}"
                );
            }
            let said = transcript(&format!("{command} frobnicate"));
            assert!(said.contains("unknown subcommand"), "{command}: {said}");
        }
        for option in WAIT_OPTIONS {
            let said = transcript(&format!("wait until 1 == 1 {option} 1s"));
            assert!(!said.contains("Error"), "{option}: {said}");
        }
    }

    #[test]
    fn cli_switches_are_exactly_the_options_without_a_value() {
        for command in aws_cli::command_names() {
            if command == "wait" {
                continue;
            }
            for option in aws_cli::option_names(command) {
                // The stream first (a missing one would be reported first), the probe last.
                let names = aws_cli::option_names(command);
                let stream = if names.contains(&"--stream-name") && option != "--stream-name" {
                    "--stream-name s "
                } else {
                    ""
                };
                let said = transcript(&format!("aws kinesis {command} {stream}{option}"));
                // `--records` is a list: given none, the request has an empty one.
                let wants_value = said.contains(&format!("argument {option}: expected"))
                    || said.contains("Value '[]' at 'records'");
                assert_eq!(
                    wants_value,
                    !is_aws_switch(option),
                    "aws kinesis {command} {option}: {said}"
                );
            }
        }
    }

    /// Lines a learner might type, and lines nobody should, cut at every character.
    #[test]
    fn no_line_makes_it_panic() {
        let world = world();
        let lines = [
            "aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query 'ShardIterator'",
            "SHARD_ITERATOR=$(aws kinesis get-shard-iterator --shard-id \"$(echo shardId-000000000001)\" --stream-name=orders)",
            "expect $(aws kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.OpenShardCount) == 2",
            "producer add 'é名前 😀' --stream \"or\\\"ders\" --keys hot:user-42:0.9 # comment",
            "kcl worker restart analytics/worker-1 \\ worker-9 ${NAME} $? $ $( $(( ))) )",
            "wait until lease analytics shardId-000000000000 moves --timeout 5m --every",
            "ask \"q?\" 'a' \"b\\\\\" answer 1 because \"$(sim time\"",
            "\u{0}\t\r\n\u{feff}--=\u{202e}'\"$(\\",
        ];
        let odd = [
            "", " ", "'", "\"", "$(", ")", "\\", "=", "--", "-", "é", "#", "$", "\t", "😀", "=é",
        ];
        let mut checked = 0;
        for line in lines {
            let cuts = line
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(line.len()));
            for cut in cuts {
                for tail in odd {
                    let input = format!("{}{tail}", &line[..cut]);
                    let completion = complete(&input, &world);
                    assert!(completion.start <= input.len(), "{input:?}");
                    assert!(input.is_char_boundary(completion.start), "{input:?}");
                    let mut sorted = completion.candidates.clone();
                    sorted.sort();
                    sorted.dedup();
                    assert_eq!(sorted, completion.candidates, "{input:?}");
                    let _ = completion.common_prefix();
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000);
        // Deep nesting is read without recursion.
        let deep = "$(".repeat(100_000);
        let completion = complete(&deep, &world);
        assert_eq!(completion.start, deep.len());
        assert_eq!(completion.candidates, strings(COMMANDS));
        let closed = "echo ".to_string() + &"$(".repeat(50_000) + &")".repeat(60_000) + " s";
        assert!(complete(&closed, &world).candidates.is_empty());
    }
}
