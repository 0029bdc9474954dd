//! Test fixtures of the opening scene. Its application `analytics` runs KCL 3.x, whose leader
//! assigns the first leases some 40-70 s after the start: a test of the page waits until the
//! application processes (read from the world) instead of a fixed time, and a test of KCL
//! 2.x's lease taker (steals, zombies, "taken from") runs the same scene with the application
//! on `--version 2`.
use super::{Link, Scenario, Session, DEFAULT_SCENARIO};
use crate::sim::World;

/// The opening scene's application line, as `default.sh` has it.
const APP_LINE: &str = "kcl app add analytics --stream orders --workers 3 \
                        --initial-position LATEST --checkpoint every:500";

/// The opening scene with its application on KCL 2.x, given `options` besides.
pub(crate) fn opening_scene_kcl2(options: &str) -> String {
    assert!(
        DEFAULT_SCENARIO.contains(APP_LINE),
        "default.sh no longer has the line {APP_LINE}"
    );
    DEFAULT_SCENARIO.replace(APP_LINE, &format!("{APP_LINE} --version 2{options}"))
}

/// A session of the opening scene with its application on KCL 2.x.
pub(crate) fn opening_session_kcl2(seed: u64, options: &str) -> Session {
    Session::new(Link::start(
        Scenario::Script(opening_scene_kcl2(options)),
        seed,
    ))
}

/// Whether application `app` has every lease of its table owned and has processed records of
/// each.
pub(crate) fn processes_every_shard(world: &World, app: &str) -> bool {
    world.app(app).is_some_and(|app| {
        let rows = app.table.rows().count();
        rows > 0
            && app.table.rows().all(|l| l.lease_owner.is_some())
            && app.first_processed_ms.len() == rows
    })
}

/// Advances `session` half a second at a time until `ready` holds of its world; panics after
/// `limit_ms` saying what it waited for.
pub(crate) fn advance_until(
    session: &mut Session,
    limit_ms: u64,
    what: &str,
    ready: impl Fn(&World) -> bool,
) {
    let deadline = session.world.now_ms() + limit_ms;
    while !ready(&session.world) {
        assert!(
            session.world.now_ms() < deadline,
            "not {what} within {limit_ms} ms"
        );
        session.advance(500);
    }
}

/// Advances the opening scene until its application `analytics` processes every shard (its
/// leader assigns the leases 40-70 s after the start).
pub(crate) fn until_analytics_processes(session: &mut Session) {
    advance_until(session, 180_000, "processing every shard", |world| {
        processes_every_shard(world, "analytics")
    });
}
