//! What the page draws, computed from the world once per frame.
//!
//! Rates are for the last complete simulated second, from the same CloudWatch-named metrics
//! the engine keeps, so a gauge shows exactly what CloudWatch would have counted.
//!
//! The stream's part (which stream, its lanes and their states, readers, producers, hot keys,
//! where a key routes) is in `view/stream.rs`; this file puts the page together.

use serde::Serialize;

use super::captions::TimeState;
pub use super::lesson::{AnsweredView, LessonView, Narration, NarrationLine, Question};
pub use super::play::{Pointer, TaskView};
use super::Session;

mod fan_out;
mod producers;
mod stream;
pub use fan_out::FanOutPipe;
pub use producers::{producers, KplView, ProducerView};
pub use stream::*;

/// Everything the page shows at one frame.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct View {
    pub elapsed_ms: u64,
    pub seed: u64,
    pub speed: f64,
    /// The speed time really plays at, when the model or the page can't keep up with `speed`
    /// on this machine (see `Session::running_at`). Never set without a wall clock, so the
    /// native view (and its golden digest) is unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_at: Option<f64>,
    pub playing: bool,
    /// What time is doing (held at a step or a question is not playing).
    pub time: TimeState,
    pub catching_up: bool,
    /// Where a console `wait` under way is going (elapsed ms).
    pub waiting_until_ms: Option<u64>,
    /// What the scenario is doing, in words.
    pub script: String,
    pub notice: Option<String>,
    pub streams: Vec<String>,
    pub stream: Option<StreamView>,
    /// The stream the learner was looking at, when it was deleted (then `stream` is `None`).
    pub stream_deleted: Option<String>,
    pub producers: Vec<ProducerView>,
    pub hot_keys: Vec<HotKey>,
    /// The KCL applications.
    pub apps: Vec<super::kcl_view::AppView>,
    /// Where the lesson is.
    pub lesson: LessonView,
    /// The furthest moment of the run's timeline (the rewind slider's end).
    pub timeline_end_ms: u64,
    /// What the narration on show points at (`point KIND NAME`).
    pub pointer: Option<Pointer>,
    /// The panels the lesson's step shows (`show`); `None` for every panel.
    pub panels: Option<Vec<String>>,
    /// What the world's streams would cost on AWS: the total so far, the rate now, the items.
    pub cost: crate::sim::cost::Bill,
}

impl View {
    pub fn of(session: &Session) -> View {
        View::showing(session, None)
    }

    /// The view with the stream the learner wants on screen (picked, or shown before; see
    /// [`pick_stream`]).
    pub fn showing(session: &Session, wanted: Option<&str>) -> View {
        View::showing_with(session, wanted, &mut ViewMemo::default())
    }

    /// [`View::showing`], reusing what `memo` kept from the previous frame where its inputs
    /// are unchanged: the same view, computed for less.
    pub fn showing_with(session: &Session, wanted: Option<&str>, memo: &mut ViewMemo) -> View {
        let world = &session.world;
        let pick = pick_stream(world, wanted);
        let stream = pick.stream;
        View {
            elapsed_ms: world.elapsed_ms(),
            seed: session.seed(),
            speed: session.speed(),
            running_at: session.running_at(),
            playing: session.playing,
            time: session.time_state(),
            catching_up: session.catching_up(),
            waiting_until_ms: session.waiting_until(),
            script: session.script_caption(),
            notice: session.notice.clone(),
            streams: world.kinesis().streams().map(|s| s.name.clone()).collect(),
            stream: stream.map(|s| stream_view(world, s)),
            stream_deleted: pick.deleted,
            producers: producers(world),
            hot_keys: stream.map(|s| memo.hot_keys(world, s)).unwrap_or_default(),
            apps: super::kcl_view::apps(world),
            lesson: session.lesson_view(),
            timeline_end_ms: session.timeline_end_ms(),
            pointer: session.pointer(),
            panels: session.panels(),
            cost: world.bill(),
        }
    }
}

/// What [`View::showing_with`] keeps between frames.
///
/// The hot keys come from summing every key's weight of each producer's key distribution (up
/// to 200,000 Zipf weights): in a profile of the 64-shard scenario that was 6% of the page's
/// main thread, redone every frame for a list that changes only when a producer or the
/// stream's shards change. So the list is kept with exactly what it depends on (the stream's
/// producers as configured, whether each is paused, the open shards' hash key ranges) and
/// made again only when one of those differs. Nothing depends on time, so the view is the
/// same as [`View::showing`]'s.
#[derive(Clone, Debug, Default)]
pub struct ViewMemo {
    hot_keys: Option<(HotKeyInputs, Vec<HotKey>)>,
}

/// Everything [`hot_keys`] reads.
#[derive(Clone, Debug, PartialEq)]
struct HotKeyInputs {
    stream: String,
    /// Per producer of the stream, in the world's order: name, configuration, paused.
    producers: Vec<(String, crate::sim::ProducerConfig, bool)>,
    /// The open shards: index and hash key range.
    shards: Vec<(u32, u128, u128)>,
}

impl ViewMemo {
    fn hot_keys(
        &mut self,
        world: &crate::sim::World,
        stream: &crate::engine::Stream,
    ) -> Vec<HotKey> {
        let now = world.now_ms();
        let inputs = HotKeyInputs {
            stream: stream.name.clone(),
            producers: world
                .producers()
                .filter(|p| p.config.stream == stream.name)
                .map(|p| (p.name.clone(), p.config.clone(), p.is_paused(now)))
                .collect(),
            shards: stream
                .open_shards()
                .map(|s| (s.index, s.range.starting_hash_key, s.range.ending_hash_key))
                .collect(),
        };
        match &self.hot_keys {
            Some((kept, keys)) if *kept == inputs => keys.clone(),
            _ => {
                let keys = hot_keys(world, stream);
                self.hot_keys = Some((inputs, keys.clone()));
                keys
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Link;

    /// A view built with the memo of the frames before it is the view built from scratch, as
    /// producers change their keys and rate, stop, resume and a shard splits.
    #[test]
    fn the_memo_changes_nothing_the_page_shows() {
        let mut session = Session::new(Link::decode("").unwrap());
        let mut memo = ViewMemo::default();
        let changes = [
            (4, "producer set mobile --keys zipf:1.3:500"),
            (8, "producer viral stop"),
            (12, "producer set web --rate 2000"),
            (16, "producer viral resume"),
            (
                20,
                "aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000000 --new-starting-hash-key 42535295865117307932921825928971026432",
            ),
            (30, "producer viral 2s"),
        ];
        let mut hot_keys_seen = Vec::new();
        for frame in 0..60 {
            if let Some((_, line)) = changes.iter().find(|(at, _)| *at == frame) {
                session.run_command(line);
            }
            session.advance(500);
            let memoised = View::showing_with(&session, None, &mut memo);
            assert_eq!(memoised, View::showing(&session, None), "frame {frame}");
            if hot_keys_seen.last() != Some(&memoised.hot_keys) {
                hot_keys_seen.push(memoised.hot_keys);
            }
        }
        assert!(
            hot_keys_seen.len() >= 4,
            "the changes changed the hot keys: {hot_keys_seen:?}"
        );
    }
}
