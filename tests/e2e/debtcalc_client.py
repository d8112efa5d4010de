"""A Python grpcio client of debtcalc, with stubs compiled from proto/ at test
time by grpcio-tools (which bundles protoc)."""

import importlib
import sys
import tempfile
import types
from pathlib import Path

import grpc
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[2]
PROTO = ROOT / "proto"
_OUT = None


def _compile():
    global _OUT
    if _OUT is not None:
        return _OUT
    out = Path(tempfile.mkdtemp(prefix="debtcalc-py-"))
    files = sorted(str(p.relative_to(PROTO)) for p in (PROTO / "debtcalc" / "v1").glob("*.proto"))
    files += ["google/type/date.proto", "google/api/field_behavior.proto"]
    include = Path(protoc.__file__).parent / "_proto"
    args = ["protoc", f"-I{PROTO}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}", *files]
    if protoc.main(args) != 0:
        raise RuntimeError("grpcio-tools could not compile proto/")
    # google/ stays a namespace package, shared with the installed protobuf.
    for package in ["debtcalc", "debtcalc/v1"]:
        (out / package / "__init__.py").touch()
    sys.path.insert(0, str(out))
    _OUT = out
    return out


def messages():
    """Every message and enum of debtcalc.v1 in one namespace (pb.Money,
    pb.LoanTerms, ...), plus Date from google.type."""
    out = _compile()
    ns = types.SimpleNamespace()
    for path in sorted((out / "debtcalc" / "v1").glob("*_pb2.py")):
        module = importlib.import_module(f"debtcalc.v1.{path.stem}")
        for name in dir(module):
            if not name.startswith("_") and name[0].isupper():
                setattr(ns, name, getattr(module, name))
    ns.Date = importlib.import_module("google.type.date_pb2").Date
    return ns


def restructuring_stub(addr):
    _compile()
    grpc_mod = importlib.import_module("debtcalc.v1.restructuring_service_pb2_grpc")
    return grpc_mod.RestructuringServiceStub(grpc.insecure_channel(addr))


def settlement_stub(addr):
    _compile()
    grpc_mod = importlib.import_module("debtcalc.v1.settlement_service_pb2_grpc")
    return grpc_mod.SettlementServiceStub(grpc.insecure_channel(addr))


def chart_stub(addr):
    _compile()
    grpc_mod = importlib.import_module("debtcalc.v1.chart_service_pb2_grpc")
    return grpc_mod.ChartServiceStub(grpc.insecure_channel(addr))


def swap_stub(addr):
    _compile()
    grpc_mod = importlib.import_module("debtcalc.v1.swap_service_pb2_grpc")
    return grpc_mod.SwapServiceStub(grpc.insecure_channel(addr))
