//! Unit tests of what issue 17 adds to the lesson player: long waits (fast-forward, the time
//! left and Skip), and the rest of the lessons the learner plays rather than watches.
use super::*;
use crate::session::{Action, Link, Scenario, FAST_SLICE_MS};

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
    // Its days are fast-forwarded: a few thousand frames of 100 ms (minutes of a learner's
    // time) cover them, questions and the task included.
    session.play_like_a_learner(3_000);
    assert_eq!(session.script, ScriptState::Done, "stuck");
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
    lesson.play_like_a_learner(100_000);
    assert!(lesson.lesson_view().complete);
    assert!(lesson.lesson_view().next_lesson.is_some());
}

const TASK: &str = "aws kinesis create-stream --stream-name s --shard-count 1
aws kinesis wait stream-exists --stream-name s
task \"Split the shard\" until $(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount) == 2 --hint-after 20s \"The Split button is on the lane.\" --show \"aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000000 --new-starting-hash-key 5\"
say \"Two shards now.\"
";

#[test]
fn a_task_plays_on_until_the_learner_does_it() {
    let mut session = script(TASK);
    let task = session.lesson_view().task.expect("a task under way");
    assert_eq!(task.text, "Your turn: Split the shard");
    assert_eq!(task.hint, None, "the hint waits");
    assert!(task.show);
    assert_eq!(
        session.script_caption(),
        "the lesson goes on once you have done the task (time plays on meanwhile)"
    );
    assert!(session.playing, "time plays while the learner works");
    let start = session.world.elapsed_ms();
    for _ in 0..210 {
        session.frame(100.0);
    }
    assert!(session.world.elapsed_ms() >= start + 21_000);
    assert_eq!(
        session.lesson_view().task.and_then(|t| t.hint).as_deref(),
        Some("Hint: The Split button is on the lane.")
    );
    // The learner does it their own way, in the console, splitting elsewhere.
    session.run_command(
        "aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000000 --new-starting-hash-key 99",
    );
    for _ in 0..100 {
        session.frame(100.0);
    }
    assert_eq!(session.script, ScriptState::Done, "the lesson went on");
    assert_eq!(session.lesson_view().task, None);
    let narration = session.narration();
    assert_eq!(
        narration.lines,
        vec![
            NarrationLine::Task {
                text: "Done: Split the shard".to_string(),
                done: true
            },
            NarrationLine::Say {
                text: "Two shards now.".to_string()
            }
        ]
    );
}

#[test]
fn show_me_runs_the_show_line_through_the_console() {
    let mut session = script(TASK);
    let entries = session.show_me();
    assert!(matches!(
        entries.first(),
        Some(Entry::Command { text, .. }) if text.starts_with("aws kinesis split-shard --stream-name s")
    ));
    assert!(
        matches!(
            session.journal().last().map(|a| &a.action),
            Some(crate::session::Action::Command(_))
        ),
        "journaled as a click is, so a link replays it"
    );
    for _ in 0..100 {
        session.frame(100.0);
    }
    assert_eq!(session.script, ScriptState::Done);
    assert!(session.show_me().is_empty(), "no task, nothing to show");
}

#[test]
fn a_pointer_lasts_as_long_as_its_narration() {
    let mut session = script(
        "aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
step One
point shard shardId-000000000001
say \"This lane.\"
wait 5s
step Two
say \"Something else.\"
wait 5s
",
    );
    assert_eq!(session.pointer(), None);
    session.next_step();
    assert_eq!(
        session.pointer(),
        Some(crate::session::play::Pointer {
            kind: "shard".to_string(),
            name: "shardId-000000000001".to_string()
        })
    );
    assert_eq!(session.view().pointer, session.pointer());
    for _ in 0..60 {
        session.frame(100.0);
    }
    assert!(
        matches!(session.script, ScriptState::AtStep { number: 2, .. }),
        "held at step 2, step one's narration still on show"
    );
    assert!(session.pointer().is_some());
    session.next_step();
    assert_eq!(
        session.pointer(),
        None,
        "step two talks about something else"
    );
}

