"""What happened in the customer file, in the past tense."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_contacts.domain.model import Person


@dataclass(frozen=True)
class PersonCreated:
    person: "Person"
