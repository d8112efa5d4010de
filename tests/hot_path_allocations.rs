//! Allocations on the hot paths, counted (never timed) by a counting global
//! allocator: an upper bound per SplitClaim domain call and per parsed
//! SplitClaim request, and no allocation per cash flow when a
//! ValueRestructuring request is parsed.
//!
//! The counter is per thread, so tests running side by side do not see each
//! other's allocations; each call is made once before it is counted, so
//! tables computed once per process (powers of ten) are not counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::str::FromStr;

use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::domain::currency;
use debtcalc::domain::money::Money;
use debtcalc::domain::rounding::RoundingMode;
use debtcalc::domain::split::{split_claim, ProgramWeight, SplitInput, WriteOff};
use rust_decimal::Decimal;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // try_with: the thread's slot may already be gone while it exits.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The allocations (and reallocations) `f` makes on this thread, and its
/// result.
fn allocations<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let result = f();
    (ALLOCATIONS.with(Cell::get) - before, result)
}

fn usd(amount: &str) -> Money {
    Money {
        currency: currency::find("USD").unwrap(),
        amount: Decimal::from_str(amount).unwrap(),
    }
}

fn programs(names: &[&str]) -> Vec<ProgramWeight> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| ProgramWeight {
            name: name.to_string(),
            weight: Decimal::new(i as i64 + 1, 1),
        })
        .collect()
}

fn dprk(write_off: WriteOff, names: &[&str]) -> SplitInput {
    SplitInput {
        claim: usd("10960000000"),
        write_off,
        programs: programs(names),
        rounding: RoundingMode::HalfEven,
    }
}

/// What a split must allocate: its result. The allocation list and the
/// programmes' names (one each), and three working lists (the weights,
/// the parts, the remainders). Nothing per figure.
fn bound(programs: usize) -> u64 {
    4 + programs as u64
}

#[test]
fn a_split_allocates_only_its_result() {
    let names = ["energy", "education", "health"];
    let cases = [
        dprk(WriteOff::Share(Decimal::from_str("0.9").unwrap()), &names),
        dprk(WriteOff::Remaining(usd("1090000000")), &names),
        dprk(
            WriteOff::Share(Decimal::from_str("0.12345678901234567890123456").unwrap()),
            &names[..1],
        ),
        dprk(WriteOff::Share(Decimal::ONE), &[]),
    ];
    for input in cases {
        split_claim(&input).unwrap();
        let (n, split) = allocations(|| split_claim(&input).unwrap());
        assert_eq!(split.allocations.len(), input.programs.len());
        eprintln!("split {:?}: {n} allocations", input.write_off);
        assert!(
            n <= bound(input.programs.len()),
            "{n} allocations for {:?} with {} programmes; at most {} expected",
            input.write_off,
            input.programs.len(),
            bound(input.programs.len())
        );
    }
}

#[test]
fn a_split_with_many_programmes_allocates_per_programme_only() {
    let names: Vec<String> = (0..100).map(|i| format!("programme {i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let input = dprk(WriteOff::Share(Decimal::from_str("0.67").unwrap()), &names);
    split_claim(&input).unwrap();
    let (n, _) = allocations(|| split_claim(&input).unwrap());
    eprintln!("split with 100 programmes: {n} allocations");
    assert!(n <= bound(100), "{n} allocations for 100 programmes");
}

#[test]
fn figures_beyond_native_integers_are_still_exact() {
    // 79,228,162,514,264,337,593,543,950,335 minor units times a 28-digit
    // share overflow an i128: the split runs in big integers, and still
    // conserves to the minor unit.
    let input = SplitInput {
        claim: usd("792281625142643375935439503.35"),
        write_off: WriteOff::Share(Decimal::from_str("0.3333333333333333333333333333").unwrap()),
        programs: programs(&["a", "b", "c"]),
        rounding: RoundingMode::HalfEven,
    };
    let split = split_claim(&input).unwrap();
    assert_eq!(
        split.written_off.amount + split.remaining.amount,
        split.claim.amount
    );
    let total: Decimal = split.allocations.iter().map(|a| a.amount.amount).sum();
    assert_eq!(total, split.remaining.amount);
    // python3: from decimal import *; getcontext().prec = 60
    //   (D("79228162514264337593543950335") * D("0.3333333333333333333333333333"))
    //   .quantize(D(1), ROUND_HALF_EVEN) -> 26409387504754779197847983442 minor units
    assert_eq!(
        split.written_off.amount.to_string(),
        "264093875047547791978479834.42"
    );
}

#[test]
fn parsing_a_valid_split_request_builds_no_field_path() {
    let request = pb::SplitClaimRequest {
        claim: Some(pb::Money {
            currency_code: "USD".into(),
            amount: "10960000000".into(),
        }),
        write_off: Some(pb::split_claim_request::WriteOff::WriteOffShare(
            "0.9".into(),
        )),
        programs: (0..20)
            .map(|i| pb::Program {
                name: format!("programme {i}"),
                weight: "1".into(),
            })
            .collect(),
        ..Default::default()
    };
    debtcalc::api::split::parse_request(&request).unwrap();
    let (n, input) = allocations(|| debtcalc::api::split::parse_request(&request).unwrap());
    assert_eq!(input.programs.len(), 20);
    eprintln!("parse with 20 programmes: {n} allocations");
    // The programme list, its names, and the set of names seen.
    assert!(n <= 1 + 20 + 1, "{n} allocations to parse 20 programmes");
}

/// A ValueRestructuring request: the README's DPRK claim against `count`
/// semi-annual cash flows of 27,250,000.00 USD.
fn restructuring_with_flows(count: i32) -> pb::ValueRestructuringRequest {
    let flows = (0..count)
        .map(|k| pb::CashFlow {
            date: Some(debtcalc::api::pb::google::r#type::Date {
                year: 2014 + (k + 1) / 2,
                month: if k % 2 == 0 { 11 } else { 5 },
                day: 5,
            }),
            amount: Some(pb::Money {
                currency_code: "USD".into(),
                amount: "27250000.00".into(),
            }),
            kind: pb::CashFlowKind::Principal as i32,
        })
        .collect();
    pb::ValueRestructuringRequest {
        old_claim: Some(pb::DebtStream {
            stream: Some(pb::debt_stream::Stream::DueAtValuation(pb::Money {
                currency_code: "USD".into(),
                amount: "10960000000".into(),
            })),
        }),
        new_debt: Some(pb::DebtStream {
            stream: Some(pb::debt_stream::Stream::CashFlows(pb::CashFlowList {
                flows,
            })),
        }),
        valuation_date: Some(debtcalc::api::pb::google::r#type::Date {
            year: 2014,
            month: 5,
            day: 5,
        }),
        discounting: Some(pb::Discounting {
            rate: Some(pb::discounting::Rate::FlatRate("0.05".into())),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[test]
fn parsing_cash_flows_builds_no_field_path_per_flow() {
    let parse = |request: &pb::ValueRestructuringRequest| {
        debtcalc::api::valuation::parse_restructuring(request).unwrap()
    };
    let small = restructuring_with_flows(2);
    let large = restructuring_with_flows(200);
    parse(&small);
    parse(&large);
    let (two, _) = allocations(|| parse(&small));
    let (two_hundred, _) = allocations(|| parse(&large));
    eprintln!("parse ValueRestructuring: 2 flows {two}, 200 flows {two_hundred} allocations");
    // The same allocations whatever the number of flows (the list of
    // flows is sized once): nothing per flow.
    assert_eq!(two_hundred, two, "allocations grow with the flows");
}
