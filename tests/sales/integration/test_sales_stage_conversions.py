"""The stage conversion counts kept by the repository agree with a recount from the stage history, on both backends,
and the historical conversion read from them equals the one counted from the history, for any window."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sales_support import ADMIN, ALICE, BOB, CAROL

from crm_sales.adapters import orm
from crm_sales.adapters import sales_analytics as analytics
from crm_sales.domain.opportunities import OpportunityData
from crm_sales.domain.pipelines import StageSpec
from crm_sales.service_layer import handlers

STAGES = [StageSpec("", "A", 10, 5), StageSpec("", "B", 40, 10), StageSpec("", "C", 70, 10)]
START = datetime(2026, 1, 30, 22, 0, tzinfo=UTC)  # near a day's and a month's end


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, hours: float) -> None:
        self.now += timedelta(hours=hours)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(handlers, "utcnow", clock)
    return clock


@pytest.fixture
def world(app, clock):
    pipeline = handlers.create_pipeline(app.uow(), "Standard", STAGES, False)
    won = handlers.create_close_reason(app.uow(), "won", "fit", "Best fit")
    lost = handlers.create_close_reason(app.uow(), "lost", "price", "Too expensive")
    return [s.id for s in pipeline.stages], won.id, lost.id


def stored(engine) -> dict[tuple, int]:
    t = orm.stage_conversions
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.grain, t.c.period, t.c.pipeline_id, t.c.stage_id, t.c.outcome, t.c.owner, t.c.team,
                                      t.c.territory, t.c.opportunities))
        return {tuple(r[:-1]): r[-1] for r in rows if r[-1]}


def recounted(engine) -> dict[tuple, int]:
    with engine.connect() as conn:
        return {tuple(r[:-1]): r[-1] for r in conn.execute(analytics.stage_conversions_from_history(conn.dialect.name))}


def outcomes(app, viewer, since, until, from_history: bool) -> set[tuple[str, str, int]]:
    scope = analytics.Scope(viewer)
    with app.engine.connect() as conn:
        if from_history:
            query = analytics.stage_outcomes_from_history_query(scope, orm.opportunities.c.closed_at >= since, orm.opportunities.c.closed_at <= until)
        else:
            query = analytics.stage_outcomes_query(scope, since, until)
        return {(s, status, int(n)) for s, status, n in conn.execute(query) if n}


def test_counts_follow_moves_closes_reopens_and_reassignments(app, world, clock):
    (a, b, c), won, lost = world
    deal = OpportunityData(name="Deal", amount_minor=1000, currency="EUR")
    one = handlers.create_opportunity(app.uow(), deal, ALICE)
    two = handlers.create_opportunity(app.uow(), deal, ALICE)
    three = handlers.create_opportunity(app.uow(), deal, BOB)
    assert stored(app.engine) == {}  # open deals count nowhere
    clock.tick(1)
    handlers.move_opportunity_stage(app.uow(), one.id, c, ALICE)
    handlers.move_opportunity_stage(app.uow(), one.id, b, ALICE)  # backwards
    handlers.move_opportunity_stage(app.uow(), two.id, b, ALICE)
    assert stored(app.engine) == {}
    clock.tick(1)  # 2026-01-31 00:00: a new day
    handlers.close_opportunity(app.uow(), one.id, "won", won, "", "", None, ALICE)  # was in A, C, B
    handlers.close_opportunity(app.uow(), two.id, "lost", lost, "", "", None, ALICE)  # was in A, B
    handlers.close_opportunity(app.uow(), three.id, "lost", lost, "", "", None, BOB)  # was in A
    counts = stored(app.engine)
    assert counts == recounted(app.engine)
    day = START.date() + timedelta(days=1)
    alice = (one.pipeline_id, "alice", "north", "ro")
    assert counts[("day", day, alice[0], a, "won", *alice[1:])] == 1
    assert counts[("day", day, alice[0], b, "lost", *alice[1:])] == 1
    assert counts[("month", day.replace(day=1), alice[0], a, "lost", *alice[1:])] == 1
    assert sum(n for key, n in counts.items() if key[0] == "month") == 6  # A, B, C won; A, B lost; A lost (Bob)
    assert counts[("month_all", day.replace(day=1), alice[0], a, "lost", "", "", "")] == 2

    clock.tick(24)  # February: reopened into C, then lost there
    handlers.reopen_opportunity(app.uow(), one.id, c, ALICE)
    assert stored(app.engine) == recounted(app.engine)
    assert not any(key[4] == "won" for key in stored(app.engine))
    clock.tick(2)
    handlers.close_opportunity(app.uow(), one.id, "lost", lost, "", "", None, ALICE)
    assert stored(app.engine) == recounted(app.engine)
    # a closed deal handed to another owner moves its counts with it
    handlers.update_opportunity(app.uow(), two.id, OpportunityData(owner="carol", team="north", territory="de"),
                                ("owner", "team", "territory"), ADMIN)
    counts = stored(app.engine)
    assert counts == recounted(app.engine)
    assert {key[5] for key in counts} == {"alice", "bob", "carol", ""}
    # a closed deal's counts do not change by a move of another deal, nor by an edit that keeps them where they are
    four = handlers.create_opportunity(app.uow(), deal, CAROL)
    handlers.move_opportunity_stage(app.uow(), four.id, b, CAROL)
    handlers.update_opportunity(app.uow(), two.id, OpportunityData(next_step="call"), ("next_step",), ADMIN)
    assert stored(app.engine) == counts


def test_conversion_from_counts_equals_the_history_for_any_window(app, world, clock):
    (a, b, c), won, lost = world
    deal = OpportunityData(name="Deal", amount_minor=1000, currency="EUR")
    owners = [ALICE, BOB, CAROL]
    for i in range(24):  # one closing every ~31 hours over a month, across the turn of the month
        viewer = owners[i % 3]
        opp = handlers.create_opportunity(app.uow(), deal, viewer)
        for stage in ([b], [c, b], [b, c], [])[i % 4]:
            handlers.move_opportunity_stage(app.uow(), opp.id, stage, viewer)
        clock.tick(31)
        handlers.close_opportunity(app.uow(), opp.id, "won" if i % 3 else "lost", won if i % 3 else lost, "", "", None, viewer)
        if i % 5 == 4:  # some reopened and closed again later
            clock.tick(3)
            handlers.reopen_opportunity(app.uow(), opp.id, a, viewer)
            clock.tick(5)
            handlers.close_opportunity(app.uow(), opp.id, "won", won, "", "", None, viewer)
    assert stored(app.engine) == recounted(app.engine)
    end = clock.now + timedelta(hours=1)
    windows = [
        (START, end),  # everything
        (START + timedelta(hours=37, minutes=5), end - timedelta(hours=40)),  # partial days at both ends, whole months inside
        (datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)),  # exactly one month, ending at midnight
        (datetime(2026, 2, 3, 7, tzinfo=UTC), datetime(2026, 2, 3, 23, tzinfo=UTC)),  # within one day
        (datetime(2026, 2, 10, 12, tzinfo=UTC), datetime(2026, 2, 20, 12, tzinfo=UTC)),  # days only
        (end, end + timedelta(days=40)),  # nothing closed
    ]
    for since, until in windows:
        for viewer in (ADMIN, ALICE, BOB, CAROL):
            expected = outcomes(app, viewer, since, until, from_history=True)
            assert outcomes(app, viewer, since, until, from_history=False) == expected, (since, until, viewer)
    assert outcomes(app, ADMIN, START, end, from_history=False)  # the comparison above is not vacuous


def test_rebuild_recounts_what_was_written_around_the_repository(app, world, clock):
    (a, b, c), won, lost = world
    opp = handlers.create_opportunity(app.uow(), OpportunityData(name="Deal", amount_minor=1000, currency="EUR"), ALICE)
    handlers.move_opportunity_stage(app.uow(), opp.id, b, ALICE)
    handlers.close_opportunity(app.uow(), opp.id, "won", won, "", "", None, ALICE)
    kept = stored(app.engine)
    with app.engine.begin() as conn:
        conn.execute(sa.update(orm.stage_conversions).values(opportunities=7))
        analytics.rebuild_stage_conversions(conn)
    assert stored(app.engine) == kept == recounted(app.engine)
    assert len(kept) == 8  # A and B, by day and by month, for Alice and for everyone


def test_as_of_takes_a_stay_from_its_entry_up_to_but_not_at_its_end(app, world, clock):
    """The as-of pipeline's rule entered_at <= when < left_at, also for a stay recorded as leaving before it entered."""
    (a, b, c), won, lost = world
    opp = handlers.create_opportunity(app.uow(), OpportunityData(name="Deal", amount_minor=1000, currency="EUR"), ALICE)
    entered = clock.now
    clock.tick(5)
    handlers.move_opportunity_stage(app.uow(), opp.id, b, ALICE)
    moved = clock.now
    h = orm.opportunity_stage_history

    def stages_at(when) -> list[str]:
        with app.engine.connect() as conn:
            query = sa.select(h.c.stage_id).where(analytics.stay_covers(when)).order_by(h.c.stage_id)
            return list(conn.execute(query).scalars())

    assert stages_at(entered - timedelta(microseconds=1)) == []
    assert stages_at(entered) == [a]
    assert stages_at(moved - timedelta(microseconds=1)) == [a]
    assert stages_at(moved) == [b]  # left A at that instant
    assert stages_at(moved + timedelta(days=400)) == [b]  # still there
    with app.engine.begin() as conn:  # a clock that went backwards between two moves
        conn.execute(sa.update(h).where(h.c.stage_id == a).values(left_at=entered - timedelta(hours=1)))
    assert stages_at(entered) == stages_at(entered - timedelta(minutes=30)) == []


