"""Fixtures of the notifications integration tests; the shared ones live in tests/conftest.py."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from notifications_support import MIGRATIONS, PROVIDER_KEY, ScriptedHandler, ScriptedSmtp

from crm_chassis import migrations
from crm_notifications.adapters import orm
from crm_notifications.bootstrap import Notifications, bootstrap
from crm_notifications.config import NotificationsSettings
from tests.conftest import POSTGRES_URL, free_port
from tools.fake_providers import FakeProvider

NO_QUIET_HOURS = {f"quiet_hours_{channel}": "" for channel in ("email", "sms", "phone", "fax", "letter")}


@pytest.fixture(scope="session")
def postgres_notifications_db():
    """One PostgreSQL database migrated once per session, with what the migrations wrote (the seeded templates).

    Creating and migrating a database for every test costs a third of a second or more on a busy
    machine; emptying this one costs milliseconds. test_notifications_migrations still migrates fresh ones.
    """
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    migrations.upgrade(MIGRATIONS, url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        seeded = {table: conn.execute(sa.select(table)).mappings().all() for table in orm.metadata.sorted_tables}
    yield url, engine, {table: [dict(row) for row in rows] for table, rows in seeded.items() if rows}
    engine.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def notifications_db(request, tmp_path) -> str:
    """A database of each backend, migrated to head and holding only what the migrations wrote."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'notifications.db'}"
        migrations.upgrade(MIGRATIONS, url)
        return url
    url, engine, seeded = request.getfixturevalue("postgres_notifications_db")
    tables = ", ".join(f'"{table.name}"' for table in orm.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL lock_timeout = '10s'")  # a connection a test left open shows as an error, not a hang
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        for table, rows in seeded.items():
            conn.execute(sa.insert(table), rows)
    return url


@pytest.fixture
def unsubscribe_secret(tmp_path):
    path = tmp_path / "keys" / "unsubscribe.secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"a-test-secret-of-enough-length\n")
    return path


@pytest.fixture
def make_app(notifications_db, unsubscribe_secret, tmp_path):
    """bootstrap() on the migrated database, as in production.

    Mail goes to `smtp_port` (by default a port nobody listens on); letters
    are spooled under tmp_path; quiet hours are off unless given, since tests
    run at any hour. Other settings are passed through.
    """
    made: list[Notifications] = []

    def make(smtp_port: int | None = None, **settings) -> Notifications:
        options = {
            "database_url": notifications_db,
            "smtp_port": smtp_port or free_port(),
            "smtp_timeout_seconds": 5,
            "letter_spool_dir": tmp_path / "letters",
            "unsubscribe_secret_file": unsubscribe_secret,
            **NO_QUIET_HOURS,
            **settings,
        }
        app = bootstrap(NotificationsSettings(**options))
        made.append(app)
        return app

    yield make
    for app in made:
        for channel in app.channels.values():
            if hasattr(channel, "close"):
                channel.close()
        app.engine.dispose()


@pytest.fixture
def engine(notifications_db):
    """A plain engine for reading what the code under test wrote."""
    engine = sa.create_engine(notifications_db)
    yield engine
    engine.dispose()


@pytest.fixture
def scripted_smtp():
    """Starts real SMTP servers answering from a script; stops them afterwards."""
    started: list[ScriptedSmtp] = []

    def start(answers: list[str] | None = None, always: str | None = None, stage: str = "rcpt") -> ScriptedSmtp:
        server = ScriptedSmtp(ScriptedHandler(answers, always, stage), port=free_port()).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def provider(tmp_path):
    """The fake SMS and fax provider (tools/fake_providers.py) on a free port."""
    fake = FakeProvider(PROVIDER_KEY, spool=tmp_path / "providers").start()
    yield fake
    fake.stop()
