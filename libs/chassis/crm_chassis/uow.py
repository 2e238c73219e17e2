"""The unit of work: one business transaction, its outbox rows, commit or nothing."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm_chassis import outbox
from crm_chassis.envelope import OutboundEvent
from crm_chassis.idempotency import IdempotencyKeys
from crm_chassis.inbox import Inbox

EventMapper = Callable[[Any], OutboundEvent]


class SqlAlchemyUnitOfWork:
    """Services subclass it to add repositories in `_open(session)`.

    Aggregates that repositories hand out are remembered in `seen`; on commit
    the events they recorded are mapped to protobuf messages and written to the
    outbox in the same transaction as the change itself.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        outbox_table: sa.Table,
        inbox_table: sa.Table,
        map_event: EventMapper,
        idempotency_table: sa.Table | None = None,
    ):
        self._sessions = sessions
        self._outbox_table = outbox_table
        self._inbox = Inbox(inbox_table)
        self._requests = IdempotencyKeys(idempotency_table) if idempotency_table is not None else None
        self._map_event = map_event
        self.session: Session | None = None
        self.seen: list[Any] = []
        self._extra_events: list[Any] = []

    def __enter__(self):
        self.session = self._sessions()
        self.seen = []
        self._extra_events = []
        self._open(self.session)
        return self

    def __exit__(self, *exc_info):
        self.rollback()
        self.session.close()
        self.session = None

    def _open(self, session: Session) -> None:
        """Builds the service's repositories on the session."""

    def claim_event(self, consumer: str, event_id: str) -> bool:
        """False when `consumer` already handled this event; see Inbox.claim."""
        return self._inbox.claim(self.session, consumer, event_id)

    def handled_request(self, caller: str, method: str, request_id: str) -> str | None:
        """The id of the resource this caller's earlier `method` call with `request_id` made; None if there was none."""
        return self._idempotency().find(self.session, caller, method, request_id)

    def remember_request(self, caller: str, method: str, request_id: str, resource_id: str) -> None:
        """Commits the request id with the resource it made (nothing for an empty request id); see IdempotencyKeys."""
        self._idempotency().remember(self.session, caller, method, request_id, resource_id)

    def _idempotency(self) -> IdempotencyKeys:
        if self._requests is None:
            raise RuntimeError("this unit of work was built without an idempotency_table")
        return self._requests

    def record(self, *domain_events: Any) -> None:
        """Adds events that belong to no aggregate held in `seen`."""
        self._extra_events.extend(domain_events)

    def collect_events(self) -> Iterable[Any]:
        for aggregate in self.seen:
            while aggregate.events:
                yield aggregate.events.pop(0)
        while self._extra_events:
            yield self._extra_events.pop(0)

    def commit(self) -> None:
        written = outbox.write(self.session, self._outbox_table, [self._map_event(e) for e in self.collect_events()])
        self.session.commit()
        if written:
            outbox.notify_written()

    def rollback(self) -> None:
        self.session.rollback()
        # Events of undone work must not ride along with a later commit.
        self._extra_events.clear()
        for aggregate in self.seen:
            aggregate.events.clear()
