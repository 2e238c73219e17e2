"""The forecast, KPI and win/loss queries: aggregates over the core's opportunities and stage history, in SQL.

Each query sums in the database and returns few rows (per day, dimension, currency and stage at most);
crm_sales.domain.forecast does the periods, weights and rounding. Every query sees only what the viewer may see.
The historical stage conversion reads the stage_conversions counts, which this module also keeps up to date for
OpportunityRepository (track_conversions) and can rebuild from the stage history (rebuild_stage_conversions).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis import db
from crm_chassis.access import Viewer
from crm_chassis.db import UtcDateTime
from crm_sales.adapters import orm
from crm_sales.domain.competitors import DealOutcome
from crm_sales.domain.forecast import PipelineSlice, close_buckets, close_window

o, h, ps, sc = orm.opportunities, orm.opportunity_stage_history, orm.pipeline_stages, orm.stage_conversions
CLOSED = ("won", "lost")


@dataclass(frozen=True)
class Scope:
    """Which opportunities count: the viewer's visible ones, narrowed by the filter (empty: any)."""

    viewer: Viewer
    owner: str = ""
    team: str = ""
    territory: str = ""
    pipeline_id: str = ""

    def where(self, pipeline_column=None, table: sa.Table = o) -> list[sa.ColumnElement[bool]]:
        """On the opportunities' columns, or on those of another table that has owner, team, territory, pipeline_id."""
        t = table
        clauses = [db.visible_to(self.viewer, t.c.owner, t.c.team, t.c.territory)]
        for column, value in ((t.c.owner, self.owner), (t.c.team, self.team), (t.c.territory, self.territory)):
            if value:
                clauses.append(column == value)
        if self.pipeline_id:
            clauses.append((t.c.pipeline_id if pipeline_column is None else pipeline_column) == self.pipeline_id)
        return clauses

    @property
    def needs_opportunities(self) -> bool:
        """Whether a question about the stage history alone must join the opportunities (for their owner, team,
        territory): not for an administrator without such a filter, who sees every row."""
        return not self.viewer.is_admin or bool(self.owner or self.team or self.territory)

    def history(self) -> sa.FromClause:
        return h.join(o, o.c.id == h.c.opportunity_id) if self.needs_opportunities else h

    def where_history(self) -> list[sa.ColumnElement[bool]]:
        if self.needs_opportunities:
            return self.where(h.c.pipeline_id)
        return [h.c.pipeline_id == self.pipeline_id] if self.pipeline_id else []


def _at(value: datetime):
    return sa.literal(value, UtcDateTime())


