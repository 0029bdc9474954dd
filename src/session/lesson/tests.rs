//! Unit tests of the lesson player's side of the session: a step's narration stays until
//! Next, what time is doing, the scenario's state in words, the end of a lesson, and the
//! notices of Stop wait and of acting after a rewind.
use super::*;
use crate::session::captions::TimeState;
use crate::session::{Link, Scenario};

fn says(lines: &[&str]) -> Vec<NarrationLine> {
    lines
        .iter()
        .map(|text| NarrationLine::Say {
            text: text.to_string(),
        })
        .collect()
}

/// Plays frames of 100 ms until the script holds (a step or a question) or ends; a task is
/// done with Show me.
fn play_until_held(session: &mut Session) {
    for _ in 0..100_000 {
        match session.script {
            ScriptState::Waiting { .. } => {
                if session.task_view().is_some() {
                    session.show_me();
                }
                session.frame(100.0)
            }
            _ => return,
        }
    }
    panic!("the script never held");
}

fn script(source: &str) -> Session {
    Session::new(Link::start(Scenario::Script(source.into()), 1))
}

#[test]
fn a_steps_narration_stays_through_its_waits_and_until_next() {
    let mut session = script("step One\nsay a\nwait 10s\nsay b\nwait 20s\nstep Two\nsay c\n");
    assert_eq!(
        session.narration(),
        Narration::default(),
        "nothing said yet"
    );
    session.next_step();
    assert_eq!(session.narration().lines, says(&["a"]), "during the wait");
    session.advance(10_000);
    assert_eq!(session.narration().lines, says(&["a", "b"]));
    session.advance(20_000);
    assert!(matches!(
        session.script,
        ScriptState::AtStep { number: 2, .. }
    ));
    for _ in 0..50 {
        session.frame(100.0);
        assert_eq!(
            session.narration(),
            Narration {
                step: 1,
                lines: says(&["a", "b"])
            },
            "held at step 2, step 1's narration stays until Next"
        );
    }
    session.next_step();
    assert_eq!(
        session.narration(),
        Narration {
            step: 2,
            lines: says(&["c"])
        }
    );
}

#[test]
fn a_step_that_finishes_at_once_keeps_its_narration_and_answer_feedback_until_next() {
    // partition-keys: step 2 asks, then runs to step 3 at once.
    let mut session = Session::new(Link::decode("#lesson=partition-keys&seed=1").unwrap());
    session.next_step();
    play_until_held(&mut session);
    assert!(matches!(
        session.script,
        ScriptState::AtStep { number: 2, .. }
    ));
    assert_eq!(
        session.narration(),
        Narration {
            step: 1,
            lines: says(&[
                "Four shards cut the hash key space, 0 to 2^128-1, into four equal ranges: each \
                 lane shows its range."
            ])
        }
    );
    session.next_step();
    assert!(matches!(session.script, ScriptState::Asking { .. }));
    assert_eq!(
        session.narration(),
        Narration {
            step: 2,
            lines: Vec::new()
        },
        "the question's answer is nowhere before it is answered"
    );
    session.answer(2);
    assert!(
        matches!(session.script, ScriptState::AtStep { number: 3, .. }),
        "step 2 ran to its end at once"
    );
    let narration = session.narration();
    assert_eq!(narration.step, 2);
    // The step's narration, then (the step is over: what it showed is what happened) the
    // prediction beside what happened, and why.
    assert_eq!(
        narration.lines[..2],
        says(&[
            "Three more keys, three other shards:",
            "The same key always goes to the same shard, as long as its shard is not split or merged: after that, the key goes to the child shard whose range holds its hash. A shard returns its records in the order it stored them; records sent in one PutRecords call, at the same moment, or retried can be stored in another order than they were sent.",
        ])
    );
    let NarrationLine::Revealed(answered) = &narration.lines[2] else {
        panic!("{narration:?}");
    };
    assert_eq!((answered.chosen, answered.answer), (Some(2), 1));
    assert_eq!(
        answered.outcome,
        "You predicted: shardId-000000000001 — what happened: shardId-000000000000."
    );
    assert!(answered.explanation.starts_with("0x0c... is about 5%"));
    // The feedback belongs to step 2: gone after Next.
    session.next_step();
    let narration = session.narration();
    assert_eq!(narration.step, 3);
    assert!(narration
        .lines
        .iter()
        .all(|line| matches!(line, NarrationLine::Say { .. })));
    assert_eq!(session.answered, None);
}

