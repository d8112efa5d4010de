"""Every day count of BuildSchedule, called with Python grpcio, against
QuantLib's day counters, to the exact fraction.

Each case is a schedule (accrual start, due dates); each period's QuantLib
year fraction F = n/d is recovered exactly (an integer day count over 360 or
365 for the 30/360 family and ACT/360, ACT/365F; the float year fraction of
ACT/ACT ISDA and ICMA turned into the nearest fraction with a denominator of
at most 366 x 366, which is unique at float precision). The loan is a bullet
at 100% on a principal of lcm(d) x 10^6, so the service's interest of a
period must be exactly n x principal / d, to the cent with nothing to round;
a service fraction that differed by the smallest possible step would move
the interest by more than half a dollar.

Oracles: QuantLib 1.44 Thirty360 (BondBasis, USA, European, German with the
schedule's last due date as termination date), Actual360, Actual365Fixed,
ActualActual(ISDA) and ActualActual(ICMA, schedule), the schedule given as
its dates with the first period's regularity. DAY_COUNT_PERIODIC is checked
against ActualActual(ICMA, schedule) too (issue 9, finding 4).

Long first periods span at most two notional periods and have an anchor that
QuantLib steps back from in the same way as the service counts from it (day
of month at most 28, or month-end rolls): QuantLib moves back from the
notional first coupon, the service from the first payment date, which differ
when a clipped day (Feb 28 from an Aug 31 anchor) is stepped back again."""

import math
import random
from fractions import Fraction

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

THIRTY_360 = {
    pb.DAY_COUNT_THIRTY_360: ql.Thirty360.BondBasis,
    pb.DAY_COUNT_THIRTY_360_US: ql.Thirty360.USA,
    pb.DAY_COUNT_THIRTY_E_360: ql.Thirty360.European,
    pb.DAY_COUNT_THIRTY_E_360_ISDA: ql.Thirty360.German,
}

ALL = [
    *THIRTY_360,
    pb.DAY_COUNT_ACT_360,
    pb.DAY_COUNT_ACT_365_FIXED,
    pb.DAY_COUNT_ACT_ACT_ISDA,
    pb.DAY_COUNT_ACT_ACT_ICMA,
    pb.DAY_COUNT_PERIODIC,
]

NULL = ql.NullCalendar()


def qdate(d):
    return ql.Date(d.day, d.month, d.year)


def end_of_month(year, month):
    return ql.Date.endOfMonth(ql.Date(1, month, year)).dayOfMonth()


def ql_schedule(dates, months, eom, first_regular):
    return ql.Schedule(
        dates,
        NULL,
        ql.Unadjusted,
        ql.Unadjusted,
        ql.Period(months, ql.Months),
        ql.DateGeneration.Backward,
        eom,
        [first_regular] + [True] * (len(dates) - 2),
    )


def oracle_fractions(day_count, dates, months, eom, first_regular):
    """QuantLib's exact year fraction of each period of `dates`."""
    out = []
    for d1, d2 in zip(dates, dates[1:]):
        if day_count in THIRTY_360:
            convention = THIRTY_360[day_count]
            if convention == ql.Thirty360.German:
                counter = ql.Thirty360(convention, dates[-1])
            else:
                counter = ql.Thirty360(convention)
            out.append(Fraction(counter.dayCount(d1, d2), 360))
        elif day_count == pb.DAY_COUNT_ACT_360:
            out.append(Fraction(d2 - d1, 360))
        elif day_count == pb.DAY_COUNT_ACT_365_FIXED:
            out.append(Fraction(d2 - d1, 365))
        else:
            if day_count == pb.DAY_COUNT_ACT_ACT_ISDA:
                counter = ql.ActualActual(ql.ActualActual.ISDA)
            else:
                schedule = ql_schedule(dates, months, eom, first_regular)
                counter = ql.ActualActual(ql.ActualActual.ISMA, schedule)
            out.append(Fraction(counter.yearFraction(d1, d2)).limit_denominator(366 * 366))
    return out


def case(first, count, frequency, day_count, eom=False, start=None):
    """A case: the first payment date (y, m, d), installments, frequency,
    day count, end-of-month roll, accrual start (y, m, d) or None."""
    return (first, count, frequency, day_count, eom, start)


