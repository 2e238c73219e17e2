"""The contacts use cases on real SQLite and PostgreSQL: atomic outbox writes, visibility, keyset paging, idempotent history."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from contacts_support import ADMIN, ALICE, BOB, CAROL, counts, jane
from google.protobuf import json_format

from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import events_pb2
from crm_chassis import paging
from crm_chassis.errors import InvalidArgument, NotFound
from crm_contacts.adapters import messages, orm
from crm_contacts.domain import commands
from crm_contacts.service_layer import handlers

CONSUMER = "contacts.on_notification_sent"


def create(app, cmd=None, viewer=ALICE, region=None):
    return handlers.create_person(cmd or jane(), app.uow(), viewer, region)


def history(app, person_id, viewer=ALICE, page_size=0, page_token=""):
    return handlers.list_history(person_id, app.uow(), viewer, page_size, page_token)


def test_create_commits_person_history_and_exactly_one_outbox_event(app):
    person = create(app, jane(phones=[("0721 234 567", "mobile")]), region="RO")

    assert counts(app.engine) == {
        "persons": 1, "person_emails": 1, "person_phones": 1, "person_consents": 1, "person_history": 1, "outbox": 1, "inbox": 0
    }
    stored = handlers.get_person(person.id, app.uow(), ALICE)
    assert stored == person  # every field, consents and timestamps included, survives the database
    assert stored.emails[0].address == "Jane.Doe@example.com"
    assert stored.phones[0].number == "+40721234567"

    [entry], token = history(app, person.id)
    assert (entry.kind, entry.source, entry.occurred_at, token) == ("PersonCreated", "contacts", person.created_at, "")
    assert entry.summary == "Jane Doe added by alice"

    with app.engine.connect() as conn:
        [row] = conn.execute(sa.select(orm.outbox)).all()
    assert (row.event_type, row.message_type, row.aggregate_type, row.aggregate_id, row.state) == (
        "PersonCreated", "crm.contacts.v1.PersonCreated", "person", person.id, "pending"
    )
    event = json_format.Parse(row.payload, events_pb2.PersonCreated())
    assert event.person == messages.person(person)
    uuid.UUID(row.event_id)


def test_a_failure_while_writing_the_outbox_leaves_nothing_behind(app, monkeypatch):
    """The person, its history and its event are one transaction: no event, no person."""

    def broken(event):
        raise RuntimeError("outbox mapping failed")

    monkeypatch.setattr(messages, "outbound", broken)
    with pytest.raises(RuntimeError, match="outbox mapping failed"):
        create(app)
    assert set(counts(app.engine).values()) == {0}


def test_an_invalid_create_writes_nothing(app):
    with pytest.raises(InvalidArgument) as caught:
        create(app, jane(given_name="", family_name="", emails=[("nope", "work")], phones=[("+40 12", "work")]))
    assert [v.field for v in caught.value.violations] == ["given_name", "family_name", "emails[0].address", "phones[0].number"]
    assert set(counts(app.engine).values()) == {0}


def test_times_in_other_zones_are_stored_as_the_same_instant(app):
    """SQLite keeps a datetime's wall time and drops its offset, so storage must be UTC."""
    bucharest = timezone(timedelta(hours=3))
    given = datetime(2024, 3, 1, 12, 0, tzinfo=bucharest)
    person = create(app, jane(consents=[("email", "marketing", True, "web", given)]))
    assert handlers.get_person(person.id, app.uow(), ALICE).consents[0].recorded_at == given

    later = (person.created_at + timedelta(hours=1)).astimezone(bucharest)
    assert handlers.record_history(commands.RecordHistory("evt-tz", person.id, "NotificationSent", "later", "notifications", later), app.uow(), CONSUMER)
    entries, _ = history(app, person.id)
    assert [(e.kind, e.occurred_at) for e in entries] == [("NotificationSent", later), ("PersonCreated", person.created_at)]


