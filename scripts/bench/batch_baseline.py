"""The baselines and the value check of the batch benchmark of issue 14
(run by scripts/bench-batch after the Rust client examples/batch_bench.rs).

The same N generated loans as the Rust client: loan k has 40 semi-annual
instalments of 250,000.00 + k x 1,234.57 USD, the first on 2014-11-05, valued
at 2014-05-05 at a flat 5% annual effective on 30/360 (flow j at (j+1)/2
years). Timed on one core, each over the whole list of loans, best of ROUNDS:
- QuantLib, everything a request does: build the leg (40 SimpleCashFlow) and
  the flat curve, then CashFlows.npv;
- QuantLib, CashFlows.npv on prebuilt legs and one prebuilt curve;
- numpy-financial, npf.npv on prebuilt float arrays (its best case: no dates).

Checked against the exact value, sum of a_k x 1.05^-((j+1)/2), in Python's
decimal at 80 digits: QuantLib within 1e-10 relative, numpy-financial's
relative error reported, debtcalc's present value (read from the client's
output file) equal to the exact value rounded half-even to the cent, and its
present_value_exact within 1e-27 relative. Any mismatch exits non-zero.

Usage: batch_baseline.py N ROUNDS DEBTCALC_OUT
"""

import sys
import time
from decimal import ROUND_HALF_EVEN, Decimal, getcontext

import numpy as np
import numpy_financial as npf
import QuantLib as ql

getcontext().prec = 80


def instalment_cents(k):
    return 25_000_000 + k * 123_457


def exact_factor_sum():
    # sum over j=1..40 of 1.05^(-j/2), at 80 digits.
    root = Decimal("1.05").sqrt()
    total, factor = Decimal(0), Decimal(1)
    for _ in range(40):
        factor /= root
        total += factor
    return total


def best(fn, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    n, rounds, debtcalc_out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    amounts = [instalment_cents(k) / 100 for k in range(n)]
    factor_sum = exact_factor_sum()
    exact = [Decimal(instalment_cents(k)) / 100 * factor_sum for k in range(n)]

    valuation = ql.Date(5, 5, 2014)
    ql.Settings.instance().evaluationDate = valuation
    dates = [ql.Date(5, 11, 2014) + ql.Period(6 * j, ql.Months) for j in range(40)]
    counter = ql.Thirty360(ql.Thirty360.BondBasis)
    results = {}

    def quantlib_full():
        out = []
        for a in amounts:
            leg = [ql.SimpleCashFlow(a, d) for d in dates]
            curve = ql.FlatForward(valuation, 0.05, counter, ql.Compounded, ql.Annual)
            out.append(ql.CashFlows.npv(leg, ql.YieldTermStructureHandle(curve), False, valuation, valuation))
        results["quantlib"] = out

    legs = [[ql.SimpleCashFlow(a, d) for d in dates] for a in amounts]
    handle = ql.YieldTermStructureHandle(ql.FlatForward(valuation, 0.05, counter, ql.Compounded, ql.Annual))

    def quantlib_npv_only():
        results["quantlib_npv_only"] = [ql.CashFlows.npv(leg, handle, False, valuation, valuation) for leg in legs]

    rate = 1.05**0.5 - 1
    arrays = [np.array([0.0] + [a] * 40) for a in amounts]

    def numpy_financial():
        results["numpy_financial"] = [npf.npv(rate, values) for values in arrays]

    for name, fn in [
        ("quantlib_full", quantlib_full),
        ("quantlib_npv_only", quantlib_npv_only),
        ("numpy_financial", numpy_financial),
    ]:
        seconds = best(fn, rounds)
        print(f"{name}_per_s {n / seconds:.1f}")

    failures = 0
    for name, tolerance in [("quantlib", 1e-10), ("quantlib_npv_only", 1e-10), ("numpy_financial", None)]:
        worst = max(abs(Decimal(v) - e) / e for v, e in zip(results[name], exact))
        print(f"{name}_max_relative_error {float(worst):.3e}")
        if tolerance is not None and worst > Decimal(tolerance):
            print(f"FAIL: {name} beyond {tolerance} relative", file=sys.stderr)
            failures += 1

    ours = {}
    with open(debtcalc_out) as f:
        for line in f:
            id_, cents_text, exact_text = line.split()
            ours[int(id_.removeprefix("loan-"))] = (Decimal(cents_text), Decimal(exact_text))
    if sorted(ours) != list(range(n)):
        print("FAIL: debtcalc did not answer every loan", file=sys.stderr)
        failures += 1
    wrong_cents, worst_exact = 0, Decimal(0)
    for k, e in enumerate(exact):
        cents_value, exact_value = ours.get(k, (None, None))
        if cents_value is None:
            continue
        if cents_value != e.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN):
            wrong_cents += 1
            if wrong_cents <= 5:
                print(f"FAIL: loan-{k}: debtcalc {cents_value}, exact {e}", file=sys.stderr)
        worst_exact = max(worst_exact, abs(exact_value - e) / e)
    print(f"debtcalc_cents_wrong {wrong_cents} of {len(ours)}")
    print(f"debtcalc_exact_max_relative_error {float(worst_exact):.3e}")
    if wrong_cents or worst_exact > Decimal("1e-27"):
        failures += 1
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
