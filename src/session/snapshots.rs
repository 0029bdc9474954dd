//! Snapshots of the run, so that rewinding, Back, going to a step and opening a link of the
//! same run do not replay it from the seed.
//!
//! Every way back rebuilds the run for a link (see `timeline.rs`). Replaying an hour of a busy
//! stream from the seed takes seconds, so as the run plays the session keeps a copy of itself
//! every [`DEFAULT_EVERY_MS`] of simulated time. A rebuild for a link of the same scenario
//! and seed starts from the newest copy that lies on the link's path (at or before its moment,
//! with the learner's actions done so far a prefix of the link's, none of the link's other
//! actions before it) and lets the usual catch-up replay only the rest: at most one spacing
//! of simulated time. Replaying from the seed stays: it is what a link opened cold does, and
//! what the equivalence tests (`tests/snapshots.rs`) compare a restored run against.
//!
//! The copies are thinned as they age so that a long run keeps dense recent moments and
//! sparse old ones: at most [`MAX_KEPT`]; when full, every other one older than the newest
//! [`DENSE_KEPT`] goes, so the spacing doubles with age; and at most [`MAX_BYTES`] of heap
//! between them, estimated from the shards' record chunks. A copy shares with the run (and
//! with the other copies) its records' sources, its event log's sealed blocks and its shards'
//! sealed blocks of record chunks; it copies only the open tails. What a copy holds alone is
//! its tails, and the sealed blocks the run has since trimmed away (retention) that the newest
//! copy no longer shares. What one copy costs is what `benches/rewind.rs` prints.
//!
//! The bound: the store's estimate (`sim/world/footprint.rs`: what a copy copies, and once
//! each the shared blocks and fan-out outboxes only old copies still hold) stays within
//! [`MAX_BYTES`]; measured on an hour of the default scene it is 0.86-0.92x the heap dropping
//! the store frees, so the true bound is about 1.15x it. Past it, the copy leaving the
//! shortest gap goes, so the copies stay spread over the run. A copy holds ~1.5 MiB alone at
//! minute 60, and the event log's blocks turn over in ~90 s (~1 MiB a 30 s copy): an hour
//! covered one minute apart needs ~256 MiB, which is the bound (64 MiB kept only ~8 copies,
//! and reaching 10:00 of an hour then cost 8x a minute).
//!
//! None is taken while a console `wait` runs, of a run a link took through lesson steps
//! without the learner's Next (a link with the learner's actions would not pass them), or of
//! a scenario that did not parse. A snapshot keeps the transcript as it was, so a console
//! `wait` typed before it (pace, which links do not carry) stays in a restored transcript.
//!
//! Apart from the timeline because this is bookkeeping the timeline only asks: "where can a
//! rebuild for this link start?"

use std::collections::{HashMap, HashSet};

use super::playback::CatchUp;
use super::{Link, Scenario, Session, TimedAction, TIMED_SLICE_MS};

/// Simulated time between two snapshots, by default.
pub const DEFAULT_EVERY_MS: u64 = 30_000;
/// The most snapshots kept.
pub const MAX_KEPT: usize = 128;
/// The newest snapshots never thinned.
pub const DENSE_KEPT: usize = 16;
/// The most heap the snapshots may hold between them (estimated, see [`estimate_bytes`]):
/// past it, old ones are thinned further.
pub const MAX_BYTES: usize = 256 << 20;

/// One copy of the run.
#[derive(Clone)]
struct Snap {
    /// Its moment (simulated ms since the start).
    elapsed_ms: u64,
    /// The session then, without its store (and with the page's preferences, which a
    /// restore does not take).
    state: Box<Session>,
    /// The heap it holds alone (what a copy copies), estimated.
    bytes: usize,
    /// What it shares with the run and the other snapshots, by address, with the heap each
    /// holds: sealed blocks of record chunks and of the event log, fan-out outboxes.
    shared: Vec<(usize, usize)>,
}

