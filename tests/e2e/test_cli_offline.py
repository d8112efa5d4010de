"""The offline CLI against the real server: `debtcalc call` prints byte for
byte what grpcurl prints from the server (answers and errors, with the same
exit code) for every README example; the shortcuts answer the DPRK split,
schedule, settlement and 1:5000 reconciliation as the server does; bad
command lines fail clearly with their documented exit codes."""

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from cli_support import ROOT, call_args, run_cli

README = ROOT / "README.md"
COMMAND = re.compile(r"```sh\n(?P<cmd>grpcurl (?:(?!```).)*?)```", re.S)

SPLIT = "debtcalc.v1.RestructuringService/SplitClaim"
DPRK_SPLIT = {
    "claim": {"currencyCode": "USD", "amount": "10960000000"},
    "writeOffShare": "0.9",
    "programs": [{"name": n, "weight": "1"} for n in ("energy", "education", "health")],
}


def readme_calls():
    found = []
    for match in COMMAND.finditer(README.read_text()):
        for command in re.split(r"\n(?=grpcurl )", match.group("cmd").strip()):
            args = call_args(command)
            if args is not None:
                found.append((command, args))
    assert len(found) >= 5, "the README shows grpcurl calls of debtcalc RPCs"
    return found


def grpcurl_run(grpcurl_bin, server_addr, command):
    words = command.replace("127.0.0.1:50051", server_addr)
    words = re.sub(r"^grpcurl ", f"{grpcurl_bin} ", words.strip())
    return subprocess.run(["bash", "-c", words], capture_output=True, timeout=60)


def assert_same(served, offline):
    assert offline.stdout == served.stdout, offline.stdout.decode()[:2000]
    assert offline.stderr == served.stderr, offline.stderr.decode()[:2000]
    assert offline.returncode == served.returncode


@pytest.mark.parametrize("example", readme_calls(), ids=lambda e: e[1][1].split("/")[-1])
def test_readme_example_offline_is_byte_identical(example, grpcurl_bin, server_addr):
    command, args = example
    served = grpcurl_run(grpcurl_bin, server_addr, command)
    assert_same(served, run_cli(*args))


def test_error_status_is_printed_as_grpcurl_prints_it(grpcurl):
    bad = '{"claim": {"currencyCode": "USD", "amount": "1,000"}, "writeOffShare": "2"}'
    served = grpcurl(SPLIT, data=bad)
    offline = run_cli("call", SPLIT, "-d", bad)
    assert served.returncode == 67
    assert offline.returncode == 67
    assert offline.stderr.decode() == served.stderr
    text = offline.stderr.decode()
    assert "Code: InvalidArgument" in text
    assert '"field":"claim.amount"' in text and '"field":"write_off_share"' in text
    assert '"reason":"INVALID_REQUEST"' in text
    assert offline.stdout == b""


def test_not_found_is_printed_as_grpcurl_prints_it(grpcurl):
    request = '{"settlementId": "atlantis-1999"}'
    method = "debtcalc.v1.SettlementService/AnalyzeSettlement"
    served = grpcurl(method, data=request)
    offline = run_cli("call", method, "-d", request)
    assert served.returncode == offline.returncode == 64 + 5
    assert offline.stderr.decode() == served.stderr
    assert "dprk-2014" in served.stderr


def test_method_names_short_and_long(grpcurl):
    served = grpcurl(SPLIT, data=json.dumps(DPRK_SPLIT))
    for name in [SPLIT, "RestructuringService/SplitClaim", "SplitClaim", "debtcalc.v1.RestructuringService.SplitClaim"]:
        offline = run_cli("call", name, "-d", json.dumps(DPRK_SPLIT))
        assert offline.returncode == 0, offline.stderr
        assert offline.stdout.decode() == served.stdout


def test_request_from_file_and_stdin(grpcurl, tmp_path):
    served = grpcurl(SPLIT, data=json.dumps(DPRK_SPLIT)).stdout
    request = tmp_path / "split.json"
    request.write_text(json.dumps(DPRK_SPLIT))
    assert run_cli("call", "SplitClaim", "-d", f"@{request}").stdout.decode() == served
    assert run_cli("call", "SplitClaim", "-d", "@-", stdin=json.dumps(DPRK_SPLIT).encode()).stdout.decode() == served


