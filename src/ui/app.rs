//! The whole page: one [`Session`] driven by one requestAnimationFrame loop, and the panels
//! that draw it.
//!
//! Each animation frame advances simulated time by the wall time since the previous frame
//! times the speed (at most 100 ms of wall time per frame, so a tab coming back from the
//! background does not race to catch up), builds the [`View`] once, and lets the panels
//! re-render; panels whose props did not change are skipped. Records in flight are painted
//! on a canvas after the render, the charts redraw at 2 Hz and the KCL panel's numbers at
//! 4 Hz (see `frame.rs`). Every button
//! sends a command line to the session, exactly as if it had been typed.
//!
//! The app keeps only what more than one panel needs: the session, the view, and the links
//! between panels (the shard under the pointer filters the event history; an event picked
//! there highlights a shard and a worker; a clicked record or hot key fills the explainer).
//! A panel's own state stays in the panel: the console's line and recall, the history's filter.
//! Which tabs show is the [`Workspace`]'s; where the panels sit is drawn in `app/page.rs`.
//!
//! With `live = false` no frames run by themselves (for tests, which press Step and read the
//! DOM); everything else is the same.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::dom;
use super::flight_canvas::FlightLayer;
use super::frame::{ChartSchedule, FrameTimer, Readout};
use super::history_panel::HistoryFeed;
use super::kcl_panel::KclShown;
use super::keyboard::{shortcut, Shortcut};
use super::lesson_fetch;
use super::mirror_feed::{self, MirrorFeed};
use super::pointer;
use super::shared::Shared;
use super::stream_panel::{Effect, StreamFocus, StreamMsg};
use super::workspace::{Workspace, HISTORY, KCL, METRICS, ROUTING};
use crate::script::Entry;
use crate::script::Lesson;
use crate::session::captions::TimeState;
use crate::session::history::HistoryItem;
use crate::session::view::{Pointer, ViewMemo};
use crate::session::{charts, Link, Scenario, Session, View};

mod callbacks;
mod page;

use callbacks::Callbacks;

