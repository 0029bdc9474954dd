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
//!
//! This file is the history's model: the lines, their kinds and filter, and the bounded,
//! incrementally updated list ([`History`]) with its summing-up lines. The sentences
//! themselves, one per kind of event in Kinesis and KCL words, are in `sentences.rs`, apart,
//! because they are most of the text and change for wording, not for the model.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use serde::Serialize;

use crate::sim::{Event, START_MS};

mod sentences;

use sentences::{line_of, summed_text, OwnLine};

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
    totals: Option<(Group, Totals)>,
}

/// The summing-up lines a push changed, in the order first changed.
#[derive(Default)]
struct Touched {
    seen: std::collections::HashSet<Group>,
    order: Vec<Group>,
}

impl Touched {
    fn add(&mut self, group: &Group) {
        if self.seen.insert(group.clone()) {
            self.order.push(group.clone());
        }
    }
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

/// What a summing-up line has added up so far over its group's second: the [`Share`]s of
/// every event of the [`Group`], summed. Its sentence is rewritten from these totals each time
/// another event of the same second arrives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Totals {
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

/// One event's share of a summing-up line: what the event adds to its line's [`Totals`]
/// (records, a partition key, a MillisBehindLatest, a renewed lease).
#[derive(Clone, Debug, Default)]
struct Share {
    count: u64,
    sample_key: String,
    millis_behind_latest: u64,
    lease: Option<(String, u64)>,
}

/// What one event becomes.
enum Line {
    /// A line of its own.
    Own(OwnLine),
    /// A share of a summing-up line.
    Summed(Group, Share),
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
        // A summing-up line's sentence is written once per push, not once per event it sums:
        // a busy stream sends many events to one line between two frames.
        let mut touched = Touched::default();
        for event in events {
            match line_of(event) {
                Line::Own(line) => self.insert(line.into_item(event), None),
                Line::Summed(group, share) => self.add(event, group, share, &mut touched),
            }
        }
        for group in &touched.order {
            if let Some(index) = self.position(group) {
                self.render(index);
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
    /// The sentences of the lines it changes are written at the end of the push (`touched`).
    fn add(&mut self, event: &Event, group: Group, share: Share, touched: &mut Touched) {
        match self.position(&group) {
            Some(index) => {
                if let Some(entry) = self.entries.get_mut(index) {
                    if let Some((_, totals)) = entry.totals.as_mut() {
                        totals.add(share);
                    }
                }
            }
            None => {
                let totals = Totals::from(share);
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
                self.insert(item, Some((group.clone(), totals)));
            }
        }
        touched.add(&group);
        // A put line says how many of the same second's records were refused.
        if group.sum == Sum::PutRefused {
            touched.add(&Group {
                sum: Sum::Put,
                ..group
            });
        }
    }

    /// Inserts a line in time order and drops the oldest lines over capacity.
    fn insert(&mut self, item: HistoryItem, totals: Option<(Group, Totals)>) {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let place = Place {
            at_ms: item.at_ms,
            seq: item.seq,
            id,
        };
        if let Some((group, _)) = &totals {
            self.groups.insert(group.clone(), place);
        }
        let index = self
            .entries
            .partition_point(|e| (e.item.at_ms, e.item.seq) <= (place.at_ms, place.seq));
        self.entries.insert(index, Entry { id, item, totals });
        while self.entries.len() > self.capacity {
            let Some(dropped) = self.entries.pop_front() else {
                break;
            };
            if let Some((group, _)) = dropped.totals {
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
            .and_then(|e| e.totals.as_ref())
            .map_or(0, |(_, totals)| totals.count)
    }

    /// Rewrites a summing-up line's sentence (and shards) from its totals.
    fn render(&mut self, index: usize) {
        let Some((group, _)) = self.entries.get(index).and_then(|e| e.totals.as_ref()) else {
            return;
        };
        let refused = match group.sum {
            Sum::Put => self.refused(group),
            _ => 0,
        };
        let Some(entry) = self.entries.get_mut(index) else {
            return;
        };
        let Some((group, totals)) = entry.totals.as_ref() else {
            return;
        };
        entry.item.text = summed_text(group, totals, refused);
        if group.sum == Sum::Renewal {
            entry.item.shards = totals.leases.keys().cloned().collect();
        }
    }
}

impl Totals {
    fn from(share: Share) -> Totals {
        let mut totals = Totals {
            sample_key: share.sample_key.clone(),
            ..Totals::default()
        };
        totals.add(share);
        totals
    }

    fn add(&mut self, share: Share) {
        self.events = self.events.saturating_add(1);
        self.count = self.count.saturating_add(share.count);
        self.millis_behind_latest = share.millis_behind_latest;
        if let Some((lease, counter)) = share.lease {
            self.leases.insert(lease, counter);
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

impl Share {
    fn records(count: u64, sample_key: &str) -> Share {
        Share {
            count,
            sample_key: sample_key.to_string(),
            ..Share::default()
        }
    }
}

/// What kind of line a summing-up line is, for the filter menu.
fn kind_of(sum: Sum) -> HistoryKind {
    match sum {
        Sum::Put => HistoryKind::Puts,
        Sum::PutRefused | Sum::ReadRefused => HistoryKind::Throttles,
        Sum::Read => HistoryKind::Reads,
        Sum::Renewal => HistoryKind::Lease,
    }
}

// ---------------------------------------------------------------------- times and ids

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

#[cfg(test)]
mod tests;
