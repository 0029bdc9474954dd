//! The commands the runner carries out itself, read from their words: time (`wait DURATION`,
//! `sleep SECONDS`, `at TIME`), a question (`ask`) and a check (`expect`).
//!
//! Apart from [`super::runner`], which does what they say (moves the clock, stops for the
//! learner, counts the checks), as [`super::sim_commands`] is apart from the world: here the
//! words are read against the command table ([`super::grammar`]), which says how many each
//! command takes, with the errors a learner reads. `ask` and `expect` have small grammars of
//! their own, read here with the words the table names (`answer`, `because`, the comparisons),
//! which help and Tab read as well. `wait until` has a file of its own ([`super::until`]).

use super::args::Args;
use super::compare::compare;
use super::duration::parse_duration;
use super::grammar::{ask, Command, ASK, AT, EXPECT, OPERATORS, SLEEP, WAIT, WAIT_FAST};

/// The one word `command` takes, when `args` are just that.
fn one_word<'a>(command: &Command, args: &'a [String]) -> Option<&'a str> {
    args.first()
        .filter(|_| command.takes(args))
        .map(String::as_str)
}

/// A wait for a time: how long, in milliseconds, and whether the page fast-forwards over it
/// (`wait 25h --fast`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimeWait {
    pub ms: u64,
    pub fast: bool,
}

/// `wait DURATION [--fast]` or `sleep SECONDS` (`name` says which).
pub(crate) fn pause(name: &str, args: &[String]) -> Result<TimeWait, String> {
    let sleep = name == SLEEP.name;
    let wrong = || {
        format!(
            "{name} takes one duration, and optionally {}, as in: wait 30s or wait 25h {}",
            WAIT_FAST.flag, WAIT_FAST.flag
        )
    };
    if !sleep {
        let read = Args::parse(WAIT.name, &WAIT, None, args)?;
        let [word] = read.positional.as_slice() else {
            return Err(wrong());
        };
        return Ok(TimeWait {
            ms: parse_duration(word)?,
            fast: read.has(WAIT_FAST.flag),
        });
    }
    let Some(word) = one_word(&SLEEP, args) else {
        return Err("sleep takes one number of seconds, as in: sleep 5".to_string());
    };
    word.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or_else(|| format!("sleep takes seconds, like sleep 5; not '{word}'"))
        .and_then(|s| {
            parse_duration(&format!("{}ms", (s * 1000.0).round()))
                .map_err(|_| format!("sleep {word} is longer than the 400 days a script may wait"))
        })
        .map(|ms| TimeWait { ms, fast: false })
}

/// `at TIME`: the word naming the time since the start, or the error for any other number
/// of words.
pub(crate) fn at(args: &[String]) -> Result<&str, String> {
    one_word(&AT, args).ok_or_else(|| "at takes one time since the start, as in: at 2m".to_string())
}

/// `expect VALUE OP VALUE`: whether it holds, and the comparison as the transcript shows it
/// (`'1' == '2'`).
pub(crate) fn expect(args: &[String]) -> Result<(bool, String), String> {
    if !EXPECT.takes(args) {
        return Err(format!(
            "expect takes a value, an operator ({}) and a value",
            OPERATORS.join(", ")
        ));
    }
    let word = |i: usize| args.get(i).map_or("", String::as_str);
    let (left, op, right) = (word(0), word(1), word(2));
    compare(left, op, right).map(|holds| (holds, format!("'{left}' {op} '{right}'")))
}

/// A question of `ask`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Question {
    pub question: String,
    pub choices: Vec<String>,
    /// 1-based.
    pub answer: usize,
    pub explanation: String,
}

/// What `ask` takes, as its error says.
fn ask_form() -> String {
    let (answer, because) = (ask::ANSWER, ask::BECAUSE);
    format!(
        "{} takes a question, two or more choices, then {answer} N and optionally {because} \
         \"why\", as in: {} \"Which shard throttles?\" \"shard 0\" \"shard 1\" {answer} 2 \
         {because} \"user-42 hashes into shard 1\"",
        ASK.name, ASK.name
    )
}

/// `ask "question" "choice" "choice" ... answer N [because "explanation"]`.
pub(crate) fn question(args: &[String]) -> Result<Question, String> {
    let at = args
        .iter()
        .rposition(|a| a == ask::ANSWER)
        .ok_or_else(ask_form)?;
    let (question, choices) = args[..at].split_first().ok_or_else(ask_form)?;
    if question.trim().is_empty() || choices.len() < 2 {
        return Err(ask_form());
    }
    let rest = &args[at + 1..];
    let answer = rest
        .first()
        .and_then(|n| n.parse::<usize>().ok())
        .ok_or_else(ask_form)?;
    if answer == 0 || answer > choices.len() {
        return Err(format!(
            "ask: answer {answer} is not one of the {} choices (they count from 1)",
            choices.len()
        ));
    }
    let explanation = match &rest[1..] {
        [] => String::new(),
        [because, why] if because == ask::BECAUSE => why.clone(),
        _ => return Err(ask_form()),
    };
    Ok(Question {
        question: question.clone(),
        choices: choices.to_vec(),
        answer,
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn time_takes_one_word_as_the_table_says() {
        let waits = |ms: u64, fast: bool| Ok(TimeWait { ms, fast });
        assert_eq!(pause("wait", &words("30s")), waits(30_000, false));
        assert_eq!(pause("wait", &words("25h --fast")), waits(90_000_000, true));
        assert_eq!(pause("wait", &words("--fast 2m")), waits(120_000, true));
        assert_eq!(pause("sleep", &words("1.5")), waits(1_500, false));
        assert_eq!(
            pause("wait", &words("2 parsecs")).unwrap_err(),
            "wait takes one duration, and optionally --fast, as in: wait 30s or wait 25h --fast"
        );
        assert_eq!(
            pause("wait", &words("2h --fsat")).unwrap_err(),
            "unknown option --fsat; did you mean --fast?"
        );
        assert_eq!(
            pause("sleep", &[]).unwrap_err(),
            "sleep takes one number of seconds, as in: sleep 5"
        );
        assert_eq!(
            pause("sleep", &words("-1")).unwrap_err(),
            "sleep takes seconds, like sleep 5; not '-1'"
        );
        assert_eq!(at(&words("2m")), Ok("2m"));
        assert_eq!(
            at(&words("2m 3m")).unwrap_err(),
            "at takes one time since the start, as in: at 2m"
        );
    }

    #[test]
    fn expect_takes_a_value_an_operator_and_a_value() {
        assert_eq!(expect(&words("1 < 2")), Ok((true, "'1' < '2'".to_string())));
        assert_eq!(
            expect(&words("1 <")).unwrap_err(),
            "expect takes a value, an operator (==, !=, <, <=, >, >=, contains) and a value"
        );
    }

    #[test]
    fn a_question_reads_its_answer_and_explanation() {
        let asked = question(&words("Q? a b answer 2 because b-it-is")).unwrap();
        assert_eq!(asked.choices, ["a", "b"]);
        assert_eq!((asked.answer, asked.explanation.as_str()), (2, "b-it-is"));
        assert_eq!(
            question(&words("Q? a answer 1")).unwrap_err(),
            "ask takes a question, two or more choices, then answer N and optionally because \
             \"why\", as in: ask \"Which shard throttles?\" \"shard 0\" \"shard 1\" answer 2 \
             because \"user-42 hashes into shard 1\""
        );
        assert_eq!(
            question(&words("Q? a b answer 3")).unwrap_err(),
            "ask: answer 3 is not one of the 2 choices (they count from 1)"
        );
    }
}
