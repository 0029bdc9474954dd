//! Browser test of the order-violation counts on the page (issue 17): the KCL panel's "out of
//! order" counter and a consumer's label on its lane show the snapshot's numbers, and each
//! says what it counts. Apps are mounted with `live = false`.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// The number the console printed after `marker` the last time.
fn printed(root: &Element, marker: &str) -> u64 {
    let output = text_of(root, "#console-output");
    let at = output.rfind(marker).expect("the console printed it") + marker.len();
    output[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// A count as the page writes it: `12,345`.
fn with_commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[wasm_bindgen_test]
async fn the_kcl_panel_and_a_consumers_lane_show_the_records_out_of_order() {
    // The opening scene: web and mobile resend what the hot shard 1 refuses (the SDKs' three
    // attempts), behind newer records of the same keys. A consumer reads shard 1 too.
    let root = mount("#seed=1", false).await;
    console(
        &root,
        "consumer add c1 --stream orders --shard-id shardId-000000000001 --shard-iterator-type TRIM_HORIZON --idle 1s",
    )
    .await;
    // Once analytics (KCL 3.x: its leader assigns the leases 40-70 s after the start) reads.
    until_analytics_reads(&root).await;
    console(&root, "wait 20s").await;
    console(
        &root,
        "echo APP=$(sim describe --query apps.analytics.order_violations) C1=$(sim describe --query consumers.c1.order_violations)",
    )
    .await;
    let app = printed(&root, "APP=");
    let consumer = printed(&root, "C1=");
    assert!(app > 0 && consumer > 0, "app {app}, consumer {consumer}");

    // The KCL panel: the count, and what it means once opened.
    let counter = ".kcl-counters button[aria-controls='explain-order-analytics']";
    assert_eq!(
        text_of(&root, counter).trim_end_matches(" ?"),
        format!("{} out of order", with_commas(app))
    );
    assert!(attr(&find(&root, counter), "class").contains("bad"));
    click(&root, counter).await;
    let explained = text_of(&root, "#explain-order-analytics");
    assert!(
        explained.starts_with("Out of order: records of one partition key processed after"),
        "{explained}"
    );

    // The consumer's label on the lane it reads, and the line saying what it counts.
    let label = text_of(
        &root,
        "#lane-shardId-000000000001 .lane-readers li[data-reader='c1']",
    );
    assert_eq!(
        label,
        format!("c1 · 1 calls/s · {} out of order", with_commas(consumer))
    );
    let note = text_of(&root, "#lane-shardId-000000000001 .order-note");
    assert!(
        note.starts_with("Out of order: records of one partition key that a consumer got"),
        "{note}"
    );
    // A lane whose readers got everything in order has no such line.
    assert!(root
        .query_selector("#lane-shardId-000000000000 .order-note")
        .unwrap()
        .is_none());
    root.remove();
}
