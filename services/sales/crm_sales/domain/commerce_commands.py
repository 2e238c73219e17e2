"""What callers ask commerce to do: products, price lists, quotes, competitors, forecast and KPI questions."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from crm_sales.domain.competitors import CompetitorProduct
from crm_sales.domain.quotes import QuoteTerms


@dataclass(frozen=True)
class SaveProduct:
    """Create (id empty) or replace name, description, tax rate and active."""

    id: str = ""
    sku: str = ""
    name: str = ""
    description: str = ""
    tax_rate_bp: int = 0
    active: bool = True


@dataclass(frozen=True)
class SavePriceList:
    id: str = ""
    name: str = ""
    currency: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    entries: list[tuple[str, int]] = field(default_factory=list)
    active: bool = True


@dataclass(frozen=True)
class CreateQuote:
    opportunity_id: str
    price_list_id: str
    terms: QuoteTerms


@dataclass(frozen=True)
class UpdateQuote:
    quote_id: str
    terms: QuoteTerms
    expected_version: int = 0


@dataclass(frozen=True)
class QuoteDecision:
    """Send, accept, reject or approve one version of a quote (version 0: the current one)."""

    quote_id: str
    version: int = 0
    approve: bool = False
    text: str = ""  # the approval comment, the rejection reason or the purchase order number


@dataclass(frozen=True)
class SaveCompetitor:
    id: str = ""
    name: str = ""
    website: str = ""
    strengths: str = ""
    weaknesses: str = ""
    products: list[CompetitorProduct] = field(default_factory=list)


@dataclass(frozen=True)
class SetOpportunityCompetitor:
    opportunity_id: str
    competitor_id: str
    strengths: str = ""
    weaknesses: str = ""
    threat: str = ""


@dataclass(frozen=True)
class SalesQuestion:
    """Filters of a forecast, KPI or win/loss question; dates are days, both ends included."""

    owner: str = ""
    team: str = ""
    territory: str = ""
    pipeline_id: str = ""
    granularity: str = "month"
    dimensions: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    as_of: datetime | None = None
    history_days: int = 365
