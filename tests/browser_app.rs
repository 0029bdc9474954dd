//! Browser tests of the page: mount the app in headless Chromium, click, type, read the DOM.
//!
//! Most tests mount the app with `live = false`, so no animation frame runs by itself: the
//! test presses Step (100 ms of simulated time each) and the page is exactly reproducible.
//! One test lets requestAnimationFrame drive the clock, as in the real page.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use shardlab::engine::{hash_key_of, HashKeyRange};
use shardlab::session::{Link, Session};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_page_opens_on_a_running_four_shard_stream_with_one_lane_per_shard() {
    let root = mount("", false).await;
    assert_eq!(text_of(&root, "h1"), "Shardlab");
    let ids: Vec<String> = lanes(&root).into_iter().map(|l| l.0).collect();
    assert_eq!(
        ids,
        [
            "shardId-000000000000",
            "shardId-000000000001",
            "shardId-000000000002",
            "shardId-000000000003"
        ]
    );
    assert_eq!(
        root.query_selector_all(".hash-bar-shard[data-shard-id]")
            .unwrap()
            .length(),
        4
    );
    assert_eq!(text_of(&root, "#stream-status"), "ACTIVE");
    // The scene is alive: three producers and the lessons one click away.
    assert_eq!(
        root.query_selector_all(".producer-card").unwrap().length(),
        3
    );
    assert_eq!(
        root.query_selector_all(".lesson-list .lesson")
            .unwrap()
            .length() as usize,
        shardlab::script::lessons().len()
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn play_advances_the_clock_and_step_advances_exactly_one_step() {
    let root = mount("", true).await;
    let start = elapsed_ms(&root);
    gloo_timers::future::TimeoutFuture::new(600).await;
    yew::scheduler::flush().await;
    let played = elapsed_ms(&root);
    assert!(
        played > start,
        "playing moved the clock from {start} to {played}"
    );
    // Step pauses and adds exactly 100 ms.
    click(&root, "#step").await;
    let after_first = elapsed_ms(&root);
    click(&root, "#step").await;
    assert_eq!(elapsed_ms(&root), after_first + 100);
    assert_eq!(attr(&find(&root, "#play"), "aria-pressed"), "false");
    gloo_timers::future::TimeoutFuture::new(200).await;
    yew::scheduler::flush().await;
    assert_eq!(
        elapsed_ms(&root),
        after_first + 100,
        "paused: time stands still"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn the_hot_key_turns_its_shard_red_and_no_other() {
    let root = mount("#seed=1&t=15000", false).await;
    assert_eq!(elapsed_ms(&root), 15_000);
    let throttled: Vec<String> = lanes(&root)
        .into_iter()
        .filter(|l| l.3)
        .map(|l| l.0)
        .collect();
    assert_eq!(throttled, ["shardId-000000000001"]);
    let lane = find(&root, "#lane-shardId-000000000001");
    assert!(attr(&lane, "class").split(' ').any(|c| c == "throttled"));
    assert_eq!(
        text_of(&root, "#lane-shardId-000000000001 .lane-state"),
        "THROTTLED"
    );
    assert!(
        attr(&lane, "data-write-throttled-total")
            .parse::<u64>()
            .unwrap()
            > 0
    );
    // The hot keys table names user-42 as the cause, on that shard.
    let row = find(&root, "#hot-keys-table tr.cause");
    assert_eq!(attr(&row, "data-key"), "user-42");
    assert_eq!(attr(&row, "data-shard"), "shardId-000000000001");
    root.remove();
}

#[wasm_bindgen_test]
async fn clicking_split_gives_two_child_lanes_with_the_right_ranges() {
    let root = mount("", false).await;
    let parent = HashKeyRange::even_split(4)[1];
    click(&root, "#lane-shardId-000000000001 .split-button").await;
    assert!(
        text_of(&root, "#console-output").contains(
            "aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001"
        ),
        "the click ran the command"
    );
    assert_eq!(text_of(&root, "#stream-status"), "UPDATING");
    steps(&root, 60).await;
    assert_eq!(text_of(&root, "#stream-status"), "ACTIVE");
    let mid =
        parent.starting_hash_key + (parent.ending_hash_key - parent.starting_hash_key) / 2 + 1;
    let now: Vec<(String, u128, u128)> =
        lanes(&root).into_iter().map(|l| (l.0, l.1, l.2)).collect();
    assert_eq!(now.len(), 5);
    assert!(now.contains(&(
        "shardId-000000000004".into(),
        parent.starting_hash_key,
        mid - 1
    )));
    assert!(now.contains(&("shardId-000000000005".into(), mid, parent.ending_hash_key)));
    assert!(
        !now.iter().any(|l| l.0 == "shardId-000000000001"),
        "the parent is closed"
    );
    // The family tree shows the parent closed and its two children.
    assert!(attr(
        &find(
            &root,
            "#lineage-tree [data-shard-id='shardId-000000000001']"
        ),
        "class"
    )
    .contains("closed"));
    assert!(root
        .query_selector("#lineage-tree [data-shard-id='shardId-000000000005']")
        .unwrap()
        .is_some());
    root.remove();
}

#[wasm_bindgen_test]
async fn selecting_two_adjacent_shards_merges_them() {
    let root = mount("", false).await;
    let merge = find(&root, "#merge-button");
    assert!(merge.has_attribute("disabled"));
    click(&root, "#lane-shardId-000000000002 input[type=checkbox]").await;
    click(&root, "#lane-shardId-000000000003 input[type=checkbox]").await;
    assert!(!find(&root, "#merge-button").has_attribute("disabled"));
    click(&root, "#merge-button").await;
    steps(&root, 60).await;
    let now = lanes(&root);
    assert_eq!(now.len(), 3);
    let ranges = HashKeyRange::even_split(4);
    let merged = now
        .iter()
        .find(|l| l.0 == "shardId-000000000004")
        .expect("the merged child");
    assert_eq!(
        (merged.1, merged.2),
        (ranges[2].starting_hash_key, ranges[3].ending_hash_key)
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn update_shard_count_reshapes_the_stream() {
    let root = mount("", false).await;
    // The form proposes doubling; apply it.
    let form: web_sys::HtmlFormElement = find(&root, ".update-shard-count").dyn_into().unwrap();
    form.request_submit().unwrap();
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "#stream-status"), "UPDATING");
    steps(&root, 320).await;
    assert_eq!(text_of(&root, "#stream-status"), "ACTIVE");
    assert_eq!(lanes(&root).len(), 8);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_link_with_a_seed_reproduces_the_same_run() {
    let first = mount("#seed=7", false).await;
    steps(&first, 40).await;
    // What the learner does by hand travels in the link too.
    click(&first, "#lane-shardId-000000000001 .split-button").await;
    steps(&first, 70).await;
    assert_eq!(lanes(&first).len(), 5);
    click(&first, "#share").await;
    let url: HtmlInputElement = find(&first, "#share-url").dyn_into().unwrap();
    let url = url.value();
    let fragment = &url[url.find('#').expect("the link has a fragment")..];
    assert!(
        fragment.contains("seed=7") && fragment.contains("actions="),
        "{fragment}"
    );

    let second = mount(fragment, false).await;
    assert_eq!(elapsed_ms(&second), elapsed_ms(&first));
    assert_eq!(lane_numbers(&second), lane_numbers(&first));
    assert!(!lane_numbers(&first).is_empty());

    // And the model behind it is the same as a session opened on the link natively.
    let mut session = Session::new(Link::decode(fragment).unwrap());
    while session.catching_up() {
        session.frame(0.0);
    }
    let view = session.view();
    let expected: Vec<String> = view
        .stream
        .unwrap()
        .shards
        .iter()
        .map(|s| {
            format!(
                "{} {} {} {}",
                s.id, s.incoming_records, s.write_throttled_total, s.records_held
            )
        })
        .collect();
    assert_eq!(lane_numbers(&second), expected);
    first.remove();
    second.remove();
}

#[wasm_bindgen_test]
async fn the_key_explainer_shows_the_right_shard_for_the_reference_keys() {
    let root = mount("", false).await;
    for (key, hash, shard) in [
        (
            "a",
            "16955237001963240173058271559858726497",
            "shardId-000000000000",
        ),
        (
            "user-42",
            "157107139746365290205026809710278036035",
            "shardId-000000000001",
        ),
        (
            "héllo",
            "252973414135665226741597071662034525008",
            "shardId-000000000002",
        ),
        (
            "partitionKey-0",
            "283893945402358862714065952676399797471",
            "shardId-000000000003",
        ),
    ] {
        type_into(&root, "#partition-key", key).await;
        assert_eq!(
            text_of(&root, "#routed-hash-key"),
            hash,
            "hash key of {key}"
        );
        assert_eq!(
            attr(&find(&root, "#routed-shard"), "data-shard"),
            shard,
            "shard of {key}"
        );
        assert_eq!(hash_key_of(key).to_string(), hash);
    }
    type_into(&root, "#partition-key", "a").await;
    assert_eq!(
        text_of(&root, "#routed-md5"),
        "0cc175b9c0f1b6a831c399e269772661"
    );
    let owners = root
        .query_selector_all(".key-explainer .hash-bar-shard.owner")
        .unwrap();
    assert_eq!(owners.length(), 1);
    assert_eq!(owners.get(0).unwrap().text_content().unwrap(), "#0");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_explainer_follows_the_stream_after_a_split() {
    let root = mount("", false).await;
    click(&root, "#lane-shardId-000000000001 .split-button").await;
    steps(&root, 60).await;
    type_into(&root, "#partition-key", "user-42").await;
    // user-42's hash key is in the upper half of shard 1's old range.
    assert_eq!(
        attr(&find(&root, "#routed-shard"), "data-shard"),
        "shardId-000000000005"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_producer_control_runs_producer_set_and_the_throttling_stops() {
    let root = mount("#seed=1&t=15000", false).await;
    type_into(&root, "#producer-viral-rate", "100").await;
    let form: web_sys::HtmlFormElement = find(&root, "form.producer-form[data-producer='viral']")
        .dyn_into()
        .unwrap();
    form.request_submit().unwrap();
    yew::scheduler::flush().await;
    assert!(text_of(&root, "#console-output")
        .contains("producer set viral --rate 100 --keys hot:user-42:0.9:100"));
    steps(&root, 40).await;
    assert!(
        lanes(&root).iter().all(|l| !l.3),
        "no shard throttles at 100 records/s"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn keyboard_shortcuts_drive_the_controls() {
    let root = mount("", false).await;
    let press = |key: &str| {
        let init = KeyboardEventInit::new();
        init.set_key(key);
        init.set_bubbles(true);
        let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        document().body().unwrap().dispatch_event(&event).unwrap();
    };
    let before = elapsed_ms(&root);
    press("ArrowRight");
    yew::scheduler::flush().await;
    assert_eq!(elapsed_ms(&root), before + 100);
    press("+");
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "#speed-value"), "2x");
    press("-");
    press("-");
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "#speed-value"), "0.5x");
    press("?");
    yew::scheduler::flush().await;
    assert!(root.query_selector("#help-dialog").unwrap().is_some());
    press("Escape");
    yew::scheduler::flush().await;
    assert!(root.query_selector("#help-dialog").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn opening_a_lesson_and_a_broken_link() {
    let root = mount("#lesson=nonsense", false).await;
    assert!(
        text_of(&root, "#notice").contains("does not exist"),
        "a broken link says why"
    );
    click(&root, ".lesson[data-lesson='hot-key']").await;
    assert!(
        find(&root, ".lesson-list li.current .lesson")
            .get_attribute("data-lesson")
            .as_deref()
            == Some("hot-key")
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn gauges_have_text_alternatives() {
    let root = mount("#seed=1&t=5000", false).await;
    let gauge = find(&root, "#lane-shardId-000000000000 .gauge.write-records");
    assert_eq!(attr(&gauge, "role"), "meter");
    assert_eq!(attr(&gauge, "aria-valuemax"), "1000");
    assert!(
        attr(&gauge, "aria-label").starts_with("write records/s: "),
        "{}",
        attr(&gauge, "aria-label")
    );
    let canvas = find(&root, "#chart-0");
    assert!(attr(&canvas, "aria-label").contains("IncomingRecords"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_pasted_script_runs_in_place_of_the_scene() {
    let root = mount("", false).await;
    click(&root, "details summary").await;
    let area: web_sys::HtmlTextAreaElement = find(&root, "#script-text").dyn_into().unwrap();
    area.set_value(
        "aws kinesis create-stream --stream-name pasted --shard-count 2\n\
         aws kinesis wait stream-exists --stream-name pasted\n\
         producer add p --stream pasted --rate 100 --keys uniform:10\n",
    );
    let init = EventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    click(&root, "#run-script").await;
    assert_eq!(text_of(&root, "#stream-title"), "Stream pasted");
    assert_eq!(lanes(&root).len(), 2);
    // A script with an error says where, and the page keeps working.
    area.set_value("aws kinesis create-stream --stream-name x --shard-count 'two\n");
    area.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    click(&root, "#run-script").await;
    let notice = text_of(&root, "#notice");
    assert!(
        notice.contains("does not parse") && notice.contains("line 1"),
        "{notice}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn clicking_a_hot_key_explains_where_it_goes() {
    let root = mount("#seed=1&t=12000", false).await;
    type_into(&root, "#partition-key", "something else").await;
    click(&root, "#hot-keys-table tr[data-key='user-42'] button").await;
    let input: HtmlInputElement = find(&root, "#partition-key").dyn_into().unwrap();
    assert_eq!(input.value(), "user-42");
    assert_eq!(
        attr(&find(&root, "#routed-shard"), "data-shard"),
        "shardId-000000000001"
    );
    root.remove();
}
