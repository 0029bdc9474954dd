//! The words of the commands that make a lesson something the learner plays: `task`, `point`
//! and `show`, read against the command table ([`super::grammar`]).
//!
//! Each reader says which word a problem is about (its index among the words after the
//! command), so the same reading serves twice: when a script is read, where the index gives
//! the error its column (`rules.rs`), and when the line runs, with its words expanded.
//! What the runner does with them is in `runner/play.rs`.

use super::duration::parse_duration;
use super::grammar::{
    panel, Command, Value, POINT, SHOW, TASK, TASK_HINT_AFTER, TASK_SHOW, TASK_UNTIL, UNTIL_EVERY,
    UNTIL_TIMEOUT,
};
use super::parse::parse_line;
use super::suggest::did_you_mean;
use super::until::{self, Condition};

/// A problem with a command's words: the index of the word it is about (the number of words
/// when something is missing at the end), and what is wrong.
pub(crate) type Misread = (usize, String);

/// `task "what to do" until CONDITION [--hint-after DURATION "hint"] [--show "COMMAND LINE"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// What the learner is asked to do.
    pub text: String,
    pub condition: Condition,
    /// The condition's words, as the transcript shows it once it holds.
    pub condition_text: String,
    /// After this long (simulated) since the task began, the hint.
    pub hint: Option<(u64, String)>,
    /// The command line "Show me" runs through the console (and `shardlab run` at once).
    pub show: Option<String>,
}

/// The form a task takes, as its errors say.
fn task_form() -> String {
    format!(
        "{} takes what to do, then {} and a condition, as in: {} \"Split shard 1\" {} \
         status orders ACTIVE [{} DURATION \"hint\"] [{} \"COMMAND LINE\"]",
        TASK.name,
        TASK_UNTIL.name,
        TASK.name,
        TASK_UNTIL.name,
        TASK_HINT_AFTER.flag,
        TASK_SHOW.flag
    )
}

impl Task {
    /// Reads the words after `task`.
    pub fn parse(words: &[String]) -> Result<Task, Misread> {
        let mut positional: Vec<(usize, &str)> = Vec::new();
        let mut hint = None;
        let mut show = None;
        let mut i = 0;
        while let Some(word) = words.get(i) {
            if word == TASK_HINT_AFTER.flag {
                let (Some(duration), Some(text)) = (words.get(i + 1), words.get(i + 2)) else {
                    return Err((
                        i,
                        format!(
                            "{} needs a duration and a hint, as in {} 30s \"Click Split on the red lane\"",
                            TASK_HINT_AFTER.flag, TASK_HINT_AFTER.flag
                        ),
                    ));
                };
                let ms = parse_duration(duration).map_err(|message| (i + 1, message))?;
                hint = Some((ms, text.clone()));
                i += 3;
            } else if word == TASK_SHOW.flag {
                let Some(line) = words.get(i + 1) else {
                    return Err((
                        i,
                        format!(
                            "{} needs the command line Show me runs, in quotes",
                            TASK_SHOW.flag
                        ),
                    ));
                };
                match parse_line(line) {
                    Ok(Some(_)) => show = Some(line.clone()),
                    Ok(None) => {
                        return Err((i + 1, format!("{}'s command line is empty", TASK_SHOW.flag)))
                    }
                    Err(error) => {
                        return Err((
                            i + 1,
                            format!(
                                "{}'s command line does not parse: {}",
                                TASK_SHOW.flag, error.message
                            ),
                        ))
                    }
                }
                i += 2;
            } else if word == UNTIL_TIMEOUT.flag || word == UNTIL_EVERY.flag {
                return Err((
                    i,
                    format!(
                        "a task waits as long as the learner takes: it has no {word} (that is wait until's)"
                    ),
                ));
            } else if word.starts_with("--") && positional.len() >= 2 {
                let hint = did_you_mean(word, [TASK_HINT_AFTER.flag, TASK_SHOW.flag])
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_default();
                return Err((i, format!("{}: unknown option {word}{hint}", TASK.name)));
            } else {
                positional.push((i, word));
                i += 1;
            }
        }
        let Some(&(_, text)) = positional.first().filter(|(_, t)| !t.trim().is_empty()) else {
            return Err((0, task_form()));
        };
        match positional.get(1) {
            Some((_, word)) if *word == TASK_UNTIL.name => {}
            Some(&(at, _)) => return Err((at, task_form())),
            None => return Err((words.len(), task_form())),
        }
        let condition_words: Vec<String> =
            positional[2..].iter().map(|(_, w)| w.to_string()).collect();
        let first = positional.get(2).map_or(words.len(), |(at, _)| *at);
        let condition = until::read_condition(&condition_words).ok_or_else(|| {
            let path = format!("{} \"...\" {}", TASK.name, TASK_UNTIL.name);
            (first, until::forms(&path, TASK.options))
        })?;
        Ok(Task {
            text: text.to_string(),
            condition,
            condition_text: condition_words.join(" "),
            hint,
            show,
        })
    }
}

/// `point KIND NAME`: the kind (one of `point`'s subcommands) and the name.
pub fn point(words: &[String]) -> Result<(&'static str, String), Misread> {
    let (kind, rest) = POINT.find_subcommand(words).map_err(|message| {
        (
            0,
            format!(
                "{}: {message} (then the name of the one to point at)",
                POINT.name
            ),
        )
    })?;
    let [name] = rest else {
        let at = if rest.is_empty() { words.len() } else { 2 };
        let needs = kind.words.first().map_or("a name", |w| w.needs);
        return Err((
            at,
            format!("{} {} takes one name: {needs}", POINT.name, kind.name),
        ));
    };
    check_word(kind, name).map_err(|message| (1, message))?;
    Ok((kind.name, name.clone()))
}

