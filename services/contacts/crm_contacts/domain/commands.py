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
