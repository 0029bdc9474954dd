//! Draws the records in flight on a canvas between the producers and the lanes.
//!
//! Dots are not Yew components: hundreds of them move every frame, so they are painted on one
//! canvas (sized for the screen's devicePixelRatio, so they stay sharp) and hit-tested by
//! position when clicked.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::palette::{DANGER, KEY_COLOURS};
use crate::session::flights::{Flight, Flights};

/// A dot as drawn, for clicks.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnDot {
    pub x: f64,
    pub y: f64,
    pub flight: Flight,
}

/// Where a throttled dot turns back (share of the way).
const BOUNCE_AT: f64 = 0.8;

/// The canvas's size in CSS pixels. Reading it makes the browser lay the page out at once,
/// so the app reads it only now and then (see `App::canvas_size`), not every frame.
pub fn css_size(canvas: &HtmlCanvasElement) -> (f64, f64) {
    (
        f64::from(canvas.client_width()),
        f64::from(canvas.client_height()),
    )
}

/// Paints every dot in the air at wall time `now_ms` on a canvas of `(width, height)` CSS
/// pixels. `producers` and `shards` are in the order the page lists them: the producer cards
/// and the lanes share the canvas's height evenly, so the i-th of n sits at (i + 0.5) / n
/// of it.
pub fn draw(
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
pub fn hit(dots: &[DrawnDot], x: f64, y: f64) -> Option<&DrawnDot> {
    dots.iter()
        .map(|d| (d, (d.x - x).powi(2) + (d.y - y).powi(2)))
        .filter(|(_, d2)| *d2 <= 144.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(d, _)| d)
}
