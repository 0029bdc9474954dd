//! The comparisons of `expect` and `wait until VALUE OP VALUE`.
//!
//! In a file of its own because both the runner (`expect`) and `wait until` use it, and
//! neither should have to import the other.

use super::grammar::comparison::{AT_LEAST, AT_MOST, CONTAINS, EQUAL, GREATER, LESS, NOT_EQUAL};
use super::grammar::OPERATORS;
use super::suggest::did_you_mean;

/// Compares as numbers when both sides are numbers, as text otherwise.
pub(crate) fn compare(left: &str, op: &str, right: &str) -> Result<bool, String> {
    let numbers = left
        .trim()
        .parse::<f64>()
        .ok()
        .zip(right.trim().parse::<f64>().ok());
    let ordering = match numbers {
        Some((a, b)) => a.partial_cmp(&b),
        None => Some(left.cmp(right)),
    };
    use std::cmp::Ordering::*;
    Ok(match op {
        EQUAL => ordering == Some(Equal),
        NOT_EQUAL => ordering != Some(Equal),
        LESS => ordering == Some(Less),
        AT_MOST => matches!(ordering, Some(Less | Equal)),
        GREATER => ordering == Some(Greater),
        AT_LEAST => matches!(ordering, Some(Greater | Equal)),
        CONTAINS => left.contains(right),
        other => {
            let hint = did_you_mean(other, OPERATORS.iter().copied())
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default();
            return Err(format!("'{other}' is not a comparison{hint}"));
        }
    })
}
