//! The KCL panel of a big stream (issue 20). On a live page, while time plays, the lease table
//! takes new numbers a few times a second rather than on every frame (`ui::frame::Readout`),
//! so a learner must still see them move; paused, they stand still and show the paused moment
//! (a live page, in a file of its own so that no other test shares its animation frames). With
//! more leases than `LEASE_ROWS_DRAWN` the table draws that many rows and counts the rest.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use gloo_timers::future::TimeoutFuture;
use shardlab::session::{Link, Scenario};
use shardlab::ui::LEASE_ROWS_DRAWN;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// What the learner reads in the first application's lease table.
fn lease_table_text(root: &Element) -> String {
    root.query_selector(".lease-table tbody")
        .unwrap()
        .and_then(|body| body.text_content())
        .unwrap_or_default()
}

fn playing(root: &Element) -> bool {
    attr(&find(root, "#play"), "aria-pressed") == "true"
}

#[wasm_bindgen_test]
async fn the_lease_table_moves_while_playing_and_stands_still_when_paused() {
    // The opening scene a minute and a half in: its application holds its leases.
    let root = mount(&opening_kcl2_link(1, 90_000, ""), true).await;
    // The link replays over the first frames; then the lease table has rows.
    for _ in 0..100 {
        TimeoutFuture::new(200).await;
        yew::scheduler::flush().await;
        if !lease_rows(&root).is_empty() && elapsed_ms(&root) >= 90_000 {
            break;
        }
    }
    assert!(
        !lease_rows(&root).is_empty(),
        "the application holds leases"
    );
    if !playing(&root) {
        click(&root, "#play").await;
    }
    assert!(playing(&root));
    // Playing: within well under a second, the numbers on the table change (its frozen
    // times count up between two renewals), more than once.
    let mut seen = vec![lease_table_text(&root)];
    for _ in 0..4 {
        TimeoutFuture::new(600).await;
        yew::scheduler::flush().await;
        seen.push(lease_table_text(&root));
    }
    let changes = seen.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(
        changes >= 3,
        "the lease table moves while time plays: {changes} changes in 4 looks, 600 ms apart"
    );
    // Paused: the table shows the paused moment at once and then stands still.
    click(&root, "#play").await;
    assert!(!playing(&root));
    let paused = lease_table_text(&root);
    let paused_at = elapsed_ms(&root);
    TimeoutFuture::new(1_000).await;
    yew::scheduler::flush().await;
    assert_eq!(elapsed_ms(&root), paused_at, "paused");
    assert_eq!(
        lease_table_text(&root),
        paused,
        "the table stands still while paused"
    );
    // A step moves time and the table with it, at once (no waiting for the next readout).
    let before_step = lease_table_text(&root);
    click(&root, "#step").await;
    assert!(elapsed_ms(&root) > paused_at);
    assert_ne!(
        lease_table_text(&root),
        before_step,
        "a step shows the lease table of its new moment"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_table_of_many_leases_draws_some_rows_and_counts_the_others() {
    let scene = "aws kinesis create-stream --stream-name s --shard-count 100
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 2000
kcl app add app --stream s --workers 4 --initial-position TRIM_HORIZON
";
    let mut link = Link::start(Scenario::Script(scene.into()), 1);
    link.time_ms = 90_000;
    let root = mount(&link.encode(), false).await;
    let rows = lease_rows(&root);
    assert_eq!(
        rows.len(),
        LEASE_ROWS_DRAWN,
        "the table draws its limit of rows"
    );
    // In the table's order (by lease key), and each a lease of the stream.
    assert!(rows.windows(2).all(|w| w[0].0 < w[1].0), "{rows:?}");
    let note = find(&root, ".lease-rows-left-out");
    let left_out: usize = attr(&note, "data-left-out").parse().unwrap();
    assert_eq!(left_out, 100 - LEASE_ROWS_DRAWN, "the others are counted");
    let text = note.text_content().unwrap_or_default();
    assert!(
        text.contains("more leases") && text.contains("100 leases"),
        "{text}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_hidden_tab_picked_while_playing_shows_the_present_at_once() {
    // The opening scene plays; its event history and charts sit in tabs not shown (the KCL
    // panel is), which take no new numbers while hidden.
    let root = mount("", true).await;
    TimeoutFuture::new(2_000).await;
    yew::scheduler::flush().await;
    assert!(playing(&root));
    click(&root, "#more-tab-history").await;
    let items = root.query_selector_all("#history-list > li").unwrap();
    assert!(items.length() > 0, "the history lists what happened so far");
    click(&root, "#more-tab-metrics").await;
    // Drawn at once (plotters sizes a canvas it drew to 190 CSS pixels high).
    let ratio = web_sys::window().unwrap().device_pixel_ratio().max(1.0);
    let canvas: web_sys::HtmlCanvasElement =
        wasm_bindgen::JsCast::dyn_into(find(&root, "#chart-0")).unwrap();
    assert_eq!(
        canvas.height(),
        (190.0 * ratio).round() as u32,
        "the first chart is drawn"
    );
    root.remove();
}
