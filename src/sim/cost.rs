//! The cost meter: what the simulated streams would cost on AWS, accrued in virtual time.
//!
//! Two kinds of charge, kept two ways so that neither needs a look at each record:
//! - by the hour (shard-hours, extended retention, stream-hours, fan-out consumer-shard-hours):
//!   the meter integrates over the world's states. The rate only changes when the state does
//!   (a stream created, a reshard applied, retention raised), and the world brings the meter
//!   up to each such moment before it happens (`World::set_clock` steps through the engine's
//!   pending changes; a hand call happens at a moment the meter has reached), so a quantity is
//!   a sum of whole milliseconds times a count: exact and the same on every run.
//! - by the amount (PUT payload units, GB written and read): the engine's write and read paths
//!   count them per stream as they store or return records ([`crate::engine::Usage`], summed
//!   per tick's chunk for the producers' records); the meter takes what was added since its
//!   last look, under the stream's capacity mode then.
//!
//! Prices are in [`super::prices`]. A stream is billed under its capacity mode
//! ([`capacity_mode`]) and for its ACTIVE fan-out consumers ([`fan_out_consumers`]), whose
//! CREATING and DELETING transitions are engine changes the world steps through like any
//! other.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use super::prices::{self, Price, GB_BYTES, HOUR_MS};
use crate::engine::{Kinesis, Stream, StreamMode, Usage};

/// A stream's capacity mode, as `StreamModeDetails.StreamMode` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapacityMode {
    Provisioned,
    OnDemand,
}

/// Which mode `stream` is billed under: its capacity mode (`StreamModeDetails`).
pub fn capacity_mode(stream: &Stream) -> CapacityMode {
    match stream.mode {
        StreamMode::Provisioned => CapacityMode::Provisioned,
        StreamMode::OnDemand => CapacityMode::OnDemand,
    }
}

/// How many enhanced fan-out consumers `stream` is billed for: its ACTIVE registered
/// consumers, each billed per shard-hour (their deliveries are counted in
/// `Usage::fan_out_bytes`). A consumer's CREATING and DELETING are not billed.
pub fn fan_out_consumers(stream: &Stream) -> u64 {
    stream.active_consumer_count() as u64
}

/// The meter's quantities, in exact base units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Quantities {
    shard_ms: u64,
    extended_shard_ms: u64,
    fan_out_consumer_shard_ms: u64,
    put_payload_units: u64,
    fan_out_bytes: u64,
    on_demand_stream_ms: u64,
    on_demand_kb_written: u64,
    on_demand_bytes_read: u64,
    on_demand_fan_out_bytes: u64,
}

impl Quantities {
    /// Adds `ms` of `stream` in its state now.
    fn add_time(&mut self, stream: &Stream, ms: u64) {
        let shards = stream.open_shard_count() as u64;
        let consumers = fan_out_consumers(stream);
        match capacity_mode(stream) {
            CapacityMode::Provisioned => {
                self.shard_ms += shards * ms;
                if stream.retention_hours > 24 {
                    self.extended_shard_ms += shards * ms;
                }
                self.fan_out_consumer_shard_ms += consumers * shards * ms;
            }
            // On-demand fan-out consumer-shard-hours have no price in the reference.
            CapacityMode::OnDemand => self.on_demand_stream_ms += ms,
        }
    }

    /// Adds what `stream` used since `before`.
    fn add_usage(&mut self, stream: &Stream, before: Usage) {
        let now = stream.usage;
        let fan_out = now.fan_out_bytes.saturating_sub(before.fan_out_bytes);
        match capacity_mode(stream) {
            CapacityMode::Provisioned => {
                self.put_payload_units += now
                    .put_payload_units
                    .saturating_sub(before.put_payload_units);
                self.fan_out_bytes += fan_out;
            }
            CapacityMode::OnDemand => {
                self.on_demand_kb_written += now.kb_written.saturating_sub(before.kb_written);
                self.on_demand_bytes_read += now.bytes_read.saturating_sub(before.bytes_read);
                self.on_demand_fan_out_bytes += fan_out;
            }
        }
    }

