//! Browser tests of the page as a course (issue 9): the KCL view, the lesson player with
//! Back and questions, the console, the event history and rewind. Apps are mounted with
//! `live = false`: time moves only when the test steps it or types `wait` in the console.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn killing_a_worker_by_click_moves_its_lease_to_a_new_owner_one_counter_higher() {
    // KCL 2.x: the other workers' lease takers see the lease frozen, then take it.
    let root = mount(&opening_kcl2_link(1, 60_000, ""), false).await;
    let rows = lease_rows(&root);
    assert_eq!(rows.len(), 4, "a lease per shard");
    let (lease, owner, _) = rows[1].clone();
    assert!(!owner.is_empty());
    click(
        &root,
        &format!(".worker[data-worker='analytics/{owner}'] .kill"),
    )
    .await;
    assert!(text_of(
        &root,
        &format!(".worker[data-worker='analytics/{owner}'] .worker-state")
    )
    .contains("DEAD"));
    let frozen = lease_rows(&root).iter().find(|r| r.0 == lease).unwrap().2;
    let class = || {
        attr(
            &find(&root, &format!(".lease-table tr[data-lease='{lease}']")),
            "class",
        )
    };
    assert!(
        !class().contains("stale") && !class().contains("expired"),
        "just renewed: {}",
        class()
    );
    console(&root, "wait 8s").await;
    let row = find(&root, &format!(".lease-table tr[data-lease='{lease}']"));
    assert_eq!(
        attr(&row, "data-counter").parse::<u64>().unwrap(),
        frozen,
        "frozen"
    );
    // Amber, or already red: the other workers only look every 20 s, so by their clocks it
    // may have stood still for longer than failoverTimeMillis already.
    assert!(
        class().contains("stale") || class().contains("expired"),
        "{}",
        class()
    );
    console(
        &root,
        &format!("wait until lease analytics {lease} moves --timeout 2m"),
    )
    .await;
    let (_, new_owner, counter) = lease_rows(&root)
        .into_iter()
        .find(|r| r.0 == lease)
        .unwrap();
    assert_ne!(new_owner, owner);
    assert!(!new_owner.is_empty());
    assert_eq!(counter, frozen + 1, "a take adds one to leaseCounter");
    assert!(text_of(
        &root,
        &format!(".lease-table tr[data-lease='{lease}'] .owner")
    )
    .contains(&format!("taken from {owner}")));
    root.remove();
}

/// The narration, the lanes and the lease table: what a learner sees of a run.
fn picture(root: &web_sys::Element) -> (String, Vec<String>, Vec<LeaseRowText>, u64) {
    (
        text_of(root, "#narration-text"),
        lane_numbers(root),
        lease_rows(root),
        elapsed_ms(root),
    )
}

#[wasm_bindgen_test]
async fn next_and_back_give_the_same_narration_and_snapshot_as_a_fresh_run() {
    let root = mount("#lesson=kcl-failover&seed=3", false).await;
    assert_eq!(
        root.query_selector_all("#lesson-steps li")
            .unwrap()
            .length(),
        3
    );
    assert!(!find(&root, "#back-step").has_attribute("disabled"));
    click(&root, "#next-step").await;
    console(&root, "wait 2m").await;
    assert!(
        text_of(&root, "#step-title").starts_with("Step 2 of 3"),
        "{}",
        text_of(&root, "#step-title")
    );
    let at_two = picture(&root);
    click(&root, "#next-step").await;
    click(&root, "#choice-3").await;
    console(&root, "wait 2m").await;
    assert!(text_of(&root, "#step-title").starts_with("Step 3 of 3"));
    click(&root, "#back-step").await;
    assert!(text_of(&root, "#step-title").starts_with("Step 2 of 3"));
    assert_eq!(
        picture(&root),
        at_two,
        "Back is exactly what was seen at step 2"
    );
    let fresh = mount("#lesson=kcl-failover&seed=3&step=2", false).await;
    assert_eq!(picture(&fresh), at_two, "the same as a fresh run to step 2");
    root.remove();
    fresh.remove();
}

#[wasm_bindgen_test]
async fn an_ask_holds_the_simulation_until_it_is_answered() {
    let root = mount("#lesson=hot-key&seed=1", false).await;
    click(&root, "#next-step").await;
    console(&root, "wait 1m").await;
    assert!(text_of(&root, "#step-title").starts_with("Step 2"));
    click(&root, "#next-step").await;
    assert!(text_of(&root, "#question-text").contains("What happens?"));
    let held = elapsed_ms(&root);
    steps(&root, 5).await;
    console(&root, "wait 10s").await;
    assert_eq!(
        elapsed_ms(&root),
        held,
        "time stands still until the answer"
    );
    assert!(root.query_selector("#answered").unwrap().is_none());
    click(&root, "#choice-2").await;
    assert!(root.query_selector("#question").unwrap().is_none());
    // A prediction; the outcome waits for the throttle to be seen (issue 17).
    assert!(root.query_selector("#answered").unwrap().is_none());
    assert!(text_of(&root, "#predicted").starts_with("You predicted: "));
    steps(&root, 30).await;
    assert!(elapsed_ms(&root) > held, "the run goes on after the answer");
    let answered = find(&root, "#answered");
    assert!(attr(&answered, "class").contains("wrong"));
    assert!(answered
        .text_content()
        .unwrap()
        .contains("spare room in other shards does not help"));
    root.remove();
}

