"""PostgreSQL engines ping a pooled connection before use only when it sat idle, and replace a dead one unseen."""
from __future__ import annotations

import sqlalchemy as sa

from crm_chassis import db


def pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def counting_pings(engine: sa.Engine) -> list:
    pings = []
    ping = engine.dialect.do_ping
    engine.dialect.do_ping = lambda dbapi_connection: pings.append(1) or ping(dbapi_connection)
    return pings


def test_a_connection_used_again_at_once_is_not_pinged_one_idle_longer_is(postgres_database_url, monkeypatch):
    engine = db.create_engine(postgres_database_url)
    pings = counting_pings(engine)
    first = pid(engine)
    assert [pid(engine) for _ in range(5)] == [first] * 5 and pings == []  # the same connection, no round trip added
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert pid(engine) == first and pings == [1]
    engine.dispose()


def test_a_connection_killed_while_idle_is_replaced_before_the_caller_sees_it(postgres_database_url, monkeypatch):
    engine = db.create_engine(postgres_database_url)
    killed = pid(engine)
    admin = sa.create_engine(postgres_database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({killed})").scalar_one()
    admin.dispose()
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if it had sat idle for long
    assert pid(engine) != killed
    engine.dispose()
