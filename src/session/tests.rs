//! Unit tests of the session: playback, links, Back, rewind and the console, natively.
use super::*;
use crate::script::duration::human;

#[test]
fn the_default_scene_runs_a_hot_stream_and_an_application() {
    let mut session = Session::new(Link::decode("").unwrap());
    for _ in 0..300 {
        session.frame(100.0);
    }
    let view = session.view();
    let stream = view.stream.expect("a stream");
    assert_eq!(stream.shards.len(), 4);
    assert!(
        stream.shards[1].write_throttled_total > 0,
        "the hot key's shard throttles"
    );
    assert_eq!(stream.shards[0].write_throttled_total, 0);
    assert_eq!(session.world.app("analytics").unwrap().workers.len(), 3);
}

#[test]
fn step_advances_exactly_one_step_and_pause_holds_time() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.playing = false;
    let before = session.world.elapsed_ms();
    session.frame(16.0);
    assert_eq!(session.world.elapsed_ms(), before);
    session.step();
    assert_eq!(session.world.elapsed_ms(), before + STEP_MS);
}

#[test]
fn reset_keeps_playing_speed_and_clock_and_opening_a_scenario_keeps_only_the_clock() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.set_speed(2.0);
    session.set_clock(ticking_clock);
    for playing in [false, true] {
        session.playing = playing;
        session.frame(100.0);
        session.reset();
        assert_eq!(session.playing, playing);
        assert_eq!(session.speed(), 2.0);
        assert!(session.prefs.clock.is_some());
    }
    session.open(Scenario::Default, 7);
    assert_eq!(session.speed(), DEFAULT_SPEED);
    assert!(session.prefs.clock.is_some());
    assert_eq!(session.seed(), 7);
}

#[test]
fn a_hidden_tab_does_not_cause_a_catch_up_storm() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.set_speed(2.0);
    let before = session.world.elapsed_ms();
    session.frame(60_000.0); // a minute in the background
    assert_eq!(session.world.elapsed_ms(), before + 200);
}

#[test]
fn a_link_reproduces_the_same_run() {
    let mut first = Session::new(Link::decode("#lesson=hot-key&seed=9").unwrap());
    first.playing = true;
    for _ in 0..400 {
        first.frame(50.0);
        match first.script {
            ScriptState::AtStep { .. } => first.next_step(),
            ScriptState::Asking { .. } => first.answer(1),
            _ => {}
        }
    }
    let link = first.link();
    let mut second = Session::new(Link::decode(&link.encode()).unwrap());
    while second.catching_up() {
        second.frame(16.0);
    }
    assert_eq!(second.world.elapsed_ms(), first.world.elapsed_ms());
    assert_eq!(
        serde_json::to_value(second.world.snapshot()).unwrap(),
        serde_json::to_value(first.world.snapshot()).unwrap()
    );
}

/// Opens `link` in a fresh session and replays it to its moment.
fn opened(link: &Link) -> Session {
    let mut session = Session::new(Link::decode(&link.encode()).unwrap());
    while session.catching_up() {
        session.frame(16.0);
    }
    session
}

fn snapshot(session: &Session) -> serde_json::Value {
    serde_json::to_value(session.world.snapshot()).unwrap()
}

#[test]
fn a_link_carries_what_the_learner_did_by_hand() {
    let mut first = Session::new(Link::decode("#seed=4").unwrap());
    for _ in 0..37 {
        first.frame(97.0);
    }
    first.run_command("aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 --new-starting-hash-key 127605887595351923798765477786913079296");
    for _ in 0..23 {
        first.frame(61.0);
    }
    first.run_command("producer set viral --rate 300 --keys hot:user-42:0.9:100");
    first.run_command("wait 3s");
    for _ in 0..11 {
        first.frame(33.0);
    }
    let link = first.link();
    assert_eq!(link.actions.len(), 2, "waits are pace, not actions");
    let second = opened(&link);
    assert_eq!(second.world.elapsed_ms(), first.world.elapsed_ms());
    assert_eq!(snapshot(&second), snapshot(&first));
    assert_eq!(second.journal(), first.journal());
    assert!(!second.playing, "a shared moment holds still");
    // A link without the actions is a different run.
    let mut bare = link.clone();
    bare.actions.clear();
    assert_ne!(snapshot(&opened(&bare)), snapshot(&first));
}