/// Seconds of history the charts show.
const CHART_WINDOW_S: u64 = 120;
/// Entries of the transcript the console shows.
const TRANSCRIPT_SHOWN: usize = 300;
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
    SkipWait,
    ShowMe,
    ShowEverything,
    Run(String),
    Open(Scenario),
    Explain(String),
    Stream(StreamMsg),
    Select(String),
    Share,
    CloseShare,
    HashChanged,
    DownloadCsv,
    Shortcut(Shortcut),
    ToggleHelp,
    DismissNotice,
    PickEvent(HistoryItem),
    HoverShard(Option<String>),
    Back,
    GoToStep(usize),
    Answer(usize),
    Rewind(u64),
    SelectWorker(String),
    /// A tab picked in the guide, or below the stream.
    Guide(&'static str),
    More(&'static str),
    ToLessons,
    /// A lesson's script was fetched (or not); then the message that needed it goes on.
    LessonFetched(&'static Lesson, Result<(), String>, Box<Msg>),
    /// An event of a mirrored endpoint's journal (`start`, `action`, `clock`), or `lost`.
    Mirror(&'static str, String),
    /// Stop following the endpoint (see `session/mirror.rs`).
    ForkMirror,
}

pub struct App {
    callbacks: Callbacks,
    /// Shared with the console's Tab completion, which reads its world between frames.
    session: Rc<RefCell<Session>>,
    view: Rc<View>,
    /// What building the view may reuse from the previous frame.
    view_memo: ViewMemo,
    frame: Option<AnimationFrame>,
    /// The next animation frame is requested once this frame's render is done (see
    /// [`App::rendered`]).
    frame_after_render: bool,
    timer: FrameTimer,
    flights: FlightLayer,
    charts: ChartSchedule,
    /// The KCL panel's applications, taken a few times a second while time plays.
    kcl: Readout<KclShown>,
    /// The key explainer's key, and the sentence saying where it came from (a clicked record).
    explained_key: String,
    explained_origin: Option<String>,
    /// The key popover, the stream picked and the stream shown.
    focus: StreamFocus,
    /// The shards selected for merging (at most two).
    selected: Vec<String>,
    /// The newest part of the transcript (the console's output), and how many entries were
    /// ever written when it was taken.
    transcript: Shared<Vec<Entry>>,
    transcript_seq: u64,
    /// Asks the lesson player to come into view and take the focus (a lesson opened, or Play
    /// pressed while a question waits): counts the requests.
    player_focus: u32,
    share_url: Option<String>,
    /// The fragment this page last wrote, to tell our own changes from a learner's.
    fragment: String,
    help_open: bool,
    /// A worker highlighted from the event history or its card (APP/WORKER).
    highlighted_worker: Option<String>,
    /// A shard highlighted from the event history.
    highlighted_shard: Option<String>,
    /// The shard lane under the pointer, which filters the event history.
    hovered_shard: Option<String>,
    history: HistoryFeed,
    /// The selected tabs, and the guide (the lesson and the console) to scroll after a click.
    workspace: Workspace,
    guide: NodeRef,
    /// The page's `<main>`, where a pointer's element is looked for.
    main: NodeRef,
    /// What the narration points at, as last outlined, and whether it still has to be
    /// brought into view (it changed since).
    pointed: Option<Pointer>,
    scroll_pointer: bool,
    live: bool,
    _keydown: Option<EventListener>,
    _hashchange: Option<EventListener>,
    /// The journal of the endpoint this page mirrors (`#mirror`), while it does.
    mirror_feed: Option<MirrorFeed>,
    /// Whether the journal has started (before it, the page is still connecting).
    mirror_started: bool,
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        // When the app began (after the .wasm was fetched, compiled and started): the first
        // interactive frame's split, read by `scripts/measure-page`.
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark("shardlab-create");
        }
        // A link to a lesson the page has not fetched yet opens once it is (see lesson_fetch).
        let waiting = Link::decode(&ctx.props().fragment)
            .ok()
            .and_then(|link| lesson_fetch::missing(&link.scenario));
        let mirror = mirror_feed::wanted(&ctx.props().fragment);
        let mut session = match waiting {
            _ if mirror => {
                let mut session = Session::new(Link::start(Scenario::Script(String::new()), 1));
                session.notice = Some(
                    "Connecting to the endpoint that served this page, to mirror its run…".into(),
                );
                session
            }
            Some(lesson) => {
                let mut session = Session::from_fragment("");
                session.notice = Some(lesson_fetch::loading(lesson));
                session
            }
            None => Session::from_fragment(&ctx.props().fragment),
        };
        session.set_clock(dom::now_ms);
        let session = Rc::new(RefCell::new(session));
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
        let view = Rc::new(session.borrow().view());
        let mut app = App {
            callbacks: Callbacks::new(ctx.link(), &session),
            session,
            view,
            view_memo: ViewMemo::default(),
            frame: None,
            frame_after_render: false,
            timer: FrameTimer::default(),
            flights: FlightLayer::default(),
            charts: ChartSchedule::default(),
            kcl: Readout::default(),
            explained_key: FIRST_KEY.to_string(),
            explained_origin: None,
            focus: StreamFocus::default(),
            selected: Vec::new(),
            transcript: Shared::default(),
            transcript_seq: u64::MAX,
            player_focus: 0,
            share_url: None,
            fragment: ctx.props().fragment.trim_start_matches('#').to_string(),
            help_open: false,
            highlighted_worker: None,
            highlighted_shard: None,
            hovered_shard: None,
            history: HistoryFeed::default(),
            workspace: Workspace::load(),
            guide: NodeRef::default(),
            main: NodeRef::default(),
            pointed: None,
            scroll_pointer: false,
            live: ctx.props().live,
            _keydown: keydown,
            _hashchange: hashchange,
            mirror_feed: None,
            mirror_started: false,
        };
        if mirror {
            app.fragment.clear();
            app.mirror_feed =
                MirrorFeed::open(ctx.link().callback(|(name, data)| Msg::Mirror(name, data)));
        }
        if let Some(lesson) = waiting {
            // Opens the link's lesson once fetched, as if the address bar changed to it.
            app.fragment.clear();
            app.fetch_lesson(ctx, lesson, Msg::HashChanged);
        }
        if ctx.props().live {
            app.request_frame(ctx);
        } else {
            // Without frames, a link's replay happens at once.
            app.finish_replay();
        }
        app.refresh(true);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(wall_ms) => {
                let dt = self.timer.begin(wall_ms);
                let (moved, speed) = {
                    let mut session = self.session.borrow_mut();
                    let before = session.world.elapsed_ms();
                    session.frame(dt);
                    (session.world.elapsed_ms() != before, session.speed())
                };
                self.timer.simulated();
                if moved {
                    // Dots fly only while the simulation moves: paused, they stand still.
                    self.flights.frame(dt, speed);
                    // A replay that just caught up shows its charts and history at once.
                    let caught_up = self.view.catching_up && !self.session.borrow().catching_up();
                    self.refresh(caught_up);
                }
                self.timer.updated();
                let render = moved || self.timer.stats.first_frame_ms.is_none();
                // Yew runs `rendered` only when no update is queued, and yields to the browser
                // every 16 ms: a next frame requested here, when frames take longer than that,
                // always queues its update first, and `rendered` (the dots, the charts, the
                // frame's timing) never runs. So the next frame waits for this one's render.
                if render {
                    self.frame_after_render = true;
                } else {
                    self.request_frame(ctx);
                }
                render
            }
            Msg::TogglePlay => {
                {
                    let mut session = self.session.borrow_mut();
                    // A question holds time until it is answered: Play brings the learner to it.
                    if session.time_state() == TimeState::HeldAtQuestion {
                        self.player_focus += 1;
                    }
                    session.toggle_play();
                }
                self.refresh(true);
                true
            }
            Msg::Step => {
                {
                    let mut session = self.session.borrow_mut();
                    session.stop_wait();
                    session.playing = false;
                    session.step();
                }
                self.flights.step();
                self.refresh(true);
                true
            }
            Msg::SetSpeed(speed) => {
                self.session.borrow_mut().set_speed(speed);
                // The frame figures describe the speed on show, not a mix of two.
                self.timer.stats.restart();
                self.refresh(false);
                true
            }
            Msg::SetSeed(seed) => {
                let scenario = self.session.borrow().scenario().clone();
                self.open(scenario, seed);
                true
            }
            Msg::Reset => {
                self.session.borrow_mut().reset();
                self.after_open();
                true
            }
            Msg::NextStep => {
                self.session.borrow_mut().next_step();
                self.refresh(true);
                true
            }
            Msg::SkipWait => {
                self.session.borrow_mut().skip_wait();
                self.refresh(true);
                true
            }
            Msg::ShowEverything => {
                self.session.borrow_mut().show_everything();
                self.refresh(true);
                true
            }
            Msg::ShowMe => {
                {
                    let mut session = self.session.borrow_mut();
                    session.show_me();
                    if !self.live {
                        session.finish_catch_up();
                    }
                }
                self.refresh(true);
                true
            }
            Msg::Run(line) => {
                if !line.trim().is_empty() {
                    let mut session = self.session.borrow_mut();
                    session.run_command(&line);
                    if !self.live {
                        // Without frames (tests), a console `wait` happens at once.
                        session.finish_catch_up();
                    }
                    drop(session);
                    self.refresh(true);
                }
                true
            }
            Msg::Open(scenario) => {
                if let Some(lesson) = lesson_fetch::missing(&scenario) {
                    self.fetch_lesson(ctx, lesson, Msg::Open(scenario));
                    return true;
                }
                let seed = self.session.borrow().seed();
                self.focus.forget();
                self.open(scenario, seed);
                // The guide shows the lesson from its top; the player takes the focus (its heading).
                self.workspace.scenario_opened(false);
                // The player comes into view, its heading focused.
                self.player_focus += 1;
                true
            }
            Msg::Explain(key) => {
                self.explained_key = key;
                self.explained_origin = None;
                self.workspace.show_more(ROUTING);
                true
            }
            Msg::Stream(msg) => match self.focus.update(msg, &self.flights) {
                Effect::Nothing => false,
                Effect::Redraw => true,
                Effect::Explain(key, origin) => {
                    (self.explained_key, self.explained_origin) = (key, origin);
                    true
                }
                Effect::Repicked => {
                    self.selected.clear();
                    self.flights.clear();
                    self.refresh(true);
                    true
                }
            },
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
                let fragment = self.session.borrow().link().encode();
                dom::replace_fragment(&fragment);
                self.share_url = Some(dom::url_with_fragment(&fragment));
                self.fragment = fragment;
                true
            }
            Msg::CloseShare => self.share_url.take().is_some(),
            Msg::HashChanged => {
                let fragment = dom::fragment().trim_start_matches('#').to_string();
                if fragment == self.fragment {
                    return false;
                }
                let waiting = Link::decode(&fragment)
                    .ok()
                    .and_then(|link| lesson_fetch::missing(&link.scenario));
                if let Some(lesson) = waiting {
                    self.fetch_lesson(ctx, lesson, Msg::HashChanged);
                    return true;
                }
                self.fragment = fragment.clone();
                self.focus.forget();
                // A link of the same run starts from its snapshots (and keeps the clock).
                self.session.borrow_mut().open_fragment(&fragment);
                self.after_open();
                self.workspace.scenario_opened(false);
                true
            }
            Msg::DownloadCsv => {
                let session = self.session.borrow();
                let csv = charts::csv(&session.world);
                let name = format!("shardlab-metrics-seed-{}.csv", session.seed());
                if let Err(error) = dom::download(&name, "text/csv", &csv) {
                    web_sys::console::error_2(&"CSV download failed".into(), &error);
                }
                false
            }
            Msg::Shortcut(shortcut) => match shortcut {
                Shortcut::TogglePlay => Component::update(self, ctx, Msg::TogglePlay),
                Shortcut::Step => Component::update(self, ctx, Msg::Step),
                Shortcut::Faster => {
                    let speed = self.session.borrow().speed();
                    Component::update(self, ctx, Msg::SetSpeed(speed * 2.0))
                }
                Shortcut::Slower => {
                    let speed = self.session.borrow().speed();
                    Component::update(self, ctx, Msg::SetSpeed(speed / 2.0))
                }
                Shortcut::Next => Component::update(self, ctx, Msg::NextStep),
                Shortcut::Help => Component::update(self, ctx, Msg::ToggleHelp),
                Shortcut::Close => {
                    std::mem::take(&mut self.help_open)
                        | self.share_url.take().is_some()
                        | self.focus.close()
                }
            },
            Msg::ToggleHelp => {
                self.help_open = !self.help_open;
                true
            }
            Msg::Mirror(name, data) => {
                {
                    let mut session = self.session.borrow_mut();
                    match name {
                        "lost" => session.mirror_lost(),
                        _ => {
                            if name == "start" {
                                session.notice = None;
                                self.mirror_started = true;
                            }
                            if let Err(problem) = session.mirror_event(name, &data) {
                                session.notice = Some(problem);
                            }
                        }
                    }
                }
                self.refresh(name != "clock");
                true
            }
            Msg::ForkMirror => {
                self.session.borrow_mut().fork_mirror();
                self.mirror_feed = None;
                self.refresh(true);
                true
            }
            Msg::DismissNotice => {
                self.session.borrow_mut().notice = None;
                self.refresh(false);
                true
            }
            Msg::PickEvent(item) => {
                // Only highlights: the page stays where the learner is reading (the line's
                // Show button scrolls, in the history panel).
                self.highlighted_shard = item.shards.first().cloned();
                self.highlighted_worker = item.workers.first().cloned();
                true
            }
            Msg::HoverShard(shard) => {
                if self.hovered_shard == shard {
                    return false;
                }
                self.hovered_shard = shard;
                true
            }
            Msg::Back => {
                self.session.borrow_mut().back();
                self.after_replace();
                true
            }
            Msg::GoToStep(number) => {
                self.session.borrow_mut().go_to_step(number);
                self.after_replace();
                true
            }
            Msg::Answer(chosen) => {
                self.session.borrow_mut().answer(chosen);
                self.refresh(true);
                true
            }
            Msg::Rewind(time_ms) => {
                self.session.borrow_mut().rewind_to(time_ms);
                self.after_replace();
                true
            }
            Msg::SelectWorker(worker) => {
                self.highlighted_worker =
                    (self.highlighted_worker.as_deref() != Some(worker.as_str())).then_some(worker);
                true
            }
            Msg::Guide(tab) => {
                self.workspace.pick_guide(tab);
                true
            }
            Msg::More(tab) => {
                self.workspace.pick_more(tab);
                // The charts were not painted while hidden: draw them now.
                self.refresh(true);
                true
            }
            Msg::ToLessons => {
                self.workspace.show_lessons();
                true
            }
            Msg::LessonFetched(lesson, result, then) => {
                let loading = Some(lesson_fetch::loading(lesson));
                match result {
                    Ok(()) => {
                        let mut session = self.session.borrow_mut();
                        if session.notice == loading {
                            session.notice = None;
                        }
                        drop(session);
                        self.refresh(false);
                        <Self as Component>::update(self, ctx, *then);
                    }
                    Err(problem) => {
                        self.session.borrow_mut().notice =
                            Some(lesson_fetch::failed(lesson, &problem));
                        self.refresh(false);
                    }
                }
                true
            }
        }
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        self.page()
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first_render: bool) {
        let now = dom::now_ms();
        self.timer.rendered(now);
        self.flights.paint(
            self.view.stream.as_ref(),
            &self.view.producers,
            self.timer.stats.frames,
        );
        // Held still, no frame renders again (dots stand still too): paint every chart now.
        let lesson = &self.view.lesson;
        let still = !self.view.playing || lesson.at_step || lesson.question.is_some();
        for _ in 0..if still { self.charts.charts().len() } else { 1 } {
            self.charts.paint_next();
        }
        self.workspace.after_render(&self.guide);
        if let Some(main) = self.main.cast::<web_sys::Element>() {
            if pointer::outline(&main, self.pointed.as_ref(), self.scroll_pointer) {
                self.scroll_pointer = false;
            }
        }
        self.timer.end(now);
        if std::mem::take(&mut self.frame_after_render) {
            self.request_frame(ctx);
        }
    }
}

