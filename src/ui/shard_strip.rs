//! The compact view of a stream with many shards (see `session/view/strip.rs`): every open
//! shard as a cell of one canvas, in hash key order, coloured by how much of its write limit
//! it took in the last second; the busiest named beside it; and the hash key bar drawn to
//! scale on a canvas rather than as a button per shard.
//!
//! One canvas, not a thousand elements: the page diffs and lays out nothing per shard, and the
//! canvas is painted again only when the cells, the selection or the pointed cell change
//! (once a simulated second at most). Pointing at a cell says its numbers in words below the
//! strip; a click, or Enter on the focused strip (arrow keys move), selects the shard as its
//! lane's checkbox does, so one selected shard can be split in its lane and two adjacent ones
//! merged. Colour is never the only signal: a throttled cell also carries a white dot, and
//! the words say THROTTLED.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, KeyboardEvent, MouseEvent};
use yew::prelude::*;

use super::format;
use super::palette::{DANGER, INK};
use crate::session::view::strip::cell_sentence;
use crate::session::view::{Strip, StripCell};

/// The largest and smallest cell pitch (cell and gap) in CSS pixels, and the tallest the
/// strip grows before cells shrink.
const MAX_PITCH: f64 = 24.0;
const MIN_PITCH: f64 = 8.0;
const MAX_HEIGHT: f64 = 160.0;

/// An idle cell, a cell at its limit (blue, Okabe-Ito), one over it spending burst credit
/// (amber).
const IDLE: (f64, f64, f64) = (226.0, 232.0, 238.0);
const FULL: (f64, f64, f64) = (0.0, 114.0, 178.0);
const OVER: &str = "#E69F00";

/// How the cells sit on the canvas: pitch and columns, for hit tests.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Grid {
    pitch: f64,
    cols: usize,
}

impl Grid {
    /// The largest pitch that keeps `n` cells within [`MAX_HEIGHT`] at `width`.
    fn fit(n: usize, width: f64) -> Grid {
        let mut pitch = MAX_PITCH;
        loop {
            let cols = ((width / pitch).floor() as usize).max(1);
            let rows = n.div_ceil(cols);
            if rows as f64 * pitch <= MAX_HEIGHT || pitch <= MIN_PITCH {
                return Grid { pitch, cols };
            }
            pitch -= 1.0;
        }
    }

    fn rows(&self, n: usize) -> usize {
        n.div_ceil(self.cols.max(1))
    }

    /// The cell at CSS pixel (`x`, `y`), if any of the `n`.
    fn hit(&self, x: f64, y: f64, n: usize) -> Option<usize> {
        if self.pitch <= 0.0 || x < 0.0 || y < 0.0 {
            return None;
        }
        let (col, row) = ((x / self.pitch) as usize, (y / self.pitch) as usize);
        let at = row * self.cols + col;
        (col < self.cols && at < n).then_some(at)
    }
}

/// A cell's fill: from pale (idle) to blue (at its write limit), amber over it, red throttled.
fn fill(cell: &StripCell) -> String {
    if cell.throttled {
        return DANGER.to_string();
    }
    if cell.load > 1.0 {
        return OVER.to_string();
    }
    let t = cell.load.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "rgb({},{},{})",
        mix(IDLE.0, FULL.0),
        mix(IDLE.1, FULL.1),
        mix(IDLE.2, FULL.2)
    )
}

/// The canvas's 2D context, sized to its CSS box times the pixel ratio (`height` in CSS
/// pixels), or `None` while it is not laid out.
fn context(canvas: &HtmlCanvasElement, height: f64) -> Option<(CanvasRenderingContext2d, f64)> {
    let width = f64::from(canvas.client_width());
    if width <= 0.0 {
        return None;
    }
    let ratio = super::dom::pixel_ratio();
    let (w_px, h_px) = (
        (width * ratio).round() as u32,
        (height * ratio).round() as u32,
    );
    if canvas.width() != w_px || canvas.height() != h_px {
        canvas.set_width(w_px);
        canvas.set_height(h_px);
    }
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()?;
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    context.clear_rect(0.0, 0.0, width, height);
    Some((context, width))
}

