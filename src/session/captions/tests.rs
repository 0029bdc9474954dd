//! Unit tests of the page's sentences, word for word.
use super::*;
use crate::session::charts::Line;
use crate::session::{Link, Scenario, Session};

fn flight(producer: &str, throttled: bool, records: u64) -> Flight {
    Flight {
        producer: producer.to_string(),
        shard: "shardId-000000000001".to_string(),
        key: "user-42".to_string(),
        colour: 0,
        throttled,
        records,
        kinesis_records: records,
        launched_ms: 0.0,
    }
}

#[test]
fn a_clicked_aggregated_record_says_how_many_user_records_it_holds_and_why_it_went_there() {
    let one = Flight {
        kinesis_records: 1,
        ..flight("agg", false, 500)
    };
    assert_eq!(
        clicked_record(&one),
        "You clicked an aggregated record: 500 user records in one Kinesis record, sent by producer agg through the KPL with PartitionKey a and, as its ExplicitHashKey, the hash key of its first user record (partition key user-42), so it went to shardId-000000000001."
    );
    let three = Flight {
        kinesis_records: 3,
        ..flight("agg", false, 1_500)
    };
    assert!(clicked_record(&three).ends_with(
        " This dot stands for 3 aggregated records of about 500 user records each; this was the first."
    ));
    assert_eq!(
        aggregate_legend(1_200),
        " A ringed dot marked ×1,200 is an aggregated record: 1,200 user records in one Kinesis record, packed by the KPL."
    );
}

#[test]
fn a_clicked_record_says_who_sent_it_and_where_it_went() {
    assert_eq!(
        clicked_record(&flight("web", false, 1)),
        "The record you clicked, with partition key user-42, sent by producer web, went to shardId-000000000001."
    );
}

#[test]
fn a_clicked_console_record_that_was_refused_names_the_exception() {
    assert_eq!(
        clicked_record(&flight("", true, 1)),
        "The record you clicked, with partition key user-42, put from the console, was refused by shardId-000000000001 (ProvisionedThroughputExceededException)."
    );
}

#[test]
fn a_clicked_dot_standing_for_many_records_says_it_shows_the_first() {
    assert_eq!(
        clicked_record(&flight("web", false, 1_250)),
        "The record you clicked, with partition key user-42, sent by producer web, went to shardId-000000000001. This dot stands for 1,250 records; this was the first."
    );
}

#[test]
fn the_legend_says_how_many_records_a_dot_stands_for() {
    assert_eq!(dot_legend(0.0), ". One dot is one record.");
    assert_eq!(dot_legend(1.4), ". One dot is one record.");
    assert_eq!(dot_legend(1.5), ". One dot ≈ 2 records.");
    assert_eq!(dot_legend(1_234.4), ". One dot ≈ 1,234 records.");
}

#[test]
fn the_merge_hint_names_the_pair_or_says_what_is_missing() {
    assert_eq!(
        merge_hint(Some(("shardId-000000000000", "shardId-000000000001")), 2),
        "Merge shardId-000000000000 and shardId-000000000001"
    );
    assert_eq!(
        merge_hint(None, 2),
        "These two shards are not adjacent: their ranges must touch"
    );
    assert_eq!(
        merge_hint(None, 0),
        "Select two adjacent shards to merge them"
    );
    assert_eq!(
        merge_hint(None, 1),
        "Select two adjacent shards to merge them"
    );
}

#[test]
fn a_hot_key_note_gives_its_share_of_the_shard_limit() {
    assert_eq!(
        hot_key_cause(900.0, 1_000),
        " throttled: this key alone asks for 90% of its 1,000 records/s"
    );
    assert_eq!(
        hot_key_cause(1_505.0, 1_000),
        " throttled: this key alone asks for 150% of its 1,000 records/s"
    );
}

#[test]
fn the_history_notes_say_what_is_listed() {
    assert_eq!(
        history_hovered("shardId-000000000002"),
        "Showing shardId-000000000002, the shard under the pointer."
    );
    assert_eq!(
        history_count(4_321, 200),
        "4,321 matching; the newest 200 shown. Click a line to highlight its shard and worker."
    );
    assert_eq!(
        history_count(0, 0),
        "0 matching; the newest 0 shown. Click a line to highlight its shard and worker."
    );
}

