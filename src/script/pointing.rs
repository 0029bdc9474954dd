//! What `point KIND NAME` may point at: an element of the page that exists now. A lesson that
//! points at a shard that is not there (a typo, a shard not split yet) is a script error
//! with its line, found when the line runs, since the world decides.
//!
//! Apart from the reading of the words ([`super::play_commands`]) because this asks the
//! world; the page finds the element by the same kind and name (`ui/pointer.rs`).

use super::grammar::{panel, point};
use crate::sim::World;

/// `Ok` when the element `point KIND NAME` names exists in `world` now.
pub fn exists(world: &World, kind: &str, name: &str) -> Result<(), String> {
    let found = match kind {
        point::SHARD => world
            .kinesis()
            .streams()
            .any(|stream| stream.shards.iter().any(|shard| shard.id() == name)),
        point::PRODUCER => world.producer(name).is_some(),
        point::CONSUMER => world.consumer(name).is_some(),
        point::APP => world.app(name).is_some(),
        point::WORKER => name.split_once('/').is_some_and(|(app, worker)| {
            world
                .app(app)
                .is_some_and(|app| app.workers.contains_key(worker))
        }),
        point::LEASE => world.apps().any(|app| app.table.get(name).is_some()),
        point::CHART if name == "leases" => world.apps().next().is_some(),
        point::CHART => point::CHARTS.contains(&name) && world.kinesis().streams().next().is_some(),
        point::PANEL => panel::ALL.contains(&name),
        _ => false,
    };
    if found {
        return Ok(());
    }
    let what = match kind {
        point::WORKER => format!("worker {name} (name a worker as APP/WORKER)"),
        point::LEASE => format!("lease {name} in any application's lease table"),
        point::CHART => format!("chart {name} on the page now"),
        _ => format!("{kind} named {name}"),
    };
    Err(format!("point: there is no {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::Runner;

    #[test]
    fn only_what_exists_can_be_pointed_at() {
        let mut world = World::new(1);
        let mut console = Runner::console();
        let mut out = Vec::new();
        for line in [
            "aws kinesis create-stream --stream-name s --shard-count 2",
            "aws kinesis wait stream-exists --stream-name s",
            "producer add p --stream s --rate 10",
            "kcl app add a --stream s --workers 1",
            // A worker on an empty lease table waits up to 30 s before creating the leases.
            "wait 40s",
        ] {
            console.run_line(line, &mut world, &mut out);
        }
        for (kind, name) in [
            ("shard", "shardId-000000000001"),
            ("producer", "p"),
            ("app", "a"),
            ("worker", "a/worker-1"),
            ("lease", "shardId-000000000000"),
            ("chart", "IncomingRecords"),
            ("chart", "leases"),
            ("panel", "hot-keys"),
        ] {
            assert_eq!(exists(&world, kind, name), Ok(()), "{kind} {name}");
        }
        assert_eq!(
            exists(&world, "shard", "shardId-000000000009"),
            Err("point: there is no shard named shardId-000000000009".to_string())
        );
        assert!(exists(&world, "consumer", "c").is_err());
        assert!(exists(&world, "worker", "a/worker-9").is_err());
        assert!(exists(&World::new(1), "chart", "IncomingRecords").is_err());
    }
}
