//! Reading scripts: lines, shell-like words, quotes, variables and `$(...)`.
//!
//! The language is a small, predictable subset of the shell, so that what a learner types here
//! works in a real terminal against AWS: one command per line, `#` comments, `'literal'` and
//! `"expanding"` quotes, a trailing `\` continuing a line, `NAME=value` assignments, and `$NAME`,
//! `${NAME}`, `$?` and `$(command)` expansions. Unlike a shell, an expansion always stays one
//! word (as if it were quoted), which is what every example needs and never surprises.
//!
//! Every word remembers where it came from, so errors point at a line and column. A check
//! (`expect`, `wait until`) whose `$(...)` would change the world is refused here, when the
//! script is read ([`super::observe`]). The splitter
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

impl ScriptError {
    /// The error as `shardlab run FILE` prints it, where compilers put the place:
    /// `FILE:LINE:COLUMN: message`, then the line with a caret under the problem.
    pub fn located(&self, file: &str) -> String {
        let shown = self.to_string();
        let rest = shown.split_once(": ").map_or("", |(_, rest)| rest);
        format!(
            "{file}:{}:{}: {rest}",
            self.position.line, self.position.column
        )
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
    let header = super::header::Header::read(source);
    header.check(source)?;
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
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let lexer = Lexer {
            source: &text,
            chars: &chars,
            tolerant: false,
        };
        let parsed = lexer
            .lex()
            .map(|(words, _)| words)
            .map_err(|(at, message)| {
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
        if let Action::Run(command) = &action {
            super::observe::only_observes(command).map_err(|(position, message)| {
                ScriptError::new(position, message, line_text(position))
            })?;
        }
        statements.push(Statement {
            line: first_line,
            text: text.trim().to_string(),
            action,
        });
    }
    super::rules::check(&statements, &lines, header.is_lesson())?;
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

// ------------------------------------------------------------------ the lexer

/// A word being typed at the end of a console line, as Tab completion sees it: where it starts
/// (a byte offset in the line) and its text with the quotes taken away. Any `$NAME`, `${NAME}`,
/// `$?` or closed `$(...)` in it is kept as written, since completion runs nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub text: String,
}

/// The words before the end of `line` in the innermost command the end is in (the line itself,
/// or the inside of an open `$(`), and the word being typed there (empty, starting at the end,
/// after whitespace). `None` inside an open quote or a comment, where nothing can be completed.
///
/// This is the lexer [`parse_script`] uses, in its tolerant mode: it never fails and never
/// recurses, so any line, however deeply nested, is safe to complete.
pub fn words_at_cursor(line: &str) -> Option<(Vec<String>, Token)> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let (words, current) = Lexer {
        source: line,
        chars: &chars,
        tolerant: true,
    }
    .lex()
    .ok()?;
    let text = |word: &Word| word.literal().unwrap_or_default();
    let current = match current {
        Some(word) => Token {
            start: chars
                .get(word.position.column)
                .map_or(line.len(), |&(byte, _)| byte),
            text: text(&word),
        },
        None => Token {
            start: line.len(),
            text: String::new(),
        },
    };
    Some((words.iter().map(text).collect(), current))
}

/// Splits a line into words, keeping track of quotes and of the `$(` it is inside with a
/// stack rather than by recursion.
///
/// Strict (for scripts), it reads `$NAME`, `${NAME}`, `$?` and `$(...)` as expansions and
/// fails at the first problem: an unclosed quote or `$(`, a comment inside a `$(`, an empty
/// `$( )`, a malformed `${`. Tolerant (for completion), only `$(` is special, a closed one and
/// every other `$` stay text as written, and it stops at the end of the line inside whatever is
/// open; it fails only inside an open quote or a comment.
struct Lexer<'a> {
    source: &'a str,
    /// The line's characters with their byte offsets; positions are indices in it.
    chars: &'a [(usize, char)],
    tolerant: bool,
}