/// Paints the cells; returns the grid they were laid on.
fn paint_strip(
    canvas: &HtmlCanvasElement,
    cells: &[StripCell],
    selected: &[bool],
    pointed: Option<usize>,
) -> Option<Grid> {
    let width = f64::from(canvas.client_width());
    let grid = Grid::fit(cells.len(), width);
    let height = grid.rows(cells.len()) as f64 * grid.pitch;
    let _ = canvas
        .style()
        .set_property("height", &format!("{height:.0}px"));
    let (context, _) = context(canvas, height)?;
    let size = grid.pitch - 1.0;
    for (i, cell) in cells.iter().enumerate() {
        let (x, y) = (
            (i % grid.cols) as f64 * grid.pitch,
            (i / grid.cols) as f64 * grid.pitch,
        );
        context.set_fill_style_str(&fill(cell));
        context.fill_rect(x, y, size, size);
        if cell.throttled {
            context.set_fill_style_str("#fff");
            context.begin_path();
            let _ = context.arc(
                x + size / 2.0,
                y + size / 2.0,
                (size / 5.0).max(1.5),
                0.0,
                std::f64::consts::TAU,
            );
            context.fill();
        }
        if selected[i] || pointed == Some(i) {
            context.set_line_width(if selected[i] { 2.0 } else { 1.0 });
            context.set_stroke_style_str(INK);
            context.stroke_rect(x + 1.0, y + 1.0, size - 2.0, size - 2.0);
        }
    }
    let _ = canvas.set_attribute("data-pitch", &grid.pitch.to_string());
    let _ = canvas.set_attribute("data-cols", &grid.cols.to_string());
    Some(grid)
}

#[derive(Properties, PartialEq)]
pub struct ShardStripProps {
    pub strip: Strip,
    pub selected: Vec<String>,
    pub on_select: Callback<String>,
}

/// The strip, the words for the pointed cell, and the busiest shards.
#[component]
pub fn ShardStrip(props: &ShardStripProps) -> Html {
    let canvas = use_node_ref();
    let grid = use_mut_ref(Grid::default);
    let pointed = use_state_eq(|| None::<usize>);
    let strip = &props.strip;
    let n = strip.cells.len();
    let selected = strip.marks(&props.selected);
    {
        let (canvas, grid) = (canvas.clone(), grid.clone());
        let cells = strip.cells.clone();
        use_effect_with(
            (cells, selected.clone(), *pointed),
            move |(cells, selected, pointed)| {
                if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                    if let Some(laid) = paint_strip(&element, cells, selected, *pointed) {
                        *grid.borrow_mut() = laid;
                    }
                }
            },
        );
    }
    let cell_at = move |grid: &Rc<RefCell<Grid>>, event: &MouseEvent| {
        grid.borrow()
            .hit(f64::from(event.offset_x()), f64::from(event.offset_y()), n)
    };
    let on_move = {
        let (grid, pointed) = (grid.clone(), pointed.clone());
        Callback::from(move |event: MouseEvent| pointed.set(cell_at(&grid, &event)))
    };
    let on_leave = {
        let pointed = pointed.clone();
        Callback::from(move |_: MouseEvent| pointed.set(None))
    };
    let on_click = {
        let (grid, cells, on_select) = (grid.clone(), strip.cells.clone(), props.on_select.clone());
        Callback::from(move |event: MouseEvent| {
            if let Some(at) = cell_at(&grid, &event) {
                on_select.emit(cells[at].id());
            }
        })
    };
    let on_key = {
        let (grid, pointed, cells, on_select) = (
            grid.clone(),
            pointed.clone(),
            strip.cells.clone(),
            props.on_select.clone(),
        );
        Callback::from(move |event: KeyboardEvent| {
            let cols = grid.borrow().cols.max(1) as isize;
            let at = pointed.unwrap_or(0) as isize;
            let to = match event.key().as_str() {
                "ArrowRight" => at + 1,
                "ArrowLeft" => at - 1,
                "ArrowDown" => at + cols,
                "ArrowUp" => at - cols,
                "Enter" | " " => {
                    if let Some(cell) = pointed.and_then(|p| cells.get(p)) {
                        event.prevent_default();
                        on_select.emit(cell.id());
                    }
                    return;
                }
                _ => return,
            };
            event.prevent_default();
            pointed.set(Some(to.clamp(0, cells.len() as isize - 1) as usize));
        })
    };
    let readout = match pointed.and_then(|p| strip.cells.get(p)) {
        Some(cell) => cell_sentence(cell, &strip.limits),
        None => format!(
            "{} open shards, one cell each in hash key order, coloured by the larger share of \
             its write limit ({} records/s, {}/s) it took in the last second. Point at a cell \
             to read it; click it to select the shard and open its lane below (select two \
             adjacent shards to merge them).",
            format::int(n as u64),
            format::int(strip.limits.write_records_per_sec),
            format::bytes(strip.limits.write_bytes_per_sec),
        ),
    };
    html! {
        <div class="shard-strip" id="shard-strip">
            <div class="strip-main">
                <canvas ref={canvas} id="strip-canvas" class="strip-canvas" tabindex="0"
                    data-cells={n.to_string()}
                    role="img" aria-label="Every open shard as a cell in hash key order, coloured by its load; arrow keys move, Enter selects"
                    onmousemove={on_move} onmouseleave={on_leave} onclick={on_click} onkeydown={on_key}>
                </canvas>
                <p class="strip-readout" id="strip-readout" aria-live="polite">{ readout }</p>
                { legend() }
            </div>
            { busiest(props, &selected) }
        </div>
    }
}

