//! Browser tests of the lessons a learner plays (issue 17): a question's explanation appears
//! only once the lesson has shown what happens. Apps are mounted with `live = false`: time
//! moves only when the test presses Step.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use shardlab::session::{Link, Scenario};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// The page's link for a script.
fn script_link(source: &str) -> String {
    format!(
        "#{}",
        Link::start(Scenario::Script(source.to_string()), 1).encode()
    )
}

fn page_text(root: &Element) -> String {
    root.text_content().unwrap_or_default()
}

const EXPLANATION: &str = "A shard takes 1,000 records a second";

const PREDICT_THEN_OBSERVE: &str = "\
aws kinesis create-stream --stream-name s --shard-count 1
aws kinesis wait stream-exists --stream-name s
ask \"A producer sends 1,500 records a second to this one shard. What happens?\" \"All get in\" \"The shard refuses some\" answer 2 because \"A shard takes 1,000 records a second; it refuses the rest.\"
producer add p --stream s --rate 1500 --keys uniform:100 --retry none
wait until throttled s --timeout 1m
say \"There: refused writes.\"
wait 1h
";

#[wasm_bindgen_test]
async fn the_explanation_appears_only_after_the_observation() {
    let root = mount(&script_link(PREDICT_THEN_OBSERVE), false).await;
    assert!(text_of(&root, "#question-text").contains("What happens?"));
    assert!(!page_text(&root).contains(EXPLANATION));
    click(&root, "#choice-1").await;
    // The prediction, and nothing yet about whether it was right.
    assert_eq!(
        text_of(&root, "#predicted"),
        "You predicted: All get in. Now watch what happens."
    );
    assert!(root.query_selector("#answered").unwrap().is_none());
    assert!(!page_text(&root).contains(EXPLANATION));
    assert!(!page_text(&root).contains("Not quite"));
    let observed = |root: &Element| text_of(root, "#console-output").contains("later: throttled s");
    assert!(!observed(&root), "nothing observed yet");
    let mut explained = false;
    for _ in 0..100 {
        click(&root, "#step").await;
        explained = page_text(&root).contains(EXPLANATION);
        assert!(
            !explained || observed(&root),
            "the explanation shows before the throttle was seen"
        );
        if explained {
            break;
        }
    }
    assert!(explained, "the explanation came once the throttle was seen");
    let answered = text_of(&root, "#answered");
    assert!(
        answered.contains("Not quite.")
            && answered
                .contains("You predicted: All get in — what happened: The shard refuses some."),
        "{answered}"
    );
    assert!(root.query_selector("#predicted").unwrap().is_none());
    root.remove();
}

/// hot-key's task, played by clicking the lane's own Split button (not Show me): the task
/// box comes, the click splits shard 1, and the lesson goes on to its next step.
#[wasm_bindgen_test]
async fn a_lessons_task_is_done_by_clicking_the_real_control() {
    let root = mount("#lesson=hot-key&seed=1&step=3", false).await;
    assert!(text_of(&root, "#step-title").starts_with("Step 3"));
    click(&root, "#next-step").await;
    if root.query_selector("#question").unwrap().is_some() {
        click(&root, "#choice-2").await;
    }
    // Time plays until the task comes (the step may say things first).
    for _ in 0..50 {
        if root.query_selector("#task").unwrap().is_some() {
            break;
        }
        click(&root, "#step").await;
    }
    let said = text_of(&root, "#narration-text");
    assert!(said.contains("Your turn: Split shard 1"), "{said}");
    assert!(root.query_selector("#show-me").unwrap().is_some());
    // Nothing happens by itself.
    steps(&root, 20).await;
    assert!(
        root.query_selector("#task").unwrap().is_some(),
        "the task waits for the learner"
    );
    click(&root, ".split-button[data-shard='shardId-000000000001']").await;
    // The reshard takes a few seconds; the console's wait stops at the next step.
    console(&root, "wait 2m").await;
    assert!(root.query_selector("#task").unwrap().is_none());
    assert!(
        text_of(&root, "#step-title").starts_with("Step 4"),
        "the lesson went on: {}",
        text_of(&root, "#step-title")
    );
    let said = text_of(&root, "#narration-text");
    assert!(said.contains("Done: Split shard 1"), "{said}");
    let console_text = text_of(&root, "#console-output");
    assert_eq!(
        console_text.matches("$ aws kinesis split-shard").count(),
        1,
        "one split, the lane's button: {console_text}"
    );
    root.remove();
}

