//! Partition key routing against the worked examples of the reference (sections 2.2 and 3).
#![cfg(not(target_arch = "wasm32"))]

use shardlab::engine::{hash_key_of, md5_hex, shard_id, HashKeyRange};

mod common;
use common::kinesis::create_stream_ranges;

/// (key, MD5 hex, hash key in decimal, shard of a 4-shard stream) from reference section 3.
const WORKED_EXAMPLES: [(&str, &str, &str, &str); 4] = [
    (
        "a",
        "0cc175b9c0f1b6a831c399e269772661",
        "16955237001963240173058271559858726497",
        "shardId-000000000000",
    ),
    (
        "user-42",
        "7631bc07a1cc8fcd56e70fc6b2fb4a43",
        "157107139746365290205026809710278036035",
        "shardId-000000000001",
    ),
    (
        "héllo",
        "be50e8478cf24ff3595bc7307fb91b50",
        "252973414135665226741597071662034525008",
        "shardId-000000000002",
    ),
    (
        "partitionKey-0",
        "d593fc2c1c22ffb3f0109b2c4a73d4df",
        "283893945402358862714065952676399797471",
        "shardId-000000000003",
    ),
];

fn owner_of(key: &str, shards: u32) -> String {
    let hash = hash_key_of(key);
    let index = HashKeyRange::even_split(shards)
        .iter()
        .position(|r| r.contains(hash))
        .expect("the ranges cover the whole space");
    shard_id(index as u32)
}

#[test]
fn worked_examples_route_to_the_reference_shards() {
    for (key, md5, hash, shard) in WORKED_EXAMPLES {
        assert_eq!(md5_hex(key), md5, "MD5 of {key}");
        assert_eq!(hash_key_of(key).to_string(), hash, "hash key of {key}");
        assert_eq!(owner_of(key, 4), shard, "shard of {key}");
    }
}

#[test]
fn kinesalite_checked_a_and_b_on_three_shards() {
    assert_eq!(owner_of("a", 3), "shardId-000000000000");
    assert_eq!(owner_of("b", 3), "shardId-000000000001");
}

#[test]
fn create_stream_ranges_for_two_shards() {
    assert_eq!(
        create_stream_ranges(2),
        [
            ("0", "170141183460469231731687303715884105727"),
            (
                "170141183460469231731687303715884105728",
                "340282366920938463463374607431768211455"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn create_stream_ranges_for_three_shards() {
    assert_eq!(
        create_stream_ranges(3),
        [
            ("0", "113427455640312821154458202477256070484"),
            (
                "113427455640312821154458202477256070485",
                "226854911280625642308916404954512140969"
            ),
            (
                "226854911280625642308916404954512140970",
                "340282366920938463463374607431768211455"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn create_stream_ranges_for_four_shards() {
    assert_eq!(
        create_stream_ranges(4),
        [
            ("0", "85070591730234615865843651857942052863"),
            (
                "85070591730234615865843651857942052864",
                "170141183460469231731687303715884105727"
            ),
            (
                "170141183460469231731687303715884105728",
                "255211775190703847597530955573826158591"
            ),
            (
                "255211775190703847597530955573826158592",
                "340282366920938463463374607431768211455"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn hash_key_range_serializes_as_aws_decimal_strings() {
    let json = serde_json::to_value(HashKeyRange::even_split(2)[1]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "StartingHashKey": "170141183460469231731687303715884105728",
            "EndingHashKey": "340282366920938463463374607431768211455"
        })
    );
}
