//! A restructuring valued over a grid of write-off shares (rows; with
//! maturities, every (share, instalment count) pair) and flat discount
//! rates (columns).
//!
//! Every cell is, figure for figure, the
//! [`value_restructuring`](super::value_restructuring) of the
//! old claim against a loan of `base x (1 - share)` (the write-off base is
//! the old claim's face with the past-due interest, the principal rounded
//! half-even once, as `SolveTerms` computes it:
//! [`principal_after_write_off`]) under the new terms (with the row's
//! instalment count), at the column's flat rate. The test `every_cell_is_the_unary_valuation` checks that.
//!
//! **How the work is shared.** What depends only on the share is done
//! once per row; what depends only on the rate once per column:
//!
//! - the old claim is expanded once, its flows put in date order with
//!   their times once ([`DatedFlows`]);
//! - each row's new debt is scheduled once (one schedule per write-off
//!   share) and its flows dated once;
//! - each column values the old claim once (its present value is the same
//!   in every row);
//! - every present value is first tried on the certified fast path
//!   ([`super::certified`], 128-bit fixed point with a proven bound, used
//!   only when the bound decides the reported value, which is then the
//!   exact path's to the last digit); only when it does not decide does the
//!   column prepare its rate for the exact path (one `ln` and one `exp` at
//!   256 bits, once per column) and compute the exact factors once per
//!   distinct set of dates: the rows' schedules differ in amounts, not
//!   dates (unless a payment rounds to zero), so in practice one set per
//!   rate serves every row;
//! - each cell then costs one fixed-point product per flow of the new debt
//!   (or one 256-bit product on the exact path) and the three ratios of
//!   its haircuts and grant element.
//!
//! The exact factors are those [`present_value`](super::present_value)
//! computes for the same dates (the same engine, the same running
//! product), and the sum is taken by the same terms in the same order
//! ([`discounted_value`]), so each present value is the unary one to the
//! last digit, not merely within the error bound; the certified path
//! reports only what the exact path would.
//!
//! The cancellation flag is checked once per cell (and inside the long
//! loops it calls), so an abandoned sweep stops within one cell.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::certified;
use super::discount::{Discounting, Engine};
use super::grant_element::grant_element;
use super::haircut::haircuts;
use super::present_value::{discounted_value, CashFlow, DatedFlows};
use super::stream::{DebtStream, FaceComponents};
use super::{Compounding, TimeBasis};
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::numerics::big_float::BigFloat;
use crate::domain::schedule::LoanTerms;
use crate::domain::split::principal_after_write_off;

/// The largest number of rows (write-off shares x instalment counts), and
/// of rates, of one sweep: 100 x 100 = 10,000 cells.
pub const MAX_GRID_SIDE: usize = 100;

/// One restructuring and the grid it is valued over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepInput {
    pub old_claim: DebtStream,
    /// Interest past due on the old claim (zero when none).
    pub past_due_interest: Decimal,
    pub valuation_date: NaiveDate,
    /// The new debt's terms; its principal comes from each share.
    pub new_terms: LoanTerms,
    /// The write-off shares, each in [0, 1).
    pub write_off_shares: Vec<Decimal>,
    /// The maturities: instalment counts replacing `new_terms`'
    /// `installment_count`; empty: `new_terms` as given. The rows are every
    /// (share, count) pair, shares outer.
    pub installment_counts: Vec<u32>,
    /// The columns: flat annual rates, each above -1.
    pub rates: Vec<Decimal>,
    pub compounding: Compounding,
    pub basis: TimeBasis,
}

impl SweepInput {
    /// The discounting of column `rate`.
    pub fn discounting(&self, rate: Decimal) -> Discounting {
        Discounting::Flat {
            rate,
            compounding: self.compounding,
            basis: self.basis,
        }
    }

    /// The instalment counts of the rows: `installment_counts`, or the new
    /// terms' own count.
    pub fn counts(&self) -> Vec<u32> {
        if self.installment_counts.is_empty() {
            vec![self.new_terms.installment_count]
        } else {
            self.installment_counts.clone()
        }
    }

    /// The rows in order: (share, instalment count), shares outer.
    pub fn rows(&self) -> Vec<(Decimal, u32)> {
        let counts = self.counts();
        self.write_off_shares
            .iter()
            .flat_map(|share| counts.iter().map(move |count| (*share, *count)))
            .collect()
    }

