//! The whole page: one [`Session`] driven by one requestAnimationFrame loop, and the panels
//! that draw it.
//!
//! Each animation frame advances simulated time by the wall time since the previous frame
//! times the speed (at most 100 ms of wall time per frame, so a tab coming back from the
//! background does not race to catch up), builds the [`View`] once, and lets the panels
//! re-render; panels whose props did not change are skipped. Records in flight are painted
//! on a canvas after the render, and the charts redraw at 2 Hz. Every button sends a command
//! line to the session, exactly as if it had been typed.
//!
//! With `live = false` no frames run by themselves (for tests, which press Step and read the
//! DOM); everything else is the same.

use std::rc::Rc;

use gloo_events::EventListener;
use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::charts::Charts;
use super::console::Console;
use super::dom;
use super::explainer::{KeyExplainer, Range};
use super::flight_canvas::{self, DrawnDot};
use super::format;
use super::frame_stats::{FrameStats, Phases};
use super::help::Help;
use super::history_panel::HistoryPanel;
use super::hot_keys::HotKeys;
use super::kcl_panel::KclPanel;
use super::keyboard::{shortcut, Shortcut};
use super::lesson_player::LessonPlayer;
use super::lineage::Lineage;
use super::producers::Producers;
use super::scenarios::Scenarios;
use super::stream_panel::StreamPanel;
use super::timeline::Timeline;
use super::toolbar::Toolbar;
use crate::script::Entry;
use crate::session::charts::{self, Chart};
use crate::session::flights::Flights;
use crate::session::history::{History, HistoryFilter, HistoryItem};
use crate::session::{Scenario, ScriptState, Session, View};

/// How often the charts redraw (wall milliseconds): 2 Hz.
const CHART_INTERVAL_MS: f64 = 500.0;
/// Items the event history keeps, and shows.
const HISTORY_KEPT: usize = 5_000;
const HISTORY_SHOWN: usize = 200;
/// How often the history list on show is rebuilt (wall milliseconds).
const HISTORY_INTERVAL_MS: f64 = 250.0;
/// How often (in frames) the flight canvas's size is measured again.
const CANVAS_MEASURE_FRAMES: u64 = 30;
/// Seconds of history the charts show.
const CHART_WINDOW_S: u64 = 120;
/// Entries of the transcript the console shows.
const LOG_SHOWN: usize = 300;
/// The key the explainer shows first: the default scene's hot key.
const FIRST_KEY: &str = "user-42";

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The URL fragment to open (`#lesson=...&seed=...&t=...`); empty for the opening scene.
    #[prop_or_default]
    pub fragment: String,
    /// Whether requestAnimationFrame drives the clock (false in tests that step by hand).
    #[prop_or(true)]
    pub live: bool,
}

pub enum Msg {
    Frame(f64),
    TogglePlay,
    Step,
    SetSpeed(f64),
    SetSeed(u64),
    Reset,
    NextStep,
    Run(String),
    Open(Scenario),
    Explain(String),
    CanvasClick((f64, f64)),
    Select(String),
    Share,
    HashChanged,
    DownloadCsv,
    Shortcut(Shortcut),
    ToggleHelp,
    DismissNotice,
    HistoryFilter(HistoryFilter),
    PickEvent(HistoryItem),
    ExportEvents,
    HoverShard(Option<String>),
    ConsoleInput(String),
    ConsoleSubmit,
    ConsoleTab,
    ConsoleHistory(i32),
    Back,
    GoToStep(usize),
    Answer(usize),
    Rewind(u64),
    SelectWorker(String),
}

