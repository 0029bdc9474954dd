//! A script's header: the `# key: value` comment lines it starts with. A lesson file says
//! what it is there: `# title:`, `# summary:` and `# goal:`, one sentence of what the learner
//! will be able to do, shown when the lesson starts (the page's player, the transcript) and
//! by `shardlab lessons`.
//!
//! A script whose header has a `# title:` is a lesson file, and a lesson file is held to
//! more than a script: it must say its goal, and every `task` in it must come with `--show`
//! so that it stays checkable where nobody clicks. Both are errors when the script is read
//! ([`super::parse::parse_script`]), with their line and column, like any other.

use super::parse::{Position, ScriptError};

/// The keys a lesson file's header uses.
pub const TITLE: &str = "title";
pub const SUMMARY: &str = "summary";
pub const GOAL: &str = "goal";

/// What a script's header says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub title: Option<String>,
    pub summary: Option<String>,
    /// The goal, and the line it is on.
    pub goal: Option<(String, usize)>,
}

impl Header {
    /// Reads the comment lines `source` starts with.
    pub fn read(source: &str) -> Header {
        let mut header = Header::default();
        for (index, line) in source.lines().enumerate() {
            let Some(comment) = line.trim_start().strip_prefix('#') else {
                break;
            };
            let Some((key, value)) = comment.split_once(':') else {
                continue;
            };
            let value = value.trim().to_string();
            match key.trim() {
                TITLE => header.title = Some(value),
                SUMMARY => header.summary = Some(value),
                GOAL => header.goal = Some((value, index + 1)),
                _ => {}
            }
        }
        header
    }

    /// Whether the script is a lesson file: its header names a title.
    pub fn is_lesson(&self) -> bool {
        self.title.is_some()
    }

    /// The goal's text, if the header has one.
    pub fn goal(&self) -> Option<&str> {
        self.goal.as_ref().map(|(text, _)| text.as_str())
    }

    /// A lesson file's header must have a goal of one sentence; a script's need not.
    pub fn check(&self, source: &str) -> Result<(), ScriptError> {
        if !self.is_lesson() {
            return Ok(());
        }
        let line_text = |line: usize| source.lines().nth(line - 1).unwrap_or_default();
        let Some((goal, line)) = &self.goal else {
            return Err(ScriptError::new(
                Position { line: 1, column: 1 },
                "a lesson file (it has a # title:) needs a # goal: line in its header: one \
                 sentence saying what the learner will be able to do",
                line_text(1),
            ));
        };
        let text = line_text(*line);
        // The goal's first character (a column counts characters, from 1).
        let column = text.find(':').map_or(1, |at| {
            let after = &text[at + 1..];
            let spaces = after.len() - after.trim_start().len();
            text[..at + 1 + spaces].chars().count() + 1
        });
        match one_sentence(goal) {
            Ok(()) => Ok(()),
            Err(problem) => Err(ScriptError::new(
                Position {
                    line: *line,
                    column,
                },
                format!("the # goal: must be one sentence of what the learner will be able to do: {problem}"),
                text,
            )),
        }
    }
}

/// Whether `text` is one sentence: not empty, ending with a full stop, and no sentence
/// ending inside it (a `.`, `!` or `?` followed by a space and a capital letter).
fn one_sentence(text: &str) -> Result<(), &'static str> {
    if text.is_empty() {
        return Err("it is empty");
    }
    if !text.ends_with('.') {
        return Err("it does not end with a full stop");
    }
    let chars: Vec<char> = text.chars().collect();
    let inner_end = chars
        .windows(3)
        .any(|w| matches!(w[0], '.' | '!' | '?') && w[1] == ' ' && w[2].is_uppercase());
    if inner_end {
        return Err("it is more than one sentence");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_is_read_from_the_leading_comments() {
        let header = Header::read(
            "# title: T\n# summary: S\n# goal: Do a thing.\nsay hi\n# goal: not this\n",
        );
        assert_eq!(header.title.as_deref(), Some("T"));
        assert_eq!(header.summary.as_deref(), Some("S"));
        assert_eq!(header.goal, Some(("Do a thing.".to_string(), 3)));
        assert!(header.is_lesson());
        assert!(!Header::read("say hi\n").is_lesson());
    }

    #[test]
    fn a_lesson_file_needs_a_goal_of_one_sentence() {
        let error = |source: &str| Header::read(source).check(source).unwrap_err();
        let missing = error("# title: T\nsay hi\n");
        assert_eq!((missing.position.line, missing.position.column), (1, 1));
        assert!(missing.message.contains("needs a # goal:"), "{missing}");
        let two = error("# title: T\n# goal: Split a shard. Then merge it.\n");
        assert_eq!((two.position.line, two.position.column), (2, 9));
        assert!(
            two.message.ends_with("it is more than one sentence"),
            "{two}"
        );
        assert!(error("# title: T\n# goal:\n")
            .message
            .ends_with("it is empty"));
        assert!(error("# title: T\n# goal: Split a shard\n")
            .message
            .ends_with("it does not end with a full stop"));
        let fine = "# title: T\n# goal: Read a KCL 2.x lease table.\n";
        assert!(Header::read(fine).check(fine).is_ok());
        assert!(
            Header::read("say hi").check("say hi").is_ok(),
            "a script needs none"
        );
    }
}