@pytest.mark.parametrize("granularity", ["month", "quarter", "year"])
def test_periods_summed_in_the_database_give_the_forecast_of_the_days(app, world, granularity):
    from sqlalchemy.orm import Session

    from crm_sales.domain.forecast import forecast, stage_rates

    (a, b, c), won, lost = world
    days = ["2026-01-01", "2026-01-20", "2026-03-01", "2026-03-31", "2026-04-01", "2026-06-30", "2026-07-15", "2026-09-30",
            "2026-10-01", "2026-12-31", "2027-02-28", "2027-11-30", "", "2026-03-31"]
    for i, close in enumerate(days):
        opp = handlers.create_opportunity(app.uow(), OpportunityData(name="Deal", amount_minor=1001 + 7 * i, currency="EUR",
                                                                     expected_close_date=close), ALICE)
        if i % 5 == 4:
            handlers.move_opportunity_stage(app.uow(), opp.id, b, ALICE)
    scope = analytics.Scope(ADMIN)
    with Session(app.engine) as session:
        by_day = analytics.pipeline_slices(session, scope, ("owner",), None, None)
        by_period = analytics.pipeline_slices(session, scope, ("owner",), None, None, granularity)
    rates = stage_rates([(a, "won", 1), (a, "lost", 2), (b, "won", 2), (b, "lost", 1)])
    assert len(by_period) < len(by_day)
    assert forecast(by_period, granularity, rates) == forecast(by_day, granularity, rates)
