//! Native tests of the compact view's strip: its cells in hash key order, each shard's load
//! against its write limit, the throttled mark, the busiest shards, and which get lanes.
use super::*;
use crate::engine::ShardLimits;
use crate::session::view::{LaneState, View};
use crate::session::{Link, Scenario, Session};

/// A lane's numbers, as `stream_view` would give them, with the AWS limits.
fn shard(index: u32, records: u64, bytes: u64, state: LaneState) -> ShardView {
    let n = 4u128;
    let step = u128::MAX / n;
    let position = u128::from(index % 4);
    ShardView {
        id: shard_id(index),
        index,
        starting_hash_key: position * step,
        ending_hash_key: position * step + step - 1,
        width: 0.25,
        offset: position as f64 * 0.25,
        open: true,
        incoming_records: records,
        incoming_bytes: bytes,
        read_calls: 0,
        read_bytes: 0,
        write_throttled: 0,
        read_throttled: 0,
        write_throttled_total: 0,
        read_throttled_total: 0,
        throttling: state.is_refusing(),
        read_throttling: false,
        state,
        note: None,
        readers: Vec::new(),
        fan_out: Vec::new(),
        records_held: 0,
        limits: ShardLimits::AWS,
    }
}

#[test]
fn a_shards_load_is_the_larger_share_of_its_write_limits() {
    // 500 of 1,000 records/s, 256 KiB of 1 MiB/s: half its write limit.
    assert_eq!(load(&shard(0, 500, 256 * 1024, LaneState::Ok)), 0.5);
    // Few large records: bytes are the larger share.
    assert_eq!(load(&shard(0, 100, 768 * 1024, LaneState::Ok)), 0.75);
    // Over the limit stays over 1 (spending burst credit, or refused).
    let hot = shard(0, 2_400, 1_000, LaneState::WritesRefused);
    assert_eq!(load(&hot), 2.4);
    let strip = Strip::build(&[hot]);
    assert_eq!(strip.cells[0].percent(), 240);
    assert!(strip.cells[0].throttled);
    assert_eq!(load(&shard(0, 0, 0, LaneState::Ok)), 0.0);
}

#[test]
fn a_cell_says_its_load_in_the_words_cloudwatch_uses() {
    let limits = ShardLimits::AWS;
    let strip = Strip::build(&[
        shard(42, 1_020, 310 * 1024, LaneState::OverLimit),
        shard(3, 998, 2_000, LaneState::WritesRefused),
        shard(4, 120, 300, LaneState::Ok),
    ]);
    assert_eq!(
        cell_sentence(&strip.cells[0], &limits),
        "shardId-000000000042: 1,020 records/s and 310 KiB/s in the last second (IncomingRecords, IncomingBytes), 102% of its write limit of 1,000 records/s and 1 MiB/s. OVER LIMIT: it is spending burst credit."
    );
    assert!(cell_sentence(&strip.cells[1], &limits)
        .ends_with("100% of its write limit of 1,000 records/s and 1 MiB/s. THROTTLED: it refused writes or reads in the last two seconds."));
    assert!(cell_sentence(&strip.cells[2], &limits)
        .ends_with("12% of its write limit of 1,000 records/s and 1 MiB/s."));
}

#[test]
fn cells_keep_the_views_hash_key_order_and_say_which_refused() {
    let shards = vec![
        shard(7, 10, 100, LaneState::Ok),
        shard(3, 900, 100, LaneState::OverLimit),
        shard(9, 0, 0, LaneState::ReadsRefused),
        shard(4, 1_200, 100, LaneState::WritesRefused),
    ];
    let strip = Strip::build(&shards);
    let ids: Vec<String> = strip.cells.iter().map(StripCell::id).collect();
    assert_eq!(
        ids,
        [
            "shardId-000000000007",
            "shardId-000000000003",
            "shardId-000000000009",
            "shardId-000000000004"
        ]
    );
    let throttled: Vec<bool> = strip.cells.iter().map(|c| c.throttled).collect();
    assert_eq!(throttled, [false, false, true, true]);
    assert_eq!(strip.position("shardId-000000000009"), Some(2));
    assert_eq!(strip.position("shardId-000000000001"), None);
    assert_eq!(
        strip.marks(&[shard_id(4), shard_id(7), shard_id(1)]),
        [true, false, false, true]
    );
}

