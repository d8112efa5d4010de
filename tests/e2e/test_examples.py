"""The runnable examples against a live server: each examples/grpcurl
script prints exactly its .expected.json (one script per RPC of every
debtcalc service), `debtcalc call` prints the same bytes offline, and the
Python grpcio client prints examples/python/expected-report.txt.
scripts/update-examples regenerates the expected files."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import ROOT, run_cli

GRPCURL_EXAMPLES = ROOT / "examples" / "grpcurl"
PYTHON_EXAMPLE = ROOT / "examples" / "python" / "dprk_report.py"
METHOD = re.compile(r"debtcalc\.v1\.\w+/\w+")


def scripts():
    found = sorted(GRPCURL_EXAMPLES.glob("*.sh"))
    assert found, "examples/grpcurl has runnable scripts"
    return found


def method_of(script: Path) -> str:
    return METHOD.search(script.read_text()).group(0)


def declared_rpcs():
    rpcs = set()
    for proto in (ROOT / "proto" / "debtcalc" / "v1").glob("*_service.proto"):
        text = proto.read_text()
        service = re.search(r"^service (\w+)", text, re.M).group(1)
        rpcs |= {f"debtcalc.v1.{service}/{name}" for name in re.findall(r"^\s*rpc (\w+)\(", text, re.M)}
    return rpcs


def kebab(method):
    name = method.split("/")[1]
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def test_one_example_per_rpc():
    assert {method_of(s) for s in scripts()} == declared_rpcs()
    # One script per RPC, named after it (split-claim.sh); an RPC with
    # several kinds of request (EvaluateSwap) may have one per kind, named
    # after the RPC and the kind (evaluate-swap-development.sh).
    for script in scripts():
        stem, base = script.stem, kebab(method_of(script))
        assert stem == base or stem.startswith(base + "-"), (script.name, method_of(script))
    plain = [s for s in scripts() if s.stem == kebab(method_of(s))]
    several = {method_of(s) for s in scripts()} - {method_of(s) for s in plain}
    assert several <= {"debtcalc.v1.SwapService/EvaluateSwap"}, several


@pytest.mark.parametrize("script", scripts(), ids=lambda s: s.stem)
def test_grpcurl_example_prints_its_expected_output(script, grpcurl_bin, server_addr):
    env = {**os.environ, "DEBTCALC_ADDR": server_addr, "PATH": f"{Path(grpcurl_bin).parent}:{os.environ['PATH']}"}
    served = subprocess.run(["sh", str(script)], capture_output=True, env=env, timeout=60)
    assert served.returncode == 0, served.stderr.decode()
    expected = script.with_name(script.stem + ".expected.json").read_bytes()
    assert served.stdout == expected, (
        f"{script.name} no longer prints {script.stem}.expected.json; "
        "if the change is intended, run scripts/update-examples and review the diff"
    )
    offline = run_cli("call", method_of(script), "-d", f"@{script.with_suffix('.json')}")
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout == served.stdout


def test_python_client_prints_its_report(server_addr):
    result = subprocess.run(
        [sys.executable, str(PYTHON_EXAMPLE), "--address", server_addr], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    expected = (PYTHON_EXAMPLE.parent / "expected-report.txt").read_text()
    assert result.stdout == expected
    assert "ratio 1:5000" in result.stdout
    assert "programmes add up to the fund: True" in result.stdout


@pytest.mark.parametrize("script", scripts(), ids=lambda s: s.stem)
def test_emit_defaults_offline_is_grpcurls(script, grpcurl_bin, server_addr):
    """Every field at its default too (empty lists, unset messages as null),
    as grpcurl -emit-defaults prints them."""
    request = script.with_suffix(".json")
    with open(request) as data:
        served = subprocess.run(
            [grpcurl_bin, "-plaintext", "-emit-defaults", "-d", "@", server_addr, method_of(script)],
            stdin=data, capture_output=True, timeout=60,
        )
    assert served.returncode == 0, served.stderr.decode()
    offline = run_cli("call", method_of(script), "--emit-defaults", "-d", f"@{request}")
    assert offline.stdout == served.stdout
