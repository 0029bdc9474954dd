//! Errors as Kinesis reports them: an exception name and AWS's own message text.
//!
//! Every failure of an API call is a value of [`ApiError`], never a panic. The name is what
//! the AWS SDKs and CLI show as the error code (`ProvisionedThroughputExceededException`), the
//! message is worded as AWS words it (reference section 6), so a learner who meets the same
//! error on AWS later recognises it.

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// The exception names Kinesis Data Streams uses (the `__type` of an error response).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    ResourceNotFound,
    ResourceInUse,
    InvalidArgument,
    LimitExceeded,
    ProvisionedThroughputExceeded,
    ExpiredIterator,
    ExpiredNextToken,
    Validation,
    Serialization,
    UnknownOperation,
    InternalFailure,
}

impl ErrorKind {
    /// The exception name as AWS spells it.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::ResourceInUse => "ResourceInUseException",
            ErrorKind::InvalidArgument => "InvalidArgumentException",
            ErrorKind::LimitExceeded => "LimitExceededException",
            ErrorKind::ProvisionedThroughputExceeded => "ProvisionedThroughputExceededException",
            ErrorKind::ExpiredIterator => "ExpiredIteratorException",
            ErrorKind::ExpiredNextToken => "ExpiredNextTokenException",
            ErrorKind::Validation => "ValidationException",
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
            ErrorKind::InternalFailure => "InternalFailure",
        }
    }

    /// The HTTP status AWS answers with: 500 for internal failures, 400 for the rest.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::InternalFailure => 500,
            _ => 400,
        }
    }
}

/// A failed Kinesis API call: AWS's exception name and message.
///
/// Serializes as the JSON body AWS sends: `{"__type": kind, "message": message}`, or only
/// `{"__type": kind}` when AWS sends no message (UnknownOperationException, InternalFailure).
/// A SerializationException (a member of the wrong JSON type) spells the member `Message`,
/// as AWS's Coral layer does: kinesalite's AWS-validated type tests expect
/// `{"__type": "SerializationException", "Message": ...}` (mhart/kinesalite
/// validations/index.js `typeError`). The SDKs and the CLI read either spelling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    kind: ErrorKind,
    message: String,
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
        }
    }

    /// The exception name, e.g. `"ProvisionedThroughputExceededException"`.
    pub fn kind(&self) -> &str {
        self.kind.name()
    }

    /// The typed exception kind, for code that branches on it.
    pub fn error_kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, worded as AWS words it.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn resource_not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ResourceNotFound, message)
    }

    pub fn resource_in_use(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ResourceInUse, message)
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }

    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::LimitExceeded, message)
    }

    pub fn throughput_exceeded(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ProvisionedThroughputExceeded, message)
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Serialization, message)
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Validation, message)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl Serialize for ApiError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_struct("ApiError", 2)?;
        body.serialize_field("__type", self.kind())?;
        let member = match self.kind {
            ErrorKind::Serialization => "Message",
            _ => "message",
        };
        if self.message.is_empty() {
            body.skip_field(member)?;
        } else {
            body.serialize_field(member, &self.message)?;
        }
        body.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_the_aws_error_body() {
        let error = ApiError::throughput_exceeded("Rate exceeded for shard shardId-000000000000 in stream Foo under account 123456789012.");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({
                "__type": "ProvisionedThroughputExceededException",
                "message": "Rate exceeded for shard shardId-000000000000 in stream Foo under account 123456789012."
            })
        );
        assert_eq!(error.kind(), "ProvisionedThroughputExceededException");
    }

    #[test]
    fn an_error_without_a_message_has_no_message_member() {
        // AWS answers an unknown operation and an internal failure with `{"__type": ...}`
        // alone: kinesalite's AWS-validated tests assert exactly that body
        // (mhart/kinesalite test/connection.js "UnknownOperationException if random action",
        // test/helpers.js assertInternalFailure).
        let error = ApiError::new(ErrorKind::InternalFailure, "");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"__type": "InternalFailure"})
        );
    }

    #[test]
    fn a_serialization_exception_spells_its_member_message_with_a_capital() {
        // kinesalite's AWS-validated type tests (test/helpers.js assertSerialization) expect
        // `Message`, as AWS's Coral layer writes it for a member of the wrong JSON type.
        let error = ApiError::serialization("Start of list found where not expected");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({
                "__type": "SerializationException",
                "Message": "Start of list found where not expected"
            })
        );
    }

    #[test]
    fn http_statuses_are_the_ones_aws_documents() {
        // Kinesis's common errors: InternalFailure is a 500; every exception a caller can
        // cause or retry on (throttling included) is a 400. Shardlab has no
        // ServiceUnavailable (503): the simulated service is never unavailable.
        let client_errors = [
            ErrorKind::ResourceNotFound,
            ErrorKind::ResourceInUse,
            ErrorKind::InvalidArgument,
            ErrorKind::LimitExceeded,
            ErrorKind::ProvisionedThroughputExceeded,
            ErrorKind::ExpiredIterator,
            ErrorKind::ExpiredNextToken,
            ErrorKind::Validation,
            ErrorKind::Serialization,
            ErrorKind::UnknownOperation,
        ];
        for kind in client_errors {
            assert_eq!(kind.http_status(), 400, "{}", kind.name());
        }
        assert_eq!(ErrorKind::InternalFailure.http_status(), 500);
    }
}
