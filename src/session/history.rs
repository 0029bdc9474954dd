//! The page's "event history": what happened, in order, in sentences a learner can read.
//!
//! The world's event log is written for machines and animations: a busy stream logs a
//! `RecordsPut` per producer, shard and send, so thousands of records a second become hundreds
//! of events a second, and a KCL application adds a renewal per lease every few seconds. Listed
//! raw, the one split or the one lease taken from a dead worker would scroll past unseen. So
//! traffic is summed up per actor, shard and simulated second ("web put 1,200 records into
//! shardId-000000000000"), renewals per worker and second, and everything rarer (a split, a
//! stream turning ACTIVE, a lease expiring, taken or stolen, a checkpoint, a fault) gets a line
//! of its own, in Kinesis and KCL words.
//!
//! [`build`] turns a slice of events into lines; [`History`] does the same incrementally, frame
//! by frame, keeping a bounded number of lines. Both give the same lines however the events are
//! cut into chunks: a line for the current second is simply updated when more of that second
//! arrives. Lines can be filtered by shard, worker and kind, and exported as JSON.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use serde::Serialize;

use crate::engine::EngineEvent;
use crate::kcl::{DuplicateReason, KclEvent};
use crate::sim::{Event, EventKind, START_MS};

/// The producer name console and script puts are listed under.
pub const CONSOLE: &str = "console";

/// One line of the history as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryItem {
    /// Simulated milliseconds since the start (the clock of `World::elapsed_ms`).
    pub at_ms: u64,
    pub kind: HistoryKind,
    /// One sentence, in Kinesis and KCL words.
    pub text: String,
    /// The shard ids involved (for filtering and highlighting).
    pub shards: Vec<String>,
    /// The KCL workers involved, as `APP/WORKER`.
    pub workers: Vec<String>,
    /// The sequence number of the (first) event behind this line: stable, for keys.
    pub seq: u64,
}

/// What a line is about, for the filter menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum HistoryKind {
    Puts,
    Throttles,
    Reads,
    #[serde(rename = "Resharding")]
    Reshard,
    Status,
    #[serde(rename = "Leases")]
    Lease,
    #[serde(rename = "Checkpoints")]
    Checkpoint,
    #[serde(rename = "Faults")]
    Fault,
    Other,
}

impl HistoryKind {
    pub const ALL: [HistoryKind; 9] = [
        HistoryKind::Puts,
        HistoryKind::Throttles,
        HistoryKind::Reads,
        HistoryKind::Reshard,
        HistoryKind::Status,
        HistoryKind::Lease,
        HistoryKind::Checkpoint,
        HistoryKind::Fault,
        HistoryKind::Other,
    ];

    /// The name in the filter menu (and in the JSON export).
    pub fn label(self) -> &'static str {
        match self {
            HistoryKind::Puts => "Puts",
            HistoryKind::Throttles => "Throttles",
            HistoryKind::Reads => "Reads",
            HistoryKind::Reshard => "Resharding",
            HistoryKind::Status => "Status",
            HistoryKind::Lease => "Leases",
            HistoryKind::Checkpoint => "Checkpoints",
            HistoryKind::Fault => "Faults",
            HistoryKind::Other => "Other",
        }
    }
}

/// Filters chosen in the page; an empty or `None` field means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    pub shard: Option<String>,
    pub worker: Option<String>,
    /// Empty: every kind.
    pub kinds: BTreeSet<HistoryKind>,
}

impl HistoryFilter {
    pub fn matches(&self, item: &HistoryItem) -> bool {
        let involves = |wanted: &Option<String>, ids: &[String]| match wanted.as_deref() {
            None | Some("") => true,
            Some(id) => ids.iter().any(|i| i == id),
        };
        involves(&self.shard, &item.shards)
            && involves(&self.worker, &item.workers)
            && (self.kinds.is_empty() || self.kinds.contains(&item.kind))
    }
}

/// Builds the history of `events` (in sequence order): lines ordered by time, then by seq.
pub fn build(events: &[Event]) -> Vec<HistoryItem> {
    let mut history = History::new(usize::MAX);
    history.push(events);
    history.entries.into_iter().map(|e| e.item).collect()
}

/// The history kept incrementally: fed the new events each frame, it keeps at most `capacity`
/// lines (the oldest go first), and a line summing up a second is updated by later events of
/// the same second, even when they come in a later call.
#[derive(Clone, Debug)]
pub struct History {
    capacity: usize,
    /// Ordered by (at_ms, seq), then by arrival.
    entries: VecDeque<Entry>,
    /// Where each kept summing-up line is.
    groups: HashMap<Group, Place>,
    next_id: u64,
}

#[derive(Clone, Debug)]
struct Entry {
    id: u64,
    item: HistoryItem,
    /// For a line that sums events up: what it sums.
    tally: Option<(Group, Tally)>,
}

/// How to find an entry: its order key and its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    at_ms: u64,
    seq: u64,
    id: u64,
}

/// What a summing-up line counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Sum {
    /// Records a producer (or the console) put into a shard.
    Put,
    /// Records a shard refused from a producer (or the console).
    PutRefused,
    /// Records a consumer read from a shard.
    Read,
    /// GetRecords calls a shard refused from a consumer.
    ReadRefused,
    /// Leases a worker renewed.
    Renewal,
}

/// One summing-up line's identity: what, who, where, which simulated second.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Group {
    sum: Sum,
    /// A producer, a consumer, or an `APP/WORKER`.
    actor: String,
    stream: String,
    shard: String,
    /// Epoch seconds.
    second: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Tally {
    /// Events summed (calls, sends).
    events: u64,
    /// Records (or refused calls).
    count: u64,
    /// The first event's partition key.
    sample_key: String,
    /// The latest MillisBehindLatest (reads).
    millis_behind_latest: u64,
    /// Lease key -> the leaseCounter its latest renewal left (renewals).
    leases: BTreeMap<String, u64>,
}

/// One event's share of a summing-up line.
#[derive(Clone, Debug, Default)]
struct Part {
    count: u64,
    sample_key: String,
    millis_behind_latest: u64,
    lease: Option<(String, u64)>,
}

/// What one event becomes.
enum Line {
    /// A line of its own.
    Own(Own),
    /// A share of a summing-up line.
    Summed(Group, Part),
}

