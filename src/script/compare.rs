//! The comparisons of `expect` and `wait until VALUE OP VALUE`.
//!
//! In a file of its own because both the runner (`expect`) and `wait until` use it, and
//! neither should have to import the other.

use super::grammar::comparison::{AT_LEAST, AT_MOST, CONTAINS, EQUAL, GREATER, LESS, NOT_EQUAL};
use super::grammar::OPERATORS;
use super::suggest::did_you_mean;

/// Compares as numbers when both sides are numbers, as text when neither is. A number and
/// something else (`null` from a query that found nothing, say) are not ordered: `<`, `<=`,
/// `>`, `>=` and `==` do not hold, `!=` does. (Compared as text, `'null' > '0'` would hold.)
pub(crate) fn compare(left: &str, op: &str, right: &str) -> Result<bool, String> {
    let number = |side: &str| side.trim().parse::<f64>().ok();
    let ordering = match (number(left), number(right)) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        (None, None) => Some(left.cmp(right)),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::compare;

    #[test]
    fn a_missing_value_is_not_greater_than_a_number() {
        // A query that finds nothing prints `null`; compared as text it would beat '0'.
        assert_eq!(compare("null", ">", "0"), Ok(false));
        assert_eq!(compare("null", ">=", "0"), Ok(false));
        assert_eq!(compare("0", "<", "null"), Ok(false));
        assert_eq!(compare("null", "==", "0"), Ok(false));
        assert_eq!(compare("null", "!=", "0"), Ok(true));
    }

    #[test]
    fn numbers_compare_as_numbers_and_words_as_text() {
        assert_eq!(compare("10", ">", "9"), Ok(true));
        assert_eq!(compare("1e3", "==", "1000"), Ok(true));
        assert_eq!(
            compare("shardId-000000000002", ">", "shardId-000000000001"),
            Ok(true)
        );
        assert_eq!(compare("ACTIVE", "==", "ACTIVE"), Ok(true));
    }
}
