//! Resharding: how splits and merges change a stream's shards when they complete.
//!
//! Kinesis never edits a shard's range. A split closes the parent and opens two children
//! (lower range first, the next two shard indices); a merge closes two adjacent parents and
//! opens one child whose `ParentShardId` is the ShardToMerge and `AdjacentParentShardId` the
//! other. The parents keep their records, readable until retention. A reshard applies on a
//! whole second (see `Kinesis::begin_change`): the parents' EndingSequenceNumber carries the
//! second before it, their last, and the children's StartingSequenceNumber that second, one
//! second later, as AWS shows it.
//!
//! UpdateShardCount with UNIFORM_SCALING ends with exactly the ranges CreateStream would give
//! the target count. AWS documents that it "performs splits or merges on individual shards"
//! but not which; Shardlab follows the reference's model (section 2.6): split every open shard
//! at each target boundary strictly inside it, then merge the fragments that fall inside one
//! target range. Every intermediate shard gets an id, parents and a closed state, so the
//! family tree a learner sees is complete.
//!
//! A stream stays UPDATING while a reshard is in progress and the whole change becomes
//! visible when it completes, as AWS shows it.
//!
//! Everything here works on a stream's shards alone (every shard it ever had, by index), not
//! on the stream: [`super::stream::Stream`] holds a pending [`Reshard`] and calls `apply`
//! when it is due, so the dependency points one way.

use serde::Serialize;

use super::config::ShardLimits;
use super::hash_key::HashKeyRange;
use super::shard::Shard;

/// A requested change of a stream's shards, applied when its UPDATING period ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reshard {
    Split {
        shard: u32,
        new_starting_hash_key: u128,
    },
    Merge {
        shard_to_merge: u32,
        adjacent_shard_to_merge: u32,
    },
    UniformScaling {
        target_shard_count: u32,
    },
}

/// One primitive step of a completed reshard, for the event log and the family tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op")]
pub enum ReshardStep {
    Split { parent: u32, children: [u32; 2] },
    Merge { parents: [u32; 2], child: u32 },
}

/// Applies a reshard at `at_ms` to a stream's shards and returns its steps in order. New
/// children get `limits`; the caller reindexes its open shards afterwards.
pub(crate) fn apply(
    shards: &mut Vec<Shard>,
    limits: &ShardLimits,
    reshard: &Reshard,
    at_ms: u64,
) -> Vec<ReshardStep> {
    let mut family = Family { shards, limits };
    let mut steps = Vec::new();
    match *reshard {
        Reshard::Split {
            shard,
            new_starting_hash_key,
        } => {
            if let Some(step) = family.split(shard, new_starting_hash_key, at_ms) {
                steps.push(step);
            }
        }
        Reshard::Merge {
            shard_to_merge,
            adjacent_shard_to_merge,
        } => {
            if let Some(step) = family.merge(shard_to_merge, adjacent_shard_to_merge, at_ms) {
                steps.push(step);
            }
        }
        Reshard::UniformScaling { target_shard_count } => {
            family.scale_uniformly(target_shard_count, at_ms, &mut steps);
        }
    }
    steps
}

/// A stream's shards while a reshard changes them, and the limits its new children get.
struct Family<'a> {
    shards: &'a mut Vec<Shard>,
    limits: &'a ShardLimits,
}

