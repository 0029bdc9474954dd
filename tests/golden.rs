//! Golden transcripts: what a learner reads, written down once and compared byte for byte.
//!
//! The determinism digests prove the *model* runs the same; these prove the *words* are the
//! same: every lesson's transcript, the console's answers and errors (typos, "did you mean",
//! usage texts), Tab completion, the event history's sentences, the page's view model and the
//! links. A refactoring must leave every file in `tests/golden/` as it is. A change that alters
//! what a learner reads on purpose re-records them with
//!
//! ```sh
//! SHARDLAB_BLESS=1 cargo test --test golden
//! ```
//!
//! and the diff of `tests/golden/` in the commit shows a reviewer exactly what changed.

use std::fmt::Write as _;
use std::path::PathBuf;

use shardlab::script::complete::complete;
use shardlab::script::{lessons, run_script};
use shardlab::session::{history, kcl_view, Link, ScriptState, Session};

fn md5(text: &str) -> String {
    format!("{:x}", md5::compute(text.as_bytes()))
}

/// Compares `actual` with `tests/golden/NAME`, or writes it there under `SHARDLAB_BLESS=1`.
fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("SHARDLAB_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; record it with SHARDLAB_BLESS=1 cargo test --test golden",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        let show = |text: &str| {
            text.lines()
                .skip(line.saturating_sub(3))
                .take(8)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{name} differs from the recorded transcript at line {}:\n--- recorded\n{}\n--- now\n{}\n\
             (if the change is on purpose: SHARDLAB_BLESS=1 cargo test --test golden, and say why in the commit)",
            line + 1,
            show(&expected),
            show(actual)
        );
    }
}

#[test]
fn every_lesson_prints_the_same_transcript() {
    let mut out = String::new();
    for lesson in lessons() {
        let (world, runner, entries) = run_script(lesson.source).expect("lessons parse");
        writeln!(out, "######## lesson {}", lesson.name).unwrap();
        for entry in &entries {
            out.push_str(&entry.render());
        }
        let snapshot = serde_json::to_string(&world.snapshot()).unwrap();
        writeln!(
            out,
            "-- {} expect(s) held, {} failed; snapshot md5 {}",
            runner.expects_passed,
            runner.expects_failed,
            md5(&snapshot)
        )
        .unwrap();
    }
    golden("lessons.txt", &out);
}

