"""The notifications nameko worker: requests and facts arrive as events; due messages are swept and sent."""
from __future__ import annotations

import logging
import time

import eventlet
from google.protobuf import json_format
from nameko.timer import timer

from crm.contacts.v1 import events_pb2 as contacts_events
from crm.notifications.v1 import events_pb2 as notification_events
from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis.access import Viewer
from crm_chassis.envelope import InboundEvent
from crm_chassis.worker import Injected, consume_or_dead_letter, event_handler
from crm_notifications.adapters.phone_tasks import OUTCOME_QUEUE
from crm_notifications.config import settings
from crm_notifications.entrypoints import mappers
from crm_notifications.service_layer import handlers

log = logging.getLogger(__name__)
SWEEP_BUDGET_SECONDS = 30.0


class NotificationsWorker:
    name = "notifications"
    app = Injected()

    @event_handler("contacts", "PersonCreated", contacts_events.PersonCreated)
    def on_person_created(self, event: InboundEvent) -> None:
        notification_id = handlers.person_created(
            mappers.recipient(event.payload.person), self.app.uow(), consumer="notifications.on_person_created", event_id=event.id
        )
        if notification_id:
            handlers.deliver(notification_id, self.app.uow, self.app.channels, self.app.rules)

    @event_handler("contacts", "PersonUpdated", contacts_events.PersonUpdated)
    def on_person_updated(self, event: InboundEvent) -> None:
        handlers.person_updated(mappers.recipient(event.payload.person), self.app.uow(), consumer="notifications.on_person_updated", event_id=event.id)

    @event_handler("contacts", "PersonErased", contacts_events.PersonErased)
    def on_person_erased(self, event: InboundEvent) -> None:
        handlers.person_erased(event.payload.person_id, self.app.uow(), consumer="notifications.on_person_erased", event_id=event.id)

    @event_handler("contacts", "ConsentChanged", contacts_events.ConsentChanged)
    def on_consent_changed(self, event: InboundEvent) -> None:
        found = mappers.consent(event.payload.consent)
        if found is None:
            log.warning("ignoring ConsentChanged %s with an unknown channel or purpose", event.id)
            return
        channel, purpose, record = found
        handlers.consent_changed(event.payload.person_id, channel, purpose, record, self.app.uow(), consumer="notifications.on_consent_changed", event_id=event.id)

    @consume_or_dead_letter(OUTCOME_QUEUE)
    def on_phone_task_outcome(self, body) -> None:
        """Outcomes the call-center publishes instead of calling ReportPhoneTaskOutcome (docs/call-center.md).

        One that cannot be applied (malformed, unknown task) raises and is parked in the queue's `.dead`.
        """
        if not isinstance(body, dict):
            raise ValueError(f"a phone task outcome must be a JSON object, not {type(body).__name__}")
        report = json_format.ParseDict(body, pb.PhoneTaskOutcome(), ignore_unknown_fields=True)
        cmd = mappers.phone_outcome(report.task_id, report.outcome, report.call_back_time, report.HasField("call_back_time"), report.note, report.agent)
        handlers.report_phone_outcome(cmd, self.app.uow())

    @timer(interval=settings().delivery_sweep_seconds)
    def deliver_due(self) -> None:
        """Sends what is due (schedules, retries, quiet hours over), within each channel's rate, until nothing is left."""
        pool = eventlet.GreenPool(self.app.send_concurrency)
        started = time.monotonic()
        while time.monotonic() - started < SWEEP_BUDGET_SECONDS:
            done = handlers.deliver_due(self.app.uow, self.app.channels, self.app.rules, throttle=self.app.throttle, run_all=pool.imap)
            if done.held_back:
                eventlet.sleep(0.1)  # let the rate limit's tokens refill
            elif not done.tried:
                break


def _requests_from(source: str):
    """A handler of `NotificationRequested` events that `source` publishes on its own exchange."""

    @event_handler(source, "NotificationRequested", notification_events.NotificationRequested)
    def handle(self, event: InboundEvent) -> None:
        handlers.send_notification(mappers.send_notification(event.payload.request), self.app.uow(), Viewer(f"service:{source}"), self.app.rules)

    return handle


for _source in settings().sources():
    setattr(NotificationsWorker, f"on_{_source}_notification_requested", _requests_from(_source))
