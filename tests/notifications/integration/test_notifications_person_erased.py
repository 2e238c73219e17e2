"""Contacts' PersonErased and PersonUpdated in the notifications replica: erasure leaves nothing about the person."""
from __future__ import annotations

import sqlalchemy as sa
from notifications_support import contacts_person, notification_rows, outbox_rows, person_created

from crm.contacts.v1 import contacts_pb2
from crm_notifications.adapters import orm
from crm_notifications.entrypoints import mappers
from crm_notifications.service_layer import handlers


def erase(app, person_id: str, event_id: str = "erase-1") -> bool:
    return handlers.person_erased(person_id, app.uow(), consumer="notifications.on_person_erased", event_id=event_id)


def test_person_erased_deletes_replica_notifications_history_and_events(make_app, smtp_sink, engine):
    app = make_app(smtp_sink.port)
    welcome = person_created(app, contacts_person(person_id="p-1", email="ada@example.org"))
    handlers.deliver(welcome, app.uow, app.channels, app.rules)
    other = person_created(app, contacts_person(person_id="p-2", email="bob@example.org"))
    assert [r.person_id for r in notification_rows(engine)] and outbox_rows(engine, welcome)

    assert erase(app, "p-1") is True
    assert erase(app, "p-1") is False  # the same event again changes nothing

    assert [r.person_id for r in notification_rows(engine)] == ["p-2"]
    assert outbox_rows(engine, welcome) == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(orm.recipients.c.person_id)).scalars().all() == ["p-2"]
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.status_changes).where(orm.status_changes.c.notification_id == welcome)).scalar_one() == 0
        dumped = " ".join(str(v) for t in (orm.notifications, orm.status_changes, orm.recipients, orm.outbox) for r in conn.execute(sa.select(t)) for v in r)
    assert "ada@example.org" not in dumped and "bob@example.org" in dumped
    assert other is not None


def test_person_updated_refreshes_a_known_person_only(make_app, smtp_sink, engine):
    app = make_app(smtp_sink.port)
    person_created(app, contacts_person(person_id="p-1", email="ada@example.org"))
    changed = contacts_person(person_id="p-1", email="ada@lovelace.org", consent=None)
    assert handlers.person_updated(mappers.recipient(changed), app.uow(), consumer="notifications.on_person_updated", event_id="u-1")
    with app.uow() as uow:
        recipient = uow.recipients.get("p-1")
    assert recipient.emails == ("ada@lovelace.org",)
    assert recipient.consent("email", "service") is True  # consents known before are kept (newest wins)

    erase(app, "p-1")
    stranger = contacts_pb2.Person(id="p-1", given_name="Ada")
    assert not handlers.person_updated(mappers.recipient(stranger), app.uow(), consumer="notifications.on_person_updated", event_id="u-2")
    with app.uow() as uow:
        assert uow.recipients.get("p-1") is None
