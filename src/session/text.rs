//! Numbers and lists in words, as the page writes them: `1,234,567`, `1 record`,
//! `a, b and c`.
//!
//! Shared by the event history's sentences (`history/sentences.rs`) and the page's number
//! formatting (`ui/format.rs`), so a count reads the same in every panel. Kept apart from both
//! because it is about English, not about Kinesis: the one place to look when a number or a
//! list reads oddly.

/// `a`, `a and b`, `a, b and c`.
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// `1 record`, `1,200 records`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", int(n), if n == 1 { one } else { many })
}

/// `1234567` as `1,234,567`.
pub fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1_000), "1,000");
        assert_eq!(int(1_350), "1,350");
        assert_eq!(int(123_456), "123,456");
        assert_eq!(int(1_234_567), "1,234,567");
        assert_eq!(int(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn counts_take_the_singular_only_for_one() {
        assert_eq!(plural(0, "record", "records"), "0 records");
        assert_eq!(plural(1, "lease", "leases"), "1 lease");
        assert_eq!(plural(1_200, "record", "records"), "1,200 records");
    }

    #[test]
    fn lists_join_with_commas_and_a_final_and() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
