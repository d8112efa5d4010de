"""Starting and stopping the real debtcalc binary for the end-to-end and
browser tests: `debtcalc serve` on free loopback ports, the address it
listens on read from its start-up log."""

import os
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def binary(built_by: str) -> str:
    """The binary under test: $DEBTCALC_BIN, or the debug build."""
    path = os.environ.get("DEBTCALC_BIN", str(ROOT / "target" / "debug" / "debtcalc"))
    if not Path(path).exists():
        pytest.fail(f"debtcalc binary not found at {path}; run {built_by} (it builds it)")
    return path


def start(args: list, address: str, built_by: str):
    """Starts `debtcalc serve ARGS` and returns the process and the first
    group of the regular expression `address` in its start-up log."""
    proc = subprocess.Popen(
        [binary(built_by), "serve", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "DEBTCALC_LOG": "info"},
    )
    found = None
    deadline = time.monotonic() + 30
    lines = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(address, _COLOUR.sub("", line))
        if match:
            found = match.group(1)
            break
    if found is None:
        proc.kill()
        pytest.fail("server did not report its address: " + "".join(lines))
    # Keep reading the log (one line per call): a full pipe would stall the
    # server's logging.
    threading.Thread(target=lambda: proc.stderr.read(), daemon=True).start()
    return proc, found


def stop(proc) -> int:
    """SIGTERM, then the exit code; fails the test if the server does not
    stop within 10 s."""
    proc.terminate()
    try:
        return proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("server did not stop within 10 s of SIGTERM")
