//! The page as a live mirror of `shardlab endpoint --page` (issue 21): what a learner's own
//! program (boto3, the AWS CLI, an SDK) does to the endpoint's shards, drawn by the page.
//!
//! The endpoint does not send its state. It sends its run as a journal: the scenario and the
//! seed once, then each call a program made at its simulated moment (and the Next and answers
//! its scenario's steps and questions took), and how far its clock has got. The page replays
//! that journal in its own engine, which is the same deterministic engine, so what it draws is
//! the endpoint's state: the same records on the same shards with the same sequence numbers,
//! the same throttling and the same resharding. Time on the page follows the endpoint's clock,
//! never ahead of it (a call still on its way may belong to any later moment).
//!
//! What would make the page's run differ from the endpoint's (a command at the console, Next,
//! an answer) is refused while mirroring, with a word about Fork; the ways back (Reset, Back,
//! rewinding) fork: the page goes on from the journal so far as a run of its own, and says so.
//! The endpoint is never touched: the journal only flows from it.

use super::playback::{CATCH_UP_BUDGET_MS, TIMED_SLICE_MS};
use super::{Link, Scenario, Session, TimedAction};
use crate::script::Entry;

/// A mirrored endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mirror {
    /// Where it is (`127.0.0.1:4567`), as the page names it.
    pub endpoint: String,
    /// How far the endpoint's simulated clock has got (ms since the start).
    pub clock_ms: u64,
    /// Whether the journal still flows (the page lost the endpoint when it stopped).
    pub connected: bool,
}

impl Session {
    /// The endpoint this page mirrors, if it does.
    pub fn mirroring(&self) -> Option<&Mirror> {
        self.mirror.as_ref()
    }

    /// The journal's start: the endpoint's scenario and seed, and where its clock is. Opens
    /// that run from its beginning; the journal's actions follow.
    pub fn mirror_start(&mut self, endpoint: &str, script: &str, seed: u64, clock_ms: u64) {
        self.mirror = None;
        self.open_link(Link::start(Scenario::Script(script.to_string()), seed));
        self.playing = true;
        self.mirror = Some(Mirror {
            endpoint: endpoint.to_string(),
            clock_ms,
            connected: true,
        });
    }

    /// An action of the endpoint's journal, to be done again at its moment.
    pub fn mirror_action(&mut self, action: TimedAction) {
        if self.mirror.is_some() {
            self.replay.push_back(action);
        }
    }

    /// How far the endpoint's clock has got: the page's run may go that far.
    pub fn mirror_clock(&mut self, clock_ms: u64) {
        if let Some(mirror) = &mut self.mirror {
            mirror.clock_ms = mirror.clock_ms.max(clock_ms);
        }
    }

    /// One event of the endpoint's journal as it arrives (`start`, `action` or `clock`, with
    /// its data: see `endpoint/owner.rs`). An event that cannot be read is an error to show;
    /// the mirror goes on.
    pub fn mirror_event(&mut self, name: &str, data: &str) -> Result<(), String> {
        let damaged = || format!("the endpoint sent a {name} event the page cannot read");
        let value: serde_json::Value = serde_json::from_str(data).map_err(|_| damaged())?;
        match name {
            "start" => {
                let endpoint = value["endpoint"].as_str().ok_or_else(damaged)?;
                let script = value["script"].as_str().ok_or_else(damaged)?;
                let seed = value["seed"].as_u64().ok_or_else(damaged)?;
                self.mirror_start(endpoint, script, seed, 0);
            }
            "action" => self.mirror_action(TimedAction::from_json(&value).ok_or_else(damaged)?),
            "clock" => self.mirror_clock(value.as_u64().ok_or_else(damaged)?),
            _ => return Err(format!("the endpoint sent an unknown event, {name}")),
        }
        Ok(())
    }

    /// The journal stopped (the endpoint stopped, or the connection dropped).
    pub fn mirror_lost(&mut self) {
        if let Some(mirror) = &mut self.mirror {
            mirror.connected = false;
        }
    }

    /// Fork: stop following the endpoint and go on from here as a run of the page's own.
    pub fn fork_mirror(&mut self) {
        if let Some(mirror) = self.mirror.take() {
            self.replay.clear();
            self.notice = Some(forked(&mirror.endpoint));
        }
    }

    /// What the console says instead of running a command while mirroring; `None` when the
    /// page is not mirroring, or the command is the journal's own.
    pub(super) fn refused_while_mirroring(&self) -> Option<Entry> {
        let mirror = self.mirror.as_ref().filter(|_| !self.replaying)?;
        Some(Entry::Error {
            text: format!(
                "This page mirrors the endpoint at {}: what happens here is what programs do \
                 there, so the page takes no commands of its own. Press Fork to go on from \
                 here as a run of your own (the endpoint is not touched).\n",
                mirror.endpoint
            ),
        })
    }

    /// A frame while mirroring: the run moves on to the endpoint's clock, in slices within the
    /// frame's budget when the page has a wall clock (a page opened late catches up over a
    /// few frames without freezing), all at once without one (native tests). Paused, it waits.
    pub(super) fn mirror_frame(&mut self) {
        let Some(clock_ms) = self.mirror.as_ref().map(|m| m.clock_ms) else {
            return;
        };
        if !self.playing {
            return;
        }
        let started = self.prefs.clock.map(|clock| clock());
        loop {
            let behind = clock_ms.saturating_sub(self.world.elapsed_ms());
            if behind == 0 {
                return;
            }
            let before = self.world.elapsed_ms();
            match (self.prefs.clock, started) {
                (Some(clock), Some(started)) => {
                    self.advance(behind.min(TIMED_SLICE_MS));
                    if clock() - started >= CATCH_UP_BUDGET_MS {
                        return;
                    }
                }
                _ => self.advance(behind),
            }
            if self.world.elapsed_ms() == before {
                // Held at a step or question until the journal's Next or answer arrives.
                return;
            }
        }
    }
}

/// What the page says when it stops following an endpoint.
pub fn forked(endpoint: &str) -> String {
    format!(
        "Forked: this run no longer follows the endpoint at {endpoint}. It goes on from here \
         in the page alone; the endpoint and the programs calling it are not touched. Reload \
         the page to mirror it again."
    )
}