def days_between(session: Session, start, end) -> sa.ColumnElement[float]:
    """end − start in days (fractional), on either backend."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.extract("epoch", end - start) / 86400.0
    return sa.func.julianday(end) - sa.func.julianday(start)


def _close_range(close_from: date | None, close_to: date | None) -> list:
    clauses = []
    if close_from is not None:
        clauses.append(o.c.expected_close_date >= close_from)
    if close_to is not None:
        clauses.append(o.c.expected_close_date <= close_to)
    return clauses


def period_start(day: sa.ColumnElement, granularity: str, dialect: str) -> sa.ColumnElement:
    """The first day of the month, quarter or year of `day` (NULL stays NULL); the day itself without a granularity.
    Summing per period in the database leaves Python a few hundred slices instead of one per close day."""
    if not granularity:
        return day
    if granularity not in ("month", "quarter", "year"):
        raise ValueError(f"unknown granularity {granularity!r}")
    if dialect == "postgresql":
        return sa.cast(sa.func.date_trunc(granularity, day), sa.Date)
    if granularity == "quarter":  # back (month − 1) mod 3 months from the first of the month
        back = (sa.cast(sa.func.strftime("%m", day), sa.Integer) - 1) % 3
        return sa.type_coerce(sa.func.date(day, "start of month", sa.literal("-") + sa.cast(back, sa.String) + sa.literal(" months")), sa.Date)
    return sa.type_coerce(sa.func.date(day, f"start of {granularity}"), sa.Date)


def pipeline_query(scope: Scope, dimensions: tuple[str, ...], close_from: date | None, close_to: date | None, granularity: str = "",
                   dialect: str = "") -> sa.Select:
    """The open pipeline now, summed per close day (or period, see period_start), dimensions, currency, stage and
    probability."""
    group = [period_start(o.c.expected_close_date, granularity, dialect), *(o.c[d] for d in dimensions), o.c.currency, o.c.stage_id,
             o.c.probability]
    return (
        sa.select(*group, sa.func.count(), sa.func.sum(o.c.amount_minor))
        .where(o.c.status == "open", *scope.where(), *_close_range(close_from, close_to))
        .group_by(*group)
    )


def pipeline_as_of_query(scope: Scope, dimensions: tuple[str, ...], close_from: date | None, close_to: date | None, when: datetime,
                         granularity: str = "", dialect: str = "") -> sa.Select:
    """The open pipeline as it was at `when`: each opportunity's stay that had begun and not yet ended, with the
    amount and probability it had then. Owner, team, territory and expected close date are today's."""
    group = [period_start(o.c.expected_close_date, granularity, dialect), *(o.c[d] for d in dimensions), h.c.currency, h.c.stage_id,
             h.c.probability]
    return (
        sa.select(*group, sa.func.count(), sa.func.sum(h.c.amount_minor))
        .select_from(h.join(o, o.c.id == h.c.opportunity_id))
        .where(stay_covers(when), h.c.status == "open", *scope.where(h.c.pipeline_id), *_close_range(close_from, close_to))
        .group_by(*group)
    )


def stay_covers(when: datetime) -> sa.ColumnElement[bool]:
    """The stays an opportunity was in at `when`: entered_at <= when < left_at (or not left yet)."""
    return sa.and_(h.c.entered_at <= _at(when), sa.or_(h.c.left_at.is_(None), h.c.left_at > _at(when)))


def pipeline_slices(session: Session, scope: Scope, dimensions: tuple[str, ...], close_from: date | None, close_to: date | None,
                    granularity: str = "") -> list[PipelineSlice]:
    """Slices per close day, or with a granularity per period (close_date: the period's first day)."""
    query = pipeline_query(scope, dimensions, close_from, close_to, granularity, session.get_bind().dialect.name)
    return [_slice(row, len(dimensions)) for row in session.execute(query)]


def pipeline_slices_as_of(
    session: Session, scope: Scope, dimensions: tuple[str, ...], close_from: date | None, close_to: date | None, when: datetime,
    granularity: str = "",
) -> list[PipelineSlice]:
    query = pipeline_as_of_query(scope, dimensions, close_from, close_to, when, granularity, session.get_bind().dialect.name)
    return [_slice(row, len(dimensions)) for row in session.execute(query)]


def _slice(row, n: int) -> PipelineSlice:
    close_date, *rest = row
    key, (currency, stage_id, probability, count, amount) = tuple(rest[:n]), rest[n:]
    return PipelineSlice(close_date, key, currency, stage_id, probability, count, int(amount or 0))


def stage_outcomes_from_history_query(scope: Scope, *closed_at: sa.ColumnElement[bool]) -> sa.Select:
    """(stage, won|lost, opportunities) over the closed opportunities matching `closed_at` that were once in the stage,
    counted from the stage history: the reference for the counts, and how the partial days of a window are counted."""
    return (
        sa.select(h.c.stage_id, o.c.status, sa.func.count(sa.distinct(h.c.opportunity_id)).label("n"))
        .select_from(h.join(o, o.c.id == h.c.opportunity_id))
        .where(o.c.status.in_(CLOSED), *closed_at, h.c.status == "open", *scope.where())
        .group_by(h.c.stage_id, o.c.status)
    )


