"""Building persons in unit tests: valid defaults, and the field paths a bad build reports."""
from __future__ import annotations

from collections import Counter

import pytest

from crm_chassis.access import Viewer
from crm_chassis.errors import InvalidArgument
from crm_contacts.domain.model import Person

ALICE = Viewer("alice", team="north", territory="ro")


def create(**overrides) -> Person:
    fields = dict(given_name="Jane", family_name="Doe", emails=[], phones=[], consents=[], owner=ALICE)
    return Person.create(**(fields | overrides))


def violations(**overrides) -> Counter:
    """The reported field paths, with multiplicity, so a path reported twice shows up."""
    with pytest.raises(InvalidArgument) as caught:
        create(**overrides)
    return Counter(v.field for v in caught.value.violations)
