//! Setting up a simulated world for a test: a stream created and waited for until ACTIVE.
//!
//! Separate from the shared scenarios in `common/mod.rs` because this is a building block the
//! world, KCL and fault tests share, not a scenario whose digest is recorded.

use serde_json::json;
use shardlab::sim::World;

/// Creates stream `name` of `shards` shards and advances the world until it is ACTIVE.
pub fn create_stream(world: &mut World, name: &str, shards: u32) {
    world
        .call(
            "CreateStream",
            &json!({"StreamName": name, "ShardCount": shards}),
        )
        .unwrap();
    world.advance_by(world.kinesis().config().create_duration_ms);
}
