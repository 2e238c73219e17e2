"""The Alembic history builds exactly the schema the code maps, on both backends."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sales_support import MIGRATIONS, migrate

from crm_chassis import db, migrations
from crm_sales.adapters import orm

HEAD = ScriptDirectory.from_config(migrations.config(MIGRATIONS, "sqlite://")).get_current_head()


def test_migrations_produce_exactly_the_orm_metadata(database_url):
    migrate(database_url)
    migrate(database_url)  # a second upgrade is a no-op
    engine = db.create_engine(database_url)
    try:
        with engine.connect() as conn:
            options = {"compare_type": True, "compare_server_default": conn.dialect.name == "postgresql"}
            context = MigrationContext.configure(conn, opts=options)
            assert compare_metadata(context, orm.metadata) == []
            assert context.get_current_revision() == HEAD
            assert set(sa.inspect(conn).get_table_names()) == {*orm.metadata.tables, "alembic_version"}
    finally:
        engine.dispose()


def test_downgrade_to_nothing_and_up_again(database_url):
    migrate(database_url)
    command.downgrade(migrations.config(MIGRATIONS, database_url), "base")
    engine = db.create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        migrate(database_url)
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
    finally:
        engine.dispose()
