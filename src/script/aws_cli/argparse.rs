//! Python's `argparse` as the AWS CLI uses it, so a command line is read exactly as `aws`
//! reads it: an option may be shortened to any unique prefix (`--stream-nam`), an ambiguous
//! one is an error naming every match, a word after an unknown option is left over as the
//! CLI's "Unknown options" list shows it, the last of an option given twice wins, and the
//! errors are argparse's own words.
//!
//! Ported from CPython 3.11's `Lib/argparse.py` (`_parse_known_args`, `_parse_optional`,
//! `_get_option_tuples`, `consume_optional`, `consume_positionals`, the nargs patterns and the
//! required-arguments check), for the kinds of arguments the CLI declares: options taking one
//! value, a list (`nargs='*'`), switches, and positionals taking one word or maybe one
//! (`nargs='?'`); and awscli's `argparser.py` (`CLIArgParser._check_value`: the "Invalid
//! choice" text, in v1's and v2's wording), with `difflib.get_close_matches` for its
//! "maybe you meant".

use super::CliVersion;

/// How many words an argument takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Nargs {
    /// Exactly one (argparse's default).
    One,
    /// Any number (`nargs='*'`).
    Any,
    /// At most one (`nargs='?'`), for positionals.
    Maybe,
    /// None: a switch (`store_true` or `store_false`), storing this.
    Switch(bool),
}

/// One argument of a parser.
#[derive(Clone, Debug)]
pub(crate) struct Arg {
    /// `--stream-name`, or `None` for a positional.
    pub flag: Option<String>,
    /// Where the value goes (`stream_name`; a positional's name, `operation`).
    pub dest: String,
    pub nargs: Nargs,
    pub required: bool,
    /// The only values accepted (checked as the CLI checks them).
    pub choices: Option<Vec<String>>,
    /// Converted with Python's `int` by argparse (`type=int`).
    pub int: bool,
}

impl Arg {
    pub(crate) fn option(flag: impl Into<String>, nargs: Nargs) -> Arg {
        let flag = flag.into();
        Arg {
            dest: flag.trim_start_matches('-').replace('-', "_"),
            flag: Some(flag),
            nargs,
            required: false,
            choices: None,
            int: false,
        }
    }

    pub(crate) fn positional(name: &str, nargs: Nargs) -> Arg {
        Arg {
            flag: None,
            dest: name.to_string(),
            nargs,
            required: !matches!(nargs, Nargs::Maybe | Nargs::Any),
            choices: None,
            int: false,
        }
    }

    /// argparse's `_get_action_name`: the option, or the positional's name.
    fn name(&self) -> &str {
        self.flag.as_deref().unwrap_or(&self.dest)
    }
}

/// What an argument got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Got {
    One(String),
    Many(Vec<String>),
    Switch(bool),
    /// A `nargs='?'` positional with no word.
    Nothing,
}

/// The result of `parse_known_args`: the values by `dest` (the last given wins), and the
/// words no argument took, in argparse's order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Parsed {
    pub values: Vec<(String, Got)>,
    pub extras: Vec<String>,
}

impl Parsed {
    pub(crate) fn get(&self, dest: &str) -> Option<&Got> {
        self.values
            .iter()
            .rev()
            .find(|(d, _)| d == dest)
            .map(|(_, g)| g)
    }

    /// A one-word value.
    pub(crate) fn text(&self, dest: &str) -> Option<&str> {
        match self.get(dest) {
            Some(Got::One(text)) => Some(text),
            _ => None,
        }
    }
}

/// A parser: its arguments in the order they were added.
pub(crate) struct Parser<'a> {
    pub args: &'a [Arg],
    pub version: CliVersion,
}

/// What each word is: an option (with the argument it names, if any, and a `=value`), a
/// word, or `--`.
#[derive(Clone, Debug)]
enum Kind<'a> {
    Option(Option<&'a Arg>, Option<String>),
    Word,
    DoubleDash,
}

