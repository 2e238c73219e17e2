"""Persons and what the customer file knows about them; plain Python."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import Violations
from crm_contacts.domain import events

EMAIL_KINDS = ("work", "personal", "other")
PHONE_KINDS = ("work", "mobile", "home", "fax", "other")
CHANNELS = ("email", "sms", "phone", "letter", "fax")
PURPOSES = ("marketing", "service")
MAX_NAME_LENGTH = 200  # also the width of the team, territory and consent source columns


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EmailAddress:
    address: str
    kind: str = "work"


@dataclass(frozen=True)
class PhoneNumber:
    number: str  # E.164
    kind: str = "work"


@dataclass(frozen=True)
class Consent:
    channel: str
    purpose: str
    granted: bool
    source: str
    recorded_at: datetime


@dataclass
class Person:
    id: str
    given_name: str
    family_name: str
    emails: list[EmailAddress]
    phones: list[PhoneNumber]
    consents: list[Consent]
    owner: str
    team: str
    territory: str
    created_at: datetime
    updated_at: datetime
    events: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(
        cls,
        *,
        given_name: str,
        family_name: str,
        emails: list[tuple[str, str | None]],
        phones: list[tuple[str, str | None]],
        consents: list[tuple[str | None, str | None, bool, str, datetime | None]],
        owner: Viewer,
        team: str = "",
        territory: str = "",
        default_phone_region: str | None = None,
    ) -> "Person":
        """Validates every field, reporting all problems at once, and records PersonCreated."""
        problems = Violations()
        given_name, family_name = given_name.strip(), family_name.strip()
        if not given_name and not family_name:
            problems.add("given_name", "a person needs a given name or a family name")
            problems.add("family_name", "a person needs a given name or a family name")
        team, territory = team.strip(), territory.strip()
        for name, value in (("given_name", given_name), ("family_name", family_name), ("team", team), ("territory", territory)):
            if len(value) > MAX_NAME_LENGTH:
                problems.add(name, f"must be at most {MAX_NAME_LENGTH} characters")
        now = utcnow()
        person = cls(
            id=str(uuid.uuid4()),
            given_name=given_name,
            family_name=family_name,
            emails=_emails(emails, problems),
            phones=_phones(phones, default_phone_region, problems),
            consents=_consents(consents, now, problems),
            owner=owner.subject,
            team=team or owner.team,
            territory=territory or owner.territory,
            created_at=now,
            updated_at=now,
        )
        problems.raise_if_any()
        person.events.append(events.PersonCreated(person))
        return person

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    def is_visible_to(self, viewer: Viewer) -> bool:
        return Audience(self.owner, self.team, self.territory).is_visible_to(viewer)


def _emails(raw: list[tuple[str, str | None]], problems: Violations) -> list[EmailAddress]:
    result, seen = [], set()
    for i, (address, kind) in enumerate(raw):
        if kind not in EMAIL_KINDS:
            problems.add(f"emails[{i}].kind", f"must be one of {', '.join(EMAIL_KINDS)}")
        try:
            normalized = validate_email(address.strip(), check_deliverability=False).normalized
        except EmailNotValidError as exc:
            problems.add(f"emails[{i}].address", f"{address!r} is not an email address: {exc}")
            continue
        if normalized.lower() in seen:
            problems.add(f"emails[{i}].address", f"{normalized} is listed twice")
        seen.add(normalized.lower())
        result.append(EmailAddress(normalized, kind))
    return result


def _phones(raw: list[tuple[str, str | None]], region: str | None, problems: Violations) -> list[PhoneNumber]:
    result, seen = [], set()
    for i, (number, kind) in enumerate(raw):
        if kind not in PHONE_KINDS:
            problems.add(f"phones[{i}].kind", f"must be one of {', '.join(PHONE_KINDS)}")
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException as exc:
            problems.add(f"phones[{i}].number", f"{number!r} is not a phone number: {exc}")
            continue
        if not phonenumbers.is_valid_number(parsed):
            problems.add(f"phones[{i}].number", f"{number!r} is not a valid phone number (E.164 expected, e.g. +40721234567)")
            continue
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if e164 in seen:
            problems.add(f"phones[{i}].number", f"{e164} is listed twice")
        seen.add(e164)
        result.append(PhoneNumber(e164, kind))
    return result


def _consents(raw, now: datetime, problems: Violations) -> list[Consent]:
    result, seen = [], set()
    for i, (channel, purpose, granted, source, recorded_at) in enumerate(raw):
        if channel not in CHANNELS:
            problems.add(f"consents[{i}].channel", f"must be one of {', '.join(CHANNELS)}")
        if purpose not in PURPOSES:
            problems.add(f"consents[{i}].purpose", f"must be one of {', '.join(PURPOSES)}")
        if recorded_at is not None and recorded_at > now:
            problems.add(f"consents[{i}].record_time", "must not be in the future")
        if len(source.strip()) > MAX_NAME_LENGTH:
            problems.add(f"consents[{i}].source", f"must be at most {MAX_NAME_LENGTH} characters")
        if channel in CHANNELS and purpose in PURPOSES and (channel, purpose) in seen:
            problems.add(f"consents[{i}]", f"{channel}/{purpose} is given twice")
        seen.add((channel, purpose))
        result.append(Consent(channel or "", purpose or "", granted, source.strip(), recorded_at or now))
    return result


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a person's dossier."""

    id: str
    person_id: str
    kind: str
    summary: str
    source: str
    occurred_at: datetime

    @classmethod
    def new(cls, person_id: str, kind: str, summary: str, source: str, occurred_at: datetime | None = None) -> "HistoryEntry":
        return cls(str(uuid.uuid4()), person_id, kind, summary, source, occurred_at or utcnow())
