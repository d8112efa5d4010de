//! The statuses of requests tonic could not decode, in debtcalc's error
//! model: INVALID_ARGUMENT with ErrorInfo reason `MALFORMED_REQUEST` for a
//! message that is not valid protobuf, RESOURCE_EXHAUSTED with
//! `REQUEST_TOO_LARGE` for one over the size limit (see
//! `server::decode_errors` for where tonic produces them and how the server
//! rewrites its responses; EvaluateBatch maps an undecodable item here too).

use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::api::error::ERROR_DOMAIN;

/// The status tonic's decoder produced, in debtcalc's terms; `None` for
/// any other status.
pub fn classify(status: &Status) -> Option<Status> {
    let message = status.message();
    let malformed = status.code() == Code::Internal
        && (message.starts_with("failed to decode Protobuf message")
            || message == "Unexpected EOF decoding stream."
            || message == "Missing request message."
            || (message.starts_with("protocol error: received message with")
                && message.contains("compress")));
    if malformed {
        let mut details = ErrorDetails::new();
        details.set_error_info("MALFORMED_REQUEST", ERROR_DOMAIN, HashMap::new());
        return Some(Status::with_error_details(
            Code::InvalidArgument,
            format!("the request is not a valid message: {message}"),
            details,
        ));
    }
    if status.code() == Code::OutOfRange
        && message.starts_with("Error, decoded message length too large")
    {
        let mut details = ErrorDetails::new();
        details.set_error_info("REQUEST_TOO_LARGE", ERROR_DOMAIN, HashMap::new());
        return Some(Status::with_error_details(
            Code::ResourceExhausted,
            format!("the request is larger than the server accepts: {message}"),
            details,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_decoder_statuses_are_rewritten() {
        let bad_utf8 = Status::internal(
            "failed to decode Protobuf message: SplitClaimRequest.claim: invalid string value: data is not UTF-8 encoded",
        );
        let rewritten = classify(&bad_utf8).unwrap();
        assert_eq!(rewritten.code(), Code::InvalidArgument);
        assert_eq!(
            rewritten.get_details_error_info().unwrap().reason,
            "MALFORMED_REQUEST"
        );
        let large = Status::out_of_range(
            "Error, decoded message length too large: found 5000000 bytes, the limit is: 4194304 bytes",
        );
        assert_eq!(classify(&large).unwrap().code(), Code::ResourceExhausted);
        assert!(classify(&Status::internal("a validated request could not be built")).is_none());
        assert!(classify(&Status::out_of_range("payment date")).is_none());
    }
}
