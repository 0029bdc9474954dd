//! Hot keys: the partition keys the producers send most often, with the shard each hashes
//! into. A key whose shard is throttling is marked as the likely cause: one key's records all
//! go to one shard, and no shard takes more than 1,000 records or 1 MiB a second.

use yew::prelude::*;

use super::format;
use super::palette::KEY_COLOURS;
use crate::session::captions;
use crate::session::flights::key_colour;
use crate::session::view::{HotKey, ShardView};

#[derive(Properties, PartialEq)]
pub struct HotKeysProps {
    pub hot_keys: Vec<HotKey>,
    pub shards: Vec<ShardView>,
    pub on_explain: Callback<String>,
}

#[component]
pub fn HotKeys(props: &HotKeysProps) -> Html {
    let limit_of = |shard: &str| {
        props
            .shards
            .iter()
            .find(|s| s.id == shard)
            .map(|s| (s.throttling, s.limits.write_records_per_sec))
    };
    html! {
        <section class="panel hot-keys" aria-labelledby="hot-keys-title">
            <h2 id="hot-keys-title">{ "Hot keys" }</h2>
            <p class="hint">{ "The most frequent partition keys the producers send, and where each one lands." }</p>
            <table id="hot-keys-table">
                <thead><tr><th>{ "Partition key" }</th><th>{ "records/s" }</th><th>{ "Shard" }</th><th>{ "Sent by" }</th></tr></thead>
                <tbody>
                    { for props.hot_keys.iter().map(|hot| {
                        let (throttling, limit) = limit_of(&hot.shard).unwrap_or((false, 0));
                        let cause = throttling && limit > 0 && hot.rate >= limit as f64 * 0.5;
                        let key = hot.key.clone();
                        let onclick = props.on_explain.reform(move |_: MouseEvent| key.clone());
                        html! {
                            <tr class={classes!(cause.then_some("cause"))} data-key={hot.key.clone()} data-shard={hot.shard.clone()}>
                                <td>
                                    <span class="swatch" style={format!("background: {}", KEY_COLOURS[key_colour(&hot.key) as usize])} aria-hidden="true"></span>
                                    <button class="link" {onclick} title="Explain where this key goes">{ &hot.key }</button>
                                </td>
                                <td class="num">{ if hot.rate < 10.0 { format!("{:.1}", hot.rate) } else { format::int(hot.rate.round() as u64) } }</td>
                                <td>
                                    { format::short_shard(&hot.shard) }
                                    if cause {
                                        <span class="cause-note">{ captions::hot_key_cause(hot.rate, limit) }</span>
                                    }
                                </td>
                                <td>{ hot.producers.join(", ") }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if props.hot_keys.is_empty() {
                <p class="hint">{ "No producer is sending." }</p>
            }
        </section>
    }
}
