"""The contacts nameko worker: other services' events that belong in a person's dossier."""
from __future__ import annotations

from crm.notifications.v1 import events_pb2 as notification_events
from crm.notifications.v1 import notifications_pb2 as npb
from crm_chassis.envelope import InboundEvent
from crm_chassis.worker import Injected, event_handler
from crm_contacts.domain import commands
from crm_contacts.service_layer import handlers

CHANNEL_WORDS = {npb.CHANNEL_EMAIL: "Email", npb.CHANNEL_SMS: "SMS", npb.CHANNEL_PHONE: "Phone task", npb.CHANNEL_LETTER: "Letter", npb.CHANNEL_FAX: "Fax"}


def _history(event: InboundEvent, kind: str, verb: str) -> commands.RecordHistory:
    n = event.payload.notification
    what = f"{CHANNEL_WORDS.get(n.channel, 'Message')} {n.subject or n.template!r}"
    summary = f"{what} {verb} {n.recipient}".strip() + (f": {n.reason}" if n.reason else "")
    occurred = event.occurred_at
    return commands.RecordHistory(event.id, n.person_id, kind, summary, "notifications", occurred)


class ContactsWorker:
    name = "contacts"
    app = Injected()

    @event_handler("notifications", "NotificationSent", notification_events.NotificationSent)
    def on_notification_sent(self, event: InboundEvent) -> None:
        handlers.record_history(_history(event, "NotificationSent", "sent to"), self.app.uow(), "contacts.on_notification_sent")

    @event_handler("notifications", "NotificationSkipped", notification_events.NotificationSkipped)
    def on_notification_skipped(self, event: InboundEvent) -> None:
        handlers.record_history(_history(event, "NotificationSkipped", "not sent to"), self.app.uow(), "contacts.on_notification_skipped")

    @event_handler("notifications", "NotificationFailed", notification_events.NotificationFailed)
    def on_notification_failed(self, event: InboundEvent) -> None:
        handlers.record_history(_history(event, "NotificationFailed", "could not be sent to"), self.app.uow(), "contacts.on_notification_failed")
