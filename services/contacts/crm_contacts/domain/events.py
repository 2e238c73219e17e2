"""What happened in the customer file, in the past tense."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_contacts.domain.model import Consent, Person


@dataclass(frozen=True)
class PersonCreated:
    person: "Person"


@dataclass(frozen=True)
class ConsentChanged:
    """A consent was granted or withdrawn; the consent is the one now on record."""

    person_id: str
    consent: "Consent"
