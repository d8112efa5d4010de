"""The accrued interest in a loan's face (issue 9, finding 1 between due
dates), called with Python grpcio and checked against QuantLib: the accrued
amount of the coupon running at the valuation date of a FixedRateBond with
the loan's schedule and day counter (bullet, so the coupon's nominal is the
outstanding). debtcalc rounds it once to the cent, half-even, so the two
agree within half a cent (plus QuantLib's double precision).

DAY_COUNT_PERIODIC is checked against ActualActual(ICMA) on each coupon's
reference period:
debtcalc documents that it prorates a part period (and an irregular first
period) against the notional regular periods exactly as ICMA does."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
import QuantLib as ql

from debtcalc_client import messages, restructuring_stub

pb = messages()

MONTHS = {pb.FREQUENCY_ANNUAL: 12, pb.FREQUENCY_SEMI_ANNUAL: 6, pb.FREQUENCY_QUARTERLY: 3}


def qdate(d):
    return ql.Date(d.day, d.month, d.year)


def pydate(d):
    return date(d.year(), d.month(), d.dayOfMonth())


def gdate(d):
    return pb.Date(year=d.year, month=d.month, day=d.day)


def day_counter(day_count):
    return {
        # Without a schedule: each coupon's reference period (a short first
        # period's is the notional regular period ending on its due date).
        # QuantLib's schedule-based ICMA counter misreads a one-period
        # schedule whose only period is irregular (2010-03-05..2010-07-21,
        # semi-annual: a 227-day reference period).
        pb.DAY_COUNT_PERIODIC: ql.ActualActual(ql.ActualActual.ISMA),
        pb.DAY_COUNT_ACT_ACT_ICMA: ql.ActualActual(ql.ActualActual.ISMA),
        pb.DAY_COUNT_THIRTY_360: ql.Thirty360(ql.Thirty360.BondBasis),
        pb.DAY_COUNT_THIRTY_E_360: ql.Thirty360(ql.Thirty360.European),
        pb.DAY_COUNT_ACT_360: ql.Actual360(),
        pb.DAY_COUNT_ACT_365_FIXED: ql.Actual365Fixed(),
        pb.DAY_COUNT_ACT_ACT_ISDA: ql.ActualActual(ql.ActualActual.ISDA),
    }[day_count]


def random_case(seed):
    rng = random.Random(seed)
    frequency = rng.choice(list(MONTHS))
    months = MONTHS[frequency]
    first = date(rng.randint(2001, 2040), rng.randint(1, 12), rng.randint(1, 28))
    count = rng.randint(1, 12)
    # Half the cases have a short irregular first period.
    regular_start = qdate(first) - ql.Period(months, ql.Months)
    stub_days = rng.randint(1, (qdate(first) - regular_start) - 1) if rng.random() < 0.5 else 0
    accrual_start = qdate(first) - stub_days if stub_days else regular_start
    dates = [accrual_start] + [qdate(first) + ql.Period(k * months, ql.Months) for k in range(count)]
    # A valuation date strictly inside one accrual period.
    k = rng.randrange(count)
    start, end = dates[k], dates[k + 1]
    valuation = start + rng.randint(1, end - start - 1)
    rate = str(Decimal(rng.randint(1, 1500)) / Decimal(10000))
    day_count = rng.choice(
        [
            pb.DAY_COUNT_PERIODIC,
            pb.DAY_COUNT_ACT_ACT_ICMA,
            pb.DAY_COUNT_THIRTY_360,
            pb.DAY_COUNT_THIRTY_E_360,
            pb.DAY_COUNT_ACT_360,
            pb.DAY_COUNT_ACT_365_FIXED,
            pb.DAY_COUNT_ACT_ACT_ISDA,
        ]
    )
    return frequency, dates, bool(stub_days), pydate(valuation), rate, day_count, count


@pytest.fixture(scope="module")
def stub(server_addr):
    return restructuring_stub(server_addr)


@pytest.mark.parametrize("seed", range(80))
def test_accrued_interest_matches_quantlib(stub, seed):
    frequency, dates, irregular, valuation, rate, day_count, count = random_case(seed)
    principal = 1_000_000
    terms = pb.LoanTerms(
        first_payment_date=gdate(pydate(dates[1])),
        frequency=frequency,
        installment_count=count,
        amortization=pb.AMORTIZATION_BULLET,
        annual_rate=rate,
        day_count=day_count,
    )
    if irregular:
        terms.accrual_start_date.CopyFrom(gdate(pydate(dates[0])))
    loan = pb.DebtStream(loan=pb.LoanStream(principal=pb.Money(currency_code="USD", amount=str(principal)), terms=terms))
    response = stub.ValueRestructuring(
        pb.ValueRestructuringRequest(
            old_claim=loan,
            new_debt=loan,
            valuation_date=gdate(valuation),
            discounting=pb.Discounting(flat_rate=rate),
        ),
        timeout=30,
    )
    ours = Decimal(response.old_claim.face_components.accrued_interest.amount)

    tenor = ql.Period(MONTHS[frequency], ql.Months)
    schedule = ql.Schedule(
        ql.DateVector(dates),
        ql.NullCalendar(),
        ql.Unadjusted,
        ql.Unadjusted,
        tenor,
        ql.DateGeneration.Backward,
        False,
        [not irregular] + [True] * (len(dates) - 2),
    )
    bond = ql.FixedRateBond(0, principal, schedule, [float(rate)], day_counter(day_count))
    coupons = [ql.as_coupon(cf) for cf in bond.cashflows() if ql.as_coupon(cf) is not None]
    running = [c for c in coupons if c.accrualStartDate() < qdate(valuation) < c.accrualEndDate()]
    assert len(running) == 1
    quantlib = running[0].accruedAmount(qdate(valuation))
    assert abs(float(ours) - quantlib) <= 0.005 + 1e-6, (ours, quantlib, dates[0], valuation)
    parts = response.old_claim.face_components
    face = Decimal(response.old_claim.face_value.amount)
    assert face == Decimal(parts.outstanding_principal.amount) + Decimal(parts.past_due_interest.amount) + ours
