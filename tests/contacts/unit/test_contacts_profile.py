"""Person.create's salutation, preferred language, time zone and postal addresses, and Person.set_consent."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from contacts_factories import create, violations

from crm_chassis.errors import InvalidArgument
from crm_contacts.domain import events
from crm_contacts.domain.model import COUNTRIES, MAX_NAME_LENGTH, Consent, Person, PostalAddress


def address(kind="home", lines=("Strada Lipscani 12",), postal_code="030031", city="Bucharest", region="", country="RO"):
    return (kind, list(lines), postal_code, city, region, country)


def test_the_new_fields_are_empty_by_default_and_no_salutation_is_made_up():
    person = create()
    assert (person.salutation, person.preferred_language, person.time_zone, person.addresses) == ("", "", "", [])


def test_salutation_is_trimmed_and_limited():
    assert create(salutation="  Dear Ms Doe ").salutation == "Dear Ms Doe"
    assert create(salutation="x" * MAX_NAME_LENGTH).salutation == "x" * MAX_NAME_LENGTH
    assert violations(salutation="x" * (MAX_NAME_LENGTH + 1)) == Counter(["salutation"])


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("ro", "ro"),
        ("EN-gb", "en-GB"),
        (" en-GB ", "en-GB"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("zh-HANT", "zh-Hant"),
        ("es-419", "es-419"),
        ("de-CH-1901", "de-CH-1901"),
        ("sl-ROZAJ", "sl-rozaj"),
        ("fil", "fil"),
    ],
)
def test_a_language_tag_is_stored_in_canonical_case(given, stored):
    assert create(preferred_language=given).preferred_language == stored


@pytest.mark.parametrize("tag", ["english", "e", "en_GB", "en-", "-en", "en-GBR", "en-Latn-GB-x", "ro--RO", "123", "en GB", "en-" + "a" * 40, "ën"])
def test_a_malformed_language_tag_is_reported(tag):
    assert violations(preferred_language=tag) == Counter(["preferred_language"])


@pytest.mark.parametrize("zone", ["Europe/Bucharest", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+3"])
def test_an_iana_time_zone_is_accepted(zone):
    assert create(time_zone=f" {zone} ").time_zone == zone


@pytest.mark.parametrize("zone", ["Europe", "Mars/Olympus_Mons", "europe/bucharest", "+03:00", "../../etc/passwd", "/etc/localtime", "localtime", "Europe/Bucharest\x00", "x" * 300])
def test_anything_but_an_iana_time_zone_is_reported(zone):
    assert violations(time_zone=zone) == Counter(["time_zone"])


def test_addresses_are_normalised():
    person = create(
        addresses=[
            address(lines=["  Strada Lipscani 12 ", "", "  "], postal_code=" 030031 ", country=" ro "),
            ("billing", [], "", "Cluj-Napoca", "Cluj", "RO"),
        ]
    )
    assert person.addresses == [
        PostalAddress("home", ("Strada Lipscani 12",), "030031", "Bucharest", "", "RO"),
        PostalAddress("billing", (), "", "Cluj-Napoca", "Cluj", "RO"),
    ]


def test_iso_countries_are_all_known_and_nothing_else():
    assert len(COUNTRIES) == 249  # ISO 3166-1 has 249 officially assigned alpha-2 codes
    assert {"RO", "GB", "US", "AQ", "UM", "PN"} <= COUNTRIES
    assert not {"UK", "EU", "XK", "AC", "TA", "001"} & COUNTRIES


def test_every_bad_address_field_is_reported_by_path():
    found = violations(
        addresses=[
            address(kind="holiday"),
            address(lines=[], city=""),
            address(country="UK"),
            address(country=""),
            address(lines=["x" * (MAX_NAME_LENGTH + 1)] + ["line"] * 5, postal_code="9" * 21, city="c" * 201, region="r" * 201),
            address(kind=None, country="rou"),
        ]
    )
    assert found == Counter(
        [
            "addresses[0].kind",
            "addresses[1]",
            "addresses[2].country",
            "addresses[3].country",
            "addresses[4].lines",
            "addresses[4].lines[0]",
            "addresses[4].postal_code",
            "addresses[4].city",
            "addresses[4].region",
            "addresses[5].kind",
            "addresses[5].country",
        ]
    )


def test_too_many_addresses_are_reported():
    assert violations(addresses=[address()] * 21) == Counter(["addresses"])


def test_every_bad_field_old_and_new_is_reported_at_once():
    found = violations(
        given_name="",
        family_name="",
        emails=[("nope", "work")],
        salutation="s" * 201,
        preferred_language="en_GB",
        time_zone="Nowhere/City",
        addresses=[address(country="ZZ"), address(kind="moon", lines=[], city="")],
    )
    assert found == Counter(
        [
            "given_name",
            "family_name",
            "salutation",
            "emails[0].address",
            "preferred_language",
            "time_zone",
            "addresses[0].country",
            "addresses[1].kind",
            "addresses[1]",
        ]
    )


def test_person_created_carries_the_new_fields():
    person = create(salutation="Dear Jane", preferred_language="ro-ro", time_zone="Europe/Bucharest", addresses=[address()])
    [created] = person.events
    assert created.person.preferred_language == "ro-RO" and created.person.addresses[0].country == "RO"


# -- set_consent ------------------------------------------------------------


def consenting(*consents) -> Person:
    person = create(consents=list(consents))
    person.events.clear()
    return person


def test_set_consent_grants_a_new_consent_with_exactly_one_event():
    person = consenting()
    before = person.updated_at
    assert person.set_consent("email", "marketing", True, " web form ") is True
    [consent] = person.consents
    assert (consent.channel, consent.purpose, consent.granted, consent.source) == ("email", "marketing", True, "web form")
    assert before <= consent.recorded_at <= datetime.now(UTC)
    assert person.updated_at >= before and person.updated_at >= consent.recorded_at
    assert person.events == [events.ConsentChanged(person.id, consent)]


def test_set_consent_replaces_the_consent_of_that_channel_and_purpose_only():
    at = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    person = consenting(("email", "marketing", True, "web", at), ("sms", "service", True, "call", at))
    withdrawn_at = datetime(2024, 4, 1, tzinfo=UTC)
    assert person.set_consent("email", "marketing", False, "unsubscribe link", withdrawn_at) is True
    assert person.consents == [Consent("email", "marketing", False, "unsubscribe link", withdrawn_at), Consent("sms", "service", True, "call", at)]
    assert person.events == [events.ConsentChanged(person.id, person.consents[0])]


def test_the_same_answer_again_changes_nothing_and_records_no_event():
    at = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    person = consenting(("email", "marketing", True, "web", at))
    updated = person.updated_at
    assert person.set_consent("email", "marketing", True, "call centre") is False
    assert person.consents == [Consent("email", "marketing", True, "web", at)]  # the first record stands
    assert (person.events, person.updated_at) == ([], updated)


def test_consents_stay_in_channel_then_purpose_order():
    person = consenting(("fax", "marketing", True, "paper", None), ("email", "service", True, "web", None))
    person.set_consent("sms", "marketing", True, "web")
    person.set_consent("email", "marketing", False, "web")
    assert [(c.channel, c.purpose) for c in person.consents] == [("email", "marketing"), ("email", "service"), ("sms", "marketing"), ("fax", "marketing")]
    assert len(person.events) == 2


def test_set_consent_reports_every_bad_field_and_changes_nothing():
    person = consenting(("email", "marketing", True, "web", None))
    original = list(person.consents)
    with pytest.raises(InvalidArgument) as caught:
        person.set_consent(None, "spam", True, "s" * 201, datetime.now(UTC) + timedelta(days=1))
    assert Counter(v.field for v in caught.value.violations) == Counter(["channel", "purpose", "source", "record_time"])
    assert (person.consents, person.events) == (original, [])
