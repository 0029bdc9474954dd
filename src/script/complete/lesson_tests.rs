//! Tab completion of waits and the lesson commands: `wait` and `wait until`'s conditions, and
//! (issue 17) `task`'s words and condition, `point`'s kinds and names, `show`'s panels.
use super::tests::{offered, strings, world, OPERATORS, ORDERS_SHARDS};

#[test]
fn a_task_offers_until_then_a_condition_and_its_options() {
    let world = world();
    assert_eq!(offered("task \"Split shard 1\" ", &world), ["until"]);
    assert_eq!(
        offered("task \"Split shard 1\" until ", &world),
        ["lease", "read-throttled", "status", "throttled"]
    );
    assert_eq!(
        offered("task \"Split shard 1\" until status ", &world),
        ["orders", "payments"]
    );
    assert_eq!(
        offered("task \"Split\" until status orders ACTIVE --", &world),
        ["--hint-after", "--show"]
    );
}

#[test]
fn point_offers_its_kinds_and_the_worlds_names() {
    let world = world();
    assert_eq!(
        offered("point ", &world),
        ["app", "chart", "consumer", "lease", "panel", "producer", "shard", "worker"]
    );
    assert_eq!(offered("point producer ", &world), ["web"]);
    assert_eq!(offered("point app ", &world), ["analytics"]);
    assert_eq!(
        offered("point worker ", &world),
        ["analytics/worker-1", "analytics/worker-2"]
    );
    assert_eq!(
        offered("point lease ", &world),
        ["shardId-000000000000", "shardId-000000000001"]
    );
    assert!(offered("point shard ", &world).contains(&"shardId-000000000002".to_string()));
    assert_eq!(offered("point chart Inc", &world), ["IncomingRecords"]);
    assert_eq!(offered("point panel hot", &world), ["hot-keys"]);
}

#[test]
fn show_offers_every_panel_for_each_word() {
    let world = world();
    assert_eq!(offered("show st", &world), ["stream"]);
    assert_eq!(offered("show stream c", &world), ["charts", "console"]);
    assert!(offered("show stream kcl ", &world).contains(&"all".to_string()));
}

#[test]
fn wait_until_conditions() {
    let world = world();
    assert_eq!(offered("wait ", &world), ["until"]);
    assert_eq!(offered("wait 30s ", &world), ["--fast"]);
    assert!(offered("wait 30s --fast ", &world).is_empty());
    assert_eq!(
        offered("wait until ", &world),
        ["lease", "read-throttled", "status", "throttled"]
    );
    assert_eq!(
        offered("wait until throttled ", &world),
        ["orders", "payments"]
    );
    assert_eq!(
        offered("wait until read-throttled orders ", &world),
        ORDERS_SHARDS
    );
    assert_eq!(
        offered("wait until status orders ", &world),
        ["ACTIVE", "CREATING", "DELETING", "UPDATING"]
    );
    assert_eq!(offered("wait until lease ", &world), ["analytics"]);
    let leases: Vec<String> = world
        .app("analytics")
        .map(|app| app.table.rows().map(|l| l.lease_key.clone()).collect())
        .unwrap_or_default();
    assert_eq!(leases, ORDERS_SHARDS, "the KCL took a lease per shard");
    assert_eq!(offered("wait until lease analytics ", &world), leases);
    assert!(offered("wait until lease nobody ", &world).is_empty());
    assert_eq!(
        offered("wait until lease analytics shardId-000000000001 ", &world),
        ["moves"]
    );
    assert_eq!(
        offered(
            "wait until lease analytics shardId-000000000001 moves ",
            &world
        ),
        ["--every", "--timeout"]
    );
    assert_eq!(
        offered(
            "wait until --timeout 5m throttled orders shardId-000000000000 --",
            &world
        ),
        ["--every"]
    );
    assert!(
        offered("wait until --timeout ", &world).is_empty(),
        "a duration"
    );
    // `wait until VALUE OP VALUE` and `expect` offer the comparisons.
    assert_eq!(
        offered("wait until $(sim time) ", &world),
        strings(OPERATORS)
    );
    assert_eq!(offered("expect $X ", &world), strings(OPERATORS));
    assert_eq!(offered("expect $X c", &world), ["contains"]);
}
