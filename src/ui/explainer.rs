//! "Why did this record go there?": a partition key, step by step, to the shard that owns it
//! in the stream as it is now.
//!
//! Kinesis routes by number, not by text: MD5 of the key's UTF-8 bytes, read as a big-endian
//! 128-bit integer, falls into exactly one open shard's hash key range. The panel shows each
//! step; click a flying record, a hot key, or type a key to fill it in.
//!
//! A click answers where it was made: [`KeyPopover`] opens next to the clicked dot, hot key
//! marker or hot key row with the same steps in short (the key, its MD5, its place on the bar,
//! the shard), so the learner need not look for the panel. It takes the focus (so a keyboard
//! user who opened it from a hot key marker lands in it), closes with its button or Esc, and
//! gives the focus back to what opened it.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use super::format;
use crate::engine::MAX_HASH_KEY;
use crate::session::view::{route_key, route_sentence, KeyRoute};

/// An open shard as the explainer needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    pub id: String,
    pub starting_hash_key: u128,
    pub ending_hash_key: u128,
}

/// Routes `key` onto the open shards `ranges`.
fn route(key: &str, ranges: &[Range]) -> KeyRoute {
    let shards: Vec<(String, u128, u128)> = ranges
        .iter()
        .map(|r| (r.id.clone(), r.starting_hash_key, r.ending_hash_key))
        .collect();
    route_key(key, &shards)
}

/// Where a key popover opens.
#[derive(Clone, Debug, PartialEq)]
pub enum Anchor {
    /// At a clicked dot: CSS pixels from the stream panel's top left corner.
    Dot { x: f64, y: f64 },
    /// Under a hot key's marker on the hash key bar.
    Marker,
    /// Under a row of the hot keys table.
    HotKeyRow,
}

/// An open key popover: the key, where it came from (a clicked record), and where it opens.
#[derive(Clone, Debug, PartialEq)]
pub struct Popover {
    pub key: String,
    pub origin: Option<String>,
    pub anchor: Anchor,
}

#[derive(Properties, PartialEq)]
pub struct KeyPopoverProps {
    pub popover: Popover,
    pub ranges: Vec<Range>,
    pub on_close: Callback<()>,
    /// Where to place it (an inline style), when it floats.
    #[prop_or_default]
    pub style: String,
}

/// The answer to a click on a dot or a hot key, next to it.
#[component]
pub fn KeyPopover(props: &KeyPopoverProps) -> Html {
    let key = props.popover.key.clone();
    let route = route(&key, &props.ranges);
    let close = use_node_ref();
    {
        let close = close.clone();
        use_effect_with(key.clone(), move |_| {
            let opener = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(button) = close.cast::<HtmlElement>() {
                let _ = button.focus();
            }
            move || {
                if let Some(opener) = opener.filter(|e| e.is_connected()) {
                    let _ = opener.focus();
                }
            }
        });
    }
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    let shard = route
        .shard
        .as_ref()
        .map(|s| s.0.clone())
        .unwrap_or_default();
    html! {
        <div class="key-popover" id="key-popover" role="dialog" aria-labelledby="key-popover-title"
            data-key={key.clone()} data-shard={shard} style={props.style.clone()}>
            <div class="key-popover-head">
                <strong id="key-popover-title">{ "Partition key " }<code>{ &key }</code></strong>
                <button ref={close} class="key-popover-close" onclick={on_close}
                    aria-label="Close" title="Close (Esc)">{ "×" }</button>
            </div>
            if let Some(origin) = &props.popover.origin {
                <p class="key-popover-origin">{ origin }</p>
            }
            <p class="key-popover-answer">{ route_sentence(&route) }</p>
            <dl class="key-popover-steps">
                <dt>{ "MD5" }</dt>
                <dd><code>{ &route.md5 }</code></dd>
                <dt>{ "on the bar" }</dt>
                <dd>{ format!("{:.2}% of the way along 0 … 2^128 − 1", route.position) }</dd>
                <dt>{ "shard" }</dt>
                <dd class="key-popover-shard">
                    if let Some((id, start, end)) = &route.shard {
                        <strong>{ id }</strong>
                        <span class="range">{ format!(" StartingHashKey {start} … EndingHashKey {end}") }</span>
                    } else {
                        { "no open shard" }
                    }
                </dd>
            </dl>
            { mini_bar(&props.ranges, &route, "hash-bar small key-popover-bar") }
        </div>
    }
}

