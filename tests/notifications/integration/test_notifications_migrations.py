"""The Alembic history builds exactly the schema the code maps, on both backends, and carries older rows along."""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from notifications_support import ADMIN, MIGRATIONS

from crm_chassis import migrations
from crm_notifications.adapters import orm
from crm_notifications.adapters.repository import TemplateRepository
from crm_notifications.bootstrap import bootstrap
from crm_notifications.config import NotificationsSettings
from crm_notifications.service_layer import handlers


def test_migrations_create_what_the_orm_metadata_describes(notifications_db):
    engine = sa.create_engine(notifications_db)
    try:
        with engine.connect() as conn:
            # the options `alembic revision --autogenerate` runs with (crm_chassis.migrations.run_env)
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, orm.metadata) == []
            assert context.get_current_revision() == "0002"
    finally:
        engine.dispose()


def test_upgrading_twice_is_a_no_op(notifications_db):
    migrations.upgrade(MIGRATIONS, notifications_db)

    engine = sa.create_engine(notifications_db)
    try:
        assert set(orm.metadata.tables) <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_welcome_template_is_seeded_in_english_and_romanian(notifications_db):
    engine = sa.create_engine(notifications_db)
    try:
        with sa.orm.Session(engine) as session:
            templates = TemplateRepository(session).list("welcome", None, 10)
    finally:
        engine.dispose()

    assert [(t.language, t.version, t.channel) for t in templates] == [("en", 1, "email"), ("ro", 1, "email")]
    context = {"person": {"display_name": "Ada Lovelace", "salutation": "Dear Ada Lovelace"}}
    english, romanian = (t.render(context) for t in templates)
    assert (english.subject, romanian.subject) == ("Welcome, Ada Lovelace", "Bun venit, Ada Lovelace")
    assert english.text.startswith("Dear Ada Lovelace,\n\nthank you") and "Cu stimă," in romanian.text
    assert templates[0].render({"person": {"display_name": "", "salutation": "Hello"}}).subject == "Welcome"


def test_notifications_of_the_first_schema_survive_the_upgrade_with_defaults(database_url):
    migrations.upgrade(MIGRATIONS, database_url, "0001")
    engine = sa.create_engine(database_url)
    assert "purpose" not in {c["name"] for c in sa.inspect(engine).get_columns("notifications")}
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    old = sa.table(*["notifications", *(sa.column(c) for c in (
        "id", "idempotency_key", "person_id", "channel", "recipient", "template", "subject", "body", "owner", "team", "territory",
        "status", "reason", "attempts", "created_at", "sent_at", "next_attempt_at", "updated_at",
    ))])
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(old).values(
                id="n-old", idempotency_key="welcome:p-old", person_id="p-old", channel="email", recipient="ada@example.org", template="welcome",
                subject="Welcome, Ada", body="Dear Ada", owner="alice", team="north-team", territory="north", status="sent", reason="",
                attempts=1, created_at=now, sent_at=now, next_attempt_at=None, updated_at=now,
            ))
    finally:
        engine.dispose()

    migrations.upgrade(MIGRATIONS, database_url)
    app = bootstrap(NotificationsSettings(database_url=database_url))
    try:
        n = handlers.get_notification("n-old", app.uow(), ADMIN)
    finally:
        app.engine.dispose()

    assert (n.status, n.subject, n.recipient, n.sent_at) == ("sent", "Welcome, Ada", "ada@example.org", now)
    assert (n.purpose, n.language, n.template_version, n.variables, n.campaign_id, n.batch_id, n.provider_id, n.segments) == (
        "service", "", 0, {}, "", "", "", 0,
    )


def test_downgrading_to_the_first_schema_and_back_works(database_url):
    notifications_db = database_url  # a database of its own: the other tests' is shared (see conftest.py)
    migrations.upgrade(MIGRATIONS, notifications_db)
    config = migrations.config(MIGRATIONS, notifications_db)

    command.downgrade(config, "0001")
    engine = sa.create_engine(notifications_db)
    try:
        assert not {"templates", "suppressions", "recipients", "batches"} & set(sa.inspect(engine).get_table_names())
        assert "purpose" not in {c["name"] for c in sa.inspect(engine).get_columns("notifications")}
    finally:
        engine.dispose()
    migrations.upgrade(MIGRATIONS, notifications_db)
    test_migrations_create_what_the_orm_metadata_describes(notifications_db)
