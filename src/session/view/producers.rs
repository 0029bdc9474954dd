//! The producers as their cards show them, and what a KPL producer's card adds: user records
//! against Kinesis records a second, and the KPL's buffer filling and draining.
//!
//! Apart from the stream view because a card is about the producer, not the shards; the KPL's
//! part is in its own words (user records, Kinesis records, `RecordTtl`, Expired) and only a
//! producer made with `--kpl` has it: a plain producer's view has none, so its card and its
//! serialized view stay as they were.
//!
//! The buffer gauge is full when the KPL holds `RecordTtl` worth of the producer's user
//! records at its rate: a buffer that full means its oldest records are about to fail as
//! Expired, which is what a learner should see coming.

use serde::Serialize;

use crate::session::text::int;
use crate::sim::producer::{Producer, ProducerSeries};
use crate::sim::World;

/// A producer on screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProducerView {
    pub name: String,
    pub stream: String,
    pub rate: f64,
    pub keys: String,
    pub paused: bool,
    pub sent: u64,
    pub succeeded: u64,
    pub throttled: u64,
    pub failed: u64,
    /// Records sent, and refused by a shard, in the last complete second.
    pub sent_per_second: u64,
    pub throttled_per_second: u64,
    /// A KPL producer's user and Kinesis records a second and its buffer (none otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kpl: Option<KplView>,
}

/// The producers, as their cards show them.
pub fn producers(world: &World) -> Vec<ProducerView> {
    let last_second = (world.now_ms() / 1000).saturating_sub(1);
    world
        .producers()
        .map(|p| ProducerView {
            sent_per_second: p.series.in_second(ProducerSeries::Sent.into(), last_second),
            throttled_per_second: p
                .series
                .in_second(ProducerSeries::Throttled.into(), last_second),
            name: p.name.clone(),
            stream: p.config.stream.clone(),
            rate: p.config.rate,
            keys: p.config.keys.to_string(),
            paused: p.is_paused(world.now_ms()),
            sent: p.counters.sent,
            succeeded: p.counters.succeeded,
            throttled: p.counters.throttled,
            failed: p.counters.failed,
            kpl: KplView::of(p, last_second),
        })
        .collect()
}

/// What a KPL producer's card adds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KplView {
    /// `AggregationEnabled`.
    pub aggregation: bool,
    /// User records acknowledged in the last complete second.
    pub user_records_per_second: u64,
    /// Kinesis records (aggregates, or single user records) acknowledged in that second.
    pub kinesis_records_per_second: u64,
    /// User records inside the KPL now (buffered, or held back by its rate limit).
    pub buffered: u64,
    /// The gauge's full mark: `RecordTtl` worth of user records at the producer's rate.
    pub buffer_full: u64,
    /// User records failed with "Expired" so far.
    pub expired: u64,
    /// `RecordTtl`, in milliseconds.
    pub record_ttl_ms: u64,
}

impl KplView {
    /// The producer's KPL view, for the last complete second `second`; `None` for a producer
    /// without the KPL.
    pub fn of(producer: &Producer, second: u64) -> Option<KplView> {
        let pipeline = producer.kpl.as_ref()?;
        let ttl = pipeline.config.record_ttl_ms;
        Some(KplView {
            aggregation: pipeline.config.aggregation_enabled,
            user_records_per_second: producer
                .series
                .in_second(ProducerSeries::Succeeded.into(), second),
            kinesis_records_per_second: producer.kinesis_series.in_second(0, second),
            buffered: pipeline.buffered(),
            buffer_full: ((producer.config.rate * ttl as f64 / 1000.0).round() as u64).max(1),
            expired: pipeline.counters.expired,
            record_ttl_ms: ttl,
        })
    }

    /// `4,000 user records/s in 8 Kinesis records/s`.
    pub fn rates(&self) -> String {
        format!(
            "{} user records/s in {} Kinesis records/s",
            int(self.user_records_per_second),
            int(self.kinesis_records_per_second)
        )
    }

    /// `buffered 1,200`.
    pub fn buffered_label(&self) -> String {
        format!("buffered {}", int(self.buffered))
    }

    /// `expired 350`, once any user record expired.
    pub fn expired_label(&self) -> Option<String> {
        (self.expired > 0).then(|| format!("expired {}", int(self.expired)))
    }

    /// How full the buffer gauge is (0 to 1).
    pub fn fill(&self) -> f64 {
        (self.buffered as f64 / self.buffer_full as f64).clamp(0.0, 1.0)
    }

    /// What the gauge means, for its tooltip.
    pub fn buffer_note(&self) -> String {
        format!(
            "User records waiting in the KPL (in its buffer, or held back by its rate limit). \
             A user record that waits RecordTtl ({} s) fails as Expired: the gauge is full at \
             {} s of this producer's records.",
            self.record_ttl_ms / 1000,
            self.record_ttl_ms / 1000
        )
    }

