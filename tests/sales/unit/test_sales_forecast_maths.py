"""Forecast maths by hand-computed examples: periods, weighted pipeline, historical conversion, as-of, KPI figures."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from crm_sales.domain.forecast import (
    UNSCHEDULED,
    CloseWindow,
    PipelineSlice,
    StageMoves,
    StageRate,
    StageStall,
    Stay,
    average,
    average_amounts,
    close_buckets,
    close_window,
    forecast,
    period_of,
    stage_rates,
    stalls_ranked,
    stay_at,
    win_rate_bp,
)


def test_periods():
    assert period_of(date(2026, 11, 23), "month") == "2026-11"
    assert period_of(date(2026, 11, 23), "quarter") == "2026-Q4"
    assert period_of(date(2026, 3, 31), "quarter") == "2026-Q1"
    assert period_of(date(2026, 4, 1), "quarter") == "2026-Q2"
    assert period_of(date(2026, 11, 23), "year") == "2026"
    assert period_of(None, "month") == UNSCHEDULED
    with pytest.raises(ValueError):
        period_of(date(2026, 1, 1), "week")


def test_weighted_and_historical_forecast_by_hand():
    slices = [
        # November, alice, EUR: 1,000.01 at 10 % and 500.00 at 60 %
        PipelineSlice(date(2026, 11, 3), ("alice",), "EUR", "qualify", 10, 1, 100001),
        PipelineSlice(date(2026, 11, 30), ("alice",), "EUR", "propose", 60, 2, 50000),
        # November, alice, USD: never added to EUR
        PipelineSlice(date(2026, 11, 5), ("alice",), "USD", "propose", 60, 1, 1000),
        # December, bob; a stage nobody ever closed from: its configured probability stands in
        PipelineSlice(date(2026, 12, 1), ("bob",), "EUR", "new", 5, 1, 333),
        PipelineSlice(None, ("bob",), "EUR", "qualify", 10, 1, 10),
    ]
    rates = stage_rates([("qualify", "won", 1), ("qualify", "lost", 2), ("propose", "won", 3), ("propose", "lost", 1)])
    assert rates == {"propose": StageRate(3, 4), "qualify": StageRate(1, 3)}
    assert rates["qualify"].rate_bp == 3333
    result = forecast(slices, "month", rates)
    rows = {(r.period, r.key, r.currency): r for r in result.rows}
    eur = rows[("2026-11", ("alice",), "EUR")]
    # weighted: 100001 × 0.10 + 50000 × 0.60 = 10000.1 + 30000 = 40000.1 → 40000
    # historical: 100001 × 1/3 + 50000 × 3/4 = 33333.667 + 37500 = 70833.667 → 70834
    assert (eur.count, eur.amount_minor, eur.weighted_minor, eur.historical_minor) == (3, 150001, 40000, 70834)
    usd = rows[("2026-11", ("alice",), "USD")]
    assert (usd.weighted_minor, usd.historical_minor) == (600, 750)
    dec = rows[("2026-12", ("bob",), "EUR")]
    # 333 × 5 % = 16.65 → 17 both ways: "new" has no closed history
    assert (dec.weighted_minor, dec.historical_minor) == (17, 17)
    assert result.fallback_stages == ["new"]
    assert [r.period for r in result.rows] == ["2026-11", "2026-11", "2026-12", UNSCHEDULED]
    quarter = forecast(slices, "quarter", rates).rows
    assert [(r.period, r.key, r.currency, r.amount_minor) for r in quarter] == [
        ("2026-Q4", ("alice",), "EUR", 150001), ("2026-Q4", ("alice",), "USD", 1000), ("2026-Q4", ("bob",), "EUR", 333),
        (UNSCHEDULED, ("bob",), "EUR", 10),
    ]


def test_half_a_minor_unit_rounds_up_once_per_row():
    # 5 × 10 % = 0.5 twice: per opportunity half-up would give 1 + 1 = 2; per row 1.0 → 1
    slices = [PipelineSlice(date(2026, 1, 1), (), "EUR", "s", 10, 1, 5), PipelineSlice(date(2026, 1, 2), (), "EUR", "s", 10, 1, 5)]
    assert forecast(slices, "month", {}).rows[0].weighted_minor == 1
    assert forecast(slices[:1], "month", {}).rows[0].weighted_minor == 1  # 0.5 → 1


def test_as_of_picks_the_stay_entered_and_not_yet_left():
    t = lambda d, h=0: datetime(2026, 11, d, h, tzinfo=UTC)  # noqa: E731
    stays = [
        Stay("o", "qualify", "open", 100, "EUR", 10, t(1), t(5)),
        Stay("o", "propose", "open", 150, "EUR", 60, t(5), t(9)),
        Stay("o", "qualify", "open", 150, "EUR", 10, t(9), t(12)),  # moved back
        Stay("o", "", "won", 150, "EUR", 100, t(12), None),
    ]
    assert stay_at(stays, t(1)).stage_id == "qualify"
    assert stay_at(stays, datetime(2026, 10, 31, tzinfo=UTC)) is None
    assert stay_at(stays, t(5)).stage_id == "propose"  # entering counts at the instant
    assert stay_at(stays, t(10)).stage_id == "qualify"
    assert stay_at(stays, t(20)).status == "won"


def test_kpi_figures():
    assert win_rate_bp(1, 2) == 3333 and win_rate_bp(2, 1) == 6667 and win_rate_bp(0, 0) == 0
    assert average_amounts({"EUR": 1001, "USD": 10}, {"EUR": 2, "USD": 3}) == {"EUR": 501, "USD": 3}  # 500.5 → 501, 3.33 → 3
    assert average(10.0, 4) == 2.5 and average(1.0, 0) == 0.0
    moves = StageMoves("propose", forward=3, backward=1, won=1, lost=3)
    assert moves.left == 8 and moves.conversion_bp == 5000
    assert StageMoves("x").conversion_bp == 0
    stalls = [StageStall("a", 10, 5, 3.0, 0, 2.0), StageStall("b", 10, 5, 20.0, 4, 12.0), StageStall("c", 10, 5, 30.0, 4, 1.0)]
    assert [s.stage_id for s in stalls_ranked(stalls)] == ["c", "b", "a"]


# --- where the historical conversion is counted from (worked out by hand) ---


def test_close_window_splits_into_months_days_and_partial_ends():
    since, until = datetime(2025, 11, 23, 5, 30, tzinfo=UTC), datetime(2026, 11, 23, 5, 30, tzinfo=UTC)
    assert close_window(since, until) == CloseWindow(
        months=(date(2025, 12, 1), date(2026, 11, 1)),  # December 2025 … October 2026
        day_ranges=((date(2025, 11, 24), date(2025, 12, 1)), (date(2026, 11, 1), date(2026, 11, 23))),
        since=since, head_end=datetime(2025, 11, 24, tzinfo=UTC), tail_start=datetime(2026, 11, 23, tzinfo=UTC), until=until,
    )
    # starting at midnight on the 1st: no partial head day, the month counts whole
    w = close_window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    assert (w.months, w.day_ranges, w.head_end) == ((date(2026, 1, 1), date(2026, 3, 1)), (), datetime(2026, 1, 1, tzinfo=UTC))
    # within one month: days only; within one day: the history alone
    assert close_window(datetime(2026, 2, 10, 12, tzinfo=UTC), datetime(2026, 2, 20, 12, tzinfo=UTC)).day_ranges == (
        (date(2026, 2, 11), date(2026, 2, 20)),)
    one_day = close_window(datetime(2026, 2, 3, 7, tzinfo=UTC), datetime(2026, 2, 3, 23, tzinfo=UTC))
    assert (one_day.months, one_day.day_ranges, one_day.head_end, one_day.tail_start) == (None, (), None, None)
    # December rolls over into the next year; a closing is counted under its UTC day
    assert close_window(datetime(2026, 12, 5, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC)).months == (date(2027, 1, 1), date(2027, 2, 1))
    assert close_buckets(datetime(2026, 3, 1, 1, 0, tzinfo=timezone(timedelta(hours=3)))) == (date(2026, 2, 28), date(2026, 2, 1))
