//! SplitShard and MergeShards requests: which arguments AWS takes, in AWS's wording. What a
//! reshard does to a stream's shards is in `tests/engine_resharding.rs`.

use serde_json::json;

use crate::common::kinesis::{err, ok, with_stream, ACCOUNT};

/// MergeShards takes the lower shard as `ShardToMerge` and the one just above it as
/// `AdjacentShardToMerge`; the reversed order is refused as not adjacent.
///
/// Evidence (the README's "How faithful the engine is" has it in full): kinesalite's test
/// "should return InvalidArgumentException if adjacency is inverted" (mhart/kinesalite
/// test/mergeShards.js) asserts exactly this answer, and its author ran the suite against
/// production Kinesis ("All tests passing against live production kinesis", kinesalite commit
/// 7d62e92, 2018). The API reference (docs.aws.amazon.com/kinesis/latest/APIReference/
/// API_MergeShards.html) defines when two shards are adjacent but never says that either
/// order is accepted, and AWS's own examples name the lower shard first: the CLI's
/// (aws/aws-cli awscli/examples/kinesis/merge-shards.rst) and
/// awslabs/amazon-kinesis-scaling-utils (AdjacentShards.doMerge, which then looks for the
/// child whose ParentShardId is the lower shard).
#[test]
fn merge_shards_refuses_the_reversed_order_as_aws_does() {
    let (mut k, now) = with_stream("Foo", 3);
    let reversed = err(
        &mut k,
        now,
        "MergeShards",
        json!({"StreamName": "Foo", "ShardToMerge": "shardId-000000000001",
            "AdjacentShardToMerge": "shardId-000000000000"}),
    );
    assert_eq!(reversed.kind(), "InvalidArgumentException");
    assert_eq!(
        reversed.message(),
        format!("Shards shardId-000000000001 and shardId-000000000000 in stream Foo under account {ACCOUNT} are not an adjacent pair of shards eligible for merging")
    );
    // The same pair, lower first, merges.
    ok(
        &mut k,
        now,
        "MergeShards",
        json!({"StreamName": "Foo", "ShardToMerge": "shardId-000000000000",
            "AdjacentShardToMerge": "shardId-000000000001"}),
    );
    let summary = ok(
        &mut k,
        now,
        "DescribeStreamSummary",
        json!({"StreamName": "Foo"}),
    );
    assert_eq!(
        summary["StreamDescriptionSummary"]["StreamStatus"],
        "UPDATING"
    );
}
