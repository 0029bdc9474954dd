//! Browser tests of the compact stream view (issue 20): with more open shards than fit as
//! lanes, the panel shows a strip of cells coloured by load with the busiest shards named,
//! the hash key bar drawn on a canvas instead of a button per shard, and lanes only for the
//! selected and the busiest shards. Pointing at a cell says its numbers; clicking selects it,
//! as a lane's checkbox does, so two adjacent cells can be merged. A small stream keeps its
//! lanes and shows no strip.
//! Apps are mounted with `live = false`: nothing moves unless the test steps.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use shardlab::session::{Link, Scenario};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlButtonElement, HtmlCanvasElement, MouseEvent, MouseEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// 100 shards, 5,000 records a second spread over them and 3,000 more with 80% on user-42:
/// 2,400 a second for one shard whose limit is 1,000.
const HOT_100: &str = "aws kinesis create-stream --stream-name big --shard-count 100
aws kinesis wait stream-exists --stream-name big
producer add spread --stream big --rate 5000 --keys uniform:10000
producer add viral --stream big --rate 3000 --keys hot:user-42:0.8:1000
";

fn shard(i: usize) -> String {
    format!("shardId-{i:012}")
}

/// Dispatches a mouse event of `kind` at the middle of cell `at` of the strip.
async fn at_cell(root: &Element, kind: &str, at: usize) {
    let canvas = find(root, "#strip-canvas");
    let pitch: f64 = attr(&canvas, "data-pitch")
        .parse()
        .expect("the strip was painted");
    let cols: usize = attr(&canvas, "data-cols").parse().unwrap();
    let rect = canvas.get_bounding_client_rect();
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + ((at % cols) as f64 + 0.5) * pitch) as i32);
    init.set_client_y((rect.top() + ((at / cols) as f64 + 0.5) * pitch) as i32);
    let event = MouseEvent::new_with_mouse_event_init_dict(kind, &init).unwrap();
    canvas.dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

