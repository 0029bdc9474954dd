//! The stream on screen: the 128-bit hash key space as a bar cut into the open shards'
//! ranges (to scale), the producers on the left, records flying across a canvas, and one lane
//! per shard on the right (keyed by shard id, so a split or merge moves lanes rather than
//! rebuilding them), with the closed shards that are still readable faded below them. Below:
//! the controls that reshard the stream.
//!
//! With several streams (one created in the console, say) a picker chooses which one to show;
//! the page remembers the choice. When the stream on screen is deleted the panel says so and
//! offers the others. A click on a dot or a hot key marker opens the key's popover right there.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, MouseEvent};
use yew::prelude::*;

use super::explainer::{Anchor, KeyPopover, Popover, Range};
use super::field::Field;
use super::flight_canvas::FlightLayer;
use super::format;
use super::lane::Lane;
use super::palette::KEY_COLOURS;
use super::shard_strip::{HashBarCanvas, ShardStrip};
use crate::engine::stream::StreamMode;
use crate::engine::{hash_key_of, StreamStatus, MAX_HASH_KEY};
use crate::session::flights::key_colour;
use crate::session::view::{
    no_stream, strip, HotKey, KplView, ProducerView, ShardView, StreamView,
};
use crate::session::{captions, commands};

/// A click on the flight canvas: where on the canvas (to find the dot), and where in the
/// stream panel (to open the popover there), in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DotClick {
    pub x: f64,
    pub y: f64,
    pub panel_x: f64,
    pub panel_y: f64,
}

/// What the stream panel and the hot keys ask of the page.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamMsg {
    /// A click on the flight canvas (a dot, perhaps).
    Dot(DotClick),
    /// A hot key's marker on the hash key bar.
    Marker(String),
    /// A hot key in the hot keys table.
    HotKey(String),
    ClosePopover,
    /// Show this stream.
    Pick(String),
}

/// What a [`StreamMsg`] changes beyond the [`StreamFocus`]: the key explainer's key and
/// origin, or the stream on screen.
pub enum Effect {
    Nothing,
    Redraw,
    Explain(String, Option<String>),
    Repicked,
}

/// The page's memory for the stream view: the key popover, the stream the learner picked and
/// the one last on screen (the view shows the first that exists, or says it was deleted).
#[derive(Default)]
pub struct StreamFocus {
    pub popover: Option<Popover>,
    choice: Option<String>,
    shown: Option<String>,
}

impl StreamFocus {
    /// The stream the learner wants on screen: picked, else the one last shown.
    pub fn wanted(&self) -> Option<&str> {
        self.choice.as_deref().or(self.shown.as_deref())
    }

    /// Remembers the stream on screen.
    pub fn showing(&mut self, stream: Option<&StreamView>) {
        if let Some(stream) = stream {
            self.shown = Some(stream.name.clone());
        }
    }

    /// Puts `name` on screen, as if the learner had picked it (a lesson points at one of its
    /// shards, producers or consumers); whether that changed the stream on screen.
    pub fn follow(&mut self, name: String) -> bool {
        if self.wanted() == Some(name.as_str()) {
            return false;
        }
        self.choice = Some(name);
        self.popover = None;
        true
    }

    /// Closes the popover (Esc); whether one was open.
    pub fn close(&mut self) -> bool {
        self.popover.take().is_some()
    }

    /// A new scenario: its first stream again, no popover.
    pub fn forget(&mut self) {
        *self = StreamFocus::default();
    }

    /// Handles a message; `flights` finds a clicked dot.
    pub fn update(&mut self, msg: StreamMsg, flights: &FlightLayer) -> Effect {
        let (key, origin, anchor) = match msg {
            StreamMsg::Dot(click) => {
                let Some(flight) = flights.hit(click.x, click.y) else {
                    return Effect::Nothing;
                };
                let (x, y) = (click.panel_x, click.panel_y);
                let origin = captions::clicked_record(flight);
                (flight.key.clone(), Some(origin), Anchor::Dot { x, y })
            }
            StreamMsg::Marker(key) => (key, None, Anchor::Marker),
            StreamMsg::HotKey(key) => (key, None, Anchor::HotKeyRow),
            StreamMsg::ClosePopover if self.close() => return Effect::Redraw,
            StreamMsg::ClosePopover => return Effect::Nothing,
            StreamMsg::Pick(name) => {
                self.choice = Some(name);
                self.popover = None;
                return Effect::Repicked;
            }
        };
        self.popover = Some(Popover {
            key: key.clone(),
            origin: origin.clone(),
            anchor,
        });
        Effect::Explain(key, origin)
    }
}

