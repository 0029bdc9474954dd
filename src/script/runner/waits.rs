//! The runner's waits for the simulation: `wait until CONDITION`, checked again as simulated
//! time passes.
//!
//! Apart from the runner's core (`runner.rs`: statements, words, commands) because waiting is
//! its own machinery: a statement run again at each check, a baseline taken when the wait
//! begins, a deadline.

use super::{located, Pause, Runner, Spot, UntilInProgress, Waiting};
use crate::script::duration::human;
use crate::script::until::Until;
use crate::script::Entry;
use crate::sim::World;

impl Runner {
    /// One check of a `wait until`: `None` when the script goes on (the condition held, or
    /// it timed out, or it could not be read), a wait for the next check otherwise.
    pub(super) fn wait_until(
        &mut self,
        at: Spot,
        text: &str,
        args: &[String],
        world: &World,
        out: &mut Vec<Entry>,
    ) -> Option<Pause> {
        let now = world.now_ms();
        let fail = |runner: &mut Runner, out: &mut Vec<Entry>, message: String| {
            runner.status = 2;
            runner.until = None;
            runner.script_error(out, at, format!("{message}\n"), 0);
            None
        };
        let until = match Until::parse(args) {
            Ok(until) => until,
            Err(message) => return fail(self, out, message),
        };
        let first = self.until.as_ref().is_none_or(|u| u.index != self.current);
        if first {
            match until.baseline(world) {
                Ok(baseline) => {
                    self.until = Some(UntilInProgress {
                        index: self.current,
                        baseline,
                        started_ms: now,
                        deadline_ms: now.saturating_add(until.timeout_ms),
                    })
                }
                Err(message) => return fail(self, out, message),
            }
        }
        let waiting = self.until.clone()?;
        let condition = args
            .iter()
            .take_while(|a| !a.starts_with("--"))
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        match until.holds(&waiting.baseline, world) {
            Ok(true) => {
                self.status = 0;
                self.until = None;
                out.push(Entry::Reached {
                    condition,
                    after_ms: now - waiting.started_ms,
                });
                self.reveal(out);
                None
            }
            Ok(false) if now >= waiting.deadline_ms => {
                // Not a script error: the scenario did not get there in time.
                self.status = 1;
                self.until = None;
                out.push(Entry::Error {
                    text: located(
                        at.line,
                        &format!(
                            "waited {} and '{condition}' never happened; going on\n",
                            human(until.timeout_ms)
                        ),
                    ),
                });
                self.reveal(out);
                None
            }
            Ok(false) => {
                self.waiting = Some(Waiting::Until {
                    condition: written_condition(text).unwrap_or(condition),
                });
                // Run this statement again at the next check.
                if self.current.is_some() {
                    self.next -= 1;
                }
                Some(Pause::Wait {
                    until_ms: now.saturating_add(until.every_ms).min(waiting.deadline_ms),
                })
            }
            Err(message) => fail(self, out, message),
        }
    }
}

/// What a `wait until` waits for, from the command as written (`wait until status orders
/// ACTIVE --every 1s` waits for `status orders ACTIVE`, and a `$(...)` stays as it is
/// written); `None` for any other line.
fn written_condition(command: &str) -> Option<String> {
    let mut words = command.split_whitespace();
    if (words.next(), words.next()) != (Some("wait"), Some("until")) {
        return None;
    }
    let condition: Vec<&str> = words.take_while(|w| !w.starts_with("--")).collect();
    Some(condition.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_condition_of_a_wait_until_is_read_from_its_command() {
        assert_eq!(
            written_condition("wait until status orders ACTIVE --every 1s").as_deref(),
            Some("status orders ACTIVE")
        );
        assert_eq!(
            written_condition("wait  until lease app shardId-000000000000 moves").as_deref(),
            Some("lease app shardId-000000000000 moves")
        );
        assert_eq!(written_condition("wait 5s"), None);
        assert_eq!(written_condition("waiter until x"), None);
    }
}