def test_a_stream_runs_offline_as_grpcurl_runs_it(grpcurl):
    """`debtcalc call` runs EvaluateBatch on several JSON messages (from -d
    or stdin), answers in order, byte for byte grpcurl's output; with
    --emit-defaults too; other formats are refused for a stream."""
    items = (
        '{"id": "a", "splitClaim": {"claim": {"currencyCode": "USD", "amount": "100"}, "writeOffShare": "0.9"}}\n'
        '{"id": "b"}\n'
        '{"id": "c", "splitClaim": {"claim": {"currencyCode": "USD", "amount": "1e3"}, "writeOffShare": "0.5"}}'
    )
    method = "debtcalc.v1.BatchService/EvaluateBatch"
    for flags in ((), ("-emit-defaults",)):
        served = grpcurl(method, data=items, flags=flags)
        assert served.returncode == 0, served.stderr
        offline = run_cli("call", method, "-d", "@-", *(["--emit-defaults"] if flags else []), stdin=items.encode())
        assert offline.returncode == 0, offline.stderr
        assert offline.stdout.decode() == served.stdout
    refused = run_cli("call", "EvaluateBatch", "-d", items, "--format", "table")
    assert refused.returncode != 0
    assert b"stream" in refused.stderr


def test_unknown_method_fails_with_the_list():
    result = run_cli("call", "SplitClaims", "-d", "{}")
    assert result.returncode == 3
    message = result.stderr.decode()
    assert 'unknown method "SplitClaims"' in message
    assert SPLIT in message and "debtcalc.v1.SettlementService/AnalyzeSettlement" in message
    assert result.stdout == b""


def test_bad_json_fails_clearly():
    result = run_cli("call", "SplitClaim", "-d", '{"claim": {"currencyCode": "USD",')
    assert result.returncode == 4
    message = result.stderr.decode()
    assert "the request is not a debtcalc.v1.SplitClaimRequest in the proto3 JSON mapping" in message
    assert "line 1 column" in message


def test_unknown_field_is_named():
    result = run_cli("call", "SplitClaim", "-d", '{"claim": {"currencyCode": "USD", "amount": "1"}, "writeOfShare": "0.9"}')
    assert result.returncode == 4
    message = result.stderr.decode()
    assert "writeOfShare: no such field in debtcalc.v1.SplitClaimRequest" in message
    assert "writeOffShare" in message


def test_json_mapping_errors_name_the_field_and_what_it_expects():
    """What grpcurl leaves unsaid (issue 12): the field's path, a decimal
    sent as a number, the valid enum names, the form of a date."""
    number = run_cli("call", "SplitClaim", "-d", '{"claim": {"currencyCode": "USD", "amount": 5}}')
    assert number.returncode == 4, number.stderr
    assert 'claim.amount: decimals and other text are JSON strings: write "5", not 5' in number.stderr.decode()
    enum = run_cli("call", "BuildSchedule", "-d", '{"terms": {"frequency": "FREQUENCY_WEEKLY"}}')
    assert enum.returncode == 4, enum.stderr
    message = enum.stderr.decode()
    assert 'terms.frequency: "FREQUENCY_WEEKLY" is not a value of debtcalc.v1.Frequency' in message
    assert "FREQUENCY_SEMI_ANNUAL" in message
    date = run_cli("call", "BuildSchedule", "-d", '{"terms": {"firstPaymentDate": "2015-03-17"}}')
    assert date.returncode == 4
    assert 'terms.first_payment_date: a date is an object {"year": 2015, "month": 3, "day": 17}' in date.stderr.decode()
    weight = run_cli("call", "SplitClaim", "-d", '{"programs": [{"name": "a", "weight": "1"}, {"name": "b", "weight": 2}]}')
    assert "programs[1].weight:" in weight.stderr.decode()


def test_unreadable_file_and_missing_output():
    missing = run_cli("call", "SplitClaim", "-d", "@/nonexistent/request.json")
    assert missing.returncode == 5
    assert "/nonexistent/request.json" in missing.stderr.decode()
    xlsx = run_cli("split", "--claim", "1 USD", "--write-off", "0.5", "--format", "xlsx")
    assert xlsx.returncode == 2
    assert "--output" in xlsx.stderr.decode()


