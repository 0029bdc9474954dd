//! The event history: what happened, in order, in sentences (puts and renewals summed per
//! second, everything else one line each), filterable by shard, worker and kind, linked both
//! ways to the picture: click a line to highlight its shard and worker; hover a shard's lane
//! to see only its events. The filtered list exports as JSON.

use std::collections::BTreeSet;
use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::format;
use crate::session::history::{HistoryFilter, HistoryItem, HistoryKind};

#[derive(Properties)]
pub struct HistoryPanelProps {
    /// The newest matching items, oldest first.
    pub items: Rc<Vec<HistoryItem>>,
    /// How many items match in all (the list shows the newest).
    pub matching: usize,
    pub filter: HistoryFilter,
    /// A shard being hovered in the stream view, which filters the list while it lasts.
    pub hovered_shard: Option<String>,
    pub shards: Vec<String>,
    pub workers: Vec<String>,
    pub on_filter: Callback<HistoryFilter>,
    pub on_pick: Callback<HistoryItem>,
    pub on_export: Callback<()>,
}

impl PartialEq for HistoryPanelProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.items, &other.items)
            && self.matching == other.matching
            && self.filter == other.filter
            && self.hovered_shard == other.hovered_shard
            && self.shards == other.shards
            && self.workers == other.workers
            && self.on_filter == other.on_filter
            && self.on_pick == other.on_pick
            && self.on_export == other.on_export
    }
}

#[component]
pub fn HistoryPanel(props: &HistoryPanelProps) -> Html {
    let on_shard = {
        let (filter, on_filter) = (props.filter.clone(), props.on_filter.clone());
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            let value = select.value();
            on_filter.emit(HistoryFilter {
                shard: (!value.is_empty()).then_some(value),
                ..filter.clone()
            });
        })
    };
    let on_worker = {
        let (filter, on_filter) = (props.filter.clone(), props.on_filter.clone());
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            let value = select.value();
            on_filter.emit(HistoryFilter {
                worker: (!value.is_empty()).then_some(value),
                ..filter.clone()
            });
        })
    };
    let kind_box = |kind: HistoryKind| {
        let (filter, on_filter) = (props.filter.clone(), props.on_filter.clone());
        let onchange = Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let mut kinds: BTreeSet<HistoryKind> = filter.kinds.clone();
            if input.checked() {
                kinds.insert(kind);
            } else {
                kinds.remove(&kind);
            }
            on_filter.emit(HistoryFilter {
                kinds,
                ..filter.clone()
            });
        });
        let id = format!("history-kind-{}", kind.label().to_ascii_lowercase());
        html! {
            <label for={id.clone()} class="kind">
                <input type="checkbox" id={id} checked={props.filter.kinds.contains(&kind)} {onchange} />
                { kind.label() }
            </label>
        }
    };
    let on_export = props.on_export.reform(|_: MouseEvent| ());
    html! {
        <section class="panel history" aria-labelledby="history-title">
            <div class="history-head">
                <h2 id="history-title">{ "What happened" }</h2>
                <button id="export-events" onclick={on_export} title="The listed events as JSON">{ "Export JSON" }</button>
            </div>
            <div class="history-filters">
                <label>{ "Shard " }
                    <select id="history-shard" onchange={on_shard}>
                        <option value="" selected={props.filter.shard.is_none()}>{ "any" }</option>
                        { for props.shards.iter().map(|s| html! {
                            <option value={s.clone()} selected={props.filter.shard.as_deref() == Some(s.as_str())}>{ s }</option>
                        }) }
                    </select>
                </label>
                <label>{ "Worker " }
                    <select id="history-worker" onchange={on_worker}>
                        <option value="" selected={props.filter.worker.is_none()}>{ "any" }</option>
                        { for props.workers.iter().map(|w| html! {
                            <option value={w.clone()} selected={props.filter.worker.as_deref() == Some(w.as_str())}>{ w }</option>
                        }) }
                    </select>
                </label>
                <span class="kinds" role="group" aria-label="Kinds of event (none ticked: all)">
                    { for HistoryKind::ALL.iter().map(|k| kind_box(*k)) }
                </span>
            </div>
            if let Some(shard) = &props.hovered_shard {
                <p class="hint" id="history-hover">{ format!("Showing {shard}, the shard under the pointer.") }</p>
            }
            <p class="hint">{ format!("{} matching; the newest {} shown. Click a line to highlight its shard and worker.",
                format::int(props.matching as u64), props.items.len()) }</p>
            <ol id="history-list" class="history-list" reversed=true>
                { for props.items.iter().rev().map(|item| {
                    let picked = item.clone();
                    let onclick = props.on_pick.reform(move |_: MouseEvent| picked.clone());
                    html! {
                        <li key={item.seq.to_string()} class={classes!("kind-".to_string() + &item.kind.label().to_ascii_lowercase())}
                            data-shards={item.shards.join(" ")} data-workers={item.workers.join(" ")}>
                            <button class="history-item" {onclick}>
                                <span class="at">{ format::clock(item.at_ms) }</span>
                                <span class="kind-label">{ item.kind.label() }</span>
                                <span class="text">{ &item.text }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
