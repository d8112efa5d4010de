"""The CLI's spreadsheets read by an independent reader (openpyxl for XLSX,
Python's csv for CSV), every figure compared with the server's JSON answer
(grpcurl): a schedule, a valuation and a settlement analysis. Each JSON
figure must sit in its place (a row whose `path` is the element's JSON path
and a column named by the figure's path inside it, or a `field` row of
Summary / Conventions) with the same value: amounts as numbers showing the
currency's decimals, decimals as numbers (the nearest double: Excel keeps 15
significant digits), dates as dates; and the workbook holds nothing else."""

import csv
import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cli_support import ROOT, run_cli

SCHEDULE_FLAGS = ["--principal", "1090000000 USD", "--first-payment", "2015-03-17",
                  "--frequency", "semi-annual", "--installments", "40"]
SCHEDULE_REQUEST = {
    "principal": {"currencyCode": "USD", "amount": "1090000000"},
    "terms": {"firstPaymentDate": {"year": 2015, "month": 3, "day": 17},
              "frequency": "FREQUENCY_SEMI_ANNUAL", "installmentCount": 40},
}
VALUATION_REQUEST = ROOT / "examples" / "grpcurl" / "value-restructuring.json"

CASES = {
    "schedule": (["schedule", *SCHEDULE_FLAGS],
                 "debtcalc.v1.RestructuringService/BuildSchedule", json.dumps(SCHEDULE_REQUEST)),
    "valuation": (["call", "ValueRestructuring", "-d", f"@{VALUATION_REQUEST}"],
                  "debtcalc.v1.RestructuringService/ValueRestructuring", VALUATION_REQUEST.read_text()),
    "settlement": (["settlement", "dprk-2014"],
                   "debtcalc.v1.SettlementService/AnalyzeSettlement", '{"settlementId": "dprk-2014"}'),
}


def is_decimal(text):
    return isinstance(text, str) and re.fullmatch(r"-?\d+(\.\d+)?", text) is not None


def leaves(node, path=""):
    """(JSON path, figure) of every figure of a JSON answer; a Money and a
    google.type.Date are one figure each."""
    if isinstance(node, dict):
        if "amount" in node and set(node) <= {"currencyCode", "amount"}:
            yield path, ("money", node["amount"], node.get("currencyCode", ""))
        elif node and set(node) <= {"year", "month", "day"}:
            yield path, ("date", datetime.date(node.get("year", 0), node.get("month", 0), node.get("day", 0)))
        else:
            for key, value in node.items():
                yield from leaves(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, f"{path}[{index}]")
    else:
        yield path, ("scalar", node)


def cells_by_path(sheets):
    """{JSON path: (value, unit, number format)} of a workbook given as
    {sheet: [header, rows...]} of (value, number format) pairs."""
    cells = {}
    contents = sheets.pop("Contents")
    assert [v for v, _ in contents[0]] == ["sheet", "path", "rows"]
    assert sorted(v for (v, _), *_ in contents[1:]) == sorted(sheets), "Contents lists every sheet"
    for name, rows in sheets.items():
        header = [v for v, _ in rows[0]]
        if header == ["field", "value", "unit"]:
            for (field, _), (value, fmt), (unit, _) in rows[1:]:
                assert field not in cells, field
                cells[field] = (value, unit or "", fmt)
            continue
        assert header[0] == "path", (name, header)
        for row in rows[1:]:
            element = row[0][0]
            for title, (value, fmt) in zip(header[1:], row[1:]):
                if value is None or value == "":
                    continue
                match = re.fullmatch(r"(.*) \(([A-Z]{3})\)", title)
                column, unit = (match.group(1), match.group(2)) if match else (title, "")
                path = f"{element}.{column}"
                assert path not in cells, path
                cells[path] = (value, unit, fmt)
    return cells


