"""Forecast and KPI arithmetic over aggregated pipeline figures; plain Python.

Storage sums amounts per (expected close day, requested dimensions, currency, stage, probability); this module
buckets them into periods and weighs them, exactly: a row's weighted amount is the exact rational sum of
amount × weight over its opportunities, rounded half-up once per row of the answer (so the rows of a breakdown
may differ from the total by the rounding of each row). Amounts of different currencies are never added up.

Weights: the configured probability of the stage an opportunity is in (percent), and the historical conversion
of that stage: of the closed opportunities that were once in it, the share that was won. A stage without closed
history falls back to its configured probability (reported as `fallback_stages`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

from crm_sales.domain.money import BASIS_POINTS, round_half_up

GRANULARITIES = ("month", "quarter", "year")
DIMENSIONS = ("owner", "team", "territory")
UNSCHEDULED = "unscheduled"  # opportunities without an expected close date


def period_of(day: date | None, granularity: str) -> str:
    """2026-11-23 → "2026-11" (month), "2026-Q4" (quarter), "2026" (year)."""
    if day is None:
        return UNSCHEDULED
    if granularity == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if granularity == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if granularity == "year":
        return f"{day.year:04d}"
    raise ValueError(f"unknown granularity {granularity!r}")


def round_fraction(value: Fraction) -> int:
    return round_half_up(value.numerator, value.denominator)


@dataclass(frozen=True)
class PipelineSlice:
    """Open opportunities that share a close day, the requested dimension values, currency, stage and probability."""

    close_date: date | None
    key: tuple[str, ...]
    currency: str
    stage_id: str
    probability: int  # percent
    count: int
    amount_minor: int


@dataclass(frozen=True)
class StageRate:
    """Closed opportunities that were once in the stage, and how many of them were won."""

    won: int
    closed: int

    @property
    def rate(self) -> Fraction:
        return Fraction(self.won, self.closed)

    @property
    def rate_bp(self) -> int:
        return round_fraction(self.rate * BASIS_POINTS)


@dataclass(frozen=True)
class ForecastRow:
    period: str
    key: tuple[str, ...]
    currency: str
    count: int
    amount_minor: int
    weighted_minor: int  # by the stages' configured probabilities
    historical_minor: int  # by the stages' historical conversion


@dataclass(frozen=True)
class Forecast:
    rows: list[ForecastRow]
    rates: dict[str, StageRate]
    fallback_stages: list[str] = field(default_factory=list)


def forecast(slices: list[PipelineSlice], granularity: str, rates: dict[str, StageRate]) -> Forecast:
    """Rows by (period, dimension values, currency), sorted; see the module's rounding rule."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0, Fraction(0), Fraction(0)])
    fallback: set[str] = set()
    for s in slices:
        row = sums[(period_of(s.close_date, granularity), s.key, s.currency)]
        row[0] += s.count
        row[1] += s.amount_minor
        row[2] += Fraction(s.amount_minor * s.probability, 100)
        rate = rates.get(s.stage_id)
        if rate is None or rate.closed == 0:
            fallback.add(s.stage_id)
            row[3] += Fraction(s.amount_minor * s.probability, 100)
        else:
            row[3] += s.amount_minor * rate.rate
    rows = [
        ForecastRow(period, key, currency, count, amount, round_fraction(weighted), round_fraction(historical))
        for (period, key, currency), (count, amount, weighted, historical) in sorted(sums.items(), key=lambda item: _order(item[0]))
    ]
    return Forecast(rows, rates, sorted(fallback))


def _order(key: tuple) -> tuple:
    period, dims, currency = key
    return (period == UNSCHEDULED, period, dims, currency)


def stage_rates(counts: list[tuple[str, str, int]]) -> dict[str, StageRate]:
    """From (stage id, final status won|lost, closed opportunities that were in the stage) rows."""
    won: dict[str, int] = defaultdict(int)
    closed: dict[str, int] = defaultdict(int)
    for stage_id, status, count in counts:
        closed[stage_id] += count
        if status == "won":
            won[stage_id] += count
    return {stage_id: StageRate(won[stage_id], closed[stage_id]) for stage_id in sorted(closed)}


