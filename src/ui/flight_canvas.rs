//! Draws the records in flight on a canvas between the producers and the lanes.
//!
//! Dots are not Yew components: hundreds of them move every frame, so they are painted on one
//! canvas (sized for the screen's devicePixelRatio, so they stay sharp) and hit-tested by
//! position when clicked. [`FlightLayer`] keeps what the painting needs from frame to frame:
//! the dots in the air, where they were drawn, the canvas's measured size and where its
//! producer cards and lanes sit beside it.
//!
//! Dots move on the layer's own clock, which the page advances only while the simulation
//! moves: paused, the dots stand still where they are and can be clicked. The canvas carries
//! the number of dots painted (`data-dots`), for tests and for anyone inspecting the page.
//!
//! An aggregated record (a KPL producer's, `--aggregate`) is one Kinesis record holding many
//! user records: it is drawn as one larger dot with a ring around it and, beside it, how many
//! user records it holds. The canvas counts them in `data-aggregates`, and the legend explains
//! them while any is in the air.

use std::collections::HashMap;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement};
use yew::NodeRef;

use super::palette::{DANGER, INK, KEY_COLOURS};
use crate::session::flights::{launch_window_ms, Flight, Flights};
use crate::session::view::{ProducerView, StreamView};
use crate::session::{View, STEP_MS};

/// How often (in frames) the flight canvas's size is measured again.
const CANVAS_MEASURE_FRAMES: u64 = 30;

/// The canvas as last measured: its CSS size, and the vertical centre (CSS pixels from its
/// top) of each producer card and lane beside it, by name and shard id.
#[derive(Clone, Debug, Default)]
struct Measured {
    size: (f64, f64),
    producers: HashMap<String, f64>,
    lanes: HashMap<String, f64>,
    /// The shard count and the frame it was measured at.
    shards: usize,
    frame: u64,
}

/// The records in flight and their canvas, painted after each render.
#[derive(Default)]
pub struct FlightLayer {
    flights: Flights,
    /// Flight time: wall milliseconds that passed while the simulation moved.
    clock_ms: f64,
    /// How much simulated time the next launch's events may span and still fly: the last
    /// frame's or step's stretch, else (after a jump) a frame's worth at the speed.
    span_ms: Option<u64>,
    /// The dots as last painted, for clicks.
    dots: Vec<DrawnDot>,
    canvas: NodeRef,
    measured: Option<Measured>,
}

impl FlightLayer {
    /// The simulation moved for `wall_ms` of a frame at `speed`: the dots move on as long,
    /// and the frame's events fly.
    pub fn frame(&mut self, wall_ms: f64, speed: f64) {
        let wall = wall_ms.clamp(0.0, crate::session::MAX_FRAME_WALL_MS);
        self.clock_ms += wall;
        self.span_ms = Some(((wall * speed).ceil() as u64 + 1).max(launch_window_ms(speed)));
    }

    /// A step moved the simulation on: the dots move as far as that much simulated time takes
    /// at 1x, and the step's events fly.
    pub fn step(&mut self) {
        self.clock_ms += STEP_MS as f64;
        self.span_ms = Some(STEP_MS);
    }

    /// Launches dots for the events since the last launch on the stream `view` shows (none
    /// while a replay catches up): those of the last frame or step, or after a jump only those
    /// of a frame's worth of simulated time before `now_ms` (simulated epoch milliseconds) at
    /// the view's speed (see [`Flights::launch`]).
    pub fn launch(&mut self, events: &[crate::sim::Event], view: &View, now_ms: u64) {
        let Some(stream) = view.stream.as_ref().filter(|_| !view.catching_up) else {
            return;
        };
        let span = self
            .span_ms
            .take()
            .unwrap_or_else(|| launch_window_ms(view.speed));
        let after = now_ms.saturating_sub(span);
        self.flights
            .launch(events, &stream.name, after, self.clock_ms);
    }

    /// Lands every dot at once (the run they belonged to is gone).
    pub fn clear(&mut self) {
        self.flights.clear();
    }

    /// How many records a dot stands for, on average (for the legend).
    pub fn records_per_dot(&self) -> f64 {
        self.flights.records_per_dot()
    }

    /// How many user records an aggregated record in the air holds, on average, while any
    /// is (for the legend).
    pub fn aggregate_in_air(&self) -> Option<u64> {
        self.flights.aggregate_in_air()
    }

