"""Persons and what the customer file knows about them; plain Python."""
from __future__ import annotations

import re
import uuid
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import FailedPrecondition, Violations
from crm_contacts.domain import events
from crm_contacts.domain.classification import Origin, validate_lifecycle, validate_origin, validate_tags
from crm_contacts.domain.updates import check_etag, masked_fields

EMAIL_KINDS = ("work", "personal", "other")
PHONE_KINDS = ("work", "mobile", "home", "fax", "other")
CHANNELS = ("email", "sms", "phone", "letter", "fax")
PURPOSES = ("marketing", "service")
ADDRESS_KINDS = ("home", "work", "billing", "shipping", "other")
MAX_NAME_LENGTH = 200  # also the width of the team, territory, salutation, consent source and address columns
MAX_LANGUAGE_TAG_LENGTH = 35  # RFC 5646 4.4.1: the longest tag an implementation must keep
MAX_TIME_ZONE_LENGTH = 64
MAX_ADDRESSES = 20
MAX_ADDRESS_LINES = 5
MAX_POSTAL_CODE_LENGTH = 20
MAX_ANNIVERSARIES = 20
MAX_ANNIVERSARY_LABEL_LENGTH = 100
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# What UpdatePerson may change (its update_mask paths), in the order a dossier line lists them.
UPDATABLE_FIELDS = (
    "given_name", "family_name", "salutation", "emails", "phones", "addresses", "preferred_language", "time_zone",
    "birth_date", "name_day", "anniversaries", "tags", "lifecycle", "origin", "custom_fields", "team", "territory",
)

# ISO 3166-1 alpha-2: phonenumbers' regions minus its non-ISO ones (Ascension, Tristan da Cunha, Kosovo),
# plus the territories that have no numbering plan of their own.
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS - {"AC", "TA", "XK"} | {"AQ", "BV", "GS", "HM", "PN", "TF", "UM"})

# BCP 47 language[-script][-region][-variant...]. Extensions and private use are not needed for addressing people,
# and 5-8 letter language subtags, though well-formed, are all unassigned: "english" is a mistake, not a tag.
_LANGUAGE_TAG = re.compile(
    r"(?P<language>[A-Za-z]{2,3})"
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*)"
)
# Files in the zoneinfo directory of some systems that name no IANA zone.
_NOT_ZONES = frozenset({"localtime", "posixrules"})


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

    @property
    def order(self) -> tuple[int, int]:
        """Consents are kept in the order of CHANNELS then PURPOSES, wherever they come from."""
        return (_index(CHANNELS, self.channel), _index(PURPOSES, self.purpose))


def _index(words: tuple[str, ...], word: str) -> int:
    return words.index(word) if word in words else len(words)


@dataclass(frozen=True)
class PostalAddress:
    kind: str
    lines: tuple[str, ...]
    postal_code: str
    city: str
    region: str
    country: str  # ISO 3166-1 alpha-2, upper case


