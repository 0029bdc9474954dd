//! The console: a terminal that runs any line of the scenario language against the running
//! simulation (`aws kinesis ...` with the AWS CLI's output, simulator commands, variables,
//! `$(...)`), with history (up and down) and Tab completion of commands, options and the
//! names of streams, shards, producers and workers. Errors come back as the AWS CLI prints
//! them, in red.
//!
//! Its output is the session's whole transcript: what the scenario ran, what the buttons ran
//! (every click is a command), and what was typed here, so the console also teaches the
//! commands behind the page.

use std::rc::Rc;

use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::format;
use crate::script::Entry;

#[derive(Properties)]
pub struct ConsoleProps {
    pub entries: Rc<Vec<Entry>>,
    /// The line being typed (held by the app, which completes it against the world).
    pub input: String,
    /// What Tab offered last, when there was more than one choice.
    pub candidates: Vec<String>,
    pub on_input: Callback<String>,
    pub on_submit: Callback<()>,
    pub on_tab: Callback<()>,
    /// -1 for an older line of the history, +1 for a newer one.
    pub on_history: Callback<i32>,
}

impl PartialEq for ConsoleProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.entries, &other.entries)
            && self.input == other.input
            && self.candidates == other.candidates
            && self.on_input == other.on_input
            && self.on_submit == other.on_submit
            && self.on_tab == other.on_tab
            && self.on_history == other.on_history
    }
}

#[component]
pub fn Console(props: &ConsoleProps) -> Html {
    let output = use_node_ref();
    {
        // Keep the newest output in view.
        let output = output.clone();
        use_effect_with(props.entries.clone(), move |_| {
            if let Some(element) = output.cast::<web_sys::Element>() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }
    let on_input = props.on_input.reform(|event: InputEvent| {
        let input: HtmlInputElement = event.target_unchecked_into();
        input.value()
    });
    let on_keydown = {
        let (on_tab, on_history) = (props.on_tab.clone(), props.on_history.clone());
        Callback::from(move |event: KeyboardEvent| match event.key().as_str() {
            "Tab" if !event.shift_key() => {
                event.prevent_default();
                on_tab.emit(());
            }
            "ArrowUp" => {
                event.prevent_default();
                on_history.emit(-1);
            }
            "ArrowDown" => {
                event.prevent_default();
                on_history.emit(1);
            }
            _ => {}
        })
    };
    let on_submit = props.on_submit.reform(|event: SubmitEvent| {
        event.prevent_default();
    });
    html! {
        <section class="panel console" aria-labelledby="console-title">
            <h2 id="console-title">{ "Console" }</h2>
            <p class="hint">{ "Type any command: aws kinesis ..., producer ..., kcl worker ..., NAME=$(...), wait until .... Tab completes, up and down go through the history. Everything the scenario and your clicks ran is here too." }</p>
            <pre id="console-output" ref={output} tabindex="0" aria-live="polite" aria-label="Console output">
                { for props.entries.iter().map(entry) }
            </pre>
            <form class="console-line" onsubmit={on_submit}>
                <label for="console-input" class="prompt">{ "$" }</label>
                <input id="console-input" type="text" value={props.input.clone()} oninput={on_input}
                    onkeydown={on_keydown} autocomplete="off" spellcheck="false" autocapitalize="off"
                    placeholder="aws kinesis list-shards --stream-name orders" aria-describedby="console-candidates" />
                <button type="submit">{ "Run" }</button>
            </form>
            <p id="console-candidates" class="candidates" aria-live="polite">
                { for props.candidates.iter().map(|c| html! { <code>{ c }</code> }) }
            </p>
        </section>
    }
}

fn entry(entry: &Entry) -> Html {
    match entry {
        Entry::Command { text, .. } => html! { <div class="cmd">{ format!("$ {text}") }</div> },
        Entry::Output { text } => html! { <div class="out">{ text.trim_end() }</div> },
        Entry::Error { text } => html! { <div class="err">{ text.trim_end() }</div> },
        Entry::Say { text } => html! { <div class="say">{ format!("» {text}") }</div> },
        Entry::Step { number, title } => {
            html! { <div class="step">{ format!("== Step {number}: {title} ==") }</div> }
        }
        Entry::Expect {
            passed, message, ..
        } => html! {
            <div class={if *passed { "ok" } else { "err" }}>{ message.trim_end() }</div>
        },
        Entry::Waited { now_ms, .. } => html! {
            <div class="waited">{ format!("(time is now {})", format::clock(*now_ms)) }</div>
        },
        other => html! { <div class="say">{ other.render().trim_end() }</div> },
    }
}
