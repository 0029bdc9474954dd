//! Snapshots must not change the run (issue 20): rewinding, Back, going to a step and forking
//! start from a snapshot of the run and replay only the rest, and what the learner then sees
//! must be exactly what replaying the link from the seed gives. For three runs (the default
//! scene, a lesson with steps, questions and a task, and a script with a reshard and the
//! learner's commands in the journal), at many moments (seeded random ones, the snapshots'
//! own moments, the milliseconds around each of the learner's actions and each step's
//! arrival), a rewound session is compared with the run replayed from the seed: the world's
//! digest (its snapshot and whole event log), the view the page draws, the transcript, the
//! script's state and the journal; and again after both play on for 30 s.
//!
//! The reference replays the link from the seed once and is compared at each moment in turn
//! (a replay reaches moment `t` through the same states whatever its final moment); a few
//! moments are also compared against `Session::new` for a link to that very moment. Short
//! runs and 5-second snapshots keep this fast in a debug build; `benches/rewind.rs` does the
//! hour.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use shardlab::script::Entry;
use shardlab::session::captions::TimeState;
use shardlab::session::{
    Link, Scenario, ScriptState, Session, TimedAction, View, CATCH_UP_SLICE_MS,
};

mod common;

const EVERY_MS: u64 = 5_000;
const PLAY_ON_MS: u64 = 30_000;
/// The slices the learner plays in (a link's catch-up goes in [`CATCH_UP_SLICE_MS`]).
const PLAY_SLICE_MS: u64 = 1_700;

/// Time never stops for a snapshot (where it stops decides when the engine logs its timed
/// changes): one is taken where the first slice, script wait or replayed action past each
/// due moment ends. So the newest snapshot at or before any moment is less than one spacing
/// plus one slice older than it, and a rebuild for `t` must start from exactly that one.
fn assert_started_near(live: &Session, t: u64, slice_ms: u64, what: &str) {
    let newest = live
        .snapshot_moments()
        .into_iter()
        .filter(|&m| m <= t)
        .max();
    let from = live.restored_from();
    assert!(
        from.is_some() && from == newest && from.is_some_and(|f| t - f < EVERY_MS + slice_ms),
        "{what}: rebuilding {t} started from {from:?}, the newest snapshot before it is {newest:?}"
    );
}

/// What the learner sees of a session, for comparing two.
#[derive(Debug, PartialEq)]
struct Seen {
    elapsed_ms: u64,
    digest: String,
    view: View,
    transcript: Vec<Entry>,
    script: ScriptState,
    journal: Vec<TimedAction>,
}

/// What the learner sees. `pace` keeps what belongs to how the session got there (playing or
/// catching up, the slider's end, a notice) rather than to the run.
fn seen(session: &Session, pace: bool) -> Seen {
    let mut view = session.view();
    if !pace {
        view.playing = false;
        view.catching_up = false;
        view.timeline_end_ms = 0;
        view.notice = None;
        if view.time == TimeState::Playing {
            view.time = TimeState::Paused;
        }
    }
    Seen {
        elapsed_ms: session.world.elapsed_ms(),
        digest: common::digest(&session.world),
        view,
        transcript: session.transcript().0.iter().cloned().collect(),
        script: session.script.clone(),
        journal: session.journal().to_vec(),
    }
}

/// The learner at work: steps passed, questions answered, tasks shown, and `commands` typed
/// at their moments, in slices of `slice_ms`, until `end_ms`.
fn play(session: &mut Session, end_ms: u64, slice_ms: u64, commands: &[(u64, &str)]) {
    let mut commands = commands.iter().peekable();
    while session.world.elapsed_ms() < end_ms {
        while let Some((_, line)) = commands.next_if(|(at, _)| *at <= session.world.elapsed_ms()) {
            session.run_command(line);
        }
        match session.script.clone() {
            ScriptState::AtStep { .. } => session.next_step(),
            ScriptState::Asking { answer, .. } => session.answer(answer),
            _ if session.task_view().is_some_and(|t| t.show) => {
                session.show_me();
            }
            _ => {}
        }
        let next = commands.peek().map_or(end_ms, |(at, _)| *at).min(end_ms);
        let left = next.saturating_sub(session.world.elapsed_ms());
        session.advance(left.clamp(1, slice_ms));
    }
}

/// A finished run of `scenario`, taking snapshots every [`EVERY_MS`]: played by the learner
/// (`live`), or opened from the link of that play (the page opening a shared link: its
/// catch-up leaves snapshots too).
fn run(scenario: Scenario, end_ms: u64, commands: &[(u64, &str)], live: bool) -> Session {
    let mut session = Session::new(Link::start(scenario, 7));
    session.set_snapshot_every(EVERY_MS);
    play(&mut session, end_ms, PLAY_SLICE_MS, commands);
    if !live {
        let link = session.link();
        session = Session::new(link);
        session.set_snapshot_every(EVERY_MS);
        session.finish_catch_up();
    }
    assert!(
        session.snapshot_moments().len() >= 5,
        "{:?}",
        session.snapshot_moments()
    );
    session
}

