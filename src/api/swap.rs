//! EvaluateSwap: the request's kind dispatched to its parse, compute and
//! render (`swap_development`, `swap_three_party`, `swap_buyback`), the shared conventions
//! echoed and the warnings gathered.

use super::error::ApiError;
use super::pb::debtcalc::v1 as pb;
use super::provenance::Provenance;
use super::swap_common::{invalid, LOCAL_CONVERSION};
use super::{convert, swap_buyback, swap_development, swap_three_party, valuation};
use crate::domain::rounding::RoundingMode;
use crate::domain::share::SHARE_DECIMALS;

/// What an evaluation echoes beyond the request.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Echoed in the conventions (none while the library is validated).
    pub provenance: Option<&'a Provenance>,
    /// The swap library's version.
    pub library_version: &'a str,
}

/// The request's kind, by its field name ("development", "three_party").
pub fn kind_name(request: &pb::EvaluateSwapRequest) -> Option<&'static str> {
    use pb::evaluate_swap_request::Kind;
    match request.kind.as_ref()? {
        Kind::Development(_) => Some("development"),
        Kind::ThreeParty(_) => Some("three_party"),
        Kind::Buyback(_) => Some("buyback"),
    }
}

/// Evaluates `request` (already the effective one: the library's, when it
/// named one), `source` being "request" or "library:<id>".
pub fn evaluate(
    request: &pb::EvaluateSwapRequest,
    source: String,
    ctx: &Context<'_>,
) -> Result<pb::EvaluateSwapResponse, ApiError> {
    use pb::evaluate_swap_request::Kind;
    use pb::evaluate_swap_response::Result as Out;
    let Some(kind) = &request.kind else {
        return Err(invalid(
            "development",
            "MISSING_FIELD",
            "exactly one kind of swap is required: development, three_party or buyback".into(),
        ));
    };
    let (result, warnings, rounding, allocation, valued) = match kind {
        Kind::Development(swap) => {
            let done = swap_development::run("development", swap)?;
            (
                Out::Development(done.result),
                done.warnings,
                done.rounding,
                swap_development::ALLOCATION_METHOD,
                true,
            )
        }
        Kind::ThreeParty(swap) => {
            let done = swap_three_party::run("three_party", swap)?;
            (
                Out::ThreeParty(done.result),
                done.warnings,
                done.rounding,
                swap_three_party::ALLOCATION_METHOD,
                false,
            )
        }
        // Its precision and past-flow conventions are in its own result's
        // conventions (BuybackConventions); no fund is allocated.
        Kind::Buyback(swap) => {
            let done = swap_buyback::run("buyback", swap)?;
            (
                Out::Buyback(done.result),
                done.warnings,
                RoundingMode::HalfEven,
                "",
                false,
            )
        }
    };
    Ok(pb::EvaluateSwapResponse {
        result: Some(result),
        swap_id: request.swap_id.clone(),
        effective_request: Some(request.clone()),
        conventions: Some(conventions(source, rounding, allocation, valued, ctx)),
        warnings,
    })
}

fn conventions(
    request_source: String,
    rounding: RoundingMode,
    allocation_method: &str,
    valued: bool,
    ctx: &Context<'_>,
) -> pb::SwapConventions {
    pb::SwapConventions {
        request_source,
        rounding_mode: convert::rounding_mode_to_pb(rounding) as i32,
        allocation_method: allocation_method.into(),
        local_conversion: LOCAL_CONVERSION.into(),
        share_decimals: Some(SHARE_DECIMALS),
        precision: if valued {
            valuation::PRECISION.into()
        } else {
            String::new()
        },
        past_flows: if valued {
            valuation::PAST_FLOWS.into()
        } else {
            String::new()
        },
        swap_library_version: ctx.library_version.to_string(),
        provenance: ctx.provenance.and_then(Provenance::to_pb),
    }
}
