//! Unit tests of the event history: its lines, their order, summing and filtering.
use super::*;
use crate::engine::metrics::Metric;
use crate::kcl::KclEvent;
use crate::session::text::{and_list, int, plural};
use crate::session::{Link, Session};
use crate::sim::{ActorKind, EventKind, Fault, FaultAction};

const SHARD_0: &str = "shardId-000000000000";
const SHARD_1: &str = "shardId-000000000001";

/// The default scene (4 shards, web/mobile/viral, KCL app analytics) after `ms`.
fn default_scene(ms: u64) -> Session {
    let mut session = Session::new(Link::decode("#seed=1").unwrap());
    session.advance(ms);
    session
}

/// The default scene once its KCL 3.x application has processed every shard for 10 s (its
/// leader assigns the leases 40-70 s after the start).
fn processing_scene() -> Session {
    let mut session = default_scene(0);
    crate::session::fixtures::until_analytics_processes(&mut session);
    session.advance(10_000);
    session
}

fn events(session: &Session) -> Vec<Event> {
    session.world.events_since(0).events
}

/// The number right after `verb` in a line: "web put 1,200 records" -> 1200.
fn number_after(text: &str, verb: &str) -> u64 {
    let (_, rest) = text
        .split_once(verb)
        .unwrap_or_else(|| panic!("{verb} in {text}"));
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("a number in {text}"))
}

fn of_kind(items: &[HistoryItem], kind: HistoryKind) -> Vec<&HistoryItem> {
    items.iter().filter(|i| i.kind == kind).collect()
}

fn filter_shard(shard: &str) -> HistoryFilter {
    HistoryFilter {
        shard: Some(shard.to_string()),
        ..HistoryFilter::default()
    }
}

#[test]
fn the_hot_keys_shard_throttles_and_the_others_do_not() {
    let session = default_scene(30_000);
    let items = build(&events(&session));
    let throttles = of_kind(&items, HistoryKind::Throttles);
    assert!(throttles.iter().any(|i| i.shards == [SHARD_1]));
    assert!(throttles
        .iter()
        .all(|i| !i.shards.iter().any(|s| s == SHARD_0)));
    assert!(
        throttles
            .iter()
            .any(|i| i.text.contains("from viral") && i.text.contains("key user-42")),
        "the hot key is named"
    );
    assert!(throttles
        .iter()
        .all(|i| i.text.contains("ProvisionedThroughputExceededException")));
}

#[test]
fn the_puts_of_a_second_add_up_to_the_shard_metrics() {
    let session = default_scene(30_000);
    let events = events(&session);
    let items = build(&events);
    let stream = session.world.kinesis().stream("orders").unwrap();
    // Whole seconds well inside the run (the stream was ACTIVE after 10 s).
    for elapsed_second in 12..29 {
        let second = START_MS / 1000 + elapsed_second;
        for (index, shard) in stream.shards.iter().enumerate() {
            let id = crate::engine::shard_id(index as u32);
            let lines: Vec<&HistoryItem> = items
                .iter()
                .filter(|i| i.kind == HistoryKind::Puts && i.at_ms / 1000 == elapsed_second)
                .filter(|i| i.shards == [id.clone()])
                .collect();
            let listed: u64 = lines.iter().map(|i| number_after(&i.text, " put ")).sum();
            let metric = shard.metrics.in_second(Metric::IncomingRecords, second);
            assert_eq!(listed, metric, "{id} in second {elapsed_second}");
            // One line per producer, shard and second.
            let producers: BTreeSet<&str> = lines
                .iter()
                .filter_map(|i| i.text.split_whitespace().next())
                .collect();
            assert_eq!(producers.len(), lines.len());
            // web's line is the sum of web's sends.
            let web: u64 = events
                .iter()
                .filter(|e| e.at_ms / 1000 == second)
                .filter_map(|e| match &e.kind {
                    EventKind::RecordsPut {
                        producer,
                        shard,
                        count,
                        ..
                    } if producer == "web" && *shard == id => Some(*count),
                    _ => None,
                })
                .sum();
            let web_line = lines.iter().find(|i| i.text.starts_with("web put "));
            assert_eq!(web_line.map_or(0, |i| number_after(&i.text, " put ")), web);
        }
    }
}

