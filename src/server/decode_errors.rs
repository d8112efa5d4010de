//! Statuses for requests tonic cannot decode, in debtcalc's error model.
//!
//! tonic (0.14) answers a request that is not a valid message with
//! INTERNAL and no details: `failed to decode Protobuf message: ...` (wrong
//! wire type, bad UTF-8, a field cut short), `Unexpected EOF decoding
//! stream.` (a gRPC frame cut short), `Missing request message.` (no frame
//! at all), `protocol error: received message with ... compress...` (a bad
//! frame flag); and one over the size limit with OUT_OF_RANGE (`Error,
//! decoded message length too large`). These are the client's fault, so
//! [`rewrite`] turns them, by the API layer's [`classify`], into
//! INVALID_ARGUMENT with ErrorInfo reason `MALFORMED_REQUEST`, and
//! RESOURCE_EXHAUSTED (gRPC's convention for a message over the limit) with
//! reason `REQUEST_TOO_LARGE`; the message keeps tonic's description.
//!
//! Only trailers-only responses carrying no status details are looked at:
//! every status debtcalc itself produces carries an ErrorInfo, so none is
//! rewritten by mistake.

use tonic::body::Body;
use tonic::Status;

use crate::api::decode_status::classify;

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