def stage_outcomes_query(scope: Scope, since: datetime, until: datetime) -> sa.Select:
    """(stage, won|lost, opportunities) over the opportunities closed in [since, until] that were once in the stage:
    whole months and days from stage_conversions, the partial days at the two ends from the stage history."""
    w = close_window(since, until)
    if w.head_end is None:
        return stage_outcomes_from_history_query(scope, o.c.closed_at >= _at(w.since), o.c.closed_at <= _at(w.until))
    ends = sa.or_(
        sa.and_(o.c.closed_at >= _at(w.since), o.c.closed_at < _at(w.head_end)),
        sa.and_(o.c.closed_at >= _at(w.tail_start), o.c.closed_at <= _at(w.until)),
    )
    # Someone who sees everything, unfiltered, reads the rows summed over all owners (a few per stage and period).
    day, month = ("day", "month") if scope.needs_opportunities else (ALL_OWNERS["day"], ALL_OWNERS["month"])
    counted = [sa.and_(sc.c.grain == day, sc.c.period >= first, sc.c.period < last) for first, last in w.day_ranges]
    if w.months:
        counted.append(sa.and_(sc.c.grain == month, sc.c.period >= w.months[0], sc.c.period < w.months[1]))
    visible = scope.where(table=sc) if scope.needs_opportunities else [sc.c.pipeline_id == scope.pipeline_id] if scope.pipeline_id else []
    whole = (
        sa.select(sc.c.stage_id, sc.c.outcome.label("status"), sa.func.sum(sc.c.opportunities).label("n"))
        .where(sa.or_(*counted), *visible)
        .group_by(sc.c.stage_id, sc.c.outcome)
    )
    parts = sa.union_all(stage_outcomes_from_history_query(scope, ends), whole).subquery()
    return sa.select(parts.c.stage_id, parts.c.status, sa.func.sum(parts.c.n)).group_by(parts.c.stage_id, parts.c.status)


