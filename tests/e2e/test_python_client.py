"""debtcalc from Python grpcio, as a Python user would call it: a split, and
error details decoded with grpcio-status, including a request with more
bad fields than fit in a trailer."""

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from debtcalc_client import messages, restructuring_stub

pb = messages()


@pytest.fixture(scope="module")
def stub(server_addr):
    return restructuring_stub(server_addr)


def details(error):
    status = rpc_status.from_call(error)
    assert status is not None, "the status carries details"
    info, bad = error_details_pb2.ErrorInfo(), error_details_pb2.BadRequest()
    kinds = []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            detail.Unpack(info)
            kinds.append("ErrorInfo")
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            detail.Unpack(bad)
            kinds.append("BadRequest")
    assert sorted(kinds) == ["BadRequest", "ErrorInfo"], kinds
    return info, bad


def test_split_from_python(stub):
    request = pb.SplitClaimRequest(
        claim=pb.Money(currency_code="USD", amount="10960000000"),
        write_off_share="0.9",
        programs=[pb.Program(name=n, weight="1") for n in ("energy", "education", "health")],
    )
    response = stub.SplitClaim(request, timeout=10)
    assert response.written_off.amount == "9864000000.00"
    assert [a.amount.amount for a in response.allocations] == ["365333333.34", "365333333.33", "365333333.33"]


def test_error_details_decode_in_python(stub):
    request = pb.SplitClaimRequest(claim=pb.Money(currency_code="USD", amount="1e3"), write_off_share="2")
    with pytest.raises(grpc.RpcError) as caught:
        stub.SplitClaim(request, timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    info, bad = details(caught.value)
    assert (info.domain, info.reason) == ("debtcalc", "INVALID_REQUEST")
    assert [v.field for v in bad.field_violations] == ["claim.amount", "write_off_share"]


def test_thousands_of_bad_fields_still_reach_a_python_client(stub):
    """2,400 bad flows: the error lists the first 19 and counts the rest, so
    its trailers stay within grpcio's default 8 KiB metadata limit."""
    flow = pb.CashFlow(
        date=pb.Date(year=2020, month=2, day=30),
        amount=pb.Money(currency_code="USD", amount="x"),
        kind=pb.CASH_FLOW_KIND_PRINCIPAL,
    )
    stream = pb.DebtStream(cash_flows=pb.CashFlowList(flows=[flow] * 1200))
    request = pb.ValueRestructuringRequest(
        old_claim=stream,
        new_debt=stream,
        valuation_date=pb.Date(year=2020, month=1, day=1),
        discounting=pb.Discounting(flat_rate="0.05"),
    )
    with pytest.raises(grpc.RpcError) as caught:
        stub.ValueRestructuring(request, timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    _, bad = details(caught.value)
    assert len(bad.field_violations) == 20
    assert bad.field_violations[0].field == "old_claim.cash_flows.flows[0].date"
    last = bad.field_violations[-1]
    assert last.reason == "MORE_VIOLATIONS"
    assert "4781 more violations (4800 in all)" in last.description