def explicit_cases():
    cases = []
    semi, quarterly, monthly, annual = (
        pb.FREQUENCY_SEMI_ANNUAL,
        pb.FREQUENCY_QUARTERLY,
        pb.FREQUENCY_MONTHLY,
        pb.FREQUENCY_ANNUAL,
    )
    for dc in ALL:
        # Month ends through common and leap Februaries, rolled and clipped.
        cases.append(case((2025, 2, 28), 4, semi, dc, eom=True))
        cases.append(case((2024, 2, 29), 3, semi, dc, eom=True))
        cases.append(case((2025, 2, 28), 3, semi, dc, eom=True))  # matures on Feb 28
        cases.append(case((2028, 2, 29), 1, semi, dc, eom=True))  # leap maturity
        cases.append(case((2025, 1, 31), 14, monthly, dc))  # clipped Jan 31 anchor
        cases.append(case((2024, 1, 31), 14, monthly, dc, eom=True))
        cases.append(case((2025, 5, 31), 6, quarterly, dc))
        cases.append(case((2024, 8, 30), 4, semi, dc))
        cases.append(case((2024, 2, 29), 4, annual, dc))
        # Irregular first periods (finding 4's short case and a long one).
        cases.append(case((2025, 7, 15), 2, semi, dc, start=(2025, 6, 15)))
        cases.append(case((2025, 7, 15), 2, semi, dc, start=(2024, 12, 15)))
        cases.append(case((2024, 3, 31), 3, quarterly, dc, eom=True, start=(2024, 2, 29)))
        cases.append(case((2024, 2, 29), 2, semi, dc, eom=True, start=(2023, 5, 31)))
    return cases


def random_cases(count, seed=20261202):
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        dc = rng.choice(ALL)
        frequency = rng.choice(list(MONTHS))
        months = MONTHS[frequency]
        year, month = rng.randint(1996, 2034), rng.randint(1, 12)
        last = end_of_month(year, month)
        kind = rng.random()
        if kind < 0.4:
            day = last  # a month end, February's included
        elif kind < 0.6:
            day = min(rng.choice([28, 29, 30, 31]), last)
        else:
            day = rng.randint(1, 28)
        eom = day == last and rng.random() < 0.6
        start = None
        irregular = rng.random()
        if irregular < 0.35:
            # A short or long first period, up to two notional periods,
            # anchors QuantLib steps back from as the service does.
            anchor = ql.Date(day, month, year)
            if day <= 28 or eom:
                back = NULL.advance(anchor, ql.Period(-rng.randint(1, 2 * months * 30 - 1), ql.Days))
                regular = NULL.advance(anchor, ql.Period(-months, ql.Months), ql.Unadjusted, eom)
                prior = NULL.advance(regular, ql.Period(-months, ql.Months), ql.Unadjusted, eom)
                if back > prior and back != regular:
                    start = (back.year(), back.month(), back.dayOfMonth())
        cases.append(case((year, month, day), rng.randint(1, 6), frequency, dc, eom=eom, start=start))
    return cases


CASES = explicit_cases() + random_cases(200)


@pytest.fixture(scope="module")
def stub(server_addr):
    return restructuring_stub(server_addr)


def build(stub, principal, first, count, frequency, day_count, eom, start):
    terms = pb.LoanTerms(
        first_payment_date=pb.Date(year=first[0], month=first[1], day=first[2]),
        frequency=frequency,
        installment_count=count,
        amortization=pb.AMORTIZATION_BULLET,
        annual_rate="1",
        day_count=day_count,
        end_of_month=eom,
    )
    if start is not None:
        terms.accrual_start_date.CopyFrom(pb.Date(year=start[0], month=start[1], day=start[2]))
    request = pb.BuildScheduleRequest(principal=pb.Money(currency_code="USD", amount=str(principal)), terms=terms)
    return stub.BuildSchedule(request, timeout=30)


def test_cases_cover_every_day_count_and_february():
    assert len(CASES) >= 300
    assert {c[3] for c in CASES} == set(ALL)
    assert sum(1 for c in CASES if c[5] is not None) >= 70


@pytest.mark.parametrize("index", range(len(CASES)))
def test_interest_is_quantlib_fraction_exactly(stub, index):
    first, count, frequency, day_count, eom, start = CASES[index]
    months = MONTHS[frequency]
    # The service's dates (checked against QuantLib's arithmetic elsewhere).
    probe = build(stub, 1, first, count, frequency, day_count, eom, start)
    dates = [qdate(probe.installments[0].accrual_start_date)]
    dates += [qdate(i.due_date) for i in probe.installments]
    regular_start = NULL.advance(dates[1], ql.Period(-months, ql.Months), ql.Unadjusted, eom)
    fractions = oracle_fractions(day_count, dates, months, eom, dates[0] == regular_start)
    scale = math.lcm(*(f.denominator for f in fractions)) * 10**6
    response = build(stub, scale, first, count, frequency, day_count, eom, start)
    got = [i.interest.amount for i in response.installments]
    want = [f"{f.numerator * (scale // f.denominator)}.00" for f in fractions]
    name = pb.DayCount.Name(day_count)
    assert got == want, f"{name} {[str(d) for d in dates]} eom={eom}"