impl<'a> Parser<'a> {
    /// `parse_known_args`: `Err` carries argparse's message (printed after `aws: error: `).
    pub(crate) fn parse(&self, words: &[String]) -> Result<Parsed, String> {
        let mut kinds = Vec::with_capacity(words.len());
        let mut rest_are_words = false;
        for word in words {
            if rest_are_words {
                kinds.push(Kind::Word);
            } else if word == "--" {
                rest_are_words = true;
                kinds.push(Kind::DoubleDash);
            } else {
                kinds.push(match self.parse_optional(word)? {
                    Some((arg, _flag, explicit)) => Kind::Option(arg, explicit),
                    None => Kind::Word,
                });
            }
        }
        let pattern: Vec<char> = kinds
            .iter()
            .map(|k| match k {
                Kind::Option(..) => 'O',
                Kind::Word => 'A',
                Kind::DoubleDash => '-',
            })
            .collect();
        let mut parsed = Parsed::default();
        let mut seen: Vec<&str> = Vec::new();
        let mut positionals: Vec<&Arg> = self.args.iter().filter(|a| a.flag.is_none()).collect();
        let option_indices: Vec<usize> = (0..kinds.len()).filter(|&i| pattern[i] == 'O').collect();
        let mut start = 0;
        let max_option = option_indices.last().copied();
        while max_option.is_some_and(|max| start <= max) {
            let next_option = option_indices
                .iter()
                .copied()
                .find(|&i| i >= start)
                .unwrap_or(kinds.len());
            if start != next_option {
                let end = self.consume_positionals(
                    &mut positionals,
                    words,
                    &pattern,
                    start,
                    &mut parsed,
                    &mut seen,
                )?;
                if end > start {
                    start = end;
                    continue;
                }
                start = end;
            }
            if !option_indices.contains(&start) {
                parsed
                    .extras
                    .extend(words[start..next_option].iter().cloned());
                start = next_option;
            }
            let Kind::Option(arg, explicit) = &kinds[start] else {
                break;
            };
            let Some(arg) = arg else {
                parsed.extras.push(words[start].clone());
                start += 1;
                continue;
            };
            let (values, stop) = match explicit {
                Some(value) => match arg.nargs {
                    Nargs::Switch(_) => {
                        return Err(format!(
                            "argument {}: ignored explicit argument {}",
                            arg.name(),
                            py_repr(value)
                        ))
                    }
                    _ => (vec![value.clone()], start + 1),
                },
                None => {
                    let count = match_count(arg, &pattern[start + 1..])?;
                    (
                        words[start + 1..start + 1 + count].to_vec(),
                        start + 1 + count,
                    )
                }
            };
            self.take(arg, values, &mut parsed, &mut seen)?;
            start = stop;
        }
        let stop = self.consume_positionals(
            &mut positionals,
            words,
            &pattern,
            start,
            &mut parsed,
            &mut seen,
        )?;
        parsed.extras.extend(words[stop..].iter().cloned());
        let missing: Vec<&str> = self
            .args
            .iter()
            .filter(|a| a.required && !seen.contains(&a.dest.as_str()))
            .map(Arg::name)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the following arguments are required: {}",
                missing.join(", ")
            ));
        }
        Ok(parsed)
    }

    /// argparse's `_parse_optional`: what a word starting with `-` is.
    #[allow(clippy::type_complexity)]
    fn parse_optional(
        &self,
        word: &str,
    ) -> Result<Option<(Option<&'a Arg>, String, Option<String>)>, String> {
        if !word.starts_with('-') {
            return Ok(None);
        }
        let exact = |flag: &str| self.args.iter().find(|a| a.flag.as_deref() == Some(flag));
        if let Some(arg) = exact(word) {
            return Ok(Some((Some(arg), word.to_string(), None)));
        }
        if word.chars().count() == 1 {
            return Ok(None);
        }
        if let Some((flag, value)) = word.split_once('=') {
            if let Some(arg) = exact(flag) {
                return Ok(Some((Some(arg), flag.to_string(), Some(value.to_string()))));
            }
        }
        let matches = self.option_tuples(word);
        match matches.len() {
            0 => {}
            1 => return Ok(matches.into_iter().next().map(|(a, f, e)| (Some(a), f, e))),
            _ => {
                let names: Vec<&str> = matches.iter().map(|(_, f, _)| f.as_str()).collect();
                return Err(format!(
                    "ambiguous option: {word} could match {}",
                    names.join(", ")
                ));
            }
        }
        if is_negative_number(word) || word.contains(' ') {
            return Ok(None);
        }
        Ok(Some((None, word.to_string(), None)))
    }

    /// argparse's `_get_option_tuples` for `--` options: every option the word (up to a `=`)
    /// is a prefix of. (The CLI has no single-dash options.)
    fn option_tuples(&self, word: &str) -> Vec<(&'a Arg, String, Option<String>)> {
        if !word.starts_with("--") {
            return Vec::new();
        }
        let (prefix, explicit) = match word.split_once('=') {
            Some((prefix, value)) => (prefix, Some(value.to_string())),
            None => (word, None),
        };
        self.args
            .iter()
            .filter_map(|a| a.flag.as_deref().map(|f| (a, f)))
            .filter(|(_, flag)| flag.starts_with(prefix))
            .map(|(a, flag)| (a, flag.to_string(), explicit.clone()))
            .collect()
    }

    /// `consume_positionals`: as many positionals as match the words from `start`.
    fn consume_positionals(
        &self,
        positionals: &mut Vec<&'a Arg>,
        words: &[String],
        pattern: &[char],
        mut start: usize,
        parsed: &mut Parsed,
        seen: &mut Vec<&'a str>,
    ) -> Result<usize, String> {
        let mut taken = 0;
        for arg in positionals.iter() {
            // A positional takes the words (and `--`s) before the next option that its nargs
            // allow; `--` itself is dropped from the values.
            let available: Vec<usize> = (start..pattern.len())
                .take_while(|&i| pattern[i] != 'O')
                .collect();
            let word_positions: Vec<usize> = available
                .iter()
                .copied()
                .filter(|&i| pattern[i] == 'A')
                .collect();
            let want = match arg.nargs {
                Nargs::One => 1,
                Nargs::Maybe => 1.min(word_positions.len()),
                Nargs::Any => word_positions.len(),
                Nargs::Switch(_) => 0,
            };
            if word_positions.len() < want {
                break;
            }
            let end = if want == 0 {
                // Leading `--`s are consumed with nothing.
                available
                    .iter()
                    .copied()
                    .take_while(|&i| pattern[i] == '-')
                    .last()
                    .map_or(start, |i| i + 1)
            } else {
                word_positions[want - 1] + 1
            };
            let values: Vec<String> = (start..end)
                .filter(|&i| pattern[i] == 'A')
                .map(|i| words[i].clone())
                .collect();
            start = end;
            taken += 1;
            self.take(arg, values, parsed, seen)?;
        }
        positionals.drain(..taken);
        Ok(start)
    }

    /// `take_action`: converts and checks the values and stores them.
    fn take(
        &self,
        arg: &'a Arg,
        values: Vec<String>,
        parsed: &mut Parsed,
        seen: &mut Vec<&'a str>,
    ) -> Result<(), String> {
        seen.push(&arg.dest);
        let got = match arg.nargs {
            Nargs::Switch(stored) => Got::Switch(stored),
            Nargs::Any => Got::Many(values),
            Nargs::One | Nargs::Maybe => match values.into_iter().next() {
                Some(value) => {
                    if arg.int && python_int(&value).is_none() {
                        return Err(format!(
                            "argument {}: invalid int value: {}",
                            arg.name(),
                            py_repr(&value)
                        ));
                    }
                    if let Some(choices) = &arg.choices {
                        if !choices.contains(&value) {
                            return Err(format!(
                                "argument {}: {}",
                                arg.name(),
                                invalid_choice(&value, choices, self.version)
                            ));
                        }
                    }
                    Got::One(value)
                }
                None => Got::Nothing,
            },
        };
        parsed.values.push((arg.dest.clone(), got));
        Ok(())
    }
}

