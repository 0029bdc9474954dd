//! The console: a terminal that runs any line of the scenario language against the running
//! simulation (`aws kinesis ...` with the AWS CLI's output, simulator commands, variables,
//! `$(...)`), with history (up and down) and Tab completion of commands, options and the
//! names of streams, shards, producers and workers. Errors come back as the AWS CLI prints
//! them, in red.
//!
//! Its output is the session's whole transcript: what the scenario ran, what the buttons ran
//! (every click is a command), and what was typed here, so the console also teaches the
//! commands behind the page. A lesson's question shows there with its choices only, never
//! its answer ([`Entry::render_for_learner`]): the lesson player gives the outcome once
//! answered.
//!
//! It says which AWS CLI its `aws` commands imitate (AWS CLI v1 by default), and its toggle
//! switches to v2 and back by running `sim cli v2` or `sim cli v1` through the console, as
//! every click does, so the switch shows in the transcript and travels in a link. Printed
//! bytes are shown as a terminal shows them ([`as_a_terminal_shows`]): v1's usage begins
//! with a carriage return, and an error's blank line stays.
//!
//! The line being typed, the lines typed before (up and down go through them) and Tab's last
//! choices are the console's own state, a [`ConsoleLine`] changed only by a [`LineAction`]
//! (`use_reducer`): no other panel reads them. Completing a word needs the world, which the
//! app holds, so the console asks the app through `on_complete`.

use std::rc::Rc;

use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::format;
use super::shared::Shared;
use crate::script::complete::Completion;
use crate::script::transcript::as_a_terminal_shows;
use crate::script::Entry;

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub entries: Shared<Vec<Entry>>,
    /// Runs a line typed and submitted (not a blank one).
    pub on_run: Callback<String>,
    /// What Tab offers for a line, against the world as it is now.
    pub on_complete: Callback<String, Completion>,
    /// Whether the run's `aws` commands imitate AWS CLI v2 (`sim cli v2`), not v1.
    pub cli_v2: bool,
}

/// The console's input line: what is typed, what was typed before, where up and down are in
/// it, and what Tab offered last.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConsoleLine {
    input: String,
    /// Lines submitted, oldest first, without a line repeated right after itself.
    typed: Vec<String>,
    /// Where up and down are in `typed`; `None` for the line being typed.
    recalled: Option<usize>,
    /// What Tab offered last, when there was more than one choice.
    candidates: Vec<String>,
}

/// What changes the input line.
pub enum LineAction {
    /// The learner typed: the line is now this.
    Type(String),
    /// Enter: the line is run (by the caller) and kept for recall.
    Submit,
    /// Tab: this is what completion offers for the line.
    Complete(Completion),
    /// Up (an older line) or down (a newer one, then the empty line).
    Recall { older: bool },
}

impl Reducible for ConsoleLine {
    type Action = LineAction;

    fn reduce(self: Rc<Self>, action: LineAction) -> Rc<Self> {
        let mut line = (*self).clone();
        match action {
            LineAction::Type(text) => {
                line.input = text;
                line.candidates.clear();
                line.recalled = None;
            }
            LineAction::Submit => {
                let submitted = std::mem::take(&mut line.input);
                line.candidates.clear();
                line.recalled = None;
                if !submitted.trim().is_empty() && line.typed.last() != Some(&submitted) {
                    line.typed.push(submitted);
                }
            }
            LineAction::Complete(found) => {
                let start = found.start.min(line.input.len());
                let insert = if found.candidates.len() == 1 {
                    format!("{} ", found.candidates[0])
                } else {
                    found.common_prefix()
                };
                if insert.trim_end().len() >= line.input.len() - start {
                    line.input.truncate(start);
                    line.input.push_str(&insert);
                }
                line.candidates = if found.candidates.len() > 1 {
                    found.candidates
                } else {
                    Vec::new()
                };
            }
            LineAction::Recall { older } => {
                let Some(last) = line.typed.len().checked_sub(1) else {
                    return self;
                };
                line.recalled = match (line.recalled, older) {
                    (None, true) => Some(last),
                    (None, false) => None,
                    (Some(at), true) => Some(at.saturating_sub(1)),
                    (Some(at), false) if at < last => Some(at + 1),
                    (Some(_), false) => None,
                };
                line.input = line
                    .recalled
                    .and_then(|at| line.typed.get(at).cloned())
                    .unwrap_or_default();
            }
        }
        Rc::new(line)
    }
}