fn chart(lines: Vec<Line>) -> Chart {
    Chart {
        name: "IncomingRecords",
        title: "IncomingRecords",
        unit: "records/s",
        first_second: 0,
        lines,
        limit: None,
    }
}

#[test]
fn a_chart_in_words_gives_each_line_its_latest_value() {
    let lines = vec![
        Line {
            name: "shardId-000000000000".to_string(),
            values: vec![Some(10.0), Some(998.6), None],
        },
        Line {
            name: "shardId-000000000001".to_string(),
            values: vec![None, None],
        },
        Line {
            name: "shardId-000000000002".to_string(),
            values: vec![Some(3.2)],
        },
    ];
    assert_eq!(
        chart_summary(&chart(lines)),
        "IncomingRecords (records/s), latest second: shardId-000000000000 999, shardId-000000000002 3"
    );
}

#[test]
fn a_chart_without_values_says_so() {
    assert_eq!(
        chart_summary(&chart(Vec::new())),
        "IncomingRecords: no data yet"
    );
}

/// A stream of two shards whose first shard was split, after its children came to be.
fn split_stream_lineage() -> Vec<LineageNode> {
    let script = "aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000000 --new-starting-hash-key 100
";
    let mut session = Session::new(Link::start(Scenario::Script(script.into()), 1));
    session.advance(60_000);
    session.view().stream.expect("the stream").lineage
}

#[test]
fn the_family_tree_in_words_names_each_shard_its_state_and_parents() {
    assert_eq!(
        lineage_summary(&split_stream_lineage()),
        "Shard family tree: shardId-000000000000 (CLOSED); shardId-000000000001 (OPEN); \
         shardId-000000000002 (OPEN) child of shardId-000000000000; \
         shardId-000000000003 (OPEN) child of shardId-000000000000"
    );
    assert_eq!(lineage_summary(&[]), "Shard family tree: ");
}

#[test]
fn the_causes_of_processing_again_are_counted() {
    assert_eq!(
        processed_again_causes(&[("failover".to_string(), 1_200), ("steal".to_string(), 3)]),
        " (failover: 1,200, steal: 3)"
    );
}

#[test]
fn a_count_out_of_order_reads_as_a_number() {
    assert_eq!(out_of_order(0), "0 out of order");
    assert_eq!(out_of_order(12_345), "12,345 out of order");
}

#[test]
fn a_moved_lease_says_from_whom_and_whether_it_was_stolen() {
    assert_eq!(lease_moved(true, Some("worker-1")), " stolen from worker-1");
    assert_eq!(lease_moved(false, Some("worker-2")), " taken from worker-2");
    assert_eq!(lease_moved(false, None), " taken from nobody");
}

#[test]
fn a_frozen_lease_says_how_long_and_when_it_expires() {
    assert_eq!(
        lease_frozen(7_300, 6_000, 10_000),
        "Counter unchanged for 7.3 s; the other workers have seen it unchanged for 6.0 s (expired at 10 s)"
    );
}

#[test]
fn the_records_after_the_checkpoint_are_the_ones_processed_again() {
    assert_eq!(
        lease_since_checkpoint(Some("worker-1"), 1_500),
        "If worker-1 died now, these 1500 records would be processed again"
    );
    assert_eq!(
        lease_since_checkpoint(None, 0),
        "If  died now, these 0 records would be processed again"
    );
}

#[test]
fn a_script_too_large_says_its_size_and_the_limit() {
    assert_eq!(
        script_too_large(Some("big.sh"), 300_001, 262_144),
        "big.sh is 300001 bytes; a script may be at most 262144 bytes"
    );
    assert_eq!(
        script_too_large(None, 300_001, 262_144),
        "the script is 300001 bytes; a script may be at most 262144 bytes"
    );
    assert_eq!(
        script_unreadable("big.sh", "NotReadable"),
        "big.sh could not be read: NotReadable"
    );
}

#[test]
fn the_footer_gives_the_frame_work_once_measured() {
    assert_eq!(frame_work(None, 0, 0.0), "Frame work: not measured yet.");
    assert_eq!(
        frame_work(Some(3.06), 600, 812.6),
        "Frame work: p95 3.1 ms over the last 600 frames; first frame 813 ms after navigation."
    );
}
