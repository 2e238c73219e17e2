"""Merge rules: field survivors, unions, latest consent, tombstones, snapshots that restore exactly, undo rules."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from crm_chassis.access import Viewer
from crm_chassis.errors import FailedPrecondition, InvalidArgument
from crm_contacts.domain import events
from crm_contacts.domain.classification import Origin
from crm_contacts.domain.merge import DuplicatePair, MergeRecord, merge, restore, snapshot
from crm_contacts.domain.model import Anniversary, Consent, Person

ALICE = Viewer("alice", team="north", territory="ro")


def make(given="Jane", family="Doe", emails=(), phones=(), **fields) -> Person:
    person = Person.create(given_name=given, family_name=family, emails=[(e, "work") for e in emails],
                           phones=[(p, "mobile") for p in phones], consents=[], owner=ALICE)
    person.events.clear()
    for name, value in fields.items():
        setattr(person, name, value)
    return person


def at(days: int) -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=days)


def test_chosen_fields_win_unchosen_keep_the_survivor_or_fill_its_gaps():
    survivor = make("Jane", "Doe", salutation="", lifecycle="customer")
    other = make("Jnae", "Doe-Smith", salutation="Dear Ms Doe", lifecycle="prospect", birth_date=date(1980, 5, 1),
                 origin=Origin("fair", "Expo 2025", ""))
    changed = merge(survivor, [other], {"family_name": other.id}, "m-1", "alice")
    assert (survivor.given_name, survivor.family_name) == ("Jane", "Doe-Smith")
    assert survivor.salutation == "Dear Ms Doe" and survivor.birth_date == date(1980, 5, 1)  # gaps filled
    assert survivor.lifecycle == "customer"  # the survivor's own value stays
    assert survivor.origin == Origin("fair", "Expo 2025", "")
    assert set(changed) == {"family_name", "salutation", "birth_date", "origin"}
    assert other.merged_into == survivor.id
    [event] = survivor.events
    assert isinstance(event, events.PersonsMerged) and event.merged_ids == (other.id,) and event.merge_id == "m-1"


def test_lists_are_united_without_repeats_and_the_latest_consent_wins():
    survivor = make(emails=["jane@example.com"], phones=["+40721234567"], tags=("VIP",),
                    anniversaries=[Anniversary("wedding", date(2010, 6, 1))],
                    consents=[Consent("email", "marketing", True, "web", at(1)), Consent("sms", "service", False, "call", at(5))])
    other = make(emails=["JANE@example.com", "jd@home.ro"], phones=["+40721234567", "+40722000111"], tags=("vip", "hotels"),
                 consents=[Consent("email", "marketing", False, "unsubscribe", at(3)), Consent("sms", "service", True, "old", at(2)),
                           Consent("letter", "marketing", True, "paper", at(0))])
    merge(survivor, [other], {}, "m", "alice")
    assert [e.address for e in survivor.emails] == ["jane@example.com", "jd@home.ro"]
    assert [p.number for p in survivor.phones] == ["+40721234567", "+40722000111"]
    assert survivor.tags == ("VIP", "hotels") and len(survivor.anniversaries) == 1
    consents = {(c.channel, c.purpose): (c.granted, c.source) for c in survivor.consents}
    assert consents == {("email", "marketing"): (False, "unsubscribe"), ("sms", "service"): (False, "call"), ("letter", "marketing"): (True, "paper")}


def test_custom_fields_are_united_and_chosen_per_key():
    survivor = make(custom_fields={"vat_regime": "normal", "score": Decimal("1.5")})
    other = make(custom_fields={"vat_regime": "special", "segment": "b2b"})
    merge(survivor, [other], {"custom_fields.vat_regime": other.id}, "m", "alice")
    assert survivor.custom_fields == {"vat_regime": "special", "score": Decimal("1.5"), "segment": "b2b"}


def test_bad_plans_report_every_problem_at_once_and_change_nothing():
    survivor, other = make(), make()
    with pytest.raises(InvalidArgument) as caught:
        merge(survivor, [other, other], {"emails": other.id, "given_name": "stranger", "custom_fields.x": "stranger"}, "m", "alice")
    assert {v.field for v in caught.value.violations} == {
        "merged_ids", "field_choices[emails]", "field_choices[given_name]", "field_choices[custom_fields.x]"
    }
    assert other.merged_into == "" and survivor.events == []
    with pytest.raises(InvalidArgument):
        merge(survivor, [], {}, "m", "alice")
    too_many = make(tags=tuple(f"t{i}" for i in range(30)))
    with pytest.raises(InvalidArgument, match="tags"):
        merge(make(tags=tuple(f"u{i}" for i in range(30))), [too_many], {}, "m", "alice")


def test_erased_or_merged_records_cannot_be_merged():
    survivor, other = make(), make()
    other.merged_into = "someone"
    with pytest.raises(FailedPrecondition):
        merge(survivor, [other], {}, "m", "alice")
    erased = make()
    erased.erase()
    with pytest.raises(FailedPrecondition):
        merge(survivor, [erased], {}, "m", "alice")


def test_a_snapshot_restores_the_person_exactly():
    person = make(emails=["jane@example.com"], phones=["+40721234567"], tags=("VIP",), birth_date=date(1980, 5, 1),
                  anniversaries=[Anniversary("wedding", date(2010, 6, 1))], origin=Origin("campaign", "", "c-7"),
                  consents=[Consent("email", "marketing", True, "web", at(1))], custom_fields={"score": Decimal("2.50"), "multi": ("a", "b")})
    copy = restore(json.loads(json.dumps(snapshot(person))))
    assert copy == person and copy.version == person.version and copy.created_at == person.created_at


def test_undo_rules():
    survivor = make()
    record = MergeRecord("m", survivor.id, ("x",), {"persons": []}, survivor.version, "alice", at(0))
    record.ensure_undoable(survivor)
    survivor.version += 1
    with pytest.raises(FailedPrecondition, match="changed after the merge"):
        record.ensure_undoable(survivor)
    survivor.version -= 1
    record.snapshot = None
    with pytest.raises(FailedPrecondition, match="erased"):
        record.ensure_undoable(survivor)


def test_pairs_are_ordered_and_a_merged_pair_cannot_be_dismissed():
    pair = DuplicatePair.found("b", "a", 0.9, ["same email"], "s")
    assert (pair.person_a, pair.person_b) == ("a", "b")
    pair.status = "merged"
    with pytest.raises(FailedPrecondition):
        pair.dismiss("alice")
