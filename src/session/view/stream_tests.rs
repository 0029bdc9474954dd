//! Native tests of the stream view: lane states and their sentences, closed lanes, readers,
//! which stream is shown, and where a key routes.
use super::*;
use crate::session::{Link, Session};

const SPLIT_SHARD_1: &str = "aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 --new-starting-hash-key 127605887595351923798765477786913079296";

fn shard<'a>(stream: &'a StreamView, id: &str) -> &'a ShardView {
    stream
        .shards
        .iter()
        .chain(&stream.closed_shards)
        .find(|s| s.id.ends_with(id))
        .unwrap_or_else(|| panic!("no shard {id}"))
}

#[test]
fn the_hot_shard_says_its_writes_are_refused() {
    let mut session = Session::new(Link::decode("#seed=1").unwrap());
    session.advance(15_000);
    let stream = session.view().stream.unwrap();
    let hot = shard(&stream, "1");
    assert_eq!(hot.state, LaneState::WritesRefused);
    assert_eq!(hot.state.badge(), "THROTTLED");
    assert_eq!(hot.state.why(), "writes refused");
    let note = hot.note.as_deref().unwrap();
    assert!(
        note.starts_with("Writes refused: ") && note.contains("refused in the last second"),
        "{note}"
    );
    assert_eq!(shard(&stream, "0").state, LaneState::Ok);
    assert_eq!(shard(&stream, "0").note, None);
}

#[test]
fn a_split_child_over_its_limit_spends_burst_credit_then_refuses() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.advance(10_000);
    session.run_command(SPLIT_SHARD_1);
    session.advance(10_000);
    let stream = session.view().stream.unwrap();
    let child = shard(&stream, "5");
    assert!(child.incoming_records > 1_000, "{}", child.incoming_records);
    assert_eq!(child.write_throttled_total, 0);
    assert_eq!(child.state, LaneState::OverLimit);
    assert_eq!(child.state.why(), "over the limit — spending burst credit");
    let note = child.note.as_deref().unwrap();
    assert!(
        note.contains(&format!(
            "Taking {} records/s, over the limit of 1,000",
            int(child.incoming_records)
        )),
        "{note}"
    );
    assert!(
        note.contains(
            "at most one second of capacity (1,000 records) and refills at 1,000 a second"
        ),
        "{note}"
    );
    // The credit left is what the write bucket holds now: less than its full second.
    let left: u64 = note
        .split("bucket held (")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("no credit in {note}"));
    assert!(left < 1_000, "{note}");
    // Once the credit is spent, the child refuses writes like its parent did.
    session.advance(60_000);
    let stream = session.view().stream.unwrap();
    assert_eq!(shard(&stream, "5").state, LaneState::WritesRefused);
}

#[test]
fn a_closed_parent_stays_as_a_closed_lane_with_its_records_and_readers() {
    let mut session = Session::new(Link::decode("").unwrap());
    crate::session::fixtures::until_analytics_processes(&mut session);
    session.run_command(SPLIT_SHARD_1);
    session.advance(10_000);
    let stream = session.view().stream.unwrap();
    assert_eq!(stream.shards.len(), 4 + 1);
    assert!(stream.shards.iter().all(|s| s.open));
    assert_eq!(stream.closed_shards.len(), 1);
    let parent = &stream.closed_shards[0];
    assert_eq!(parent.id, "shardId-000000000001");
    assert!(!parent.open);
    assert_eq!(parent.state, LaneState::Closed);
    assert!(parent.records_held > 0);
    assert_eq!(
        parent.note.as_deref().unwrap(),
        "Closed by a split into shardId-000000000004 and shardId-000000000005: it takes no more writes, and its records stay readable until each is older than the stream's retention period (24 hours). The KCL reads it to its end before its children."
    );
    // The KCL application reads the parent to its end: one of its workers is on the lane.
    assert!(
        stream
            .shards
            .iter()
            .chain(&stream.closed_shards)
            .any(|s| s.readers.iter().any(|r| r.kcl)),
        "KCL workers are drawn as readers"
    );
}

#[test]
fn a_closed_lane_goes_when_its_shard_expires() {
    let script = "aws kinesis create-stream --stream-name Foo --shard-count 1\nwait 5s\naws kinesis split-shard --stream-name Foo --shard-to-split shardId-000000000000 --new-starting-hash-key 2\nwait 10s\n";
    let link = Link {
        scenario: crate::session::Scenario::Script(script.to_string()),
        ..Link::decode("").unwrap()
    };
    let mut session = Session::new(link);
    session.advance(20_000);
    let closed = |session: &Session| session.view().stream.unwrap().closed_shards.len();
    assert_eq!(closed(&session), 1);
    session.advance(23 * 3_600_000);
    assert_eq!(
        closed(&session),
        1,
        "still readable within the 24 h retention"
    );
    session.advance(3_600_000);
    assert_eq!(closed(&session), 0, "expired, no longer listed");
}

