//! `wait until CONDITION [--timeout DURATION] [--every DURATION]`: narration that waits for
//! the simulation to reach a state, not for a fixed time.
//!
//! ```text
//! wait until throttled orders                  a write to any shard of orders is refused
//! wait until throttled orders shardId-000000000001
//! wait until read-throttled orders             a GetRecords call is refused
//! wait until lease analytics shardId-000000000001 moves    the lease gets a new owner
//! wait until status orders ACTIVE              the stream's StreamStatus
//! wait until $(aws kinesis describe-stream-summary --stream-name orders \
//!     --query StreamDescriptionSummary.OpenShardCount) == 8
//! ```
//!
//! The condition is checked every `--every` of simulated time ([`DEFAULT_EVERY_MS`] unless
//! told), counting only what happens after the wait began (a shard that throttled before does
//! not count), and the statement is run again at each check, so `$(...)` is evaluated afresh.
//! After `--timeout` ([`DEFAULT_TIMEOUT_MS`] unless told) the script says the condition never
//! held and goes on.
//!
//! The conditions, their words and the options are [`WAIT_UNTIL`]'s in the command table,
//! which help and Tab read too: the words are read against it here, and the error listing the
//! forms is written from it.

use super::args::Args;
use super::compare::compare;
use super::duration::{parse_duration, written};
use super::grammar::{
    condition, stream_status, Arg, Opt, Value, OPERATORS, UNTIL_EVERY, UNTIL_TIMEOUT, WAIT,
    WAIT_UNTIL,
};
use crate::engine::metrics::Metric;
use crate::engine::StreamStatus;
use crate::sim::World;

/// Checked this often unless `--every` says otherwise.
pub const DEFAULT_EVERY_MS: u64 = 500;
/// Given up after this long unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT_MS: u64 = 10 * 60_000;
/// The shortest `--every`: a condition checked more often than CloudWatch's one-second
/// metrics change gains nothing, and a thousand checks a second would stall a long wait.
pub const MIN_EVERY_MS: u64 = 100;
/// The longest `--timeout`: a day of simulated time (a longer wait is a plain `wait`).
pub const MAX_TIMEOUT_MS: u64 = 24 * 3_600_000;

/// What to wait for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// `VALUE OP VALUE`, as `expect` compares.
    Compare {
        left: String,
        op: String,
        right: String,
    },
    /// A write refused by the stream (or one shard of it).
    Throttled {
        stream: String,
        shard: Option<String>,
    },
    /// A GetRecords call refused by the stream (or one shard of it).
    ReadThrottled {
        stream: String,
        shard: Option<String>,
    },
    /// A KCL lease gets an owner other than the one it had when the wait began.
    LeaseMoves { app: String, lease: String },
    /// The stream's StreamStatus. `None` for a word that names no status: the stream never
    /// has it, and the wait runs to its timeout.
    Status {
        stream: String,
        status: Option<StreamStatus>,
    },
}

/// A whole `wait until`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Until {
    pub condition: Condition,
    pub timeout_ms: u64,
    pub every_ms: u64,
}

/// What the condition is measured against: the state when the wait began.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Baseline {
    Nothing,
    Throttled(u64),
    Owner(Option<String>),
}

impl Until {
    /// Reads the words after `wait until`: the options first, in the order given, then the
    /// condition.
    pub fn parse(words: &[String]) -> Result<Until, String> {
        let path = format!("{} {}", WAIT.name, WAIT_UNTIL.name);
        // Not `wait`'s own options (`--fast`): a condition takes only its own.
        let args = Args::parse(&path, &WAIT_UNTIL, None, words)?;
        let mut timeout_ms = DEFAULT_TIMEOUT_MS;
        let mut every_ms = DEFAULT_EVERY_MS;
        for (flag, value) in args.given() {
            let ms = parse_duration(value)?;
            if flag == UNTIL_TIMEOUT.flag {
                if ms > MAX_TIMEOUT_MS {
                    return Err(format!(
                        "{flag} is at most {} (a wait until checks its condition all along), \
                         not {value}",
                        written(MAX_TIMEOUT_MS)
                    ));
                }
                timeout_ms = ms;
            } else if flag == UNTIL_EVERY.flag {
                if ms < MIN_EVERY_MS {
                    return Err(format!(
                        "{flag} must be at least {}, not {value}",
                        written(MIN_EVERY_MS)
                    ));
                }
                every_ms = ms;
            }
        }
        if let Some(option) = args.missing_value() {
            let flag = option.flag;
            return Err(format!("{flag} needs a duration, as in {flag} 2m"));
        }
        let condition =
            read_condition(&args.positional).ok_or_else(|| forms(&path, WAIT_UNTIL.options))?;
        Ok(Until {
            condition,
            timeout_ms,
            every_ms,
        })
    }

