//! The stream on screen: the 128-bit hash key space as a bar cut into the open shards'
//! ranges (to scale), the producers on the left, records flying across a canvas, and one lane
//! per shard on the right (keyed by shard id, so a split or merge moves lanes rather than
//! rebuilding them). Below: the controls that reshard the stream.

use web_sys::{HtmlInputElement, MouseEvent};
use yew::prelude::*;

use super::field::Field;
use super::format;
use super::lane::Lane;
use super::palette::KEY_COLOURS;
use crate::engine::{hash_key_of, StreamStatus, MAX_HASH_KEY};
use crate::session::flights::key_colour;
use crate::session::view::{HotKey, ProducerView, StreamView};
use crate::session::{captions, commands};

#[derive(Properties, PartialEq)]
pub struct StreamPanelProps {
    pub stream: StreamView,
    pub producers: Vec<ProducerView>,
    pub hot_keys: Vec<HotKey>,
    /// The key the explainer shows, marked on the bar.
    pub explained_key: String,
    pub selected: Vec<String>,
    pub flight_canvas: NodeRef,
    /// How many records a dot stands for, on average.
    pub records_per_dot: f64,
    pub on_run: Callback<String>,
    pub on_select: Callback<String>,
    pub on_canvas_click: Callback<(f64, f64)>,
    pub on_explain: Callback<String>,
    /// A shard highlighted from the event history.
    pub highlighted: Option<String>,
    /// The pointer entering (Some) or leaving (None) a lane.
    pub on_hover: Callback<Option<String>>,
}

#[component]
pub fn StreamPanel(props: &StreamPanelProps) -> Html {
    let stream = &props.stream;
    let can_reshard = stream.status == StreamStatus::Active;
    let on_canvas_click = props
        .on_canvas_click
        .reform(|event: MouseEvent| (f64::from(event.offset_x()), f64::from(event.offset_y())));
    let producers: Vec<&ProducerView> = props
        .producers
        .iter()
        .filter(|p| p.stream == stream.name)
        .collect();
    html! {
        <section class="panel stream-panel" aria-labelledby="stream-title">
            <div class="stream-head">
                <h2 id="stream-title">{ "Stream " }<code>{ &stream.name }</code></h2>
                <span id="stream-status" class={classes!("status", stream.status.as_str().to_ascii_lowercase())}
                    title="The stream's StreamStatus, as DescribeStreamSummary reports it">
                    { stream.status.as_str() }
                </span>
                if stream.status == StreamStatus::Updating {
                    <span class="status-note">{ "Resharding: records still flow; a second split or merge must wait until the stream is ACTIVE again." }</span>
                }
                <span class="legend">
                    { "Dots are records, coloured by partition key; " }
                    <span class="legend-throttled">{ "red-ringed dots bounce: throttled" }</span>
                    { captions::dot_legend(props.records_per_dot) }
                </span>
            </div>
            { hash_bar(props) }
            <div class="stream-area">
                <ul class="producer-column" aria-label="Producers">
                    { for producers.iter().map(|p| producer_card(p)) }
                    if producers.is_empty() {
                        <li class="producer-card empty">{ "No producer: add one with `producer add`" }</li>
                    }
                </ul>
                <div class="flight-area">
                    <canvas ref={props.flight_canvas.clone()} id="flight-canvas" onclick={on_canvas_click}
                        role="img" aria-label="Records flying from producers to shards; click a dot to see why it went to its shard">
                    </canvas>
                </div>
                <ol class="lanes" aria-label="Open shards, in hash key order">
                    { for stream.shards.iter().map(|shard| html! {
                        <Lane key={shard.id.clone()} shard={shard.clone()} stream={stream.name.clone()}
                            selected={props.selected.contains(&shard.id)} {can_reshard}
                            highlighted={props.highlighted.as_deref() == Some(shard.id.as_str())}
                            on_run={props.on_run.clone()} on_select={props.on_select.clone()}
                            on_hover={props.on_hover.clone()} />
                    }) }
                </ol>
            </div>
            { reshard_controls(props, can_reshard) }
        </section>
    }
}