#[test]
fn five_readers_on_one_shard_are_drawn_and_their_refused_reads_said() {
    let mut session = Session::new(Link::decode("").unwrap());
    // Once the opening scene's KCL application reads every shard (its leader assigns the
    // leases 40-70 s after the start).
    crate::session::fixtures::until_analytics_processes(&mut session);
    for i in 1..=5 {
        session.run_command(&format!(
            "consumer add reader-{i} --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST"
        ));
    }
    session.advance(5_000);
    let stream = session.view().stream.unwrap();
    let lane = shard(&stream, "0");
    let consumers: Vec<String> = lane
        .readers
        .iter()
        .filter(|r| !r.kcl)
        .map(reader_label)
        .collect();
    assert_eq!(
        consumers,
        (1..=5)
            .map(|i| format!("reader-{i} · 5 calls/s"))
            .collect::<Vec<_>>()
    );
    assert!(lane.read_throttled > 0);
    assert_eq!(lane.state, LaneState::ReadsRefused);
    assert_eq!(lane.state.badge(), "THROTTLED");
    assert_eq!(lane.state.why(), "reads refused");
    let note = lane.note.as_deref().unwrap();
    // The opening scene's analytics reads with fan-out: only the five pollers share the calls.
    assert!(note.starts_with(&format!("Reads refused: its 5 polling readers asked for {} GetRecords calls in the last second; the shard serves 5 a second", lane.read_calls)), "{note}");
    assert!(readers_summary(&lane.readers, 5)
        .starts_with("5 polling readers asking for 25 GetRecords calls/s of the shard's 5; 1 reader by enhanced fan-out"), "{}", readers_summary(&lane.readers, 5));
}

#[test]
fn lane_states_from_their_numbers() {
    let limits = ShardLimits::AWS;
    let base = ShardView {
        id: "shardId-000000000000".into(),
        index: 0,
        starting_hash_key: 0,
        ending_hash_key: u128::MAX,
        width: 1.0,
        offset: 0.0,
        open: true,
        incoming_records: 900,
        incoming_bytes: 900 * 100,
        read_calls: 3,
        read_bytes: 0,
        write_throttled: 0,
        read_throttled: 0,
        write_throttled_total: 0,
        read_throttled_total: 0,
        throttling: false,
        read_throttling: false,
        state: LaneState::Ok,
        note: None,
        readers: Vec::new(),
        fan_out: Vec::new(),
        records_held: 0,
        limits,
    };
    let credit = Credit {
        records: 412,
        bytes: 700 * 1024,
    };
    assert_eq!(lane_state(&base, credit), (LaneState::Ok, None));
    let bytes = ShardView {
        incoming_records: 600,
        incoming_bytes: 1_153_434,
        ..base.clone()
    };
    let (state, note) = lane_state(&bytes, credit);
    assert_eq!(state, LaneState::OverLimit);
    assert!(note
        .unwrap()
        .starts_with("Taking 1.10 MiB/s, over the limit of 1 MiB/s, and nothing is refused yet"));
    let reads = ShardView {
        read_calls: 7,
        ..base.clone()
    };
    assert_eq!(lane_state(&reads, credit).0, LaneState::OverLimit);
    let both = ShardView {
        throttling: true,
        read_throttling: true,
        write_throttled: 1,
        read_calls: 2,
        read_throttled: 2,
        ..base.clone()
    };
    let (state, note) = lane_state(&both, credit);
    assert_eq!(state, LaneState::WritesAndReadsRefused);
    assert_eq!(
        note.unwrap(),
        "Writes refused: 1 record refused in the last second with ProvisionedThroughputExceededException, over the limit of 1,000 records and 1 MiB a second. Reads refused: a GetRecords call read more than the shard's 2 MiB a second, and the calls after it are refused with ProvisionedThroughputExceededException until that time has passed."
    );
}

