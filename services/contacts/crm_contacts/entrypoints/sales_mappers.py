"""Translates sales' events (crm.sales.v1) into the sales feed's commands; the worker's half of the feed."""
from __future__ import annotations

from datetime import UTC, date, datetime

from crm.sales.v1 import commerce_pb2, sales_pb2
from crm_chassis.envelope import InboundEvent
from crm_contacts.domain import sales_feed
from crm_contacts.domain.custom_fields import Money
from crm_contacts.domain.sales_feed import Deal, DealContact, DealMoved, DealProduct, DealReopened, DealWon, PipelineStages, SalesFact

# Stage changes that are not a move between open stages have their own event (created, won, lost, reopened).
_MOVES = {sales_pb2.STAGE_CHANGE_KIND_FORWARD: "forward", sales_pb2.STAGE_CHANGE_KIND_BACKWARD: "backward"}


def _money(amount_minor: int, currency: str) -> Money | None:
    return Money(amount_minor, currency) if currency else None


def deal(o: sales_pb2.Opportunity) -> Deal:
    return Deal(
        id=o.id, name=o.name, account_id=o.account_id,
        contacts=tuple(DealContact(c.person_id, c.role == sales_pb2.CONTACT_ROLE_DECISION_MAKER) for c in o.contacts),
        amount=_money(o.amount.amount_minor, o.amount.currency) if o.HasField("amount") else None,
        products=tuple(DealProduct(p.product_id, p.name, p.quantity) for p in o.products),
    )


def _fact(event: InboundEvent, d: Deal, summary: str) -> SalesFact:
    return SalesFact(event.id, event.payload.DESCRIPTOR.name, summary, d.account_id, d.person_ids, event.occurred_at)


def opportunity_created(event: InboundEvent) -> SalesFact:
    d = deal(event.payload.opportunity)
    return _fact(event, d, sales_feed.opportunity_created(d))


def stage_changed(event: InboundEvent) -> DealMoved | None:
    """None for the stage changes that come with their own event (created, won, lost, reopened)."""
    change = event.payload.change
    direction = _MOVES.get(change.kind)
    if direction is None:
        return None
    return DealMoved(event.id, deal(event.payload.opportunity), direction, change.stage_id, change.probability, event.occurred_at)


def pipeline_stages(event: InboundEvent) -> PipelineStages:
    p: sales_pb2.Pipeline = event.payload.pipeline
    when = p.update_time.ToDatetime(tzinfo=UTC) if p.update_time.seconds > 0 else event.occurred_at or datetime.now(UTC)
    return PipelineStages(event.id, p.id, when, tuple((s.id, s.name) for s in p.stages))


def _won_on(event: InboundEvent, o: sales_pb2.Opportunity) -> date:
    """The close date in UTC (never in the future: an owned product's purchase date may not be)."""
    when = o.close_time.ToDatetime(tzinfo=UTC) if o.close_time.seconds > 0 else event.occurred_at or datetime.now(UTC)
    return min(when.astimezone(UTC).date(), datetime.now(UTC).date())


def opportunity_won(event: InboundEvent) -> DealWon:
    o = event.payload.opportunity
    d = deal(o)
    return DealWon(_fact(event, d, sales_feed.opportunity_won(d)), d, _won_on(event, o))


def opportunity_lost(event: InboundEvent) -> SalesFact:
    d = deal(event.payload.opportunity)
    return _fact(event, d, sales_feed.opportunity_lost(d, event.payload.reason_code, event.payload.opportunity.close_note))


def opportunity_reopened(event: InboundEvent) -> DealReopened:
    d = deal(event.payload.opportunity)
    return DealReopened(_fact(event, d, sales_feed.opportunity_reopened(d)), d)


def order_placed(event: InboundEvent) -> SalesFact:
    """The account's line: an order names no persons."""
    order: commerce_pb2.Order = event.payload.order
    total = _money(order.totals.gross_minor, order.currency)
    summary = sales_feed.order_placed(order.purchase_order_number, total, [(line.quantity, line.name or line.product_id) for line in order.lines])
    return SalesFact(event.id, "OrderPlaced", summary, order.account_id, (), event.occurred_at)


def lead_converted(event: InboundEvent) -> SalesFact:
    p = event.payload
    persons = (p.person_id,) if p.person_id else ()
    return SalesFact(event.id, "LeadConverted", sales_feed.lead_converted(p.lead.company, p.lead.source), p.account_id, persons, event.occurred_at)
