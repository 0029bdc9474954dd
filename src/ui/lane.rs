//! One shard's lane: its id and hash key range, its state in a word and a sentence, its write
//! and read gauges against the shard limits, its ProvisionedThroughputExceeded counts, who
//! reads it, and the buttons that reshard it.
//!
//! The gauges show the last complete simulated second, the same numbers CloudWatch's
//! per-second view of IncomingRecords, IncomingBytes and GetRecords would give. The state
//! comes from the session ([`LaneState`]): a lane that refused writes or reads in the last two
//! seconds is THROTTLED (red, flashing, and saying which), a lane over a limit that has not
//! refused anything yet is OVER LIMIT (amber, spending burst credit), and colour is never the
//! only signal. A closed shard (after a split or merge) keeps a faded lane until it expires:
//! it takes no writes, so it has no write gauges and no reshard buttons, but it is still read.
//! Enhanced fan-out subscriptions are pipes of their own under the shared read gauges, each
//! with a gauge of its own 2 MiB/s.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::format;
use crate::session::commands;
use crate::session::text::plural;
use crate::session::view::{
    reader_label, readers_out_of_order_note, readers_summary, LaneState, ShardView,
};

#[derive(Properties, PartialEq)]
pub struct LaneProps {
    pub shard: ShardView,
    pub stream: String,
    pub selected: bool,
    /// Whether a split or merge can start now (the stream is ACTIVE).
    pub can_reshard: bool,
    pub on_run: Callback<String>,
    pub on_select: Callback<String>,
    /// Highlighted from the event history.
    pub highlighted: bool,
    /// The pointer entering (Some) or leaving (None) the lane: the event history follows it.
    pub on_hover: Callback<Option<String>>,
}

/// One gauge: `value` of `limit`, with a text alternative. Over the limit it says so.
fn gauge(class: &str, label: &str, value: u64, limit: u64, text: String) -> Html {
    let share = if limit == 0 {
        0.0
    } else {
        (value as f64 / limit as f64).min(1.0)
    };
    // At (or within 3% of) the limit: a per-second count of a continuously refilled bucket
    // can land just under the limit in a second where records were refused.
    let full = limit > 0 && share >= 0.97;
    let over = limit > 0 && value > limit;
    let text = if over { format!("{text} (over)") } else { text };
    html! {
        <div class={classes!("gauge", class.to_string(), full.then_some("full"), over.then_some("over"))} role="meter"
            aria-valuemin="0" aria-valuemax={limit.to_string()} aria-valuenow={value.to_string()}
            aria-label={format!("{label}: {text}")} title={format!("{label}: {text}")}>
            <span class="gauge-label" aria-hidden="true">{ label }</span>
            <span class="gauge-track" aria-hidden="true">
                <span class="gauge-fill" style={format!("transform: scaleX({share:.3})")}></span>
            </span>
            <span class="gauge-value" aria-hidden="true">{ text }</span>
        </div>
    }
}

/// The classes of a lane in `state`.
fn state_classes(state: LaneState, shard: &ShardView) -> Classes {
    classes!(
        state.is_refusing().then_some("throttled"),
        shard.read_throttling.then_some("reads-refused"),
        (state == LaneState::OverLimit).then_some("over-limit"),
        (state == LaneState::Closed).then_some("closed"),
    )
}

