//! The scenario language's commands, written down once: every command and subcommand, its
//! positional words, its options with the kind of value each takes and whether it is required,
//! and a line of help for each.
//!
//! The same facts used to live in three places: in each command's parser, again in Tab
//! completion (which "mirrored" the parsers), and nowhere a learner could read them. Now the
//! simulator commands read their words against this table (`args.rs`: unknown options
//! and "did you mean", missing values, options given twice, required words and options), Tab
//! completion offers the subcommands, the options still missing and the values an option's
//! kind names ([`super::complete`]), `help` prints it ([`super::help`]), and "did you mean"
//! for a misspelt command or subcommand looks here. The `aws kinesis` commands are listed here
//! only by name: their options come from the engine's request shapes ([`super::aws_cli`]).
//!
//! `wait until` is read here too ([`super::until`]): its conditions are the subcommands of
//! [`WAIT_UNTIL`], their words and kinds its words, its options its options, and its error
//! lists the forms from them. The commands the runner carries out itself (`at`, `sleep`,
//! `ask`, `expect`) take as many words as their entries have (`script_commands.rs`),
//! and the words their own small grammars accept (`answer`, `because`, the comparisons) are
//! constants of the table that help and Tab read as well.
//!
//! Each command also says what running it does to the world ([`Effect`]): whether it only
//! looks (describes, lists, reads, prints) or changes what the learner sees (writes records,
//! reshards, starts a producer, lets time pass). A check must only look, so `expect` and
//! `wait until` refuse a `$(...)` that changes the world ([`super::observe`]); the `aws
//! kinesis` commands say it in their own table ([`super::aws_cli`]), and [`effect_of`] asks
//! whichever table a command line belongs to.

use super::duration::written;
use super::suggest::did_you_mean;
use crate::engine::StreamStatus;

mod lessons;
mod table;

pub use lessons::{
    ask, panel, point, ASK, POINT, RECAP, SAY, SHOW, STEP, TASK, TASK_HINT_AFTER, TASK_SHOW,
    TASK_UNTIL,
};
pub use table::{
    checkpoint, comparison, condition, kcl_version, keys, position, retrieval, retry, AT, AWS,
    COMMANDS, CONSUMER, EXPECT, KCL, OPERATORS, PRODUCER, SIM, SLEEP, TIME_PASSES, UNTIL_EVERY,
    UNTIL_TIMEOUT, WAIT, WAIT_FAST, WAIT_UNTIL,
};

/// What a word or an option's value is: what help calls it and what Tab offers for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Number,
    /// `500ms`, `30s`, `2m`, `1h`.
    Duration,
    /// Epoch seconds or an ISO 8601 time.
    Timestamp,
    /// Anything: a new name, a title, a query.
    Text,
    /// A stream's name.
    Stream,
    /// A shard id of the stream named on the line.
    Shard,
    /// A stream's ARN (`--stream-arn`).
    StreamArn,
    /// An enhanced fan-out consumer's ARN (`--consumer-arn`).
    ConsumerArn,
    Producer,
    Consumer,
    /// A KCL application's name.
    App,
    /// A stream's `StreamStatus`: one of [`STREAM_STATUSES`].
    StreamStatus,
    /// A KCL worker as `APP/WORKER`.
    Worker,
    /// A lease key of the KCL application named before it.
    Lease,
    /// Exactly one of these words.
    OneOf(&'static [&'static str]),
    /// A value in one of these forms (`every:N`); Tab offers each form's start (`every:`).
    Forms(&'static [&'static str]),
}

impl Value {
    /// How help describes the kind.
    pub fn describe(self) -> String {
        match self {
            Value::Number => "a number".to_string(),
            Value::Duration => "a duration like 500ms, 30s, 2m or 1h".to_string(),
            Value::Timestamp => "epoch seconds or an ISO 8601 time".to_string(),
            Value::Text => "text".to_string(),
            Value::Stream => "a stream's name".to_string(),
            Value::Shard => "a shard id".to_string(),
            Value::StreamArn => "a stream's ARN".to_string(),
            Value::ConsumerArn => "a fan-out consumer's ARN".to_string(),
            Value::Producer => "a producer's name".to_string(),
            Value::Consumer => "a consumer's name".to_string(),
            Value::App => "a KCL application's name".to_string(),
            Value::Worker => "a worker as APP/WORKER".to_string(),
            Value::Lease => "a lease key (a shard id)".to_string(),
            Value::StreamStatus => one_of(&stream_status_words()),
            Value::OneOf(words) | Value::Forms(words) => one_of(words),
        }
    }

