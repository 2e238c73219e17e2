"""The Alembic history builds exactly the schema the code maps, on both backends."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from contacts_support import TABLES, migrate

from crm_chassis import db
from crm_contacts.adapters import orm


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
            assert context.get_current_revision() == "0001"
            assert set(sa.inspect(conn).get_table_names()) == {*TABLES, "alembic_version"}
    finally:
        engine.dispose()
