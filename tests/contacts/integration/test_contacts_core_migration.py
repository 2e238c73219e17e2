"""Migration 0003 (personal details, classification, owned products) keeps existing persons both ways."""
from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command
from contacts_support import MIGRATIONS, migrate

from crm_chassis import db, migrations

AT = datetime(2024, 1, 1, tzinfo=UTC)


def test_0003_adds_empty_details_to_existing_persons_and_downgrades_without_losing_them(database_url):
    migrations.upgrade(MIGRATIONS, database_url, "0002")
    engine = db.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO persons (id, given_name, family_name, owner, team, territory, created_at, updated_at) "
                        "VALUES ('p-1', 'Jane', 'Doe', 'alice', '', '', :at, :at)"),
                {"at": AT},
            )
            conn.execute(sa.text("INSERT INTO person_emails (person_id, position, address, kind) VALUES ('p-1', 0, 'jane@example.com', 'work')"))
        migrations.upgrade(MIGRATIONS, database_url, "0003")
        with engine.begin() as conn:
            row = conn.execute(sa.text("SELECT birth_date, name_day, lifecycle, origin_kind, erased_at, merged_into, version FROM persons")).one()
            assert tuple(row) == (None, "", "", "", None, "", 1)
            conn.execute(sa.text("INSERT INTO person_tags (person_id, position, tag) VALUES ('p-1', 0, 'VIP')"))
            conn.execute(
                sa.text("INSERT INTO owned_products (id, person_id, product_id, name, quantity, purchased_on, active, source, created_at, updated_at) "
                        "VALUES ('o-1', 'p-1', 'sku', 'Boiler', 1, :day, :yes, 'manual', :at, :at)"),
                {"day": date(2024, 1, 2), "yes": True, "at": AT},
            )
        command.downgrade(migrations.config(MIGRATIONS, database_url), "0002")
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            assert not {"person_tags", "person_anniversaries", "owned_products"} & set(tables)
            assert "version" not in {c["name"] for c in sa.inspect(conn).get_columns("persons")}
            assert conn.execute(sa.text("SELECT count(*) FROM person_emails")).scalar_one() == 1
        migrate(database_url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM persons")).scalar_one() == 1
    finally:
        engine.dispose()
