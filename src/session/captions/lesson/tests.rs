//! The time and course sentences, word for word.
use super::*;

#[test]
fn the_play_button_says_what_time_is_doing() {
    let button = play_button(TimeState::Playing);
    assert_eq!((button.label.as_str(), button.pressed), ("Pause", true));
    let button = play_button(TimeState::Paused);
    assert_eq!((button.label.as_str(), button.pressed), ("Play", false));
    let button = play_button(TimeState::HeldAtStep { step: 2 });
    assert_eq!(
        (button.label.as_str(), button.pressed),
        ("Held at step 2 — Next", false),
        "a held step is not playing"
    );
    assert_eq!(
        button.title,
        "Time is held at step 2 until you press Next (this button, the lesson's Next, or n)"
    );
    let button = play_button(TimeState::HeldAtQuestion);
    assert_eq!(
        (button.label.as_str(), button.pressed),
        ("Waiting for your answer", false)
    );
    let button = play_button(TimeState::ConsoleWait { until_ms: 60_000 });
    assert_eq!((button.label.as_str(), button.pressed), ("Stop wait", true));
    assert!(button.title.contains("pause"), "{}", button.title);
}

#[test]
fn the_play_button_labels_fit_the_toolbar() {
    for time in [
        TimeState::Playing,
        TimeState::Paused,
        TimeState::HeldAtStep { step: 12 },
        TimeState::HeldAtQuestion,
        TimeState::ConsoleWait { until_ms: 0 },
    ] {
        let label = play_button(time).label;
        assert!(label.chars().count() <= 24, "{label}");
    }
}

#[test]
fn the_countdown_is_in_wall_time_at_the_speed() {
    assert_eq!(
        countdown(18_500, 1.0, TimeState::Playing),
        "the scenario goes on in 18.5 s"
    );
    // The report's case: at 8x, 18.5 simulated seconds are about 2.3 s of the learner's time.
    assert_eq!(
        countdown(18_500, 8.0, TimeState::Playing),
        "the scenario goes on in 2.3 s (18.5 s of simulated time at 8x)"
    );
    assert_eq!(
        countdown(5_000, 0.25, TimeState::Playing),
        "the scenario goes on in 20 s (5 s of simulated time at 0.25x)"
    );
    // Retention's 23 hours at 64x: about 22 minutes, not "22 h 54 min".
    assert_eq!(
        countdown(82_440_000, 64.0, TimeState::Playing),
        "the scenario goes on in 21 min 28 s (22 h 54 min of simulated time at 64x)"
    );
    assert_eq!(
        countdown(18_500, 8.0, TimeState::Paused),
        "paused: the scenario goes on after 18.5 s more of simulated time"
    );
    assert_eq!(
        countdown(18_500, 8.0, TimeState::ConsoleWait { until_ms: 0 }),
        "the scenario goes on after 18.5 s more of simulated time"
    );
}

#[test]
fn a_wait_until_says_what_it_waits_for_not_the_next_check() {
    assert_eq!(
        waiting_for("status orders ACTIVE"),
        "the scenario waits until status orders ACTIVE"
    );
}

#[test]
fn held_steps_and_questions_say_what_goes_on() {
    assert_eq!(
        held_at_step(2),
        "Time is held at step 2: press Next to run it."
    );
    assert_eq!(
        held_at_question(),
        "Time is held until you answer the question."
    );
}

#[test]
fn the_end_of_a_lesson_says_it_is_complete_and_names_the_next() {
    assert_eq!(scenario_done(true, false), "Lesson complete.");
    assert_eq!(scenario_done(false, true), "the scenario has set the scene");
    assert_eq!(
        scenario_done(false, false),
        "the script has run to its end; the simulation goes on"
    );
    assert_eq!(
        after_lesson(Some("Partition keys and MD5")),
        "Next in the course: Partition keys and MD5."
    );
    assert_eq!(
        after_lesson(None),
        "That was the last lesson of the course."
    );
    assert_eq!(
        next_lesson_button("Partition keys and MD5"),
        "Next lesson: Partition keys and MD5"
    );
}

#[test]
fn acting_after_a_rewind_says_the_later_actions_are_gone() {
    assert_eq!(
        forked(1),
        "You changed the past: the later action from the old run is gone."
    );
    assert_eq!(
        forked(3),
        "You changed the past: the 3 later actions from the old run are gone."
    );
}