    /// What the rates mean, for their tooltip.
    pub fn rates_note(&self) -> &'static str {
        if self.aggregation {
            "User records acknowledged a second, and the Kinesis records that carried them: with \
             aggregation the KPL packs many user records into one Kinesis record, and only \
             Kinesis records count against a shard's 1,000 records a second."
        } else {
            "User records acknowledged a second, and the Kinesis records that carried them: \
             without aggregation each user record is a Kinesis record of its own; the KPL only \
             collects them into PutRecords calls."
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::session::flights::Flights;
    use crate::session::{captions, Link, Session};
    use crate::sim::EventKind;

    /// The default scene with a one-shard stream `clicks` (ACTIVE) beside it.
    fn with_clicks() -> Session {
        let mut session = Session::new(Link::decode("#seed=3").unwrap());
        session.run_command("aws kinesis create-stream --stream-name clicks --shard-count 1");
        session.advance(5_000);
        session
    }

    fn producer(session: &Session, name: &str) -> super::ProducerView {
        super::producers(&session.world)
            .into_iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no producer {name}"))
    }

    #[test]
    fn an_aggregating_kpl_producer_shows_thousands_of_user_records_in_a_few_kinesis_records() {
        let mut session = with_clicks();
        session.run_command(
            "producer add agg --stream clicks --rate 4000 --size 50 --kpl --aggregate",
        );
        // Between two aggregates (about every 125 ms), some user records wait.
        session.advance(5_060);
        let agg = producer(&session, "agg");
        let kpl = agg.kpl.expect("a KPL producer has its KPL view");
        assert!(kpl.aggregation);
        assert!(
            (3_900..=4_100).contains(&kpl.user_records_per_second),
            "{kpl:?}"
        );
        assert!(
            (4..=12).contains(&kpl.kinesis_records_per_second),
            "{kpl:?}"
        );
        assert_eq!(
            kpl.rates(),
            format!(
                "{} user records/s in {} Kinesis records/s",
                crate::session::text::int(kpl.user_records_per_second),
                kpl.kinesis_records_per_second
            )
        );
        assert!(kpl.rates().starts_with("4,0") || kpl.rates().starts_with("3,9"));
        // A tenth of a second of records waits for its aggregate to fill, no more.
        assert!((1..=800).contains(&kpl.buffered), "{kpl:?}");
        assert_eq!(kpl.buffered_label(), format!("buffered {}", kpl.buffered));
        assert!(kpl.fill() < 0.01);
        assert_eq!(kpl.expired_label(), None);
        // The default scene's plain producers have no KPL part, in the page or its JSON.
        let web = producer(&session, "web");
        assert_eq!(web.kpl, None);
        assert!(!serde_json::to_string(&web).unwrap().contains("kpl"));
    }

    #[test]
    fn a_throttled_kpl_buffer_fills_then_its_records_expire() {
        let mut session = with_clicks();
        session.run_command(
            "producer add kpl --stream clicks --rate 3000 --size 50 --kpl --record-ttl 5s",
        );
        session.advance(3_000);
        let early = producer(&session, "kpl").kpl.unwrap();
        assert!(!early.aggregation);
        // Without aggregation each user record is a Kinesis record: about 1,000 a second fit.
        assert_eq!(
            early.user_records_per_second,
            early.kinesis_records_per_second
        );
        assert!(early.kinesis_records_per_second <= 1_600, "{early:?}");
        assert!(early.buffered > 3_000, "{early:?}");
        assert_eq!(early.expired_label(), None);
        session.advance(6_000);
        let late = producer(&session, "kpl").kpl.unwrap();
        assert_eq!(late.buffer_full, 15_000, "5 s of 3,000 records a second");
        assert!(late.fill() > early.fill() && late.fill() > 0.5, "{late:?}");
        assert!(late.expired > 0);
        assert_eq!(
            late.expired_label(),
            Some(format!(
                "expired {}",
                crate::session::text::int(late.expired)
            ))
        );
        assert!(late.buffer_note().contains("RecordTtl (5 s)"));
    }

    #[test]
    fn an_aggregated_record_flies_as_one_dot_holding_its_user_records() {
        let mut session = with_clicks();
        session.run_command(
            "producer add agg --stream clicks --rate 4000 --size 50 --kpl --aggregate",
        );
        session.advance(3_000);
        session.new_events();
        session.advance(1_000);
        let events = session.new_events();
        let (user_records, kinesis_records) = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::RecordsPut {
                    producer,
                    count,
                    kinesis_records,
                    sample_key,
                    ..
                } if producer == "agg" => {
                    assert!(sample_key.starts_with("user-"), "{sample_key}");
                    Some((*count, kinesis_records.expect("aggregates say how many")))
                }
                _ => None,
            })
            .fold((0, 0), |(u, k), (c, n)| (u + c, k + n));
        assert!(
            user_records >= 3_900 && kinesis_records <= 12,
            "{user_records} in {kinesis_records}"
        );
        let mut flights = Flights::default();
        flights.launch(&events, "clicks", 0, 0.0);
        let dot = flights
            .in_air()
            .find(|f| f.user_records_per_aggregate().is_some())
            .expect("an aggregate's dot");
        let held = dot.user_records_per_aggregate().unwrap();
        assert!(held > 100, "{dot:?}");
        assert_eq!(dot.producer, "agg");
        assert_eq!(flights.records_launched, user_records);
        assert!(flights.aggregate_in_air().is_some_and(|n| n > 100));
        let caption = captions::clicked_record(dot);
        assert!(
            caption.starts_with(&format!(
                "You clicked an aggregated record: {} user records in one Kinesis record",
                crate::session::text::int(held)
            )),
            "{caption}"
        );
        assert!(
            caption.contains("went to shardId-000000000000"),
            "{caption}"
        );
        assert!(captions::aggregate_legend(held).contains(&format!(
            "is an aggregated record: {} user records",
            crate::session::text::int(held)
        )));
    }
}
