//! The lesson player: the narration, step by step, with a table of contents, a progress
//! bar, Back and Next, predict-then-run questions, and at the end of a lesson the next one.
//!
//! At a step the simulation holds still until Next. A step's narration (its `say` lines and
//! the feedback on its question, in order) stays on show for the whole step and, once the
//! step has run, while time is held at the next one: there the finished step's narration
//! comes first, then the coming step's title and Next. Back replays the run from the seed to
//! the previous step (the model is deterministic, so it is exactly what was seen the first
//! time); a step in the table of contents jumps there the same way. A question holds the
//! simulation until it is answered; then the page says whether the prediction was right,
//! shows why, and the run goes on so the learner sees it happen.
//!
//! A self-contained component: everything it shows comes in its props (built by the session,
//! see `session/lesson.rs`), so it can be placed anywhere in the page. Its heading
//! (`#narration-title`) takes the focus when a lesson is opened (see `app.rs`).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::session::captions;
use crate::session::view::{AnsweredView, LessonView, NarrationLine};
use crate::session::Scenario;

#[derive(Properties, PartialEq)]
pub struct LessonPlayerProps {
    /// The scenario's state in words.
    pub script: String,
    pub lesson: LessonView,
    pub notice: Option<String>,
    pub on_next: Callback<()>,
    pub on_back: Callback<()>,
    pub on_goto: Callback<usize>,
    pub on_answer: Callback<usize>,
    pub on_dismiss: Callback<()>,
    /// Skip: fast-forwards over the rest of the script's long plain wait.
    pub on_skip: Callback<()>,
    /// Show me: runs the task's `--show` line through the console.
    pub on_show_me: Callback<()>,
    /// Opens another scenario (the next lesson, at the end of this one).
    pub on_open: Callback<Scenario>,
    /// Each new value brings the player into view and gives the focus to what the learner
    /// needs: the first choice of a waiting question, otherwise the player's heading. 0 asks
    /// nothing (a page opening on a link does not steal the focus).
    #[prop_or_default]
    pub focus_request: u32,
}