/// The callbacks the panels get, made once: a new `Callback` is a new value, and a panel
/// whose props changed re-renders, so making them in `view` would re-render every panel on
/// every frame.
struct Callbacks {
    run: Callback<String>,
    explain: Callback<String>,
    play: Callback<()>,
    step: Callback<()>,
    speed: Callback<f64>,
    seed: Callback<u64>,
    reset: Callback<()>,
    share: Callback<()>,
    help: Callback<()>,
    next: Callback<()>,
    dismiss: Callback<()>,
    select: Callback<String>,
    canvas_click: Callback<(f64, f64)>,
    download: Callback<()>,
    open: Callback<Scenario>,
    to_lessons: Callback<MouseEvent>,
    back: Callback<()>,
    goto: Callback<usize>,
    answer: Callback<usize>,
    rewind: Callback<u64>,
    select_worker: Callback<String>,
    history_filter: Callback<HistoryFilter>,
    pick_event: Callback<HistoryItem>,
    export_events: Callback<()>,
    hover_shard: Callback<Option<String>>,
    console_input: Callback<String>,
    console_submit: Callback<()>,
    console_tab: Callback<()>,
    console_history: Callback<i32>,
}

impl Callbacks {
    fn new(link: &yew::html::Scope<App>) -> Callbacks {
        Callbacks {
            run: link.callback(Msg::Run),
            explain: link.callback(Msg::Explain),
            play: link.callback(|_| Msg::TogglePlay),
            step: link.callback(|_| Msg::Step),
            speed: link.callback(Msg::SetSpeed),
            seed: link.callback(Msg::SetSeed),
            reset: link.callback(|_| Msg::Reset),
            share: link.callback(|_| Msg::Share),
            help: link.callback(|_| Msg::ToggleHelp),
            next: link.callback(|_| Msg::NextStep),
            dismiss: link.callback(|_| Msg::DismissNotice),
            select: link.callback(Msg::Select),
            canvas_click: link.callback(Msg::CanvasClick),
            download: link.callback(|_| Msg::DownloadCsv),
            open: link.callback(Msg::Open),
            back: link.callback(|_| Msg::Back),
            goto: link.callback(Msg::GoToStep),
            answer: link.callback(Msg::Answer),
            rewind: link.callback(Msg::Rewind),
            select_worker: link.callback(Msg::SelectWorker),
            history_filter: link.callback(Msg::HistoryFilter),
            pick_event: link.callback(Msg::PickEvent),
            export_events: link.callback(|_| Msg::ExportEvents),
            hover_shard: link.callback(Msg::HoverShard),
            console_input: link.callback(Msg::ConsoleInput),
            console_submit: link.callback(|_| Msg::ConsoleSubmit),
            console_tab: link.callback(|_| Msg::ConsoleTab),
            console_history: link.callback(Msg::ConsoleHistory),
            to_lessons: Callback::from(|event: MouseEvent| {
                event.prevent_default();
                if let Some(lessons) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("lessons"))
                {
                    lessons.scroll_into_view();
                }
            }),
        }
    }
}