def read_xlsx(path):
    book = openpyxl.load_workbook(path)
    return {
        ws.title: [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
        for ws in book.worksheets
    }


def read_csv_dir(directory):
    sheets = {}
    for file in sorted(Path(directory).glob("*.csv")):
        with open(file, newline="") as f:
            sheets[file.stem] = [[(v, None) for v in row] for row in csv.reader(f)]
    return sheets


def check_xlsx_figure(path, figure, cell):
    value, unit, fmt = cell
    kind = figure[0]
    if kind == "money":
        amount, currency = figure[1], figure[2]
        assert unit == currency, path
        decimals = len(amount.split(".")[1]) if "." in amount else 0
        if isinstance(value, str):
            # Only an amount a double cannot hold to the cent is text.
            assert value == amount, path
            assert f"{float(amount):.{decimals}f}" != amount, path
        else:
            assert f"{value:.{decimals}f}" == amount, (path, value, amount)
            assert fmt == ("#,##0." + "0" * decimals if decimals else "#,##0"), (path, fmt)
    elif kind == "date":
        assert isinstance(value, datetime.datetime), (path, value)
        assert value.date() == figure[1], path
        assert fmt == "yyyy-mm-dd", path
    else:
        expected = figure[1]
        if isinstance(expected, bool):
            assert value is expected, path
        elif isinstance(expected, int):
            assert value == expected and not isinstance(value, bool), path
        elif is_decimal(expected):
            assert isinstance(value, (int, float)) and not isinstance(value, bool), (path, value)
            assert float(value) == float(expected), (path, value, expected)
            if len(expected.lstrip("-").replace(".", "").lstrip("0")) <= 15:
                assert Decimal(repr(float(value))) == Decimal(expected), (path, value, expected)
        else:
            assert value == expected, (path, value, expected)


def check_csv_figure(path, figure, cell):
    value, unit, _ = cell
    kind = figure[0]
    if kind == "money":
        assert (value, unit) == (figure[1], figure[2]), path
    elif kind == "date":
        assert value == figure[1].isoformat(), path
    elif isinstance(figure[1], bool):
        assert value == ("true" if figure[1] else "false"), path
    else:
        assert value == str(figure[1]), (path, value, figure[1])


def served_json(grpcurl, method, request):
    result = grpcurl(method, data=request)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", sorted(CASES))
def test_xlsx_holds_every_figure_of_the_json_answer(case, grpcurl, tmp_path):
    args, method, request = CASES[case]
    answer = served_json(grpcurl, method, request)
    workbook = tmp_path / f"{case}.xlsx"
    result = run_cli(*args, "--format", "xlsx", "--output", str(workbook))
    assert result.returncode == 0, result.stderr
    sheets = read_xlsx(workbook)
    assert list(sheets)[0] == "Summary" and list(sheets)[-2:] == ["Conventions", "Contents"]
    cells = cells_by_path(sheets)
    figures = dict(leaves(answer))
    assert len(figures) > 20
    for path, figure in figures.items():
        assert path in cells, f"{path} is not in the workbook"
        check_xlsx_figure(path, figure, cells.pop(path))
    assert not cells, f"the workbook holds figures the answer does not: {sorted(cells)[:5]}"


@pytest.mark.parametrize("case", ["schedule", "settlement"])
def test_csv_holds_every_figure_exactly(case, grpcurl, tmp_path):
    args, method, request = CASES[case]
    answer = served_json(grpcurl, method, request)
    result = run_cli(*args, "--format", "csv", "--output", str(tmp_path / "csv"))
    assert result.returncode == 0, result.stderr
    cells = cells_by_path(read_csv_dir(tmp_path / "csv"))
    figures = dict(leaves(answer))
    for path, figure in figures.items():
        assert path in cells, f"{path} is not in the CSV files"
        check_csv_figure(path, figure, cells.pop(path))
    assert not cells, sorted(cells)[:5]


def test_schedule_sheet_reads_as_an_analyst_expects(tmp_path):
    workbook = tmp_path / "dprk.xlsx"
    assert run_cli("schedule", *SCHEDULE_FLAGS, "--format", "xlsx", "-o", str(workbook)).returncode == 0
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Summary", "installments", "Conventions", "Contents"]
    sheet = book["installments"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["path", "number", "dueDate"]
    payment = header.index("payment (USD)") + 1
    assert sheet.max_row == 41
    assert sheet.cell(row=41, column=3).value == datetime.datetime(2034, 9, 17)
    total = sum(Decimal(repr(sheet.cell(row=r, column=payment).value)) for r in range(2, 42))
    assert total == Decimal("1090000000")
    conventions = {row[0].value: row[1].value for row in book["Conventions"].iter_rows(min_row=2)}
    assert conventions["conventions.principalResidue"] == "LAST_INSTALLMENT"
