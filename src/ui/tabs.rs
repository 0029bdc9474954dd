//! Tabs as the WAI-ARIA tabs pattern has them, and the browser storage that remembers which
//! tab a learner picked.
//!
//! A [`TabList`] is a `role="tablist"` of real buttons (`role="tab"`, `aria-selected`,
//! `aria-controls`); each controls a `role="tabpanel"` made by [`tab_panel`]. Only the
//! selected tab is in the Tab order (a roving `tabindex`); the left and right arrows, Home and
//! End move to another tab and select it, and Enter or space on a tab selects it as a click
//! does. The arrows are kept from the page's own shortcuts (the right arrow steps the
//! simulation everywhere else).
//!
//! A panel whose tab is not selected stays mounted, with the `hidden` attribute: it keeps its
//! own state (the console's line and recall, the history's filter), its elements keep their ids
//! for links and tests, and showing it again costs no rebuild.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// One tab: `key` names it in element ids and in storage, `label` is what the learner reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tab {
    pub key: &'static str,
    pub label: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct TabListProps {
    /// The prefix of the ids: tab `{id}-tab-{key}` controls panel `{id}-panel-{key}`.
    pub id: &'static str,
    /// What the tabs choose between, for assistive technology.
    pub label: &'static str,
    pub tabs: &'static [Tab],
    /// The selected tab's key.
    pub selected: &'static str,
    pub on_select: Callback<&'static str>,
    /// Tabs a lesson step hides (`show`): not drawn, not reached by the arrows.
    #[prop_or_default]
    pub hidden: Vec<&'static str>,
}

/// The id of a tab button.
pub fn tab_id(list: &str, key: &str) -> String {
    format!("{list}-tab-{key}")
}

/// The id of a tab's panel.
pub fn panel_id(list: &str, key: &str) -> String {
    format!("{list}-panel-{key}")
}

#[component]
pub fn TabList(props: &TabListProps) -> Html {
    let onkeydown = {
        let selected = props.selected;
        let on_select = props.on_select.clone();
        let tabs: Vec<Tab> = props
            .tabs
            .iter()
            .filter(|t| !props.hidden.contains(&t.key))
            .copied()
            .collect();
        Callback::from(move |event: KeyboardEvent| {
            let Some(now) = tabs.iter().position(|t| t.key == selected) else {
                return;
            };
            let last = tabs.len().saturating_sub(1);
            let to = match event.key().as_str() {
                "ArrowRight" => {
                    if now == last {
                        0
                    } else {
                        now + 1
                    }
                }
                "ArrowLeft" => now.checked_sub(1).unwrap_or(last),
                "Home" => 0,
                "End" => last,
                _ => return,
            };
            event.prevent_default();
            event.stop_propagation();
            let key = tabs[to].key;
            on_select.emit(key);
            // The tab buttons are all on the page already: focus follows the selection.
            let button = event
                .current_target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|list| {
                    list.query_selector(&format!("[data-tab=\"{key}\"]"))
                        .ok()
                        .flatten()
                })
                .and_then(|b| b.dyn_into::<HtmlElement>().ok());
            if let Some(button) = button {
                let _ = button.focus();
            }
        })
    };
    html! {
        <div class="tablist" role="tablist" aria-label={props.label} {onkeydown}>
            { for props.tabs.iter().filter(|t| !props.hidden.contains(&t.key)).map(|tab| {
                let selected = tab.key == props.selected;
                let key = tab.key;
                let onclick = props.on_select.reform(move |_: MouseEvent| key);
                html! {
                    <button type="button" role="tab" class="tab" id={tab_id(props.id, tab.key)}
                        data-tab={tab.key} aria-controls={panel_id(props.id, tab.key)}
                        aria-selected={selected.to_string()} tabindex={if selected { "0" } else { "-1" }}
                        {onclick}>
                        { tab.label }
                    </button>
                }
            }) }
        </div>
    }
}

/// The panel of tab `key` in list `list`: shown when `key` is the `selected` tab, otherwise
/// kept mounted and `hidden`.
pub fn tab_panel(list: &'static str, key: &'static str, selected: &str, content: Html) -> Html {
    html! {
        <div role="tabpanel" class={classes!("tab-panel", format!("{list}-panel"))}
            id={panel_id(list, key)} aria-labelledby={tab_id(list, key)} hidden={key != selected}
            tabindex="-1">
            { content }
        </div>
    }
}

/// The value stored under `name` in the browser's localStorage, if the browser keeps one and
/// lets the page read it (private modes and sandboxed frames may refuse: then nothing is
/// remembered, and the page works the same).
pub fn remembered(name: &str) -> Option<String> {
    let storage = local_storage()?;
    let get: js_sys::Function = js_sys::Reflect::get(&storage, &"getItem".into())
        .ok()?
        .dyn_into()
        .ok()?;
    get.call1(&storage, &name.into()).ok()?.as_string()
}

/// Stores `value` under `name` in localStorage, where the browser allows it.
pub fn remember(name: &str, value: &str) {
    let Some(storage) = local_storage() else {
        return;
    };
    let set = js_sys::Reflect::get(&storage, &"setItem".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(set) = set {
        // A full or refused storage only means the choice is not remembered.
        let _ = set.call2(&storage, &name.into(), &value.into());
    }
}

/// `window.localStorage`; reading the property itself throws where storage is refused.
fn local_storage() -> Option<JsValue> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &"localStorage".into())
        .ok()
        .filter(JsValue::is_object)
}
