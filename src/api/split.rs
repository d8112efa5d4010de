//! SplitClaim: request validation and response rendering.

use std::collections::HashSet;

use rust_decimal::Decimal;

use super::convert::{self, Sign};
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use crate::domain::decimal_text::parse_decimal;
use crate::domain::share::SHARE_DECIMALS;
use crate::domain::split::{ProgramWeight, Split, SplitInput, WriteOff};

/// The most programmes one request may name.
pub const MAX_PROGRAMS: usize = 1_000;
/// The longest programme name, in characters.
pub const MAX_PROGRAM_NAME_CHARS: usize = 200;

/// Validates a request into the domain input, naming every bad field.
pub fn parse_request(request: &pb::SplitClaimRequest) -> Result<SplitInput, ApiError> {
    let mut v = Violations::new();
    let claim = convert::money(&mut v, "claim", request.claim.as_ref(), Sign::Positive);
    let rounding = convert::rounding_mode(&mut v, "rounding_mode", request.rounding_mode);

    let write_off = match &request.write_off {
        None => {
            v.add(
                "write_off_share",
                "MISSING_FIELD",
                "exactly one of write_off_share or remaining is required",
            );
            None
        }
        Some(pb::split_claim_request::WriteOff::WriteOffShare(text)) => {
            convert::unit_interval(&mut v, "write_off_share", text).map(WriteOff::Share)
        }
        Some(pb::split_claim_request::WriteOff::Remaining(remaining)) => {
            convert::money(&mut v, "remaining", Some(remaining), Sign::NonNegative).and_then(
                |remaining| {
                    let claim = claim.as_ref()?;
                    if remaining.currency != claim.currency {
                        v.add(
                            "remaining.currency_code",
                            "CURRENCY_MISMATCH",
                            format!(
                                "must be the claim's currency {}, got {}",
                                claim.currency, remaining.currency
                            ),
                        );
                        return None;
                    }
                    if remaining.amount > claim.amount {
                        v.add(
                            "remaining.amount",
                            "REMAINING_ABOVE_CLAIM",
                            format!(
                                "{} must not exceed the claim {}",
                                remaining.amount, claim.amount
                            ),
                        );
                        return None;
                    }
                    Some(WriteOff::Remaining(remaining))
                },
            )
        }
    };

    let programs = parse_programs(&mut v, &request.programs);
    v.finish(|| {
        Some(SplitInput {
            claim: claim?,
            write_off: write_off?,
            programs: programs?,
            rounding: rounding?,
        })
    })
}

fn parse_programs(v: &mut Violations, programs: &[pb::Program]) -> Option<Vec<ProgramWeight>> {
    parse_programs_at(v, "programs", programs)
}

/// Validates programmes at the field path `at` (SplitClaim's `programs`,
/// AnalyzeSettlement's `reinvestment.programs`).
pub(crate) fn parse_programs_at(
    v: &mut Violations,
    at: &str,
    programs: &[pb::Program],
) -> Option<Vec<ProgramWeight>> {
    if programs.len() > MAX_PROGRAMS {
        v.add(
            at,
            "TOO_MANY_PROGRAMS",
            format!("at most {MAX_PROGRAMS} programmes, got {}", programs.len()),
        );
        return None;
    }
    let mut names = HashSet::with_capacity(programs.len());
    let mut parsed = Vec::with_capacity(programs.len());
    let mut all_valid = true;
    for (index, program) in programs.iter().enumerate() {
        // Field paths are built only for a violation: a valid request
        // allocates none.
        let name_field = || format!("{at}[{index}].name");
        let chars = program.name.chars().count();
        if program.name.trim().is_empty() {
            v.add(
                name_field(),
                "MISSING_FIELD",
                "is required and must not be blank",
            );
            all_valid = false;
        } else if chars > MAX_PROGRAM_NAME_CHARS {
            v.add(
                name_field(),
                "NAME_TOO_LONG",
                format!("at most {MAX_PROGRAM_NAME_CHARS} characters, got {chars}"),
            );
            all_valid = false;
        } else if !names.insert(program.name.as_str()) {
            v.add(
                name_field(),
                "DUPLICATE_NAME",
                format!(
                    "{:?} names an earlier programme too; names must be unique",
                    convert::truncate(&program.name)
                ),
            );
            all_valid = false;
        }
        let weight = match parse_decimal(&program.weight) {
            Ok(weight) if weight > Decimal::ZERO => Some(weight),
            // Reported (and parsed again) with its field path.
            _ => convert::positive(v, &format!("{at}[{index}].weight"), &program.weight),
        };
        match weight {
            Some(weight) => parsed.push(ProgramWeight {
                name: program.name.clone(),
                weight,
            }),
            None => all_valid = false,
        }
    }
    all_valid.then_some(parsed)
}

/// Renders the domain result with the conventions it used.
pub fn render_response(
    request: &pb::SplitClaimRequest,
    input: &SplitInput,
    split: &Split,
) -> pb::SplitClaimResponse {
    pb::SplitClaimResponse {
        claim: Some(convert::money_to_pb(&split.claim)),
        written_off: Some(convert::money_to_pb(&split.written_off)),
        remaining: Some(convert::money_to_pb(&split.remaining)),
        write_off_share: split.write_off_share.value.to_string(),
        write_off_share_exact: Some(split.write_off_share.exact),
        allocations: split
            .allocations
            .iter()
            .map(|a| pb::Allocation {
                name: a.name.clone(),
                amount: Some(convert::money_to_pb(&a.amount)),
                share: a.share.value.to_string(),
                weight_share: a.weight_share.value.to_string(),
            })
            .collect(),
        conventions: Some(pb::SplitConventions {
            provenance: None, // set by the RPC's handler (see api::provenance)
            rounding_mode: convert::rounding_mode_to_pb(input.rounding) as i32,
            currency_minor_units: Some(split.claim.currency.minor_units),
            allocation_method: pb::AllocationMethod::LargestRemainder as i32,
            share_decimals: Some(SHARE_DECIMALS),
            write_off_given_as: match request.write_off {
                Some(pb::split_claim_request::WriteOff::Remaining(_)) => "remaining",
                _ => "write_off_share",
            }
            .to_string(),
        }),
    }
}
