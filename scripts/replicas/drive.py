"""Drives a bounded gRPC load at debtcalc replicas, for scripts/three-replicas
(issue 13), and reads the replicas' Prometheus metrics.

  drive.py load TARGET --calls N --concurrency C [--round-robin]
                [--stop-pid PID --stop-after K]
      N calls (DPRK SplitClaim and ValueRestructuring in turn, each checked
      against its known answer) from C concurrent callers on one channel.
      TARGET is a proxy (127.0.0.1:51050) or, with --round-robin, a list of
      replicas (ipv4:127.0.0.1:51051,127.0.0.1:51052,...) balanced by the
      client with gRPC's round_robin policy. With --stop-pid, SIGTERM is sent
      to that replica once K calls have completed, during the load. Prints
      one JSON line: calls, ok, failed, codes, seconds, calls_per_second.
  drive.py metrics PORT...
      One JSON line: per admin port, the calls the replica answered OK
      (debtcalc_calls_total, both methods), or null if it does not answer.
"""

import argparse
import asyncio
import json
import os
import re
import signal
import sys
import time
import urllib.request
from pathlib import Path

import grpc

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
import frame  # noqa: E402
from debtcalc_client import _compile  # noqa: E402

# Client-side balancing over several replicas: the round_robin policy
# (one subchannel per address, calls spread over the ready ones), and a
# retry policy for UNAVAILABLE, safe because every debtcalc call is a pure
# computation. gRPC also retries on its own ("transparently") a call that a
# replica refused without processing it (GOAWAY, REFUSED_STREAM).
ROUND_ROBIN_OPTIONS = [
    (
        "grpc.service_config",
        json.dumps(
            {
                "loadBalancingConfig": [{"round_robin": {}}],
                "methodConfig": [
                    {
                        "name": [{"service": "debtcalc.v1.RestructuringService"}],
                        "retryPolicy": {
                            "maxAttempts": 3,
                            "initialBackoff": "0.05s",
                            "maxBackoff": "0.5s",
                            "backoffMultiplier": 2,
                            "retryableStatusCodes": ["UNAVAILABLE"],
                        },
                    }
                ],
            }
        ),
    ),
    ("grpc.enable_retries", 1),
]

# With a list of addresses as the target (ipv4:a,b,c), gRPC would send the
# whole list as the HTTP/2 :authority, which is not a valid authority (the
# server resets such a stream with PROTOCOL_ERROR): name the service instead.
# With dns:///debtcalc-headless...:50051 the host name is the authority.
ADDRESS_LIST_OPTIONS = [("grpc.default_authority", "debtcalc")]

SPLIT_OK = "9864000000.00"
VALUE_OK = "687576793.93"


async def load(args):
    _compile()
    import importlib

    services = importlib.import_module("debtcalc.v1.restructuring_service_pb2_grpc")
    options = ROUND_ROBIN_OPTIONS + ADDRESS_LIST_OPTIONS if args.round_robin else []
    split, value = frame.requests()
    codes = {}
    done = 0
    issued = 0
    stopped_at = None
    async with grpc.aio.insecure_channel(args.target, options=options) as channel:
        stub = services.RestructuringServiceStub(channel)

        async def caller():
            nonlocal done, issued, stopped_at
            while issued < args.calls:
                n = issued
                issued += 1
                try:
                    if n % 2 == 0:
                        answer = await stub.SplitClaim(split, timeout=20)
                        good = answer.written_off.amount == SPLIT_OK
                    else:
                        answer = await stub.ValueRestructuring(value, timeout=20)
                        good = answer.new_debt.present_value.amount == VALUE_OK
                    code = "OK" if good else "WRONG_ANSWER"
                except grpc.aio.AioRpcError as e:
                    code = e.code().name
                    if code != "OK" and args.verbose:
                        print(f"call {n}: {code} {e.details()}", file=sys.stderr)
                codes[code] = codes.get(code, 0) + 1
                done += 1
                if args.stop_pid and stopped_at is None and done >= args.stop_after:
                    stopped_at = done
                    os.kill(args.stop_pid, signal.SIGTERM)

        started = time.monotonic()
        await asyncio.gather(*(caller() for _ in range(args.concurrency)))
        seconds = time.monotonic() - started
    ok = codes.get("OK", 0)
    print(
        json.dumps(
            {
                "calls": done,
                "ok": ok,
                "failed": done - ok,
                "codes": codes,
                "stopped_after": stopped_at,
                "seconds": round(seconds, 3),
                "calls_per_second": round(done / seconds, 1),
            }
        )
    )


METHODS = ("SplitClaim", "ValueRestructuring")


def answered(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return None
    total = 0
    for method in METHODS:
        pattern = (
            r'debtcalc_calls_total\{method="/debtcalc\.v1\.RestructuringService/'
            + method
            + r'",code="OK"\} (\d+)'
        )
        total += sum(int(m) for m in re.findall(pattern, text))
    return total


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("load")
    p.add_argument("target")
    p.add_argument("--calls", type=int, default=3000)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--round-robin", action="store_true")
    p.add_argument("--stop-pid", type=int)
    p.add_argument("--stop-after", type=int, default=0)
    p.add_argument("--verbose", action="store_true")
    m = sub.add_parser("metrics")
    m.add_argument("ports", nargs="+", type=int)
    args = parser.parse_args()
    if args.command == "load":
        asyncio.run(load(args))
    else:
        print(json.dumps({str(port): answered(port) for port in args.ports}))


if __name__ == "__main__":
    main()
