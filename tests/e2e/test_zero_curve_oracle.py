"""Zero-curve discounting over gRPC against QuantLib's ZeroCurve (issue 9,
finding 10).

QuantLib's ZeroCurve (InterpolatedZeroCurve<Linear>) converts each node's
rate to its continuously compounded equivalent, interpolates those linearly
and, with extrapolation enabled, holds the instantaneous forward rate of
the last node beyond it. debtcalc's ZERO_CURVE_INTERPOLATION_LINEAR_
CONTINUOUS_ZERO_RATE with ZERO_CURVE_EXTRAPOLATION_FLAT_FORWARD is meant to
be that curve: with a node at tenor 0 (QuantLib's first date is the
reference date) and ACT/365F on both sides (every tenor a multiple of 0.2
years = 73 days, so the nodes fall on dates), each discount factor must
agree to QuantLib's double precision. The default rules (linear in the
given rates, flat zero rate) differ from QuantLib's wherever they can,
which the last test shows, so a silent change of default would be seen."""

import random
from datetime import date, timedelta
from decimal import Decimal, getcontext

import pytest
import QuantLib as ql

from debtcalc_client import messages, restructuring_stub

pb = messages()

AMOUNT = Decimal("1000000000")
VALUATION = date(2024, 3, 15)

COMPOUNDINGS = {
    "continuous": (pb.COMPOUNDING_CONTINUOUS, 0, ql.Continuous, ql.Annual),
    "annual": (pb.COMPOUNDING_ANNUAL_EFFECTIVE, 0, ql.Compounded, ql.Annual),
    "semi-annual": (pb.COMPOUNDING_PERIODIC, 2, ql.Compounded, ql.Semiannual),
    "monthly": (pb.COMPOUNDING_PERIODIC, 12, ql.Compounded, ql.Monthly),
}

# (tenor in years, zero rate): tenors multiples of 0.2 (73 days), one
# inverted segment, a negative rate.
CURVE = [
    ("0", "0.031"),
    ("0.2", "0.029"),
    ("1", "0.034"),
    ("2", "0.041"),
    ("3.6", "0.038"),
    ("5", "0.045"),
    ("10", "0.052"),
    ("20", "0.049"),
]
NEGATIVE = [("0", "-0.004"), ("1", "-0.002"), ("3", "0.006"), ("7", "0.011")]


def qdate(d):
    return ql.Date(d.day, d.month, d.year)


def gdate(d):
    return pb.Date(year=d.year, month=d.month, day=d.day)


def quantlib_curve(points, compounding, frequency):
    ql.Settings.instance().evaluationDate = qdate(VALUATION)
    dates = [qdate(VALUATION + timedelta(days=round(Decimal(t) * 365))) for t, _ in points]
    rates = [float(r) for _, r in points]
    curve = ql.ZeroCurve(dates, rates, ql.Actual365Fixed(), ql.NullCalendar(), ql.Linear(), compounding, frequency)
    curve.enableExtrapolation()
    return curve


def dates_to_check(seed):
    rng = random.Random(seed)
    days = {1, 36, 73, 100, 365, 500, 730, 1314, 1825, 3000, 3650, 5000, 7300, 7301, 9000, 14600, 18250}
    days |= {rng.randint(1, 50 * 365) for _ in range(15)}
    return [VALUATION + timedelta(days=n) for n in sorted(days)]


@pytest.fixture(scope="module")
def stub(server_addr):
    return restructuring_stub(server_addr)


def our_discount_factor(stub, points, compounding, m, when, interpolation, extrapolation):
    """PV of one principal flow of 1e9 divided by 1e9 (28 significant digits)."""
    request = pb.ValueRestructuringRequest(
        old_claim=pb.DebtStream(due_at_valuation=pb.Money(currency_code="USD", amount="1")),
        new_debt=pb.DebtStream(
            cash_flows=pb.CashFlowList(
                flows=[
                    pb.CashFlow(
                        date=gdate(when),
                        amount=pb.Money(currency_code="USD", amount=str(AMOUNT)),
                        kind=pb.CASH_FLOW_KIND_PRINCIPAL,
                    )
                ]
            )
        ),
        valuation_date=gdate(VALUATION),
        discounting=pb.Discounting(
            curve=pb.ZeroCurve(
                points=[pb.ZeroCurvePoint(tenor_years=t, zero_rate=r) for t, r in points],
                interpolation=interpolation,
                extrapolation=extrapolation,
            ),
            compounding=compounding,
            compounding_frequency=m,
            time_basis=pb.TIME_BASIS_ACT_365_FIXED,
        ),
    )
    response = stub.ValueRestructuring(request, timeout=30)
    echoed = response.conventions.discounting.curve
    # Echoed resolved: unset means the original rules.
    assert echoed.interpolation == (interpolation or pb.ZERO_CURVE_INTERPOLATION_LINEAR_ZERO_RATE)
    assert echoed.extrapolation == (extrapolation or pb.ZERO_CURVE_EXTRAPOLATION_FLAT_ZERO)
    return Decimal(response.new_debt.present_value_exact) / AMOUNT


