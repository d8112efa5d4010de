"""Business-day adjustment of due dates (issue 9), called with Python grpcio
and checked against QuantLib: Calendar.adjust on a BespokeCalendar with
Saturday and Sunday weekends and the same holidays, and QuantLib's Schedule
(forward generation from the accrual start). Interest accrues between the
adjusted dates (ACCRUAL_DATES_ADJUSTED, default) or the unadjusted ones."""

import random
from decimal import Decimal

import pytest
import QuantLib as ql

from debtcalc_client import messages, restructuring_stub

pb = messages()

CONVENTIONS = {
    pb.BUSINESS_DAY_CONVENTION_FOLLOWING: ql.Following,
    pb.BUSINESS_DAY_CONVENTION_MODIFIED_FOLLOWING: ql.ModifiedFollowing,
    pb.BUSINESS_DAY_CONVENTION_PRECEDING: ql.Preceding,
    pb.BUSINESS_DAY_CONVENTION_UNADJUSTED: ql.Unadjusted,
}
MONTHS = {pb.FREQUENCY_MONTHLY: 1, pb.FREQUENCY_QUARTERLY: 3, pb.FREQUENCY_SEMI_ANNUAL: 6}


@pytest.fixture(scope="module")
def stub(server_addr):
    return restructuring_stub(server_addr)


def qdate(d):
    return ql.Date(d.day, d.month, d.year)


def calendar_with(holidays):
    calendar = ql.BespokeCalendar("debtcalc-test")
    calendar.addWeekend(ql.Saturday)
    calendar.addWeekend(ql.Sunday)
    for h in holidays:
        calendar.addHoliday(h)
    return calendar


def random_case(seed):
    rng = random.Random(5000 + seed)
    frequency = rng.choice(list(MONTHS))
    first = ql.Date(rng.randint(1, 28), rng.randint(1, 12), rng.randint(1995, 2040))
    count = rng.randint(1, 60)
    months = MONTHS[frequency]
    # Holidays on and around many due dates, so that adjustments chain
    # through weekends and holidays and cross month ends.
    holidays = set()
    for k in range(-1, count):
        due = first + ql.Period(k * months, ql.Months)
        for _ in range(rng.randint(0, 3)):
            holidays.add(due + rng.randint(-3, 3))
    holidays = sorted(holidays)
    convention = rng.choice(list(CONVENTIONS))
    accrual = rng.choice([pb.ACCRUAL_DATES_ADJUSTED, pb.ACCRUAL_DATES_UNADJUSTED])
    return frequency, first, count, holidays, convention, accrual


@pytest.mark.parametrize("seed", range(60))
def test_due_dates_and_accrual_match_quantlib(stub, seed):
    frequency, first, count, holidays, convention, accrual = random_case(seed)
    months = MONTHS[frequency]
    terms = pb.LoanTerms(
        first_payment_date=pb.Date(year=first.year(), month=first.month(), day=first.dayOfMonth()),
        frequency=frequency,
        installment_count=count,
        amortization=pb.AMORTIZATION_BULLET,
        annual_rate="0.0575",
        day_count=pb.DAY_COUNT_ACT_360,
        business_day_convention=convention,
        holidays=[pb.Date(year=h.year(), month=h.month(), day=h.dayOfMonth()) for h in holidays]
        if convention != pb.BUSINESS_DAY_CONVENTION_UNADJUSTED
        else [],
        accrual_dates=accrual,
    )
    request = pb.BuildScheduleRequest(principal=pb.Money(currency_code="USD", amount="1000000"), terms=terms)
    try:
        response = stub.BuildSchedule(request, timeout=30)
    except Exception as error:  # holidays swallowing a period is refused
        pytest.fail(f"unexpected error {error}")
    calendar = calendar_with(holidays)
    ql_convention = CONVENTIONS[convention]
    effective = first - ql.Period(months, ql.Months)
    termination = first + ql.Period((count - 1) * months, ql.Months)
    schedule = ql.Schedule(
        effective, termination, ql.Period(months, ql.Months), calendar,
        ql_convention, ql_convention, ql.DateGeneration.Forward, False,
    )
    adjusted = list(schedule)
    assert len(adjusted) == count + 1
    unadjusted = [effective + ql.Period(k * months, ql.Months) for k in range(count + 1)]
    for k, inst in enumerate(response.installments):
        due = qdate(inst.due_date)
        assert due == calendar.adjust(unadjusted[k + 1], ql_convention), (k + 1, due)
        assert due == adjusted[k + 1], (k + 1, due, adjusted[k + 1])
        if accrual == pb.ACCRUAL_DATES_ADJUSTED:
            start, end = adjusted[k], adjusted[k + 1]
        else:
            start, end = unadjusted[k], unadjusted[k + 1]
        assert (qdate(inst.accrual_start_date), qdate(inst.accrual_end_date)) == (start, end)
        expected = Decimal(1000000) * Decimal("0.0575") * Decimal(end - start) / Decimal(360)
        assert abs(Decimal(inst.interest.amount) - expected) <= Decimal("0.005")
    names = {v: k for k, v in pb.BusinessDayConvention.items()}
    assert response.conventions.business_day_adjustment == names[convention].removeprefix("BUSINESS_DAY_CONVENTION_")
    assert response.conventions.weekend == "SATURDAY_SUNDAY"
    assert response.resolved_terms.business_day_convention == convention
    assert response.resolved_terms.accrual_dates == accrual


def test_many_single_dates_match_calendar_adjust(stub):
    """Calendar.adjust on 400 random dates, each the first payment date of a
    one-period loan, for every convention."""
    rng = random.Random(77)
    holidays = sorted({ql.Date(1, 1, 2020) + rng.randint(0, 3000) for _ in range(600)})
    calendar = calendar_with(holidays)
    for _ in range(400):
        date = ql.Date(1, 1, 2020) + rng.randint(0, 2900)
        convention = rng.choice([c for c in CONVENTIONS if c != pb.BUSINESS_DAY_CONVENTION_UNADJUSTED])
        terms = pb.LoanTerms(
            first_payment_date=pb.Date(year=date.year(), month=date.month(), day=date.dayOfMonth()),
            accrual_start_date=pb.Date(year=2019, month=12, day=1),
            frequency=pb.FREQUENCY_MONTHLY,
            installment_count=1,
            business_day_convention=convention,
            holidays=[pb.Date(year=h.year(), month=h.month(), day=h.dayOfMonth()) for h in holidays],
        )
        response = stub.BuildSchedule(
            pb.BuildScheduleRequest(principal=pb.Money(currency_code="USD", amount="1"), terms=terms), timeout=30
        )
        assert qdate(response.installments[0].due_date) == calendar.adjust(date, CONVENTIONS[convention]), (date, convention)
