"""Notifications, templates and suppressions as protobuf messages: for gRPC answers and events alike."""
from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from crm.notifications.v1 import events_pb2
from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis.envelope import OutboundEvent
from crm_notifications.domain import events
from crm_notifications.domain.model import Notification
from crm_notifications.domain.policy import Suppression
from crm_notifications.domain.templates import Template

CHANNEL = {"email": pb.CHANNEL_EMAIL, "sms": pb.CHANNEL_SMS, "phone": pb.CHANNEL_PHONE, "letter": pb.CHANNEL_LETTER, "fax": pb.CHANNEL_FAX}
PURPOSE = {"marketing": pb.PURPOSE_MARKETING, "service": pb.PURPOSE_SERVICE}
STATUS = {
    "queued": pb.STATUS_QUEUED, "sending": pb.STATUS_SENDING, "sent": pb.STATUS_SENT, "delivered": pb.STATUS_DELIVERED,
    "failed": pb.STATUS_FAILED, "skipped": pb.STATUS_SKIPPED,
}
PHONE_OUTCOME = {
    "reached": pb.PHONE_OUTCOME_REACHED, "no_answer": pb.PHONE_OUTCOME_NO_ANSWER, "call_back": pb.PHONE_OUTCOME_CALL_BACK,
    "refused": pb.PHONE_OUTCOME_REFUSED, "interested": pb.PHONE_OUTCOME_INTERESTED,
}
EVENTS = {
    events.NotificationSent: events_pb2.NotificationSent,
    events.NotificationSkipped: events_pb2.NotificationSkipped,
    events.NotificationFailed: events_pb2.NotificationFailed,
    events.NotificationDelivered: events_pb2.NotificationDelivered,
}


def words(mapping: dict[str, int]) -> dict[int, str]:
    return {number: word for word, number in mapping.items()}


def timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def notification(n: Notification) -> pb.Notification:
    return pb.Notification(
        id=n.id,
        person_id=n.person_id,
        channel=CHANNEL[n.channel],
        recipient=n.recipient,
        template=n.template,
        subject=n.subject,
        status=STATUS[n.status],
        reason=n.reason,
        attempts=n.attempts,
        create_time=timestamp(n.created_at),
        send_time=timestamp(n.sent_at),
        history=[pb.StatusChange(status=STATUS[c.status], reason=c.reason, change_time=timestamp(c.changed_at)) for c in n.history],
        purpose=PURPOSE.get(n.purpose, pb.PURPOSE_UNSPECIFIED),
        idempotency_key=n.idempotency_key,
        campaign_id=n.campaign_id,
        batch_id=n.batch_id,
        language=n.language,
        template_version=n.template_version,
        next_attempt_time=timestamp(n.next_attempt_at),
        provider_id=n.provider_id,
        segments=n.segments,
        phone_outcome=PHONE_OUTCOME.get(n.phone_outcome, pb.PHONE_OUTCOME_UNSPECIFIED),
        call_back_time=timestamp(n.call_back_at),
    )


def template(t: Template) -> pb.Template:
    return pb.Template(
        name=t.name, language=t.language, version=t.version, channel=CHANNEL[t.channel], subject=t.subject,
        text_body=t.text_body, html_body=t.html_body, create_time=timestamp(t.created_at), variables=t.variables(),
    )


def suppression(s: Suppression) -> pb.Suppression:
    return pb.Suppression(address=s.address, channel=CHANNEL[s.channel], reason=s.reason, create_time=timestamp(s.created_at), marketing_only=s.marketing_only)


def outbound(event) -> OutboundEvent:
    """The outbox mapper: each domain event as the protobuf message other services consume."""
    n = event.notification
    when = n.history[-1].changed_at
    if isinstance(event, events.PhoneTaskCompleted):
        message = events_pb2.PhoneTaskCompleted(notification=notification(n), outcome=PHONE_OUTCOME[n.phone_outcome])
        return OutboundEvent("notification", n.id, message, occurred_at=when)
    message_cls = EVENTS.get(type(event))
    if message_cls is None:
        raise TypeError(f"no message for domain event {type(event).__name__}")
    return OutboundEvent("notification", n.id, message_cls(notification=notification(n)), occurred_at=when)