#[derive(Properties, PartialEq)]
pub struct StreamPanelProps {
    /// The stream on screen; `None` when there is none (or it was deleted).
    pub stream: Option<StreamView>,
    /// Every stream's name, for the picker and for what to offer after a deletion.
    pub streams: Vec<String>,
    /// The stream the learner was looking at, when it was deleted.
    pub deleted: Option<String>,
    pub producers: Vec<ProducerView>,
    pub hot_keys: Vec<HotKey>,
    /// The key the explainer shows, marked on the bar.
    pub explained_key: String,
    pub selected: Vec<String>,
    pub flight_canvas: NodeRef,
    /// How many records a dot stands for, on average.
    pub records_per_dot: f64,
    /// How many user records an aggregated record in the air holds, while any is.
    #[prop_or_default]
    pub aggregate_in_air: Option<u64>,
    pub on_run: Callback<String>,
    pub on_select: Callback<String>,
    /// Clicks on dots, hot key markers, the popover's close button and the picker.
    pub on_stream: Callback<StreamMsg>,
    /// The key popover, when it opens in this panel (at a dot or a marker).
    pub popover: Option<Popover>,
    /// A shard highlighted from the event history.
    pub highlighted: Option<String>,
    /// The pointer entering (Some) or leaving (None) a lane.
    pub on_hover: Callback<Option<String>>,
    /// The endpoint this page mirrors: its records come from programs calling it.
    #[prop_or_default]
    pub mirrored: Option<String>,
}

/// The open shards' ranges, for the key popover.
fn ranges(stream: &StreamView) -> Vec<Range> {
    stream
        .shards
        .iter()
        .map(|shard| Range {
            id: shard.id.clone(),
            starting_hash_key: shard.starting_hash_key,
            ending_hash_key: shard.ending_hash_key,
        })
        .collect()
}

#[component]
pub fn StreamPanel(props: &StreamPanelProps) -> Html {
    let section = use_node_ref();
    let Some(stream) = &props.stream else {
        return empty_panel(props);
    };
    let on_demand = stream.mode == StreamMode::OnDemand;
    let can_reshard = stream.status == StreamStatus::Active && !on_demand;
    let on_canvas_click = {
        let section = section.clone();
        props.on_stream.reform(move |event: MouseEvent| {
            let (left, top) = section
                .cast::<web_sys::Element>()
                .map(|s| {
                    let rect = s.get_bounding_client_rect();
                    (rect.left(), rect.top())
                })
                .unwrap_or_default();
            StreamMsg::Dot(DotClick {
                x: f64::from(event.offset_x()),
                y: f64::from(event.offset_y()),
                panel_x: f64::from(event.client_x()) - left,
                panel_y: f64::from(event.client_y()) - top,
            })
        })
    };
    let on_close = props.on_stream.reform(|_: ()| StreamMsg::ClosePopover);
    let producers: Vec<&ProducerView> = props
        .producers
        .iter()
        .filter(|p| p.stream == stream.name)
        .collect();
    let dot_popover = props.popover.as_ref().and_then(|p| match p.anchor {
        Anchor::Dot { x, y } => Some((p, x, y)),
        _ => None,
    });
    html! {
        <section ref={section} class="panel stream-panel" aria-labelledby="stream-title" data-stream={stream.name.clone()}>
            <div class="stream-head">
                <h2 id="stream-title">{ "Stream " }<code>{ &stream.name }</code></h2>
                { picker(props, &stream.name) }
                <span id="stream-status" class={classes!("status", stream.status.as_str().to_ascii_lowercase())}
                    title="The stream's StreamStatus, as DescribeStreamSummary reports it">
                    { stream.status.as_str() }
                </span>
                if on_demand {
                    <span id="stream-mode" class="mode on-demand"
                        title="StreamModeDetails.StreamMode: the service adds and removes shards itself">
                        { "ON_DEMAND" }
                    </span>
                }
                if let Some(note) = &stream.scaling_note {
                    <span id="scaling-note" class="status-note">{ note }</span>
                }
                if stream.status == StreamStatus::Updating {
                    <span class="status-note">{ "Resharding: records still flow; a second split or merge is refused (ResourceInUseException) until the stream is ACTIVE again." }</span>
                }
                <span class="legend" id="dot-legend">
                    { "Dots are records, coloured by partition key; " }
                    <span class="legend-throttled">{ "red-ringed dots bounce: throttled" }</span>
                    { captions::dot_legend(props.records_per_dot) }
                    if let Some(user_records) = props.aggregate_in_air {
                        <span class="legend-aggregate" id="dot-legend-aggregate">
                            { captions::aggregate_legend(user_records) }
                        </span>
                    }
                </span>
            </div>
            { hash_bar(props, stream) }
            if let Some(strip) = &stream.strip {
                <ShardStrip strip={strip.clone()} selected={props.selected.clone()}
                    on_select={props.on_select.clone()} />
            }
            <div class="stream-area">
                <ul class="producer-column" aria-label="Producers">
                    { for producers.iter().map(|p| producer_card(p)) }
                    if let (true, Some(endpoint)) = (producers.is_empty(), &props.mirrored) {
                        <li class="producer-card empty">{ format!("Your programs, calling the endpoint at {endpoint}") }</li>
                    } else if producers.is_empty() {
                        <li class="producer-card empty">{ "No producer: add one with `producer add`" }</li>
                    }
                </ul>
                <div class="flight-area">
                    <canvas ref={props.flight_canvas.clone()} id="flight-canvas" onclick={on_canvas_click}
                        role="img" aria-label="Records flying from producers to shards; click a dot to see why it went to its shard">
                    </canvas>
                </div>
                { lane_column(props, stream, can_reshard) }
            </div>
            { reshard_controls(props, stream, can_reshard) }
            if let Some((popover, x, y)) = dot_popover {
                <KeyPopover popover={popover.clone()} ranges={ranges(stream)} on_close={on_close.clone()}
                    style={format!("left: clamp(0px, {:.0}px, calc(100% - min(24rem, 100%))); top: {:.0}px", x - 24.0, y + 14.0)} />
            }
        </section>
    }
}

