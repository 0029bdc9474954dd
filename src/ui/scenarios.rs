//! Choosing what runs: the built-in lessons (one click), the default scene, a script loaded
//! from a file or pasted, and the share link of the current run.

use gloo_file::callbacks::FileReader;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::script::lessons::lessons;
use crate::script::parse::MAX_SCRIPT_BYTES;
use crate::session::{captions, Scenario};

#[derive(Properties, PartialEq)]
pub struct ScenariosProps {
    pub current: Scenario,
    pub share_url: Option<String>,
    pub on_open: Callback<Scenario>,
}

#[component]
pub fn Scenarios(props: &ScenariosProps) -> Html {
    let pasted = use_state(String::new);
    let problem = use_state(|| None::<String>);
    let reader = use_mut_ref(|| None::<FileReader>);

    let on_file = {
        let (on_open, problem, reader) = (props.on_open.clone(), problem.clone(), reader.clone());
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            if file.size() > MAX_SCRIPT_BYTES as f64 {
                problem.set(Some(captions::script_too_large(
                    Some(&file.name()),
                    file.size() as u64,
                    MAX_SCRIPT_BYTES,
                )));
                return;
            }
            let (on_open, problem) = (on_open.clone(), problem.clone());
            let name = file.name();
            let file = gloo_file::File::from(file);
            *reader.borrow_mut() =
                Some(gloo_file::callbacks::read_as_text(
                    &file,
                    move |result| match result {
                        Ok(text) => {
                            problem.set(None);
                            on_open.emit(Scenario::Script(text));
                        }
                        Err(error) => problem
                            .set(Some(captions::script_unreadable(&name, &error.to_string()))),
                    },
                ));
        })
    };
    let on_paste_input = {
        let pasted = pasted.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            pasted.set(area.value());
        })
    };
    let on_run_pasted = {
        let (pasted, on_open, problem) = (pasted.clone(), props.on_open.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            if pasted.len() > MAX_SCRIPT_BYTES {
                problem.set(Some(captions::script_too_large(
                    None,
                    pasted.len() as u64,
                    MAX_SCRIPT_BYTES,
                )));
            } else if !pasted.trim().is_empty() {
                problem.set(None);
                on_open.emit(Scenario::Script((*pasted).clone()));
            }
        })
    };
    let on_default = props.on_open.reform(|_: MouseEvent| Scenario::Default);
    let on_copy = {
        let url = props.share_url.clone().unwrap_or_default();
        Callback::from(move |_: MouseEvent| super::dom::copy_to_clipboard(&url))
    };
    let select_all = Callback::from(|event: FocusEvent| {
        let input: HtmlInputElement = event.target_unchecked_into();
        input.select();
    });

    html! {
        <section class="panel scenarios" id="lessons" aria-labelledby="lessons-title">
            <h2 id="lessons-title">{ "Lessons and scenarios" }</h2>
            if let Some(url) = &props.share_url {
                <div class="share">
                    <label for="share-url">{ "Link to this run, at this moment:" }</label>
                    <input id="share-url" type="text" readonly=true value={url.clone()} onfocus={select_all} />
                    <button onclick={on_copy}>{ "Copy" }</button>
                </div>
            }
            <ol class="lesson-list">
                { for lessons().iter().map(|lesson| {
                    let name = lesson.name.to_string();
                    let onclick = props.on_open.reform(move |_: MouseEvent| Scenario::Lesson(name.clone()));
                    let current = props.current == Scenario::Lesson(lesson.name.to_string());
                    html! {
                        <li class={classes!(current.then_some("current"))}>
                            <button class="lesson" data-lesson={lesson.name} {onclick} aria-current={current.then_some("true")}>
                                <strong>{ lesson.title() }</strong>
                                <span>{ lesson.summary() }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
            <div class="own-script">
                <button id="open-default" onclick={on_default}>{ "The opening scene" }</button>
                <label class="file">
                    { "Load a script file " }
                    <input id="script-file" type="file" accept=".sh,.txt,text/plain" onchange={on_file} />
                </label>
                <details>
                    <summary>{ "Paste a script" }</summary>
                    <textarea id="script-text" rows="8" spellcheck="false" oninput={on_paste_input}
                        placeholder={"aws kinesis create-stream --stream-name demo --shard-count 2\nwait 3s\nproducer add p --stream demo --rate 500"}
                        aria-label="Script text" value={(*pasted).clone()} />
                    <button id="run-script" onclick={on_run_pasted}>{ "Run this script" }</button>
                </details>
                if let Some(problem) = &*problem {
                    <p class="error" role="alert">{ problem }</p>
                }
            </div>
        </section>
    }
}