/// How many words an option takes from what follows it (`_match_argument`), or argparse's
/// "expected one argument".
fn match_count(arg: &Arg, after: &[char]) -> Result<usize, String> {
    let words = after.iter().take_while(|&&c| c == 'A').count();
    match arg.nargs {
        Nargs::One if words >= 1 => Ok(1),
        Nargs::One => Err(format!("argument {}: expected one argument", arg.name())),
        Nargs::Any => Ok(words),
        Nargs::Maybe => Ok(words.min(1)),
        Nargs::Switch(_) => Ok(0),
    }
}

/// argparse's `_negative_number_matcher`: `^-\d+$|^-\d*\.\d+$`.
fn is_negative_number(word: &str) -> bool {
    let Some(rest) = word.strip_prefix('-') else {
        return false;
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    match rest.split_once('.') {
        None => !rest.is_empty() && digits(rest),
        Some((whole, fraction)) => digits(whole) && !fraction.is_empty() && digits(fraction),
    }
}

/// The "Invalid choice" text of awscli's `CLIArgParser._check_value`: v1 lists every choice,
/// two to a line padded to 40, then the close ones; v2 names the word and the close ones.
pub(crate) fn invalid_choice(value: &str, choices: &[String], version: CliVersion) -> String {
    let close = close_matches(value, choices, 3, 0.8);
    let mut parts: Vec<String> = Vec::new();
    match version {
        CliVersion::V1 => {
            parts.push("Invalid choice, valid choices are:\n".to_string());
            for pair in choices.chunks(2) {
                let cells: Vec<String> = pair.iter().map(|c| format!("{c:<40}")).collect();
                parts.push(cells.join(" | "));
            }
            if !close.is_empty() {
                parts.push(format!(
                    "\n\nInvalid choice: {}, maybe you meant:\n",
                    py_repr(value)
                ));
                parts.extend(close.iter().map(|c| format!("  * {c}")));
            }
        }
        CliVersion::V2 => {
            parts.push(format!("Found invalid choice '{value}'\n"));
            if !close.is_empty() {
                parts.push("Maybe you meant:\n".to_string());
                parts.extend(close.iter().map(|c| format!("  * {c}")));
            }
        }
    }
    parts.join("\n")
}

/// Python's `int(text)` for a string: surrounding whitespace, a sign, digits with single
/// underscores between them.
pub(crate) fn python_int(text: &str) -> Option<i128> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let value: i128 = digits.replace('_', "").parse().ok()?;
    Some(if negative { -value } else { value })
}