impl History {
    pub fn new(capacity: usize) -> History {
        History {
            capacity,
            entries: VecDeque::new(),
            groups: HashMap::new(),
            next_id: 0,
        }
    }

    /// Takes in new events (in sequence order).
    pub fn push(&mut self, events: &[Event]) {
        for event in events {
            match line_of(event) {
                Line::Own(own) => self.insert(own.into_item(event), None),
                Line::Summed(group, part) => self.add(event, group, part),
            }
        }
    }

    /// The kept lines, oldest first.
    pub fn items(&self) -> impl Iterator<Item = &HistoryItem> {
        self.entries.iter().map(|e| &e.item)
    }

    /// The kept lines that match `filter`, oldest first.
    pub fn filtered<'a>(
        &'a self,
        filter: &'a HistoryFilter,
    ) -> impl Iterator<Item = &'a HistoryItem> + 'a {
        self.items().filter(move |item| filter.matches(item))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The kept lines that match `filter` as pretty JSON (an array of lines, each kind by its
    /// label), for the "export" button.
    pub fn to_json(&self, filter: &HistoryFilter) -> String {
        let items: Vec<&HistoryItem> = self.filtered(filter).collect();
        serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string())
    }

    /// Every shard id in the kept lines, sorted, for the filter menu.
    pub fn shards(&self) -> Vec<String> {
        let ids: BTreeSet<&String> = self.items().flat_map(|i| &i.shards).collect();
        ids.into_iter().cloned().collect()
    }

    /// Every `APP/WORKER` in the kept lines, sorted, for the filter menu.
    pub fn workers(&self) -> Vec<String> {
        let ids: BTreeSet<&String> = self.items().flat_map(|i| &i.workers).collect();
        ids.into_iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.groups.clear();
    }

    /// Adds an event to its summing-up line, starting the line if it is new (or was dropped).
    fn add(&mut self, event: &Event, group: Group, part: Part) {
        match self.position(&group) {
            Some(index) => {
                if let Some(entry) = self.entries.get_mut(index) {
                    if let Some((_, tally)) = entry.tally.as_mut() {
                        tally.add(part);
                    }
                }
                self.render(index);
            }
            None => {
                let tally = Tally::from(part);
                let item = HistoryItem {
                    at_ms: elapsed(event.at_ms),
                    kind: kind_of(group.sum),
                    text: String::new(),
                    shards: ids([&group.shard]),
                    workers: match group.sum {
                        Sum::Renewal => ids([&group.actor]),
                        _ => Vec::new(),
                    },
                    seq: event.seq,
                };
                self.insert(item, Some((group.clone(), tally)));
                if let Some(index) = self.position(&group) {
                    self.render(index);
                }
            }
        }
        // A put line says how many of the same second's records were refused.
        if group.sum == Sum::PutRefused {
            let puts = Group {
                sum: Sum::Put,
                ..group
            };
            if let Some(index) = self.position(&puts) {
                self.render(index);
            }
        }
    }

    /// Inserts a line in time order and drops the oldest lines over capacity.
    fn insert(&mut self, item: HistoryItem, tally: Option<(Group, Tally)>) {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let place = Place {
            at_ms: item.at_ms,
            seq: item.seq,
            id,
        };
        if let Some((group, _)) = &tally {
            self.groups.insert(group.clone(), place);
        }
        let index = self
            .entries
            .partition_point(|e| (e.item.at_ms, e.item.seq) <= (place.at_ms, place.seq));
        self.entries.insert(index, Entry { id, item, tally });
        while self.entries.len() > self.capacity {
            let Some(dropped) = self.entries.pop_front() else {
                break;
            };
            if let Some((group, _)) = dropped.tally {
                if self.groups.get(&group).is_some_and(|p| p.id == dropped.id) {
                    self.groups.remove(&group);
                }
            }
        }
    }

    /// Where a group's kept line is.
    fn position(&self, group: &Group) -> Option<usize> {
        let place = *self.groups.get(group)?;
        let from = self
            .entries
            .partition_point(|e| (e.item.at_ms, e.item.seq) < (place.at_ms, place.seq));
        self.entries
            .range(from..)
            .take_while(|e| (e.item.at_ms, e.item.seq) == (place.at_ms, place.seq))
            .position(|e| e.id == place.id)
            .map(|offset| from + offset)
    }

    /// Records of a producer refused by a shard in a second, as counted so far.
    fn refused(&self, puts: &Group) -> u64 {
        let refused = Group {
            sum: Sum::PutRefused,
            ..puts.clone()
        };
        self.position(&refused)
            .and_then(|index| self.entries.get(index))
            .and_then(|e| e.tally.as_ref())
            .map_or(0, |(_, tally)| tally.count)
    }

    /// Rewrites a summing-up line's sentence (and shards) from its tally.
    fn render(&mut self, index: usize) {
        let Some((group, _)) = self.entries.get(index).and_then(|e| e.tally.as_ref()) else {
            return;
        };
        let refused = match group.sum {
            Sum::Put => self.refused(group),
            _ => 0,
        };
        let Some(entry) = self.entries.get_mut(index) else {
            return;
        };
        let Some((group, tally)) = entry.tally.as_ref() else {
            return;
        };
        entry.item.text = summed_text(group, tally, refused);
        if group.sum == Sum::Renewal {
            entry.item.shards = tally.leases.keys().cloned().collect();
        }
    }
}

impl Tally {
    fn from(part: Part) -> Tally {
        let mut tally = Tally {
            sample_key: part.sample_key.clone(),
            ..Tally::default()
        };
        tally.add(part);
        tally
    }

    fn add(&mut self, part: Part) {
        self.events = self.events.saturating_add(1);
        self.count = self.count.saturating_add(part.count);
        self.millis_behind_latest = part.millis_behind_latest;
        if let Some((lease, counter)) = part.lease {
            self.leases.insert(lease, counter);
        }
    }
}

// ---------------------------------------------------------------------- events to lines

