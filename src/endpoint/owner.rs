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
//! Pages mirroring the run (`--page`) are sent its journal as server-sent events: the
//! scenario and the seed (`start`), every journaled action (`action`, as a link carries it)
//! and the clock (`clock`, after each request, and otherwise every [`CLOCK_EVERY`] of wall
//! time or [`CLOCK_JUMP_MS`] of simulated time); see `session/mirror.rs` for the page's side.
//!
//! SubscribeToShard answers with a stream (a [`Reply`] with `events`): the subscription is
//! the world's, delivered by its clock at its moments; after each catch-up and each call the
//! owner takes the world's subscription messages and sends each, encoded as an event-stream
//! message, down its subscription's channel, which the HTTP side turns into the response body.
//! The subscription's end closes the channel; a client that hung up is simply no longer sent
//! to (its subscription goes on in the world until it ends, as the page mirroring the run
//! cannot know the client left).
//!
//! Time: simulated milliseconds since the start = wall milliseconds since the start × speed.
//! Before each request and on every tick (so a scenario's producers and KCL workers run while
//! no client calls), the session is advanced to that moment. A request is answered at the
//! simulated millisecond it is taken off the channel.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Deref;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::options::Options;
use super::tally::Tally;
use super::wire::{self, event_stream, Dispatch, Protocol, RequestHead, RequestIds, WireResponse};
use crate::engine::SubscriptionId;
use crate::session::{Link, Scenario, ScriptState, Session};
use crate::sim::SubscriptionMessage;

/// How often, in wall time, the owner moves the world on when no request arrives.
pub const TICK: Duration = Duration::from_millis(10);
/// Requests waiting for the owner before a new one waits for room (backpressure, not an
/// error: the client's call simply takes longer).
pub const QUEUE: usize = 1_024;
/// The shortest wall time between two `clock` events to the mirroring pages (one also goes
/// after every request, so a page sees a call at once).
pub const CLOCK_EVERY: Duration = Duration::from_millis(50);
/// Simulated time the clock may move without the pages being told, however little wall
/// time that took (a fast `--speed`, or a test moving time by hand).
pub const CLOCK_JUMP_MS: u64 = 1_000;
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
    /// `action`'s request as an SDK sends it: a JSON 1.1 POST with SigV4's headers (what the
    /// endpoint checks is there, never whether it is right). Tests and the fuzz corpus's
    /// replay call the owner with it directly, at moments of their own.
    pub fn signed_json(action: &str) -> Head {
        Head {
            method: "POST".into(),
            uri: "/".into(),
            content_type: Some(super::wire::AMZ_JSON.into()),
            target: Some(format!("{}.{action}", super::wire::TARGET_PREFIX)),
            authorization: Some(
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, \
                 SignedHeaders=host, Signature=00"
                    .into(),
            ),
            has_date: true,
        }
    }

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

/// The owner's answer to a request: a whole response, or (SubscribeToShard) the response's
/// status and headers and the event-stream messages of its body as they happen. It reads as
/// the response it holds (`reply.status`, `reply.header(...)`).
#[derive(Debug)]
pub struct Reply {
    /// The whole response; for a stream, its head (the body is empty).
    pub response: WireResponse,
    /// The body to come, message by message, until the sender is dropped.
    pub events: Option<mpsc::UnboundedReceiver<Vec<u8>>>,
}

impl Deref for Reply {
    type Target = WireResponse;

    fn deref(&self) -> &WireResponse {
        &self.response
    }
}

impl From<WireResponse> for Reply {
    fn from(response: WireResponse) -> Reply {
        Reply {
            response,
            events: None,
        }
    }
}

/// One request for the owner, and where its answer goes.
#[derive(Debug)]
pub struct Job {
    pub head: Head,
    pub body: Body,
    pub reply: oneshot::Sender<Reply>,
}

/// Where a mirroring page's events go: each a whole server-sent event, `event: ...\ndata:
/// ...\n\n`.
pub type MirrorSink = mpsc::UnboundedSender<String>;

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
    /// The scenario's text, which a mirroring page runs too.
    script_text: String,
    /// How the pages name this endpoint (`127.0.0.1:4567`).
    name: String,
    /// The pages mirroring the run.
    mirrors: Vec<MirrorSink>,
    /// How much of the journal they have been sent.
    published: usize,
    /// When they were last sent the clock, and what it said.
    clock_sent: Option<(Instant, u64)>,
    /// Where each program's subscription's messages go (its response body).
    subscribers: BTreeMap<SubscriptionId, (mpsc::UnboundedSender<Vec<u8>>, Protocol)>,
}

