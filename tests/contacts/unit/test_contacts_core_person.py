"""Person personal details, classification, UpdatePerson's rules (mask, etag, changed fields) and erasure."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from contacts_factories import create, violations

from crm_chassis.errors import FailedPrecondition, InvalidArgument
from crm_contacts.domain import events
from crm_contacts.domain.classification import Origin
from crm_contacts.domain.model import Anniversary, Consent, utcnow


def test_personal_details_and_classification_are_normalised():
    p = create(
        birth_date="1980-02-29", name_day="12-06", anniversaries=[(" wedding ", "2005-06-18")],
        tags=[" VIP", "hotels"], lifecycle="customer", origin=("fair", "Expo", ""),
    )
    assert p.birth_date == date(1980, 2, 29) and p.name_day == "12-06"
    assert p.anniversaries == [Anniversary("wedding", date(2005, 6, 18))]
    assert (p.tags, p.lifecycle, p.origin) == (("VIP", "hotels"), "customer", Origin("fair", "Expo", ""))
    assert p.version == 1 and p.etag == '"1"' and not p.erased and p.merged_into == ""


def test_every_bad_personal_detail_is_reported_at_once():
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    found = violations(
        given_name="", family_name="", birth_date=tomorrow, name_day="02-30",
        anniversaries=[("", "2000-01-01"), ("x", "2000-13-01"), ("X", ""), ("y" * 101, "2000-01-01")],
        tags=["a", "A"], lifecycle="lead", origin=("nowhere", "", ""),
    )
    assert found == Counter({
        "given_name": 1, "family_name": 1, "birth_date": 1, "name_day": 1, "anniversaries[0].label": 1,
        "anniversaries[1].date": 1, "anniversaries[2].label": 1, "anniversaries[2].date": 1, "anniversaries[3].label": 1,
        "tags[1]": 1, "lifecycle": 1, "origin.kind": 1,
    })


@pytest.mark.parametrize("text", ["1980-2-3", "03.02.1980", "1899-12-31", "19800203"])
def test_bad_birth_dates(text):
    assert violations(birth_date=text) == Counter({"birth_date": 1})


@pytest.mark.parametrize("text", ["2-29", "13-01", "00-10", "12/06", "12-6x"])
def test_bad_name_days(text):
    assert violations(name_day=text) == Counter({"name_day": 1})


def raw(**values):
    return {"given_name": "Jane", "family_name": "Doe"} | values


def test_update_changes_only_masked_fields_and_reports_what_changed():
    p = create(emails=[("jane@example.com", "work")])
    p.events.clear()
    changed = p.update(raw(family_name="Popescu", emails=[("jane@example.com", "work")], given_name="Ignored", tags=["VIP"]),
                       ["family_name", "emails", "tags"])
    assert changed == ["family_name", "tags"]
    assert (p.given_name, p.family_name, p.tags) == ("Jane", "Popescu", ("VIP",))
    [event] = p.events
    assert isinstance(event, events.PersonUpdated) and event.changed_fields == ("family_name", "tags")


def test_an_update_that_changes_nothing_records_nothing():
    p = create(tags=["VIP"])
    p.events.clear()
    before = p.updated_at
    assert p.update(raw(family_name=" Doe ", tags=["VIP"]), ["family_name", "tags"]) == []
    assert p.events == [] and p.updated_at == before


def test_update_validates_every_masked_field_and_the_mask_at_once():
    p = create()
    with pytest.raises(InvalidArgument) as caught:
        p.update(raw(given_name="", family_name="", emails=[("nope", "work")], lifecycle="lead"),
                 ["given_name", "family_name", "emails", "lifecycle", "consents", "owner"])
    assert Counter(v.field for v in caught.value.violations) == Counter(
        {"given_name": 1, "family_name": 1, "emails[0].address": 1, "lifecycle": 1, "update_mask": 2}
    )
    assert (p.given_name, p.family_name, p.emails) == ("Jane", "Doe", [])


def test_an_empty_mask_is_refused():
    with pytest.raises(InvalidArgument) as caught:
        create().update(raw(), [])
    assert [v.field for v in caught.value.violations] == ["update_mask"]


def test_a_stale_etag_is_refused_and_the_current_one_accepted():
    p = create()
    with pytest.raises(FailedPrecondition):
        p.update(raw(family_name="X"), ["family_name"], etag='"0"')
    assert p.update(raw(family_name="X"), ["family_name"], etag=p.etag) == ["family_name"]


def test_erase_removes_everything_personal_and_records_person_erased():
    p = create(
        salutation="Dear Jane", emails=[("jane@example.com", "work")], phones=[("+40721234567", "mobile")],
        consents=[("email", "marketing", True, "web", None)], birth_date="1980-01-01", name_day="06-24",
        anniversaries=[("wedding", "2000-01-01")], tags=["VIP"], lifecycle="customer", origin=("fair", "Expo", "c1"),
        preferred_language="ro", time_zone="Europe/Bucharest", addresses=[("home", ["Str. Lunga 1"], "", "Cluj", "", "RO")],
    )
    p.custom_fields = {"vat_regime": "normal"}
    p.events.clear()
    p.erase()
    assert p.erased and p.erased_at is not None
    kept = (p.id, p.owner, p.team, p.territory)
    assert kept == (p.id, "alice", "north", "ro")
    personal = (p.given_name, p.family_name, p.salutation, p.emails, p.phones, p.consents, p.birth_date, p.name_day, p.anniversaries,
                p.tags, p.lifecycle, p.origin, p.preferred_language, p.time_zone, p.addresses, p.custom_fields)
    assert personal == ("", "", "", [], [], [], None, "", [], (), "", Origin(), "", "", [], {})
    [event] = p.events
    assert event == events.PersonErased(p.id, p.erased_at)
    p.erase()
    assert len(p.events) == 1  # erasing again records nothing


def test_an_erased_or_merged_person_cannot_change():
    erased = create()
    erased.erase()
    with pytest.raises(FailedPrecondition):
        erased.update(raw(family_name="Back"), ["family_name"])
    with pytest.raises(FailedPrecondition):
        erased.set_consent("email", "marketing", True, "web")
    merged = create()
    merged.merged_into = "survivor"
    with pytest.raises(FailedPrecondition):
        merged.update(raw(family_name="X"), ["family_name"])


def test_consent_kept_on_update():
    p = create(consents=[("email", "marketing", True, "web", None)])
    p.update(raw(family_name="New"), ["family_name"])
    assert [(c.channel, c.granted) for c in p.consents] == [("email", True)]
    assert isinstance(p.consents[0], Consent) and p.consents[0].recorded_at <= utcnow()