/// What an event becomes: a share of a summing-up line, or a line of its own.
fn line_of(event: &Event) -> Line {
    let second = event.at_ms / 1000;
    match &event.kind {
        EventKind::RecordsPut {
            producer,
            stream,
            shard,
            count,
            sample_key,
        } => Line::Summed(
            Group::new(Sum::Put, producer, stream, shard, second),
            Part::records(*count, sample_key),
        ),
        EventKind::RecordPut {
            stream,
            shard,
            partition_key,
            ..
        } => Line::Summed(
            Group::new(Sum::Put, CONSOLE, stream, shard, second),
            Part::records(1, partition_key),
        ),
        EventKind::RecordsThrottled {
            producer,
            stream,
            shard,
            count,
            sample_key,
        } => Line::Summed(
            Group::new(Sum::PutRefused, producer, stream, shard, second),
            Part::records(*count, sample_key),
        ),
        EventKind::PutThrottled {
            stream,
            shard,
            partition_key,
        } => Line::Summed(
            Group::new(Sum::PutRefused, CONSOLE, stream, shard, second),
            Part::records(1, partition_key),
        ),
        EventKind::RecordsRead {
            consumer,
            stream,
            shard,
            count,
            millis_behind_latest,
        } => Line::Summed(
            Group::new(Sum::Read, consumer, stream, shard, second),
            Part {
                count: *count,
                millis_behind_latest: *millis_behind_latest,
                ..Part::default()
            },
        ),
        EventKind::ReadThrottled {
            consumer,
            stream,
            shard,
        } => Line::Summed(
            Group::new(Sum::ReadRefused, consumer, stream, shard, second),
            Part::records(1, ""),
        ),
        EventKind::RecordsFailed {
            producer,
            count,
            reason,
        } => Line::Own(Own::new(
            HistoryKind::Puts,
            format!(
                "{producer} gave up on {}: {reason}",
                plural(*count, "record", "records")
            ),
            [],
            [],
        )),
        EventKind::IteratorExpired {
            consumer, shard, ..
        } => Line::Own(Own::new(
            HistoryKind::Reads,
            format!(
                "{consumer}'s shard iterator for {} expired: it was older than 5 minutes \
                 (ExpiredIteratorException)",
                shard_name(shard)
            ),
            [shard],
            [],
        )),
        EventKind::ShardEnded {
            consumer,
            shard,
            children,
            ..
        } => Line::Own(shard_ended(consumer, shard, children)),
        EventKind::Fault { target, action } => Line::Own(Own::new(
            HistoryKind::Fault,
            fault_text(target, action),
            [],
            [],
        )),
        EventKind::Service { event } => Line::Own(service_line(event)),
        EventKind::Kcl { event } => kcl_line(event, second),
    }
}

/// A line of its own, before it gets its time.
struct Own {
    kind: HistoryKind,
    text: String,
    shards: Vec<String>,
    workers: Vec<String>,
}

impl Own {
    fn new<const S: usize, const W: usize>(
        kind: HistoryKind,
        text: String,
        shards: [&str; S],
        workers: [String; W],
    ) -> Own {
        Own {
            kind,
            text,
            shards: ids(shards),
            workers: ids(workers.iter()),
        }
    }

    fn into_item(self, event: &Event) -> HistoryItem {
        HistoryItem {
            at_ms: elapsed(event.at_ms),
            kind: self.kind,
            text: self.text,
            shards: self.shards,
            workers: self.workers,
            seq: event.seq,
        }
    }
}

impl Group {
    fn new(sum: Sum, actor: &str, stream: &str, shard: &str, second: u64) -> Group {
        Group {
            sum,
            actor: actor.to_string(),
            stream: stream.to_string(),
            shard: shard.to_string(),
            second,
        }
    }
}

impl Part {
    fn records(count: u64, sample_key: &str) -> Part {
        Part {
            count,
            sample_key: sample_key.to_string(),
            ..Part::default()
        }
    }
}

/// A consumer finished a closed shard and moved on to its children.
fn shard_ended(consumer: &str, shard: &str, children: &[String]) -> Own {
    let text = match children {
        [] => format!("{consumer} read closed {} to its end", shard_name(shard)),
        [child] => format!(
            "{consumer} read closed {} to its end and moved on to its child {child}",
            shard_name(shard)
        ),
        _ => format!(
            "{consumer} read closed {} to its end and moved on to its children {}",
            shard_name(shard),
            and_list(children)
        ),
    };
    Own {
        kind: HistoryKind::Reshard,
        text,
        shards: ids(std::iter::once(shard).chain(children.iter().map(String::as_str))),
        workers: Vec::new(),
    }
}

/// "producer added" for `web` reads "producer web added".
fn fault_text(target: &str, action: &str) -> String {
    for what in ["KCL application", "producer", "consumer"] {
        if let Some(rest) = action.strip_prefix(what).and_then(|r| r.strip_prefix(' ')) {
            return format!("{what} {target} {rest}");
        }
    }
    format!("{target}: {action}")
}

/// Lines for the service's own changes.
fn service_line(event: &EngineEvent) -> Own {
    match event {
        EngineEvent::StreamStatusChanged { stream, status, .. } => Own::new(
            HistoryKind::Status,
            format!("stream {stream} is now {status}"),
            [],
            [],
        ),
        EngineEvent::StreamDeleted { stream, .. } => Own::new(
            HistoryKind::Status,
            format!("stream {stream} was deleted"),
            [],
            [],
        ),
        EngineEvent::ShardSplit {
            stream,
            parent,
            children,
            ..
        } => Own::new(
            HistoryKind::Reshard,
            format!(
                "{} of {stream} split into {} and {}: the parent is closed, its children \
                 take its writes",
                shard_name(parent),
                shard_name(&children[0]),
                shard_name(&children[1])
            ),
            [parent, &children[0], &children[1]],
            [],
        ),
        EngineEvent::ShardsMerged {
            stream,
            parents,
            child,
            ..
        } => Own::new(
            HistoryKind::Reshard,
            format!(
                "{} and {} of {stream} merged into {}: the parents are closed, the child \
                 takes their writes",
                shard_name(&parents[0]),
                shard_name(&parents[1]),
                shard_name(child)
            ),
            [&parents[0], &parents[1], child],
            [],
        ),
        EngineEvent::RecordsExpired { stream, count, .. } => Own::new(
            HistoryKind::Other,
            format!(
                "{} of {stream} passed the retention period and were trimmed",
                plural(*count, "record", "records")
            ),
            [],
            [],
        ),
    }
}