/// At most this many closed lanes in the compact view (the latest closed); the rest are
/// counted.
const COMPACT_CLOSED_LANES: usize = 8;

/// The lanes: one per open shard, or in the compact view (many shards) only the selected and
/// the busiest; then the closed shards still readable.
fn lane_column(props: &StreamPanelProps, stream: &StreamView, can_reshard: bool) -> Html {
    let lane = |shard: &ShardView, open: bool| {
        html! {
            <Lane key={shard.id.clone()} shard={shard.clone()} stream={stream.name.clone()}
                selected={open && props.selected.contains(&shard.id)} can_reshard={open && can_reshard}
                highlighted={props.highlighted.as_deref() == Some(shard.id.as_str())}
                on_run={props.on_run.clone()} on_select={props.on_select.clone()}
                on_hover={props.on_hover.clone()} />
        }
    };
    let (open, closed): (Vec<&ShardView>, Vec<&ShardView>) = match &stream.strip {
        None => (
            stream.shards.iter().collect(),
            stream.closed_shards.iter().collect(),
        ),
        Some(compact) => {
            let mut closed: Vec<&ShardView> = stream.closed_shards.iter().collect();
            crate::sort::sort_by_key(&mut closed, |s| std::cmp::Reverse(s.index));
            closed.truncate(COMPACT_CLOSED_LANES);
            crate::sort::sort_by_key(&mut closed, |s| (s.starting_hash_key, s.index));
            (
                strip::lanes(compact, &stream.shards, &props.selected)
                    .into_iter()
                    .map(|at| &stream.shards[at])
                    .collect(),
                closed,
            )
        }
    };
    let hidden_closed = stream.closed_shards.len() - closed.len();
    html! {
        <div class="lane-column">
            if stream.strip.is_some() {
                <h3 class="compact-lanes-title" id="compact-lanes-title">
                    { format!("Lanes of the selected and busiest shards: {} of {} open", open.len(), stream.shards.len()) }
                </h3>
            }
            <ol class="lanes" aria-label="Open shards, in hash key order">
                { for open.iter().map(|shard| lane(shard, true)) }
            </ol>
            if !closed.is_empty() {
                <h3 class="closed-lanes-title" id="closed-lanes-title">{ "Closed shards, still readable until retention passes" }</h3>
                <ol class="closed-lanes" aria-labelledby="closed-lanes-title">
                    { for closed.iter().map(|shard| lane(shard, false)) }
                </ol>
            }
            if hidden_closed > 0 {
                <p class="hint closed-more" id="closed-more">
                    { format!("and {} more closed shards, still readable (the latest {} are shown)", format::int(hidden_closed as u64), closed.len()) }
                </p>
            }
        </div>
    }
}

/// The stream picker, when there are several streams.
fn picker(props: &StreamPanelProps, shown: &str) -> Html {
    if props.streams.len() < 2 {
        return Html::default();
    }
    let onchange = props.on_stream.reform(|event: Event| {
        StreamMsg::Pick(
            event
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                .map(|select| select.value())
                .unwrap_or_default(),
        )
    });
    html! {
        <label class="stream-picker">
            { format!("{} streams; show ", props.streams.len()) }
            <select id="stream-picker" {onchange}>
                { for props.streams.iter().map(|name| html! {
                    <option value={name.clone()} selected={name == shown}>{ name }</option>
                }) }
            </select>
        </label>
    }
}

