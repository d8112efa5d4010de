//! Hot paths of debtcalc, measured with criterion: the 40-flow DPRK
//! valuation (the unit of the batch comparison with QuantLib and
//! numpy-financial in scripts/bench-valuation), a schedule and a split, and
//! a 100 x 100 SweepValuation grid against the 10,000 ValueRestructuring
//! calls it replaces (throughput in grid points: criterion's "elem/s" is
//! valuations per second, its time / 10,000 the time per grid point).
//!
//! Issue 14 adds the 1,200-flow present value, a reconciliation (the
//! README's DPRK ReconcileValuations, domain only) and the cost growth of a
//! present value and of a ValueRestructuring over 40, 400 and 1,200 flows
//! (criterion's "elem/s" there is flows per second; only the exact path
//! exists, there is no fast path yet).
//!
//! Issue 14's certified fast path: `present_value_paths` measures the
//! 40-flow (DPRK) and 1,200-flow (monthly) present value by
//! `present_value` (the certified fast path, which decides these inputs)
//! and by `present_value_exact` (the exact path alone), side by side; the
//! other present-value benchmarks above now run the fast path too.
//!
//! Run: `cargo bench --bench valuation`. Figures are for comparison with a
//! baseline run side by side on the same machine, never assertions.

use std::hint::black_box;
use std::str::FromStr;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::reconciliation::parse_reconcile;
use debtcalc::domain::currency;
use debtcalc::domain::money::Money;
use debtcalc::domain::reconciliation::{reconcile, ReferenceData};
use debtcalc::domain::rounding::RoundingMode;
use debtcalc::domain::schedule::{
    build_schedule, Amortization, DayCount, Frequency, GraceInterest, InterestRate, LoanTerms,
};
use debtcalc::domain::split::principal_after_write_off;
use debtcalc::domain::split::{split_claim, ProgramWeight, SplitInput, WriteOff};
use debtcalc::domain::valuation::{
    present_value, present_value_exact, present_value_on_path, sweep_valuation,
    value_restructuring, CashFlow, Compounding, DebtStream, Discounting, RestructuringInput,
    SweepInput, TimeBasis, ValuationPath,
};
use rust_decimal::Decimal;

