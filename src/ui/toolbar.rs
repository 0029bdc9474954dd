//! The time controls: play/pause, one step, speed, the simulated clock, the seed, reset,
//! sharing and help. Keyboard shortcuts for the same controls are in [`super::keyboard`].
//!
//! The Play button says what time is doing, not only what was pressed last: held at a
//! lesson step (where it is Next), waiting for an answer, or a console wait it stops (the
//! words are `session::captions::play_button`'s).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::field::Field;
use super::format;
use crate::engine::clock_text::iso8601;
use crate::session::captions::{play_button, TimeState};
use crate::session::{MAX_SPEED, MIN_SPEED};
use crate::sim::START_MS;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// What time is doing: the Play button says it.
    pub time: TimeState,
    pub catching_up: bool,
    /// A console `wait` fast-forwarding to this moment (elapsed ms).
    pub waiting_until_ms: Option<u64>,
    pub speed: f64,
    pub elapsed_ms: u64,
    pub seed: u64,
    pub on_play: Callback<()>,
    pub on_step: Callback<()>,
    pub on_speed: Callback<f64>,
    pub on_seed: Callback<u64>,
    pub on_reset: Callback<()>,
    pub on_share: Callback<()>,
    pub on_help: Callback<()>,
}

#[component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    // The button says what time is doing: held at a step it is Next, while a console
    // `wait` runs the clock it stops it.
    let play = play_button(props.time);
    let on_play = props.on_play.reform(|_: MouseEvent| ());
    let on_step = props.on_step.reform(|_: MouseEvent| ());
    let on_reset = props.on_reset.reform(|_: MouseEvent| ());
    let on_share = props.on_share.reform(|_: MouseEvent| ());
    let on_help = props.on_help.reform(|_: MouseEvent| ());
    let on_speed = props.on_speed.reform(|event: InputEvent| {
        let input: HtmlInputElement = event.target_unchecked_into();
        2f64.powf(input.value_as_number())
    });
    let on_seed = {
        let on_seed = props.on_seed.clone();
        Callback::from(move |text: String| {
            if let Ok(seed) = text.trim().parse::<u64>() {
                on_seed.emit(seed);
            }
        })
    };
    let exponent = props.speed.log2().round();
    let speed_text = format::speed(props.speed);
    html! {
        <div class="toolbar" role="toolbar" aria-label="Time controls">
            <button id="play" class="primary" onclick={on_play} aria-pressed={play.pressed.to_string()}
                title={play.title} data-time={time_state_name(props.time)}>
                { play.label }
            </button>
            <button id="step" onclick={on_step} title="Advance the simulation by 100 ms (right arrow)">
                { "Step" }
            </button>
            <label class="speed" for="speed">
                { "Speed " }
                <input id="speed" type="range" min={MIN_SPEED.log2().to_string()}
                    max={MAX_SPEED.log2().to_string()} step="1" value={exponent.to_string()}
                    aria-valuetext={speed_text.clone()} oninput={on_speed}
                    title="Simulated seconds per real second (+ and - keys)" />
                <output id="speed-value" for="speed">{ speed_text }</output>
            </label>
            <div class="clock" title="Simulated time since the scenario started, and the simulated date">
                <output id="sim-clock" data-elapsed-ms={props.elapsed_ms.to_string()}
                    aria-label={format!("Simulated time {}", format::clock(props.elapsed_ms))}>
                    { format::clock(props.elapsed_ms) }
                </output>
                <span class="wall">{ iso8601(START_MS + props.elapsed_ms).replace('T', " ") }</span>
                if let Some(goal) = props.waiting_until_ms {
                    <span class="badge" id="waiting" title="Pause, Step or any command stops the wait">
                        { format!("waiting until {}…", format::clock(goal)) }
                    </span>
                } else if props.catching_up {
                    <span class="badge">{ "replaying…" }</span>
                }
            </div>
            <label class="seed" for="seed" title="The random seed: the same seed gives the same run">
                { "Seed " }
                <Field id="seed" kind="number" min="0" value={props.seed.to_string()} onchange={on_seed} />
            </label>
            <button id="reset" onclick={on_reset} title="Start this scenario again with the same seed">{ "Reset" }</button>
            <button id="share" onclick={on_share} title="Make a link that reproduces this run at this moment">{ "Share link" }</button>
            <button id="help-button" onclick={on_help} aria-label="Keyboard shortcuts and help" title="Help (?)">{ "?" }</button>
        </div>
    }
}

/// The time state's name, for styles and tests (`data-time`).
fn time_state_name(time: TimeState) -> &'static str {
    match time {
        TimeState::Playing => "playing",
        TimeState::Paused => "paused",
        TimeState::HeldAtStep { .. } => "held-at-step",
        TimeState::HeldAtQuestion => "held-at-question",
        TimeState::ConsoleWait { .. } => "console-wait",
    }
}