    /// The canvas, for the stream panel to place.
    pub fn canvas(&self) -> NodeRef {
        self.canvas.clone()
    }

    /// Lands the dots that arrived and paints the rest, from `stream`'s producers to its lanes.
    /// `frame` is the number of frames so far: the canvas and the cards and lanes beside it
    /// are measured again every [`CANVAS_MEASURE_FRAMES`], or when the number of shards
    /// changes.
    pub fn paint(&mut self, stream: Option<&StreamView>, producers: &[ProducerView], frame: u64) {
        let now_ms = self.clock_ms;
        self.flights.retire(now_ms);
        let (Some(canvas), Some(stream)) = (self.canvas.cast::<HtmlCanvasElement>(), stream) else {
            return;
        };
        let producers: Vec<&str> = producers
            .iter()
            .filter(|p| p.stream == stream.name)
            .map(|p| p.name.as_str())
            .collect();
        let shards: Vec<&str> = stream.shards.iter().map(|s| s.id.as_str()).collect();
        let fresh = self.measured.as_ref().is_some_and(|m| {
            m.shards == shards.len() && frame.saturating_sub(m.frame) < CANVAS_MEASURE_FRAMES
        });
        if !fresh {
            let mut measured = measure(&canvas);
            measured.shards = shards.len();
            measured.frame = frame;
            self.measured = Some(measured);
        }
        let Some(measured) = &self.measured else {
            return;
        };
        self.dots = draw(
            &canvas,
            measured,
            &self.flights,
            &producers,
            &shards,
            now_ms,
            super::dom::pixel_ratio(),
        );
        let _ = canvas.set_attribute("data-dots", &self.dots.len().to_string());
        let aggregates = self
            .dots
            .iter()
            .filter(|d| d.flight.user_records_per_aggregate().is_some())
            .count();
        let _ = canvas.set_attribute("data-aggregates", &aggregates.to_string());
    }

    /// The flight of the painted dot nearest to a click, within 12 CSS pixels.
    pub fn hit(&self, x: f64, y: f64) -> Option<&Flight> {
        hit(&self.dots, x, y).map(|dot| &dot.flight)
    }
}

/// A dot as drawn, for clicks.
#[derive(Clone, Debug, PartialEq)]
struct DrawnDot {
    pub x: f64,
    pub y: f64,
    pub flight: Flight,
}

/// Where a throttled dot turns back (share of the way).
const BOUNCE_AT: f64 = 0.8;

/// The canvas's size in CSS pixels, and where the producer cards and lanes of its stream
/// panel sit beside it. Reading them makes the browser lay the page out at once, so the layer
/// reads them only now and then (see [`FlightLayer::paint`]), not every frame.
fn measure(canvas: &HtmlCanvasElement) -> Measured {
    let size = (
        f64::from(canvas.client_width()),
        f64::from(canvas.client_height()),
    );
    let top = canvas.get_bounding_client_rect().top();
    let centres = |selector: &str, attribute: &str| -> HashMap<String, f64> {
        let mut found = HashMap::new();
        let Some(list) = canvas
            .closest(".stream-panel")
            .ok()
            .flatten()
            .and_then(|panel| panel.query_selector_all(selector).ok())
        else {
            return found;
        };
        for i in 0..list.length() {
            let Some(element) = list.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            if let Some(name) = element.get_attribute(attribute) {
                let rect = element.get_bounding_client_rect();
                found.insert(name, rect.top() + rect.height() / 2.0 - top);
            }
        }
        found
    };
    Measured {
        size,
        producers: centres(".producer-card[data-producer]", "data-producer"),
        lanes: centres(".lanes > .lane[data-shard-id]", "data-shard-id"),
        shards: 0,
        frame: 0,
    }
}

