"""Accounts and relations as plain Python: validation of every field at once, VAT numbers, websites, masks, hierarchy
rules, two-sided labels."""
from __future__ import annotations

from datetime import date

import pytest

from crm_chassis.access import Viewer
from crm_chassis.errors import FailedPrecondition, InvalidArgument, Violations
from crm_contacts.domain import events
from crm_contacts.domain.accounts import Account, RegistrationId, Website, check_parent, normalize_url, validate_fields
from crm_contacts.domain.custom_fields import Money
from crm_contacts.domain.relations import PersonAccountLink, new_relation

ALICE = Viewer("alice", team="north", territory="ro")


def fields_of(error: InvalidArgument) -> list[str]:
    return [v.field for v in error.violations]


def acme(**overrides) -> Account:
    raw = {
        "name": "  Acme   Trading ", "legal_name": "Acme Trading S.R.L.", "industry": "FMCG", "employees": 120,
        "annual_turnover": (150_000_000, "ron"), "registration_ids": [("vat", "ro 185 472 90"), ("registration", "J40/1/2010")],
        "websites": [("ACME.example.com/shop", "shop")], "emails": [("office@ACME.example.com", "work")],
        "phones": [("+40 21 312 3456", "work")], "addresses": [("billing", ["Str. Lipscani 1"], "030031", "București", "", "ro")],
        "tags": ["VIP", " key account "], "lifecycle": "customer", "origin": ("fair", "Indagra 2026", ""),
    }
    return Account.create(raw | overrides, ALICE)


def test_create_normalises_every_field_and_records_account_created():
    account = acme()
    assert account.name == "Acme Trading"  # inner runs of spaces collapse
    assert account.turnover == Money(150_000_000, "RON")
    assert account.registration_ids == [RegistrationId("vat", "RO18547290"), RegistrationId("registration", "J40/1/2010")]
    assert account.websites == [Website("https://acme.example.com/shop", "shop")]
    assert account.emails[0].address == "office@acme.example.com"
    assert account.phones[0].number == "+40213123456"
    assert account.addresses[0].country == "RO"
    assert account.tags == ("VIP", "key account")
    assert (account.owner, account.team, account.territory) == ("alice", "north", "ro")
    assert account.etag == '"1"'
    assert account.events == [events.AccountCreated(account)]


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(InvalidArgument) as caught:
        Account.create(
            {
                "name": " ", "legal_name": "x" * 201, "industry": "y" * 101, "employees": -1, "annual_turnover": (-5, "EURO"),
                "registration_ids": [("vat", "RO18547291"), (None, "123"), ("duns", "12-345"), ("vat", "18547290")],
                "websites": [("ftp://example.com", "main"), ("https://localhost", "main"), ("example.com", None)],
                "emails": [("not-an-email", "work")], "phones": [("123", "work")], "addresses": [("billing", [], "", "", "", "XX")],
                "tags": ["a", "A"], "lifecycle": None, "origin": (None, "", ""), "parent_id": "", "parent_kind": "branch",
            },
            ALICE,
        )
    assert fields_of(caught.value) == [
        "legal_name", "industry", "parent_kind", "employees", "annual_turnover.amount_minor", "annual_turnover.currency",
        "registration_ids[0].value", "registration_ids[1].kind", "registration_ids[2].value", "registration_ids[3].value",
        "addresses[0]", "addresses[0].country", "phones[0].number", "emails[0].address",
        "websites[0].url", "websites[1].url", "websites[2].kind", "tags[1]", "lifecycle", "origin.kind", "name",
    ]
    assert "is not a valid RO VAT number" in caught.value.violations[6].description  # RO18547291: wrong check digit


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("DE 136 695 976", "DE136695976"),
        ("EL094259216", "EL094259216"),  # Greece's VAT prefix is EL, not GR
        ("GB 980 7806 84", "GB980780684"),  # outside the EU python-stdnum still knows the check digits
        ("CH-E 116.281.710 MWST", "CHE116281710MWST"),  # a Swiss number in its national form
        ("NO 974 760 673 MVA", "NO974760673MVA"),
        ("ZZ12345", "ZZ12345"),  # an unknown country: the shape only
    ],
)
def test_vat_numbers_are_checked_by_country_prefix(given, stored):
    problems = Violations()
    values = validate_fields({"registration_ids": [("vat", given)]}, problems)
    assert not problems
    assert values["registration_ids"] == [RegistrationId("vat", stored)]


def test_a_vat_number_with_a_wrong_check_digit_or_without_prefix_is_refused():
    for bad in ("DE136695977", "136695976", "RO", "GB980780685", "CHE116281711MWST"):
        with pytest.raises(InvalidArgument) as caught:
            acme(registration_ids=[("vat", bad)])
        assert fields_of(caught.value) == ["registration_ids[0].value"], bad


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("example.com", "https://example.com"),
        ("HTTP://Example.COM:8080/Path?q=1#x", "http://example.com:8080/Path?q=1#x"),
        ("https://bücher.example", "https://bücher.example"),
        ("https://example", None),
        ("javascript:alert(1)", None),
        ("https://user:pw@example.com", None),
        ("https://exa mple.com", None),
        ("https://-bad-.com", None),
        ("https://1.2.3.4", None),
    ],
)
def test_websites_are_http_urls_with_a_real_host(url, normalised):
    assert normalize_url(url) == normalised


