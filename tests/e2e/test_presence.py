"""Nothing a response says vanishes from grpcurl's default output (issue 12):
verdicts, flags and counts whose answer is false or zero are printed without
`-emit-defaults`, because those fields have explicit presence (`optional`).
The Rust test tests/api_presence.rs checks the rule on every field of the
descriptors; these check it as a grpcurl user sees it."""

import json

import pytest

SERVICE = "debtcalc.v1.RestructuringService"


def call(grpcurl, method, request):
    result = grpcurl(f"{SERVICE}/{method}", data=json.dumps(request))
    assert result.returncode == 0, result.stderr
    # The default output: no -emit-defaults anywhere in the fixture.
    return json.loads(result.stdout)


def test_non_concessional_verdict_is_printed(grpcurl):
    # 10 years at 8% against the IMF's 5%: the grant element is negative.
    body = call(grpcurl, "AssessConcessionality", {
        "principal": {"currencyCode": "USD", "amount": "1000000"},
        "terms": {
            "firstPaymentDate": {"year": 2026, "month": 1, "day": 1},
            "frequency": "FREQUENCY_ANNUAL",
            "installmentCount": 10,
            "annualRate": "0.08",
        },
        "convention": "CONCESSIONALITY_CONVENTION_IMF_WORLD_BANK",
    })
    assert body["grantElement"].startswith("-"), body["grantElement"]
    assert body["concessional"] is False
    resolved = body["resolvedTerms"]
    # Every default filled in, zero and false included.
    assert resolved["gracePeriods"] == 0
    assert resolved["endOfMonth"] is False
    assert body["conventions"]["shareDecimals"] == 20
    # Which path computed the present values: a count of zero (no exact
    # fallback) is an answer and is printed.
    conventions = body["conventions"]
    assert conventions["exactFallbacks"] == 0, conventions
    assert conventions["fastPathValuations"] >= 1, conventions


def test_inexact_write_off_share_is_printed(grpcurl):
    # 2.00 written off of 3.00: 2/3 does not terminate.
    body = call(grpcurl, "SplitClaim", {
        "claim": {"currencyCode": "USD", "amount": "3"},
        "remaining": {"currencyCode": "USD", "amount": "1"},
    })
    assert body["writeOffShareExact"] is False
    assert body["writeOffShare"] == "0.66666666666666666667"


def test_zero_minor_units_and_zero_write_off_are_printed(grpcurl):
    body = call(grpcurl, "SplitClaim", {
        "claim": {"currencyCode": "JPY", "amount": "1000"},
        "writeOffShare": "0",
    })
    assert body["conventions"]["currencyMinorUnits"] == 0
    assert body["writtenOff"] == {"currencyCode": "JPY", "amount": "0"}
    assert body["writeOffShare"] == "0"
    assert body["writeOffShareExact"] is True


def test_schedule_without_grace_echoes_zero_grace(grpcurl):
    body = call(grpcurl, "BuildSchedule", {
        "principal": {"currencyCode": "USD", "amount": "1090000000"},
        "terms": {
            "firstPaymentDate": {"year": 2015, "month": 3, "day": 17},
            "frequency": "FREQUENCY_SEMI_ANNUAL",
            "installmentCount": 40,
        },
    })
    resolved = body["resolvedTerms"]
    assert resolved["gracePeriods"] == 0
    assert resolved["installmentCount"] == 40
    assert resolved["endOfMonth"] is False
    assert body["installments"][0]["number"] == 1


def test_swap_flags_and_numbers_are_printed(grpcurl):
    # Bolivia 1987: 100,000 / 650,000 = 2/13 does not terminate, so the
    # price is inexact (false, printed); the multiplier 2.5 is exact.
    result = grpcurl("debtcalc.v1.SwapService/EvaluateSwap", data='{"swapId": "bolivia-ci-1987"}')
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)["threeParty"]
    assert body["purchasePriceExact"] is False
    assert body["redemptionPriceExact"] is False
    assert body["multiplierExact"] is True
    # A development swap: payments numbered from 1, share decimals echoed,
    # a face remaining of zero printed as an amount.
    result = grpcurl("debtcalc.v1.SwapService/EvaluateSwap", data='{"swapId": "russia-mozambique-2017"}')
    body = json.loads(result.stdout)
    assert [p["number"] for p in body["development"]["counterpartPayments"]] == [1, 2, 3, 4, 5]
    assert body["development"]["faceRemaining"] == {"currencyCode": "USD", "amount": "0.00"}
    assert body["conventions"]["shareDecimals"] == 20


@pytest.mark.parametrize("flag", ["-emit-defaults"])
def test_default_output_equals_emit_defaults_for_presence_fields(grpcurl, flag):
    # With -emit-defaults grpcurl prints every field; the presence fields
    # must print the same values either way.
    request = {
        "claim": {"currencyCode": "USD", "amount": "3"},
        "remaining": {"currencyCode": "USD", "amount": "1"},
    }
    plain = call(grpcurl, "SplitClaim", request)
    full = grpcurl(f"{SERVICE}/SplitClaim", data=json.dumps(request), flags=(flag,))
    assert full.returncode == 0, full.stderr
    full = json.loads(full.stdout)
    assert plain["writeOffShareExact"] == full["writeOffShareExact"] is False
    assert plain["conventions"]["currencyMinorUnits"] == full["conventions"]["currencyMinorUnits"] == 2


def test_buyback_that_saves_nothing_prints_its_verdicts(grpcurl):
    # A loan bought at par and refinanced on its own terms: nothing is
    # saved, so the verdicts are false and year 0 is printed as year 0.
    terms = {
        "firstPaymentDate": {"year": 2026, "month": 1, "day": 1},
        "accrualStartDate": {"year": 2025, "month": 1, "day": 1},
        "frequency": "FREQUENCY_ANNUAL",
        "installmentCount": 3,
        "annualRate": "0.05",
    }
    result = grpcurl("debtcalc.v1.SwapService/EvaluateSwap", data=json.dumps({
        "buyback": {
            "buybackDate": {"year": 2025, "month": 1, "day": 1},
            "instruments": [{"principal": {"currencyCode": "USD", "amount": "300"}, "terms": terms}],
            "financing": {"principal": {"currencyCode": "USD", "amount": "300"}, "terms": terms},
            "discounting": {"flatRate": "0.05"},
        }
    }))
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)["buyback"]
    assert body["savesInPresentValue"] is False
    assert body["savesAfterCommitments"] is False
    assert body["years"][0]["year"] == 0
    assert [h["years"] for h in body["horizons"]] == [1, 2, 3, 5]
    assert body["nominalSaving"]["amount"] == "0.00"