@dataclass(frozen=True)
class Anniversary:
    label: str
    date: date


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
    # How letters address the person; empty means consumers choose (nothing is derived from the names).
    salutation: str = ""
    preferred_language: str = ""  # BCP 47, canonical case (en-GB)
    time_zone: str = ""  # IANA
    addresses: list[PostalAddress] = field(default_factory=list)
    birth_date: date | None = None
    name_day: str = ""  # MM-DD
    anniversaries: list[Anniversary] = field(default_factory=list)
    tags: tuple[str, ...] = ()
    lifecycle: str = ""  # "" or one of classification.LIFECYCLES
    origin: Origin = Origin()
    # key → value of the custom fields defined for persons (validated by domain.custom_fields); the repository of
    # custom values stores them, not the persons table.
    custom_fields: dict = field(default_factory=dict)
    erased_at: datetime | None = None
    merged_into: str = ""  # the survivor's id when this record was merged into another one
    version: int = 1  # counts writes; the etag
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
        salutation: str = "",
        preferred_language: str = "",
        time_zone: str = "",
        addresses: Sequence[tuple[str | None, Sequence[str], str, str, str, str]] = (),
        default_phone_region: str | None = None,
        birth_date: str | date | None = None,
        name_day: str = "",
        anniversaries: Sequence[tuple[str, str | date]] = (),
        tags: Sequence[str] = (),
        lifecycle: str | None = "",
        origin: tuple[str | None, str, str] | None = None,
        custom_fields: Mapping | None = None,
        problems: Violations | None = None,
    ) -> "Person":
        """Validates every field, reporting all problems at once, and records PersonCreated.

        `custom_fields` come already validated by the caller (they need the definitions); `problems` carries what
        the caller found wrong so far, so that one error lists everything.
        """
        problems = problems if problems is not None else Violations()
        now = utcnow()
        raw = {
            "given_name": given_name, "family_name": family_name, "salutation": salutation, "emails": emails,
            "phones": phones, "addresses": addresses, "preferred_language": preferred_language, "time_zone": time_zone,
            "birth_date": birth_date, "name_day": name_day, "anniversaries": anniversaries, "tags": tags,
            "lifecycle": lifecycle, "origin": origin, "custom_fields": custom_fields or {}, "team": team, "territory": territory,
        }
        _require_a_name(given_name.strip(), family_name.strip(), problems)
        # Problems are listed in the order of the request's fields: names, emails, phones, consents, the rest.
        first = ("given_name", "family_name", "team", "territory", "salutation", "emails", "phones")
        values = validate_fields({k: raw.pop(k) for k in first}, problems, default_phone_region=default_phone_region, today=now.date())
        valid_consents = sorted(_consents(consents, now, problems), key=lambda c: c.order)
        values |= validate_fields(raw, problems, default_phone_region=default_phone_region, today=now.date())
        person = cls(
            id=str(uuid.uuid4()),
            emails=values.pop("emails"),
            phones=values.pop("phones"),
            consents=valid_consents,
            owner=owner.subject,
            team=values.pop("team") or owner.team,
            territory=values.pop("territory") or owner.territory,
            created_at=now,
            updated_at=now,
            **values,
        )
        problems.raise_if_any()
        person.events.append(events.PersonCreated(person))
        return person

    @property
    def etag(self) -> str:
        """Opaque to callers; changes with every write of the record."""
        return f'"{self.version}"'

    @property
    def erased(self) -> bool:
        return self.erased_at is not None

    def ensure_writable(self) -> None:
        if self.erased:
            raise FailedPrecondition(f"person {self.id} was erased and cannot change")
        if self.merged_into:
            raise FailedPrecondition(f"person {self.id} was merged into {self.merged_into}; change that record instead")

    def update(
        self,
        raw: Mapping[str, object],
        mask: Sequence[str],
        *,
        etag: str = "",
        default_phone_region: str | None = None,
        problems: Violations | None = None,
    ) -> list[str]:
        """Changes the masked fields only, validating all of them at once; returns the fields that really changed.

        `raw` holds the requested values by field name (those of CreatePerson); fields outside the mask are
        ignored. A non-empty `etag` other than the current one means the caller read an older version.
        Records PersonUpdated only when something changed.
        """
        self.ensure_writable()
        check_etag("person", self.id, etag, self.etag)
        problems = problems if problems is not None else Violations()
        masked = masked_fields(mask, UPDATABLE_FIELDS, problems, {"consents": "change through SetPersonConsent"})
        names = {p: raw[p].strip() if p in masked else getattr(self, p) for p in ("given_name", "family_name")}
        _require_a_name(names["given_name"], names["family_name"], problems)
        values = validate_fields({p: raw[p] for p in masked}, problems, default_phone_region=default_phone_region, today=utcnow().date())
        problems.raise_if_any()
        changed = [p for p in UPDATABLE_FIELDS if p in values and values[p] != getattr(self, p)]
        if not changed:
            return []
        for p in changed:
            setattr(self, p, values[p])
        self.updated_at = utcnow()
        self.events.append(events.PersonUpdated(self, tuple(changed)))
        return changed

    def erase(self) -> None:
        """Anonymises the record under data-protection law: keeps its id, owner, team and territory only."""
        if self.erased:
            return
        now = utcnow()
        self.given_name = self.family_name = self.salutation = self.preferred_language = self.time_zone = self.name_day = ""
        self.emails, self.phones, self.addresses, self.consents, self.anniversaries = [], [], [], [], []
        self.birth_date = None
        self.tags, self.lifecycle, self.origin, self.custom_fields = (), "", Origin(), {}
        self.erased_at = self.updated_at = now
        self.events.append(events.PersonErased(self.id, now))

    def set_consent(self, channel: str | None, purpose: str | None, granted: bool, source: str, recorded_at: datetime | None = None) -> bool:
        """Grants or withdraws the consent for one channel and purpose; False when it already stood so.

        Recording the same answer again changes nothing, not even the source or time: the
        record keeps when the answer was first given, and consumers hear of real changes only.
        """
        self.ensure_writable()
        problems = Violations()
        [consent] = _consents([(channel, purpose, granted, source, recorded_at)], utcnow(), problems, path="")
        problems.raise_if_any()
        current = next((c for c in self.consents if (c.channel, c.purpose) == (consent.channel, consent.purpose)), None)
        if current is not None and current.granted == consent.granted:
            return False
        self.consents = sorted([c for c in self.consents if c is not current] + [consent], key=lambda c: c.order)
        self.updated_at = utcnow()
        self.events.append(events.ConsentChanged(self.id, consent))
        return True

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    def is_visible_to(self, viewer: Viewer) -> bool:
        return Audience(self.owner, self.team, self.territory).is_visible_to(viewer)