    /// Each item's price and quantity in the price's unit, in the table's order.
    fn items(&self) -> [(Price, f64); 9] {
        let hours = |ms: u64| ms as f64 / HOUR_MS;
        let gb = |bytes: u64| bytes as f64 / GB_BYTES;
        [
            (prices::SHARD_HOUR, hours(self.shard_ms)),
            (prices::PUT_PAYLOAD_UNITS, self.put_payload_units as f64),
            (prices::EXTENDED_RETENTION, hours(self.extended_shard_ms)),
            (
                prices::FAN_OUT_CONSUMER_SHARD_HOUR,
                hours(self.fan_out_consumer_shard_ms),
            ),
            (prices::FAN_OUT_RETRIEVAL, gb(self.fan_out_bytes)),
            (
                prices::ON_DEMAND_STREAM_HOUR,
                hours(self.on_demand_stream_ms),
            ),
            (
                prices::ON_DEMAND_WRITTEN,
                self.on_demand_kb_written as f64 / (1024.0 * 1024.0),
            ),
            (prices::ON_DEMAND_READ, gb(self.on_demand_bytes_read)),
            (
                prices::ON_DEMAND_FAN_OUT_RETRIEVAL,
                gb(self.on_demand_fan_out_bytes),
            ),
        ]
    }

    fn total_usd(&self) -> f64 {
        self.items().iter().map(|(p, q)| q * p.unit_usd()).sum()
    }
}

/// The meter: quantities up to `last_ms`, and the usage counters it has taken so far.
#[derive(Clone, Debug)]
pub struct Meter {
    last_ms: u64,
    so_far: Quantities,
    /// Each stream's counters at the last look, with its creation time (a stream deleted and
    /// created again under the same name starts from zero).
    seen: BTreeMap<String, (u64, Usage)>,
    /// Dollars of charges by the amount at the meter's last look in each of the last 60-odd
    /// simulated seconds, oldest first, for the rate per hour of traffic: (when, dollars).
    /// The charges only grow at the meter's looks, so the last entry at or before a moment
    /// gives the charges at that moment.
    history: VecDeque<(u64, f64)>,
}

/// The bill so far, as the snapshot's `cost` shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bill {
    pub total_usd: f64,
    /// The hourly charges of the streams as they are now, plus the data charges of the last
    /// simulated minute at their pace.
    pub per_hour_usd: f64,
    /// Items billed so far (a quantity above zero), in the price table's order.
    pub items: Vec<BillItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BillItem {
    pub name: &'static str,
    pub quantity: f64,
    pub unit: &'static str,
    pub unit_price_usd: f64,
    pub amount_usd: f64,
}

/// How far back the rate per hour looks at traffic: one simulated minute.
const TRAFFIC_WINDOW_MS: u64 = 60_000;

/// Rounds dollars to a millionth of a cent, so the snapshot shows no float dust.
fn usd(x: f64) -> f64 {
    (x * 1e8).round() / 1e8
}

impl Meter {
    pub fn new(start_ms: u64) -> Self {
        Meter {
            last_ms: start_ms,
            so_far: Quantities::default(),
            seen: BTreeMap::new(),
            history: VecDeque::from([(start_ms, 0.0)]),
        }
    }

    /// The quantities up to `now_ms`, the streams staying as they are since the last look.
    fn quantities_at(&self, kinesis: &Kinesis, now_ms: u64) -> Quantities {
        let mut q = self.so_far;
        let ms = now_ms.saturating_sub(self.last_ms);
        for stream in kinesis.streams() {
            q.add_time(stream, ms);
            let before = match self.seen.get(&stream.name) {
                Some((created, usage)) if *created == stream.created_ms => *usage,
                _ => Usage::default(),
            };
            q.add_usage(stream, before);
        }
        q
    }

