//! JMESPath as the AWS CLI runs it: a port of jmespath.py 1.1.0, the library aws-cli 1.46.3
//! uses for `--query`.
//!
//! Why a port and not the `jmespath` crate: the crate keeps objects in a `BTreeMap`, so a
//! query that returns an object printed its keys sorted (`HashKeyRange` with EndingHashKey
//! first), and `keys()`, `values()` and `*` came out in sorted order; jmespath.py keeps the
//! order the response has (botocore's, the model's) and the order a `{a: x, b: y}` names.
//! jmespath.py also still reads a backquoted literal that is not JSON as a string
//! (``starts_with(@, `B`)``), and its error texts are what the CLI prints after
//! "Bad value for --query". Values are `serde_json::Value` (whose maps keep their order),
//! read with Python's semantics: `1 == 1.0`, `0` and `1` never equal to a boolean, only
//! numbers and strings ordered, Python's truthiness for `||`, `&&` and filters.
//!
//! - `lexer.rs`: tokens (`jmespath/lexer.py`);
//! - `parser.rs`: the Pratt parser and its tree (`jmespath/parser.py`, `jmespath/ast.py`);
//! - `interpret.rs`: the tree walker and Python's comparisons (`jmespath/visitor.py`);
//! - `functions.rs`: the built-in functions (`jmespath/functions.py`).

mod functions;
mod interpret;
mod lexer;
mod parser;

use serde_json::Value;

pub(crate) use parser::Node;

/// Why an expression does not compile (`jmespath/exceptions.py`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// `EmptyExpressionError`.
    Empty,
    /// `LexerError`.
    Lexer { position: usize, message: String },
    /// `IncompleteExpressionError`.
    Incomplete,
    /// `ParseError`.
    Parse {
        position: usize,
        value: String,
        kind: String,
        reason: String,
    },
}

impl Failure {
    /// The exception's `str()` for the expression.
    fn text(&self, expression: &str) -> String {
        match self {
            Failure::Empty => "Invalid JMESPath expression: cannot be empty.".to_string(),
            Failure::Lexer { position, message } => format!(
                "Bad jmespath expression: {message}:\n{expression}\n{}^",
                " ".repeat(*position)
            ),
            Failure::Incomplete => format!(
                "Invalid jmespath expression: Incomplete expression:\n\"{expression}\"\n{}^",
                " ".repeat(expression.chars().count() + 1)
            ),
            Failure::Parse {
                position,
                value,
                kind,
                reason,
            } => format!(
                "{reason}: Parse error at column {position}, token \"{value}\" ({kind}), for expression:\n\"{expression}\"\n{}^",
                " ".repeat(position + 1)
            ),
        }
    }
}

/// `jmespath.compile(expression)`, or the error's text.
pub(crate) fn compile(expression: &str) -> Result<Node, String> {
    parser::parse(expression).map_err(|failure| failure.text(expression))
}

/// `ParsedResult.search(value)`, or the text of the error Python raises while searching (an
/// unknown function, a wrong argument).
pub(crate) fn search(node: &Node, value: &Value) -> Result<Value, String> {
    interpret::visit(node, value)
}

#[cfg(test)]
mod tests;
