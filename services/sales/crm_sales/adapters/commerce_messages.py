"""Commerce's domain objects as protobuf messages, for gRPC answers and events alike, and its events' mappers."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from crm.sales.v1 import commerce_pb2 as cpb
from crm.sales.v1 import events_pb2
from crm_chassis.envelope import OutboundEvent
from crm_sales.domain import commerce_events as events
from crm_sales.domain.catalog import PriceList, Product
from crm_sales.domain.competitors import Competitor, CompetitorRecord, OpportunityCompetitor
from crm_sales.domain.orders import Order
from crm_sales.domain.quotes import Quote, QuoteLine, Totals

QUOTE_STATUS = {
    "draft": cpb.QUOTE_STATUS_DRAFT, "sent": cpb.QUOTE_STATUS_SENT, "accepted": cpb.QUOTE_STATUS_ACCEPTED, "rejected": cpb.QUOTE_STATUS_REJECTED,
}
APPROVAL = {
    "not_required": cpb.APPROVAL_STATUS_NOT_REQUIRED, "pending": cpb.APPROVAL_STATUS_PENDING,
    "approved": cpb.APPROVAL_STATUS_APPROVED, "rejected": cpb.APPROVAL_STATUS_REJECTED,
}
THREAT = {"low": cpb.THREAT_LEVEL_LOW, "medium": cpb.THREAT_LEVEL_MEDIUM, "high": cpb.THREAT_LEVEL_HIGH}
DIMENSION = {"owner": cpb.FORECAST_DIMENSION_OWNER, "team": cpb.FORECAST_DIMENSION_TEAM, "territory": cpb.FORECAST_DIMENSION_TERRITORY}


def timestamp(value: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def product(p: Product) -> cpb.Product:
    return cpb.Product(
        id=p.id, sku=p.sku, name=p.name, description=p.description, tax_rate_bp=p.tax_rate_bp, active=p.active,
        create_time=timestamp(p.created_at), update_time=timestamp(p.updated_at),
    )


def price_list(pl: PriceList) -> cpb.PriceList:
    return cpb.PriceList(
        id=pl.id, name=pl.name, currency=pl.currency, valid_from=day(pl.valid_from), valid_to=day(pl.valid_to),
        entries=[cpb.PriceListEntry(product_id=pid, unit_price_minor=price) for pid, price in sorted(pl.entries.items())],
        active=pl.active, create_time=timestamp(pl.created_at), update_time=timestamp(pl.updated_at),
    )


def line(ln: QuoteLine) -> cpb.QuoteLine:
    return cpb.QuoteLine(
        product_id=ln.product_id, quantity=ln.quantity, discount_bp=ln.discount_bp, discount_minor=ln.discount_minor, tax_rate_bp=ln.tax_rate_bp,
        sku=ln.sku, name=ln.name, unit_price_minor=ln.unit_price_minor, list_minor=ln.list_minor,
        discount_total_minor=ln.discount_total_minor, net_minor=ln.net_minor, tax_minor=ln.tax_minor, gross_minor=ln.gross_minor,
    )


def totals(t: Totals) -> cpb.QuoteTotals:
    return cpb.QuoteTotals(
        list_minor=t.list_minor, discount_minor=t.discount_minor, net_minor=t.net_minor, tax_minor=t.tax_minor, gross_minor=t.gross_minor,
        taxes=[cpb.TaxLine(rate_bp=rate, taxable_minor=base, tax_minor=tax) for rate, base, tax in t.taxes], discount_bp=t.discount_bp,
    )


def quote(q: Quote) -> cpb.Quote:
    return cpb.Quote(
        id=q.id, opportunity_id=q.opportunity_id, account_id=q.account_id, price_list_id=q.price_list_id, currency=q.currency,
        version=q.version, status=QUOTE_STATUS[q.status], approval=APPROVAL[q.approval], discount_bp=q.discount_bp,
        valid_until=day(q.valid_until), note=q.note, lines=[line(ln) for ln in q.lines], totals=totals(q.totals),
        owner=q.owner, team=q.team, territory=q.territory, approved_by=q.approved_by, approval_comment=q.approval_comment,
        reject_reason=q.decision_reason, order_id=q.order_id, create_time=timestamp(q.created_at), update_time=timestamp(q.updated_at),
    )


def order(o: Order) -> cpb.Order:
    return cpb.Order(
        id=o.id, quote_id=o.quote_id, quote_version=o.quote_version, opportunity_id=o.opportunity_id, account_id=o.account_id,
        price_list_id=o.price_list_id, currency=o.currency, purchase_order_number=o.purchase_order_number,
        lines=[line(ln) for ln in o.lines], totals=totals(o.totals), owner=o.owner, team=o.team, territory=o.territory,
        placed_by=o.placed_by, place_time=timestamp(o.placed_at),
    )


def competitor(c: Competitor) -> cpb.Competitor:
    return cpb.Competitor(
        id=c.id, name=c.name, website=c.website, strengths=c.strengths, weaknesses=c.weaknesses,
        products=[
            cpb.CompetitorProduct(name=p.name, prices=[
                cpb.CompetitorPrice(currency=pr.currency, amount_minor=pr.amount_minor, valid_from=day(pr.valid_from), valid_to=day(pr.valid_to))
                for pr in p.prices
            ])
            for p in c.products
        ],
        create_time=timestamp(c.created_at), update_time=timestamp(c.updated_at),
    )


def opportunity_competitor(e: OpportunityCompetitor, name: str = "") -> cpb.OpportunityCompetitor:
    return cpb.OpportunityCompetitor(
        opportunity_id=e.opportunity_id, competitor_id=e.competitor_id, competitor_name=name, strengths=e.strengths,
        weaknesses=e.weaknesses, threat=THREAT[e.threat], create_time=timestamp(e.created_at), update_time=timestamp(e.updated_at),
    )


def amounts(by_currency: dict[str, int]) -> list[cpb.AmountByCurrency]:
    return [cpb.AmountByCurrency(currency=c, amount_minor=a) for c, a in sorted(by_currency.items())]


def win_loss(r: CompetitorRecord, name: str) -> cpb.CompetitorWinLoss:
    return cpb.CompetitorWinLoss(
        competitor_id=r.competitor_id, competitor_name=name, opportunities=r.opportunities, open=r.open, won=r.won, lost=r.lost,
        lost_to_them=r.lost_to_them, win_rate_bp=r.win_rate_bp, won_amounts=amounts(r.won_minor),
        lost_to_them_amounts=amounts(r.lost_to_them_minor), their_average_price=amounts(r.their_average_price_minor),
    )


# --- events ---

_QUOTE_EVENTS = {
    "created": events_pb2.QuoteCreated, "updated": events_pb2.QuoteUpdated, "revised": events_pb2.QuoteRevised,
    "approved": events_pb2.QuoteApproved, "approval_rejected": events_pb2.QuoteApprovalRejected, "sent": events_pb2.QuoteSent,
    "rejected": events_pb2.QuoteRejected,
}


def _product_changed(e: events.ProductChanged) -> OutboundEvent:
    message = (events_pb2.ProductCreated if e.created else events_pb2.ProductUpdated)(product=product(e.product))
    return OutboundEvent("product", e.product.id, message)


def _price_list_changed(e: events.PriceListChanged) -> OutboundEvent:
    message = (events_pb2.PriceListCreated if e.created else events_pb2.PriceListUpdated)(price_list=price_list(e.price_list))
    return OutboundEvent("price_list", e.price_list.id, message)


def _quote_changed(e: events.QuoteChanged) -> OutboundEvent:
    if e.kind == "accepted":
        return OutboundEvent("quote", e.quote.id, events_pb2.QuoteAccepted(quote=quote(e.quote), order_id=e.quote.order_id))
    return OutboundEvent("quote", e.quote.id, _QUOTE_EVENTS[e.kind](quote=quote(e.quote)))


def _order_placed(e: events.OrderPlaced) -> OutboundEvent:
    return OutboundEvent("order", e.order.id, events_pb2.OrderPlaced(order=order(e.order)), occurred_at=e.order.placed_at)


def _competitor_changed(e: events.CompetitorChanged) -> OutboundEvent:
    message = (events_pb2.CompetitorCreated if e.created else events_pb2.CompetitorUpdated)(competitor=competitor(e.competitor))
    return OutboundEvent("competitor", e.competitor.id, message)


def _opportunity_competitor_changed(e: events.OpportunityCompetitorChanged) -> OutboundEvent:
    if e.removed:
        message = events_pb2.OpportunityCompetitorRemoved(opportunity_id=e.entry.opportunity_id, competitor_id=e.entry.competitor_id)
    else:
        message = events_pb2.OpportunityCompetitorSet(entry=opportunity_competitor(e.entry))
    return OutboundEvent("opportunity", e.entry.opportunity_id, message)


# domain event class -> function returning its OutboundEvent
MAPPERS: dict[type, Callable[[Any], OutboundEvent]] = {
    events.ProductChanged: _product_changed,
    events.PriceListChanged: _price_list_changed,
    events.QuoteChanged: _quote_changed,
    events.OrderPlaced: _order_placed,
    events.CompetitorChanged: _competitor_changed,
    events.OpportunityCompetitorChanged: _opportunity_competitor_changed,
}
