//! Native command-line front end: `shardlab route KEY [--shards N]` and `shardlab help`.

use std::io::Write;

use shardlab::engine::{hash_key_of, md5_hex, shard_id, HashKeyRange};

const USAGE: &str = "\
usage: shardlab route PARTITION_KEY [--shards N]
       shardlab help

route   show how Kinesis routes a partition key: its MD5, the 128-bit hash key,
        and the shard of an evenly split N-shard stream (default 4) that owns it";

/// Runs one command line and returns the process exit code (0 ok, 2 usage error).
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let result = match args.first().map(String::as_str) {
        Some("route") => route(&args[1..], out),
        Some("help" | "--help" | "-h") | None => {
            writeln!(out, "{USAGE}").map_err(|e| e.to_string())
        }
        Some(other) => Err(format!("unknown command '{other}'")),
    };
    match result {
        Ok(()) => 0,
        Err(message) => {
            let _ = writeln!(err, "shardlab: {message}\n\n{USAGE}");
            2
        }
    }
}

fn route(args: &[String], out: &mut dyn Write) -> Result<(), String> {
    let mut key = None;
    let mut shards: u32 = 4;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--shards" {
            let value = rest.next().ok_or("--shards needs a number")?;
            shards = value
                .parse()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
                .ok_or_else(|| {
                    format!("--shards must be a whole number from 1 to 10000, not '{value}'")
                })?;
        } else if key.is_none() {
            key = Some(arg.as_str());
        } else {
            return Err(format!("unexpected argument '{arg}'"));
        }
    }
    let key = key.ok_or("route needs a partition key")?;
    let hash = hash_key_of(key);
    let owner = HashKeyRange::even_split(shards)
        .iter()
        .position(|range| range.contains(hash))
        .and_then(|i| u32::try_from(i).ok())
        .ok_or("no shard holds the hash key")?;
    writeln!(
        out,
        "PartitionKey  {key}\nMD5           {}\nHashKey       {hash}\nShardId       {} (of {shards})",
        md5_hex(key),
        shard_id(owner)
    )
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_line(line: &str) -> (u8, String, String) {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&args, &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn route_prints_every_step() {
        let (code, out, _) = run_line("route user-42");
        assert_eq!(code, 0);
        assert!(out.contains("7631bc07a1cc8fcd56e70fc6b2fb4a43"), "{out}");
        assert!(
            out.contains("157107139746365290205026809710278036035"),
            "{out}"
        );
        assert!(out.contains("shardId-000000000001 (of 4)"), "{out}");
    }

    #[test]
    fn route_honours_the_shard_count() {
        let (code, out, _) = run_line("route b --shards 3");
        assert_eq!(code, 0);
        assert!(out.contains("shardId-000000000001 (of 3)"), "{out}");
    }

    #[test]
    fn bad_input_is_a_usage_error_not_a_panic() {
        for line in [
            "route",
            "route a --shards",
            "route a --shards 0",
            "route a --shards x",
            "route a b",
            "frobnicate",
        ] {
            let (code, _, err) = run_line(line);
            assert_eq!(code, 2, "{line}");
            assert!(err.starts_with("shardlab: "), "{line}: {err}");
        }
    }
}
