"""BuildSchedule, called with Python grpcio, checked against independent
oracles: QuantLib's calendar arithmetic and day counters for due dates and
interest, numpy-financial's pmt for level payments. Differences are allowed
only within the documented rounding (half a minor unit, plus float noise of
the oracle)."""

import random
from decimal import Decimal

import numpy_financial as npf
import pytest
import QuantLib as ql

from debtcalc_client import messages, restructuring_stub

pb = messages()

MONTHS = {
    pb.FREQUENCY_ANNUAL: 12,
    pb.FREQUENCY_SEMI_ANNUAL: 6,
    pb.FREQUENCY_QUARTERLY: 3,
    pb.FREQUENCY_MONTHLY: 1,
}

DAY_COUNTERS = {
    pb.DAY_COUNT_THIRTY_360: ql.Thirty360(ql.Thirty360.BondBasis),
    pb.DAY_COUNT_ACT_360: ql.Actual360(),
    pb.DAY_COUNT_ACT_365_FIXED: ql.Actual365Fixed(),
    pb.DAY_COUNT_ACT_ACT_ISDA: ql.ActualActual(ql.ActualActual.ISDA),
}

# Half a cent for the one rounding of each figure, plus the oracle's float
# error (relative 1e-15 on amounts up to 1e10, with a margin).
TOLERANCE = Decimal("0.005") + Decimal("0.000001")


def qdate(d):
    return ql.Date(d.day, d.month, d.year)


def money(amount):
    return Decimal(amount.amount)


def random_loans(count, seed=20261128):
    rng = random.Random(seed)
    loans = []
    for i in range(count):
        frequency = rng.choice(list(MONTHS))
        month_end = rng.random() < 0.3
        year, month = rng.randint(1995, 2035), rng.randint(1, 12)
        if month_end:
            day = (ql.Date.endOfMonth(ql.Date(1, month, year))).dayOfMonth()
        else:
            day = rng.randint(1, 31 if rng.random() < 0.2 else 28)
            day = min(day, ql.Date.endOfMonth(ql.Date(1, month, year)).dayOfMonth())
        terms = pb.LoanTerms(
            first_payment_date=pb.Date(year=year, month=month, day=day),
            frequency=frequency,
            installment_count=rng.randint(1, 60),
            grace_periods=rng.choice([0, 0, 1, 4, 12]),
            amortization=rng.choice([pb.AMORTIZATION_EQUAL_PRINCIPAL, pb.AMORTIZATION_LEVEL_PAYMENT, pb.AMORTIZATION_BULLET]),
            annual_rate=str(Decimal(rng.randint(0, 1200)) / Decimal(10000)),
            day_count=rng.choice([pb.DAY_COUNT_PERIODIC, *DAY_COUNTERS]),
            end_of_month=month_end and rng.random() < 0.7,
        )
        principal = Decimal(rng.randint(100_000, 1_000_000_000_000)) / 100
        loans.append((i, principal, terms))
    return loans


@pytest.fixture(scope="module")
def stub(server_addr):
    return restructuring_stub(server_addr)


def build(stub, principal, terms):
    request = pb.BuildScheduleRequest(principal=pb.Money(currency_code="USD", amount=str(principal)), terms=terms)
    return stub.BuildSchedule(request, timeout=30)


