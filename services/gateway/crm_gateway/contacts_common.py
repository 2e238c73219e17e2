"""What the routers of the contacts service share: the generic helpers of rest_common, bound to contacts."""

from __future__ import annotations

from crm_gateway import rest_common
from crm_gateway.rest_common import (  # noqa: F401  (the contacts routers import them from here)
    CONFLICT,
    NOT_FOUND,
    PRECONDITION_FAILED,
    Call,
    IfMatch,
    PageSize,
    PageToken,
    conditional,
    expected_etag,
    set_etag,
    update_mask,
)

SERVICE = "contacts"


def caller(contacts_timeout: float) -> Call:
    """`call(rpc, request, principal, body_field="")`: one ContactsService RPC with the caller's token and the deadline."""
    return rest_common.caller(contacts_timeout, SERVICE)
