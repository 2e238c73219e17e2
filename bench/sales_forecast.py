"""Pipeline and forecast queries of the sales service over a large generated history, beside the same SQL run directly.

Seeds a fresh PostgreSQL database (migrated with the sales Alembic history) by COPY with --opportunities
opportunities and about --changes stage-history rows (or reuses the one kept by --database), recounts the stage
conversion counts the service keeps, VACUUM ANALYZE, then times, per case, `--repeat` calls of the service's
handler (unit of work, SQLAlchemy, the domain's bucketing and exact rounding) against the very statements the
handler sends, compiled once and run on a bare psycopg2 connection. Prints p50/p99 of both and their ratio.

    .venv/bin/python bench/sales_forecast.py --opportunities 500000 --changes 5000000   # the full size
    .venv/bin/python bench/sales_forecast.py --opportunities 20000 --changes 200000     # a quick check
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402

STAGES = [("Prospect", 10, 7), ("Qualify", 20, 14), ("Analyse", 40, 14), ("Propose", 60, 21), ("Negotiate", 80, 14), ("Commit", 90, 7)]
OWNERS, TEAMS, TERRITORIES = 500, 25, 10
NOW = datetime.now(UTC).replace(microsecond=0)
NULL = "\\N"  # COPY's NULL; an empty CSV field is the empty string (FORCE_NOT_NULL)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ts(value: datetime) -> str:
    return value.isoformat()


def generate(opportunities: int, changes: int, pipeline_id: str, stage_ids: list[str], seed: int) -> Iterator[tuple[list[str], list[str]]]:
    """Yields (opportunity CSV line, its history CSV lines). History rows per opportunity average changes/opportunities."""
    rng = random.Random(seed)
    average = max(1.0, changes / opportunities)
    top = max(1, round(2 * average - 1))
    for i in range(opportunities):
        oid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        owner = i % OWNERS
        who = (f"u{owner}", f"t{owner % TEAMS}", f"r{owner % TERRITORIES}")
        created = NOW - timedelta(days=rng.uniform(1, 730))
        k = rng.randint(1, top)
        outcome = rng.random()
        status = "open" if k == 1 or outcome < 0.4 else ("won" if outcome < 0.65 else "lost")
        amount = rng.randint(1_000, 10_000_000)
        currency = "EUR" if rng.random() < 0.9 else "USD"
        step = (NOW - created).total_seconds() / k
        at, stage, prev_stage, previous = created, 0, 0, ""
        rows = []
        for j in range(k):
            last = j == k - 1
            if j and not (last and status != "open"):
                stage = min(stage + 1, len(STAGES) - 1) if rng.random() < 0.8 or stage == 0 else stage - 1
            kind = status if last and status != "open" else ("created" if j == 0 else ("forward" if stage >= prev_stage else "backward"))
            row_status = status if last and status != "open" else "open"
            probability = {"won": 100, "lost": 0}.get(row_status, STAGES[stage][1])
            left = NULL if last else ts(at + timedelta(seconds=step * rng.uniform(0.5, 1.0)))
            rows.append(
                f"{uuid.UUID(int=rng.getrandbits(128), version=4)},{oid},{pipeline_id},{stage_ids[stage]},{previous},{row_status},{kind},"
                f"{amount},{currency},{probability},{ts(at)},{left},{who[0]}\n"
            )
            previous, prev_stage = stage_ids[stage], stage
            if not last:
                at = datetime.fromisoformat(left)
        close = (created + timedelta(days=rng.randint(30, 180))).date()
        closed_at = ts(at) if status != "open" else NULL
        probability = {"won": 100, "lost": 0}.get(status, STAGES[stage][1])
        line = (
            f"{oid},Deal {i},acc-{i % 50_000},,{pipeline_id},{stage_ids[stage]},{status},{amount},{currency},{close.isoformat()},"
            f"{who[0]},{who[1]},{who[2]},,{probability},{ts(at)},,,,{NULL},,{closed_at},{ts(created)},{ts(at)}\n"
        )
        yield line, rows


OPPORTUNITY_COLUMNS = (
    "id, name, account_id, lead_id, pipeline_id, stage_id, status, amount_minor, currency, expected_close_date, owner, team, territory, "
    "next_step, probability, stage_entered_at, close_reason_id, close_note, lost_to_competitor_id, competitor_price_minor, "
    "competitor_currency, closed_at, created_at, updated_at"
)
HISTORY_COLUMNS = (
    "id, opportunity_id, pipeline_id, stage_id, from_stage_id, status, kind, amount_minor, currency, probability, entered_at, left_at, changed_by"
)


def seed(url: str, opportunities: int, changes: int) -> tuple[str, int]:
    """Pipeline, stages, opportunities and history by COPY, in chunks of 20,000 opportunities."""
    import psycopg2

    pipeline_id = str(uuid.uuid4())
    stage_ids = [str(uuid.uuid4()) for _ in STAGES]
    conn = psycopg2.connect(url.replace("postgresql+psycopg2://", "postgresql://"))
    written = 0
    try:
        with conn, conn.cursor() as cur:
            cur.execute("INSERT INTO pipelines (id, name, is_default, created_at, updated_at) VALUES (%s, 'Bench', true, %s, %s)",
                        (pipeline_id, NOW, NOW))
            for position, ((name, probability, days), sid) in enumerate(zip(STAGES, stage_ids, strict=True), start=1):
                cur.execute(
                    "INSERT INTO pipeline_stages (id, pipeline_id, position, name, probability, expected_days, active) VALUES (%s, %s, %s, %s, %s, %s, true)",
                    (sid, pipeline_id, position, name, probability, days),
                )
            opp_buf, hist_buf = io.StringIO(), io.StringIO()
            opp_copy = (f"COPY opportunities ({OPPORTUNITY_COLUMNS}) FROM STDIN WITH (FORMAT csv, NULL '\\N', "
                        "FORCE_NOT_NULL (lead_id, next_step, close_reason_id, close_note, lost_to_competitor_id, competitor_currency))")
            hist_copy = f"COPY opportunity_stage_history ({HISTORY_COLUMNS}) FROM STDIN WITH (FORMAT csv, NULL '\\N', FORCE_NOT_NULL (from_stage_id))"

            def flush() -> None:
                for buf, sql in ((opp_buf, opp_copy), (hist_buf, hist_copy)):
                    buf.seek(0)
                    cur.copy_expert(sql, buf)
                    buf.seek(0)
                    buf.truncate()

            started = time.monotonic()
            for n, (line, rows) in enumerate(generate(opportunities, changes, pipeline_id, stage_ids, seed=7), start=1):
                opp_buf.write(line)
                hist_buf.writelines(rows)
                written += len(rows)
                if n % 20_000 == 0:
                    flush()
                    log(f"  {n:,} opportunities, {written:,} stage changes ({time.monotonic() - started:.0f} s)")
            flush()
    finally:
        conn.close()
    return pipeline_id, written


def vacuum(url: str) -> None:
    """As autovacuum would have done on a database in use: statistics, and the visibility map index-only scans need."""
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    finally:
        conn.close()


def existing_history(url: str) -> int:
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM opportunity_stage_history")
        return cur.fetchone()[0]


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    for _ in range(2):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--opportunities", type=int, default=500_000)
    parser.add_argument("--changes", type=int, default=5_000_000, help="stage-history rows, about")
    parser.add_argument("--repeat", type=int, default=20, help="measured calls per case and side")
    parser.add_argument("--database", default="", help="keep the seeded database under this name and reuse it when it exists "
                        "(migrated to the current head first); default: a throwaway one")
    args = parser.parse_args()
    benchlib.exit_on_sigterm()
    benchlib.quiet_repeated_instrumentation()
    load_before = benchlib.load_average()

    import psycopg2

    import crm_sales
    from crm_chassis import db, migrations
    from crm_chassis.access import Viewer
    from crm_sales.adapters import sales_analytics as analytics
    from crm_sales.bootstrap import bootstrap
    from crm_sales.config import SalesSettings
    from crm_sales.domain import commerce_commands as commands
    from crm_sales.service_layer import commerce

    with (benchlib.kept_postgres_database(args.database) if args.database else benchlib.postgres_database()) as url:
        started = time.monotonic()
        migrations.upgrade(Path(crm_sales.__file__).resolve().parent / "migrations", url)
        log(f"migrated in {time.monotonic() - started:.0f} s")
        written = existing_history(url)
        if written:
            log(f"reusing {written:,} stage changes in {args.database}")
        else:
            log(f"seeding {args.opportunities:,} opportunities, ~{args.changes:,} stage changes by COPY")
            started = time.monotonic()
            pipeline_id, written = seed(url, args.opportunities, args.changes)
            log(f"seeded {written:,} stage changes in {time.monotonic() - started:.0f} s")
            started = time.monotonic()
            counts = db.create_engine(url)
            with counts.begin() as conn:  # COPY went around the repository, which keeps these counts
                analytics.rebuild_stage_conversions(conn)
            counts.dispose()
            log(f"stage conversion counts rebuilt in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        vacuum(url)
        log(f"VACUUM ANALYZE in {time.monotonic() - started:.0f} s")
        app = bootstrap(SalesSettings(database_url=url), contacts=object())
        raw = psycopg2.connect(url)
        raw.autocommit = True
        admin, team = Viewer("root", is_admin=True), Viewer("u3", team="t3")
        past = NOW - timedelta(days=180)
        quarter_start = date(NOW.year, 3 * ((NOW.month - 1) // 3) + 1, 1)
        cases = [
            ("pipeline now, all, by month", commands.SalesQuestion(), admin),
            ("pipeline now, one team, by owner+quarter", commands.SalesQuestion(dimensions=("owner",), granularity="quarter"), team),
            ("pipeline as of 180 days ago, all", commands.SalesQuestion(as_of=past), admin),
            ("pipeline now, one owner, one quarter", commands.SalesQuestion(owner="u7", date_from=quarter_start,
                                                                            date_to=quarter_start + timedelta(days=90)), admin),
        ]
        results = []
        for name, question, viewer in cases:
            scope = analytics.Scope(viewer, question.owner, question.team, question.territory, question.pipeline_id)
            when = question.as_of or NOW
            statements = [
                analytics.pipeline_as_of_query(scope, question.dimensions, question.date_from, question.date_to, when, question.granularity,
                                               "postgresql")
                if question.as_of else analytics.pipeline_query(scope, question.dimensions, question.date_from, question.date_to,
                                                                question.granularity, "postgresql"),
                analytics.stage_outcomes_query(scope, when - timedelta(days=question.history_days), when),
            ]
            compiled = [s.compile(dialect=app.engine.dialect, compile_kwargs={"render_postcompile": True}) for s in statements]

            def run_raw(compiled=compiled):
                with raw.cursor() as cur:
                    for c in compiled:
                        cur.execute(str(c), c.params)
                        cur.fetchall()

            def run_service(question=question, viewer=viewer):
                return commerce.get_forecast(question, app.uow(), viewer)

            log(f"measuring: {name}")
            rows = len(run_service()[0].rows)
            service, direct = timed(run_service, args.repeat), timed(run_raw, args.repeat)
            results.append((name, rows, service, direct))
        kpi_question = commands.SalesQuestion(date_from=quarter_start - timedelta(days=90), date_to=quarter_start - timedelta(days=1))
        log("measuring: KPIs for last quarter")
        kpis = timed(lambda: commerce.get_kpis(kpi_question, app.uow(), admin), args.repeat)
        raw.close()
        app.engine.dispose()

    p = benchlib.percentile
    table_rows = [
        (name, rows, f"{p(s, 50):.1f}", f"{p(s, 99):.1f}", f"{p(d, 50):.1f}", f"{p(d, 99):.1f}", benchlib.ratio(p(s, 50), p(d, 50)))
        for name, rows, s, d in results
    ]
    table_rows.append(("KPIs, all, last quarter (6 queries)", "-", f"{p(kpis, 50):.1f}", f"{p(kpis, 99):.1f}", "-", "-", "-"))
    print(f"sales forecast: {args.opportunities:,} opportunities, {written:,} stage changes, {args.repeat} calls per cell; PostgreSQL")
    print(benchlib.machine_line(load_before))
    print(benchlib.table(
        ["case", "rows", "service p50 ms", "service p99 ms", "SQL p50 ms", "SQL p99 ms", "service/SQL p50"], table_rows))


if __name__ == "__main__":
    main()