#[wasm_bindgen_test]
async fn the_console_runs_the_getting_started_steps_and_shows_the_records_data() {
    let root = mount("", false).await;
    for line in [
        "aws kinesis create-stream --stream-name Foo --shard-count 1",
        "aws kinesis wait stream-exists --stream-name Foo",
        "aws kinesis describe-stream-summary --stream-name Foo",
        "aws kinesis put-record --stream-name Foo --partition-key 123 --data testdata",
        "SHARD_ITERATOR=$(aws kinesis get-shard-iterator --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --stream-name Foo --query 'ShardIterator')",
        "aws kinesis get-records --shard-iterator $SHARD_ITERATOR",
    ] {
        console(&root, line).await;
    }
    let output = text_of(&root, "#console-output");
    assert!(output.contains("\"StreamStatus\": \"ACTIVE\""), "{output}");
    assert!(
        output.contains("\"Data\": \"dGVzdGRhdGE=\""),
        "the record's data, base64 as the CLI prints it"
    );
    assert!(output.contains("\"PartitionKey\": \"123\""));
    // Errors come back as the AWS CLI prints them, marked as errors.
    console(&root, "aws kinesis describe-stream --stream-name Nope").await;
    let errors = root.query_selector_all("#console-output .err").unwrap();
    let last = errors
        .get(errors.length() - 1)
        .unwrap()
        .text_content()
        .unwrap();
    assert!(last.contains("An error occurred (ResourceNotFoundException) when calling the DescribeStream operation"), "{last}");
    // History and Tab completion.
    type_into(&root, "#console-input", "aws kinesis list-sh").await;
    let input: HtmlInputElement = find(&root, "#console-input").dyn_into().unwrap();
    let tab = web_sys::KeyboardEventInit::new();
    tab.set_key("Tab");
    tab.set_bubbles(true);
    input
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &tab).unwrap(),
        )
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(input.value(), "aws kinesis list-shards ");
    let up = web_sys::KeyboardEventInit::new();
    up.set_key("ArrowUp");
    up.set_bubbles(true);
    input
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &up).unwrap(),
        )
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(
        input.value(),
        "aws kinesis describe-stream --stream-name Nope"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn the_event_list_filters_by_worker_and_picks_highlight_the_picture() {
    let root = mount("#seed=1", false).await;
    until_analytics_reads(&root).await;
    let select: HtmlSelectElement = find(&root, "#history-worker").dyn_into().unwrap();
    let worker = "analytics/worker-2";
    select.set_value(worker);
    assert_eq!(select.value(), worker, "the menu lists the workers");
    let init = EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    let items = root.query_selector_all("#history-list li").unwrap();
    assert!(items.length() > 0, "worker-2 did things");
    for i in 0..items.length() {
        let item: web_sys::Element = items.get(i).unwrap().dyn_into().unwrap();
        assert!(
            attr(&item, "data-workers").split(' ').any(|w| w == worker),
            "{}",
            item.text_content().unwrap()
        );
    }
    // Clicking a line highlights its worker's card.
    click(&root, "#history-list li button").await;
    assert!(attr(
        &find(&root, &format!(".worker[data-worker='{worker}']")),
        "class"
    )
    .contains("highlighted"));
    root.remove();
}

#[wasm_bindgen_test]
async fn rewinding_and_playing_again_reproduces_the_same_picture() {
    let root = mount("#seed=4", false).await;
    console(&root, "wait 20s").await;
    click(&root, "#lane-shardId-000000000001 .split-button").await;
    console(&root, "wait 5s").await;
    let t = elapsed_ms(&root);
    console(&root, "wait 10s").await;
    let later = (lane_numbers(&root), lease_rows(&root));
    console(&root, "wait 15s").await;
    // Rewind to t with the timeline slider.
    let slider: HtmlInputElement = find(&root, "#timeline").dyn_into().unwrap();
    slider.set_value(&t.to_string());
    let init = EventInit::new();
    init.set_bubbles(true);
    slider
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(elapsed_ms(&root), t);
    assert_eq!(lanes(&root).len(), 5, "the split happened before t");
    console(&root, "wait 10s").await;
    assert_eq!(
        (lane_numbers(&root), lease_rows(&root)),
        later,
        "the same run at t + 10 s"
    );
    root.remove();
}
