//! Draws the records in flight on a canvas between the producers and the lanes.
//!
//! Dots are not Yew components: hundreds of them move every frame, so they are painted on one
//! canvas (sized for the screen's devicePixelRatio, so they stay sharp) and hit-tested by
//! position when clicked. [`FlightLayer`] keeps what the painting needs from frame to frame:
//! the dots in the air, where they were drawn, and the canvas's measured size.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::NodeRef;

use super::palette::{DANGER, KEY_COLOURS};
use crate::session::flights::{Flight, Flights};
use crate::session::view::{ProducerView, StreamView};

/// How often (in frames) the flight canvas's size is measured again.
const CANVAS_MEASURE_FRAMES: u64 = 30;

/// The records in flight and their canvas, painted after each render.
#[derive(Default)]
pub struct FlightLayer {
    flights: Flights,
    /// The dots as last painted, for clicks.
    dots: Vec<DrawnDot>,
    canvas: NodeRef,
    /// The canvas's CSS size, the shard count it was measured for, and the frame.
    size: Option<((f64, f64), usize, u64)>,
}

impl FlightLayer {
    /// Launches dots for one frame's events (see [`Flights::launch`]).
    pub fn launch(&mut self, events: &[crate::sim::Event], stream: &str, now_ms: f64) {
        self.flights.launch(events, stream, now_ms);
    }

    /// Lands every dot at once (the run they belonged to is gone).
    pub fn clear(&mut self) {
        self.flights.clear();
    }

    /// Whether no dot is in the air (then a paused page need not render).
    pub fn is_empty(&self) -> bool {
        self.flights.is_empty()
    }

    /// How many records a dot stands for, on average (for the legend).
    pub fn records_per_dot(&self) -> f64 {
        self.flights.records_per_dot()
    }

    /// The canvas, for the stream panel to place.
    pub fn canvas(&self) -> NodeRef {
        self.canvas.clone()
    }

    /// Lands the dots that arrived by wall time `now_ms` and paints the rest, from `stream`'s
    /// producers to its lanes. `frame` is the number of frames so far: the canvas is measured
    /// again every [`CANVAS_MEASURE_FRAMES`], or when the number of shards changes.
    pub fn paint(
        &mut self,
        stream: Option<&StreamView>,
        producers: &[ProducerView],
        frame: u64,
        now_ms: f64,
    ) {
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
        let size = match self.size {
            Some((size, count, at))
                if count == shards.len() && frame.saturating_sub(at) < CANVAS_MEASURE_FRAMES =>
            {
                size
            }
            _ => {
                let size = css_size(&canvas);
                self.size = Some((size, shards.len(), frame));
                size
            }
        };
        self.dots = draw(
            &canvas,
            size,
            &self.flights,
            &producers,
            &shards,
            now_ms,
            super::dom::pixel_ratio(),
        );
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

/// The canvas's size in CSS pixels. Reading it makes the browser lay the page out at once,
/// so the layer reads it only now and then (see [`FlightLayer::paint`]), not every frame.
fn css_size(canvas: &HtmlCanvasElement) -> (f64, f64) {
    (
        f64::from(canvas.client_width()),
        f64::from(canvas.client_height()),
    )
}

/// Paints every dot in the air at wall time `now_ms` on a canvas of `(width, height)` CSS
/// pixels. `producers` and `shards` are in the order the page lists them: the producer cards
/// and the lanes share the canvas's height evenly, so the i-th of n sits at (i + 0.5) / n
/// of it.
fn draw(
    canvas: &HtmlCanvasElement,
    (width, height): (f64, f64),
    flights: &Flights,
    producers: &[&str],
    shards: &[&str],
    now_ms: f64,
    pixel_ratio: f64,
) -> Vec<DrawnDot> {
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
    let mut drawn = Vec::with_capacity(flights.len());
    for flight in flights.in_air() {
        let Some(to) = shards.iter().position(|s| *s == flight.shard) else {
            continue;
        };
        let from_y = producers
            .iter()
            .position(|p| *p == flight.producer)
            .map_or(height / 2.0, |i| row(i, producers.len()));
        let to_y = row(to, shards.len());
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
        let radius = (2.5 + (flight.records as f64).log10().max(0.0) * 1.5).min(7.0);
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
        drawn.push(DrawnDot {
            x,
            y,
            flight: flight.clone(),
        });
    }
    context.set_global_alpha(1.0);
    drawn
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