# --- where the historical conversion is counted from ---
#
# Storage keeps, per (pipeline, stage, owner, team, territory, outcome), how many closed opportunities had once been
# in the stage, per UTC day and per month of their closing. A window of closing times is answered exactly from
# whole months, then whole days, and only the partial days at its two ends from the stage history itself.


@dataclass(frozen=True)
class CloseWindow:
    """[since, until] split up: whole months [first, last), whole days in day_ranges (each [first, last)), and the
    partial-day ends to count from the history: since <= closed_at < head_end and tail_start <= closed_at <= until."""

    months: tuple[date, date] | None
    day_ranges: tuple[tuple[date, date], ...]
    since: datetime
    head_end: datetime | None  # None: the whole window is one partial stretch, since <= closed_at <= until
    tail_start: datetime | None
    until: datetime


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def close_window(since: datetime, until: datetime) -> CloseWindow:
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    first_day = since.date() if since == _midnight(since.date()) else since.date() + timedelta(days=1)
    last_day = until.date()  # whole days: [first_day, last_day); the day of `until` is partial (closed_at <= until)
    if first_day >= last_day:
        return CloseWindow(None, (), since, None, None, until)
    first_month = first_day if first_day.day == 1 else _next_month(first_day)
    last_month = last_day.replace(day=1)
    if first_month < last_month:
        months = (first_month, last_month)
        days = tuple(r for r in ((first_day, first_month), (last_month, last_day)) if r[0] < r[1])
    else:
        months, days = None, ((first_day, last_day),)
    return CloseWindow(months, days, since, _midnight(first_day), _midnight(last_day), until)


def close_buckets(closed_at: datetime) -> tuple[date, date]:
    """(UTC day, first day of its month) under which a closing is counted."""
    day = closed_at.astimezone(UTC).date()
    return day, day.replace(day=1)


# --- as of a past date ---


@dataclass(frozen=True)
class Stay:
    """One row of an opportunity's stage history: in a stage (or won/lost) from entered_at until left_at."""

    opportunity_id: str
    stage_id: str
    status: str
    amount_minor: int
    currency: str
    probability: int
    entered_at: object
    left_at: object | None


def stay_at(stays: list[Stay], when) -> Stay | None:
    """Where an opportunity was at `when`: the stay it had entered and not yet left (None: not created yet).

    The same rule as the as-of query: entered_at <= when < left_at.
    """
    for stay in stays:
        if stay.entered_at <= when and (stay.left_at is None or when < stay.left_at):
            return stay
    return None


# --- KPIs ---


@dataclass(frozen=True)
class StageMoves:
    """How opportunities left one stage: counts by the kind of the next stay."""

    stage_id: str
    forward: int = 0
    backward: int = 0
    won: int = 0
    lost: int = 0

    @property
    def left(self) -> int:
        return self.forward + self.backward + self.won + self.lost

    @property
    def conversion_bp(self) -> int:
        """Share of the moves out of the stage that went ahead (a later stage or won)."""
        return round_half_up((self.forward + self.won) * BASIS_POINTS, self.left) if self.left else 0


@dataclass(frozen=True)
class StageStall:
    stage_id: str
    expected_days: int
    open_count: int  # open opportunities in the stage now
    average_open_days: float  # how long they have been there so far
    over_expected: int  # of them, those there longer than the stage's expected duration
    average_completed_days: float  # time in the stage of the stays that ended in the period


@dataclass(frozen=True)
class ClosedFigures:
    count: int = 0
    amounts: dict[str, int] = field(default_factory=dict)  # per currency
    cycle_days_total: float = 0.0  # sum over the opportunities of created → closed, in days


def win_rate_bp(won: int, lost: int) -> int:
    return round_half_up(won * BASIS_POINTS, won + lost) if won + lost else 0


def average_amounts(total: dict[str, int], counts: dict[str, int]) -> dict[str, int]:
    """Average deal size per currency, rounded half-up to a minor unit."""
    return {currency: round_half_up(amount, counts[currency]) for currency, amount in sorted(total.items()) if counts.get(currency)}


def average(total: float, count: int) -> float:
    return round(total / count, 2) if count else 0.0


def stalls_ranked(stalls: list[StageStall]) -> list[StageStall]:
    """Where deals stall: most opportunities over their stage's expected duration first, then longest waits."""
    return sorted(stalls, key=lambda s: (-s.over_expected, -s.average_open_days, s.stage_id))