/// Lines a learner types into the console of the default scene, mistakes included.
const CONSOLE_LINES: &[&str] = &[
    "aws",
    "aws kinesis",
    "aws kinesis describe-stream-summary --stream-name orders",
    "aws kinesis describe-stream --stream-name orders --query 'StreamDescription.Shards[].ShardId'",
    "aws kinesis list-shards --stream-name orders --output text",
    "aws kinesis list-streams",
    "aws kinesis describe-limits",
    "aws kinesis put-record --stream-name orders --partition-key a --data hi",
    "aws kinesis put-record --stream-name orders --partition-key a",
    "aws kinesis put-record --stream-name orders --partition-kye a --data x",
    "aws kinesis put-record --stream-name orders --partition-key a --data x --explicit-hash-key 99999999999999999999999999999999999999999",
    "aws kinesis put-records --stream-name orders --records Data=x,PartitionKey=k Data=y,PartitionKey=j",
    "aws kinesis put-records --stream-name orders --records '[{\"Data\":\"eA==\",\"PartitionKey\":\"k\"}]'",
    "aws kinesis put-records --stream-name orders --records '[{\"Data\":1}]'",
    "aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON",
    "IT=$(aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)",
    "aws kinesis get-records --shard-iterator $IT --limit 2",
    "aws kinesis get-records --shard-iterator nonsense",
    "aws kinesis get-shard-iterator --stream-name orders --shard-id 7 --shard-iterator-type AT_TIMESTAMP --timestamp 2020-01-01T00:00:00Z",
    "aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-000000000001 --shard-iterator-type AT_SEQUENCE_NUMBER",
    "aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-000000000001 --shard-iterator-type SIDEWAYS",
    "aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000000 --new-starting-hash-key 1",
    "aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000000 --new-starting-hash-key 0",
    "aws kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.StreamStatus",
    "wait 6s",
    "aws kinesis merge-shards --stream-name orders --shard-to-merge shardId-000000000002 --adjacent-shard-to-merge shardId-000000000003",
    "aws kinesis merge-shards --stream-name orders --shard-to-merge shardId-000000000002 --adjacent-shard-to-merge shardId-000000000005",
    "wait 6s",
    "aws kinesis update-shard-count --stream-name orders --target-shard-count 8 --scaling-type UNIFORM_SCALING",
    "aws kinesis update-shard-count --stream-name orders --target-shard-count 80 --scaling-type UNIFORM_SCALING",
    "wait 31s",
    "aws kinesis list-shards --stream-name orders --shard-filter Type=AT_LATEST --query 'Shards[].ShardId'",
    "aws kinesis list-shards --stream-name orders --max-results 2",
    "aws kinesis list-shards --stream-name orders --no-paginate --max-results 1",
    "aws kinesis list-shards --stream-name orders --shard-filter Type=BOGUS",
    "aws kinesis increase-stream-retention-period --stream-name orders --retention-period-hours 48",
    "aws kinesis decrease-stream-retention-period --stream-name orders --retention-period-hours 12",
    "aws kinesis increase-stream-retention-period --stream-name orders --retention-period-hours x",
    "aws kinesis create-stream --stream-name tmp --shard-count 2",
    "aws kinesis wait stream-exists --stream-name tmp",
    "aws kinesis delete-stream --stream-name tmp",
    "aws kinesis wait stream-not-exists --stream-name tmp",
    "aws kinesis wait stream-sideways --stream-name tmp",
    "aws kinesis create-stream --stream-name tmp",
    "aws kinesis create-stream --shard-count 2",
    "aws kinesis create-stream --stream-name 'bad name!' --shard-count 2",
    "aws kinesis put-recrd",
    "aws kinesis frobnicate",
    "aws kinesis describe-stream --stream-name nope",
    "aws kinesis put-record --stream-name orders --partition-key a --data aGk= --cli-binary-format base64",
    "aws kinesis put-record --stream-name orders --partition-key a --data '!!' --cli-binary-format base64",
    "aws kinesis describe-stream-summary --stream-name orders --output text",
    "aws kinesis describe-stream-summary --stream-name orders --output yaml",
    "aws kinesis describe-stream-summary --stream-name orders --query '['",
    "aws kinesis describe-stream-summary --stream-name orders --stream-name x",
    "aws kinesis describe-stream-summary --stream-name=orders --query StreamDescriptionSummary.OpenShardCount",
    "aws kinesis describe-stream-summary --stream-name",
    "aws s3 ls",
    "aws --region eu-west-1 kinesis list-streams",
    "producer",
    "producer add",
    "producer add p2 --stream orders --rate 10",
    "producer add p2 --stream orders --rate 10",
    "producer add p3 --stream orders --rate x",
    "producer add p3 --stream orders --rate 10 --keys zipf:1.1:100 --size 10-100 --batch 50 --linger 200ms --retry backoff --attempts 4",
    "producer add p4 --stream orders --rate 10 --keys bogus",
    "producer add p4 --stream orders --rate 10 --kyes random",
    "producer add p4 --stream nope --rate 10",
    "producer add p5 --stream orders --rate 10 --explicit-hash-key 5 --size 100",
    "producer set p2 --rate 20 --keys hot:user-7:0.5:10",
    "producer set nope --rate 20",
    "producer pause p2 5s",
    "producer pause p2",
    "producer stop p2",
    "producer resume p2",
    "producer remove p2",
    "producer frob p2",
    "consumer",
    "consumer add c1 --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST",
    "consumer add c2 --stream orders --shard-id shardId-000000000000",
    "consumer add c3 --stream orders --shard-id shardId-000000000000 --shard-iterator-type AT_TIMESTAMP --timestamp 0 --idle 300ms --limit 50",
    "consumer pause c1 2s",
    "consumer stop c1",
    "consumer resume c1",
    "consumer remove c1",
    "consumer remove c1",
    "kcl",
    "kcl app",
    "kcl app add a2 --stream orders --workers 2 --checkpoint every:10",
    "kcl app add a3 --stream orders --workers 2 --checkpoint bogus",
    "kcl app add a4 --stream orders --workers 1 --checkpoint interval:5s --failover 5s --initial-position TRIM_HORIZON --processing 1ms --no-priority --forget-shard-end --max-leases-for-worker 3 --max-leases-to-steal 2 --idle 500ms --max-records 100",
    "kcl worker add a2",
    "kcl worker add a2 w9",
    "kcl worker add a2 w9",
    "kcl worker kill a2/w9",
    "kcl worker restart a2/w9",
    "kcl worker restart a2/w9 w10",
    "kcl worker pause a2/w10 10s",
    "kcl worker remove a2/w10",
    "kcl worker kill nope/x",
    "kcl worker kill a2",
    "kcl frob",
    "sim",
    "sim time",
    "sim seed 3",
    "sim seed x",
    "sim describe --query 'streams.orders.status'",
    "sim describe --query 'keys(@)' --output text",
    "sim limits --stream orders --write-records 100",
    "sim limits --stream nope",
    "sim frob",
    "wait 2s",
    "wait",
    "wait 2 parsecs",
    "wait until throttled orders --timeout 5s",
    "wait until status orders ACTIVE --timeout 10s",
    "wait until lease analytics shardId-000000000001 moves --timeout 2s",
    "wait until frobbed orders",
    "at 1m",
    "sleep 1",
    "say \"hello\"",
    "expect 1 == 1",
    "expect 1 == 2",
    "expect a contains b",
    "expect 1 =~ 2",
    "echo hello $?",
    "X=$(aws kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.OpenShardCount)",
    "echo $X ${X} $UNDEFINED",
    "echo 'unterminated",
    "echo $(aws kinesis",
    "frobnicate",
    "prodcer add",
    "step \"in the console\"",
    "ask \"Which?\" \"a\" \"b\" answer 1 because \"b\"",
    "help",
    "help producer",
    "help kcl",
    "help aws put-record",
    "help prodcer",
    "help aws",
    "help sim cli",
    "sim cli v2",
    "aws kinesis put-record --stream-name orders --partition-key a --data hello",
    "aws kinesis describe-stream --stream-name nope",
    "aws kinesis describe-stream --stream orders",
    "aws kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.StreamCreationTimestamp",
    "sim cli v1",
    "sim cli v3",
];

