"""Writes gRPC-framed request bodies (1 flag byte, 4-byte big-endian length,
the protobuf bytes) for h2load: the DPRK SplitClaim, the DPRK
ValueRestructuring and an empty health check. With a server address as
second argument, first sends each request with grpcio and checks it is
answered OK (h2load itself cannot see gRPC statuses)."""

import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "e2e"))
from debtcalc_client import messages, restructuring_stub  # noqa: E402

pb = messages()


def frame(message):
    body = message.SerializeToString()
    return b"\x00" + struct.pack(">I", len(body)) + body


def requests():
    """The DPRK SplitClaim and ValueRestructuring requests."""
    split = pb.SplitClaimRequest(
        claim=pb.Money(currency_code="USD", amount="10960000000"),
        write_off_share="0.9",
        programs=[pb.Program(name=n, weight="1") for n in ("energy", "education", "health")],
    )
    value = pb.ValueRestructuringRequest(
        old_claim=pb.DebtStream(due_at_valuation=pb.Money(currency_code="USD", amount="10960000000")),
        new_debt=pb.DebtStream(
            loan=pb.LoanStream(
                principal=pb.Money(currency_code="USD", amount="1090000000"),
                terms=pb.LoanTerms(
                    first_payment_date=pb.Date(year=2014, month=11, day=5),
                    frequency=pb.FREQUENCY_SEMI_ANNUAL,
                    installment_count=40,
                ),
            )
        ),
        valuation_date=pb.Date(year=2014, month=5, day=5),
        discounting=pb.Discounting(flat_rate="0.05"),
    )
    return split, value


def main(out, addr=None):
    out = Path(out)
    split, value = requests()
    if addr:
        stub = restructuring_stub(addr)
        assert stub.SplitClaim(split, timeout=10).written_off.amount == "9864000000.00"
        assert stub.ValueRestructuring(value, timeout=10).new_debt.present_value.amount == "687576793.93"
    (out / "split.bin").write_bytes(frame(split))
    (out / "value.bin").write_bytes(frame(value))
    (out / "health.bin").write_bytes(b"\x00\x00\x00\x00\x00")


if __name__ == "__main__":
    main(*sys.argv[1:])
