"""Writing persons in bulk on both backends: add_many writes what add writes person by person, in one insert per table."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime

import sqlalchemy as sa
from contacts_support import ALICE
from sqlalchemy import event

from crm_contacts.adapters import orm
from crm_contacts.domain.custom_fields import DefinitionDraft
from crm_contacts.domain.model import HistoryEntry, Person
from crm_contacts.service_layer import custom_fields as custom_field_use_cases
from crm_contacts.service_layer import transfer

# Every table a new person's write touches, with the column naming the person.
TABLES = (
    (orm.persons, "id"), (orm.person_emails, "person_id"), (orm.person_phones, "person_id"), (orm.person_addresses, "person_id"),
    (orm.person_consents, "person_id"), (orm.person_anniversaries, "person_id"), (orm.person_tags, "person_id"),
    (orm.search_name_tokens, "entity_id"), (orm.person_match_keys, "person_id"), (orm.custom_values, "entity_id"),
    (orm.person_history, "person_id"),
)


def define(app, key, type_, *, options=()):
    draft = DefinitionDraft(label=key.title(), required=False, options=options, validation={})
    return custom_field_use_cases.create_custom_field(custom_field_use_cases.CreateCustomField("person", key, type_, draft), app.uow())


def people() -> list[Person]:
    """Three persons whose lists differ in length (none, one, several), so that rows mixed up between them show."""
    return [
        Person.create(
            given_name="Ștefan", family_name="Popescu", owner=ALICE, team="north", territory="ro",
            emails=[("stefan@example.com", "work"), ("s.popescu@example.org", "personal")],
            phones=[("+40 721 234 567", "mobile"), ("+40 21 123 4567", "work")],
            consents=[("email", "marketing", True, "web form", None), ("sms", "service", False, "call centre", None)],
            addresses=[("billing", ["Str. Lipscani 1", "et. 2"], "030031", "București", "B", "RO"), ("shipping", [], "", "Cluj-Napoca", "", "RO")],
            birth_date="1980-02-29", name_day="12-26", anniversaries=[("wedding", "2005-06-18"), ("joined", "2010-01-04")],
            tags=["VIP", "hotels"], custom_fields={"nickname": "Fane", "sectors": ("hotels", "fmcg")},
        ),
        Person.create(given_name="Ana", family_name="Pop", owner=ALICE, emails=[], phones=[], consents=[]),
        Person.create(
            given_name="Ion Maria", family_name="Ionescu", owner=ALICE, emails=[("ion@example.com", "other")], phones=[],
            consents=[("email", "service", True, "import", None)], tags=["b2b"], custom_fields={"sectors": ("retail",)},
        ),
    ]


def write(app, persons: list[Person], *, bulk: bool) -> None:
    with app.uow() as uow:
        entries = [HistoryEntry.new(p.id, "PersonCreated", f"{p.display_name} added", "contacts", p.created_at) for p in persons]
        if bulk:
            uow.persons.add_many(persons)
            uow.custom_values.add_many("person", {p.id: p.custom_fields for p in persons})
            uow.history.add_many(entries)
        else:
            for person, entry in zip(persons, entries, strict=True):
                uow.persons.add(person)
                uow.custom_values.replace("person", person.id, person.custom_fields)
                uow.history.add(entry)
        uow.commit()


def stored(app, persons: list[Person]) -> dict[str, list[tuple]]:
    """Every row of these persons by table, person ids replaced by their place in the list, generated ids and times
    left out (they differ from one write to the next), in a stable order."""
    place = {p.id: i for i, p in enumerate(persons)}
    found = {}
    with app.engine.connect() as conn:
        for table, column in TABLES:
            rows = conn.execute(sa.select(table).where(table.c[column].in_(list(place)))).mappings().all()
            found[table.name] = sorted(
                tuple((k, place.get(v, v)) for k, v in row.items() if not (k == "id" and v not in place) and not isinstance(v, datetime))
                for row in rows
            )
        outbox = conn.execute(sa.select(orm.outbox.c.event_type, orm.outbox.c.aggregate_id).order_by(orm.outbox.c.position)).all()
    found["outbox"] = [(t, place[a]) for t, a in outbox if a in place]
    return found


@contextmanager
def statements(app):
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(app.engine, "before_cursor_execute", count)


def inserts(seen: list[str]) -> list[str]:
    """The tables inserted into, one entry per statement sent."""
    return [s.split()[2].strip('"') for s in seen if s.lstrip().upper().startswith("INSERT")]


def test_add_many_writes_the_rows_and_events_that_add_writes_person_by_person(app):
    define(app, "nickname", "text")
    define(app, "sectors", "multi_choice", options=[("hotels", "Hotels"), ("fmcg", "FMCG"), ("retail", "Retail")])
    one_by_one, together = people(), people()
    write(app, one_by_one, bulk=False)
    write(app, together, bulk=True)
    expected = stored(app, one_by_one)
    assert all(expected[t.name] for t, _ in TABLES if t is not orm.person_anniversaries)  # something to compare in each
    assert stored(app, together) == expected
    assert expected["outbox"] == [("PersonCreated", 0), ("PersonCreated", 1), ("PersonCreated", 2)]
    assert len(expected["person_emails"]) == 3 and len(expected["custom_values"]) == 4


def test_add_many_sends_one_insert_per_table_whatever_the_number_of_persons(app):
    define(app, "nickname", "text")
    define(app, "sectors", "multi_choice", options=[("hotels", "Hotels"), ("fmcg", "FMCG"), ("retail", "Retail")])
    persons = people() + people() + people()
    with statements(app) as seen:
        write(app, persons, bulk=True)
    tables = inserts(seen)
    assert sorted(tables) == sorted(set(tables)), tables  # each table once
    assert {t.name for t, _ in TABLES} | {"outbox"} == set(tables)
    with app.uow() as uow:
        back = uow.persons.get_many([p.id for p in persons])
    assert [(p.id, p.emails, p.phones, p.addresses, p.tags, p.anniversaries, p.birth_date, p.custom_fields) for p in back] == [
        (p.id, p.emails, p.phones, p.addresses, p.tags, p.anniversaries, p.birth_date, p.custom_fields) for p in persons
    ]
    assert back[0].birth_date == date(1980, 2, 29)


def test_the_import_writes_a_batch_of_persons_with_one_insert_per_table(app):
    data = "given_name,family_name,email,phone.mobile,tags\n" + "".join(
        f"Ana{i},Pop{i},ana{i}@example.com,+4072123{i:04d},vip\n" for i in range(40)
    )
    job = transfer.start_import(transfer.StartImport("csv", data.encode(), "people.csv"), app.uow(), ALICE)
    with statements(app) as seen:
        [result] = transfer.run_pending(app.uow, default_phone_region=None, batch_size=50)
    assert result.status == "done"
    assert transfer.get_job(job.id, app.uow(), ALICE).rows_accepted == 40
    tables = inserts(seen)
    for table in ("persons", "person_emails", "person_phones", "person_tags", "person_history", "search_name_tokens", "person_match_keys"):
        assert tables.count(table) == 1, (table, tables)
    with app.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.outbox).where(orm.outbox.c.event_type == "PersonCreated")).scalar_one() == 40
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.person_history)).scalar_one() == 40
