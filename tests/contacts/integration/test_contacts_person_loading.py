"""Reading persons on real SQLite and PostgreSQL: every list back as written, in few statements, access in SQL."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from contacts_support import ADMIN, ALICE, BOB, CAROL, jane
from sqlalchemy import event

from crm_chassis.access import Viewer
from crm_contacts.domain.custom_fields import DefinitionDraft, Money
from crm_contacts.service_layer import custom_fields as custom_field_use_cases
from crm_contacts.service_layer import handlers

VALUES = {
    "vat_regime": "normal", "score": Decimal("12.5"), "budget": Money(1250, "EUR"), "since": date(2020, 1, 31), "vip": True,
    "nickname": "Jo", "sectors": ("hotels", "fmcg", "retail"),
}


def define(app, key, type_, *, options=(), **rules):
    draft = DefinitionDraft(label=key.title(), required=False, options=options, validation=rules)
    return custom_field_use_cases.create_custom_field(custom_field_use_cases.CreateCustomField("person", key, type_, draft), app.uow())


@pytest.fixture
def fields(app):
    return {
        "vat_regime": define(app, "vat_regime", "choice", options=[("normal", "Normal"), ("exempt", "Exempt")]),
        "score": define(app, "score", "number", decimal_places=2),
        "budget": define(app, "budget", "money"),
        "since": define(app, "since", "date"),
        "vip": define(app, "vip", "bool"),
        "nickname": define(app, "nickname", "text"),
        "sectors": define(app, "sectors", "multi_choice", options=[("hotels", "Hotels"), ("fmcg", "FMCG"), ("retail", "Retail")]),
        "old": define(app, "old", "text"),
    }


def full(**overrides):
    """A person with several rows in every list, so that mixing them up or reordering them shows."""
    return jane(
        emails=[("jane@example.com", "work"), ("jane@example.org", "personal"), ("j@example.net", "other")],
        phones=[("+40 721 234 567", "mobile"), ("+40 21 123 4567", "work")],
        consents=[("sms", "service", False, "call centre", None), ("email", "marketing", True, "web form", None)],
        addresses=[("billing", ["Str. Lipscani 1", "et. 2"], "030031", "București", "B", "RO"), ("shipping", [], "", "Cluj-Napoca", "", "RO")],
        birth_date="1980-02-29", name_day="12-06", anniversaries=[("wedding", "2005-06-18"), ("joined", "2010-01-04")],
        tags=["VIP", "hotels", "b2b"], salutation="Dear Jane", allow_duplicates=True, **overrides,
    )


@contextmanager
def statements(app):
    """The SQL statements the engine runs meanwhile."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(app.engine, "before_cursor_execute", count)


def test_a_person_is_read_back_whole_by_get_get_many_and_list(app, fields):
    first = handlers.create_person(full(custom_fields=VALUES | {"old": "gone soon"}), app.uow(), ALICE, None)
    second = handlers.create_person(full(given_name="Ion", family_name="Pop", custom_fields={"sectors": ("fmcg",)}), app.uow(), ALICE, None)
    bare = handlers.create_person(jane(given_name="Ana", emails=[], phones=[], consents=[], allow_duplicates=True), app.uow(), ALICE, None)
    custom_field_use_cases.delete_custom_field(custom_field_use_cases.DeleteCustomField(fields["old"].id), app.uow())
    expected = {p.id: p for p in (first, second, bare)}
    expected[first.id].custom_fields = dict(VALUES)  # a retired field's value is no longer read

    def same(person):
        want = expected[person.id]
        for name in ("given_name", "family_name", "emails", "phones", "consents", "addresses", "anniversaries", "tags", "custom_fields",
                     "owner", "team", "territory", "created_at", "updated_at", "birth_date", "name_day", "salutation", "version"):
            assert getattr(person, name) == getattr(want, name), name
        return True

    assert all(same(handlers.get_person(p.id, app.uow(), ALICE)) for p in expected.values())
    listed, _ = handlers.list_persons(app.uow(), ALICE, 10, "")
    assert [p.id for p in listed] == [first.id, second.id, bare.id] and all(map(same, listed))
    with app.uow() as uow:
        many = uow.persons.get_many([bare.id, "no-such-person", first.id, bare.id, second.id])
    assert [p.id for p in many] == [bare.id, first.id, second.id] and all(map(same, many))
    assert handlers.get_person(first.id, app.uow(), ALICE).custom_fields["sectors"] == ("hotels", "fmcg", "retail")


def test_get_person_reads_a_person_and_all_its_lists_in_one_statement(app, fields):
    person = handlers.create_person(full(custom_fields=VALUES), app.uow(), ALICE, None)
    with statements(app) as seen:
        handlers.get_person(person.id, app.uow(), ALICE)
    reads = [s for s in seen if s.lstrip().upper().startswith(("SELECT", "(SELECT", "WITH"))]
    assert len(reads) == 1, seen
    with statements(app) as seen, app.uow() as uow:
        uow.persons.list_visible(ALICE, None, 10)  # a page: its rows, then every list of the page at once
    assert len([s for s in seen if s.startswith("SELECT")]) == 2, seen


@pytest.mark.parametrize(
    "viewer, visible",
    [(ALICE, True), (Viewer("alice"), True), (ADMIN, True), (CAROL, True), (Viewer("dan", team="north"), True), (BOB, False),
     (Viewer("dan"), False), (Viewer("dan", territory="de"), False)],
)
def test_the_access_check_of_a_read_is_done_in_sql_with_the_same_rule(app, viewer, visible):
    person = handlers.create_person(jane(), app.uow(), ALICE, None)  # owner alice, team north, territory ro
    with app.uow() as uow:
        found = uow.persons.get(person.id, viewer=viewer)
        assert uow.persons.get(person.id) is not None  # without a viewer: no check
    assert (found is not None) == visible == person.is_visible_to(viewer)
    if not visible:
        with pytest.raises(handlers.NotFound):
            handlers.get_person(person.id, app.uow(), viewer)
