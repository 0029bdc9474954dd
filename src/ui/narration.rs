//! What the scenario is saying and doing: its narration, the step it stopped at (with Next),
//! and a log of every command run, by the scenario or by a click in the page (every button
//! is a command, so the log teaches the `aws kinesis` commands behind the clicks).

use std::rc::Rc;

use yew::prelude::*;

use super::format;
use crate::script::Entry;

#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    /// The scenario's state in words.
    pub script: String,
    /// The lesson step the simulation is held at, if any.
    pub step: Option<(usize, String)>,
    /// The narration since the last step.
    pub says: Vec<String>,
    pub notice: Option<String>,
    pub on_next: Callback<()>,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn Narration(props: &NarrationProps) -> Html {
    let on_next = props.on_next.reform(|_: MouseEvent| ());
    let on_dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <section class="narration" aria-live="polite" aria-labelledby="narration-title">
            <h2 id="narration-title" class="visually-hidden">{ "Narration" }</h2>
            if let Some(notice) = &props.notice {
                <p class="notice" id="notice" role="alert">
                    { notice }{ " " }<button class="link" onclick={on_dismiss}>{ "Dismiss" }</button>
                </p>
            }
            if let Some((number, title)) = &props.step {
                <h3 class="step-title">{ format!("Step {number}: {title}") }</h3>
            }
            { for props.says.iter().map(|say| html! { <p class="say">{ say }</p> }) }
            <p class="script-state" id="script-state">
                { &props.script }
                if props.step.is_some() {
                    { " " }<button id="next-step" class="primary" onclick={on_next}>{ "Next ▸" }</button>
                }
            </p>
        </section>
    }
}

#[derive(Properties)]
pub struct CommandLogProps {
    pub entries: Rc<Vec<Entry>>,
}

impl PartialEq for CommandLogProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.entries, &other.entries)
    }
}

#[component]
pub fn CommandLog(props: &CommandLogProps) -> Html {
    html! {
        <section class="panel command-log" aria-labelledby="command-log-title">
            <h2 id="command-log-title">{ "Commands run" }</h2>
            <p class="hint">{ "Everything the scenario and your clicks did, as commands you could type (newest last)." }</p>
            <pre id="command-log" tabindex="0">
                { for props.entries.iter().map(|entry| match entry {
                    Entry::Command { text, .. } => html! { <div class="cmd">{ format!("$ {text}") }</div> },
                    Entry::Output { text } => html! { <div class="out">{ text.trim_end() }</div> },
                    Entry::Error { text } => html! { <div class="err">{ text.trim_end() }</div> },
                    Entry::Say { text } => html! { <div class="say">{ format!("» {text}") }</div> },
                    Entry::Step { number, title } => html! { <div class="step">{ format!("== Step {number}: {title} ==") }</div> },
                    Entry::Expect { passed, message, .. } => html! {
                        <div class={if *passed { "ok" } else { "err" }}>{ message }</div>
                    },
                    Entry::Waited { now_ms, .. } => html! { <div class="waited">{ format!("(time is now {})", format::clock(*now_ms)) }</div> },
                    other @ (Entry::Reached { .. } | Entry::Ask { .. } | Entry::Answered { .. }) => html! {
                        <div class="say">{ other.render().trim_end() }</div>
                    },
                }) }
            </pre>
        </section>
    }
}