fn has(root: &Element, selector: &str) -> bool {
    root.query_selector(selector).unwrap().is_some()
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

#[wasm_bindgen_test]
async fn a_100_shard_stream_shows_a_strip_with_its_hot_shard_named_and_lanes_on_demand() {
    let mut link = Link::start(Scenario::Script(HOT_100.into()), 1);
    link.time_ms = 20_000;
    let root = mount(&link.encode(), false).await;
    steps(&root, 2).await;

    // The strip, a cell per shard, and no button per shard on the hash key bar.
    assert!(has(&root, "#shard-strip"));
    assert_eq!(attr(&find(&root, "#strip-canvas"), "data-cells"), "100");
    assert_eq!(attr(&find(&root, "#hash-bar-canvas"), "data-shards"), "100");
    assert_eq!(count(&root, ".hash-space > .hash-bar > .hash-bar-shard"), 0);
    // The hash key bar is painted: its pixels differ from a blank canvas of the same size.
    let bar: HtmlCanvasElement = find(&root, "#hash-bar-canvas").dyn_into().unwrap();
    assert!(
        bar.width() > 0 && bar.height() > 0,
        "the hash bar has a size"
    );
    let blank: HtmlCanvasElement = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    blank.set_width(bar.width());
    blank.set_height(bar.height());
    assert_ne!(
        bar.to_data_url().unwrap(),
        blank.to_data_url().unwrap(),
        "the hash bar's canvas is blank"
    );

    // The hot key's shard is named first among the busiest, at its limit and throttled.
    let marker = attr(
        &find(&root, ".hash-marker.hot[data-key='user-42']"),
        "title",
    );
    let hot = marker
        .split("hashes into ")
        .nth(1)
        .unwrap_or_else(|| panic!("{marker}"))
        .to_string();
    let first = find(&root, ".strip-busiest .busy-shard");
    assert_eq!(attr(&first, "data-shard-id"), hot);
    let load: u64 = attr(&first, "data-load").parse().unwrap();
    assert!(load >= 90, "{load}");
    let said = first.text_content().unwrap_or_default();
    assert!(
        said.contains("% of its write limit") && said.contains("THROTTLED"),
        "{said}"
    );
    assert!(count(&root, ".strip-busiest .busy-shard") <= 8);

    // Lanes only for the busiest few, the hot one among them.
    let shown = lanes(&root);
    assert!(!shown.is_empty() && shown.len() <= 16, "{}", shown.len());
    assert!(shown.iter().any(|(id, ..)| *id == hot));
    assert!(shown
        .iter()
        .any(|(id, _, _, throttled)| *id == hot && *throttled));

    // Pointing at the hot shard's cell says its numbers (a new stream's shards are in hash
    // key order by index).
    let hot_at: usize = hot.trim_start_matches("shardId-").parse().unwrap();
    at_cell(&root, "mousemove", hot_at).await;
    let readout = text_of(&root, "#strip-readout");
    assert!(
        readout.starts_with(&format!("{hot}: "))
            && readout.contains("of its write limit of 1,000 records/s and 1 MiB/s")
            && readout.contains("THROTTLED"),
        "{readout}"
    );

    // Two adjacent quiet shards with no lane: clicking the first opens its lane, selected;
    // clicking the second selects the pair, and the merge is offered.
    let quiet = (0..99)
        .find(|&i| {
            !has(&root, &format!("#lane-{}", shard(i)))
                && !has(&root, &format!("#lane-{}", shard(i + 1)))
        })
        .expect("two adjacent shards without lanes");
    at_cell(&root, "click", quiet).await;
    let lane = find(&root, &format!("#lane-{}", shard(quiet)));
    assert!(attr(&lane, "class").contains("selected"));
    let merge: HtmlButtonElement = find(&root, "#merge-button").dyn_into().unwrap();
    assert!(merge.disabled());
    at_cell(&root, "click", quiet + 1).await;
    assert!(has(&root, &format!("#lane-{}", shard(quiet + 1))));
    let merge: HtmlButtonElement = find(&root, "#merge-button").dyn_into().unwrap();
    assert!(!merge.disabled(), "{}", text_of(&root, "#merge-hint"));
    // The pair's lanes stay while selected, whatever is busiest a second later.
    steps(&root, 10).await;
    assert!(has(&root, &format!("#lane-{}.selected", shard(quiet))));
    assert!(has(&root, &format!("#lane-{}.selected", shard(quiet + 1))));

    // Merging them: one fewer open shard, still the strip.
    click(&root, "#merge-button").await;
    steps(&root, 80).await;
    assert_eq!(attr(&find(&root, "#strip-canvas"), "data-cells"), "99");
}

#[wasm_bindgen_test]
async fn a_4_shard_stream_keeps_its_lanes_and_shows_no_strip() {
    let root = mount("", false).await;
    steps(&root, 2).await;
    assert!(!has(&root, "#shard-strip"));
    assert!(!has(&root, "#hash-bar-canvas"));
    assert_eq!(lanes(&root).len(), 4);
    assert_eq!(count(&root, ".hash-space > .hash-bar > .hash-bar-shard"), 4);
}

/// A figure, not a check: how long a click on a cell takes to show its lane at 1,000 shards
/// (debug build, so for direction only). `cargo test --target wasm32-unknown-unknown --test
/// browser_shard_strip -- --include-ignored`.
#[wasm_bindgen_test]
#[ignore = "prints a figure"]
async fn a_click_on_a_cell_at_1000_shards_prints_its_time() {
    let script = "aws kinesis create-stream --stream-name big --shard-count 1000
aws kinesis wait stream-exists --stream-name big
producer add spread --stream big --rate 20000 --keys uniform:100000
";
    let mut link = Link::start(Scenario::Script(script.into()), 1);
    link.time_ms = 15_000;
    let root = mount(&link.encode(), false).await;
    steps(&root, 2).await;
    assert_eq!(attr(&find(&root, "#strip-canvas"), "data-cells"), "1000");
    let now = || web_sys::window().unwrap().performance().unwrap().now();
    let mut times = Vec::new();
    for at in [100, 300, 500, 700, 900] {
        let start = now();
        at_cell(&root, "click", at).await;
        assert!(has(&root, &format!("#lane-{}", shard(at))));
        times.push(now() - start);
        at_cell(&root, "click", at).await;
        let start = now();
        steps(&root, 1).await;
        times.push(-(now() - start));
    }
    let mut clicks: Vec<f64> = times.iter().copied().filter(|t| *t >= 0.0).collect();
    let mut frames: Vec<f64> = times.iter().filter(|t| **t < 0.0).map(|t| -t).collect();
    clicks.sort_by(f64::total_cmp);
    frames.sort_by(f64::total_cmp);
    web_sys::console::log_1(
        &format!(
            "1,000 shards (debug build): a click on a cell to its lane {:.1} ms, a step {:.1} ms (medians of 5)",
            clicks[2], frames[2]
        )
        .into(),
    );
}
