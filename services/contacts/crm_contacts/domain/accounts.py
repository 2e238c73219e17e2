"""Accounts: companies, their groups, subsidiaries and branches, and what the customer file knows about them; plain Python."""
from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as NumberError

from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import FailedPrecondition, Violations
from crm_contacts.domain import events
from crm_contacts.domain.classification import Origin, validate_lifecycle, validate_origin, validate_tags
from crm_contacts.domain.custom_fields import Money, validate_currency
from crm_contacts.domain.model import (
    MAX_NAME_LENGTH,
    EmailAddress,
    PhoneNumber,
    PostalAddress,
    utcnow,
    validate_addresses,
    validate_emails,
    validate_phones,
)
from crm_contacts.domain.updates import check_etag, masked_fields

PARENT_KINDS = ("subsidiary", "branch")
REGISTRATION_KINDS = ("vat", "registration", "duns", "other")
WEBSITE_KINDS = ("main", "shop", "social", "other")
MAX_INDUSTRY_LENGTH = 100
MAX_EMPLOYEES = 10_000_000
MAX_REGISTRATION_IDS = 20
MAX_REGISTRATION_LENGTH = 50
MAX_WEBSITES = 20
MAX_URL_LENGTH = 2000
MAX_TURNOVER_MINOR = 10**18  # fits a BIGINT with room; no company turns over more
MAX_HIERARCHY_DEPTH = 50  # a walk up the parents stops here: deeper trees are refused

# Field names of UpdateAccount's mask (those of the Account message). parent_id and parent_kind are validated as a
# pair: a path naming one of them keeps the other's current value (a branch moved to another parent stays a branch).
UPDATABLE_FIELDS = (
    "name", "legal_name", "parent_id", "parent_kind", "industry", "employees", "annual_turnover", "registration_ids", "addresses",
    "phones", "emails", "websites", "tags", "lifecycle", "origin", "custom_fields", "team", "territory",
)
# The attributes each mask path covers.
_ATTRIBUTES = {"annual_turnover": "turnover"}  # mask path → Account attribute, where they differ

_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_OTHER_VAT = re.compile(r"[A-Z]{2}[A-Z0-9]{2,13}")
_EU_VAT_PREFIXES = frozenset(eu_vat.MEMBER_STATES - {"gr"} | {"el"})  # Greece's VAT prefix is EL


@dataclass(frozen=True)
class RegistrationId:
    kind: str
    value: str


@dataclass(frozen=True)
class Website:
    url: str
    kind: str = "main"