impl Owner {
    /// The session for `options`, its clock starting now.
    pub fn new(options: &Options, out: Box<dyn Write + Send>) -> Owner {
        let (script_name, text) = options
            .script
            .clone()
            .unwrap_or_else(|| ("(no script)".to_string(), String::new()));
        let mut session = Session::new(Link::start(Scenario::Script(text.clone()), options.seed));
        // Nobody rewinds the endpoint's run: keeping copies of it would only cost memory.
        session.set_snapshot_every(0);
        // The programs' subscriptions' events are for the owner to stream.
        session.world.keep_subscription_messages(true);
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
            script_text: text,
            name: String::new(),
            mirrors: Vec::new(),
            published: 0,
            clock_sent: None,
            subscribers: BTreeMap::new(),
        };
        if let Some(notice) = owner.session.notice.take() {
            owner.say(&format!("{notice}\n"));
        }
        owner.print_transcript();
        owner
    }

    /// Names the endpoint as the mirroring pages show it (the address it listens on).
    pub fn named(mut self, name: &str) -> Owner {
        self.name = name.to_string();
        self
    }

    /// A page starts mirroring: it is sent the run so far (the scenario, the seed, the whole
    /// journal and the clock), then each new action as it happens.
    pub fn add_mirror(&mut self, sink: MirrorSink) {
        let start = json!({
            "endpoint": self.name,
            "script": self.script_text,
            "seed": self.session.seed(),
        });
        let mut events = vec![event("start", &start.to_string())];
        events.extend(
            self.session
                .journal()
                .iter()
                .map(|action| event("action", &action.to_json().to_string())),
        );
        events.push(event("clock", &self.session.world.elapsed_ms().to_string()));
        if events.into_iter().all(|e| sink.send(e).is_ok()) {
            self.mirrors.push(sink);
        }
    }

    /// Sends the mirroring pages the actions journaled since the last time, and the clock
    /// (always with `force`, else at most every [`CLOCK_EVERY`]).
    fn publish(&mut self, force: bool) {
        let journal = self.session.journal();
        if self.mirrors.is_empty() {
            self.published = journal.len();
            return;
        }
        let mut events: Vec<String> = journal[self.published.min(journal.len())..]
            .iter()
            .map(|action| event("action", &action.to_json().to_string()))
            .collect();
        self.published = journal.len();
        let clock = self.session.world.elapsed_ms();
        let due = self
            .clock_sent
            .is_none_or(|(at, sent)| at.elapsed() >= CLOCK_EVERY || clock >= sent + CLOCK_JUMP_MS);
        if force || due || !events.is_empty() {
            events.push(event("clock", &clock.to_string()));
            self.clock_sent = Some((Instant::now(), clock));
        }
        // A page that went away is dropped.
        self.mirrors
            .retain(|sink| events.iter().all(|e| sink.send(e.clone()).is_ok()));
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
    pub fn answer(&mut self, head: &Head, body: Body) -> Reply {
        let now = self.wall_elapsed_ms();
        self.answer_at(now, head, body)
    }

    /// The answer to a request at `elapsed_ms` (simulated milliseconds since the start; an
    /// earlier moment than the world's is now): what [`Owner::answer`] does with the wall
    /// clock's moment, and what tests call with moments of their own, deterministically.
    pub fn answer_at(&mut self, elapsed_ms: u64, head: &Head, body: Body) -> Reply {
        self.catch_up_to(elapsed_ms);
        let reply = match body {
            Body::TooLarge(len) => wire::too_large(len, &mut self.ids).into(),
            Body::Read(bytes) => match wire::handle(&head.borrowed(), &bytes, &mut self.ids) {
                Dispatch::Respond(response) => response.into(),
                Dispatch::Call {
                    action,
                    body,
                    protocol,
                } if action == "SubscribeToShard" => self.subscribe(&body, protocol),
                Dispatch::Call {
                    action,
                    body,
                    protocol,
                } => {
                    let result = self.session.api_call(&action, &body);
                    wire::respond(&action, result, protocol, &mut self.ids).into()
                }
            },
        };
        self.tally.count(head.target.as_deref(), &reply.response);
        self.print_transcript();
        self.publish(true);
        self.forward_subscriptions();
        reply
    }

    /// SubscribeToShard: an error at once as a JSON error, as any call's; else the event
    /// stream, its initial response first and the subscription's events as the world
    /// delivers them.
    fn subscribe(&mut self, body: &serde_json::Value, protocol: Protocol) -> Reply {
        match self.session.api_subscribe(body) {
            Ok(id) => {
                let (sender, events) = mpsc::unbounded_channel();
                let _ = sender.send(event_stream::initial_response(protocol));
                self.subscribers.insert(id, (sender, protocol));
                Reply {
                    response: wire::event_stream_head(&mut self.ids),
                    events: Some(events),
                }
            }
            Err(error) => {
                wire::respond("SubscribeToShard", Err(error), protocol, &mut self.ids).into()
            }
        }
    }

    /// Sends each program's subscription the messages the world delivered it since the last
    /// time; a subscription's end closes its stream.
    fn forward_subscriptions(&mut self) {
        for delivery in self.session.world.take_subscription_messages() {
            let id = delivery.subscription;
            match delivery.message {
                SubscriptionMessage::Event(event) => {
                    let sent = self.subscribers.get(&id).map(|(sender, protocol)| {
                        sender
                            .send(event_stream::subscribe_to_shard_event(&event, *protocol))
                            .is_ok()
                    });
                    // A client that hung up is sent nothing more.
                    if sent == Some(false) {
                        self.subscribers.remove(&id);
                    }
                }
                SubscriptionMessage::End(error) => {
                    if let (Some((sender, protocol)), Some(error)) =
                        (self.subscribers.remove(&id), error)
                    {
                        let _ = sender.send(event_stream::exception(&error, protocol));
                    }
                }
            }
        }
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
        self.publish(false);
        self.forward_subscriptions();
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

/// A server-sent event (its data on one line: JSON never needs more).
fn event(name: &str, data: &str) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// The owner's thread: takes jobs (and pages that start mirroring) until every sender is
/// gone, ticking in between.
pub fn run(
    mut owner: Owner,
    mut jobs: mpsc::Receiver<Job>,
    mut mirrors: mpsc::UnboundedReceiver<MirrorSink>,
) {
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
                Some(sink) = mirrors.recv() => owner.add_mirror(sink),
                _ = tick.tick() => owner.catch_up(),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::session::Action;

    /// What the owner prints, kept for the test to read.
    #[derive(Clone, Default)]
    struct Printed(Arc<Mutex<Vec<u8>>>);

    impl Write for Printed {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Nobody is at the endpoint's page to press Next or answer: a scenario's steps and
    /// questions go by at once (journaled, so a mirroring page passes them too), and what the
    /// scenario says is printed.
    #[test]
    fn a_scenarios_steps_and_questions_go_by_and_its_narration_is_printed() {
        let script = "\
step \"One\"
aws kinesis create-stream --stream-name s --shard-count 1
say \"Created.\"
ask \"Which?\" \"a\" \"b\" answer 2 because \"b it is.\"
wait 5s
step \"Two\"
say \"Done.\"
";
        let printed = Printed::default();
        let options = Options {
            script: Some(("lesson.sh".into(), script.into())),
            ..Options::default()
        };
        let mut owner = Owner::new(&options, Box::new(printed.clone()));
        owner.catch_up_to(10_000);
        assert_eq!(owner.session().script, ScriptState::Done);
        assert_eq!(owner.session().world.elapsed_ms(), 10_000);
        let text = String::from_utf8(printed.0.lock().unwrap().clone()).unwrap();
        for said in ["$ aws kinesis create-stream", "Created.", "Done."] {
            assert!(text.contains(said), "{said} not in: {text}");
        }
        let journal: Vec<_> = owner
            .session()
            .journal()
            .iter()
            .map(|a| a.action.clone())
            .collect();
        assert_eq!(journal, [Action::Next, Action::Answer(2), Action::Next]);
    }
}