impl App {
    fn request_frame(&mut self, ctx: &Context<Self>) {
        let on_frame = ctx.link().callback(Msg::Frame);
        self.frame = Some(request_animation_frame(move |t| on_frame.emit(t)));
    }

    /// Replays what the session still has to catch up with, at once (without frames).
    fn finish_replay(&mut self) {
        let mut session = self.session.borrow_mut();
        while session.catching_up() {
            session.frame(0.0);
        }
    }

    /// Fetches a lesson's script, showing that it loads, then goes on with `then` (or says
    /// why it could not).
    fn fetch_lesson(&mut self, ctx: &Context<Self>, lesson: &'static Lesson, then: Msg) {
        self.session.borrow_mut().notice = Some(lesson_fetch::loading(lesson));
        self.refresh(false);
        let done = ctx
            .link()
            .callback(move |(result, then)| Msg::LessonFetched(lesson, result, Box::new(then)));
        yew::platform::spawn_local(async move {
            done.emit((lesson_fetch::fetch(lesson).await, then));
        });
    }

    fn open(&mut self, scenario: Scenario, seed: u64) {
        self.session.borrow_mut().open(scenario, seed);
        self.after_open();
        let fragment = self.session.borrow().link().encode();
        dom::replace_fragment(&fragment);
        self.fragment = fragment;
    }