#[test]
fn a_lesson_link_replays_next_presses_and_stops_at_the_step_it_was_made_at() {
    let mut first = Session::new(Link::decode("#lesson=hot-key&seed=2").unwrap());
    let mut nexts = 0;
    let mut answers = 0;
    while nexts < 2 {
        first.frame(100.0);
        match first.script {
            ScriptState::AtStep { .. } => {
                first.run_command("producer set hot --rate 1100 --keys hot:user-42:1");
                first.next_step();
                nexts += 1;
            }
            ScriptState::Asking { .. } => {
                first.answer(1);
                answers += 1;
            }
            _ => {}
        }
    }
    while !matches!(first.script, ScriptState::AtStep { .. }) {
        first.frame(100.0);
        if matches!(first.script, ScriptState::Asking { .. }) {
            first.answer(2);
            answers += 1;
        }
    }
    assert!(answers > 0, "the lesson asks");
    let second = opened(&first.link());
    assert_eq!(second.script, first.script, "held at the same step");
    assert_eq!(snapshot(&second), snapshot(&first));
}

#[test]
fn an_ask_holds_time_until_answered_and_the_answer_travels_in_a_link() {
    let script = "aws kinesis create-stream --stream-name s --shard-count 1
wait 3s
ask \"Will it throttle?\" yes no answer 2 because \"100 records/s is a tenth of the limit\"
producer add p --stream s --rate 100
wait 5s
";
    let mut first = Session::new(Link::start(Scenario::Script(script.into()), 3));
    first.advance(10_000);
    assert!(matches!(first.script, ScriptState::Asking { .. }));
    let held = first.world.elapsed_ms();
    first.advance(5_000);
    first.frame(100.0);
    first.step();
    assert_eq!(
        first.world.elapsed_ms(),
        held,
        "time stands still at a question"
    );
    assert!(first.world.producer("p").is_none());
    first.answer(1);
    let answered = first.answered.clone().unwrap();
    assert_eq!((answered.chosen, answered.answer), (1, 2));
    assert_eq!(
        answered.explanation,
        "100 records/s is a tenth of the limit"
    );
    assert!(first.world.producer("p").is_some(), "the run went on");
    first.advance(2_000);
    assert_eq!(first.world.elapsed_ms(), held + 2_000);
    let second = opened(&first.link());
    assert_eq!(snapshot(&second), snapshot(&first));
    assert_eq!(second.answered, first.answered);
}

fn settle(session: &mut Session) {
    while session.catching_up() {
        session.frame(16.0);
    }
}

/// Plays until the script holds at step `number`, answering questions with choice 1.
fn play_to_step(session: &mut Session, number: usize) {
    for _ in 0..100_000 {
        match &session.script {
            ScriptState::AtStep { number: n, .. } if *n == number => return,
            ScriptState::AtStep { .. } => session.next_step(),
            ScriptState::Asking { .. } => session.answer(1),
            _ => session.frame(100.0),
        }
    }
    panic!("never reached step {number}");
}

#[test]
fn next_and_back_give_the_same_narration_and_snapshot_as_a_fresh_run() {
    let mut session = Session::new(Link::decode("#lesson=hot-key&seed=5").unwrap());
    assert_eq!(session.step_titles().len(), 4);
    play_to_step(&mut session, 2);
    let (at_two, said_at_two) = (snapshot(&session), session.narration());
    assert_eq!(
        said_at_two.step, 1,
        "held at step 2, step 1's narration stays"
    );
    assert!(!said_at_two.lines.is_empty());
    play_to_step(&mut session, 3);
    let at_three = snapshot(&session);
    session.back();
    settle(&mut session);
    assert_eq!(session.current_step(), 2);
    assert_eq!(snapshot(&session), at_two);
    assert_eq!(session.narration(), said_at_two);
    // A fresh run straight to step 2 (a deep link) is the same too.
    let mut fresh = Session::new(Link::decode("#lesson=hot-key&seed=5&step=2").unwrap());
    settle(&mut fresh);
    assert!(matches!(
        fresh.script,
        ScriptState::AtStep { number: 2, .. }
    ));
    assert_eq!(snapshot(&fresh), at_two);
    assert_eq!(fresh.narration(), said_at_two);
    // And Next goes to the same step 3 as before.
    play_to_step(&mut session, 3);
    assert_eq!(snapshot(&session), at_three);
    // Back from the first step goes to the beginning (where this lesson's first step is).
    session.go_to_step(1);
    settle(&mut session);
    session.back();
    assert_eq!(session.current_step(), 1);
    assert!(session.journal().is_empty());
}