def validate_fields(raw: Mapping[str, object], problems: Violations, *, default_phone_region: str | None, today: date) -> dict:
    """Each given field (a name of UPDATABLE_FIELDS) validated and normalised; problems are added, not raised."""
    values: dict = {}
    for name in ("given_name", "family_name", "team", "territory", "salutation"):
        if name in raw:
            values[name] = raw[name].strip()
            if len(values[name]) > MAX_NAME_LENGTH:
                problems.add(name, f"must be at most {MAX_NAME_LENGTH} characters")
    validators = {
        "emails": lambda v: validate_emails(list(v), problems),
        "phones": lambda v: validate_phones(list(v), default_phone_region, problems),
        "preferred_language": lambda v: _language(v, problems),
        "time_zone": lambda v: _time_zone(v, problems),
        "addresses": lambda v: validate_addresses(list(v), problems),
        "birth_date": lambda v: _birth_date(v, today, problems),
        "name_day": lambda v: _name_day(v, problems),
        "anniversaries": lambda v: _anniversaries(list(v), problems),
        "tags": lambda v: validate_tags(v, problems),
        "lifecycle": lambda v: validate_lifecycle(v, problems),
        "origin": lambda v: validate_origin(v, problems),
        "custom_fields": dict,  # validated by the caller, which knows the definitions
    }
    for name, validate in validators.items():
        if name in raw:
            values[name] = validate(raw[name])
    return values


def _require_a_name(given_name: str, family_name: str, problems: Violations) -> None:
    if not given_name and not family_name:
        problems.add("given_name", "a person needs a given name or a family name")
        problems.add("family_name", "a person needs a given name or a family name")


def parse_date(value: str | date | None, path: str, problems: Violations) -> date | None:
    """YYYY-MM-DD (ISO 8601 calendar date); empty or None is no date."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        problems.add(path, f"{text[:20]!r} is not a date (YYYY-MM-DD)")
        return None


def _birth_date(value: str | date | None, today: date, problems: Violations) -> date | None:
    born = parse_date(value, "birth_date", problems)
    if born is not None and not EARLIEST_BIRTH_DATE <= born <= today:
        problems.add("birth_date", f"must lie between {EARLIEST_BIRTH_DATE.isoformat()} and today")
    return born


def _name_day(value: str, problems: Violations) -> str:
    """MM-DD; 02-29 is a valid name day."""
    text = value.strip()
    if not text:
        return ""
    try:
        if len(text) != 5 or text[2] != "-":
            raise ValueError
        date(2000, int(text[:2]), int(text[3:]))  # a leap year, so that 02-29 passes
    except ValueError:
        problems.add("name_day", f"{text[:20]!r} is not a day of the year (MM-DD, e.g. 12-06)")
    return text


def _anniversaries(raw: list[tuple[str, str | date]], problems: Violations) -> list[Anniversary]:
    if len(raw) > MAX_ANNIVERSARIES:
        problems.add("anniversaries", f"must hold at most {MAX_ANNIVERSARIES} anniversaries")
    result, seen = [], set()
    for i, (label, when) in enumerate(raw):
        at = f"anniversaries[{i}]"
        label = label.strip()
        if not label:
            problems.add(f"{at}.label", "is required (e.g. wedding)")
        elif len(label) > MAX_ANNIVERSARY_LABEL_LENGTH:
            problems.add(f"{at}.label", f"must be at most {MAX_ANNIVERSARY_LABEL_LENGTH} characters")
        elif label.casefold() in seen:
            problems.add(f"{at}.label", f"{label!r} is listed twice")
        seen.add(label.casefold())
        if when is None or (isinstance(when, str) and not when.strip()):
            problems.add(f"{at}.date", "is required (YYYY-MM-DD)")
            continue
        day = parse_date(when, f"{at}.date", problems)
        if day is not None:
            result.append(Anniversary(label, day))
    return result


def validate_emails(raw: list[tuple[str, str | None]], problems: Violations) -> list[EmailAddress]:
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


def validate_phones(raw: list[tuple[str, str | None]], region: str | None, problems: Violations) -> list[PhoneNumber]:
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


def _consents(raw, now: datetime, problems: Violations, path: str = "consents[{i}]") -> list[Consent]:
    """`path` places each consent's fields: `consents[0].channel` in a person, `channel` alone."""
    result, seen = [], set()
    for i, (channel, purpose, granted, source, recorded_at) in enumerate(raw):
        at = path.format(i=i)
        prefix = f"{at}." if at else ""
        if channel not in CHANNELS:
            problems.add(f"{prefix}channel", f"must be one of {', '.join(CHANNELS)}")
        if purpose not in PURPOSES:
            problems.add(f"{prefix}purpose", f"must be one of {', '.join(PURPOSES)}")
        if recorded_at is not None and recorded_at > now:
            problems.add(f"{prefix}record_time", "must not be in the future")
        if len(source.strip()) > MAX_NAME_LENGTH:
            problems.add(f"{prefix}source", f"must be at most {MAX_NAME_LENGTH} characters")
        if channel in CHANNELS and purpose in PURPOSES and (channel, purpose) in seen:
            problems.add(at, f"{channel}/{purpose} is given twice")
        seen.add((channel, purpose))
        result.append(Consent(channel or "", purpose or "", granted, source.strip(), recorded_at or now))
    return result


