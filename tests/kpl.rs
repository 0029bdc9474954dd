//! The Kinesis Producer Library: the aggregated record format against a reference
//! implementation's bytes, and the KPL producer in the simulated world.

use shardlab::kpl::aggregated::{decode, encode, UserRecord};

fn fixture_records() -> Vec<UserRecord> {
    vec![
        UserRecord::new("alpha", b"first record"),
        UserRecord::new("beta", b"second"),
        UserRecord::new("alpha", b"third, same key"),
        UserRecord {
            explicit_hash_key: Some("170141183460469231731687303715884105728".into()),
            ..UserRecord::new("gamma", b"")
        },
    ]
}

#[test]
fn the_reference_aggregate_decodes_and_our_encoder_makes_the_same_bytes() {
    let reference = include_bytes!("fixtures/kpl_aggregated_record.bin");
    assert_eq!(decode(reference), Some(fixture_records()));
    assert_eq!(encode(&fixture_records()), reference.to_vec());
}
