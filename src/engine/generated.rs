//! Writes from the simulation's producers: whole ticks of records per shard, and retries.
//!
//! These are PutRecord and PutRecords as far as the shard can tell (same buckets, same
//! metrics, same rounding), but the records are described, not carried: each producer says
//! how many records its allocator gives a shard this tick and the engine asks the producer
//! (a [`RecordSource`]) for their sizes. The accepted records are stored as a run that
//! regenerates them on demand (see [`super::records`]).
//!
//! When a tick does not fit, the shard's capacity is shared between the producers in
//! proportion to what each offered, record by record, until the first record that does not
//! fit; every later record of that tick is throttled, as the rest of a PutRecords batch would
//! be once a shard is out of capacity for the instant.

use std::rc::Rc;

use super::error::ApiError;
use super::kinesis::Kinesis;
use super::records::{RecordSource, TickPart};
use super::shard::Shard;
use super::write::WriteOutcome;
use super::write_call::WriteCall;

/// What happened to one shard's share of a tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TickOutcome {
    /// Records accepted, per part, in the order given.
    pub accepted: Vec<u64>,
    pub accepted_bytes: u64,
    pub throttled: u64,
}

impl Kinesis {
    /// Offers one tick of producer records to open shard `shard_index` of `stream` at
    /// `now_ms`. Sets each part's `accepted` and stores the accepted records.
    pub fn put_tick(
        &mut self,
        now_ms: u64,
        stream: &str,
        shard_index: u32,
        tick_ms: u64,
        parts: &mut [TickPart],
    ) -> Result<TickOutcome, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let (config, found) = self.stream_for_write(stream)?;
        let Some(shard) = found
            .shards
            .get_mut(shard_index as usize)
            .filter(|s| s.is_open())
        else {
            return Err(self.stream_not_found(stream));
        };

