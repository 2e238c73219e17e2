"""Use cases of commerce: products, price lists, quotes, orders, competitors, forecast and KPIs."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from crm_chassis import paging
from crm_chassis.access import Viewer
from crm_chassis.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from crm_sales.adapters import sales_analytics as analytics
from crm_sales.adapters.commerce_repository import OpportunityRef, opportunity_ref
from crm_sales.domain import commerce_commands as commands
from crm_sales.domain.catalog import PriceList, Product, utcnow
from crm_sales.domain.competitors import Competitor, CompetitorRecord, OpportunityCompetitor, win_loss
from crm_sales.domain.forecast import (
    Forecast,
    StageMoves,
    StageStall,
    average,
    average_amounts,
    forecast,
    stage_rates,
    stalls_ranked,
    win_rate_bp,
)
from crm_sales.domain.orders import Order
from crm_sales.domain.quotes import Quote
from crm_sales.service_layer.unit_of_work import SalesUnitOfWork

# --- products and price lists ---


def create_product(cmd: commands.SaveProduct, uow: SalesUnitOfWork) -> Product:
    product = Product.create(sku=cmd.sku, name=cmd.name, description=cmd.description, tax_rate_bp=cmd.tax_rate_bp, active=cmd.active)
    with uow:
        if uow.products.sku_taken(product.sku):
            raise AlreadyExists(f"a product with SKU {product.sku} exists")
        uow.products.add(product)
        uow.commit()
    return product


def update_product(cmd: commands.SaveProduct, uow: SalesUnitOfWork) -> Product:
    with uow:
        product = uow.products.get(cmd.id)
        if product is None:
            raise NotFound(f"product {cmd.id} not found")
        if cmd.sku and cmd.sku.strip() != product.sku:
            raise InvalidArgument([FieldViolation("sku", "cannot change")])
        if product.update(name=cmd.name, description=cmd.description, tax_rate_bp=cmd.tax_rate_bp, active=cmd.active):
            uow.products.save(product)
            uow.commit()
    return product


def get_product(product_id: str, uow: SalesUnitOfWork) -> Product:
    with uow:
        product = uow.products.get(product_id)
    if product is None:
        raise NotFound(f"product {product_id} not found")
    return product


def list_products(uow: SalesUnitOfWork, page_size: int, page_token: str, include_inactive: bool) -> tuple[list[Product], str]:
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        products = uow.products.list(after, size + 1, include_inactive)
    return paging.page(products, size, lambda p: paging.time_key(p.created_at, p.id))


def create_price_list(cmd: commands.SavePriceList, uow: SalesUnitOfWork) -> PriceList:
    with uow:
        known = set(uow.products.get_many({pid for pid, _ in cmd.entries}))
        price_list = PriceList.create(
            name=cmd.name, currency=cmd.currency, valid_from=cmd.valid_from, valid_to=cmd.valid_to, entries=cmd.entries,
            known_products=known, active=cmd.active,
        )
        uow.price_lists.add(price_list)
        uow.commit()
    return price_list


def update_price_list(cmd: commands.SavePriceList, uow: SalesUnitOfWork) -> PriceList:
    with uow:
        price_list = uow.price_lists.get(cmd.id, for_update=True)
        if price_list is None:
            raise NotFound(f"price list {cmd.id} not found")
        if cmd.currency and cmd.currency != price_list.currency:
            raise InvalidArgument([FieldViolation("currency", "cannot change: quotes are written in it")])
        known = set(uow.products.get_many({pid for pid, _ in cmd.entries}))
        if price_list.update(name=cmd.name, valid_from=cmd.valid_from, valid_to=cmd.valid_to, entries=cmd.entries, known_products=known, active=cmd.active):
            uow.price_lists.save(price_list)
            uow.commit()
    return price_list


def get_price_list(price_list_id: str, uow: SalesUnitOfWork) -> PriceList:
    with uow:
        price_list = uow.price_lists.get(price_list_id)
    if price_list is None:
        raise NotFound(f"price list {price_list_id} not found")
    return price_list


def list_price_lists(uow: SalesUnitOfWork, currency: str, valid_on: date | None) -> list[PriceList]:
    with uow:
        return uow.price_lists.list(currency, valid_on)


# --- quotes and orders ---


def _visible_opportunity(uow: SalesUnitOfWork, opportunity_id: str, viewer: Viewer) -> OpportunityRef:
    ref = opportunity_ref(uow.session, opportunity_id) if opportunity_id else None
    if ref is None or not ref.audience.is_visible_to(viewer):
        raise NotFound(f"opportunity {opportunity_id} not found")
    return ref


def _products_for(uow: SalesUnitOfWork, quote_terms) -> dict[str, Product]:
    return uow.products.get_many({line.product_id for line in quote_terms.lines})


def create_quote(cmd: commands.CreateQuote, uow: SalesUnitOfWork, viewer: Viewer, threshold_bp: int) -> Quote:
    with uow:
        opportunity = _visible_opportunity(uow, cmd.opportunity_id, viewer)
        if opportunity.status != "open":
            raise FailedPrecondition(f"opportunity {opportunity.id} is {opportunity.status}; quotes are written for open ones")
        price_list = uow.price_lists.get(cmd.price_list_id) if cmd.price_list_id else None
        if price_list is not None and opportunity.currency and price_list.currency != opportunity.currency:
            raise InvalidArgument([FieldViolation("price_list_id", f"is in {price_list.currency}, the opportunity in {opportunity.currency}")])
        quote = Quote.create(
            opportunity_id=opportunity.id, account_id=opportunity.account_id, audience=opportunity.audience, price_list=price_list,
            products=_products_for(uow, cmd.terms), terms=cmd.terms, approval_threshold_bp=threshold_bp, today=_today(),
        )
        uow.quotes.add(quote)
        uow.commit()
    return quote


def _today() -> date:
    return utcnow().date()


def _quote_for_change(uow: SalesUnitOfWork, quote_id: str, viewer: Viewer, version: int) -> Quote:
    quote = uow.quotes.get(quote_id, for_update=True)
    if quote is None or not quote.is_visible_to(viewer):
        raise NotFound(f"quote {quote_id} not found")
    quote.check_version(version)
    return quote


def update_quote(cmd: commands.UpdateQuote, uow: SalesUnitOfWork, viewer: Viewer, threshold_bp: int) -> Quote:
    with uow:
        quote = _quote_for_change(uow, cmd.quote_id, viewer, cmd.expected_version)
        if quote.status == "accepted":
            raise FailedPrecondition(f"quote {quote.id} was accepted and cannot change")
        price_list = uow.price_lists.get(quote.price_list_id)
        before = quote.version
        if quote.revise(cmd.terms, price_list, _products_for(uow, cmd.terms), threshold_bp, _today()):
            uow.quotes.save(quote, new_version=quote.version != before)
            uow.commit()
    return quote


def decide_quote_approval(cmd: commands.QuoteDecision, uow: SalesUnitOfWork, viewer: Viewer) -> Quote:
    with uow:
        quote = _quote_for_change(uow, cmd.quote_id, viewer, cmd.version)
        quote.decide_approval(viewer, cmd.approve, cmd.text)
        uow.quotes.save(quote, new_version=False)
        uow.commit()
    return quote


def send_quote(cmd: commands.QuoteDecision, uow: SalesUnitOfWork, viewer: Viewer) -> Quote:
    with uow:
        quote = _quote_for_change(uow, cmd.quote_id, viewer, cmd.version)
        quote.send(_today())
        uow.quotes.save(quote, new_version=False)
        uow.commit()
    return quote


def accept_quote(cmd: commands.QuoteDecision, uow: SalesUnitOfWork, viewer: Viewer) -> tuple[Quote, Order]:
    """The customer's yes: the quote is accepted and its order placed in the same transaction (OrderPlaced).

    Idempotent: accepting an accepted quote again answers the same quote and order and writes nothing, so a caller
    may retry after losing the answer."""
    with uow:
        quote = _quote_for_change(uow, cmd.quote_id, viewer, cmd.version)
        if quote.status == "accepted" and quote.order_id:
            order = uow.orders.get(quote.order_id)
            if order is not None:
                return quote, order
        opportunity = opportunity_ref(uow.session, quote.opportunity_id)
        if opportunity is not None and opportunity.status == "lost":
            raise FailedPrecondition(f"opportunity {opportunity.id} was lost; reopen it before accepting its quote")
        quote.accept(_today())
        order = Order.place(quote, viewer.subject, cmd.text)
        quote.order_id = order.id
        uow.quotes.save(quote, new_version=False)
        uow.orders.add(order)
        uow.commit()
    return quote, order


def reject_quote(cmd: commands.QuoteDecision, uow: SalesUnitOfWork, viewer: Viewer) -> Quote:
    with uow:
        quote = _quote_for_change(uow, cmd.quote_id, viewer, cmd.version)
        quote.reject(cmd.text)
        uow.quotes.save(quote, new_version=False)
        uow.commit()
    return quote


def get_quote(quote_id: str, version: int, uow: SalesUnitOfWork, viewer: Viewer) -> Quote:
    with uow:
        quote = uow.quotes.get(quote_id, version)
    if quote is None or not quote.is_visible_to(viewer):
        raise NotFound(f"quote {quote_id} not found" + (f" at version {version}" if version else ""))
    return quote


def list_quote_versions(quote_id: str, uow: SalesUnitOfWork, viewer: Viewer) -> list[Quote]:
    with uow:
        versions = uow.quotes.versions(quote_id)
    if not versions or not versions[0].is_visible_to(viewer):
        raise NotFound(f"quote {quote_id} not found")
    return versions


def list_quotes(uow: SalesUnitOfWork, viewer: Viewer, opportunity_id: str, status: str, page_size: int, page_token: str) -> tuple[list[Quote], str]:
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        quotes = uow.quotes.list_visible(viewer, opportunity_id, status, after, size + 1)
    return paging.page(quotes, size, lambda q: paging.time_key(q.created_at, q.id))


def get_order(order_id: str, uow: SalesUnitOfWork, viewer: Viewer) -> Order:
    with uow:
        order = uow.orders.get(order_id)
    if order is None or not order.is_visible_to(viewer):
        raise NotFound(f"order {order_id} not found")
    return order


def list_orders(uow: SalesUnitOfWork, viewer: Viewer, opportunity_id: str, account_id: str, page_size: int, page_token: str) -> tuple[list[Order], str]:
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        orders = uow.orders.list_visible(viewer, opportunity_id, account_id, after, size + 1)
    return paging.page(orders, size, lambda o: paging.time_key(o.placed_at, o.id))


# --- competitors ---


def create_competitor(cmd: commands.SaveCompetitor, uow: SalesUnitOfWork) -> Competitor:
    competitor = Competitor.create(name=cmd.name, website=cmd.website, strengths=cmd.strengths, weaknesses=cmd.weaknesses, products=cmd.products)
    with uow:
        if uow.competitors.name_taken(competitor.name):
            raise AlreadyExists(f"a competitor named {competitor.name} exists")
        uow.competitors.add(competitor)
        uow.commit()
    return competitor


def update_competitor(cmd: commands.SaveCompetitor, uow: SalesUnitOfWork) -> Competitor:
    with uow:
        competitor = uow.competitors.get(cmd.id)
        if competitor is None:
            raise NotFound(f"competitor {cmd.id} not found")
        if competitor.update(name=cmd.name, website=cmd.website, strengths=cmd.strengths, weaknesses=cmd.weaknesses, products=cmd.products):
            if uow.competitors.name_taken(competitor.name, other_than=competitor.id):
                raise AlreadyExists(f"a competitor named {competitor.name} exists")
            uow.competitors.save(competitor)
            uow.commit()
    return competitor


def get_competitor(competitor_id: str, uow: SalesUnitOfWork) -> Competitor:
    with uow:
        competitor = uow.competitors.get(competitor_id)
    if competitor is None:
        raise NotFound(f"competitor {competitor_id} not found")
    return competitor


def list_competitors(uow: SalesUnitOfWork) -> list[Competitor]:
    with uow:
        return uow.competitors.list()


def set_opportunity_competitor(cmd: commands.SetOpportunityCompetitor, uow: SalesUnitOfWork, viewer: Viewer) -> tuple[OpportunityCompetitor, str]:
    with uow:
        opportunity = _visible_opportunity(uow, cmd.opportunity_id, viewer)
        names = uow.competitors.names({cmd.competitor_id} if cmd.competitor_id else set())
        if not names:
            raise InvalidArgument([FieldViolation("entry.competitor_id", f"no competitor {cmd.competitor_id!r}")])
        entry = uow.opportunity_competitors.get(opportunity.id, cmd.competitor_id, opportunity.audience)
        if entry is None:
            entry = OpportunityCompetitor.create(
                opportunity_id=opportunity.id, competitor_id=cmd.competitor_id, strengths=cmd.strengths, weaknesses=cmd.weaknesses,
                threat=cmd.threat, audience=opportunity.audience,
            )
            uow.opportunity_competitors.add(entry)
            uow.commit()
        elif entry.update(strengths=cmd.strengths, weaknesses=cmd.weaknesses, threat=cmd.threat):
            uow.opportunity_competitors.save(entry)
            uow.commit()
    return entry, names[cmd.competitor_id]


def remove_opportunity_competitor(opportunity_id: str, competitor_id: str, uow: SalesUnitOfWork, viewer: Viewer) -> None:
    with uow:
        opportunity = _visible_opportunity(uow, opportunity_id, viewer)
        entry = uow.opportunity_competitors.get(opportunity.id, competitor_id, opportunity.audience)
        if entry is None:
            raise NotFound(f"competitor {competitor_id} is not on opportunity {opportunity_id}")
        entry.remove()
        uow.opportunity_competitors.remove(entry)
        uow.commit()


def list_opportunity_competitors(opportunity_id: str, uow: SalesUnitOfWork, viewer: Viewer) -> list[tuple[OpportunityCompetitor, str]]:
    with uow:
        opportunity = _visible_opportunity(uow, opportunity_id, viewer)
        entries = uow.opportunity_competitors.list_for(opportunity.id, opportunity.audience)
        names = uow.competitors.names({e.competitor_id for e in entries})
    return [(e, names.get(e.competitor_id, "")) for e in entries]


# --- forecast, KPIs, win/loss ---


def _scope(q: commands.SalesQuestion, viewer: Viewer) -> analytics.Scope:
    return analytics.Scope(viewer, q.owner, q.team, q.territory, q.pipeline_id)


def _start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), UTC) if day else None


def _after_end(day: date | None) -> datetime | None:
    return datetime.combine(day + timedelta(days=1), time(), UTC) if day else None


def get_forecast(q: commands.SalesQuestion, uow: SalesUnitOfWork, viewer: Viewer) -> tuple[Forecast, datetime]:
    now = utcnow()
    when = q.as_of or now
    scope = _scope(q, viewer)
    with uow:
        if q.as_of is None:
            slices = analytics.pipeline_slices(uow.session, scope, q.dimensions, q.date_from, q.date_to, q.granularity)
        else:
            slices = analytics.pipeline_slices_as_of(uow.session, scope, q.dimensions, q.date_from, q.date_to, when, q.granularity)
        outcomes = analytics.stage_outcomes(uow.session, scope, when - timedelta(days=q.history_days), when)
    return forecast(slices, q.granularity, stage_rates(outcomes)), when


@dataclass(frozen=True)
class Kpis:
    open_count: int
    open_amounts: dict[str, int]
    won_count: int
    lost_count: int
    won_amounts: dict[str, int]
    lost_amounts: dict[str, int]
    win_rate_bp: int
    average_deal_size: dict[str, int]
    average_cycle_days: float
    stage_conversion: list[tuple[tuple[str, str, str, int, int], StageMoves]]  # (stage row, its moves)
    stalls: list[tuple[tuple[str, str, str, int, int], StageStall]]


def get_kpis(q: commands.SalesQuestion, uow: SalesUnitOfWork, viewer: Viewer) -> Kpis:
    scope = _scope(q, viewer)
    since, before = _start(q.date_from), _after_end(q.date_to)
    now = utcnow()
    with uow:
        opened = analytics.open_totals(uow.session, scope)
        closed = analytics.closed_totals(uow.session, scope, since, before)
        moves = analytics.stage_moves(uow.session, scope, since, before)
        ages = analytics.open_stage_ages(uow.session, scope, now)
        stays = analytics.completed_stays(uow.session, scope, since, before)
        stage_rows = analytics.stages(uow.session, q.pipeline_id)
    counts: dict[str, dict[str, int]] = {"won": defaultdict(int), "lost": defaultdict(int)}
    sums: dict[str, dict[str, int]] = {"won": defaultdict(int), "lost": defaultdict(int)}
    won_days = 0.0
    for status, currency, count, amount, days in closed:
        counts[status][currency] += count
        sums[status][currency] += amount
        if status == "won":
            won_days += days
    won, lost = sum(counts["won"].values()), sum(counts["lost"].values())
    by_stage: dict[str, dict[str, int]] = defaultdict(dict)
    for stage_id, kind, count in moves:
        by_stage[stage_id][kind] = count
    age_of = {s: (n, d, over) for s, n, d, over in ages}
    stay_of = {s: (n, d) for s, n, d in stays}
    conversion, stalls = [], []
    for row in stage_rows:
        stage_id, expected = row[0], row[4]
        conversion.append((row, StageMoves(stage_id, **by_stage.get(stage_id, {}))))
        n, days, over = age_of.get(stage_id, (0, 0.0, 0))
        done, done_days = stay_of.get(stage_id, (0, 0.0))
        stalls.append(StageStall(stage_id, expected, n, average(days, n), over, average(done_days, done)))
    rows_by_id = {row[0]: row for row in stage_rows}
    return Kpis(
        open_count=sum(n for _, n, _ in opened), open_amounts={c: a for c, _, a in sorted(opened)},
        won_count=won, lost_count=lost, won_amounts=dict(sorted(sums["won"].items())), lost_amounts=dict(sorted(sums["lost"].items())),
        win_rate_bp=win_rate_bp(won, lost), average_deal_size=average_amounts(sums["won"], counts["won"]),
        average_cycle_days=average(won_days, won), stage_conversion=conversion,
        stalls=[(rows_by_id[s.stage_id], s) for s in stalls_ranked(stalls)],
    )


def get_win_loss(q: commands.SalesQuestion, uow: SalesUnitOfWork, viewer: Viewer) -> list[tuple[CompetitorRecord, str]]:
    with uow:
        outcomes = analytics.deal_outcomes(uow.session, _scope(q, viewer), _start(q.date_from), _after_end(q.date_to))
        records = win_loss(outcomes)
        names = uow.competitors.names({r.competitor_id for r in records})
    return [(r, names.get(r.competitor_id, "")) for r in records]