impl Family<'_> {
    /// Indices of the open shards ordered by StartingHashKey, as the stream routes by them.
    fn open_by_range(&self) -> Vec<u32> {
        let mut open: Vec<&Shard> = self.shards.iter().filter(|s| s.is_open()).collect();
        crate::sort::sort_by_key(&mut open, |s| s.range.starting_hash_key);
        open.iter().map(|s| s.index).collect()
    }

    fn next_index(&self) -> u32 {
        u32::try_from(self.shards.len()).unwrap_or(u32::MAX)
    }

    /// A child opening at `opened_ms`, the moment its parents closed (a whole second, so its
    /// creation second is the one after its parents' last).
    fn new_child(&self, index: u32, range: HashKeyRange, opened_ms: u64) -> Shard {
        Shard::new(index, range, opened_ms, self.limits, opened_ms)
    }

    /// Splits open shard `parent` so the upper child starts at `at`.
    fn split(&mut self, parent: u32, at: u128, at_ms: u64) -> Option<ReshardStep> {
        let shard = self.shards.get(parent as usize).filter(|s| s.is_open())?;
        let range = shard.range;
        if at <= range.starting_hash_key || at > range.ending_hash_key {
            return None;
        }
        let closed_ms = at_ms.max(shard.created_ms);
        let created_ms = closed_ms;
        let lower = self.next_index();
        let upper = lower + 1;
        let mut lower_child = self.new_child(
            lower,
            HashKeyRange {
                starting_hash_key: range.starting_hash_key,
                ending_hash_key: at - 1,
            },
            created_ms,
        );
        let mut upper_child = self.new_child(
            upper,
            HashKeyRange {
                starting_hash_key: at,
                ending_hash_key: range.ending_hash_key,
            },
            created_ms,
        );
        lower_child.parent = Some(parent);
        upper_child.parent = Some(parent);
        let shard = &mut self.shards[parent as usize];
        shard.closed_ms = Some(closed_ms);
        shard.children = vec![lower, upper];
        self.shards.push(lower_child);
        self.shards.push(upper_child);
        Some(ReshardStep::Split {
            parent,
            children: [lower, upper],
        })
    }

    /// Merges two adjacent open shards into one child.
    fn merge(&mut self, shard_to_merge: u32, adjacent: u32, at_ms: u64) -> Option<ReshardStep> {
        let first = self
            .shards
            .get(shard_to_merge as usize)
            .filter(|s| s.is_open())?;
        let second = self.shards.get(adjacent as usize).filter(|s| s.is_open())?;
        let range = union_if_adjacent(first.range, second.range)?;
        let closed_ms = at_ms.max(first.created_ms).max(second.created_ms);
        let child = self.next_index();
        let mut merged = self.new_child(child, range, closed_ms);
        merged.parent = Some(shard_to_merge);
        merged.adjacent_parent = Some(adjacent);
        for parent in [shard_to_merge, adjacent] {
            let shard = &mut self.shards[parent as usize];
            shard.closed_ms = Some(closed_ms);
            shard.children = vec![child];
        }
        self.shards.push(merged);
        Some(ReshardStep::Merge {
            parents: [shard_to_merge, adjacent],
            child,
        })
    }

    /// UNIFORM_SCALING: split at every target boundary, then merge within each target range.
    fn scale_uniformly(&mut self, target: u32, at_ms: u64, steps: &mut Vec<ReshardStep>) {
        let targets = HashKeyRange::even_split(target);
        // Split phase, shard by shard in hash key order, lower fragments first.
        for index in self.open_by_range() {
            let mut current = index;
            let range = self.shards[index as usize].range;
            for boundary in targets.iter().map(|t| t.starting_hash_key) {
                if boundary > range.starting_hash_key && boundary <= range.ending_hash_key {
                    match self.split(current, boundary, at_ms) {
                        Some(step @ ReshardStep::Split { children, .. }) => {
                            current = children[1];
                            steps.push(step);
                        }
                        _ => break,
                    }
                }
            }
        }
        // Merge phase: fragments inside one target range merge left to right.
        let fragments: Vec<(u32, u128)> = self
            .open_by_range()
            .into_iter()
            .map(|index| (index, self.shards[index as usize].range.starting_hash_key))
            .collect();
        for target_range in &targets {
            let inside: Vec<u32> = fragments
                .iter()
                .filter(|(_, start)| target_range.contains(*start))
                .map(|(index, _)| *index)
                .collect();
            let Some((&first, rest)) = inside.split_first() else {
                continue;
            };
            let mut merged = first;
            for &next in rest {
                match self.merge(merged, next, at_ms) {
                    Some(step @ ReshardStep::Merge { child, .. }) => {
                        merged = child;
                        steps.push(step);
                    }
                    _ => break,
                }
            }
        }
    }
}

/// The union of two ranges if one ends just before the other starts, in either order.
pub(crate) fn union_if_adjacent(a: HashKeyRange, b: HashKeyRange) -> Option<HashKeyRange> {
    let (low, high) = if a.starting_hash_key <= b.starting_hash_key {
        (a, b)
    } else {
        (b, a)
    };
    (low.ending_hash_key.checked_add(1) == Some(high.starting_hash_key)).then_some(HashKeyRange {
        starting_hash_key: low.starting_hash_key,
        ending_hash_key: high.ending_hash_key,
    })
}

/// A shard's place in the family tree, for drawing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineageNode {
    pub shard_id: String,
    pub index: u32,
    pub range: HashKeyRange,
    pub parent: Option<u32>,
    pub adjacent_parent: Option<u32>,
    pub children: Vec<u32>,
    pub created_ms: u64,
    pub closed_ms: Option<u64>,
    pub state: LineageState,
}

/// Where a shard is in its life, as the family tree draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineageState {
    /// Takes writes.
    Open,
    /// Closed by a split or a merge, still readable until retention.
    Closed,
    /// Past retention: no longer listed or readable.
    Expired,
}

impl LineageState {
    /// OPEN, CLOSED or EXPIRED.
    pub fn as_str(self) -> &'static str {
        match self {
            LineageState::Open => "OPEN",
            LineageState::Closed => "CLOSED",
            LineageState::Expired => "EXPIRED",
        }
    }
}

impl std::fmt::Display for LineageState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for LineageState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl LineageNode {
    /// `shard`'s place in the family tree at `now_ms`, under the stream's retention period.
    pub fn of(shard: &Shard, now_ms: u64, retention_ms: u64) -> Self {
        LineageNode {
            shard_id: shard.id(),
            index: shard.index,
            range: shard.range,
            parent: shard.parent,
            adjacent_parent: shard.adjacent_parent,
            children: shard.children.clone(),
            created_ms: shard.created_ms,
            closed_ms: shard.closed_ms,
            state: if shard.is_open() {
                LineageState::Open
            } else if shard.is_expired(now_ms, retention_ms) {
                LineageState::Expired
            } else {
                LineageState::Closed
            },
        }
    }
}