@dataclass
class Account:
    id: str
    name: str
    owner: str
    team: str
    territory: str
    created_at: datetime
    updated_at: datetime
    legal_name: str = ""
    parent_id: str = ""
    parent_kind: str = ""  # one of PARENT_KINDS when parent_id is set
    industry: str = ""  # free text: industries differ per market, a code list would be wrong somewhere
    employees: int | None = None
    turnover: Money | None = None  # annual
    registration_ids: list[RegistrationId] = field(default_factory=list)
    addresses: list[PostalAddress] = field(default_factory=list)
    phones: list[PhoneNumber] = field(default_factory=list)
    emails: list[EmailAddress] = field(default_factory=list)
    websites: list[Website] = field(default_factory=list)
    tags: tuple[str, ...] = ()
    lifecycle: str = ""
    origin: Origin = Origin()
    custom_fields: dict = field(default_factory=dict)  # custom fields: key → value, validated by the caller
    version: int = 1  # counts writes; the etag
    merged_into: str = ""  # duplicates: the survivor's id once merged into another account (a tombstone)
    events: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(
        cls, raw: Mapping[str, object], owner: Viewer, *, default_phone_region: str | None = None, problems: Violations | None = None
    ) -> "Account":
        """Validates every field of `raw` (names of UPDATABLE_FIELDS), all problems at once; records AccountCreated.

        The parent is checked by the caller (`check_parent`: it needs the repository), which passes what it found
        wrong in `problems` so that one error lists everything.
        """
        problems = problems if problems is not None else Violations()
        values = validate_fields(raw, problems, default_phone_region=default_phone_region)
        _require_name(values.get("name", ""), problems)
        problems.raise_if_any()
        now = utcnow()
        account = cls(
            id=str(uuid.uuid4()),
            owner=owner.subject,
            team=values.pop("team", "") or owner.team,
            territory=values.pop("territory", "") or owner.territory,
            created_at=now,
            updated_at=now,
            **values,
        )
        account.events.append(events.AccountCreated(account))
        return account

    @property
    def etag(self) -> str:
        """Opaque to callers; changes with every write of the record."""
        return f'"{self.version}"'

    def update(
        self, raw: Mapping[str, object], mask: Sequence[str], *, etag: str = "", default_phone_region: str | None = None,
        problems: Violations | None = None,
    ) -> list[str]:
        """Changes the masked fields only, validating them all at once; returns the mask paths that really changed.

        Records AccountUpdated only when something changed. A non-empty stale `etag` is FAILED_PRECONDITION.
        """
        if self.merged_into:  # duplicates: a tombstone
            raise FailedPrecondition(f"account {self.id} was merged into {self.merged_into}; change that account instead")
        check_etag("account", self.id, etag, self.etag)
        problems = problems if problems is not None else Violations()
        masked = masked_fields(mask, UPDATABLE_FIELDS, problems)
        given = {p: raw[p] for p in masked if p in raw}
        if "parent_id" in given or "parent_kind" in given:
            # Detaching (an empty parent_id) without naming parent_kind drops the kind with the parent.
            kind = self.parent_kind if (given.get("parent_id", self.parent_id) or "").strip() else ""
            given = {"parent_id": self.parent_id, "parent_kind": kind} | given
        values = validate_fields(given, problems, default_phone_region=default_phone_region)
        if "name" in values:
            _require_name(values["name"], problems)
        problems.raise_if_any()
        attribute = {p: _ATTRIBUTES.get(p, p) for p in UPDATABLE_FIELDS}
        changed = [p for p in UPDATABLE_FIELDS if attribute[p] in values and values[attribute[p]] != getattr(self, attribute[p])]
        if not changed:
            return []
        for p in changed:
            setattr(self, attribute[p], values[attribute[p]])
        self.version += 1
        self.updated_at = utcnow()
        self.events.append(events.AccountUpdated(self, tuple(changed)))
        return changed

    def is_visible_to(self, viewer: Viewer) -> bool:
        return Audience(self.owner, self.team, self.territory).is_visible_to(viewer)


def validate_fields(raw: Mapping[str, object], problems: Violations, *, default_phone_region: str | None = None) -> dict:
    """Each given field (a name of UPDATABLE_FIELDS) validated and normalised into Account attributes.

    Raw shapes: parent_id and parent_kind (None for an unknown kind) together, employees int | None,
    annual_turnover (amount_minor, currency) | None, registration_ids [(kind | None, value)],
    websites [(url, kind | None)], emails/phones/addresses/tags/lifecycle/origin as for persons.
    """
    values: dict = {}
    for name, limit in (("name", MAX_NAME_LENGTH), ("legal_name", MAX_NAME_LENGTH), ("industry", MAX_INDUSTRY_LENGTH),
                        ("team", MAX_NAME_LENGTH), ("territory", MAX_NAME_LENGTH)):
        if name in raw:
            values[name] = " ".join(str(raw[name]).split()) if name in ("name", "legal_name", "industry") else str(raw[name]).strip()
            if len(values[name]) > limit:
                problems.add(name, f"must be at most {limit} characters")
    if "parent_id" in raw or "parent_kind" in raw:
        values["parent_id"], values["parent_kind"] = _parent(raw.get("parent_id", ""), raw.get("parent_kind", ""), problems)
    if "employees" in raw:
        values["employees"] = _employees(raw["employees"], problems)
    if "annual_turnover" in raw:
        values["turnover"] = _turnover(raw["annual_turnover"], problems)
    validators = {
        "registration_ids": lambda v: _registration_ids(list(v), problems),
        "addresses": lambda v: validate_addresses(list(v), problems),
        "phones": lambda v: validate_phones(list(v), default_phone_region, problems),
        "emails": lambda v: validate_emails(list(v), problems),
        "websites": lambda v: _websites(list(v), problems),
        "tags": lambda v: validate_tags(v, problems),
        "lifecycle": lambda v: validate_lifecycle(v, problems),
        "origin": lambda v: validate_origin(v, problems),
    }
    for name, validate in validators.items():
        if name in raw:
            values[name] = validate(raw[name])
    if "custom_fields" in raw:  # custom fields: validated by the caller, which knows the definitions
        values["custom_fields"] = dict(raw["custom_fields"])
    return values


