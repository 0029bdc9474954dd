//! Unit tests of the order check: what counts as out of order, what does not, and the bound.

use std::rc::Rc;

use super::*;
use crate::engine::records::{RecordBody, StoredRecord};
use crate::engine::{RecordSource, SendOrder};

/// A source whose record `n` of any shard has key `n / 1000` and was sent `n`-th.
#[derive(Debug)]
struct Numbered;

impl RecordSource for Numbered {
    fn name(&self) -> &str {
        "numbered"
    }
    fn size(&self, _: u32, _: u64) -> u64 {
        1
    }
    fn record(&self, _: u32, ordinal: u64) -> (String, Vec<u8>) {
        (format!("k{}", ordinal / 1000), Vec::new())
    }
    fn hash_key(&self, _: u32, _: u64) -> u128 {
        0
    }
    fn send_order(&self, _: u32, ordinal: u64) -> Option<SendOrder> {
        Some(SendOrder {
            key: u128::from(ordinal / 1000),
            position: u128::from(ordinal),
        })
    }
}

/// Delivers, from `shard`, records with these (sequence index, ordinal) pairs.
fn deliver(order: &mut DeliveryOrder, shard: u32, records: &[(u64, u64)]) {
    let source: Rc<dyn RecordSource> = Rc::new(Numbered);
    for &(seq_ix, ordinal) in records {
        let record = RecordRef {
            seq_ix,
            arrival_ms: 0,
            size: 1,
            body: RecordBody::Generated {
                source: &source,
                shard,
                ordinal,
            },
        };
        order.deliver(shard, &record);
    }
}

#[test]
fn records_in_the_order_they_were_sent_are_not_out_of_order() {
    let mut order = DeliveryOrder::default();
    deliver(
        &mut order,
        0,
        &[(1, 1), (2, 2), (3, 1_001), (4, 3), (5, 1_002)],
    );
    assert_eq!(order.violations(), 0);
}

#[test]
fn a_record_after_a_later_record_of_its_key_is_out_of_order() {
    let mut order = DeliveryOrder::default();
    // Sent 1, 2, 3 with key 0; stored 1, 3, 2 (2 was resent); 1,001 is another key.
    deliver(&mut order, 0, &[(1, 1), (2, 3), (3, 1_001), (4, 2)]);
    assert_eq!(order.violations(), 1);
    // 4 comes after 3: in order again.
    deliver(&mut order, 0, &[(5, 4)]);
    assert_eq!(order.violations(), 1);
    // A child shard read before its parent's last record: the parent's record counts.
    deliver(&mut order, 1, &[(1, 10)]);
    deliver(&mut order, 0, &[(6, 5)]);
    assert_eq!(order.violations(), 2);
}

#[test]
fn records_delivered_again_are_duplicates_not_reorderings() {
    let mut order = DeliveryOrder::default();
    deliver(&mut order, 0, &[(1, 1), (2, 2), (3, 3)]);
    // A new lease owner starts again from the checkpoint at 1: 2 and 3 again, then 4.
    deliver(&mut order, 0, &[(2, 2), (3, 3), (4, 4)]);
    assert_eq!(order.violations(), 0);
}

#[test]
fn records_typed_by_hand_have_no_send_order() {
    let mut order = DeliveryOrder::default();
    let typed = StoredRecord::new(0, "k0", b"x");
    for seq_ix in [1, 2] {
        let record = RecordRef {
            seq_ix,
            arrival_ms: 0,
            size: 1,
            body: RecordBody::Stored(&typed),
        };
        order.deliver(0, &record);
    }
    assert_eq!(order.violations(), 0);
    assert_eq!(order.keys_remembered(), 0);
}

#[test]
fn memory_stays_bounded_and_recent_keys_are_remembered() {
    let mut order = DeliveryOrder::default();
    let keys = 3 * KEYS_PER_GENERATION as u64;
    // Key k's record 1 then 2 (ordinals k*1000+1, k*1000+2), a key at a time.
    for k in 0..keys {
        deliver(&mut order, 0, &[(2 * k + 1, k * 1_000 + 2)]);
        assert!(order.keys_remembered() <= 2 * KEYS_PER_GENERATION);
    }
    // The last key delivered is remembered: its earlier record now counts.
    deliver(&mut order, 0, &[(2 * keys + 1, (keys - 1) * 1_000 + 1)]);
    assert_eq!(order.violations(), 1);
    // The first key was forgotten long ago: its earlier record cannot count.
    deliver(&mut order, 0, &[(2 * keys + 2, 1)]);
    assert_eq!(order.violations(), 1);
}
