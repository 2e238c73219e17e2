"""Competitors: the catalogue, their products and prices, who competes on which deal, and win/loss against each."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import Violations
from crm_sales.domain import commerce_events as events
from crm_sales.domain.catalog import MAX_DESCRIPTION_LENGTH, check_date, check_text, new_id, utcnow
from crm_sales.domain.money import check_amount, check_currency, round_half_up

MAX_PRODUCTS = 200
MAX_PRICES = 50
MAX_URL_LENGTH = 500
THREATS = ("low", "medium", "high")


@dataclass(frozen=True)
class CompetitorPrice:
    currency: str
    amount_minor: int
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class CompetitorProduct:
    name: str
    prices: tuple[CompetitorPrice, ...] = ()


@dataclass
class Competitor:
    id: str
    name: str
    website: str
    strengths: str
    weaknesses: str
    products: list[CompetitorProduct]
    created_at: datetime
    updated_at: datetime
    events: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(cls, *, name: str, website: str = "", strengths: str = "", weaknesses: str = "", products: list[CompetitorProduct] = ()) -> "Competitor":
        name = name.strip()
        _check(name, website, strengths, weaknesses, list(products))
        now = utcnow()
        competitor = cls(new_id(), name, website.strip(), strengths, weaknesses, list(products), now, now)
        competitor.events.append(events.CompetitorChanged(competitor, created=True))
        return competitor

    def update(self, *, name: str, website: str, strengths: str, weaknesses: str, products: list[CompetitorProduct]) -> bool:
        name = name.strip()
        _check(name, website, strengths, weaknesses, products)
        new = (name, website.strip(), strengths, weaknesses, list(products))
        if new == (self.name, self.website, self.strengths, self.weaknesses, self.products):
            return False
        self.name, self.website, self.strengths, self.weaknesses, self.products = new
        self.updated_at = utcnow()
        self.events.append(events.CompetitorChanged(self, created=False))
        return True


def _check(name: str, website: str, strengths: str, weaknesses: str, products: list[CompetitorProduct]) -> None:
    problems = Violations()
    check_text(name, "name", problems, required=True)
    check_text(website, "website", problems, required=False, limit=MAX_URL_LENGTH)
    if website.strip() and not website.strip().startswith(("http://", "https://")):
        problems.add("website", "must be an http(s) URL")
    check_text(strengths, "strengths", problems, required=False, limit=MAX_DESCRIPTION_LENGTH)
    check_text(weaknesses, "weaknesses", problems, required=False, limit=MAX_DESCRIPTION_LENGTH)
    if len(products) > MAX_PRODUCTS:
        problems.add("products", f"must have at most {MAX_PRODUCTS} products")
    names: set[str] = set()
    for i, product in enumerate(products[:MAX_PRODUCTS]):
        check_text(product.name, f"products[{i}].name", problems, required=True)
        if product.name.strip().casefold() in names:
            problems.add(f"products[{i}].name", "is listed twice")
        names.add(product.name.strip().casefold())
        if len(product.prices) > MAX_PRICES:
            problems.add(f"products[{i}].prices", f"must have at most {MAX_PRICES} prices")
        for j, price in enumerate(product.prices[:MAX_PRICES]):
            where = f"products[{i}].prices[{j}]"
            check_currency(price.currency, f"{where}.currency", problems)
            check_amount(price.amount_minor, f"{where}.amount_minor", problems)
            check_date(price.valid_from, f"{where}.valid_from", problems)
            check_date(price.valid_to, f"{where}.valid_to", problems)
            if price.valid_from and price.valid_to and price.valid_to < price.valid_from:
                problems.add(f"{where}.valid_to", "must not be before valid_from")
    problems.raise_if_any()


@dataclass
class OpportunityCompetitor:
    """A competitor in the running for one opportunity; visible to whoever sees the opportunity."""

    opportunity_id: str
    competitor_id: str
    strengths: str
    weaknesses: str
    threat: str
    created_at: datetime
    updated_at: datetime
    audience: Audience = field(default_factory=Audience)
    events: list = field(default_factory=list, repr=False, compare=False)

    def is_visible_to(self, viewer: Viewer) -> bool:
        return self.audience.is_visible_to(viewer)

    @classmethod
    def create(cls, *, opportunity_id: str, competitor_id: str, strengths: str, weaknesses: str, threat: str, audience: Audience) -> "OpportunityCompetitor":
        _check_entry(strengths, weaknesses, threat)
        now = utcnow()
        entry = cls(opportunity_id, competitor_id, strengths, weaknesses, threat or "medium", now, now, audience)
        entry.events.append(events.OpportunityCompetitorChanged(entry))
        return entry

    def update(self, *, strengths: str, weaknesses: str, threat: str) -> bool:
        _check_entry(strengths, weaknesses, threat)
        new = (strengths, weaknesses, threat or "medium")
        if new == (self.strengths, self.weaknesses, self.threat):
            return False
        self.strengths, self.weaknesses, self.threat = new
        self.updated_at = utcnow()
        self.events.append(events.OpportunityCompetitorChanged(self))
        return True

    def remove(self) -> None:
        self.events.append(events.OpportunityCompetitorChanged(self, removed=True))


def _check_entry(strengths: str, weaknesses: str, threat: str) -> None:
    problems = Violations()
    check_text(strengths, "strengths", problems, required=False, limit=MAX_DESCRIPTION_LENGTH)
    check_text(weaknesses, "weaknesses", problems, required=False, limit=MAX_DESCRIPTION_LENGTH)
    if threat and threat not in THREATS:
        problems.add("threat", f"must be one of {', '.join(THREATS)}")
    problems.raise_if_any()


# --- win/loss analysis ---


@dataclass(frozen=True)
class DealOutcome:
    """One opportunity as the analysis needs it; status is open, won or lost."""

    opportunity_id: str
    status: str
    amount_minor: int
    currency: str
    competitor_ids: frozenset[str]
    lost_to_competitor_id: str = ""
    lost_price_minor: int = 0  # the competitor's price the deal was lost at; 0: unknown
    lost_price_currency: str = ""  # empty: the deal's currency


@dataclass(frozen=True)
class CompetitorRecord:
    competitor_id: str
    opportunities: int
    open: int
    won: int
    lost: int
    lost_to_them: int  # lost, and to this competitor (lost to someone else counts in lost only)
    win_rate_bp: int  # won / (won + lost) in basis points, half-up; 0 when nothing closed
    won_minor: dict[str, int]  # per currency
    lost_to_them_minor: dict[str, int]  # our amounts of the deals they took, per currency
    their_average_price_minor: dict[str, int]  # average price they won at, per currency, over deals with a known price


def win_loss(outcomes: list[DealOutcome]) -> list[CompetitorRecord]:
    """Per competitor, over the deals they were on (a deal lost to a competitor counts as one they were on)."""
    deals: dict[str, list[DealOutcome]] = defaultdict(list)
    for outcome in outcomes:
        for competitor_id in outcome.competitor_ids | ({outcome.lost_to_competitor_id} if outcome.lost_to_competitor_id else set()):
            deals[competitor_id].append(outcome)
    records = []
    for competitor_id, theirs in sorted(deals.items()):
        won = [d for d in theirs if d.status == "won"]
        lost = [d for d in theirs if d.status == "lost"]
        taken = [d for d in lost if d.lost_to_competitor_id == competitor_id]
        prices: dict[str, list[int]] = defaultdict(list)
        for d in taken:
            if d.lost_price_minor:
                prices[d.lost_price_currency or d.currency].append(d.lost_price_minor)
        records.append(CompetitorRecord(
            competitor_id=competitor_id,
            opportunities=len(theirs),
            open=sum(1 for d in theirs if d.status == "open"),
            won=len(won),
            lost=len(lost),
            lost_to_them=len(taken),
            win_rate_bp=round_half_up(len(won) * 10_000, len(won) + len(lost)) if won or lost else 0,
            won_minor=_sum_by_currency(won),
            lost_to_them_minor=_sum_by_currency(taken),
            their_average_price_minor={c: round_half_up(sum(p), len(p)) for c, p in sorted(prices.items())},
        ))
    return records


def _sum_by_currency(deals: list[DealOutcome]) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for d in deals:
        sums[d.currency] += d.amount_minor
    return dict(sorted(sums.items()))