    /// After Back, a jump to a step or a rewind replaced the session: without frames (tests),
    /// the replay happens at once.
    fn after_replace(&mut self) {
        if !self.live {
            self.finish_replay();
        }
        self.after_open();
    }

    /// After the session was replaced: forget what belonged to the old one.
    fn after_open(&mut self) {
        self.flights.clear();
        self.selected.clear();
        self.history.clear();
        self.highlighted_shard = None;
        self.focus.popover = None;
        let setup = self.session.borrow_mut().new_events();
        self.history.push(&setup);
        self.share_url = None;
        self.explained_origin = None;
        self.session.borrow_mut().new_events();
        self.transcript_seq = u64::MAX;
        self.refresh(true);
        // The replay's last stretch flies, as after a link (see `session::flights`).
        let now_ms = self.session.borrow().world.now_ms();
        self.flights.launch(&setup, &self.view, now_ms);
    }

    /// Rebuilds what the page shows from the session. `now` shows the event history's news and
    /// redraws the charts at once (after a click); otherwise they wait for their intervals.
    fn refresh(&mut self, now: bool) {
        // A mirror that forked (Fork, a way back, another scenario) reads no more journal.
        if self.mirror_started && self.session.borrow().mirroring().is_none() {
            self.mirror_feed = None;
            self.mirror_started = false;
        }
        let events = {
            let mut session = self.session.borrow_mut();
            // A new pointer at an element of another stream puts that stream on screen.
            if session.pointer().as_ref() != self.pointed.as_ref() {
                if let Some(stream) = session.pointer_stream(self.focus.wanted()) {
                    self.focus.follow(stream);
                }
            }
            self.view = Rc::new(View::showing_with(
                &session,
                self.focus.wanted(),
                &mut self.view_memo,
            ));
            session.new_events()
        };
        self.focus.showing(self.view.stream.as_ref());
        // A new pointer: its tab shows, and it is brought into view once drawn.
        if self.view.pointer != self.pointed {
            self.pointed = self.view.pointer.clone();
            self.scroll_pointer = self.pointed.is_some();
            if let Some(tab) = self.pointed.as_ref().and_then(|p| pointer::target(p).tab) {
                self.workspace.show_more(tab);
            }
        }
        self.history.push(&events);
        // A hidden tab's panel takes no new numbers while time plays (its DOM would change
        // for nobody); picking its tab refreshes at once (`Msg::More`).
        let shown = self.more_shown();
        self.history.publish(now || shown == HISTORY, now);
        let now_ms = self.session.borrow().world.now_ms();
        self.flights.launch(&events, &self.view, now_ms);
        if let Some(stream) = &self.view.stream {
            let open: Vec<&str> = stream.shards.iter().map(|s| s.id.as_str()).collect();
            self.selected.retain(|s| open.contains(&s.as_str()));
        }
        let session = self.session.borrow();
        let (transcript, seq) = session.transcript();
        if seq != self.transcript_seq {
            self.transcript_seq = seq;
            let skip = transcript.len().saturating_sub(TRANSCRIPT_SHOWN);
            self.transcript = Shared::new(transcript.iter().skip(skip).cloned().collect());
        }
        let view = &self.view;
        if now || shown == KCL {
            self.kcl.update(now, || KclShown {
                apps: view.apps.clone(),
                elapsed_ms: view.elapsed_ms,
            });
        }
        let world = &session.world;
        let stream = self.view.stream.as_ref();
        // Hidden, the charts are neither made nor painted (painting one asks the browser for
        // the canvas's width, a forced layout, on every frame).
        if !now && shown != METRICS {
            return;
        }
        self.charts.rebuild(now, || {
            let mut all = stream
                .and_then(|s| world.kinesis().stream(&s.name))
                .map(|s| charts::charts(world, s, CHART_WINDOW_S))
                .unwrap_or_default();
            all.extend(
                world
                    .apps()
                    .map(|app| charts::leases_chart(world, app, CHART_WINDOW_S)),
            );
            all
        });
    }
}
