"""The use cases on a real database and real SMTP servers, wired by bootstrap() as in production: the welcome email,
delivery, retries, leases, visibility and paging."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from google.protobuf import json_format
from notifications_support import ADMIN, contacts_person, history_of, notification_rows, outbox_rows

from crm.notifications.v1 import events_pb2
from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import InvalidArgument, NotFound
from crm_notifications.adapters import orm
from crm_notifications.domain.model import FAILED, QUEUED, SENDING, SENT, SKIPPED, Notification, utcnow
from crm_notifications.entrypoints import mappers
from crm_notifications.service_layer import handlers
from tests.conftest import free_port

CONSUMER = "notifications.on_person_created"


def request(app, event_id: str = "evt-1", **person) -> str | None:
    """PersonCreated as the worker hands it over: the replica is updated and the welcome recorded."""
    return handlers.person_created(mappers.recipient(contacts_person(**person)), app.uow(), consumer=CONSUMER, event_id=event_id)


def deliver(app, notification_id: str, **kwargs) -> str | None:
    return handlers.deliver(notification_id, app.uow, app.channels, app.rules, **kwargs)


def deliver_due(app, **kwargs) -> int:
    """How many notifications one round tried."""
    return handlers.deliver_due(app.uow, app.channels, app.rules, **kwargs).tried


def load(app, notification_id: str) -> Notification:
    return handlers.get_notification(notification_id, app.uow(), ADMIN)


# -- accepting requests -----------------------------------------------------------


def test_person_created_records_one_welcome_per_event_id(make_app, smtp_sink, engine):
    app = make_app(smtp_sink.port)
    person = contacts_person(person_id="p-1")

    first = handlers.person_created(mappers.recipient(person), app.uow(), consumer=CONSUMER, event_id="evt-1")
    again = handlers.person_created(mappers.recipient(person), app.uow(), consumer=CONSUMER, event_id="evt-1")

    assert first is not None and again is None
    [row] = notification_rows(engine)
    assert (row.id, row.person_id, row.status, row.idempotency_key) == (first, "p-1", QUEUED, "welcome:p-1")
    assert smtp_sink.messages() == []  # accepting is not sending


def test_person_created_records_one_welcome_per_person_across_event_ids(make_app, smtp_sink, engine):
    app = make_app(smtp_sink.port)

    first = request(app, "evt-1", person_id="p-1")
    second = request(app, "evt-2", person_id="p-1", given_name="Someone", email="other@example.org")

    assert first is not None and second is None
    [row] = notification_rows(engine)
    assert (row.id, row.recipient, row.subject) == (first, "ada@example.org", "")  # rendered when it is sent
    with engine.connect() as conn:
        claimed = conn.execute(sa.select(orm.inbox.c.event_id).order_by(orm.inbox.c.event_id)).scalars().all()
    assert claimed == ["evt-1", "evt-2"]  # the second event counts as handled, so a redelivery is a no-op too

    # the replica took the second event's details, so the one welcome goes where contacts said last
    assert deliver(app, first) == SENT
    [message] = smtp_sink.messages()
    assert (message["To"], message["Subject"]) == ("Someone Lovelace <other@example.org>", "Welcome, Someone Lovelace")


def test_a_person_without_consent_is_recorded_as_skipped_with_an_event(make_app, smtp_sink, engine):
    app = make_app(smtp_sink.port)

    assert request(app, person_id="p-1", consent=False) is None

    [row] = notification_rows(engine)
    assert (row.status, row.reason, row.attempts) == (SKIPPED, "the person has not consented to email", 0)
    assert history_of(engine, row.id) == [(SKIPPED, "the person has not consented to email")]
    [event] = outbox_rows(engine)
    assert (event.event_type, event.aggregate_id) == ("NotificationSkipped", row.id)
    skipped = json_format.Parse(event.payload, events_pb2.NotificationSkipped())
    assert skipped.notification.status == pb.STATUS_SKIPPED
    assert deliver_due(app) == 0
    assert smtp_sink.messages() == []


# -- delivering -------------------------------------------------------------------------


def test_deliver_sends_one_email_and_records_sent_with_one_event(make_app, smtp_sink, engine):
    app = make_app(smtp_sink.port)
    notification_id = request(app, person_id="p-1")

    assert deliver(app, notification_id) == SENT

    [message] = smtp_sink.messages()
    assert message["To"] == "Ada Lovelace <ada@example.org>"
    assert message["X-Sink-Rcpt-To"] == "ada@example.org"
    assert message["Subject"] == "Welcome, Ada Lovelace"
    assert message["Message-ID"] == f"<{notification_id}@crm.notifications>"
    assert message.get_content().startswith("Dear Ada Lovelace,")
    assert "List-Unsubscribe" not in message  # a service message
    [row] = notification_rows(engine)
    assert (row.status, row.attempts, row.reason) == (SENT, 1, "")
    assert (row.subject, row.language, row.template_version, row.provider_id) == ("Welcome, Ada Lovelace", "en", 1, message["Message-ID"])
    assert row.body.startswith("Dear Ada Lovelace,")
    assert row.sent_at is not None and row.next_attempt_at is None
    assert history_of(engine, notification_id) == [(QUEUED, ""), (SENDING, ""), (SENT, "")]
    [event] = outbox_rows(engine)
    assert (event.event_type, event.message_type, event.aggregate_type, event.aggregate_id, event.state) == (
        "NotificationSent",
        "crm.notifications.v1.NotificationSent",
        "notification",
        notification_id,
        "pending",
    )
    sent = json_format.Parse(event.payload, events_pb2.NotificationSent())
    assert (sent.notification.id, sent.notification.status, sent.notification.attempts) == (notification_id, pb.STATUS_SENT, 1)
    assert sent.notification.recipient == "ada@example.org"
    assert sent.notification.HasField("send_time")

    # sent is final: neither a second deliver nor the sweep sends again
    assert deliver(app, notification_id) is None
    assert deliver_due(app) == 0
    assert len(smtp_sink.messages()) == 1
    assert len(outbox_rows(engine)) == 1


def test_a_transient_refusal_requeues_with_backoff_and_the_sweep_sends_once_after_recovery(make_app, scripted_smtp, engine):
    server = scripted_smtp(always="450 try later")
    app = make_app(server.port, retry_base_seconds=30)
    notification_id = request(app, person_id="p-1")
    before = utcnow()

    assert deliver(app, notification_id) == QUEUED

    queued = load(app, notification_id)
    assert queued.attempts == 1
    assert queued.reason.startswith("retrying: ") and "450" in queued.reason
    assert before + timedelta(seconds=29) < queued.next_attempt_at <= utcnow() + timedelta(seconds=30)
    assert server.handler.accepted == [] and len(server.handler.refused) == 1
    assert outbox_rows(engine) == []  # a retry is no news
    assert deliver(app, notification_id) is None  # not due yet
    assert deliver_due(app) == 0
    assert len(server.handler.refused) == 1

    server.handler.always = None  # the server recovers
    later = queued.next_attempt_at + timedelta(seconds=1)
    assert deliver_due(app, clock=lambda: later) == 1

    sent = load(app, notification_id)
    assert (sent.status, sent.attempts, sent.sent_at) == (SENT, 2, later)
    assert (sent.language, sent.template_version) == ("en", 1)  # the retry found the template the first try used
    [message] = server.handler.accepted
    assert message["Message-ID"] == f"<{notification_id}@crm.notifications>"  # the same id on every try
    assert [(c.status, c.reason[:20]) for c in sent.history] == [
        (QUEUED, ""),
        (SENDING, ""),
        (QUEUED, "retrying: recipient "),
        (SENDING, ""),
        (SENT, ""),
    ]
    assert deliver_due(app, clock=lambda: later + timedelta(hours=2)) == 0
    assert len(server.handler.accepted) == 1
    assert [e.event_type for e in outbox_rows(engine)] == ["NotificationSent"]


def test_a_permanent_refusal_fails_it_with_an_event(make_app, scripted_smtp, engine):
    server = scripted_smtp(always="550 no such user")
    app = make_app(server.port)
    notification_id = request(app, person_id="p-1")

    assert deliver(app, notification_id) == FAILED

    failed = load(app, notification_id)
    assert failed.attempts == 1 and failed.next_attempt_at is None
    assert "550" in failed.reason and "no such user" in failed.reason
    [event] = outbox_rows(engine)
    assert (event.event_type, event.aggregate_id) == ("NotificationFailed", notification_id)
    message = json_format.Parse(event.payload, events_pb2.NotificationFailed())
    assert (message.notification.status, message.notification.reason) == (pb.STATUS_FAILED, failed.reason)
    assert deliver_due(app, clock=lambda: utcnow() + timedelta(days=1)) == 0
    assert len(server.handler.refused) == 1


def test_a_name_that_breaks_the_subject_header_fails_the_notification_instead_of_wedging_it(make_app, smtp_sink, engine):
    # contacts accepts line breaks inside a name; the welcome subject carries the name
    app = make_app(smtp_sink.port)
    notification_id = request(app, person_id="p-1", given_name="Ada\nBcc: eve@example.org")

    assert deliver(app, notification_id) == FAILED

    failed = load(app, notification_id)
    assert failed.attempts == 1 and "linefeed" in failed.reason
    assert [e.event_type for e in outbox_rows(engine)] == ["NotificationFailed"]
    assert deliver_due(app, clock=lambda: utcnow() + timedelta(days=1)) == 0  # not retried, not requeued as interrupted
    assert smtp_sink.messages() == []


def test_an_unreachable_server_is_retried(make_app, engine):
    app = make_app(free_port(), retry_base_seconds=30)
    notification_id = request(app, person_id="p-1")

    assert deliver(app, notification_id) == QUEUED
    assert load(app, notification_id).next_attempt_at > utcnow() + timedelta(seconds=25)


def test_transient_refusals_give_up_after_max_attempts(make_app, scripted_smtp, engine):
    server = scripted_smtp(always="421 service not available")
    app = make_app(server.port, max_attempts=2, retry_base_seconds=1)
    notification_id = request(app, person_id="p-1")

    assert deliver(app, notification_id) == QUEUED
    assert deliver_due(app, clock=lambda: utcnow() + timedelta(seconds=5)) == 1

    failed = load(app, notification_id)
    assert (failed.status, failed.attempts) == (FAILED, 2)
    assert failed.reason.startswith("gave up after 2 attempts: ")
    assert [e.event_type for e in outbox_rows(engine)] == ["NotificationFailed"]


def test_a_send_interrupted_beyond_the_lease_is_requeued_by_the_sweep_and_sent(make_app, smtp_sink, engine):
    app = make_app(smtp_sink.port, sending_lease_seconds=60)
    stuck = request(app, "evt-1", person_id="p-1")
    fresh = request(app, "evt-2", person_id="p-2", email="grace@example.org")
    now = utcnow()
    # Both were claimed by a worker that died before the SMTP conversation ended;
    # one of them long ago, the other a moment ago.
    for notification_id, claimed_at in ((stuck, now - timedelta(minutes=5)), (fresh, now)):
        with app.uow() as uow:
            n = uow.notifications.get(notification_id, for_update=True)
            n.start_sending(claimed_at)
            uow.notifications.save(n)
            uow.commit()

    assert deliver_due(app) == 1

    assert load(app, stuck).status == SENT
    assert load(app, fresh).status == SENDING  # still within its lease: perhaps still being sent
    [message] = smtp_sink.messages()
    assert message["Message-ID"] == f"<{stuck}@crm.notifications>"
    assert history_of(engine, stuck) == [(QUEUED, ""), (SENDING, ""), (QUEUED, "sending was interrupted"), (SENDING, ""), (SENT, "")]
    assert load(app, stuck).attempts == 2

    assert deliver_due(app, clock=lambda: now + timedelta(seconds=61)) == 1
    assert load(app, fresh).status == SENT
    assert sorted(m["X-Sink-Rcpt-To"] for m in smtp_sink.messages()) == ["ada@example.org", "grace@example.org"]


def test_deliver_returns_none_for_what_is_not_due(make_app, smtp_sink):
    app = make_app(smtp_sink.port)
    request(app, "evt-skip", person_id="p-skip", consent=False)
    [skipped] = handlers.list_notifications(app.uow(), ADMIN, "p-skip", 0, "")[0]

    assert deliver(app, "no-such-notification") is None
    assert deliver(app, skipped.id) is None
    queued = request(app, "evt-1", person_id="p-1")
    assert deliver(app, queued, clock=lambda: utcnow() - timedelta(minutes=1)) is None  # before it is due
    assert load(app, queued).status == QUEUED
    assert smtp_sink.messages() == []


# -- reading -----------------------------------------------------------------------------

AUDIENCES = {
    "p-alice": Audience("alice", "north-team", "north"),
    "p-bob": Audience("bob", "south-team", "south"),
    "p-carol": Audience("carol", "north-team", "south"),
    "p-dave": Audience("dave", "east-team", "north"),
}
VISIBLE = [
    ("admin", ADMIN, {"p-alice", "p-bob", "p-carol", "p-dave"}),
    ("owner", Viewer("alice"), {"p-alice"}),
    ("team", Viewer("zed", team="north-team"), {"p-alice", "p-carol"}),
    ("territory", Viewer("zed", territory="north"), {"p-alice", "p-dave"}),
    ("owner-or-team", Viewer("bob", team="east-team"), {"p-bob", "p-dave"}),
    ("stranger", Viewer("zed", team="west-team", territory="west"), set()),
]


def test_reading_honours_record_level_visibility(make_app, smtp_sink):
    app = make_app(smtp_sink.port)
    ids = {}
    for person_id, audience in AUDIENCES.items():
        request(app, f"evt-{person_id}", person_id=person_id, owner=audience.owner, team=audience.team, territory=audience.territory)
        [ids[person_id]] = [n.id for n in handlers.list_notifications(app.uow(), ADMIN, person_id, 0, "")[0]]

    for label, viewer, visible in VISIBLE:
        listed, token = handlers.list_notifications(app.uow(), viewer, "", 0, "")
        assert ({n.person_id for n in listed}, token) == (visible, ""), label
        for person_id, notification_id in ids.items():
            if person_id in visible:
                assert handlers.get_notification(notification_id, app.uow(), viewer).person_id == person_id, label
                assert [n.id for n in handlers.list_notifications(app.uow(), viewer, person_id, 0, "")[0]] == [notification_id], label
            else:
                with pytest.raises(NotFound):  # indistinguishable from a notification that does not exist
                    handlers.get_notification(notification_id, app.uow(), viewer)
                assert handlers.list_notifications(app.uow(), viewer, person_id, 0, "")[0] == [], label

    # paging walks only through what the viewer may see
    first, token = handlers.list_notifications(app.uow(), Viewer("zed", team="north-team"), "", 1, "")
    second, last = handlers.list_notifications(app.uow(), Viewer("zed", team="north-team"), "", 1, token)
    assert [n.person_id for n in first + second] == ["p-carol", "p-alice"] and last == ""

    with pytest.raises(NotFound):
        handlers.get_notification("no-such-notification", app.uow(), ADMIN)


def test_listing_pages_newest_first_with_tokens(make_app, smtp_sink):
    app = make_app(smtp_sink.port)
    for i in range(5):  # queued and skipped alike are listed
        request(app, f"evt-{i}", person_id=f"p-{i}", consent=i % 2 == 0)
    everything = handlers.list_notifications(app.uow(), ADMIN, "", 0, "")[0]
    assert [n.person_id for n in everything] == [f"p-{i}" for i in reversed(range(5))]
    assert [(n.created_at, n.id) for n in everything] == sorted(((n.created_at, n.id) for n in everything), reverse=True)

    pages, token = [], ""
    while True:
        page, token = handlers.list_notifications(app.uow(), ADMIN, "", 2, token)
        pages.append([n.id for n in page])
        if not token:
            break

    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i for p in pages for i in p] == [n.id for n in everything]

    # one person's notifications only, more of them than welcome alone makes (as later templates will)
    with app.uow() as uow:
        for i in range(3):
            uow.notifications.add(
                Notification.queue(
                    idempotency_key=f"reminder-{i}:p-1", person_id="p-1", channel="email", recipient="ada@example.org",
                    template=f"reminder-{i}", subject="s", body="b", audience=Audience("alice"),
                )
            )
        uow.commit()
    first, token = handlers.list_notifications(app.uow(), Viewer("alice"), "p-1", 2, "")
    second, last = handlers.list_notifications(app.uow(), Viewer("alice"), "p-1", 2, token)
    assert [n.template for n in first] == ["reminder-2", "reminder-1"]
    assert [n.template for n in second] == ["reminder-0", "welcome"]  # p-1's skipped welcome is the oldest
    assert {n.person_id for n in first + second} == {"p-1"}
    assert token and last == ""


BAD_PAGING = [
    (0, "not a token", "page_token"),
    (0, "WyJ4Il0", "page_token"),  # a token of the wrong length
    (0, "WyJub3QgYSB0aW1lIiwiaWQiXQ", "page_token"),  # ["not a time", "id"]
    (-1, "", "page_size"),
    (1001, "", "page_size"),
]


def test_listing_rejects_bad_paging_arguments(make_app, smtp_sink):
    app = make_app(smtp_sink.port)
    for page_size, page_token, field in BAD_PAGING:
        with pytest.raises(InvalidArgument) as raised:
            handlers.list_notifications(app.uow(), ADMIN, "", page_size, page_token)
        assert [v.field for v in raised.value.violations] == [field], (page_size, page_token)


# -- the welcome's language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preferred", "subject", "text", "language"),
    [
        ("ro-RO", "Bun venit, Ada Lovelace", "Stimată doamnă Lovelace,\n\nvă mulțumim pentru interes.", "ro"),
        ("de-AT", "Welcome, Ada Lovelace", "Stimată doamnă Lovelace,\n\nthank you for your interest.", "en"),
    ],
    ids=["ro-RO-falls-back-to-ro", "de-AT-falls-back-to-the-default"],
)
def test_the_welcome_is_written_in_the_persons_language_falling_back_to_the_default(make_app, smtp_sink, preferred, subject, text, language):
    app = make_app(smtp_sink.port)
    notification_id = request(app, person_id="p-1", preferred_language=preferred, salutation="Stimată doamnă Lovelace")

    assert deliver(app, notification_id) == SENT

    [message] = smtp_sink.messages()
    assert message["Subject"] == subject
    assert message.get_content().startswith(text)
    assert (load(app, notification_id).language, load(app, notification_id).template_version) == (language, 1)


def test_a_person_without_an_email_address_gets_no_welcome(make_app, smtp_sink, engine):
    app = make_app(smtp_sink.port)

    assert request(app, person_id="p-1", email=None) is None

    [row] = notification_rows(engine)
    assert (row.status, row.reason) == (SKIPPED, "the person has no email address")
    assert deliver_due(app) == 0 and smtp_sink.messages() == []
