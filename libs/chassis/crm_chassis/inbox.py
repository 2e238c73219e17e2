"""The inbox: the events each consumer has already handled, so a redelivery is a no-op."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis.db import UtcDateTime
from crm_chassis.envelope import utcnow


def inbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "inbox",
        metadata,
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("processed_at", UtcDateTime(), nullable=False),
    )


class Inbox:
    def __init__(self, table: sa.Table):
        self.table = table

    def claim(self, session: Session, consumer: str, event_id: str) -> bool:
        """Records the event in the caller's transaction; False if it was handled before.

        A concurrent duplicate that slips past the check fails on the primary
        key at commit, which rolls back its effects too.
        """
        seen = session.execute(
            sa.select(self.table.c.event_id).where(
                self.table.c.consumer == consumer, self.table.c.event_id == event_id
            )
        ).first()
        if seen:
            return False
        session.execute(sa.insert(self.table).values(consumer=consumer, event_id=event_id, processed_at=utcnow()))
        return True
