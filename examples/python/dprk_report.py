#!/usr/bin/env python3
"""A small grpcio client of debtcalc: analyses the DPRK settlement of the
library in one AnalyzeSettlement call and prints a short report.

The Python stubs are generated from proto/ at run time by grpcio-tools
(which bundles protoc) into a temporary folder, so nothing generated is
checked in. Needs grpcio and grpcio-tools (scripts/python-env installs them
into .venv):

    cargo run --release -- serve &
    .venv/bin/python examples/python/dprk_report.py --address 127.0.0.1:50051

Its expected output is expected-report.txt beside this file
(scripts/update-examples regenerates it; tests/e2e/test_examples.py checks it
against a live server)."""

import argparse
import importlib
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import grpc
from google.protobuf import descriptor_pool
from grpc_tools import protoc

PROTO = Path(__file__).resolve().parents[2] / "proto"


def generate_stubs(out: Path) -> None:
    """Compiles every .proto under proto/ (debtcalc's and the vendored
    google/type, google/api files) to Python messages and gRPC stubs."""
    files = sorted(str(p.relative_to(PROTO)) for p in PROTO.rglob("*.proto"))
    include = Path(protoc.__file__).parent / "_proto"
    args = ["protoc", f"-I{PROTO}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}", *files]
    if protoc.main(args) != 0:
        raise SystemExit("grpcio-tools could not compile proto/")
    for package in ["debtcalc", "debtcalc/v1"]:
        (out / package / "__init__.py").touch()
    sys.path.insert(0, str(out))


def money(m) -> str:
    """A Money as '1,096,000,000.00 USD' (the amount is exact decimal text)."""
    return f"{Decimal(m.amount):,} {m.currency_code}"


def percent(text: str, places: int = 2) -> str:
    return f"{Decimal(text) * 100:.{places}f}%"


def day(d) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def report(address: str, settlement_id: str) -> str:
    pb = importlib.import_module("debtcalc.v1.settlement_pb2")
    rpc = importlib.import_module("debtcalc.v1.settlement_service_pb2_grpc")
    with grpc.insecure_channel(address) as channel:
        stub = rpc.SettlementServiceStub(channel)
        r = stub.AnalyzeSettlement(pb.AnalyzeSettlementRequest(settlement_id=settlement_id), timeout=30)

    lines = [f"Settlement {r.settlement_id}"]
    for conversion in r.conversions:
        lines.append(f"  claim converted: {money(conversion.source)} -> {money(conversion.result)}")
    split = r.split
    lines.append(f"  claim:           {money(split.claim)}")
    lines.append(f"  written off:     {money(split.written_off)} ({percent(split.write_off_share, 0)})")
    lines.append(f"  remaining:       {money(split.remaining)}")
    installments = r.schedule.installments
    first, last = installments[0], installments[-1]
    lines.append(
        f"  repaid in {len(installments)} instalments from {day(first.due_date)} to {day(last.due_date)}"
        f" (the first {money(first.payment)}), {money(r.schedule.total_interest)} of interest"
    )
    lines.append(f"  fund for joint projects: {money(r.reinvestment.fund_total)}")
    for program in r.reinvestment.programs:
        lines.append(f"    {program.name:<10} {money(program.total)}")
    total = sum(Decimal(p.total.amount) for p in r.reinvestment.programs)
    lines.append(f"    programmes add up to the fund: {total == Decimal(r.reinvestment.fund_total.amount)}")
    for valuation in r.valuations:
        v = valuation.valuation
        lines.append(
            f"  valued at {percent(valuation.discount_rate, 0)}: nominal haircut {percent(v.nominal_haircut)},"
            f" SZ haircut {percent(v.sz_haircut)}, grant element {percent(v.grant_element_at_discount_rate)}"
        )
    for assessment in r.concessionality:
        verdict = "concessional" if assessment.concessional else "not concessional"
        enum = descriptor_pool.Default().FindEnumTypeByName("debtcalc.v1.ConcessionalityConvention")
        convention = enum.values_by_number[assessment.convention].name.removeprefix("CONCESSIONALITY_CONVENTION_")
        lines.append(
            f"  {convention}: grant element {percent(assessment.grant_element)} at {percent(assessment.discount_rate, 0)},"
            f" threshold {percent(assessment.threshold, 0)}: {verdict}"
        )
    for gap in r.reconciliation.gaps:
        lines.append(f"  {gap.creditor} against {gap.party}: gap {money(gap.amount)}, ratio 1:{gap.ratio}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default="127.0.0.1:50051", help="debtcalc's address (host:port)")
    parser.add_argument("--settlement", default="dprk-2014", help="a settlement id of the library")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="debtcalc-stubs-"))
    try:
        generate_stubs(out)
        print(report(args.address, args.settlement))
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
