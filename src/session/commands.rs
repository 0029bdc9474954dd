//! The command lines behind the page's buttons.
//!
//! Every click in the page is a line of the scenario language, run through the console, so a
//! learner sees (and can copy) the `aws kinesis` command each button stands for, a script can
//! do whatever the page does, and tests can drive the page through the same lines.

use crate::engine::hash_key_of;

/// A word quoted for the scenario language when it needs it (single quotes, as in a shell).
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/=@+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The hash key that splits `[starting, ending]` into two halves as even as the integers
/// allow: the first child gets `[starting, mid - 1]`, the second `[mid, ending]`.
pub fn midpoint(starting: u128, ending: u128) -> u128 {
    starting + (ending - starting) / 2 + 1
}

/// What a learner typed as the place to split: a decimal hash key, or else a partition key
/// (split where that key hashes, so it becomes the first key of the second child).
pub fn split_point(text: &str) -> u128 {
    let text = text.trim();
    text.parse::<u128>().unwrap_or_else(|_| hash_key_of(text))
}

pub fn split_shard(stream: &str, shard: &str, new_starting_hash_key: u128) -> String {
    format!(
        "aws kinesis split-shard --stream-name {} --shard-to-split {} --new-starting-hash-key {new_starting_hash_key}",
        quote(stream),
        quote(shard)
    )
}

pub fn merge_shards(stream: &str, shard: &str, adjacent: &str) -> String {
    format!(
        "aws kinesis merge-shards --stream-name {} --shard-to-merge {} --adjacent-shard-to-merge {}",
        quote(stream),
        quote(shard),
        quote(adjacent)
    )
}

pub fn update_shard_count(stream: &str, target: u32) -> String {
    format!(
        "aws kinesis update-shard-count --stream-name {} --target-shard-count {target} --scaling-type UNIFORM_SCALING",
        quote(stream)
    )
}

/// A producer's rate and key distribution (`uniform:N`, `random`, `zipf:S:N`,
/// `hot:KEY:FRACTION[:N]`).
pub fn producer_set(name: &str, rate: f64, keys: &str) -> String {
    format!(
        "producer set {} --rate {} --keys {}",
        quote(name),
        rate,
        quote(keys)
    )
}

pub fn producer_pause(name: &str, paused: bool) -> String {
    let verb = if paused { "stop" } else { "resume" };
    format!("producer {verb} {}", quote(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{HashKeyRange, MAX_HASH_KEY};
    use crate::script::parse::{parse_line, Action};

    #[test]
    fn the_midpoint_of_an_even_quarter_splits_it_in_two_equal_halves() {
        let quarter = HashKeyRange::even_split(4)[1];
        let mid = midpoint(quarter.starting_hash_key, quarter.ending_hash_key);
        assert_eq!(
            mid - quarter.starting_hash_key,
            quarter.ending_hash_key + 1 - mid
        );
        assert_eq!(midpoint(0, MAX_HASH_KEY), 1 << 127);
    }

    #[test]
    fn a_split_point_is_a_hash_key_or_a_partition_key() {
        assert_eq!(split_point(" 42 "), 42);
        assert_eq!(split_point("user-42"), hash_key_of("user-42"));
    }

    #[test]
    fn odd_names_are_quoted_so_the_line_parses_back() {
        let line = producer_set("it's mine", 12.5, "hot:a b:0.9");
        assert_eq!(
            line,
            r"producer set 'it'\''s mine' --rate 12.5 --keys 'hot:a b:0.9'"
        );
        let Some(Action::Run(command)) = parse_line(&line).unwrap().map(|s| s.action) else {
            panic!("not a command");
        };
        let words: Vec<String> = command.words.iter().filter_map(|w| w.literal()).collect();
        assert_eq!(words[2], "it's mine");
        assert_eq!(words[6], "hot:a b:0.9");
    }
}
