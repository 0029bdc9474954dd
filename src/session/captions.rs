//! The page's sentences about what it draws: what a clicked record did, the legends, hints,
//! notes and text alternatives of the panels.
//!
//! The panels (in `ui`) compile only for wasm32 and are tested in a browser, where a word
//! changed by mistake is hard to notice. So every sentence with a choice in it (a count, one
//! record or many, throttled or not, none yet) is built here, as a plain function of the view
//! model, and native unit tests pin its exact words; the panels only place it in the page.
//! Numbers read as in the event history (`1,200`, see [`super::text`]).

pub mod cost;
mod lesson;

pub use lesson::{
    after_lesson, countdown, fast_forwarding, forked, held_at_question, held_at_step, hint,
    lesson_goal, next_lesson_button, play_button, predicted, revealed, scenario_done, task,
    task_waiting, waiting_for, PlayButton, TimeState,
};

use super::charts::Chart;
use super::flights::Flight;
use super::text::int;
use crate::engine::LineageNode;

/// What a clicked dot was, for the key explainer: its partition key, who sent it, and where
/// it went or which shard refused it; for a dot standing for several records, that it shows
/// the first.
pub fn clicked_record(flight: &Flight) -> String {
    if let Some(user_records) = flight.user_records_per_aggregate() {
        return clicked_aggregate(flight, user_records);
    }
    let from = if flight.producer.is_empty() {
        "put from the console".to_string()
    } else {
        format!("sent by producer {}", flight.producer)
    };
    let what = if flight.throttled {
        format!(
            "was refused by {} (ProvisionedThroughputExceededException)",
            flight.shard
        )
    } else {
        format!("went to {}", flight.shard)
    };
    let many = if flight.records > 1 {
        format!(
            " This dot stands for {} records; this was the first.",
            int(flight.records)
        )
    } else {
        String::new()
    };
    format!(
        "The record you clicked, with partition key {}, {from}, {what}.{many}",
        flight.key
    )
}

/// What a clicked aggregated record was: how many user records it holds, and why it went to
/// its shard (the KPL routes an aggregate by its first user record's hash key).
fn clicked_aggregate(flight: &Flight, user_records: u64) -> String {
    let many = if flight.kinesis_records > 1 {
        format!(
            " This dot stands for {} aggregated records of about {} user records each; this was the first.",
            int(flight.kinesis_records),
            int(user_records)
        )
    } else {
        String::new()
    };
    format!(
        "You clicked an aggregated record: {} user records in one Kinesis record, sent by producer {} through the KPL with PartitionKey a and, as its ExplicitHashKey, the hash key of its first user record (partition key {}), so it went to {}.{many}",
        int(user_records),
        flight.producer,
        flight.key,
        flight.shard
    )
}

/// The legend's note on aggregated records while any is in the air, holding `user_records`
/// user records each on average.
pub fn aggregate_legend(user_records: u64) -> String {
    format!(
        " A ringed dot marked ×{n} is an aggregated record: {n} user records in one Kinesis record, packed by the KPL.",
        n = int(user_records)
    )
}

/// The end of the stream panel's legend: how many records a dot stands for, on average.
pub fn dot_legend(records_per_dot: f64) -> String {
    match records_per_dot.round().max(1.0) as u64 {
        1 => ". One dot is one record.".to_string(),
        n => format!(". One dot ≈ {} records.", int(n)),
    }
}

/// The hint beside "Merge selected": the adjacent pair it would merge (in hash key order), or
/// why there is none, given how many shards are selected.
pub fn merge_hint(pair: Option<(&str, &str)>, selected: usize) -> String {
    match (pair, selected) {
        (Some((a, b)), _) => format!("Merge {a} and {b}"),
        (None, 2) => "These two shards are not adjacent: their ranges must touch".to_string(),
        _ => "Select two adjacent shards to merge them".to_string(),
    }
}

/// The note on a hot key whose shard throttles, when the key alone asks for at least half of
/// the shard's write limit (`limit` records per second).
pub fn hot_key_cause(rate: f64, limit: u64) -> String {
    format!(
        " throttled: this key alone asks for {:.0}% of its {} records/s",
        rate / limit as f64 * 100.0,
        int(limit)
    )
}

/// The event history's note while the pointer is over a shard's lane.
pub fn history_hovered(shard: &str) -> String {
    format!("Showing {shard}, the shard under the pointer.")
}

/// The event history's count: how many lines match, and how many of the newest are listed.
pub fn history_count(matching: usize, shown: usize) -> String {
    format!(
        "{} matching; the newest {} shown. Click a line to highlight its shard and worker.",
        int(matching as u64),
        shown
    )
}

/// A chart in words, the text alternative of its canvas: its latest value per line.
pub fn chart_summary(chart: &Chart) -> String {
    let latest: Vec<String> = chart
        .lines
        .iter()
        .filter_map(|line| {
            let value = line.values.iter().rev().flatten().next()?;
            Some(format!("{} {value:.0}", line.name))
        })
        .collect();
    if latest.is_empty() {
        format!("{}: no data yet", chart.title)
    } else {
        format!(
            "{} ({}), latest second: {}",
            chart.title,
            chart.unit,
            latest.join(", ")
        )
    }
}