/// The snapshots of one run (one scenario and seed).
#[derive(Clone, Default)]
pub(super) struct Snapshots {
    /// The run they belong to: (scenario, seed).
    key: Option<(Scenario, u64)>,
    /// Oldest first, by moment.
    entries: Vec<Snap>,
    /// Simulated ms between two snapshots; 0 takes none.
    every_ms: u64,
    /// The most heap they may hold between them (estimated): [`MAX_BYTES`] unless set.
    max_bytes: usize,
    /// The moment the last rebuild started from, if it started from a snapshot.
    restored_from: Option<u64>,
}

impl Snapshots {
    pub(super) fn new(every_ms: u64) -> Snapshots {
        Snapshots {
            every_ms,
            max_bytes: MAX_BYTES,
            ..Snapshots::default()
        }
    }

    /// Whether these snapshots are of `link`'s run.
    fn is_of(&self, link: &Link) -> bool {
        self.key
            .as_ref()
            .is_some_and(|(scenario, seed)| *scenario == link.scenario && *seed == link.seed)
    }

    /// Makes the store the one of `link`'s run: it is kept if it is already, emptied if not.
    pub(super) fn open(&mut self, link: &Link) {
        self.restored_from = None;
        if !self.is_of(link) {
            self.entries.clear();
            self.key = Some((link.scenario.clone(), link.seed));
        }
    }

    /// Whether a snapshot is due at `elapsed_ms`.
    pub(super) fn due(&self, elapsed_ms: u64) -> bool {
        if self.every_ms == 0 || elapsed_ms == 0 {
            return false;
        }
        let mark = elapsed_ms / self.every_ms * self.every_ms;
        mark > 0
            && self
                .entries
                .last()
                .is_none_or(|last| last.elapsed_ms < mark)
    }

    /// Keeps `state` (taken at `elapsed_ms`, after every snapshot kept), thinning old ones.
    pub(super) fn keep(&mut self, elapsed_ms: u64, state: Session) {
        self.entries.retain(|s| s.elapsed_ms < elapsed_ms);
        let (bytes, shared) = estimate_bytes(&state);
        self.entries.push(Snap {
            elapsed_ms,
            state: Box::new(state),
            bytes,
            shared,
        });
        while self.entries.len() > MAX_KEPT {
            self.thin();
        }
        while self.entries.len() > 1 && self.bytes() > self.max_bytes {
            self.spread();
        }
    }

    /// The heap the snapshots hold, estimated: what each copied, and once each the shared
    /// blocks they hold that the newest does not (the run has dropped them since).
    pub(super) fn bytes(&self) -> usize {
        let Some(newest) = self.entries.last() else {
            return 0;
        };
        let live: HashSet<usize> = newest.shared.iter().map(|&(at, _)| at).collect();
        let gone: HashMap<usize, usize> = self
            .entries
            .iter()
            .flat_map(|s| &s.shared)
            .copied()
            .filter(|(at, _)| !live.contains(at))
            .collect();
        let alone: usize = self.entries.iter().map(|s| s.bytes).sum();
        alone + gone.values().sum::<usize>()
    }

    /// Every other snapshot older than the newest [`DENSE_KEPT`] goes (the oldest stays), or
    /// the oldest when there are no more old ones than that.
    fn thin(&mut self) {
        let old = self.entries.len().saturating_sub(DENSE_KEPT);
        if old < 2 {
            self.entries.remove(0);
            return;
        }
        let mut index = 0;
        self.entries.retain(|_| {
            index += 1;
            index > old || index % 2 == 1
        });
    }

    /// Drops the snapshot whose going leaves the shortest gap between its neighbours (the
    /// first's neighbour before it is the start), never the newest: past the memory bound
    /// the snapshots stay spread evenly over the run, so that no stretch of it has to be
    /// replayed from far back.
    fn spread(&mut self) {
        let newest = self.entries.len() - 1;
        let gap = |i: usize| {
            let before = if i == 0 {
                0
            } else {
                self.entries[i - 1].elapsed_ms
            };
            self.entries[i + 1].elapsed_ms - before
        };
        if let Some(i) = (0..newest).min_by_key(|&i| gap(i)) {
            self.entries.remove(i);
        }
    }

