"""The benchmark generator (bench/contacts_generate.py) writes rows the service reads and searches, so the
benchmarks keep measuring the real schema as it grows (PostgreSQL only: the generator uses COPY)."""
from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa

from crm_chassis.access import Viewer
from crm_contacts.bootstrap import bootstrap
from crm_contacts.config import ContactsSettings
from crm_contacts.service_layer import handlers, search

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
import contacts_generate as gen  # noqa: E402


def test_generated_persons_and_accounts_are_read_and_searched_by_the_service(postgres_database_url):
    rows = gen.generate(postgres_database_url, persons=300, accounts=60, batch=100)
    assert rows["persons"] == 300 and rows["accounts"] == 60 and rows["person_accounts"] > 100
    assert gen.row_counts(postgres_database_url) == (300, 60)
    first = next(gen.iter_persons(1))
    assert first.id == next(gen.iter_persons(1)).id  # the same seed makes the same file

    app = bootstrap(ContactsSettings(database_url=postgres_database_url))
    try:
        admin = Viewer("root", is_admin=True)
        person = handlers.get_person(first.id, app.uow(), admin)
        assert (person.given_name, person.family_name) == (first.given_name, first.family_name)
        word = first.family_name[:3]
        found = search.search(search.Search("person", f'name ~ "{word}"', columns=("family_name", "city", "account.name"),
                                            include_count=True), app.uow(), admin)
        assert first.id in {row_id for row_id, _ in found.rows} or found.next_page_token
        assert found.total_count >= 1
        viewer = Viewer(first.owner, first.team, first.territory)
        assert search.search(search.Search("person", f'id = "{first.id}"'), app.uow(), viewer).rows[0][0] == first.id
        accounts = search.search(search.Search("account", 'exists(person.id)', include_count=True), app.uow(), admin)
        with app.engine.connect() as conn:
            linked = conn.execute(sa.text("SELECT count(DISTINCT account_id) FROM person_accounts "
                                          "WHERE end_date IS NULL OR end_date >= current_date")).scalar_one()
        assert accounts.total_count == linked
    finally:
        app.engine.dispose()
