//! Checks only look: `expect`, `wait until` and a `task`'s condition refuse a `$(...)` that
//! changes the world.
//!
//! A lesson's checks used to run commands: `expect $(aws kinesis put-record ... --query
//! ShardId) == shardId-000000000000` put a second record, so the learner who had put one saw
//! two. A check that writes changes what it checks and what the learner sees, so the language
//! refuses it when the script is read, with the line, the column and the reason: the command
//! table says what each command does ([`super::grammar::effect_of`]). What a learner writes
//! instead is the command on its own line, then a check of what it printed (`SHARD=$(aws
//! kinesis put-record ... --query ShardId)` once, then `expect $SHARD == ...`) or of the world
//! (`expect $(sim describe --query ...) == ...`).
//!
//! A `$(...)` whose command is itself an expansion (`$($CMD)`) cannot be judged before it
//! runs and is let through; a command that is no command is an error when it runs, which
//! changes nothing.

use super::grammar::{effect_of, Effect, EXPECT, TASK, WAIT, WAIT_UNTIL};
use super::parse::{Command, Part, Position, Word};

/// `Err` with where and why when `command` is a check (`expect`, `wait until`) with a
/// `$(...)` inside, at any depth, that changes the world.
pub(crate) fn only_observes(command: &Command) -> Result<(), (Position, String)> {
    let literal = |i: usize| command.words.get(i).and_then(Word::literal);
    let check = match (literal(0).as_deref(), literal(1).as_deref()) {
        (Some(name), _) if name == EXPECT.name => EXPECT.name.to_string(),
        // A task's condition is a check; its --show line is what the learner would do.
        (Some(name), _) if name == TASK.name => TASK.name.to_string(),
        (Some(name), Some(sub)) if name == WAIT.name && sub == WAIT_UNTIL.name => {
            format!("{} {}", WAIT.name, WAIT_UNTIL.name)
        }
        _ => return Ok(()),
    };
    // Every `$(...)` in the line, nested ones too, without recursion.
    let mut pending: Vec<&Command> = inner(&command.words).collect();
    while let Some(run) = pending.pop() {
        pending.extend(inner(&run.words));
        let Some(words) = run
            .words
            .iter()
            .map(Word::literal)
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        if let (name, Effect::Changes(how)) = effect_of(&words) {
            let at = run
                .words
                .first()
                .map_or_else(Position::default, |w| w.position);
            return Err((
                at,
                format!(
                    "{check} only observes: {name} {how}; run it on its own line and check \
                     its output"
                ),
            ));
        }
    }
    Ok(())
}

/// The commands of the `$(...)` directly in `words`.
fn inner(words: &[Word]) -> impl Iterator<Item = &Command> {
    words.iter().flat_map(|word| {
        word.parts.iter().filter_map(|part| match part {
            Part::Command(command) => Some(command.as_ref()),
            _ => None,
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::script::parse_script;

    fn refused(line: &str) -> String {
        parse_script(line).unwrap_err().to_string()
    }

    #[test]
    fn a_check_that_writes_is_refused_where_it_writes() {
        assert_eq!(
            refused(
                "expect $(aws kinesis put-record --stream-name s --partition-key k --data d \
                 --query ShardId) == shardId-000000000000"
            )
            .lines()
            .next()
            .unwrap(),
            "line 1, column 10: expect only observes: put-record writes to the stream; run it \
             on its own line and check its output"
        );
        assert!(
            refused("wait until $(producer add p --stream s --rate 5) == x").starts_with(
                "line 1, column 14: wait until only observes: producer add starts a producer;"
            )
        );
        // Nested, and the simulator's own commands.
        assert!(refused("expect $(echo $(sim seed 3)) == x")
            .contains("expect only observes: sim seed starts the world again;"));
        assert!(refused("expect $(kcl worker kill app/w-1) == x")
            .contains("kcl worker kill kills a worker;"));
        assert!(
            refused("expect $(aws kinesis wait stream-exists --stream-name s) == x")
                .contains("wait lets simulated time pass;")
        );
        // Global options may come before the service, as in the CLI.
        assert!(refused(
            "expect $(aws --region eu-west-1 kinesis put-record --stream-name s --partition-key k --data d) == x"
        )
        .contains("put-record writes to the stream;"));
        assert!(refused("expect $(sim cli v2) == x").contains("sim cli changes how aws commands"));
    }

    #[test]
    fn looking_is_allowed_and_so_is_writing_outside_a_check() {
        for fine in [
            "expect $(aws kinesis describe-stream-summary --stream-name s --query X) == ACTIVE",
            "expect $(aws kinesis get-records --shard-iterator $IT --query 'length(Records)') == 1",
            "expect $(sim describe --query producers.p.throttled) == 0",
            "wait until $(sim time) != x --timeout 1m",
            "SHARD=$(aws kinesis put-record --stream-name s --partition-key k --data d --query ShardId)",
            "echo $(aws kinesis put-record --stream-name s --partition-key k --data d)",
            "expect $($CMD) == x",
            "expect $(nonsense --here) == x",
        ] {
            assert!(parse_script(fine).is_ok(), "{fine}");
        }
    }
}
