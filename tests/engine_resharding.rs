//! Resharding against the reference (sections 2.4-2.8, 5.2, 8.1): SplitShard, MergeShards,
//! UpdateShardCount, UPDATING, closed and expired shards, ChildShards and ShardFilter.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use shardlab::engine::{Kinesis, LineageState, SequenceNumber, MAX_HASH_KEY};

mod common;
use common::kinesis::{
    create_stream_ranges, err, ok, open_ranges, read_shard, with_stream, ACCOUNT,
};

fn shards(k: &mut Kinesis, now: u64) -> Vec<Value> {
    let out = ok(k, now, "ListShards", json!({"StreamName": "Foo"}));
    out["Shards"].as_array().unwrap().clone()
}

fn ranges_only(open: &[(String, String, String)]) -> Vec<(String, String)> {
    let mut ranges: Vec<(u128, String, String)> = open
        .iter()
        .map(|(_, s, e)| (s.parse().unwrap(), s.clone(), e.clone()))
        .collect();
    ranges.sort();
    ranges.into_iter().map(|(_, s, e)| (s, e)).collect()
}

fn status(k: &mut Kinesis, now: u64) -> String {
    ok(
        k,
        now,
        "DescribeStreamSummary",
        json!({"StreamName": "Foo"}),
    )["StreamDescriptionSummary"]["StreamStatus"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Waits out the UPDATING period of a reshard started at `now`.
fn after_reshard(k: &Kinesis, now: u64) -> u64 {
    now + k.config().reshard_duration_ms
}

#[test]
fn the_reference_split_of_a_one_shard_stream() {
    let (mut k, now) = with_stream("Foo", 1);
    let key = "170141183460469231731687303715884105727";
    ok(
        &mut k,
        now,
        "SplitShard",
        json!({"StreamName": "Foo", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": key}),
    );
    let done = after_reshard(&k, now);
    let listed = shards(&mut k, done);
    assert_eq!(listed.len(), 3);
    let parent = &listed[0];
    assert_eq!(parent["ShardId"], "shardId-000000000000");
    assert_eq!(
        parent["HashKeyRange"]["EndingHashKey"],
        MAX_HASH_KEY.to_string(),
        "a parent's range never changes"
    );
    let ending = SequenceNumber::parse(
        parent["SequenceNumberRange"]["EndingSequenceNumber"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(ending.seq_ix, 0x7fff_ffff_ffff_ffff);
    assert_eq!(
        ending.record_secs,
        done / 1000 - 1,
        "its last second is the one before the split completed on a whole second"
    );

    assert_eq!(listed[1]["ShardId"], "shardId-000000000001");
    assert_eq!(listed[1]["ParentShardId"], "shardId-000000000000");
    assert_eq!(
        listed[1]["HashKeyRange"],
        json!({"StartingHashKey": "0", "EndingHashKey": "170141183460469231731687303715884105726"})
    );
    assert_eq!(listed[2]["ShardId"], "shardId-000000000002");
    assert_eq!(listed[2]["ParentShardId"], "shardId-000000000000");
    assert_eq!(
        listed[2]["HashKeyRange"],
        json!({"StartingHashKey": key, "EndingHashKey": MAX_HASH_KEY.to_string()})
    );
    assert!(listed[2].get("AdjacentParentShardId").is_none());
    for child in &listed[1..] {
        let start = SequenceNumber::parse(
            child["SequenceNumberRange"]["StartingSequenceNumber"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            start.shard_created_secs,
            ending.record_secs + 1,
            "children start one second after the parent closed"
        );
    }
}

#[test]
fn while_updating_the_old_layout_shows_and_serves_and_other_reshards_wait() {
    let (mut k, now) = with_stream("Foo", 1);
    ok(
        &mut k,
        now,
        "SplitShard",
        json!({"StreamName": "Foo", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000"}),
    );
    assert_eq!(status(&mut k, now + 1), "UPDATING");
    assert_eq!(
        shards(&mut k, now + 1).len(),
        1,
        "children appear only when the update completes"
    );
    let put = ok(
        &mut k,
        now + 1,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "a", "Data": "eA=="}),
    );
    assert_eq!(
        put["ShardId"], "shardId-000000000000",
        "writes keep going to the parent while UPDATING"
    );
    let again = err(
        &mut k,
        now + 1,
        "SplitShard",
        json!({"StreamName": "Foo", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "5000"}),
    );
    assert_eq!(again.kind(), "ResourceInUseException");
    assert_eq!(
        again.message(),
        format!("Stream Foo under account {ACCOUNT} not ACTIVE, instead in state UPDATING")
    );
    let scale = err(
        &mut k,
        now + 1,
        "UpdateShardCount",
        json!({"StreamName": "Foo", "TargetShardCount": 2, "ScalingType": "UNIFORM_SCALING"}),
    );
    assert_eq!(scale.kind(), "ResourceInUseException");
    let done = after_reshard(&k, now);
    assert_eq!(status(&mut k, done), "ACTIVE");
    let put = ok(
        &mut k,
        done,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "a", "Data": "eA=="}),
    );
    assert_ne!(
        put["ShardId"], "shardId-000000000000",
        "writes go only to open shards"
    );
}

#[test]
fn split_errors_use_aws_wording() {
    let (mut k, now) = with_stream("Foo", 2);
    let body = |shard: &str, key: &str| json!({"StreamName": "Foo", "ShardToSplit": shard, "NewStartingHashKey": key});
    let cases = [
        (body("shardId-000000000000", "1"), "InvalidArgumentException",
         format!("NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream Foo under account {ACCOUNT} is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey 170141183460469231731687303715884105727.")),
        (body("shardId-000000000000", "170141183460469231731687303715884105727"), "InvalidArgumentException",
         format!("NewStartingHashKey 170141183460469231731687303715884105727 used in SplitShard() on shard shardId-000000000000 in stream Foo under account {ACCOUNT} is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey 170141183460469231731687303715884105727.")),
        (body("shardId-000000000007", "100"), "ResourceNotFoundException",
         format!("Could not find shard shardId-000000000007 in stream Foo under account {ACCOUNT}.")),
        (body("bogus", "100"), "ResourceNotFoundException",
         format!("Could not find shard bogus in stream Foo under account {ACCOUNT}.")),
        (json!({"StreamName": "Nope", "ShardToSplit": "shardId-0", "NewStartingHashKey": "100"}), "ResourceNotFoundException",
         format!("Stream Nope under account {ACCOUNT} not found.")),
    ];
    for (request, kind, message) in cases {
        let error = err(&mut k, now, "SplitShard", request.clone());
        assert_eq!(
            (error.kind(), error.message()),
            (kind, message.as_str()),
            "{request}"
        );
    }
    // The smallest and largest valid keys are accepted.
    ok(&mut k, now, "SplitShard", body("shardId-000000000000", "2"));
    let done = after_reshard(&k, now);
    let closed = err(
        &mut k,
        done,
        "SplitShard",
        body("shardId-000000000000", "100"),
    );
    assert_eq!(
        (closed.kind(), closed.message()),
        ("InvalidArgumentException", format!("Shard shardId-000000000000 in stream Foo under account {ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.").as_str())
    );
}

#[test]
fn merging_the_three_shard_stream() {
    // The lower shard is the ShardToMerge (see tests/engine_api/reshard.rs for the reverse).
    {
        let (first, second) = ("shardId-000000000001", "shardId-000000000002");
        let (mut k, now) = with_stream("Foo", 3);
        ok(
            &mut k,
            now,
            "MergeShards",
            json!({"StreamName": "Foo", "ShardToMerge": first, "AdjacentShardToMerge": second}),
        );
        assert_eq!(status(&mut k, now + 1), "UPDATING");
        let done = after_reshard(&k, now);
        let listed = shards(&mut k, done);
        let child = &listed[3];
        assert_eq!(child["ShardId"], "shardId-000000000003");
        assert_eq!(child["ParentShardId"], first);
        assert_eq!(child["AdjacentParentShardId"], second);
        assert_eq!(
            child["HashKeyRange"],
            json!({"StartingHashKey": "113427455640312821154458202477256070485", "EndingHashKey": MAX_HASH_KEY.to_string()})
        );
        for parent in &listed[1..3] {
            assert!(
                parent["SequenceNumberRange"]["EndingSequenceNumber"].is_string(),
                "both parents closed"
            );
        }
        assert_eq!(
            ranges_only(&open_ranges(&mut k, done, "Foo")),
            [
                (
                    "0".to_string(),
                    "113427455640312821154458202477256070484".to_string()
                ),
                (
                    "113427455640312821154458202477256070485".to_string(),
                    MAX_HASH_KEY.to_string()
                )
            ]
        );
    }
    let (mut k, now) = with_stream("Foo", 3);
    let apart = err(
        &mut k,
        now,
        "MergeShards",
        json!({"StreamName": "Foo", "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000002"}),
    );
    assert_eq!(
        (apart.kind(), apart.message()),
        ("InvalidArgumentException", format!("Shards shardId-000000000000 and shardId-000000000002 in stream Foo under account {ACCOUNT} are not an adjacent pair of shards eligible for merging").as_str())
    );
    let itself = err(
        &mut k,
        now,
        "MergeShards",
        json!({"StreamName": "Foo", "ShardToMerge": "shardId-000000000001", "AdjacentShardToMerge": "shardId-000000000001"}),
    );
    assert_eq!(itself.kind(), "InvalidArgumentException");
}

#[test]
fn four_to_eight_splits_each_parent_in_hash_order() {
    let (mut k, now) = with_stream("Foo", 4);
    let out = ok(
        &mut k,
        now,
        "UpdateShardCount",
        json!({"StreamName": "Foo", "TargetShardCount": 8, "ScalingType": "UNIFORM_SCALING"}),
    );
    assert_eq!(
        out,
        json!({"StreamName": "Foo", "CurrentShardCount": 4, "TargetShardCount": 8, "StreamARN": format!("arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/Foo")})
    );
    assert_eq!(
        status(&mut k, now + 5_000),
        "UPDATING",
        "UpdateShardCount takes longer than a split"
    );
    let done = now + k.config().update_shard_count_duration_ms;
    let listed = shards(&mut k, done);
    assert_eq!(listed.len(), 12);
    let width = 1u128 << 125;
    for (i, child) in listed[4..].iter().enumerate() {
        assert_eq!(child["ShardId"], format!("shardId-{:012}", 4 + i));
        assert_eq!(child["ParentShardId"], format!("shardId-{:012}", i / 2));
        let start: u128 = child["HashKeyRange"]["StartingHashKey"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let end: u128 = child["HashKeyRange"]["EndingHashKey"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(start, i as u128 * width);
        assert_eq!(end, start.wrapping_add(width).wrapping_sub(1));
    }
    assert_eq!(
        ranges_only(&open_ranges(&mut k, done, "Foo")),
        create_stream_ranges(8)
    );
}

#[test]
fn two_to_three_and_five_to_three_end_with_create_stream_ranges() {
    for (from, to) in [(2, 3), (5, 3), (3, 5), (8, 4), (7, 13), (10, 6)] {
        let (mut k, now) = with_stream("Foo", from);
        ok(
            &mut k,
            now,
            "UpdateShardCount",
            json!({"StreamName": "Foo", "TargetShardCount": to, "ScalingType": "UNIFORM_SCALING"}),
        );
        let done = now + k.config().update_shard_count_duration_ms;
        assert_eq!(
            ranges_only(&open_ranges(&mut k, done, "Foo")),
            create_stream_ranges(to),
            "{from} -> {to}"
        );
        // Every intermediate shard is closed, has a parent and children.
        let stream = k.stream("Foo").unwrap();
        for shard in &stream.shards[from as usize..] {
            assert!(
                shard.parent.is_some(),
                "{from} -> {to}: {} has a parent",
                shard.id()
            );
            if !shard.is_open() {
                assert!(!shard.children.is_empty());
            }
        }
    }
}

#[test]
fn update_shard_count_limits_use_aws_wording() {
    let (mut k, now) = with_stream("Foo", 4);
    let body = |n: i64| json!({"StreamName": "Foo", "TargetShardCount": n, "ScalingType": "UNIFORM_SCALING"});
    let up = err(&mut k, now, "UpdateShardCount", body(9));
    assert_eq!(up.kind(), "LimitExceededException");
    assert_eq!(up.message(), "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 4, Target shard count: 9");
    let down = err(&mut k, now, "UpdateShardCount", body(1));
    assert_eq!(down.message(), "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 4, Target shard count: 1");
    let too_many = err(&mut k, now, "UpdateShardCount", body(10_001));
    assert_eq!(too_many.message(), "Target shard count or number of open shards cannot be greater than 10000. Current open shard count: 4, Target shard count: 10001");
    let bad_type = err(
        &mut k,
        now,
        "UpdateShardCount",
        json!({"StreamName": "Foo", "TargetShardCount": 5, "ScalingType": "SIDEWAYS"}),
    );
    assert_eq!(bad_type.message(), "1 validation error detected: Value 'SIDEWAYS' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]");
}

/// At a closed shard's end AWS leaves `NextShardIterator` out of the response rather than
/// sending `null`: kinesalite's AWS-validated test "should work with minimum hash"
/// (mhart/kinesalite test/splitShard.js) asserts the keys are exactly
/// `[MillisBehindLatest, Records]` (ChildShards came later, in 2020).
#[test]
fn a_closed_shard_ends_without_a_next_iterator_and_with_its_child_shards() {
    let (mut k, now) = with_stream("Foo", 1);
    for i in 0..3 {
        ok(
            &mut k,
            now,
            "PutRecord",
            json!({"StreamName": "Foo", "PartitionKey": format!("k{i}"), "Data": "eA=="}),
        );
    }
    ok(
        &mut k,
        now,
        "SplitShard",
        json!({"StreamName": "Foo", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": (1u128 << 127).to_string()}),
    );
    let mut clock = after_reshard(&k, now);
    let (data, last) = read_shard(&mut k, &mut clock, "Foo", "shardId-000000000000");
    assert_eq!(data.len(), 3, "a closed shard's records stay readable");
    let mut keys: Vec<&String> = last.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["ChildShards", "MillisBehindLatest", "Records"]);
    assert_eq!(last["MillisBehindLatest"], 0);
    assert_eq!(
        last["ChildShards"],
        json!([
            {"ShardId": "shardId-000000000001", "ParentShards": ["shardId-000000000000"],
             "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": ((1u128 << 127) - 1).to_string()}},
            {"ShardId": "shardId-000000000002", "ParentShards": ["shardId-000000000000"],
             "HashKeyRange": {"StartingHashKey": (1u128 << 127).to_string(), "EndingHashKey": MAX_HASH_KEY.to_string()}}
        ])
    );
    // LATEST on a closed shard is already at its end.
    let latest = ok(
        &mut k,
        clock,
        "GetShardIterator",
        json!({"StreamName": "Foo", "ShardId": "shardId-000000000000", "ShardIteratorType": "LATEST"}),
    );
    let page = ok(
        &mut k,
        clock + 1_000,
        "GetRecords",
        json!({"ShardIterator": latest["ShardIterator"]}),
    );
    assert_eq!(page.get("NextShardIterator"), None);
    assert_eq!(page["ChildShards"].as_array().unwrap().len(), 2);
}

#[test]
fn a_merge_child_lists_both_parents_in_child_shards() {
    let (mut k, now) = with_stream("Foo", 2);
    ok(
        &mut k,
        now,
        "MergeShards",
        json!({"StreamName": "Foo", "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000001"}),
    );
    let mut clock = after_reshard(&k, now);
    let (_, last) = read_shard(&mut k, &mut clock, "Foo", "shardId-000000000001");
    assert_eq!(last["ChildShards"][0]["ShardId"], "shardId-000000000002");
    assert_eq!(
        last["ChildShards"][0]["ParentShards"],
        json!(["shardId-000000000000", "shardId-000000000001"])
    );
}

#[test]
fn closed_shards_expire_after_retention_and_are_no_longer_listed() {
    let (mut k, now) = with_stream("Foo", 1);
    ok(
        &mut k,
        now,
        "PutRecord",
        json!({"StreamName": "Foo", "PartitionKey": "k", "Data": "eA=="}),
    );
    ok(
        &mut k,
        now,
        "SplitShard",
        json!({"StreamName": "Foo", "ShardToSplit": "shardId-0", "NewStartingHashKey": "100"}),
    );
    let done = after_reshard(&k, now);
    let day = 24 * 3_600_000;
    assert_eq!(shards(&mut k, done + day - 1).len(), 3);
    assert_eq!(
        shards(&mut k, done + day).len(),
        2,
        "EXPIRED shards are not listed"
    );
    let gone = err(
        &mut k,
        done + day,
        "GetShardIterator",
        json!({"StreamName": "Foo", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}),
    );
    assert_eq!(
        gone.message(),
        format!("Shard shardId-000000000000 in stream Foo under account {ACCOUNT} does not exist")
    );
    let lineage = k.stream("Foo").unwrap().lineage(done + day);
    assert_eq!(lineage[0].state, LineageState::Expired);
    assert_eq!(lineage[0].children, vec![1, 2]);
    assert_eq!(lineage[1].state, LineageState::Open);
    assert_eq!(lineage[1].parent, Some(0));
    // A longer retention afterwards does not bring the expired shard back (found by the
    // fault-schedule property test).
    ok(
        &mut k,
        done + day + 1_000,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "Foo", "RetentionPeriodHours": 48}),
    );
    assert_eq!(shards(&mut k, done + day + 2_000).len(), 2);
    assert_eq!(
        k.stream("Foo").unwrap().lineage(done + day + 2_000)[0].state,
        LineageState::Expired
    );
}

#[test]
fn list_shards_filters_follow_the_lineage() {
    let (mut k, now) = with_stream("Foo", 2);
    ok(
        &mut k,
        now,
        "SplitShard",
        json!({"StreamName": "Foo", "ShardToSplit": "shardId-0", "NewStartingHashKey": "100"}),
    );
    let done = after_reshard(&k, now);
    let ids = |k: &mut Kinesis, filter: Value| -> Vec<String> {
        let out = ok(
            k,
            done + 10_000,
            "ListShards",
            json!({"StreamName": "Foo", "ShardFilter": filter}),
        );
        out["Shards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["ShardId"].as_str().unwrap().to_string())
            .collect()
    };
    let id = |i: u32| format!("shardId-{i:012}");
    assert_eq!(
        ids(&mut k, json!({"Type": "AT_LATEST"})),
        [id(1), id(2), id(3)]
    );
    assert_eq!(
        ids(&mut k, json!({"Type": "FROM_TRIM_HORIZON"})),
        [id(0), id(1), id(2), id(3)]
    );
    assert_eq!(
        ids(&mut k, json!({"Type": "AT_TRIM_HORIZON"})),
        [id(0), id(1)],
        "the shards that held the oldest data"
    );
    assert_eq!(
        ids(&mut k, json!({"Type": "AFTER_SHARD_ID", "ShardId": id(1)})),
        [id(2), id(3)]
    );
    let before_split = (now as f64) / 1000.0;
    assert_eq!(
        ids(
            &mut k,
            json!({"Type": "AT_TIMESTAMP", "Timestamp": before_split})
        ),
        [id(0), id(1)]
    );
    assert_eq!(
        ids(
            &mut k,
            json!({"Type": "FROM_TIMESTAMP", "Timestamp": before_split})
        ),
        [id(0), id(1), id(2), id(3)]
    );
    // The children are open from the moment the parent closed: no gap without shards.
    let at_completion = (done as f64) / 1000.0;
    assert_eq!(
        ids(
            &mut k,
            json!({"Type": "AT_TIMESTAMP", "Timestamp": at_completion})
        ),
        [id(1), id(2), id(3)]
    );
    let missing = err(
        &mut k,
        done,
        "ListShards",
        json!({"StreamName": "Foo", "ShardFilter": {"Type": "AT_TIMESTAMP"}}),
    );
    assert_eq!(missing.kind(), "InvalidArgumentException");
}
