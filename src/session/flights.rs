//! Records in flight: the dots the page draws travelling from a producer to a shard.
//!
//! A stream can take thousands of records a second and a screen cannot show each one, so the
//! page launches a bounded number of dots per frame, each standing for the records of the
//! events it was sampled from (its `records`); the legend says how many records a dot stands
//! for and the gauges and charts keep the exact numbers. Accepted and throttled records are
//! sampled separately, so a throttle is never hidden by the records that got through: a
//! throttled dot flies to its shard, bounces off and fades red.
//!
//! Time here is wall time (milliseconds of `performance.now()`), not simulated time: a dot
//! takes the same time to cross the screen at any speed.

use std::collections::VecDeque;

use crate::engine::hash_key_of;
use crate::sim::{Event, EventKind};

/// How long a dot takes to reach its shard.
pub const FLIGHT_WALL_MS: f64 = 900.0;
/// At most this many accepted dots, and this many throttled dots, leave per frame.
pub const ACCEPTED_PER_FRAME: usize = 12;
pub const THROTTLED_PER_FRAME: usize = 6;
/// At most this many dots in the air at once (the oldest land early).
pub const MAX_IN_AIR: usize = 360;
/// The number of partition-key colours (the Okabe-Ito palette the page uses).
pub const KEY_COLOURS: u8 = 8;

/// One dot.
#[derive(Clone, Debug, PartialEq)]
pub struct Flight {
    /// The producer that sent it; empty for a record put from the console or the script.
    pub producer: String,
    pub shard: String,
    /// The partition key of (the first of) the records it stands for.
    pub key: String,
    /// Which colour the key gets: the top bits of its hash key, so one key is always one
    /// colour.
    pub colour: u8,
    pub throttled: bool,
    /// How many records the dot stands for.
    pub records: u64,
    pub launched_ms: f64,
}

impl Flight {
    /// How far along its path the dot is (0 at the producer, 1 at the shard).
    pub fn progress(&self, now_ms: f64) -> f64 {
        ((now_ms - self.launched_ms) / FLIGHT_WALL_MS).clamp(0.0, 1.0)
    }
}

/// Every dot in the air, and what was launched.
#[derive(Clone, Debug, Default)]
pub struct Flights {
    in_air: VecDeque<Flight>,
    /// Records the launched dots stood for, and dots launched (for the legend).
    pub records_launched: u64,
    pub dots_launched: u64,
}

/// One candidate from the events of a frame.
struct Candidate<'a> {
    producer: &'a str,
    shard: &'a str,
    key: &'a str,
    records: u64,
}

impl Flights {
    /// Launches dots for the put events of one frame, at wall time `now_ms`, for the stream
    /// on screen.
    pub fn launch(&mut self, events: &[Event], stream: &str, now_ms: f64) {
        let mut accepted = Vec::new();
        let mut throttled = Vec::new();
        for event in events {
            match &event.kind {
                EventKind::RecordsPut {
                    producer,
                    stream: s,
                    shard,
                    count,
                    sample_key,
                } if s == stream => accepted.push(Candidate {
                    producer,
                    shard,
                    key: sample_key,
                    records: *count,
                }),
                EventKind::RecordsThrottled {
                    producer,
                    stream: s,
                    shard,
                    count,
                    sample_key,
                } if s == stream => throttled.push(Candidate {
                    producer,
                    shard,
                    key: sample_key,
                    records: *count,
                }),
                EventKind::RecordPut {
                    stream: s,
                    shard,
                    partition_key,
                    ..
                } if s == stream => accepted.push(Candidate {
                    producer: "",
                    shard,
                    key: partition_key,
                    records: 1,
                }),
                EventKind::PutThrottled {
                    stream: s,
                    shard,
                    partition_key,
                } if s == stream => throttled.push(Candidate {
                    producer: "",
                    shard,
                    key: partition_key,
                    records: 1,
                }),
                _ => {}
            }
        }
        self.sample(&accepted, ACCEPTED_PER_FRAME, false, now_ms);
        self.sample(&throttled, THROTTLED_PER_FRAME, true, now_ms);
        while self.in_air.len() > MAX_IN_AIR {
            self.in_air.pop_front();
        }
    }

