//! Hot keys: the partition keys the producers send most often, with the shard each hashes
//! into. A key whose shard is throttling is marked as the likely cause: one key's records all
//! go to one shard, and no shard takes more than 1,000 records or 1 MiB a second.
//!
//! Clicking a key (a real button, so the keyboard reaches it) opens its popover in a row just
//! under it: the key's MD5, its place on the hash key bar and its shard, where the learner
//! clicked.

use yew::prelude::*;

use super::explainer::{Anchor, KeyPopover, Popover, Range};
use super::format;
use super::palette::KEY_COLOURS;
use super::stream_panel::StreamMsg;
use crate::session::captions;
use crate::session::flights::key_colour;
use crate::session::view::{HotKey, ShardView};

#[derive(Properties, PartialEq)]
pub struct HotKeysProps {
    pub hot_keys: Vec<HotKey>,
    pub shards: Vec<ShardView>,
    /// A key clicked (`StreamMsg::HotKey`) or its popover closed.
    pub on_stream: Callback<StreamMsg>,
    /// The key popover, when it opens in this panel (under a row).
    #[prop_or_default]
    pub popover: Option<Popover>,
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
    let popover = props
        .popover
        .as_ref()
        .filter(|p| p.anchor == Anchor::HotKeyRow);
    let ranges: Vec<Range> = props
        .shards
        .iter()
        .map(|s| Range {
            id: s.id.clone(),
            starting_hash_key: s.starting_hash_key,
            ending_hash_key: s.ending_hash_key,
        })
        .collect();
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
                        let onclick = props
                            .on_stream
                            .reform(move |_: MouseEvent| StreamMsg::HotKey(key.clone()));
                        let open = popover.filter(|p| p.key == hot.key);
                        html! {
                            <>
                            <tr class={classes!(cause.then_some("cause"))} data-key={hot.key.clone()} data-shard={hot.shard.clone()}>
                                <td>
                                    <span class="swatch" style={format!("background: {}", KEY_COLOURS[key_colour(&hot.key) as usize])} aria-hidden="true"></span>
                                    <button class="link" {onclick} aria-expanded={open.is_some().to_string()} title="Show where this key goes">{ &hot.key }</button>
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
                            if let Some(open) = open {
                                <tr class="popover-row">
                                    <td colspan="4">
                                        <KeyPopover popover={open.clone()} ranges={ranges.clone()}
                                            on_close={props.on_stream.reform(|_: ()| StreamMsg::ClosePopover)} />
                                    </td>
                                </tr>
                            }
                            </>
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