/// The shard family tree in words, for screen readers: each shard, its state, and its
/// parents.
pub fn lineage_summary(lineage: &[LineageNode]) -> String {
    let mut parts = Vec::new();
    for node in lineage {
        let parents: Vec<String> = [node.parent, node.adjacent_parent]
            .into_iter()
            .flatten()
            .filter_map(|p| lineage.iter().find(|n| n.index == p))
            .map(|n| n.shard_id.clone())
            .collect();
        if parents.is_empty() {
            parts.push(format!("{} ({})", node.shard_id, node.state));
        } else {
            parts.push(format!(
                "{} ({}) child of {}",
                node.shard_id,
                node.state,
                parents.join(" and ")
            ));
        }
    }
    format!("Shard family tree: {}", parts.join("; "))
}

/// After "N processed again" on a KCL application: the causes, with their counts.
pub fn processed_again_causes(duplicates: &[(String, u64)]) -> String {
    let causes: Vec<String> = duplicates
        .iter()
        .map(|(why, n)| format!("{why}: {}", int(*n)))
        .collect();
    format!(" ({})", causes.join(", "))
}

/// A reader's count of records out of their producer's order: `3 out of order`.
pub fn out_of_order(violations: u64) -> String {
    format!("{} out of order", int(violations))
}

/// After a lease's owner, for a while after it changed hands: from whom, and whether it was
/// stolen from a live worker.
pub fn lease_moved(stolen: bool, from: Option<&str>) -> String {
    format!(
        " {} {}",
        if stolen { "stolen from" } else { "taken from" },
        from.unwrap_or("nobody")
    )
}

/// The title of a lease row's "unchanged for" cell: how long its counter has stood still, how
/// long the other workers have seen it so, and when it expires (all in milliseconds).
pub fn lease_frozen(frozen_ms: u64, seen_frozen_ms: u64, failover_ms: u64) -> String {
    format!(
        "Counter unchanged for {:.1} s; the other workers have seen it unchanged for {:.1} s (expired at {:.0} s)",
        frozen_ms as f64 / 1000.0,
        seen_frozen_ms as f64 / 1000.0,
        failover_ms as f64 / 1000.0
    )
}

/// The title of a lease row's "after checkpoint" cell: what the owner's death would cost.
pub fn lease_since_checkpoint(owner: Option<&str>, records: u64) -> String {
    format!(
        "If {} died now, these {records} records would be processed again",
        owner.unwrap_or_default()
    )
}

/// Why a script file or a pasted script was not run: it is larger than `most` bytes. `name` is
/// the file's name; `None` for a pasted script.
pub fn script_too_large(name: Option<&str>, bytes: u64, most: usize) -> String {
    match name {
        Some(name) => format!("{name} is {bytes} bytes; a script may be at most {most} bytes"),
        None => format!("the script is {bytes} bytes; a script may be at most {most} bytes"),
    }
}

/// Why a script file was not run: the browser could not read it.
pub fn script_unreadable(name: &str, error: &str) -> String {
    format!("{name} could not be read: {error}")
}

/// The page's footer: how long its frames' work takes (the 95th percentile over the last
/// `frames` frames; `None` before any was measured), and when the first frame came.
pub fn frame_work(p95_ms: Option<f64>, frames: usize, first_frame_ms: f64) -> String {
    match p95_ms {
        Some(p95) => format!(
            "Frame work: p95 {p95:.1} ms over the last {frames} frames; first frame {first_frame_ms:.0} ms after navigation."
        ),
        None => "Frame work: not measured yet.".to_string(),
    }
}

#[cfg(test)]
mod tests;

/// The event history's note on holding still: while the pointer is over the list (or the
/// keyboard is in it) no line moves, so the one aimed at stays put; and what Show does.
pub fn history_pointer_note(held: bool) -> String {
    if held {
        "Held still while the pointer or the keyboard is in the list; new lines appear when \
         it leaves."
            .to_string()
    } else {
        "The list holds still while the pointer is over it. Show brings a line's shard or \
         worker into view."
            .to_string()
    }
}

#[cfg(test)]
mod history_pointer_tests {
    #[test]
    fn the_history_says_when_it_holds_still() {
        assert_eq!(
            super::history_pointer_note(true),
            "Held still while the pointer or the keyboard is in the list; new lines appear \
             when it leaves."
        );
        assert!(super::history_pointer_note(false).contains("Show brings"));
    }
}

/// After the share popover's Copy: whether the browser let the page copy the link.
pub fn share_copied(ok: bool) -> String {
    if ok {
        "Copied to the clipboard.".to_string()
    } else {
        "The browser did not let the page copy it: the link is selected, press Ctrl+C (⌘C on \
         a Mac)."
            .to_string()
    }
}

#[cfg(test)]
mod share_tests {
    #[test]
    fn the_share_popover_says_whether_the_link_was_copied() {
        assert_eq!(super::share_copied(true), "Copied to the clipboard.");
        assert!(super::share_copied(false).contains("press Ctrl+C"));
    }
}