#[component]
pub fn Console(props: &ConsoleProps) -> Html {
    let output = use_node_ref();
    let line = use_reducer(ConsoleLine::default);
    {
        // Keep the newest output in view.
        let output = output.clone();
        use_effect_with(props.entries.clone(), move |_| {
            if let Some(element) = output.cast::<web_sys::Element>() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }
    let on_input = {
        let line = line.dispatcher();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            line.dispatch(LineAction::Type(input.value()));
        })
    };
    let on_keydown = {
        let (line, on_complete) = (line.clone(), props.on_complete.clone());
        Callback::from(move |event: KeyboardEvent| match event.key().as_str() {
            "Tab" if !event.shift_key() => {
                event.prevent_default();
                let found = on_complete.emit(line.input.clone());
                line.dispatch(LineAction::Complete(found));
            }
            "ArrowUp" => {
                event.prevent_default();
                line.dispatch(LineAction::Recall { older: true });
            }
            "ArrowDown" => {
                event.prevent_default();
                line.dispatch(LineAction::Recall { older: false });
            }
            _ => {}
        })
    };
    let on_submit = {
        let (line, on_run) = (line.clone(), props.on_run.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let submitted = line.input.clone();
            line.dispatch(LineAction::Submit);
            if !submitted.trim().is_empty() {
                on_run.emit(submitted);
            }
        })
    };
    let on_toggle = {
        let (on_run, v2) = (props.on_run.clone(), props.cli_v2);
        Callback::from(move |_: MouseEvent| {
            on_run.emit(if v2 { "sim cli v1" } else { "sim cli v2" }.to_string());
        })
    };
    let (imitated, rest) = if props.cli_v2 {
        (
            "AWS CLI v2 (2.x)",
            " (sim cli v2); AWS CLI v1 (1.x) is the default.",
        )
    } else {
        ("AWS CLI v1 (1.x)", " by default, byte for byte.")
    };
    html! {
        <section class="panel console" aria-labelledby="console-title">
            <h2 id="console-title">{ "Console" }</h2>
            <p class="hint">{ "Type any command: aws kinesis ..., producer ..., kcl worker ..., NAME=$(...), wait until .... Tab completes, up and down go through the history. Everything the scenario and your clicks ran is here too." }</p>
            <p class="cli-version">
                <span id="cli-imitated">{ "The console imitates " }<strong>{ imitated }</strong>{ rest }</span>
                <button type="button" id="cli-toggle" aria-pressed={props.cli_v2.to_string()}
                    aria-describedby="cli-imitated" onclick={on_toggle}>
                    { "AWS CLI v2" }
                </button>
            </p>
            <pre id="console-output" ref={output} tabindex="0" aria-live="polite" aria-label="Console output">
                { for props.entries.iter().map(entry) }
            </pre>
            <form class="console-line" onsubmit={on_submit}>
                <label for="console-input" class="prompt">{ "$" }</label>
                <input id="console-input" type="text" value={line.input.clone()} oninput={on_input}
                    onkeydown={on_keydown} autocomplete="off" spellcheck="false" autocapitalize="off"
                    placeholder="aws kinesis list-shards --stream-name orders" aria-describedby="console-candidates" />
                <button type="submit">{ "Run" }</button>
            </form>
            <p id="console-candidates" class="candidates" aria-live="polite">
                { for line.candidates.iter().map(|c| html! { <code>{ c }</code> }) }
            </p>
        </section>
    }
}

fn entry(entry: &Entry) -> Html {
    match entry {
        Entry::Command { text, .. } => html! { <div class="cmd">{ format!("$ {text}") }</div> },
        Entry::Output { text } => html! { <div class="out">{ shown(text) }</div> },
        Entry::Error { text } => html! { <div class="err">{ shown(text) }</div> },
        Entry::ScriptError { .. } => html! { <div class="err">{ shown(&entry.render()) }</div> },
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
        other => html! { <div class="say">{ other.render_for_learner().trim_end() }</div> },
    }
}

/// Printed text as a terminal shows it, without the last line's newline (each entry is a
/// block of its own); a leading blank line, as before "An error occurred", stays.
fn shown(text: &str) -> String {
    let text = text.strip_suffix('\n').unwrap_or(text);
    as_a_terminal_shows(text)
}