#[component]
pub fn LessonPlayer(props: &LessonPlayerProps) -> Html {
    let lesson = &props.lesson;
    let section = use_node_ref();
    let heading = use_node_ref();
    {
        let (section, heading) = (section.clone(), heading.clone());
        use_effect_with(props.focus_request, move |request| {
            if *request > 0 {
                bring_into_view(&section, &heading);
            }
        });
    }
    let on_next = props.on_next.reform(|_: MouseEvent| ());
    let on_back = props.on_back.reform(|_: MouseEvent| ());
    let on_dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    let total = lesson.steps.len();
    let step_heading = |number: usize| {
        number
            .checked_sub(1)
            .and_then(|i| lesson.steps.get(i))
            .map(|title| format!("Step {number} of {total}: {title}"))
    };
    let narration = &lesson.narration;
    let lines = html! {
        <div id="narration-text">
            { for narration.lines.iter().map(line) }
        </div>
    };
    // Held at a step after the previous one ran: what that step said first, then the step
    // Next will run (a step that said nothing leaves only the coming one).
    let finished_first =
        lesson.at_step && narration.step != lesson.current && !narration.lines.is_empty();
    let coming = step_heading(lesson.current).map(|heading| {
        html! { <h3 class="step-title" id="step-title">{ heading }</h3> }
    });
    html! {
        <section class="narration lesson-player" id="lesson-player" aria-labelledby="narration-title" ref={section}>
            <h2 id="narration-title" ref={heading} tabindex="-1"
                class={if lesson.title.is_some() { "lesson-title" } else { "visually-hidden" }}>
                { lesson.title.as_deref().unwrap_or("Narration") }
            </h2>
            if let Some(goal) = &lesson.goal {
                <p class="lesson-goal" id="lesson-goal">{ goal }</p>
            }
            if let Some(notice) = &props.notice {
                <p class="notice" id="notice" role="alert">
                    { notice }{ " " }<button class="link" onclick={on_dismiss}>{ "Dismiss" }</button>
                </p>
            }
            if total > 0 {
                <nav class="toc" aria-label="Lesson steps">
                    <ol id="lesson-steps">
                        { for lesson.steps.iter().enumerate().map(|(i, step)| {
                            let number = i + 1;
                            let onclick = props.on_goto.reform(move |_: MouseEvent| number);
                            let state = if number == lesson.current { "current" } else if number < lesson.current { "done" } else { "ahead" };
                            html! {
                                <li class={state}>
                                    <button class="link" {onclick} data-step={number.to_string()}
                                        aria-current={(number == lesson.current).then_some("step")}>
                                        { format!("{number}. {step}") }
                                    </button>
                                </li>
                            }
                        }) }
                    </ol>
                    <div class="progress" id="lesson-progress" role="progressbar" aria-valuemin="0"
                        aria-valuemax={total.to_string()} aria-valuenow={lesson.current.to_string()}
                        aria-label={format!("Step {} of {total}", lesson.current)}>
                        <span style={format!("width: {:.1}%", lesson.current as f64 / total as f64 * 100.0)}></span>
                    </div>
                </nav>
            }
            <div class="narration-body" aria-live="polite">
                if finished_first {
                    if let Some(heading) = step_heading(narration.step) {
                        <h3 class="step-title finished" id="narration-step">{ heading }</h3>
                    }
                    { lines }
                    { coming.unwrap_or_default() }
                } else {
                    { coming.unwrap_or_default() }
                    { lines }
                }
                // The narration says what to do; here, the help with it.
                if let Some(task) = &lesson.task {
                    <div class="task-box" id="task" role="group" aria-label={task.text.clone()}
                        hidden={task.hint.is_none() && !task.show}>
                        if let Some(hint) = &task.hint {
                            <p class="hint" id="task-hint">{ hint }</p>
                        }
                        if task.show {
                            <button id="show-me" onclick={props.on_show_me.reform(|_: MouseEvent| ())}
                                title="Do it for me: runs the command through the console, as a click does">{ "Show me" }</button>
                        }
                    </div>
                }
                if let Some(question) = &lesson.question {
                    <div class="question" id="question" role="group" aria-labelledby="question-text">
                        <p id="question-text"><strong>{ "Predict: " }</strong>{ &question.question }</p>
                        <div class="choices">
                            { for question.choices.iter().enumerate().map(|(i, choice)| {
                                let chosen = i + 1;
                                let onclick = props.on_answer.reform(move |_: MouseEvent| chosen);
                                html! { <button class="choice" id={format!("choice-{chosen}")} {onclick}>{ choice }</button> }
                            }) }
                        </div>
                    </div>
                }
            </div>
            if let Some(recap) = &lesson.recap {
                <div class="recap" id="recap">
                    <h3>{ "Recap" }</h3>
                    <p>{ recap }</p>
                </div>
            }
            if lesson.complete {
                <div class="lesson-complete" id="lesson-complete" role="status">
                    <p>
                        <strong>{ &props.script }</strong>{ " " }
                        { captions::after_lesson(lesson.next_lesson.as_ref().map(|n| n.title.as_str())) }
                    </p>
                    if let Some(next) = &lesson.next_lesson {
                        <button id="next-lesson" class="primary"
                            onclick={props.on_open.reform({
                                let name = next.name.clone();
                                move |_: MouseEvent| Scenario::Lesson(name.clone())
                            })}>
                            { captions::next_lesson_button(&next.title) }
                        </button>
                    }
                </div>
            }
            <p class="script-state" id="script-state">
                if !lesson.complete {
                    { &props.script }
                }
                if total > 0 {
                    { " " }<button id="back-step" onclick={on_back} disabled={lesson.current == 0}
                        title="Back to the previous step: the run is replayed from the seed, exactly">{ "Back" }</button>
                }
                if lesson.at_step {
                    { " " }<button id="next-step" class="primary" onclick={on_next}
                        title="Run the next step (n)">{ "Next" }</button>
                }
                if lesson.skip {
                    { " " }<button id="skip-wait" onclick={props.on_skip.reform(|_: MouseEvent| ())}
                        title="Fast-forward to the end of this wait">{ "Skip" }</button>
                }
            </p>
        </section>
    }
}

/// One line of the narration: a `say`, a prediction, or a question once the lesson has
/// shown what happens.
fn line(line: &NarrationLine) -> Html {
    match line {
        NarrationLine::Say { text } => html! { <p class="say">{ text }</p> },
        NarrationLine::Task { text, done } => html! {
            <p class={classes!("task", done.then_some("done"))} data-done={done.to_string()}>{ text }</p>
        },
        NarrationLine::Predicted { text, .. } => {
            html! { <p class="predicted" id="predicted">{ text }</p> }
        }
        NarrationLine::Revealed(answered) => feedback(answered),
    }
}

/// What the learner predicted beside what happened, whether it was right, and why.
fn feedback(answered: &AnsweredView) -> Html {
    let right = answered.chosen.map(|chosen| chosen == answered.answer);
    html! {
        <div class={classes!("answered", match right { Some(true) => "right", Some(false) => "wrong", None => "shown" })} id="answered">
            <p>
                if let Some(right) = right {
                    <strong>{ if right { "Right. " } else { "Not quite. " } }</strong>
                }
                { &answered.outcome }
            </p>
            if !answered.explanation.is_empty() {
                <p class="explanation">{ &answered.explanation }</p>
            }
        </div>
    }
}

/// Scrolls the player to the top of the view (below the sticky toolbar: see `lesson.css`) and
/// focuses a waiting question's first choice, or else the heading.
fn bring_into_view(section: &NodeRef, heading: &NodeRef) {
    let Some(section) = section.cast::<Element>() else {
        return;
    };
    let target = section
        .query_selector("#choice-1")
        .ok()
        .flatten()
        .or_else(|| heading.cast::<Element>())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(target) = target {
        let _ = target.focus();
    }
    section.scroll_into_view_with_bool(true);
}