#[test]
fn the_stream_shown_is_the_one_wanted_else_the_first_created() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.advance(2_000);
    session.run_command("aws kinesis create-stream --stream-name Foo --shard-count 1");
    session.advance(3_000);
    let names = |view: &crate::session::View| view.stream.as_ref().map(|s| s.name.clone());
    assert_eq!(
        names(&session.view()).as_deref(),
        Some("orders"),
        "the scenario's first"
    );
    let view = crate::session::View::showing(&session, Some("Foo"));
    assert_eq!(names(&view).as_deref(), Some("Foo"));
    assert_eq!(view.streams, ["Foo", "orders"]);
    assert_eq!(view.stream.unwrap().shards.len(), 1);
    // A name that never existed falls back to the first stream.
    let view = crate::session::View::showing(&session, Some("Bar"));
    assert_eq!(names(&view).as_deref(), Some("orders"));
    assert_eq!(view.stream_deleted, None);
    // Once deleted, the stream the learner was looking at is said to be deleted.
    // analytics reads orders with enhanced fan-out: its stream consumer goes with the stream.
    session
        .run_command("aws kinesis delete-stream --stream-name orders --enforce-consumer-deletion");
    session.advance(5_000);
    let view = crate::session::View::showing(&session, Some("orders"));
    assert!(view.stream.is_none());
    assert_eq!(view.stream_deleted.as_deref(), Some("orders"));
    assert_eq!(view.streams, ["Foo"]);
    let (title, text) = no_stream(view.stream_deleted.as_deref(), &view.streams);
    assert_eq!(title, "Stream orders was deleted");
    assert_eq!(
        text,
        "DeleteStream removed orders and its records. Other streams: Foo."
    );
    assert!(no_stream(None, &[]).1.contains("aws kinesis create-stream"));
}

#[test]
fn a_key_routes_to_the_open_shard_whose_range_holds_it() {
    let shards: Vec<(String, u128, u128)> = crate::engine::HashKeyRange::even_split(4)
        .iter()
        .enumerate()
        .map(|(i, r)| (shard_id(i as u32), r.starting_hash_key, r.ending_hash_key))
        .collect();
    let route = route_key("user-42", &shards);
    assert_eq!(route.md5, md5_hex("user-42"));
    assert_eq!(route.hash_key, hash_key_of("user-42"));
    assert_eq!(route.shard.as_ref().unwrap().0, "shardId-000000000001");
    assert!((25.0..50.0).contains(&route.position));
    assert!(route_sentence(&route)
        .starts_with("user-42 goes to shardId-000000000001: its hash key is "));
    assert!(route_key("user-42", &[]).shard.is_none());
}

#[test]
fn readers_read_as_names_and_calls() {
    let kcl = ReaderView {
        name: "analytics/worker-1".into(),
        kcl: true,
        fan_out: false,
        calls_per_second: 1000.0 / 1500.0,
        order_violations: 0,
    };
    assert_eq!(reader_label(&kcl), "analytics/worker-1 · 0.7 calls/s (KCL)");
    assert_eq!(readers_summary(&[], 5), "No reader");
    assert_eq!(
        readers_summary(&[kcl.clone(), kcl.clone()], 5),
        "2 readers asking for 1.3 GetRecords calls/s of the shard's 5"
    );
    // A consumer that got records out of order says how many, and the lane says what that
    // means; in order, neither says anything.
    let consumer = ReaderView {
        name: "c1".into(),
        kcl: false,
        fan_out: false,
        calls_per_second: 5.0,
        order_violations: 1_234,
    };
    // A fan-out reader makes no GetRecords calls: the lane says how it reads instead.
    let pushed = ReaderView {
        name: "e1".into(),
        kcl: false,
        fan_out: true,
        calls_per_second: 0.0,
        order_violations: 0,
    };
    assert_eq!(reader_label(&pushed), "e1 · enhanced fan-out");
    assert_eq!(
        readers_summary(&[pushed.clone(), kcl.clone()], 5),
        "1 polling reader asking for 0.7 GetRecords calls/s of the shard's 5; 1 reader by enhanced fan-out"
    );
    assert_eq!(
        readers_summary(&[pushed.clone(), pushed.clone()], 5),
        "2 readers by enhanced fan-out, none polling: no GetRecords call of the shard's 5"
    );
    assert_eq!(
        reader_label(&consumer),
        "c1 · 5 calls/s · 1,234 out of order"
    );
    assert_eq!(
        readers_out_of_order_note(&[kcl.clone(), consumer]),
        Some(READER_OUT_OF_ORDER)
    );
    assert_eq!(readers_out_of_order_note(&[kcl]), None);
}

