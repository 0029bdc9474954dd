//! The one owner of the simulated world: a thread of its own that applies every request in
//! the order it arrives, and moves simulated time with the wall clock.
//!
//! Why a thread: the world is not `Send` (and need not be), and one engine must see the
//! clients' calls one at a time, in arrival order, as Kinesis's front door serialises them per
//! shard. The HTTP side (`server.rs`) never touches the world: each connection's task sends
//! a [`Job`] down a bounded channel and awaits its answer, so no lock is ever held across an
//! await and a burst of clients queues (and is throttled by the engine), never races.
//!
//! The run is a [`Session`], the page's own model: the scenario (`--script`) acts at its
//! waits, and every call is journaled ([`Session::api_call`]), so the run is the scenario, the
//! seed and the calls at their simulated moments, which a link or a page can replay exactly.
//!
//! Time: simulated milliseconds since the start = wall milliseconds since the start × speed.
//! Before each request and on every tick (so a scenario's producers and KCL workers run while
//! no client calls), the session is advanced to that moment. A request is answered at the
//! simulated millisecond it is taken off the channel.

use std::io::Write;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::options::Options;
use super::tally::Tally;
use super::wire::{self, Dispatch, RequestHead, RequestIds, WireResponse};
use crate::session::{Link, Scenario, ScriptState, Session};

/// How often, in wall time, the owner moves the world on when no request arrives.
pub const TICK: Duration = Duration::from_millis(10);
/// Requests waiting for the owner before a new one waits for room (backpressure, not an
/// error: the client's call simply takes longer).
pub const QUEUE: usize = 1_024;
/// The most lesson steps and questions the owner goes through at one moment (a script that
/// loops through steps without waiting cannot stall the endpoint).
const MAX_HOLDS_AT_ONCE: usize = 1_000;

/// What the HTTP side read of a request's head, owned (it crosses to the owner's thread).
#[derive(Clone, Debug, Default)]
pub struct Head {
    pub method: String,
    pub uri: String,
    pub content_type: Option<String>,
    pub target: Option<String>,
    pub authorization: Option<String>,
    pub has_date: bool,
}

impl Head {
    fn borrowed(&self) -> RequestHead<'_> {
        RequestHead {
            method: &self.method,
            uri: &self.uri,
            content_type: self.content_type.as_deref(),
            target: self.target.as_deref(),
            authorization: self.authorization.as_deref(),
            has_date: self.has_date,
        }
    }
}

/// A request's body as the HTTP side read it.
#[derive(Debug)]
pub enum Body {
    /// Whole, within [`wire::MAX_BODY_BYTES`].
    Read(Vec<u8>),
    /// Larger than that: how many bytes arrived (at least; reading stopped there).
    TooLarge(usize),
}

/// One request for the owner, and where its answer goes.
#[derive(Debug)]
pub struct Job {
    pub head: Head,
    pub body: Body,
    pub reply: oneshot::Sender<WireResponse>,
}

/// The owner's side of the endpoint: the session, its clock and what it prints.
pub struct Owner {
    session: Session,
    ids: RequestIds,
    started: Instant,
    speed: f64,
    out: Box<dyn Write + Send>,
    /// How many transcript entries have been printed.
    printed: u64,
    tally: Tally,
    /// The scenario's file name, for its script errors' `FILE:LINE:`.
    script_name: String,
}

impl Owner {
    /// The session for `options`, its clock starting now.
    pub fn new(options: &Options, out: Box<dyn Write + Send>) -> Owner {
        let (script_name, text) = options
            .script
            .clone()
            .unwrap_or_else(|| ("(no script)".to_string(), String::new()));
        let mut session = Session::new(Link::start(Scenario::Script(text), options.seed));
        // Nobody rewinds the endpoint's run: keeping copies of it would only cost memory.
        session.set_snapshot_every(0);
        let mut owner = Owner {
            session,
            // Apart from the world's random numbers: answering never shifts the simulation.
            ids: RequestIds::new(options.seed ^ 0x5348_4152_444c_4142),
            started: Instant::now(),
            speed: options.speed,
            out,
            printed: 0,
            tally: Tally::default(),
            script_name,
        };
        if let Some(notice) = owner.session.notice.take() {
            owner.say(&format!("{notice}\n"));
        }
        owner.print_transcript();
        owner
    }

