//! The charts: per-shard IncomingRecords and WriteProvisionedThroughputExceeded, per-consumer
//! MillisBehindLatest, producer records succeeded vs throttled, and the delivery latency of
//! each consumer and KCL application (put to delivery, the mean of each second), drawn with
//! plotters on canvases.
//!
//! Plotters redraws everything each time (there is no retained scene, and measuring axis
//! labels costs a layout each), so the page redraws the charts at 2 Hz, not every frame. The
//! canvases are sized by devicePixelRatio and drawn at that resolution, so lines and labels
//! stay sharp on high-density screens. The data come from
//! [`crate::session::charts`], the same per-second series the CSV download holds, and so do
//! the axes' ticks (whole seconds, round values, never two alike). A chart with nothing to plot
//! says so in words instead of drawing an empty legend on bare axes.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::dom::pixel_ratio;
use super::palette::SERIES;
use super::shared::Shared;
use crate::session::captions;
use crate::session::charts::{nothing_to_plot, second_ticks, value_label, value_ticks, Chart};

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    /// The same charts are the same `Shared`: the app makes a new one only when it redraws.
    pub charts: Shared<Vec<Chart>>,
    /// The canvases, which the app paints (one chart per frame) after the render.
    pub canvases: Shared<Vec<NodeRef>>,
    pub on_download: Callback<()>,
}

#[component]
pub fn Charts(props: &ChartsProps) -> Html {
    let on_download = props.on_download.reform(|_: MouseEvent| ());
    html! {
        <section class="panel charts" aria-labelledby="charts-title">
            <div class="charts-head">
                <h2 id="charts-title">{ "Metrics, per second" }</h2>
                <button id="download-csv" onclick={on_download}
                    title="Every per-second metric of the last 15 simulated minutes, one row per value">
                    { "Download CSV" }
                </button>
            </div>
            <div class="chart-grid">
                { for props.charts.iter().zip(props.canvases.iter()).enumerate().map(|(i, (chart, node))| {
                    let empty = nothing_to_plot(chart);
                    html! {
                        <figure class={classes!("chart", empty.is_some().then_some("empty"))} data-chart={chart.name}>
                            <canvas ref={node.clone()} id={format!("chart-{i}")} role="img" hidden={empty.is_some()}
                                aria-label={captions::chart_summary(chart)}></canvas>
                            if let Some(empty) = empty {
                                <p class="chart-empty" id={format!("chart-{i}-empty")}>{ empty }</p>
                            }
                            <figcaption>{ chart.title }{ " (" }{ chart.unit }{ ")" }</figcaption>
                        </figure>
                    }
                }) }
            </div>
        </section>
    }
}

fn colour(i: usize) -> RGBColor {
    let (r, g, b) = SERIES[i % (SERIES.len() - 1)];
    RGBColor(r, g, b)
}

/// Draws one chart on its canvas; a drawing error leaves the canvas as it was (the chart is
/// an aid, and the numbers are also in the gauges and the CSV).
pub fn draw(canvas: &HtmlCanvasElement, chart: &Chart) {
    if nothing_to_plot(chart).is_some() {
        return;
    }
    let ratio = pixel_ratio();
    let css_width = f64::from(canvas.client_width()).max(200.0);
    let css_height = 190.0;
    let (w, h) = (
        (css_width * ratio).round() as u32,
        (css_height * ratio).round() as u32,
    );
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let _ = canvas
        .style()
        .set_property("height", &format!("{css_height}px"));
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    let _ = draw_on(backend.into_drawing_area(), chart, ratio);
}

fn draw_on(
    root: DrawingArea<CanvasBackend, plotters::coord::Shift>,
    chart: &Chart,
    ratio: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let px = |n: f64| (n * ratio).round() as i32;
    root.fill(&WHITE)?;
    let seconds = chart.lines.first().map_or(0, |l| l.values.len()) as u64;
    let first = chart.first_second;
    let last = first + seconds.max(1) - 1;
    // Whole numbers on both axes (seconds; counts and milliseconds), at the session's ticks.
    let x_ticks: Vec<i64> = second_ticks(first, last)
        .into_iter()
        .map(|s| s as i64)
        .collect();
    let x0 = first as i64;
    // A single second still gets an axis one second wide (its one tick at the start).
    let x1 = (last as i64).max(x0 + 1);
    let y_ticks: Vec<i64> = value_ticks(chart.max_value())
        .into_iter()
        .map(|v| v.round() as i64)
        .collect();
    let y_max = y_ticks.last().copied().unwrap_or(1).max(1);
    let font = ("sans-serif", px(12.0)).into_font();
    let mut builder = ChartBuilder::on(&root);
    builder
        .margin(px(6.0))
        .x_label_area_size(px(24.0))
        .y_label_area_size(px(46.0));
    let mut plot = builder.build_cartesian_2d(
        (x0..x1).with_key_points(x_ticks),
        (0..y_max).with_key_points(y_ticks),
    )?;
    plot.configure_mesh()
        .label_style(font.clone())
        .x_label_formatter(&|s| format!("{s}s"))
        .y_label_formatter(&|v| value_label(*v as f64))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    if let Some((limit, label)) = &chart.limit {
        plot.draw_series(LineSeries::new(
            [(x0, limit.round() as i64), (x1, limit.round() as i64)],
            ShapeStyle::from(&BLACK).stroke_width(px(1.0).max(1) as u32),
        ))?
        .label(label.clone())
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 12, y)], BLACK));
    }
    for (i, line) in chart.lines.iter().enumerate() {
        let style = ShapeStyle::from(&colour(i)).stroke_width(px(1.6).max(1) as u32);
        // A gap (no data in that second) breaks the line.
        let mut runs: Vec<Vec<(i64, i64)>> = vec![Vec::new()];
        for (j, value) in line.values.iter().enumerate() {
            match value {
                Some(v) => runs
                    .last_mut()
                    .into_iter()
                    .for_each(|r| r.push((x0 + j as i64, v.round() as i64))),
                None => runs.push(Vec::new()),
            }
        }
        let mut labelled = false;
        for run in runs.into_iter().filter(|r| !r.is_empty()) {
            let series = plot.draw_series(LineSeries::new(run, style))?;
            if !labelled {
                let c = colour(i);
                series
                    .label(line.name.clone())
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 12, y)], c));
                labelled = true;
            }
        }
    }
    if chart.lines.len() <= 8 && (chart.limit.is_some() || !chart.lines.is_empty()) {
        plot.configure_series_labels()
            .label_font(font)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.2))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()?;
    }
    root.present()?;
    Ok(())
}