#[test]
fn a_put_line_says_how_many_of_the_same_second_were_refused() {
    let session = default_scene(30_000);
    let items = build(&events(&session));
    let refused: Vec<&HistoryItem> = of_kind(&items, HistoryKind::Throttles)
        .into_iter()
        .filter(|i| i.text.contains("from viral"))
        .collect();
    assert!(!refused.is_empty());
    for throttle in refused {
        let second = throttle.at_ms / 1000;
        let put = items
            .iter()
            .find(|i| {
                i.kind == HistoryKind::Puts
                    && i.at_ms / 1000 == second
                    && i.shards == throttle.shards
                    && i.text.starts_with("viral put ")
            })
            .expect("viral put records in the same second");
        assert_eq!(
            number_after(&put.text, ", "),
            number_after(&throttle.text, " refused "),
            "{} / {}",
            put.text,
            throttle.text
        );
        assert!(put
            .text
            .ends_with("refused (ProvisionedThroughputExceeded)"));
    }
}

#[test]
fn renewals_are_one_line_per_worker_and_second() {
    let session = processing_scene();
    let events = events(&session);
    let items = build(&events);
    let renewals: Vec<&HistoryItem> = items
        .iter()
        .filter(|i| i.text.contains(" renewed "))
        .collect();
    assert!(!renewals.is_empty());
    let mut seen = BTreeSet::new();
    for line in &renewals {
        assert_eq!(line.kind, HistoryKind::Lease);
        assert_eq!(line.workers.len(), 1);
        assert!(seen.insert((line.workers[0].clone(), line.at_ms / 1000)));
        let leases: BTreeSet<&String> = events
            .iter()
            .filter(|e| elapsed(e.at_ms) / 1000 == line.at_ms / 1000)
            .filter_map(|e| match &e.kind {
                EventKind::Kcl {
                    event:
                        KclEvent::LeaseRenewed {
                            app, worker, lease, ..
                        },
                } if worker_id(app, worker) == line.workers[0] => Some(lease),
                _ => None,
            })
            .collect();
        assert_eq!(number_after(&line.text, " renewed "), leases.len() as u64);
        assert_eq!(line.shards.iter().collect::<BTreeSet<_>>(), leases);
        assert!(line.text.contains("leaseCounter now "));
    }
}

#[test]
fn filters_keep_only_what_involves_the_shard_the_worker_and_the_kinds() {
    let session = processing_scene();
    let mut history = History::new(10_000);
    history.push(&events(&session));

    let by_shard = filter_shard(SHARD_1);
    let lines: Vec<&HistoryItem> = history.filtered(&by_shard).collect();
    assert!(lines.len() > 10);
    assert!(lines.iter().all(|i| i.shards.iter().any(|s| s == SHARD_1)));
    let kinds: BTreeSet<HistoryKind> = lines.iter().map(|i| i.kind).collect();
    assert!(kinds.contains(&HistoryKind::Puts) && kinds.contains(&HistoryKind::Throttles));

    let worker = "analytics/worker-2".to_string();
    let by_worker = HistoryFilter {
        worker: Some(worker.clone()),
        ..HistoryFilter::default()
    };
    let lines: Vec<&HistoryItem> = history.filtered(&by_worker).collect();
    assert!(lines.iter().all(|i| i.workers.contains(&worker)));
    assert!(lines.iter().any(|i| i.kind == HistoryKind::Lease));
    assert!(lines.iter().all(|i| i.kind != HistoryKind::Puts));

    let leases_of_worker = HistoryFilter {
        kinds: [HistoryKind::Lease].into(),
        ..by_worker.clone()
    };
    let leases: Vec<&HistoryItem> = history.filtered(&leases_of_worker).collect();
    assert!(!leases.is_empty());
    assert!(leases
        .iter()
        .all(|i| i.kind == HistoryKind::Lease && i.workers.contains(&worker)));

    let two_kinds = HistoryFilter {
        kinds: [HistoryKind::Status, HistoryKind::Fault].into(),
        ..HistoryFilter::default()
    };
    let lines: Vec<&HistoryItem> = history.filtered(&two_kinds).collect();
    assert!(lines.iter().any(|i| i.kind == HistoryKind::Status));
    assert!(lines.iter().any(|i| i.kind == HistoryKind::Fault));
    assert!(lines
        .iter()
        .all(|i| matches!(i.kind, HistoryKind::Status | HistoryKind::Fault)));

    // Empty fields mean "any".
    let blank = HistoryFilter {
        shard: Some(String::new()),
        worker: Some(String::new()),
        kinds: BTreeSet::new(),
    };
    assert_eq!(history.filtered(&blank).count(), history.len());
    let nobody = HistoryFilter {
        worker: Some("analytics/worker-99".into()),
        ..HistoryFilter::default()
    };
    assert_eq!(history.filtered(&nobody).count(), 0);
}