#[test]
fn the_console_answers_the_same() {
    let mut session = Session::new(Link::decode("#seed=5").unwrap());
    for _ in 0..50 {
        session.frame(100.0);
    }
    let mut out = String::new();
    for line in CONSOLE_LINES {
        writeln!(out, "######## {line}").unwrap();
        for entry in session.run_command(line) {
            out.push_str(&entry.render());
        }
        // Console waits run over frames.
        for _ in 0..600 {
            if session.waiting_until().is_none() {
                break;
            }
            session.frame(100.0);
        }
    }
    let (transcript, _) = session.transcript();
    writeln!(out, "######## the session's transcript").unwrap();
    for entry in transcript {
        out.push_str(&entry.render());
    }
    writeln!(out, "######## link {}", session.link().encode()).unwrap();
    golden("console.txt", &out);
}

const COMPLETION_LINES: &[&str] = &[
    "",
    "a",
    "aws ",
    "aws kinesis ",
    "aws kinesis get-sh",
    "aws kinesis put-record --",
    "aws kinesis put-record --stream-name ",
    "aws kinesis put-record --stream-name orders --partition-key k --data x --",
    "aws kinesis split-shard --stream-name orders --shard-to-split ",
    "aws kinesis get-shard-iterator --shard-iterator-type ",
    "aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-00000000000",
    "aws kinesis list-shards --shard-filter ",
    "aws kinesis update-shard-count --scaling-type ",
    "aws kinesis describe-stream --stream-name=or",
    "aws kinesis describe-stream --output ",
    "aws kinesis wait ",
    "aws kinesis wait stream-exists --",
    "aws kinesis describe-stream --stream-name orders --q",
    "producer ",
    "producer set ",
    "producer add x --",
    "producer add x --keys ",
    "producer add x --retry ",
    "producer pause ",
    "consumer ",
    "consumer add c --",
    "consumer add c --shard-iterator-type ",
    "consumer add c --stream orders --shard-id ",
    "kcl ",
    "kcl app ",
    "kcl app add x --",
    "kcl app add x --checkpoint ",
    "kcl app add x --initial-position ",
    "kcl worker ",
    "kcl worker kill ",
    "kcl worker pause analytics/",
    "kcl worker add ",
    "sim ",
    "sim describe --",
    "sim limits --",
    "wait ",
    "wait until ",
    "wait until throttled ",
    "wait until lease analytics ",
    "wait until status orders ",
    "SHARD=$(aws kinesis get-sh",
    "echo $(aws kinesis describe-stream --stream-name ",
    "echo 'aws ",
    "# aws",
    "expect ",
    "at ",
    "aws kinesis describe-stream --stream-name \"or",
    "ec",
    "he",
    "help ",
];

