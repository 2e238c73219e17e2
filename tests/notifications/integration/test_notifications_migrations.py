"""The Alembic history builds exactly the schema the code maps, on both backends."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from notifications_support import MIGRATIONS

from crm_chassis import migrations
from crm_notifications.adapters import orm


def test_migrations_create_what_the_orm_metadata_describes(notifications_db):
    engine = sa.create_engine(notifications_db)
    try:
        with engine.connect() as conn:
            # the options `alembic revision --autogenerate` runs with (crm_chassis.migrations.run_env)
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, orm.metadata) == []
            assert context.get_current_revision() is not None
    finally:
        engine.dispose()


def test_upgrading_twice_is_a_no_op(notifications_db):
    migrations.upgrade(MIGRATIONS, notifications_db)

    engine = sa.create_engine(notifications_db)
    try:
        assert set(orm.metadata.tables) <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
