"""Idempotent commands: the request ids a caller has already had handled, and what each one created.

A caller that may retry a create (after a timeout, a crash, an outage) sends a `request_id` of its own choosing.
The command handler looks it up first: when the same caller already sent it to the same method, the handler
answers the resource made then instead of making another. Otherwise it remembers the id beside the resource in
the same transaction as the create, so either both are written or neither is.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis.db import UtcDateTime
from crm_chassis.envelope import utcnow
from crm_chassis.errors import Aborted, Violations

MAX_REQUEST_ID_LENGTH = 100


def idempotency_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "idempotency_keys",
        metadata,
        sa.Column("caller", sa.String(200), primary_key=True),  # the token's subject: ids are per caller
        sa.Column("method", sa.String(200), primary_key=True),  # the same id sent to another method is another request
        sa.Column("request_id", sa.String(MAX_REQUEST_ID_LENGTH), primary_key=True),
        sa.Column("resource_id", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )


def check_request_id(request_id: str, problems: Violations, field: str = "request_id") -> None:
    if len(request_id) > MAX_REQUEST_ID_LENGTH:
        problems.add(field, f"at most {MAX_REQUEST_ID_LENGTH} characters")


class IdempotencyKeys:
    def __init__(self, table: sa.Table):
        self.table = table

    def find(self, session: Session, caller: str, method: str, request_id: str) -> str | None:
        """The id of what this request made when it was handled before; None for a new (or empty) request id."""
        if not request_id:
            return None
        t = self.table
        return session.execute(
            sa.select(t.c.resource_id).where(t.c.caller == caller, t.c.method == method, t.c.request_id == request_id)
        ).scalar_one_or_none()

    def remember(self, session: Session, caller: str, method: str, request_id: str, resource_id: str) -> None:
        """Records the request in the caller's transaction; an empty request id records nothing.

        A concurrent request with the same id that slipped past `find` waits here for the first one's commit
        (PostgreSQL) and then fails on the primary key; it is answered ABORTED, so that its caller retries and
        gets the first one's resource.
        """
        if not request_id:
            return
        try:
            session.execute(
                sa.insert(self.table).values(
                    caller=caller, method=method, request_id=request_id, resource_id=resource_id, created_at=utcnow()
                )
            )
        except sa.exc.IntegrityError:
            raise Aborted(f"a {method} with request_id {request_id!r} was handled concurrently; retry it") from None