/// Lines for a KCL application's events: renewals are summed up per worker and second.
fn kcl_line(event: &KclEvent, second: u64) -> Line {
    let own = match event {
        KclEvent::LeaseCreated {
            app,
            lease,
            checkpoint,
        } => Own::new(
            HistoryKind::Lease,
            format!(
                "{app} created lease {} in its lease table (checkpoint {checkpoint})",
                shard_name(lease)
            ),
            [lease],
            [],
        ),
        KclEvent::LeaseRenewed {
            app,
            worker,
            lease,
            counter,
        } => {
            return Line::Summed(
                Group::new(Sum::Renewal, &worker_id(app, worker), "", "", second),
                Part {
                    lease: Some((lease.clone(), *counter)),
                    ..Part::default()
                },
            )
        }
        KclEvent::LeaseExpired {
            app,
            lease,
            owner,
            seen_by,
        } => {
            let seer = worker_id(app, seen_by);
            let text = if owner.is_empty() {
                format!(
                    "{seer} saw lease {} expire: its leaseCounter did not move for \
                     failoverTimeMillis",
                    shard_name(lease)
                )
            } else {
                format!(
                    "{seer} saw lease {} of {} expire: its leaseCounter did not move for \
                     failoverTimeMillis",
                    shard_name(lease),
                    worker_id(app, owner)
                )
            };
            Own::new(
                HistoryKind::Lease,
                text,
                [lease],
                [worker_id(app, owner), seer],
            )
        }
        KclEvent::LeaseTaken {
            app,
            lease,
            worker,
            from,
            counter,
            stolen,
        } => {
            let taker = worker_id(app, worker);
            let lease_name = shard_name(lease);
            let from = from.as_deref().filter(|f| !f.is_empty());
            let text = match from {
                None => format!(
                    "{taker} took lease {lease_name}, which had no owner (leaseCounter now \
                     {counter})"
                ),
                Some(previous) if previous == worker => format!(
                    "{taker} restarted and reclaimed its own lease {lease_name} (leaseCounter \
                     now {counter})"
                ),
                Some(previous) if *stolen => format!(
                    "{taker} stole lease {lease_name} from {} to balance the load \
                     (leaseCounter now {counter})",
                    worker_id(app, previous)
                ),
                Some(previous) => format!(
                    "{taker} took lease {lease_name} from {}, whose lease had expired \
                     (leaseCounter now {counter})",
                    worker_id(app, previous)
                ),
            };
            let previous = from.map(|f| worker_id(app, f)).unwrap_or_default();
            Own::new(HistoryKind::Lease, text, [lease], [taker, previous])
        }
        KclEvent::LeaseLost {
            app,
            lease,
            worker,
            why,
        } => Own::new(
            HistoryKind::Lease,
            format!(
                "{} lost lease {}: {why}",
                worker_id(app, worker),
                shard_name(lease)
            ),
            [lease],
            [worker_id(app, worker)],
        ),
        KclEvent::Checkpointed {
            app,
            lease,
            worker,
            checkpoint,
        } => {
            let text = if checkpoint == "SHARD_END" {
                format!(
                    "{} checkpointed SHARD_END for {}: the closed shard is finished",
                    worker_id(app, worker),
                    shard_name(lease)
                )
            } else {
                format!(
                    "{} checkpointed {} at sequence number {checkpoint}",
                    worker_id(app, worker),
                    shard_name(lease)
                )
            };
            Own::new(
                HistoryKind::Checkpoint,
                text,
                [lease],
                [worker_id(app, worker)],
            )
        }
        KclEvent::CheckpointFailed {
            app,
            lease,
            worker,
            message,
        } => Own::new(
            HistoryKind::Checkpoint,
            format!(
                "{} could not checkpoint {}: {message}",
                worker_id(app, worker),
                shard_name(lease)
            ),
            [lease],
            [worker_id(app, worker)],
        ),
        KclEvent::ConsumerState {
            app,
            lease,
            worker,
            state,
            reason,
        } => Own::new(
            HistoryKind::Status,
            match reason {
                Some(reason) => format!(
                    "{}'s shard consumer for {} is {state} (reason {reason})",
                    worker_id(app, worker),
                    shard_name(lease)
                ),
                None => format!(
                    "{}'s shard consumer for {} is {state}",
                    worker_id(app, worker),
                    shard_name(lease)
                ),
            },
            [lease],
            [worker_id(app, worker)],
        ),
        KclEvent::LeaseDeleted { app, lease } => Own::new(
            HistoryKind::Lease,
            format!(
                "{app} deleted lease {}: the shard was checkpointed at SHARD_END and its \
                 children have started",
                shard_name(lease)
            ),
            [lease],
            [],
        ),
        KclEvent::Duplicates {
            app,
            lease,
            worker,
            count,
            reason,
        } => Own::new(
            HistoryKind::Checkpoint,
            format!(
                "{} processed {} of {} a second time: {}",
                worker_id(app, worker),
                plural(*count, "record", "records"),
                shard_name(lease),
                duplicate_cause(*reason)
            ),
            [lease],
            [worker_id(app, worker)],
        ),
        KclEvent::Overlap {
            app,
            lease,
            workers,
        } => {
            let ids: Vec<String> = workers.iter().map(|w| worker_id(app, w)).collect();
            Own {
                kind: HistoryKind::Lease,
                text: format!(
                    "{} processed {} at the same time",
                    and_list(&ids),
                    shard_name(lease)
                ),
                shards: self::ids([lease]),
                workers: self::ids(ids.iter()),
            }
        }
        KclEvent::ShardEndNotCheckpointed { app, lease, worker } => Own::new(
            HistoryKind::Checkpoint,
            format!(
                "{} reached the end of closed {} but did not checkpoint SHARD_END: its \
                 children stay blocked",
                worker_id(app, worker),
                shard_name(lease)
            ),
            [lease],
            [worker_id(app, worker)],
        ),
        KclEvent::Worker {
            app,
            worker,
            action,
        } => {
            let kind = match action.as_str() {
                "started" | "woke up" => HistoryKind::Status,
                _ => HistoryKind::Fault,
            };
            Own::new(
                kind,
                format!("KCL worker {} {action}", worker_id(app, worker)),
                [],
                [worker_id(app, worker)],
            )
        }
    };
    Line::Own(own)
}

fn duplicate_cause(reason: DuplicateReason) -> &'static str {
    match reason {
        DuplicateReason::Failover => {
            "it took the lease after a failover and restarted from the last checkpoint"
        }
        DuplicateReason::Steal => {
            "it stole the lease to balance the load and restarted from the last checkpoint"
        }
        DuplicateReason::Restart => {
            "it restarted with its old id and went on from the last checkpoint"
        }
        DuplicateReason::ZombieOverlap => {
            "it had lost the lease (a zombie) but finished a batch the new owner processed too"
        }
    }
}

