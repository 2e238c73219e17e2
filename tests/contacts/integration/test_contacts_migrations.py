"""The Alembic history builds exactly the schema the code maps, on both backends."""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from contacts_support import MIGRATIONS, migrate

from crm_chassis import db, migrations
from crm_contacts.adapters import orm

HEAD = ScriptDirectory.from_config(migrations.config(MIGRATIONS, "sqlite://")).get_current_head()


def test_migrations_produce_exactly_the_orm_metadata(database_url):
    migrate(database_url)
    migrate(database_url)  # a second upgrade is a no-op
    engine = db.create_engine(database_url)
    try:
        with engine.connect() as conn:
            # Server defaults only on PostgreSQL: SQLite reflects neither Identity nor '' defaults faithfully.
            options = {"compare_type": True, "compare_server_default": conn.dialect.name == "postgresql"}
            context = MigrationContext.configure(conn, opts=options)
            assert compare_metadata(context, orm.metadata) == []
            assert context.get_current_revision() == HEAD
            assert set(sa.inspect(conn).get_table_names()) == {*orm.metadata.tables, "alembic_version"}
    finally:
        engine.dispose()


def test_0002_upgrades_existing_persons_and_downgrades_without_losing_their_rows(database_url):
    """Down to 0001 and up again keeps every person and dependent row (SQLite must not recreate `persons`)."""
    migrations.upgrade(MIGRATIONS, database_url, "0001")
    engine = db.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO persons (id, given_name, family_name, owner, team, territory, created_at, updated_at) "
                        "VALUES ('p-1', 'Jane', 'Doe', 'alice', '', '', :at, :at)"),
                {"at": datetime(2024, 1, 1, tzinfo=UTC)},
            )
            conn.execute(sa.text("INSERT INTO person_emails (person_id, position, address, kind) VALUES ('p-1', 0, 'jane@example.com', 'work')"))
        migrate(database_url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT salutation, preferred_language, time_zone FROM persons")).one() == ("", "", "")
        command.downgrade(migrations.config(MIGRATIONS, database_url), "0001")
        with engine.connect() as conn:
            assert "person_addresses" not in sa.inspect(conn).get_table_names()
            assert "time_zone" not in {c["name"] for c in sa.inspect(conn).get_columns("persons")}
            assert conn.execute(sa.text("SELECT count(*) FROM person_emails")).scalar_one() == 1
        migrate(database_url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM persons")).scalar_one() == 1
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
    finally:
        engine.dispose()