def exact_log_growth(rate, compounding, m):
    r = Decimal(rate)
    if compounding == pb.COMPOUNDING_CONTINUOUS:
        return r
    if compounding == pb.COMPOUNDING_PERIODIC:
        return m * (1 + r / m).ln()
    return (1 + r).ln()


def exact_discount_factor(points, compounding, m, t):
    """QuantLib's rules in 60-digit decimal: linear in continuous rates,
    flat instantaneous forward of the last segment beyond the last node."""
    tenors = [Decimal(x) for x, _ in points]
    rates = [exact_log_growth(r, compounding, m) for _, r in points]
    if t >= tenors[-1]:
        slope = (rates[-1] - rates[-2]) / (tenors[-1] - tenors[-2])
        forward = rates[-1] + tenors[-1] * slope
        return (-(rates[-1] * tenors[-1] + forward * (t - tenors[-1]))).exp()
    for i in range(1, len(tenors)):
        if t <= tenors[i]:
            w = (t - tenors[i - 1]) / (tenors[i] - tenors[i - 1])
            return (-(rates[i - 1] + (rates[i] - rates[i - 1]) * w) * t).exp()
    raise AssertionError("unreachable")


@pytest.mark.parametrize("name", list(COMPOUNDINGS))
@pytest.mark.parametrize("points", [CURVE, NEGATIVE], ids=["curve", "negative"])
def test_quantlib_rules_match_quantlib_zero_curve(stub, name, points):
    """Against QuantLib's ZeroCurve built from the same compounded rates, and
    against the same rules in 60-digit decimal.

    QuantLib converts each node's compounded rate to a continuous one in
    double precision (pow, then log, divided by the node's time): about
    1e-15 absolute per rate, which moves ln DF by up to that times t (and
    the flat forward's slope carries it beyond the last node). Under
    continuous compounding there is no conversion and the agreement is to a
    few ulps (measured 4.1e-16 at most; bound 2e-15); otherwise the bound
    is 1e-14 x max(1, t) (measured 3.3e-15 x max(1, t) at most, monthly;
    1.6e-13 at t = 50)."""
    compounding, m, ql_compounding, ql_frequency = COMPOUNDINGS[name]
    curve = quantlib_curve(points, ql_compounding, ql_frequency)
    getcontext().prec = 60
    for when in dates_to_check(len(points)):
        t = Decimal((when - VALUATION).days) / 365
        ours = our_discount_factor(
            stub,
            points,
            compounding,
            m,
            when,
            pb.ZERO_CURVE_INTERPOLATION_LINEAR_CONTINUOUS_ZERO_RATE,
            pb.ZERO_CURVE_EXTRAPOLATION_FLAT_FORWARD,
        )
        exact = exact_discount_factor(points, compounding, m, t)
        # 28 significant digits of a PV of 1e9: relative 1e-25 is ample.
        assert abs(ours - exact) <= exact * Decimal("1e-25"), (when, ours, exact)
        theirs = curve.discount(qdate(when))
        difference = abs(float(ours) - theirs) / theirs
        bound = 2e-15 if name == "continuous" else 1e-14 * max(1.0, float(t))
        assert difference < bound, (when, float(ours), theirs, difference)


def test_default_rules_are_not_quantlib_s(stub):
    """The default (linear in annual-effective rates, flat zero rate) is a
    different curve: it differs from QuantLib's ZeroCurve between nodes and
    beyond the last one, by more than rounding."""
    compounding, m, ql_compounding, ql_frequency = COMPOUNDINGS["annual"]
    curve = quantlib_curve(CURVE, ql_compounding, ql_frequency)
    for when, at_least in [(VALUATION + timedelta(days=1314 + 200), 1e-9), (VALUATION + timedelta(days=40 * 365), 1e-4)]:
        ours = our_discount_factor(
            stub,
            CURVE,
            compounding,
            m,
            when,
            pb.ZERO_CURVE_INTERPOLATION_UNSPECIFIED,
            pb.ZERO_CURVE_EXTRAPOLATION_UNSPECIFIED,
        )
        theirs = curve.discount(qdate(when))
        assert abs(float(ours) - theirs) / theirs > at_least
