"""EvaluateSwap from Python grpcio against figures computed independently
here with Python's decimal module at 60 digits and exact fractions (issue
15), not with debtcalc's code:

- debt-for-development: the face cancelled and the counterpart (half-even
  rounding of exact products), the instalments by largest remainder, the
  local amounts by cumulative half-even conversion, each programme's part
  of each payment by the cumulative quota order of
  src/domain/reinvestment.rs (re-implemented here from its documentation),
  and every present value at two rates, with the debtor's saving, the
  creditor's cost and the leverage;
- three-party: the sponsor's cost, the implied prices, the premium, the
  multiplier, the debtor's saving and the largest-remainder division of
  the local money;
- the library's two swaps, and their published figures against the
  response."""

from decimal import ROUND_HALF_EVEN, Decimal, getcontext
from fractions import Fraction

import pytest

from debtcalc_client import messages, swap_stub

pb = messages()
getcontext().prec = 60
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def stub(server_addr):
    return swap_stub(server_addr)


def cents(x):
    """Half-even to the cent, from an exact Fraction or Decimal."""
    f = Fraction(x)
    whole, rest = divmod(f * 100, 1)
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2 == 1):
        whole += 1
    return Decimal(int(whole)) / 100


def largest_remainder(total, weights):
    s = sum(weights)
    parts = [total * w // s for w in weights]
    rema = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % s), i))
    for i in rema[: total - sum(parts)]:
        parts[i] += 1
    return parts