fn usd(amount: &str) -> Money {
    Money {
        currency: currency::find("USD").unwrap(),
        amount: Decimal::from_str(amount).unwrap(),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The DPRK remainder: 40 x 27,250,000.00 semi-annually from 2014-11-05.
fn dprk_terms() -> LoanTerms {
    LoanTerms {
        first_payment_date: date(2014, 11, 5),
        accrual_start: None,
        frequency: Frequency::SemiAnnual,
        installment_count: 40,
        grace_periods: 0,
        grace_interest: GraceInterest::Paid,
        amortization: Amortization::EqualPrincipal,
        rate: InterestRate::fixed(Decimal::ZERO),
        day_count: DayCount::Periodic,
        end_of_month: false,
        rounding: RoundingMode::HalfEven,
        business_days: Default::default(),
    }
}

fn dprk_flows() -> Vec<CashFlow> {
    build_schedule(&usd("1090000000"), &dprk_terms())
        .unwrap()
        .installments
        .iter()
        .map(|i| CashFlow {
            date: i.due_date,
            amount: i.payment.amount,
        })
        .collect()
}

fn flat(basis: TimeBasis) -> Discounting {
    Discounting::Flat {
        rate: Decimal::new(5, 2),
        compounding: Compounding::AnnualEffective,
        basis,
    }
}

fn benches(c: &mut Criterion) {
    let flows = dprk_flows();
    let valuation_date = date(2014, 5, 5);
    for (name, basis) in [
        ("thirty360", TimeBasis::Thirty360),
        ("act365f", TimeBasis::Act365Fixed),
    ] {
        let discounting = flat(basis);
        c.bench_function(&format!("present_value/40_flows_{name}"), |b| {
            b.iter(|| {
                present_value(black_box(&flows), valuation_date, black_box(&discounting)).unwrap()
            })
        });
    }

    let input = RestructuringInput {
        old_claim: DebtStream::DueAtValuation(usd("10960000000")),
        past_due_interest: Decimal::ZERO,
        new_debt: DebtStream::Loan {
            principal: usd("1090000000"),
            terms: dprk_terms(),
        },
        valuation_date,
        discounting: flat(TimeBasis::Thirty360),
    };
    c.bench_function("value_restructuring/dprk", |b| {
        b.iter(|| value_restructuring(black_box(&input)).unwrap())
    });

    let terms = dprk_terms();
    let principal = usd("1090000000");
    c.bench_function("build_schedule/dprk_40", |b| {
        b.iter(|| build_schedule(black_box(&principal), black_box(&terms)).unwrap())
    });

    let split = SplitInput {
        claim: usd("10960000000"),
        write_off: WriteOff::Share(Decimal::new(9, 1)),
        programs: ["energy", "education", "health"]
            .iter()
            .map(|n| ProgramWeight {
                name: n.to_string(),
                weight: Decimal::ONE,
            })
            .collect(),
        rounding: RoundingMode::HalfEven,
    };
    c.bench_function("split_claim/dprk", |b| {
        b.iter(|| split_claim(black_box(&split)).unwrap())
    });
}

/// The DPRK claim against its 40-flow remainder over 100 write-off shares
/// (0.5 to 0.9851) and 100 rates (0.1% to 10%): one sweep, and the 10,000
/// unary valuations of the same pairs.
fn sweep(c: &mut Criterion) {
    let input = SweepInput {
        old_claim: DebtStream::DueAtValuation(usd("10960000000")),
        past_due_interest: Decimal::ZERO,
        valuation_date: date(2014, 5, 5),
        new_terms: dprk_terms(),
        write_off_shares: (0..100).map(|k| Decimal::new(5000 + 49 * k, 4)).collect(),
        installment_counts: Vec::new(),
        rates: (1..=100).map(|k| Decimal::new(k, 3)).collect(),
        compounding: Compounding::AnnualEffective,
        basis: TimeBasis::Months,
    };
    let unary: Vec<RestructuringInput> = input
        .write_off_shares
        .iter()
        .flat_map(|share| {
            let principal =
                principal_after_write_off(Decimal::new(10960000000, 0), usd("1").currency, *share)
                    .unwrap();
            let input = &input;
            input.rates.iter().map(move |rate| RestructuringInput {
                old_claim: input.old_claim.clone(),
                past_due_interest: Decimal::ZERO,
                new_debt: input.new_debt(principal.clone(), 40),
                valuation_date: input.valuation_date,
                discounting: input.discounting(*rate),
            })
        })
        .collect();
    let mut group = c.benchmark_group("sweep_100x100_dprk");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("one_sweep", |b| {
        b.iter(|| sweep_valuation(black_box(&input)).unwrap())
    });
    group.bench_function("10000_unary", |b| {
        b.iter(|| {
            for one in &unary {
                black_box(value_restructuring(black_box(one)).unwrap());
            }
        })
    });
    group.finish();
}

/// `count` monthly flows of 27,250,000.00 from 2014-11-05.
fn monthly_flows(count: u32) -> Vec<CashFlow> {
    let terms = LoanTerms {
        frequency: Frequency::Monthly,
        installment_count: count,
        ..dprk_terms()
    };
    let principal = Decimal::new(2_725_000_000, 2) * Decimal::from(count);
    build_schedule(&usd(&principal.to_string()), &terms)
        .unwrap()
        .installments
        .iter()
        .map(|i| CashFlow {
            date: i.due_date,
            amount: i.payment.amount,
        })
        .collect()
}

/// Cost growth: a present value and a whole ValueRestructuring of 40, 400
/// and 1,200 monthly flows (time per valuation; "elem/s" is flows/s).
fn growth(c: &mut Criterion) {
    let valuation_date = date(2014, 5, 5);
    let discounting = flat(TimeBasis::Thirty360);
    let mut group = c.benchmark_group("growth");
    for count in [40u32, 400, 1200] {
        group.throughput(Throughput::Elements(u64::from(count)));
        let flows = monthly_flows(count);
        assert_eq!(flows.len(), count as usize);
        group.bench_function(format!("present_value/{count}_flows"), |b| {
            b.iter(|| {
                present_value(black_box(&flows), valuation_date, black_box(&discounting)).unwrap()
            })
        });
        let input = RestructuringInput {
            old_claim: DebtStream::DueAtValuation(usd("10960000000")),
            past_due_interest: Decimal::ZERO,
            new_debt: DebtStream::Loan {
                principal: usd(&(Decimal::new(2_725_000_000, 2) * Decimal::from(count)).to_string()),
                terms: LoanTerms {
                    frequency: Frequency::Monthly,
                    installment_count: count,
                    ..dprk_terms()
                },
            },
            valuation_date,
            discounting: discounting.clone(),
        };
        group.bench_function(format!("value_restructuring/{count}_flows"), |b| {
            b.iter(|| value_restructuring(black_box(&input)).unwrap())
        });
    }
    group.finish();
}

/// The README's DPRK reconciliation (6,576,000,000 SUR; Russia at the
/// Gosbank settlement rate against the DPRK at 3000 RUR per USD), parsed
/// once, reconciled per iteration.
fn reconciliation(c: &mut Criterion) {
    let pool =
        prost_reflect::DescriptorPool::decode(debtcalc::api::pb::FILE_DESCRIPTOR_SET).unwrap();
    let descriptor = pool
        .get_message_by_name("debtcalc.v1.ReconcileValuationsRequest")
        .unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/grpcurl/reconcile-valuations.json"
    ))
    .unwrap();
    let mut json = serde_json::Deserializer::from_str(&text);
    let request: pb::ReconcileValuationsRequest =
        prost_reflect::DynamicMessage::deserialize(descriptor, &mut json)
            .unwrap()
            .transcode_to()
            .unwrap();
    let data = ReferenceData::builtin().unwrap();
    let input = parse_reconcile(&request, &data).unwrap();
    c.bench_function("reconcile/dprk", |b| {
        b.iter(|| {
            reconcile(
                black_box(&input.claim),
                black_box(&input.parties),
                input.target,
                input.rounding,
            )
            .unwrap()
        })
    });
}

