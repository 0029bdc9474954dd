//! The page's outer shell: the header and the panels below it.

use yew::prelude::*;

use super::key_explainer::KeyExplainer;

/// The whole Shardlab page.
#[component]
pub fn App() -> Html {
    html! {
        <main id="shardlab-app" class="app">
            <header class="app-header">
                <h1>{ "Shardlab" }</h1>
                <p class="tagline">{ "Learn how Amazon Kinesis Data Streams really behaves, by watching it." }</p>
            </header>
            <KeyExplainer />
        </main>
    }
}
