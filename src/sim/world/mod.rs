//! The world: the service, the producers and consumers, one virtual clock, one event queue.
//!
//! Nothing here reads a wall clock. [`World::advance_to`] takes the scheduled tasks (producer
//! sends, retries, consumer polls) in time order, ties in the order they were scheduled, and
//! lets the engine apply its own asynchronous changes (a stream turning ACTIVE, a split
//! completing) at their moments in between. Given a seed and the same commands at the same
//! simulated times, two worlds go through exactly the same states, natively or in a browser.
//!
//! This file holds the world's state and what reads it, as turmoil's `world.rs` does; each
//! job that changes it has a file of its own, all `impl World` blocks:
//! - `clock`: the driver, the virtual clock and the queue of tasks it runs in time order;
//! - `api`: Kinesis API calls made by hand (the console, scripts), logged for the page;
//! - `lifecycle`: adding, pausing, resuming, stopping and removing producers and consumers,
//!   one helper for both kinds, and the names and fault events they share;
//! - `producers`: running producers' sends and retries against the shards;
//! - `kpl`: running a KPL producer's pipeline (user records in, PutRecords calls out);
//! - `consumers`: running polling consumers' GetRecords loops;
//! - `fan_out`: delivering enhanced fan-out subscriptions' events, and the `--efo` consumers;
//! - `kcl`: hosting KCL applications and their workers.

mod api;
mod clock;
mod consumers;
mod fan_out;
mod footprint;
mod kcl;
mod kpl;
mod lifecycle;
mod producers;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use self::clock::Scheduled;
pub use self::fan_out::{SubscriptionDelivery, SubscriptionMessage};
pub use self::footprint::Footprint;
use super::consumer::Consumer;
use super::cost::{Bill, Meter};
use super::log::{EventLog, EventsSince};
use super::producer::Producer;
use crate::engine::{Config, Kinesis};
use crate::kcl::{KclApp, KclEvent};

/// Where simulated time starts: 2026-01-01T00:00:00Z.
pub const START_MS: u64 = 1_767_225_600_000;
/// Events kept in the log.
pub const EVENT_LOG_CAPACITY: usize = 20_000;
/// The name the console's retry backoff draws its seed under (see
/// [`World::cli_retry_jitter`]): no producer, consumer or KCL application can have it, since
/// their names have no spaces, so its stream of random numbers is no one else's.
const CLI_RETRY_SEED_NAME: &str = "aws cli retries";

/// Which AWS CLI the console imitates (`sim cli v1|v2`). It belongs to the run, like the
/// seed: a script or a link that sets it gets the same output again; it is no part of the
/// snapshot, which describes the service and the actors, not how a console prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CliVersion {
    /// AWS CLI v1 (1.x): the default.
    #[default]
    V1,
    /// AWS CLI v2 (2.x).
    V2,
}

/// The whole simulation. Cloning it is how the page keeps snapshots to rewind to (see
/// `session::snapshots`): the records' sources are shared, not copied.
#[derive(Clone, Debug)]
pub struct World {
    seed: u64,
    now_ms: u64,
    kinesis: Kinesis,
    pub(crate) producers: BTreeMap<String, Producer>,
    pub(crate) consumers: BTreeMap<String, Consumer>,
    pub(crate) apps: BTreeMap<String, KclApp>,
    queue: BinaryHeap<Reverse<Scheduled>>,
    next_task_seq: u64,
    /// When each producer's retry task is due, to keep one per producer.
    retry_wakes: BTreeMap<String, u64>,
    log: EventLog,
    /// Every KCL event, unbounded, when a test asked for it with [`World::trace_kcl`].
    kcl_trace: Option<Vec<(u64, KclEvent)>>,
    /// The AWS CLI the console imitates.
    cli_version: CliVersion,
    /// The console's own random numbers, for the AWS CLI's retry backoff.
    cli_retry_rng: Pcg64Mcg,
    /// Producer record sources made so far: each gets the next number, which orders their
    /// records for the readers' order checks (see `sim::source`).
    sources_made: u64,
    /// What the streams would cost on AWS so far (see `sim::cost`).
    meter: Meter,
    /// When each reader's subscription was last delivered (see `fan_out.rs`).
    fan_out_delivered: BTreeMap<crate::engine::SubscriptionId, u64>,
    /// The subscriptions programs opened through the endpoint, still delivering.
    external_subscriptions: BTreeSet<crate::engine::SubscriptionId>,
    /// Their messages, kept for the endpoint to take; `None` where nobody takes them.
    subscription_outbox: Option<Vec<SubscriptionDelivery>>,
}

impl World {
    /// A world with AWS's settings, starting at [`START_MS`].
    pub fn new(seed: u64) -> Self {
        Self::with_config(seed, Config::default())
    }

    pub fn with_config(seed: u64, config: Config) -> Self {
        let mut kinesis = Kinesis::new(config);
        kinesis.advance_to(START_MS);
        World {
            seed,
            now_ms: START_MS,
            kinesis,
            producers: BTreeMap::new(),
            consumers: BTreeMap::new(),
            apps: BTreeMap::new(),
            queue: BinaryHeap::new(),
            next_task_seq: 0,
            retry_wakes: BTreeMap::new(),
            log: EventLog::new(EVENT_LOG_CAPACITY),
            kcl_trace: None,
            cli_version: CliVersion::default(),
            cli_retry_rng: Pcg64Mcg::seed_from_u64(crate::seeds::seed_for(
                seed,
                CLI_RETRY_SEED_NAME,
            )),
            sources_made: 0,
            meter: Meter::new(START_MS),
            fan_out_delivered: BTreeMap::new(),
            external_subscriptions: BTreeSet::new(),
            subscription_outbox: None,
        }
    }

    /// The AWS CLI the console imitates.
    pub fn cli_version(&self) -> CliVersion {
        self.cli_version
    }

    /// Makes the console imitate another AWS CLI (`sim cli v2`).
    pub fn set_cli_version(&mut self, version: CliVersion) {
        self.cli_version = version;
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Simulated time, epoch milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// Whether nothing has happened yet (no time passed, nothing created).
    pub fn is_pristine(&self) -> bool {
        self.elapsed_ms() == 0
            && self.kinesis.streams().next().is_none()
            && self.producers.is_empty()
            && self.consumers.is_empty()
            && self.apps.is_empty()
    }

    /// Simulated time since the world began.
    pub fn elapsed_ms(&self) -> u64 {
        self.now_ms - START_MS
    }

    /// The service, to look at.
    pub fn kinesis(&self) -> &Kinesis {
        &self.kinesis
    }

    /// The service, to change directly (lowering a stream's limits for a lesson, say).
    pub fn kinesis_mut(&mut self) -> &mut Kinesis {
        &mut self.kinesis
    }

    pub fn producer(&self, name: &str) -> Option<&Producer> {
        self.producers.get(name)
    }

    pub fn producers(&self) -> impl Iterator<Item = &Producer> {
        self.producers.values()
    }

    pub fn consumer(&self, name: &str) -> Option<&Consumer> {
        self.consumers.get(name)
    }

    pub fn consumers(&self) -> impl Iterator<Item = &Consumer> {
        self.consumers.values()
    }

    /// Events since `cursor` (see [`EventLog::since`]).
    pub fn events_since(&self, cursor: u64) -> EventsSince {
        self.log.since(cursor)
    }

    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// The bill so far: what the streams would have cost on AWS (illustrative prices).
    pub fn bill(&self) -> Bill {
        self.meter.bill(&self.kinesis, self.now_ms)
    }
}
