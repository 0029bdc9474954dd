//! Rewind: a slider over the run's timeline. Dropping it at an earlier moment replays the
//! run from the seed, with everything the learner did up to then, and holds still there.
//! Playing on without touching anything follows the same future (the learner's later actions
//! happen again at their moments); doing something forks a new future, and the slider's end
//! moves back to now.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::format;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub elapsed_ms: u64,
    pub end_ms: u64,
    pub on_rewind: Callback<u64>,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let on_change = props.on_rewind.reform(|event: Event| {
        let input: HtmlInputElement = event.target_unchecked_into();
        input
            .value()
            .parse::<f64>()
            .map_or(0, |v| v.max(0.0) as u64)
    });
    let end = props.end_ms.max(props.elapsed_ms);
    html! {
        <div class="timeline">
            <label for="timeline">{ "Timeline" }</label>
            <input id="timeline" type="range" min="0" max={end.to_string()} step="100"
                value={props.elapsed_ms.to_string()} onchange={on_change}
                aria-valuetext={format!("{} of {}", format::clock(props.elapsed_ms), format::clock(end))}
                title="Drag back to rewind: the run is replayed from the seed to that moment" />
            <span class="hint">{ format!("{} / {}", format::clock(props.elapsed_ms), format::clock(end)) }</span>
        </div>
    }
}
