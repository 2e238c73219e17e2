"""The contacts use cases on real SQLite and PostgreSQL: atomic outbox writes, visibility, keyset paging, idempotent history."""
from __future__ import annotations

import threading
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

    expected = {
        "persons": 1, "person_emails": 1, "person_phones": 1, "person_addresses": 0, "person_consents": 1, "person_history": 1, "outbox": 1, "inbox": 0,
        "person_anniversaries": 0, "person_tags": 0, "owned_products": 0,
    }
    rows = counts(app.engine)  # other areas' tables may hold what they derive from a person (search, match keys)
    assert {table: rows[table] for table in expected} == expected
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
        # allow_duplicates: the same email and phone every time (duplicates area)
        expected.append(create(app, jane(given_name=f"A{i}", allow_duplicates=True), viewer=ALICE).id)
        if i % 2:
            create(app, jane(given_name=f"B{i}", allow_duplicates=True), viewer=BOB)  # interleaved, and invisible to Alice

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


# -- profile fields and addresses -------------------------------------------

HOME = ("home", ["Strada Lipscani 12", "Ap. 3"], "030031", "Bucharest", "", "ro")
BILLING = ("billing", [], "", "Cluj-Napoca", "Cluj", "RO")


def test_profile_fields_and_addresses_survive_the_database_and_the_event(app):
    person = create(app, jane(salutation="Dear Ms Doe", preferred_language="RO-ro", time_zone="Europe/Bucharest", addresses=[HOME, BILLING]))

    stored = handlers.get_person(person.id, app.uow(), ALICE)
    assert stored == person
    assert (stored.salutation, stored.preferred_language, stored.time_zone) == ("Dear Ms Doe", "ro-RO", "Europe/Bucharest")
    assert [(a.kind, a.lines, a.country) for a in stored.addresses] == [("home", ("Strada Lipscani 12", "Ap. 3"), "RO"), ("billing", (), "RO")]
    assert counts(app.engine)["person_addresses"] == 2
    with app.engine.connect() as conn:
        [row] = conn.execute(sa.select(orm.outbox)).all()
    assert json_format.Parse(row.payload, events_pb2.PersonCreated()).person == messages.person(stored)


def test_an_invalid_profile_writes_nothing(app):
    with pytest.raises(InvalidArgument) as caught:
        create(app, jane(preferred_language="english", time_zone="Mars/Base", addresses=[("home", [], "", "", "", "XX")]))
    assert [v.field for v in caught.value.violations] == ["preferred_language", "time_zone", "addresses[0]", "addresses[0].country"]
    assert set(counts(app.engine).values()) == {0}


# -- set_person_consent ---------------------------------------------------------


def set_consent(app, person_id, channel="email", purpose="marketing", granted=True, source="web form", at=None, viewer=ALICE):
    return handlers.set_person_consent(commands.SetPersonConsent(person_id, channel, purpose, granted, source, at), app.uow(), viewer)


def outbox_rows(app):
    with app.engine.connect() as conn:
        return conn.execute(sa.select(orm.outbox).order_by(orm.outbox.c.position)).all()


def test_set_consent_commits_the_consent_a_history_line_and_one_consent_changed_event(app):
    person = create(app, jane(consents=[], addresses=[HOME]))

    changed = set_consent(app, person.id)

    [consent] = changed.consents
    assert (consent.channel, consent.purpose, consent.granted, consent.source) == ("email", "marketing", True, "web form")
    assert changed.updated_at > person.updated_at
    stored = handlers.get_person(person.id, app.uow(), ALICE)
    assert stored == changed
    assert (stored.emails, stored.phones, stored.addresses) == (person.emails, person.phones, person.addresses)  # saving kept the rest
    [newest, _], _ = history(app, person.id)
    assert (newest.kind, newest.summary, newest.source, newest.occurred_at) == (
        "ConsentChanged", "Email marketing consent granted via web form", "contacts", consent.recorded_at
    )
    [_, row] = outbox_rows(app)
    assert (row.event_type, row.message_type, row.aggregate_type, row.aggregate_id, row.state) == (
        "ConsentChanged", "crm.contacts.v1.ConsentChanged", "person", person.id, "pending"
    )
    event = json_format.Parse(row.payload, events_pb2.ConsentChanged())
    assert event == events_pb2.ConsentChanged(person_id=person.id, consent=messages.consent(consent))


