//! The cost meter's words: dollars as a learner reads them, the toolbar's one line, and the
//! breakdown's rows.
//!
//! Small amounts matter here (a quiet shard costs $0.015 an hour, a PUT payload unit
//! $0.000000014), so dollars keep two significant figures below a cent instead of showing
//! "$0.00", and a quantity keeps its unit. Plain functions of the [`Bill`], pinned by tests.

use crate::session::text::int;
use crate::sim::cost::{Bill, BillItem};

/// "$0", "$0.0042", "$0.015", "$0.12", "$12.50", "$1,234": under a dollar, three
/// significant figures (a quiet shard's $0.015 an hour is not "$0.01"), cents above.
pub fn usd(amount: f64) -> String {
    if amount <= 0.0 {
        return "$0".to_string();
    }
    if amount >= 1000.0 {
        return format!("${}", int(amount.round() as u64));
    }
    if amount >= 1.0 {
        return format!("${amount:.2}");
    }
    let digits = ((-amount.log10()).ceil() as usize + 2).max(2);
    let text = format!("{amount:.digits$}");
    let (whole, decimals) = text.split_once('.').unwrap_or((&text, ""));
    let mut decimals = decimals.trim_end_matches('0').to_string();
    while decimals.len() < 2 {
        decimals.push('0');
    }
    format!("${whole}.{decimals}")
}

/// The toolbar's meter: "$0.06/h · $0.01 so far", in its two parts (a narrow screen shows
/// only the rate).
pub fn meter(bill: &Bill) -> String {
    format!("{}{}", meter_rate(bill), meter_so_far(bill))
}

/// "$0.06/h".
pub fn meter_rate(bill: &Bill) -> String {
    format!("{}/h", usd(bill.per_hour_usd))
}

/// " · $0.01 so far".
pub fn meter_so_far(bill: &Bill) -> String {
    format!(" · {} so far", usd(bill.total_usd))
}

/// The meter's title: what the two figures are.
pub fn meter_title(bill: &Bill) -> String {
    format!(
        "What these streams would cost on AWS (us-east-1, illustrative prices): {} an hour at the \
         present pace, {} since the start. Click for the items.",
        usd(bill.per_hour_usd),
        usd(bill.total_usd)
    )
}

/// One row of the breakdown: (item, "quantity unit at price", amount).
pub fn item_row(item: &BillItem) -> (String, String, String) {
    (
        item.name.to_string(),
        format!(
            "{} {} at {}",
            quantity(item.quantity),
            item.unit,
            unit_price(item.unit_price_usd)
        ),
        usd(item.amount_usd),
    )
}

/// A unit price exactly as the table has it: "$0.015", "$0.000000014".
fn unit_price(price: f64) -> String {
    let text = format!("{price:.10}");
    format!("${}", text.trim_end_matches('0').trim_end_matches('.'))
}

/// "1.5", "12,345", "0.000123": a quantity without float dust.
fn quantity(q: f64) -> String {
    if q >= 1000.0 {
        int(q.round() as u64)
    } else {
        let text = format!("{q:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_keep_three_significant_figures_below_a_dollar() {
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(0.015), "$0.015");
        assert_eq!(usd(0.12), "$0.12");
        assert_eq!(usd(0.1234), "$0.123");
        assert_eq!(usd(0.5), "$0.50");
        assert_eq!(usd(12.5), "$12.50");
        assert_eq!(usd(1234.4), "$1,234");
        assert_eq!(usd(0.0042), "$0.0042");
        assert_eq!(usd(0.00025), "$0.00025");
        assert_eq!(usd(0.000000014), "$0.000000014");
    }

    #[test]
    fn the_meter_says_the_rate_and_the_total() {
        let bill = Bill {
            total_usd: 0.0075,
            per_hour_usd: 0.06,
            items: vec![BillItem {
                name: "shard-hours",
                quantity: 0.5,
                unit: "shard-hours",
                unit_price_usd: 0.015,
                amount_usd: 0.0075,
            }],
        };
        assert_eq!(meter(&bill), "$0.06/h · $0.0075 so far");
        assert_eq!(
            item_row(&bill.items[0]),
            (
                "shard-hours".to_string(),
                "0.5 shard-hours at $0.015".to_string(),
                "$0.0075".to_string()
            )
        );
        assert!(meter_title(&bill).contains("$0.06 an hour at the present pace"));
    }
}
