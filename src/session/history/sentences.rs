//! The history's sentences: what each event of the world becomes, a line of its own in Kinesis
//! and KCL words ("shardId-000000000001 of orders split into ...", "analytics/w2 took lease
//! ... from analytics/w1, whose lease had expired"), or a share of a line that sums up a second
//! of traffic ("web put 1,200 records into ...").
//!
//! Apart from the model (`history/mod.rs`) because this is the part that is read and reworded:
//! every sentence a learner sees in the history is written here, and nothing else is. The
//! golden files (tests/golden) hold every one of them byte for byte.

use super::{
    elapsed, ids, worker_id, Group, HistoryItem, HistoryKind, Line, Share, Sum, Totals, CONSOLE,
};
use crate::engine::EngineEvent;
use crate::kcl::{Checkpoint, DuplicateReason, KclEvent, LeaseMoveKind};
use crate::session::text::{and_list, int, plural};
use crate::sim::{Event, EventKind};

/// What an event becomes: a share of a summing-up line, or a line of its own.
pub(super) fn line_of(event: &Event) -> Line {
    let second = event.at_ms / 1000;
    match &event.kind {
        EventKind::RecordsPut {
            producer,
            stream,
            shard,
            count,
            sample_key,
            ..
        } => Line::Summed(
            Group::new(Sum::Put, producer, stream, shard, second),
            Share::records(*count, sample_key),
        ),
        EventKind::RecordPut {
            stream,
            shard,
            partition_key,
            ..
        } => Line::Summed(
            Group::new(Sum::Put, CONSOLE, stream, shard, second),
            Share::records(1, partition_key),
        ),
        EventKind::RecordsThrottled {
            producer,
            stream,
            shard,
            count,
            sample_key,
        } => Line::Summed(
            Group::new(Sum::PutRefused, producer, stream, shard, second),
            Share::records(*count, sample_key),
        ),
        EventKind::PutThrottled {
            stream,
            shard,
            partition_key,
        } => Line::Summed(
            Group::new(Sum::PutRefused, CONSOLE, stream, shard, second),
            Share::records(1, partition_key),
        ),
        EventKind::RecordsRead {
            consumer,
            stream,
            shard,
            count,
            millis_behind_latest,
        } => Line::Summed(
            Group::new(Sum::Read, consumer, stream, shard, second),
            Share {
                count: *count,
                millis_behind_latest: *millis_behind_latest,
                ..Share::default()
            },
        ),
        EventKind::ReadThrottled {
            consumer,
            stream,
            shard,
        } => Line::Summed(
            Group::new(Sum::ReadRefused, consumer, stream, shard, second),
            Share::records(1, ""),
        ),
        EventKind::RecordsFailed {
            producer,
            count,
            reason,
        } => Line::Own(OwnLine::new(
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
        } => Line::Own(OwnLine::new(
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
        EventKind::Fault { target, fault } => Line::Own(OwnLine::new(
            HistoryKind::Fault,
            format!("{} {target} {}", fault.actor.word(), fault.what),
            [],
            [],
        )),
        EventKind::Service { event } => Line::Own(service_line(event)),
        EventKind::Kcl { event } => kcl_line(event, second),
    }
}

/// A line of its own (a split, a lease taken, a checkpoint, a fault: anything rarer than
/// traffic, which is summed up instead), before it gets its time and sequence number.
pub(super) struct OwnLine {
    kind: HistoryKind,
    text: String,
    shards: Vec<String>,
    workers: Vec<String>,
}

impl OwnLine {
    fn new<const S: usize, const W: usize>(
        kind: HistoryKind,
        text: String,
        shards: [&str; S],
        workers: [String; W],
    ) -> OwnLine {
        OwnLine {
            kind,
            text,
            shards: ids(shards),
            workers: ids(workers.iter()),
        }
    }

    pub(super) fn into_item(self, event: &Event) -> HistoryItem {
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

/// A consumer finished a closed shard and moved on to its children.
fn shard_ended(consumer: &str, shard: &str, children: &[String]) -> OwnLine {
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
    OwnLine {
        kind: HistoryKind::Reshard,
        text,
        shards: ids(std::iter::once(shard).chain(children.iter().map(String::as_str))),
        workers: Vec::new(),
    }
}

/// " (on-demand scaling: it took ...)" for a change the service made by itself.
fn reason_text(reason: &Option<String>) -> String {
    reason
        .as_ref()
        .map(|reason| format!(" ({reason})"))
        .unwrap_or_default()
}

/// Lines for the service's own changes.
fn service_line(event: &EngineEvent) -> OwnLine {
    match event {
        EngineEvent::StreamStatusChanged { stream, status, .. } => OwnLine::new(
            HistoryKind::Status,
            format!("stream {stream} is now {status}"),
            [],
            [],
        ),
        EngineEvent::StreamDeleted { stream, .. } => OwnLine::new(
            HistoryKind::Status,
            format!("stream {stream} was deleted"),
            [],
            [],
        ),
        EngineEvent::ShardSplit {
            stream,
            parent,
            children,
            reason,
            ..
        } => OwnLine::new(
            HistoryKind::Reshard,
            format!(
                "{} of {stream} split into {} and {}{}: the parent is closed, its children \
                 take its writes",
                shard_name(parent),
                shard_name(&children[0]),
                shard_name(&children[1]),
                reason_text(reason)
            ),
            [parent, &children[0], &children[1]],
            [],
        ),
        EngineEvent::ShardsMerged {
            stream,
            parents,
            child,
            reason,
            ..
        } => OwnLine::new(
            HistoryKind::Reshard,
            format!(
                "{} and {} of {stream} merged into {}{}: the parents are closed, the child \
                 takes their writes",
                shard_name(&parents[0]),
                shard_name(&parents[1]),
                shard_name(child),
                reason_text(reason)
            ),
            [&parents[0], &parents[1], child],
            [],
        ),
        EngineEvent::RecordsExpired { stream, count, .. } => OwnLine::new(
            HistoryKind::Other,
            format!(
                "{} of {stream} passed the retention period and were trimmed",
                plural(*count, "record", "records")
            ),
            [],
            [],
        ),
        EngineEvent::ConsumerStatusChanged {
            stream,
            consumer,
            status,
            ..
        } => OwnLine::new(
            HistoryKind::Status,
            format!("consumer {consumer} of {stream} is now {status}"),
            [],
            [],
        ),
        EngineEvent::ConsumerDeleted {
            stream, consumer, ..
        } => OwnLine::new(
            HistoryKind::Status,
            format!("consumer {consumer} of {stream} was deregistered"),
            [],
            [],
        ),
    }
}

/// Lines for a KCL application's events: renewals are summed up per worker and second.
fn kcl_line(event: &KclEvent, second: u64) -> Line {
    let line = match event {
        KclEvent::LeaseCreated {
            app,
            lease,
            checkpoint,
        } => OwnLine::new(
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
                Share {
                    lease: Some((lease.clone(), *counter)),
                    ..Share::default()
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
            OwnLine::new(
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
            how,
        } => {
            let taker = worker_id(app, worker);
            let lease_name = shard_name(lease);
            let from = from.as_deref().filter(|f| !f.is_empty());
            let text = match (how, from) {
                (Some(LeaseMoveKind::Handoff), Some(previous)) => format!(
                    "{taker} found lease {lease_name}, handed over by {} after its checkpoint, \
                     and starts after that checkpoint (KCL 3.x discovery)",
                    worker_id(app, previous)
                ),
                (Some(LeaseMoveKind::Crash), Some(previous)) => format!(
                    "{taker} found lease {lease_name}, which the leader reassigned after {} \
                     stopped renewing it, and starts from the last checkpoint (KCL 3.x \
                     discovery)",
                    worker_id(app, previous)
                ),
                (Some(_), _) => format!(
                    "{taker} found lease {lease_name}, which the leader assigned to it \
                     (KCL 3.x discovery; leaseCounter {counter})"
                ),
                (None, from) => match from {
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
                },
            };
            let previous = from.map(|f| worker_id(app, f)).unwrap_or_default();
            OwnLine::new(HistoryKind::Lease, text, [lease], [taker, previous])
        }
        KclEvent::LeaseAssigned {
            app,
            lease,
            from,
            to,
            how,
        } => {
            let to_name = worker_id(app, to);
            let lease_name = shard_name(lease);
            let previous = from.as_deref().map(|f| worker_id(app, f));
            let text = match (how, &previous) {
                (LeaseMoveKind::Handoff, Some(previous)) => format!(
                    "The leader started a graceful handoff of lease {lease_name} from {previous} \
                     to {to_name}: leaseOwner {to_name}, checkpointOwner {previous} (KCL 3.x)"
                ),
                (LeaseMoveKind::Crash, Some(previous)) => format!(
                    "The leader reassigned lease {lease_name} of {previous}, which stopped \
                     renewing it, to {to_name} (KCL 3.x)"
                ),
                (_, Some(previous)) => format!(
                    "The leader assigned lease {lease_name}, left by {previous}, to {to_name} \
                     (KCL 3.x)"
                ),
                (_, None) => {
                    format!("The leader assigned lease {lease_name} to {to_name} (KCL 3.x)")
                }
            };
            OwnLine::new(
                HistoryKind::Lease,
                text,
                [lease],
                [to_name, previous.unwrap_or_default()],
            )
        }
        KclEvent::LeaseTransferred {
            app,
            lease,
            from,
            to,
            forced,
        } => {
            let (from, to) = (worker_id(app, from), worker_id(app, to));
            let text = if *forced {
                format!(
                    "{from} transferred lease {} to {to} without finishing shutdownRequested: \
                     the 30 s handoff timeout forced it (KCL 3.x)",
                    shard_name(lease)
                )
            } else {
                format!(
                    "{from} finished shutdownRequested and transferred lease {} to {to}: \
                     checkpointOwner removed (KCL 3.x)",
                    shard_name(lease)
                )
            };
            OwnLine::new(HistoryKind::Lease, text, [lease], [from, to])
        }
        KclEvent::LeaderElected { app, worker } => OwnLine::new(
            HistoryKind::Lease,
            format!(
                "{} took the Leader lock: it now assigns the leases (KCL 3.x)",
                worker_id(app, worker)
            ),
            [],
            [worker_id(app, worker)],
        ),
        KclEvent::LeaseLost {
            app,
            lease,
            worker,
            why,
        } => OwnLine::new(
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
            let text = match checkpoint {
                Checkpoint::ShardEnd => format!(
                    "{} checkpointed SHARD_END for {}: the closed shard is finished",
                    worker_id(app, worker),
                    shard_name(lease)
                ),
                Checkpoint::Sequence { .. }
                | Checkpoint::TrimHorizon
                | Checkpoint::Latest
                | Checkpoint::AtTimestamp => format!(
                    "{} checkpointed {} at sequence number {checkpoint}",
                    worker_id(app, worker),
                    shard_name(lease)
                ),
            };
            OwnLine::new(
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
        } => OwnLine::new(
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
        } => OwnLine::new(
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
        KclEvent::LeaseDeleted { app, lease } => OwnLine::new(
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
        } => OwnLine::new(
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
            OwnLine {
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
        KclEvent::ProcessorCalled {
            app,
            lease,
            worker,
            call,
        } => OwnLine::new(
            HistoryKind::Status,
            format!(
                "the KCL called {call} on {}'s record processor for {}",
                worker_id(app, worker),
                shard_name(lease)
            ),
            [lease],
            [worker_id(app, worker)],
        ),
        KclEvent::ShardEndNotCheckpointed { app, lease, worker } => OwnLine::new(
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
            let kind = if action.is_start() {
                HistoryKind::Status
            } else {
                HistoryKind::Fault
            };
            OwnLine::new(
                kind,
                format!("KCL worker {} {action}", worker_id(app, worker)),
                [],
                [worker_id(app, worker)],
            )
        }
    };
    Line::Own(line)
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
        DuplicateReason::Handoff => {
            "the lease moved on purpose (KCL 3.x) but the old owner had not checkpointed all it \
             processed in shutdownRequested"
        }
    }
}

// ---------------------------------------------------------------------- summed-up lines

/// The sentence of a summing-up line; `refused` is the same second's refused records (puts).
pub(super) fn summed_text(group: &Group, totals: &Totals, refused: u64) -> String {
    let actor = &group.actor;
    let shard = shard_name(&group.shard);
    match group.sum {
        Sum::Put if refused > 0 => format!(
            "{actor} put {} into {shard}, {} refused (ProvisionedThroughputExceeded)",
            plural(totals.count, "record", "records"),
            int(refused)
        ),
        Sum::Put => format!(
            "{actor} put {} into {shard}",
            plural(totals.count, "record", "records")
        ),
        Sum::PutRefused => {
            let key = if totals.sample_key.is_empty() {
                String::new()
            } else {
                format!("; first refused key {}", totals.sample_key)
            };
            format!(
                "{shard} refused {} from {actor} with ProvisionedThroughputExceededException \
                 (over its write limit){key}",
                plural(totals.count, "record", "records")
            )
        }
        Sum::Read => format!(
            "{actor} read {} from {shard} in {} (MillisBehindLatest {})",
            plural(totals.count, "record", "records"),
            plural(totals.events, "GetRecords call", "GetRecords calls"),
            int(totals.millis_behind_latest)
        ),
        Sum::ReadRefused => format!(
            "{shard} refused {} from {actor} with ProvisionedThroughputExceededException \
             (over 5 reads/s or 2 MiB/s)",
            plural(totals.count, "GetRecords call", "GetRecords calls")
        ),
        Sum::Renewal => {
            let leases: Vec<String> = totals
                .leases
                .iter()
                .map(|(lease, counter)| format!("{} leaseCounter now {counter}", shard_name(lease)))
                .collect();
            format!(
                "{actor} renewed {} ({})",
                plural(totals.leases.len() as u64, "lease", "leases"),
                leases.join(", ")
            )
        }
    }
}

// ---------------------------------------------------------------------- words

/// A shard id as a sentence names it (an event without one says so).
fn shard_name(shard: &str) -> &str {
    if shard.is_empty() {
        "an unknown shard"
    } else {
        shard
    }
}