/// Python's `repr` of a string: single quotes unless it holds a single quote and no double.
pub(crate) fn py_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `difflib.get_close_matches(word, possibilities, n, cutoff)`: the best `n` whose
/// `SequenceMatcher` ratio reaches `cutoff`, best first (ties: the later string first, as
/// `heapq.nlargest` orders the (score, string) pairs).
pub(crate) fn close_matches(
    word: &str,
    possibilities: &[String],
    n: usize,
    cutoff: f64,
) -> Vec<String> {
    let b: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &String)> = possibilities
        .iter()
        .filter_map(|x| {
            let a: Vec<char> = x.chars().collect();
            let total = a.len() + b.len();
            let score = if total == 0 {
                1.0
            } else {
                2.0 * matching_characters(&a, &b) as f64 / total as f64
            };
            (score >= cutoff).then_some((score, x))
        })
        .collect();
    crate::sort::sort_by(&mut scored, |p, q| {
        q.0.total_cmp(&p.0).then_with(|| q.1.cmp(p.1))
    });
    scored.into_iter().take(n).map(|(_, x)| x.clone()).collect()
}

/// The characters of `SequenceMatcher(None, a, b).get_matching_blocks()` (no junk: the words
/// here are far shorter than the 200 where `autojunk` starts).
fn matching_characters(a: &[char], b: &[char]) -> usize {
    let mut total = 0;
    let mut queue = vec![(0, a.len(), 0, b.len())];
    while let Some((alo, ahi, blo, bhi)) = queue.pop() {
        let (i, j, k) = longest_match(a, b, alo, ahi, blo, bhi);
        if k > 0 {
            total += k;
            if alo < i && blo < j {
                queue.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                queue.push((i + k, ahi, j + k, bhi));
            }
        }
    }
    total
}

