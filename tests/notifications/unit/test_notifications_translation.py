"""Translation at the edges: a contacts Person in, notifications' protobuf events out."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf import json_format

from crm.contacts.v1 import contacts_pb2 as contacts_pb
from crm.notifications.v1 import events_pb2
from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis.access import Audience
from crm_chassis.envelope import to_json
from crm_notifications.adapters import messages
from crm_notifications.domain import events, welcome
from crm_notifications.domain.model import Notification, RetryPolicy
from crm_notifications.entrypoints import mappers

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def consent(channel, purpose, granted=True) -> contacts_pb.Consent:
    return contacts_pb.Consent(channel=channel, purpose=purpose, granted=granted, source="web form")


def test_new_person_takes_name_addresses_audience_and_only_granted_known_consents():
    person = contacts_pb.Person(
        id="p-1",
        given_name="Ada",
        family_name="Lovelace",
        emails=[
            contacts_pb.EmailAddress(address="ada@example.org", kind=contacts_pb.EMAIL_KIND_WORK),
            contacts_pb.EmailAddress(address="", kind=contacts_pb.EMAIL_KIND_OTHER),
            contacts_pb.EmailAddress(address="ada@home.example", kind=contacts_pb.EMAIL_KIND_PERSONAL),
        ],
        consents=[
            consent(contacts_pb.CHANNEL_EMAIL, contacts_pb.PURPOSE_SERVICE),
            consent(contacts_pb.CHANNEL_SMS, contacts_pb.PURPOSE_MARKETING),
            consent(contacts_pb.CHANNEL_EMAIL, contacts_pb.PURPOSE_MARKETING, granted=False),  # refused
            consent(contacts_pb.CHANNEL_PHONE, contacts_pb.PURPOSE_UNSPECIFIED),
            consent(contacts_pb.CHANNEL_UNSPECIFIED, contacts_pb.PURPOSE_SERVICE),
            consent(77, contacts_pb.PURPOSE_SERVICE),  # an enum value from a newer contacts
            consent(contacts_pb.CHANNEL_FAX, 42),
        ],
        owner="alice",
        team="north-team",
        territory="north",
    )

    new = mappers.new_person(person)

    assert new.person_id == "p-1"
    assert new.display_name == "Ada Lovelace"
    assert new.emails == ["ada@example.org", "ada@home.example"]
    assert new.granted == {("email", "service"), ("sms", "marketing")}
    assert new.audience == Audience("alice", "north-team", "north")


def test_new_person_with_refused_email_consent_gets_no_welcome():
    person = contacts_pb.Person(
        id="p-2",
        given_name="Ada",
        emails=[contacts_pb.EmailAddress(address="ada@example.org")],
        consents=[consent(contacts_pb.CHANNEL_EMAIL, contacts_pb.PURPOSE_MARKETING, granted=False), consent(contacts_pb.CHANNEL_LETTER, contacts_pb.PURPOSE_SERVICE)],
    )

    new = mappers.new_person(person)

    assert new.granted == {("letter", "service")}
    assert welcome.welcome(new).reason == "the person has not consented to email"


@pytest.mark.parametrize(
    ("given", "family", "expected"),
    [("Ada", "", "Ada"), ("", "Lovelace", "Lovelace"), ("", "", "")],
)
def test_new_person_display_name_skips_missing_parts(given, family, expected):
    assert mappers.new_person(contacts_pb.Person(id="p", given_name=given, family_name=family)).display_name == expected


def test_new_person_from_an_empty_person():
    new = mappers.new_person(contacts_pb.Person())

    assert (new.person_id, new.emails, new.granted, new.audience) == ("", [], set(), Audience())


def _notification() -> Notification:
    return Notification.queue(
        idempotency_key="welcome:p-1",
        person_id="p-1",
        channel="email",
        recipient="ada@example.org",
        template="welcome",
        subject="Welcome, Ada",
        body="Dear Ada",
        audience=Audience("alice", "north-team", "north"),
    )


def _sent() -> Notification:
    n = _notification()
    n.start_sending(T0)
    n.mark_sent(T0 + timedelta(seconds=1))
    return n


def _failed() -> Notification:
    n = _notification()
    n.start_sending(T0)
    n.mark_failed("SMTP 550 no such user", T0 + timedelta(seconds=2), transient=False, policy=RetryPolicy())
    return n


def _skipped() -> Notification:
    return Notification.skipped(
        idempotency_key="welcome:p-1",
        person_id="p-1",
        channel="email",
        recipient="",
        template="welcome",
        audience=Audience("alice"),
        reason="the person has no email address",
    )


@pytest.mark.parametrize(
    ("make", "event_cls", "message_cls", "status"),
    [
        (_sent, events.NotificationSent, events_pb2.NotificationSent, pb.STATUS_SENT),
        (_failed, events.NotificationFailed, events_pb2.NotificationFailed, pb.STATUS_FAILED),
        (_skipped, events.NotificationSkipped, events_pb2.NotificationSkipped, pb.STATUS_SKIPPED),
    ],
    ids=["sent", "failed", "skipped"],
)
def test_outbound_maps_each_domain_event_to_its_protobuf_event(make, event_cls, message_cls, status):
    n = make()
    [event] = n.events
    assert isinstance(event, event_cls)

    out = messages.outbound(event)

    assert isinstance(out.message, message_cls)
    assert out.event_type == message_cls.DESCRIPTOR.name
    assert out.message_type == f"crm.notifications.v1.{message_cls.DESCRIPTOR.name}"
    assert (out.aggregate_type, out.aggregate_id) == ("notification", n.id)
    assert out.occurred_at == n.history[-1].changed_at
    sent = out.message.notification
    assert (sent.id, sent.person_id, sent.recipient, sent.template) == (n.id, "p-1", n.recipient, "welcome")
    assert sent.channel == pb.CHANNEL_EMAIL
    assert sent.status == status
    assert sent.reason == n.reason
    assert sent.attempts == n.attempts
    assert sent.create_time.ToDatetime(tzinfo=UTC) == n.created_at
    assert [c.status for c in sent.history] == [messages.STATUS[c.status] for c in n.history]
    assert [c.change_time.ToDatetime(tzinfo=UTC) for c in sent.history] == [c.changed_at for c in n.history]
    # what consumers receive is proto3 JSON that parses back into the same message
    assert json_format.Parse(to_json(out.message), message_cls()) == out.message


def test_outbound_carries_the_send_time_only_once_sent():
    sent, failed = messages.outbound(_sent().events[0]), messages.outbound(_failed().events[0])

    assert sent.message.notification.send_time.ToDatetime(tzinfo=UTC) == T0 + timedelta(seconds=1)
    assert not failed.message.notification.HasField("send_time")
    assert failed.message.notification.reason == "SMTP 550 no such user"


def test_outbound_refuses_an_event_it_has_no_message_for():
    with pytest.raises(TypeError, match="no message for domain event"):
        messages.outbound(object())