    /// The state the condition is measured against, taken when the wait begins; an error
    /// when the stream, application or lease does not exist.
    pub fn baseline(&self, world: &World) -> Result<Baseline, String> {
        match &self.condition {
            Condition::Throttled { stream, shard } => {
                refused(world, stream, shard.as_deref(), WRITE).map(Baseline::Throttled)
            }
            Condition::ReadThrottled { stream, shard } => {
                refused(world, stream, shard.as_deref(), READ).map(Baseline::Throttled)
            }
            Condition::LeaseMoves { app, lease } => owner(world, app, lease).map(Baseline::Owner),
            Condition::Status { stream, .. } => status(world, stream).map(|_| Baseline::Nothing),
            Condition::Compare { .. } => Ok(Baseline::Nothing),
        }
    }

    /// Whether the condition holds now.
    pub fn holds(&self, baseline: &Baseline, world: &World) -> Result<bool, String> {
        match (&self.condition, baseline) {
            (Condition::Throttled { stream, shard }, Baseline::Throttled(before)) => {
                Ok(refused(world, stream, shard.as_deref(), WRITE)? > *before)
            }
            (Condition::ReadThrottled { stream, shard }, Baseline::Throttled(before)) => {
                Ok(refused(world, stream, shard.as_deref(), READ)? > *before)
            }
            (Condition::LeaseMoves { app, lease }, Baseline::Owner(before)) => {
                let now = owner(world, app, lease)?;
                Ok(now.is_some() && now != *before)
            }
            (
                Condition::Status {
                    stream,
                    status: want,
                },
                _,
            ) => Ok(Some(status(world, stream)?) == *want),
            (Condition::Compare { left, op, right }, _) => compare(left, op, right),
            _ => Ok(false),
        }
    }
}

/// The condition `words` (the options taken out) are: the form their first word names when
/// they fit it, else `VALUE OP VALUE` when they fit that.
pub(crate) fn read_condition(words: &[String]) -> Option<Condition> {
    let (form, rest) = match WAIT_UNTIL.form(words) {
        (form, rest) if form.takes(rest) => (form, rest),
        _ if WAIT_UNTIL.takes(words) => (&WAIT_UNTIL, words),
        _ => return None,
    };
    let word = |i: usize| rest.get(i).cloned().unwrap_or_default();
    Some(match form.name {
        condition::THROTTLED => Condition::Throttled {
            stream: word(0),
            shard: rest.get(1).cloned(),
        },
        condition::READ_THROTTLED => Condition::ReadThrottled {
            stream: word(0),
            shard: rest.get(1).cloned(),
        },
        condition::LEASE => Condition::LeaseMoves {
            app: word(0),
            lease: word(1),
        },
        condition::STATUS => Condition::Status {
            stream: word(0),
            status: stream_status(&word(1)),
        },
        _ => Condition::Compare {
            left: word(0),
            op: word(1),
            right: word(2),
        },
    })
}

/// The error for words that are no condition, listing the table's forms: `wait until takes a
/// condition: throttled STREAM [SHARD], ..., or VALUE OP VALUE (==, ...); then optionally
/// --timeout DURATION and --every DURATION` (the `options` of the command the condition is
/// of: `task`'s are its own).
pub(crate) fn forms(path: &str, options: &[Opt]) -> String {
    // A lease is named by the shard id it is keyed by, and the error has always said so.
    let shown = |word: &Arg| match word.value {
        Value::Lease => "SHARD".to_string(),
        _ => word.usage(),
    };
    let usage = |words: &[Arg]| words.iter().map(shown).collect::<Vec<_>>().join(" ");
    let named: Vec<String> = WAIT_UNTIL
        .subcommands
        .iter()
        .map(|form| format!("{} {}", form.name, usage(form.words)))
        .collect();
    let options: Vec<String> = options
        .iter()
        .map(|option| match (option.value, option.then) {
            (Some(value), Some((name, _))) => {
                format!("{} {} {name}", option.flag, value.placeholder(option.flag))
            }
            (Some(value), None) => format!("{} {}", option.flag, value.placeholder(option.flag)),
            (None, _) => option.flag.to_string(),
        })
        .collect();
    format!(
        "{path} takes a condition: {}, or {} ({}); then optionally {}",
        named.join(", "),
        usage(WAIT_UNTIL.words),
        OPERATORS.join(", "),
        options.join(" and ")
    )
}

const WRITE: Metric = Metric::WriteProvisionedThroughputExceeded;
const READ: Metric = Metric::ReadProvisionedThroughputExceeded;