#[test]
fn show_keeps_the_panels_a_step_needs_until_the_lesson_ends_or_show_everything() {
    let source = "step One\nshow stream producers\nwait 5s\nstep Two\nshow stream kcl charts\nwait 5s\nstep Three\nshow all\nwait 5s\nstep Four\nshow stream\nwait 5s\n";
    let mut session = script(source);
    assert_eq!(session.panels(), None, "every panel before any show");
    session.next_step();
    assert_eq!(
        session.panels(),
        Some(vec!["stream".to_string(), "producers".to_string()])
    );
    assert_eq!(session.view().panels, session.panels());
    play_to_next_step(&mut session);
    session.next_step();
    assert_eq!(
        session.panels(),
        Some(vec![
            "stream".to_string(),
            "kcl".to_string(),
            "charts".to_string()
        ])
    );
    play_to_next_step(&mut session);
    session.next_step();
    assert_eq!(session.panels(), None, "show all");
    play_to_next_step(&mut session);
    session.next_step();
    assert_eq!(session.panels(), Some(vec!["stream".to_string()]));
    // Back keeps what the learner chose for the page.
    session.show_everything();
    assert_eq!(session.panels(), None);
    session.back();
    session.finish_catch_up();
    assert_eq!(session.panels(), None, "show everything stays through Back");
    // The lesson's end shows everything.
    let mut ended = script("show stream\nwait 1s\n");
    assert!(ended.panels().is_some());
    for _ in 0..20 {
        ended.frame(100.0);
    }
    assert_eq!(ended.script, ScriptState::Done);
    assert_eq!(ended.panels(), None);
}

fn play_to_next_step(session: &mut Session) {
    for _ in 0..1_000 {
        if matches!(
            session.script,
            ScriptState::AtStep { .. } | ScriptState::Done
        ) {
            return;
        }
        session.frame(100.0);
    }
}

#[test]
fn a_pointer_at_another_streams_element_names_that_stream() {
    let source = "aws kinesis create-stream --stream-name events --shard-count 1
aws kinesis create-stream --stream-name users --shard-count 2
aws kinesis create-stream --stream-name zebra --shard-count 2
aws kinesis wait stream-exists --stream-name events
aws kinesis wait stream-exists --stream-name users
producer add p --stream zebra --rate 10
step One
point shard shardId-000000000001
wait 1s
step Two
point producer p
aws kinesis split-shard --stream-name events --shard-to-split shardId-000000000000 --new-starting-hash-key 5
wait until status events ACTIVE
step Three
point shard shardId-000000000000
wait 1s
";
    let mut session = script(source);
    session.next_step();
    // events has no shard 1; users and zebra do: the first by name, unless zebra is shown.
    assert_eq!(
        session.pointer_stream(Some("events")).as_deref(),
        Some("users")
    );
    assert_eq!(
        session.pointer_stream(Some("zebra")).as_deref(),
        Some("zebra")
    );
    session.advance(1_000);
    session.next_step();
    assert_eq!(session.pointer_stream(None).as_deref(), Some("zebra"));
    session.play_like_a_learner(1_000);
    assert!(matches!(
        session.script,
        ScriptState::Done | ScriptState::Waiting { .. }
    ));
    // Every stream has a shard 0, but events' is closed (split): the first open one.
    assert_eq!(
        session.pointer_stream(Some("events")).as_deref(),
        Some("users")
    );
    assert_eq!(
        session.pointer_stream(Some("zebra")).as_deref(),
        Some("zebra")
    );
}

/// Catches up with a link as the page does without frames, with a bound.
fn catch_up(session: &mut Session) {
    for _ in 0..100_000 {
        if !session.catching_up() {
            return;
        }
        session.frame(0.0);
    }
    panic!("the link's replay never arrived");
}

#[test]
fn a_link_to_a_step_past_a_task_does_the_task_as_show_me_on_the_way() {
    // hot-key's step 3 is the learner's split: a link to step 4 passes it.
    let mut session = Session::new(Link::decode("#lesson=hot-key&seed=1&step=4").unwrap());
    catch_up(&mut session);
    assert!(
        matches!(session.script, ScriptState::AtStep { number: 4, .. }),
        "{:?}",
        session.script
    );
    let (transcript, _) = session.transcript();
    assert!(transcript.iter().any(
        |e| matches!(e, Entry::Command { text, .. } if text.starts_with("aws kinesis split-shard"))
    ));
    // The split is one of the run's actions: the link made now reproduces it.
    assert!(session.link().actions.iter().any(
        |done| matches!(&done.action, Action::Command(line) if line.starts_with("aws kinesis split-shard"))
    ));

    // A task with no --show: the replay stops there and says why.
    let source = "step One\ntask \"Put a record\" until $(sim time) == never\nstep Two\nsay b\n";
    let link = Link {
        step: Some(2),
        ..Link::start(Scenario::Script(source.into()), 1)
    };
    let mut session = Session::new(link);
    catch_up(&mut session);
    assert_eq!(
        session.notice.as_deref(),
        Some("Step 2 comes after a task for you to do: Put a record")
    );
}