    /// The new debt of a row.
    pub fn new_debt(&self, principal: Money, installment_count: u32) -> DebtStream {
        DebtStream::Loan {
            principal,
            terms: LoanTerms {
                installment_count,
                ..self.new_terms.clone()
            },
        }
    }
}

/// The figures of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepCell {
    pub new_present_value: Decimal,
    pub sturzenegger_zettelmeyer: Decimal,
    pub cruces_trebesch: Decimal,
    /// Of the new debt at the column's rate.
    pub grant_element: Decimal,
}

/// One write-off share (and instalment count) and its cells, one per rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepRow {
    pub share: Decimal,
    pub installment_count: u32,
    pub new_principal: Money,
    /// The new debt's face at the valuation date.
    pub new_face: FaceComponents,
    pub nominal_haircut: Decimal,
    pub cells: Vec<SweepCell>,
}

/// The grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    /// The old claim's face with the past-due interest: the write-off base.
    pub write_off_base: FaceComponents,
    /// The old claim's present value at each rate.
    pub old_present_values: Vec<Decimal>,
    pub rows: Vec<SweepRow>,
    /// How many present values (old claim per rate, new debt per cell)
    /// each path computed.
    pub paths: PathCounts,
}

/// Present values by path (see [`super::certified`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PathCounts {
    pub fast: u32,
    pub exact: u32,
}

/// Where in the grid a sweep failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepPoint {
    /// The old claim itself (independent of the grid).
    OldClaim,
    /// A row (its schedule or principal), by index in [`SweepInput::rows`].
    Share(usize),
    /// A column (its rate, with the old claim).
    Rate(usize),
    /// One cell.
    Cell { share: usize, rate: usize },
}

/// A domain error and where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepError {
    pub error: DomainError,
    pub at: SweepPoint,
}

fn at(point: SweepPoint) -> impl Fn(DomainError) -> SweepError {
    move |error| SweepError { error, at: point }
}

/// A row's new debt, prepared once.
struct PreparedRow {
    principal: Money,
    face: FaceComponents,
    flows: Vec<CashFlow>,
    dated: DatedFlows,
}