def test_the_same_answer_again_writes_and_publishes_nothing(app):
    person = create(app)  # email/marketing granted
    before = counts(app.engine)

    again = set_consent(app, person.id, source="call centre")

    assert counts(app.engine) == before
    assert again == handlers.get_person(person.id, app.uow(), ALICE) == person


def test_withdrawing_and_refusing_read_as_such_in_the_dossier(app):
    person = create(app)
    at = person.created_at - timedelta(minutes=2)  # entered after the fact: the dossier places them when they happened
    set_consent(app, person.id, granted=False, source="unsubscribe link", at=at)
    set_consent(app, person.id, channel="sms", purpose="service", granted=False, source="", at=at + timedelta(minutes=1))

    entries, _ = history(app, person.id)
    assert [e.summary for e in entries] == ["Jane Doe added by alice", "SMS service consent refused", "Email marketing consent withdrawn via unsubscribe link"]
    stored = handlers.get_person(person.id, app.uow(), ALICE)
    assert [(c.channel, c.purpose, c.granted, c.recorded_at) for c in stored.consents] == [("email", "marketing", False, at), ("sms", "service", False, at + timedelta(minutes=1))]
    assert [r.event_type for r in outbox_rows(app)] == ["PersonCreated", "ConsentChanged", "ConsentChanged"]


def test_set_consent_on_a_missing_or_invisible_person_is_not_found_and_writes_nothing(app):
    person = create(app)
    before = counts(app.engine)
    for person_id, viewer in ((person.id, BOB), (str(uuid.uuid4()), ALICE), ("", ADMIN)):
        with pytest.raises(NotFound):
            set_consent(app, person_id, granted=False, viewer=viewer)
    # Not even a bad request tells an outsider that the person exists.
    with pytest.raises(NotFound):
        set_consent(app, person.id, channel="pigeon", viewer=BOB)
    assert set_consent(app, person.id, granted=False, viewer=CAROL).consents[0].granted is False  # same territory may
    assert counts(app.engine)["outbox"] == before["outbox"] + 1


def test_an_invalid_consent_writes_nothing(app):
    person = create(app)
    before = counts(app.engine)
    with pytest.raises(InvalidArgument) as caught:
        set_consent(app, person.id, channel=None, purpose="spam", source="s" * 201, at=datetime.now(UTC) + timedelta(hours=1))
    assert [v.field for v in caught.value.violations] == ["channel", "purpose", "record_time", "source"]
    assert counts(app.engine) == before


def test_concurrent_consent_changes_to_one_person_are_both_kept(app):
    """The person row is locked while one change is made, so the other waits and then sees it."""
    person = create(app, jane(consents=[]))
    first = app.uow()
    with first:
        held = first.persons.get(person.id, for_update=True)
        other = threading.Thread(target=set_consent, args=(app, person.id, "sms", "service", True, "call"))
        other.start()
        other.join(0.5)
        assert other.is_alive(), "the second change did not wait for the first"
        held.set_consent("email", "marketing", True, "web form")
        first.persons.save(held)
        first.commit()
    other.join(30)
    stored = handlers.get_person(person.id, app.uow(), ALICE)
    assert [(c.channel, c.purpose) for c in stored.consents] == [("email", "marketing"), ("sms", "service")]
    assert [r.event_type for r in outbox_rows(app)] == ["PersonCreated", "ConsentChanged", "ConsentChanged"]