#[test]
fn reads_and_read_throttles_are_one_line_per_consumer_shard_and_second() {
    let script = "aws kinesis create-stream --stream-name feed --shard-count 1
aws kinesis wait stream-exists --stream-name feed
producer add p --stream feed --rate 100
consumer add c1 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c2 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c3 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c4 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c5 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c6 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
";
    let mut session = Session::new(Link::start(
        crate::session::Scenario::Script(script.into()),
        3,
    ));
    session.advance(30_000);
    let events = events(&session);
    let items = build(&events);
    let shard = &session.world.kinesis().stream("feed").unwrap().shards[0];
    let reads = of_kind(&items, HistoryKind::Reads);
    assert!(reads.iter().any(|i| i.text.starts_with("c1 read ")));
    let refusals: Vec<&HistoryItem> = of_kind(&items, HistoryKind::Throttles)
        .into_iter()
        .filter(|i| i.text.contains("GetRecords call"))
        .collect();
    assert!(
        !refusals.is_empty(),
        "six readers of one shard are throttled"
    );
    let mut keys = BTreeSet::new();
    for line in reads.iter().chain(&refusals) {
        assert_eq!(line.shards, [SHARD_0]);
        let consumer = if line.kind == HistoryKind::Reads {
            line.text.split_whitespace().next()
        } else {
            line.text.split_whitespace().nth(6)
        }
        .unwrap();
        assert!(keys.insert((line.kind, consumer, line.at_ms / 1000)));
        let in_second = |e: &&Event| elapsed(e.at_ms) / 1000 == line.at_ms / 1000;
        if line.kind == HistoryKind::Reads {
            let (records, calls) = events
                .iter()
                .filter(in_second)
                .filter_map(|e| match &e.kind {
                    EventKind::RecordsRead {
                        consumer: c, count, ..
                    } if c == consumer => Some(*count),
                    _ => None,
                })
                .fold((0, 0), |(r, c), n| (r + n, c + 1));
            assert_eq!(number_after(&line.text, " read "), records);
            assert_eq!(number_after(&line.text, " in "), calls);
            assert!(line.text.contains("MillisBehindLatest"));
        } else {
            let calls = events
                .iter()
                .filter(in_second)
                .filter(|e| {
                    matches!(&e.kind, EventKind::ReadThrottled { consumer: c, .. } if c == consumer)
                })
                .count() as u64;
            assert_eq!(
                number_after(&line.text, " refused "),
                calls,
                "{}",
                line.text
            );
        }
    }
    // Every refused GetRecords call of a second is listed.
    for second in 12..29 {
        let listed: u64 = refusals
            .iter()
            .filter(|i| i.at_ms / 1000 == second)
            .map(|i| number_after(&i.text, " refused "))
            .sum();
        let metric = shard.metrics.in_second(
            Metric::ReadProvisionedThroughputExceeded,
            START_MS / 1000 + second,
        );
        assert_eq!(listed, metric, "second {second}");
    }
}

