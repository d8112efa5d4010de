"""Every grpcurl example in the README, run against the real server: its
printed output must be what the server answers now, so the README never
shows stale figures. An excerpt (ending in "...") must be the start of the
real output; an output with "..." lines between parts shows excerpts: each
part must be lines of the real output, in order, the first at its start
unless the output begins with "...", the last at its end unless it ends
with "...".

The content hashes in `provenance` (`"sha256:"` and 64 hex digits, the
versions of the data files) are shown abbreviated as `"sha256:…"`: they
change with every edit of a data file, and tests/e2e/test_provenance.py
checks them against the files."""

import json
import re
import subprocess
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
HASH = re.compile(r"sha256:[0-9a-f]{64}")
BLOCK = re.compile(r"```sh\n(?P<cmd>grpcurl (?:(?!```).)*?)```\n\n```json\n(?P<out>.*?)```", re.S)


def examples():
    text = README.read_text()
    found = [(m.group("cmd"), m.group("out")) for m in BLOCK.finditer(text)]
    assert found, "the README has grpcurl examples with their output"
    return found


@pytest.mark.parametrize("example", examples(), ids=lambda e: e[0].split()[-1])
def test_readme_example_output_is_real(example, grpcurl_bin, server_addr):
    command, expected = example
    command = command.replace("127.0.0.1:50051", server_addr)
    command = re.sub(r"^grpcurl ", f"{grpcurl_bin} ", command.strip())
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
    actual = HASH.sub("sha256:…", result.stdout or result.stderr)
    if any(line.strip() == "..." for line in expected.splitlines()):
        assert_excerpts(expected, actual.splitlines())
    else:
        assert json.loads(actual) == json.loads(expected), actual


def parts_of(expected):
    """The runs of lines between "..." lines, and whether the output is cut
    before the first and after the last."""
    lines = expected.rstrip().splitlines()
    parts, current = [], []
    for line in lines:
        if line.strip() == "...":
            parts.append(current)
            current = []
        else:
            current.append(line)
    parts.append(current)
    cut_before, cut_after = parts[0] == [], parts[-1] == []
    return [p for p in parts if p], cut_before, cut_after


def assert_excerpts(expected, actual):
    parts, cut_before, cut_after = parts_of(expected)
    position = 0
    for index, part in enumerate(parts):
        if index == 0 and not cut_before:
            assert actual[: len(part)] == part, actual[: len(part)]
            position = len(part)
            continue
        found = next(
            (
                start
                for start in range(position, len(actual) - len(part) + 1)
                if actual[start : start + len(part)] == part
            ),
            None,
        )
        assert found is not None, f"not in the real output (in order): {part}"
        position = found + len(part)
    if not cut_after:
        assert position == len(actual), "the last part is not the end of the real output"


def test_excerpts_are_checked():
    actual = ["{", '  "a": 1,', '  "b": 2,', '  "c": 3', "}"]
    assert_excerpts('{\n...\n  "b": 2,\n...\n', actual)
    assert_excerpts('...\n  "c": 3\n}\n', actual)
    for wrong in ['{\n...\n  "b": 3,\n...\n', '...\n  "c": 3\n...\n  "a": 1,\n...\n', '...\n  "b": 2,\n']:
        with pytest.raises(AssertionError):
            assert_excerpts(wrong, actual)
