//! What a script's transcript holds: one [`Entry`] per command, output, narration, check,
//! wait or question, which the native runner prints and the page draws.
//!
//! Separate from the runner, which makes entries, because the page, the session and the tests
//! only read them.
//!
//! A question (`ask`) is printed two ways. [`Entry::render`], for the command line
//! (`shardlab run`, `shardlab lesson`) and the golden transcripts, prints its answer: natively
//! nobody answers (the script goes straight on), so the transcript is the lesson's answer key,
//! for its author or a teacher; the explanation comes where the lesson shows what happened
//! ([`Entry::Reveal`]). [`Entry::render_for_learner`], for the page's
//! console, prints only the question and its choices: nothing a learner can read before
//! answering may give the answer away; the lesson player shows the outcome once answered.

use serde::Serialize;

use super::duration::human;

/// One thing in a transcript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind")]
pub enum Entry {
    /// What the learner will be able to do: a lesson's `# goal:`, said when it starts.
    Goal {
        text: String,
    },
    /// A command as written (variables not expanded), and its line.
    Command {
        line: usize,
        text: String,
    },
    Output {
        text: String,
    },
    Error {
        text: String,
    },
    /// A script error: a command not understood as written (an unknown command, subcommand
    /// or option, a value it cannot read), an unset variable, a malformed `wait`, `ask` or
    /// `wait until`. `text` is what was printed, its message starting at byte `message_at`
    /// (after any usage text); `line` is 0 for a console line, and `column` is known for
    /// some errors (an unset variable, an unknown command).
    ScriptError {
        line: usize,
        column: Option<usize>,
        text: String,
        message_at: usize,
    },
    Say {
        text: String,
    },
    Step {
        number: usize,
        title: String,
    },
    /// A lesson's `recap`: what was learned; the lesson ends there.
    Recap {
        text: String,
    },
    /// A `task` begins: the learner's turn, until `condition` holds.
    Task {
        line: usize,
        text: String,
        condition: String,
    },
    /// The task's condition held, `after_ms` after it began.
    TaskDone {
        text: String,
        after_ms: u64,
    },
    /// `point KIND NAME`: what the narration talks about (`what` is the kind).
    Point {
        what: String,
        name: String,
    },
    /// `show PANEL...`: the panels the step needs (none: every panel).
    Show {
        panels: Vec<String>,
    },
    Expect {
        line: usize,
        passed: bool,
        message: String,
    },
    Waited {
        ms: u64,
        now_ms: u64,
    },
    /// A `wait DURATION --fast`: the page fast-forwards over it, whatever the speed.
    FastForward {
        ms: u64,
    },
    /// A `wait until` whose condition came true, and how long it took.
    Reached {
        condition: String,
        after_ms: u64,
    },
    /// A predict-then-run question (`answer` is 1-based).
    Ask {
        line: usize,
        question: String,
        choices: Vec<String>,
        answer: usize,
        explanation: String,
    },
    /// The learner's answer to the last question (1-based): a prediction, whose outcome is
    /// said only once the lesson has shown what happens ([`Entry::Reveal`]).
    Answered {
        chosen: usize,
        correct: bool,
    },
    /// What happened, for the question asked last, at the lesson's next reveal point (see
    /// `runner/lesson.rs`): the right choice and the explanation, beside the learner's
    /// prediction (`chosen`, 1-based, filled in by the page; `None` where nobody answers).
    Reveal {
        question: String,
        choices: Vec<String>,
        answer: usize,
        chosen: Option<usize>,
        explanation: String,
    },
}

