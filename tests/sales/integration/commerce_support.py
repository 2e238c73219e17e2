"""Helpers of the commerce integration tests: pipelines, opportunities and stage histories written straight
into the core's tables (so that commerce is tested on its own), a catalogue, and outbox reading."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa

from crm_chassis.access import Viewer
from crm_sales.adapters import orm, sales_analytics
from crm_sales.domain import commerce_commands as commands
from crm_sales.service_layer import commerce

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def pipeline(engine: sa.Engine, stages: list[tuple[str, int, int]]) -> tuple[str, dict[str, str]]:
    """A pipeline with stages (name, probability %, expected days); returns its id and the stage ids by name."""
    pid = str(uuid.uuid4())
    ids = {}
    with engine.begin() as conn:
        conn.execute(sa.insert(orm.pipelines).values(id=pid, name=f"P-{pid[:8]}", is_default=False, created_at=T0, updated_at=T0))
        for position, (name, probability, days) in enumerate(stages, start=1):
            ids[name] = str(uuid.uuid4())
            conn.execute(sa.insert(orm.pipeline_stages).values(
                id=ids[name], pipeline_id=pid, position=position, name=name, probability=probability, expected_days=days, active=True))
    return pid, ids


def opportunity(
    engine: sa.Engine, pipeline_id: str, path: list[tuple[str, str, datetime]], *, amount: int = 1000, currency: str = "EUR",
    owner: Viewer, close: date | None = None, account_id: str = "acc-1", probability: int = 50,
    lost_to: str = "", competitor_price: int | None = None,
) -> str:
    """An opportunity with its stage history. `path`: (stage id, kind, entered at) in order, kind one of created,
    forward, backward (a stay in the stage) or won, lost (the end; the stage is the one it was closed from)."""
    oid = str(uuid.uuid4())
    kinds_status = {"won": "won", "lost": "lost"}
    last_stage, last_kind, last_at = path[-1]
    status = kinds_status.get(last_kind, "open")
    with engine.begin() as conn:
        conn.execute(sa.insert(orm.opportunities).values(
            id=oid, name="Deal", account_id=account_id, lead_id="", pipeline_id=pipeline_id, stage_id=last_stage, status=status,
            amount_minor=amount, currency=currency, expected_close_date=close, owner=owner.subject, team=owner.team,
            territory=owner.territory, next_step="", probability={"won": 100, "lost": 0}.get(status, probability),
            stage_entered_at=last_at, close_reason_id="", close_note="", lost_to_competitor_id=lost_to if status == "lost" else "",
            competitor_price_minor=competitor_price, competitor_currency=currency if competitor_price else "",
            closed_at=last_at if status != "open" else None, created_at=path[0][2], updated_at=last_at,
        ))
        previous = ""
        for i, (stage_id, kind, at) in enumerate(path):
            st = kinds_status.get(kind, "open")
            conn.execute(sa.insert(orm.opportunity_stage_history).values(
                id=str(uuid.uuid4()), opportunity_id=oid, pipeline_id=pipeline_id, stage_id=stage_id, from_stage_id=previous,
                status=st, kind=kind, amount_minor=amount, currency=currency, probability={"won": 100, "lost": 0}.get(st, probability),
                entered_at=at, left_at=path[i + 1][2] if i + 1 < len(path) else None, changed_by=owner.subject,
            ))
            previous = stage_id
        sales_analytics.rebuild_stage_conversions(conn)  # the repository keeps these counts; this wrote around it
    return oid


def catalog(app, currency: str = "EUR", valid_from: date = date(2020, 1, 1)):
    """Two products on one price list and a third on none; returns (widget, book, other, price list)."""
    widget = commerce.create_product(commands.SaveProduct(sku=f"W-{currency}", name="Widget", tax_rate_bp=1900), app.uow())
    book = commerce.create_product(commands.SaveProduct(sku=f"B-{currency}", name="Book", tax_rate_bp=700), app.uow())
    other = commerce.create_product(commands.SaveProduct(sku=f"X-{currency}", name="Unlisted"), app.uow())
    price_list = commerce.create_price_list(commands.SavePriceList(
        name=f"Standard {currency}", currency=currency, valid_from=valid_from, entries=[(widget.id, 1999), (book.id, 25)]), app.uow())
    return widget, book, other, price_list


def outbox(engine: sa.Engine, event_type: str | None = None) -> list[tuple[str, dict]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(orm.outbox.c.event_type, orm.outbox.c.payload).order_by(orm.outbox.c.position)).all()
    return [(t, json.loads(p)) for t, p in rows if event_type in (None, t)]