fn legend() -> Html {
    html! {
        <ul class="strip-legend" aria-label="Cell colours">
            <li><span class="swatch idle"></span>{ "idle" }</li>
            <li><span class="swatch full"></span>{ "at its write limit" }</li>
            <li><span class="swatch over"></span>{ "over it (burst credit)" }</li>
            <li><span class="swatch throttled"></span>{ "THROTTLED (refused writes or reads)" }</li>
        </ul>
    }
}

/// The busiest shards, named with their load; a click selects one.
fn busiest(props: &ShardStripProps, selected: &[bool]) -> Html {
    let strip = &props.strip;
    html! {
        <div class="strip-busiest-box">
            <h3 id="strip-busiest-title">{ "Busiest shards" }</h3>
            if strip.busiest.is_empty() {
                <p class="hint">{ "No shard took writes in the last second." }</p>
            } else {
                <ol class="strip-busiest" aria-labelledby="strip-busiest-title">
                    { for strip.busiest.iter().map(|&at| {
                        let cell = &strip.cells[at];
                        let id = cell.id();
                        let onclick = {
                            let id = id.clone();
                            props.on_select.reform(move |_: MouseEvent| id.clone())
                        };
                        html! {
                            <li>
                                <button class={classes!("busy-shard", cell.throttled.then_some("throttled"),
                                        selected[at].then_some("selected"))}
                                    data-shard-id={id.clone()} data-load={cell.percent().to_string()}
                                    title={cell_sentence(cell, &strip.limits)} {onclick}>
                                    <code>{ format::short_shard(&id) }</code>
                                    { format!(" {}% of its write limit", cell.percent()) }
                                    if cell.throttled {
                                        <strong>{ " THROTTLED" }</strong>
                                    }
                                </button>
                            </li>
                        }
                    }) }
                </ol>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct HashBarCanvasProps {
    pub strip: Strip,
    pub selected: Vec<String>,
    pub on_select: Callback<String>,
}

/// The hash key bar of a compact stream: each open shard's range to scale, coloured as its
/// strip cell; a click selects the shard whose range holds the point.
#[component]
pub fn HashBarCanvas(props: &HashBarCanvasProps) -> Html {
    let canvas = use_node_ref();
    let strip = &props.strip;
    let selected = strip.marks(&props.selected);
    {
        let canvas = canvas.clone();
        use_effect_with((strip.cells.clone(), selected), move |(cells, selected)| {
            if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                paint_bar(&element, cells, selected);
            }
        });
    }
    let onclick = {
        let (cells, on_select) = (strip.cells.clone(), props.on_select.clone());
        Callback::from(move |event: MouseEvent| {
            let Some(target) = event
                .target()
                .and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok())
            else {
                return;
            };
            let width = f64::from(target.client_width()).max(1.0);
            let along = f64::from(event.offset_x()) / width;
            if let Some(cell) = cells
                .iter()
                .rev()
                .find(|c| c.offset <= along)
                .or(cells.first())
            {
                on_select.emit(cell.id());
            }
        })
    };
    html! {
        <canvas ref={canvas} class="hash-bar-canvas" id="hash-bar-canvas" {onclick}
            data-shards={strip.cells.len().to_string()}
            role="img" aria-label="The hash key space, 0 to 2^128-1, cut into the open shards' ranges to scale and coloured by their load">
        </canvas>
    }
}

/// Paints each shard's range to scale, with a tick between shards where they are wide enough.
fn paint_bar(canvas: &HtmlCanvasElement, cells: &[StripCell], selected: &[bool]) {
    let height = f64::from(canvas.client_height()).max(1.0);
    let Some((context, width)) = context(canvas, height) else {
        return;
    };
    for (i, cell) in cells.iter().enumerate() {
        let (x, w) = (cell.offset * width, (cell.width * width).max(1.0));
        context.set_fill_style_str(&fill(cell));
        context.fill_rect(x, 0.0, w, height);
        if w >= 4.0 {
            context.set_fill_style_str("#fff");
            context.fill_rect(x + w - 1.0, 0.0, 1.0, height);
        }
        if selected[i] {
            context.set_line_width(2.0);
            context.set_stroke_style_str(INK);
            context.stroke_rect(x + 1.0, 1.0, (w - 2.0).max(1.0), height - 2.0);
        }
    }
}