#[test]
fn a_split_is_told_with_its_parent_and_children() {
    let mut session = default_scene(15_000);
    session.run_command(
        "aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 \
         --new-starting-hash-key 127605887595351923798765477786913079296",
    );
    session.advance(10_000);
    let items = build(&events(&session));
    let reshards = of_kind(&items, HistoryKind::Reshard);
    let split = reshards
        .iter()
        .find(|i| i.text.contains("split"))
        .expect("a line for the split");
    assert_eq!(
        split.text,
        "shardId-000000000001 of orders split into shardId-000000000004 and \
         shardId-000000000005: the parent is closed, its children take its writes"
    );
    assert_eq!(
        split.shards,
        [SHARD_1, "shardId-000000000004", "shardId-000000000005"]
    );
    let status: Vec<&str> = of_kind(&items, HistoryKind::Status)
        .iter()
        .map(|i| i.text.as_str())
        .filter(|t| t.starts_with("stream orders"))
        .collect();
    assert!(status.contains(&"stream orders is now UPDATING"));
    assert_eq!(status.last(), Some(&"stream orders is now ACTIVE"));
    // The children take writes afterwards, and the learner can filter by them.
    let child = filter_shard("shardId-000000000004");
    let mut history = History::new(10_000);
    history.push(&events(&session));
    assert!(history
        .filtered(&child)
        .any(|i| i.kind == HistoryKind::Puts && i.at_ms > split.at_ms));
    assert!(history
        .shards()
        .contains(&"shardId-000000000005".to_string()));
}

#[test]
fn a_dead_workers_leases_are_taken_from_it() {
    // KCL 2.x: the other workers' lease takers take the dead worker's expired leases (KCL 3.x's
    // leader reassigns them instead: kcl_view's tests).
    let mut session = crate::session::fixtures::opening_session_kcl2(1, "");
    session.advance(20_000);
    let app = session.world.app("analytics").unwrap();
    assert_eq!(app.workers.keys().count(), 3);
    // The worker holding the most leases.
    let victim = app
        .workers
        .keys()
        .max_by_key(|id| {
            app.table
                .rows()
                .filter(|l| l.lease_owner.as_deref() == Some(id.as_str()))
                .count()
        })
        .unwrap()
        .clone();
    let mut history = History::new(5_000);
    let mut cursor = 0;
    let mut feed = |session: &Session, history: &mut History| {
        let since = session.world.events_since(cursor);
        cursor = since.next;
        history.push(&since.events);
    };
    feed(&session, &mut history);
    let killed_at = session.world.elapsed_ms();
    session.run_command(&format!("kcl worker kill analytics/{victim}"));
    for _ in 0..60 {
        session.advance(1_000);
        feed(&session, &mut history);
    }
    let dead = format!("analytics/{victim}");
    let after: Vec<&HistoryItem> = history.items().filter(|i| i.at_ms >= killed_at).collect();
    assert!(after
        .iter()
        .any(|i| i.kind == HistoryKind::Fault && i.text == format!("KCL worker {dead} killed")));
    let taken: Vec<&&HistoryItem> = after
        .iter()
        .filter(|i| i.kind == HistoryKind::Lease)
        .filter(|i| {
            i.text
                .contains(&format!("from {dead}, whose lease had expired"))
        })
        .collect();
    assert!(!taken.is_empty(), "its leases are taken from it");
    for line in &taken {
        assert!(line.workers.contains(&dead));
        assert_eq!(line.workers.len(), 2);
        assert_eq!(line.shards.len(), 1);
        assert!(line.text.contains(" took lease shardId-"));
    }
    // A dead worker renews nothing.
    assert!(!after
        .iter()
        .any(|i| i.text.starts_with(&format!("{dead} renewed"))));
    // Its filter shows its story: the kill, and its leases going.
    let by_dead = HistoryFilter {
        worker: Some(dead.clone()),
        kinds: [HistoryKind::Lease].into(),
        shard: None,
    };
    assert!(history.filtered(&by_dead).count() >= taken.len());
}