#[test]
fn the_busiest_are_by_load_and_idle_shards_are_not_busy() {
    let shards = vec![
        shard(0, 0, 0, LaneState::Ok),
        shard(1, 300, 100, LaneState::Ok),
        shard(2, 1_500, 100, LaneState::WritesRefused),
        shard(3, 300, 100, LaneState::Ok),
        shard(4, 0, 0, LaneState::ReadsRefused),
        shard(5, 800, 100, LaneState::Ok),
    ];
    let strip = Strip::build(&shards);
    // Busiest first; equal loads in hash key order; a shard refusing reads with no writes
    // is still named (after the ones taking writes); the idle one is not.
    assert_eq!(strip.busiest, [2, 5, 1, 3, 4]);
    assert_eq!(busiest(&strip.cells, 2), [2, 5]);
}

#[test]
fn the_compact_view_lanes_are_the_selected_and_the_busiest_in_hash_key_order() {
    let shards: Vec<ShardView> = (0..40)
        .map(|i| shard(i, u64::from(i) * 10, 100, LaneState::Ok))
        .collect();
    let strip = Strip::of(&shards).expect("40 shards are compact");
    assert_eq!(strip.busiest.len(), BUSIEST_NAMED);
    assert_eq!(strip.busiest[0], 39);
    let selected = vec![shard_id(2), shard_id(37)];
    let lanes = lanes(&strip, &shards, &selected);
    // Selected 2 and 37, and the six busiest (39 down to 34), in hash key order.
    assert_eq!(lanes, [2, 34, 35, 36, 37, 38, 39]);
    assert!(lanes.len() <= MAX_LANES);
    // At the threshold, lanes still fit: no strip.
    assert_eq!(Strip::of(&shards[..COMPACT_ABOVE_SHARDS]), None);
}

const HOT_40: &str = "aws kinesis create-stream --stream-name big --shard-count 40
aws kinesis wait stream-exists --stream-name big
producer add spread --stream big --rate 4000 --keys uniform:10000
producer add viral --stream big --rate 3000 --keys hot:user-42:0.8:1000
";

#[test]
fn a_40_shard_stream_with_a_hot_key_shows_its_hot_shard_first_in_the_strip() {
    let link = Link {
        scenario: Scenario::Script(HOT_40.to_string()),
        ..Link::decode("").unwrap()
    };
    let mut session = Session::new(link);
    session.advance(8_000);
    let view = View::of(&session);
    let stream = view.stream.expect("the stream");
    let strip = stream.strip.as_ref().expect("40 open shards: the strip");
    assert_eq!(strip.cells.len(), 40);
    let hot = &view.hot_keys[0];
    assert_eq!(hot.key, "user-42");
    let first = &strip.cells[strip.busiest[0]];
    assert_eq!(first.id(), hot.shard);
    // 2,400 records/s of user-42 alone, more than twice its limit: it takes about its limit
    // (IncomingRecords counts what it took) and refuses the rest.
    assert!(first.load > 0.9, "{}", first.load);
    assert!(first.throttled);
    // The others take about 100 records/s each (4,000 + 600 over 40): a tenth of theirs.
    let quiet = &strip.cells[strip.busiest[BUSIEST_NAMED - 1]];
    assert!(quiet.load < 0.3 && !quiet.throttled, "{quiet:?}");
    // Cells are the open shards in hash key order.
    let ids: Vec<String> = stream.shards.iter().map(|s| s.id.clone()).collect();
    let cells: Vec<String> = strip.cells.iter().map(StripCell::id).collect();
    assert_eq!(cells, ids);
}

#[test]
fn the_default_scene_has_no_strip() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.advance(3_000);
    let stream = View::of(&session).stream.unwrap();
    assert_eq!(stream.shards.len(), 4);
    assert_eq!(stream.strip, None);
}
