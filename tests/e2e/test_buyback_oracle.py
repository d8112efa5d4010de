"""EvaluateSwap's buyback kind, called with Python grpcio, checked against an
independent spreadsheet-style loop in Python's decimal module (60 digits):
the schedules are rebuilt here period by period, bucketed into operation
years, summed over the horizons and discounted at mid-year
(1/(1+d)^(k-0.5), the World Bank Debt Swap Calculator's convention) and at
end of year.

The case: a 60 m loan bought at par and a 40 m bond bought at 62.5,
semi-annual, financed by an 85 m annual level-payment loan at 3.5%, with a
fixed and a proportional upfront fee, an endowment and five annual
commitments. Nothing below is read from debtcalc except the answers."""

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, getcontext

import grpc
import pytest

from debtcalc_client import messages, swap_stub

pb = messages()
getcontext().prec = 60

CENT = Decimal("0.01")
D = date(2025, 3, 15)


def cents(x):
    return x.quantize(CENT, rounding=ROUND_HALF_EVEN)


def add_months(d, months):
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, d.day)


def gdate(d):
    return pb.Date(year=d.year, month=d.month, day=d.day)


def usd(amount):
    return pb.Money(currency_code="USD", amount=str(amount))


# --- the oracle's own schedules -------------------------------------------


