"""AnalyzeSettlement from Python grpcio: the settlements of the library against
figures computed independently here with Python's decimal module at 60 digits
(issue 10).

- DPRK 2014: 6,576,000,000 SUR / 0.6; 90% written off; 40 semi-annual equal
  principal instalments, interest-free, valued at the schedule's start: the
  grant element at a rate D (annual effective, t = k/2 years) is
  1 - (1/40) sum_k (1 + D)^(-k/2), reported rounded half-even to 20 decimals;
  the programmes' present values add up to the new debt's.
- GDR 2002: 6.4 bn transferable rubles x 2.34 DEM; EUR 500 m at 1.95583 DEM
  per EUR, paid 70/15/15.
- Every settlement of the library runs and lists its sources."""

from decimal import ROUND_HALF_EVEN, Decimal, getcontext

import pytest

from debtcalc_client import messages, settlement_stub

pb = messages()
getcontext().prec = 60


@pytest.fixture(scope="module")
def stub(server_addr):
    return settlement_stub(server_addr)


def q20(x):
    return x.quantize(Decimal("1e-20"), rounding=ROUND_HALF_EVEN)


def test_dprk_against_decimal(stub):
    r = stub.AnalyzeSettlement(pb.AnalyzeSettlementRequest(settlement_id="dprk-2014"))
    assert Decimal(r.claim.amount) == Decimal(6576000000) / Decimal("0.6")
    remaining = Decimal(r.claim.amount) * (1 - Decimal("0.9"))
    assert Decimal(r.split.remaining.amount) == remaining
    assert [Decimal(i.principal.amount) for i in r.schedule.installments] == [remaining / 40] * 40
    for valuation in r.valuations:
        rate = Decimal(valuation.discount_rate)
        pv = sum(remaining / 40 * (1 + rate) ** (Decimal(-k) / 2) for k in range(1, 41))
        ge = 1 - pv / remaining
        assert Decimal(valuation.valuation.grant_element_at_discount_rate) == q20(ge)
        # The programmes' present values at this rate add up to the new debt's.
        programme_pvs = sum(
            Decimal(p.present_values[[x.discount_rate for x in p.present_values].index(valuation.discount_rate)].present_value_exact)
            for p in r.reinvestment.programs
        )
        assert abs(programme_pvs - pv) < Decimal("1e-12")
    assert r.reconciliation.gaps[0].ratio == "5000"
    assert not r.warnings


def test_gdr_against_decimal(stub):
    r = stub.AnalyzeSettlement(
        pb.AnalyzeSettlementRequest(settlement_id="gdr-transferable-ruble-2002")
    )
    assert r.claim.currency_code == "DEM"
    assert Decimal(r.claim.amount) == Decimal(6400000000) * Decimal("2.34")
    per_eur = Decimal("1.95583")
    assert Decimal(r.split.remaining.amount) == 500000000 * per_eur
    paid = [Decimal(i.payment.amount) for i in r.schedule.installments]
    assert paid == [350000000 * per_eur, 75000000 * per_eur, 75000000 * per_eur]


def test_every_settlement_runs(stub):
    listed = stub.ListSettlements(pb.ListSettlementsRequest()).settlements
    assert len(listed) >= 10
    for summary in listed:
        assert summary.sources, summary.id
        r = stub.AnalyzeSettlement(pb.AnalyzeSettlementRequest(settlement_id=summary.id))
        assert r.settlement_id == summary.id
        assert r.split.remaining.currency_code == r.claim.currency_code


def test_unknown_settlement_is_not_found(stub):
    import grpc

    with pytest.raises(grpc.RpcError) as error:
        stub.GetSettlement(pb.GetSettlementRequest(id="atlantis-1999"))
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
