"""Translation at the edges: contacts' persons and consents in, requests in, notifications' protobuf messages and events out."""
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
from crm_notifications.domain import events
from crm_notifications.domain.model import Notification, RetryPolicy
from crm_notifications.domain.policy import Suppression
from crm_notifications.domain.recipients import ConsentRecord
from crm_notifications.domain.templates import Template
from crm_notifications.entrypoints import mappers

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def consent(channel, purpose, granted=True, at: datetime = T0) -> contacts_pb.Consent:
    c = contacts_pb.Consent(channel=channel, purpose=purpose, granted=granted, source="web form")
    c.record_time.FromDatetime(at)
    return c


def test_recipient_takes_names_addresses_per_channel_language_zone_audience_and_known_consents():
    person = contacts_pb.Person(
        id="p-1",
        given_name="Ada",
        family_name="Lovelace",
        salutation="Dear Countess",
        preferred_language="ro-RO",
        time_zone="Europe/Bucharest",
        emails=[
            contacts_pb.EmailAddress(address="ada@example.org", kind=contacts_pb.EMAIL_KIND_WORK),
            contacts_pb.EmailAddress(address="", kind=contacts_pb.EMAIL_KIND_OTHER),
            contacts_pb.EmailAddress(address="ada@home.example", kind=contacts_pb.EMAIL_KIND_PERSONAL),
        ],
        phones=[
            contacts_pb.PhoneNumber(number="+40211111111", kind=contacts_pb.PHONE_KIND_WORK),
            contacts_pb.PhoneNumber(number="+40721234567", kind=contacts_pb.PHONE_KIND_MOBILE),
            contacts_pb.PhoneNumber(number="+40212222222", kind=contacts_pb.PHONE_KIND_FAX),
            contacts_pb.PhoneNumber(number="", kind=contacts_pb.PHONE_KIND_MOBILE),
            contacts_pb.PhoneNumber(number="+40213333333", kind=contacts_pb.PHONE_KIND_HOME),
        ],
        addresses=[
            contacts_pb.PostalAddress(lines=["Str. Eminescu 5", "ap. 12"], postal_code="010011", city="București", region="B", country="RO"),
            contacts_pb.PostalAddress(lines=["elsewhere"], city="Cluj"),
        ],
        consents=[
            consent(contacts_pb.CHANNEL_EMAIL, contacts_pb.PURPOSE_SERVICE),
            consent(contacts_pb.CHANNEL_SMS, contacts_pb.PURPOSE_MARKETING),
            consent(contacts_pb.CHANNEL_EMAIL, contacts_pb.PURPOSE_MARKETING, granted=False),  # a refusal is kept: it wins over "unknown"
            consent(contacts_pb.CHANNEL_PHONE, contacts_pb.PURPOSE_UNSPECIFIED),
            consent(contacts_pb.CHANNEL_UNSPECIFIED, contacts_pb.PURPOSE_SERVICE),
            consent(77, contacts_pb.PURPOSE_SERVICE),  # an enum value from a newer contacts
            consent(contacts_pb.CHANNEL_FAX, 42),
        ],
        owner="alice",
        team="north-team",
        territory="north",
    )

    r = mappers.recipient(person)

    assert (r.person_id, r.display_name, r.salutation) == ("p-1", "Ada Lovelace", "Dear Countess")
    assert (r.language, r.time_zone, r.known) == ("ro-RO", "Europe/Bucharest", True)
    assert r.emails == ("ada@example.org", "ada@home.example")
    assert r.mobile_phones == ("+40721234567",)
    assert r.other_phones == ("+40211111111", "+40213333333")
    assert r.fax_numbers == ("+40212222222",)
    assert r.postal_address == ("Str. Eminescu 5", "ap. 12", "010011 București", "B", "RO")  # the first address
    assert r.consents == {
        ("email", "service"): ConsentRecord(True, T0),
        ("sms", "marketing"): ConsentRecord(True, T0),
        ("email", "marketing"): ConsentRecord(False, T0),
    }
    assert r.audience == Audience("alice", "north-team", "north")
    assert [r.address_for(c) for c in ("email", "sms", "phone", "fax", "letter")] == [
        "ada@example.org", "+40721234567", "+40721234567", "+40212222222", "Str. Eminescu 5\nap. 12\n010011 București\nB\nRO",
    ]


@pytest.mark.parametrize(
    ("given", "family", "expected"),
    [("Ada", "", "Ada"), ("", "Lovelace", "Lovelace"), ("", "", "")],
)
def test_recipient_display_name_skips_missing_parts(given, family, expected):
    assert mappers.recipient(contacts_pb.Person(id="p", given_name=given, family_name=family)).display_name == expected


def test_recipient_from_an_empty_person():
    r = mappers.recipient(contacts_pb.Person())

    assert (r.person_id, r.emails, r.consents, r.audience, r.postal_address) == ("", (), {}, Audience(), ())
    assert [r.address_for(c) for c in ("email", "sms", "phone", "fax", "letter")] == [""] * 5


def test_consent_maps_channel_purpose_and_record_time_and_ignores_what_it_does_not_know():
    assert mappers.consent(consent(contacts_pb.CHANNEL_LETTER, contacts_pb.PURPOSE_MARKETING, granted=False)) == (
        "letter", "marketing", ConsentRecord(False, T0),
    )
    assert mappers.consent(consent(contacts_pb.CHANNEL_UNSPECIFIED, contacts_pb.PURPOSE_SERVICE)) is None
    assert mappers.consent(consent(contacts_pb.CHANNEL_EMAIL, contacts_pb.PURPOSE_UNSPECIFIED)) is None


