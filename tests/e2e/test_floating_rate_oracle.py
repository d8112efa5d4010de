"""Floating-rate coupons (issue 9), called with Python grpcio, against
QuantLib's IborLeg: each period's rate is the fixing in force at its accrual
start plus the margin. QuantLib reads the fixing dated exactly on the accrual
start (fixing days 0, a null calendar), so every accrual start gets a
fixing; further fixings dated inside periods must NOT be used for them (the
service's rule: the last fixing on or before the accrual start)."""

import random
from decimal import Decimal

import pytest
import QuantLib as ql

from debtcalc_client import messages, restructuring_stub

pb = messages()


@pytest.fixture(scope="module")
def stub(server_addr):
    return restructuring_stub(server_addr)


def qdate(d):
    return ql.Date(d.day, d.month, d.year)


def pdate(d):
    return pb.Date(year=d.year(), month=d.month(), day=d.dayOfMonth())


@pytest.mark.parametrize("seed", range(15))
def test_floating_coupons_match_quantlib_ibor_leg(stub, seed):
    rng = random.Random(9000 + seed)
    months = rng.choice([1, 3, 6])
    frequency = {1: pb.FREQUENCY_MONTHLY, 3: pb.FREQUENCY_QUARTERLY, 6: pb.FREQUENCY_SEMI_ANNUAL}[months]
    count = rng.randint(1, 40)
    first = ql.Date(rng.randint(1, 28), rng.randint(1, 12), rng.randint(2000, 2020))
    effective = first - ql.Period(months, ql.Months)
    termination = first + ql.Period((count - 1) * months, ql.Months)
    schedule = ql.Schedule(
        effective, termination, ql.Period(months, ql.Months), ql.NullCalendar(),
        ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False,
    )
    margin = Decimal(rng.randint(-50, 400)) / Decimal(10000)
    index = ql.IborIndex("TEST", ql.Period(months, ql.Months), 0, ql.USDCurrency(), ql.NullCalendar(),
                         ql.Unadjusted, False, ql.Actual360())
    index.clearFixings()
    fixings = {}
    for start in list(schedule)[:-1]:
        fixings[start] = Decimal(rng.randint(0, 900)) / Decimal(10000)
        # A fixing inside the period, which applies only from the next one
        # (if no fixing is dated on its start).
        fixings.setdefault(start + rng.randint(1, 20), Decimal(rng.randint(0, 900)) / Decimal(10000))
    starts = set(list(schedule)[:-1])
    for date, rate in fixings.items():
        if date in starts:
            index.addFixing(date, float(rate))
    ql.Settings.instance().evaluationDate = termination + 30
    leg = ql.IborLeg([1_000_000.0], schedule, index, ql.Actual360(), ql.Unadjusted, [0], [1.0], [float(margin)])
    terms = pb.LoanTerms(
        first_payment_date=pdate(first),
        frequency=frequency,
        installment_count=count,
        amortization=pb.AMORTIZATION_BULLET,
        day_count=pb.DAY_COUNT_ACT_360,
        floating_rate=pb.FloatingRate(
            fixings=[pb.Fixing(date=pdate(d), rate=str(r)) for d, r in sorted(fixings.items())],
            margin=str(margin),
        ),
    )
    response = stub.BuildSchedule(
        pb.BuildScheduleRequest(principal=pb.Money(currency_code="USD", amount="1000000"), terms=terms), timeout=30
    )
    assert len(response.installments) == count
    for inst, cf in zip(response.installments, leg):
        coupon = ql.as_floating_rate_coupon(cf)
        assert qdate(inst.accrual_start_date) == coupon.accrualStartDate()
        assert qdate(inst.due_date) == coupon.accrualEndDate()
        assert Decimal(inst.annual_rate) == fixings[coupon.accrualStartDate()] + margin
        assert abs(Decimal(inst.interest.amount) - Decimal(repr(coupon.amount()))) <= Decimal("0.0050001")
    assert response.conventions.fixing_rule == "LAST_FIXING_ON_OR_BEFORE_ACCRUAL_START_PLUS_MARGIN"
    assert response.resolved_terms.annual_rate == ""
    assert len(response.resolved_terms.floating_rate.fixings) == len(fixings)
