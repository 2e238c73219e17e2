"""Domain objects as protobuf messages: for gRPC answers and for events alike.

The outbox mapper looks each domain event's type up in MAPPERS: the core's below,
commerce's from `commerce_messages.MAPPERS`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from crm.sales.v1 import events_pb2
from crm.sales.v1 import sales_pb2 as pb
from crm_chassis.envelope import OutboundEvent
from crm_sales.adapters import commerce_messages
from crm_sales.domain import events
from crm_sales.domain.leads import AssignmentRule, Lead
from crm_sales.domain.opportunities import CloseReason, Opportunity, StageChange
from crm_sales.domain.pipelines import Pipeline

MAPPERS: dict[type, Callable[[Any], OutboundEvent]] = {}

# --- core ---
LEAD_STATUS = {"new": pb.LEAD_STATUS_NEW, "working": pb.LEAD_STATUS_WORKING, "qualified": pb.LEAD_STATUS_QUALIFIED,
               "disqualified": pb.LEAD_STATUS_DISQUALIFIED, "converted": pb.LEAD_STATUS_CONVERTED}
LEAD_RATING = {"": pb.LEAD_RATING_UNSPECIFIED, "cold": pb.LEAD_RATING_COLD, "warm": pb.LEAD_RATING_WARM, "hot": pb.LEAD_RATING_HOT}
OPPORTUNITY_STATUS = {"open": pb.OPPORTUNITY_STATUS_OPEN, "won": pb.OPPORTUNITY_STATUS_WON, "lost": pb.OPPORTUNITY_STATUS_LOST}
CONTACT_ROLE = {"decision_maker": pb.CONTACT_ROLE_DECISION_MAKER, "influencer": pb.CONTACT_ROLE_INFLUENCER,
                "supporter": pb.CONTACT_ROLE_SUPPORTER, "user": pb.CONTACT_ROLE_USER}
REASON_KIND = {"won": pb.CLOSE_REASON_KIND_WON, "lost": pb.CLOSE_REASON_KIND_LOST}
CHANGE_KIND = {"created": pb.STAGE_CHANGE_KIND_CREATED, "forward": pb.STAGE_CHANGE_KIND_FORWARD, "backward": pb.STAGE_CHANGE_KIND_BACKWARD,
               "won": pb.STAGE_CHANGE_KIND_WON, "lost": pb.STAGE_CHANGE_KIND_LOST, "reopened": pb.STAGE_CHANGE_KIND_REOPENED}


def timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def money(amount_minor: int | None, currency: str) -> pb.Money | None:
    return None if amount_minor is None or not currency else pb.Money(amount_minor=amount_minor, currency=currency)


def pipeline(p: Pipeline) -> pb.Pipeline:
    return pb.Pipeline(
        id=p.id, name=p.name, is_default=p.is_default, create_time=timestamp(p.created_at), update_time=timestamp(p.updated_at),
        stages=[pb.Stage(id=s.id, name=s.name, probability=s.probability, expected_days=s.expected_days, position=s.position) for s in p.stages],
    )


def close_reason(r: CloseReason) -> pb.CloseReason:
    return pb.CloseReason(id=r.id, kind=REASON_KIND[r.kind], code=r.code, label=r.label, active=r.active)


def assignment_rule(r: AssignmentRule) -> pb.AssignmentRule:
    return pb.AssignmentRule(
        id=r.id, name=r.name, priority=r.priority, countries=list(r.countries), industries=list(r.industries), owner=r.owner,
        members=list(r.members), team=r.team, territory=r.territory,
    )


def lead(x: Lead) -> pb.Lead:
    d = x.data
    return pb.Lead(
        id=x.id, given_name=d.given_name, family_name=d.family_name, company=d.company, title=d.title, email=d.email, phone=d.phone,
        country=d.country, industry=d.industry, source=d.source, status=LEAD_STATUS[d.status], rating=LEAD_RATING[d.rating],
        notes=d.notes, owner=d.owner, team=d.team, territory=d.territory, campaign_id=d.campaign_id,
        create_time=timestamp(x.created_at), update_time=timestamp(x.updated_at), last_activity_time=timestamp(x.last_activity_at),
        person_id=x.person_id, account_id=x.account_id, opportunity_id=x.opportunity_id, disqualify_reason=d.disqualify_reason,
    )


def opportunity(o: Opportunity) -> pb.Opportunity:
    return pb.Opportunity(
        id=o.id, name=o.name, account_id=o.account_id, lead_id=o.lead_id, pipeline_id=o.pipeline_id, stage_id=o.stage_id,
        status=OPPORTUNITY_STATUS[o.status], amount=money(o.amount_minor, o.currency),
        expected_close_date=o.expected_close_date.isoformat() if o.expected_close_date else "",
        owner=o.owner, team=o.team, territory=o.territory, next_step=o.next_step,
        products=[pb.OpportunityProduct(product_id=p.product_id, name=p.name, quantity=p.quantity, unit_price=money(p.unit_price_minor, p.currency))
                  for p in o.products],
        contacts=[pb.OpportunityContact(person_id=c.person_id, role=CONTACT_ROLE[c.role]) for c in o.contacts],
        probability=o.probability, stage_enter_time=timestamp(o.stage_entered_at), close_reason_id=o.close_reason_id,
        close_note=o.close_note, lost_to_competitor_id=o.lost_to_competitor_id,
        competitor_price=money(o.competitor_price_minor, o.competitor_currency), close_time=timestamp(o.closed_at),
        create_time=timestamp(o.created_at), update_time=timestamp(o.updated_at),
    )


def stage_change(c: StageChange) -> pb.StageChange:
    return pb.StageChange(
        id=c.id, opportunity_id=c.opportunity_id, pipeline_id=c.pipeline_id, stage_id=c.stage_id, from_stage_id=c.from_stage_id,
        status=OPPORTUNITY_STATUS[c.status], kind=CHANGE_KIND[c.kind], amount=money(c.amount_minor, c.currency),
        probability=c.probability, enter_time=timestamp(c.entered_at), leave_time=timestamp(c.left_at), changed_by=c.changed_by,
    )


MAPPERS.update({
    events.PipelineCreated: lambda e: OutboundEvent("pipeline", e.pipeline.id, events_pb2.PipelineCreated(pipeline=pipeline(e.pipeline))),
    events.PipelineUpdated: lambda e: OutboundEvent("pipeline", e.pipeline.id, events_pb2.PipelineUpdated(pipeline=pipeline(e.pipeline))),
    events.CloseReasonCreated: lambda e: OutboundEvent("close_reason", e.reason.id, events_pb2.CloseReasonCreated(reason=close_reason(e.reason))),
    events.CloseReasonDeactivated: lambda e: OutboundEvent(
        "close_reason", e.reason.id, events_pb2.CloseReasonDeactivated(reason=close_reason(e.reason))),
    events.AssignmentRuleCreated: lambda e: OutboundEvent("assignment_rule", e.rule.id, events_pb2.AssignmentRuleCreated(rule=assignment_rule(e.rule))),
    events.AssignmentRuleDeleted: lambda e: OutboundEvent("assignment_rule", e.rule_id, events_pb2.AssignmentRuleDeleted(rule_id=e.rule_id)),
    events.LeadCreated: lambda e: OutboundEvent("lead", e.lead.id, events_pb2.LeadCreated(lead=lead(e.lead))),
    events.LeadUpdated: lambda e: OutboundEvent("lead", e.lead.id, events_pb2.LeadUpdated(lead=lead(e.lead))),
    events.LeadConverted: lambda e: OutboundEvent("lead", e.lead.id, events_pb2.LeadConverted(
        lead=lead(e.lead), person_id=e.lead.person_id, account_id=e.lead.account_id, opportunity_id=e.lead.opportunity_id)),
    events.OpportunityCreated: lambda e: OutboundEvent(
        "opportunity", e.opportunity.id, events_pb2.OpportunityCreated(opportunity=opportunity(e.opportunity))),
    events.OpportunityUpdated: lambda e: OutboundEvent(
        "opportunity", e.opportunity.id, events_pb2.OpportunityUpdated(opportunity=opportunity(e.opportunity))),
    events.OpportunityStageChanged: lambda e: OutboundEvent(
        "opportunity", e.opportunity.id, events_pb2.OpportunityStageChanged(opportunity=opportunity(e.opportunity), change=stage_change(e.change)),
        occurred_at=e.change.entered_at),
    events.OpportunityWon: lambda e: OutboundEvent(
        "opportunity", e.opportunity.id, events_pb2.OpportunityWon(opportunity=opportunity(e.opportunity), reason_code=e.reason_code)),
    events.OpportunityLost: lambda e: OutboundEvent(
        "opportunity", e.opportunity.id, events_pb2.OpportunityLost(opportunity=opportunity(e.opportunity), reason_code=e.reason_code)),
    events.OpportunityReopened: lambda e: OutboundEvent(
        "opportunity", e.opportunity.id, events_pb2.OpportunityReopened(opportunity=opportunity(e.opportunity))),
})
# --- end core ---

MAPPERS.update(commerce_messages.MAPPERS)


def outbound(event) -> OutboundEvent:
    """The outbox mapper: each domain event as the protobuf message other services consume."""
    mapper = MAPPERS.get(type(event))
    if mapper is None:
        raise TypeError(f"no message for domain event {type(event).__name__}")
    return mapper(event)