def test_send_notification_request_becomes_the_command():
    request = pb.SendNotificationRequest(
        recipient=pb.Recipient(person_id="p-1"), channel=pb.CHANNEL_SMS, template="reminder", language="ro", variables={"day": "Monday"},
        purpose=pb.PURPOSE_SERVICE, idempotency_key="k-1", campaign_id="c-1",
    )
    request.send_time.FromDatetime(T0)

    cmd = mappers.send_notification(request)

    assert (cmd.idempotency_key, cmd.channel, cmd.purpose, cmd.template, cmd.language) == ("k-1", "sms", "service", "reminder", "ro")
    assert (cmd.person_id, cmd.address, cmd.variables, cmd.send_at, cmd.campaign_id) == ("p-1", "", {"day": "Monday"}, T0, "c-1")


def test_unspecified_or_unknown_enums_become_none_for_validation_to_name():
    cmd = mappers.send_notification(pb.SendNotificationRequest(recipient=pb.Recipient(address="ada@example.org"), channel=99))

    assert (cmd.channel, cmd.purpose, cmd.send_at, cmd.address, cmd.person_id) == (None, None, None, "ada@example.org", "")


def test_send_batch_request_becomes_the_command():
    request = pb.SendBatchRequest(
        batch_id="b-1", channel=pb.CHANNEL_EMAIL, template="offer", purpose=pb.PURPOSE_MARKETING, variables={"a": "1"},
        rate_per_minute=60, campaign_id="spring",
        recipients=[pb.BatchRecipient(recipient=pb.Recipient(person_id="p-1"), variables={"a": "2"}), pb.BatchRecipient(recipient=pb.Recipient(address="x@example.org"))],
    )

    cmd = mappers.send_batch(request)

    assert (cmd.batch_id, cmd.channel, cmd.purpose, cmd.rate_per_minute, cmd.send_at, cmd.campaign_id) == ("b-1", "email", "marketing", 60, None, "spring")
    assert [(r.person_id, r.address, r.variables) for r in cmd.recipients] == [("p-1", "", {"a": "2"}), ("", "x@example.org", {})]


def test_phone_outcome_maps_the_enum_and_the_optional_call_back_time():
    ts = pb.ReportPhoneTaskOutcomeRequest().call_back_time
    ts.FromDatetime(T0)

    assert mappers.phone_outcome("t-1", pb.PHONE_OUTCOME_CALL_BACK, ts, True, "tomorrow", "maria").call_back_at == T0
    cmd = mappers.phone_outcome("t-1", pb.PHONE_OUTCOME_UNSPECIFIED, ts, False, "", "")
    assert (cmd.outcome, cmd.call_back_at) == (None, None)


def test_templates_and_suppressions_as_messages():
    t = Template("offer", "ro", 2, "email", "Oferta {{ name }}", "Bună {{ person.given_name }}", "<p>{{ name }}</p>", T0)
    s = Suppression("ada@example.org", "email", "unsubscribed", True, T0)

    message = messages.template(t)
    assert (message.name, message.language, message.version, message.channel) == ("offer", "ro", 2, pb.CHANNEL_EMAIL)
    assert list(message.variables) == ["name", "person"]
    assert message.create_time.ToDatetime(tzinfo=UTC) == T0
    assert messages.suppression(s) == pb.Suppression(
        address="ada@example.org", channel=pb.CHANNEL_EMAIL, reason="unsubscribed", marketing_only=True, create_time=message.create_time
    )


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


def _delivered() -> Notification:
    n = _sent()
    n.events.clear()
    n.report_delivery(True, "", T0 + timedelta(minutes=1))
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
        (_delivered, events.NotificationDelivered, events_pb2.NotificationDelivered, pb.STATUS_DELIVERED),
    ],
    ids=["sent", "failed", "skipped", "delivered"],
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
    class NotificationRead:  # a domain event nobody mapped yet
        def __init__(self, notification):
            self.notification = notification

    with pytest.raises(TypeError, match="no message for domain event NotificationRead"):
        messages.outbound(NotificationRead(_sent()))


def test_a_phone_outcome_becomes_phone_task_completed_with_the_outcome():
    n = Notification.queue(
        idempotency_key="k", person_id="p-1", channel="phone", recipient="+40721234567", template="call", audience=Audience("alice"),
        purpose="marketing", campaign_id="spring",
    )
    n.start_sending(T0, template_version=1, language="en")
    n.mark_sent(T0, provider_id=n.id, segments=1)
    n.events.clear()
    n.record_phone_outcome("call_back", T0 + timedelta(days=1), "after lunch", T0 + timedelta(hours=1))

    out = messages.outbound(n.events[0])

    assert out.event_type == "PhoneTaskCompleted"
    assert out.message.outcome == pb.PHONE_OUTCOME_CALL_BACK
    sent = out.message.notification
    assert (sent.status, sent.phone_outcome, sent.purpose, sent.campaign_id) == (pb.STATUS_DELIVERED, pb.PHONE_OUTCOME_CALL_BACK, pb.PURPOSE_MARKETING, "spring")
    assert sent.call_back_time.ToDatetime(tzinfo=UTC) == T0 + timedelta(days=1)
    assert (sent.provider_id, sent.segments, sent.template_version, sent.language) == (n.id, 1, 1, "en")
    assert json_format.Parse(to_json(out.message), events_pb2.PhoneTaskCompleted()) == out.message


def test_a_queued_notification_carries_its_next_attempt_time_and_no_outcome():
    n = _notification()

    message = messages.notification(n)

    assert message.next_attempt_time.ToDatetime(tzinfo=UTC) == n.next_attempt_at
    assert message.phone_outcome == pb.PHONE_OUTCOME_UNSPECIFIED
    assert not message.HasField("call_back_time") and not message.HasField("send_time")
    assert (message.purpose, message.idempotency_key) == (pb.PURPOSE_SERVICE, "welcome:p-1")
