//! Tab completion of the lesson commands (issue 17): `task`'s words and condition, `point`'s
//! kinds and names, `show`'s panels.
use super::tests::{offered, world};

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