#[test]
fn chunks_of_any_size_give_the_same_lines_as_build() {
    let mut session = default_scene(20_000);
    session.run_command("kcl worker kill analytics/worker-1");
    session.run_command(
        "aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 \
         --new-starting-hash-key 127605887595351923798765477786913079296",
    );
    let put = "aws kinesis put-record --stream-name orders --data aGk= --partition-key";
    session.run_command(&format!("{put} user-42"));
    session.run_command(&format!("{put} k --explicit-hash-key 0"));
    session.advance(15_000);
    let events = events(&session);
    let built = build(&events);
    assert!(built.len() > 100);
    for chunk in [1, 7, events.len()] {
        let mut history = History::new(usize::MAX);
        for part in events.chunks(chunk) {
            history.push(part);
        }
        let fed: Vec<HistoryItem> = history.items().cloned().collect();
        assert_eq!(fed, built, "chunks of {chunk}");
    }
    // Ordered by time, then seq; seqs are keys.
    assert!(built
        .windows(2)
        .all(|w| (w[0].at_ms, w[0].seq) < (w[1].at_ms, w[1].seq)));
    // Console puts are listed under "console".
    let console: Vec<&str> = built
        .iter()
        .filter(|i| i.text.contains("console"))
        .map(|i| i.text.as_str())
        .collect();
    // The hot shard refuses the put to user-42 at the instant the producers' send took its
    // capacity; the console's AWS CLI retries it, as the real one does, and it gets in
    // within the same second.
    assert_eq!(
        console,
        [
            "shardId-000000000001 refused 1 record from console with \
             ProvisionedThroughputExceededException (over its write limit); first refused \
             key user-42",
            "console put 1 record into shardId-000000000001, 1 refused (ProvisionedThroughputExceeded)",
            "console put 1 record into shardId-000000000000"
        ]
    );
}

#[test]
fn the_export_is_json_of_the_filtered_lines_with_kinds_by_label() {
    let session = default_scene(30_000);
    let mut history = History::new(10_000);
    history.push(&events(&session));
    let filter = HistoryFilter {
        shard: Some(SHARD_1.into()),
        kinds: [HistoryKind::Throttles, HistoryKind::Lease].into(),
        ..HistoryFilter::default()
    };
    let expected = history.filtered(&filter).count();
    assert!(expected > 0);
    let json = history.to_json(&filter);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lines = parsed.as_array().unwrap();
    assert_eq!(lines.len(), expected);
    for line in lines {
        assert!(["Throttles", "Leases"].contains(&line["kind"].as_str().unwrap()));
        assert!(line["text"].as_str().is_some());
        assert!(line["at_ms"].as_u64().is_some() && line["seq"].as_u64().is_some());
        assert!(line["shards"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(SHARD_1)));
    }
    let everything = history.to_json(&HistoryFilter::default());
    let parsed: serde_json::Value = serde_json::from_str(&everything).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), history.len());
    assert_eq!(History::new(5).to_json(&filter), "[]");
}

#[test]
fn every_kind_is_exported_as_its_label() {
    for kind in HistoryKind::ALL {
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.label());
    }
    let labels: BTreeSet<&str> = HistoryKind::ALL.iter().map(|k| k.label()).collect();
    assert_eq!(labels.len(), HistoryKind::ALL.len());
}