def _require_name(name: str, problems: Violations) -> None:
    if not name:
        problems.add("name", "an account needs a name")


def _parent(parent_id: str, kind: str | None, problems: Violations) -> tuple[str, str]:
    parent_id = (parent_id or "").strip()
    if parent_id and not kind:
        problems.add("parent_kind", f"is required with a parent_id: one of {', '.join(PARENT_KINDS)}")
        kind = ""
    elif kind is None or (kind and kind not in PARENT_KINDS):
        problems.add("parent_kind", f"must be one of {', '.join(PARENT_KINDS)}")
        kind = ""
    elif kind and not parent_id:
        problems.add("parent_kind", "must be unset without a parent_id")
    return parent_id, (kind if parent_id else "")


def _employees(raw: int | None, problems: Violations) -> int | None:
    if raw is not None and not 0 <= raw <= MAX_EMPLOYEES:
        problems.add("employees", f"must be between 0 and {MAX_EMPLOYEES:,}")
    return raw


def _turnover(raw: tuple[int, str] | None, problems: Violations) -> Money | None:
    if raw is None:
        return None
    amount, currency = raw
    if not 0 <= amount <= MAX_TURNOVER_MINOR:
        problems.add("annual_turnover.amount_minor", f"must be between 0 and {MAX_TURNOVER_MINOR}")
    return Money(amount, validate_currency(currency, problems, "annual_turnover.currency"))


def normalize_vat(value: str) -> str:
    """Upper case, without spaces, dots or dashes: "ro 185 472 90" → "RO18547290"."""
    return re.sub(r"[\s.\-/]", "", value).upper()


def _vat(value: str, problems: Violations, path: str) -> str:
    """A VAT number with its country prefix; EU numbers (and any country python-stdnum knows) by their check digits."""
    number = normalize_vat(value)
    prefix = number[:2].lower()
    if not re.fullmatch(r"[a-z]{2}", prefix):
        problems.add(path, f"{value[:30]!r} needs its country prefix, e.g. RO18547290")
        return number
    if prefix in _EU_VAT_PREFIXES:
        try:
            return eu_vat.compact(eu_vat.validate(number)).upper()
        except NumberError as exc:
            problems.add(path, f"{value[:30]!r} is not a valid {prefix.upper()} VAT number: {exc}")
            return number
    module = _vat_module(prefix)
    if module is not None:
        # National modules differ on whether the prefix belongs to the number (CHE...) or not (GB...): try both.
        error = None
        for candidate in (number, number[2:]):
            try:
                compact = module.compact(module.validate(candidate)).upper()
            except NumberError as exc:
                error = error or exc
                continue
            return compact if compact.startswith(prefix.upper()) else prefix.upper() + compact
        problems.add(path, f"{value[:30]!r} is not a valid {prefix.upper()} VAT number: {error}")
        return number
    if not _OTHER_VAT.fullmatch(number):
        problems.add(path, f"{value[:30]!r} is not a VAT number (country prefix and 2..13 letters or digits)")
    return number


def _vat_module(country: str):
    try:
        module = get_cc_module(country, "vat")
    except (ImportError, ValueError):
        return None
    return module if module is not None and hasattr(module, "validate") else None


