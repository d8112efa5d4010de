"""Helpers of the offline-CLI tests: running `debtcalc call` and the
shortcuts, and turning a grpcurl command line into the `debtcalc call`
arguments that must print the same bytes."""

import shlex
import subprocess

import server_process
from server_process import ROOT

# grpcurl flags and their `debtcalc call` equivalents.
FLAGS = {"-plaintext": None, "-emit-defaults": "--emit-defaults", "-format-error": "--format-error"}


def debtcalc_bin() -> str:
    return server_process.binary("scripts/test")


def run_cli(*args, stdin=None, cwd=None):
    """Runs `debtcalc ARGS` offline; the CompletedProcess (bytes)."""
    return subprocess.run(
        [debtcalc_bin(), *args], input=stdin, capture_output=True, timeout=120, cwd=cwd
    )


def call_args(grpcurl_command: str):
    """The `debtcalc call` arguments of a `grpcurl ... ADDRESS METHOD`
    command line (as the README writes it), or None when it calls no
    debtcalc RPC (list, describe, health)."""
    words = shlex.split(grpcurl_command.replace("\\\n", " "))
    assert words[0] == "grpcurl", grpcurl_command
    method = words[-1]
    if not method.startswith("debtcalc.v1.") or "/" not in method:
        return None
    args, index = ["call", method], 1
    while index < len(words) - 2:
        word = words[index]
        if word == "-d":
            args += ["-d", words[index + 1]]
            index += 2
            continue
        assert word in FLAGS, f"no debtcalc call equivalent for grpcurl's {word}"
        if FLAGS[word]:
            args.append(FLAGS[word])
        index += 1
    return args