def test_get_and_list_honour_record_level_visibility(app):
    mine = create(app, viewer=ALICE)
    theirs = create(app, jane(given_name="Max"), viewer=BOB)

    def visible(viewer):
        persons, token = handlers.list_persons(app.uow(), viewer, 0, "")
        assert token == ""
        return [p.id for p in persons]

    assert visible(ALICE) == [mine.id]
    assert visible(BOB) == [theirs.id]
    assert visible(CAROL) == [mine.id]  # same territory
    assert visible(ADMIN) == [mine.id, theirs.id]

    assert handlers.get_person(mine.id, app.uow(), CAROL) == mine
    for hidden in (mine.id, str(uuid.uuid4())):
        with pytest.raises(NotFound):
            handlers.get_person(hidden, app.uow(), BOB)
        with pytest.raises(NotFound):
            history(app, hidden, viewer=BOB)


def test_list_persons_pages_by_keyset_in_creation_order(app):
    expected = []
    for i in range(7):
        expected.append(create(app, jane(given_name=f"A{i}"), viewer=ALICE).id)
        if i % 2:
            create(app, jane(given_name=f"B{i}"), viewer=BOB)  # interleaved, and invisible to Alice

    pages, token = [], ""
    while True:
        persons, token = handlers.list_persons(app.uow(), ALICE, 3, token)
        pages.append([p.id for p in persons])
        if not token:
            break
        assert len(pages) < 5, "paging does not end"
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for page in pages for i in page] == expected

    # A page that ends exactly at the last person says so, instead of promising an empty page.
    persons, token = handlers.list_persons(app.uow(), ALICE, 7, "")
    assert ([p.id for p in persons], token) == (expected, "")


@pytest.mark.parametrize(
    "token",
    ["garbage!", paging.encode({"after": 1}), paging.encode(["not a time", "id"]), paging.encode(["2024-01-01T00:00:00+00:00"])],
)
def test_a_garbage_page_token_is_invalid_argument_on_page_token(app, token):
    with pytest.raises(InvalidArgument) as caught:
        handlers.list_persons(app.uow(), ALICE, 3, token)
    assert [v.field for v in caught.value.violations] == ["page_token"]
    with pytest.raises(InvalidArgument) as caught:
        handlers.list_persons(app.uow(), ALICE, -1, "")
    assert [v.field for v in caught.value.violations] == ["page_size"]


def test_record_history_is_idempotent_per_event_id_and_ignores_unknown_persons(app):
    person = create(app)
    at = person.created_at + timedelta(minutes=5)

    def record(event_id, person_id=person.id, summary="Email 'Hi' sent to jane@example.com", occurred_at=at):
        cmd = commands.RecordHistory(event_id, person_id, "NotificationSent", summary, "notifications", occurred_at)
        return handlers.record_history(cmd, app.uow(), CONSUMER)

    assert record("evt-1") is True
    assert record("evt-1", summary="a redelivery") is False
    assert record("evt-unknown", person_id=str(uuid.uuid4())) is False
    assert record("evt-unknown") is False  # remembered: the same event never counts later
    assert record("evt-2", summary="second", occurred_at=at + timedelta(minutes=1)) is True

    entries, token = history(app, person.id, page_size=2)
    assert [(e.kind, e.summary, e.source) for e in entries] == [
        ("NotificationSent", "second", "notifications"),
        ("NotificationSent", "Email 'Hi' sent to jane@example.com", "notifications"),
    ]
    assert entries[1].occurred_at == at
    rest, last = history(app, person.id, page_size=2, page_token=token)
    assert ([e.kind for e in rest], last) == (["PersonCreated"], "")
    rows = counts(app.engine)
    assert (rows["person_history"], rows["inbox"], rows["outbox"]) == (3, 3, 1)  # history from elsewhere publishes nothing


def test_record_history_without_a_time_uses_now(app):
    person = create(app)
    before = datetime.now(UTC)
    assert handlers.record_history(commands.RecordHistory("evt-now", person.id, "NotificationFailed", "failed", "notifications", None), app.uow(), CONSUMER)
    [newest, _], _ = history(app, person.id)
    assert newest.kind == "NotificationFailed"
    assert before <= newest.occurred_at <= datetime.now(UTC)


def test_person_message_from_the_database_has_enum_values(app):
    person = create(app, jane(emails=[("j@home.example", "personal")], consents=[("sms", "service", False, "call", None)]))
    message = messages.person(handlers.get_person(person.id, app.uow(), ALICE))
    assert (message.emails[0].kind, message.consents[0].channel, message.consents[0].purpose) == (
        pb.EMAIL_KIND_PERSONAL, pb.CHANNEL_SMS, pb.PURPOSE_SERVICE
    )
