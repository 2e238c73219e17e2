"""Fixtures of the notifications integration tests; the shared ones live in tests/conftest.py."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from notifications_support import MIGRATIONS, ScriptedHandler, ScriptedSmtp

from crm_chassis import migrations
from crm_notifications.bootstrap import Notifications, bootstrap
from crm_notifications.config import NotificationsSettings
from tests.conftest import free_port


@pytest.fixture
def notifications_db(database_url) -> str:
    """A fresh database of the parametrised backend, migrated to head."""
    migrations.upgrade(MIGRATIONS, database_url)
    return database_url


@pytest.fixture
def make_app(notifications_db):
    """bootstrap() on the migrated database, mailing to the given SMTP port."""
    made: list[Notifications] = []

    def make(smtp_port: int, **settings) -> Notifications:
        app = bootstrap(NotificationsSettings(database_url=notifications_db, smtp_port=smtp_port, smtp_timeout_seconds=5, **settings))
        made.append(app)
        return app

    yield make
    for app in made:
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
