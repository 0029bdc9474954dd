//! The Kinesis API called by a program from outside the page: `shardlab endpoint` (issue 21)
//! hands each request a real client sends (boto3, the AWS CLI, an SDK) to the session at the
//! simulated moment it arrives.
//!
//! Separate from the console because nothing is typed: the call is an action and a JSON body,
//! and its answer goes back to the program over the wire. It is journaled like a command
//! ([`Action::Api`]), so the run it belongs to is the scenario, the seed and these calls at
//! their moments: a link replays it, and a page mirroring the endpoint replays the same calls
//! in its own engine and draws exactly the endpoint's state.

use serde_json::Value;

use super::{Action, Session, TimedAction};
use crate::engine::ApiError;

impl Session {
    /// Calls the Kinesis API now, as a program does through `shardlab endpoint`, and journals
    /// the call (what a link or a mirror replays).
    pub fn api_call(&mut self, action: &str, body: &Value) -> Result<Value, ApiError> {
        self.fork();
        self.journal.push(TimedAction {
            at_ms: self.world.elapsed_ms(),
            action: Action::Api {
                action: action.to_string(),
                body: body.clone(),
            },
        });
        self.world.call(action, body)
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