/// The certified fast path against the exact path on the same flows: the
/// DPRK's 40 semi-annual flows and 1,200 monthly flows, 5% annual
/// effective on 30/360. Checked first: both paths give the same figures,
/// and the fast path decides these inputs.
fn paths(c: &mut Criterion) {
    let valuation_date = date(2014, 5, 5);
    let discounting = flat(TimeBasis::Thirty360);
    let mut group = c.benchmark_group("present_value_paths");
    for (name, flows) in [("pv40", dprk_flows()), ("pv1200", monthly_flows(1200))] {
        let (fast, path) = present_value_on_path(&flows, valuation_date, &discounting).unwrap();
        assert_eq!(path, ValuationPath::Fast, "{name}");
        assert_eq!(
            fast,
            present_value_exact(&flows, valuation_date, &discounting).unwrap()
        );
        group.bench_function(format!("{name}/fast"), |b| {
            b.iter(|| {
                present_value(black_box(&flows), valuation_date, black_box(&discounting)).unwrap()
            })
        });
        group.bench_function(format!("{name}/exact"), |b| {
            b.iter(|| {
                present_value_exact(black_box(&flows), valuation_date, black_box(&discounting))
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(valuation, benches, paths, sweep, growth, reconciliation);
criterion_main!(valuation);