#[test]
fn an_on_demand_stream_says_how_it_scales_then_why_it_split() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.run_command(
        "aws kinesis create-stream --stream-name od --stream-mode-details StreamMode=ON_DEMAND",
    );
    session.advance(3_000);
    let view = crate::session::View::showing(&session, Some("od"));
    let stream = view.stream.unwrap();
    assert_eq!(stream.mode, StreamMode::OnDemand);
    assert_eq!(stream.shards.len(), 4);
    assert_eq!(
        stream.scaling_note.as_deref(),
        Some("On-demand: the service splits a shard that takes more than 500 KB/s for 15 minutes; SplitShard, MergeShards and UpdateShardCount are refused.")
    );
    // About 0.7 MB/s on each shard: every shard splits after 15 minutes.
    session.run_command("producer add big --stream od --rate 30 --size 100000 --keys uniform:1000");
    session.advance(17 * 60_000);
    let view = crate::session::View::showing(&session, Some("od"));
    let stream = view.stream.unwrap();
    assert_eq!(stream.shards.len(), 8);
    assert_eq!(stream.closed_shards.len(), 4);
    let note = stream.scaling_note.unwrap();
    assert!(
        note.starts_with("shardId-0000000000") && note.contains(" split into shardId-"),
        "{note}"
    );
    assert!(
        note.contains("(on-demand scaling: it took 7")
            && note
                .contains(" KB/s for 15 minutes (over the 500 KB/s at which AWS splits a shard))"),
        "{note}"
    );
    // A provisioned stream has no such note.
    let orders = crate::session::View::showing(&session, Some("orders"))
        .stream
        .unwrap();
    assert_eq!(orders.mode, StreamMode::Provisioned);
    assert_eq!(orders.scaling_note, None);
}

#[test]
fn a_fan_out_subscription_is_a_pipe_with_its_own_gauge_beside_the_shared_reads() {
    let mut session = Session::new(Link::decode("").unwrap());
    crate::session::fixtures::until_analytics_processes(&mut session);
    session.run_command(
        "consumer add fast --stream orders --shard-id shardId-000000000001 --shard-iterator-type LATEST --efo",
    );
    session.advance(12_000);
    let stream = session.view().stream.unwrap();
    let hot = shard(&stream, "1");
    // The opening scene's KCL application reads with fan-out too: a pipe each, by name.
    let names: Vec<&str> = hot.fan_out.iter().map(|p| p.consumer.as_str()).collect();
    assert_eq!(names, ["analytics", "fast"]);
    let pipe = &hot.fan_out[1];
    assert_eq!(pipe.limit, 2 * 1024 * 1024);
    // The hot shard takes about 1,000 records a second, and the pipe pushes them all on.
    assert!(pipe.bytes_per_sec > 50_000, "{}", pipe.bytes_per_sec);
    // fast makes no GetRecords call: among the lane's readers it calls 0 times a second.
    let reader = hot.readers.iter().find(|r| r.name == "fast").unwrap();
    assert!(reader.fan_out);
    assert_eq!(reader.calls_per_second, 0.0);
    let pipes_of_0: Vec<&str> = shard(&stream, "0")
        .fan_out
        .iter()
        .map(|p| p.consumer.as_str())
        .collect();
    assert_eq!(pipes_of_0, ["analytics"]);
}

/// Who reads shard `index`, as the view found it before the readers were indexed: every
/// reader asked about every shard. Kept as the reference the index must agree with, and to
/// time against it.
fn readers_one_shard_at_a_time(world: &World, stream: &Stream, index: u32) -> Vec<ReaderView> {
    let now = world.now_ms();
    let mut readers = Vec::new();
    for consumer in world
        .consumers()
        .filter(|c| c.config.stream == stream.name && !c.is_paused(now))
    {
        if consumer.cursors.iter().any(|c| c.shard == index) {
            readers.push(ReaderView {
                name: consumer.name.clone(),
                kcl: false,
                fan_out: consumer.config.efo,
                calls_per_second: if consumer.config.efo {
                    0.0
                } else {
                    1000.0 / consumer.config.idle_ms.max(1) as f64
                },
                order_violations: consumer.order.violations(),
            });
        }
    }
    for app in world.apps().filter(|a| a.config.stream == stream.name) {
        let fan_out = app.config.retrieval == Retrieval::FanOut;
        let per_second = if fan_out {
            0.0
        } else {
            1000.0 / app.config.idle_time_between_reads_in_millis.max(1) as f64
        };
        for worker in app
            .workers
            .values()
            .filter(|w| w.state == WorkerState::Running)
        {
            let reading = worker.consumers.values().any(|c| {
                c.shard_index == index
                    && matches!(
                        c.state,
                        ConsumerState::Initializing
                            | ConsumerState::Processing
                            | ConsumerState::ShutdownRequested
                            | ConsumerState::ShuttingDown
                    )
            });
            if reading {
                readers.push(ReaderView {
                    name: format!("{}/{}", app.name, worker.id),
                    kcl: true,
                    fan_out,
                    calls_per_second: per_second,
                    order_violations: 0,
                });
            }
        }
    }
    readers
}