const POINTING: &str = "\
aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
kcl app add app --stream s --workers 1
step \"Look\"
point shard shardId-000000000001
say \"This lane.\"
wait 45s
step \"Elsewhere\"
point lease shardId-000000000000
say \"This lease.\"
wait 10s
";

#[wasm_bindgen_test]
async fn point_outlines_the_named_lane_while_its_narration_is_shown() {
    let root = mount(&script_link(POINTING), false).await;
    assert!(root.query_selector("[data-pointed]").unwrap().is_none());
    click(&root, "#next-step").await;
    let lane = find(&root, "#lane-shardId-000000000001");
    assert_eq!(attr(&lane, "data-pointed"), "true", "the lane is outlined");
    assert_eq!(
        root.query_selector_all("[data-pointed]").unwrap().length(),
        1,
        "only that lane"
    );
    // It stays through the step's frames, and while held at the next step.
    steps(&root, 5).await;
    // Long enough for the lease table to exist: a new application's workers first wait
    // 1-30 s on an empty table.
    console(&root, "wait 50s").await;
    assert!(text_of(&root, "#step-title").starts_with("Step 2"));
    assert_eq!(
        attr(&find(&root, "#lane-shardId-000000000001"), "data-pointed"),
        "true"
    );
    // The next step points elsewhere: a lease row, its tab opened.
    click(&root, "#next-step").await;
    assert!(!find(&root, "#lane-shardId-000000000001").has_attribute("data-pointed"));
    let row = find(&root, ".lease-table tr[data-lease='shardId-000000000000']");
    assert_eq!(attr(&row, "data-pointed"), "true");
    assert!(
        !find(&root, "#more-panel-kcl").has_attribute("hidden"),
        "the KCL tab shows"
    );
    root.remove();
}

const SHOWING: &str = "\
aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
step \"The stream alone\"
show stream
say \"Only the stream.\"
wait 5s
step \"The charts too\"
show stream charts
say \"And the charts.\"
wait 5s
";

fn hidden(root: &Element, selector: &str) -> bool {
    let element = find(root, selector);
    element.closest("[hidden]").unwrap().is_some()
}

fn tab_shown(root: &Element, key: &str) -> bool {
    root.query_selector(&format!("#more-tab-{key}"))
        .unwrap()
        .is_some()
}

#[wasm_bindgen_test]
async fn show_hides_the_other_panels_and_reveals_them_again() {
    let root = mount(&script_link(SHOWING), false).await;
    // Before any show, every panel.
    assert!(tab_shown(&root, "routing") && tab_shown(&root, "metrics"));
    assert!(root.query_selector("#show-everything").unwrap().is_none());
    click(&root, "#next-step").await;
    // The stream alone: no tab below it, no console tab, the stream on show.
    assert!(!hidden(&root, "#lane-shardId-000000000000"));
    assert!(hidden(&root, "section.more"));
    assert!(root.query_selector("#guide-tab-console").unwrap().is_none());
    assert!(!tab_shown(&root, "metrics"));
    // The next step adds the charts: their tab, and only it.
    console(&root, "wait 10s").await;
    click(&root, "#next-step").await;
    assert!(!hidden(&root, "section.more"));
    assert!(tab_shown(&root, "metrics"));
    assert!(!tab_shown(&root, "routing") && !tab_shown(&root, "kcl"));
    assert!(
        !hidden(&root, "section.panel.charts"),
        "the only tab is selected"
    );
    // Show everything brings every panel back.
    click(&root, "#show-everything").await;
    assert!(tab_shown(&root, "routing") && tab_shown(&root, "history"));
    assert!(root.query_selector("#guide-tab-console").unwrap().is_some());
    assert!(root.query_selector("#show-everything").unwrap().is_none());
    root.remove();
}
