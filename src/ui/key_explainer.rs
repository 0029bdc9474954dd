//! "Why did this record go there?": a partition key, step by step, to the shard that owns it.
//!
//! Kinesis routes by number, not by text: MD5 of the key's UTF-8 bytes, read as a big-endian
//! 128-bit integer, falls into exactly one open shard's hash key range. This panel shows each
//! step for a stream of four evenly split shards, the layout `CreateStream --shard-count 4`
//! gives.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::engine::{hash_key_of, md5_hex, shard_id, HashKeyRange, MAX_HASH_KEY};

/// The number of shards in the demonstration stream.
const SHARDS: u32 = 4;

/// The key shown when the page opens.
const FIRST_KEY: &str = "user-42";

#[component]
pub fn KeyExplainer() -> Html {
    let key = use_state(|| FIRST_KEY.to_string());
    let oninput = {
        let key = key.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            key.set(input.value());
        })
    };

    let ranges = HashKeyRange::even_split(SHARDS);
    let hash = hash_key_of(&key);
    let owner = ranges.iter().position(|range| range.contains(hash));
    let owner_id = owner
        .and_then(|i| u32::try_from(i).ok())
        .map(shard_id)
        .unwrap_or_default();
    // Where the hash key falls on the bar, as a percentage of the whole space.
    let position = hash as f64 / MAX_HASH_KEY as f64 * 100.0;

    html! {
        <section class="panel key-explainer" aria-labelledby="key-explainer-title">
            <h2 id="key-explainer-title">{ "Which shard does a partition key go to?" }</h2>
            <label for="partition-key">{ "Partition key" }</label>
            <input id="partition-key" type="text" value={(*key).clone()} {oninput}
                autocomplete="off" spellcheck="false" />
            <dl class="routing-steps">
                <dt>{ "MD5 of its UTF-8 bytes" }</dt>
                <dd id="routed-md5"><code>{ md5_hex(&key) }</code></dd>
                <dt>{ "as a 128-bit hash key" }</dt>
                <dd id="routed-hash-key"><code>{ hash.to_string() }</code></dd>
                <dt>{ "lands in" }</dt>
                <dd id="routed-shard" data-shard={owner_id.clone()}><strong>{ owner_id.clone() }</strong></dd>
            </dl>
            <div class="hash-bar" role="img"
                aria-label={format!("The hash key space 0 to 2^128-1 cut into {SHARDS} shards; the key falls in {owner_id}")}>
                { for ranges.iter().enumerate().map(|(i, range)| {
                    let width = (range.ending_hash_key - range.starting_hash_key) as f64
                        / MAX_HASH_KEY as f64 * 100.0;
                    let id = u32::try_from(i).map(shard_id).unwrap_or_default();
                    let class = if Some(i) == owner { "hash-bar-shard owner" } else { "hash-bar-shard" };
                    html! {
                        <div class={class} style={format!("width: {width:.4}%")}
                            title={format!("{id}\nStartingHashKey {}\nEndingHashKey {}",
                                range.starting_hash_key, range.ending_hash_key)}>
                            { id.clone() }
                        </div>
                    }
                }) }
                <div class="hash-bar-marker" style={format!("left: {position:.4}%")} aria-hidden="true"></div>
            </div>
            <p class="hint">{ "Try a, user-42, héllo or partitionKey-0: one key for each shard." }</p>
        </section>
    }
}