#[test]
fn rewinding_and_playing_again_reproduces_the_same_run_until_the_learner_acts() {
    let mut session = Session::new(Link::decode("#seed=2").unwrap());
    session.advance(10_000);
    session.run_command("aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 --new-starting-hash-key 127605887595351923798765477786913079296");
    let split_at = session.world.elapsed_ms();
    session.advance(10_000);
    let later = snapshot(&session);
    session.advance(15_000);
    let end = session.world.elapsed_ms();

    session.rewind_to(split_at - 3_000);
    settle(&mut session);
    assert_eq!(session.world.elapsed_ms(), split_at - 3_000);
    assert!(!session.playing, "a rewind holds still");
    assert_eq!(session.timeline_end_ms(), end, "the future is still there");
    session.advance(13_000);
    assert_eq!(snapshot(&session), later, "the same future, split included");

    // Acting after a rewind forks a new future: the old split never happens.
    session.rewind_to(split_at - 3_000);
    settle(&mut session);
    session.run_command("producer set viral --rate 100 --keys hot:user-42:0.9:100");
    assert_eq!(session.timeline_end_ms(), split_at - 3_000);
    session.advance(13_000);
    assert_eq!(session.view().stream.unwrap().shards.len(), 4);
}

#[test]
fn a_broken_link_opens_the_default_scene_with_a_notice() {
    let session = Session::from_fragment("#lesson=nonsense");
    assert!(session
        .notice
        .as_deref()
        .unwrap()
        .contains("does not exist"));
    assert_eq!(session.scenario(), &Scenario::Default);
}

#[test]
fn clicks_are_commands() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.advance(10_000);
    let entries = session.run_command("aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 --new-starting-hash-key 127605887595351923798765477786913079296");
    assert!(
        entries.iter().all(|e| !matches!(e, Entry::Error { .. })),
        "{entries:?}"
    );
    session.run_command("wait 10s");
    session.finish_catch_up();
    assert_eq!(session.view().stream.unwrap().shards.len(), 5);
}

/// A fake wall clock: every reading is 4 ms after the last.
fn ticking_clock() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NOW: AtomicU64 = AtomicU64::new(0);
    NOW.fetch_add(4, Ordering::Relaxed) as f64
}

#[test]
fn a_long_console_wait_runs_over_many_frames_and_can_be_stopped() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.set_clock(ticking_clock);
    for _ in 0..10 {
        session.frame(100.0);
    }
    let start = session.world.elapsed_ms();
    session.run_command("wait 1000h");
    assert_eq!(session.waiting_until(), Some(start + 1_000 * 3_600_000));
    assert!(session.catching_up());
    // Each frame does a budget's worth of one-second slices, then yields: the page
    // stays responsive however long the wait.
    let budget_slices = (CATCH_UP_BUDGET_MS / 4.0).ceil() as u64 + 1;
    for _ in 0..3 {
        let before = session.world.elapsed_ms();
        session.frame(16.0);
        let moved = session.world.elapsed_ms() - before;
        assert!(
            moved > 0 && moved <= budget_slices * TIMED_SLICE_MS,
            "moved {moved} ms"
        );
    }
    // Typing a command stops the wait where it got to.
    let reached = session.world.elapsed_ms();
    session.run_command("sim time");
    assert!(!session.catching_up());
    assert_eq!(session.world.elapsed_ms(), reached);
    let (transcript, _) = session.transcript();
    let text: String = transcript.iter().map(Entry::render).collect();
    assert!(
        text.contains(&format!("wait stopped after {}", human(reached - start))),
        "{text}"
    );
}

