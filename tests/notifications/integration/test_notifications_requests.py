"""Accepting requests: SendNotification's validation and idempotency, SendBatch's chunks, the person who is not known yet, filters."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from notifications_support import (
    ADMIN,
    add_template,
    contacts_person,
    deliver,
    deliver_due,
    load,
    notification_rows,
    person_created,
    send,
)

from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import FailedPrecondition, InvalidArgument
from crm_notifications.adapters import orm
from crm_notifications.domain import commands
from crm_notifications.domain.model import FAILED, QUEUED, SENT, SKIPPED, utcnow
from crm_notifications.service_layer import handlers


def fields_of(raised) -> list[str]:
    return [v.field for v in raised.value.violations]


@pytest.fixture
def app(make_app, smtp_sink):
    app = make_app(smtp_sink.port)
    add_template(app, "note", "Hello {{ person.given_name }}, about {{ topic }}.", subject="About {{ topic }}")
    add_template(app, "reminder", "Reminder: {{ topic }}", channel="sms")
    add_template(app, "plain", "About {{ topic }}.", subject="About {{ topic }}")
    return app


# -- SendNotification ----------------------------------------------------------------------------------


def test_every_bad_field_is_reported_at_once(app, engine):
    cmd = commands.SendNotification(idempotency_key=" ", channel=None, purpose=None, template="")

    with pytest.raises(InvalidArgument) as raised:
        handlers.send_notification(cmd, app.uow(), ADMIN, app.rules)

    assert fields_of(raised) == ["idempotency_key", "channel", "purpose", "recipient", "template"]
    assert notification_rows(engine) == []


def test_the_address_is_checked_for_the_channel_and_the_template_for_its_channel_and_variables(app):
    with pytest.raises(InvalidArgument) as raised:
        send(app, "k" * 201, channel="sms", address="0721 234 567", template="note", variables={"topic": "x"})
    assert fields_of(raised) == ["idempotency_key", "recipient.address", "template"]
    assert "is for email, not sms" in raised.value.violations[2].description

    with pytest.raises(InvalidArgument) as raised:
        send(app, channel="email", address="ada@", template="no-such-template", person_id="")
    assert fields_of(raised) == ["recipient.address", "template"]

    with pytest.raises(InvalidArgument) as raised:
        send(app, person_id="p-1", address="ada@example.org", template="note", variables={"topic": "x"})
    assert fields_of(raised) == ["recipient"]  # one or the other


def test_a_variable_the_template_needs_is_required_when_asking(app, engine):
    with pytest.raises(InvalidArgument) as raised:
        send(app, address="ada@example.org", template="note", variables={"other": "x"})

    assert fields_of(raised) == ["variables.topic"]
    assert notification_rows(engine) == []


def test_a_request_is_queued_with_the_normalised_address_and_the_callers_audience(app, smtp_sink):
    n = send(app, "k-1", address=" Ada@Example.ORG ", template="plain", variables={"topic": "your order"}, viewer=Viewer("carol", "south-team", "south"))

    assert (n.status, n.recipient, n.person_id, n.audience) == (QUEUED, "ada@example.org", "", Audience("carol", "south-team", "south"))
    assert deliver(app, n.id) == SENT
    [message] = smtp_sink.messages()
    assert (message["To"], message["Subject"], message.get_content()) == ("ada@example.org", "About your order", "About your order.\n")


def test_a_bare_address_has_no_person_so_a_template_reading_person_fails_at_send_time(app, smtp_sink):
    n = send(app, address="ada@example.org", template="note", variables={"topic": "t"})  # person.* is only checked when sending

    assert deliver(app, n.id) == FAILED

    failed = load(app, n.id)
    assert failed.reason == "template 'note' (en, v1): 'dict object' has no attribute 'given_name'"
    assert (failed.attempts, smtp_sink.messages()) == (0, [])


def test_the_same_idempotency_key_returns_the_first_notification_and_sends_once(app, smtp_sink, engine):
    first = send(app, "order-42-shipped", address="ada@example.org", template="plain", variables={"topic": "a"})
    again = send(app, "order-42-shipped", address="bob@example.org", template="note", variables={"topic": "b"})

    assert again.id == first.id and again.recipient == "ada@example.org"
    assert deliver(app, first.id) == SENT
    assert send(app, "order-42-shipped", address="ada@example.org", template="plain", variables={"topic": "a"}).status == SENT
    assert len(notification_rows(engine)) == 1 and len(smtp_sink.messages()) == 1


def test_a_request_for_later_waits_for_its_time(app, smtp_sink):
    at = utcnow() + timedelta(hours=3)
    n = send(app, address="ada@example.org", template="plain", variables={"topic": "t"}, send_at=at)

    assert n.next_attempt_at == at
    assert deliver(app, n.id) is None and deliver_due(app).tried == 0
    assert deliver_due(app, clock=lambda: at).tried == 1
    assert load(app, n.id).status == SENT and len(smtp_sink.messages()) == 1


# -- the person, decided at send time ---------------------------------------------------------------------


def test_a_request_for_a_person_contacts_has_not_told_us_about_waits_then_is_sent_once_they_arrive(app, smtp_sink):
    n = send(app, person_id="p-late", template="note", variables={"topic": "t"})

    assert deliver(app, n.id) == QUEUED
    waiting = load(app, n.id)
    assert (waiting.reason, waiting.attempts) == ("waiting for the person's details from contacts", 0)
    assert waiting.next_attempt_at > utcnow() + timedelta(seconds=25)

    person_created(app, contacts_person(person_id="p-late", given_name="Grace", email="grace@example.org", owner="dave", team="", territory=""))
    assert deliver_due(app, clock=lambda: utcnow() + timedelta(seconds=31)).tried == 2  # and the person's welcome

    sent = load(app, n.id)
    assert (sent.status, sent.recipient, sent.audience) == (SENT, "grace@example.org", Audience("dave"))  # the person's audience now
    assert [m["X-Sink-Rcpt-To"] for m in smtp_sink.messages() if m["Subject"] == "About t"] == ["grace@example.org"]


def test_a_person_who_never_arrives_fails_the_request_after_an_hour(app, smtp_sink):
    n = send(app, person_id="p-ghost", template="note", variables={"topic": "t"})
    deliver(app, n.id)

    assert deliver_due(app, clock=lambda: utcnow() + timedelta(minutes=61)).tried == 1

    failed = load(app, n.id)
    assert failed.status == FAILED
    assert failed.reason == "person p-ghost is unknown to notifications (no PersonCreated from contacts)"
    assert smtp_sink.messages() == []


def test_a_person_without_an_address_for_the_channel_is_skipped(app, smtp_sink):
    person_created(app, contacts_person(person_id="p-1", landline="+40211111111"))
    n = send(app, channel="sms", person_id="p-1", template="reminder", variables={"topic": "t"})

    assert deliver(app, n.id) == SKIPPED
    assert load(app, n.id).reason == "the person has no sms address"


# -- SendBatch ------------------------------------------------------------------------------------------------


def batch(batch_id: str, recipients, **fields) -> commands.SendBatch:
    values = {"channel": "email", "purpose": "service", "template": "plain", "variables": {"topic": "spring"}} | fields
    return commands.SendBatch(
        batch_id=batch_id,
        recipients=[r if isinstance(r, commands.BatchRecipient) else commands.BatchRecipient(address=r) for r in recipients],
        **values,
    )


def send_batch(app, cmd: commands.SendBatch) -> tuple[int, int, int]:
    return handlers.send_batch(cmd, app.uow(), ADMIN, app.rules)


def addresses(n: int, start: int = 0) -> list[str]:
    return [f"r{i}@example.org" for i in range(start, start + n)]


def test_a_batch_takes_one_to_a_thousand_recipients_per_call(app, engine):
    for size in (0, 1001):
        with pytest.raises(InvalidArgument) as raised:
            send_batch(app, batch("b-1", addresses(size)))
        assert fields_of(raised) == ["recipients"]

    assert send_batch(app, batch("b-1", addresses(1000))) == (1000, 0, 1000)

    assert len(notification_rows(engine, batch_id="b-1")) == 1000


def test_repeated_calls_add_nobody_twice(app, engine):
    assert send_batch(app, batch("b-1", addresses(3))) == (3, 0, 3)
    assert send_batch(app, batch("b-1", addresses(3, start=1))) == (1, 2, 4)  # r1, r2 again; r3 new
    assert send_batch(app, batch("b-1", ["r4@example.org", "R4@Example.org", "r5@example.org"])) == (2, 1, 6)  # the same address twice in one call

    rows = notification_rows(engine, batch_id="b-1")
    assert sorted(r.recipient for r in rows) == addresses(6)
    assert all(r.idempotency_key == f"batch:b-1:{r.recipient}" for r in rows)
    # another batch may reach the same people
    assert send_batch(app, batch("b-2", addresses(2))) == (2, 0, 2)


def test_rate_per_minute_spreads_the_batch_from_its_send_time_across_calls(app, engine):
    start = utcnow() + timedelta(hours=1)

    send_batch(app, batch("b-1", addresses(3), send_at=start, rate_per_minute=30))
    send_batch(app, batch("b-1", addresses(2, start=3), send_at=start, rate_per_minute=30))

    times = {r.recipient: r.next_attempt_at.replace(tzinfo=None) for r in notification_rows(engine, batch_id="b-1")}
    assert times == {f"r{i}@example.org": (start + timedelta(seconds=2 * i)).replace(tzinfo=None) for i in range(5)}


def test_a_batch_without_a_rate_is_all_due_at_its_send_time(app, engine):
    start = utcnow() + timedelta(minutes=5)

    send_batch(app, batch("b-1", addresses(3), send_at=start))

    assert {r.next_attempt_at.replace(tzinfo=None) for r in notification_rows(engine, batch_id="b-1")} == {start.replace(tzinfo=None)}


CHANGES = [{"template": "note"}, {"variables": {"topic": "autumn"}}, {"rate_per_minute": 10}, {"purpose": "marketing"}, {"campaign_id": "c-2"}, {"language": "ro"}]


def test_the_same_batch_id_with_other_settings_is_refused(app, engine):
    send_batch(app, batch("b-1", addresses(2)))

    for change in CHANGES:
        with pytest.raises(FailedPrecondition, match="batch b-1 was started with other settings"):
            send_batch(app, batch("b-1", addresses(2, start=2), **change))

    assert len(notification_rows(engine, batch_id="b-1")) == 2
    assert send_batch(app, batch("b-1", addresses(2, start=2))) == (2, 0, 4)  # the same settings are welcome


def test_one_invalid_recipient_rejects_the_whole_chunk_and_writes_nothing(app, engine):
    recipients = [
        commands.BatchRecipient(address="ok@example.org"),
        commands.BatchRecipient(address="not an address"),
        commands.BatchRecipient(person_id="p-1", address="both@example.org"),
        commands.BatchRecipient(address="x@example.org", variables={"topic": ""}),
        commands.BatchRecipient(person_id="p-2"),
    ]

    with pytest.raises(InvalidArgument) as raised:
        send_batch(app, batch("b-1", recipients, variables={}))

    assert fields_of(raised) == [
        "recipients[1].recipient.address",
        "recipients[2].recipient",
        "recipients[0].variables.topic",
        "recipients[1].variables.topic",
        "recipients[2].variables.topic",
        "recipients[4].variables.topic",
    ]
    assert notification_rows(engine) == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.batches)).scalar_one() == 0
    # nothing was stored, so the batch id is still free for any settings
    assert send_batch(app, batch("b-1", addresses(1), rate_per_minute=5)) == (1, 0, 1)


def test_per_recipient_variables_win_over_the_batchs_and_each_person_gets_their_own_text(app, smtp_sink):
    # no email consent on record: no welcome, but service messages go
    person_created(app, contacts_person(person_id="p-1", given_name="Ada", email="ada@example.org", consent=None))
    person_created(app, contacts_person(person_id="p-2", given_name="Grace", email="grace@example.org", consent=None))
    recipients = [commands.BatchRecipient(person_id="p-1"), commands.BatchRecipient(person_id="p-2", variables={"topic": "autumn"})]
    send_batch(app, batch("b-1", recipients, template="note", campaign_id="c-1"))

    assert deliver_due(app).tried == 2

    texts = {m["X-Sink-Rcpt-To"]: m.get_content() for m in smtp_sink.messages()}
    assert texts == {"ada@example.org": "Hello Ada, about spring.\n", "grace@example.org": "Hello Grace, about autumn.\n"}


# -- listing with filters ---------------------------------------------------------------------------------------


def test_listing_filters_by_campaign_batch_idempotency_key_and_status(app):
    a = send(app, "k-a", address="a@example.org", template="plain", variables={"topic": "t"}, campaign_id="spring")
    b = send(app, "k-b", address="b@example.org", template="plain", variables={"topic": "t"}, campaign_id="autumn")
    send_batch(app, batch("b-1", addresses(3), campaign_id="spring"))
    deliver(app, a.id)

    def ids(**filters) -> set[str]:
        return {n.id for n in handlers.list_notifications(app.uow(), ADMIN, "", 0, "", **filters)[0]}

    spring = ids(campaign_id="spring")
    assert a.id in spring and b.id not in spring and len(spring) == 4
    assert len(ids(batch_id="b-1")) == 3 and ids(batch_id="b-1") < spring
    assert ids(idempotency_key="k-b") == {b.id}
    assert ids(statuses=("sent",)) == {a.id}
    assert ids(statuses=("sent", "queued")) == ids()
    assert ids(statuses=("failed",)) == set()
    assert ids(campaign_id="spring", statuses=("queued",)) == ids(batch_id="b-1")
