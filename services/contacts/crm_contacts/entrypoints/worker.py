"""The contacts nameko worker: other services' events that belong in a person's dossier."""
from __future__ import annotations

import eventlet
from nameko.timer import timer

from crm.notifications.v1 import events_pb2 as notification_events
from crm.notifications.v1 import notifications_pb2 as npb
from crm.sales.v1 import events_pb2 as sales_messages
from crm_chassis.envelope import InboundEvent
from crm_chassis.worker import Injected, event_handler
from crm_contacts.domain import commands
from crm_contacts.entrypoints import sales_mappers
from crm_contacts.service_layer import duplicates, handlers, sales_events, transfer

DUPLICATE_SCAN_POLL_SECONDS = 5.0  # duplicates: how often the worker looks for queued scans
IMPORT_POLL_SECONDS = 1.0  # import: how often the worker looks for queued imports (and ones whose worker died)
IMPORT_BUDGET_SECONDS = 60.0  # import: one sweep's time; a longer import goes on at the next sweep
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

    # --- sales events feed (docs/contacts.md "Fed by other services") ---
    @event_handler("sales", "OpportunityCreated", sales_messages.OpportunityCreated)
    def on_opportunity_created(self, event: InboundEvent) -> None:
        sales_events.record_fact(sales_mappers.opportunity_created(event), self.app.uow(), "contacts.on_opportunity_created")

    @event_handler("sales", "OpportunityStageChanged", sales_messages.OpportunityStageChanged)
    def on_opportunity_stage_changed(self, event: InboundEvent) -> None:
        if (moved := sales_mappers.stage_changed(event)) is not None:
            sales_events.record_moved(moved, self.app.uow(), "contacts.on_opportunity_stage_changed")

    @event_handler("sales", "OpportunityWon", sales_messages.OpportunityWon)
    def on_opportunity_won(self, event: InboundEvent) -> None:
        sales_events.record_won(sales_mappers.opportunity_won(event), self.app.uow(), "contacts.on_opportunity_won")

    @event_handler("sales", "OpportunityLost", sales_messages.OpportunityLost)
    def on_opportunity_lost(self, event: InboundEvent) -> None:
        sales_events.record_fact(sales_mappers.opportunity_lost(event), self.app.uow(), "contacts.on_opportunity_lost")

    @event_handler("sales", "OpportunityReopened", sales_messages.OpportunityReopened)
    def on_opportunity_reopened(self, event: InboundEvent) -> None:
        sales_events.record_reopened(sales_mappers.opportunity_reopened(event), self.app.uow(), "contacts.on_opportunity_reopened")

    @event_handler("sales", "OrderPlaced", sales_messages.OrderPlaced)
    def on_order_placed(self, event: InboundEvent) -> None:
        sales_events.record_fact(sales_mappers.order_placed(event), self.app.uow(), "contacts.on_order_placed")

    @event_handler("sales", "LeadConverted", sales_messages.LeadConverted)
    def on_lead_converted(self, event: InboundEvent) -> None:
        sales_events.record_fact(sales_mappers.lead_converted(event), self.app.uow(), "contacts.on_lead_converted")

    @event_handler("sales", "PipelineCreated", sales_messages.PipelineCreated)
    def on_pipeline_created(self, event: InboundEvent) -> None:
        sales_events.record_pipeline(sales_mappers.pipeline_stages(event), self.app.uow(), "contacts.on_pipeline_created")

    @event_handler("sales", "PipelineUpdated", sales_messages.PipelineUpdated)
    def on_pipeline_updated(self, event: InboundEvent) -> None:
        sales_events.record_pipeline(sales_mappers.pipeline_stages(event), self.app.uow(), "contacts.on_pipeline_updated")
    # --- end sales events feed ---

    # --- duplicates ---
    @timer(interval=DUPLICATE_SCAN_POLL_SECONDS)
    def run_duplicate_scans(self) -> None:
        """Runs the duplicate scans StartDuplicateScan queued (one at a time per worker; rows are claimed)."""
        duplicates.run_pending_scans(self.app.uow)
    # --- end duplicates ---

    # --- import and export ---
    @timer(interval=IMPORT_POLL_SECONDS)
    def run_imports(self) -> None:
        """Runs queued imports batch by batch, letting the other handlers run between batches."""
        s = self.app.settings
        transfer.run_pending(
            self.app.uow, default_phone_region=s.default_phone_region or None, batch_size=s.import_batch_size,
            budget_seconds=IMPORT_BUDGET_SECONDS, pause=eventlet.sleep,
        )
    # --- end import and export ---
