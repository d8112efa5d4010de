"""Every grpcurl example in the README, run against the real server: its
printed output must be what the server answers now, so the README never
shows stale figures. An excerpt (ending in "...") must be the start of the
real output."""

import json
import re
import subprocess
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
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
    actual = result.stdout or result.stderr
    if expected.rstrip().endswith("..."):
        shown = expected.rstrip().splitlines()[:-1]
        assert actual.splitlines()[: len(shown)] == shown
    else:
        assert json.loads(actual) == json.loads(expected), actual
