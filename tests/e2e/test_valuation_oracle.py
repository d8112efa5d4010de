"""ValueRestructuring present values, called with Python grpcio, checked
against two independent oracles:

- QuantLib's CashFlows.npv on a FlatForward curve of the same compounding
  and day counter (double precision: relative 1e-12);
- Python's decimal module at 60 digits, with t from QuantLib's integer day
  counts (relative 1e-25, inside debtcalc's documented bound of 1e-27
  before rounding to 28 decimals)."""

import random
from datetime import date, timedelta
from decimal import Decimal, getcontext

import pytest
import QuantLib as ql

from debtcalc_client import messages, restructuring_stub

pb = messages()
getcontext().prec = 60

BASES = {
    pb.TIME_BASIS_THIRTY_360: (ql.Thirty360(ql.Thirty360.BondBasis), 360),
    pb.TIME_BASIS_ACT_365_FIXED: (ql.Actual365Fixed(), 365),
    pb.TIME_BASIS_ACT_360: (ql.Actual360(), 360),
    pb.TIME_BASIS_ACT_ACT_ISDA: (ql.ActualActual(ql.ActualActual.ISDA), None),
}

QL_FREQUENCY = {1: ql.Annual, 2: ql.Semiannual, 4: ql.Quarterly, 12: ql.Monthly}


def qdate(d):
    return ql.Date(d.day, d.month, d.year)


def exact_years(basis, start, end):
    """t in years as an exact Decimal quotient of integer day counts."""
    counter, per_year = BASES[basis]
    if per_year is not None:
        return Decimal(counter.dayCount(qdate(start), qdate(end))) / Decimal(per_year)
    # ACT/ACT ISDA: days in each calendar year over that year's length.
    years, cursor = Decimal(0), start
    while cursor < end:
        next_year = date(cursor.year + 1, 1, 1)
        stop = min(next_year, end)
        length = 366 if (cursor.year % 4 == 0 and (cursor.year % 100 != 0 or cursor.year % 400 == 0)) else 365
        years += Decimal((stop - cursor).days) / Decimal(length)
        cursor = stop
    return years


def discount_factor(rate, compounding, m, t):
    r = Decimal(rate)
    if compounding == pb.COMPOUNDING_CONTINUOUS:
        return (-r * t).exp()
    if compounding == pb.COMPOUNDING_PERIODIC:
        return ((1 + r / m).ln() * (-m * t)).exp()
    return ((1 + r).ln() * (-t)).exp()


def random_case(seed):
    rng = random.Random(seed)
    valuation = date(2000, 1, 1) + timedelta(days=rng.randint(0, 9000))
    flows = []
    for _ in range(rng.randint(1, 60)):
        when = valuation + timedelta(days=rng.randint(1, 40 * 365))
        amount = Decimal(rng.randint(1, 10**12)) / 100
        flows.append((when, amount))
    compounding = rng.choice([pb.COMPOUNDING_ANNUAL_EFFECTIVE, pb.COMPOUNDING_PERIODIC, pb.COMPOUNDING_CONTINUOUS])
    m = rng.choice([1, 2, 4, 12]) if compounding == pb.COMPOUNDING_PERIODIC else 0
    rate = str(Decimal(rng.randint(-500, 2500)) / Decimal(10000))
    basis = rng.choice(list(BASES))
    return valuation, flows, rate, compounding, m, basis


@pytest.fixture(scope="module")
def stub(server_addr):
    return restructuring_stub(server_addr)


def gdate(d):
    return pb.Date(year=d.year, month=d.month, day=d.day)


@pytest.mark.parametrize("seed", range(60))
def test_present_value_matches_quantlib_and_decimal(stub, seed):
    valuation, flows, rate, compounding, m, basis = random_case(seed)
    request = pb.ValueRestructuringRequest(
        old_claim=pb.DebtStream(due_at_valuation=pb.Money(currency_code="USD", amount="1000000000000000")),
        new_debt=pb.DebtStream(
            cash_flows=pb.CashFlowList(
                flows=[
                    pb.CashFlow(
                        date=gdate(d),
                        amount=pb.Money(currency_code="USD", amount=str(a)),
                        kind=pb.CASH_FLOW_KIND_PRINCIPAL,
                    )
                    for d, a in flows
                ]
            )
        ),
        valuation_date=gdate(valuation),
        discounting=pb.Discounting(flat_rate=rate, compounding=compounding, compounding_frequency=m, time_basis=basis),
    )
    response = stub.ValueRestructuring(request, timeout=30)
    ours = Decimal(response.new_debt.present_value_exact)

    reference = sum(a * discount_factor(rate, compounding, m, exact_years(basis, valuation, d)) for d, a in flows)
    assert abs(ours - reference) <= abs(reference) * Decimal("1e-25"), (ours, reference)

    counter, _ = BASES[basis]
    ql_compounding = {
        pb.COMPOUNDING_ANNUAL_EFFECTIVE: (ql.Compounded, ql.Annual),
        pb.COMPOUNDING_PERIODIC: (ql.Compounded, QL_FREQUENCY.get(m, ql.Annual)),
        pb.COMPOUNDING_CONTINUOUS: (ql.Continuous, ql.Annual),
    }[compounding]
    curve = ql.FlatForward(qdate(valuation), float(rate), counter, *ql_compounding)
    leg = [ql.SimpleCashFlow(float(a), qdate(d)) for d, a in flows]
    quantlib = ql.CashFlows.npv(leg, ql.YieldTermStructureHandle(curve), False, qdate(valuation), qdate(valuation))
    assert abs(float(ours) - quantlib) <= abs(quantlib) * 1e-12, (ours, quantlib)
    assert response.new_debt.present_value.amount == str(ours.quantize(Decimal("0.01")))


def test_dprk_grant_element_matches_quantlib(stub):
    """The public case through QuantLib: 40 x 27.25m semi-annually, 5%
    annual-effective on the default time basis, TIME_BASIS_MONTHS (each due
    date is k whole months after the valuation date, so t = k/12 exactly,
    which QuantLib's 30/360 Bond Basis also gives on these dates, the 5th)."""
    valuation = date(2014, 5, 5)
    request = pb.AssessConcessionalityRequest(
        principal=pb.Money(currency_code="USD", amount="1090000000"),
        terms=pb.LoanTerms(
            first_payment_date=pb.Date(year=2014, month=11, day=5),
            frequency=pb.FREQUENCY_SEMI_ANNUAL,
            installment_count=40,
        ),
        convention=pb.CONCESSIONALITY_CONVENTION_IMF_WORLD_BANK,
    )
    response = stub.AssessConcessionality(request, timeout=30)
    assert response.conventions.discounting.time_basis == pb.TIME_BASIS_MONTHS
    schedule = ql.Schedule(
        ql.Date(5, 11, 2014), ql.Date(5, 5, 2034), ql.Period(6, ql.Months), ql.NullCalendar(),
        ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False,
    )
    leg = [ql.SimpleCashFlow(27_250_000.0, d) for d in schedule]
    assert len(leg) == 40
    curve = ql.FlatForward(qdate(valuation), 0.05, ql.Thirty360(ql.Thirty360.BondBasis), ql.Compounded, ql.Annual)
    npv = ql.CashFlows.npv(leg, ql.YieldTermStructureHandle(curve), False, qdate(valuation), qdate(valuation))
    grant_element = 1 - npv / 1_090_000_000
    assert abs(float(response.grant_element) - grant_element) < 1e-12
    assert abs(grant_element - 0.3692) < 0.0001
    assert response.concessional