#[component]
pub fn Lane(props: &LaneProps) -> Html {
    let shard = &props.shard;
    let split_at = use_state(String::new);
    let limits = shard.limits;

    let on_split_mid = {
        let command = commands::split_shard(
            &props.stream,
            &shard.id,
            commands::midpoint(shard.starting_hash_key, shard.ending_hash_key),
        );
        props.on_run.reform(move |_: MouseEvent| command.clone())
    };
    let on_split_input = {
        let split_at = split_at.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            split_at.set(input.value());
        })
    };
    let on_split_at = {
        let (stream, id, on_run, split_at) = (
            props.stream.clone(),
            shard.id.clone(),
            props.on_run.clone(),
            split_at.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if !split_at.trim().is_empty() {
                on_run.emit(commands::split_shard(
                    &stream,
                    &id,
                    commands::split_point(&split_at),
                ));
            }
        })
    };
    let on_select = {
        let id = shard.id.clone();
        props.on_select.reform(move |_: Event| id.clone())
    };

    let on_enter = {
        let id = shard.id.clone();
        props.on_hover.reform(move |_: MouseEvent| Some(id.clone()))
    };
    let on_leave = props.on_hover.reform(|_: MouseEvent| None);
    let state = shard.state;
    let range_text = format!(
        "StartingHashKey {}\nEndingHashKey {}",
        shard.starting_hash_key, shard.ending_hash_key
    );
    html! {
        <li class={classes!("lane", state_classes(state, shard), props.selected.then_some("selected"), props.highlighted.then_some("highlighted"))}
            onmouseenter={on_enter} onmouseleave={on_leave}
            id={format!("lane-{}", shard.id)} data-shard-id={shard.id.clone()}
            data-starting-hash-key={shard.starting_hash_key.to_string()}
            data-ending-hash-key={shard.ending_hash_key.to_string()}
            data-throttled={state.is_refusing().to_string()}
            data-state={state.badge()}
            data-incoming-records={shard.incoming_records.to_string()}
            data-write-throttled-total={shard.write_throttled_total.to_string()}
            data-read-throttled-total={shard.read_throttled_total.to_string()}
            data-records-held={shard.records_held.to_string()}>
            <div class="lane-head">
                if shard.open {
                    <label class="lane-select" title="Select two adjacent shards to merge them">
                        <input type="checkbox" checked={props.selected} onchange={on_select}
                            aria-label={format!("Select {} for merging", shard.id)} />
                        <span class="lane-id">{ &shard.id }</span>
                    </label>
                } else {
                    <span class="lane-id">{ &shard.id }</span>
                }
                <span class="lane-range" title={range_text.clone()}>
                    { format!("{} – {} ({:.1}% of the keys)",
                        format::short_hash(shard.starting_hash_key),
                        format::short_hash(shard.ending_hash_key), shard.width * 100.0) }
                </span>
                <span class="lane-status" aria-live="polite">
                    <span class={classes!("lane-state", state.is_refusing().then_some("bad"),
                        (state == LaneState::OverLimit).then_some("warn"), (state == LaneState::Closed).then_some("closed"))}>
                        { state.badge() }
                    </span>
                    if !state.why().is_empty() {
                        <span class="lane-why">{ state.why() }</span>
                    }
                </span>
            </div>
            if let Some(note) = &shard.note {
                <p class="lane-note">{ note }</p>
            }
            <div class="lane-gauges">
                if shard.open {
                    { gauge("write-records", "write records/s", shard.incoming_records, limits.write_records_per_sec,
                        format!("{} of {}", format::int(shard.incoming_records), format::int(limits.write_records_per_sec))) }
                    { gauge("write-bytes", "write bytes/s", shard.incoming_bytes, limits.write_bytes_per_sec,
                        format!("{} of {}", format::bytes(shard.incoming_bytes), format::bytes(limits.write_bytes_per_sec))) }
                }
                { gauge("read-calls", "GetRecords calls/s", shard.read_calls, limits.read_calls_per_sec,
                    format!("{} of {}", shard.read_calls, limits.read_calls_per_sec)) }
                { gauge("read-bytes", "read bytes/s", shard.read_bytes, limits.read_bytes_per_sec,
                    format!("{} of {}", format::bytes(shard.read_bytes), format::bytes(limits.read_bytes_per_sec))) }
            </div>
            if !shard.fan_out.is_empty() {
                <div class="lane-fan-out">
                    <span class="fan-out-title" title="SubscribeToShard: records are pushed to each registered consumer from its own 2 MiB/s, not from the shard's shared GetRecords limits above">
                        { "Enhanced fan-out: a pipe of its own per consumer" }
                    </span>
                    { for shard.fan_out.iter().map(|pipe| html! {
                        <div class="fan-out-pipe" data-consumer={pipe.consumer.clone()}>
                            { gauge("fan-out", &format!("⇉ {}", pipe.consumer), pipe.bytes_per_sec, pipe.limit,
                                format!("{} of {}", format::bytes(pipe.bytes_per_sec), format::bytes(pipe.limit))) }
                        </div>
                    }) }
                </div>
            }
            <div class="lane-counts">
                <span class="exceeded" title="ProvisionedThroughputExceededException: records refused over the write limits, GetRecords calls refused over the read limits">
                    { "ProvisionedThroughputExceeded: " }
                    <strong class={classes!("write-exceeded", shard.throttling.then_some("bad"))}>{ format::int(shard.write_throttled_total) }</strong>{ " writes" }
                    if shard.write_throttled > 0 {
                        { format!(" ({}/s)", format::int(shard.write_throttled)) }
                    }
                    { ", " }
                    <strong class={classes!("read-exceeded", shard.read_throttling.then_some("bad"))}>{ format::int(shard.read_throttled_total) }</strong>{ " reads" }
                    if shard.read_throttled > 0 {
                        { format!(" ({}/s)", format::int(shard.read_throttled)) }
                    }
                </span>
                <span class="held">{ format!("{} held", plural(shard.records_held, "record", "records")) }</span>
            </div>
            <div class="lane-readers">
                <span class="readers-summary">{ readers_summary(&shard.readers, limits.read_calls_per_sec) }</span>
                if !shard.readers.is_empty() {
                    <ul aria-label={format!("Readers of {}", shard.id)}>
                        { for shard.readers.iter().map(|reader| html! {
                            <li class={classes!("reader", if reader.kcl { "kcl" } else { "consumer" })}
                                data-reader={reader.name.clone()}>
                                { reader_label(reader) }
                            </li>
                        }) }
                    </ul>
                }
                if let Some(note) = readers_out_of_order_note(&shard.readers) {
                    <p class="order-note">{ note }</p>
                }
            </div>
            if shard.open {
                <div class="lane-actions">
                    <button class="split-button" data-shard={shard.id.clone()} onclick={on_split_mid}
                        disabled={!props.can_reshard}
                        title={format!("SplitShard at the middle of {}'s range", shard.id)}>
                        { "Split in half" }
                    </button>
                    <form class="split-at" onsubmit={on_split_at}>
                        <input type="text" placeholder="or at a key / hash key" value={(*split_at).clone()}
                            oninput={on_split_input} aria-label={format!("Where to split {}: a partition key or a decimal hash key", shard.id)} />
                        <button type="submit" disabled={!props.can_reshard}>{ "Split here" }</button>
                    </form>
                </div>
            }
        </li>
    }
}
