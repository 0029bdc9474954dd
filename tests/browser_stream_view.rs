//! Browser tests of the stream view (issue 15): lanes over a limit say so in words, read
//! throttling looks like throttling and the readers are drawn, closed parents stay as faded
//! lanes, streams made in the console can be shown (and their deletion is said), a hot key's
//! answer opens next to it, the legend's scale survives a link, and an empty chart says so.
//! A KPL producer's card shows user records against Kinesis records and its buffer, and an
//! aggregated record flies as one dot holding many (issue 19).
//! Apps are mounted with `live = false`: the test presses Step.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlSelectElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

const PARENT: &str = "shardId-000000000001";
const CHILD: &str = "shardId-000000000005";

fn number(text: &str) -> u64 {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no number in {text:?}"))
}

/// How many records the legend says a dot stands for.
fn legend_scale(root: &Element) -> f64 {
    let legend = text_of(root, "#dot-legend");
    if legend.contains("One dot is one record") {
        return 1.0;
    }
    let after = legend
        .split('≈')
        .nth(1)
        .unwrap_or_else(|| panic!("no scale in {legend:?}"));
    number(after.split("records").next().unwrap()) as f64
}

async fn press_escape() {
    let init = KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    document().body().unwrap().dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

/// The default scene with shard 1 split in half, 8 s later.
async fn after_a_split() -> Element {
    let root = mount("", false).await;
    click(&root, &format!("#lane-{PARENT} .split-button")).await;
    steps(&root, 80).await;
    assert_eq!(text_of(&root, "#stream-status"), "ACTIVE");
    root
}

#[wasm_bindgen_test]
async fn a_split_child_over_its_limit_says_it_is_spending_burst_credit() {
    let root = after_a_split().await;
    let lane = find(&root, &format!("#lane-{CHILD}"));
    // user-42 alone now asks the child for more than 1,000 records a second, and it takes
    // them while its bucket's stored second lasts: not OK, not refused yet.
    assert!(number(&attr(&lane, "data-incoming-records")) > 1_000);
    assert_eq!(attr(&lane, "data-write-throttled-total"), "0");
    let state = |selector: &str| text_of(&root, &format!("#lane-{CHILD} {selector}"));
    assert_eq!(state(".lane-state"), "OVER LIMIT");
    assert_eq!(state(".lane-why"), "over the limit — spending burst credit");
    assert!(attr(&lane, "class").contains("over-limit"));
    let note = state(".lane-note");
    assert!(
        note.starts_with("Taking ")
            && note.contains("over the limit of 1,000, and nothing is refused yet"),
        "{note}"
    );
    assert!(
        note.contains("at most one second of capacity (1,000 records)"),
        "{note}"
    );
    assert!(text_of(
        &root,
        &format!("#lane-{CHILD} .gauge.write-records .gauge-value")
    )
    .ends_with("(over)"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_split_parent_stays_as_a_closed_lane_that_takes_no_writes() {
    let root = after_a_split().await;
    // The open lanes are the four minus the parent plus its two children...
    let open: Vec<String> = lanes(&root).into_iter().map(|l| l.0).collect();
    assert_eq!(open.len(), 5);
    assert!(!open.contains(&PARENT.to_string()));
    // ...and the parent is still there, closed and readable, without write controls.
    let closed = find(&root, &format!(".closed-lanes #lane-{PARENT}"));
    assert!(attr(&closed, "class").contains("closed"));
    assert_eq!(
        text_of(&root, &format!("#lane-{PARENT} .lane-state")),
        "CLOSED"
    );
    assert_eq!(
        text_of(&root, &format!("#lane-{PARENT} .lane-why")),
        "no writes, still readable"
    );
    assert!(text_of(&root, &format!("#lane-{PARENT} .lane-note")).starts_with(
        "Closed by a split into shardId-000000000004 and shardId-000000000005: it takes no more writes"
    ));
    assert!(number(&attr(&closed, "data-records-held")) > 0);
    assert!(closed.query_selector(".split-button").unwrap().is_none());
    assert!(closed
        .query_selector("input[type=checkbox]")
        .unwrap()
        .is_none());
    assert!(closed
        .query_selector(".gauge.write-records")
        .unwrap()
        .is_none());
    assert!(closed
        .query_selector(".gauge.read-calls")
        .unwrap()
        .is_some());
    // The lane stays while the parent is read to its end and until it expires.
    steps(&root, 50).await;
    assert!(root
        .query_selector(&format!(".closed-lanes #lane-{PARENT}"))
        .unwrap()
        .is_some());
    root.remove();
}

#[wasm_bindgen_test]
async fn five_readers_on_a_shard_are_drawn_and_their_refused_reads_are_red() {
    let root = mount("", false).await;
    // The opening scene's application, analytics, reads with fan-out once its leases exist
    // (KCL 3.x: its leader assigns them 40-70 s after the start).
    until_analytics_reads(&root).await;
    for i in 1..=5 {
        console(&root, &format!("consumer add reader-{i} --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST")).await;
    }
    steps(&root, 30).await;
    let lane = "#lane-shardId-000000000000";
    assert_eq!(text_of(&root, &format!("{lane} .lane-state")), "THROTTLED");
    assert_eq!(
        text_of(&root, &format!("{lane} .lane-why")),
        "reads refused"
    );
    let classes = attr(&find(&root, lane), "class");
    assert!(
        classes.contains("throttled") && classes.contains("reads-refused"),
        "{classes}"
    );
    assert_eq!(attr(&find(&root, lane), "data-throttled"), "true");
    let note = text_of(&root, &format!("{lane} .lane-note"));
    assert!(note.starts_with("Reads refused: its "), "{note}");
    assert!(
        note.contains("the shard serves 5 a second, shared by everyone reading it"),
        "{note}"
    );
    // The ReadProvisionedThroughputExceeded count is drawn as the write one is.
    let reads = find(&root, &format!("{lane} .read-exceeded"));
    assert!(number(&reads.text_content().unwrap()) > 0);
    assert!(attr(&reads, "class").contains("bad"));
    assert!(attr(&find(&root, &format!("{lane} .gauge.read-calls")), "class").contains("full"));
    // Its readers, by name, with the calls they ask for.
    for i in 1..=5 {
        assert_eq!(
            text_of(&root, &format!("{lane} .reader[data-reader='reader-{i}']")),
            format!("reader-{i} · 5 calls/s")
        );
    }
    assert!(text_of(&root, &format!("{lane} .readers-summary"))
        .contains("5 polling readers asking for"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_stream_made_in_the_console_can_be_shown_and_its_deletion_is_said() {
    let root = mount("", false).await;
    assert!(
        root.query_selector("#stream-picker").unwrap().is_none(),
        "one stream, no picker"
    );
    console(
        &root,
        "aws kinesis create-stream --stream-name Foo --shard-count 1",
    )
    .await;
    steps(&root, 25).await;
    // The scenario's stream stays on screen; the picker offers both.
    assert_eq!(text_of(&root, "#stream-title"), "Stream orders");
    let picker: HtmlSelectElement = find(&root, "#stream-picker").dyn_into().unwrap();
    assert_eq!(picker.length(), 2);
    picker.set_value("Foo");
    let init = EventInit::new();
    init.set_bubbles(true);
    picker
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "#stream-title"), "Stream Foo");
    assert_eq!(lanes(&root).len(), 1);
    // The choice is remembered as time goes on.
    steps(&root, 5).await;
    assert_eq!(text_of(&root, "#stream-title"), "Stream Foo");
    // Deleted: the page says so, and offers the other stream.
    console(&root, "aws kinesis delete-stream --stream-name Foo").await;
    steps(&root, 30).await;
    assert_eq!(text_of(&root, "#no-stream h2"), "Stream Foo was deleted");
    let text = text_of(&root, "#no-stream");
    assert!(
        !text.contains("No stream yet") && text.contains("Other streams: orders."),
        "{text}"
    );
    click(&root, "#no-stream button[data-stream='orders']").await;
    assert_eq!(text_of(&root, "#stream-title"), "Stream orders");
    assert_eq!(lanes(&root).len(), 4);
    root.remove();
}

#[wasm_bindgen_test]
async fn clicking_a_hot_key_shows_its_shard_next_to_it_and_esc_closes_it() {
    let root = mount("#seed=1&t=15000", false).await;
    // The hot keys are in the routing tab below the stream.
    click(&root, "#more-tab-routing").await;
    let row = "#hot-keys-table tr[data-key='user-42']";
    click(&root, &format!("{row} button")).await;
    let popover = find(&root, "#key-popover");
    // In the hot keys panel, in the row right under the key.
    assert!(popover.closest(".hot-keys").unwrap().is_some());
    let next = find(&root, row).next_element_sibling().unwrap();
    assert!(attr(&next, "class").contains("popover-row"));
    assert!(next.contains(Some(&popover)));
    assert_eq!(attr(&popover, "data-shard"), PARENT);
    let text = popover.text_content().unwrap();
    assert!(
        text.contains(&format!("user-42 goes to {PARENT}")),
        "{text}"
    );
    assert!(
        text.contains(&shardlab::engine::md5_hex("user-42")),
        "{text}"
    );
    assert!(text.contains("of the way along"), "{text}");
    // It has the focus (keyboard users land in it), and Esc closes it.
    let focused = document().active_element().unwrap();
    assert!(attr(&focused, "class").contains("key-popover-close"));
    press_escape().await;
    assert!(root.query_selector("#key-popover").unwrap().is_none());

    // A hot key marker on the hash key bar answers under the bar, in the stream panel, and the
    // focus goes back to the marker when it closes.
    let marker = ".hash-marker.hot[data-key='user-42']";
    find(&root, marker)
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .focus()
        .unwrap();
    click(&root, marker).await;
    let popover = find(&root, ".stream-panel .hash-space #key-popover");
    assert_eq!(attr(&popover, "data-shard"), PARENT);
    click(&root, "#key-popover .key-popover-close").await;
    assert!(root.query_selector("#key-popover").unwrap().is_none());
    assert_eq!(
        attr(&document().active_element().unwrap(), "data-key"),
        "user-42"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn the_legend_after_a_link_has_the_scale_of_the_running_page() {
    // A run played step by step for 5 s, as a learner watches it...
    let played = mount("#seed=1", false).await;
    steps(&played, 50).await;
    let live = legend_scale(&played);
    assert!(live > 1.0, "the default scene sends many records per dot");
    // ...and the same moment opened from a link, which replays the run in one go.
    let linked = mount(&format!("#seed=1&t={}", elapsed_ms(&played)), false).await;
    assert_eq!(elapsed_ms(&linked), elapsed_ms(&played));
    let after_link = legend_scale(&linked);
    assert!(
        (after_link / live - 1.0).abs() < 0.2,
        "after the link one dot is {after_link} records, while playing {live}"
    );
    // Rewinding is a jump too: the run is replayed from the seed to the earlier moment.
    let timeline: web_sys::HtmlInputElement = find(&played, "#timeline").dyn_into().unwrap();
    let earlier = elapsed_ms(&played) - 2_000;
    timeline.set_value(&earlier.to_string());
    let init = EventInit::new();
    init.set_bubbles(true);
    timeline
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(elapsed_ms(&played), earlier);
    let after_rewind = legend_scale(&played);
    assert!(
        (after_rewind / live - 1.0).abs() < 0.2,
        "after a rewind one dot is {after_rewind} records, while playing {live}"
    );
    linked.remove();
    played.remove();
}

#[wasm_bindgen_test]
async fn a_chart_with_nothing_to_plot_says_so_in_words() {
    // The resharding lesson's stream has no producer.
    let root = mount("#lesson=resharding&step=3", false).await;
    // The lesson shows only the panels its step needs; the learner asks for all of them.
    if root.query_selector("#show-everything").unwrap().is_some() {
        click(&root, "#show-everything").await;
    }
    let empty = text_of(&root, "#chart-3-empty");
    assert_eq!(
        empty,
        "No producer writes to this stream, so there is nothing to plot. Add one with `producer add`."
    );
    assert!(find(&root, "#chart-3").has_attribute("hidden"));
    // The charts are in the metrics tab below the stream (a hidden tab's are not drawn).
    click(&root, "#more-tab-metrics").await;
    // The charts with values are drawn, every one of them although the page holds still
    // (plotters sizes a canvas it drew to 190 CSS pixels high).
    let ratio = web_sys::window().unwrap().device_pixel_ratio().max(1.0);
    for chart in ["#chart-0", "#chart-1"] {
        let canvas: web_sys::HtmlCanvasElement = find(&root, chart).dyn_into().unwrap();
        assert!(!canvas.has_attribute("hidden"));
        assert_eq!(
            canvas.height(),
            (190.0 * ratio).round() as u32,
            "{chart} is drawn"
        );
    }
    root.remove();
}

#[wasm_bindgen_test]
async fn an_on_demand_stream_shows_its_mode_and_how_it_scales_and_cannot_be_split_by_hand() {
    let root = mount("", false).await;
    console(
        &root,
        "aws kinesis create-stream --stream-name od --stream-mode-details StreamMode=ON_DEMAND",
    )
    .await;
    steps(&root, 25).await;
    let picker: HtmlSelectElement = find(&root, "#stream-picker").dyn_into().unwrap();
    picker.set_value("od");
    let init = EventInit::new();
    init.set_bubbles(true);
    picker
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "#stream-title"), "Stream od");
    // Four shards to start with, as AWS gives a new on-demand stream.
    assert_eq!(lanes(&root).len(), 4);
    assert_eq!(text_of(&root, "#stream-mode"), "ON_DEMAND");
    assert_eq!(
        text_of(&root, "#scaling-note"),
        "On-demand: the service splits a shard that takes more than 500 KB/s for 15 minutes; SplitShard, MergeShards and UpdateShardCount are refused."
    );
    let split = find(&root, "#lane-shardId-000000000000 .split-button");
    assert!(
        split.has_attribute("disabled"),
        "split is refused on ON_DEMAND"
    );
    // The scenario's provisioned stream has neither.
    picker.set_value("orders");
    picker
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert!(root.query_selector("#stream-mode").unwrap().is_none());
    assert!(root.query_selector("#scaling-note").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn the_delivery_latency_chart_draws_a_line_per_reader() {
    // The default scene's KCL application, analytics, reads the stream once its leader has
    // assigned the leases.
    let root = mount("", false).await;
    until_analytics_reads(&root).await;
    steps(&root, 300).await;
    click(&root, "#more-tab-metrics").await;
    let figure = find(&root, "figure[data-chart='latency']");
    let canvas = figure.query_selector("canvas").unwrap().unwrap();
    assert!(
        !canvas.has_attribute("hidden"),
        "the latency chart is drawn"
    );
    let summary = attr(&canvas, "aria-label");
    assert!(
        summary.contains("Delivery latency") && summary.contains("analytics"),
        "{summary}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_fan_out_consumer_is_a_pipe_of_its_own_beside_the_shared_read_gauges() {
    let root = mount("", false).await;
    // The opening scene's application, analytics, reads with fan-out once its leases exist.
    until_analytics_reads(&root).await;
    console(
        &root,
        "consumer add fast --stream orders --shard-id shardId-000000000001 --shard-iterator-type LATEST --efo",
    )
    .await;
    steps(&root, 120).await;
    let pipe = find(
        &root,
        &format!("#lane-{PARENT} .fan-out-pipe[data-consumer='fast']"),
    );
    let meter = pipe.query_selector("[role='meter']").unwrap().unwrap();
    assert_eq!(attr(&meter, "aria-valuemax"), (2 * 1024 * 1024).to_string());
    assert!(
        number(&attr(&meter, "aria-valuenow")) > 0,
        "the pipe carries records"
    );
    assert!(attr(&meter, "aria-label").starts_with("⇉ fast: "));
    let reader = text_of(&root, &format!("#lane-{PARENT} [data-reader='fast']"));
    assert!(reader.contains("enhanced fan-out"), "{reader}");
    // fast subscribed to shard 1 only; the opening scene's KCL application, analytics, reads
    // with fan-out too, so every lane has analytics' pipe.
    assert!(root
        .query_selector("#lane-shardId-000000000000 .fan-out-pipe[data-consumer='fast']")
        .unwrap()
        .is_none());
    find(
        &root,
        "#lane-shardId-000000000000 .fan-out-pipe[data-consumer='analytics']",
    );
    root.remove();
}

/// The page of a one-shard stream `clicks` with the KPL producer made by `producer`, at
/// `at_ms` into the run (the CLI's waiter sees the stream ACTIVE, and the producer starts,
/// at 10 s).
async fn kpl_page(producer: &str, at_ms: u64) -> Element {
    let script = format!(
        "aws kinesis create-stream --stream-name clicks --shard-count 1\n\
         aws kinesis wait stream-exists --stream-name clicks\n\
         {producer}\n"
    );
    let mut link = shardlab::session::Link::start(shardlab::session::Scenario::Script(script), 1);
    link.time_ms = at_ms;
    mount(&link.encode(), false).await
}

#[wasm_bindgen_test]
async fn a_kpl_card_shows_user_records_in_few_kinesis_records_and_an_aggregate_is_one_dot() {
    let root = kpl_page(
        "producer add agg --stream clicks --rate 4000 --size 50 --kpl --aggregate",
        16_000,
    )
    .await;
    let card = ".producer-card[data-producer='agg']";
    let rates = text_of(&root, &format!("{card} .kpl-rates"));
    let (user, kinesis) = rates
        .split_once(" user records/s in ")
        .unwrap_or_else(|| panic!("{rates}"));
    assert!((3_900..=4_100).contains(&number(user)), "{rates}");
    assert!(kinesis.ends_with(" Kinesis records/s"), "{rates}");
    assert!((4..=12).contains(&number(kinesis)), "{rates}");
    let buffered = text_of(&root, &format!("{card} .kpl-buffered"));
    assert!(buffered.starts_with("buffered "), "{buffered}");
    let gauge = find(&root, &format!("{card} .kpl-gauge"));
    assert_eq!(attr(&gauge, "role"), "meter");
    assert_eq!(
        attr(&gauge, "aria-valuemax"),
        "120000",
        "RecordTtl (30 s) at 4,000/s"
    );
    assert!(
        root.query_selector(&format!("{card} .kpl-expired"))
            .unwrap()
            .is_none(),
        "nothing expired"
    );
    // An aggregate leaves about every 125 ms and flies for 900: a few steps put one in the air.
    let aggregates = |root: &Element| -> u64 {
        attr(&find(root, "#flight-canvas"), "data-aggregates")
            .parse()
            .unwrap_or(0)
    };
    for _ in 0..10 {
        if aggregates(&root) > 0 {
            break;
        }
        steps(&root, 1).await;
    }
    assert!(aggregates(&root) > 0, "an aggregated record is in the air");
    let legend = text_of(&root, "#dot-legend-aggregate");
    let held = legend
        .split("is an aggregated record: ")
        .nth(1)
        .unwrap_or_else(|| panic!("{legend}"));
    assert!(
        held.contains(" user records in one Kinesis record, packed by the KPL."),
        "{legend}"
    );
    assert!(number(held.split(' ').next().unwrap()) > 100, "{legend}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_throttled_kpl_buffer_fills_and_says_what_expired() {
    let root = kpl_page(
        "producer add kpl --stream clicks --rate 3000 --size 50 --kpl --record-ttl 5s",
        20_000,
    )
    .await;
    steps(&root, 1).await;
    let card = ".producer-card[data-producer='kpl']";
    let rates = text_of(&root, &format!("{card} .kpl-rates"));
    let (user, kinesis) = rates
        .split_once(" user records/s in ")
        .unwrap_or_else(|| panic!("{rates}"));
    // Without aggregation each user record is a Kinesis record of its own.
    assert_eq!(number(user), number(kinesis), "{rates}");
    assert!(number(user) <= 1_600, "{rates}");
    let gauge = find(&root, &format!("{card} .kpl-gauge"));
    let now: u64 = attr(&gauge, "aria-valuenow").parse().unwrap();
    assert!(
        now > 7_500,
        "more than half of 5 s of 3,000 a second waits: {now}"
    );
    assert_eq!(
        text_of(&root, &format!("{card} .kpl-buffered")),
        format!("buffered {}", shardlab::session::text::int(now))
    );
    let expired = text_of(&root, &format!("{card} .kpl-expired"));
    assert!(
        expired.starts_with("expired ") && number(&expired) > 0,
        "{expired}"
    );
    root.remove();
}
