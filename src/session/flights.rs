//! Records in flight: the dots the page draws travelling from a producer to a shard.
//!
//! A stream can take thousands of records a second and a screen cannot show each one, so the
//! page launches a bounded number of dots per frame, each standing for the records of the
//! events it was sampled from (its `records`); the legend says how many records a dot stands
//! for and the gauges and charts keep the exact numbers. Accepted and throttled records are
//! sampled separately, so a throttle is never hidden by the records that got through: a
//! throttled dot flies to its shard, bounces off and fades red.
//!
//! Time here is flight time: wall milliseconds that pass only while the simulation moves (the
//! page keeps the clock, see `ui/flight_canvas.rs`). A dot takes the same time to cross the
//! screen at any speed, and stands still, still clickable, while the simulation is paused.
//!
//! Only the events of the last stretch of simulated time a frame covers become dots. After a
//! jump (a link, a rewind, Back, a console `wait`) the page has seconds or hours of events at
//! once; launching them all would make a dozen dots stand for thousands of records each, and
//! the legend would say so. So the page passes the moment after which events fly
//! ([`launch_window_ms`] before now, or the frame's own stretch), and the legend's scale is
//! that of the dots in the air.

use std::collections::VecDeque;

use crate::engine::hash_key_of;
use crate::sim::{Event, EventKind};

/// How long a dot takes to reach its shard.
pub const FLIGHT_WALL_MS: f64 = 900.0;
/// At most this many accepted dots, this many throttled dots, and this many aggregated
/// records (KPL) leave per frame.
pub const ACCEPTED_PER_FRAME: usize = 12;
pub const THROTTLED_PER_FRAME: usize = 6;
pub const AGGREGATED_PER_FRAME: usize = 6;
/// At most this many dots in the air at once (the oldest land early).
pub const MAX_IN_AIR: usize = 360;
/// The number of partition-key colours (the Okabe-Ito palette the page uses).
pub const KEY_COLOURS: u8 = 8;
/// The wall time of a frame at 60 frames a second.
pub const FRAME_WALL_MS: f64 = 1000.0 / 60.0;
/// The shortest stretch of simulated time whose events fly after a jump: one producer send
/// interval (100 ms), so at least one send of every producer is in it.
pub const MIN_LAUNCH_WINDOW_MS: u64 = 100;

/// The stretch of simulated time a frame covers at `speed`, in whole producer send intervals
/// (at least one, [`MIN_LAUNCH_WINDOW_MS`]): after a jump, only the events of this last
/// stretch fly. Producers send every 100 ms, so a frame's dots stand for the records of the
/// sends it covers; a stretch of whole sends gives the dots after a jump the same scale.
pub fn launch_window_ms(speed: f64) -> u64 {
    let sends = (speed.max(0.0) * FRAME_WALL_MS / MIN_LAUNCH_WINDOW_MS as f64).round();
    (sends as u64).max(1) * MIN_LAUNCH_WINDOW_MS
}

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
    /// How many records the dot stands for (user records, for a KPL producer).
    pub records: u64,
    /// How many Kinesis records carried them: fewer than `records` when the dot is an
    /// aggregated record (the KPL packs many user records into one Kinesis record).
    pub kinesis_records: u64,
    pub launched_ms: f64,
}

impl Flight {
    /// How far along its path the dot is (0 at the producer, 1 at the shard).
    pub fn progress(&self, now_ms: f64) -> f64 {
        ((now_ms - self.launched_ms) / FLIGHT_WALL_MS).clamp(0.0, 1.0)
    }

    /// For an aggregated record: how many user records each Kinesis record holds (the
    /// dot's average, rounded); `None` for plain records.
    pub fn user_records_per_aggregate(&self) -> Option<u64> {
        (self.kinesis_records > 0 && self.kinesis_records < self.records)
            .then(|| (self.records as f64 / self.kinesis_records as f64).round() as u64)
    }
}

/// Every dot in the air, and what was launched.
#[derive(Clone, Debug, Default)]
pub struct Flights {
    in_air: VecDeque<Flight>,
    /// Records the launched dots stood for, and dots launched.
    pub records_launched: u64,
    pub dots_launched: u64,
    /// The legend's last scale, kept while no dot is in the air.
    last_scale: Option<f64>,
}

/// One candidate from the events of a frame.
struct Candidate<'a> {
    producer: &'a str,
    shard: &'a str,
    key: &'a str,
    records: u64,
    kinesis_records: u64,
}

