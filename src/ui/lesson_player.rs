//! The lesson player: the narration, step by step, with a table of contents, a progress
//! bar, Back and Next, and predict-then-run questions.
//!
//! At a step the simulation holds still until Next. Back replays the run from the seed to
//! the previous step (the model is deterministic, so it is exactly what was seen the first
//! time); a step in the table of contents jumps there the same way. A question holds the
//! simulation until it is answered; then the page says whether the prediction was right,
//! shows why, and the run goes on so the learner sees it happen.

use yew::prelude::*;

use crate::session::captions;
use crate::session::view::LessonView;

#[derive(Properties, PartialEq)]
pub struct LessonPlayerProps {
    /// The scenario's state in words.
    pub script: String,
    pub lesson: LessonView,
    /// The narration since the last step.
    pub says: Vec<String>,
    pub notice: Option<String>,
    pub on_next: Callback<()>,
    pub on_back: Callback<()>,
    pub on_goto: Callback<usize>,
    pub on_answer: Callback<usize>,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn LessonPlayer(props: &LessonPlayerProps) -> Html {
    let lesson = &props.lesson;
    let on_next = props.on_next.reform(|_: MouseEvent| ());
    let on_back = props.on_back.reform(|_: MouseEvent| ());
    let on_dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    let total = lesson.steps.len();
    let title = lesson
        .current
        .checked_sub(1)
        .and_then(|i| lesson.steps.get(i));
    html! {
        <section class="narration lesson-player" aria-labelledby="narration-title">
            <h2 id="narration-title" class="visually-hidden">{ "Narration" }</h2>
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
                if let Some(title) = title {
                    <h3 class="step-title" id="step-title">{ format!("Step {} of {total}: {title}", lesson.current) }</h3>
                }
                <div id="narration-text">
                    { for props.says.iter().map(|say| html! { <p class="say">{ say }</p> }) }
                </div>
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
                        <p class="hint">{ "The simulation waits for your answer." }</p>
                    </div>
                }
                if let Some(answered) = &lesson.answered {
                    <div class={classes!("answered", if answered.chosen == answered.answer { "right" } else { "wrong" })} id="answered">
                        <p>
                            <strong>{ if answered.chosen == answered.answer { "Right. " } else { "Not quite. " } }</strong>
                            { captions::the_answer(&answered.choices, answered.answer) }
                        </p>
                        if !answered.explanation.is_empty() {
                            <p class="explanation">{ &answered.explanation }</p>
                        }
                    </div>
                }
            </div>
            <p class="script-state" id="script-state">
                { &props.script }
                if total > 0 {
                    { " " }<button id="back-step" onclick={on_back} disabled={lesson.current == 0}
                        title="Back to the previous step: the run is replayed from the seed, exactly">{ "Back" }</button>
                }
                if lesson.at_step {
                    { " " }<button id="next-step" class="primary" onclick={on_next}>{ "Next" }</button>
                }
            </p>
        </section>
    }
}