    /// Forgets every snapshot after `elapsed_ms` (the learner forked a new future there).
    pub(super) fn drop_after(&mut self, elapsed_ms: u64) {
        self.entries.retain(|s| s.elapsed_ms <= elapsed_ms);
    }

    /// The newest snapshot a rebuild for `link` can start from: one before the link's
    /// moment (at or before it) or step (not yet arrived at it), whose actions done are a
    /// prefix of the link's, with none of the link's other actions before it. A link to the
    /// very start needs none.
    pub(super) fn start_for(&self, link: &Link) -> Option<&Session> {
        if !self.is_of(link) || (link.step.is_none() && link.time_ms == 0) {
            return None;
        }
        let before = |s: &Snap| match link.step {
            Some(step) => s.state.arrivals.iter().all(|a| a.number < step),
            None => s.elapsed_ms <= link.time_ms,
        };
        self.entries
            .iter()
            .rev()
            .filter(|s| before(s))
            .find(|s| on_path(&s.state.journal, s.elapsed_ms, &link.actions))
            .map(|s| &*s.state)
    }

    pub(super) fn set_every_ms(&mut self, every_ms: u64) {
        self.every_ms = every_ms;
    }

    pub(super) fn note_restored(&mut self, elapsed_ms: u64) {
        self.restored_from = Some(elapsed_ms);
    }

    pub(super) fn restored_from(&self) -> Option<u64> {
        self.restored_from
    }

    /// The moments kept, oldest first.
    pub(super) fn moments(&self) -> Vec<u64> {
        self.entries.iter().map(|s| s.elapsed_ms).collect()
    }
}

/// The heap a snapshot of `session` holds alone, estimated, and what it shares (see
/// `sim/world/footprint.rs`): the world is all that grows in it.
fn estimate_bytes(session: &Session) -> (usize, Vec<(usize, usize)>) {
    let footprint = session.world.footprint();
    (footprint.alone, footprint.shared)
}

/// Whether a run that had done `done` by `at_ms` lies on the path of a link with `actions`.
fn on_path(done: &[TimedAction], at_ms: u64, actions: &[TimedAction]) -> bool {
    actions.len() >= done.len()
        && actions[..done.len()] == *done
        && actions[done.len()..].iter().all(|a| a.at_ms >= at_ms)
}

impl Session {
    /// Keeps a copy of the run when one is due (see [`Session::advance`]): not while a
    /// console `wait` runs (its moment is the learner's pace, not the run's), nor of a run a
    /// link took through steps without the learner, nor of a scenario that did not parse.
    pub(super) fn snapshot_if_due(&mut self) {
        let elapsed_ms = self.world.elapsed_ms();
        if !self.snapshots.due(elapsed_ms)
            || self.passed_unattended
            || self.unparsed
            || self.replaying
            || matches!(self.catch_up, Some(CatchUp::Wait { .. }))
        {
            return;
        }
        let mut store = std::mem::take(&mut self.snapshots);
        store.keep(elapsed_ms, self.clone());
        self.snapshots = store;
    }

    /// This snapshot, going on as the run of `link` does: its later actions are to be done
    /// again, and the catch-up replays to its moment or step. What belongs to the page rather
    /// than the run starts as [`Session::new`] starts it.
    pub(super) fn resume_for(mut self, link: Link) -> Session {
        self.replay = link.actions[self.journal.len()..].iter().cloned().collect();
        self.catch_up = link
            .step
            .map(CatchUp::Step)
            .or((link.time_ms > 0).then_some(CatchUp::Time(link.time_ms)));
        self.link = link;
        self.playing = true;
        self.notice = None;
        self.events_seen = 0;
        self.skipping = false;
        self.replaying = false;
        self.fast_slice_ms = TIMED_SLICE_MS;
        self.timeline_end_ms = 0;
        self
    }

