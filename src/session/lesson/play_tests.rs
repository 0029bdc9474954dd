//! Unit tests of what issue 17 adds to the lesson player: long waits (fast-forward, the time
//! left and Skip), and the rest of the lessons the learner plays rather than watches.
use super::*;
use crate::session::{Link, Scenario, FAST_SLICE_MS};

fn script(source: &str) -> Session {
    Session::new(Link::start(Scenario::Script(source.into()), 1))
}

#[test]
fn a_fast_wait_fast_forwards_whatever_the_speed_and_says_so() {
    let mut session = script("say before\nwait 25h --fast\nsay after\n");
    session.set_speed(0.25);
    assert!(session.fast_forwarding());
    assert_eq!(
        session.script_caption(),
        "fast-forwarding 25 h (25 h to go)"
    );
    assert!(!session.lesson_view().skip, "a fast wait needs no Skip");
    let start = session.world.elapsed_ms();
    session.frame(16.0);
    assert_eq!(
        session.world.elapsed_ms() - start,
        FAST_SLICE_MS,
        "a frame fast-forwards a slice, not 16 ms at 0.25x"
    );
    assert_eq!(
        session.script_caption(),
        "fast-forwarding 25 h (24 h 50 min to go)"
    );
    // Pause pauses it.
    session.toggle_play();
    session.frame(16.0);
    assert_eq!(session.world.elapsed_ms() - start, FAST_SLICE_MS);
    session.toggle_play();
    let frames = (25 * 3_600_000 / FAST_SLICE_MS) as usize;
    for _ in 1..frames {
        session.frame(16.0);
    }
    assert_eq!(session.script, ScriptState::Done);
    assert_eq!(session.world.elapsed_ms() - start, 25 * 3_600_000);
    assert!(
        session
            .transcript()
            .0
            .iter()
            .any(|e| e.render() == "… fast-forwarding 25 h\n"),
        "the transcript says it"
    );
}

#[test]
fn a_long_plain_wait_shows_the_time_left_and_skip_fast_forwards_it() {
    let mut session = script("wait 5s\nwait 40s\nsay done\n");
    assert!(!session.lesson_view().skip, "a short wait is watched");
    for _ in 0..50 {
        session.frame(100.0);
    }
    assert_eq!(session.script_caption(), "the scenario goes on in 40 s");
    assert!(session.lesson_view().skip);
    session.toggle_play();
    session.skip_wait();
    assert!(session.playing, "Skip plays");
    assert!(session.fast_forwarding());
    assert!(!session.lesson_view().skip);
    assert!(session.script_caption().starts_with("fast-forwarding 40 s"));
    session.frame(16.0);
    assert_eq!(session.script, ScriptState::Done, "one slice is enough");
    assert_eq!(session.world.elapsed_ms(), 45_000);
    // The world is the same as if the wait had been watched.
    let mut watched = script("wait 5s\nwait 40s\nsay done\n");
    for _ in 0..450 {
        watched.frame(100.0);
    }
    assert_eq!(watched.script, ScriptState::Done);
    assert_eq!(
        serde_json::to_string(&watched.world.snapshot()).unwrap(),
        serde_json::to_string(&session.world.snapshot()).unwrap()
    );
}

#[test]
fn the_retention_lesson_fast_forwards_its_day() {
    let mut session = Session::new(Link::decode("#lesson=retention").unwrap());
    let mut frames = 0;
    while session.script != ScriptState::Done {
        match session.script {
            ScriptState::AtStep { .. } => session.next_step(),
            _ => session.frame(16.0),
        }
        frames += 1;
        assert!(frames < 1_000, "stuck: {:?}", session.script);
    }
    assert!(session.world.elapsed_ms() > 25 * 3_600_000);
    assert!(session.lesson_view().complete);
}

#[test]
fn a_recap_ends_the_lesson_with_the_way_to_the_next() {
    let source = "# title: T\n# goal: Do it.\nstep One\nsay a\nrecap \"You did it.\"\n";
    let mut session = script(source);
    session.next_step();
    assert_eq!(session.script, ScriptState::Done);
    let view = session.lesson_view();
    assert_eq!(view.recap.as_deref(), Some("You did it."));
    // A built-in lesson offers the next one with its recap.
    let mut lesson = Session::new(Link::decode("#lesson=partition-keys").unwrap());
    assert_eq!(lesson.lesson_view().recap, None);
    for _ in 0..20 {
        match lesson.script {
            ScriptState::AtStep { .. } => lesson.next_step(),
            ScriptState::Asking { .. } => lesson.answer(1),
            ScriptState::Waiting { .. } => lesson.frame(100.0),
            ScriptState::Done => break,
        }
    }
    assert!(lesson.lesson_view().complete);
    assert!(lesson.lesson_view().next_lesson.is_some());
}
