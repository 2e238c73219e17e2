"""What the routers of every downstream service share: the call with its deadline, paging, field masks, ETags, error docs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated

from fastapi import Header, Query, Response
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message
from pydantic import BaseModel

from crm_chassis.auth import Principal
from crm_chassis.errors import STALE_VERSION
from crm_chassis.paging import MAX_PAGE_SIZE
from crm_gateway import clients, schemas
from crm_gateway.edge import ERRORS
from crm_gateway.errors import ApiError

PageSize = Annotated[int, Query(ge=0, le=MAX_PAGE_SIZE, description="Items per page; 0 for the default (50).")]
PageToken = Annotated[str, Query(description="The next_page_token of the previous page.")]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The `ETag` (or `etag`) the change was based on: a record changed since then answers 412 and is left as it is. "
        "`*` or no header: no check.",
    ),
]

NOT_FOUND = {404: {**ERRORS, "description": "No such record, or one the caller may not see"}}
CONFLICT = {409: {**ERRORS, "description": "Not possible in the record's current state, or it exists already"}}
PRECONDITION_FAILED = {412: {**ERRORS, "description": "`If-Match` names an older version: the record was changed since; read it again"}}

Call = Callable[..., Awaitable[Message]]


def caller(timeout: float, service: str) -> Call:
    """`call(rpc, request, principal, body_field="")`: one RPC of `service` with the caller's token and the deadline."""

    async def call(rpc, request: Message, principal: Principal, body_field: str = "") -> Message:
        return await clients.call(rpc, request, token=principal.token, timeout=timeout, service=service, body_field=body_field)

    return call


def update_mask(body: BaseModel, renamed: Mapping[str, str] | None = None) -> FieldMask:
    """The JSON keys present in a PATCH body, as the field mask of the update (`null` clears a field)."""
    renamed = renamed or {}
    paths = sorted({renamed.get(key, key) for key in body.model_fields_set})
    if not paths:
        violation = schemas.FieldViolation(field="body", description="names no field to change")
        raise ApiError(422, "INVALID_ARGUMENT", f"invalid request: {violation.field}: {violation.description}", [violation])
    return FieldMask(paths=paths)


def expected_etag(if_match: str | None) -> str:
    """The entity tag an `If-Match` header names ("" for none or `*`). Weak tags compare as strong ones: they are ours."""
    if not if_match:
        return ""
    tag = if_match.split(",")[0].strip().removeprefix("W/")
    return "" if tag == "*" else tag


def set_etag(response: Response, etag: str) -> None:
    if etag:
        response.headers["ETag"] = etag if etag.startswith('"') else f'"{etag}"'


async def conditional(update: Awaitable[Message], if_match: str | None) -> Message:
    """Answers a stale `If-Match` 412 as HTTP says; the services report it as FAILED_PRECONDITION with the reason
    STALE_VERSION (contacts: the etag, sales: the quote's version)."""
    try:
        return await update
    except ApiError as exc:
        if expected_etag(if_match) and exc.code == "FAILED_PRECONDITION" and exc.reason == STALE_VERSION:
            raise ApiError(412, "FAILED_PRECONDITION", exc.message) from None
        raise
