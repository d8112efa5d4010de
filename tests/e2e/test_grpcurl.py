"""The service as a grpcurl user sees it: discovery by reflection (no .proto
files), health, the DPRK split, and a bad request with its details."""

import json

SPLIT = "debtcalc.v1.RestructuringService/SplitClaim"

DPRK = {
    "claim": {"currencyCode": "USD", "amount": "10960000000"},
    "writeOffShare": "0.9",
    "programs": [
        {"name": "energy", "weight": "1"},
        {"name": "education", "weight": "1"},
        {"name": "health", "weight": "1"},
    ],
}


def test_list_shows_services_by_reflection(grpcurl):
    result = grpcurl("list")
    assert result.returncode == 0, result.stderr
    services = result.stdout.split()
    assert "debtcalc.v1.RestructuringService" in services
    assert "grpc.health.v1.Health" in services
    # grpcurl 1.8.6 speaks reflection v1alpha, so that is what it lists.
    assert "grpc.reflection.v1alpha.ServerReflection" in services


def test_describe_service_and_messages(grpcurl):
    result = grpcurl("describe", "debtcalc.v1.RestructuringService")
    assert result.returncode == 0, result.stderr
    assert "rpc SplitClaim ( .debtcalc.v1.SplitClaimRequest ) returns ( .debtcalc.v1.SplitClaimResponse );" in result.stdout
    message = grpcurl("describe", "debtcalc.v1.Money")
    assert message.returncode == 0, message.stderr
    assert "string currency_code = 1;" in message.stdout
    assert "string amount = 2;" in message.stdout
    date = grpcurl("describe", "google.rpc.BadRequest")
    assert date.returncode == 0, "error details must be describable: " + date.stderr


def test_health_check_serving(grpcurl):
    result = grpcurl("grpc.health.v1.Health/Check")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"status": "SERVING"}
    named = grpcurl("grpc.health.v1.Health/Check", data='{"service": "debtcalc.v1.RestructuringService"}')
    assert json.loads(named.stdout) == {"status": "SERVING"}


def test_dprk_split(grpcurl):
    result = grpcurl(SPLIT, data=json.dumps(DPRK))
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["claim"] == {"currencyCode": "USD", "amount": "10960000000.00"}
    assert body["writtenOff"] == {"currencyCode": "USD", "amount": "9864000000.00"}
    assert body["remaining"] == {"currencyCode": "USD", "amount": "1096000000.00"}
    assert body["writeOffShare"] == "0.9"
    assert body["writeOffShareExact"] is True
    assert [(a["name"], a["amount"]["amount"]) for a in body["allocations"]] == [
        ("energy", "365333333.34"),
        ("education", "365333333.33"),
        ("health", "365333333.33"),
    ]
    assert body["conventions"]["roundingMode"] == "ROUNDING_MODE_HALF_EVEN"
    assert body["conventions"]["allocationMethod"] == "ALLOCATION_METHOD_LARGEST_REMAINDER"


def test_bad_request_exit_code_and_details(grpcurl):
    bad = {
        "claim": {"currencyCode": "USD", "amount": "1e3"},
        "writeOffShare": "1.5",
        "programs": [{"name": "energy", "weight": "-1"}],
    }
    result = grpcurl(SPLIT, data=json.dumps(bad), flags=("-format-error",))
    # grpcurl exits with 64 + the gRPC code: INVALID_ARGUMENT (3) -> 67.
    assert result.returncode == 67, (result.returncode, result.stdout, result.stderr)
    status = json.loads(result.stdout or result.stderr)
    assert status["code"] == 3
    details = {d["@type"].rsplit("/", 1)[1]: d for d in status["details"]}
    assert set(details) == {"google.rpc.ErrorInfo", "google.rpc.BadRequest"}
    assert details["google.rpc.ErrorInfo"]["domain"] == "debtcalc"
    assert details["google.rpc.ErrorInfo"]["reason"] == "INVALID_REQUEST"
    fields = [v["field"] for v in details["google.rpc.BadRequest"]["fieldViolations"]]
    assert fields == ["claim.amount", "write_off_share", "programs[0].weight"]


