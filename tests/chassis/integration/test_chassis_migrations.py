"""Alembic driven from code: `upgrade()` runs a service's history on either backend; the engine is tuned."""
from __future__ import annotations

import textwrap

import pytest
import sqlalchemy as sa

from crm_chassis import db
from crm_chassis.migrations import upgrade

ENV = '''
import sqlalchemy as sa
from crm_chassis.migrations import run_env

run_env(sa.MetaData())
'''

REVISION = '''
"""{message}"""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
{body}


def downgrade():
    pass
'''


def _script_dir(tmp_path):
    root = tmp_path / "migrations"
    (root / "versions").mkdir(parents=True)
    (root / "env.py").write_text(ENV)
    (root / "script.py.mako").write_text("")
    revisions = [
        ("0001", None, "persons", 'op.create_table("persons", sa.Column("id", sa.String(36), primary_key=True), sa.Column("name", sa.Text, nullable=False))'),
        ("0002", "0001", "persons email", 'with op.batch_alter_table("persons") as batch:\n    batch.add_column(sa.Column("email", sa.String(320)))\nop.create_index("ix_persons_email", "persons", ["email"], unique=True)'),
    ]
    for revision, down, message, body in revisions:
        (root / "versions" / f"{revision}_{message.replace(' ', '_')}.py").write_text(
            REVISION.format(revision=revision, down=down, message=message, body=textwrap.indent(body, "    "))
        )
    return root


def _state(url: str):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
            columns = {c["name"] for c in sa.inspect(conn).get_columns("persons")}
        return version, columns
    finally:
        engine.dispose()


def test_upgrade_runs_the_history_step_by_step_and_is_idempotent(tmp_path, database_url):
    script = _script_dir(tmp_path)
    upgrade(script, database_url, "0001")
    assert _state(database_url) == ("0001", {"id", "name"})
    upgrade(script, database_url)
    assert _state(database_url) == ("0002", {"id", "name", "email"})
    upgrade(script, database_url)
    assert _state(database_url) == ("0002", {"id", "name", "email"})

    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO persons (id, name, email) VALUES ('1', 'Ada', 'a@x.org')"))
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO persons (id, name, email) VALUES ('2', 'Bob', 'a@x.org')"))
    finally:
        engine.dispose()


def test_sqlite_engine_uses_wal_foreign_keys_and_makes_its_folder(tmp_path):
    engine = db.create_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert not db.is_postgresql(engine)
    finally:
        engine.dispose()


def test_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path):
    """BEGIN IMMEDIATE: a second writer queues behind the first rather than hitting SQLITE_BUSY mid-transaction."""
    import threading

    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = db.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
            conn.exec_driver_sql("INSERT INTO counter VALUES (0)")

        def bump(times: int) -> None:
            for _ in range(times):
                with engine.begin() as conn:
                    n = conn.exec_driver_sql("SELECT n FROM counter").scalar_one()
                    conn.exec_driver_sql("UPDATE counter SET n = ?", (n + 1,))

        threads = [threading.Thread(target=bump, args=(50,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT n FROM counter").scalar_one() == 200
    finally:
        engine.dispose()
