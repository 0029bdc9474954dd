//! The event history: what happened, in order, in sentences (puts and renewals summed per
//! second, everything else one line each), filterable by shard, worker and kind, linked both
//! ways to the picture: click a line to highlight its shard and worker (the page stays where
//! it is: the learner is reading the list), or its Show button to bring them into view; hover
//! a shard's lane to see only its events. The filtered list exports as JSON.
//!
//! A busy stream adds lines every second, so the list holds still while the pointer is over
//! it or the keyboard is in it: the line the learner aims at stays where it is, and a note
//! says the list is held. It catches up when the pointer and the focus leave.

//!
//! The filter is the panel's own state; the history itself is fed by the app frame by frame,
//! and the shard under the pointer comes from the stream panel, so both come in as props. The
//! list on show is worked out again only when the app says the history moved on (`version`),
//! the filter changed, or the pointer moved to another lane.

use std::cell::RefCell;
use std::collections::BTreeSet;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::dom;
use super::format;
use super::shared::Shared;
use crate::session::captions;
use crate::session::history::{History, HistoryFilter, HistoryItem, HistoryKind};

/// Items the list shows (the newest that match).
const HISTORY_SHOWN: usize = 200;
/// Items the event history keeps.
const HISTORY_KEPT: usize = 5_000;
/// How often the list on show is worked out again while events arrive (wall milliseconds).
const HISTORY_INTERVAL_MS: f64 = 250.0;

/// The event history as the app feeds it: the session's new events go in every frame, and the
/// panel is told to show them at most every [`HISTORY_INTERVAL_MS`] (filtering thousands of
/// lines every frame would cost more than a frame has), or at once after a click.
pub struct HistoryFeed {
    history: Shared<RefCell<History>>,
    /// Bumped each time the panel should show what came in.
    version: u64,
    /// Whether something came in since the last bump.
    dirty: bool,
    /// When the version was last bumped (wall milliseconds).
    shown_ms: f64,
}

impl Default for HistoryFeed {
    fn default() -> HistoryFeed {
        HistoryFeed {
            history: Shared::new(RefCell::new(History::new(HISTORY_KEPT))),
            version: 0,
            dirty: true,
            shown_ms: f64::NEG_INFINITY,
        }
    }
}

impl HistoryFeed {
    /// Takes in new events (in sequence order).
    pub fn push(&mut self, events: &[crate::sim::Event]) {
        if events.is_empty() {
            return;
        }
        if let Ok(mut history) = self.history.try_borrow_mut() {
            history.push(events);
            self.dirty = true;
        }
    }

    /// Forgets every line (the run they belonged to is gone).
    pub fn clear(&mut self) {
        if let Ok(mut history) = self.history.try_borrow_mut() {
            history.clear();
        }
        self.dirty = true;
    }

    /// Tells the panel to show what came in, if anything did, `now` or when the list on show is
    /// [`HISTORY_INTERVAL_MS`] old; never while the panel is not `shown` (its tab is not the one
    /// selected), unless `now`: at 64 shards the list takes some 40 new lines four times a
    /// second, rewritten in the DOM for nobody.
    pub fn publish(&mut self, shown: bool, now: bool) {
        if !shown && !now {
            return;
        }
        if self.dirty && (now || dom::now_ms() - self.shown_ms >= HISTORY_INTERVAL_MS) {
            self.version += 1;
            self.dirty = false;
            self.shown_ms = dom::now_ms();
        }
    }

    pub fn history(&self) -> Shared<RefCell<History>> {
        self.history.clone()
    }

    pub fn version(&self) -> u64 {
        self.version
    }
}

#[derive(Properties, PartialEq)]
pub struct HistoryPanelProps {
    /// The event history, which the app keeps feeding.
    pub history: Shared<RefCell<History>>,
    /// Changes when the list on show should be worked out again (at most a few times a
    /// second while events pour in).
    pub version: u64,
    /// A shard being hovered in the stream view, which filters the list while it lasts.
    pub hovered_shard: Option<String>,
    /// The run's seed, for the export's file name.
    pub seed: u64,
    pub on_pick: Callback<HistoryItem>,
}

/// The list on show: the newest matching items (oldest first), how many match in all, and the
/// shard and worker menus.
#[derive(Default)]
struct Page {
    items: Vec<HistoryItem>,
    matching: usize,
    shards: Vec<String>,
    workers: Vec<String>,
}

