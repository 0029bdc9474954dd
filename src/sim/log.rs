//! The event log: what happened, in order, for the page to animate and list.
//!
//! Every event gets a sequence number. The log keeps the most recent `capacity` events; a
//! reader remembers the sequence number after the last event it saw (its cursor) and asks for
//! everything since, learning how many it missed if it fell behind. Producer traffic is logged
//! per shard per send (a count and a sample key), not per record, so a busy stream cannot
//! flood it.

use std::collections::VecDeque;
use std::rc::Rc;

use serde::Serialize;

use crate::engine::EngineEvent;
use crate::kcl::KclEvent;

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind")]
pub enum EventKind {
    /// A producer's send put records into a shard.
    RecordsPut {
        producer: String,
        stream: String,
        shard: String,
        count: u64,
        sample_key: String,
        /// For a KPL producer that aggregates: how many Kinesis records carried the `count`
        /// user records, when fewer than `count` (the page draws such a record as one dot
        /// holding many); none when each record was a Kinesis record of its own.
        #[serde(skip_serializing_if = "Option::is_none")]
        kinesis_records: Option<u64>,
    },
    /// A producer's records were refused by a shard over its limits.
    RecordsThrottled {
        producer: String,
        stream: String,
        shard: String,
        count: u64,
        /// The partition key of the first refused record.
        sample_key: String,
    },
    /// A producer gave up on records (no retries left, or an error that retrying cannot fix).
    RecordsFailed {
        producer: String,
        count: u64,
        reason: String,
    },
    /// A record put from the console or a script.
    RecordPut {
        stream: String,
        shard: String,
        partition_key: String,
        size: u64,
        sequence_number: String,
    },
    /// A console or script PutRecord refused over the shard's limits.
    PutThrottled {
        stream: String,
        shard: String,
        partition_key: String,
    },
    /// A consumer read records.
    RecordsRead {
        consumer: String,
        stream: String,
        shard: String,
        count: u64,
        millis_behind_latest: u64,
    },
    /// A consumer's GetRecords was refused over the shard's read limits.
    ReadThrottled {
        consumer: String,
        stream: String,
        shard: String,
    },
    /// A consumer's iterator was older than five minutes.
    IteratorExpired {
        consumer: String,
        stream: String,
        shard: String,
    },
    /// A consumer read a closed shard to its end and moved on to its children.
    ShardEnded {
        consumer: String,
        stream: String,
        shard: String,
        children: Vec<String>,
    },
    /// Something a person did to the simulation (a producer paused, a consumer added, ...).
    Fault {
        target: String,
        /// Serialized as `action` (the word the event log has always used).
        #[serde(rename = "action")]
        fault: Fault,
    },
    /// A change inside the service (status, split, merge, expiry).
    Service { event: EngineEvent },
    /// Something in a KCL application (a renewal, a take, a checkpoint, ...).
    Kcl { event: KclEvent },
}

/// The kinds of things the world runs, by the word sentences and errors use for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    Producer,
    Consumer,
    KclApplication,
}

impl ActorKind {
    /// "producer", "consumer", "KCL application".
    pub fn word(self) -> &'static str {
        match self {
            ActorKind::Producer => "producer",
            ActorKind::Consumer => "consumer",
            ActorKind::KclApplication => "KCL application",
        }
    }
}

/// Something done to an actor of the world: "producer paused for 500 ms". It is logged (and
/// serialized, which the determinism digests read) as that phrase; the history names the actor
/// in it ("producer web paused for 500 ms").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub actor: ActorKind,
    pub what: FaultAction,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.actor.word(), self.what)
    }
}

impl Serialize for Fault {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What was done to a producer, consumer or KCL application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultAction {
    Added,
    /// Its settings changed (`producer set`).
    Changed,
    Paused {
        for_ms: u64,
    },
    /// Paused until resumed.
    Stopped,
    Resumed,
    Removed,
}

impl std::fmt::Display for FaultAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FaultAction::Added => f.write_str("added"),
            FaultAction::Changed => f.write_str("changed"),
            FaultAction::Paused { for_ms } => write!(f, "paused for {for_ms} ms"),
            FaultAction::Stopped => f.write_str("stopped"),
            FaultAction::Resumed => f.write_str("resumed"),
            FaultAction::Removed => f.write_str("removed"),
        }
    }
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    pub seq: u64,
    pub at_ms: u64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The events after a cursor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventsSince {
    pub events: Vec<Event>,
    /// Pass this as the cursor next time.
    pub next: u64,
    /// Events that were dropped from the log before this reader saw them.
    pub missed: u64,
}

/// Events in a sealed block of the log.
const BLOCK: usize = 256;

/// A bounded, append-only log of events.
///
/// Full blocks of [`BLOCK`] events are sealed and shared (`Rc`), so that a copy of the world
/// (a snapshot to rewind to, see `session::snapshots`) copies a few hundred events and a list
/// of pointers rather than the whole log. The oldest events are dropped one by one, as
/// before: the front block is kept until all of its events have been dropped.
#[derive(Clone, Debug)]
pub struct EventLog {
    /// Sealed blocks, oldest first; the first `dropped` events of the front one are gone.
    sealed: VecDeque<Rc<[Event]>>,
    /// The newest events, not yet a full block.
    open: Vec<Event>,
    /// Events of the front block already dropped.
    dropped: usize,
    /// Events kept.
    len: usize,
    next_seq: u64,
    capacity: usize,
}

