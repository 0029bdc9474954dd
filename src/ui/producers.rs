//! Live controls for the producers: rate, and the partition key distribution (uniform over N
//! keys, random keys, Zipf, or one hot key taking a fraction of the records). Applying runs
//! `producer set ...`, shown in the command log like every other click.

use wasm_bindgen::JsCast;
use web_sys::{HtmlFormElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::field::Field;
use super::format;
use crate::script::sim_commands::parse_keys;
use crate::session::commands;
use crate::session::view::ProducerView;
use crate::sim::KeyDistribution;

#[derive(Properties, PartialEq)]
pub struct ProducersProps {
    pub producers: Vec<ProducerView>,
    pub on_run: Callback<String>,
}

#[component]
pub fn Producers(props: &ProducersProps) -> Html {
    html! {
        <section class="panel producers" aria-labelledby="producers-title">
            <h2 id="producers-title">{ "Producers" }</h2>
            <p class="hint">{ "Change a producer's rate or its keys and watch the shards respond. Each change runs a `producer set` command." }</p>
            <div class="producer-forms">
                { for props.producers.iter().map(|p| html! {
                    <ProducerForm key={p.name.clone()} producer={p.clone()} on_run={props.on_run.clone()} />
                }) }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ProducerFormProps {
    producer: ProducerView,
    on_run: Callback<String>,
}

/// The fields of a key distribution, as the form shows them.
fn fields(keys: &str) -> (&'static str, String, String, String) {
    match parse_keys(keys) {
        Ok(KeyDistribution::Uniform(n)) => ("uniform", n.to_string(), String::new(), String::new()),
        Ok(KeyDistribution::Random) => ("random", "1000".into(), String::new(), String::new()),
        Ok(KeyDistribution::Zipf { s, n }) => ("zipf", n.to_string(), s.to_string(), String::new()),
        Ok(KeyDistribution::Hot { key, fraction, n }) => {
            ("hot", n.to_string(), fraction.to_string(), key)
        }
        Err(_) => ("uniform", "1000".into(), String::new(), String::new()),
    }
}

fn value_of(form: &HtmlFormElement, name: &str) -> String {
    form.elements()
        .named_item(name)
        .and_then(|e| {
            e.clone()
                .dyn_into::<HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|_| e.dyn_into::<HtmlSelectElement>().map(|s| s.value()))
                .ok()
        })
        .unwrap_or_default()
}

#[component]
fn ProducerForm(props: &ProducerFormProps) -> Html {
    let p = &props.producer;
    let (kind, n, param, hot_key) = fields(&p.keys);
    let kind_state = use_state(|| kind.to_string());
    let on_kind = {
        let kind_state = kind_state.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            kind_state.set(select.value());
        })
    };
    let on_submit = {
        let (name, on_run) = (p.name.clone(), props.on_run.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let form: HtmlFormElement = event.target_unchecked_into();
            let rate = value_of(&form, "rate").trim().to_string();
            let n = value_of(&form, "n").trim().to_string();
            let keys = match value_of(&form, "kind").as_str() {
                "random" => "random".to_string(),
                "zipf" => format!("zipf:{}:{n}", value_of(&form, "param").trim()),
                "hot" => format!(
                    "hot:{}:{}:{n}",
                    value_of(&form, "hot-key").trim(),
                    value_of(&form, "param").trim()
                ),
                _ => format!("uniform:{n}"),
            };
            // The rate goes through as typed: a bad one gets the command's own error.
            let rate = rate.parse::<f64>().unwrap_or(f64::NAN);
            on_run.emit(if rate.is_nan() {
                format!(
                    "producer set {} --rate {} --keys {}",
                    commands::quote(&name),
                    commands::quote(&value_of(&form, "rate")),
                    commands::quote(&keys)
                )
            } else {
                commands::producer_set(&name, rate, &keys)
            });
        })
    };
    let on_pause = {
        let command = commands::producer_pause(&p.name, !p.paused);
        props.on_run.reform(move |_: MouseEvent| command.clone())
    };
    let id = |field: &str| format!("producer-{}-{field}", p.name);
    let kind_now = (*kind_state).clone();
    html! {
        <form class="producer-form" data-producer={p.name.clone()} onsubmit={on_submit}>
            <h3>{ &p.name }
                <span class="counts">{ format!(" {} sent, {} throttled, {} failed",
                    format::int(p.sent), format::int(p.throttled), format::int(p.failed)) }</span>
            </h3>
            <label for={id("rate")}>{ "records/s" }</label>
            <Field id={id("rate")} name="rate" kind="number" min="0" step="any" value={p.rate.to_string()} />
            <label for={id("kind")}>{ "keys" }</label>
            <select id={id("kind")} name="kind" onchange={on_kind}>
                { for [("uniform", "uniform over N keys"), ("random", "random keys"), ("zipf", "Zipf (a few keys are popular)"), ("hot", "one hot key")]
                    .iter().map(|(value, label)| html! {
                        <option value={*value} selected={*value == kind_now}>{ *label }</option>
                    }) }
            </select>
            if kind_now != "random" {
                <label for={id("n")}>{ if kind_now == "hot" { "other keys" } else { "N keys" } }</label>
                <Field id={id("n")} name="n" kind="number" min="1" value={n} />
            }
            if kind_now == "zipf" {
                <label for={id("param")}>{ "exponent" }</label>
                <Field id={id("param")} name="param" kind="number" min="0" max="10" step="0.1"
                    value={if param.is_empty() { "1.1".to_string() } else { param.clone() }} />
            }
            if kind_now == "hot" {
                <label for={id("hot-key")}>{ "hot key" }</label>
                <Field id={id("hot-key")} name="hot-key"
                    value={if hot_key.is_empty() { "user-42".to_string() } else { hot_key }} />
                <label for={id("param")}>{ "its share" }</label>
                <Field id={id("param")} name="param" kind="number" min="0" max="1" step="0.05"
                    value={if param.is_empty() { "0.9".to_string() } else { param }} />
            }
            <button type="submit">{ "Apply" }</button>
            <button type="button" onclick={on_pause}>{ if p.paused { "Resume" } else { "Stop" } }</button>
        </form>
    }
}