impl Page {
    fn of(history: &RefCell<History>, filter: &HistoryFilter) -> Page {
        let Ok(history) = history.try_borrow() else {
            return Page::default();
        };
        let matching: Vec<&HistoryItem> = history.filtered(filter).collect();
        let skip = matching.len().saturating_sub(HISTORY_SHOWN);
        Page {
            matching: matching.len(),
            items: matching.into_iter().skip(skip).cloned().collect(),
            shards: history.shards(),
            workers: history.workers(),
        }
    }
}

/// The filter in force: the hovered shard, while there is one, wins.
fn effective(filter: &HistoryFilter, hovered_shard: &Option<String>) -> HistoryFilter {
    match hovered_shard {
        Some(shard) => HistoryFilter {
            shard: Some(shard.clone()),
            ..filter.clone()
        },
        None => filter.clone(),
    }
}

/// Brings what a line is about into view, in the middle of the window (not under the
/// sticky toolbar): its shard's lane, or else its worker's card, in the page `from` (the
/// clicked button) is part of.
fn show(item: &HistoryItem, from: Option<Element>) {
    let Some(page) = from.and_then(|e| e.closest("#shardlab-app").ok().flatten()) else {
        return;
    };
    let find = |selector: String| page.query_selector(&selector).ok().flatten();
    let lane = item
        .shards
        .iter()
        .find_map(|s| find(format!("[id='lane-{s}']")));
    let card = || {
        item.workers
            .iter()
            .find_map(|w| find(format!(".worker[data-worker='{w}']")))
    };
    if let Some(element) = lane.or_else(card) {
        scroll_to_middle(&element);
    }
}

/// `element.scrollIntoView({block: "center"})`.
fn scroll_to_middle(element: &Element) {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"block".into(), &"center".into());
    let method = js_sys::Reflect::get(element, &"scrollIntoView".into())
        .ok()
        .and_then(|m| m.dyn_into::<js_sys::Function>().ok());
    match method {
        Some(method) => {
            let _ = method.call1(element, &JsValue::from(options));
        }
        None => element.scroll_into_view(),
    }
}