    /// The session (tests look at the world through it).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Answers one request at the current simulated moment.
    pub fn serve(&mut self, job: Job) {
        let response = self.answer(&job.head, job.body);
        // A client that hung up gets nothing; its call still happened.
        let _ = job.reply.send(response);
    }

    /// The answer to a request, after moving the world on to now.
    pub fn answer(&mut self, head: &Head, body: Body) -> WireResponse {
        let now = self.wall_elapsed_ms();
        self.answer_at(now, head, body)
    }

    /// The answer to a request at `elapsed_ms` (simulated milliseconds since the start; an
    /// earlier moment than the world's is now): what [`Owner::answer`] does with the wall
    /// clock's moment, and what tests call with moments of their own, deterministically.
    pub fn answer_at(&mut self, elapsed_ms: u64, head: &Head, body: Body) -> WireResponse {
        self.catch_up_to(elapsed_ms);
        let response = match body {
            Body::TooLarge(len) => wire::too_large(len, &mut self.ids),
            Body::Read(bytes) => match wire::handle(&head.borrowed(), &bytes, &mut self.ids) {
                Dispatch::Respond(response) => response,
                Dispatch::Call {
                    action,
                    body,
                    protocol,
                } => {
                    let result = self.session.api_call(&action, &body);
                    wire::respond(&action, result, protocol, &mut self.ids)
                }
            },
        };
        self.tally.count(head.target.as_deref(), &response);
        self.print_transcript();
        response
    }

    /// The simulated moment the wall clock says: wall milliseconds since the start × speed.
    fn wall_elapsed_ms(&self) -> u64 {
        (self.started.elapsed().as_secs_f64() * 1_000.0 * self.speed) as u64
    }

    /// Moves the world on to the moment the wall clock says (the owner's tick).
    pub fn catch_up(&mut self) {
        let now = self.wall_elapsed_ms();
        self.catch_up_to(now);
    }

    /// Moves the world on to `target` (simulated ms since the start), letting the scenario
    /// act on the way (its lesson steps and questions go by at once: nobody is at the
    /// endpoint's page to press Next).
    pub fn catch_up_to(&mut self, target: u64) {
        for _ in 0..MAX_HOLDS_AT_ONCE {
            let now = self.session.world.elapsed_ms();
            if target > now {
                self.session.advance(target - now);
            }
            match self.session.script.clone() {
                ScriptState::AtStep { .. } => self.session.next_step(),
                ScriptState::Asking { answer, .. } => self.session.answer(answer),
                _ => break,
            }
        }
        self.print_transcript();
        if let Some(line) = self.tally.line_due(self.session.world.elapsed_ms()) {
            self.say(&line);
        }
    }

    /// Prints what the scenario said since the last time (its commands, outputs and narration).
    fn print_transcript(&mut self) {
        let (entries, written) = self.session.transcript();
        let new = usize::try_from(written - self.printed)
            .unwrap_or(usize::MAX)
            .min(entries.len());
        let text: String = entries
            .iter()
            .skip(entries.len() - new)
            .map(|entry| entry.render_in(&self.script_name))
            .collect();
        self.printed = written;
        if !text.is_empty() {
            self.say(&text);
        }
    }

    fn say(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }
}

/// The owner's thread: takes jobs until every sender is gone, ticking in between.
pub fn run(mut owner: Owner, mut jobs: mpsc::Receiver<Job>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            owner.say(&format!(
                "shardlab endpoint: cannot start its clock: {error}\n"
            ));
            return;
        }
    };
    runtime.block_on(async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                // Requests first: a tick only moves time, which the next request does too.
                biased;
                job = jobs.recv() => match job {
                    Some(job) => owner.serve(job),
                    None => break,
                },
                _ = tick.tick() => owner.catch_up(),
            }
        }
    });
}
