"""Engines and sessions: SQLite by default, PostgreSQL by URL, both traced."""
from __future__ import annotations

import time
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from crm_chassis.access import Viewer


def create_engine(url: str, *, pool_size: int = 10) -> sa.Engine:
    """An engine tuned for its backend, with one span per SQL statement.

    SQLite is shared by a service's two processes, so it runs in WAL mode,
    waits for locks instead of failing, and takes the write lock when a
    transaction begins: a deferred transaction that later writes can fail
    with SQLITE_BUSY without ever waiting.
    """
    _instrumentor = SQLAlchemyInstrumentor()
    if not _instrumentor.is_instrumented_by_opentelemetry:
        # Wraps sqlalchemy.create_engine once per process, so this and every later engine is traced.
        _instrumentor.instrument(enable_commenter=False)
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _configure(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    else:
        # LIFO: under light load the same few connections serve, so they stay fresh and the rest may idle out.
        engine = sa.create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_use_lifo=True)
        ping_idle_connections(engine)
    return engine


# A connection back in use within this many seconds is not pinged first. pool_pre_ping's "SELECT 1" cost a round
# trip on every checkout (8% of a GetPerson's server time, profiled); the connections a firewall, a server timeout or a
# failover broke have sat idle far longer, and one that broke just now fails its call like the calls in flight did,
# after which the pool replaces all its connections (SQLAlchemy's disconnect handling).
PING_AFTER_IDLE_SECONDS = 1.0


def ping_idle_connections(engine: sa.Engine, after_seconds: float | None = None) -> None:
    """pool_pre_ping, but only for a connection that sat in the pool for more than `after_seconds` (default
    PING_AFTER_IDLE_SECONDS): a dead one is replaced by a fresh connection before the caller sees it."""

    @event.listens_for(engine, "checkin")
    def _checkin(dbapi_connection, record):
        record.info["crm_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, proxy):
        idle_since = record.info.get("crm_idle_since")
        if idle_since is None or time.monotonic() - idle_since <= (PING_AFTER_IDLE_SECONDS if after_seconds is None else after_seconds):
            return  # a new connection, or one just used
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            if not engine.dialect.is_disconnect(exc, dbapi_connection, None):
                raise
            alive = False
        if not alive:
            # as pool_pre_ping does: the pool drops this and every older connection, connects anew and retries
            raise sa.exc.InvalidatePoolError("connection found closed on checkout")


class UtcDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and read back aware, on every backend.

    SQLite keeps the wall-clock reading and drops the offset: without this a
    time given at +03:00 would be read back three hours off, and naive.
    Naive values are taken as UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def is_postgresql(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"


# SQLSTATEs of a transaction that lost to a concurrent one: serialization_failure, deadlock_detected, lock_not_available.
_CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def is_concurrency_conflict(exc: sa.exc.DBAPIError) -> bool:
    """True when retrying the same transaction may well succeed: PostgreSQL conflicts, SQLite's busy lock."""
    sqlstate = getattr(exc.orig, "pgcode", None)
    if sqlstate is not None:
        return sqlstate in _CONFLICT_SQLSTATES
    return isinstance(exc, sa.exc.OperationalError) and "database is locked" in str(exc.orig)


def visible_to(viewer: Viewer, owner: sa.ColumnElement, team: sa.ColumnElement, territory: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """`Audience.is_visible_to` as a WHERE clause."""
    if viewer.is_admin:
        return sa.true()
    clauses = [owner == viewer.subject]
    if viewer.team:
        clauses.append(team == viewer.team)
    if viewer.territory:
        clauses.append(territory == viewer.territory)
    return sa.or_(*clauses)
