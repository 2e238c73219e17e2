"""Notifications as protobuf messages: for gRPC answers and for events alike."""
from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from crm.notifications.v1 import events_pb2
from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis.envelope import OutboundEvent
from crm_notifications.domain import events
from crm_notifications.domain.model import Notification

CHANNEL = {"email": pb.CHANNEL_EMAIL, "sms": pb.CHANNEL_SMS, "phone": pb.CHANNEL_PHONE, "letter": pb.CHANNEL_LETTER, "fax": pb.CHANNEL_FAX}
STATUS = {"queued": pb.STATUS_QUEUED, "sending": pb.STATUS_SENDING, "sent": pb.STATUS_SENT, "failed": pb.STATUS_FAILED, "skipped": pb.STATUS_SKIPPED}
EVENTS = {events.NotificationSent: events_pb2.NotificationSent, events.NotificationSkipped: events_pb2.NotificationSkipped, events.NotificationFailed: events_pb2.NotificationFailed}


def _ts(value: datetime | None) -> Timestamp | None:
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
        create_time=_ts(n.created_at),
        send_time=_ts(n.sent_at),
        history=[pb.StatusChange(status=STATUS[c.status], reason=c.reason, change_time=_ts(c.changed_at)) for c in n.history],
    )


def outbound(event) -> OutboundEvent:
    """The outbox mapper: each domain event as the protobuf message other services consume."""
    message_cls = EVENTS.get(type(event))
    if message_cls is None:
        raise TypeError(f"no message for domain event {type(event).__name__}")
    n = event.notification
    return OutboundEvent("notification", n.id, message_cls(notification=notification(n)), occurred_at=n.history[-1].changed_at)
