"""Search over accounts, persons by their linked accounts (account.city, account.industry) and custom fields
(cf.<key>), on SQLite and PostgreSQL, with record-level access on both sides of a link."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from contacts_support import ADMIN, ALICE, BOB

from crm_chassis.errors import InvalidArgument
from crm_contacts.domain import commands
from crm_contacts.domain import custom_fields as cf
from crm_contacts.domain.accounts import CreateAccount
from crm_contacts.service_layer import accounts, custom_fields, handlers, relations, search


def account(app, name, industry, city, *, viewer=ALICE, employees=None, tags=(), legal_name=""):
    fields = {"name": name, "legal_name": legal_name, "industry": industry, "employees": employees, "tags": list(tags),
              "addresses": [("work", ["Str. 1"], "010101", city, "", "RO")]}
    return accounts.create_account(CreateAccount(fields), app.uow(), viewer)


def person(app, given, family, *, viewer=ALICE, custom=None):
    cmd = commands.CreatePerson(given_name=given, family_name=family, custom_fields=custom or {})
    return handlers.create_person(cmd, app.uow(), viewer, None)


def link(app, person_id, account_id, viewer=ALICE, **fields):
    return relations.link_person_to_account(relations.LinkPersonToAccount(person_id, account_id, fields), app.uow(), viewer)


def run(app, entity, query="", viewer=ALICE, **kwargs) -> search.SearchPage:
    return search.search(search.Search(entity, query, **kwargs), app.uow(), viewer)


def ids(page) -> set[str]:
    return {row_id for row_id, _ in page.rows}


@pytest.fixture
def world(app):
    acme = account(app, "Acme Foods", "FMCG", "Bucharest", employees=120, tags=["key"], legal_name="Acme Foods Distribuție SRL")
    tara = account(app, "Țara Mea Construct", "Construction", "Cluj", employees=10)
    hidden = account(app, "Hidden Foods", "FMCG", "Bucharest", viewer=BOB, employees=500)
    ion, ana, mihai, old = person(app, "Ion", "Popescu"), person(app, "Ana", "Pop"), person(app, "Mihai", "Dobre"), person(app, "Old", "Timer")
    link(app, ion.id, acme.id, role="decision_maker")
    link(app, ana.id, tara.id)
    link(app, mihai.id, hidden.id, viewer=ADMIN)  # Alice's person at an account only Bob (and admins) may see
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    link(app, old.id, acme.id, start_date="2020-01-01", end_date=yesterday.isoformat())  # a link that has ended
    return {"acme": acme, "tara": tara, "hidden": hidden, "ion": ion, "ana": ana, "mihai": mihai, "old": old}


def test_accounts_are_searched_with_the_same_language_and_visibility(app, world):
    assert ids(run(app, "account", 'industry = "fmcg" and city = "Bucharest"')) == {world["acme"].id}
    assert ids(run(app, "account", 'industry = "fmcg"', viewer=ADMIN)) == {world["acme"].id, world["hidden"].id}
    assert ids(run(app, "account", "employees >= 100", viewer=BOB)) == {world["hidden"].id}
    assert ids(run(app, "account", 'name ~ "tara"')) == {world["tara"].id}
    assert ids(run(app, "account", 'name ~ "distributie"')) == {world["acme"].id}  # the legal name's words count too
    assert ids(run(app, "account", 'tags = "KEY" or employees < 5')) == {world["acme"].id}
    assert ids(run(app, "account", "exists(employees) and not employees between 50 and 200")) == {world["tara"].id}

    page = run(app, "account", "", columns=("name", "employees", "tags", "city", "industry"), order_by="employees desc", include_count=True)
    assert page.total_count == 2
    assert [values for _, values in page.rows] == [
        {"name": "Acme Foods", "employees": "120", "tags": "key", "city": "Bucharest", "industry": "FMCG"},
        {"name": "Țara Mea Construct", "employees": "10", "tags": "", "city": "Cluj", "industry": "Construction"},
    ]
    by_name = run(app, "account", "", order_by="name desc", page_size=1)
    rest = run(app, "account", "", order_by="name desc", page_size=1, page_token=by_name.next_page_token)
    assert [r[0] for r in by_name.rows + rest.rows] == [world["tara"].id, world["acme"].id] and rest.next_page_token == ""


def test_persons_are_found_by_their_current_visible_accounts(app, world):
    found = run(app, "person", 'account.city = "Bucharest" and account.industry = "FMCG"', columns=("given_name", "account.name"))
    assert found.rows == [(world["ion"].id, {"given_name": "Ion", "account.name": "Acme Foods"})]
    # Mihai works at Bob's account, which Alice may not see: the filter does not reveal it, an admin's does.
    assert ids(run(app, "person", 'account.industry = "FMCG"', viewer=ADMIN)) == {world["ion"].id, world["mihai"].id}
    assert ids(run(app, "person", 'account.name ~ "tara" or account.employees > 100')) == {world["ana"].id, world["ion"].id}
    assert ids(run(app, "person", "not exists(account.id)")) == {world["mihai"].id, world["old"].id}  # the ended link does not count
    mihai = run(app, "person", 'given_name = "Mihai"', columns=("account.name",))
    assert mihai.rows == [(world["mihai"].id, {"account.name": ""})]


def test_account_conditions_joined_by_and_hold_for_one_and_the_same_account(app, world):
    dual = person(app, "Dana", "Dual")
    link(app, dual.id, world["tara"].id, role="accountant")  # Cluj, Construction
    link(app, dual.id, world["acme"].id, is_primary=True)  # Bucharest, FMCG
    assert dual.id in ids(run(app, "person", 'account.city = "Cluj"'))
    assert dual.id in ids(run(app, "person", 'account.industry = "FMCG"'))
    assert ids(run(app, "person", 'account.city = "Cluj" and account.industry = "FMCG"')) == set()
    assert ids(run(app, "person", 'given_name ^= "d" and account.city = "Cluj" and account.industry = "Construction"')) == {dual.id}
    # The link's own fields: the person's role at the account.
    assert ids(run(app, "person", 'account.role = "decision_maker" and account.industry = "FMCG"')) == {world["ion"].id}
    assert ids(run(app, "person", 'account.role = "accountant" and account.industry = "FMCG"')) == set()
    page = run(app, "person", 'family_name = "Dual"', columns=("account.name", "account.role", "account.is_primary"))
    assert page.rows[0][1] == {"account.name": "Acme Foods; Țara Mea Construct", "account.role": "accountant", "account.is_primary": "true; false"}


def test_custom_fields_are_searched_shown_and_forgotten_when_retired(app, world):
    def define(key, type_, **draft):
        return custom_fields.create_custom_field(
            custom_fields.CreateCustomField("person", key, type_, cf.DefinitionDraft(label=key, **draft)), app.uow())

    regime = define("vat_regime", "choice", options=[("normal", "Normal"), ("special", "Special")])
    define("budget", "money", validation={"currency": "EUR"})
    define("since", "date")
    define("interests", "multi_choice", options=[("golf", "Golf"), ("wine", "Wine"), ("art", "Art")])
    vip = person(app, "Vera", "Ionescu", custom={"vat_regime": "normal", "budget": cf.Money(250_000, "EUR"), "since": "2020-05-01",
                                                "interests": ("golf", "wine")})
    other = person(app, "Otto", "Ionescu", custom={"vat_regime": "special", "budget": cf.Money(50_00, "EUR")})

    assert ids(run(app, "person", 'cf.vat_regime = "normal"')) == {vip.id}
    assert ids(run(app, "person", "cf.budget > 1000")) == {vip.id}  # money in major units
    assert ids(run(app, "person", "cf.budget between 10 and 100")) == {other.id}
    assert ids(run(app, "person", "cf.since < 2021-01-01")) == {vip.id}
    assert ids(run(app, "person", 'cf.interests = "wine" and not cf.interests in ("art")')) == {vip.id}
    assert ids(run(app, "person", "exists(cf.since)")) == {vip.id}
    page = run(app, "person", 'family_name = "Ionescu"', columns=("given_name", "cf.vat_regime", "cf.budget", "cf.interests", "cf.since"),
               order_by="given_name")
    assert [values for _, values in page.rows] == [
        {"given_name": "Otto", "cf.vat_regime": "special", "cf.budget": "50 EUR", "cf.interests": "", "cf.since": ""},
        {"given_name": "Vera", "cf.vat_regime": "normal", "cf.budget": "2500 EUR", "cf.interests": "golf; wine", "cf.since": "2020-05-01"},
    ]
    with pytest.raises(InvalidArgument) as caught:
        run(app, "person", 'cf.vat_regim = "normal"')
    assert caught.value.violations[0].description == "column 1: no custom field 'vat_regim' is defined"

    custom_fields.delete_custom_field(custom_fields.DeleteCustomField(regime.id), app.uow())
    with pytest.raises(InvalidArgument):
        run(app, "person", 'cf.vat_regime = "normal"')


def test_accounts_are_found_by_their_current_visible_persons(app, world):
    bob_person = person(app, "Barbu", "Bobescu", viewer=BOB)
    link(app, bob_person.id, world["tara"].id, viewer=ADMIN, role="decision_maker")  # Alice may not see Bob's person
    assert ids(run(app, "account", 'person.family_name ^= "pop"')) == {world["acme"].id, world["tara"].id}
    assert ids(run(app, "account", 'person.role = "decision_maker"')) == {world["acme"].id}
    assert ids(run(app, "account", 'person.role = "decision_maker"', viewer=ADMIN)) == {world["acme"].id, world["tara"].id}
    assert ids(run(app, "account", 'person.given_name = "Ion" and person.role = "decision_maker"')) == {world["acme"].id}
    assert ids(run(app, "account", 'person.given_name = "Ana" and person.role = "decision_maker"', viewer=ADMIN)) == set()  # not one person
    page = run(app, "account", 'name ~ "acme"', columns=("name", "person.name", "person.role"))
    assert page.rows[0][1] == {"name": "Acme Foods", "person.name": "Ion Popescu", "person.role": "decision_maker"}  # Old's link ended