#[test]
fn getting_started_step_two_shows_its_narration_once_it_has_run() {
    let mut session = Session::new(Link::decode("#lesson=getting-started&seed=1").unwrap());
    for _ in 0..2 {
        session.next_step();
        play_until_held(&mut session);
    }
    assert!(matches!(
        session.script,
        ScriptState::AtStep { number: 3, .. }
    ));
    let narration = session.narration();
    assert_eq!(narration.step, 2);
    // The step's narration, the learner's put included: from its first sentence to what the
    // put did.
    assert!(
        matches!(narration.lines.first(), Some(NarrationLine::Say { text }) if text.starts_with("--data takes raw text")),
        "{narration:?}"
    );
    assert!(
        matches!(narration.lines.last(), Some(NarrationLine::Say { text }) if text.starts_with("The record is in the stream's only shard")),
        "{narration:?}"
    );
}

#[test]
fn without_steps_the_narration_is_everything_said_the_latest_kept() {
    let session = script("say one\nsay two\naws kinesis list-streams\nsay three\n");
    assert_eq!(
        session.narration(),
        Narration {
            step: 0,
            lines: says(&["one", "two", "three"])
        }
    );
    let many: String = (0..40).map(|i| format!("say line{i}\n")).collect();
    let lines = script(&many).narration().lines;
    assert_eq!(lines.len(), NARRATION_KEPT);
    assert_eq!(
        lines.last(),
        Some(&NarrationLine::Say {
            text: "line39".to_string()
        })
    );
}

#[test]
fn time_says_whether_it_plays_or_is_held_and_by_what() {
    let mut session = Session::new(Link::decode("").unwrap());
    assert_eq!(session.time_state(), TimeState::Playing);
    session.toggle_play();
    assert_eq!(session.time_state(), TimeState::Paused);
    session.toggle_play();
    assert_eq!(session.time_state(), TimeState::Playing);

    let mut lesson = Session::new(Link::decode("#lesson=partition-keys&seed=1").unwrap());
    assert_eq!(lesson.time_state(), TimeState::HeldAtStep { step: 1 });
    lesson.toggle_play();
    assert_ne!(
        lesson.time_state(),
        TimeState::HeldAtStep { step: 1 },
        "Play at a step is Next"
    );
    play_until_held(&mut lesson);
    lesson.next_step();
    assert_eq!(lesson.time_state(), TimeState::HeldAtQuestion);
    lesson.toggle_play();
    assert_eq!(
        lesson.time_state(),
        TimeState::HeldAtQuestion,
        "only an answer lets a question go"
    );
    lesson.answer(1);
    assert_eq!(lesson.time_state(), TimeState::HeldAtStep { step: 3 });
}

#[test]
fn stop_wait_leaves_time_paused() {
    let mut session = Session::new(Link::decode("").unwrap());
    session.frame(100.0);
    let start = session.world.elapsed_ms();
    session.run_command("wait 1h");
    session.frame(16.0);
    assert_eq!(
        session.time_state(),
        TimeState::ConsoleWait {
            until_ms: start + 3_600_000
        }
    );
    session.toggle_play();
    assert_eq!(session.time_state(), TimeState::Paused);
    let stopped = session.world.elapsed_ms();
    for _ in 0..10 {
        session.frame(100.0);
    }
    assert_eq!(session.world.elapsed_ms(), stopped, "time stays paused");
}

#[test]
fn the_countdown_is_wall_time_at_the_speed() {
    let mut session = script("wait 20s\nsay done\n");
    session.advance(1_500);
    assert_eq!(session.script_caption(), "the scenario goes on in 18.5 s");
    session.set_speed(8.0);
    assert_eq!(
        session.script_caption(),
        "the scenario goes on in 2.3 s (18.5 s of simulated time at 8x)"
    );
    session.toggle_play();
    assert_eq!(
        session.script_caption(),
        "paused: the scenario goes on after 18.5 s more of simulated time"
    );
}

#[test]
fn a_wait_until_says_what_it_waits_for_through_its_checks() {
    let mut session = script(
        "aws kinesis create-stream --stream-name s --shard-count 1
wait until status s ACTIVE --every 1s
wait 10s
",
    );
    for _ in 0..3 {
        assert_eq!(
            session.script_caption(),
            "the scenario waits until status s ACTIVE",
            "not a countdown to the next check"
        );
        session.advance(500);
    }
    session.advance(2_000);
    assert!(
        session
            .script_caption()
            .starts_with("the scenario goes on in"),
        "{}",
        session.script_caption()
    );
}

