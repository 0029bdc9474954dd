//! Unit tests of the record log: runs extend, trim and read back exactly.

use super::*;

#[derive(Debug)]
struct Counter;

impl RecordSource for Counter {
    fn name(&self) -> &str {
        "counter"
    }
    fn size(&self, _: u32, ordinal: u64) -> u64 {
        10 + ordinal % 3
    }
    fn record(&self, shard: u32, ordinal: u64) -> (String, Vec<u8>) {
        (format!("s{shard}-{ordinal}"), vec![b'x'; 5])
    }
    fn hash_key(&self, _: u32, ordinal: u64) -> u128 {
        u128::from(ordinal)
    }
}

/// 2.5 records per tick, as 32.32 fixed point.
const TWO_AND_A_HALF: u128 = 5 << 31;

fn tick(source: &Rc<dyn RecordSource>, acc: u128, ordinal: u64) -> TickPart {
    let offered = (((acc + TWO_AND_A_HALF) >> 32) - (acc >> 32)) as u64;
    TickPart {
        source: source.clone(),
        origin_shard: 0,
        first_ordinal: ordinal,
        acc_before: acc,
        per_tick: TWO_AND_A_HALF,
        offered,
        accepted: offered,
        call: WriteCall::PutRecord,
    }
}

#[test]
fn steady_ticks_extend_one_run_and_read_back_exactly() {
    let source: Rc<dyn RecordSource> = Rc::new(Counter);
    let mut log = RecordLog::default();
    let (mut acc, mut ordinal, mut seq) = (0u128, 0u64, 1u64);
    let mut expected = Vec::new();
    for t in 0..10u64 {
        let part = tick(&source, acc, ordinal);
        for k in 0..part.offered {
            expected.push((seq + k, 1_000 + t * 100, ordinal + k));
        }
        log.append_tick(seq, 1_000 + t * 100, 100, std::slice::from_ref(&part));
        seq += part.offered;
        ordinal += part.offered;
        acc += TWO_AND_A_HALF;
    }
    assert_eq!(log.chunk_count(), 1, "ten steady ticks make one run");
    assert_eq!(log.len(), 25);
    let read: Vec<(u64, u64, u64)> = log
        .iter_from(0)
        .map(|r| match r.body {
            RecordBody::Generated { ordinal, .. } => (r.seq_ix, r.arrival_ms, ordinal),
            RecordBody::Stored(_) => unreachable!(),
        })
        .collect();
    assert_eq!(read, expected);
    assert_eq!(log.first_seq_at_or_after_time(1_250), Some(expected[7].0));
    assert_eq!(log.count_between(3, 9), 6);
}

#[test]
fn trimming_a_run_keeps_the_rest_addressable() {
    let source: Rc<dyn RecordSource> = Rc::new(Counter);
    let mut log = RecordLog::default();
    let (mut acc, mut ordinal, mut seq) = (0u128, 0u64, 1u64);
    for t in 0..10u64 {
        let part = tick(&source, acc, ordinal);
        log.append_tick(seq, t * 100, 100, std::slice::from_ref(&part));
        seq += part.offered;
        ordinal += part.offered;
        acc += TWO_AND_A_HALF;
    }
    let before: Vec<u64> = log.iter_from(0).map(|r| r.seq_ix).collect();
    let dropped = log.trim_before(450);
    let after: Vec<u64> = log.iter_from(0).map(|r| r.seq_ix).collect();
    assert_eq!(dropped as usize, before.len() - after.len());
    assert_eq!(after, before[dropped as usize..]);
    assert!(log.iter_from(0).all(|r| r.arrival_ms >= 450));
}