#[test]
fn capacity_bounds_the_history_and_drops_the_oldest() {
    let session = default_scene(30_000);
    let events = events(&session);
    let built = build(&events);
    let mut history = History::new(200);
    for part in events.chunks(50) {
        history.push(part);
        assert!(history.len() <= 200);
    }
    assert_eq!(history.len(), 200);
    let kept: Vec<HistoryItem> = history.items().cloned().collect();
    assert_eq!(kept, built[built.len() - 200..]);
    assert!(history.groups.len() <= history.len());

    let mut none = History::new(0);
    none.push(&events);
    assert!(none.is_empty());
    assert!(none.groups.is_empty());

    history.clear();
    assert!(history.is_empty() && history.shards().is_empty());
    history.push(&events);
    assert_eq!(history.len(), 200);
}

#[test]
fn the_filter_menus_list_every_shard_and_worker() {
    let session = default_scene(30_000);
    let mut history = History::new(10_000);
    history.push(&events(&session));
    assert_eq!(
        history.shards(),
        (0..4).map(crate::engine::shard_id).collect::<Vec<_>>()
    );
    assert_eq!(
        history.workers(),
        [
            "analytics/worker-1",
            "analytics/worker-2",
            "analytics/worker-3"
        ]
    );
}

#[test]
fn odd_events_do_not_panic_and_are_still_ordered() {
    let put = |seq: u64, at_ms: u64, shard: &str, count: u64| Event {
        seq,
        at_ms,
        kind: EventKind::RecordsPut {
            producer: String::new(),
            stream: String::new(),
            shard: shard.to_string(),
            count,
            sample_key: String::new(),
            kinesis_records: None,
        },
    };
    let events = vec![
        put(5, START_MS + 5_000, "", u64::MAX),
        put(5, START_MS + 5_000, "", u64::MAX),
        put(3, 0, SHARD_0, 1),
        Event {
            seq: 9,
            at_ms: u64::MAX,
            kind: EventKind::ShardEnded {
                consumer: String::new(),
                stream: String::new(),
                shard: String::new(),
                children: Vec::new(),
            },
        },
        Event {
            seq: 1,
            at_ms: START_MS,
            kind: EventKind::Kcl {
                event: KclEvent::LeaseTaken {
                    app: "a".into(),
                    lease: String::new(),
                    worker: String::new(),
                    from: Some(String::new()),
                    counter: 0,
                    stolen: true,
                    how: None,
                },
            },
        },
        Event {
            seq: 2,
            at_ms: START_MS,
            kind: EventKind::Kcl {
                event: KclEvent::Overlap {
                    app: "a".into(),
                    lease: SHARD_1.into(),
                    workers: Vec::new(),
                },
            },
        },
    ];
    let items = build(&events);
    assert_eq!(items.len(), 5, "the two identical puts are one line");
    assert!(items
        .windows(2)
        .all(|w| (w[0].at_ms, w[0].seq) <= (w[1].at_ms, w[1].seq)));
    assert!(items.iter().all(|i| !i.text.is_empty()));
    assert!(items.iter().all(|i| i.shards.iter().all(|s| !s.is_empty())));
    let mut history = History::new(2);
    for event in events.iter().rev() {
        history.push(std::slice::from_ref(event));
    }
    assert!(history.len() <= 2);
}

#[test]
fn words() {
    assert_eq!(int(0), "0");
    assert_eq!(int(1_350), "1,350");
    assert_eq!(int(u64::MAX), "18,446,744,073,709,551,615");
    assert_eq!(plural(1, "lease", "leases"), "1 lease");
    assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
}

#[test]
fn a_fault_reads_as_what_was_done_to_whom() {
    let fault = |actor, target: &str, what| Event {
        seq: 1,
        at_ms: START_MS + 2_000,
        kind: EventKind::Fault {
            target: target.to_string(),
            fault: Fault { actor, what },
        },
    };
    let items = build(&[
        fault(
            ActorKind::Producer,
            "web",
            FaultAction::Paused { for_ms: 500 },
        ),
        fault(ActorKind::KclApplication, "analytics", FaultAction::Added),
    ]);
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "producer web paused for 500 ms",
            "KCL application analytics added"
        ]
    );
    assert!(items.iter().all(|i| i.kind == HistoryKind::Fault));
}
