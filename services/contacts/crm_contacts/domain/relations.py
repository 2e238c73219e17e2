"""Relations of the customer file: person↔account links, two-sided person↔person and account↔account relations; plain Python."""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from crm_chassis.errors import Violations
from crm_contacts.domain import events
from crm_contacts.domain.model import MAX_NAME_LENGTH, parse_date, utcnow

# What a person does for an account; a list, so that searches and reports can count decision makers.
ROLES = (
    "decision_maker", "influencer", "billing", "technical", "purchasing", "accountant", "legal", "executive",
    "employee", "consultant", "other",
)
# label → its counterpart: what the other side is called seen from the related record.
PERSON_LABELS = {
    "spouse": "spouse", "partner": "partner", "parent": "child", "child": "parent", "sibling": "sibling",
    "grandparent": "grandchild", "grandchild": "grandparent", "relative": "relative", "friend": "friend",
    "assistant": "manager", "manager": "assistant", "colleague": "colleague", "referrer": "referred", "referred": "referrer",
}
ACCOUNT_LABELS = {
    "customer": "supplier", "supplier": "customer", "partner": "partner", "competitor": "competitor",
    "reseller": "vendor", "vendor": "reseller",
}
LINK_FIELDS = ("position", "role", "is_primary", "start_date", "end_date")


@dataclass
class PersonAccountLink:
    """A person working for or serving an account, with its own dates."""

    id: str
    person_id: str
    account_id: str
    position: str
    role: str
    is_primary: bool
    start_date: date | None
    end_date: date | None
    created_at: datetime
    updated_at: datetime
    events: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(cls, person_id: str, account_id: str, raw: Mapping[str, object]) -> "PersonAccountLink":
        """`raw` holds LINK_FIELDS (dates as YYYY-MM-DD strings, "" for none); every problem is reported at once."""
        problems = Violations()
        if not person_id.strip():
            problems.add("person_id", "is required")
        if not account_id.strip():
            problems.add("account_id", "is required")
        values = _link_fields({"position": "", "role": "", "is_primary": False, "start_date": "", "end_date": ""} | dict(raw), problems)
        _check_dates(values["start_date"], values["end_date"], problems)
        problems.raise_if_any()
        now = utcnow()
        link = cls(str(uuid.uuid4()), person_id.strip(), account_id.strip(), created_at=now, updated_at=now, **values)
        link.events.append(events.PersonLinkedToAccount(link))
        return link

    def update(self, raw: Mapping[str, object], mask: Sequence[str]) -> list[str]:
        """Changes the masked fields; returns those that really changed (and records PersonAccountLinkChanged then)."""
        problems = Violations()
        mask = list(dict.fromkeys(mask))
        if not mask:
            problems.add("update_mask", f"name the fields to change: {', '.join(LINK_FIELDS)}")
        for path in mask:
            if path not in LINK_FIELDS:
                problems.add("update_mask", f"{path!r} cannot be changed; one of {', '.join(LINK_FIELDS)}")
        values = _link_fields({p: raw[p] for p in mask if p in LINK_FIELDS and p in raw}, problems)
        _check_dates(values.get("start_date", self.start_date), values.get("end_date", self.end_date), problems)
        problems.raise_if_any()
        changed = [p for p in LINK_FIELDS if p in values and values[p] != getattr(self, p)]
        if changed:
            for p in changed:
                setattr(self, p, values[p])
            self.updated_at = utcnow()
            self.events.append(events.PersonAccountLinkChanged(self, tuple(changed)))
        return changed

    def is_current(self, today: date) -> bool:
        return self.end_date is None or self.end_date >= today

    def unlink(self) -> None:
        self.events.append(events.PersonUnlinkedFromAccount(self))


def _link_fields(raw: Mapping[str, object], problems: Violations) -> dict:
    values: dict = {}
    if "position" in raw:
        values["position"] = " ".join(str(raw["position"]).split())
        if len(values["position"]) > MAX_NAME_LENGTH:
            problems.add("position", f"must be at most {MAX_NAME_LENGTH} characters")
    if "role" in raw:
        values["role"] = str(raw["role"]).strip().lower()
        if values["role"] and values["role"] not in ROLES:
            problems.add("role", f"{values['role'][:50]!r} is not a role; one of {', '.join(ROLES)} (or empty)")
    if "is_primary" in raw:
        values["is_primary"] = bool(raw["is_primary"])
    for name in ("start_date", "end_date"):
        if name in raw:
            values[name] = parse_date(raw[name] or None, name, problems)
    return values


def _check_dates(start: date | None, end: date | None, problems: Violations) -> None:
    if start is not None and end is not None and end < start:
        problems.add("end_date", f"must not be before start_date ({start.isoformat()})")


@dataclass
class Relation:
    """A two-sided relation between two persons or two accounts.

    `label` is what `related_id` is to `subject_id`, `inverse_label` what `subject_id` is to `related_id`;
    both are stored so that a later change of the catalogue does not reinterpret old relations.
    """

    id: str
    subject_id: str
    related_id: str
    label: str
    inverse_label: str
    created_at: datetime
    events: list = field(default_factory=list, repr=False, compare=False)

    def seen_from(self, record_id: str) -> "Relation":
        """The relation as `record_id` sees it: that record as subject, the other side's label."""
        if record_id == self.subject_id:
            return replace(self, events=[])
        return Relation(self.id, self.related_id, self.subject_id, self.inverse_label, self.label, self.created_at)

    def other(self, record_id: str) -> str:
        return self.related_id if record_id == self.subject_id else self.subject_id


def new_relation(kind: str, subject_id: str, related_id: str, label: str) -> Relation:
    """kind "person" or "account"; validates the label against that kind's catalogue and records its event."""
    catalogue = PERSON_LABELS if kind == "person" else ACCOUNT_LABELS
    subject_field, related_field = f"{kind}_id", f"related_{kind}_id"
    problems = Violations()
    subject_id, related_id, label = subject_id.strip(), related_id.strip(), label.strip().lower()
    if not subject_id:
        problems.add(subject_field, "is required")
    if not related_id:
        problems.add(related_field, "is required")
    elif related_id == subject_id:
        problems.add(related_field, f"a {kind} cannot be related to itself")
    if label not in catalogue:
        problems.add("label", f"{label[:50]!r} is not a {kind} relation; one of {', '.join(catalogue)}")
    problems.raise_if_any()
    relation = Relation(str(uuid.uuid4()), subject_id, related_id, label, catalogue[label], utcnow())
    relation.events.append(events.PersonsRelated(relation) if kind == "person" else events.AccountsRelated(relation))
    return relation
