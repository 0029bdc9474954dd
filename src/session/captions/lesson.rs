//! The lesson player's and the time controls' sentences: what time is doing (the Play
//! button's label and title), when the scenario goes on (a countdown in wall time at the
//! current speed), a step or a question holding time, the end of a lesson, and the notice
//! when acting after a rewind drops the old run's later actions.
//!
//! Apart from the other captions because these are about time and the course rather than a
//! panel's picture, and they change together: a learner reads the button, the countdown and
//! the held step as one story of where time is. Each is a plain function of the session's
//! state ([`TimeState`]), pinned word for word by native tests.

use serde::Serialize;

use crate::script::duration::human;
use crate::session::text::int;

/// What simulated time is doing, as the learner should be told (see
/// [`crate::session::Session::time_state`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state")]
pub enum TimeState {
    /// Time runs at the speed.
    Playing,
    /// The learner paused.
    Paused,
    /// A lesson step holds time still until Next (`step` is its number).
    HeldAtStep { step: usize },
    /// A question holds time still until it is answered.
    HeldAtQuestion,
    /// A console `wait` is running the clock ahead, to `until_ms` (elapsed).
    ConsoleWait { until_ms: u64 },
}

/// The Play button: its label, its title (the longer story, for the pointer and screen
/// readers) and whether it is pressed (time is running).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayButton {
    pub label: String,
    pub title: String,
    pub pressed: bool,
}

/// The Play button for what time is doing. Its label names the state when time is held
/// (a held step or a question is not "playing", whatever the learner last pressed).
pub fn play_button(time: TimeState) -> PlayButton {
    let (label, title, pressed) = match time {
        TimeState::Playing => (
            "Pause".to_string(),
            "Time is running: pause it (space)".to_string(),
            true,
        ),
        TimeState::Paused => (
            "Play".to_string(),
            "Time is paused: play (space)".to_string(),
            false,
        ),
        TimeState::HeldAtStep { step } => (
            format!("Held at step {step} — Next"),
            format!(
                "Time is held at step {step} until you press Next (this button, the lesson's Next, or n)"
            ),
            false,
        ),
        TimeState::HeldAtQuestion => (
            "Waiting for your answer".to_string(),
            "Time is held until you answer the lesson's question".to_string(),
            false,
        ),
        TimeState::ConsoleWait { .. } => (
            "Stop wait".to_string(),
            "A console wait is running the clock ahead: stop it where it is and pause (space)"
                .to_string(),
            true,
        ),
    };
    PlayButton {
        label,
        title,
        pressed,
    }
}

/// A speed as the toolbar writes it: `0.25x`, `8x`.
fn speed_text(speed: f64) -> String {
    if speed.fract() == 0.0 {
        format!("{speed:.0}x")
    } else {
        format!("{speed}x")
    }
}

/// When the scenario goes on, `remaining_ms` of simulated time from now: in wall time at the
/// speed while time runs (at 8x, 18.5 simulated seconds are 2.3 s), otherwise in simulated
/// time with what holds it.
pub fn countdown(remaining_ms: u64, speed: f64, time: TimeState) -> String {
    let simulated = human(remaining_ms);
    match time {
        TimeState::Playing if speed == 1.0 || !speed.is_finite() || speed <= 0.0 => {
            format!("the scenario goes on in {simulated}")
        }
        TimeState::Playing => format!(
            "the scenario goes on in {} ({simulated} of simulated time at {})",
            human((remaining_ms as f64 / speed).round() as u64),
            speed_text(speed)
        ),
        TimeState::Paused => {
            format!("paused: the scenario goes on after {simulated} more of simulated time")
        }
        _ => format!("the scenario goes on after {simulated} more of simulated time"),
    }
}

/// While the page fast-forwards over a `wait --fast` (or a wait the learner skipped):
/// how long the wait is, and how much of it is left.
pub fn fast_forwarding(total_ms: u64, left_ms: u64) -> String {
    format!(
        "fast-forwarding {} ({} to go)",
        human(total_ms),
        human(left_ms)
    )
}

/// While the scenario's script waits for a condition (`wait until ...`): what it waits for.
/// It checks again every so often, so a countdown to the next check would mislead.
pub fn waiting_for(condition: &str) -> String {
    format!("the scenario waits until {condition}")
}

/// At a lesson step: time is held until Next.
pub fn held_at_step(step: usize) -> String {
    format!("Time is held at step {step}: press Next to run it.")
}

/// At a question: time is held until the answer.
pub fn held_at_question() -> String {
    "Time is held until you answer the question.".to_string()
}

/// A scenario whose script has run to its end, by kind: a lesson (complete), the opening
/// scene, a script.
pub fn scenario_done(lesson: bool, default_scene: bool) -> String {
    if lesson {
        "Lesson complete.".to_string()
    } else if default_scene {
        "the scenario has set the scene".to_string()
    } else {
        "the script has run to its end; the simulation goes on".to_string()
    }
}

/// The learner's prediction, before the lesson shows what happens: nothing yet about whether
/// it was right.
pub fn predicted(choice: &str) -> String {
    format!("You predicted: {choice}. Now watch what happens.")
}

/// A question once the lesson has shown what happens: the prediction (if the learner made
/// one here) beside what happened.
pub fn revealed(predicted: Option<&str>, happened: &str) -> String {
    match predicted {
        Some(predicted) => format!("You predicted: {predicted} — what happened: {happened}."),
        None => format!("What happened: {happened}."),
    }
}

/// A task in the narration: the learner's turn, then done.
pub fn task(text: &str, done: bool) -> String {
    if done {
        format!("Done: {text}")
    } else {
        format!("Your turn: {text}")
    }
}

/// A task's hint, once it is due.
pub fn hint(text: &str) -> String {
    format!("Hint: {text}")
}

/// While the script waits for the learner's task: time plays on.
pub fn task_waiting() -> String {
    "the lesson goes on once you have done the task (time plays on meanwhile)".to_string()
}

/// A lesson's goal, under its title.
pub fn lesson_goal(goal: &str) -> String {
    format!("Goal: {goal}")
}

/// After "Lesson complete.": the next lesson of the course, or that there is none.
pub fn after_lesson(next_title: Option<&str>) -> String {
    match next_title {
        Some(title) => format!("Next in the course: {title}."),
        None => "That was the last lesson of the course.".to_string(),
    }
}

/// The button that opens the next lesson.
pub fn next_lesson_button(title: &str) -> String {
    format!("Next lesson: {title}")
}

/// The notice when the learner acts after a rewind: the old run's later actions (`dropped`,
/// at least one) will not happen again.
pub fn forked(dropped: usize) -> String {
    if dropped == 1 {
        "You changed the past: the later action from the old run is gone.".to_string()
    } else {
        format!(
            "You changed the past: the {} later actions from the old run are gone.",
            int(dropped as u64)
        )
    }
}

#[cfg(test)]
mod tests;
