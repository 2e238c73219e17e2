"""Scaffolding of the tests that call a service through the real chassis gRPC server."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import grpc
import pytest
from google.rpc import code_pb2, error_details_pb2
from grpc_status import rpc_status

from crm_chassis.grpc_server import GrpcServer

TIMEOUT = 10  # seconds; a call that hangs fails the test instead of the whole run


@contextmanager
def serving(registrations, verifier, port: int = 0) -> Iterator[grpc.Channel]:
    """A channel to a chassis server of these registrations, checking tokens with `verifier`; stopped on exit.

    The port is the kernel's choice unless a test must know it beforehand (to hand another service the address).
    """
    server = GrpcServer(registrations, verifier=verifier, port=port).start()
    channel = grpc.insecure_channel(f"localhost:{server.port}")
    try:
        yield channel
    finally:
        channel.close()
        server.stop(0)


def failure(method, request, metadata=None) -> grpc.RpcError:
    """The error a call that must fail raises."""
    with pytest.raises(grpc.RpcError) as caught:
        method(request, metadata=metadata, timeout=TIMEOUT)
    return caught.value


def bad_fields(error: grpc.RpcError) -> dict[str, str]:
    """Field path → description of an INVALID_ARGUMENT, in the order the service reported them.

    The status must carry exactly one detail, a google.rpc.BadRequest, naming each field once: list(...) of the answer
    is then the complete, ordered list of bad fields.
    """
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
    status = rpc_status.from_call(error)
    assert status.code == code_pb2.INVALID_ARGUMENT
    [detail] = status.details
    bad_request = error_details_pb2.BadRequest()
    assert detail.Unpack(bad_request), detail.type_url
    violations = [(v.field, v.description) for v in bad_request.field_violations]
    fields = dict(violations)
    assert len(fields) == len(violations), f"a field reported twice: {violations}"
    return fields