pub struct App {
    callbacks: Callbacks,
    session: Session,
    view: Rc<View>,
    flights: Flights,
    dots: Vec<DrawnDot>,
    frame: Option<AnimationFrame>,
    last_wall_ms: Option<f64>,
    frame_started_ms: Option<f64>,
    /// This frame's phases so far (simulate and view are known when the render starts).
    phases: Phases,
    updated_at_ms: f64,
    stats: FrameStats,
    explained_key: String,
    explained_origin: Option<String>,
    selected: Vec<String>,
    charts: Rc<Vec<Chart>>,
    charts_at_ms: f64,
    log: Rc<Vec<Entry>>,
    log_seq: u64,
    says: Vec<String>,
    share_url: Option<String>,
    /// The fragment this page last wrote, to tell our own changes from a learner's.
    fragment: String,
    help_open: bool,
    flight_canvas: NodeRef,
    /// The flight canvas's CSS size, the shard count it was measured for, and the frame.
    canvas_size: Option<((f64, f64), usize, u64)>,
    /// The chart canvases, and which chart is due to be drawn next (one per frame).
    chart_canvases: Rc<Vec<NodeRef>>,
    chart_due: Option<usize>,
    /// A worker highlighted from the event history (APP/WORKER).
    highlighted_worker: Option<String>,
    live: bool,
    /// The console: the line being typed, the lines typed before, where up/down is in
    /// them, and Tab's last choices.
    console_input: String,
    console_history: Vec<String>,
    /// The event history, its filter, the shard under the pointer, the shard highlighted from
    /// the history, and the list on show (rebuilt at most every [`HISTORY_INTERVAL_MS`]).
    history: History,
    history_filter: HistoryFilter,
    hovered_shard: Option<String>,
    highlighted_shard: Option<String>,
    history_items: Rc<Vec<HistoryItem>>,
    history_matching: usize,
    /// The shard and worker menus of the history, gathered with the list (not every frame).
    history_shards: Vec<String>,
    history_workers: Vec<String>,
    history_dirty: bool,
    history_at_ms: f64,
    history_pos: Option<usize>,
    candidates: Vec<String>,
    _keydown: Option<EventListener>,
    _hashchange: Option<EventListener>,
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let mut session = Session::from_fragment(&ctx.props().fragment);
        session.set_clock(dom::now_ms);
        let window = web_sys::window();
        let on_key = ctx.link().batch_callback(|event: KeyboardEvent| {
            let found = shortcut(&event);
            if matches!(
                found,
                Some(Shortcut::TogglePlay | Shortcut::Step | Shortcut::Help)
            ) {
                event.prevent_default();
            }
            found.map(Msg::Shortcut)
        });
        let keydown = window.as_ref().and_then(|w| w.document()).map(|document| {
            EventListener::new(&document, "keydown", move |event| {
                if let Some(event) = event.dyn_ref::<KeyboardEvent>() {
                    on_key.emit(event.clone());
                }
            })
        });
        // Only the live page follows the address bar; a test's app has its own fragment.
        let hashchange = window.filter(|_| ctx.props().live).map(|window| {
            let on_hash = ctx.link().callback(|_: ()| Msg::HashChanged);
            EventListener::new(&window, "hashchange", move |_| on_hash.emit(()))
        });
        let mut app = App {
            callbacks: Callbacks::new(ctx.link()),
            view: Rc::new(session.view()),
            session,
            flights: Flights::default(),
            dots: Vec::new(),
            frame: None,
            last_wall_ms: None,
            frame_started_ms: None,
            phases: Phases::default(),
            updated_at_ms: 0.0,
            stats: FrameStats::default(),
            explained_key: FIRST_KEY.to_string(),
            explained_origin: None,
            selected: Vec::new(),
            charts: Rc::new(Vec::new()),
            charts_at_ms: f64::NEG_INFINITY,
            log: Rc::new(Vec::new()),
            log_seq: u64::MAX,
            says: Vec::new(),
            share_url: None,
            fragment: ctx.props().fragment.trim_start_matches('#').to_string(),
            help_open: false,
            flight_canvas: NodeRef::default(),
            canvas_size: None,
            chart_canvases: Rc::new(Vec::new()),
            chart_due: None,
            highlighted_worker: None,
            live: ctx.props().live,
            console_input: String::new(),
            console_history: Vec::new(),
            history: History::new(HISTORY_KEPT),
            history_filter: HistoryFilter::default(),
            hovered_shard: None,
            highlighted_shard: None,
            history_items: Rc::new(Vec::new()),
            history_matching: 0,
            history_shards: Vec::new(),
            history_workers: Vec::new(),
            history_dirty: true,
            history_at_ms: f64::NEG_INFINITY,
            history_pos: None,
            candidates: Vec::new(),
            _keydown: keydown,
            _hashchange: hashchange,
        };
        if ctx.props().live {
            app.request_frame(ctx);
        } else {
            // Without frames, a link's replay happens at once.
            while app.session.catching_up() {
                app.session.frame(0.0);
            }
        }
        app.refresh(true);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(wall_ms) => {
                let started = dom::now_ms();
                self.frame_started_ms = Some(started);
                let dt = self.last_wall_ms.map_or(0.0, |last| wall_ms - last);
                if self.last_wall_ms.is_some() {
                    self.stats.record_interval(dt);
                }
                self.last_wall_ms = Some(wall_ms);
                let before = self.session.world.elapsed_ms();
                self.session.frame(dt);
                self.request_frame(ctx);
                let simulated = dom::now_ms();
                let moved = self.session.world.elapsed_ms() != before;
                if moved {
                    self.refresh(false);
                }
                self.updated_at_ms = dom::now_ms();
                self.phases = Phases {
                    simulate: simulated - started,
                    view: self.updated_at_ms - simulated,
                    ..Phases::default()
                };
                // Dots keep flying while paused, until they land.
                moved || !self.flights.is_empty() || self.stats.first_frame_ms.is_none()
            }
            Msg::TogglePlay => {
                if self.session.waiting_until().is_some() {
                    self.session.stop_wait();
                } else if matches!(self.session.script, ScriptState::AtStep { .. }) {
                    self.session.next_step();
                } else {
                    self.session.playing = !self.session.playing;
                }
                self.refresh(true);
                true
            }
            Msg::Step => {
                self.session.stop_wait();
                self.session.playing = false;
                self.session.step();
                self.refresh(true);
                true
            }
            Msg::SetSpeed(speed) => {
                self.session.set_speed(speed);
                self.refresh(false);
                true
            }
            Msg::SetSeed(seed) => {
                let scenario = self.session.scenario().clone();
                self.open(scenario, seed);
                true
            }
            Msg::Reset => {
                self.session.reset();
                self.after_open();
                true
            }
            Msg::NextStep => {
                self.session.next_step();
                self.refresh(true);
                true
            }
            Msg::Run(line) => {
                if !line.trim().is_empty() {
                    self.session.run_command(&line);
                    if !self.live {
                        // Without frames (tests), a console `wait` happens at once.
                        self.session.finish_catch_up();
                    }
                    self.refresh(true);
                }
                true
            }
            Msg::Open(scenario) => {
                let seed = self.session.seed();
                self.open(scenario, seed);
                true
            }
            Msg::Explain(key) => {
                self.explained_key = key;
                self.explained_origin = None;
                true
            }
            Msg::CanvasClick((x, y)) => {
                let Some(dot) = flight_canvas::hit(&self.dots, x, y) else {
                    return false;
                };
                let f = &dot.flight;
                let from = if f.producer.is_empty() {
                    "put from the console".to_string()
                } else {
                    format!("sent by producer {}", f.producer)
                };
                let what = if f.throttled {
                    format!(
                        "was refused by {} (ProvisionedThroughputExceededException)",
                        f.shard
                    )
                } else {
                    format!("went to {}", f.shard)
                };
                let many = if f.records > 1 {
                    format!(
                        " This dot stands for {} records; this was the first.",
                        format::int(f.records)
                    )
                } else {
                    String::new()
                };
                self.explained_origin = Some(format!(
                    "The record you clicked, with partition key {}, {from}, {what}.{many}",
                    f.key
                ));
                self.explained_key = f.key.clone();
                true
            }
            Msg::Select(id) => {
                if let Some(at) = self.selected.iter().position(|s| *s == id) {
                    self.selected.remove(at);
                } else {
                    if self.selected.len() == 2 {
                        self.selected.remove(0);
                    }
                    self.selected.push(id);
                }
                true
            }
            Msg::Share => {
                let fragment = self.session.link().encode();
                dom::replace_fragment(&fragment);
                self.share_url = Some(dom::url_with_fragment(&fragment));
                self.fragment = fragment;
                true
            }
            Msg::HashChanged => {
                let fragment = dom::fragment().trim_start_matches('#').to_string();
                if fragment == self.fragment {
                    return false;
                }
                self.fragment = fragment.clone();
                self.session = Session::from_fragment(&fragment);
                self.session.set_clock(dom::now_ms);
                self.after_open();
                true
            }
            Msg::DownloadCsv => {
                let csv = charts::csv(&self.session.world);
                let name = format!("shardlab-metrics-seed-{}.csv", self.session.seed());
                if let Err(error) = dom::download(&name, "text/csv", &csv) {
                    web_sys::console::error_2(&"CSV download failed".into(), &error);
                }
                false
            }
            Msg::Shortcut(shortcut) => match shortcut {
                Shortcut::TogglePlay => Component::update(self, ctx, Msg::TogglePlay),
                Shortcut::Step => Component::update(self, ctx, Msg::Step),
                Shortcut::Faster => {
                    Component::update(self, ctx, Msg::SetSpeed(self.session.speed() * 2.0))
                }
                Shortcut::Slower => {
                    Component::update(self, ctx, Msg::SetSpeed(self.session.speed() / 2.0))
                }
                Shortcut::Help => Component::update(self, ctx, Msg::ToggleHelp),
                Shortcut::Close => std::mem::take(&mut self.help_open),
            },
            Msg::ToggleHelp => {
                self.help_open = !self.help_open;
                true
            }
            Msg::DismissNotice => {
                self.session.notice = None;
                self.refresh(false);
                true
            }
            Msg::HistoryFilter(filter) => {
                self.history_filter = filter;
                self.rebuild_history();
                true
            }
            Msg::PickEvent(item) => {
                self.highlighted_shard = item.shards.first().cloned();
                self.highlighted_worker = item.workers.first().cloned();
                if let Some(element) = self.highlighted_shard.as_ref().and_then(|s| {
                    web_sys::window()?
                        .document()?
                        .get_element_by_id(&format!("lane-{s}"))
                }) {
                    element.scroll_into_view();
                }
                true
            }
            Msg::ExportEvents => {
                let json = self.history.to_json(&self.effective_filter());
                let name = format!("shardlab-events-seed-{}.json", self.session.seed());
                if let Err(error) = dom::download(&name, "application/json", &json) {
                    web_sys::console::error_2(&"event export failed".into(), &error);
                }
                false
            }
            Msg::HoverShard(shard) => {
                if self.hovered_shard == shard {
                    return false;
                }
                self.hovered_shard = shard;
                self.rebuild_history();
                true
            }
            Msg::ConsoleInput(text) => {
                self.console_input = text;
                self.candidates.clear();
                self.history_pos = None;
                true
            }
            Msg::ConsoleSubmit => {
                let line = std::mem::take(&mut self.console_input);
                self.candidates.clear();
                self.history_pos = None;
                if line.trim().is_empty() {
                    return true;
                }
                if self.console_history.last() != Some(&line) {
                    self.console_history.push(line.clone());
                }
                Component::update(self, ctx, Msg::Run(line))
            }
            Msg::ConsoleTab => {
                let found =
                    crate::script::complete::complete(&self.console_input, &self.session.world);
                let start = found.start.min(self.console_input.len());
                let insert = if found.candidates.len() == 1 {
                    format!("{} ", found.candidates[0])
                } else {
                    found.common_prefix()
                };
                if insert.trim_end().len() >= self.console_input.len() - start {
                    self.console_input.truncate(start);
                    self.console_input.push_str(&insert);
                }
                self.candidates = if found.candidates.len() > 1 {
                    found.candidates
                } else {
                    Vec::new()
                };
                true
            }
            Msg::ConsoleHistory(direction) => {
                if self.console_history.is_empty() {
                    return false;
                }
                let last = self.console_history.len() - 1;
                self.history_pos = match (self.history_pos, direction < 0) {
                    (None, true) => Some(last),
                    (None, false) => None,
                    (Some(at), true) => Some(at.saturating_sub(1)),
                    (Some(at), false) if at < last => Some(at + 1),
                    (Some(_), false) => None,
                };
                self.console_input = self
                    .history_pos
                    .and_then(|at| self.console_history.get(at).cloned())
                    .unwrap_or_default();
                true
            }
            Msg::Back => {
                self.session.back();
                self.after_replace();
                true
            }
            Msg::GoToStep(number) => {
                self.session.go_to_step(number);
                self.after_replace();
                true
            }
            Msg::Answer(chosen) => {
                self.session.answer(chosen);
                self.refresh(true);
                true
            }
            Msg::Rewind(time_ms) => {
                self.session.rewind_to(time_ms);
                self.after_replace();
                true
            }
            Msg::SelectWorker(worker) => {
                self.highlighted_worker =
                    (self.highlighted_worker.as_deref() != Some(worker.as_str())).then_some(worker);
                true
            }
        }
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let view = &self.view;
        let cb = &self.callbacks;

        let p95 = self.stats.percentile(95.0);
        html! {
            <main id="shardlab-app" class="app"
                data-frames={self.stats.frames.to_string()}
                data-frame-p95-ms={p95.map(|p| format!("{p:.3}")).unwrap_or_default()}
                data-frame-p50-ms={self.stats.percentile(50.0).map(|p| format!("{p:.3}")).unwrap_or_default()}
                data-first-frame-ms={self.stats.first_frame_ms.map(|t| format!("{t:.1}")).unwrap_or_default()}
                data-frame-interval-p95-ms={self.stats.interval_percentile(95.0).map(|p| format!("{p:.1}")).unwrap_or_default()}
                data-frame-interval-p50-ms={self.stats.interval_percentile(50.0).map(|p| format!("{p:.1}")).unwrap_or_default()}
                data-frame-phases-ms={{
                    let p = self.stats.mean_phases();
                    format!("simulate {:.2} view {:.2} render {:.2} paint {:.2}", p.simulate, p.view, p.render, p.paint)
                }}>
                <header class="app-header">
                    <h1>{ "Shardlab" }</h1>
                    <p class="tagline">{ "Amazon Kinesis Data Streams, simulated in your browser: watch records hash onto shards, throttle, reshard, and get consumed." }</p>
                    <a class="to-lessons" href="#lessons" onclick={cb.to_lessons.clone()}>{ "Lessons ↓" }</a>
                </header>
                <Toolbar playing={view.playing} catching_up={view.catching_up} waiting_until_ms={view.waiting_until_ms} speed={view.speed}
                    elapsed_ms={view.elapsed_ms} seed={view.seed}
                    on_play={cb.play.clone()} on_step={cb.step.clone()}
                    on_speed={cb.speed.clone()} on_seed={cb.seed.clone()}
                    on_reset={cb.reset.clone()} on_share={cb.share.clone()}
                    on_help={cb.help.clone()} />
                <Timeline elapsed_ms={view.elapsed_ms} end_ms={view.timeline_end_ms} on_rewind={cb.rewind.clone()} />
                <LessonPlayer script={view.script.clone()} lesson={view.lesson.clone()} says={self.says.clone()}
                    notice={view.notice.clone()} on_next={cb.next.clone()} on_back={cb.back.clone()}
                    on_goto={cb.goto.clone()} on_answer={cb.answer.clone()} on_dismiss={cb.dismiss.clone()} />
                if let Some(stream) = &view.stream {
                    <StreamPanel stream={stream.clone()} producers={view.producers.clone()}
                        hot_keys={view.hot_keys.clone()} explained_key={self.explained_key.clone()}
                        selected={self.selected.clone()} flight_canvas={self.flight_canvas.clone()}
                        records_per_dot={self.flights.records_per_dot()}
                        on_run={cb.run.clone()} on_select={cb.select.clone()}
                        on_canvas_click={cb.canvas_click.clone()} on_explain={cb.explain.clone()}
                        highlighted={self.highlighted_shard.clone()} on_hover={cb.hover_shard.clone()} />
                } else {
                    <section class="panel stream-panel empty">
                        <h2>{ "No stream yet" }</h2>
                        <p>{ "This scenario has not created a stream. Open a lesson below, or the opening scene." }</p>
                    </section>
                }
                <KclPanel apps={view.apps.clone()} elapsed_ms={view.elapsed_ms}
                    highlighted={self.highlighted_worker.clone()} on_run={cb.run.clone()}
                    on_select_worker={cb.select_worker.clone()} />
                <div class="two-columns">
                    <KeyExplainer key_text={self.explained_key.clone()} ranges={self.ranges()}
                        origin={self.explained_origin.clone()} on_key={cb.explain.clone()} />
                    <HotKeys hot_keys={view.hot_keys.clone()}
                        shards={view.stream.as_ref().map(|s| s.shards.clone()).unwrap_or_default()}
                        on_explain={cb.explain.clone()} />
                </div>
                <Producers producers={view.producers.clone()} on_run={cb.run.clone()} />
                if let Some(stream) = &view.stream {
                    <Lineage lineage={stream.lineage.clone()} />
                }
                <Charts charts={self.charts.clone()} canvases={self.chart_canvases.clone()} on_download={cb.download.clone()} />
                <Scenarios current={self.session.scenario().clone()} share_url={self.share_url.clone()}
                    on_open={cb.open.clone()} />
                <HistoryPanel items={self.history_items.clone()} matching={self.history_matching}
                    filter={self.history_filter.clone()} hovered_shard={self.hovered_shard.clone()}
                    shards={self.history_shards.clone()} workers={self.history_workers.clone()}
                    on_filter={cb.history_filter.clone()} on_pick={cb.pick_event.clone()}
                    on_export={cb.export_events.clone()} />
                <Console entries={self.log.clone()} input={self.console_input.clone()}
                    candidates={self.candidates.clone()} on_input={cb.console_input.clone()}
                    on_submit={cb.console_submit.clone()} on_tab={cb.console_tab.clone()}
                    on_history={cb.console_history.clone()} />
                <footer class="app-footer">
                    <span id="frame-readout">{ match p95 {
                        Some(p95) => format!("Frame work: p95 {p95:.1} ms over the last {} frames; first frame {:.0} ms after navigation.",
                            self.stats.kept(), self.stats.first_frame_ms.unwrap_or_default()),
                        None => "Frame work: not measured yet.".to_string(),
                    } }</span>
                    <span>{ " Shardlab simulates Kinesis Data Streams from AWS's documented behaviour; it does not call AWS." }</span>
                </footer>
                if self.help_open {
                    <Help on_close={cb.help.clone()} />
                }
            </main>
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        let now = dom::now_ms();
        self.phases.render = now - self.updated_at_ms;
        self.flights.retire(now);
        if let (Some(canvas), Some(stream)) = (
            self.flight_canvas.cast::<web_sys::HtmlCanvasElement>(),
            self.view.stream.as_ref(),
        ) {
            let producers: Vec<&str> = self
                .view
                .producers
                .iter()
                .filter(|p| p.stream == stream.name)
                .map(|p| p.name.as_str())
                .collect();
            let shards: Vec<&str> = stream.shards.iter().map(|s| s.id.as_str()).collect();
            let frame = self.stats.frames;
            let size = match self.canvas_size {
                Some((size, count, at))
                    if count == shards.len()
                        && frame.saturating_sub(at) < CANVAS_MEASURE_FRAMES =>
                {
                    size
                }
                _ => {
                    let size = flight_canvas::css_size(&canvas);
                    self.canvas_size = Some((size, shards.len(), frame));
                    size
                }
            };
            self.dots = flight_canvas::draw(
                &canvas,
                size,
                &self.flights,
                &producers,
                &shards,
                now,
                dom::pixel_ratio(),
            );
        }
        // One chart per frame, so a redraw (plotters measures every label through the DOM)
        // is spread over four frames instead of stretching one.
        if let Some(due) = self.chart_due {
            if let (Some(chart), Some(node)) = (self.charts.get(due), self.chart_canvases.get(due))
            {
                if let Some(canvas) = node.cast::<web_sys::HtmlCanvasElement>() {
                    super::charts::draw(&canvas, chart);
                }
            }
            self.chart_due = (due + 1 < self.charts.len()).then_some(due + 1);
        }
        if let Some(started) = self.frame_started_ms.take() {
            let ended = dom::now_ms();
            self.phases.paint = ended - now;
            self.stats.record(ended - started, self.phases, ended);
        }
    }
}