#[test]
fn throttled_ticks_make_one_counted_run_that_skips_refused_ordinals() {
    let source: Rc<dyn RecordSource> = Rc::new(Counter);
    let mut log = RecordLog::default();
    let (mut acc, mut ordinal, mut seq) = (0u128, 0u64, 1u64);
    let mut expected_ordinals = Vec::new();
    for t in 0..200u64 {
        let mut part = tick(&source, acc, ordinal);
        // Every third tick of the first hundred, the shard takes only one record.
        if t < 100 && t % 3 == 0 {
            part.accepted = part.accepted.min(1);
        }
        expected_ordinals.extend(ordinal..ordinal + part.accepted);
        log.append_tick(seq, t * 100, 100, std::slice::from_ref(&part));
        seq += part.accepted;
        ordinal += part.offered;
        acc += TWO_AND_A_HALF;
    }
    let ordinals: Vec<u64> = log
        .iter_from(0)
        .map(|r| match r.body {
            RecordBody::Generated { ordinal, .. } => ordinal,
            RecordBody::Stored(_) => unreachable!(),
        })
        .collect();
    assert_eq!(ordinals, expected_ordinals);
    // One steady tick, one counted run through the throttled stretch and a little after,
    // then steady again.
    assert!(log.chunk_count() <= 3, "{} chunks", log.chunk_count());
    let before = log.len();
    let dropped = log.trim_before(5_000);
    assert_eq!(log.len() as u64, before as u64 - dropped);
    let kept: Vec<u64> = log
        .iter_from(0)
        .map(|r| match r.body {
            RecordBody::Generated { ordinal, .. } => ordinal,
            RecordBody::Stored(_) => unreachable!(),
        })
        .collect();
    assert_eq!(
        kept,
        expected_ordinals[expected_ordinals.len() - kept.len()..]
    );
    assert!(log.iter_from(0).all(|r| r.arrival_ms >= 5_000));
}

#[test]
fn stored_records_and_runs_interleave_in_sequence_order() {
    let source: Rc<dyn RecordSource> = Rc::new(Counter);
    let mut log = RecordLog::default();
    log.push_stored(1, StoredRecord::new(5, "typed", b"by hand"));
    log.append_tick(2, 10, 100, &[tick(&source, 0, 0)]);
    log.push_stored(4, StoredRecord::new(20, "again", b""));
    log.push_generated(5, 30, source.clone(), 0, 9);
    log.push_generated(6, 30, source.clone(), 0, 10);
    assert_eq!(
        log.chunk_count(),
        4,
        "the two retries of one instant share a run"
    );
    let keys: Vec<String> = log.iter_from(0).map(|r| r.partition_key()).collect();
    assert_eq!(keys, ["typed", "s0-0", "s0-1", "again", "s0-9", "s0-10"]);
    assert_eq!(
        log.first_at_or_after(4).map(|r| r.partition_key()),
        Some("again".into())
    );
}

#[test]
fn reading_from_any_record_of_a_two_part_run_gives_the_stored_order() {
    // Two producers share each tick; some ticks one of them is refused entirely, some the
    // shard takes nothing at all. Reading from any sequence index gives the records from
    // there on, each where a lookup of that one record finds it.
    let a: Rc<dyn RecordSource> = Rc::new(Counter);
    let b: Rc<dyn RecordSource> = Rc::new(Counter);
    let mut log = RecordLog::default();
    let (mut acc, mut ordinals, mut seq) = (0u128, [0u64, 1_000], 1u64);
    let mut expected = Vec::new();
    for t in 0..40u64 {
        let mut parts = [tick(&a, acc, ordinals[0]), tick(&b, acc, ordinals[1])];
        if t % 5 == 1 {
            parts[0].accepted = 0;
        }
        if t % 7 == 2 {
            parts[1].accepted = 1;
        }
        if t % 11 == 3 {
            parts[0].accepted = 0;
            parts[1].accepted = 0;
        }
        for (i, part) in parts.iter().enumerate() {
            expected.extend((0..part.accepted).map(|k| (i, part.first_ordinal + k, t * 100)));
        }
        log.append_tick(seq, t * 100, 100, &parts);
        seq += parts.iter().map(|p| p.accepted).sum::<u64>();
        for (ordinal, part) in ordinals.iter_mut().zip(&parts) {
            *ordinal += part.offered;
        }
        acc += TWO_AND_A_HALF;
    }
    let describe = |r: RecordRef<'_>| match r.body {
        RecordBody::Generated {
            source, ordinal, ..
        } => (usize::from(!Rc::ptr_eq(source, &a)), ordinal, r.arrival_ms),
        RecordBody::Stored(_) => unreachable!(),
    };
    for from in 1..seq {
        let read: Vec<_> = log.iter_from(from).map(describe).collect();
        assert_eq!(read, expected[(from - 1) as usize..], "from {from}");
        let one = log.first_at_or_after(from).map(describe);
        assert_eq!(one, read.first().copied());
    }
}