@pytest.mark.parametrize("case", random_loans(80), ids=lambda c: f"loan{c[0]}")
def test_schedule_matches_quantlib(stub, case):
    _, principal, terms = case
    response = build(stub, principal, terms)
    months = MONTHS[terms.frequency]
    periods = terms.grace_periods + terms.installment_count
    assert len(response.installments) == periods
    calendar = ql.NullCalendar()
    first = ql.Date(terms.first_payment_date.day, terms.first_payment_date.month, terms.first_payment_date.year)
    accrual_start = calendar.advance(first, ql.Period(-months, ql.Months), ql.Unadjusted, terms.end_of_month)
    rate = Decimal(terms.annual_rate)
    outstanding = principal
    for k, inst in enumerate(response.installments):
        # Due dates: QuantLib's month arithmetic from the anchor, with its
        # end-of-month rule.
        due = calendar.advance(first, ql.Period(k * months, ql.Months), ql.Unadjusted, terms.end_of_month)
        assert qdate(inst.due_date) == due, f"period {k + 1}"
        start = accrual_start if k == 0 else calendar.advance(first, ql.Period((k - 1) * months, ql.Months), ql.Unadjusted, terms.end_of_month)
        assert qdate(inst.accrual_start_date) == start, f"period {k + 1}"
        # Interest: outstanding x rate x QuantLib's year fraction.
        if terms.day_count == pb.DAY_COUNT_PERIODIC:
            fraction = Decimal(1) / Decimal(12 // months)
        else:
            fraction = Decimal(repr(DAY_COUNTERS[terms.day_count].yearFraction(start, due)))
        expected_interest = outstanding * rate * fraction
        assert abs(money(inst.interest) - expected_interest) <= TOLERANCE, (k + 1, inst.interest.amount, expected_interest)
        assert money(inst.payment) == money(inst.principal) + money(inst.interest) - money(inst.capitalized_interest)
        outstanding = outstanding + money(inst.capitalized_interest) - money(inst.principal)
        assert money(inst.outstanding_after) == outstanding
        assert outstanding >= 0
        if k < terms.grace_periods:
            assert money(inst.principal) == 0
    assert outstanding == 0
    assert money(response.total_principal) == principal + money(response.total_capitalized_interest)


@pytest.mark.parametrize("seed", range(25))
def test_level_payment_matches_numpy_financial(stub, seed):
    rng = random.Random(seed)
    frequency = rng.choice(list(MONTHS))
    n = rng.randint(2, 120)
    rate = Decimal(rng.randint(1, 1500)) / Decimal(10000)
    principal = Decimal(rng.randint(100_000, 10_000_000_000)) / 100
    terms = pb.LoanTerms(
        first_payment_date=pb.Date(year=2025, month=rng.randint(1, 12), day=rng.randint(1, 28)),
        frequency=frequency,
        installment_count=n,
        amortization=pb.AMORTIZATION_LEVEL_PAYMENT,
        annual_rate=str(rate),
        day_count=pb.DAY_COUNT_PERIODIC,
    )
    response = build(stub, principal, terms)
    periodic = float(rate) / (12 // MONTHS[frequency])
    oracle = Decimal(repr(float(npf.pmt(periodic, n, -float(principal)))))
    payments = [money(i.payment) for i in response.installments]
    # One level payment, rounded once; the last instalment takes the residue.
    assert len(set(payments[:-1])) <= 1
    assert abs(payments[0] - oracle) <= Decimal("0.005") + abs(oracle) * Decimal("1e-12"), (payments[0], oracle)
    # The last payment differs by the accumulated rounding residue: at most
    # a cent a period (half for the payment, half for the interest),
    # compounded at the periodic rate.
    i = Decimal(repr(periodic))
    residue_bound = Decimal("0.01") * (((1 + i) ** n - 1) / i) + Decimal("0.01")
    assert abs(payments[-1] - oracle) <= residue_bound, (payments[-1], oracle, residue_bound)


def exact_level_payment(principal_minor, rate, fractions):
    """The level payment (issue 9, finding 3) in exact rationals: the P that
    leaves nothing after the last period, each period growing by
    1 + rate x its year fraction; rounded half-even to the minor unit."""
    from fractions import Fraction

    annuity = Fraction(0)
    for fraction in reversed(fractions):
        annuity = (1 + annuity) / (1 + rate * fraction)
    exact = Fraction(principal_minor) / annuity
    return round(exact)  # Fraction.__round__ rounds half to even


@pytest.mark.parametrize("seed", range(30))
def test_level_payment_on_actual_fractions_matches_exact_rationals(stub, seed):
    """Level payments under ACT/360, ACT/365F and ACT/ACT ISDA against an
    exact-rational solve on QuantLib's day counts: every payment but the last
    is that payment, and the last differs by at most the compounded rounding
    residue (a cent a period)."""
    from fractions import Fraction

    rng = random.Random(1000 + seed)
    day_count = rng.choice([pb.DAY_COUNT_ACT_360, pb.DAY_COUNT_ACT_365_FIXED, pb.DAY_COUNT_ACT_ACT_ISDA])
    frequency = rng.choice(list(MONTHS))
    months = MONTHS[frequency]
    n = rng.randint(2, 400 if frequency == pb.FREQUENCY_MONTHLY else 100)
    rate = Fraction(rng.randint(1, 1500), 10000)
    principal_minor = rng.randint(100_000, 10_000_000_000_000)
    first = pb.Date(year=rng.randint(1990, 2040), month=rng.randint(1, 12), day=rng.randint(1, 28))
    terms = pb.LoanTerms(
        first_payment_date=first,
        frequency=frequency,
        installment_count=n,
        amortization=pb.AMORTIZATION_LEVEL_PAYMENT,
        annual_rate=str(Decimal(rate.numerator) / Decimal(rate.denominator)),
        day_count=day_count,
    )
    response = build(stub, Decimal(principal_minor) / 100, terms)
    calendar = ql.NullCalendar()
    anchor = ql.Date(first.day, first.month, first.year)
    dates = [calendar.advance(anchor, ql.Period(k * months, ql.Months)) for k in range(-1, n)]
    counter = DAY_COUNTERS[day_count]
    fractions = []
    for start, end in zip(dates, dates[1:]):
        # QuantLib's fraction as a float, turned into the exact ratio of days.
        days = end - start
        if day_count == pb.DAY_COUNT_ACT_360:
            fraction = Fraction(days, 360)
        elif day_count == pb.DAY_COUNT_ACT_365_FIXED:
            fraction = Fraction(days, 365)
        else:
            fraction = Fraction(0)
            d = start
            while d < end:
                nxt = min(end, ql.Date(1, 1, d.year() + 1))
                fraction += Fraction(nxt - d, 366 if ql.Date.isLeap(d.year()) else 365)
                d = nxt
        assert abs(float(fraction) - counter.yearFraction(start, end)) < 1e-12
        fractions.append(fraction)
    expected = exact_level_payment(principal_minor, rate, fractions)
    payments = [int(Decimal(i.payment.amount) * 100) for i in response.installments]
    assert payments[:-1] == [expected] * (n - 1), (payments[:3], expected)
    bound = Fraction(0)
    for fraction in reversed(fractions):
        bound = 1 + bound * (1 + rate * fraction)
    assert abs(payments[-1] - expected) <= bound, (payments[-1], expected, float(bound))
    assert response.conventions.level_payment_rate == "ANNUAL_RATE_TIMES_PERIOD_YEAR_FRACTION"
