"""Service errors become their gRPC status codes; UNAVAILABLE says a dependency cannot be reached now."""
from __future__ import annotations

import grpc
from google.rpc import code_pb2, status_pb2

from crm_chassis import errors
from crm_chassis.grpc_server import to_status


def test_unavailable_is_the_grpc_unavailable_code():
    status = to_status(errors.Unavailable("contacts cannot be reached"))
    assert status.code == grpc.StatusCode.UNAVAILABLE and status.details == "contacts cannot be reached"
    [(_, raw)] = [md for md in status.trailing_metadata if md[0] == "grpc-status-details-bin"]
    assert status_pb2.Status.FromString(raw).code == code_pb2.UNAVAILABLE


def test_every_service_error_has_a_code_of_its_own():
    kinds = [errors.NotFound, errors.AlreadyExists, errors.FailedPrecondition, errors.Unauthenticated,
             errors.PermissionDenied, errors.Aborted, errors.Unavailable]
    codes = [to_status(kind("x")).code for kind in kinds]
    assert len(set(codes)) == len(kinds) and grpc.StatusCode.INTERNAL not in codes
