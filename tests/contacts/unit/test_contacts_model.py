"""Person.create: every bad field reported at once by path, normalised values, PersonCreated, record-level visibility."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest
from contacts_factories import create, violations

from crm_chassis.access import Viewer
from crm_chassis.errors import InvalidArgument
from crm_contacts.domain import events
from crm_contacts.domain.model import MAX_NAME_LENGTH, Consent, EmailAddress, Person, PhoneNumber


def test_every_bad_field_is_reported_at_once_with_its_path():
    future = datetime.now(UTC) + timedelta(days=1)
    found = violations(
        given_name="  ",
        family_name="",
        emails=[("jane@example.com", "work"), ("not-an-email", "work"), ("ok@example.com", "boss"), ("JANE@Example.COM", "personal")],
        phones=[("+40721234567", "mobile"), ("call me", "work"), ("+40 12", "home")],
        consents=[
            (None, "marketing", True, "web form", None),
            ("sms", None, True, "web form", None),
            ("email", "service", True, "call", future),
        ],
    )
    assert found == Counter(
        [
            "given_name",
            "family_name",
            "emails[1].address",
            "emails[2].kind",
            "emails[3].address",  # the same address as emails[0], differently cased
            "phones[1].number",
            "phones[2].number",
            "consents[0].channel",
            "consents[1].purpose",
            "consents[2].record_time",
        ]
    )


def test_one_name_is_enough():
    assert create(given_name="", family_name="Doe").display_name == "Doe"
    assert create(given_name=" Jane ", family_name="").display_name == "Jane"


def test_over_long_names_are_reported_per_field():
    assert create(given_name="x" * MAX_NAME_LENGTH, family_name="y" * MAX_NAME_LENGTH).given_name == "x" * MAX_NAME_LENGTH
    assert violations(given_name="x" * (MAX_NAME_LENGTH + 1), family_name="Doe") == Counter(["given_name"])
    assert violations(given_name="x" * (MAX_NAME_LENGTH + 1), family_name="y" * (MAX_NAME_LENGTH + 1)) == Counter(["given_name", "family_name"])


def test_over_long_team_territory_and_consent_source_are_reported():
    """The columns hold 200 characters: PostgreSQL would fail the insert, SQLite would keep the excess."""
    found = violations(
        team="t" * 201,
        territory="r" * 201,
        consents=[("email", "marketing", True, "s" * 201, None)],
    )
    assert found == Counter(["team", "territory", "consents[0].source"])


def test_unknown_or_unset_kinds_are_reported():
    found = violations(emails=[("a@example.com", None), ("b@example.com", "")], phones=[("+40721234567", "pager"), ("+40721234568", None)])
    assert found == Counter(["emails[0].kind", "emails[1].kind", "phones[0].kind", "phones[1].kind"])


def test_emails_are_normalised_and_duplicates_found_after_normalising():
    person = create(emails=[("  Jane.Doe@EXAMPLE.com ", "work"), ("jane@Sub.Example.ORG", "personal")])
    assert person.emails == [EmailAddress("Jane.Doe@example.com", "work"), EmailAddress("jane@sub.example.org", "personal")]
    assert violations(emails=[("jane@example.com", "work"), (" jane@EXAMPLE.com", "other")]) == Counter(["emails[1].address"])


def test_phones_become_e164():
    person = create(phones=[("+40 721 234 567", "mobile"), ("+1 (202) 555-0143", "work"), ("0721-234-568", "home")], default_phone_region="RO")
    assert person.phones == [PhoneNumber("+40721234567", "mobile"), PhoneNumber("+12025550143", "work"), PhoneNumber("+40721234568", "home")]


def test_a_national_number_needs_a_default_region():
    assert violations(phones=[("0721 234 567", "mobile")]) == Counter(["phones[0].number"])
    assert create(phones=[("0721 234 567", "mobile")], default_phone_region="RO").phones == [PhoneNumber("+40721234567", "mobile")]


def test_a_parseable_but_impossible_number_is_reported():
    assert violations(phones=[("+40 000", "work"), ("+999 1234567", "work")]) == Counter(["phones[0].number", "phones[1].number"])


def test_consents_default_their_time_and_refuse_duplicates():
    given = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    person = create(
        consents=[("email", "marketing", True, " web form ", given), ("email", "service", False, "call", None)]
    )
    assert person.consents[0] == Consent("email", "marketing", True, "web form", given)
    assert person.consents[1].recorded_at == person.created_at
    found = violations(consents=[("email", "marketing", True, "web", None), ("sms", "marketing", True, "web", None), ("email", "marketing", False, "call", None)])
    assert found == Counter(["consents[2]"])


def test_a_consent_time_in_another_zone_is_compared_as_an_instant():
    just_past_in_bucharest = (datetime.now(UTC) - timedelta(minutes=1)).astimezone(timezone(timedelta(hours=3)))
    assert create(consents=[("email", "marketing", True, "web", just_past_in_bucharest)]).consents[0].recorded_at == just_past_in_bucharest


def test_create_records_person_created_and_takes_team_and_territory_from_the_owner():
    person = create()
    assert person.events == [events.PersonCreated(person)]
    assert person.events[0].person is person
    assert (person.owner, person.team, person.territory) == ("alice", "north", "ro")
    assert person.created_at == person.updated_at and person.created_at.tzinfo is not None
    other = create(team=" south ", territory="de")
    assert (other.team, other.territory) == ("south", "de")
    assert other.id != person.id


def _record(owner="alice", team="north", territory="ro") -> Person:
    now = datetime.now(UTC)
    return Person("p-1", "Jane", "Doe", [], [], [], owner, team, territory, now, now)


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        (Viewer("root", is_admin=True), True),
        (Viewer("alice"), True),
        (Viewer("bob", team="north"), True),
        (Viewer("carol", territory="ro"), True),
        (Viewer("dave", team="south", territory="de"), False),
        (Viewer("erin"), False),
    ],
    ids=["admin", "owner", "team", "territory", "stranger", "nobody"],
)
def test_record_level_visibility(viewer, visible):
    assert _record().is_visible_to(viewer) is visible


def test_an_empty_team_or_territory_is_not_shared_by_everyone_without_one():
    assert not _record(team="", territory="").is_visible_to(Viewer("erin"))


def test_the_same_phone_number_twice_is_reported_once_normalised():
    with pytest.raises(InvalidArgument) as error:
        Person.create(
            given_name="Ana", family_name="", emails=[], phones=[("+40721234567", "work"), ("+40 721 234 567", "mobile")], consents=[], owner=Viewer("alice")
        )
    assert [v.field for v in error.value.violations] == ["phones[1].number"]


def test_an_unset_channel_is_reported_once_even_when_repeated():
    now = datetime.now(UTC)
    with pytest.raises(InvalidArgument) as error:
        Person.create(
            given_name="Ana", family_name="", emails=[], phones=[],
            consents=[(None, "marketing", True, "web", now), (None, "marketing", True, "web", now)], owner=Viewer("alice"),
        )
    assert [v.field for v in error.value.violations] == ["consents[0].channel", "consents[1].channel"]
