"""The baseline of the batch-valuation benchmark: the same 40-flow DPRK
valuation (40 x 27,250,000.00 semi-annually from 2014-11-05, valued at
2014-05-05, 5% annual-effective on 30/360) with QuantLib and
numpy-financial, timed on one core. Prints microseconds per valuation.

Run by scripts/bench-valuation next to criterion's figures for debtcalc.
"""

import time

import numpy as np
import numpy_financial as npf
import QuantLib as ql


def per_call(fn, seconds=3.0):
    fn()
    count, start = 0, time.perf_counter()
    while True:
        for _ in range(100):
            fn()
        count += 100
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / count * 1e6


def quantlib_case():
    valuation = ql.Date(5, 5, 2014)
    ql.Settings.instance().evaluationDate = valuation
    dates = [ql.Date(5, 11, 2014) + ql.Period(6 * k, ql.Months) for k in range(40)]
    counter = ql.Thirty360(ql.Thirty360.BondBasis)

    def full():
        # Everything a request does: build the leg and the curve, value.
        leg = [ql.SimpleCashFlow(27_250_000.0, d) for d in dates]
        curve = ql.FlatForward(valuation, 0.05, counter, ql.Compounded, ql.Annual)
        return ql.CashFlows.npv(leg, ql.YieldTermStructureHandle(curve), False, valuation, valuation)

    leg = [ql.SimpleCashFlow(27_250_000.0, d) for d in dates]
    handle = ql.YieldTermStructureHandle(ql.FlatForward(valuation, 0.05, counter, ql.Compounded, ql.Annual))

    def npv_only():
        return ql.CashFlows.npv(leg, handle, False, valuation, valuation)

    return full, npv_only


def numpy_financial_case():
    # npf.npv discounts per period: rate per half-year, first flow at t=0,
    # so a zero is prepended for the six months to the first instalment.
    rate = 1.05**0.5 - 1
    values = np.array([0.0] + [27_250_000.0] * 40)
    return lambda: npf.npv(rate, values)


def main():
    full, npv_only = quantlib_case()
    print(f"quantlib_full_us {per_call(full):.2f}")
    print(f"quantlib_npv_only_us {per_call(npv_only):.2f}")
    print(f"numpy_financial_npv_us {per_call(numpy_financial_case()):.2f}")
    check = npv_only()
    print(f"quantlib_npv {check:.6f}")


if __name__ == "__main__":
    main()
