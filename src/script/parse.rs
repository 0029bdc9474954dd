//! Reading scripts: lines, shell-like words, quotes, variables and `$(...)`.
//!
//! The language is a small, predictable subset of the shell, so that what a learner types here
//! works in a real terminal against AWS: one command per line, `#` comments, `'literal'` and
//! `"expanding"` quotes, a trailing `\` continuing a line, `NAME=value` assignments, and `$NAME`,
//! `${NAME}`, `$?` and `$(command)` expansions. Unlike a shell, an expansion always stays one
//! word (as if it were quoted), which is what every example needs and never surprises.
//!
//! Every word remembers where it came from, so errors point at a line and column. The splitter
//! is hand-written rather than `shell-words`, which splits but neither expands nor keeps
//! positions.

use std::fmt;

/// The largest script accepted, in bytes.
pub const MAX_SCRIPT_BYTES: usize = 256 * 1024;

/// A place in a script: line and column, both from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A problem in a script, with where it is and the line it is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub position: Position,
    pub message: String,
    /// The text of the line, for showing a caret under the problem.
    pub line_text: String,
}

impl ScriptError {
    pub fn new(position: Position, message: impl Into<String>, line_text: &str) -> Self {
        ScriptError {
            position,
            message: message.into(),
            line_text: line_text.to_string(),
        }
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.position.line, self.position.column, self.message
        )?;
        if !self.line_text.is_empty() {
            let caret = self
                .position
                .column
                .saturating_sub(1)
                .min(self.line_text.chars().count());
            write!(f, "\n  {}\n  {}^", self.line_text, " ".repeat(caret))?;
        }
        Ok(())
    }
}

/// One piece of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// `$NAME` or `${NAME}`.
    Var(String),
    /// `$?`.
    Status,
    /// `$(...)`: a command whose output becomes the text.
    Command(Box<Command>),
}

/// A word: pieces glued together, and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub parts: Vec<Part>,
    pub position: Position,
    /// Whether any of it was quoted (an empty quoted word still counts as a word).
    pub quoted: bool,
}

impl Word {
    /// The word's text if it has no expansions.
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                _ => return None,
            }
        }
        Some(out)
    }
}

/// A command: its words, and the source text it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<Word>,
    pub text: String,
}

/// What a line does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `NAME=value`.
    Assign {
        name: String,
        value: Word,
    },
    Run(Command),
}

/// One logical line of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub line: usize,
    pub text: String,
    pub action: Action,
}

/// Parses a whole script; the first error stops it.
pub fn parse_script(source: &str) -> Result<Vec<Statement>, ScriptError> {
    if source.len() > MAX_SCRIPT_BYTES {
        return Err(ScriptError::new(
            Position { line: 1, column: 1 },
            format!(
                "the script is {} bytes; scripts may be at most {MAX_SCRIPT_BYTES} bytes",
                source.len()
            ),
            "",
        ));
    }
    let lines: Vec<&str> = source.lines().collect();
    let mut statements = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let first_line = index + 1;
        // Join continuation lines: a line ending in an unescaped, unquoted backslash.
        let mut text = lines[index].to_string();
        let mut offsets = vec![(first_line, 0usize)];
        while ends_with_continuation(&text) && index + 1 < lines.len() {
            text.pop();
            index += 1;
            offsets.push((index + 1, text.chars().count()));
            text.push_str(lines[index]);
        }
        index += 1;
        let locate = |char_index: usize| {
            let (line, start) = offsets
                .iter()
                .rev()
                .find(|(_, start)| *start <= char_index)
                .copied()
                .unwrap_or((first_line, 0));
            Position {
                line,
                column: char_index - start + 1,
            }
        };
        let line_text =
            |position: Position| lines.get(position.line - 1).copied().unwrap_or_default();
        let chars: Vec<char> = text.chars().collect();
        let mut words = Lexer {
            chars: &chars,
            at: 0,
        };
        let parsed = words.words(None).map_err(|(at, message)| {
            let position = locate(at);
            ScriptError::new(position, message, line_text(position))
        })?;
        if parsed.is_empty() {
            continue;
        }
        let positioned: Vec<Word> = parsed
            .into_iter()
            .map(|word| relocate(word, &locate))
            .collect();
        let action = match assignment(&positioned) {
            Some(result) => result.map_err(|(position, message)| {
                ScriptError::new(position, message, line_text(position))
            })?,
            None => Action::Run(Command {
                words: positioned,
                text: text.trim().to_string(),
            }),
        };
        statements.push(Statement {
            line: first_line,
            text: text.trim().to_string(),
            action,
        });
    }
    Ok(statements)
}

/// Parses one line typed at the console (no continuation).
pub fn parse_line(line: &str) -> Result<Option<Statement>, ScriptError> {
    Ok(parse_script(line)?.into_iter().next())
}