/// Values the grid (see the module documentation for how work is shared).
pub fn sweep_valuation(input: &SweepInput) -> Result<Sweep, SweepError> {
    let grid = input.rows();
    if grid.len() > MAX_GRID_SIDE || input.rates.len() > MAX_GRID_SIDE {
        return Err(SweepError {
            error: DomainError::InvalidInput {
                quantity: "sweep grid",
                requirement:
                    "at most 100 rows (write-off shares x instalment counts) and 100 rates",
            },
            at: SweepPoint::OldClaim,
        });
    }
    let vd = input.valuation_date;
    let old_stream = input
        .old_claim
        .expand(vd)
        .map_err(at(SweepPoint::OldClaim))?;
    let mut old_flows = old_stream.flows.clone();
    if !input.past_due_interest.is_zero() {
        old_flows.push(CashFlow {
            date: vd,
            amount: input.past_due_interest,
        });
    }
    let old_dated = DatedFlows::new(&old_flows, vd, input.basis);
    let base = old_stream
        .face_components
        .with_past_due_interest(input.past_due_interest)
        .map_err(at(SweepPoint::OldClaim))?;
    let base_total = base.total().map_err(at(SweepPoint::OldClaim))?;
    let currency = old_stream.currency;

    // One schedule per row: per write-off share (and instalment count).
    let mut prepared = Vec::with_capacity(grid.len());
    for (i, (share, count)) in grid.iter().enumerate() {
        crate::domain::cancel::check().map_err(at(SweepPoint::Share(i)))?;
        let principal = principal_after_write_off(base_total, currency, *share)
            .map_err(at(SweepPoint::Share(i)))?;
        if principal.amount.is_zero() {
            // Nothing left to value (the unary call has no loan of zero).
            return Err(SweepError {
                error: DomainError::InvalidInput {
                    quantity: "new principal",
                    requirement: "at least one minor unit: the share leaves nothing of the base",
                },
                at: SweepPoint::Share(i),
            });
        }
        let stream = input
            .new_debt(principal.clone(), *count)
            .expand(vd)
            .map_err(at(SweepPoint::Share(i)))?;
        let dated = DatedFlows::new(&stream.flows, vd, input.basis);
        prepared.push(PreparedRow {
            principal,
            face: stream.face_components,
            flows: stream.flows,
            dated,
        });
    }

    // The divisor of the nominal haircut, as `haircuts` forms it.
    let claim = old_stream
        .face
        .checked_add(input.past_due_interest)
        .ok_or(DomainError::Overflow {
            quantity: "old face value plus past-due interest",
        })
        .map_err(at(SweepPoint::OldClaim))?;
    let mut rows: Vec<SweepRow> = Vec::with_capacity(prepared.len());
    for (i, row) in prepared.iter().enumerate() {
        let face_new = row.face.total().map_err(at(SweepPoint::Share(i)))?;
        // The nominal haircut depends on the faces only: the ratio
        // `haircuts` computes, once per row.
        let nominal = super::grant_element::one_minus_ratio(face_new, claim, "nominal haircut")
            .map_err(at(SweepPoint::Share(i)))?;
        rows.push(SweepRow {
            share: grid[i].0,
            installment_count: grid[i].1,
            new_principal: row.principal.clone(),
            new_face: row.face,
            nominal_haircut: nominal,
            cells: Vec::with_capacity(input.rates.len()),
        });
    }

    let mut old_present_values = Vec::with_capacity(input.rates.len());
    let mut paths = PathCounts::default();
    for (j, rate) in input.rates.iter().enumerate() {
        let column = at(SweepPoint::Rate(j));
        let discounting = input.discounting(*rate);
        // The exact path's engine (one `ln` and one `exp` at 256 bits), made
        // on the first present value the certified path leaves to it.
        let mut engine: Option<Engine> = None;
        // The fast path's unit factors (a logarithm and an exponential in
        // fixed point), made once for the column, not once per cell.
        let mut flat = certified::FlatFactors::new(&discounting);
        let mut fast_value = |flows: &[CashFlow]| {
            flat.as_mut()
                .and_then(|flat| certified::value_only(flows, vd, flat))
        };
        let pv_old = match fast_value(&old_flows) {
            Some(value) => {
                paths.fast += 1;
                value
            }
            None => {
                paths.exact += 1;
                let engine = exact_engine(&mut engine, &discounting).map_err(&column)?;
                let old_factors = engine
                    .factors(&old_dated.units, &old_dated.matters)
                    .map_err(&column)?;
                discounted_value(&old_flows, &old_dated, &old_factors).map_err(&column)?
            }
        };
        old_present_values.push(pv_old);
        // The new debt's exact factors, by the dates they are for: one entry
        // unless some row's schedule has other dates.
        let mut new_factors: Vec<(&DatedFlows, Vec<BigFloat>)> = Vec::new();
        for (i, row) in prepared.iter().enumerate() {
            let cell = at(SweepPoint::Cell { share: i, rate: j });
            crate::domain::cancel::check().map_err(&cell)?;
            let pv_new = match fast_value(&row.flows) {
                Some(value) => {
                    paths.fast += 1;
                    value
                }
                None => {
                    paths.exact += 1;
                    let engine = exact_engine(&mut engine, &discounting).map_err(&cell)?;
                    let index = match new_factors.iter().position(|(dated, _)| {
                        dated.units == row.dated.units && dated.matters == row.dated.matters
                    }) {
                        Some(index) => index,
                        None => {
                            let factors = engine
                                .factors(&row.dated.units, &row.dated.matters)
                                .map_err(&cell)?;
                            new_factors.push((&row.dated, factors));
                            new_factors.len() - 1
                        }
                    };
                    discounted_value(&row.flows, &row.dated, &new_factors[index].1)
                        .map_err(&cell)?
                }
            };
            let face_new = rows[i].new_face.total().map_err(&cell)?;
            let cuts = haircuts(
                old_stream.face,
                pv_old,
                face_new,
                pv_new,
                input.past_due_interest,
            )
            .map_err(&cell)?;
            let ge = grant_element(face_new, pv_new).map_err(&cell)?;
            rows[i].cells.push(SweepCell {
                new_present_value: pv_new,
                sturzenegger_zettelmeyer: cuts.sturzenegger_zettelmeyer,
                cruces_trebesch: cuts.cruces_trebesch,
                grant_element: ge,
            });
        }
    }
    Ok(Sweep {
        write_off_base: base,
        old_present_values,
        rows,
        paths,
    })
}

/// The exact path's engine for `discounting`, made once.
fn exact_engine<'e, 'd>(
    engine: &'e mut Option<Engine<'d>>,
    discounting: &'d Discounting,
) -> Result<&'e Engine<'d>, DomainError> {
    if engine.is_none() {
        *engine = Some(Engine::new(discounting)?);
    }
    Ok(engine.as_ref().expect("just made"))
}

#[cfg(test)]
#[path = "sweep_tests.rs"]
mod tests;