    /// What help calls a value: its kind (`N`, `DURATION`, `STREAM`), a short list of its
    /// choices (`json|text`), or else the option's name in capitals, as the AWS CLI does.
    pub fn placeholder(self, flag: &str) -> String {
        match self {
            Value::Number => "N".to_string(),
            Value::Duration => "DURATION".to_string(),
            Value::Timestamp => "TIME".to_string(),
            Value::Text => "TEXT".to_string(),
            Value::Stream => "STREAM".to_string(),
            Value::Shard => "SHARD_ID".to_string(),
            Value::StreamArn => "STREAM_ARN".to_string(),
            Value::ConsumerArn => "CONSUMER_ARN".to_string(),
            Value::Producer => "PRODUCER".to_string(),
            Value::Consumer => "CONSUMER".to_string(),
            Value::App => "APP".to_string(),
            Value::Worker => "APP/WORKER".to_string(),
            Value::Lease => "LEASE".to_string(),
            Value::StreamStatus => "STATUS".to_string(),
            Value::OneOf(words) if words.join("|").len() <= 20 => words.join("|"),
            Value::OneOf(_) | Value::Forms(_) => flag
                .trim_start_matches('-')
                .replace('-', "_")
                .to_uppercase(),
        }
    }

    /// What Tab offers for the kinds that do not depend on the world: the words of a
    /// [`Value::OneOf`], the start of each of [`Value::Forms`] (up to its first `:`).
    pub fn fixed_offers(self) -> Vec<String> {
        match self {
            Value::OneOf(words) => words.iter().map(|w| w.to_string()).collect(),
            Value::StreamStatus => stream_status_words()
                .iter()
                .map(|w| w.to_string())
                .collect(),
            Value::Forms(forms) => forms
                .iter()
                .map(|form| match form.find(':') {
                    Some(at) => form[..=at].to_string(),
                    None => form.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The form of a [`Value::Forms`] that `given` is written in, and what follows the form's
    /// name: `every:5` is `every:N` with `5`, `batch` is `batch` with nothing. A form with a
    /// `:` is known by the word before it, one without by the whole word.
    pub fn form_of(self, given: &str) -> Option<(&'static str, &str)> {
        let Value::Forms(forms) = self else {
            return None;
        };
        forms.iter().find_map(|form| match form.split_once(':') {
            Some((name, _)) => given
                .split_once(':')
                .filter(|(head, _)| *head == name)
                .map(|(_, rest)| (*form, rest)),
            None => (given == *form).then_some((*form, "")),
        })
    }
}

/// Every `StreamStatus`, in the engine's order. The engine keeps no list of them, so it is
/// made here, once: the `match` below stops compiling when the engine gains a status, until
/// it is listed.
pub const STREAM_STATUSES: [StreamStatus; 4] = {
    const fn listed(status: StreamStatus) -> StreamStatus {
        match status {
            StreamStatus::Creating
            | StreamStatus::Active
            | StreamStatus::Updating
            | StreamStatus::Deleting => status,
        }
    }
    [
        listed(StreamStatus::Creating),
        listed(StreamStatus::Active),
        listed(StreamStatus::Updating),
        listed(StreamStatus::Deleting),
    ]
};

/// The statuses as the API writes them (`ACTIVE`).
pub fn stream_status_words() -> Vec<&'static str> {
    STREAM_STATUSES
        .iter()
        .map(|status| status.as_str())
        .collect()
}

/// The status a word names (`ACTIVE`), if it names one.
pub fn stream_status(word: &str) -> Option<StreamStatus> {
    STREAM_STATUSES
        .into_iter()
        .find(|status| status.as_str() == word)
}

/// `a, b or c`, as help and errors list choices.
pub fn one_of(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [only] => only.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// A positional word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arg {
    /// How usage lines show it (`NAME`, `APP/WORKER`).
    pub name: &'static str,
    pub value: Value,
    pub required: bool,
    /// What the error says the command needs when it is missing (`a name`, for `producer
    /// add needs a name`).
    pub needs: &'static str,
    /// The word written before it, as it is (the `answer` of `ask ... answer N`).
    pub preceded_by: Option<&'static str>,
}

impl Arg {
    /// How usage lines show it: `NAME`, `[SHARD]`, `answer N`, `[because WHY]`.
    pub fn usage(&self) -> String {
        let shown = match self.preceded_by {
            Some(word) => format!("{word} {}", self.name),
            None => self.name.to_string(),
        };
        if self.required {
            shown
        } else {
            format!("[{shown}]")
        }
    }

    /// The word itself, when it is one written as it is (`moves`), not a value.
    pub fn literal(&self) -> Option<&'static str> {
        match self.value {
            Value::OneOf([only]) if *only == self.name => Some(only),
            _ => None,
        }
    }
}

/// An option: `--flag value`, or a switch (`--flag` alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opt {
    pub flag: &'static str,
    /// `None` for a switch.
    pub value: Option<Value>,
    /// A second value after the first, for an option that takes two (`--hint-after 30s
    /// "Click Split on shard 1"`): what help calls it and its kind.
    pub then: Option<(&'static str, Value)>,
    /// A missing required option is an error (`producer add needs --stream`; a number says
    /// what it counts: `producer add needs --rate (records per second)`).
    pub required: bool,
    pub help: &'static str,
    /// For a duration: what it is unless told and how far it may go, which help adds.
    pub limits: Option<Limits>,
}

/// What a duration option is when it is not given, and the bounds it must keep (`--timeout`:
/// 10m unless told, 24h at most). The numbers are the command's own constants; help writes
/// them as a script would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub default_ms: u64,
    pub min_ms: Option<u64>,
    pub max_ms: Option<u64>,
}

impl Limits {
    /// `10m unless told, 24h at most`.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("{} unless told", written(self.default_ms))];
        if let Some(max) = self.max_ms {
            parts.push(format!("{} at most", written(max)));
        }
        if let Some(min) = self.min_ms {
            parts.push(format!("{} at least", written(min)));
        }
        parts.join(", ")
    }
}

