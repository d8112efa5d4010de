"""Every response says which code and which data produced it (issue 12):
`provenance` in its conventions (or top level where it has none) carries
the debtcalc version (Cargo.toml) and the SHA-256 content hashes of the
reference data and of the settlement library, recomputed here with Python's
hashlib from the files themselves (the independent oracle), for the
built-in data and for an operator's files."""

import hashlib
import json
import subprocess
import tomllib
from pathlib import Path

import pytest

import server_process
from server_process import ROOT

REFERENCE = ROOT / "data" / "conversion-bases.json"
SETTLEMENTS = ROOT / "data" / "settlements"


def reference_version(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def library_version(directory: Path) -> str:
    # Files in name order, each as name NUL length NUL bytes.
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.json"), key=lambda p: p.name.encode()):
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return "sha256:" + digest.hexdigest()


def cargo_version() -> str:
    return tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]["version"]


def expected(source: str = "builtin", reference=REFERENCE, settlements=SETTLEMENTS):
    return {
        "debtcalcVersion": cargo_version(),
        "referenceDataVersion": reference_version(reference),
        "referenceDataSource": source,
        "settlementLibraryVersion": library_version(settlements),
        "settlementLibrarySource": source,
    }


SPLIT = {
    "claim": {"currencyCode": "USD", "amount": "10960000000"},
    "writeOffShare": "0.9",
    "programs": [{"name": "energy", "weight": "1"}],
}
LOAN = {
    "principal": {"currencyCode": "USD", "amount": "1090000000"},
    "terms": {"firstPaymentDate": {"year": 2014, "month": 11, "day": 5},
              "frequency": "FREQUENCY_SEMI_ANNUAL", "installmentCount": 40},
}
VALUE = {
    "oldClaim": {"dueAtValuation": {"currencyCode": "USD", "amount": "10960000000"}},
    "newDebt": {"loan": LOAN},
    "valuationDate": {"year": 2014, "month": 5, "day": 5},
    "discounting": {"flatRate": "0.05"},
}
SOLVE = {
    "oldClaim": {"dueAtValuation": {"currencyCode": "USD", "amount": "1000000000"}},
    "valuationDate": {"year": 2025, "month": 1, "day": 15},
    "discounting": {"flatRate": "0.05"},
    "preset": {"presetId": "naples-dr", "annualRate": "0.05"},
}
CONVERT = {
    "amount": {"currencyCode": "SUR", "amount": "6576000000"},
    "targetCurrency": "USD",
    "conversion": {"basisId": "gosbank-settlement-rate"},
}
RECONCILE = {
    "claim": {"currencyCode": "SUR", "amount": "6576000000"},
    "targetCurrency": "USD",
    "parties": [
        {"name": "Russia", "conversion": {"basisId": "gosbank-settlement-rate"}},
        {"name": "DPRK", "conversion": {"rate": {"rate": "3000", "unit": "SUR", "per": "USD"}}},
    ],
}

SWEEP = {
    "oldClaim": {"dueAtValuation": {"currencyCode": "USD", "amount": "1000"}},
    "valuationDate": {"year": 2025, "month": 1, "day": 15},
    "newTerms": {"firstPaymentDate": {"year": 2025, "month": 7, "day": 15},
                 "frequency": "FREQUENCY_SEMI_ANNUAL", "installmentCount": 4},
    "writeOffShares": ["0.5"],
    "discountRates": ["0.05"],
}

R = "debtcalc.v1.RestructuringService/"
C = "debtcalc.v1.ReconciliationService/"
S = "debtcalc.v1.SettlementService/"
W = "debtcalc.v1.SwapService/"

# (method, request, where the provenance is in the response)
CALLS = [
    (R + "SplitClaim", SPLIT, ("conventions", "provenance")),
    (R + "BuildSchedule", LOAN, ("conventions", "provenance")),
    (R + "ValueRestructuring", VALUE, ("conventions", "provenance")),
    (R + "AssessConcessionality",
     {**LOAN, "convention": "CONCESSIONALITY_CONVENTION_IMF_WORLD_BANK"},
     ("conventions", "provenance")),
    (R + "SolveTerms", SOLVE, ("solver", "provenance")),
    (R + "ListTermPresets", {}, ("provenance",)),
    (R + "SweepValuation", SWEEP, ("conventions", "provenance")),
    (C + "ListConversionBases", {}, ("provenance",)),
    (C + "ConvertClaim", CONVERT, ("provenance",)),
    (C + "ReconcileValuations", RECONCILE, ("conventions", "provenance")),
    (S + "AnalyzeSettlement", {"settlementId": "dprk-2014"}, ("conventions", "provenance")),
    (S + "ListSettlements", {}, ("provenance",)),
    (S + "GetSettlement", {"id": "dprk-2014"}, ("provenance",)),
    (W + "EvaluateSwap", {"swapId": "russia-mozambique-2017"}, ("conventions", "provenance")),
    (W + "EvaluateSwap", {"swapId": "bolivia-ci-1987"}, ("conventions", "provenance")),
    (W + "ListSwaps", {}, ("provenance",)),
    (W + "GetSwap", {"id": "bolivia-ci-1987"}, ("provenance",)),
]


def at(body, path):
    for key in path:
        body = body[key]
    return body


@pytest.mark.parametrize("method,request_body,path", CALLS, ids=[c[0].split("/")[1] for c in CALLS])
def test_every_rpc_carries_the_versions(grpcurl, method, request_body, path):
    result = grpcurl(method, data=json.dumps(request_body))
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert at(body, path) == expected()


def test_every_step_of_a_settlement_carries_them(grpcurl):
    result = grpcurl(S + "AnalyzeSettlement", data='{"settlementId": "dprk-2014"}')
    body = json.loads(result.stdout)
    want = expected()
    nested = [
        body["split"]["conventions"]["provenance"],
        body["schedule"]["conventions"]["provenance"],
        body["reconciliation"]["conventions"]["provenance"],
        *[c["provenance"] for c in body["conversions"]],
        *[v["valuation"]["conventions"]["provenance"] for v in body["valuations"]],
        *[c["conventions"]["provenance"] for c in body["concessionality"]],
    ]
    assert len(nested) >= 7
    assert all(p == want for p in nested), nested


def test_operator_files_are_hashed_as_loaded(tmp_path, grpcurl_bin):
    # A reference file that differs from the built-in one only in trailing
    # whitespace, and a library of one settlement: new versions, and the
    # sources say "operator-supplied".
    reference = tmp_path / "bases.json"
    reference.write_bytes(REFERENCE.read_bytes() + b"\n\n")
    library = tmp_path / "settlements"
    library.mkdir()
    (library / "dprk-2014.json").write_bytes((SETTLEMENTS / "dprk-2014.json").read_bytes())
    proc, addr = server_process.start(
        ["--listen", "127.0.0.1:0",
         "--reference-data", str(reference), "--settlements", str(library)],
        r"serving gRPC on (\S+)", "scripts/test",
    )
    try:
        result = subprocess.run(
            [grpcurl_bin, "-plaintext", "-d", '{"settlementId": "dprk-2014"}', addr,
             S + "AnalyzeSettlement"],
            capture_output=True, text=True, timeout=30,
        )
        assert result.returncode == 0, result.stderr
        provenance = json.loads(result.stdout)["conventions"]["provenance"]
        want = expected("operator-supplied", reference, library)
        assert provenance == want
        assert want["referenceDataVersion"] != reference_version(REFERENCE)
        assert want["settlementLibraryVersion"] != library_version(SETTLEMENTS)
    finally:
        server_process.stop(proc)
