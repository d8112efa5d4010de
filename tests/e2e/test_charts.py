"""ChartService/RenderChart from Python grpcio (issue 16), checked against
figures computed here with Python's decimal module and the SVG parsed with
the standard library's XML parser:

- the DPRK waterfall: Russia's 6,576,000,000 SUR / 0.6 = 10,960,000,000.00
  USD, the DPRK's 6,576,000,000 RUR / 3000 = 2,192,000.00 USD, the ratio
  1:5000; on the log axis the conversion step's bar spans the difference of
  the two figures' bars (log 10.96e9 - log 2.192e6 = log 5000);
- the DPRK schedule: 40 equal principal bars of 1,096,000,000 / 40, the
  write-off 9,864,000,000.00 in the notes;
- the grant element at the IMF's 5%: 1 - (1/40) sum_k 1.05^(-k/2), noted
  with 4 decimals of a percent;
- the Russia-Mozambique swap (2017): $40 m cancelled at the valuation
  date, five counterpart payments of 0.2 x 40 m a year later each; the
  debtor's saving in present value at 5% = 40 m - 8 m sum_k 1.05^-k, k = 1..5
  (whole years), rounded half-even to the cent;
- the Belize buyback (2021): the net saving so far at the last year is the sum
  over the response's years of old debt service less new debt service,
  upfront outlay and commitments, and the chart notes it;
- the committed README charts (docs/charts/) are what the documented
  command draws today (scripts/update-examples regenerates them)."""

import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_EVEN, Decimal, getcontext
from pathlib import Path

import pytest

from cli_support import ROOT, run_cli
from debtcalc_client import chart_stub, messages

pb = messages()
getcontext().prec = 60
SVG = "{http://www.w3.org/2000/svg}"

# The README's charts and the commands that draw them (scripts/update-examples).
README_CHARTS = {
    "dprk-2014-waterfall.svg": ["settlement", "dprk-2014", "--chart-kind", "waterfall"],
    "dprk-2014-schedule.svg": ["settlement", "dprk-2014", "--chart-kind", "schedule"],
}


@pytest.fixture(scope="module")
def stub(server_addr):
    return chart_stub(server_addr)


def settlement_chart(stub, kind):
    return stub.RenderChart(
        pb.RenderChartRequest(kind=kind, settlement=pb.AnalyzeSettlementRequest(settlement_id="dprk-2014"))
    )


def parse(svg_bytes):
    root = ET.fromstring(svg_bytes)
    assert root.tag == SVG + "svg"
    texts = [(t.text or "").strip() for t in root.iter(SVG + "text")]
    return root, texts


def rect_heights(root, fill):
    return [float(r.get("height")) for r in root.iter(SVG + "rect") if r.get("fill") == fill]


def grouped(value: Decimal) -> str:
    return f"{value:,.2f}"


def test_dprk_waterfall_against_decimal(stub):
    r = settlement_chart(stub, pb.CHART_KIND_RECONCILIATION_WATERFALL)
    assert r.content_type == "image/svg+xml"
    assert r.conventions.value_scale == "LOG10"
    root, texts = parse(r.svg)
    creditor = Decimal(6576000000) / Decimal("0.6")
    debtor = Decimal(6576000000) / Decimal(3000)
    ratio = creditor / debtor
    assert ratio == 5000
    assert f"gap 1:{ratio:.0f}" in texts
    note = next(t for t in texts if "ratio 1:5000" in t)
    assert f"Russia {grouped(creditor)} USD" in note
    assert f"DPRK {grouped(debtor)} USD" in note
    figures = rect_heights(root, "#1F77B4")
    step = rect_heights(root, "#D62728")
    assert len(figures) == 2 and len(step) == 1
    assert abs(step[0] - (figures[0] - figures[1])) <= 2


def test_dprk_schedule_against_decimal(stub):
    r = settlement_chart(stub, pb.CHART_KIND_SCHEDULE)
    root, texts = parse(r.svg)
    claim = Decimal(6576000000) / Decimal("0.6")
    written_off = claim * Decimal("0.9")
    remaining = claim - written_off
    note = next(t for t in texts if "written off" in t)
    assert f"written off {grouped(written_off)} USD" in note
    assert grouped(written_off) == "9,864,000,000.00"
    assert f"remaining {grouped(remaining)} USD" in note
    assert r.conventions.points == 40
    # One bar per instalment (and the legend's swatch), all of one height:
    # remaining / 40 each.
    bars = rect_heights(root, "#1F77B4")
    assert len(bars) == 41
    assert len(set(bars[:40])) == 1
    assert any(t.startswith("40 instalments") for t in texts)


