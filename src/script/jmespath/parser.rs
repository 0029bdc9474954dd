//! jmespath.py's Pratt parser (jmespath 1.1.0, `jmespath/parser.py`): the same binding
//! powers, the same tree (a subexpression or index expression grows its children, a slice
//! projects), and the same errors at the same tokens.

use serde_json::Value;

use super::lexer::{tokenize, Token};
use super::Failure;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Comparator {
    Eq,
    Ne,
    Lt,
    Gt,
    Lte,
    Gte,
}

/// A node of jmespath.py's tree (`jmespath/ast.py`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    Identity,
    Current,
    Field(String),
    Subexpression(Vec<Node>),
    IndexExpression(Vec<Node>),
    Index(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Literal(Value),
    Comparator(Comparator, Box<Node>, Box<Node>),
    Expref(Box<Node>),
    Function(String, Vec<Node>),
    /// Left, right, condition.
    FilterProjection(Box<Node>, Box<Node>, Box<Node>),
    Flatten(Box<Node>),
    Projection(Box<Node>, Box<Node>),
    ValueProjection(Box<Node>, Box<Node>),
    MultiSelectDict(Vec<(String, Node)>),
    MultiSelectList(Vec<Node>),
    Or(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Pipe(Box<Node>, Box<Node>),
}

/// `Parser.BINDING_POWER`.
fn binding_power(kind: &str) -> u8 {
    match kind {
        "pipe" => 1,
        "or" => 2,
        "and" => 3,
        "eq" | "gt" | "lt" | "gte" | "lte" | "ne" => 5,
        "flatten" => 9,
        "star" => 20,
        "filter" => 21,
        "dot" => 40,
        "not" => 45,
        "lbrace" => 50,
        "lbracket" => 55,
        "lparen" => 60,
        _ => 0,
    }
}

const PROJECTION_STOP: u8 = 10;

/// Parses an expression as `jmespath.compile` does.
pub(super) fn parse(expression: &str) -> Result<Node, Failure> {
    let tokens = tokenize(expression)?;
    let mut parser = Parser { tokens, index: 0 };
    let node = parser.expression(0)?;
    if parser.current() != "eof" {
        let t = parser.token(0);
        return Err(parse_error(&t, format!("Unexpected token: {}", t.shown)));
    }
    Ok(node)
}

fn parse_error(token: &Token, reason: impl Into<String>) -> Failure {
    Failure::Parse {
        position: token.start,
        value: token.shown.clone(),
        kind: token.kind.to_uppercase(),
        reason: reason.into(),
    }
}

/// A Python list of token types, as `%s` shows it.
fn list(kinds: &[&str]) -> String {
    let quoted: Vec<String> = kinds.iter().map(|k| format!("'{k}'")).collect();
    format!("[{}]", quoted.join(", "))
}

struct Parser {
    tokens: Vec<Token>,
    index: usize,
}

impl Parser {
    /// `_lookahead_token`, with Python's negative indexing.
    fn token(&self, offset: isize) -> Token {
        let len = self.tokens.len() as isize;
        let at = (self.index as isize + offset).rem_euclid(len.max(1));
        self.tokens[(at as usize).min(self.tokens.len() - 1)].clone()
    }

    fn current(&self) -> &'static str {
        self.tokens.get(self.index).map_or("eof", |t| t.kind)
    }

    fn lookahead(&self, offset: usize) -> &'static str {
        self.tokens
            .get(self.index + offset)
            .map_or("eof", |t| t.kind)
    }

    fn advance(&mut self) {
        self.index += 1;
    }

    fn expression(&mut self, power: u8) -> Result<Node, Failure> {
        let left_token = self.token(0);
        self.advance();
        let mut left = self.nud(&left_token)?;
        let mut current = self.current();
        while power < binding_power(current) {
            self.advance();
            left = match current {
                "dot" => self.led_dot(left)?,
                "pipe" => Node::Pipe(Box::new(left), Box::new(self.expression(1)?)),
                "or" => Node::Or(Box::new(left), Box::new(self.expression(2)?)),
                "and" => Node::And(Box::new(left), Box::new(self.expression(3)?)),
                "lparen" => self.led_lparen(left)?,
                "filter" => self.led_filter(left)?,
                "eq" | "ne" | "gt" | "gte" | "lt" | "lte" => {
                    let comparator = match current {
                        "eq" => Comparator::Eq,
                        "ne" => Comparator::Ne,
                        "gt" => Comparator::Gt,
                        "gte" => Comparator::Gte,
                        "lt" => Comparator::Lt,
                        _ => Comparator::Lte,
                    };
                    let right = self.expression(5)?;
                    Node::Comparator(comparator, Box::new(left), Box::new(right))
                }
                "flatten" => {
                    let right = self.projection_rhs(binding_power("flatten"))?;
                    Node::Projection(Box::new(Node::Flatten(Box::new(left))), Box::new(right))
                }
                "lbracket" => self.led_lbracket(left)?,
                _ => {
                    // No `led` for this token (`_error_led_token`).
                    self.index -= 1;
                    let t = self.token(0);
                    return Err(parse_error(&t, "invalid token"));
                }
            };
            current = self.current();
        }
        Ok(left)
    }

    fn nud(&mut self, token: &Token) -> Result<Node, Failure> {
        Ok(match token.kind {
            "literal" => Node::Literal(token.literal.clone()),
            "unquoted_identifier" => Node::Field(token.name.clone()),
            "quoted_identifier" => {
                if self.current() == "lparen" {
                    let t = self.token(0);
                    return Err(Failure::Parse {
                        position: 0,
                        value: t.shown.clone(),
                        kind: t.kind.to_uppercase(),
                        reason: "Quoted identifier not allowed for function names.".to_string(),
                    });
                }
                Node::Field(token.name.clone())
            }
            "star" => {
                let right = if self.current() == "rbracket" {
                    Node::Identity
                } else {
                    self.projection_rhs(binding_power("star"))?
                };
                Node::ValueProjection(Box::new(Node::Identity), Box::new(right))
            }
            "filter" => self.led_filter(Node::Identity)?,
            "lbrace" => self.multi_select_hash()?,
            "lparen" => {
                let expression = self.expression(0)?;
                self.expect("rparen")?;
                expression
            }
            "flatten" => {
                let right = self.projection_rhs(binding_power("flatten"))?;
                Node::Projection(
                    Box::new(Node::Flatten(Box::new(Node::Identity))),
                    Box::new(right),
                )
            }
            "not" => Node::Not(Box::new(self.expression(binding_power("not"))?)),
            "lbracket" => {
                if matches!(self.current(), "number" | "colon") {
                    let right = self.index_expression()?;
                    self.project_if_slice(Node::Identity, right)?
                } else if self.current() == "star" && self.lookahead(1) == "rbracket" {
                    self.advance();
                    self.advance();
                    let right = self.projection_rhs(binding_power("star"))?;
                    Node::Projection(Box::new(Node::Identity), Box::new(right))
                } else {
                    self.multi_select_list()?
                }
            }
            "current" => Node::Current,
            "expref" => Node::Expref(Box::new(self.expression(0)?)),
            "eof" => return Err(Failure::Incomplete),
            _ => return Err(parse_error(token, "invalid token")),
        })
    }

    fn index_expression(&mut self) -> Result<Node, Failure> {
        if self.lookahead(0) == "colon" || self.lookahead(1) == "colon" {
            return self.slice_expression();
        }
        let node = Node::Index(self.token(0).number);
        self.advance();
        self.expect("rbracket")?;
        Ok(node)
    }

    fn slice_expression(&mut self) -> Result<Node, Failure> {
        let mut parts = [None, None, None];
        let mut index = 0;
        let mut current = self.current();
        while current != "rbracket" && index < 3 {
            if current == "colon" {
                index += 1;
                if index == 3 {
                    return Err(parse_error(&self.token(0), "syntax error"));
                }
                self.advance();
            } else if current == "number" {
                parts[index] = Some(self.token(0).number);
                self.advance();
            } else {
                return Err(parse_error(&self.token(0), "syntax error"));
            }
            current = self.current();
        }
        self.expect("rbracket")?;
        Ok(Node::Slice(parts[0], parts[1], parts[2]))
    }

    fn led_dot(&mut self, left: Node) -> Result<Node, Failure> {
        if self.current() != "star" {
            let right = self.dot_rhs(binding_power("dot"))?;
            return Ok(match left {
                Node::Subexpression(mut children) => {
                    children.push(right);
                    Node::Subexpression(children)
                }
                other => Node::Subexpression(vec![other, right]),
            });
        }
        self.advance();
        let right = self.projection_rhs(binding_power("dot"))?;
        Ok(Node::ValueProjection(Box::new(left), Box::new(right)))
    }

    fn led_lparen(&mut self, left: Node) -> Result<Node, Failure> {
        let Node::Field(name) = left else {
            let t = self.token(-2);
            return Err(parse_error(
                &t,
                format!("Invalid function name '{}'", t.shown),
            ));
        };
        let mut args = Vec::new();
        while self.current() != "rparen" {
            let expression = self.expression(0)?;
            if self.current() == "comma" {
                self.expect("comma")?;
            }
            args.push(expression);
        }
        self.expect("rparen")?;
        Ok(Node::Function(name, args))
    }

    fn led_filter(&mut self, left: Node) -> Result<Node, Failure> {
        let condition = self.expression(0)?;
        self.expect("rbracket")?;
        let right = if self.current() == "flatten" {
            Node::Identity
        } else {
            self.projection_rhs(binding_power("filter"))?
        };
        Ok(Node::FilterProjection(
            Box::new(left),
            Box::new(right),
            Box::new(condition),
        ))
    }

    fn led_lbracket(&mut self, left: Node) -> Result<Node, Failure> {
        if matches!(self.current(), "number" | "colon") {
            let right = self.index_expression()?;
            return match left {
                Node::IndexExpression(mut children) => {
                    children.push(right);
                    Ok(Node::IndexExpression(children))
                }
                other => self.project_if_slice(other, right),
            };
        }
        self.expect("star")?;
        self.expect("rbracket")?;
        let right = self.projection_rhs(binding_power("star"))?;
        Ok(Node::Projection(Box::new(left), Box::new(right)))
    }

    fn project_if_slice(&mut self, left: Node, right: Node) -> Result<Node, Failure> {
        let is_slice = matches!(right, Node::Slice(..));
        let index = Node::IndexExpression(vec![left, right]);
        if is_slice {
            let rhs = self.projection_rhs(binding_power("star"))?;
            Ok(Node::Projection(Box::new(index), Box::new(rhs)))
        } else {
            Ok(index)
        }
    }

    fn multi_select_list(&mut self) -> Result<Node, Failure> {
        let mut expressions = Vec::new();
        loop {
            expressions.push(self.expression(0)?);
            if self.current() == "rbracket" {
                break;
            }
            self.expect("comma")?;
        }
        self.expect("rbracket")?;
        Ok(Node::MultiSelectList(expressions))
    }

    fn multi_select_hash(&mut self) -> Result<Node, Failure> {
        let mut pairs = Vec::new();
        loop {
            let key = self.token(0);
            if !matches!(self.current(), "quoted_identifier" | "unquoted_identifier") {
                return Err(self.maybe_eof(&list(&["quoted_identifier", "unquoted_identifier"])));
            }
            self.advance();
            self.expect("colon")?;
            let value = self.expression(0)?;
            pairs.push((key.name.clone(), value));
            match self.current() {
                "comma" => self.expect("comma")?,
                "rbrace" => {
                    self.expect("rbrace")?;
                    break;
                }
                _ => {}
            }
        }
        Ok(Node::MultiSelectDict(pairs))
    }

    fn projection_rhs(&mut self, power: u8) -> Result<Node, Failure> {
        let current = self.current();
        if binding_power(current) < PROJECTION_STOP {
            Ok(Node::Identity)
        } else if matches!(current, "lbracket" | "filter") {
            self.expression(power)
        } else if current == "dot" {
            self.expect("dot")?;
            self.dot_rhs(power)
        } else {
            Err(parse_error(&self.token(0), "syntax error"))
        }
    }

    fn dot_rhs(&mut self, power: u8) -> Result<Node, Failure> {
        match self.current() {
            "quoted_identifier" | "unquoted_identifier" | "star" => self.expression(power),
            "lbracket" => {
                self.expect("lbracket")?;
                self.multi_select_list()
            }
            "lbrace" => {
                self.expect("lbrace")?;
                self.multi_select_hash()
            }
            _ => {
                let t = self.token(0);
                let allowed = list(&[
                    "quoted_identifier",
                    "unquoted_identifier",
                    "lbracket",
                    "lbrace",
                ]);
                Err(parse_error(
                    &t,
                    format!("Expecting: {allowed}, got: {}", t.kind),
                ))
            }
        }
    }

    /// `_match`.
    fn expect(&mut self, kind: &str) -> Result<(), Failure> {
        if self.current() == kind {
            self.advance();
            Ok(())
        } else {
            Err(self.maybe_eof(kind))
        }
    }

    /// `_raise_parse_error_maybe_eof`.
    fn maybe_eof(&self, expected: &str) -> Failure {
        let t = self.token(0);
        if t.kind == "eof" {
            return Failure::Incomplete;
        }
        parse_error(&t, format!("Expecting: {expected}, got: {}", t.kind))
    }
}
