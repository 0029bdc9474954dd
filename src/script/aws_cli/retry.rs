//! botocore's retries: the CLI sends a request again when the service answers with a
//! throttling error or a server error, after a random backoff, and says so only when it gives
//! up.
//!
//! Every HTTP request the CLI makes goes through botocore's endpoint
//! (botocore/endpoint.py `Endpoint._send_request`): one call, each page of a paginated
//! command, each poll of a waiter. When the answer is an error the retry handler accepts,
//! the endpoint sleeps the handler's delay and sends the same request again; when the handler
//! refuses because the attempts are used up, it marks the response `MaxAttemptsReached`, and
//! `ClientError` (botocore/exceptions.py) prints `(reached max retries: N)` after the
//! operation's name, N being the retries (attempts less one). An error no policy retries is
//! printed at once and without the note; a call that succeeds on a retry prints its response
//! alone.
//!
//! The two CLIs retry differently:
//! - v1 uses botocore's legacy mode (botocore/configprovider.py `_DEFAULT_RETRY_MODE`,
//!   `cfg/retry-mode#legacy` in its user agent): botocore/data/_retry.json gives 5 attempts,
//!   a delay of `rand * 2 ** (attempts - 1)` seconds (botocore/retryhandler.py
//!   `delay_exponential`, `attempts` the number of the attempt that failed), the general
//!   policies (ProvisionedThroughputExceededException and the four throttling codes with
//!   HTTP 400, HTTP 429, 500, 502, 503, 504, 509) and Kinesis's own `request_limit_exceeded`
//!   (LimitExceededException with 400). So at most 1 + 2 + 4 + 8 = 15 s of waiting.
//! - v2 uses the standard mode (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-retries.html;
//!   aws/aws-cli v2 awscli/botocore/retries/standard.py): 3 attempts, a delay of
//!   `min(rand * 2 ** (attempt - 1), 20)` seconds, retried on the transient codes and HTTP
//!   500, 502, 503, 504, and the throttling codes (LimitExceededException and
//!   ProvisionedThroughputExceededException among them). At most 1 + 2 = 3 s.
//!   The retry quota (500 tokens, 5 a retry) belongs to one client, and each command line
//!   makes a new one, so it never runs out here.
//!
//! The delay is simulated time: the world runs on while the CLI sleeps (producers send, a
//! shard's bucket refills, a stream finishes UPDATING), exactly as `aws kinesis wait`'s polls
//! let it run, and `random.random()` is the world's [`World::cli_retry_jitter`], a seeded
//! stream of the console's own.

use serde_json::Value;

use super::{CliVersion, Failure};
use crate::engine::ApiError;
use crate::sim::World;

/// How a CLI version retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Policy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// The longest single delay (standard mode's `_MAX_BACKOFF`), in ms.
    pub max_backoff_ms: Option<u64>,
}

impl Policy {
    pub fn of(version: CliVersion) -> Self {
        match version {
            // _retry.json `retry.__default__.max_attempts`.
            CliVersion::V1 => Policy {
                max_attempts: 5,
                max_backoff_ms: None,
            },
            // standard.py `DEFAULT_MAX_ATTEMPTS`, `ExponentialBackoff._MAX_BACKOFF`.
            CliVersion::V2 => Policy {
                max_attempts: 3,
                max_backoff_ms: Some(20_000),
            },
        }
    }

    /// The sleep after attempt `attempt` (1-based) failed, for a `random.random()` of
    /// `jitter`: `jitter * 2 ** (attempt - 1)` seconds (capped at 20 s in standard mode), in
    /// whole milliseconds of simulated time.
    pub fn backoff_ms(self, attempt: u32, jitter: f64) -> u64 {
        let growth = 2f64.powi(attempt.saturating_sub(1).min(62) as i32);
        let ms = (jitter * growth * 1000.0).round() as u64;
        match self.max_backoff_ms {
            Some(max) => ms.min(max),
            None => ms,
        }
    }
}