/// `find_longest_match`: the longest common block, earliest in `a`, then earliest in `b`.
fn longest_match(
    a: &[char],
    b: &[char],
    alo: usize,
    ahi: usize,
    blo: usize,
    bhi: usize,
) -> (usize, usize, usize) {
    let (mut best_i, mut best_j, mut best) = (alo, blo, 0);
    let mut lengths = vec![0usize; bhi.saturating_sub(blo) + 1];
    for (i, &ca) in a.iter().enumerate().take(ahi).skip(alo) {
        let mut next = vec![0usize; lengths.len()];
        for (j, &cb) in b.iter().enumerate().take(bhi).skip(blo) {
            if ca == cb {
                let k = if j > blo { lengths[j - blo - 1] } else { 0 } + 1;
                next[j - blo] = k;
                if k > best {
                    best_i = i + 1 - k;
                    best_j = j + 1 - k;
                    best = k;
                }
            }
        }
        lengths = next;
    }
    (best_i, best_j, best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser_args() -> Vec<Arg> {
        vec![
            Arg::option("--stream-name", Nargs::One),
            Arg::option("--stream-arn", Nargs::One),
            Arg::option("--stream-id", Nargs::One),
            Arg::option("--records", Nargs::Any),
            Arg::option("--enforce", Nargs::Switch(true)),
            Arg::positional("help", Nargs::Maybe),
        ]
    }

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(String::from).collect()
    }

    #[test]
    fn prefixes_extras_and_ambiguity_as_argparse() {
        let args = parser_args();
        let parser = Parser {
            args: &args,
            version: CliVersion::V1,
        };
        let parsed = parser.parse(&words("--stream-nam Foo")).unwrap();
        assert_eq!(parsed.text("stream_name"), Some("Foo"));
        // `--bogus 1`: the unknown option is an extra, its word goes to the positional.
        let parsed = parser.parse(&words("--stream-name Foo --bogus 1")).unwrap();
        assert_eq!(parsed.extras, ["--bogus"]);
        assert_eq!(parsed.get("help"), Some(&Got::One("1".into())));
        assert_eq!(
            parser.parse(&words("--stream Foo")).unwrap_err(),
            "ambiguous option: --stream could match --stream-name, --stream-arn, --stream-id"
        );
        assert_eq!(
            parser.parse(&words("--stream-name")).unwrap_err(),
            "argument --stream-name: expected one argument"
        );
        let parsed = parser
            .parse(&words("--records a b --stream-name=x -5"))
            .unwrap();
        assert_eq!(
            parsed.get("records"),
            Some(&Got::Many(vec!["a".into(), "b".into()]))
        );
        assert_eq!(parsed.text("stream_name"), Some("x"));
        assert_eq!(parsed.get("help"), Some(&Got::One("-5".into())));
    }

    #[test]
    fn python_builtins() {
        assert_eq!(python_int(" 1_000 "), Some(1000));
        assert_eq!(python_int("abc"), None);
        assert_eq!(python_int("1.5"), None);
        assert_eq!(py_repr("abc"), "'abc'");
        assert_eq!(py_repr("it's"), "\"it's\"");
        let choices: Vec<String> = ["stream-exists", "stream-not-exists"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            close_matches("stream-exist", &choices, 3, 0.8),
            ["stream-exists", "stream-not-exists"]
        );
    }
}
