"""What callers ask the customer file to do."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class CreatePerson:
    given_name: str
    family_name: str
    emails: list[tuple[str, str | None]] = field(default_factory=list)
    phones: list[tuple[str, str | None]] = field(default_factory=list)
    # (channel, purpose, granted, source, recorded_at)
    consents: list[tuple[str | None, str | None, bool, str, datetime | None]] = field(default_factory=list)
    team: str = ""
    territory: str = ""
    salutation: str = ""
    preferred_language: str = ""
    time_zone: str = ""
    # (kind, lines, postal_code, city, region, country)
    addresses: list[tuple[str | None, list[str], str, str, str, str]] = field(default_factory=list)
    birth_date: str = ""  # YYYY-MM-DD
    name_day: str = ""  # MM-DD
    anniversaries: list[tuple[str, str]] = field(default_factory=list)  # (label, YYYY-MM-DD)
    tags: list[str] = field(default_factory=list)
    lifecycle: str | None = ""  # None: a value that names no stage
    origin: tuple[str | None, str, str] | None = None  # (kind, detail, campaign_id)
    # key → value as the mapper typed it (see domain.custom_fields.validate_values)
    custom_fields: dict = field(default_factory=dict)
    allow_duplicates: bool = False
    request_id: str = ""  # idempotency: a retry with the same id answers the person made the first time

    def field_values(self) -> dict:
        """The person's fields by name (UPDATABLE_FIELDS), as Person.update takes them."""
        return {
            "given_name": self.given_name, "family_name": self.family_name, "salutation": self.salutation, "emails": self.emails,
            "phones": self.phones, "addresses": self.addresses, "preferred_language": self.preferred_language,
            "time_zone": self.time_zone, "birth_date": self.birth_date, "name_day": self.name_day,
            "anniversaries": self.anniversaries, "tags": self.tags, "lifecycle": self.lifecycle, "origin": self.origin,
            "custom_fields": self.custom_fields, "team": self.team, "territory": self.territory,
        }


@dataclass(frozen=True)
class SetPersonConsent:
    """Grant or withdraw one consent; channel and purpose name it."""

    person_id: str
    channel: str | None
    purpose: str | None
    granted: bool
    source: str = ""
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class RecordHistory:
    """A fact from another service that belongs in a person's dossier."""

    event_id: str
    person_id: str
    kind: str
    summary: str
    source: str
    occurred_at: datetime | None


# --- core ---
@dataclass(frozen=True)
class UpdatePerson:
    """Change the fields named by `update_mask` to their values in `person`; `etag` (if given) must be current."""

    person_id: str
    person: CreatePerson
    update_mask: tuple[str, ...]
    etag: str = ""
    allow_duplicates: bool = False


@dataclass(frozen=True)
class ErasePerson:
    person_id: str
    reason: str = ""


@dataclass(frozen=True)
class AddOwnedProduct:
    person_id: str
    account_id: str
    product_id: str
    name: str
    quantity: int = 1
    purchased_on: str = ""  # YYYY-MM-DD
    active: bool = True
    source: str = ""


@dataclass(frozen=True)
class UpdateOwnedProduct:
    id: str
    values: dict  # field name → value, for the fields of update_mask
    update_mask: tuple[str, ...]
# --- end core ---