/// Whether `version`'s retry handler sends the request again after this answer.
pub(super) fn retryable(version: CliVersion, code: &str, http_status: u16) -> bool {
    match version {
        CliVersion::V1 => {
            // _retry.json: the policies that match a status code alone, then those that
            // match an error code with HTTP 400 (`throughput_exceeded`, the four throttling
            // policies and Kinesis's `request_limit_exceeded`).
            matches!(http_status, 429 | 500 | 502 | 503 | 504 | 509)
                || (http_status == 400
                    && matches!(
                        code,
                        "ProvisionedThroughputExceededException"
                            | "Throttling"
                            | "ThrottlingException"
                            | "ThrottledException"
                            | "RequestThrottledException"
                            | "LimitExceededException"
                    ))
        }
        CliVersion::V2 => {
            // `TransientRetryableChecker` and `ThrottledRetryableChecker`; Kinesis's model
            // marks no error `retryable`, so `ModeledRetryableChecker` adds nothing.
            matches!(http_status, 500 | 502 | 503 | 504)
                || matches!(
                    code,
                    "RequestTimeout"
                        | "RequestTimeoutException"
                        | "PriorRequestNotComplete"
                        | "Throttling"
                        | "ThrottlingException"
                        | "ThrottledException"
                        | "RequestThrottledException"
                        | "TooManyRequestsException"
                        | "ProvisionedThroughputExceededException"
                        | "TransactionInProgressException"
                        | "RequestLimitExceeded"
                        | "BandwidthLimitExceeded"
                        | "LimitExceededException"
                        | "RequestThrottled"
                        | "SlowDown"
                        | "EC2ThrottledException"
                )
        }
    }
}

/// Sends one request as botocore's endpoint does: again after each retryable error, with
/// simulated time passing in between, until it succeeds, fails for good, or the attempts are
/// used up.
pub(super) fn send(world: &mut World, action: &str, body: &Value) -> Result<Value, Failure> {
    let version = world.cli_version();
    let policy = Policy::of(version);
    let mut attempt = 1;
    loop {
        let error = match world.call(action, body) {
            Ok(response) => return Ok(response),
            Err(error) => error,
        };
        let retry = retryable(version, error.kind(), error.error_kind().http_status());
        if retry && attempt < policy.max_attempts {
            let delay = policy.backoff_ms(attempt, world.cli_retry_jitter());
            world.advance_by(delay);
            attempt += 1;
            continue;
        }
        // `MaxAttemptsDecorator` / `MaxAttemptsChecker` mark the response only when the
        // error was one to retry; `RetryAttempts` counts retries, not attempts.
        let retries = retry.then_some(attempt - 1);
        return Err(service_failure(&error, action, retries));
    }
}

fn service_failure(error: &ApiError, action: &str, retries: Option<u32>) -> Failure {
    Failure::Service {
        code: error.kind().to_string(),
        action: action.to_string(),
        message: error.message().to_string(),
        max_retries_reached: retries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_a_random_second() {
        let v1 = Policy::of(CliVersion::V1);
        // retryhandler.py `delay_exponential('rand', 2, attempts)`.
        let delays: Vec<u64> = (1..v1.max_attempts)
            .map(|a| v1.backoff_ms(a, 1.0))
            .collect();
        assert_eq!(delays, [1_000, 2_000, 4_000, 8_000]);
        assert_eq!(v1.backoff_ms(3, 0.25), 1_000);
        let v2 = Policy::of(CliVersion::V2);
        assert_eq!(v2.backoff_ms(1, 0.5), 500);
        assert_eq!(v2.backoff_ms(2, 0.5), 1_000);
        // standard.py caps a single delay at 20 s (only reached with more attempts).
        assert_eq!(v2.backoff_ms(9, 0.5), 20_000);
    }

    #[test]
    fn what_each_cli_retries() {
        for version in [CliVersion::V1, CliVersion::V2] {
            assert!(retryable(
                version,
                "ProvisionedThroughputExceededException",
                400
            ));
            assert!(retryable(version, "LimitExceededException", 400));
            assert!(retryable(version, "InternalFailure", 500));
            for code in [
                "ResourceNotFoundException",
                "ResourceInUseException",
                "InvalidArgumentException",
                "ExpiredIteratorException",
                "ValidationException",
            ] {
                assert!(!retryable(version, code, 400), "{code}");
            }
        }
        // Only legacy mode retries 429 and 509 as such; only standard mode knows the rarer
        // throttling codes.
        assert!(retryable(CliVersion::V1, "Whatever", 509));
        assert!(!retryable(CliVersion::V2, "Whatever", 509));
        assert!(!retryable(CliVersion::V1, "SlowDown", 400));
        assert!(retryable(CliVersion::V2, "SlowDown", 400));
    }
}
