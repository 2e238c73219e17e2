"""What the benchmarks share: throwaway databases and virtual hosts, process CPU, percentiles, tables."""
from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("CRM_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
AMQP_URL = os.environ.get("CRM_BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
JWT_ISSUER = JWT_AUDIENCE = "crm"

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def postgres_database(prefix: str = "crm_bench") -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped on the way out even after Ctrl-C."""
    import sqlalchemy as sa

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        # FORCE: a server process that died mid-run may still hold connections.
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextlib.contextmanager
def kept_postgres_database(name: str) -> Iterator[str]:
    """The URL of the PostgreSQL database `name`, created when missing and kept afterwards."""
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %(n)s", {"n": name}).first():
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def person_fields(i: int) -> dict:
    """Arguments of Person.create / commands.CreatePerson for the i-th benchmark person: 2 emails, 1 phone, 2 consents."""
    return {
        "given_name": f"Given{i}",
        "family_name": f"Family{i}",
        "emails": [(f"person{i}@example.com", "work"), (f"person{i}.home@example.org", "personal")],
        "phones": [(f"+4072{i % 10_000_000:07d}", "mobile")],
        "consents": [("email", "marketing", True, "web form", None), ("sms", "service", False, "call centre", None)],
    }


def exit_on_sigterm() -> None:
    """Turns SIGTERM into SystemExit, so the database, virtual host and child processes are cleaned up as after Ctrl-C."""

    def _exit(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)


def quiet_repeated_instrumentation() -> None:
    """Silences OpenTelemetry's warning when a second engine is created in one process (migrations, then seeding)."""
    logging.getLogger("opentelemetry.instrumentation.instrumentor").setLevel(logging.ERROR)


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextlib.contextmanager
def rabbitmq_vhost(prefix: str = "crm-bench") -> Iterator[str]:
    """The AMQP URL of a fresh virtual host; deleting it removes every queue and exchange the run made."""
    if shutil.which("rabbitmqctl") is None:
        raise SystemExit("rabbitmqctl is not on PATH: the benchmark needs it to create a virtual host of its own")
    vhost = f"{prefix}-{uuid.uuid4().hex[:10]}"
    _rabbitmqctl("add_vhost", vhost)
    try:
        _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        yield AMQP_URL.rstrip("/") + "/" + quote(vhost, safe="")
    finally:
        _rabbitmqctl("delete_vhost", vhost)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, per proc(5)).
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def load_average() -> float:
    return os.getloadavg()[0]


def machine_line(load_before: float) -> str:
    """CPU count and 1-minute load around the run: other work on the machine moves absolute figures more than ratios."""
    return f"machine: {os.cpu_count()} CPUs, 1-min load average {load_before:.1f} before the run, {load_average():.1f} after"


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted sequence; NaN when empty."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def ratio(a: float, b: float) -> str:
    if not b or math.isnan(a) or math.isnan(b):
        return "n/a"
    return f"{a / b:.2f}x"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table, first column left-aligned, the rest right-aligned (pastes into Markdown code blocks)."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])
