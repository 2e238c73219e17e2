"""What happened to products, price lists, quotes, orders and competitors, in the past tense."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_sales.domain.catalog import PriceList, Product
    from crm_sales.domain.competitors import Competitor, OpportunityCompetitor
    from crm_sales.domain.orders import Order
    from crm_sales.domain.quotes import Quote


@dataclass(frozen=True)
class ProductChanged:
    product: "Product"
    created: bool


@dataclass(frozen=True)
class PriceListChanged:
    price_list: "PriceList"
    created: bool


@dataclass(frozen=True)
class QuoteChanged:
    """kind: created, revised (a new version), updated (the draft version changed), sent, approved,
    approval_rejected, accepted, rejected."""

    quote: "Quote"
    kind: str


@dataclass(frozen=True)
class OrderPlaced:
    order: "Order"


@dataclass(frozen=True)
class CompetitorChanged:
    competitor: "Competitor"
    created: bool


@dataclass(frozen=True)
class OpportunityCompetitorChanged:
    entry: "OpportunityCompetitor"
    removed: bool = False