/// Every shard's readers, from the index and from the reference.
fn readers_both_ways(world: &World, stream: &Stream) -> Vec<(Vec<ReaderView>, Vec<ReaderView>)> {
    let mut index = Readers::of(world, stream);
    stream
        .shards
        .iter()
        .map(|s| {
            (
                index.take(s.index),
                readers_one_shard_at_a_time(world, stream, s.index),
            )
        })
        .collect()
}

#[test]
fn the_readers_index_finds_who_reads_each_shard_as_asking_each_shard_did() {
    let mut session = Session::new(Link::decode("").unwrap());
    crate::session::fixtures::until_analytics_processes(&mut session);
    session.run_command(
        "consumer add c1 --stream orders --shard-id shardId-000000000002 --shard-iterator-type LATEST",
    );
    session.run_command("kcl app add second --stream orders --workers 2");
    session.run_command(SPLIT_SHARD_1);
    session.advance(70_000);
    let world = &session.world;
    let stream = world.kinesis().stream("orders").unwrap();
    let both = readers_both_ways(world, stream);
    assert!(both.len() > 4, "the split's children and parent");
    for (indexed, reference) in &both {
        assert_eq!(indexed, reference);
    }
    // Not vacuous: a shard read by a consumer, fan-out KCL workers and a polling application.
    let most = both.iter().map(|(r, _)| r.len()).max().unwrap();
    assert!(most >= 3, "{both:?}");
    assert!(both
        .iter()
        .flat_map(|(r, _)| r)
        .any(|r| r.name.starts_with("second/")));
}

/// A stream of `shards` shards taking `rate` records a second, and a KCL application of 8
/// workers reading it.
fn big(shards: u32, rate: u32) -> String {
    format!(
        "aws kinesis create-stream --stream-name big --shard-count {shards}
aws kinesis wait stream-exists --stream-name big
producer add spread --stream big --rate {rate} --keys uniform:100000
kcl app add readers --stream big --workers 8 --initial-position LATEST
"
    )
}

/// The stream view's build time at 1,000 shards (`SHARDS`), with a KCL application holding
/// a lease on each after `SECONDS` (90) simulated seconds at `RATE` (10,000) records/s: the
/// whole build, and the readers part done both ways. Prints; asserts nothing about time.
/// `cargo test --release --lib view_build_at_1000_shards -- --ignored --nocapture`.
#[test]
#[ignore = "a figure to print, in release"]
fn view_build_at_1000_shards() {
    let var = |name: &str, default: u32| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (shards, rate, seconds) = (var("SHARDS", 1000), var("RATE", 10_000), var("SECONDS", 90));
    let link = Link {
        scenario: crate::session::Scenario::Script(big(shards, rate)),
        ..Link::decode("").unwrap()
    };
    let mut session = Session::new(link);
    let start = std::time::Instant::now();
    for _ in 0..seconds / 10 {
        session.advance(10_000);
        eprintln!(
            "{} s simulated, {:.1} s wall",
            session.world.elapsed_ms() / 1000,
            start.elapsed().as_secs_f64()
        );
    }
    let world = &session.world;
    let stream = world.kinesis().stream("big").unwrap();
    let both = readers_both_ways(world, stream);
    let read = both.iter().filter(|(r, _)| !r.is_empty()).count();
    assert!(both.iter().all(|(a, b)| a == b));
    let median = |f: &dyn Fn()| {
        let mut times: Vec<f64> = (0..9)
            .map(|_| {
                let start = std::time::Instant::now();
                f();
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let view = median(&|| {
        std::hint::black_box(stream_view(world, stream));
    });
    let indexed = median(&|| {
        let mut index = Readers::of(world, stream);
        for s in &stream.shards {
            std::hint::black_box(index.take(s.index));
        }
    });
    let one_by_one = median(&|| {
        for s in &stream.shards {
            std::hint::black_box(readers_one_shard_at_a_time(world, stream, s.index));
        }
    });
    println!(
        "{shards} shards ({read} with a KCL reader): stream_view {view:.2} ms; readers indexed {indexed:.2} ms, one shard at a time {one_by_one:.2} ms ({:.0}x); median of 9",
        one_by_one / indexed.max(1e-9)
    );
}
