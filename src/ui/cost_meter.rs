//! The cost meter in the toolbar: what the streams would cost on AWS, as a rate now and a
//! total so far, with the bill's items on click. On a narrow screen only the rate shows (the
//! total is in its title and its bill), so the bar keeps its two rows.
//!
//! The figures are the world's [`Bill`] (`sim cost` and the snapshot's `cost` print the same),
//! computed from the price table in `sim/prices.rs`; the words are
//! `session::captions::cost`'s. The breakdown is a popover under the button, closed by the
//! button again, its own close button or Esc.

use yew::prelude::*;

use crate::session::captions::cost::{item_row, meter_rate, meter_so_far, meter_title, usd};
use crate::sim::cost::Bill;

#[derive(Properties, PartialEq)]
pub struct CostMeterProps {
    pub bill: Bill,
}

#[component]
pub fn CostMeter(props: &CostMeterProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let on_key = {
        let open = open.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                open.set(false);
            }
        })
    };
    let bill = &props.bill;
    html! {
        <div class="cost" onkeydown={on_key}>
            <button id="cost-meter" class="cost-meter" onclick={toggle} title={meter_title(bill)}
                aria-expanded={open.to_string()} aria-controls="cost-breakdown"
                data-per-hour-usd={bill.per_hour_usd.to_string()} data-total-usd={bill.total_usd.to_string()}>
                <span class="cost-rate">{ meter_rate(bill) }</span>
                <span class="cost-so-far">{ meter_so_far(bill) }</span>
            </button>
            if *open {
                <div class="cost-breakdown" id="cost-breakdown" role="dialog" aria-label="What it costs">
                    <button class="close" onclick={close} aria-label="Close the bill" title="Close (Esc)">{ "×" }</button>
                    if bill.items.is_empty() {
                        <p>{ "Nothing billed yet." }</p>
                    } else {
                        <table>
                            <thead><tr><th>{ "Item" }</th><th>{ "Quantity" }</th><th>{ "Amount" }</th></tr></thead>
                            <tbody>
                                { for bill.items.iter().map(|item| {
                                    let (name, quantity, amount) = item_row(item);
                                    html! { <tr><td>{ name }</td><td>{ quantity }</td><td class="amount">{ amount }</td></tr> }
                                }) }
                            </tbody>
                        </table>
                    }
                    <p class="cost-total">{ format!("Total {} so far; {} an hour at the present pace.", usd(bill.total_usd), usd(bill.per_hour_usd)) }</p>
                    <p class="cost-note">{ "Prices are illustrative: us-east-1, from copies of AWS's price table with their dates (README, \"What it costs\"). `sim cost` prints the same bill." }</p>
                </div>
            }
        </div>
    }
}