def _language(tag: str, problems: Violations) -> str:
    """A BCP 47 tag in its canonical case (`en-gb` → `en-GB`, `SR-latn` → `sr-Latn`); empty when unset."""
    tag = tag.strip()
    if not tag:
        return ""
    match = _LANGUAGE_TAG.fullmatch(tag)
    if match is None or len(tag) > MAX_LANGUAGE_TAG_LENGTH:
        problems.add("preferred_language", f"{tag[:50]!r} is not a BCP 47 language tag (e.g. ro, en-GB, sr-Latn-RS)")
        return tag
    parts = [match["language"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    parts.extend(v.lower() for v in match["variants"].split("-") if v)
    return "-".join(parts)


def _time_zone(name: str, problems: Violations) -> str:
    name = name.strip()
    if not name:
        return ""
    try:
        known = len(name) <= MAX_TIME_ZONE_LENGTH and name not in _NOT_ZONES and zoneinfo.ZoneInfo(name) is not None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory such as "Europe"
        known = False
    if not known:
        problems.add("time_zone", f"{name[:70]!r} is not an IANA time zone (e.g. Europe/Bucharest, UTC)")
    return name


def validate_addresses(raw: list[tuple[str | None, Sequence[str], str, str, str, str]], problems: Violations) -> list[PostalAddress]:
    if len(raw) > MAX_ADDRESSES:
        problems.add("addresses", f"must hold at most {MAX_ADDRESSES} addresses")
    result = []
    for i, (kind, lines, postal_code, city, region, country) in enumerate(raw):
        at = f"addresses[{i}]"
        if kind not in ADDRESS_KINDS:
            problems.add(f"{at}.kind", f"must be one of {', '.join(ADDRESS_KINDS)}")
        kept = tuple(line.strip() for line in lines if line.strip())
        if len(kept) > MAX_ADDRESS_LINES:
            problems.add(f"{at}.lines", f"must hold at most {MAX_ADDRESS_LINES} non-empty lines")
        for j, line in enumerate(lines):
            if len(line.strip()) > MAX_NAME_LENGTH:
                problems.add(f"{at}.lines[{j}]", f"must be at most {MAX_NAME_LENGTH} characters")
        postal_code, city, region, country = postal_code.strip(), city.strip(), region.strip(), country.strip().upper()
        for name, value, limit in (("postal_code", postal_code, MAX_POSTAL_CODE_LENGTH), ("city", city, MAX_NAME_LENGTH), ("region", region, MAX_NAME_LENGTH)):
            if len(value) > limit:
                problems.add(f"{at}.{name}", f"must be at most {limit} characters")
        if not kept and not city:
            problems.add(at, "needs at least one address line or a city")
        if not country:
            problems.add(f"{at}.country", "is required (ISO 3166-1 alpha-2, e.g. RO)")
        elif country not in COUNTRIES:
            problems.add(f"{at}.country", f"{country[:10]!r} is not an ISO 3166-1 alpha-2 country code (e.g. RO, GB)")
        result.append(PostalAddress(kind or "", kept, postal_code, city, region, country))
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
    # the other person the line names ("Jane Doe linked as CFO"), so that erasing them rewrites exactly this line
    mentions_person_id: str = ""

    @classmethod
    def new(
        cls, person_id: str, kind: str, summary: str, source: str, occurred_at: datetime | None = None, *, mentions_person_id: str = ""
    ) -> "HistoryEntry":
        return cls(str(uuid.uuid4()), person_id, kind, summary, source, occurred_at or utcnow(), mentions_person_id)