impl Opt {
    /// `--retry is none or backoff, not 'x'`: the error for a word that is not one of the
    /// option's choices.
    pub fn not_one_of(&self, given: &str) -> String {
        let choices = self.value.map(|v| v.describe()).unwrap_or_default();
        format!("{} is {choices}, not '{given}'", self.flag)
    }
}

/// How a command's words are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// Every word is a positional word, even one starting with `--` (`kcl worker kill A/W`).
    Words,
    /// `--option value` pairs and switches among the positional words; an unknown `--word`
    /// is an error (`producer add NAME --stream S`).
    Options,
    /// The command's own options, wherever they are; every other word belongs to the
    /// condition (`wait until throttled S --timeout 2m`). An option is its flag alone (not
    /// `--flag=value`), may be given again (the last one counts), and its forms are its
    /// subcommands ([`Command::form`]).
    Condition,
}

/// What running a command does to the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// It only looks: describes, lists, reads or prints, and the learner sees nothing change.
    Observes,
    /// It changes the world; the words say how, after the command's name ("writes to the
    /// stream", for `put-record writes to the stream`).
    Changes(&'static str),
}

/// A command of the language, or a subcommand of one (the same shape all the way down).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Command {
    pub name: &'static str,
    pub help: &'static str,
    pub syntax: Syntax,
    /// Its positional words. With subcommands, the form it takes without one (`wait 30s`).
    pub words: &'static [Arg],
    pub options: &'static [Opt],
    pub subcommands: &'static [Command],
    /// Every subcommand also reads its siblings' options and ignores those it does not use
    /// (`producer remove web --rate 5` is accepted). Completion and help show each its own.
    pub shared_options: bool,
    /// What running it does (for a group, what it does without a subcommand).
    pub effect: Effect,
    /// For a [`Syntax::Condition`]: the words before its condition (`task "WHAT TO DO"
    /// until CONDITION`); none for `wait until CONDITION`.
    pub lead: &'static [Arg],
}

