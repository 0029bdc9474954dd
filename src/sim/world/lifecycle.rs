//! The lifecycle of what the world runs: adding, pausing, stopping, resuming and removing
//! producers and consumers, and the names, messages and fault events every kind shares.
//!
//! Separate, and one helper for both kinds, because a producer and a consumer go through the
//! same steps in the same words: only the kind's name, its roster and its task differ, and
//! [`Actor`] says which. Every step is logged as a fault event ("producer paused for 500 ms",
//! "consumer removed"), the record of what was done to the world, which the page, the
//! history and the golden transcripts read word for word.

use std::collections::BTreeMap;

use super::clock::Task;
use super::World;
use crate::sim::log::{ActorKind, EventKind, Fault, FaultAction};

/// The world's errors name the kind of actor: "there is no producer named p".
impl ActorKind {
    /// The error for a name nothing of this kind has.
    pub(super) fn none_named(self, name: &str) -> String {
        format!("there is no {} named {name}", self.word())
    }

    /// The error for a name something of this kind already has.
    pub(super) fn already_named(self, name: &str) -> String {
        format!("there is already a {} named {name}", self.word())
    }
}

/// A producer or a consumer, as its lifecycle sees it.
pub(super) trait Actor: Sized {
    const KIND: ActorKind;

    /// The world's actors of this kind, by name.
    fn roster(world: &mut World) -> &mut BTreeMap<String, Self>;

    /// Until when it does nothing (`u64::MAX`: stopped until resumed).
    fn paused_until(&mut self) -> &mut Option<u64>;

    /// The task that runs the actor named `name` next, and when it is due.
    fn next_task(&self, name: &str) -> (u64, Task);
}

impl World {
    /// The seed of the thing named `name`, derived from the world's.
    pub(super) fn seed_for(&self, name: &str) -> u64 {
        crate::seeds::seed_for(self.seed, name)
    }

    /// Logs something done to the world, now.
    pub(super) fn fault(&mut self, actor: ActorKind, target: &str, what: FaultAction) {
        self.log.push(
            self.now_ms,
            EventKind::Fault {
                target: target.to_string(),
                fault: Fault { actor, what },
            },
        );
    }

    /// Adds the actor `make` builds from its seed and the current time, and schedules its
    /// first task.
    pub(super) fn add_actor<A: Actor>(
        &mut self,
        name: &str,
        make: impl FnOnce(u64, u64) -> Result<A, String>,
    ) -> Result<(), String> {
        check_name(name)?;
        if A::roster(self).contains_key(name) {
            return Err(A::KIND.already_named(name));
        }
        let actor = make(self.seed_for(name), self.now_ms)?;
        let (at, task) = actor.next_task(name);
        A::roster(self).insert(name.to_string(), actor);
        self.schedule(at, task);
        self.fault(A::KIND, name, FaultAction::Added);
        Ok(())
    }

    /// The actor named `name`, to change.
    pub(super) fn actor_mut<A: Actor>(&mut self, name: &str) -> Result<&mut A, String> {
        A::roster(self)
            .get_mut(name)
            .ok_or_else(|| A::KIND.none_named(name))
    }

    /// Pauses an actor for `duration_ms`, or stops it (`None`) until resumed.
    pub(super) fn pause_actor<A: Actor>(
        &mut self,
        name: &str,
        duration_ms: Option<u64>,
    ) -> Result<(), String> {
        let now = self.now_ms;
        *self.actor_mut::<A>(name)?.paused_until() =
            Some(duration_ms.map_or(u64::MAX, |d| now.saturating_add(d)));
        let action = match duration_ms {
            Some(for_ms) => FaultAction::Paused { for_ms },
            None => FaultAction::Stopped,
        };
        self.fault(A::KIND, name, action);
        Ok(())
    }

    /// Lets a paused or stopped actor run again.
    pub(super) fn resume_actor<A: Actor>(&mut self, name: &str) -> Result<(), String> {
        *self.actor_mut::<A>(name)?.paused_until() = None;
        self.fault(A::KIND, name, FaultAction::Resumed);
        Ok(())
    }

    /// Removes an actor, and gives it back.
    pub(super) fn remove_actor<A: Actor>(&mut self, name: &str) -> Result<A, String> {
        let actor = A::roster(self)
            .remove(name)
            .ok_or_else(|| A::KIND.none_named(name))?;
        self.fault(A::KIND, name, FaultAction::Removed);
        Ok(actor)
    }
}

/// Producer and consumer names: what a shell word and a URL can carry without quoting.
pub(super) fn check_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a valid name: use 1 to 64 letters, digits, '-', '_' or '.'"
        ))
    }
}
