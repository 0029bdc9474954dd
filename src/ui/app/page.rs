//! The page's layout, drawn from the app's state: a sticky bar with the time controls and the
//! timeline; the guide (the lesson, with the list of lessons, and the console) beside the
//! stream on a laptop screen, above it on a narrow one; and every other panel as a tab below
//! the stream (see [`crate::ui::workspace`] for which tab shows, and static/layout.css
//! for the sizes).
//!
//! Every panel stays a component with its own props; a panel in a tab that is not selected
//! stays mounted, hidden.

use yew::prelude::*;

use super::App;
use crate::script::grammar::panel;
use crate::session::captions;
use crate::session::Scenario;
use crate::sim::CliVersion;
use crate::ui::charts::Charts;
use crate::ui::console::Console;
use crate::ui::explainer::{KeyExplainer, Range};
use crate::ui::help::Help;
use crate::ui::history_panel::HistoryPanel;
use crate::ui::hot_keys::HotKeys;
use crate::ui::kcl_panel::KclPanel;
use crate::ui::lesson_player::LessonPlayer;
use crate::ui::lineage::Lineage;
use crate::ui::pointer;
use crate::ui::producers::Producers;
use crate::ui::scenarios::Scenarios;
use crate::ui::stream_panel::StreamPanel;
use crate::ui::tabs::{tab_panel, TabList};
use crate::ui::timeline::Timeline;
use crate::ui::toolbar::Toolbar;
use crate::ui::workspace::{CONSOLE, GUIDE_TABS, LESSON, MORE_TABS};

impl App {
    /// While the page mirrors an endpoint: which one, whether the journal still flows, and
    /// Fork (see `session/mirror.rs`).
    fn mirror_banner(&self) -> Html {
        let Some(mirror) = self.session.borrow().mirroring().cloned() else {
            return Html::default();
        };
        let said = match mirror.connected {
            true => format!(
                "Mirroring {}: what your programs (boto3, the AWS CLI, an SDK) do there happens here, at the endpoint's simulated time.",
                mirror.endpoint
            ),
            false => format!(
                "Lost the endpoint at {}: the run stands where the journal stopped; the page reconnects if it comes back.",
                mirror.endpoint
            ),
        };
        html! {
            <div id="mirror-banner" class={classes!("mirror-banner", (!mirror.connected).then_some("lost"))}
                role="status" data-endpoint={mirror.endpoint.clone()} data-connected={mirror.connected.to_string()}>
                <span>{ said }</span>
                <button class="link" id="fork-mirror" onclick={self.callbacks.fork_mirror.clone()}
                    title="Go on from here as a run of your own; the endpoint is not touched">{ "Fork" }</button>
            </div>
        }
    }

