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
//! The condition is checked every `--every` of simulated time (default 500 ms), counting only
//! what happens after the wait began (a shard that throttled before does not count), and the
//! statement is run again at each check, so `$(...)` is evaluated afresh. After `--timeout`
//! (default 10 minutes) the script says the condition never held and goes on.

use super::compare::compare;
use super::duration::parse_duration;
use crate::engine::metrics::Metric;
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
    /// The stream's StreamStatus.
    Status { stream: String, status: String },
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

const FORMS: &str = "wait until takes a condition: throttled STREAM [SHARD], \
read-throttled STREAM [SHARD], lease APP SHARD moves, \
status STREAM STATUS, or VALUE OP VALUE (==, !=, <, <=, >, >=, contains); \
then optionally --timeout DURATION and --every DURATION";

impl Until {
    /// Reads the words after `wait until`.
    pub fn parse(args: &[String]) -> Result<Until, String> {
        let mut words: Vec<&str> = Vec::new();
        let mut timeout_ms = DEFAULT_TIMEOUT_MS;
        let mut every_ms = DEFAULT_EVERY_MS;
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                option @ ("--timeout" | "--every") => {
                    let value = args
                        .get(i + 1)
                        .ok_or_else(|| format!("{option} needs a duration, as in {option} 2m"))?;
                    let ms = parse_duration(value)?;
                    if option == "--timeout" {
                        if ms > MAX_TIMEOUT_MS {
                            return Err(format!(
                                "--timeout is at most 24h (a wait until checks its condition \
                                 all along), not {value}"
                            ));
                        }
                        timeout_ms = ms;
                    } else if ms < MIN_EVERY_MS {
                        return Err(format!("--every must be at least 100ms, not {value}"));
                    } else {
                        every_ms = ms;
                    }
                    i += 2;
                }
                word => {
                    words.push(word);
                    i += 1;
                }
            }
        }
        let condition = match words.as_slice() {
            ["throttled", stream] => Condition::Throttled {
                stream: stream.to_string(),
                shard: None,
            },
            ["throttled", stream, shard] => Condition::Throttled {
                stream: stream.to_string(),
                shard: Some(shard.to_string()),
            },
            ["read-throttled", stream] => Condition::ReadThrottled {
                stream: stream.to_string(),
                shard: None,
            },
            ["read-throttled", stream, shard] => Condition::ReadThrottled {
                stream: stream.to_string(),
                shard: Some(shard.to_string()),
            },
            ["lease", app, lease, "moves"] => Condition::LeaseMoves {
                app: app.to_string(),
                lease: lease.to_string(),
            },
            ["status", stream, status] => Condition::Status {
                stream: stream.to_string(),
                status: status.to_string(),
            },
            [left, op, right] => Condition::Compare {
                left: left.to_string(),
                op: op.to_string(),
                right: right.to_string(),
            },
            _ => return Err(FORMS.to_string()),
        };
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
            ) => Ok(status(world, stream)? == want.as_str()),
            (Condition::Compare { left, op, right }, _) => compare(left, op, right),
            _ => Ok(false),
        }
    }
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

fn status(world: &World, stream: &str) -> Result<&'static str, String> {
    world
        .kinesis()
        .stream(stream)
        .map(|s| s.status.as_str())
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
}