#[test]
fn a_lesson_ends_complete_with_the_next_lesson() {
    let mut session = Session::new(Link::decode("#lesson=partition-keys&seed=1").unwrap());
    assert!(!session.lesson_view().complete);
    session.play_like_a_learner(100_000);
    assert_eq!(session.script, ScriptState::Done);
    let view = session.lesson_view();
    assert!(view.complete);
    assert_eq!(view.title.as_deref(), Some("Partition keys and MD5"));
    assert_eq!(
        view.next_lesson,
        Some(NextLesson {
            name: "put-records".to_string(),
            title: lesson("put-records").unwrap().title().to_string()
        })
    );
    assert_eq!(session.script_caption(), "Lesson complete.");

    let last = lessons().last().unwrap().name;
    let session = Session::new(Link::decode(&format!("#lesson={last}")).unwrap());
    assert_eq!(session.next_lesson(), None);

    let done = script("say hello\n");
    assert!(!done.lesson_view().complete, "a script is not a lesson");
    assert_eq!(
        done.script_caption(),
        "the script has run to its end; the simulation goes on"
    );
}

#[test]
fn acting_after_a_rewind_says_the_later_actions_are_gone() {
    let mut session = Session::new(Link::decode("#seed=2").unwrap());
    session.advance(10_000);
    session.run_command("producer set viral --rate 100");
    session.advance(10_000);
    session.rewind_to(5_000);
    while session.catching_up() {
        session.frame(16.0);
    }
    assert_eq!(session.notice, None);
    session.run_command("producer set web --rate 10");
    assert_eq!(
        session.notice.as_deref(),
        Some("You changed the past: the later action from the old run is gone.")
    );
    // Without later actions there is nothing to lose, and nothing to say.
    let mut quiet = Session::new(Link::decode("#seed=2").unwrap());
    quiet.advance(10_000);
    quiet.rewind_to(5_000);
    while quiet.catching_up() {
        quiet.frame(16.0);
    }
    quiet.run_command("producer set web --rate 10");
    assert_eq!(quiet.notice, None);
}

#[test]
fn the_page_prints_a_question_without_its_answer_the_command_line_with_it() {
    let ask = Entry::Ask {
        line: 3,
        question: "Which shard?".to_string(),
        choices: vec!["shard 0".to_string(), "shard 1".to_string()],
        answer: 1,
        explanation: "MD5 of 'a' is in the first quarter".to_string(),
    };
    let page = ask.render_for_learner();
    assert_eq!(page, "? Which shard?\n  1) shard 0\n  2) shard 1\n");
    assert!(!page.contains("answer") && !page.contains("first quarter"));
    // Natively nobody answers: `shardlab lesson` prints the answer key, and the explanation
    // where the lesson shows what happened.
    assert_eq!(
        ask.render(),
        "? Which shard?\n  1) shard 0\n  2) shard 1\n  answer: 1\n"
    );
    let reveal = |chosen| Entry::Reveal {
        question: "Which shard?".to_string(),
        choices: vec!["shard 0".to_string(), "shard 1".to_string()],
        answer: 1,
        chosen,
        explanation: "MD5 of 'a' is in the first quarter".to_string(),
    };
    assert_eq!(
        reveal(None).render(),
        "= What happened: shard 0\n  MD5 of 'a' is in the first quarter\n"
    );
    assert_eq!(
        reveal(Some(2)).render_for_learner(),
        "= You predicted: shard 1 — what happened: shard 0\n  MD5 of 'a' is in the first quarter\n"
    );
    assert_eq!(
        Entry::Answered {
            chosen: 2,
            correct: false
        }
        .render_for_learner(),
        "  you predicted 2\n",
        "the console does not say whether a prediction was right before it is revealed"
    );
}

#[test]
fn a_lesson_says_its_goal_from_the_start() {
    let session = Session::new(Link::decode("#lesson=hot-key").unwrap());
    let goal = lesson("hot-key").unwrap().goal();
    assert_eq!(
        session.lesson_view().goal,
        Some(format!("Goal: {goal}")),
        "the player shows the goal under the title"
    );
    let (transcript, _) = session.transcript();
    assert_eq!(
        transcript.front(),
        Some(&Entry::Goal {
            text: goal.to_string()
        }),
        "the transcript starts with it"
    );
    assert_eq!(script("say hi\n").lesson_view().goal, None);
}