#[test]
fn a_console_wait_ends_with_the_time_it_reached() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.frame(100.0);
    let start = session.world.elapsed_ms();
    session.run_command("wait 12s");
    session.finish_catch_up();
    assert_eq!(session.world.elapsed_ms(), start + 12_000);
    let (transcript, _) = session.transcript();
    assert_eq!(
        transcript.back(),
        Some(&Entry::Waited {
            ms: 12_000,
            now_ms: start + 12_000
        })
    );
}

#[test]
fn a_console_wait_until_checks_over_frames_and_reports_when_it_held() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.frame(100.0);
    let start = session.world.elapsed_ms();
    // The default scene's hot key throttles a shard within seconds.
    session.run_command("wait until throttled orders --timeout 10m");
    assert_eq!(session.waiting_until(), Some(start + 600_000));
    session.finish_catch_up();
    assert!(session.world.elapsed_ms() < start + 600_000);
    let (transcript, _) = session.transcript();
    let text: String = transcript.iter().map(Entry::render).collect();
    assert!(text.contains("later: throttled"), "{text}");
    assert!(
        session.link().actions.is_empty(),
        "a wait is pace, not an action"
    );
}

#[test]
fn the_cli_the_console_imitates_belongs_to_the_run() {
    use crate::sim::CliVersion;
    let mut first = Session::new(Link::decode("#seed=4").unwrap());
    assert_eq!(first.world.cli_version(), CliVersion::V1, "v1 unless told");
    for _ in 0..10 {
        first.frame(50.0);
    }
    first.run_command("sim cli v2");
    assert_eq!(first.world.cli_version(), CliVersion::V2);
    // A shared link keeps it (the command is one of the link's actions)...
    let link = first.link();
    assert_eq!(link.actions.len(), 1);
    assert_eq!(opened(&link).world.cli_version(), CliVersion::V2);
    // Rewinding replays the run from its seed: to a moment after the command it holds,
    // before it the console is v1 again, as it was then.
    for _ in 0..10 {
        first.frame(50.0);
    }
    first.rewind_to(first.world.elapsed_ms() - 100);
    while first.catching_up() {
        first.frame(16.0);
    }
    assert_eq!(first.world.cli_version(), CliVersion::V2);
    first.rewind_to(100);
    while first.catching_up() {
        first.frame(16.0);
    }
    assert_eq!(first.world.cli_version(), CliVersion::V1);
}

/// A fake wall clock for a world too slow for its speed: every reading is 10 ms after the last.
fn slow_clock() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NOW: AtomicU64 = AtomicU64::new(0);
    NOW.fetch_add(10, Ordering::Relaxed) as f64
}

#[test]
fn a_world_too_slow_for_its_speed_falls_behind_says_so_and_moves_as_over_shorter_frames() {
    let mut slow = Session::new(Link::decode("").unwrap());
    slow.set_clock(slow_clock);
    let mut plain = Session::new(Link::decode("").unwrap());
    assert_eq!(slow.running_at(), None);
    let mut short_frames = 0;
    for _ in 0..120 {
        let before = slow.world.now_ms();
        slow.frame(16.0);
        let moved = slow.world.now_ms() - before;
        assert!(moved > 0 && moved <= 16, "moved {moved}");
        short_frames += usize::from(moved < 16);
        // The same simulated stretches, without a wall clock: the same world.
        plain.advance(moved);
    }
    assert!(short_frames > 100, "{short_frames} frames were cut short");
    let reached = slow.running_at().expect("the page says it is behind");
    assert!(reached < 0.9, "running at {reached}x");
    assert_eq!(slow.view().running_at, Some(reached));
    assert_eq!(
        serde_json::to_string(&slow.world.snapshot()).unwrap(),
        serde_json::to_string(&plain.world.snapshot()).unwrap()
    );
    // Paused, or at another speed, it measures afresh.
    slow.set_speed(2.0);
    assert_eq!(slow.running_at(), None);
}
