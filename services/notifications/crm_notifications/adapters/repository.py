"""Loading and saving notifications with their status history."""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis import db
from crm_chassis.access import Audience, Viewer
from crm_notifications.adapters import orm
from crm_notifications.domain.model import QUEUED, SENDING, Notification, StatusChange

N = orm.notifications


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


class NotificationRepository:
    def __init__(self, session: Session, seen: list):
        self.session = session
        self.seen = seen
        self._stored_history: dict[str, int] = {}

    def add(self, n: Notification) -> None:
        self.session.execute(sa.insert(N).values(**self._columns(n), id=n.id, idempotency_key=n.idempotency_key, created_at=n.created_at))
        self._write_history(n, 0)
        self.seen.append(n)

    def save(self, n: Notification) -> None:
        self.session.execute(sa.update(N).where(N.c.id == n.id).values(**self._columns(n)))
        self._write_history(n, self._stored_history.get(n.id, 0))

    def exists_for_key(self, idempotency_key: str) -> bool:
        return self.session.execute(sa.select(N.c.id).where(N.c.idempotency_key == idempotency_key)).first() is not None

    def get(self, notification_id: str, *, for_update: bool = False) -> Notification | None:
        query = sa.select(N).where(N.c.id == notification_id)
        found = self._load(query.with_for_update() if for_update else query)
        return found[0] if found else None

    def due_ids(self, now: datetime, limit: int) -> list[str]:
        query = sa.select(N.c.id).where(N.c.status == QUEUED, N.c.next_attempt_at <= now).order_by(N.c.next_attempt_at).limit(limit)
        return list(self.session.execute(query).scalars())

    def sending_since_before(self, cutoff: datetime, limit: int) -> list[str]:
        query = sa.select(N.c.id).where(N.c.status == SENDING, N.c.updated_at < cutoff).limit(limit)
        return list(self.session.execute(query).scalars())

    def list_visible(self, viewer: Viewer, person_id: str, before: tuple[datetime, str] | None, limit: int) -> list[Notification]:
        """Newest first, only what the viewer may see, optionally of one person."""
        query = sa.select(N).where(db.visible_to(viewer, N.c.owner, N.c.team, N.c.territory))
        if person_id:
            query = query.where(N.c.person_id == person_id)
        if before is not None:
            query = query.where(sa.tuple_(N.c.created_at, N.c.id) < sa.tuple_(sa.literal(before[0]), sa.literal(before[1])))
        return self._load(query.order_by(N.c.created_at.desc(), N.c.id.desc()).limit(limit))

    def _columns(self, n: Notification) -> dict:
        return {
            "person_id": n.person_id,
            "channel": n.channel,
            "recipient": n.recipient,
            "template": n.template,
            "subject": n.subject,
            "body": n.body,
            "owner": n.audience.owner,
            "team": n.audience.team,
            "territory": n.audience.territory,
            "status": n.status,
            "reason": n.reason,
            "attempts": n.attempts,
            "sent_at": n.sent_at,
            "next_attempt_at": n.next_attempt_at,
            "updated_at": n.history[-1].changed_at if n.history else n.created_at,
        }

    def _write_history(self, n: Notification, stored: int) -> None:
        new = [
            {"notification_id": n.id, "position": i, "status": c.status, "reason": c.reason, "changed_at": c.changed_at}
            for i, c in enumerate(n.history[stored:], start=stored)
        ]
        if new:
            self.session.execute(sa.insert(orm.status_changes), new)
        self._stored_history[n.id] = len(n.history)

    def _load(self, query) -> list[Notification]:
        rows = self.session.execute(query).all()
        if not rows:
            return []
        history = defaultdict(list)
        changes = orm.status_changes
        for c in self.session.execute(
            sa.select(changes).where(changes.c.notification_id.in_([r.id for r in rows])).order_by(changes.c.notification_id, changes.c.position)
        ):
            history[c.notification_id].append(StatusChange(c.status, c.reason, _utc(c.changed_at)))
        result = []
        for r in rows:
            n = Notification(
                id=r.id,
                idempotency_key=r.idempotency_key,
                person_id=r.person_id,
                channel=r.channel,
                recipient=r.recipient,
                template=r.template,
                subject=r.subject,
                body=r.body,
                audience=Audience(r.owner, r.team, r.territory),
                status=r.status,
                reason=r.reason,
                attempts=r.attempts,
                created_at=_utc(r.created_at),
                sent_at=_utc(r.sent_at),
                next_attempt_at=_utc(r.next_attempt_at),
                history=history[r.id],
            )
            self._stored_history[n.id] = len(n.history)
            result.append(n)
        self.seen.extend(result)
        return result