def test_update_changes_only_masked_fields_and_reports_what_really_changed():
    account = acme()
    account.events.clear()
    raw = {"name": "Acme Trading", "industry": "Retail", "employees": 5, "tags": ["VIP", "key account"]}
    changed = account.update(raw, ["name", "industry", "tags"], etag='"1"')
    assert changed == ["industry"]
    assert account.industry == "Retail" and account.employees == 120  # employees was not in the mask
    assert account.etag == '"2"'
    assert account.events == [events.AccountUpdated(account, ("industry",))]
    assert account.update(raw, ["industry"]) == [] and len(account.events) == 1  # nothing changed: no event


def test_update_refuses_a_stale_etag_an_empty_or_unknown_mask_and_reports_bad_values_together():
    account = acme()
    with pytest.raises(FailedPrecondition):
        account.update({"name": "X"}, ["name"], etag='"7"')
    with pytest.raises(InvalidArgument) as caught:
        account.update({}, [])
    assert fields_of(caught.value) == ["update_mask"]
    with pytest.raises(InvalidArgument) as caught:
        account.update({"name": "", "employees": -3, "owner": "bob"}, ["owner", "name", "employees"])
    assert fields_of(caught.value) == ["update_mask", "employees", "name"]
    assert account.name == "Acme Trading" and account.version == 1  # nothing half-applied


def test_parent_kind_goes_with_a_parent_and_a_hierarchy_cannot_loop():
    with pytest.raises(InvalidArgument) as caught:
        acme(parent_id="p-1", parent_kind="")
    assert fields_of(caught.value) == ["parent_kind"]
    assert acme(parent_id="p-1", parent_kind="branch").parent_kind == "branch"
    assert acme(parent_id="", parent_kind="").parent_kind == ""

    branch = acme(parent_id="p-1", parent_kind="branch")
    assert branch.update({"parent_id": "p-2"}, ["parent_id"]) == ["parent_id"]  # moved, still a branch
    assert (branch.parent_id, branch.parent_kind) == ("p-2", "branch")
    assert branch.update({"parent_kind": "subsidiary"}, ["parent_kind"]) == ["parent_kind"]
    assert branch.update({"parent_id": ""}, ["parent_id"]) == ["parent_id", "parent_kind"]  # detached: no kind either
    assert (branch.parent_id, branch.parent_kind) == ("", "")
    with pytest.raises(InvalidArgument) as caught:
        branch.update({"parent_kind": "branch"}, ["parent_kind"])  # a kind without a parent
    assert fields_of(caught.value) == ["parent_kind"]

    tree = {"b": ["a"], "c": ["b", "a"]}  # c's ancestors are b, then a
    problems = Violations()
    check_parent("a", "c", lambda i: tree.get(i, []), problems)  # a under c, whose ancestor is a: a loop
    check_parent("a", "a", lambda i: [], problems)
    check_parent("x", "c", lambda i: tree.get(i, []), problems)  # fine
    assert [v.field for v in problems._items] == ["parent_id", "parent_id"]


def test_links_validate_role_and_dates_and_know_when_they_are_current():
    with pytest.raises(InvalidArgument) as caught:
        PersonAccountLink.create("", "a-1", {"position": "CFO", "role": "boss", "start_date": "2024-02-30", "end_date": ""})
    assert fields_of(caught.value) == ["person_id", "role", "start_date"]
    with pytest.raises(InvalidArgument) as caught:
        PersonAccountLink.create("p-1", "a-1", {"start_date": "2024-05-01", "end_date": "2024-04-30"})
    assert fields_of(caught.value) == ["end_date"]

    link = PersonAccountLink.create("p-1", "a-1", {"position": " Chief  Financial Officer ", "role": "Decision_Maker", "start_date": "2024-01-01"})
    assert (link.position, link.role, link.start_date, link.end_date) == ("Chief Financial Officer", "decision_maker", date(2024, 1, 1), None)
    assert isinstance(link.events[0], events.PersonLinkedToAccount)
    assert link.update({"end_date": "2025-06-30", "role": "decision_maker"}, ["end_date", "role"]) == ["end_date"]
    assert link.is_current(date(2025, 6, 30)) and not link.is_current(date(2025, 7, 1))
    with pytest.raises(InvalidArgument) as caught:
        link.update({"end_date": "2023-01-01"}, ["end_date", "person_id"])
    assert fields_of(caught.value) == ["update_mask", "end_date"]


def test_relations_have_two_sided_labels_from_a_catalogue():
    relation = new_relation("person", "ana", "ion", "Child")
    assert (relation.label, relation.inverse_label) == ("child", "parent")
    seen_by_ion = relation.seen_from("ion")
    assert (seen_by_ion.subject_id, seen_by_ion.related_id, seen_by_ion.label) == ("ion", "ana", "parent")
    assert new_relation("person", "a", "b", "assistant").inverse_label == "manager"
    assert new_relation("account", "a", "b", "supplier").inverse_label == "customer"
    assert new_relation("account", "a", "b", "competitor").inverse_label == "competitor"
    assert isinstance(relation.events[0], events.PersonsRelated)

    with pytest.raises(InvalidArgument) as caught:
        new_relation("person", "a", "a", "enemy")
    assert fields_of(caught.value) == ["related_person_id", "label"]
    with pytest.raises(InvalidArgument) as caught:
        new_relation("account", "", "b", "spouse")  # a person label is no account label
    assert fields_of(caught.value) == ["account_id", "label"]
