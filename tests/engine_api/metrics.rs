//! Shard-level metrics: counted per second, under CloudWatch's names.

use serde_json::json;
use shardlab::engine::ShardLimits;

use crate::common::kinesis::{b64, with_stream};

#[test]
fn shard_metrics_count_per_second_with_cloudwatch_names() {
    use shardlab::engine::metrics::Metric;
    let (mut k, now) = with_stream("Foo", 1);
    k.set_shard_limits(
        "Foo",
        ShardLimits {
            write_records_per_sec: 3,
            ..ShardLimits::AWS
        },
    )
    .unwrap();
    for _ in 0..5 {
        let _ = k.call(
            now,
            "PutRecord",
            &json!({"StreamName": "Foo", "PartitionKey": "k", "Data": b64("abc")}),
        );
    }
    let shard = &k.stream("Foo").unwrap().shards[0];
    let second = now / 1000;
    assert_eq!(shard.metrics.in_second(Metric::IncomingRecords, second), 3);
    assert_eq!(
        shard.metrics.in_second(Metric::IncomingBytes, second),
        3 * 4
    );
    assert_eq!(
        shard
            .metrics
            .in_second(Metric::WriteProvisionedThroughputExceeded, second),
        2
    );
    assert_eq!(
        Metric::WriteProvisionedThroughputExceeded.name(),
        "WriteProvisionedThroughputExceeded"
    );
    assert_eq!(
        Metric::GetRecordsIteratorAgeMilliseconds.name(),
        "GetRecords.IteratorAgeMilliseconds"
    );
}