impl EventLog {
    pub fn new(capacity: usize) -> Self {
        EventLog {
            sealed: VecDeque::new(),
            open: Vec::new(),
            dropped: 0,
            len: 0,
            next_seq: 0,
            capacity: capacity.max(1),
        }
    }

    pub fn push(&mut self, at_ms: u64, kind: EventKind) {
        if self.len >= self.capacity {
            self.drop_oldest();
        }
        self.open.push(Event {
            seq: self.next_seq,
            at_ms,
            kind,
        });
        self.len += 1;
        self.next_seq += 1;
        if self.open.len() >= BLOCK {
            let block: Rc<[Event]> = std::mem::take(&mut self.open).into();
            self.sealed.push_back(block);
        }
    }

    fn drop_oldest(&mut self) {
        match self.sealed.front() {
            Some(front) => {
                self.dropped += 1;
                if self.dropped >= front.len() {
                    self.sealed.pop_front();
                    self.dropped = 0;
                }
            }
            None => {
                self.open.remove(0);
            }
        }
        self.len -= 1;
    }

    /// The sealed blocks, by address (copies that share one give the same), with the heap
    /// each holds, estimated: for what snapshots hold (`session/snapshots.rs`).
    pub(crate) fn shared_blocks(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.sealed.iter().map(|block| {
            let bytes = block.iter().map(Event::heap_bytes).sum::<usize>();
            (block.as_ptr() as usize, bytes)
        })
    }

    /// The heap a copy of the log allocates (its open block), estimated.
    pub(crate) fn open_bytes(&self) -> usize {
        self.open.iter().map(Event::heap_bytes).sum()
    }

    /// Every event with a sequence number at or after `cursor` that is still kept.
    pub fn since(&self, cursor: u64) -> EventsSince {
        let oldest = self.next_seq - self.len as u64;
        let from = cursor.max(oldest);
        let skip = usize::try_from(from - oldest).unwrap_or(usize::MAX);
        EventsSince {
            events: self.iter_from(skip).cloned().collect(),
            next: self.next_seq,
            missed: from.saturating_sub(cursor.min(from)),
        }
    }

    /// The cursor that sees only events from now on.
    pub fn end(&self) -> u64 {
        self.next_seq
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The events kept, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Event> {
        self.iter_from(0)
    }

    /// The events kept after the first `skip`, oldest first, found without walking past
    /// the skipped ones (every sealed block holds [`BLOCK`] events).
    fn iter_from(&self, skip: usize) -> impl DoubleEndedIterator<Item = &Event> {
        let at = self.dropped.saturating_add(skip);
        let (block, offset) = (at / BLOCK, at % BLOCK);
        let in_open = at
            .saturating_sub(self.sealed.len() * BLOCK)
            .min(self.open.len());
        self.sealed
            .iter()
            .skip(block)
            .enumerate()
            .flat_map(move |(i, events)| events[if i == 0 { offset } else { 0 }..].iter())
            .chain(self.open[in_open..].iter())
    }
}

impl Event {
    /// The heap an event takes, estimated: itself and what its text fields hold (an event
    /// names a stream, a shard, a producer or a key: a few dozen bytes).
    fn heap_bytes(&self) -> usize {
        std::mem::size_of::<Event>() + EVENT_TEXT_BYTES
    }
}

/// What an event's owned text holds, on average (measured by `benches/rewind.rs`).
const EVENT_TEXT_BYTES: usize = 48;

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(n: u64) -> EventKind {
        EventKind::Fault {
            target: format!("p{n}"),
            fault: Fault {
                actor: ActorKind::Producer,
                what: FaultAction::Stopped,
            },
        }
    }

    #[test]
    fn readers_get_what_they_have_not_seen_and_learn_what_they_missed() {
        let mut log = EventLog::new(3);
        for n in 0..5 {
            log.push(n, fault(n));
        }
        let all = log.since(0);
        assert_eq!(
            all.events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            [2, 3, 4]
        );
        assert_eq!(all.missed, 2);
        assert_eq!(all.next, 5);
        assert!(log.since(5).events.is_empty());
        assert_eq!(log.since(4).events.len(), 1);
        assert_eq!(log.since(4).missed, 0);
    }

    #[test]
    fn a_log_over_many_blocks_keeps_exactly_the_newest_events_and_copies_share_them() {
        let mut log = EventLog::new(1_000);
        for n in 0..5_000 {
            log.push(n, fault(n));
        }
        let copy = log.clone();
        for n in 5_000..5_300 {
            log.push(n, fault(n));
        }
        let seqs: Vec<u64> = log.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (4_300..5_300).collect::<Vec<_>>());
        assert_eq!(log.len(), 1_000);
        assert_eq!(log.since(5_250).events.len(), 50);
        for cursor in [
            4_299, 4_300, 4_301, 4_607, 4_608, 5_119, 5_120, 5_299, 5_300, 6_000,
        ] {
            let since: Vec<u64> = log.since(cursor).events.iter().map(|e| e.seq).collect();
            assert_eq!(
                since,
                (cursor.max(4_300)..5_300).collect::<Vec<_>>(),
                "{cursor}"
            );
        }
        assert_eq!(log.since(0).missed, 4_300);
        // The copy is the log as it was, unchanged by what came after.
        let seqs: Vec<u64> = copy.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (4_000..5_000).collect::<Vec<_>>());
        assert_eq!(copy.iter().next_back().map(|e| e.at_ms), Some(4_999));
    }
}