    /// The page: the sticky bar (time controls and the timeline), the guide (the lesson and
    /// the console), the stream, and the other panels as tabs below it.
    pub(super) fn page(&self) -> Html {
        let view = &self.view;
        let cb = &self.callbacks;
        let stats = &self.timer.stats;

        let p95 = stats.percentile(95.0);
        // The panels a lesson's step shows (`show`): the others' tabs and panels go.
        let panels = view.panels.as_deref();
        let hidden_more = pointer::hidden_more_tabs(panels);
        let hidden_guide = if pointer::shows(panels, panel::CONSOLE) {
            Vec::new()
        } else {
            vec![CONSOLE]
        };
        let guide = match self.workspace.guide() {
            tab if hidden_guide.contains(&tab) => LESSON,
            tab => tab,
        };
        let more = self.more_shown();
        let every_more_hidden = hidden_more.len() == MORE_TABS.len();
        html! {
            <main id="shardlab-app" class="app" ref={self.main.clone()}
                data-frames={stats.frames.to_string()}
                data-frame-p95-ms={p95.map(|p| format!("{p:.3}")).unwrap_or_default()}
                data-frame-p50-ms={stats.percentile(50.0).map(|p| format!("{p:.3}")).unwrap_or_default()}
                data-first-frame-ms={stats.first_frame_ms.map(|t| format!("{t:.1}")).unwrap_or_default()}
                data-frame-interval-p95-ms={stats.interval_percentile(95.0).map(|p| format!("{p:.1}")).unwrap_or_default()}
                data-frame-interval-p50-ms={stats.interval_percentile(50.0).map(|p| format!("{p:.1}")).unwrap_or_default()}
                data-frame-phases-ms={{
                    let p = stats.mean_phases();
                    format!("simulate {:.2} view {:.2} render {:.2} paint {:.2}", p.simulate, p.view, p.render, p.paint)
                }}>
                <header class="app-bar">
                    <h1 class="brand">{ "Shardlab" }</h1>
                    <Toolbar time={view.time} catching_up={view.catching_up} waiting_until_ms={view.waiting_until_ms} speed={view.speed} running_at={view.running_at}
                        elapsed_ms={view.elapsed_ms} seed={view.seed}
                        on_play={cb.play.clone()} on_step={cb.step.clone()}
                        on_speed={cb.speed.clone()} on_seed={cb.seed.clone()}
                        on_reset={cb.reset.clone()} on_share={cb.share.clone()}
                        share_url={self.share_url.clone()} on_share_close={cb.close_share.clone()}
                        on_help={cb.help.clone()} bill={view.cost.clone()} />
                    <Timeline elapsed_ms={view.elapsed_ms} end_ms={view.timeline_end_ms} on_rewind={cb.rewind.clone()} />
                    { self.mirror_banner() }
                </header>
                <div class="workspace">
                    <aside class="guide" ref={self.guide.clone()} aria-label="Guide: the lesson and the console">
                        <div class="guide-head">
                            <TabList id="guide" label="Guide" tabs={GUIDE_TABS} selected={guide}
                                on_select={cb.guide.clone()} hidden={hidden_guide} />
                            <button class="link to-lessons" onclick={cb.to_lessons.clone()}>{ "All lessons" }</button>
                            if panels.is_some() {
                                <button class="link" id="show-everything" onclick={cb.show_everything.clone()}
                                    title="This step shows only the panels it needs: show every panel">{ "Show everything" }</button>
                            }
                        </div>
                        { tab_panel("guide", "lesson", guide, html! { <>
                            if *self.session.borrow().scenario() == Scenario::Default {
                                <p class="intro">{ "Amazon Kinesis Data Streams, simulated in your browser: watch records hash onto shards, throttle, reshard, and get consumed." }</p>
                            }
                            <LessonPlayer script={view.script.clone()} lesson={view.lesson.clone()}
                                notice={view.notice.clone()} on_next={cb.next.clone()} on_back={cb.back.clone()}
                                on_goto={cb.goto.clone()} on_answer={cb.answer.clone()} on_dismiss={cb.dismiss.clone()}
                                on_skip={cb.skip.clone()} on_show_me={cb.show_me.clone()}
                                on_open={cb.open.clone()} focus_request={self.player_focus} />
                            <Scenarios current={self.session.borrow().scenario().clone()} share_url={None::<String>}
                                on_open={cb.open.clone()} />
                        </> }) }
                        { tab_panel("guide", "console", guide, html! {
                            <Console entries={self.transcript.clone()} on_run={cb.run.clone()} on_complete={cb.complete.clone()}
                                cli_v2={self.session.borrow().world.cli_version() == CliVersion::V2} />
                        }) }
                    </aside>
                    <div class="stage">
                        <div class="stream-slot" hidden={!pointer::shows(panels, panel::STREAM)}>
                        <StreamPanel stream={view.stream.clone()} streams={view.streams.clone()}
                            deleted={view.stream_deleted.clone()} on_stream={cb.stream.clone()}
                            producers={view.producers.clone()}
                            hot_keys={view.hot_keys.clone()} explained_key={self.explained_key.clone()}
                            selected={self.selected.clone()} flight_canvas={self.flights.canvas()}
                            records_per_dot={self.flights.records_per_dot()}
                            aggregate_in_air={self.flights.aggregate_in_air()}
                            on_run={cb.run.clone()} on_select={cb.select.clone()}
                            popover={self.focus.popover.clone()}
                            highlighted={self.highlighted_shard.clone()} on_hover={cb.hover_shard.clone()}
                            mirrored={self.session.borrow().mirroring().map(|m| m.endpoint.clone())} />
                        </div>
                        <section class="more" aria-label="More about this run" hidden={every_more_hidden}>
                            <TabList id="more" label="More about this run" tabs={MORE_TABS} selected={more}
                                on_select={cb.more.clone()} hidden={hidden_more.clone()} />
                            { tab_panel("more", "kcl", more, html! { <>
                                <KclPanel shown={self.kcl.get()}
                                    highlighted={self.highlighted_worker.clone()} on_run={cb.run.clone()}
                                    on_select_worker={cb.select_worker.clone()} />
                                if view.apps.is_empty() {
                                    <p class="panel hint">{ "This scenario runs no KCL application. In the console, kcl app add starts one on a stream." }</p>
                                }
                            </> }) }
                            { tab_panel("more", "routing", more, html! {
                                <div class="two-columns">
                                    <div class="explainer-slot" hidden={!pointer::shows(panels, panel::EXPLAINER)}>
                                    <KeyExplainer key_text={self.explained_key.clone()} ranges={self.ranges()}
                                        origin={self.explained_origin.clone()} on_key={cb.explain.clone()} />
                                    </div>
                                    <div class="hot-keys-slot" hidden={!pointer::shows(panels, panel::HOT_KEYS)}>
                                    <HotKeys hot_keys={view.hot_keys.clone()}
                                        shards={view.stream.as_ref().map(|s| s.shards.clone()).unwrap_or_default()}
                                        on_stream={cb.stream.clone()} popover={self.focus.popover.clone()} />
                                    </div>
                                </div>
                            }) }
                            { tab_panel("more", "producers", more, html! {
                                <Producers producers={view.producers.clone()} on_run={cb.run.clone()} />
                            }) }
                            { tab_panel("more", "lineage", more, html! {
                                if let Some(stream) = &view.stream {
                                    <Lineage lineage={stream.lineage.clone()} />
                                } else {
                                    <p class="panel hint">{ "No stream yet: the family tree starts with one." }</p>
                                }
                            }) }
                            { tab_panel("more", "metrics", more, html! {
                                <Charts charts={self.charts.charts()} canvases={self.charts.canvases()} on_download={cb.download.clone()} />
                            }) }
                            { tab_panel("more", "history", more, html! {
                                <HistoryPanel history={self.history.history()} version={self.history.version()}
                                    hovered_shard={self.hovered_shard.clone()} seed={view.seed}
                                    on_pick={cb.pick_event.clone()} />
                            }) }
                        </section>
                        <footer class="app-footer">
                            <span id="frame-readout">{ captions::frame_work(p95, stats.kept(), stats.first_frame_ms.unwrap_or_default()) }</span>
                            <span>{ " Shardlab simulates Kinesis Data Streams from AWS's documented behaviour; it does not call AWS." }</span>
                        </footer>
                    </div>
                </div>
                if self.help_open {
                    <Help on_close={cb.help.clone()} />
                }
            </main>
        }
    }

    /// The tab shown below the stream: the one selected, unless the lesson's step hides it.
    /// The frame loop asks too, to leave the numbers of hidden panels alone (see `refresh`).
    pub(super) fn more_shown(&self) -> &'static str {
        let hidden_more = pointer::hidden_more_tabs(self.view.panels.as_deref());
        match self.workspace.more(!self.view.apps.is_empty()) {
            tab if hidden_more.contains(&tab) => MORE_TABS
                .iter()
                .map(|t| t.key)
                .find(|key| !hidden_more.contains(key))
                .unwrap_or(tab),
            tab => tab,
        }
    }

    fn ranges(&self) -> Vec<Range> {
        self.view
            .stream
            .as_ref()
            .map(|s| {
                s.shards
                    .iter()
                    .map(|shard| Range {
                        id: shard.id.clone(),
                        starting_hash_key: shard.starting_hash_key,
                        ending_hash_key: shard.ending_hash_key,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}