// ---------------------------------------------------------------------- summed-up lines

fn kind_of(sum: Sum) -> HistoryKind {
    match sum {
        Sum::Put => HistoryKind::Puts,
        Sum::PutRefused | Sum::ReadRefused => HistoryKind::Throttles,
        Sum::Read => HistoryKind::Reads,
        Sum::Renewal => HistoryKind::Lease,
    }
}

/// The sentence of a summing-up line; `refused` is the same second's refused records (puts).
fn summed_text(group: &Group, tally: &Tally, refused: u64) -> String {
    let actor = &group.actor;
    let shard = shard_name(&group.shard);
    match group.sum {
        Sum::Put if refused > 0 => format!(
            "{actor} put {} into {shard}, {} refused (ProvisionedThroughputExceeded)",
            plural(tally.count, "record", "records"),
            int(refused)
        ),
        Sum::Put => format!(
            "{actor} put {} into {shard}",
            plural(tally.count, "record", "records")
        ),
        Sum::PutRefused => {
            let key = if tally.sample_key.is_empty() {
                String::new()
            } else {
                format!("; first refused key {}", tally.sample_key)
            };
            format!(
                "{shard} refused {} from {actor} with ProvisionedThroughputExceededException \
                 (over its write limit){key}",
                plural(tally.count, "record", "records")
            )
        }
        Sum::Read => format!(
            "{actor} read {} from {shard} in {} (MillisBehindLatest {})",
            plural(tally.count, "record", "records"),
            plural(tally.events, "GetRecords call", "GetRecords calls"),
            int(tally.millis_behind_latest)
        ),
        Sum::ReadRefused => format!(
            "{shard} refused {} from {actor} with ProvisionedThroughputExceededException \
             (over 5 reads/s or 2 MiB/s)",
            plural(tally.count, "GetRecords call", "GetRecords calls")
        ),
        Sum::Renewal => {
            let leases: Vec<String> = tally
                .leases
                .iter()
                .map(|(lease, counter)| format!("{} leaseCounter now {counter}", shard_name(lease)))
                .collect();
            format!(
                "{actor} renewed {} ({})",
                plural(tally.leases.len() as u64, "lease", "leases"),
                leases.join(", ")
            )
        }
    }
}

// ---------------------------------------------------------------------- words

/// Milliseconds since the simulation began.
fn elapsed(at_ms: u64) -> u64 {
    at_ms.saturating_sub(START_MS)
}

/// A worker as the filter knows it: `APP/WORKER`.
fn worker_id(app: &str, worker: &str) -> String {
    if worker.is_empty() {
        String::new()
    } else {
        format!("{app}/{worker}")
    }
}

/// Non-empty ids, without repeats, in the order given.
fn ids<S: AsRef<str>>(ids: impl IntoIterator<Item = S>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let id = id.as_ref();
        if !id.is_empty() && !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    out
}

