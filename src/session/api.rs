//! The Kinesis API called by a program from outside the page: `shardlab endpoint` (issue 21)
//! hands each request a real client sends (boto3, the AWS CLI, an SDK) to the session at the
//! simulated moment it arrives.
//!
//! Separate from the console because nothing is typed: the call is an action and a JSON body,
//! and its answer goes back to the program over the wire. It is journaled like a command
//! ([`Action::Api`]), so the run it belongs to is the scenario, the seed and these calls at
//! their moments: a link replays it, and a page mirroring the endpoint replays the same calls
//! in its own engine and draws exactly the endpoint's state.
//!
//! SubscribeToShard is the one call whose answer is not a JSON body: on AWS it is an event
//! stream lasting up to five minutes. Here it opens a subscription the world's clock follows
//! ([`World::subscribe_to_shard`](crate::sim::World::subscribe_to_shard)), whose events the
//! endpoint takes from the world and streams; a replay makes the same subscription at the
//! same moment, which delivers at the same moments (nobody reads its events there, and the
//! world keeps none). The console's `aws kinesis subscribe-to-shard` still answers at once,
//! through the engine's JSON face.

use serde_json::{json, Value};

use super::{Action, Session, TimedAction};
use crate::engine::{ApiError, SubscriptionId};

impl Session {
    /// Calls the Kinesis API now, as a program does through `shardlab endpoint`, and journals
    /// the call (what a link or a mirror replays). SubscribeToShard opens a streaming
    /// subscription ([`Session::api_subscribe`]) and answers `{}`.
    pub fn api_call(&mut self, action: &str, body: &Value) -> Result<Value, ApiError> {
        if action == "SubscribeToShard" {
            return self.api_subscribe(body).map(|_| json!({}));
        }
        self.journal_api(action, body);
        self.world.call(action, body)
    }

    /// SubscribeToShard as a program calls it: the subscription's handle, its events to come
    /// through [`World::take_subscription_messages`](crate::sim::World::take_subscription_messages)
    /// where the world keeps them. Journaled as the call it is.
    pub fn api_subscribe(&mut self, body: &Value) -> Result<SubscriptionId, ApiError> {
        self.journal_api("SubscribeToShard", body);
        self.world.subscribe_to_shard(body)
    }

    fn journal_api(&mut self, action: &str, body: &Value) {
        self.fork();
        self.journal.push(TimedAction {
            at_ms: self.world.elapsed_ms(),
            action: Action::Api {
                action: action.to_string(),
                body: body.clone(),
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::session::{Action, Link, Scenario, Session};

    fn fresh() -> Session {
        Session::new(Link::start(Scenario::Script(String::new()), 3))
    }

    #[test]
    fn a_call_is_journaled_and_a_link_replays_it_to_the_same_state() {
        let mut live = fresh();
        live.api_call("CreateStream", &json!({"StreamName": "s", "ShardCount": 2}))
            .unwrap();
        live.advance(30_000);
        let put = live
            .api_call(
                "PutRecord",
                &json!({"StreamName": "s", "PartitionKey": "k", "Data": "aGk="}),
            )
            .unwrap();
        live.advance(1_000);
        assert!(matches!(
            &live.journal()[1].action,
            Action::Api { action, .. } if action == "PutRecord"
        ));
        assert_eq!(live.journal()[1].at_ms, 30_000);

        let link = Link::decode(&live.link().encode()).unwrap();
        let mut replayed = Session::new(link);
        replayed.finish_catch_up();
        assert_eq!(replayed.world.elapsed_ms(), live.world.elapsed_ms());
        let read = |s: &mut Session| {
            let iterator = s
                .world
                .call(
                    "GetShardIterator",
                    &json!({"StreamName": "s", "ShardId": put["ShardId"],
                            "ShardIteratorType": "TRIM_HORIZON"}),
                )
                .unwrap();
            s.world
                .call(
                    "GetRecords",
                    &json!({"ShardIterator": iterator["ShardIterator"]}),
                )
                .unwrap()["Records"]
                .clone()
        };
        let records = read(&mut replayed);
        assert_eq!(records, read(&mut live));
        assert_eq!(records[0]["SequenceNumber"], put["SequenceNumber"]);
    }
}