/// The moments to rewind to: seeded random ones, some snapshots' own, and the milliseconds
/// around the learner's actions and the steps' arrivals.
fn moments(session: &Session, random: usize) -> Vec<u64> {
    let end = session.timeline_end_ms();
    let mut rng = Pcg64Mcg::seed_from_u64(20);
    let mut moments: Vec<u64> = (0..random).map(|_| rng.random_range(1..=end)).collect();
    let snaps = session.snapshot_moments();
    moments.extend(snaps.iter().step_by(4).copied());
    let marks = session
        .journal()
        .iter()
        .map(|a| a.at_ms)
        .chain(session.arrivals().iter().map(|a| a.at_ms));
    for at in marks {
        moments.extend([at.saturating_sub(1), at, at + 1]);
    }
    // A scenario's setup may take time before anyone can rewind (the default scene waits
    // for its stream): no moment before it exists.
    let start = Session::new(Link::start(session.scenario().clone(), session.seed()))
        .world
        .elapsed_ms();
    moments.retain(|&m| m > start && m <= end);
    moments.sort_unstable();
    moments.dedup();
    moments
}

/// Rewinds `live` to each moment (in a shuffled order, as a slider goes), and plays on from a
/// few of them; compares what it sees with one replay of the run's link from the seed. The
/// run's snapshots were taken in slices of at most `slice_ms`.
fn rewinds_match_the_seed(live: &mut Session, random: usize, play_on: usize, slice_ms: u64) {
    let end = live.timeline_end_ms();
    let mut full = live.link();
    full.time_ms = end;
    let moments = moments(live, random);
    let first_snapshot = live.snapshot_moments()[0];
    let mut order = moments.clone();
    let mut rng = Pcg64Mcg::seed_from_u64(2);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let mut expected: BTreeMap<u64, Vec<(String, Seen)>> = BTreeMap::new();
    for (n, &asked) in order.iter().enumerate() {
        live.rewind_to(asked);
        live.finish_catch_up();
        // A script's own waits run at once (a lesson's `wait stream-exists`): a moment inside
        // one is where it ends.
        let t = live.world.elapsed_ms();
        assert!(
            t >= asked && t < asked + 10_000,
            "rewound to {asked}, at {t}"
        );
        if asked >= first_snapshot {
            assert_started_near(live, t, slice_ms, "a rewind");
        }
        assert!(!live.playing, "a rewind holds still");
        expected
            .entry(t)
            .or_default()
            .push((format!("rewound to {t}"), seen(live, false)));
        if n < play_on && t + PLAY_ON_MS <= end {
            live.playing = true;
            live.advance(PLAY_ON_MS);
            live.playing = false;
            let at = live.world.elapsed_ms();
            expected.entry(at).or_default().push((
                format!("rewound to {t}, played on to {at}"),
                seen(live, false),
            ));
        }
    }
    // One replay from the seed, stopping at each moment.
    let mut seed = Session::new(full);
    seed.set_snapshot_every(0);
    for (&t, want) in &expected {
        seed.advance(t - seed.world.elapsed_ms());
        // Pace, not run: the caption says "paused".
        seed.playing = false;
        let got = seen(&seed, false);
        for (what, want) in want {
            assert!(
                *want == got,
                "{what}: differs from the seed's replay\n{}",
                first_difference(want, &got)
            );
        }
    }
    assert_eq!(seed.world.elapsed_ms(), *expected.keys().last().unwrap());
}

/// A link opened cold (replayed from the seed by `Session::new`) and the same link reached
/// by `live` from its snapshots look the same, pace and all.
fn matches_a_cold_link(live: &Session, what: &str) {
    let mut cold = Session::new(live.link());
    cold.set_snapshot_every(0);
    cold.finish_catch_up();
    let (mut want, mut got) = (seen(&cold, true), seen(live, true));
    // The slider keeps the rewound timeline's end; a cold link knows only its moment.
    want.view.timeline_end_ms = 0;
    got.view.timeline_end_ms = 0;
    assert!(want == got, "{what}\n{}", first_difference(&want, &got));
}

fn first_difference(want: &Seen, got: &Seen) -> String {
    if want.elapsed_ms != got.elapsed_ms || want.digest != got.digest {
        return format!(
            "at {} / {}: world digests {} / {}",
            want.elapsed_ms, got.elapsed_ms, want.digest, got.digest
        );
    }
    let (w, g) = (format!("{want:#?}"), format!("{got:#?}"));
    let same = w.lines().zip(g.lines()).take_while(|(a, b)| a == b).count();
    let around = |s: &str| {
        let lines: Vec<&str> = s.lines().skip(same.saturating_sub(8)).take(16).collect();
        lines.join("\n")
    };
    format!(
        "first different line {same}:\n{}\n----\n{}",
        around(&w),
        around(&g)
    )
}