fn shard_name(shard: &str) -> &str {
    if shard.is_empty() {
        "an unknown shard"
    } else {
        shard
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// `1 record`, `1,200 records`.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", int(n), if n == 1 { one } else { many })
}

/// `1234567` as `1,234,567`.
fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::metrics::Metric;
    use crate::session::{Link, Session};

    const SHARD_0: &str = "shardId-000000000000";
    const SHARD_1: &str = "shardId-000000000001";

    /// The default scene (4 shards, web/mobile/viral, KCL app analytics) after `ms`.
    fn default_scene(ms: u64) -> Session {
        let mut session = Session::new(Link::decode("#seed=1").unwrap());
        session.advance(ms);
        session
    }

    fn events(session: &Session) -> Vec<Event> {
        session.world.events_since(0).events
    }

    /// The number right after `verb` in a line: "web put 1,200 records" -> 1200.
    fn number_after(text: &str, verb: &str) -> u64 {
        let (_, rest) = text
            .split_once(verb)
            .unwrap_or_else(|| panic!("{verb} in {text}"));
        let digits: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        digits
            .parse()
            .unwrap_or_else(|_| panic!("a number in {text}"))
    }

    fn of_kind(items: &[HistoryItem], kind: HistoryKind) -> Vec<&HistoryItem> {
        items.iter().filter(|i| i.kind == kind).collect()
    }

    fn filter_shard(shard: &str) -> HistoryFilter {
        HistoryFilter {
            shard: Some(shard.to_string()),
            ..HistoryFilter::default()
        }
    }

    #[test]
    fn the_hot_keys_shard_throttles_and_the_others_do_not() {
        let session = default_scene(30_000);
        let items = build(&events(&session));
        let throttles = of_kind(&items, HistoryKind::Throttles);
        assert!(throttles.iter().any(|i| i.shards == [SHARD_1]));
        assert!(throttles
            .iter()
            .all(|i| !i.shards.iter().any(|s| s == SHARD_0)));
        assert!(
            throttles
                .iter()
                .any(|i| i.text.contains("from viral") && i.text.contains("key user-42")),
            "the hot key is named"
        );
        assert!(throttles
            .iter()
            .all(|i| i.text.contains("ProvisionedThroughputExceededException")));
    }

    #[test]
    fn the_puts_of_a_second_add_up_to_the_shard_metrics() {
        let session = default_scene(30_000);
        let events = events(&session);
        let items = build(&events);
        let stream = session.world.kinesis().stream("orders").unwrap();
        // Whole seconds well inside the run (the stream was ACTIVE after 10 s).
        for elapsed_second in 12..29 {
            let second = START_MS / 1000 + elapsed_second;
            for (index, shard) in stream.shards.iter().enumerate() {
                let id = crate::engine::shard_id(index as u32);
                let lines: Vec<&HistoryItem> = items
                    .iter()
                    .filter(|i| i.kind == HistoryKind::Puts && i.at_ms / 1000 == elapsed_second)
                    .filter(|i| i.shards == [id.clone()])
                    .collect();
                let listed: u64 = lines.iter().map(|i| number_after(&i.text, " put ")).sum();
                let metric = shard.metrics.in_second(Metric::IncomingRecords, second);
                assert_eq!(listed, metric, "{id} in second {elapsed_second}");
                // One line per producer, shard and second.
                let producers: BTreeSet<&str> = lines
                    .iter()
                    .filter_map(|i| i.text.split_whitespace().next())
                    .collect();
                assert_eq!(producers.len(), lines.len());
                // web's line is the sum of web's sends.
                let web: u64 = events
                    .iter()
                    .filter(|e| e.at_ms / 1000 == second)
                    .filter_map(|e| match &e.kind {
                        EventKind::RecordsPut {
                            producer,
                            shard,
                            count,
                            ..
                        } if producer == "web" && *shard == id => Some(*count),
                        _ => None,
                    })
                    .sum();
                let web_line = lines.iter().find(|i| i.text.starts_with("web put "));
                assert_eq!(web_line.map_or(0, |i| number_after(&i.text, " put ")), web);
            }
        }
    }

    #[test]
    fn a_put_line_says_how_many_of_the_same_second_were_refused() {
        let session = default_scene(30_000);
        let items = build(&events(&session));
        let refused: Vec<&HistoryItem> = of_kind(&items, HistoryKind::Throttles)
            .into_iter()
            .filter(|i| i.text.contains("from viral"))
            .collect();
        assert!(!refused.is_empty());
        for throttle in refused {
            let second = throttle.at_ms / 1000;
            let put = items
                .iter()
                .find(|i| {
                    i.kind == HistoryKind::Puts
                        && i.at_ms / 1000 == second
                        && i.shards == throttle.shards
                        && i.text.starts_with("viral put ")
                })
                .expect("viral put records in the same second");
            assert_eq!(
                number_after(&put.text, ", "),
                number_after(&throttle.text, " refused "),
                "{} / {}",
                put.text,
                throttle.text
            );
            assert!(put
                .text
                .ends_with("refused (ProvisionedThroughputExceeded)"));
        }
    }

    #[test]
    fn renewals_are_one_line_per_worker_and_second() {
        let session = default_scene(30_000);
        let events = events(&session);
        let items = build(&events);
        let renewals: Vec<&HistoryItem> = items
            .iter()
            .filter(|i| i.text.contains(" renewed "))
            .collect();
        assert!(!renewals.is_empty());
        let mut seen = BTreeSet::new();
        for line in &renewals {
            assert_eq!(line.kind, HistoryKind::Lease);
            assert_eq!(line.workers.len(), 1);
            assert!(seen.insert((line.workers[0].clone(), line.at_ms / 1000)));
            let leases: BTreeSet<&String> = events
                .iter()
                .filter(|e| elapsed(e.at_ms) / 1000 == line.at_ms / 1000)
                .filter_map(|e| match &e.kind {
                    EventKind::Kcl {
                        event:
                            KclEvent::LeaseRenewed {
                                app, worker, lease, ..
                            },
                    } if worker_id(app, worker) == line.workers[0] => Some(lease),
                    _ => None,
                })
                .collect();
            assert_eq!(number_after(&line.text, " renewed "), leases.len() as u64);
            assert_eq!(line.shards.iter().collect::<BTreeSet<_>>(), leases);
            assert!(line.text.contains("leaseCounter now "));
        }
    }

    #[test]
    fn filters_keep_only_what_involves_the_shard_the_worker_and_the_kinds() {
        let session = default_scene(30_000);
        let mut history = History::new(10_000);
        history.push(&events(&session));

        let by_shard = filter_shard(SHARD_1);
        let lines: Vec<&HistoryItem> = history.filtered(&by_shard).collect();
        assert!(lines.len() > 10);
        assert!(lines.iter().all(|i| i.shards.iter().any(|s| s == SHARD_1)));
        let kinds: BTreeSet<HistoryKind> = lines.iter().map(|i| i.kind).collect();
        assert!(kinds.contains(&HistoryKind::Puts) && kinds.contains(&HistoryKind::Throttles));

        let worker = "analytics/worker-2".to_string();
        let by_worker = HistoryFilter {
            worker: Some(worker.clone()),
            ..HistoryFilter::default()
        };
        let lines: Vec<&HistoryItem> = history.filtered(&by_worker).collect();
        assert!(lines.iter().all(|i| i.workers.contains(&worker)));
        assert!(lines.iter().any(|i| i.kind == HistoryKind::Lease));
        assert!(lines.iter().all(|i| i.kind != HistoryKind::Puts));

        let leases_of_worker = HistoryFilter {
            kinds: [HistoryKind::Lease].into(),
            ..by_worker.clone()
        };
        let leases: Vec<&HistoryItem> = history.filtered(&leases_of_worker).collect();
        assert!(!leases.is_empty());
        assert!(leases
            .iter()
            .all(|i| i.kind == HistoryKind::Lease && i.workers.contains(&worker)));

        let two_kinds = HistoryFilter {
            kinds: [HistoryKind::Status, HistoryKind::Fault].into(),
            ..HistoryFilter::default()
        };
        let lines: Vec<&HistoryItem> = history.filtered(&two_kinds).collect();
        assert!(lines.iter().any(|i| i.kind == HistoryKind::Status));
        assert!(lines.iter().any(|i| i.kind == HistoryKind::Fault));
        assert!(lines
            .iter()
            .all(|i| matches!(i.kind, HistoryKind::Status | HistoryKind::Fault)));

        // Empty fields mean "any".
        let blank = HistoryFilter {
            shard: Some(String::new()),
            worker: Some(String::new()),
            kinds: BTreeSet::new(),
        };
        assert_eq!(history.filtered(&blank).count(), history.len());
        let nobody = HistoryFilter {
            worker: Some("analytics/worker-99".into()),
            ..HistoryFilter::default()
        };
        assert_eq!(history.filtered(&nobody).count(), 0);
    }

    #[test]
    fn reads_and_read_throttles_are_one_line_per_consumer_shard_and_second() {
        let script = "aws kinesis create-stream --stream-name feed --shard-count 1
aws kinesis wait stream-exists --stream-name feed
producer add p --stream feed --rate 100
consumer add c1 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c2 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c3 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c4 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c5 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c6 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
";
        let mut session = Session::new(Link::start(
            crate::session::Scenario::Script(script.into()),
            3,
        ));
        session.advance(30_000);
        let events = events(&session);
        let items = build(&events);
        let shard = &session.world.kinesis().stream("feed").unwrap().shards[0];
        let reads = of_kind(&items, HistoryKind::Reads);
        assert!(reads.iter().any(|i| i.text.starts_with("c1 read ")));
        let refusals: Vec<&HistoryItem> = of_kind(&items, HistoryKind::Throttles)
            .into_iter()
            .filter(|i| i.text.contains("GetRecords call"))
            .collect();
        assert!(
            !refusals.is_empty(),
            "six readers of one shard are throttled"
        );
        let mut keys = BTreeSet::new();
        for line in reads.iter().chain(&refusals) {
            assert_eq!(line.shards, [SHARD_0]);
            let consumer = if line.kind == HistoryKind::Reads {
                line.text.split_whitespace().next()
            } else {
                line.text.split_whitespace().nth(6)
            }
            .unwrap();
            assert!(keys.insert((line.kind, consumer, line.at_ms / 1000)));
            let in_second = |e: &&Event| elapsed(e.at_ms) / 1000 == line.at_ms / 1000;
            if line.kind == HistoryKind::Reads {
                let (records, calls) = events
                    .iter()
                    .filter(in_second)
                    .filter_map(|e| match &e.kind {
                        EventKind::RecordsRead {
                            consumer: c, count, ..
                        } if c == consumer => Some(*count),
                        _ => None,
                    })
                    .fold((0, 0), |(r, c), n| (r + n, c + 1));
                assert_eq!(number_after(&line.text, " read "), records);
                assert_eq!(number_after(&line.text, " in "), calls);
                assert!(line.text.contains("MillisBehindLatest"));
            } else {
                let calls = events
                    .iter()
                    .filter(in_second)
                    .filter(|e| {
                        matches!(&e.kind, EventKind::ReadThrottled { consumer: c, .. } if c == consumer)
                    })
                    .count() as u64;
                assert_eq!(
                    number_after(&line.text, " refused "),
                    calls,
                    "{}",
                    line.text
                );
            }
        }
        // Every refused GetRecords call of a second is listed.
        for second in 12..29 {
            let listed: u64 = refusals
                .iter()
                .filter(|i| i.at_ms / 1000 == second)
                .map(|i| number_after(&i.text, " refused "))
                .sum();
            let metric = shard.metrics.in_second(
                Metric::ReadProvisionedThroughputExceeded,
                START_MS / 1000 + second,
            );
            assert_eq!(listed, metric, "second {second}");
        }
    }

    #[test]
    fn a_split_is_told_with_its_parent_and_children() {
        let mut session = default_scene(15_000);
        session.run_command(
            "aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 \
             --new-starting-hash-key 127605887595351923798765477786913079296",
        );
        session.advance(10_000);
        let items = build(&events(&session));
        let reshards = of_kind(&items, HistoryKind::Reshard);
        let split = reshards
            .iter()
            .find(|i| i.text.contains("split"))
            .expect("a line for the split");
        assert_eq!(
            split.text,
            "shardId-000000000001 of orders split into shardId-000000000004 and \
             shardId-000000000005: the parent is closed, its children take its writes"
        );
        assert_eq!(
            split.shards,
            [SHARD_1, "shardId-000000000004", "shardId-000000000005"]
        );
        let status: Vec<&str> = of_kind(&items, HistoryKind::Status)
            .iter()
            .map(|i| i.text.as_str())
            .filter(|t| t.starts_with("stream orders"))
            .collect();
        assert!(status.contains(&"stream orders is now UPDATING"));
        assert_eq!(status.last(), Some(&"stream orders is now ACTIVE"));
        // The children take writes afterwards, and the learner can filter by them.
        let child = filter_shard("shardId-000000000004");
        let mut history = History::new(10_000);
        history.push(&events(&session));
        assert!(history
            .filtered(&child)
            .any(|i| i.kind == HistoryKind::Puts && i.at_ms > split.at_ms));
        assert!(history
            .shards()
            .contains(&"shardId-000000000005".to_string()));
    }

    #[test]
    fn a_dead_workers_leases_are_taken_from_it() {
        let mut session = default_scene(20_000);
        let app = session.world.app("analytics").unwrap();
        assert_eq!(app.workers.keys().count(), 3);
        // The worker holding the most leases.
        let victim = app
            .workers
            .keys()
            .max_by_key(|id| {
                app.table
                    .rows()
                    .filter(|l| l.lease_owner.as_deref() == Some(id.as_str()))
                    .count()
            })
            .unwrap()
            .clone();
        let mut history = History::new(5_000);
        let mut cursor = 0;
        let mut feed = |session: &Session, history: &mut History| {
            let since = session.world.events_since(cursor);
            cursor = since.next;
            history.push(&since.events);
        };
        feed(&session, &mut history);
        let killed_at = session.world.elapsed_ms();
        session.run_command(&format!("kcl worker kill analytics/{victim}"));
        for _ in 0..60 {
            session.advance(1_000);
            feed(&session, &mut history);
        }
        let dead = format!("analytics/{victim}");
        let after: Vec<&HistoryItem> = history.items().filter(|i| i.at_ms >= killed_at).collect();
        assert!(
            after
                .iter()
                .any(|i| i.kind == HistoryKind::Fault
                    && i.text == format!("KCL worker {dead} killed"))
        );
        let taken: Vec<&&HistoryItem> = after
            .iter()
            .filter(|i| i.kind == HistoryKind::Lease)
            .filter(|i| {
                i.text
                    .contains(&format!("from {dead}, whose lease had expired"))
            })
            .collect();
        assert!(!taken.is_empty(), "its leases are taken from it");
        for line in &taken {
            assert!(line.workers.contains(&dead));
            assert_eq!(line.workers.len(), 2);
            assert_eq!(line.shards.len(), 1);
            assert!(line.text.contains(" took lease shardId-"));
        }
        // A dead worker renews nothing.
        assert!(!after
            .iter()
            .any(|i| i.text.starts_with(&format!("{dead} renewed"))));
        // Its filter shows its story: the kill, and its leases going.
        let by_dead = HistoryFilter {
            worker: Some(dead.clone()),
            kinds: [HistoryKind::Lease].into(),
            shard: None,
        };
        assert!(history.filtered(&by_dead).count() >= taken.len());
    }

    #[test]
    fn chunks_of_any_size_give_the_same_lines_as_build() {
        let mut session = default_scene(20_000);
        session.run_command("kcl worker kill analytics/worker-1");
        session.run_command(
            "aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 \
             --new-starting-hash-key 127605887595351923798765477786913079296",
        );
        let put = "aws kinesis put-record --stream-name orders --data aGk= --partition-key";
        session.run_command(&format!("{put} user-42"));
        session.run_command(&format!("{put} k --explicit-hash-key 0"));
        session.advance(15_000);
        let events = events(&session);
        let built = build(&events);
        assert!(built.len() > 100);
        for chunk in [1, 7, events.len()] {
            let mut history = History::new(usize::MAX);
            for part in events.chunks(chunk) {
                history.push(part);
            }
            let fed: Vec<HistoryItem> = history.items().cloned().collect();
            assert_eq!(fed, built, "chunks of {chunk}");
        }
        // Ordered by time, then seq; seqs are keys.
        assert!(built
            .windows(2)
            .all(|w| (w[0].at_ms, w[0].seq) < (w[1].at_ms, w[1].seq)));
        // Console puts are listed under "console".
        let console: Vec<&str> = built
            .iter()
            .filter(|i| i.text.contains("console"))
            .map(|i| i.text.as_str())
            .collect();
        assert_eq!(
            console,
            [
                "shardId-000000000001 refused 1 record from console with \
                 ProvisionedThroughputExceededException (over its write limit); first refused \
                 key user-42",
                "console put 1 record into shardId-000000000000"
            ]
        );
    }

    #[test]
    fn the_export_is_json_of_the_filtered_lines_with_kinds_by_label() {
        let session = default_scene(30_000);
        let mut history = History::new(10_000);
        history.push(&events(&session));
        let filter = HistoryFilter {
            shard: Some(SHARD_1.into()),
            kinds: [HistoryKind::Throttles, HistoryKind::Lease].into(),
            ..HistoryFilter::default()
        };
        let expected = history.filtered(&filter).count();
        assert!(expected > 0);
        let json = history.to_json(&filter);
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        let lines = parsed.as_array().unwrap();
        assert_eq!(lines.len(), expected);
        for line in lines {
            assert!(["Throttles", "Leases"].contains(&line["kind"].as_str().unwrap()));
            assert!(line["text"].as_str().is_some());
            assert!(line["at_ms"].as_u64().is_some() && line["seq"].as_u64().is_some());
            assert!(line["shards"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!(SHARD_1)));
        }
        let everything = history.to_json(&HistoryFilter::default());
        let parsed: serde_json::Value = serde_json::from_str(&everything).unwrap();
        assert_eq!(parsed.as_array().unwrap().len(), history.len());
        assert_eq!(History::new(5).to_json(&filter), "[]");
    }

    #[test]
    fn every_kind_is_exported_as_its_label() {
        for kind in HistoryKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.label());
        }
        let labels: BTreeSet<&str> = HistoryKind::ALL.iter().map(|k| k.label()).collect();
        assert_eq!(labels.len(), HistoryKind::ALL.len());
    }

    #[test]
    fn capacity_bounds_the_history_and_drops_the_oldest() {
        let session = default_scene(30_000);
        let events = events(&session);
        let built = build(&events);
        let mut history = History::new(200);
        for part in events.chunks(50) {
            history.push(part);
            assert!(history.len() <= 200);
        }
        assert_eq!(history.len(), 200);
        let kept: Vec<HistoryItem> = history.items().cloned().collect();
        assert_eq!(kept, built[built.len() - 200..]);
        assert!(history.groups.len() <= history.len());

        let mut none = History::new(0);
        none.push(&events);
        assert!(none.is_empty());
        assert!(none.groups.is_empty());

        history.clear();
        assert!(history.is_empty() && history.shards().is_empty());
        history.push(&events);
        assert_eq!(history.len(), 200);
    }

    #[test]
    fn the_filter_menus_list_every_shard_and_worker() {
        let session = default_scene(30_000);
        let mut history = History::new(10_000);
        history.push(&events(&session));
        assert_eq!(
            history.shards(),
            (0..4).map(crate::engine::shard_id).collect::<Vec<_>>()
        );
        assert_eq!(
            history.workers(),
            [
                "analytics/worker-1",
                "analytics/worker-2",
                "analytics/worker-3"
            ]
        );
    }

    #[test]
    fn odd_events_do_not_panic_and_are_still_ordered() {
        let put = |seq: u64, at_ms: u64, shard: &str, count: u64| Event {
            seq,
            at_ms,
            kind: EventKind::RecordsPut {
                producer: String::new(),
                stream: String::new(),
                shard: shard.to_string(),
                count,
                sample_key: String::new(),
            },
        };
        let events = vec![
            put(5, START_MS + 5_000, "", u64::MAX),
            put(5, START_MS + 5_000, "", u64::MAX),
            put(3, 0, SHARD_0, 1),
            Event {
                seq: 9,
                at_ms: u64::MAX,
                kind: EventKind::ShardEnded {
                    consumer: String::new(),
                    stream: String::new(),
                    shard: String::new(),
                    children: Vec::new(),
                },
            },
            Event {
                seq: 1,
                at_ms: START_MS,
                kind: EventKind::Kcl {
                    event: KclEvent::LeaseTaken {
                        app: "a".into(),
                        lease: String::new(),
                        worker: String::new(),
                        from: Some(String::new()),
                        counter: 0,
                        stolen: true,
                    },
                },
            },
            Event {
                seq: 2,
                at_ms: START_MS,
                kind: EventKind::Kcl {
                    event: KclEvent::Overlap {
                        app: "a".into(),
                        lease: SHARD_1.into(),
                        workers: Vec::new(),
                    },
                },
            },
        ];
        let items = build(&events);
        assert_eq!(items.len(), 5, "the two identical puts are one line");
        assert!(items
            .windows(2)
            .all(|w| (w[0].at_ms, w[0].seq) <= (w[1].at_ms, w[1].seq)));
        assert!(items.iter().all(|i| !i.text.is_empty()));
        assert!(items.iter().all(|i| i.shards.iter().all(|s| !s.is_empty())));
        let mut history = History::new(2);
        for event in events.iter().rev() {
            history.push(std::slice::from_ref(event));
        }
        assert!(history.len() <= 2);
    }

    #[test]
    fn words() {
        assert_eq!(int(0), "0");
        assert_eq!(int(1_350), "1,350");
        assert_eq!(int(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(plural(1, "lease", "leases"), "1 lease");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(
            fault_text("web", "producer paused for 500 ms"),
            "producer web paused for 500 ms"
        );
        assert_eq!(fault_text("x", "something"), "x: something");
    }
}
