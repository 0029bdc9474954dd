//! The help dialog: what the page shows and the keyboard shortcuts.

use yew::prelude::*;

use super::keyboard::HELP;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub on_close: Callback<()>,
}

#[component]
pub fn Help(props: &HelpProps) -> Html {
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="help-backdrop">
            <div class="help" role="dialog" aria-modal="true" aria-labelledby="help-title" id="help-dialog">
                <h2 id="help-title">{ "How to read Shardlab" }</h2>
                <p>{ "The bar is the 128-bit hash key space of the stream, cut into its open shards' ranges. \
                      Each record's partition key is hashed with MD5 to a point on that bar, and the shard \
                      whose range holds the point gets the record. Each shard takes at most 1,000 records \
                      and 1 MiB per second; past that, writes are refused with \
                      ProvisionedThroughputExceededException and the lane turns red." }</p>
                <p>{ "Every button runs a command of the scenario language (see \"Commands run\"), so \
                      anything you do here can go in a script and be shared as a link." }</p>
                <h3>{ "Keyboard shortcuts" }</h3>
                <dl class="shortcuts">
                    { for HELP.iter().map(|(key, what)| html! { <><dt><kbd>{ *key }</kbd></dt><dd>{ *what }</dd></> }) }
                </dl>
                <button id="help-close" class="primary" onclick={on_close} autofocus=true>{ "Close" }</button>
            </div>
        </div>
    }
}