/// A fixed word (a chart's or a panel's name) is one of its choices.
fn check_word(kind: &Command, name: &str) -> Result<(), String> {
    match kind.words.first().map(|w| w.value) {
        Some(Value::OneOf(choices)) if !choices.contains(&name) => {
            let hint = did_you_mean(name, choices.iter().copied())
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default();
            Err(format!(
                "{} {} is one of {}, not '{name}'{hint}",
                POINT.name,
                kind.name,
                choices.join(", ")
            ))
        }
        _ => Ok(()),
    }
}

/// `show PANEL...` or `show all`: the panels to show (empty for all).
pub fn show(words: &[String]) -> Result<Vec<String>, Misread> {
    if words.is_empty() {
        return Err((
            0,
            format!(
                "{} takes the panels a step needs ({}), or {}",
                SHOW.name,
                panel::ALL.join(", "),
                panel::EVERY
            ),
        ));
    }
    let mut panels: Vec<String> = Vec::new();
    for (at, word) in words.iter().enumerate() {
        if word == panel::EVERY {
            if words.len() > 1 {
                return Err((
                    at,
                    format!("{} {} takes nothing else", SHOW.name, panel::EVERY),
                ));
            }
            return Ok(Vec::new());
        }
        if !panel::ALL.contains(&word.as_str()) {
            let hint = did_you_mean(word, panel::CHOICES.iter().copied())
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default();
            return Err((
                at,
                format!(
                    "{} knows the panels {}, and {}; not '{word}'{hint}",
                    SHOW.name,
                    panel::ALL.join(", "),
                    panel::EVERY
                ),
            ));
        }
        if !panels.contains(word) {
            panels.push(word.clone());
        }
    }
    Ok(panels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn a_task_reads_its_text_condition_hint_and_show_line() {
        let mut typed = vec!["Split shard 1".to_string()];
        typed.extend(words("until status s ACTIVE --hint-after 30s"));
        typed.push("Click Split".to_string());
        typed.push("--show".to_string());
        typed.push("aws kinesis split-shard --stream-name s".to_string());
        let task = Task::parse(&typed).unwrap();
        assert_eq!(task.text, "Split shard 1");
        assert_eq!(task.condition_text, "status s ACTIVE");
        assert_eq!(task.hint, Some((30_000, "Click Split".to_string())));
        assert_eq!(
            task.show.as_deref(),
            Some("aws kinesis split-shard --stream-name s")
        );
        assert!(matches!(task.condition, Condition::Status { .. }));
    }

    #[test]
    fn a_malformed_task_says_which_word_is_wrong() {
        let error = |text: &str| Task::parse(&words(text)).unwrap_err();
        assert_eq!(error("Split").0, 1, "until is missing at the end");
        assert_eq!(error("Split when x == y").0, 1);
        assert_eq!(error("Split until frobbed s").0, 2);
        assert_eq!(error("Split until 1 == 1 --hint-after 30s").0, 5);
        assert_eq!(error("Split until 1 == 1 --hint-after soon hint").0, 6);
        assert_eq!(error("Split until 1 == 1 --show").0, 5);
        assert_eq!(error("Split until 1 == 1 --timeout 2m").0, 5);
        let (at, message) = error("Split until 1 == 1 --shwo x");
        assert_eq!(at, 5);
        assert_eq!(message, "task: unknown option --shwo; did you mean --show?");
        let mut typed = words("Split until 1 == 1 --show");
        typed.push("echo 'open".to_string());
        let (at, message) = Task::parse(&typed).unwrap_err();
        assert_eq!(at, 6);
        assert!(message.starts_with("--show's command line does not parse: this ' is never closed"));
    }

    #[test]
    fn point_reads_a_kind_and_a_name() {
        assert_eq!(
            point(&words("shard shardId-000000000001")),
            Ok(("shard", "shardId-000000000001".to_string()))
        );
        assert_eq!(point(&words("chart IncomingRecords")).unwrap().0, "chart");
        assert_eq!(point(&words("shrad x")).unwrap_err().0, 0);
        assert_eq!(point(&words("shard")).unwrap_err().0, 1);
        assert_eq!(point(&words("shard a b")).unwrap_err().0, 2);
        let (at, message) = point(&words("panel strem")).unwrap_err();
        assert_eq!(at, 1);
        assert!(
            message.ends_with("not 'strem'; did you mean stream?"),
            "{message}"
        );
    }

    #[test]
    fn show_reads_panels_or_all() {
        assert_eq!(
            show(&words("stream producers stream")),
            Ok(vec!["stream".to_string(), "producers".to_string()])
        );
        assert_eq!(show(&words("all")), Ok(Vec::new()));
        assert_eq!(show(&[]).unwrap_err().0, 0);
        assert_eq!(show(&words("stream all")).unwrap_err().0, 1);
        let (at, message) = show(&words("stream chrats")).unwrap_err();
        assert_eq!(at, 1);
        assert!(
            message.ends_with("not 'chrats'; did you mean charts?"),
            "{message}"
        );
    }
}
