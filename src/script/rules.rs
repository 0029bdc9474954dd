//! What a script must be beyond the words of each line, checked when it is read, so that a
//! mistake is an error with its line and column before anything runs: a `task`, `point` or
//! `show` must be well formed (read by [`super::play_commands`], which says which word is
//! wrong), nothing may follow a `recap` (it ends the lesson), and in a lesson file (a script
//! whose header has a `# title:`, see [`super::header`]) every `task` must have `--show`, so
//! that `shardlab run` and `shardlab lesson`, where nobody clicks, can still play it.
//!
//! A word with an expansion (`$NAME`, `$(...)`) cannot be judged before it runs: it is
//! checked when the line runs instead.

use super::grammar::{POINT, RECAP, SHOW, TASK, TASK_SHOW};
use super::parse::{Action, Position, ScriptError, Statement, Word};
use super::play_commands::{self, Misread, Task};

/// The first problem among `statements`, with its place; `lines` are the script's lines (for
/// the caret), `lesson` whether it is a lesson file.
pub(crate) fn check(
    statements: &[Statement],
    lines: &[&str],
    lesson: bool,
) -> Result<(), ScriptError> {
    let error = |position: Position, message: String| {
        let text = lines
            .get(position.line.saturating_sub(1))
            .copied()
            .unwrap_or_default();
        ScriptError::new(position, message, text)
    };
    let mut recap: Option<usize> = None;
    for statement in statements {
        let Action::Run(command) = &statement.action else {
            if let Some(line) = recap {
                return Err(error(
                    Position {
                        line: statement.line,
                        column: 1,
                    },
                    format!(
                        "nothing may follow the {} on line {line}: it ends the lesson",
                        RECAP.name
                    ),
                ));
            }
            continue;
        };
        let Some((first, rest)) = command.words.split_first() else {
            continue;
        };
        if let Some(line) = recap {
            return Err(error(
                first.position,
                format!(
                    "nothing may follow the {} on line {line}: it ends the lesson",
                    RECAP.name
                ),
            ));
        }
        let name = first.literal().unwrap_or_default();
        let (typed, expanded) = literals(rest);
        let misread: Option<Misread> = match name.as_str() {
            n if n == TASK.name => match Task::parse(&typed) {
                // `--show` is a word written as it is, whatever the condition expands to.
                Ok(task) if lesson && task.show.is_none() => {
                    return Err(error(
                        first.position,
                        format!(
                            "a {} in a lesson file needs {} \"COMMAND LINE\": what Show me runs, and \
                             what shardlab run and shardlab lesson run at once",
                            TASK.name, TASK_SHOW.flag
                        ),
                    ));
                }
                Ok(_) => None,
                Err(misread) => Some(misread),
            },
            n if n == POINT.name => play_commands::point(&typed).err(),
            n if n == SHOW.name => play_commands::show(&typed).err(),
            n if n == RECAP.name => {
                recap = Some(statement.line);
                None
            }
            _ => None,
        };
        if let Some((at, message)) = misread {
            // A problem about a word that is only known when the line runs is checked then.
            if expanded.get(at).copied().unwrap_or(false) {
                continue;
            }
            let position = rest
                .get(at)
                .or_else(|| rest.last())
                .unwrap_or(first)
                .position;
            return Err(error(position, message));
        }
    }
    Ok(())
}

/// The words' texts, a word with an expansion standing as a plain placeholder, and which
/// words had one.
fn literals(words: &[Word]) -> (Vec<String>, Vec<bool>) {
    words
        .iter()
        .map(|word| match word.literal() {
            Some(text) => (text, false),
            None => ("x".to_string(), true),
        })
        .unzip()
}

#[cfg(test)]
mod tests {
    use crate::script::parse_script;

    fn error(source: &str) -> (usize, usize, String) {
        let error = parse_script(source).unwrap_err();
        (error.position.line, error.position.column, error.message)
    }

    #[test]
    fn a_malformed_task_point_or_show_gives_its_line_and_column() {
        let (line, column, message) = error("say hi\ntask \"Split\" when x\n");
        assert_eq!((line, column), (2, 14), "{message}");
        assert!(
            message.starts_with("task takes what to do, then until"),
            "{message}"
        );
        let (line, column, message) = error("task \"Split\" until frobbed s --show 'echo x'\n");
        assert_eq!((line, column), (1, 20));
        assert!(
            message.starts_with("task \"...\" until takes a condition: throttled"),
            "{message}"
        );
        assert!(
            message.ends_with("then optionally --hint-after DURATION HINT and --show TEXT"),
            "{message}"
        );
        let (line, column, _) = error("task \"Split\" until 1 == 1 --hint-after soon \"h\"\n");
        assert_eq!((line, column), (1, 40), "the duration");
        let (line, column, message) = error("\n  point shrad shardId-000000000001\n");
        assert_eq!((line, column), (2, 9));
        assert!(
            message.contains("unknown subcommand 'shrad'; did you mean 'shard'?"),
            "{message}"
        );
        let (line, column, message) = error("point panel strem\n");
        assert_eq!((line, column), (1, 13));
        assert!(message.ends_with("did you mean stream?"), "{message}");
        let (line, column, message) = error("show stream chrats\n");
        assert_eq!((line, column), (1, 13));
        assert!(message.ends_with("did you mean charts?"), "{message}");
        let (line, column, _) = error("show\n");
        assert_eq!((line, column), (1, 1));
    }

    #[test]
    fn a_lesson_files_task_needs_show_and_nothing_follows_a_recap() {
        let lesson = "# title: T\n# goal: Do it.\n\ntask \"Split\" until 1 == 1\n";
        let (line, column, message) = error(lesson);
        assert_eq!((line, column), (4, 1));
        assert!(
            message.starts_with("a task in a lesson file needs --show"),
            "{message}"
        );
        let expanding = "# title: T\n# goal: Do it.\ntask \"Split\" until $(sim time) == 1\n";
        assert_eq!(
            error(expanding).0,
            3,
            "a condition that expands changes nothing"
        );
        assert!(
            parse_script("task \"Split\" until 1 == 1\n").is_ok(),
            "a script may"
        );
        let (line, column, message) = error("recap \"Done.\"\n  say more\n");
        assert_eq!((line, column), (2, 3));
        assert_eq!(
            message,
            "nothing may follow the recap on line 1: it ends the lesson"
        );
        assert!(parse_script("say a\nrecap \"Done.\"\n# a comment\n").is_ok());
    }

    #[test]
    fn expansions_are_judged_when_the_line_runs() {
        for fine in [
            "point shard $SHARD",
            "show $PANEL",
            "task \"Split\" until $(sim time) == x --show \"$CMD\"",
        ] {
            assert!(parse_script(fine).is_ok(), "{fine}");
        }
    }
}