def test_dprk_grant_element_against_decimal(stub):
    r = settlement_chart(stub, pb.CHART_KIND_GRANT_ELEMENT)
    _, texts = parse(r.svg)
    rate = Decimal("0.05")
    ge = 1 - sum((1 + rate) ** (Decimal(-k) / 2) for k in range(1, 41)) / 40
    percent = (ge * 100).quantize(Decimal("1e-4"), rounding=ROUND_HALF_EVEN).normalize()
    note = next(t for t in texts if t.startswith("IMF / World Bank: grant element"))
    assert f"grant element {percent}% at 5%" in note
    assert len(r.conventions.curve_discount_rates) == 25


def test_mozambique_swap_savings_against_decimal(stub):
    r = stub.RenderChart(
        pb.RenderChartRequest(
            kind=pb.CHART_KIND_SWAP_SAVINGS, swap=pb.EvaluateSwapRequest(swap_id="russia-mozambique-2017")
        )
    )
    root, texts = parse(r.svg)
    face = Decimal(40000000)
    payment = face * Decimal("0.2")
    pv_saving = face - sum(payment * Decimal("1.05") ** -k for k in range(1, 6))
    pv_saving = pv_saving.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    assert f"At 5%: the debtor's saving in present value {grouped(pv_saving)} USD" in texts
    assert f"Debt service cancelled {grouped(face)} USD; counterpart paid {grouped(5 * payment)} USD; nominal saving 0.00 USD" in texts
    # The valuation date and five payment dates, a point on each series.
    assert r.conventions.points == 6
    circles = [c.get("fill") for c in root.iter(SVG + "circle")]
    assert circles.count("#2CA02C") == 6


def test_belize_buyback_savings_add_up(stub, server_addr):
    from debtcalc_client import swap_stub

    swap = swap_stub(server_addr).EvaluateSwap(pb.EvaluateSwapRequest(swap_id="belize-blue-bond-2021"))
    years = swap.buyback.years
    r = stub.RenderChart(
        pb.RenderChartRequest(kind=pb.CHART_KIND_SWAP_SAVINGS, swap=pb.EvaluateSwapRequest(swap_id="belize-blue-bond-2021"))
    )
    root, texts = parse(r.svg)
    amount = lambda m: Decimal(m.amount) if m.amount else Decimal(0)
    net = sum(
        amount(y.old_debt_service) - amount(y.new_debt_service) - amount(y.upfront_outlay) - amount(y.commitments)
        for y in years
    )
    assert net == Decimal(years[-1].cumulative_net_saving.amount)
    note = next(t for t in texts if "net of commitments" in t)
    assert f"net of commitments {grouped(net)} USD" in note
    assert r.conventions.points == len(years)
    assert [c.get("fill") for c in root.iter(SVG + "circle")].count("#2CA02C") == len(years)


def test_bad_chart_request_names_the_field(stub):
    import grpc

    with pytest.raises(grpc.RpcError) as error:
        stub.RenderChart(pb.RenderChartRequest(settlement=pb.AnalyzeSettlementRequest(settlement_id="dprk-2014")))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize("name", sorted(README_CHARTS))
def test_readme_chart_is_what_the_command_draws(name, tmp_path):
    out = tmp_path / name
    result = run_cli(*README_CHARTS[name], "--chart", str(out))
    assert result.returncode == 0, result.stderr.decode()
    committed = ROOT / "docs" / "charts" / name
    assert out.read_bytes() == committed.read_bytes(), f"{committed} is stale: run scripts/update-examples"


def test_cli_writes_the_charts_of_schedule_and_reconcile(tmp_path):
    schedule = tmp_path / "schedule.svg"
    result = run_cli(
        "schedule", "--principal", "1090000000 USD", "--first-payment", "2015-03-17",
        "--frequency", "semi-annual", "--installments", "40", "--chart", str(schedule),
    )
    assert result.returncode == 0, result.stderr.decode()
    root, texts = parse(schedule.read_bytes())
    assert len(rect_heights(root, "#1F77B4")) == 41
    assert "Payment per instalment (USD)" in texts
    gap = tmp_path / "gap.svg"
    result = run_cli(
        "reconcile", "--claim", "6576000000 SUR", "--target", "USD",
        "--party", "Russia=basis:gosbank-settlement-rate", "--party", "DPRK=rate:3000 RUR per USD",
        "--chart", str(gap),
    )
    assert result.returncode == 0, result.stderr.decode()
    _, texts = parse(gap.read_bytes())
    assert "gap 1:5000" in texts
    # A chart the subject cannot draw: the RPC's error and exit code.
    result = run_cli("settlement", "cuba-2014", "--chart", str(tmp_path / "x.svg"), "--chart-kind", "waterfall")
    assert result.returncode == 64 + 3, result.stderr.decode()
    assert b"kind" in result.stderr
    assert not (tmp_path / "x.svg").exists()