impl Flights {
    /// Launches dots for the put events of one frame that happened after `after_ms` (simulated
    /// epoch milliseconds; older ones are left out, see the module docs), at flight time
    /// `now_ms`, for the stream on screen.
    pub fn launch(&mut self, events: &[Event], stream: &str, after_ms: u64, now_ms: f64) {
        let mut accepted = Vec::new();
        let mut throttled = Vec::new();
        // Aggregated records fly apart from plain ones, so a dot is all one or the other.
        let mut aggregated = Vec::new();
        for event in events.iter().filter(|e| e.at_ms > after_ms) {
            match &event.kind {
                EventKind::RecordsPut {
                    producer,
                    stream: s,
                    shard,
                    count,
                    sample_key,
                    kinesis_records,
                } if s == stream => {
                    let candidate = Candidate {
                        producer,
                        shard,
                        key: sample_key,
                        records: *count,
                        kinesis_records: kinesis_records.unwrap_or(*count),
                    };
                    if kinesis_records.is_some() {
                        aggregated.push(candidate);
                    } else {
                        accepted.push(candidate);
                    }
                }
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
                    kinesis_records: *count,
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
                    kinesis_records: 1,
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
                    kinesis_records: 1,
                }),
                _ => {}
            }
        }
        self.sample(&accepted, ACCEPTED_PER_FRAME, false, now_ms);
        self.sample(&throttled, THROTTLED_PER_FRAME, true, now_ms);
        self.sample(&aggregated, AGGREGATED_PER_FRAME, false, now_ms);
        while self.in_air.len() > MAX_IN_AIR {
            self.in_air.pop_front();
        }
        self.note_scale();
    }

    /// Remembers the scale of the dots in the air, for when none is.
    fn note_scale(&mut self) {
        if let Some(scale) = self.scale() {
            self.last_scale = Some(scale);
        }
    }

    /// Records per plain dot in the air (an aggregated record shows its own count).
    fn scale(&self) -> Option<f64> {
        let (records, dots) = self
            .in_air
            .iter()
            .filter(|f| f.user_records_per_aggregate().is_none())
            .fold((0, 0u64), |(r, n), f| (r + f.records, n + 1));
        (dots > 0).then(|| records as f64 / dots as f64)
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
            let kinesis_records: u64 = group.iter().map(|c| c.kinesis_records).sum();
            self.in_air.push_back(Flight {
                producer: first.producer.to_string(),
                shard: first.shard.to_string(),
                key: first.key.to_string(),
                colour: key_colour(first.key),
                throttled,
                records,
                kinesis_records,
                // Spread a frame's dots a little so they do not start as one blob.
                launched_ms: now_ms - (g as f64 * 7.0) % 60.0,
            });
            self.records_launched += records;
            self.dots_launched += 1;
        }
    }

    /// Drops dots that have landed by flight time `now_ms`.
    pub fn retire(&mut self, now_ms: f64) {
        self.note_scale();
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

    /// On average, how many records one plain dot in the air stands for (the last such
    /// scale while none is in the air; 1 before any flew).
    pub fn records_per_dot(&self) -> f64 {
        self.scale().or(self.last_scale).unwrap_or(1.0)
    }

    /// The aggregated records in the air: how many user records one holds, on average
    /// (rounded), or `None` when no dot in the air is one (the legend explains them then).
    pub fn aggregate_in_air(&self) -> Option<u64> {
        let (records, kinesis) = self
            .in_air
            .iter()
            .filter(|f| f.user_records_per_aggregate().is_some())
            .fold((0, 0), |(r, k), f| (r + f.records, k + f.kinesis_records));
        (kinesis > 0).then(|| (records as f64 / kinesis as f64).round() as u64)
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
        flights.launch(&events, "orders", 0, 0.0);
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
        let scale = flights.records_per_dot();
        flights.retire(FLIGHT_WALL_MS + 100.0);
        assert!(flights.is_empty());
        assert_eq!(
            flights.records_per_dot(),
            scale,
            "the legend keeps its last scale"
        );
    }

    /// The scale of a dot in a live page at `speed`: the events of one frame's stretch.
    fn live_scale(session: &mut Session, frames: usize, speed: f64) -> f64 {
        let mut flights = Flights::default();
        for _ in 0..frames {
            let before = session.world.now_ms();
            session.advance((speed * FRAME_WALL_MS).round() as u64);
            let events = session.new_events();
            flights.launch(&events, "orders", before, 0.0);
        }
        flights.records_per_dot()
    }

    #[test]
    fn after_a_jump_a_dot_stands_for_as_many_records_as_in_a_live_frame() {
        for speed in [1.0, 4.0, 16.0, 64.0] {
            let mut session = Session::new(Link::decode("#seed=5").unwrap());
            session.advance(20_000);
            let jump = session.new_events();
            let mut flights = Flights::default();
            let now = session.world.now_ms();
            flights.launch(&jump, "orders", now - launch_window_ms(speed), 0.0);
            let after_jump = flights.records_per_dot();
            let live = live_scale(&mut session, 60, speed);
            assert!(
                (after_jump / live - 1.0).abs() < 0.2,
                "at {speed}x: {after_jump:.1} records a dot after the jump, {live:.1} live"
            );
            // Launching the whole jump, as the page once did, is the bug: many times the scale.
            let mut all = Flights::default();
            all.launch(&jump, "orders", 0, 0.0);
            assert!(all.records_per_dot() > 5.0 * live);
        }
    }

    #[test]
    fn a_key_always_gets_the_same_colour() {
        assert_eq!(key_colour("user-42"), key_colour("user-42"));
        let colours: std::collections::BTreeSet<u8> =
            (0..200).map(|i| key_colour(&format!("k{i}"))).collect();
        assert_eq!(colours.len(), KEY_COLOURS as usize);
    }
}
