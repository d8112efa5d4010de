//! Statuses for requests tonic cannot decode, in debtcalc's error model.
//!
//! tonic (0.14) answers a request that is not a valid message with
//! INTERNAL and no details: `failed to decode Protobuf message: ...` (wrong
//! wire type, bad UTF-8, a field cut short), `Unexpected EOF decoding
//! stream.` (a gRPC frame cut short), `Missing request message.` (no frame
//! at all), `protocol error: received message with ... compress...` (a bad
//! frame flag); and one over the size limit with OUT_OF_RANGE (`Error,
//! decoded message length too large`). These are the client's fault, so
//! [`rewrite`] turns them into INVALID_ARGUMENT with ErrorInfo reason
//! `MALFORMED_REQUEST`, and RESOURCE_EXHAUSTED (gRPC's convention for a
//! message over the limit) with reason `REQUEST_TOO_LARGE`; the message
//! keeps tonic's description.
//!
//! Only trailers-only responses carrying no status details are looked at:
//! every status debtcalc itself produces carries an ErrorInfo, so none is
//! rewritten by mistake.

use std::collections::HashMap;

use tonic::body::Body;
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

/// `response` with a decode error's status replaced (see the module
/// documentation).
pub fn rewrite(response: http::Response<Body>) -> http::Response<Body> {
    let headers = response.headers();
    if headers.contains_key("grpc-status-details-bin") {
        return response;
    }
    let Some(replacement) = Status::from_header_map(headers).and_then(|s| classify(&s)) else {
        return response;
    };
    let (_, body) = response.into_parts();
    let (parts, _) = replacement.into_http::<Body>().into_parts();
    http::Response::from_parts(parts, body)
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
