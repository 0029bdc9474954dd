//! The animation frame's bookkeeping, apart from the session it drives: how long each frame's
//! phases take ([`FrameTimer`]), when the charts redraw ([`ChartSchedule`]), and when a
//! panel of many numbers takes new ones ([`Readout`]).
//!
//! The app's frame loop advances the session, builds the view and lets Yew render; around
//! that, the page measures itself and paints what Yew does not draw. Those are timing rules
//! (when to measure, how often to redraw, how to spread a redraw over frames) that have nothing
//! to do with Kinesis or with any one panel, so they live here and the app only calls them.

use yew::NodeRef;

use super::charts;
use super::dom;
use super::frame_stats::{FrameStats, Phases};
use super::shared::Shared;
use crate::session::charts::Chart;

/// How often the charts redraw (wall milliseconds): 2 Hz.
const CHART_INTERVAL_MS: f64 = 500.0;

/// How often a [`Readout`] takes new numbers while time plays (wall milliseconds): 4 Hz.
/// A learner reads a counter, a frozen time or a checkpoint; redrawn four times a second it
/// still moves with the run (a counter that ticks once a second never waits more than a
/// quarter of one), while the dots on the canvas keep the frame rate.
pub const READOUT_INTERVAL_MS: f64 = 250.0;

/// Times one animation frame's work, phase by phase, into [`FrameStats`].
///
/// A frame begins with [`FrameTimer::begin`] (before the simulation moves), marks the end of
/// the simulation and of the view with [`FrameTimer::simulated`] and [`FrameTimer::updated`],
/// and ends after Yew's render and the painting with [`FrameTimer::end`]. A render that no
/// frame started (after a click) is not measured.
#[derive(Default)]
pub struct FrameTimer {
    /// The wall time of the previous animation frame.
    last_wall_ms: Option<f64>,
    /// When this frame's work began, until it is recorded.
    started_ms: Option<f64>,
    simulated_ms: f64,
    /// When the view was rebuilt (the render starts after it).
    updated_ms: f64,
    /// This frame's phases so far (simulate and view are known when the render starts).
    phases: Phases,
    pub stats: FrameStats,
}

impl FrameTimer {
    /// A frame begins at `wall_ms` (requestAnimationFrame's time): the wall milliseconds since
    /// the previous frame (0 for the first).
    pub fn begin(&mut self, wall_ms: f64) -> f64 {
        self.started_ms = Some(dom::now_ms());
        let dt = self.last_wall_ms.map_or(0.0, |last| wall_ms - last);
        if self.last_wall_ms.is_some() {
            self.stats.record_interval(dt);
        }
        self.last_wall_ms = Some(wall_ms);
        dt
    }

    /// The simulation has moved.
    pub fn simulated(&mut self) {
        self.simulated_ms = dom::now_ms();
    }

    /// The view is rebuilt: the render comes next.
    pub fn updated(&mut self) {
        self.updated_ms = dom::now_ms();
        self.phases = Phases {
            simulate: self.simulated_ms - self.started_ms.unwrap_or(self.simulated_ms),
            view: self.updated_ms - self.simulated_ms,
            ..Phases::default()
        };
    }

    /// Yew has rendered, at `now_ms`: painting comes next.
    pub fn rendered(&mut self, now_ms: f64) {
        self.phases.render = now_ms - self.updated_ms;
    }

    /// Painting that began at `painted_from_ms` is done: the frame's work is recorded.
    pub fn end(&mut self, painted_from_ms: f64) {
        if let Some(started) = self.started_ms.take() {
            let ended = dom::now_ms();
            self.phases.paint = ended - painted_from_ms;
            self.stats.record(ended - started, self.phases, ended);
        }
    }
}

/// A panel's numbers, taken anew at most every [`READOUT_INTERVAL_MS`] of wall time while time
/// plays, and at once after a click (`now`): a big panel (the KCL lease table, one row per
/// shard) then costs the browser its styles and layout four times a second rather than on
/// every frame. Between two takes the panel gets the same [`Shared`] value, so Yew skips it
/// after one pointer comparison.
pub struct Readout<T> {
    value: Shared<T>,
    /// When the value was last taken (wall milliseconds).
    made_ms: f64,
}

impl<T: Default> Default for Readout<T> {
    fn default() -> Readout<T> {
        Readout {
            value: Shared::default(),
            made_ms: f64::NEG_INFINITY,
        }
    }
}

impl<T> Readout<T> {
    /// Takes a new value with `make` if `now` or the last one is [`READOUT_INTERVAL_MS`] old.
    pub fn update(&mut self, now: bool, make: impl FnOnce() -> T) {
        let now_ms = dom::now_ms();
        if !now && now_ms - self.made_ms < READOUT_INTERVAL_MS {
            return;
        }
        self.made_ms = now_ms;
        self.value = Shared::new(make());
    }

    pub fn get(&self) -> Shared<T> {
        self.value.clone()
    }
}

/// The charts on show and their canvases, rebuilt at most every [`CHART_INTERVAL_MS`] (or at
/// once, after a click), and painted one chart per frame: plotters measures every label
/// through the DOM, so a redraw spread over four frames does not stretch one.
pub struct ChartSchedule {
    charts: Shared<Vec<Chart>>,
    canvases: Shared<Vec<NodeRef>>,
    /// When the charts were last rebuilt (wall milliseconds).
    made_ms: f64,
    /// The chart to paint at the next render.
    due: Option<usize>,
}

impl Default for ChartSchedule {
    fn default() -> ChartSchedule {
        ChartSchedule {
            charts: Shared::default(),
            canvases: Shared::default(),
            made_ms: f64::NEG_INFINITY,
            due: None,
        }
    }
}

impl ChartSchedule {
    /// Rebuilds the charts with `make` if `now` (or the last rebuild is [`CHART_INTERVAL_MS`]
    /// old); they are painted from the next render on. New canvases only when the number of
    /// charts changed.
    pub fn rebuild(&mut self, now: bool, make: impl FnOnce() -> Vec<Chart>) {
        let now_ms = dom::now_ms();
        if !now && now_ms - self.made_ms < CHART_INTERVAL_MS {
            return;
        }
        self.made_ms = now_ms;
        self.due = Some(0);
        let all = make();
        if all.len() != self.canvases.len() {
            self.canvases = Shared::new(all.iter().map(|_| NodeRef::default()).collect());
        }
        self.charts = Shared::new(all);
    }

    pub fn charts(&self) -> Shared<Vec<Chart>> {
        self.charts.clone()
    }

    pub fn canvases(&self) -> Shared<Vec<NodeRef>> {
        self.canvases.clone()
    }

    /// Paints the chart that is due, if any, and makes the next one due. A canvas that is not
    /// laid out (its tab is not the one selected) is skipped: the next rebuild paints it once
    /// it shows.
    pub fn paint_next(&mut self) {
        let Some(due) = self.due else {
            return;
        };
        if let (Some(chart), Some(node)) = (self.charts.get(due), self.canvases.get(due)) {
            if let Some(canvas) = node.cast::<web_sys::HtmlCanvasElement>() {
                if canvas.client_width() > 0 {
                    charts::draw(&canvas, chart);
                }
            }
        }
        self.due = (due + 1 < self.charts.len()).then_some(due + 1);
    }
}
