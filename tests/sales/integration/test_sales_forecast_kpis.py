"""Forecast and KPIs over a hand-built history on both backends; every figure below is worked out by hand."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from commerce_support import T0, opportunity, pipeline
from sales_support import ADMIN, ALICE, BOB

from crm_chassis.access import Viewer
from crm_sales.domain import commerce_commands as commands
from crm_sales.service_layer import commerce

NORTH_MANAGER = Viewer("nora", team="north")  # Alice's team, not Bob's territory


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


@pytest.fixture
def history(app):
    """Stages A 10 % 5 days, B 50 % 10 days, C 80 % 10 days. Closed: h1 A→B→won, h2 A→lost, h3 A→B→C→lost (rates:
    A 1/3, B 1/2, C 0/1). Open: o1 in A, o2 A→B, o4 A→C→B (Alice's); o3 in C (Bob's)."""
    pid, s = pipeline(app.engine, [("A", 10, 5), ("B", 50, 10), ("C", 80, 10)])
    a, b, c = s["A"], s["B"], s["C"]
    e = app.engine
    opportunity(e, pid, [(a, "created", day(0)), (b, "forward", day(2)), (b, "won", day(10))], amount=100, owner=ALICE)
    opportunity(e, pid, [(a, "created", day(0)), (a, "lost", day(3))], amount=100, owner=ALICE)
    opportunity(e, pid, [(a, "created", day(0)), (b, "forward", day(1)), (c, "forward", day(4)), (c, "lost", day(6))], amount=100, owner=ALICE)
    opportunity(e, pid, [(a, "created", day(0))], amount=1000, probability=10, close=date(2026, 12, 10), owner=ALICE)
    opportunity(e, pid, [(a, "created", day(0)), (b, "forward", day(20))], amount=3001, probability=50, close=date(2026, 12, 20), owner=ALICE)
    opportunity(e, pid, [(c, "created", day(50))], amount=500, probability=80, close=date(2027, 1, 5), owner=BOB)
    opportunity(e, pid, [(a, "created", day(0)), (c, "forward", day(30)), (b, "backward", day(40))], amount=200, probability=50, owner=ALICE)
    return pid, s


def rows(result) -> list[tuple]:
    return [(r.period, r.key, r.currency, r.count, r.amount_minor, r.weighted_minor, r.historical_minor) for r in result.rows]


def test_weighted_and_historical_forecast_now(app, history):
    pid, s = history
    result, _ = commerce.get_forecast(commands.SalesQuestion(history_days=3650), app.uow(), ALICE)
    assert {stage: (r.won, r.closed) for stage, r in result.rates.items()} == {s["A"]: (1, 3), s["B"]: (1, 2), s["C"]: (0, 1)}
    # December: 1000 × 10 % + 3001 × 50 % = 1600.5 → 1601; 1000 × 1/3 + 3001 × 1/2 = 1833.83 → 1834. o4 in B, no date.
    assert rows(result) == [("2026-12", (), "EUR", 2, 4001, 1601, 1834), ("unscheduled", (), "EUR", 1, 200, 100, 100)]
    assert rows(commerce.get_forecast(commands.SalesQuestion(history_days=3650), app.uow(), NORTH_MANAGER)[0]) == rows(result)
    # Bob sees none of the closed history: C falls back to its 80 %
    assert rows(commerce.get_forecast(commands.SalesQuestion(history_days=3650), app.uow(), BOB)[0]) == [("2027-01", (), "EUR", 1, 500, 400, 400)]
    by_owner, _ = commerce.get_forecast(
        commands.SalesQuestion(dimensions=("owner",), granularity="quarter", history_days=3650), app.uow(), ADMIN)
    assert rows(by_owner) == [
        ("2026-Q4", ("alice",), "EUR", 2, 4001, 1601, 1834),
        ("2027-Q1", ("bob",), "EUR", 1, 500, 400, 0),
        ("unscheduled", ("alice",), "EUR", 1, 200, 100, 100),
    ]
    december, _ = commerce.get_forecast(
        commands.SalesQuestion(date_from=date(2026, 12, 15), date_to=date(2026, 12, 31), owner="alice", pipeline_id=pid, history_days=3650),
        app.uow(), ADMIN)
    assert rows(december) == [("2026-12", (), "EUR", 1, 3001, 1501, 1501)]  # 1500.5 → 1501 both ways


def test_pipeline_as_of_a_past_date(app, history):
    _, s = history
    result, when = commerce.get_forecast(commands.SalesQuestion(as_of=day(25), history_days=3650), app.uow(), ALICE)
    assert when == day(25)
    # On 26 January o4 was still in A (weighted 200 × 50 % = 100, historical 200 × 1/3 = 66.67 → 67)
    assert rows(result) == [("2026-12", (), "EUR", 2, 4001, 1601, 1834), ("unscheduled", (), "EUR", 1, 200, 100, 67)]
    # On 5 January h2 had been lost and h1 not yet won; only h2 was closed: A 0/1, so A's historical weight is 0
    early, _ = commerce.get_forecast(commands.SalesQuestion(as_of=day(4.5), history_days=3650), app.uow(), ALICE)
    assert {st: (r.won, r.closed) for st, r in early.rates.items()} == {s["A"]: (0, 1)}
    # o1, o2, o4 were all in A then (historical weight 0); h1 (in B) and h3 (in C) were still open, 100 each at 50 %,
    # and B and C had no closed history yet, so their 50 % stands in: 200 × 0 + 100 × 0.5 + 100 × 0.5 = 100
    assert rows(early) == [("2026-12", (), "EUR", 2, 4001, 1601, 0), ("unscheduled", (), "EUR", 3, 400, 200, 100)]
    assert rows(commerce.get_forecast(commands.SalesQuestion(as_of=day(-1)), app.uow(), ALICE)[0]) == []


def test_kpis(app, history):
    pid, s = history
    january = commands.SalesQuestion(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
    k = commerce.get_kpis(january, app.uow(), ALICE)
    assert (k.open_count, k.open_amounts) == (3, {"EUR": 4201})
    assert (k.won_count, k.lost_count, k.win_rate_bp) == (1, 2, 3333)
    assert (k.won_amounts, k.lost_amounts, k.average_deal_size) == ({"EUR": 100}, {"EUR": 200}, {"EUR": 100})
    assert k.average_cycle_days == 10.0
    moves = {row[2]: (m.forward, m.backward, m.won, m.lost, m.conversion_bp) for row, m in k.stage_conversion}
    # A left forward by h1, h3, o2, o4 (31 Jan) and lost by h2; o4's move back to B was in February
    assert moves == {"A": (4, 0, 0, 1, 8000), "B": (1, 0, 1, 0, 10000), "C": (0, 0, 0, 1, 0)}
    stalls = [(row[2], st.open_count, st.over_expected, st.average_completed_days) for row, st in k.stalls]
    # Open now: A has o1 (since 1 Jan, > 5 days), B has o2 and o4 (> 10 days). Completed in January:
    # A 2 + 3 + 1 + 20 + 30 = 56 / 5 = 11.2 days, B 8 + 3 = 5.5, C 2.
    assert stalls == [("B", 2, 2, 5.5), ("A", 1, 1, 11.2), ("C", 0, 0, 2.0)]
    february = commerce.get_kpis(commands.SalesQuestion(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)), app.uow(), ALICE)
    assert (february.won_count, february.lost_count, february.win_rate_bp, february.average_cycle_days) == (0, 0, 0, 0.0)
    assert {row[2]: (m.backward) for row, m in february.stage_conversion}["C"] == 1
    bob = commerce.get_kpis(january, app.uow(), BOB)
    assert (bob.open_count, bob.won_count, bob.lost_count) == (1, 0, 0)
    everyone = commerce.get_kpis(commands.SalesQuestion(pipeline_id=pid), app.uow(), ADMIN)
    assert (everyone.open_count, everyone.open_amounts) == (4, {"EUR": 4701})


def test_amounts_never_mix_currencies(app):
    pid, s = pipeline(app.engine, [("A", 50, 5)])
    opportunity(app.engine, pid, [(s["A"], "created", datetime(2026, 3, 1, tzinfo=UTC))], amount=101, currency="EUR", close=date(2026, 3, 9), owner=ALICE)
    opportunity(app.engine, pid, [(s["A"], "created", datetime(2026, 3, 1, tzinfo=UTC))], amount=7, currency="JPY", close=date(2026, 3, 9), owner=ALICE)
    result, _ = commerce.get_forecast(commands.SalesQuestion(), app.uow(), ALICE)
    assert rows(result) == [("2026-03", (), "EUR", 1, 101, 51, 51), ("2026-03", (), "JPY", 1, 7, 4, 4)]
    assert result.fallback_stages == [s["A"]]
