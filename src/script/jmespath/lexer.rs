//! jmespath.py's `Lexer` (jmespath 1.1.0, `jmespath/lexer.py`): the tokens, their start
//! positions (in characters) and the lexer's errors. A backquoted literal that is not JSON is
//! read as a JSON string, as jmespath.py still does (JEP-12's deprecated form, with only a
//! `PendingDeprecationWarning` that Python does not show): ``starts_with(@, `B`)``.

use serde_json::Value;

use super::Failure;
use crate::script::pyjson;

/// A token of the expression.
#[derive(Clone, Debug)]
pub(super) struct Token {
    /// jmespath.py's token type (`unquoted_identifier`, `lbracket`, `eof`, ...).
    pub kind: &'static str,
    /// The token's value, as a parse error shows it (`%s` of Python's value).
    pub shown: String,
    pub start: usize,
    /// An identifier's name.
    pub name: String,
    /// A number's value.
    pub number: i64,
    /// A literal's value.
    pub literal: Value,
}

impl Token {
    fn new(kind: &'static str, shown: impl Into<String>, start: usize) -> Token {
        Token {
            kind,
            shown: shown.into(),
            start,
            name: String::new(),
            number: 0,
            literal: Value::Null,
        }
    }
}

struct Lexer {
    chars: Vec<char>,
    position: usize,
    current: Option<char>,
}

impl Lexer {
    /// `_next`: the position stays on the last character at the end.
    fn next(&mut self) -> Option<char> {
        if self.position + 1 >= self.chars.len() {
            self.current = None;
        } else {
            self.position += 1;
            self.current = Some(self.chars[self.position]);
        }
        self.current
    }

    /// `_consume_until`: the text up to the delimiter, a backslash kept with what follows.
    fn consume_until(&mut self, delimiter: char) -> Result<String, Failure> {
        let start = self.position;
        let mut buffer = String::new();
        self.next();
        while self.current != Some(delimiter) {
            if self.current == Some('\\') {
                buffer.push('\\');
                self.next();
            }
            let Some(c) = self.current else {
                return Err(Failure::Lexer {
                    position: start,
                    message: format!("Unclosed {delimiter} delimiter"),
                });
            };
            buffer.push(c);
            self.next();
        }
        self.next();
        Ok(buffer)
    }

    fn number(&mut self) -> String {
        let mut buffer = String::new();
        if let Some(c) = self.current {
            buffer.push(c);
        }
        while let Some(c) = self.next().filter(char::is_ascii_digit) {
            buffer.push(c);
        }
        buffer
    }

    fn match_or_else(
        &mut self,
        expected: char,
        matched: &'static str,
        otherwise: &'static str,
    ) -> Token {
        let start = self.position;
        let current = self.current.unwrap_or_default();
        if self.next() == Some(expected) {
            self.next();
            Token::new(matched, format!("{current}{expected}"), start)
        } else {
            Token::new(otherwise, current.to_string(), start)
        }
    }
}

fn simple(c: char) -> Option<&'static str> {
    Some(match c {
        '.' => "dot",
        '*' => "star",
        ']' => "rbracket",
        ',' => "comma",
        ':' => "colon",
        '@' => "current",
        '(' => "lparen",
        ')' => "rparen",
        '{' => "lbrace",
        '}' => "rbrace",
        _ => return None,
    })
}

/// `Lexer.tokenize`, every token up to `eof`.
pub(super) fn tokenize(expression: &str) -> Result<Vec<Token>, Failure> {
    let chars: Vec<char> = expression.chars().collect();
    if chars.is_empty() {
        return Err(Failure::Empty);
    }
    let length = chars.len();
    let mut lexer = Lexer {
        current: Some(chars[0]),
        chars,
        position: 0,
    };
    let mut tokens = Vec::new();
    while let Some(c) = lexer.current {
        let start = lexer.position;
        if let Some(kind) = simple(c) {
            tokens.push(Token::new(kind, c.to_string(), start));
            lexer.next();
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut name = c.to_string();
            while let Some(c) = lexer
                .next()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            {
                name.push(c);
            }
            let mut token = Token::new("unquoted_identifier", name.clone(), start);
            token.name = name;
            tokens.push(token);
        } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
            lexer.next();
        } else if c == '[' {
            match lexer.next() {
                Some(']') => {
                    lexer.next();
                    tokens.push(Token::new("flatten", "[]", start));
                }
                Some('?') => {
                    lexer.next();
                    tokens.push(Token::new("filter", "[?", start));
                }
                _ => tokens.push(Token::new("lbracket", "[", start)),
            }
        } else if c == '\'' {
            let lexeme = lexer.consume_until('\'')?.replace("\\'", "'");
            let mut token = Token::new("literal", lexeme.clone(), start);
            token.literal = Value::String(lexeme);
            tokens.push(token);
        } else if c == '|' {
            tokens.push(lexer.match_or_else('|', "or", "pipe"));
        } else if c == '&' {
            tokens.push(lexer.match_or_else('&', "and", "expref"));
        } else if c == '`' {
            let lexeme = lexer.consume_until('`')?.replace("\\`", "`");
            let value = pyjson::loads(&lexeme)
                .or_else(|_| pyjson::loads(&format!("\"{}\"", lexeme.trim_start())))
                .map_err(|_| Failure::Lexer {
                    position: start,
                    message: format!("Bad token {lexeme}"),
                })?;
            let mut token = Token::new("literal", crate::script::pyjson::py_str(&value), start);
            token.literal = value;
            tokens.push(token);
        } else if c.is_ascii_digit() || c == '-' {
            let buffer = lexer.number();
            if buffer == "-" {
                return Err(Failure::Lexer {
                    position: start,
                    message: "Unknown token '-'".to_string(),
                });
            }
            let mut token = Token::new("number", buffer.clone(), start);
            token.number = buffer.parse().unwrap_or(if buffer.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            });
            token.shown = token.number.to_string();
            tokens.push(token);
        } else if c == '"' {
            let lexeme = format!("\"{}\"", lexer.consume_until('"')?);
            let value = pyjson::loads(&lexeme).map_err(|error| Failure::Lexer {
                position: start,
                message: error.split(':').next().unwrap_or_default().to_string(),
            })?;
            let name = value.as_str().unwrap_or_default().to_string();
            let mut token = Token::new("quoted_identifier", name.clone(), start);
            token.name = name;
            tokens.push(token);
        } else if c == '<' {
            tokens.push(lexer.match_or_else('=', "lte", "lt"));
        } else if c == '>' {
            tokens.push(lexer.match_or_else('=', "gte", "gt"));
        } else if c == '!' {
            tokens.push(lexer.match_or_else('=', "ne", "not"));
        } else if c == '=' {
            if lexer.next() == Some('=') {
                tokens.push(Token::new("eq", "==", lexer.position - 1));
                lexer.next();
            } else {
                let position = match lexer.current {
                    None => lexer.position,
                    Some(_) => lexer.position - 1,
                };
                return Err(Failure::Lexer {
                    position,
                    message: "Unknown token '='".to_string(),
                });
            }
        } else {
            return Err(Failure::Lexer {
                position: lexer.position,
                message: format!("Unknown token {c}"),
            });
        }
    }
    tokens.push(Token::new("eof", "", length));
    Ok(tokens)
}
