"""A service error may carry extra protobuf details beside its message (e.g. the candidates of ALREADY_EXISTS)."""
from __future__ import annotations

import grpc
from google.rpc import error_details_pb2, status_pb2

from crm_chassis import errors
from crm_chassis.grpc_server import to_status


def test_details_ride_in_the_rich_status():
    info = error_details_pb2.ErrorInfo(reason="DUPLICATES", domain="crm.contacts")
    status = to_status(errors.AlreadyExists("likely duplicates exist", details=(info,)))
    assert status.code == grpc.StatusCode.ALREADY_EXISTS
    [(_, raw)] = [md for md in status.trailing_metadata if md[0] == "grpc-status-details-bin"]
    rich = status_pb2.Status.FromString(raw)
    assert rich.message == "likely duplicates exist"
    [packed] = rich.details
    unpacked = error_details_pb2.ErrorInfo()
    assert packed.Unpack(unpacked) and unpacked == info


def test_errors_without_details_carry_none():
    status = to_status(errors.NotFound("person p-1 not found"))
    [(_, raw)] = [md for md in status.trailing_metadata if md[0] == "grpc-status-details-bin"]
    assert list(status_pb2.Status.FromString(raw).details) == []


def test_a_reason_rides_as_error_info_so_callers_need_not_parse_the_message():
    status = to_status(errors.FailedPrecondition("quote q-1 is at version 3, not 2", reason=errors.STALE_VERSION))
    [(_, raw)] = [md for md in status.trailing_metadata if md[0] == "grpc-status-details-bin"]
    [packed] = status_pb2.Status.FromString(raw).details
    info = error_details_pb2.ErrorInfo()
    assert packed.Unpack(info)
    assert (info.reason, info.domain) == ("STALE_VERSION", "crm")