def test_unknown_json_field_is_rejected_by_grpcurl(grpcurl):
    result = grpcurl(SPLIT, data='{"claim": {"currencyCode": "USD", "amount": "1"}, "writeOff": "0.5"}')
    assert result.returncode != 0


def test_reconciliation_of_the_one_to_five_thousand_gap(grpcurl):
    request = {
        "claim": {"currencyCode": "SUR", "amount": "6576000000"},
        "targetCurrency": "USD",
        "parties": [
            {"name": "Russia", "conversion": {"basisId": "gosbank-settlement-rate"}},
            {"name": "DPRK", "conversion": {"rate": {"rate": "3000", "unit": "RUR", "per": "USD"}}},
        ],
    }
    result = grpcurl("debtcalc.v1.ReconciliationService/ReconcileValuations", data=json.dumps(request))
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert [p["value"]["amount"] for p in body["parties"]] == ["10960000000.00", "2192000.00"]
    gap = body["gaps"][0]
    assert gap["ratio"] == "5000"
    geometric = [c for c in gap["candidates"] if c["kind"] == "CANDIDATE_KIND_GEOMETRIC_MIDPOINT"]
    assert geometric[0]["value"]["amount"] == "154997806.44"


def test_every_service_is_listed(grpcurl):
    result = grpcurl("list")
    assert "debtcalc.v1.ReconciliationService" in result.stdout.split()
    methods = grpcurl("list", "debtcalc.v1.RestructuringService").stdout.split()
    assert methods == [
        "debtcalc.v1.RestructuringService.AssessConcessionality",
        "debtcalc.v1.RestructuringService.BuildSchedule",
        "debtcalc.v1.RestructuringService.ListTermPresets",
        "debtcalc.v1.RestructuringService.SolveTerms",
        "debtcalc.v1.RestructuringService.SplitClaim",
        "debtcalc.v1.RestructuringService.SweepValuation",
        "debtcalc.v1.RestructuringService.ValueRestructuring",
    ]


NAPLES_DSR_INFEASIBLE = {
    "oldClaim": {"dueAtValuation": {"currencyCode": "USD", "amount": "1000000000"}},
    "valuationDate": {"year": 2025, "month": 1, "day": 15},
    "discounting": {"flatRate": "0.05"},
    "targetReduction": "0.67",
    "unknown": "UNKNOWN_INTEREST_RATE",
    "terms": {
        "firstPaymentDate": {"year": 2025, "month": 7, "day": 15},
        "frequency": "FREQUENCY_SEMI_ANNUAL",
        "installmentCount": 66,
    },
}


def test_infeasible_solve_matches_an_independent_decimal_computation(grpcurl):
    """0% over 33 years at a 5% discount rate: the best reachable reduction,
    recomputed here from the documented schedule (equal principal rounded to
    cents, the residue in the last instalment) with 60-digit decimals."""
    from decimal import Decimal, getcontext

    getcontext().prec = 60
    result = grpcurl("debtcalc.v1.RestructuringService/SolveTerms", data=json.dumps(NAPLES_DSR_INFEASIBLE), flags=("-emit-defaults",))
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["feasible"] is False
    assert body["bindingBound"] == {"side": "BOUND_SIDE_LOWER", "value": "0"}
    principal = Decimal(1_000_000_000)
    part = (principal / 66).quantize(Decimal("0.01"))
    parts = [part] * 65 + [principal - part * 65]
    pv = sum(p * (Decimal("1.05") ** (Decimal(-(k + 1)) / 2)) for k, p in enumerate(parts))
    expected = 1 - pv / principal
    assert abs(Decimal(body["bestReachableReduction"]) - expected) < Decimal("1e-19"), (body["bestReachableReduction"], expected)
    assert abs(expected - Decimal("0.509")) < Decimal("0.001")