def equal_principal(principal, rate, per_year, count, first):
    """(date, payment, principal) of an equal-principal loan, interest
    rate/per_year on the outstanding, rounded half-even to the cent."""
    out, outstanding = [], principal
    step = cents(principal / count)
    for k in range(count):
        interest = cents(outstanding * rate / per_year)
        repaid = outstanding if k == count - 1 else step
        outstanding -= repaid
        out.append((add_months(first, 12 // per_year * k), repaid + interest, repaid))
    return out


def bullet(principal, rate, per_year, count, first):
    out = []
    for k in range(count):
        interest = cents(principal * rate / per_year)
        repaid = principal if k == count - 1 else Decimal(0)
        out.append((add_months(first, 12 // per_year * k), repaid + interest, repaid))
    return out


def level_payment(principal, rate, per_year, count, first):
    i = rate / per_year
    payment = cents(principal * i / (1 - (1 + i) ** -count))
    out, outstanding = [], principal
    for k in range(count):
        interest = cents(outstanding * i)
        repaid = outstanding if k == count - 1 else payment - interest
        outstanding -= repaid
        out.append((add_months(first, 12 // per_year * k), repaid + interest, repaid))
    return out


def year_of(d):
    """Operation year: 0 on the buyback date, k for (D + k-1 y, D + k y]."""
    if d <= D:
        return 0
    k = 1
    while add_months(D, 12 * k) < d:
        k += 1
    return k


def years_from_d(d):
    """t in years on the month basis: every date here is whole months from D."""
    months = (d.year - D.year) * 12 + d.month - D.month
    assert d.day == D.day
    return Decimal(months) / 12


def mid_year_pv(flows, rate):
    total = Decimal(0)
    for d, amount in flows:
        k = year_of(d)
        t = Decimal(0) if k == 0 else Decimal(k) - Decimal("0.5")
        total += amount * ((1 + rate).ln() * -t).exp()
    return total


def end_of_year_pv(flows, rate):
    return sum((amount / (1 + rate) ** year_of(d) for d, amount in flows), Decimal(0))


# --- the case --------------------------------------------------------------

LOAN = equal_principal(Decimal("60000000.00"), Decimal("0.05"), 2, 10, date(2025, 9, 15))
BOND = bullet(Decimal("40000000.00"), Decimal("0.07"), 2, 12, date(2025, 9, 15))
PRICE = Decimal("0.625")
NEW_PRINCIPAL = Decimal("85000000.00")
NEW = level_payment(NEW_PRINCIPAL, Decimal("0.035"), 1, 10, date(2026, 3, 15))
FEES = [Decimal("250000.00"), cents(Decimal("0.0075") * NEW_PRINCIPAL)]
COMMITMENTS = [(D, Decimal("3000000.00"))] + [(date(2025 + k, 3, 15), Decimal("1500000.00")) for k in range(1, 6)]
RATE, INVESTOR_RATE = Decimal("0.06"), Decimal("0.09")


def terms(first, per_year, count, rate, amortization):
    return pb.LoanTerms(
        first_payment_date=gdate(first),
        accrual_start_date=gdate(D),
        frequency={1: pb.FREQUENCY_ANNUAL, 2: pb.FREQUENCY_SEMI_ANNUAL}[per_year],
        installment_count=count,
        annual_rate=rate,
        amortization=amortization,
        day_count=pb.DAY_COUNT_PERIODIC,
    )


def request(timing):
    return pb.EvaluateSwapRequest(
        buyback=pb.BuybackSwap(
            buyback_date=gdate(D),
            instruments=[
                pb.RetiredInstrument(
                    label="bank loan",
                    kind=pb.INSTRUMENT_KIND_LOAN,
                    principal=usd("60000000.00"),
                    terms=terms(date(2025, 9, 15), 2, 10, "0.05", pb.AMORTIZATION_EQUAL_PRINCIPAL),
                ),
                pb.RetiredInstrument(
                    label="2031 bond",
                    kind=pb.INSTRUMENT_KIND_BOND,
                    principal=usd("40000000.00"),
                    terms=terms(date(2025, 9, 15), 2, 12, "0.07", pb.AMORTIZATION_BULLET),
                    price=str(PRICE),
                ),
            ],
            financing=pb.NewFinancing(
                principal=usd("85000000.00"),
                terms=terms(date(2026, 3, 15), 1, 10, "0.035", pb.AMORTIZATION_LEVEL_PAYMENT),
            ),
            fees=[
                pb.UpfrontFee(label="advisers", fixed=usd("250000.00")),
                pb.UpfrontFee(label="guarantee", share_of_new_principal="0.0075"),
            ],
            commitments=[
                pb.Commitment(
                    label="endowment",
                    kind=pb.COMMITMENT_KIND_ENDOWMENT,
                    payments=[pb.CommitmentPayment(date=gdate(D), amount=usd("3000000.00"))],
                ),
                pb.Commitment(
                    label="marine reserve",
                    kind=pb.COMMITMENT_KIND_ANNUAL,
                    payments=[
                        pb.CommitmentPayment(date=gdate(d), amount=usd(a)) for d, a in COMMITMENTS[1:]
                    ],
                ),
            ],
            discounting=pb.Discounting(flat_rate=str(RATE)),
            investor_discounting=pb.Discounting(flat_rate=str(INVESTOR_RATE)),
            timing=timing,
        )
    )


@pytest.fixture(scope="module")
def stub(server_addr):
    return swap_stub(server_addr)


def money(m):
    assert m.currency_code == "USD"
    return Decimal(m.amount)


def close(got, want, tolerance="1e-17"):
    return abs(Decimal(got) - want) <= Decimal(tolerance)


def flows(schedule):
    return [(d, payment) for d, payment, _ in schedule]


def test_buyback_against_a_spreadsheet_loop(stub):
    result = stub.EvaluateSwap(request(pb.DISCOUNT_TIMING_MID_YEAR)).buyback

    old = flows(LOAN) + flows(BOND)
    new = flows(NEW)
    # Cost: the loan at par, the bond at 62.5: 60 m + 25 m; no accrued
    # interest (bought on the accrual start).
    clean_bond = cents(PRICE * Decimal("40000000.00"))
    cost = Decimal("60000000.00") + clean_bond
    assert money(result.buyback_cost) == cost == Decimal("85000000.00")
    assert money(result.instruments[1].discount_captured) == Decimal("40000000.00") - clean_bond
    fees = sum(FEES)
    assert money(result.total_fees) == fees
    outlay = cost + fees - NEW_PRINCIPAL
    assert money(result.upfront_outlay) == outlay

    # Debt service by operation year.
    years = max(year_of(d) for d, _ in old + new + COMMITMENTS)
    assert len(result.years) == years + 1
    cumulative = Decimal(0)
    by_year = {}
    for k in range(years + 1):
        o = sum((a for d, a in old if year_of(d) == k), Decimal(0))
        n = sum((a for d, a in new if year_of(d) == k), Decimal(0))
        c = sum((a for d, a in COMMITMENTS if year_of(d) == k), Decimal(0))
        saving = o - n - (outlay if k == 0 else 0)
        cumulative += saving
        by_year[k] = cumulative
        row = result.years[k]
        assert row.HasField("year") and row.year == k
        assert money(row.old_debt_service) == o, k
        assert money(row.new_debt_service) == n, k
        assert money(row.commitments) == c, k
        assert money(row.saving) == saving, k
        assert money(row.cumulative_saving) == cumulative, k
        if k > 0:
            factor = ((1 + RATE).ln() * -(Decimal(k) - Decimal("0.5"))).exp()
            assert close(row.discount_factor, factor, "1e-27"), (k, row.discount_factor, factor)

    # Nominal savings over 1, 2, 3 and 5 years and the whole life.
    assert [h.years for h in result.horizons] == [1, 2, 3, 5]
    for h in result.horizons:
        assert money(h.saving) == by_year[min(h.years, years)], h.years
    total = sum(a for _, a in old) - sum(a for _, a in new) - outlay
    assert money(result.nominal_saving) == total == by_year[years]

    # Present values at mid-year, 6%.
    pv_old, pv_new = mid_year_pv(old, RATE), mid_year_pv(new, RATE)
    assert close(result.old_present_value_exact, pv_old)
    assert close(result.new_present_value_exact, pv_new)
    assert close(result.present_value_saving_exact, pv_old - pv_new - outlay)
    assert money(result.present_value_saving) == cents(pv_old - pv_new - outlay)
    pv_commitments = mid_year_pv(COMMITMENTS, RATE)
    assert close(result.net_fiscal_saving_exact, pv_old - pv_new - outlay - pv_commitments)
    assert money(result.commitments_present_value) == cents(pv_commitments)
    assert result.HasField("saves_in_present_value")
    assert result.saves_in_present_value == (pv_old - pv_new - outlay > 0)

    # Debt reduction: face and present value.
    assert money(result.face_reduction) == Decimal("100000000.00") - NEW_PRINCIPAL
    assert money(result.present_value_reduction) == cents(pv_old - pv_new)

    # Average time to maturity, before and after (principal-weighted, years
    # on the month basis).
    def atm(schedule):
        weights = [(years_from_d(d), p) for d, _, p in schedule if p]
        return sum(t * p for t, p in weights) / sum(p for _, p in weights)

    before = atm(LOAN + BOND)
    assert close(result.average_time_to_maturity_before_years, before, "1e-20")
    assert close(result.average_time_to_maturity_after_years, atm(NEW), "1e-20")

    # The investors' view at 9%, mid-year.
    investor = mid_year_pv(old, INVESTOR_RATE)
    assert close(result.investor.retired_present_value_exact, investor)
    assert money(result.investor.cash_received) == cost
    assert money(result.investor.gain) == cents(cost - investor)

    # Every convention echoed.
    c = result.conventions
    assert c.timing == pb.DISCOUNT_TIMING_MID_YEAR
    assert list(c.horizons_years) == [1, 2, 3, 5]
    assert c.discounting.flat_rate == "0.06" and c.investor_discounting.flat_rate == "0.09"
    assert c.currency_code == "USD" and c.cost and c.savings and c.precision


def test_end_of_year_timing(stub):
    result = stub.EvaluateSwap(request(pb.DISCOUNT_TIMING_END_OF_YEAR)).buyback
    old = flows(LOAN) + flows(BOND)
    assert close(result.old_present_value_exact, end_of_year_pv(old, RATE))
    assert close(result.new_present_value_exact, end_of_year_pv(flows(NEW), RATE))
    assert result.years[2].discount_factor and close(result.years[2].discount_factor, 1 / Decimal("1.06") ** 2, "1e-27")


def test_price_above_par_and_currency_mismatch_name_their_fields(stub):
    req = request(pb.DISCOUNT_TIMING_MID_YEAR)
    req.buyback.instruments[1].price = "1.01"
    req.buyback.fees[0].fixed.currency_code = "EUR"
    with pytest.raises(grpc.RpcError) as err:
        stub.EvaluateSwap(req)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    message = err.value.details()
    assert "buyback.instruments[1].price" in message
    assert "buyback.fees[0].fixed.currency_code" in message


def test_a_bond_bought_between_coupons_pays_its_accrued_interest(stub):
    """Bought on 15 June 2025, three months into the coupon period 15 March
    to 15 September (92 of 184 days): the holders receive 62.5% of the face
    plus half a coupon; the buyback is paid in cash, each flow discounted at
    the end of its operation year (15 June to 15 June)."""
    d2 = date(2025, 6, 15)
    bond = bullet(Decimal("40000000.00"), Decimal("0.07"), 2, 12, date(2025, 9, 15))

    def year(d):
        k = 0 if d <= d2 else 1
        while k and add_months(d2, 12 * k) < d:
            k += 1
        return k

    req = pb.EvaluateSwapRequest(
        buyback=pb.BuybackSwap(
            buyback_date=gdate(d2),
            instruments=[
                pb.RetiredInstrument(
                    kind=pb.INSTRUMENT_KIND_BOND,
                    principal=usd("40000000.00"),
                    terms=terms(date(2025, 9, 15), 2, 12, "0.07", pb.AMORTIZATION_BULLET),
                    price="0.625",
                )
            ],
            discounting=pb.Discounting(flat_rate="0.06"),
            timing=pb.DISCOUNT_TIMING_END_OF_YEAR,
        )
    )
    req.buyback.instruments[0].terms.accrual_start_date.CopyFrom(gdate(date(2025, 3, 15)))
    r = stub.EvaluateSwap(req).buyback
    accrued = cents(Decimal("40000000.00") * Decimal("0.035") * 92 / 184)
    assert money(r.instruments[0].accrued_interest) == accrued
    cost = cents(Decimal("0.625") * Decimal("40000000.00")) + accrued
    assert money(r.buyback_cost) == cost
    assert money(r.upfront_outlay) == cost  # paid in cash
    flows_ = flows(bond)
    last = max(year(d) for d, _ in flows_)
    for k in range(1, last + 1):
        assert money(r.years[k].old_debt_service) == sum((a for d, a in flows_ if year(d) == k), Decimal(0)), k
    pv = sum((a / Decimal("1.06") ** year(d) for d, a in flows_), Decimal(0))
    assert close(r.old_present_value_exact, pv)
    assert close(r.present_value_saving_exact, pv - cost)
    # 40 m repaid on 15 March 2031, 69 months after the buyback date.
    assert Decimal(r.average_time_to_maturity_before_years) == Decimal(69) / 12
    # At 6% (the debtor's rate, no investor rate given) the holders gain
    # cost - PV.
    assert money(r.investor.gain) == cents(cost - pv)
