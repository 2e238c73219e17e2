"""Loading and saving notifications, templates, suppressions, batches and the recipients replica."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis import db
from crm_chassis.access import Audience, Viewer
from crm_notifications.adapters import orm
from crm_notifications.domain.model import QUEUED, SENDING, Notification, StatusChange
from crm_notifications.domain.policy import Suppression
from crm_notifications.domain.recipients import ConsentRecord, Recipient
from crm_notifications.domain.templates import Template

N = orm.notifications


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

    def get_by_key(self, idempotency_key: str) -> Notification | None:
        found = self._load(sa.select(N).where(N.c.idempotency_key == idempotency_key))
        return found[0] if found else None

    def existing_keys(self, keys: list[str]) -> set[str]:
        return set(self.session.execute(sa.select(N.c.idempotency_key).where(N.c.idempotency_key.in_(keys))).scalars())

    def add_many(self, notifications: list[Notification]) -> None:
        """Inserts a chunk in two statements; the caller keeps chunks small."""
        if not notifications:
            return
        self.session.execute(
            sa.insert(N), [{**self._columns(n), "id": n.id, "idempotency_key": n.idempotency_key, "created_at": n.created_at} for n in notifications]
        )
        rows = [
            {"notification_id": n.id, "position": i, "status": c.status, "reason": c.reason, "changed_at": c.changed_at}
            for n in notifications
            for i, c in enumerate(n.history)
        ]
        self.session.execute(sa.insert(orm.status_changes), rows)

    def forget_person(self, person_id: str) -> int:
        """Erasure: a person's notifications (addresses, rendered bodies), their history and their events go."""
        n = orm.notifications
        ids = list(self.session.execute(sa.select(n.c.id).where(n.c.person_id == person_id)).scalars())
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            self.session.execute(sa.delete(orm.outbox).where(orm.outbox.c.aggregate_type == "notification", orm.outbox.c.aggregate_id.in_(chunk)))
            self.session.execute(sa.delete(orm.status_changes).where(orm.status_changes.c.notification_id.in_(chunk)))
            self.session.execute(sa.delete(n).where(n.c.id.in_(chunk)))
        return len(ids)

    def get_by_provider_id(self, channel: str, provider_id: str) -> Notification | None:
        found = self._load(sa.select(N).where(N.c.channel == channel, N.c.provider_id == provider_id).with_for_update())
        return found[0] if found else None

    def get(self, notification_id: str, *, for_update: bool = False) -> Notification | None:
        query = sa.select(N).where(N.c.id == notification_id)
        found = self._load(query.with_for_update() if for_update else query)
        return found[0] if found else None

    def due(self, now: datetime, limit: int, channels: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
        """(id, channel) of queued notifications whose time has come, oldest first."""
        query = sa.select(N.c.id, N.c.channel).where(N.c.status == QUEUED, N.c.next_attempt_at <= now)
        if channels is not None:
            query = query.where(N.c.channel.in_(channels))
        return [tuple(r) for r in self.session.execute(query.order_by(N.c.next_attempt_at).limit(limit))]

    def due_ids(self, now: datetime, limit: int) -> list[str]:
        return [notification_id for notification_id, _ in self.due(now, limit)]

    def sending_since_before(self, cutoff: datetime, limit: int) -> list[str]:
        query = sa.select(N.c.id).where(N.c.status == SENDING, N.c.updated_at < cutoff).limit(limit)
        return list(self.session.execute(query).scalars())

    def list_visible(
        self, viewer: Viewer, person_id: str, before: tuple[datetime, str] | None, limit: int, *,
        campaign_id: str = "", batch_id: str = "", idempotency_key: str = "", statuses: tuple[str, ...] = (),
    ) -> list[Notification]:
        """Newest first, only what the viewer may see, filtered as asked."""
        query = sa.select(N).where(db.visible_to(viewer, N.c.owner, N.c.team, N.c.territory))
        for column, value in ((N.c.person_id, person_id), (N.c.campaign_id, campaign_id), (N.c.batch_id, batch_id), (N.c.idempotency_key, idempotency_key)):
            if value:
                query = query.where(column == value)
        if statuses:
            query = query.where(N.c.status.in_(statuses))
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
            "purpose": n.purpose,
            "language": n.language,
            "template_version": n.template_version,
            "variables": json.dumps(n.variables, sort_keys=True),
            "campaign_id": n.campaign_id,
            "batch_id": n.batch_id,
            "provider_id": n.provider_id,
            "segments": n.segments,
            "phone_outcome": n.phone_outcome,
            "call_back_at": n.call_back_at,
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
            history[c.notification_id].append(StatusChange(c.status, c.reason, c.changed_at))
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
                created_at=r.created_at,
                sent_at=r.sent_at,
                next_attempt_at=r.next_attempt_at,
                history=history[r.id],
                purpose=r.purpose,
                language=r.language,
                template_version=r.template_version,
                variables=json.loads(r.variables),
                campaign_id=r.campaign_id,
                batch_id=r.batch_id,
                provider_id=r.provider_id,
                segments=r.segments,
                phone_outcome=r.phone_outcome,
                call_back_at=r.call_back_at,
            )
            self._stored_history[n.id] = len(n.history)
            result.append(n)
        self.seen.extend(result)
        return result


class TemplateRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, template: Template) -> None:
        self.session.execute(sa.insert(orm.templates).values(**asdict(template)))

    def latest_version(self, name: str, language: str) -> int:
        t = orm.templates
        return self.session.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.version), 0)).where(t.c.name == name, t.c.language == language)).scalar_one()

    def get(self, name: str, language: str, version: int = 0, *, as_of: datetime | None = None) -> Template | None:
        """That version, or the latest one (created by `as_of` when given)."""
        t = orm.templates
        query = sa.select(t).where(t.c.name == name, t.c.language == language)
        if as_of is not None:
            query = query.where(t.c.created_at <= as_of)
        query = query.where(t.c.version == version) if version else query.order_by(t.c.version.desc()).limit(1)
        row = self.session.execute(query).first()
        return self._template(row) if row else None

    def find(self, name: str, languages: list[str], *, as_of: datetime | None = None) -> Template | None:
        """The latest version (created by `as_of` when given) in the first language that has one."""
        for language in languages:
            if found := self.get(name, language, as_of=as_of):
                return found
        return None

    def exists(self, name: str) -> bool:
        return self.session.execute(sa.select(orm.templates.c.name).where(orm.templates.c.name == name).limit(1)).first() is not None

    def list(self, name: str, after: tuple[str, str, int] | None, limit: int) -> list[Template]:
        """Every version of `name`, or the latest of each name and language, in name order."""
        t = orm.templates
        if name:
            query = sa.select(t).where(t.c.name == name)
        else:
            latest = sa.select(t.c.name, t.c.language, sa.func.max(t.c.version).label("version")).group_by(t.c.name, t.c.language).subquery()
            query = sa.select(t).join(latest, sa.and_(t.c.name == latest.c.name, t.c.language == latest.c.language, t.c.version == latest.c.version))
        if after is not None:
            query = query.where(sa.tuple_(t.c.name, t.c.language, t.c.version) > sa.tuple_(*(sa.literal(v) for v in after)))
        rows = self.session.execute(query.order_by(t.c.name, t.c.language, t.c.version).limit(limit)).all()
        return [self._template(r) for r in rows]

    @staticmethod
    def _template(r) -> Template:
        return Template(r.name, r.language, r.version, r.channel, r.subject, r.text_body, r.html_body, r.created_at)


class SuppressionRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, channel: str, address: str) -> Suppression | None:
        s = orm.suppressions
        row = self.session.execute(sa.select(s).where(s.c.channel == channel, s.c.address == address)).first()
        return Suppression(row.address, row.channel, row.reason, row.marketing_only, row.created_at) if row else None

    def put(self, suppression: Suppression) -> None:
        """Adds or replaces: a later, wider suppression (bounce) overrides an unsubscribe."""
        self.delete(suppression.channel, suppression.address)
        self.session.execute(sa.insert(orm.suppressions).values(**asdict(suppression)))

    def delete(self, channel: str, address: str) -> bool:
        s = orm.suppressions
        return self.session.execute(sa.delete(s).where(s.c.channel == channel, s.c.address == address)).rowcount > 0

    def list(self, channel: str, after: tuple[str, str] | None, limit: int) -> list[Suppression]:
        s = orm.suppressions
        query = sa.select(s)
        if channel:
            query = query.where(s.c.channel == channel)
        if after is not None:
            query = query.where(sa.tuple_(s.c.channel, s.c.address) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        rows = self.session.execute(query.order_by(s.c.channel, s.c.address).limit(limit)).all()
        return [Suppression(r.address, r.channel, r.reason, r.marketing_only, r.created_at) for r in rows]


class RecipientRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, person_id: str, *, for_update: bool = False) -> Recipient | None:
        query = sa.select(orm.recipients.c.data).where(orm.recipients.c.person_id == person_id)
        data = self.session.execute(query.with_for_update() if for_update else query).scalar_one_or_none()
        return _recipient(json.loads(data)) if data else None

    def get_many(self, person_ids: Iterable[str]) -> dict[str, Recipient]:
        """One query for a chunk of people (a batch's recipients)."""
        ids = list(set(filter(None, person_ids)))
        if not ids:
            return {}
        rows = self.session.execute(sa.select(orm.recipients.c.data).where(orm.recipients.c.person_id.in_(ids))).scalars()
        return {r.person_id: r for r in (_recipient(json.loads(data)) for data in rows)}

    def delete(self, person_id: str) -> bool:
        return bool(self.session.execute(sa.delete(orm.recipients).where(orm.recipients.c.person_id == person_id)).rowcount)

    def put(self, recipient: Recipient, now: datetime) -> None:
        r = orm.recipients
        data = json.dumps(_recipient_json(recipient), sort_keys=True)
        updated = self.session.execute(sa.update(r).where(r.c.person_id == recipient.person_id).values(data=data, updated_at=now)).rowcount
        if not updated:
            self.session.execute(sa.insert(r).values(person_id=recipient.person_id, data=data, updated_at=now))


class BatchRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, batch_id: str, *, for_update: bool = False) -> tuple[dict, int] | None:
        query = sa.select(orm.batches.c.settings, orm.batches.c.total).where(orm.batches.c.batch_id == batch_id)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        return (json.loads(row.settings), row.total) if row else None

    def add(self, batch_id: str, settings: dict, now: datetime) -> None:
        self.session.execute(sa.insert(orm.batches).values(batch_id=batch_id, settings=json.dumps(settings, sort_keys=True), total=0, created_at=now))

    def set_total(self, batch_id: str, total: int) -> None:
        self.session.execute(sa.update(orm.batches).where(orm.batches.c.batch_id == batch_id).values(total=total))


def _recipient_json(r: Recipient) -> dict:
    data = asdict(r)
    data["consents"] = [
        {"channel": c, "purpose": p, "granted": rec.granted, "recorded_at": rec.recorded_at.isoformat()} for (c, p), rec in sorted(r.consents.items())
    ]
    return data


def _recipient(data: dict) -> Recipient:
    consents = {
        (c["channel"], c["purpose"]): ConsentRecord(c["granted"], datetime.fromisoformat(c["recorded_at"])) for c in data.pop("consents")
    }
    audience = Audience(**data.pop("audience"))
    tuples = {k: tuple(v) for k, v in data.items() if isinstance(v, list)}
    return Recipient(**{**data, **tuples}, consents=consents, audience=audience)
