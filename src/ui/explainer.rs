//! "Why did this record go there?": a partition key, step by step, to the shard that owns it
//! in the stream as it is now.
//!
//! Kinesis routes by number, not by text: MD5 of the key's UTF-8 bytes, read as a big-endian
//! 128-bit integer, falls into exactly one open shard's hash key range. The panel shows each
//! step; click a flying record, a hot key, or type a key to fill it in.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::format;
use crate::engine::{hash_key_of, md5_hex, MAX_HASH_KEY};

/// An open shard as the explainer needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    pub id: String,
    pub starting_hash_key: u128,
    pub ending_hash_key: u128,
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
    let hash = hash_key_of(key);
    let owner = props
        .ranges
        .iter()
        .find(|r| r.starting_hash_key <= hash && hash <= r.ending_hash_key);
    let owner_id = owner.map(|r| r.id.clone()).unwrap_or_default();
    let position = hash as f64 / MAX_HASH_KEY as f64 * 100.0;
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
                <dd id="routed-md5"><code>{ md5_hex(key) }</code></dd>
                <dt>{ "2. read as a 128-bit number" }</dt>
                <dd id="routed-hash-key"><code>{ hash.to_string() }</code></dd>
                <dt>{ "3. its place in 0 … 2^128 − 1" }</dt>
                <dd id="routed-position">{ format!("{position:.2}% of the way along") }</dd>
                <dt>{ "4. the open shard whose range holds it" }</dt>
                <dd id="routed-shard" data-shard={owner_id.clone()}>
                    if let Some(range) = owner {
                        <strong>{ &range.id }</strong>
                        <span class="range">{ format!(" (StartingHashKey {} … EndingHashKey {})",
                            range.starting_hash_key, range.ending_hash_key) }</span>
                    } else {
                        { "no open shard (the stream has none)" }
                    }
                </dd>
            </dl>
            <div class="hash-bar small" role="img"
                aria-label={format!("The hash key space cut into {} shards; the key falls in {owner_id}", props.ranges.len())}>
                { for props.ranges.iter().map(|range| {
                    let width = (range.ending_hash_key - range.starting_hash_key) as f64
                        / MAX_HASH_KEY as f64 * 100.0;
                    let class = if range.id == owner_id { "hash-bar-shard owner" } else { "hash-bar-shard" };
                    html! {
                        <div class={class} style={format!("width: {width:.4}%")}
                            title={format!("{}\nStartingHashKey {}\nEndingHashKey {}",
                                range.id, range.starting_hash_key, range.ending_hash_key)}>
                            { format::short_shard(&range.id) }
                        </div>
                    }
                }) }
                <div class="hash-bar-marker" style={format!("left: {position:.4}%")} aria-hidden="true"></div>
            </div>
            <p class="hint">{ "With four even shards, a, user-42, héllo and partitionKey-0 land in one shard each. An ExplicitHashKey skips step 1 and 2: the number is given." }</p>
        </section>
    }
}