fn ends_with_continuation(line: &str) -> bool {
    let trailing = line.chars().rev().take_while(|&c| c == '\\').count();
    trailing % 2 == 1 && !in_open_quote(line)
}

fn in_open_quote(line: &str) -> bool {
    let (mut single, mut double, mut escaped) = (false, false, false);
    for c in line.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double => return false,
            _ => {}
        }
    }
    single || double
}

/// Words carry character offsets while lexing; this turns them into line and column.
fn relocate(mut word: Word, locate: &dyn Fn(usize) -> Position) -> Word {
    word.position = locate(word.position.column);
    for part in &mut word.parts {
        if let Part::Command(command) = part {
            command.words = std::mem::take(&mut command.words)
                .into_iter()
                .map(|w| relocate(w, locate))
                .collect();
        }
    }
    word
}

/// `NAME=value` as the only word of a line.
fn assignment(words: &[Word]) -> Option<Result<Action, (Position, String)>> {
    let first = words.first()?;
    let Some(Part::Text(text)) = first.parts.first() else {
        return None;
    };
    let (name, rest) = text.split_once('=')?;
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_name {
        return None;
    }
    if words.len() > 1 {
        let extra = &words[1];
        return Some(Err((
            extra.position,
            format!("'{name}=' takes one word; quote the value if it has spaces"),
        )));
    }
    let mut parts = first.parts.clone();
    parts[0] = Part::Text(rest.to_string());
    Some(Ok(Action::Assign {
        name: name.to_string(),
        value: Word {
            parts,
            position: first.position,
            quoted: first.quoted,
        },
    }))
}

struct Lexer<'a> {
    chars: &'a [char],
    at: usize,
}