        let sizes: Vec<Vec<u64>> = parts
            .iter()
            .map(|p| {
                (0..p.offered)
                    .map(|k| p.source.size(p.origin_shard, p.first_ordinal + k))
                    .collect()
            })
            .collect();
        let offered: u64 = parts.iter().map(|p| p.offered).sum();
        let charged: u64 = parts
            .iter()
            .zip(&sizes)
            .map(|(p, sizes)| sizes.iter().map(|&s| p.call.charge(s)).sum::<u64>())
            .sum();
        let buckets = &mut shard.buckets;
        let accepted: Vec<u64> = if buckets.write_records.has(now_ms, offered)
            && buckets.write_bytes.has(now_ms, charged)
        {
            buckets.write_records.take(offered);
            buckets.write_bytes.take(charged);
            parts.iter().map(|p| p.offered).collect()
        } else {
            let calls: Vec<WriteCall> = parts.iter().map(|p| p.call).collect();
            share_capacity(shard, now_ms, &sizes, &calls)
        };
        let mut accepted_bytes = 0;
        let mut usage = found.usage;
        for ((part, sizes), &taken) in parts.iter_mut().zip(&sizes).zip(&accepted) {
            part.accepted = taken;
            for &size in sizes.iter().take(taken as usize) {
                accepted_bytes += size;
                usage.record_put(size);
            }
        }
        found.usage = usage;
        let total: u64 = accepted.iter().sum();
        let throttled = offered - total;
        let first_seq_ix = shard.next_seq_ix;
        shard.next_seq_ix += total;
        let tick_ms = tick_ms.max(1);
        shard
            .records
            .append_tick(first_seq_ix, now_ms, tick_ms, parts);
        let shared = WriteCall::shared_metrics(total, accepted_bytes, throttled);
        shard.count(config, now_ms, &shared);
        for call in [WriteCall::PutRecord, WriteCall::PutRecordsEntry] {
            let of_call = parts.iter().filter(|p| p.call == call);
            let (accepted, offered) =
                of_call.fold((0, 0), |(a, o), p| (a + p.accepted, o + p.offered));
            if offered > 0 {
                let own = call.own_metrics(accepted, offered - accepted);
                shard.count(config, now_ms, &own);
            }
        }
        Ok(TickOutcome {
            accepted,
            accepted_bytes,
            throttled,
        })
    }

    /// Offers one producer record again (a retry), routed by its hash key to the open shard
    /// that owns it now. `(hash_key, size)` are the source's for the record, given by the
    /// caller, who keeps them for the record's next attempt; the hash key may be unknown
    /// (`None`) and is then asked of the source only if the record's shard of origin is no
    /// longer its home: open shards never overlap, so a record whose hash key the source
    /// vouches lies in its open shard of origin's range goes there. That spares a busy
    /// stream's hundreds of thousands of retries a second a lookup (a cache miss) each.
    #[allow(clippy::too_many_arguments)]
    pub fn put_generated_record(
        &mut self,
        now_ms: u64,
        stream: &str,
        source: &Rc<dyn RecordSource>,
        origin_shard: u32,
        ordinal: u64,
        (hash_key, size): (Option<u128>, u64),
        call: WriteCall,
    ) -> Result<WriteOutcome, ApiError> {
        self.advance_to(now_ms);
        let now_ms = self.now_ms;
        let (config, found) = self.stream_for_write(stream)?;
        let home = found
            .shards
            .get(origin_shard as usize)
            .filter(|s| s.is_open() && source.home_range(origin_shard) == Some(s.range));
        let routed = match home {
            Some(_) => Some(origin_shard),
            None => found.route(hash_key.unwrap_or_else(|| source.hash_key(origin_shard, ordinal))),
        };
        let Some(shard_index) = routed else {
            return Ok(WriteOutcome::Throttled { shard_index: 0 });
        };
        let shard = &mut found.shards[shard_index as usize];
        let charged = call.charge(size);
        let buckets = &mut shard.buckets;
        if !(buckets.write_records.has(now_ms, 1) && buckets.write_bytes.has(now_ms, charged)) {
            shard.count(config, now_ms, &call.metrics(0, 0, 1));
            return Ok(WriteOutcome::Throttled { shard_index });
        }
        buckets.write_records.take(1);
        buckets.write_bytes.take(charged);
        let seq_ix = shard.next_seq_ix;
        shard.next_seq_ix += 1;
        shard
            .records
            .push_generated(seq_ix, now_ms, source.clone(), origin_shard, ordinal);
        shard.count(config, now_ms, &call.metrics(1, size, 0));
        let sequence_number = shard.sequence_number(seq_ix, now_ms);
        found.usage.record_put(size);
        Ok(WriteOutcome::Accepted {
            shard_index,
            sequence_number,
        })
    }
}

/// Takes records from each part in proportion to its offer until one does not fit.
fn share_capacity(
    shard: &mut Shard,
    now_ms: u64,
    sizes: &[Vec<u64>],
    calls: &[WriteCall],
) -> Vec<u64> {
    let mut taken = vec![0u64; sizes.len()];
    let buckets = &mut shard.buckets;
    loop {
        // The part whose next record is earliest in its own share of the tick.
        let next = sizes
            .iter()
            .zip(&taken)
            .enumerate()
            .filter(|(_, (sizes, &t))| (t as usize) < sizes.len())
            .min_by(|(_, (a, &ta)), (_, (b, &tb))| {
                // (ta + 1/2) / len(a) < (tb + 1/2) / len(b), in integers.
                ((2 * ta + 1) * b.len() as u64).cmp(&((2 * tb + 1) * a.len() as u64))
            })
            .map(|(i, _)| i);
        let Some(part) = next else {
            return taken;
        };
        let size = calls[part].charge(sizes[part][taken[part] as usize]);
        if !(buckets.write_records.has(now_ms, 1) && buckets.write_bytes.has(now_ms, size)) {
            return taken;
        }
        buckets.write_records.take(1);
        buckets.write_bytes.take(size);
        taken[part] += 1;
    }
}
