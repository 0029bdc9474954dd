//! The time controls: play/pause, one step, speed, the simulated clock, the seed, reset,
//! sharing and help. Keyboard shortcuts for the same controls are in [`super::keyboard`].
//!
//! The Play button says what time is doing, not only what was pressed last: held at a
//! lesson step (where it is Next), waiting for an answer, or a console wait it stops (the
//! words are `session::captions::play_button`'s).
//!
//! "Share link" opens its result where it was clicked: a popover under the toolbar with the
//! link selected (so Ctrl+C copies it), a Copy button and a close button; Esc or a click
//! elsewhere in the page closes it too, and the focus goes back to the button.

use gloo_events::EventListener;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, HtmlInputElement, Node};
use yew::prelude::*;

use super::field::Field;
use super::format;
use crate::engine::clock_text::iso8601;
use crate::session::captions::{self, play_button, TimeState};
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
    /// The speed time really plays at, when this computer can't keep up with `speed`.
    pub running_at: Option<f64>,
    pub elapsed_ms: u64,
    pub seed: u64,
    pub on_play: Callback<()>,
    pub on_step: Callback<()>,
    pub on_speed: Callback<f64>,
    pub on_seed: Callback<u64>,
    pub on_reset: Callback<()>,
    pub on_share: Callback<()>,
    /// The link "Share link" made, shown in its popover until closed.
    pub share_url: Option<String>,
    pub on_share_close: Callback<()>,
    pub on_help: Callback<()>,
    /// What the streams cost: the meter at the end of the bar.
    pub bill: crate::sim::cost::Bill,
}

/// Copies `text` to the clipboard and says whether the browser allowed it.
fn copy(text: &str, done: Callback<bool>) {
    let Some(window) = web_sys::window() else {
        done.emit(false);
        return;
    };
    let promise = window.navigator().clipboard().write_text(text);
    let copied = done.clone();
    let ok = Closure::once(move |_: JsValue| copied.emit(true));
    let failed = Closure::once(move |_: JsValue| done.emit(false));
    let _ = promise.then2(&ok, &failed);
    // One of them runs, once, after this returns: both stay alive (two small closures a
    // click).
    ok.forget();
    failed.forget();
}

#[derive(Properties, PartialEq)]
struct SharePopoverProps {
    url: String,
    on_close: Callback<()>,
}

/// The link, selected, with Copy and close.
#[component]
fn SharePopover(props: &SharePopoverProps) -> Html {
    let input = use_node_ref();
    let popover = use_node_ref();
    let copied = use_state(|| None::<bool>);
    {
        // A press anywhere else closes it (the Share button's own click makes a new link).
        let (popover, on_close) = (popover.clone(), props.on_close.clone());
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .and_then(|w| w.document())
                .map(|document| {
                    EventListener::new(&document, "pointerdown", move |event| {
                        let target = event.target().and_then(|t| t.dyn_into::<Node>().ok());
                        let inside = |node: &Node| {
                            popover
                                .cast::<Node>()
                                .is_some_and(|p| p.contains(Some(node)))
                        };
                        let on_share = |node: &Node| {
                            node.dyn_ref::<web_sys::Element>()
                                .and_then(|e| e.closest("#share").ok().flatten())
                                .is_some()
                        };
                        if target.is_some_and(|t| !inside(&t) && !on_share(&t)) {
                            on_close.emit(());
                        }
                    })
                });
            move || drop(listener)
        });
    }
    {
        // Selected as soon as it shows, and again for a new link.
        let input = input.clone();
        let copied = copied.clone();
        use_effect_with(props.url.clone(), move |_| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
            copied.set(None);
        });
    }
    let on_copy = {
        let (url, copied) = (props.url.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            copy(&url, Callback::from(move |ok| copied.set(Some(ok))));
        })
    };
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    let select_all = Callback::from(|event: FocusEvent| {
        let input: HtmlInputElement = event.target_unchecked_into();
        input.select();
    });
    html! {
        <div class="share-popover" id="share-popover" role="dialog" aria-labelledby="share-url-label" ref={popover}>
            <label id="share-url-label" for="share-url">{ "Link to this run, at this moment:" }</label>
            <div class="share-row">
                <input id="share-url" ref={input} type="text" readonly=true value={props.url.clone()} onfocus={select_all} />
                <button id="share-copy" onclick={on_copy}>{ "Copy" }</button>
                <button id="share-close" class="close" onclick={on_close} aria-label="Close the link" title="Close (Esc)">{ "×" }</button>
            </div>
            if let Some(ok) = *copied {
                <p class="share-copied" role="status">{ captions::share_copied(ok) }</p>
            }
        </div>
    }
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
    let share_button = use_node_ref();
    {
        // When the popover closes with the focus in it, the focus goes back to the button.
        let share_button = share_button.clone();
        use_effect_with(props.share_url.is_some(), move |open| {
            let lost = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.active_element().is_none_or(|e| e.tag_name() == "BODY"));
            if !*open && lost {
                if let Some(button) = share_button.cast::<HtmlElement>() {
                    let _ = button.focus();
                }
            }
        });
    }
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
    let behind = props.running_at.map(|reached| {
        (
            format!(
                "running at {}: this computer can't keep up",
                format::reached_speed(reached)
            ),
            format!(
                "Asked for {speed_text}, but simulating and drawing the world take longer than \
                 that on this computer: each frame simulates what it can and the simulated \
                 clock falls behind the real one"
            ),
        )
    });
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
                <span class="word">{ "Speed" }</span>
                <input id="speed" type="range" min={MIN_SPEED.log2().to_string()}
                    max={MAX_SPEED.log2().to_string()} step="1" value={exponent.to_string()}
                    aria-valuetext={speed_text.clone()} oninput={on_speed}
                    title="Simulated seconds per real second (+ and - keys)" />
                <output id="speed-value" for="speed">{ speed_text }</output>
            </label>
            if let Some((text, title)) = behind {
                <span class="badge behind" id="running-at" role="status" {title}>{ text }</span>
            }
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
                <span class="word">{ "Seed" }</span>
                <Field id="seed" kind="number" min="0" value={props.seed.to_string()} onchange={on_seed} />
            </label>
            <button id="reset" onclick={on_reset} title="Start this scenario again with the same seed">{ "Reset" }</button>
            <button id="share" ref={share_button} onclick={on_share} aria-expanded={props.share_url.is_some().to_string()}
                aria-controls="share-popover" title="Make a link that reproduces this run at this moment">{ "Share link" }</button>
            if let Some(url) = &props.share_url {
                <SharePopover url={url.clone()} on_close={props.on_share_close.clone()} />
            }
            <button id="help-button" onclick={on_help} aria-label="Keyboard shortcuts and help" title="Help (?)">{ "?" }</button>
            <super::cost_meter::CostMeter bill={props.bill.clone()} />
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