def _registration_ids(raw: list[tuple[str | None, str]], problems: Violations) -> list[RegistrationId]:
    if len(raw) > MAX_REGISTRATION_IDS:
        problems.add("registration_ids", f"must hold at most {MAX_REGISTRATION_IDS} ids")
    result, seen = [], set()
    for i, (kind, value) in enumerate(raw):
        at = f"registration_ids[{i}]"
        value = value.strip()
        if kind not in REGISTRATION_KINDS:
            problems.add(f"{at}.kind", f"must be one of {', '.join(REGISTRATION_KINDS)}")
        if not value:
            problems.add(f"{at}.value", "must not be empty")
            continue
        if len(value) > MAX_REGISTRATION_LENGTH:
            problems.add(f"{at}.value", f"must be at most {MAX_REGISTRATION_LENGTH} characters")
            continue
        if kind == "vat":
            value = _vat(value, problems, f"{at}.value")
        elif kind == "duns":
            value = re.sub(r"[\s\-]", "", value)
            if not re.fullmatch(r"[0-9]{9}", value):
                problems.add(f"{at}.value", f"{value!r} is not a D-U-N-S number (nine digits)")
        if (kind, value.upper()) in seen:
            problems.add(f"{at}.value", f"{value} is listed twice")
        seen.add((kind, value.upper()))
        result.append(RegistrationId(kind or "", value))
    return result


def normalize_url(raw: str) -> str | None:
    """An http(s) URL with a lower-case host, or None when it is not one; a bare host means https."""
    text = raw.strip()
    if not text or any(c.isspace() for c in text) or len(text) > MAX_URL_LENGTH:
        return None
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or parts.username or parts.password:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return None
    netloc = host.lower() + (f":{port}" if port else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def _websites(raw: list[tuple[str, str | None]], problems: Violations) -> list[Website]:
    if len(raw) > MAX_WEBSITES:
        problems.add("websites", f"must hold at most {MAX_WEBSITES} websites")
    result, seen = [], set()
    for i, (url, kind) in enumerate(raw):
        at = f"websites[{i}]"
        if kind not in WEBSITE_KINDS:
            problems.add(f"{at}.kind", f"must be one of {', '.join(WEBSITE_KINDS)}")
        normalized = normalize_url(url)
        if normalized is None:
            problems.add(f"{at}.url", f"{url[:80]!r} is not a web address (http or https, e.g. https://example.com)")
            continue
        if normalized in seen:
            problems.add(f"{at}.url", f"{normalized} is listed twice")
        seen.add(normalized)
        result.append(Website(normalized, kind or ""))
    return result


def check_parent(account_id: str, parent_id: str, ancestors_of, problems: Violations) -> None:
    """Refuses a parent that would make the account its own ancestor, or a tree deeper than MAX_HIERARCHY_DEPTH.

    `ancestors_of(parent_id)` lists the parent's own ancestors, nearest first (at most MAX_HIERARCHY_DEPTH + 1).
    """
    if not parent_id:
        return
    if parent_id == account_id:
        problems.add("parent_id", "an account cannot be its own parent")
        return
    chain = ancestors_of(parent_id)
    if account_id in chain:
        problems.add("parent_id", f"account {parent_id} belongs to this account already (a hierarchy cannot loop)")
    elif len(chain) >= MAX_HIERARCHY_DEPTH:
        problems.add("parent_id", f"a hierarchy may be at most {MAX_HIERARCHY_DEPTH} levels deep")


@dataclass(frozen=True)
class CreateAccount:
    fields: Mapping[str, object]
    request_id: str = ""  # idempotency: a retry with the same id answers the account made the first time
    allow_duplicates: bool = False  # duplicates: write even if it looks like existing accounts


@dataclass(frozen=True)
class UpdateAccount:
    account_id: str
    fields: Mapping[str, object]
    mask: tuple[str, ...]
    etag: str = ""
    allow_duplicates: bool = False  # duplicates