def test_split_shortcut_is_the_servers_answer(grpcurl):
    served = grpcurl(SPLIT, data=json.dumps(DPRK_SPLIT))
    offline = run_cli(
        "split", "--claim", "10960000000 USD", "--write-off", "0.9",
        "--program", "energy", "--program", "education", "--program", "health",
    )
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.decode() == served.stdout
    body = json.loads(offline.stdout)
    assert [a["amount"]["amount"] for a in body["allocations"]] == ["365333333.34", "365333333.33", "365333333.33"]


def test_schedule_shortcut_is_the_servers_answer(grpcurl):
    request = {
        "principal": {"currencyCode": "USD", "amount": "1090000000"},
        "terms": {"firstPaymentDate": {"year": 2015, "month": 3, "day": 17},
                  "frequency": "FREQUENCY_SEMI_ANNUAL", "installmentCount": 40},
    }
    served = grpcurl("debtcalc.v1.RestructuringService/BuildSchedule", data=json.dumps(request))
    offline = run_cli(
        "schedule", "--principal", "1090000000 USD", "--first-payment", "2015-03-17",
        "--frequency", "semi-annual", "--installments", "40",
    )
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.decode() == served.stdout
    installments = json.loads(offline.stdout)["installments"]
    assert len(installments) == 40
    assert {i["payment"]["amount"] for i in installments} == {"27250000.00"}


def test_laos_schedule_flags(grpcurl):
    request = {
        "principal": {"currencyCode": "USD", "amount": "1000000"},
        "terms": {"firstPaymentDate": {"year": 2004, "month": 6, "day": 30},
                  "frequency": "FREQUENCY_SEMI_ANNUAL", "installmentCount": 2, "gracePeriods": 1,
                  "annualRate": "0.0225", "rateSteps": [{"startPeriod": 2, "annualRate": "0.0585"}],
                  "dayCount": "DAY_COUNT_ACT_365_FIXED", "endOfMonth": True},
    }
    served = grpcurl("debtcalc.v1.RestructuringService/BuildSchedule", data=json.dumps(request))
    offline = run_cli(
        "schedule", "--principal", "1000000 USD", "--first-payment", "2004-06-30", "--frequency", "semi-annual",
        "--installments", "2", "--grace", "1", "--rate", "0.0225", "--step", "2=0.0585",
        "--day-count", "act-365-fixed", "--end-of-month",
    )
    assert offline.stdout.decode() == served.stdout


def test_value_shortcut_is_the_servers_answer(grpcurl):
    request = (ROOT / "examples" / "grpcurl" / "value-restructuring.json").read_text()
    served = grpcurl("debtcalc.v1.RestructuringService/ValueRestructuring", data=request)
    offline = run_cli(
        "value", "--old-claim", "10960000000 USD", "--valuation-date", "2014-05-05", "--discount-rate", "0.05",
        "--principal", "1090000000 USD", "--first-payment", "2014-11-05", "--frequency", "semi-annual",
        "--installments", "40",
    )
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.decode() == served.stdout


def test_reconcile_shortcut_is_the_servers_answer(grpcurl):
    request = {
        "claim": {"currencyCode": "SUR", "amount": "6576000000"},
        "targetCurrency": "USD",
        "parties": [
            {"name": "Russia", "conversion": {"basisId": "gosbank-settlement-rate"}},
            {"name": "DPRK", "conversion": {"rate": {"rate": "3000", "unit": "RUR", "per": "USD"}}},
        ],
    }
    served = grpcurl("debtcalc.v1.ReconciliationService/ReconcileValuations", data=json.dumps(request))
    offline = run_cli(
        "reconcile", "--claim", "6576000000 SUR", "--target", "USD",
        "--party", "Russia=basis:gosbank-settlement-rate", "--party", "DPRK=rate:3000 RUR per USD",
    )
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.decode() == served.stdout
    assert json.loads(offline.stdout)["gaps"][0]["ratio"] == "5000"


def test_settlement_shortcut_is_the_servers_answer(grpcurl):
    served = grpcurl("debtcalc.v1.SettlementService/AnalyzeSettlement", data='{"settlementId": "dprk-2014"}')
    offline = run_cli("settlement", "dprk-2014")
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.decode() == served.stdout
    listed = run_cli("settlement")
    assert json.loads(grpcurl("debtcalc.v1.SettlementService/ListSettlements").stdout) == json.loads(listed.stdout)