    /// Brings the meter up to `now_ms`. The world calls it before every change of state.
    pub fn accrue(&mut self, kinesis: &Kinesis, now_ms: u64) {
        if now_ms < self.last_ms {
            return;
        }
        self.so_far = self.quantities_at(kinesis, now_ms);
        self.last_ms = now_ms;
        self.seen = kinesis
            .streams()
            .map(|s| (s.name.clone(), (s.created_ms, s.usage)))
            .collect();
        let mark = (now_ms, self.data_usd(&self.so_far));
        match self.history.back_mut() {
            Some(last) if last.0 / 1000 == now_ms / 1000 => *last = mark,
            _ => self.history.push_back(mark),
        }
        let window_start = now_ms.saturating_sub(TRAFFIC_WINDOW_MS);
        while self
            .history
            .get(1)
            .is_some_and(|next| next.0 <= window_start)
        {
            self.history.pop_front();
        }
    }

    /// Dollars of the charges by the amount (not by the hour).
    fn data_usd(&self, q: &Quantities) -> f64 {
        let hourly = Quantities {
            shard_ms: q.shard_ms,
            extended_shard_ms: q.extended_shard_ms,
            fan_out_consumer_shard_ms: q.fan_out_consumer_shard_ms,
            on_demand_stream_ms: q.on_demand_stream_ms,
            ..Quantities::default()
        };
        q.total_usd() - hourly.total_usd()
    }

    /// The bill at `now_ms`.
    pub fn bill(&self, kinesis: &Kinesis, now_ms: u64) -> Bill {
        let q = self.quantities_at(kinesis, now_ms);
        let items: Vec<BillItem> = q
            .items()
            .into_iter()
            .filter(|(_, quantity)| *quantity > 0.0)
            .map(|(price, quantity)| BillItem {
                name: price.name,
                quantity: (quantity * 1e6).round() / 1e6,
                unit: price.unit,
                unit_price_usd: price.unit_usd(),
                amount_usd: usd(quantity * price.unit_usd()),
            })
            .collect();
        // The hourly rate now: one hour more of every stream as it is.
        let mut next_hour = Quantities::default();
        for stream in kinesis.streams() {
            next_hour.add_time(stream, HOUR_MS as u64);
        }
        // Traffic at the pace of the last minute (or of the time since the start, if less).
        let window_start = now_ms.saturating_sub(TRAFFIC_WINDOW_MS);
        let (first_ms, _) = self.history.front().copied().unwrap_or((now_ms, 0.0));
        let before = self
            .history
            .iter()
            .take_while(|(at, _)| *at <= window_start)
            .last()
            .map_or(0.0, |(_, usd)| *usd);
        let window = now_ms - window_start.max(first_ms.min(now_ms));
        let traffic_per_hour = if window > 0 {
            (self.data_usd(&q) - before) * HOUR_MS / window as f64
        } else {
            0.0
        };
        Bill {
            total_usd: usd(q.total_usd()),
            per_hour_usd: usd(next_hour.total_usd() + traffic_per_hour),
            items,
        }
    }
}

impl Bill {
    /// What `sim cost` prints: one line per item, the total and the rate now.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.items.is_empty() {
            out.push_str("nothing billed yet\n");
        }
        for item in &self.items {
            out.push_str(&format!(
                "{:<34} {:>16} {:<22} at ${} = ${}\n",
                item.name,
                trim_float(item.quantity),
                item.unit,
                trim_float(item.unit_price_usd),
                trim_float(item.amount_usd),
            ));
        }
        out.push_str(&format!(
            "total ${} so far; ${} per hour now (prices: us-east-1, illustrative; see README)",
            trim_float(self.total_usd),
            trim_float(self.per_hour_usd)
        ));
        out
    }
}

/// A number as the snapshot's JSON writes it, without an exponent.
fn trim_float(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{x:.0}");
    }
    let text = format!("{x:.12}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