    /// Sets the simulated time between two snapshots (0: take none). It outlives rebuilds.
    pub fn set_snapshot_every(&mut self, every_ms: u64) {
        self.snapshots.set_every_ms(every_ms);
    }

    /// Sets the most heap the run's snapshots may hold between them (estimated; by default
    /// [`MAX_BYTES`]). It outlives rebuilds.
    pub fn set_snapshot_budget(&mut self, bytes: usize) {
        self.snapshots.max_bytes = bytes;
    }

    /// Forgets the run's snapshots (the next ways back replay from the seed until new ones
    /// are taken).
    pub fn forget_snapshots(&mut self) {
        self.snapshots.entries.clear();
    }

    /// The heap a snapshot of the run now would hold alone, estimated (what
    /// `benches/rewind.rs` compares with the heap a copy really allocates).
    pub fn snapshot_estimate(&self) -> usize {
        estimate_bytes(self).0
    }

    /// The heap the run's snapshots hold, estimated (at most [`MAX_BYTES`]).
    pub fn snapshot_bytes(&self) -> usize {
        self.snapshots.bytes()
    }

    /// The moments (simulated ms since the start) the run has snapshots of, oldest first.
    pub fn snapshot_moments(&self) -> Vec<u64> {
        self.snapshots.moments()
    }

    /// The moment the last rebuild (rewind, Back, going to a step, a link of the same run)
    /// started from, when it started from a snapshot rather than from the seed.
    pub fn restored_from(&self) -> Option<u64> {
        self.snapshots.restored_from()
    }

    /// Opens a link: one of the same run (scenario and seed) starts from a snapshot when it
    /// can; any other opens as [`Session::new`] does. The page's wall clock stays.
    pub fn open_link(&mut self, link: Link) {
        self.rebuild(link, super::Restart::Open);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(moments: impl IntoIterator<Item = u64>) -> Snapshots {
        let link = Link::start(Scenario::Script(String::new()), 1);
        let mut store = Snapshots::new(1_000);
        store.open(&link);
        let state = Session::new(link);
        for at in moments {
            store.keep(at, state.clone());
        }
        store
    }

    #[test]
    fn snapshots_are_due_once_per_spacing() {
        let mut store = store_with([]);
        assert!(!store.due(0) && !store.due(999) && store.due(1_000));
        store.keep(1_016, Session::new(Link::start(Scenario::Default, 1)));
        assert!(!store.due(1_999) && store.due(2_000));
        store.set_every_ms(0);
        assert!(!store.due(5_000));
    }

    #[test]
    fn old_snapshots_thin_out_and_recent_ones_stay_dense() {
        let store = store_with((1..=1_000).map(|s| s * 1_000));
        let moments = store.moments();
        assert!(moments.len() <= MAX_KEPT, "{}", moments.len());
        // The newest stay one second apart.
        let dense = &moments[moments.len() - DENSE_KEPT..];
        assert!(dense.windows(2).all(|w| w[1] - w[0] == 1_000), "{dense:?}");
        assert_eq!(*moments.last().unwrap(), 1_000_000);
        // The oldest are kept, further apart: the whole run stays within reach.
        assert_eq!(moments[0], 1_000);
        assert!(moments.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_fork_forgets_the_future() {
        let mut store = store_with([1_000, 2_000, 3_000]);
        store.drop_after(2_000);
        assert_eq!(store.moments(), [1_000, 2_000]);
    }

    #[test]
    fn a_snapshot_is_on_a_path_only_with_the_same_past() {
        let act = |at_ms, line: &str| TimedAction {
            at_ms,
            action: super::super::Action::Command(line.to_string()),
        };
        let done = [act(500, "a")];
        assert!(on_path(&done, 1_000, &[act(500, "a"), act(1_000, "b")]));
        assert!(!on_path(&done, 1_000, &[act(500, "a"), act(999, "b")]));
        assert!(!on_path(&done, 1_000, &[act(500, "x")]));
        assert!(!on_path(&done, 1_000, &[]));
        assert!(on_path(&[], 1_000, &[act(1_000, "b")]));
    }
}