#[component]
pub fn HistoryPanel(props: &HistoryPanelProps) -> Html {
    let filter = use_state(HistoryFilter::default);
    // Held still while the pointer is over the list or the focus is in it.
    let pointer_over = use_state(|| false);
    let focus_in = use_state(|| false);
    let held = *pointer_over || *focus_in;
    let shown_version = use_mut_ref(|| props.version);
    if !held {
        *shown_version.borrow_mut() = props.version;
    }
    let version = *shown_version.borrow();
    let page = use_memo(
        (
            props.history.clone(),
            version,
            (*filter).clone(),
            props.hovered_shard.clone(),
        ),
        |(history, _, filter, hovered)| Page::of(history, &effective(filter, hovered)),
    );
    let on_enter = {
        let pointer_over = pointer_over.clone();
        Callback::from(move |_: PointerEvent| pointer_over.set(true))
    };
    let on_leave = {
        let pointer_over = pointer_over.clone();
        Callback::from(move |_: PointerEvent| pointer_over.set(false))
    };
    let on_focus_in = {
        let focus_in = focus_in.clone();
        Callback::from(move |_: FocusEvent| focus_in.set(true))
    };
    let list_ref = use_node_ref();
    let on_focus_out = {
        let (focus_in, list_ref) = (focus_in.clone(), list_ref.clone());
        Callback::from(move |event: FocusEvent| {
            // Moving from one line's button to another's stays inside. (Yew listens at the
            // page's root, so the list is found by its ref, not as the event's current target.)
            let list: Option<Element> = list_ref.cast();
            let to = event
                .related_target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            let inside = list
                .zip(to)
                .is_some_and(|(list, to)| list.contains(Some(&to)));
            if !inside {
                focus_in.set(false);
            }
        })
    };
    let on_shard = {
        let filter = filter.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            let value = select.value();
            filter.set(HistoryFilter {
                shard: (!value.is_empty()).then_some(value),
                ..(*filter).clone()
            });
        })
    };
    let on_worker = {
        let filter = filter.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            let value = select.value();
            filter.set(HistoryFilter {
                worker: (!value.is_empty()).then_some(value),
                ..(*filter).clone()
            });
        })
    };
    let kind_box = |kind: HistoryKind| {
        let onchange = {
            let filter = filter.clone();
            Callback::from(move |event: Event| {
                let input: HtmlInputElement = event.target_unchecked_into();
                let mut kinds: BTreeSet<HistoryKind> = filter.kinds.clone();
                if input.checked() {
                    kinds.insert(kind);
                } else {
                    kinds.remove(&kind);
                }
                filter.set(HistoryFilter {
                    kinds,
                    ..(*filter).clone()
                });
            })
        };
        let id = format!("history-kind-{}", kind.label().to_ascii_lowercase());
        html! {
            <label for={id.clone()} class="kind">
                <input type="checkbox" id={id} checked={filter.kinds.contains(&kind)} {onchange} />
                { kind.label() }
            </label>
        }
    };
    let on_export = {
        let (history, filter) = (
            props.history.clone(),
            effective(&filter, &props.hovered_shard),
        );
        let name = format!("shardlab-events-seed-{}.json", props.seed);
        Callback::from(move |_: MouseEvent| {
            let Ok(history) = history.try_borrow() else {
                return;
            };
            let json = history.to_json(&filter);
            if let Err(error) = dom::download(&name, "application/json", &json) {
                web_sys::console::error_2(&"event export failed".into(), &error);
            }
        })
    };
    html! {
        <section class="panel history" aria-labelledby="history-title">
            <div class="history-head">
                <h2 id="history-title">{ "What happened" }</h2>
                <button id="export-events" onclick={on_export} title="The listed events as JSON">{ "Export JSON" }</button>
            </div>
            <div class="history-filters">
                <label>{ "Shard " }
                    <select id="history-shard" onchange={on_shard}>
                        <option value="" selected={filter.shard.is_none()}>{ "any" }</option>
                        { for page.shards.iter().map(|s| html! {
                            <option value={s.clone()} selected={filter.shard.as_deref() == Some(s.as_str())}>{ s }</option>
                        }) }
                    </select>
                </label>
                <label>{ "Worker " }
                    <select id="history-worker" onchange={on_worker}>
                        <option value="" selected={filter.worker.is_none()}>{ "any" }</option>
                        { for page.workers.iter().map(|w| html! {
                            <option value={w.clone()} selected={filter.worker.as_deref() == Some(w.as_str())}>{ w }</option>
                        }) }
                    </select>
                </label>
                <span class="kinds" role="group" aria-label="Kinds of event (none ticked: all)">
                    { for HistoryKind::ALL.iter().map(|k| kind_box(*k)) }
                </span>
            </div>
            if let Some(shard) = &props.hovered_shard {
                <p class="hint" id="history-hover">{ captions::history_hovered(shard) }</p>
            }
            <p class="hint">{ captions::history_count(page.matching, page.items.len()) }</p>
            <p class={classes!("hint", "history-held", held.then_some("held"))} id="history-held" aria-live="polite">
                { captions::history_pointer_note(held) }
            </p>
            <ol id="history-list" class="history-list" reversed=true ref={list_ref}
                onpointerenter={on_enter} onpointerleave={on_leave}
                onfocusin={on_focus_in} onfocusout={on_focus_out}>
                { for page.items.iter().rev().map(|item| {
                    let picked = item.clone();
                    let onclick = props.on_pick.reform(move |_: MouseEvent| picked.clone());
                    let on_show = (!item.shards.is_empty() || !item.workers.is_empty()).then(|| {
                        let (shown, on_pick) = (item.clone(), props.on_pick.clone());
                        Callback::from(move |event: MouseEvent| {
                            on_pick.emit(shown.clone());
                            show(&shown, event.target().and_then(|t| t.dyn_into().ok()));
                        })
                    });
                    html! {
                        <li key={item.seq.to_string()} class={classes!("kind-".to_string() + &item.kind.label().to_ascii_lowercase())}
                            data-shards={item.shards.join(" ")} data-workers={item.workers.join(" ")}>
                            <button class="history-item" {onclick}>
                                <span class="at">{ format::clock(item.at_ms) }</span>
                                <span class="kind-label">{ item.kind.label() }</span>
                                <span class="text">{ &item.text }</span>
                            </button>
                            if let Some(on_show) = on_show {
                                <button class="history-show" onclick={on_show}
                                    aria-label={format!("Show {} in the page", item.shards.first().or(item.workers.first()).cloned().unwrap_or_default())}>
                                    { "Show" }
                                </button>
                            }
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
