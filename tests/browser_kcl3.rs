//! Browser tests of the KCL panel for a KCL 3.x application: the header names the version and
//! the leader, the leader's card wears a badge, every worker card has a CPU bar, "Make busy"
//! loads a worker's host by click, and the leader's graceful handoff of a lease off the busy
//! worker shows on the lease table as `checkpointOwner` ("handing over from A to B"); a removed
//! worker's leases are assigned by the leader, and the rows say so. Apps are
//! mounted with `live = false`: time moves only when the test types `wait` in the console.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use shardlab::session::{Link, Scenario};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// A KCL 3.x application (`kcl app add`'s default) with two workers on four shards.
const SCENE: &str = "aws kinesis create-stream --stream-name s --shard-count 4
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 200
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON
";

fn card(id: &str) -> String {
    format!(".worker[data-worker='app/{id}']")
}

/// The CPU a worker's card shows (its last metrics report), in percent.
fn cpu(root: &Element, id: &str) -> f64 {
    attr(&find(root, &format!("{} .cpu", card(id))), "data-cpu")
        .parse()
        .unwrap_or_else(|_| panic!("{id} reported its CPU"))
}

#[wasm_bindgen_test]
async fn a_kcl3_app_names_its_leader_and_a_busy_workers_lease_is_handed_over() {
    let mut link = Link::start(Scenario::Script(SCENE.into()), 1);
    link.time_ms = 90_000;
    let root = mount(&link.encode(), false).await;

    // The header: the version, and the leader with what it does.
    let header = text_of(&root, ".kcl-app[data-app='app'] h3");
    assert!(header.contains("KCL 3.x"), "{header}");
    let leader_button = find(
        &root,
        ".kcl-counters button[aria-controls='explain-leases-by-app']",
    );
    let named = leader_button.text_content().unwrap_or_default();
    let leader = named
        .strip_prefix("leader ")
        .and_then(|rest| rest.strip_suffix(" ?"))
        .unwrap_or_else(|| panic!("the header names the leader: {named}"))
        .to_string();
    assert!(attr(&leader_button, "title").contains("LeaseAssignmentManager"));

    // The leader's card, and only it, wears the badge.
    let badges = root.query_selector_all(".leader-badge").unwrap();
    assert_eq!(badges.length(), 1);
    let badge = find(&root, &format!("{} .leader-badge", card(&leader)));
    assert_eq!(badge.text_content().unwrap(), "leader");
    assert!(attr(&badge, "title").contains("Leader lock"));

    // Every worker card has a CPU bar with its percentage as text.
    for id in ["worker-1", "worker-2"] {
        find(&root, &format!("{} .cpu-bar[role='meter']", card(id)));
        let text = text_of(&root, &format!("{} .cpu-text", card(id)));
        assert!(text.starts_with("CPU ") && text.ends_with('%'), "{text}");
        assert!(cpu(&root, id) < 50.0, "not busy yet: {text}");
    }
    // The 3.x columns, explained.
    let owner_column = find(&root, ".lease-table th[data-column='checkpointOwner']");
    assert!(
        attr(&owner_column, "title").starts_with("KCL 3.x only: set while a lease is handed over")
    );
    find(&root, ".lease-table th[data-column='throughputKBps']");

    // Make worker-1 busy by click: its next report (within 30 s) says so.
    let before = cpu(&root, "worker-1");
    click(&root, &format!("{} .make-busy", card("worker-1"))).await;
    assert!(
        text_of(&root, "#console-output").contains("kcl worker load app/worker-1 70"),
        "the button runs the command"
    );
    console(&root, "wait 31s").await;
    let after = cpu(&root, "worker-1");
    assert!(after > 70.0 && after > before, "{before} -> {after}");
    let text = text_of(&root, &format!("{} .cpu-text", card("worker-1")));
    assert!(text.ends_with("(incl. 70% background)"), "{text}");
    find(&root, &format!("{} .clear-load", card("worker-1")));

    // The leader moves a lease off the busy worker by a graceful handoff: while worker-1
    // finishes, the row names it as checkpointOwner.
    console(
        &root,
        "wait until $(sim describe --query \"length(apps.app.leases[?checkpointOwner])\") > 0 --timeout 10m --every 500ms",
    )
    .await;
    let row = find(&root, ".lease-table tr.handing-over");
    assert_eq!(attr(&row, "data-checkpoint-owner"), "worker-1");
    assert_eq!(attr(&row, "data-owner"), "worker-2");
    let cell = row
        .query_selector(".checkpoint-owner")
        .unwrap()
        .expect("a checkpointOwner cell");
    assert_eq!(cell.text_content().unwrap(), "worker-1");
    let owner = row
        .query_selector(".owner")
        .unwrap()
        .unwrap()
        .dyn_into::<Element>()
        .unwrap();
    assert!(
        owner
            .text_content()
            .unwrap()
            .contains("handing over from worker-1 to worker-2"),
        "{}",
        owner.text_content().unwrap()
    );
    let lease = attr(&row, "data-lease");

    // Handed over, and found by worker-2: the move says the leader balanced it.
    console(
        &root,
        &format!(
            "wait until $(sim describe --query \"apps.app.workers[?id=='worker-2'].leases[]\") \
             contains {lease} --timeout 1m --every 200ms"
        ),
    )
    .await;
    let row = find(&root, &format!(".lease-table tr[data-lease='{lease}']"));
    assert_eq!(attr(&row, "data-checkpoint-owner"), "");
    assert!(attr(&row, "class").contains("moved"));
    let words = row.query_selector(".move").unwrap().unwrap();
    assert_eq!(
        words.text_content().unwrap(),
        " balanced by the leader: handed over by worker-1"
    );

    // A worker's own graceful shutdown drops its leases (no handoff): the leader assigns them
    // once it sees them expire, and the rows say so.
    let leaving = if leader == "worker-1" {
        "worker-2"
    } else {
        "worker-1"
    };
    console(&root, &format!("kcl worker remove app/{leaving}")).await;
    console(
        &root,
        &format!(
            "wait until $(sim describe --query \"length(apps.app.workers[?id=='{leader}'].leases[])\") \
             == 4 --timeout 3m --every 200ms"
        ),
    )
    .await;
    let moved = root.query_selector_all(".lease-table .move").unwrap();
    let words: Vec<String> = (0..moved.length())
        .map(|i| moved.get(i).unwrap().text_content().unwrap())
        .collect();
    assert!(
        words.contains(&format!(
            " assigned by the leader after {leaving} shut down gracefully"
        )),
        "{words:?}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_kcl2_app_keeps_its_table_and_says_every_worker_runs_a_taker() {
    let mut link = Link::start(
        Scenario::Script(SCENE.replace("TRIM_HORIZON", "TRIM_HORIZON --version 2")),
        1,
    );
    link.time_ms = 40_000;
    let root = mount(&link.encode(), false).await;
    assert!(text_of(&root, ".kcl-app[data-app='app'] h3").contains("KCL 2.x"));
    assert_eq!(
        text_of(
            &root,
            ".kcl-counters button[aria-controls='explain-leases-by-app']"
        ),
        "every worker runs its own lease taker ?"
    );
    assert!(root.query_selector(".leader-badge").unwrap().is_none());
    assert!(root.query_selector(".cpu-bar").unwrap().is_none());
    assert!(root.query_selector(".make-busy").unwrap().is_none());
    assert!(root
        .query_selector(".lease-table th[data-column='checkpointOwner']")
        .unwrap()
        .is_none());
    root.remove();
}
