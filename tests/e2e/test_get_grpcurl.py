"""scripts/get-grpcurl, as the README's quick start runs it: installs
grpcurl into a tools folder in one step and prints the export line that puts
it on the PATH; run again, it keeps what it installed."""

import os
import subprocess

from cli_support import ROOT


def test_get_grpcurl_installs_and_prints_the_export_line(tmp_path):
    tools = tmp_path / "tools"
    env = {**os.environ, "DEBTCALC_TOOLS": str(tools)}
    first = subprocess.run([str(ROOT / "scripts" / "get-grpcurl")], capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stderr
    assert first.stdout == f'export PATH="{tools}/bin:$PATH"\n'
    assert "grpcurl v1.8.6" in first.stderr
    shell = subprocess.run(
        ["bash", "-c", f'eval "$({ROOT}/scripts/get-grpcurl)" && command -v grpcurl && grpcurl -version'],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.splitlines()[0] == f"{tools}/bin/grpcurl"
    assert "grpcurl v1.8.6" in shell.stdout + shell.stderr