/// The panel without a stream: none yet, or the one on screen was deleted (with the others).
fn empty_panel(props: &StreamPanelProps) -> Html {
    let (title, text) = no_stream(props.deleted.as_deref(), &props.streams);
    html! {
        <section class="panel stream-panel empty" aria-labelledby="stream-title" id="no-stream">
            <h2 id="stream-title">{ title }</h2>
            <p>{ text }</p>
            if !props.streams.is_empty() {
                <p class="other-streams">
                    { for props.streams.iter().map(|name| {
                        let pick = name.clone();
                        let onclick = props
                            .on_stream
                            .reform(move |_: MouseEvent| StreamMsg::Pick(pick.clone()));
                        html! {
                            <button class="show-stream" data-stream={name.clone()} {onclick}>
                                { format!("Show {name}") }
                            </button>
                        }
                    }) }
                </p>
            }
        </section>
    }
}

/// The hash key space, cut into the open shards' ranges, with the hot keys and the
/// explained key marked where they hash, and a hot key's popover under its marker.
fn hash_bar(props: &StreamPanelProps, stream: &StreamView) -> Html {
    let position = |hash: u128| hash as f64 / MAX_HASH_KEY as f64 * 100.0;
    let explained = hash_key_of(&props.explained_key);
    html! {
        <div class="hash-space">
            <div class="hash-scale" aria-hidden="true">
                <span>{ "0" }</span><span>{ "hash key space" }</span><span>{ "2^128 − 1" }</span>
            </div>
            <div class={classes!("hash-bar", stream.strip.is_some().then_some("compact"))} role={stream.strip.is_none().then_some("list")} aria-label="The hash key space, 0 to 2^128-1, cut into the open shards' ranges">
                if let Some(strip) = &stream.strip {
                    <HashBarCanvas strip={strip.clone()} selected={props.selected.clone()}
                        on_select={props.on_select.clone()} />
                }
                { for stream.shards.iter().filter(|_| stream.strip.is_none()).map(|shard| {
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
                    let onclick = props
                        .on_stream
                        .reform(move |_: MouseEvent| StreamMsg::Marker(key.clone()));
                    html! {
                        <button class="hash-marker hot" data-key={hot.key.clone()}
                            style={format!("left: {:.4}%; --key-colour: {}", position(hash),
                                KEY_COLOURS[key_colour(&hot.key) as usize])}
                            title={format!("{}: {:.0} records/s, hashes into {}", hot.key, hot.rate, hot.shard)}
                            aria-label={format!("Hot key {}: show where it hashes", hot.key)} {onclick}>
                            <span>{ &hot.key }</span>
                        </button>
                    }
                }) }
                <div class="hash-marker explained" style={format!("left: {:.4}%", position(explained))}
                    aria-hidden="true" title={format!("{} hashes here", props.explained_key)}></div>
            </div>
            if let Some(popover) = props.popover.as_ref().filter(|p| p.anchor == Anchor::Marker) {
                <KeyPopover popover={popover.clone()} ranges={ranges(stream)} on_close={props.on_stream.reform(|_: ()| StreamMsg::ClosePopover)}
                    style={format!("left: clamp(0px, calc({:.2}% - 2rem), calc(100% - min(24rem, 100%)))",
                        position(hash_key_of(&popover.key)))} />
            }
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
            if let Some(kpl) = &p.kpl {
                { kpl_lines(kpl) }
            }
        </li>
    }
}

/// A KPL producer's lines on its card: user records in Kinesis records a second, and the
/// buffer gauge with what expired.
fn kpl_lines(kpl: &KplView) -> Html {
    html! {
        <div class="kpl" data-aggregation={kpl.aggregation.to_string()}>
            <span class="kpl-rates" title={kpl.rates_note()}>{ kpl.rates() }</span>
            <span class="kpl-buffer" title={kpl.buffer_note()}>
                <span class="kpl-gauge" role="meter" aria-label="The KPL's buffer"
                    aria-valuemin="0" aria-valuemax={kpl.buffer_full.to_string()}
                    aria-valuenow={kpl.buffered.to_string()}>
                    <span class="kpl-gauge-fill" style={format!("width: {:.1}%", kpl.fill() * 100.0)}></span>
                </span>
                <span class="kpl-buffered">{ kpl.buffered_label() }</span>
            </span>
            if let Some(expired) = kpl.expired_label() {
                <span class="kpl-expired" title="User records that reached their RecordTtl in the KPL and failed as Expired">
                    { expired }
                </span>
            }
        </div>
    }
}

/// UpdateShardCount, and merging the two selected shards.
fn reshard_controls(props: &StreamPanelProps, stream: &StreamView, can_reshard: bool) -> Html {
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
    crate::sort::sort_by_key(&mut shards, |s| s.starting_hash_key);
    (shards[0].ending_hash_key.checked_add(1) == Some(shards[1].starting_hash_key))
        .then(|| (shards[0].id.clone(), shards[1].id.clone()))
}
