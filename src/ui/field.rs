//! An input a learner can type into while the simulation runs.
//!
//! The page re-renders every animation frame, and Yew puts a controlled input's `value` back
//! into the DOM at each render: a plain `<input value={model}>` undoes each keystroke at the
//! next frame, and a form's Apply then sends the old value. A [`Field`] keeps what the learner
//! typed in its own state. It follows the model only when the model's value changes and the
//! learner has not typed since (a producer changed from the console, a new seed); once the
//! model reaches what was typed (after Apply), it follows the model again.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub id: AttrValue,
    /// The form field's name (what a form's submit handler reads).
    #[prop_or_default]
    pub name: AttrValue,
    /// The input's type: text, number, ...
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    /// The model's value, as text.
    pub value: AttrValue,
    #[prop_or_default]
    pub min: Option<AttrValue>,
    #[prop_or_default]
    pub max: Option<AttrValue>,
    #[prop_or_default]
    pub step: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    #[prop_or_default]
    pub aria_label: Option<AttrValue>,
    /// Called with the text when the learner commits it (Enter or leaving the field).
    #[prop_or_default]
    pub onchange: Option<Callback<String>>,
}

#[component]
pub fn Field(props: &FieldProps) -> Html {
    let text = use_state(|| props.value.to_string());
    // Typed since the model last changed (a shared cell: it must not re-render on its own).
    let typed: Rc<RefCell<bool>> = use_mut_ref(|| false);
    {
        let (text, typed) = (text.clone(), typed.clone());
        use_effect_with(props.value.clone(), move |value| {
            let mut typed = typed.borrow_mut();
            if *typed && **text == **value {
                // The model caught up with the learner (Apply went through).
                *typed = false;
            } else if !*typed {
                text.set(value.to_string());
            }
        });
    }
    let oninput = {
        let (text, typed) = (text.clone(), typed.clone());
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            *typed.borrow_mut() = true;
            text.set(input.value());
        })
    };
    let onchange = props.onchange.clone().map(|on_change| {
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            on_change.emit(input.value());
        })
    });
    html! {
        <input id={props.id.clone()} name={(!props.name.is_empty()).then(|| props.name.clone())} type={props.kind.clone()}
            class={props.class.clone()} value={(*text).clone()}
            min={props.min.clone()} max={props.max.clone()} step={props.step.clone()}
            placeholder={props.placeholder.clone()} aria-label={props.aria_label.clone()}
            {oninput} {onchange} />
    }
}
