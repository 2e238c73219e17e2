"""Migration 0007 (match keys, scans, pairs, merges) goes down and up again without touching persons."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from contacts_support import ALICE, MIGRATIONS, jane, migrate

from crm_chassis import db, migrations
from crm_contacts.bootstrap import bootstrap
from crm_contacts.config import ContactsSettings
from crm_contacts.service_layer import handlers

TABLES = {"person_match_keys", "duplicate_scans", "duplicate_pairs", "person_merges"}


def test_0007_downgrades_and_upgrades_keeping_persons(database_url):
    migrate(database_url)
    app = bootstrap(ContactsSettings(database_url=database_url))
    try:
        handlers.create_person(jane(), app.uow(), ALICE, None)
    finally:
        app.engine.dispose()
    engine = db.create_engine(database_url)
    try:
        command.downgrade(migrations.config(MIGRATIONS, database_url), "0006")
        with engine.connect() as conn:
            assert not TABLES & set(sa.inspect(conn).get_table_names())
            assert conn.execute(sa.text("SELECT count(*) FROM persons")).scalar_one() == 1
        migrate(database_url)
        with engine.connect() as conn:
            assert TABLES <= set(sa.inspect(conn).get_table_names())
            # Keys of persons written before 0007 come from their next write or the first scan.
            assert conn.execute(sa.text("SELECT count(*) FROM person_match_keys")).scalar_one() == 0
    finally:
        engine.dispose()