def stage_outcomes(session: Session, scope: Scope, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
    rows = session.execute(stage_outcomes_query(scope, since, until))
    return [(stage_id, status, int(count)) for stage_id, status, count in rows if count]


# --- the stage conversion counts ---

ConversionKey = tuple  # (outcome, closed_at, pipeline_id, owner, team, territory)
ALL_OWNERS = {"day": "day_all", "month": "month_all"}  # the grains summed over owner, team and territory ('' there)
KEY_COLUMNS = (o.c.status, o.c.closed_at, o.c.pipeline_id, o.c.owner, o.c.team, o.c.territory)


def conversion_key(status: str, closed_at: datetime | None, pipeline_id: str, owner: str, team: str, territory: str) -> ConversionKey | None:
    """Where a closed opportunity is counted; None while it is open (it counts nowhere)."""
    return (status, closed_at, pipeline_id, owner, team, territory) if status in CLOSED and closed_at is not None else None


def stored_conversion_key(session: Session, opportunity_id: str) -> ConversionKey | None:
    row = session.execute(sa.select(*KEY_COLUMNS).where(o.c.id == opportunity_id)).first()
    return conversion_key(*row) if row else None


def track_conversions(session: Session, opportunity_id: str, before: ConversionKey | None, after: ConversionKey | None,
                      new_stays: list[tuple[str, str]]) -> None:
    """Moves an opportunity's counts from where it was counted to where it is counted now: call it before writing the
    new stays ((stage id, status) each) to the history. Open-to-open moves cost nothing."""
    if before == after:
        return
    stages = set(session.execute(
        sa.select(h.c.stage_id).where(h.c.opportunity_id == opportunity_id, h.c.status == "open").distinct()
    ).scalars())
    if before is not None:
        _add_counts(session, before, stages, -1)
    if after is not None:
        _add_counts(session, after, stages | {stage for stage, status in new_stays if status == "open"}, 1)


def _add_counts(session: Session, key: ConversionKey, stages: set[str], delta: int) -> None:
    if not stages:
        return
    outcome, closed_at, pipeline_id, owner, team, territory = key
    day, month = close_buckets(closed_at)
    rows = [
        dict(grain=grain, period=period, pipeline_id=pipeline_id, stage_id=stage, outcome=outcome, owner=who[0], team=who[1],
             territory=who[2], opportunities=delta)
        for grain, period, who in (("day", day, (owner, team, territory)), ("month", month, (owner, team, territory)),
                                   (ALL_OWNERS["day"], day, ("", "", "")), (ALL_OWNERS["month"], month, ("", "", "")))
        for stage in sorted(stages)
    ]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(sc).values(rows)
    session.execute(statement.on_conflict_do_update(
        index_elements=[c.name for c in sc.primary_key.columns],
        set_={"opportunities": sc.c.opportunities + statement.excluded.opportunities},
    ))


def stage_conversions_from_history(dialect: str) -> sa.Select:
    """What stage_conversions must hold, recounted from the stage history (grain, period, key..., opportunities)."""
    visited = sa.select(h.c.opportunity_id, h.c.stage_id).where(h.c.status == "open").distinct().subquery()
    if dialect == "postgresql":
        utc = sa.func.timezone("UTC", o.c.closed_at)
        day, month = sa.cast(utc, sa.Date), sa.cast(sa.func.date_trunc("month", utc), sa.Date)
    else:
        day, month = sa.type_coerce(sa.func.date(o.c.closed_at), sa.Date), sa.type_coerce(sa.func.date(o.c.closed_at, "start of month"), sa.Date)
    parts = []
    for grain, period in (("day", day), ("month", month)):
        for grain_name, who in ((grain, [o.c.owner, o.c.team, o.c.territory]), (ALL_OWNERS[grain], [])):
            key = [period, o.c.pipeline_id, visited.c.stage_id, o.c.status, *who]
            blank = [sa.literal("").label(name) for name in ("owner", "team", "territory")] if not who else []
            parts.append(
                sa.select(sa.literal(grain_name).label("grain"), *key, *blank, sa.func.count().label("opportunities"))
                .select_from(visited.join(o, o.c.id == visited.c.opportunity_id))
                .where(o.c.status.in_(CLOSED), o.c.closed_at.is_not(None))
                .group_by(*key)
            )
    return sa.union_all(*parts)


def rebuild_stage_conversions(connection: sa.Connection) -> None:
    """Recounts stage_conversions from the stage history (after rows were written around the repository, e.g. by COPY)."""
    connection.execute(sa.delete(sc))
    columns = ["grain", "period", "pipeline_id", "stage_id", "outcome", "owner", "team", "territory", "opportunities"]
    connection.execute(sa.insert(sc).from_select(columns, stage_conversions_from_history(connection.dialect.name)))


# --- KPIs ---


def open_totals(session: Session, scope: Scope) -> list[tuple[str, int, int]]:
    """(currency, count, amount) of the open opportunities now."""
    query = sa.select(o.c.currency, sa.func.count(), sa.func.sum(o.c.amount_minor)).where(o.c.status == "open", *scope.where()).group_by(o.c.currency)
    return [(c, n, int(a or 0)) for c, n, a in session.execute(query)]


def closed_totals(session: Session, scope: Scope, since: datetime | None, before: datetime | None) -> list[tuple[str, str, int, int, float]]:
    """(won|lost, currency, count, amount, total days from creation to close) of the opportunities closed in [since, before)."""
    cycle = days_between(session, o.c.created_at, o.c.closed_at)
    query = (
        sa.select(o.c.status, o.c.currency, sa.func.count(), sa.func.sum(o.c.amount_minor), sa.func.sum(cycle))
        .where(o.c.status.in_(("won", "lost")), *scope.where(), *_period(o.c.closed_at, since, before))
        .group_by(o.c.status, o.c.currency)
    )
    return [(s, c, n, int(a or 0), float(d or 0)) for s, c, n, a, d in session.execute(query)]


def _period(column, since: datetime | None, before: datetime | None) -> list:
    clauses = []
    if since is not None:
        clauses.append(column >= _at(since))
    if before is not None:
        clauses.append(column < _at(before))
    return clauses


def stage_moves(session: Session, scope: Scope, since: datetime | None, before: datetime | None) -> list[tuple[str, str, int]]:
    """(stage left, kind of move, count) for the moves made in the period: forward, backward, won, lost."""
    query = (
        sa.select(h.c.from_stage_id, h.c.kind, sa.func.count())
        .select_from(scope.history())
        .where(h.c.kind.in_(("forward", "backward", "won", "lost")), h.c.from_stage_id != "", *scope.where_history(),
               *_period(h.c.entered_at, since, before))
        .group_by(h.c.from_stage_id, h.c.kind)
    )
    return list(session.execute(query).tuples())


def open_stage_ages(session: Session, scope: Scope, now: datetime) -> list[tuple[str, int, float, int]]:
    """(stage, open opportunities there, total days there so far, how many beyond the stage's expected days)."""
    age = days_between(session, o.c.stage_entered_at, _at(now))
    query = (
        sa.select(o.c.stage_id, sa.func.count(), sa.func.sum(age), sa.func.sum(sa.case((age > ps.c.expected_days, 1), else_=0)))
        .select_from(o.join(ps, ps.c.id == o.c.stage_id))
        .where(o.c.status == "open", *scope.where())
        .group_by(o.c.stage_id)
    )
    return [(s, n, float(d or 0), int(over or 0)) for s, n, d, over in session.execute(query)]


def completed_stays(session: Session, scope: Scope, since: datetime | None, before: datetime | None) -> list[tuple[str, int, float]]:
    """(stage, stays that ended in the period, their total days)."""
    length = days_between(session, h.c.entered_at, h.c.left_at)
    query = (
        sa.select(h.c.stage_id, sa.func.count(), sa.func.sum(length))
        .select_from(scope.history())
        .where(h.c.status == "open", h.c.left_at.is_not(None), *scope.where_history(), *_period(h.c.left_at, since, before))
        .group_by(h.c.stage_id)
    )
    return [(s, n, float(d or 0)) for s, n, d in session.execute(query)]


def stages(session: Session, pipeline_id: str = "") -> list[tuple[str, str, str, int, int]]:
    """(id, pipeline id, name, position, expected days) of every stage, in pipeline order."""
    query = sa.select(ps.c.id, ps.c.pipeline_id, ps.c.name, ps.c.position, ps.c.expected_days)
    if pipeline_id:
        query = query.where(ps.c.pipeline_id == pipeline_id)
    return list(session.execute(query.order_by(ps.c.pipeline_id, ps.c.position)).tuples())


# --- win/loss ---


def deal_outcomes(session: Session, scope: Scope, since: datetime | None, before: datetime | None) -> list[DealOutcome]:
    """Opportunities with a competitor on them or lost to one: open ones, and closed ones closed in the period."""
    oc = orm.opportunity_competitors
    has_competitor = sa.or_(o.c.lost_to_competitor_id != "", sa.exists().where(oc.c.opportunity_id == o.c.id))
    closed_in_period = sa.and_(o.c.status.in_(("won", "lost")), *_period(o.c.closed_at, since, before))
    rows = session.execute(
        sa.select(o.c.id, o.c.status, o.c.amount_minor, o.c.currency, o.c.lost_to_competitor_id, o.c.competitor_price_minor, o.c.competitor_currency)
        .where(has_competitor, sa.or_(o.c.status == "open", closed_in_period), *scope.where())
    ).all()
    if not rows:
        return []
    competitors: dict[str, set[str]] = {r.id: set() for r in rows}
    ids = list(competitors)
    for chunk in range(0, len(ids), 500):
        for opportunity_id, competitor_id in session.execute(
            sa.select(oc.c.opportunity_id, oc.c.competitor_id).where(oc.c.opportunity_id.in_(ids[chunk:chunk + 500]))
        ):
            competitors[opportunity_id].add(competitor_id)
    return [
        DealOutcome(
            r.id, r.status, r.amount_minor, r.currency, frozenset(competitors[r.id]), r.lost_to_competitor_id if r.status == "lost" else "",
            r.competitor_price_minor or 0, r.competitor_currency or "",
        )
        for r in rows
    ]
