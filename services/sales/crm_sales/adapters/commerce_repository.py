"""Loading and saving products, price lists, quotes, orders and competitors; the only place that writes their SQL."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis import db
from crm_chassis.access import Audience, Viewer
from crm_sales.adapters import orm
from crm_sales.domain.catalog import PriceList, Product
from crm_sales.domain.competitors import Competitor, CompetitorPrice, CompetitorProduct, OpportunityCompetitor
from crm_sales.domain.orders import Order
from crm_sales.domain.quotes import Quote, QuoteLine, totals_of

LINE_FIELDS = (
    "product_id", "sku", "name", "quantity", "unit_price_minor", "discount_bp", "discount_minor", "tax_rate_bp",
    "list_minor", "discount_total_minor", "net_minor", "tax_minor", "gross_minor",
)
TOTAL_FIELDS = ("list_minor", "discount_minor", "net_minor", "tax_minor", "gross_minor")


def _after(columns: tuple, after: tuple | None):
    return sa.tuple_(*columns) > sa.tuple_(*(sa.literal(v) for v in after)) if after is not None else sa.true()


class ProductRepository:
    def __init__(self, session: Session, seen: list):
        self.session, self.seen = session, seen

    def add(self, product: Product) -> None:
        self.session.execute(sa.insert(orm.products).values(id=product.id, sku=product.sku, created_at=product.created_at, **self._row(product)))
        self.seen.append(product)

    def save(self, product: Product) -> None:
        self.session.execute(sa.update(orm.products).where(orm.products.c.id == product.id).values(**self._row(product)))

    @staticmethod
    def _row(p: Product) -> dict:
        return {"name": p.name, "description": p.description, "tax_rate_bp": p.tax_rate_bp, "active": p.active, "updated_at": p.updated_at}

    def sku_taken(self, sku: str) -> bool:
        return self.session.execute(sa.select(orm.products.c.id).where(orm.products.c.sku == sku)).first() is not None

    def get(self, product_id: str) -> Product | None:
        found = self._load(sa.select(orm.products).where(orm.products.c.id == product_id))
        if found:
            self.seen.append(found[0])
        return found[0] if found else None

    def get_many(self, ids: set[str]) -> dict[str, Product]:
        ids = {i for i in ids if i}
        if not ids:
            return {}
        return {p.id: p for p in self._load(sa.select(orm.products).where(orm.products.c.id.in_(ids)))}

    def list(self, after: tuple[datetime, str] | None, limit: int, include_inactive: bool) -> list[Product]:
        p = orm.products
        query = sa.select(p).where(_after((p.c.created_at, p.c.id), after))
        if not include_inactive:
            query = query.where(p.c.active.is_(True))
        return self._load(query.order_by(p.c.created_at, p.c.id).limit(limit))

    def _load(self, query) -> list[Product]:
        return [
            Product(r.id, r.sku, r.name, r.description, r.tax_rate_bp, r.active, r.created_at, r.updated_at)
            for r in self.session.execute(query)
        ]


class PriceListRepository:
    def __init__(self, session: Session, seen: list):
        self.session, self.seen = session, seen

    def add(self, price_list: PriceList) -> None:
        self.session.execute(sa.insert(orm.price_lists).values(
            id=price_list.id, currency=price_list.currency, created_at=price_list.created_at, **self._row(price_list)))
        self._insert_entries(price_list)
        self.seen.append(price_list)

    def save(self, price_list: PriceList) -> None:
        self.session.execute(sa.update(orm.price_lists).where(orm.price_lists.c.id == price_list.id).values(**self._row(price_list)))
        self.session.execute(sa.delete(orm.price_list_entries).where(orm.price_list_entries.c.price_list_id == price_list.id))
        self._insert_entries(price_list)

    @staticmethod
    def _row(pl: PriceList) -> dict:
        return {"name": pl.name, "valid_from": pl.valid_from, "valid_to": pl.valid_to, "active": pl.active, "updated_at": pl.updated_at}

    def _insert_entries(self, pl: PriceList) -> None:
        if pl.entries:
            self.session.execute(
                sa.insert(orm.price_list_entries),
                [{"price_list_id": pl.id, "product_id": pid, "unit_price_minor": price} for pid, price in pl.entries.items()],
            )

    def get(self, price_list_id: str, *, for_update: bool = False) -> PriceList | None:
        query = sa.select(orm.price_lists).where(orm.price_lists.c.id == price_list_id)
        found = self._load(query.with_for_update() if for_update else query)
        if found:
            self.seen.append(found[0])
        return found[0] if found else None

    def list(self, currency: str, valid_on: date | None) -> list[PriceList]:
        pl = orm.price_lists
        query = sa.select(pl)
        if currency:
            query = query.where(pl.c.currency == currency)
        if valid_on is not None:
            query = query.where(pl.c.active.is_(True), pl.c.valid_from <= valid_on, sa.or_(pl.c.valid_to.is_(None), pl.c.valid_to >= valid_on))
        return self._load(query.order_by(pl.c.currency, pl.c.valid_from, pl.c.id))

    def _load(self, query) -> list[PriceList]:
        rows = self.session.execute(query).all()
        if not rows:
            return []
        entries: dict[str, dict[str, int]] = defaultdict(dict)
        e = orm.price_list_entries
        for r in self.session.execute(sa.select(e).where(e.c.price_list_id.in_([r.id for r in rows])).order_by(e.c.product_id)):
            entries[r.price_list_id][r.product_id] = r.unit_price_minor
        return [
            PriceList(r.id, r.name, r.currency, r.valid_from, r.valid_to, entries[r.id], r.active, r.created_at, r.updated_at)
            for r in rows
        ]


def _line_row(line: QuoteLine) -> dict:
    return {name: getattr(line, name) for name in LINE_FIELDS}


def _line(r) -> QuoteLine:
    return QuoteLine(**{name: getattr(r, name) for name in LINE_FIELDS})


class QuoteRepository:
    def __init__(self, session: Session, seen: list):
        self.session, self.seen = session, seen

    def add(self, quote: Quote) -> None:
        self.session.execute(sa.insert(orm.quotes).values(
            id=quote.id, opportunity_id=quote.opportunity_id, account_id=quote.account_id, price_list_id=quote.price_list_id,
            currency=quote.currency, version=quote.version, order_id=quote.order_id, created_at=quote.created_at,
        ))
        self._write_version(quote, new=True)
        self.seen.append(quote)

    def save(self, quote: Quote, *, new_version: bool) -> None:
        """Writes the current version; a new version leaves the earlier ones as they were."""
        self.session.execute(sa.update(orm.quotes).where(orm.quotes.c.id == quote.id).values(version=quote.version, order_id=quote.order_id))
        self._write_version(quote, new=new_version)

    def _write_version(self, quote: Quote, *, new: bool) -> None:
        v = orm.quote_versions
        values = {
            "status": quote.status, "approval": quote.approval, "discount_bp": quote.discount_bp, "valid_until": quote.valid_until,
            "note": quote.note, "approved_by": quote.approved_by, "approval_comment": quote.approval_comment,
            "decision_reason": quote.decision_reason, "updated_at": quote.updated_at,
            **{name: getattr(quote.totals, name) for name in TOTAL_FIELDS},
        }
        if new:
            self.session.execute(sa.insert(v).values(quote_id=quote.id, version=quote.version, created_at=quote.updated_at, **values))
        else:
            self.session.execute(sa.update(v).where(v.c.quote_id == quote.id, v.c.version == quote.version).values(**values))
            self.session.execute(sa.delete(orm.quote_lines).where(orm.quote_lines.c.quote_id == quote.id, orm.quote_lines.c.version == quote.version))
        if quote.lines:
            self.session.execute(
                sa.insert(orm.quote_lines),
                [{"quote_id": quote.id, "version": quote.version, "position": i, **_line_row(line)} for i, line in enumerate(quote.lines)],
            )

    @staticmethod
    def _headers() -> sa.Select:
        """Quote rows with the owner, team and territory of their opportunity, which decide who sees them."""
        q, o = orm.quotes, orm.opportunities
        return sa.select(q, o.c.owner, o.c.team, o.c.territory).join(o, o.c.id == q.c.opportunity_id)

    def get(self, quote_id: str, version: int = 0, *, for_update: bool = False) -> Quote | None:
        query = self._headers().where(orm.quotes.c.id == quote_id)
        if for_update:
            query = query.with_for_update(of=orm.quotes)
        header = self.session.execute(query).first()
        if header is None:
            return None
        found = self._load([header], version or header.version)
        if not found:
            return None
        if for_update:
            self.seen.append(found[0])
        return found[0]

    def versions(self, quote_id: str) -> list[Quote]:
        header = self.session.execute(self._headers().where(orm.quotes.c.id == quote_id)).first()
        if header is None:
            return []
        return [self._load([header], n)[0] for n in range(1, header.version + 1)]

    def list_visible(self, viewer: Viewer, opportunity_id: str, status: str, after: tuple[datetime, str] | None, limit: int) -> list[Quote]:
        q, v, o = orm.quotes, orm.quote_versions, orm.opportunities
        query = (
            self._headers().join(v, sa.and_(v.c.quote_id == q.c.id, v.c.version == q.c.version))
            .where(db.visible_to(viewer, o.c.owner, o.c.team, o.c.territory), _after((q.c.created_at, q.c.id), after))
        )
        if opportunity_id:
            query = query.where(q.c.opportunity_id == opportunity_id)
        if status:
            query = query.where(v.c.status == status)
        headers = self.session.execute(query.order_by(q.c.created_at, q.c.id).limit(limit)).all()
        return self._load(headers, None)

    def _load(self, headers: list, version: int | None) -> list[Quote]:
        """The given version of each header's quote; None: each one's current version."""
        if not headers:
            return []
        v, ln = orm.quote_versions, orm.quote_lines
        wanted = [(h.id, version or h.version) for h in headers]
        keys = sa.tuple_(v.c.quote_id, v.c.version).in_(wanted)
        rows = {(r.quote_id, r.version): r for r in self.session.execute(sa.select(v).where(keys))}
        lines: dict[tuple[str, int], list[QuoteLine]] = defaultdict(list)
        line_keys = sa.tuple_(ln.c.quote_id, ln.c.version).in_(wanted)
        for r in self.session.execute(sa.select(ln).where(line_keys).order_by(ln.c.quote_id, ln.c.version, ln.c.position)):
            lines[(r.quote_id, r.version)].append(_line(r))
        quotes = []
        for h, key in zip(headers, wanted, strict=True):
            r = rows.get(key)
            if r is None:
                continue
            quote_lines = lines[key]
            quotes.append(Quote(
                id=h.id, opportunity_id=h.opportunity_id, account_id=h.account_id, price_list_id=h.price_list_id, currency=h.currency,
                version=r.version, status=r.status, approval=r.approval, discount_bp=r.discount_bp, valid_until=r.valid_until, note=r.note,
                lines=quote_lines, totals=totals_of(quote_lines), owner=h.owner, team=h.team, territory=h.territory,
                created_at=h.created_at, updated_at=r.updated_at, approved_by=r.approved_by, approval_comment=r.approval_comment,
                decision_reason=r.decision_reason, order_id=h.order_id if r.version == h.version else "",
            ))
        return quotes


class OrderRepository:
    def __init__(self, session: Session, seen: list):
        self.session, self.seen = session, seen

    def add(self, order: Order) -> None:
        self.session.execute(sa.insert(orm.orders).values(
            id=order.id, quote_id=order.quote_id, quote_version=order.quote_version, opportunity_id=order.opportunity_id,
            account_id=order.account_id, price_list_id=order.price_list_id, currency=order.currency,
            purchase_order_number=order.purchase_order_number, owner=order.owner, team=order.team, territory=order.territory,
            placed_by=order.placed_by, placed_at=order.placed_at, **{name: getattr(order.totals, name) for name in TOTAL_FIELDS},
        ))
        if order.lines:
            self.session.execute(
                sa.insert(orm.order_lines), [{"order_id": order.id, "position": i, **_line_row(line)} for i, line in enumerate(order.lines)]
            )
        self.seen.append(order)

    def get(self, order_id: str) -> Order | None:
        found = self._load(sa.select(orm.orders).where(orm.orders.c.id == order_id))
        return found[0] if found else None

    def list_visible(self, viewer: Viewer, opportunity_id: str, account_id: str, after: tuple[datetime, str] | None, limit: int) -> list[Order]:
        o = orm.orders
        query = sa.select(o).where(db.visible_to(viewer, o.c.owner, o.c.team, o.c.territory), _after((o.c.placed_at, o.c.id), after))
        if opportunity_id:
            query = query.where(o.c.opportunity_id == opportunity_id)
        if account_id:
            query = query.where(o.c.account_id == account_id)
        return self._load(query.order_by(o.c.placed_at, o.c.id).limit(limit))

    def _load(self, query) -> list[Order]:
        rows = self.session.execute(query).all()
        if not rows:
            return []
        lines: dict[str, list[QuoteLine]] = defaultdict(list)
        ol = orm.order_lines
        for r in self.session.execute(sa.select(ol).where(ol.c.order_id.in_([r.id for r in rows])).order_by(ol.c.order_id, ol.c.position)):
            lines[r.order_id].append(_line(r))
        return [
            Order(
                id=r.id, quote_id=r.quote_id, quote_version=r.quote_version, opportunity_id=r.opportunity_id, account_id=r.account_id,
                price_list_id=r.price_list_id, currency=r.currency, purchase_order_number=r.purchase_order_number, lines=lines[r.id],
                totals=totals_of(lines[r.id]), owner=r.owner, team=r.team, territory=r.territory, placed_at=r.placed_at, placed_by=r.placed_by,
            )
            for r in rows
        ]


class CompetitorRepository:
    def __init__(self, session: Session, seen: list):
        self.session, self.seen = session, seen

    def add(self, competitor: Competitor) -> None:
        self.session.execute(sa.insert(orm.competitors).values(id=competitor.id, created_at=competitor.created_at, **self._row(competitor)))
        self._insert_products(competitor)
        self.seen.append(competitor)

    def save(self, competitor: Competitor) -> None:
        self.session.execute(sa.update(orm.competitors).where(orm.competitors.c.id == competitor.id).values(**self._row(competitor)))
        self.session.execute(sa.delete(orm.competitor_prices).where(orm.competitor_prices.c.competitor_id == competitor.id))
        self.session.execute(sa.delete(orm.competitor_products).where(orm.competitor_products.c.competitor_id == competitor.id))
        self._insert_products(competitor)

    @staticmethod
    def _row(c: Competitor) -> dict:
        return {"name": c.name, "website": c.website, "strengths": c.strengths, "weaknesses": c.weaknesses, "updated_at": c.updated_at}

    def _insert_products(self, c: Competitor) -> None:
        if c.products:
            self.session.execute(
                sa.insert(orm.competitor_products), [{"competitor_id": c.id, "position": i, "name": p.name} for i, p in enumerate(c.products)]
            )
        prices = [
            {"competitor_id": c.id, "product_position": i, "position": j, "currency": pr.currency, "amount_minor": pr.amount_minor,
             "valid_from": pr.valid_from, "valid_to": pr.valid_to}
            for i, p in enumerate(c.products) for j, pr in enumerate(p.prices)
        ]
        if prices:
            self.session.execute(sa.insert(orm.competitor_prices), prices)

    def name_taken(self, name: str, other_than: str = "") -> bool:
        c = orm.competitors
        return self.session.execute(sa.select(c.c.id).where(sa.func.lower(c.c.name) == name.lower(), c.c.id != other_than)).first() is not None

    def get(self, competitor_id: str) -> Competitor | None:
        found = self._load(sa.select(orm.competitors).where(orm.competitors.c.id == competitor_id))
        if found:
            self.seen.append(found[0])
        return found[0] if found else None

    def names(self, ids: set[str]) -> dict[str, str]:
        if not ids:
            return {}
        c = orm.competitors
        return dict(self.session.execute(sa.select(c.c.id, c.c.name).where(c.c.id.in_(ids))).all())

    def list(self) -> list[Competitor]:
        return self._load(sa.select(orm.competitors).order_by(orm.competitors.c.name))

    def _load(self, query) -> list[Competitor]:
        rows = self.session.execute(query).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        prices: dict[tuple[str, int], list[CompetitorPrice]] = defaultdict(list)
        cp = orm.competitor_prices
        for r in self.session.execute(sa.select(cp).where(cp.c.competitor_id.in_(ids)).order_by(cp.c.product_position, cp.c.position)):
            prices[(r.competitor_id, r.product_position)].append(CompetitorPrice(r.currency, r.amount_minor, r.valid_from, r.valid_to))
        products: dict[str, list[CompetitorProduct]] = defaultdict(list)
        pr = orm.competitor_products
        for r in self.session.execute(sa.select(pr).where(pr.c.competitor_id.in_(ids)).order_by(pr.c.position)):
            products[r.competitor_id].append(CompetitorProduct(r.name, tuple(prices[(r.competitor_id, r.position)])))
        return [Competitor(r.id, r.name, r.website, r.strengths, r.weaknesses, products[r.id], r.created_at, r.updated_at) for r in rows]


class OpportunityCompetitorRepository:
    def __init__(self, session: Session, seen: list):
        self.session, self.seen = session, seen

    def add(self, entry: OpportunityCompetitor) -> None:
        self.session.execute(sa.insert(orm.opportunity_competitors).values(
            opportunity_id=entry.opportunity_id, competitor_id=entry.competitor_id, created_at=entry.created_at, **self._row(entry)))
        self.seen.append(entry)

    def save(self, entry: OpportunityCompetitor) -> None:
        oc = orm.opportunity_competitors
        self.session.execute(
            sa.update(oc).where(oc.c.opportunity_id == entry.opportunity_id, oc.c.competitor_id == entry.competitor_id).values(**self._row(entry))
        )

    def remove(self, entry: OpportunityCompetitor) -> None:
        oc = orm.opportunity_competitors
        self.session.execute(sa.delete(oc).where(oc.c.opportunity_id == entry.opportunity_id, oc.c.competitor_id == entry.competitor_id))

    @staticmethod
    def _row(e: OpportunityCompetitor) -> dict:
        return {"strengths": e.strengths, "weaknesses": e.weaknesses, "threat": e.threat, "updated_at": e.updated_at}

    def get(self, opportunity_id: str, competitor_id: str, audience: Audience) -> OpportunityCompetitor | None:
        oc = orm.opportunity_competitors
        found = self._load(sa.select(oc).where(oc.c.opportunity_id == opportunity_id, oc.c.competitor_id == competitor_id), audience)
        if found:
            self.seen.append(found[0])
        return found[0] if found else None

    def list_for(self, opportunity_id: str, audience: Audience) -> list[OpportunityCompetitor]:
        oc = orm.opportunity_competitors
        return self._load(sa.select(oc).where(oc.c.opportunity_id == opportunity_id).order_by(oc.c.created_at, oc.c.competitor_id), audience)

    def _load(self, query, audience: Audience) -> list[OpportunityCompetitor]:
        return [
            OpportunityCompetitor(r.opportunity_id, r.competitor_id, r.strengths, r.weaknesses, r.threat, r.created_at, r.updated_at, audience)
            for r in self.session.execute(query)
        ]


@dataclass(frozen=True)
class OpportunityRef:
    """What commerce needs to know of one of the core's opportunities."""

    id: str
    account_id: str
    status: str
    currency: str
    audience: Audience


def opportunity_ref(session: Session, opportunity_id: str) -> OpportunityRef | None:
    o = orm.opportunities
    r = session.execute(
        sa.select(o.c.id, o.c.account_id, o.c.status, o.c.currency, o.c.owner, o.c.team, o.c.territory).where(o.c.id == opportunity_id)
    ).first()
    return OpportunityRef(r.id, r.account_id, r.status, r.currency, Audience(r.owner, r.team, r.territory)) if r else None