    /// Splits the candidates into at most `budget` even groups in order; each group becomes
    /// one dot carrying the group's records and its first member's key.
    fn sample(&mut self, candidates: &[Candidate], budget: usize, throttled: bool, now_ms: f64) {
        if candidates.is_empty() || budget == 0 {
            return;
        }
        let groups = candidates.len().min(budget);
        for g in 0..groups {
            let from = g * candidates.len() / groups;
            let to = (g + 1) * candidates.len() / groups;
            let group = &candidates[from..to];
            let first = &group[0];
            let records: u64 = group.iter().map(|c| c.records).sum();
            self.in_air.push_back(Flight {
                producer: first.producer.to_string(),
                shard: first.shard.to_string(),
                key: first.key.to_string(),
                colour: key_colour(first.key),
                throttled,
                records,
                // Spread a frame's dots a little so they do not start as one blob.
                launched_ms: now_ms - (g as f64 * 7.0) % 60.0,
            });
            self.records_launched += records;
            self.dots_launched += 1;
        }
    }

    /// Drops dots that have landed.
    pub fn retire(&mut self, now_ms: f64) {
        self.in_air.retain(|f| f.progress(now_ms) < 1.0);
    }

    /// The dots in the air, oldest first.
    pub fn in_air(&self) -> impl Iterator<Item = &Flight> {
        self.in_air.iter()
    }

    pub fn len(&self) -> usize {
        self.in_air.len()
    }

    pub fn is_empty(&self) -> bool {
        self.in_air.is_empty()
    }

    /// On average, how many records one dot stood for.
    pub fn records_per_dot(&self) -> f64 {
        if self.dots_launched == 0 {
            1.0
        } else {
            self.records_launched as f64 / self.dots_launched as f64
        }
    }

    /// Forgets every dot (after a reset or a new scenario).
    pub fn clear(&mut self) {
        *self = Flights::default();
    }
}

/// The colour index of a partition key: the top bits of its 128-bit hash key.
pub fn key_colour(key: &str) -> u8 {
    ((hash_key_of(key) >> 125) as u8) % KEY_COLOURS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Link, Session};

    #[test]
    fn a_busy_stream_launches_a_bounded_number_of_dots_that_account_for_every_record() {
        let mut session = Session::new(Link::decode("#seed=5").unwrap());
        session.advance(3_000);
        session.new_events();
        session.advance(1_000);
        let events = session.new_events();
        let mut flights = Flights::default();
        flights.launch(&events, "orders", 0.0);
        assert!(flights.len() <= ACCEPTED_PER_FRAME + THROTTLED_PER_FRAME);
        let put: u64 = events
            .iter()
            .map(|e| match &e.kind {
                EventKind::RecordsPut { count, .. } | EventKind::RecordsThrottled { count, .. } => {
                    *count
                }
                _ => 0,
            })
            .sum();
        assert_eq!(flights.records_launched, put, "every record is in some dot");
        assert!(
            flights.in_air().any(|f| f.throttled && f.key == "user-42"),
            "the hot key's throttled records fly too"
        );
        assert!(flights.records_per_dot() > 1.0);
        flights.retire(FLIGHT_WALL_MS + 100.0);
        assert!(flights.is_empty());
    }

    #[test]
    fn a_key_always_gets_the_same_colour() {
        assert_eq!(key_colour("user-42"), key_colour("user-42"));
        let colours: std::collections::BTreeSet<u8> =
            (0..200).map(|i| key_colour(&format!("k{i}"))).collect();
        assert_eq!(colours.len(), KEY_COLOURS as usize);
    }
}