def quota_order(funds, weights):
    """Per payment, each programme's part (integers): the cumulative rule."""
    W = sum(weights)
    held = [0] * len(weights)
    out = []
    cumulative = 0
    for f in funds:
        cumulative += f
        exact = [Fraction(w * cumulative, W) for w in weights]
        floors = [int(q // 1) for q in exact]
        cand = [i for i, q in enumerate(exact) if q != floors[i]]
        cand.sort(key=lambda i: (not held[i] > floors[i], Fraction(floors[i] + 1, weights[i]), i))
        now = floors[:]
        for i in cand[: cumulative - sum(floors)]:
            now[i] += 1
        out.append([a - b for a, b in zip(now, held)])
        held = now
    return out


def pv(flows, rate):
    """flows: (t in whole years, amount); annual effective."""
    return sum(Fraction(a) / (1 + Fraction(rate)) ** t for t, a in flows)


def q20(f):
    d = Decimal(f.numerator) / Decimal(f.denominator)
    return d.quantize(Decimal("1e-20"), rounding=ROUND_HALF_EVEN).normalize()


def money(code, amount):
    return pb.Money(currency_code=code, amount=str(amount))


def date(y, m, d):
    return pb.Date(year=y, month=m, day=d)


def flat(rate):
    return pb.Discounting(flat_rate=rate, compounding=pb.COMPOUNDING_ANNUAL_EFFECTIVE,
                          time_basis=pb.TIME_BASIS_THIRTY_360)


# The case: a claim of 2,500.00 + 1,700.00 + 800.01 principal on
# 2026/27/28-01-01, valued 2025-01-01 (30/360: t = 1, 2, 3); 75% cancelled,
# ratio 0.35; four instalment shares; 17.23 local units (KES) per USD;
# programmes 5:3:1.
FLOWS = [(1, Decimal("2500.00")), (2, Decimal("1700.00")), (3, Decimal("800.01"))]
CANCELLED, RATIO, RATE = Decimal("0.75"), Decimal("0.35"), Decimal("17.23")
SHARES = [Decimal("0.1"), Decimal("0.2"), Decimal("0.3"), Decimal("0.4")]
WEIGHTS = [5, 3, 1]
RATES = ["0.03", "0.12"]


def development_request():
    return pb.EvaluateSwapRequest(development=pb.DevelopmentSwap(
        debt=pb.DebtStream(cash_flows=pb.CashFlowList(flows=[
            pb.CashFlow(date=date(2025 + t, 1, 1), amount=money("USD", a), kind=pb.CASH_FLOW_KIND_PRINCIPAL)
            for t, a in FLOWS
        ])),
        cancelled_share=str(CANCELLED),
        conversion_ratio=str(RATIO),
        counterpart_schedule=pb.CounterpartSchedule(installments=pb.CounterpartInstallments(installments=[
            pb.CounterpartInstallment(due_date=date(2026 + k, 1, 1), share=str(s)) for k, s in enumerate(SHARES)
        ])),
        local_currency=pb.LocalCurrency(currency_code="KES", rate=str(RATE)),
        programs=[pb.Program(name=n, weight=str(w)) for n, w in zip(["water", "schools", "clinics"], WEIGHTS)],
        valuation=pb.SwapValuation(valuation_date=date(2025, 1, 1), discountings=[flat(r) for r in RATES]),
    ))


def test_development_against_decimal(stub):
    r = stub.EvaluateSwap(development_request()).development
    face = sum(a for _, a in FLOWS)
    F = cents(face * CANCELLED)
    C = cents(F * RATIO)
    assert Decimal(r.debt_face.amount) == face
    assert Decimal(r.face_cancelled.amount) == F
    assert Decimal(r.face_remaining.amount) == face - F
    assert Decimal(r.counterpart.amount) == C
    # Instalments: largest remainder of C's cents by the shares.
    parts = largest_remainder(int(C * 100), [int(s * 10) for s in SHARES])
    assert [Decimal(p.amount.amount) for p in r.counterpart_payments] == [Decimal(p) / 100 for p in parts]
    # Local: cumulative half-even.
    local, before, running = [], Decimal(0), Decimal(0)
    for p in parts:
        running += Decimal(p) / 100
        now = cents(running * RATE)
        local.append(now - before)
        before = now
    assert [Decimal(p.local_amount.amount) for p in r.counterpart_payments] == local
    assert Decimal(r.counterpart_local.amount) == cents(C * RATE) == sum(local)
    # Programmes: the cumulative quota order on the local cents.
    shares = quota_order([int(x * 100) for x in local], WEIGHTS)
    got = [[int(Decimal(x.amount.amount) * 100) for x in p.programs] for p in r.counterpart_payments]
    assert got == shares
    totals = [sum(col) for col in zip(*shares)]
    assert [int(Decimal(p.total.amount) * 100) for p in r.programs] == totals
    assert sum(totals) == int(Decimal(r.fund_total.amount) * 100)
    # Nominal.
    assert Decimal(r.debt_service_cancelled.amount) == cents(face * CANCELLED)
    assert Decimal(r.nominal_saving.amount) == cents(face * CANCELLED - C)
    # Valuations.
    dated = [(k + 1, Decimal(p) / 100) for k, p in enumerate(parts)]
    for rate, v in zip(RATES, r.valuations):
        cancelled = Fraction(CANCELLED) * pv(FLOWS, rate)
        counterpart = pv(dated, rate)
        assert Decimal(v.debt_service_cancelled_pv.amount) == cents(cancelled)
        assert abs(Decimal(v.debt_service_cancelled_pv_exact) - Decimal(cancelled.numerator) / cancelled.denominator) < Decimal("1e-20")
        assert Decimal(v.counterpart_pv.amount) == cents(counterpart)
        assert Decimal(v.debtor_saving.amount) == cents(cancelled - counterpart)
        assert v.creditor_cost == v.debt_service_cancelled_pv
        assert v.leverage == str(q20(counterpart / cancelled))
        for j, p in enumerate(v.programs):
            flows = [(k + 1, Decimal(row[j]) / 100) for k, row in enumerate(shares)]
            assert Decimal(p.present_value.amount) == cents(pv(flows, rate)), p.name
        whole = pv([(k + 1, x) for k, x in enumerate(local)], rate)
        assert abs(Decimal(v.programme_money_pv_exact) - Decimal(whole.numerator) / whole.denominator) < Decimal("1e-18")


def test_three_party_against_decimal(stub):
    face, p, q, rate = Decimal("987654.32"), Decimal("0.0731"), Decimal("0.2199"), Decimal("3.6725")
    r = stub.EvaluateSwap(pb.EvaluateSwapRequest(three_party=pb.ThreePartySwap(
        face=money("USD", face), purchase_price=str(p), redemption_price=str(q),
        local_currency=pb.LocalCurrency(currency_code="AED", rate=str(rate)),
        programs=[pb.Program(name=n, weight=w) for n, w in [("a", "7"), ("b", "2"), ("c", "2")]],
    ))).three_party
    K, R = cents(face * p), cents(face * q)
    assert Decimal(r.sponsor_cost.amount) == K
    assert Decimal(r.redemption_amount.amount) == R
    assert Decimal(r.premium) == q - p
    assert Decimal(r.premium_amount.amount) == R - K
    assert r.multiplier == str(q20(Fraction(R) / Fraction(K)))
    assert Decimal(r.debtor_saving.amount) == face - R
    L = cents(R * rate)
    assert Decimal(r.local_money.amount) == L
    parts = largest_remainder(int(L * 100), [7, 2, 2])
    assert [int(Decimal(a.amount.amount) * 100) for a in r.programs] == parts


def test_library_swaps_and_their_published_figures(stub):
    listed = stub.ListSwaps(pb.ListSwapsRequest())
    assert {s.id for s in listed.swaps} >= {"russia-mozambique-2017", "bolivia-ci-1987"}
    for summary in listed.swaps:
        swap = stub.GetSwap(pb.GetSwapRequest(id=summary.id)).swap
        assert swap.sources and swap.note
        response = stub.EvaluateSwap(pb.EvaluateSwapRequest(swap_id=summary.id))
        kind = response.WhichOneof("result")
        assert kind == summary.kind
        for figure in swap.published_figures:
            node = response
            for part in figure.response_field.split("."):
                name, _, index = part.partition("[")
                snake = "".join("_" + c.lower() if c.isupper() else c for c in name)
                node = getattr(node, snake)
                if index:
                    node = node[int(index.rstrip("]"))]
            value = Decimal(node.amount if hasattr(node, "amount") else node)
            assert (value == Decimal(figure.published)) == figure.reproduced, figure.description
    # Bolivia 1987: 100,000 for 650,000 face is 2/13, "about 15 cents".
    b = stub.EvaluateSwap(pb.EvaluateSwapRequest(swap_id="bolivia-ci-1987")).three_party
    assert b.purchase_price == str(q20(Fraction(2, 13)))
    assert Decimal(b.multiplier) == Decimal("2.5")
