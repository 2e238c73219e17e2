"""Commerce's gRPC requests as commands; the only place that reads commerce request messages."""
from __future__ import annotations

from datetime import UTC, date

from crm.sales.v1 import commerce_pb2 as cpb
from crm_chassis.errors import FieldViolation, InvalidArgument, Violations
from crm_sales.adapters.commerce_messages import DIMENSION, QUOTE_STATUS, THREAT
from crm_sales.domain import commerce_commands as commands
from crm_sales.domain.competitors import CompetitorPrice, CompetitorProduct
from crm_sales.domain.forecast import GRANULARITIES
from crm_sales.domain.quotes import LineInput, QuoteTerms

STATUS_WORDS = {number: word for word, number in QUOTE_STATUS.items()}
THREAT_WORDS = {number: word for word, number in THREAT.items()}
DIMENSION_WORDS = {number: word for word, number in DIMENSION.items()}
MAX_HISTORY_DAYS = 3650


def under(prefix: str, error: InvalidArgument) -> InvalidArgument:
    """Field paths relative to the request, e.g. `quote.lines[0].product_id`."""
    return InvalidArgument([FieldViolation(f"{prefix}.{v.field}", v.description) for v in error.violations])


def _day(text: str, field: str, problems: Violations) -> date | None:
    """YYYY-MM-DD only (fromisoformat alone would also take 20261231)."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    problems.add(field, f"{text!r} is not a date (YYYY-MM-DD)")
    return None


def product(p: cpb.Product, *, creating: bool = False) -> commands.SaveProduct:
    """A new product is active whatever the request says (proto3's default false would hide it)."""
    return commands.SaveProduct(id=p.id, sku=p.sku, name=p.name, description=p.description, tax_rate_bp=p.tax_rate_bp, active=creating or p.active)


def price_list(pl: cpb.PriceList, *, creating: bool = False) -> commands.SavePriceList:
    """A new price list is active whatever the request says."""
    problems = Violations()
    valid_from, valid_to = _day(pl.valid_from, "valid_from", problems), _day(pl.valid_to, "valid_to", problems)
    problems.raise_if_any()
    return commands.SavePriceList(
        id=pl.id, name=pl.name, currency=pl.currency, valid_from=valid_from, valid_to=valid_to,
        entries=[(e.product_id, e.unit_price_minor) for e in pl.entries], active=creating or pl.active,
    )


def terms(q: cpb.Quote) -> QuoteTerms:
    problems = Violations()
    valid_until = _day(q.valid_until, "valid_until", problems)
    problems.raise_if_any()
    lines = [
        LineInput(
            product_id=ln.product_id, quantity=ln.quantity, discount_bp=ln.discount_bp, discount_minor=ln.discount_minor,
            tax_rate_bp=ln.tax_rate_bp if ln.HasField("tax_rate_bp") else None,
        )
        for ln in q.lines
    ]
    return QuoteTerms(lines=lines, discount_bp=q.discount_bp, valid_until=valid_until, note=q.note)


def quote_status(status: int) -> str:
    if status and status not in STATUS_WORDS:
        raise InvalidArgument([FieldViolation("status", f"unknown status {status}")])
    return STATUS_WORDS.get(status, "")


def competitor(c: cpb.Competitor) -> commands.SaveCompetitor:
    problems = Violations()
    products = []
    for i, p in enumerate(c.products):
        prices = []
        for j, pr in enumerate(p.prices):
            where = f"products[{i}].prices[{j}]"
            prices.append(CompetitorPrice(
                pr.currency, pr.amount_minor, _day(pr.valid_from, f"{where}.valid_from", problems), _day(pr.valid_to, f"{where}.valid_to", problems)
            ))
        products.append(CompetitorProduct(p.name, tuple(prices)))
    problems.raise_if_any()
    return commands.SaveCompetitor(id=c.id, name=c.name, website=c.website, strengths=c.strengths, weaknesses=c.weaknesses, products=products)


def opportunity_competitor(e: cpb.OpportunityCompetitor) -> commands.SetOpportunityCompetitor:
    if e.threat and e.threat not in THREAT_WORDS:
        raise InvalidArgument([FieldViolation("entry.threat", f"unknown threat level {e.threat}")])
    return commands.SetOpportunityCompetitor(e.opportunity_id, e.competitor_id, e.strengths, e.weaknesses, THREAT_WORDS.get(e.threat, ""))


def _filter(f: cpb.SalesFilter) -> dict:
    return {"owner": f.owner, "team": f.team, "territory": f.territory, "pipeline_id": f.pipeline_id}


def _range(start: str, end: str, names: tuple[str, str], problems: Violations) -> tuple[date | None, date | None]:
    first, last = _day(start, names[0], problems), _day(end, names[1], problems)
    if first and last and last < first:
        problems.add(names[1], f"must not be before {names[0]}")
    return first, last


def forecast_question(r: cpb.GetForecastRequest) -> commands.SalesQuestion:
    problems = Violations()
    granularity = r.granularity or "month"
    if granularity not in GRANULARITIES:
        problems.add("granularity", f"must be one of {', '.join(GRANULARITIES)}")
    dimensions = []
    for i, d in enumerate(r.group_by):
        if d not in DIMENSION_WORDS:
            problems.add(f"group_by[{i}]", "is not a dimension")
        elif DIMENSION_WORDS[d] in dimensions:
            problems.add(f"group_by[{i}]", "is given twice")
        else:
            dimensions.append(DIMENSION_WORDS[d])
    close_from, close_to = _range(r.close_from, r.close_to, ("close_from", "close_to"), problems)
    history_days = r.history_days or 365
    if not 1 <= history_days <= MAX_HISTORY_DAYS:
        problems.add("history_days", f"must be between 1 and {MAX_HISTORY_DAYS}")
    as_of = r.as_of.ToDatetime(tzinfo=UTC) if r.HasField("as_of") else None
    problems.raise_if_any()
    return commands.SalesQuestion(
        **_filter(r.filter), granularity=granularity, dimensions=tuple(dimensions), date_from=close_from, date_to=close_to, as_of=as_of,
        history_days=history_days,
    )


def kpi_question(r: cpb.GetSalesKpisRequest) -> commands.SalesQuestion:
    problems = Violations()
    first, last = _range(r.period_from, r.period_to, ("period_from", "period_to"), problems)
    problems.raise_if_any()
    return commands.SalesQuestion(**_filter(r.filter), date_from=first, date_to=last)


def win_loss_question(r: cpb.GetWinLossAnalysisRequest) -> commands.SalesQuestion:
    problems = Violations()
    first, last = _range(r.closed_from, r.closed_to, ("closed_from", "closed_to"), problems)
    problems.raise_if_any()
    return commands.SalesQuestion(**_filter(r.filter), date_from=first, date_to=last)


def valid_on(text: str) -> date | None:
    problems = Violations()
    day = _day(text, "valid_on", problems)
    problems.raise_if_any()
    return day