impl App {
    fn request_frame(&mut self, ctx: &Context<Self>) {
        let on_frame = ctx.link().callback(Msg::Frame);
        self.frame = Some(request_animation_frame(move |t| on_frame.emit(t)));
    }

    fn open(&mut self, scenario: Scenario, seed: u64) {
        self.session.open(scenario, seed);
        self.after_open();
        let fragment = self.session.link().encode();
        dom::replace_fragment(&fragment);
        self.fragment = fragment;
    }

    /// After Back, a jump to a step or a rewind replaced the session: without frames (tests),
    /// the replay happens at once.
    fn after_replace(&mut self) {
        if !self.live {
            while self.session.catching_up() {
                self.session.frame(0.0);
            }
        }
        self.after_open();
    }

    /// After the session was replaced: forget what belonged to the old one.
    fn after_open(&mut self) {
        self.flights.clear();
        self.selected.clear();
        self.history.clear();
        self.highlighted_shard = None;
        let setup = self.session.new_events();
        self.history.push(&setup);
        self.history_dirty = true;
        self.share_url = None;
        self.explained_origin = None;
        self.session.new_events();
        self.log_seq = u64::MAX;
        self.refresh(true);
    }

    /// Rebuilds what the page shows from the session. `charts_now` forces a chart redraw
    /// (after a click); otherwise they redraw at most every [`CHART_INTERVAL_MS`].
    fn refresh(&mut self, charts_now: bool) {
        self.view = Rc::new(self.session.view());
        let events = self.session.new_events();
        if !events.is_empty() {
            self.history.push(&events);
            self.history_dirty = true;
        }
        if self.history_dirty
            && (charts_now || dom::now_ms() - self.history_at_ms >= HISTORY_INTERVAL_MS)
        {
            self.rebuild_history();
        }
        if let Some(stream) = &self.view.stream {
            if !self.view.catching_up {
                self.flights.launch(&events, &stream.name, dom::now_ms());
            }
            let open: Vec<&str> = stream.shards.iter().map(|s| s.id.as_str()).collect();
            self.selected.retain(|s| open.contains(&s.as_str()));
        }
        let (transcript, seq) = self.session.transcript();
        if seq != self.log_seq {
            self.log_seq = seq;
            let skip = transcript.len().saturating_sub(LOG_SHOWN);
            self.log = Rc::new(transcript.iter().skip(skip).cloned().collect());
            self.says = transcript
                .iter()
                .rev()
                .take_while(|e| !matches!(e, Entry::Step { .. }))
                .filter_map(|e| match e {
                    Entry::Say { text } => Some(text.clone()),
                    _ => None,
                })
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
        }
        let now = dom::now_ms();
        if charts_now || now - self.charts_at_ms >= CHART_INTERVAL_MS {
            self.charts_at_ms = now;
            let world = &self.session.world;
            self.chart_due = Some(0);
            let mut all = self
                .view
                .stream
                .as_ref()
                .and_then(|s| world.kinesis().stream(&s.name))
                .map(|s| charts::charts(world, s, CHART_WINDOW_S))
                .unwrap_or_default();
            all.extend(
                world
                    .apps()
                    .map(|app| charts::leases_chart(world, app, CHART_WINDOW_S)),
            );
            if all.len() != self.chart_canvases.len() {
                self.chart_canvases = Rc::new(all.iter().map(|_| NodeRef::default()).collect());
            }
            self.charts = Rc::new(all);
        }
    }

    /// The history filter in force: the hovered shard, while there is one, wins.
    fn effective_filter(&self) -> HistoryFilter {
        match &self.hovered_shard {
            Some(shard) => HistoryFilter {
                shard: Some(shard.clone()),
                ..self.history_filter.clone()
            },
            None => self.history_filter.clone(),
        }
    }

    fn rebuild_history(&mut self) {
        let filter = self.effective_filter();
        let matching: Vec<&HistoryItem> = self.history.filtered(&filter).collect();
        self.history_matching = matching.len();
        let skip = matching.len().saturating_sub(HISTORY_SHOWN);
        self.history_items = Rc::new(matching.into_iter().skip(skip).cloned().collect());
        self.history_shards = self.history.shards();
        self.history_workers = self.history.workers();
        self.history_dirty = false;
        self.history_at_ms = dom::now_ms();
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
