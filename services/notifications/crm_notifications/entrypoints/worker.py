"""The notifications nameko worker: requests arrive as events; due messages are swept and sent."""
from __future__ import annotations

from nameko.timer import timer

from crm.contacts.v1 import events_pb2 as contacts_events
from crm_chassis.envelope import InboundEvent
from crm_chassis.worker import Injected, event_handler
from crm_notifications.config import settings
from crm_notifications.entrypoints import mappers
from crm_notifications.service_layer import handlers


class NotificationsWorker:
    name = "notifications"
    app = Injected()

    @event_handler("contacts", "PersonCreated", contacts_events.PersonCreated)
    def on_person_created(self, event: InboundEvent) -> None:
        notification_id = handlers.request_welcome(
            mappers.new_person(event.payload.person), self.app.uow(), consumer="notifications.on_person_created", event_id=event.id
        )
        if notification_id:
            handlers.deliver(notification_id, self.app.uow, self.app.mailer, self.app.retry_policy)

    @timer(interval=settings().delivery_sweep_seconds)
    def deliver_due(self) -> None:
        """Retries after backoff, and what a stopped worker left behind."""
        handlers.deliver_due(self.app.uow, self.app.mailer, self.app.retry_policy, lease=self.app.sending_lease)