type LexResult<T> = Result<T, (usize, String)>;

/// One command being read: the line itself, or the inside of a `$(`.
struct Frame {
    /// Where its `$(` starts (`None` for the line itself).
    open: Option<usize>,
    words: Vec<Word>,
    /// The word being read, if one has begun.
    current: Option<Word>,
    /// The quote the current word is inside, and where it opened.
    quote: Option<(char, usize)>,
}

impl Frame {
    fn new(open: Option<usize>) -> Frame {
        Frame {
            open,
            words: Vec::new(),
            current: None,
            quote: None,
        }
    }

    /// The word being read, begun at `at` if none is.
    fn word(&mut self, at: usize) -> &mut Word {
        self.current.get_or_insert_with(|| Word {
            parts: Vec::new(),
            position: Position {
                line: 0,
                column: at,
            },
            quoted: false,
        })
    }

    fn push(&mut self, at: usize, c: char) {
        let parts = &mut self.word(at).parts;
        match parts.last_mut() {
            Some(Part::Text(text)) => text.push(c),
            _ => parts.push(Part::Text(c.to_string())),
        }
    }

    fn push_str(&mut self, at: usize, more: &str) {
        let parts = &mut self.word(at).parts;
        match parts.last_mut() {
            Some(Part::Text(text)) => text.push_str(more),
            _ => parts.push(Part::Text(more.to_string())),
        }
    }

    fn finish(&mut self) {
        if let Some(word) = self.current.take() {
            self.words.push(word);
        }
    }
}

const NEVER_CLOSED: &str = "this $( is never closed with )";