impl Command {
    pub fn subcommand(&self, name: &str) -> Option<&'static Command> {
        self.subcommands.iter().find(|sub| sub.name == name)
    }

    pub fn subcommand_names(&self) -> Vec<&'static str> {
        self.subcommands.iter().map(|sub| sub.name).collect()
    }

    /// The subcommand `words` start with, or the error a command prints without one:
    /// `what should it do? one of: ...` or `unknown subcommand 'x'; did you mean 'y'?`.
    pub fn find_subcommand<'a>(
        &self,
        words: &'a [String],
    ) -> Result<(&'static Command, &'a [String]), String> {
        let names = self.subcommand_names();
        let Some(first) = words.first() else {
            return Err(format!("what should it do? one of: {}", names.join(", ")));
        };
        match self.subcommand(first) {
            Some(sub) => Ok((sub, &words[1..])),
            None => {
                let hint = did_you_mean(first, names)
                    .map(|s| format!("; did you mean '{s}'?"))
                    .unwrap_or_default();
                Err(format!("unknown subcommand '{first}'{hint}"))
            }
        }
    }

    /// The options a subcommand of `parent` reads: its own, its parent's, and its siblings'
    /// when they are shared; each once, in the table's order, those with a value first.
    pub fn read_options(&self, parent: Option<&Command>) -> Vec<&'static Opt> {
        let mut all: Vec<&'static Opt> = Vec::new();
        let mut add = |options: &'static [Opt]| {
            for option in options {
                if !all.iter().any(|o| o.flag == option.flag) {
                    all.push(option);
                }
            }
        };
        add(self.options);
        if let Some(parent) = parent {
            add(parent.options);
            if parent.shared_options {
                for sibling in parent.subcommands {
                    add(sibling.options);
                }
            }
        }
        let (valued, switches): (Vec<_>, Vec<_>) = all.into_iter().partition(|o| o.value.is_some());
        valued.into_iter().chain(switches).collect()
    }

    /// Whether `words` are a whole use of its positional words, one word each: none of those
    /// it requires missing, none more than it has, and its literal words (`moves`) as they
    /// are written.
    pub fn takes<S: AsRef<str>>(&self, words: &[S]) -> bool {
        let required = self.words.iter().filter(|w| w.required).count();
        (required..=self.words.len()).contains(&words.len())
            && self
                .words
                .iter()
                .zip(words)
                .all(|(spec, word)| spec.literal().is_none_or(|l| l == word.as_ref()))
    }

    /// For a command whose forms are its subcommands (`wait until`): the form `words` are
    /// in, the subcommand their first word names with the words after it, or else the
    /// command's own form (`VALUE OP VALUE`) with all of them.
    pub fn form<'a, S: AsRef<str>>(&'static self, words: &'a [S]) -> (&'static Command, &'a [S]) {
        match words.split_first() {
            Some((first, rest)) => match self.subcommand(first.as_ref()) {
                Some(form) => (form, rest),
                None => (self, words),
            },
            None => (self, words),
        }
    }

    /// The options completion and help show for it: its own and its parent's.
    pub fn shown_options(&self, parent: Option<&Command>) -> Vec<&'static Opt> {
        let mut shown: Vec<&'static Opt> = self.options.iter().collect();
        if let Some(parent) = parent {
            shown.extend(parent.options);
        }
        shown
    }
}

/// The command named `name`.
pub fn command_named(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// What running the command line `words` does, and the name it goes by in an error
/// (`put-record`, `producer add`): the deepest subcommand the words name in the table, an
/// `aws kinesis` command in the CLI's table. Words that name no command only look (running
/// them is an error, which changes nothing).
pub fn effect_of<S: AsRef<str>>(words: &[S]) -> (String, Effect) {
    let words: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
    let Some((first, rest)) = words.split_first() else {
        return (String::new(), Effect::Observes);
    };
    if *first == AWS.name {
        // The word after the service, wherever global options put it (`aws --region x
        // kinesis put-record ...`).
        let name = rest
            .iter()
            .position(|w| *w == "kinesis")
            .and_then(|at| rest.get(at + 1))
            .copied()
            .unwrap_or_default();
        return (name.to_string(), super::aws_cli::effect(name));
    }
    let Some(mut found) = command_named(first) else {
        return (first.to_string(), Effect::Observes);
    };
    let mut path = vec![found.name];
    for word in rest {
        match found.subcommand(word) {
            Some(sub) => {
                found = sub;
                path.push(sub.name);
            }
            None => break,
        }
    }
    (path.join(" "), found.effect)
}

/// The language's command names, in the table's order.
pub fn command_names() -> Vec<&'static str> {
    COMMANDS.iter().map(|c| c.name).collect()
}

#[cfg(test)]
mod tests;