/// The hash key space, cut into the open shards' ranges, with the hot keys and the
/// explained key marked where they hash.
fn hash_bar(props: &StreamPanelProps) -> Html {
    let stream = &props.stream;
    let position = |hash: u128| hash as f64 / MAX_HASH_KEY as f64 * 100.0;
    let explained = hash_key_of(&props.explained_key);
    html! {
        <div class="hash-space">
            <div class="hash-scale" aria-hidden="true">
                <span>{ "0" }</span><span>{ "hash key space" }</span><span>{ "2^128 − 1" }</span>
            </div>
            <div class="hash-bar" role="list" aria-label="The hash key space, 0 to 2^128-1, cut into the open shards' ranges">
                { for stream.shards.iter().map(|shard| {
                    let id = shard.id.clone();
                    let onclick = props.on_select.reform(move |_: MouseEvent| id.clone());
                    html! {
                        <button role="listitem"
                            class={classes!("hash-bar-shard", shard.throttling.then_some("throttled"),
                                props.selected.contains(&shard.id).then_some("selected"))}
                            style={format!("width: {:.4}%", shard.width * 100.0)}
                            data-shard-id={shard.id.clone()}
                            title={format!("{}\nStartingHashKey {}\nEndingHashKey {}", shard.id,
                                shard.starting_hash_key, shard.ending_hash_key)}
                            aria-label={format!("{}: hash keys {} to {}{}", shard.id, shard.starting_hash_key,
                                shard.ending_hash_key, if shard.throttling { ", throttled" } else { "" })}
                            {onclick}>
                            { format::short_shard(&shard.id) }
                        </button>
                    }
                }) }
                { for props.hot_keys.iter().take(5).map(|hot| {
                    let hash = hash_key_of(&hot.key);
                    let key = hot.key.clone();
                    let onclick = props.on_explain.reform(move |_: MouseEvent| key.clone());
                    html! {
                        <button class="hash-marker hot" style={format!("left: {:.4}%; --key-colour: {}", position(hash),
                                KEY_COLOURS[key_colour(&hot.key) as usize])}
                            title={format!("{}: {:.0} records/s, hashes into {}", hot.key, hot.rate, hot.shard)}
                            aria-label={format!("Hot key {} hashes into {}", hot.key, hot.shard)} {onclick}>
                            <span>{ &hot.key }</span>
                        </button>
                    }
                }) }
                <div class="hash-marker explained" style={format!("left: {:.4}%", position(explained))}
                    aria-hidden="true" title={format!("{} hashes here", props.explained_key)}></div>
            </div>
        </div>
    }
}

fn producer_card(p: &ProducerView) -> Html {
    let throttled = p.throttled_per_second > 0;
    html! {
        <li class={classes!("producer-card", throttled.then_some("throttled"), p.paused.then_some("paused"))}
            data-producer={p.name.clone()}>
            <strong>{ &p.name }</strong>
            <span class="producer-rate">{ format!("{} records/s", format::int(p.rate.round() as u64)) }</span>
            <code class="producer-keys">{ &p.keys }</code>
            if p.paused {
                <span class="badge">{ "stopped" }</span>
            } else if throttled {
                <span class="producer-throttled">{ format!("{}/s throttled", format::int(p.throttled_per_second)) }</span>
            }
        </li>
    }
}

/// UpdateShardCount, and merging the two selected shards.
fn reshard_controls(props: &StreamPanelProps, can_reshard: bool) -> Html {
    let stream = &props.stream;
    let open = stream.shards.len() as u32;
    let pair = selected_pair(stream, &props.selected);
    let on_merge = {
        let command = pair
            .as_ref()
            .map(|(a, b)| commands::merge_shards(&stream.name, a, b));
        props
            .on_run
            .reform(move |_: MouseEvent| command.clone().unwrap_or_default())
    };
    let on_update = {
        let (name, on_run) = (stream.name.clone(), props.on_run.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let target = form
                .elements()
                .named_item("target-shard-count")
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(e).ok())
                .and_then(|input| input.value().trim().parse::<u32>().ok());
            if let Some(target) = target {
                on_run.emit(commands::update_shard_count(&name, target));
            }
        })
    };
    let merge_hint = captions::merge_hint(
        pair.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
        props.selected.len(),
    );
    html! {
        <div class="reshard-controls">
            <button id="merge-button" onclick={on_merge} disabled={pair.is_none() || !can_reshard}
                title="MergeShards: the two shards close and one child takes both ranges">
                { "Merge selected" }
            </button>
            <span class="hint" id="merge-hint">{ merge_hint }</span>
            <form class="update-shard-count" onsubmit={on_update}>
                <label for="target-shard-count">{ "UpdateShardCount to " }</label>
                <Field id="target-shard-count" name="target-shard-count" kind="number" min="1"
                    value={(open * 2).to_string()} />
                <button type="submit" disabled={!can_reshard}>{ "Apply (UNIFORM_SCALING)" }</button>
            </form>
        </div>
    }
}

/// The two selected shards, in hash key order, if their ranges touch.
fn selected_pair(stream: &StreamView, selected: &[String]) -> Option<(String, String)> {
    if selected.len() != 2 {
        return None;
    }
    let mut shards: Vec<_> = stream
        .shards
        .iter()
        .filter(|s| selected.contains(&s.id))
        .collect();
    if shards.len() != 2 {
        return None;
    }
    shards.sort_by_key(|s| s.starting_hash_key);
    (shards[0].ending_hash_key.checked_add(1) == Some(shards[1].starting_hash_key))
        .then(|| (shards[0].id.clone(), shards[1].id.clone()))
}
