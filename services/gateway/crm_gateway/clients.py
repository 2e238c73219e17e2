"""Calling the downstream gRPC services: a deadline, the caller's token passed on, gRPC errors as HTTP errors."""

from __future__ import annotations

import logging

import grpc
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from starlette.concurrency import run_in_threadpool

from crm.contacts.v1 import duplicates_pb2
from crm_chassis import grpc_client
from crm_gateway import contacts_mappers
from crm_gateway.errors import UNAUTHENTICATED_HEADERS, ApiError
from crm_gateway.schemas import FieldViolation

log = logging.getLogger(__name__)

# Codes whose downstream message is meant for the caller; the others may name hosts and are replaced.
_PASSED_ON = {
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    # A transaction that lost to a concurrent one: a conflict the client may simply retry.
    grpc.StatusCode.ABORTED: 409,
}


def open_channel(address: str) -> grpc.Channel:
    return grpc_client.channel(address)


async def call(
    rpc: grpc.UnaryUnaryMultiCallable, request: Message, *, token: str | None, timeout: float, service: str, body_field: str = "person"
) -> Message:
    """Calls one unary RPC of `service` on a worker thread (the copied context carries the trace).

    `token` is the caller's, passed on; None only for the RPCs the service declares public (no bearer token).
    `body_field` is the request field the REST body stands for: bad-field paths under it lose its name;
    "" when the body stands for the whole request.
    """
    metadata = grpc_client.call_metadata(token) if token is not None else ()
    try:
        return await run_in_threadpool(rpc, request, timeout=timeout, metadata=metadata)
    except grpc.RpcError as err:
        raise _api_error(err, service, timeout, body_field) from None


def _api_error(err: grpc.RpcError, service: str, timeout: float, body_field: str = "person") -> ApiError:
    code = err.code()
    if code in _PASSED_ON:
        return ApiError(_PASSED_ON[code], code.name, err.details() or code.name.lower(), extra=_duplicates(err), reason=_reason(err))
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return ApiError(401, code.name, err.details() or "unauthenticated", headers=UNAUTHENTICATED_HEADERS)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        violations = _field_violations(err, body_field)
        summary = "; ".join(f"{v.field}: {v.description}" for v in violations)
        return ApiError(422, code.name, f"invalid request: {summary}" if violations else err.details() or "invalid request", violations)
    log.warning("%s answered %s: %s", service, code.name, err.details())
    if code == grpc.StatusCode.UNAVAILABLE:
        return ApiError(503, code.name, f"{service} is unavailable")
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return ApiError(504, code.name, f"{service} did not answer within {timeout:g}s")
    return ApiError(502, "INTERNAL", f"{service} failed ({code.name})")


def _status_details(err: grpc.RpcError) -> list:
    try:
        status = rpc_status.from_call(err)
    except ValueError:  # details that contradict the call's own code and message
        return []
    return list(status.details) if status is not None else []


def _reason(err: grpc.RpcError) -> str:
    """The google.rpc.ErrorInfo reason the service attached, or ""."""
    for detail in _status_details(err):
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    return ""


def _duplicates(err: grpc.RpcError) -> dict[str, list[dict]]:
    """The likely duplicates an ALREADY_EXISTS of contacts lists, as `duplicates` beside the error; {} when none.

    A write of a person lists persons ({person_id, display_name, ...}), one of an account accounts ({account_id, name, ...}):
    one key, so a client reads the candidates of whatever it wrote in the same place.
    """
    if err.code() != grpc.StatusCode.ALREADY_EXISTS:
        return {}
    candidates = []
    for detail in _status_details(err):
        if detail.Is(duplicates_pb2.DuplicatesFound.DESCRIPTOR):
            found = duplicates_pb2.DuplicatesFound()
            detail.Unpack(found)
            candidates += [contacts_mappers.candidate_from_proto(c).model_dump() for c in found.candidates]
            candidates += [contacts_mappers.account_candidate_from_proto(c).model_dump() for c in found.account_candidates]
    return {"duplicates": candidates} if candidates else {}


def _field_violations(err: grpc.RpcError, body_field: str) -> list[FieldViolation]:
    violations: list[FieldViolation] = []
    for detail in _status_details(err):
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            violations.extend(
                # Requests wrap the resource (CreatePersonRequest.person); the REST body is the resource itself.
                FieldViolation(field=v.field.removeprefix(f"{body_field}.") if body_field else v.field, description=v.description)
                for v in bad_request.field_violations
            )
    return violations