impl Entry {
    /// The entry as the native runner prints it.
    pub fn render(&self) -> String {
        match self {
            Entry::Goal { text } => format!("Goal: {text}\n"),
            Entry::Command { text, .. } => format!("$ {text}\n"),
            Entry::Output { text } | Entry::Error { text } => text.clone(),
            Entry::ScriptError { line: 0, text, .. } => text.clone(),
            Entry::ScriptError {
                line,
                text,
                message_at,
                ..
            } => insert_at(text, *message_at, &format!("line {line}: ")),
            Entry::Say { text } => format!("» {text}\n"),
            Entry::Step { number, title } => format!("\n== Step {number}: {title} ==\n"),
            Entry::Recap { text } => format!("\n== Recap ==\n{text}\n"),
            Entry::Task {
                text, condition, ..
            } => format!("▶ Task: {text}\n  (the lesson goes on when: {condition})\n"),
            Entry::TaskDone { text, after_ms } => {
                format!("… done after {}: {text}\n", human(*after_ms))
            }
            Entry::Point { what, name } => format!("☞ look at the {what} {name}\n"),
            Entry::Show { panels } if panels.is_empty() => "▣ every panel shown\n".to_string(),
            Entry::Show { panels } => format!("▣ panels shown: {}\n", panels.join(", ")),
            Entry::Expect {
                passed: true,
                message,
                ..
            } => format!("✓ {message}\n"),
            Entry::Expect {
                passed: false,
                message,
                ..
            } => format!("✗ {message}\n"),
            Entry::FastForward { ms } => format!("… fast-forwarding {}\n", human(*ms)),
            Entry::Waited { ms, now_ms } => {
                format!("… {} passed (t = {})\n", human(*ms), human(*now_ms))
            }
            Entry::Reached {
                condition,
                after_ms,
            } => format!("… {} later: {condition}\n", human(*after_ms)),
            Entry::Ask {
                question,
                choices,
                answer,
                ..
            } => {
                // The explanation waits for what happened (Entry::Reveal).
                let mut text = question_text(question, choices);
                text.push_str(&format!("  answer: {answer}\n"));
                text
            }
            Entry::Answered { chosen, .. } => format!("  you predicted {chosen}\n"),
            Entry::Reveal {
                choices,
                answer,
                chosen,
                explanation,
                ..
            } => {
                let choice = |n: usize| {
                    n.checked_sub(1)
                        .and_then(|i| choices.get(i))
                        .map_or("", String::as_str)
                };
                let mut text = match chosen {
                    Some(chosen) => format!(
                        "= You predicted: {} — what happened: {}\n",
                        choice(*chosen),
                        choice(*answer)
                    ),
                    None => format!("= What happened: {}\n", choice(*answer)),
                };
                if !explanation.is_empty() {
                    text.push_str(&format!("  {explanation}\n"));
                }
                text
            }
        }
    }

    /// The entry as `shardlab run FILE` prints it: as [`Entry::render`], but a script error
    /// says where it is as compilers do, `FILE:LINE:COLUMN: ` (the column where it is known)
    /// before its message.
    pub fn render_in(&self, file: &str) -> String {
        match self {
            Entry::ScriptError {
                line,
                column,
                text,
                message_at,
            } => {
                let column = column.map(|c| format!(":{c}")).unwrap_or_default();
                insert_at(text, *message_at, &format!("{file}:{line}{column}: "))
            }
            other => other.render(),
        }
    }

    /// The entry as a learner may read it in the page, before answering anything: as
    /// [`Entry::render`], but a question shows only itself and its choices, never its answer
    /// or the explanation.
    pub fn render_for_learner(&self) -> String {
        match self {
            Entry::Ask {
                question, choices, ..
            } => question_text(question, choices),
            other => other.render(),
        }
    }
}

/// What a terminal shows for printed text: a carriage return sends the cursor back to the
/// start of its line, and what follows overwrites what was there. The AWS CLI v1 prints its
/// usage as `usage: \rNote: AWS CLI version 2, ...`, which a terminal shows as `Note: AWS CLI
/// version 2, ...`; the transcript keeps the bytes, the page's console shows this.
pub fn as_a_terminal_shows(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let mut shown: Vec<char> = Vec::with_capacity(line.len());
            let mut column = 0;
            for c in line.chars() {
                if c == '\r' {
                    column = 0;
                    continue;
                }
                match shown.get_mut(column) {
                    Some(slot) => *slot = c,
                    None => shown.push(c),
                }
                column += 1;
            }
            shown.into_iter().collect()
        })
        .collect();
    lines.join("\n")
}

/// `text` with `prefix` put at byte `at` (at its end if `at` is past it or not at a
/// character's boundary).
fn insert_at(text: &str, at: usize, prefix: &str) -> String {
    let at = if text.is_char_boundary(at) {
        at
    } else {
        text.len()
    };
    format!("{}{prefix}{}", &text[..at], &text[at..])
}

/// A question and its numbered choices, one a line.
fn question_text(question: &str, choices: &[String]) -> String {
    let mut text = format!("? {question}\n");
    for (i, choice) in choices.iter().enumerate() {
        text.push_str(&format!("  {}) {choice}\n", i + 1));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_carriage_return_overwrites_the_line_as_in_a_terminal() {
        assert_eq!(
            as_a_terminal_shows("usage: \rNote: AWS CLI version 2\n\nusage: aws"),
            "Note: AWS CLI version 2\n\nusage: aws"
        );
        assert_eq!(as_a_terminal_shows("abcdef\rXY"), "XYcdef");
        assert_eq!(as_a_terminal_shows("\nplain\n"), "\nplain\n");
    }
}