/// Paints every dot in the air at flight time `now_ms` on the canvas as `measured`. Dots fly
/// from the middle of their producer's card to the middle of their shard's lane, where those
/// were measured; `producers` and `shards` (in the order the page lists them) place any that
/// were not, sharing the canvas's height evenly: the i-th of n at (i + 0.5) / n of it.
fn draw(
    canvas: &HtmlCanvasElement,
    measured: &Measured,
    flights: &Flights,
    producers: &[&str],
    shards: &[&str],
    now_ms: f64,
    pixel_ratio: f64,
) -> Vec<DrawnDot> {
    let (width, height) = measured.size;
    if width <= 0.0 || height <= 0.0 {
        return Vec::new();
    }
    let (w_px, h_px) = (
        (width * pixel_ratio).round() as u32,
        (height * pixel_ratio).round() as u32,
    );
    if canvas.width() != w_px || canvas.height() != h_px {
        canvas.set_width(w_px);
        canvas.set_height(h_px);
    }
    let Some(context) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return Vec::new();
    };
    let _ = context.set_transform(pixel_ratio, 0.0, 0.0, pixel_ratio, 0.0, 0.0);
    context.clear_rect(0.0, 0.0, width, height);

    let row = |i: usize, n: usize| (i as f64 + 0.5) / n.max(1) as f64 * height;
    let inside = |y: f64| y.clamp(0.0, height);
    let mut drawn = Vec::with_capacity(flights.len());
    for flight in flights.in_air() {
        let Some(to) = shards.iter().position(|s| *s == flight.shard) else {
            continue;
        };
        let from_y = match measured.producers.get(&flight.producer) {
            Some(y) => inside(*y),
            None => producers
                .iter()
                .position(|p| *p == flight.producer)
                .map_or(height / 2.0, |i| row(i, producers.len())),
        };
        let to_y = measured
            .lanes
            .get(&flight.shard)
            .map_or_else(|| row(to, shards.len()), |y| inside(*y));
        let p = flight.progress(now_ms);
        // Ease out, so dots arrive gently; a throttled dot turns back short of the shard.
        let (along, alpha) = if flight.throttled {
            if p < BOUNCE_AT {
                (ease(p / BOUNCE_AT) * 0.97, 1.0)
            } else {
                let back = (p - BOUNCE_AT) / (1.0 - BOUNCE_AT);
                (0.97 - back * 0.25, 1.0 - back)
            }
        } else {
            (ease(p), 1.0)
        };
        let x = 6.0 + along * (width - 12.0);
        let y = from_y + (to_y - from_y) * along.min(1.0);
        let aggregate = flight.user_records_per_aggregate();
        let radius = match aggregate {
            Some(_) => AGGREGATE_RADIUS,
            None => (2.5 + (flight.records as f64).log10().max(0.0) * 1.5).min(7.0),
        };
        context.set_global_alpha(alpha);
        context.begin_path();
        let _ = context.arc(x, y, radius, 0.0, std::f64::consts::TAU);
        context.set_fill_style_str(KEY_COLOURS[usize::from(flight.colour) % KEY_COLOURS.len()]);
        context.fill();
        if flight.throttled {
            context.set_line_width(2.0);
            context.set_stroke_style_str(DANGER);
            context.stroke();
        }
        if let Some(user_records) = aggregate {
            draw_aggregate(&context, x, y, user_records);
        }
        drawn.push(DrawnDot {
            x,
            y,
            flight: flight.clone(),
        });
    }
    context.set_global_alpha(1.0);
    drawn
}

/// The radius of an aggregated record's dot, larger than any plain one (7 at most).
const AGGREGATE_RADIUS: f64 = 8.0;

/// An aggregated record's ring, and the user records it holds written beside it.
fn draw_aggregate(context: &CanvasRenderingContext2d, x: f64, y: f64, user_records: u64) {
    context.begin_path();
    let _ = context.arc(x, y, AGGREGATE_RADIUS + 2.5, 0.0, std::f64::consts::TAU);
    context.set_line_width(1.5);
    context.set_stroke_style_str(INK);
    context.stroke();
    context.set_fill_style_str(INK);
    context.set_font("600 10px system-ui, sans-serif");
    context.set_text_baseline("middle");
    let _ = context.fill_text(
        &format!("×{}", crate::session::text::int(user_records)),
        x + AGGREGATE_RADIUS + 5.0,
        y,
    );
}

fn ease(t: f64) -> f64 {
    1.0 - (1.0 - t).powi(2)
}

/// The drawn dot nearest to a click, within 12 CSS pixels.
fn hit(dots: &[DrawnDot], x: f64, y: f64) -> Option<&DrawnDot> {
    dots.iter()
        .map(|d| (d, (d.x - x).powi(2) + (d.y - y).powi(2)))
        .filter(|(_, d2)| *d2 <= 144.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(d, _)| d)
}
