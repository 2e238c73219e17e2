"""`db.is_concurrency_conflict` recognises real conflicts of each backend, and nothing else."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from crm_chassis import db


def _table(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        conn.execute(sa.text("DELETE FROM counters"))
        conn.execute(sa.text("INSERT INTO counters (id, n) VALUES (1, 0), (2, 0)"))


def test_a_real_postgresql_deadlock_is_a_conflict(postgres_database_url):
    engine = db.create_engine(postgres_database_url)
    _table(engine)
    both_locked_one = threading.Barrier(2, timeout=10)
    failures: list[BaseException] = []

    def lock_in_order(first: int, second: int) -> None:
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("UPDATE counters SET n = n + 1 WHERE id = :id"), {"id": first})
                both_locked_one.wait()
                conn.execute(sa.text("UPDATE counters SET n = n + 1 WHERE id = :id"), {"id": second})
        except sa.exc.DBAPIError as exc:
            failures.append(exc)

    threads = [threading.Thread(target=lock_in_order, args=order) for order in ((1, 2), (2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    engine.dispose()
    assert len(failures) == 1  # PostgreSQL kills one of the two; the other commits
    assert db.is_concurrency_conflict(failures[0])


def test_a_busy_sqlite_database_is_a_conflict(tmp_path):
    engine = db.create_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    _table(engine)
    with engine.begin() as holder:
        holder.execute(sa.text("UPDATE counters SET n = 1 WHERE id = 1"))
        other = sa.create_engine(f"sqlite:///{tmp_path / 'busy.db'}", connect_args={"timeout": 0.05})
        with pytest.raises(sa.exc.OperationalError) as caught, other.begin() as conn:
            conn.execute(sa.text("UPDATE counters SET n = 2 WHERE id = 2"))
        other.dispose()
    engine.dispose()
    assert db.is_concurrency_conflict(caught.value)


def test_a_constraint_violation_is_not_a_conflict(database_url):
    engine = db.create_engine(database_url)
    _table(engine)
    with pytest.raises(sa.exc.IntegrityError) as caught, engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO counters (id, n) VALUES (1, 0)"))
    engine.dispose()
    assert not db.is_concurrency_conflict(caught.value)