impl Lexer<'_> {
    fn char_at(&self, at: usize) -> Option<char> {
        self.chars.get(at).map(|&(_, c)| c)
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.chars[from..to].iter().map(|&(_, c)| c).collect()
    }

    /// Reads the line: its words (strict), or the innermost open command's finished words and
    /// the word being typed (tolerant). Positions in the words are character indices.
    fn lex(&self) -> LexResult<(Vec<Word>, Option<Word>)> {
        let mut stack = vec![Frame::new(None)];
        let mut at = 0;
        loop {
            let nested = stack.len() > 1;
            let Some(frame) = stack.last_mut() else {
                return Ok((Vec::new(), None));
            };
            let c = self.char_at(at);
            match frame.quote {
                Some(('\'', open)) => match c {
                    None => return Err((open, "this ' is never closed".to_string())),
                    Some('\'') => {
                        at += 1;
                        frame.quote = None;
                        let word = frame.word(at);
                        if !matches!(word.parts.last(), Some(Part::Text(_))) {
                            word.parts.push(Part::Text(String::new()));
                        }
                    }
                    Some(c) => {
                        frame.push(at, c);
                        at += 1;
                    }
                },
                Some((_, open)) => match c {
                    None => return Err((open, "this \" is never closed".to_string())),
                    Some('"') => {
                        at += 1;
                        frame.quote = None;
                    }
                    Some('\\') => {
                        at += 1;
                        match self.char_at(at) {
                            Some(next @ ('"' | '\\' | '$' | '`')) => {
                                frame.push(at, next);
                                at += 1;
                            }
                            _ => frame.push(at, '\\'),
                        }
                    }
                    Some('$') => at = self.dollar(&mut stack, at)?,
                    Some(c) => {
                        frame.push(at, c);
                        at += 1;
                    }
                },
                None => match c {
                    None => {
                        if let (Some(open), false) = (frame.open, self.tolerant) {
                            return Err((open, NEVER_CLOSED.to_string()));
                        }
                        let mut innermost = stack.pop().unwrap_or_else(|| Frame::new(None));
                        if self.tolerant {
                            return Ok((innermost.words, innermost.current));
                        }
                        innermost.finish();
                        return Ok((innermost.words, None));
                    }
                    Some(c) if c.is_whitespace() => {
                        frame.finish();
                        at += 1;
                    }
                    Some(')') if nested => {
                        frame.finish();
                        at = self.close(&mut stack, at)?;
                    }
                    Some('#') if frame.current.is_none() => {
                        return match (frame.open, self.tolerant) {
                            (_, true) => Err((at, "a comment".to_string())),
                            (Some(open), false) => Err((open, NEVER_CLOSED.to_string())),
                            (None, false) => Ok((std::mem::take(&mut frame.words), None)),
                        };
                    }
                    Some('\'') => {
                        frame.word(at).quoted = true;
                        frame.quote = Some(('\'', at));
                        at += 1;
                    }
                    Some('"') => {
                        let word = frame.word(at);
                        word.quoted = true;
                        if !matches!(word.parts.last(), Some(Part::Text(_))) {
                            word.parts.push(Part::Text(String::new()));
                        }
                        frame.quote = Some(('"', at));
                        at += 1;
                    }
                    Some('\\') => {
                        frame.word(at);
                        at += 1;
                        if let Some(next) = self.char_at(at) {
                            frame.push(at, next);
                            at += 1;
                        }
                    }
                    Some('$') => {
                        frame.word(at);
                        at = self.dollar(&mut stack, at)?;
                    }
                    Some(c) => {
                        frame.push(at, c);
                        at += 1;
                    }
                },
            }
        }
    }

    /// `$NAME`, `${NAME}`, `$?` or `$(`, the `$` being at `start` in the current word of the
    /// innermost frame; returns where reading goes on. A `$(` opens a frame.
    fn dollar(&self, stack: &mut Vec<Frame>, start: usize) -> LexResult<usize> {
        let mut at = start + 1;
        let next = self.char_at(at);
        if next == Some('(') {
            stack.push(Frame::new(Some(start)));
            return Ok(at + 1);
        }
        let Some(frame) = stack.last_mut() else {
            return Ok(at);
        };
        match next {
            // Completion runs nothing: the rest is read as the text it is.
            _ if self.tolerant => frame.push(start, '$'),
            Some('?') => {
                at += 1;
                frame.word(start).parts.push(Part::Status);
            }
            Some('{') => {
                at += 1;
                let name_start = at;
                while self
                    .char_at(at)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    at += 1;
                }
                let name = self.text(name_start, at);
                let starts_well = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
                if self.char_at(at) != Some('}') || !starts_well {
                    return Err((
                        start,
                        "a ${ must hold a variable name and end with }".to_string(),
                    ));
                }
                at += 1;
                frame.word(start).parts.push(Part::Var(name));
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let name_start = at;
                while self
                    .char_at(at)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    at += 1;
                }
                let name = self.text(name_start, at);
                frame.word(start).parts.push(Part::Var(name));
            }
            _ => frame.push(start, '$'),
        }
        Ok(at)
    }

    /// The `)` at `close` ends the innermost `$(`: its command becomes part of the word it sits
    /// in (as written, when tolerant). Returns where reading goes on.
    fn close(&self, stack: &mut Vec<Frame>, close: usize) -> LexResult<usize> {
        let (Some(inner), Some(outer)) = (stack.pop(), stack.last_mut()) else {
            return Ok(close + 1);
        };
        let open = inner.open.unwrap_or_default();
        if self.tolerant {
            let from = self.chars.get(open).map_or(0, |&(byte, _)| byte);
            let to = self
                .chars
                .get(close + 1)
                .map_or(self.source.len(), |&(byte, _)| byte);
            outer.push_str(open, self.source.get(from..to).unwrap_or_default());
            return Ok(close + 1);
        }
        if inner.words.is_empty() {
            return Err((open, "$( ) has no command inside".to_string()));
        }
        let text = self.text(open + 2, close);
        outer.word(open).parts.push(Part::Command(Box::new(Command {
            words: inner.words,
            text: text.trim().to_string(),
        })));
        Ok(close + 1)
    }
}

#[cfg(test)]
mod tests;
