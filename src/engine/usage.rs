//! What a stream has used that AWS bills by the amount: the counters the cost meter reads.
//!
//! AWS bills data by units a shard's metrics do not show: a provisioned stream's PUT payload
//! units round every record up to whole 25 KB chunks, an on-demand stream's data in rounds
//! every record up to whole KB. The write paths know each record's size, so they count both
//! here as they store it; the meter (`sim::cost`) turns the counts into dollars, by the
//! stream's capacity mode, and never needs to look at a record again. The counters only grow.

/// A PUT payload unit: 25 KB of a record, a record rounding up to whole units. Shardlab reads
/// AWS's "KB" as 1,024 bytes, as Kinesis's own limits (1 MiB/s) are binary.
pub const PUT_PAYLOAD_UNIT_BYTES: u64 = 25 * 1024;

/// One stream's billable usage since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Records stored, each rounded up to whole [`PUT_PAYLOAD_UNIT_BYTES`] (provisioned).
    pub put_payload_units: u64,
    /// Records stored, each rounded up to whole KB (on-demand's data in).
    pub kb_written: u64,
    /// Bytes returned by GetRecords (on-demand's data out).
    pub bytes_read: u64,
    /// Bytes pushed to enhanced fan-out consumers by their subscriptions (`fan_out`).
    pub fan_out_bytes: u64,
}

impl Usage {
    /// Counts one stored record of `size` bytes (partition key and data).
    pub fn record_put(&mut self, size: u64) {
        self.put_payload_units += size.div_ceil(PUT_PAYLOAD_UNIT_BYTES).max(1);
        self.kb_written += size.div_ceil(1024).max(1);
    }

    /// Counts `bytes` returned by one GetRecords call.
    pub fn record_read(&mut self, bytes: u64) {
        self.bytes_read += bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_up_to_whole_units() {
        let mut usage = Usage::default();
        usage.record_put(5 * 1024);
        assert_eq!(usage.put_payload_units, 1);
        usage.record_put(45 * 1024);
        assert_eq!(usage.put_payload_units, 3);
        usage.record_put(1);
        assert_eq!((usage.put_payload_units, usage.kb_written), (4, 5 + 45 + 1));
    }
}
