"""The sales nameko worker: contacts' erasures and merges, marketing responses (new leads)."""
from __future__ import annotations

from crm.contacts.v1 import events_pb2 as contacts_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm_chassis.envelope import InboundEvent
from crm_chassis.worker import Injected, event_handler
from crm_sales.domain.leads import LeadData
from crm_sales.service_layer import handlers


class SalesWorker:
    name = "sales"
    app = Injected()

    # --- core ---
    @event_handler("contacts", "PersonErased", contacts_events.PersonErased)
    def on_person_erased(self, event: InboundEvent) -> None:
        handlers.person_erased(self.app.uow(), event.payload.person_id, "sales.on_person_erased", event.id)

    @event_handler("contacts", "PersonsMerged", contacts_events.PersonsMerged)
    def on_persons_merged(self, event: InboundEvent) -> None:
        p = event.payload
        handlers.persons_merged(self.app.uow(), p.survivor_id, list(p.merged_ids), "sales.on_persons_merged", event.id)

    @event_handler("marketing", "ResponseReceived", marketing_events.ResponseReceived)
    def on_marketing_response(self, event: InboundEvent) -> None:
        """A campaign response becomes a lead; a response the lead rules refuse (no name) is dead-lettered."""
        r = event.payload
        data = LeadData(
            given_name=r.given_name, family_name=r.family_name, company=r.company, title=r.title, email=r.email, phone=r.phone,
            country=r.country, industry=r.industry, notes=r.message,
        )
        handlers.lead_from_marketing_response(
            self.app.uow(), event.id, r.response_id, r.campaign_id, r.person_id, data, "sales.on_marketing_response"
        )
    # --- end core ---

    # --- commerce ---
    # --- end commerce ---