/// The open shards as a small bar, the key's shard marked and the key's place drawn.
fn mini_bar(ranges: &[Range], route: &KeyRoute, class: &'static str) -> Html {
    let owner = route
        .shard
        .as_ref()
        .map(|s| s.0.as_str())
        .unwrap_or_default();
    html! {
        <div class={class} role="img"
            aria-label={format!("The hash key space cut into {} shards; the key falls in {owner}", ranges.len())}>
            { for ranges.iter().map(|range| {
                let width = (range.ending_hash_key - range.starting_hash_key) as f64
                    / MAX_HASH_KEY as f64 * 100.0;
                let class = if range.id == owner { "hash-bar-shard owner" } else { "hash-bar-shard" };
                html! {
                    <div {class} style={format!("width: {width:.4}%")}
                        title={format!("{}\nStartingHashKey {}\nEndingHashKey {}",
                            range.id, range.starting_hash_key, range.ending_hash_key)}>
                        { format::short_shard(&range.id) }
                    </div>
                }
            }) }
            <div class="hash-bar-marker" style={format!("left: {:.4}%", route.position)} aria-hidden="true"></div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExplainerProps {
    pub key_text: String,
    pub ranges: Vec<Range>,
    /// Where the key came from, when it was a clicked record.
    #[prop_or_default]
    pub origin: Option<String>,
    pub on_key: Callback<String>,
}

#[component]
pub fn KeyExplainer(props: &ExplainerProps) -> Html {
    let oninput = props.on_key.reform(|event: InputEvent| {
        let input: HtmlInputElement = event.target_unchecked_into();
        input.value()
    });
    let key = &props.key_text;
    let route = route(key, &props.ranges);
    let owner = route.shard.as_ref();
    let owner_id = owner.map(|r| r.0.clone()).unwrap_or_default();
    html! {
        <section class="panel key-explainer" aria-labelledby="key-explainer-title">
            <h2 id="key-explainer-title">{ "Why did this record go there?" }</h2>
            if let Some(origin) = &props.origin {
                <p class="origin" id="explained-origin">{ origin }</p>
            }
            <label for="partition-key">{ "Partition key" }</label>
            <input id="partition-key" type="text" value={key.clone()} {oninput}
                autocomplete="off" spellcheck="false" />
            <dl class="routing-steps">
                <dt>{ "1. MD5 of its UTF-8 bytes" }</dt>
                <dd id="routed-md5"><code>{ &route.md5 }</code></dd>
                <dt>{ "2. read as a 128-bit number" }</dt>
                <dd id="routed-hash-key"><code>{ route.hash_key.to_string() }</code></dd>
                <dt>{ "3. its place in 0 … 2^128 − 1" }</dt>
                <dd id="routed-position">{ format!("{:.2}% of the way along", route.position) }</dd>
                <dt>{ "4. the open shard whose range holds it" }</dt>
                <dd id="routed-shard" data-shard={owner_id.clone()}>
                    if let Some((id, start, end)) = owner {
                        <strong>{ id }</strong>
                        <span class="range">{ format!(" (StartingHashKey {start} … EndingHashKey {end})") }</span>
                    } else {
                        { "no open shard (the stream has none)" }
                    }
                </dd>
            </dl>
            { mini_bar(&props.ranges, &route, "hash-bar small") }
            <p class="hint">{ "With four even shards, a, user-42, héllo and partitionKey-0 land in one shard each. An ExplicitHashKey skips step 1 and 2: the number is given." }</p>
        </section>
    }
}