#[test]
fn rewinding_the_default_scene_gives_the_run_replayed_from_the_seed() {
    let mut live = run(Scenario::Default, 75_000, &[], true);
    rewinds_match_the_seed(&mut live, 14, 2, PLAY_SLICE_MS);
    live.rewind_to(31_234);
    live.finish_catch_up();
    assert_started_near(&live, 31_234, PLAY_SLICE_MS, "a rewind to 31.234 s");
    matches_a_cold_link(&live, "the default scene rewound to 31.234 s");

    // A link of the same run opened in the page (the address changed) starts from the
    // snapshots too; another run's link starts from its seed, and its store is new.
    let mut link = live.link();
    link.time_ms = 47_000;
    live.open_fragment(&link.encode());
    live.finish_catch_up();
    assert_started_near(&live, 47_000, PLAY_SLICE_MS, "a link to 47 s");
    matches_a_cold_link(&live, "a link of the same run to 47 s");
    link.seed = 8;
    live.open_fragment(&link.encode());
    assert_eq!(live.restored_from(), None);
    assert!(live.snapshot_moments().is_empty());
}

/// A light script with a reshard and the learner's commands, some at the very moment of a
/// snapshot and of the script's own actions.
const SCRIPT: &str = "\
aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 300 --keys zipf:1.1:500
consumer add c --stream s --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
wait 20s
aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000001 --new-starting-hash-key 255211775190703847597530955573826158592
wait 40s
say done
";

const COMMANDS: &[(u64, &str)] = &[
    (10_000, "producer set p --rate 500"),
    (23_456, "producer add q --stream s --rate 200 --keys hot:k:0.8:50"),
    (40_000, "aws kinesis merge-shards --stream-name s --shard-to-merge shardId-000000000000 --adjacent-shard-to-merge shardId-000000000002"),
    (61_001, "producer pause q 3s"),
    (77_777, "producer set p --rate 100"),
];

#[test]
fn rewinding_a_script_with_a_reshard_and_the_learners_commands_gives_the_seeds_run() {
    let mut live = run(
        Scenario::Script(SCRIPT.to_string()),
        100_000,
        COMMANDS,
        false,
    );
    assert_eq!(live.journal().len(), COMMANDS.len(), "{:?}", live.journal());
    rewinds_match_the_seed(&mut live, 12, 3, CATCH_UP_SLICE_MS);

    // Acting after a rewind forks a new future: the old one's snapshots go, new ones come,
    // and a rewind into the new future starts from them and matches its link from the seed.
    live.rewind_to(52_500);
    live.finish_catch_up();
    live.run_command("producer set p --rate 700");
    assert!(live.snapshot_moments().iter().all(|&m| m <= 52_500));
    assert_eq!(live.journal().len(), 4);
    live.playing = true;
    play(&mut live, 72_500, PLAY_SLICE_MS, &[]);
    assert!(
        live.snapshot_moments()
            .iter()
            .any(|&m| (70_000..70_000 + PLAY_SLICE_MS).contains(&m)),
        "{:?} at {}",
        live.snapshot_moments(),
        live.world.elapsed_ms()
    );
    live.rewind_to(66_000);
    live.finish_catch_up();
    assert_started_near(&live, 66_000, PLAY_SLICE_MS, "a rewind into the fork");
    matches_a_cold_link(&live, "a fork rewound to 66 s");
}

#[test]
fn rewinding_and_going_back_through_a_lesson_gives_the_seeds_run() {
    let mut live = run(
        Scenario::Lesson("kcl-failover".to_string()),
        170_000,
        &[],
        false,
    );
    assert!(live.arrivals().len() >= 3, "{:?}", live.arrivals());
    rewinds_match_the_seed(&mut live, 10, 2, CATCH_UP_SLICE_MS);

    // Going to a step and Back start from snapshots taken before the step, and give what a
    // link to that step gives from the seed.
    live.rewind_to(live.timeline_end_ms());
    live.finish_catch_up();
    let arrivals = live.arrivals().to_vec();
    live.go_to_step(2);
    live.finish_catch_up();
    assert!(
        live.restored_from().is_some_and(
            |f| f <= arrivals[1].at_ms && arrivals[1].at_ms - f < EVERY_MS + CATCH_UP_SLICE_MS
        ),
        "{:?} for step 2 at {}",
        live.restored_from(),
        arrivals[1].at_ms
    );
    assert!(matches!(live.script, ScriptState::AtStep { number: 2, .. }));
    matches_a_cold_link(&live, "going to step 2");
    live.next_step();
    live.playing = true;
    live.advance(3_000);
    live.back();
    live.finish_catch_up();
    assert!(matches!(live.script, ScriptState::AtStep { number: 2, .. }));
    assert!(live.restored_from().is_some());
    matches_a_cold_link(&live, "Back to step 2");
}
