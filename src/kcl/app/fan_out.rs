//! Enhanced fan-out retrieval for the KCL's shard consumers.

use super::KclApp;
use crate::engine::SubscriptionId;

/// A shard consumer waiting for its subscription's next event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FanOutWaiting {
    pub subscription: SubscriptionId,
    pub worker: String,
    pub generation: u64,
    pub lease_key: String,
    pub token: u64,
}

impl KclApp {
    /// The shard consumers of running workers waiting for a subscription's event.
    pub fn fan_out_waiting(&self, _now: u64) -> Vec<FanOutWaiting> {
        Vec::new()
    }
}