def test_swap_shortcut_is_the_servers_answer(grpcurl):
    served = grpcurl("debtcalc.v1.SwapService/EvaluateSwap", data='{"swapId": "bolivia-ci-1987"}')
    offline = run_cli("swap", "bolivia-ci-1987")
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.decode() == served.stdout
    assert json.loads(offline.stdout)["threeParty"]["multiplier"] == "2.5"
    listed = run_cli("swap")
    assert json.loads(grpcurl("debtcalc.v1.SwapService/ListSwaps").stdout) == json.loads(listed.stdout)
    table = run_cli("swap", "russia-mozambique-2017", "--format", "table")
    assert table.returncode == 0, table.stderr
    assert "40,000,000.00" in table.stdout.decode()


def test_show_request_prints_what_call_takes():
    shown = run_cli("split", "--claim", "10960000000 USD", "--write-off", "0.9", "--program", "energy", "--show-request")
    assert shown.returncode == 0
    assert json.loads(shown.stdout) == {
        "claim": {"currencyCode": "USD", "amount": "10960000000"},
        "writeOffShare": "0.9",
        "programs": [{"name": "energy", "weight": "1"}],
    }


def test_bad_flags_name_the_valid_values():
    result = run_cli("schedule", "--principal", "1 USD", "--first-payment", "2015-03-17",
                     "--frequency", "weekly", "--installments", "2")
    assert result.returncode == 2
    assert "annual, semi-annual, quarterly, monthly" in result.stderr.decode()
    date = run_cli("schedule", "--principal", "1 USD", "--first-payment", "17.03.2015",
                   "--frequency", "annual", "--installments", "2")
    assert date.returncode == 2
    assert "YYYY-MM-DD" in date.stderr.decode()


def test_table_shows_the_figures():
    table = run_cli(
        "split", "--claim", "10960000000 USD", "--write-off", "0.9",
        "--program", "energy", "--program", "education", "--program", "health", "--format", "table",
    )
    assert table.returncode == 0, table.stderr
    text = table.stdout.decode()
    for figure in ["10,960,000,000.00", "9,864,000,000.00", "1,096,000,000.00", "365,333,333.34", "ROUNDING_MODE_HALF_EVEN"]:
        assert figure in text


@pytest.mark.parametrize("command", ["serve", "call", "split", "schedule", "value", "settlement", "swap", "reconcile"])
def test_help_has_examples(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "Examples:" in result.stdout.decode()
    assert "Examples:" in run_cli("--help").stdout.decode()


CLI_BLOCK = re.compile(
    r"```sh\n(?P<cmd>(?:debtcalc|cargo run --release --) (?:(?!```).)*?)```\n\n```text\n(?P<out>.*?)```", re.S
)


def readme_cli_examples():
    found = [(m.group("cmd"), m.group("out")) for m in CLI_BLOCK.finditer(README.read_text())]
    assert found, "the README shows a debtcalc command with its output"
    return found


@pytest.mark.parametrize("example", readme_cli_examples(), ids=lambda e: e[0].split()[3])
def test_readme_cli_example_prints_what_it_shows(example):
    command, expected = example
    words = shlex.split(command.replace("\\\n", " "))
    args = words[1:] if words[0] == "debtcalc" else words[4:]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    # Data hashes are shown abbreviated (see test_readme_examples.py).
    actual = re.sub(r"sha256:[0-9a-f]{64}", "sha256:…", result.stdout.decode())
    assert actual == expected, "run scripts/update-readme and review the diff"


def test_a_reader_that_stops_early_is_no_error():
    from cli_support import debtcalc_bin

    result = subprocess.run(
        ["bash", "-c", f'set -o pipefail; "{debtcalc_bin()}" settlement dprk-2014 | head -1'],
        capture_output=True, text=True, timeout=60,
    )
    assert result.stdout == "{\n"
    assert result.returncode == 0, result.stderr
    assert "panicked" not in result.stderr


def test_offline_help_lists_its_own_flags_before_the_servers():
    text = run_cli("schedule", "--help").stdout.decode()
    assert text.index("--principal") < text.index("Server (serve only):") < text.index("--tls-cert")


def test_settlement_discount_rate_override(grpcurl):
    request = '{"settlementId": "dprk-2014", "valuation": {"discountRates": ["0.07"]}}'
    served = grpcurl("debtcalc.v1.SettlementService/AnalyzeSettlement", data=request)
    offline = run_cli("settlement", "dprk-2014", "--discount-rate", "0.07")
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.decode() == served.stdout
    assert [v["discountRate"] for v in json.loads(offline.stdout)["valuations"]] == ["0.07"]