type LexResult<T> = Result<T, (usize, String)>;

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// Words up to the end of the line, or up to the `)` closing a `$(` (`closing` is the
    /// offset of that `$(` for the error message).
    fn words(&mut self, closing: Option<usize>) -> LexResult<Vec<Word>> {
        let mut words = Vec::new();
        loop {
            while self.peek().is_some_and(char::is_whitespace) {
                self.at += 1;
            }
            match self.peek() {
                None => {
                    return match closing {
                        Some(open) => Err((open, "this $( is never closed with )".to_string())),
                        None => Ok(words),
                    }
                }
                Some('#') => {
                    if let Some(open) = closing {
                        return Err((open, "this $( is never closed with )".to_string()));
                    }
                    return Ok(words);
                }
                Some(')') if closing.is_some() => {
                    self.at += 1;
                    return Ok(words);
                }
                Some(_) => words.push(self.word(closing.is_some())?),
            }
        }
    }

    fn word(&mut self, in_command: bool) -> LexResult<Word> {
        let start = self.at;
        let mut parts: Vec<Part> = Vec::new();
        let mut quoted = false;
        let push_text = |parts: &mut Vec<Part>, c: char| match parts.last_mut() {
            Some(Part::Text(text)) => text.push(c),
            _ => parts.push(Part::Text(c.to_string())),
        };
        while let Some(c) = self.peek() {
            match c {
                c if c.is_whitespace() => break,
                ')' if in_command => break,
                '\'' => {
                    quoted = true;
                    let open = self.at;
                    self.at += 1;
                    let mut closed = false;
                    while let Some(c) = self.peek() {
                        self.at += 1;
                        if c == '\'' {
                            closed = true;
                            break;
                        }
                        push_text(&mut parts, c);
                    }
                    if !closed {
                        return Err((open, "this ' is never closed".to_string()));
                    }
                    if !matches!(parts.last(), Some(Part::Text(_))) {
                        parts.push(Part::Text(String::new()));
                    }
                }
                '"' => {
                    quoted = true;
                    let open = self.at;
                    self.at += 1;
                    let mut closed = false;
                    if !matches!(parts.last(), Some(Part::Text(_))) {
                        parts.push(Part::Text(String::new()));
                    }
                    while let Some(c) = self.peek() {
                        match c {
                            '"' => {
                                self.at += 1;
                                closed = true;
                                break;
                            }
                            '\\' => {
                                self.at += 1;
                                match self.peek() {
                                    Some(next @ ('"' | '\\' | '$' | '`')) => {
                                        self.at += 1;
                                        push_text(&mut parts, next);
                                    }
                                    _ => push_text(&mut parts, '\\'),
                                }
                            }
                            '$' => self.dollar(&mut parts)?,
                            _ => {
                                self.at += 1;
                                push_text(&mut parts, c);
                            }
                        }
                    }
                    if !closed {
                        return Err((open, "this \" is never closed".to_string()));
                    }
                }
                '\\' => {
                    self.at += 1;
                    if let Some(next) = self.peek() {
                        self.at += 1;
                        push_text(&mut parts, next);
                    }
                }
                '$' => self.dollar(&mut parts)?,
                _ => {
                    self.at += 1;
                    push_text(&mut parts, c);
                }
            }
        }
        Ok(Word {
            parts,
            position: Position {
                line: 0,
                column: start,
            },
            quoted,
        })
    }

    /// `$NAME`, `${NAME}`, `$?` or `$(...)`, the `$` being at the cursor.
    fn dollar(&mut self, parts: &mut Vec<Part>) -> LexResult<()> {
        let start = self.at;
        self.at += 1;
        match self.peek() {
            Some('?') => {
                self.at += 1;
                parts.push(Part::Status);
            }
            Some('(') => {
                self.at += 1;
                let begin = self.at;
                let words = self.words(Some(start))?;
                let text: String = self.chars[begin..self.at - 1].iter().collect();
                if words.is_empty() {
                    return Err((start, "$( ) has no command inside".to_string()));
                }
                parts.push(Part::Command(Box::new(Command {
                    words,
                    text: text.trim().to_string(),
                })));
            }
            Some('{') => {
                self.at += 1;
                let name_start = self.at;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.at += 1;
                }
                let name: String = self.chars[name_start..self.at].iter().collect();
                let starts_well = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
                if self.peek() != Some('}') || !starts_well {
                    return Err((
                        start,
                        "a ${ must hold a variable name and end with }".to_string(),
                    ));
                }
                self.at += 1;
                parts.push(Part::Var(name));
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let name_start = self.at;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.at += 1;
                }
                parts.push(Part::Var(self.chars[name_start..self.at].iter().collect()));
            }
            _ => match parts.last_mut() {
                Some(Part::Text(text)) => text.push('$'),
                _ => parts.push(Part::Text("$".to_string())),
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<Vec<String>> {
        parse_script(source)
            .unwrap()
            .into_iter()
            .map(|s| match s.action {
                Action::Run(command) => command
                    .words
                    .iter()
                    .map(|w| w.literal().unwrap_or_else(|| "<expansion>".into()))
                    .collect(),
                Action::Assign { name, .. } => vec![format!("{name}=")],
            })
            .collect()
    }

    #[test]
    fn quotes_comments_and_continuations() {
        let script = "# a comment\naws kinesis put-record --data 'hello world' \\\n  --partition-key \"k 1\"  # trailing\n\nsay \"it's \\\"fine\\\"\"\n";
        assert_eq!(
            texts(script),
            vec![
                vec![
                    "aws",
                    "kinesis",
                    "put-record",
                    "--data",
                    "hello world",
                    "--partition-key",
                    "k 1"
                ],
                vec!["say", "it's \"fine\""],
            ]
        );
        let statements = parse_script(script).unwrap();
        assert_eq!(statements[0].line, 2);
        assert_eq!(statements[1].line, 5);
    }

    #[test]
    fn variables_and_command_substitution() {
        let statements =
            parse_script("X=$(aws kinesis list-streams --query 'StreamNames[0]')\necho ${X}-$?")
                .unwrap();
        match &statements[0].action {
            Action::Assign { name, value } => {
                assert_eq!(name, "X");
                let Part::Command(command) = &value.parts[1] else {
                    panic!("{value:?}")
                };
                assert_eq!(command.words.len(), 5);
                assert_eq!(
                    command.text,
                    "aws kinesis list-streams --query 'StreamNames[0]'"
                );
            }
            other => panic!("{other:?}"),
        }
        match &statements[1].action {
            Action::Run(command) => assert_eq!(
                command.words[1].parts,
                vec![Part::Var("X".into()), Part::Text("-".into()), Part::Status]
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_point_at_line_and_column() {
        let error = parse_script("say ok\nsay 'never closed\n").unwrap_err();
        assert_eq!(error.position, Position { line: 2, column: 5 });
        assert_eq!(
            error.to_string(),
            "line 2, column 5: this ' is never closed\n  say 'never closed\n      ^"
        );
        let error = parse_script("echo $(aws kinesis list-streams\n").unwrap_err();
        assert_eq!(error.position, Position { line: 1, column: 6 });
        let error = parse_script("A=1 2").unwrap_err();
        assert_eq!(error.position, Position { line: 1, column: 5 });
        let big = "#".repeat(MAX_SCRIPT_BYTES + 1);
        assert!(parse_script(&big).unwrap_err().message.contains("at most"));
    }

    #[test]
    fn continued_lines_report_the_right_physical_line() {
        let error = parse_script("aws kinesis put-record \\\n  --data \"open").unwrap_err();
        assert_eq!(
            error.position,
            Position {
                line: 2,
                column: 10
            }
        );
    }
}
