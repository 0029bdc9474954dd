//! Shard ids in requests: the loose spellings AWS accepts, and AWS's answers when an id names
//! no shard. Each case is one of kinesalite's tests that its author ran against real Kinesis
//! (mhart/kinesalite test/getShardIterator.js, splitShard.js, mergeShards.js, "unknown stream
//! and ..." and "known stream and raw shard ID does not exist").

use serde_json::json;

use crate::common::kinesis::{err, ok, with_stream, ACCOUNT};
use crate::put;

/// The loose spellings AWS reads as shard index 2147483647, the largest it accepts.
const LARGEST_INDEX_SPELLINGS: [&str; 4] = [
    "2147483647",
    "x1y2z-2147483647",
    "a-00002147483647",
    "-00002147483647",
];

/// Spellings that name no shard index (too big for a Java `int`, or not digits).
const NOT_AN_INDEX: [&str; 4] = ["2147483648", "shardId-002147483648", "ABKLFD8", "2.14E4"];

#[test]
fn get_shard_iterator_reads_bare_and_loose_ids_as_aws_does() {
    let (mut k, now) = with_stream("Foo", 1);
    for given in LARGEST_INDEX_SPELLINGS {
        let error = err(
            &mut k,
            now,
            "GetShardIterator",
            json!({"StreamName": "Nope", "ShardId": given, "ShardIteratorType": "LATEST"}),
        );
        assert_eq!(error.kind(), "ResourceNotFoundException", "{given}");
        assert_eq!(
            error.message(),
            format!(
                "Shard shardId-002147483647 in stream Nope under account {ACCOUNT} does not exist"
            ),
            "{given}"
        );
    }
    for given in NOT_AN_INDEX {
        let error = err(
            &mut k,
            now,
            "GetShardIterator",
            json!({"StreamName": "Nope", "ShardId": given, "ShardIteratorType": "LATEST"}),
        );
        assert_eq!(error.kind(), "ResourceNotFoundException", "{given}");
        assert_eq!(
            error.message(),
            format!("Could not find shard {given} in stream Nope under account {ACCOUNT}."),
        );
    }
}

#[test]
fn a_bare_index_names_the_shard_of_a_stream_that_exists() {
    let (mut k, now) = with_stream("Foo", 2);
    put(&mut k, now, "Foo", "a", "one"); // shardId-000000000000 (MD5 of "a" is in its half)
    for given in ["0", "00000", "shardId-0"] {
        let it = ok(
            &mut k,
            now + 1,
            "GetShardIterator",
            json!({"StreamName": "Foo", "ShardId": given, "ShardIteratorType": "TRIM_HORIZON"}),
        );
        let page = ok(
            &mut k,
            now + 1_000,
            "GetRecords",
            json!({"ShardIterator": it["ShardIterator"]}),
        );
        assert_eq!(page["Records"].as_array().unwrap().len(), 1, "{given}");
    }
    let missing = err(
        &mut k,
        now,
        "GetShardIterator",
        json!({"StreamName": "Foo", "ShardId": "00002", "ShardIteratorType": "LATEST"}),
    );
    assert_eq!(
        missing.message(),
        format!("Shard shardId-000000000002 in stream Foo under account {ACCOUNT} does not exist")
    );
    // SplitShard and MergeShards take them too.
    ok(
        &mut k,
        now,
        "MergeShards",
        json!({"StreamName": "Foo", "ShardToMerge": "0", "AdjacentShardToMerge": "00001"}),
    );
}

#[test]
fn split_and_merge_of_an_unknown_stream_say_the_stream_is_not_found() {
    let (mut k, now) = with_stream("Foo", 1);
    let not_found = format!("Stream Nope under account {ACCOUNT} not found.");
    for given in LARGEST_INDEX_SPELLINGS {
        let split = err(
            &mut k,
            now,
            "SplitShard",
            json!({"StreamName": "Nope", "ShardToSplit": given, "NewStartingHashKey": "0"}),
        );
        assert_eq!(split.kind(), "ResourceNotFoundException");
        assert_eq!(split.message(), not_found, "{given}");
        for (first, second) in [(given, "x-0"), ("x-0", given)] {
            let merge = err(
                &mut k,
                now,
                "MergeShards",
                json!({"StreamName": "Nope", "ShardToMerge": first, "AdjacentShardToMerge": second}),
            );
            assert_eq!(merge.kind(), "ResourceNotFoundException");
            assert_eq!(merge.message(), not_found, "{first} {second}");
        }
    }
    for given in NOT_AN_INDEX {
        let could_not_find =
            format!("Could not find shard {given} in stream Nope under account {ACCOUNT}.");
        let split = err(
            &mut k,
            now,
            "SplitShard",
            json!({"StreamName": "Nope", "ShardToSplit": given, "NewStartingHashKey": "0"}),
        );
        assert_eq!(split.message(), could_not_find);
        for (first, second) in [(given, "x-0"), ("x-0", given)] {
            let merge = err(
                &mut k,
                now,
                "MergeShards",
                json!({"StreamName": "Nope", "ShardToMerge": first, "AdjacentShardToMerge": second}),
            );
            assert_eq!(merge.message(), could_not_find, "{first} {second}");
        }
    }
    // A known stream and an index it never had: the id in its canonical spelling.
    let split = err(
        &mut k,
        now,
        "SplitShard",
        json!({"StreamName": "Foo", "ShardToSplit": "shardId-5", "NewStartingHashKey": "0"}),
    );
    assert_eq!(
        split.message(),
        format!("Could not find shard shardId-000000000005 in stream Foo under account {ACCOUNT}.")
    );
}