#[test]
fn tab_completes_the_same() {
    let mut session = Session::new(Link::decode("#seed=5").unwrap());
    for _ in 0..50 {
        session.frame(100.0);
    }
    session.run_command("producer add 'two words' --stream orders --rate 1");
    session.run_command("consumer add reader --stream orders --shard-id shardId-000000000000");
    let mut out = String::new();
    for line in COMPLETION_LINES {
        let completion = complete(line, &session.world);
        writeln!(
            out,
            "{line:?} -> at {} {:?} (common {:?})",
            completion.start,
            completion.candidates,
            completion.common_prefix()
        )
        .unwrap();
    }
    golden("completion.txt", &out);
}

/// Plays a session as a learner who always presses Next, answers 1 and presses Show me at a
/// task, and writes what the page would show: the event history's sentences, the view
/// model, the KCL view, the CSV.
fn played(fragment: &str, frames: usize, frame_ms: f64, out: &mut String, full_view: bool) {
    let mut session = Session::from_fragment(fragment);
    if let Some(notice) = &session.notice {
        writeln!(out, "notice: {notice}").unwrap();
    }
    let mut history = history::History::new(2_000);
    let mut shown = false;
    for frame in 0..frames {
        session.frame(frame_ms);
        match session.script {
            ScriptState::AtStep { .. } => session.next_step(),
            ScriptState::Asking { .. } => session.answer(1),
            _ => {}
        }
        // Show me, once for each task.
        match session.task_view() {
            Some(_) if !shown => {
                session.show_me();
                shown = true;
            }
            None => shown = false,
            _ => {}
        }
        history.push(&session.new_events());
        if frame % 100 == 99 {
            let view = serde_json::to_string(&session.view()).unwrap();
            writeln!(
                out,
                "t={} view md5 {} step {} answered {:?}",
                session.world.elapsed_ms(),
                md5(&view),
                session.current_step(),
                session.answered
            )
            .unwrap();
        }
    }
    writeln!(out, "-- history ({} lines)", history.len()).unwrap();
    for item in history.items() {
        writeln!(
            out,
            "{:>7} {:?} {} {:?} {:?}",
            item.at_ms, item.kind, item.text, item.shards, item.workers
        )
        .unwrap();
    }
    writeln!(out, "-- kcl view").unwrap();
    writeln!(
        out,
        "{}",
        serde_json::to_string(&kcl_view::apps(&session.world)).unwrap()
    )
    .unwrap();
    // A KPL producer's card, in the words it shows (plain producers' cards are in the view).
    for producer in shardlab::session::view::producers(&session.world) {
        if let Some(kpl) = &producer.kpl {
            writeln!(
                out,
                "-- kpl card {}: {} · {} ({:.1}% of the gauge) · {}",
                producer.name,
                kpl.rates(),
                kpl.buffered_label(),
                kpl.fill() * 100.0,
                kpl.expired_label()
                    .unwrap_or_else(|| "none expired".to_string())
            )
            .unwrap();
        }
    }
    let csv = shardlab::session::charts::csv(&session.world);
    writeln!(
        out,
        "-- csv: {} lines, md5 {}",
        csv.lines().count(),
        md5(&csv)
    )
    .unwrap();
    if full_view {
        writeln!(
            out,
            "-- view\n{}",
            serde_json::to_string_pretty(&session.view()).unwrap()
        )
        .unwrap();
    }
    let (transcript, _) = session.transcript();
    writeln!(out, "-- transcript").unwrap();
    for entry in transcript {
        out.push_str(&entry.render());
    }
    writeln!(out, "-- link {}", session.link().encode()).unwrap();
}

#[test]
fn the_default_scene_shows_the_same_page() {
    let mut out = String::new();
    played("", 900, 100.0, &mut out, true);
    golden("default-scene.txt", &out);
}

#[test]
fn every_lesson_shows_the_same_page() {
    let mut out = String::new();
    for lesson in lessons() {
        writeln!(out, "######## lesson {}", lesson.name).unwrap();
        played(
            &format!("#lesson={}&seed=3", lesson.name),
            600,
            100.0,
            &mut out,
            false,
        );
    }
    for fragment in [
        "#lesson=nope",
        "#script=!!!",
        "#seed=9&t=30000",
        "#lesson=hot-key&step=3",
    ] {
        writeln!(out, "######## link {fragment}").unwrap();
        played(fragment, 200, 100.0, &mut out, false);
    }
    golden("lesson-pages.txt", &out);
}
