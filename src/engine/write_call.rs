//! How a record is written: by PutRecord, or as one entry of a PutRecords call.
//!
//! The two calls put a record into its shard the same way but charge it differently:
//! PutRecord rounds its size up to the next kilobyte against the shard's 1 MiB/s, PutRecords
//! charges each entry exactly, which is why batching is cheaper (reference section 1.2). They
//! also count different CloudWatch metrics.
//!
//! This is its own module, below everything else, because both sides of a write need it:
//! the write path that charges and counts ([`super::write`], `generated`) and the
//! record log, whose producer ticks ([`super::records::TickPart`]) say how their records are
//! sent. The log must not depend on the write path that stores into it.

/// How a write is charged and counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteCall {
    /// A PutRecord call: size rounded up to a whole KB for throttling.
    PutRecord,
    /// One entry of a PutRecords call: charged exactly.
    PutRecordsEntry,
}

impl WriteCall {
    /// What a record of `size` bytes (partition key + data) takes from the shard's
    /// write-bytes bucket.
    pub fn charge(self, size: u64) -> u64 {
        match self {
            WriteCall::PutRecord => size.div_ceil(1024).max(1) * 1024,
            WriteCall::PutRecordsEntry => size,
        }
    }
}