/// How many writes (or reads) the stream, or one shard of it, has refused so far.
fn refused(
    world: &World,
    stream: &str,
    shard: Option<&str>,
    metric: Metric,
) -> Result<u64, String> {
    let found = world
        .kinesis()
        .stream(stream)
        .ok_or_else(|| format!("there is no stream named {stream}"))?;
    if let Some(shard) = shard {
        if !found.shards.iter().any(|s| s.id() == shard) {
            return Err(format!("stream {stream} has no shard {shard}"));
        }
    }
    Ok(found
        .shards
        .iter()
        .filter(|s| shard.is_none_or(|id| s.id() == id))
        .map(|s| s.metrics.totals()[metric as usize])
        .sum())
}

fn owner(world: &World, app: &str, lease: &str) -> Result<Option<String>, String> {
    let found = world
        .app(app)
        .ok_or_else(|| format!("there is no KCL application named {app}"))?;
    let row = found.table.get(lease).ok_or_else(|| {
        format!("application {app} has no lease {lease} (yet); leases are named by shard id")
    })?;
    Ok(row.lease_owner.clone())
}

fn status(world: &World, stream: &str) -> Result<StreamStatus, String> {
    world
        .kinesis()
        .stream(stream)
        .map(|s| s.status)
        .ok_or_else(|| format!("there is no stream named {stream}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn the_forms_parse() {
        let until = Until::parse(&words("throttled orders --timeout 2m --every 1s")).unwrap();
        assert_eq!(
            until.condition,
            Condition::Throttled {
                stream: "orders".into(),
                shard: None
            }
        );
        assert_eq!((until.timeout_ms, until.every_ms), (120_000, 1_000));
        assert!(matches!(
            Until::parse(&words("lease app shardId-000000000001 moves"))
                .unwrap()
                .condition,
            Condition::LeaseMoves { .. }
        ));
        assert!(matches!(
            Until::parse(&words("3 >= 2")).unwrap().condition,
            Condition::Compare { .. }
        ));
        assert!(Until::parse(&words("whenever"))
            .unwrap_err()
            .contains("takes a condition"));
        assert!(Until::parse(&words("throttled s --every 0s")).is_err());
        assert!(Until::parse(&words("throttled s --every 1ms")).is_err());
        assert!(Until::parse(&words("throttled s --timeout 25h")).is_err());
        assert!(Until::parse(&words("throttled s --timeout 24h --every 100ms")).is_ok());
    }

    #[test]
    fn every_condition_of_the_table_is_read_as_itself() {
        let read = |text: &str| Until::parse(&words(text)).map(|until| until.condition);
        assert_eq!(
            read("read-throttled orders shardId-000000000001"),
            Ok(Condition::ReadThrottled {
                stream: "orders".into(),
                shard: Some("shardId-000000000001".into())
            })
        );
        assert_eq!(
            read("status orders ACTIVE"),
            Ok(Condition::Status {
                stream: "orders".into(),
                status: Some(StreamStatus::Active)
            })
        );
        assert_eq!(
            read("status orders SIDEWAYS"),
            Ok(Condition::Status {
                stream: "orders".into(),
                status: None
            }),
            "a status never reached waits to the timeout"
        );
        for form in WAIT_UNTIL.subcommands {
            let typed: Vec<String> = std::iter::once(form.name)
                .chain(form.words.iter().map(|w| w.literal().unwrap_or("x")))
                .map(String::from)
                .collect();
            let condition = Until::parse(&typed).map(|until| until.condition);
            assert!(
                matches!(condition, Ok(ref c) if !matches!(c, Condition::Compare { .. })),
                "{typed:?}: {condition:?}"
            );
        }
        // Words that fit no form of their first word, but three of them, compare.
        assert!(matches!(
            read("lease app moves"),
            Ok(Condition::Compare { .. })
        ));
        assert!(read("lease app lease stays").is_err());
    }

    #[test]
    fn the_errors_say_what_wait_until_takes() {
        let error = |text: &str| Until::parse(&words(text)).unwrap_err();
        assert_eq!(
            error("frobbed orders"),
            "wait until takes a condition: throttled STREAM [SHARD], read-throttled STREAM \
             [SHARD], lease APP SHARD moves, status STREAM STATUS, or VALUE OP VALUE (==, !=, <, \
             <=, >, >=, contains); then optionally --timeout DURATION and --every DURATION"
        );
        assert_eq!(
            error("1 == 1 --timeout"),
            "--timeout needs a duration, as in --timeout 2m"
        );
        assert_eq!(
            error("1 == 1 --timeout x --every"),
            "'x' is not a duration (try 500ms, 30s, 2m or 1h)",
            "the options are read in order"
        );
        assert_eq!(
            error("1 == 1 --timeout 25h"),
            "--timeout is at most 24h (a wait until checks its condition all along), not 25h"
        );
        assert_eq!(
            error("1 == 1 --every 99ms"),
            "--every must be at least 100ms, not 99ms"
        );
    }
}
