"""Merging duplicate persons: field survivors, unions, snapshots for undo; scans and pairs; plain Python."""
from __future__ import annotations

import dataclasses
import importlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from crm_chassis.errors import FailedPrecondition, Violations
from crm_contacts.domain import accounts, classification, events, model
from crm_contacts.domain.model import Person, utcnow

# Fields one record's value wins for (field_choices); unset ones keep the survivor's value, or the first merged
# record's where the survivor has none.
CHOOSABLE = ("given_name", "family_name", "salutation", "preferred_language", "time_zone", "birth_date", "name_day",
             "lifecycle", "origin", "team", "territory")
# Lists that are united (survivor's entries first, then each merged record's new ones).
UNITED = ("emails", "phones", "addresses", "anniversaries", "tags")
MAX_MERGED = 10
PAIR_STATUSES = ("open", "dismissed", "merged")


@dataclass
class DuplicateScan:
    id: str
    status: str  # pending, running, done, failed
    min_score: float
    requested_by: str
    requested_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    persons_scanned: int = 0
    pairs_found: int = 0
    error: str = ""
    position: str = ""  # the last person id scored
    progressed_at: datetime | None = None

    @classmethod
    def request(cls, min_score: float, requested_by: str) -> "DuplicateScan":
        return cls(str(uuid.uuid4()), "pending", min_score, requested_by, utcnow())


@dataclass
class DuplicatePair:
    id: str
    person_a: str  # the smaller id
    person_b: str
    score: float
    reasons: tuple[str, ...]
    status: str
    scan_id: str
    found_at: datetime
    decided_by: str = ""
    decided_at: datetime | None = None

    @classmethod
    def found(cls, one: str, other: str, score: float, reasons: Sequence[str], scan_id: str) -> "DuplicatePair":
        a, b = sorted((one, other))
        return cls(str(uuid.uuid4()), a, b, score, tuple(reasons), "open", scan_id, utcnow())

    def dismiss(self, by: str) -> None:
        if self.status == "merged":
            raise FailedPrecondition(f"duplicate pair {self.id} was merged already")
        self.status, self.decided_by, self.decided_at = "dismissed", by, utcnow()


@dataclass
class MergeRecord:
    """Lineage of one merge; `snapshot` holds every record as it was before (None once one was erased)."""

    id: str
    survivor_id: str
    merged_ids: tuple[str, ...]
    snapshot: dict | None
    survivor_version: int
    merged_by: str
    merged_at: datetime
    undone_by: str = ""
    undone_at: datetime | None = None
    kind: str = "person"  # or "account" (account_merges)

    def ensure_undoable(self, survivor) -> None:
        if self.undone_at is not None:
            raise FailedPrecondition(f"merge {self.id} was undone already")
        if self.snapshot is None:
            raise FailedPrecondition(f"merge {self.id} cannot be undone: one of its records was erased")
        if survivor.version != self.survivor_version:
            raise FailedPrecondition(
                f"merge {self.id} cannot be undone: {self.kind} {self.survivor_id} changed after the merge; undo those changes or edit the records by hand"
            )


# --- snapshots: a person as JSON and back, whatever fields the Person dataclass has ---

def _registry() -> dict[str, type]:
    classes: dict[str, type] = {}
    for module_name in ("crm_contacts.domain.model", "crm_contacts.domain.classification", "crm_contacts.domain.custom_fields",
                        "crm_contacts.domain.accounts"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # an area not built yet
            continue
        classes.update({name: obj for name, obj in vars(module).items() if isinstance(obj, type) and dataclasses.is_dataclass(obj)})
    return classes


def encode(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if dataclasses.is_dataclass(value):
        return {"$dc": type(value).__name__, "f": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "events"}}
    if isinstance(value, tuple):
        return {"$t": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot snapshot {type(value).__name__}")


def decode(value, classes: Mapping[str, type] | None = None):
    classes = classes if classes is not None else _registry()
    if isinstance(value, list):
        return [decode(v, classes) for v in value]
    if not isinstance(value, dict):
        return value
    if "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if "$d" in value:
        return date.fromisoformat(value["$d"])
    if "$dec" in value:
        return Decimal(value["$dec"])
    if "$t" in value:
        return tuple(decode(v, classes) for v in value["$t"])
    if "$m" in value:
        return {decode(k, classes): decode(v, classes) for k, v in value["$m"]}
    cls = classes[value["$dc"]]
    known = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: decode(v, classes) for k, v in value["f"].items() if k in known})


def snapshot(person: Person) -> dict:
    return encode(person)


def restore(data: dict) -> Person:
    person = decode(data)
    if not isinstance(person, Person):
        raise TypeError("the snapshot does not hold a person")
    return person


# --- the merge itself ---

def _empty(value) -> bool:
    return value in (None, "", (), [], {}) or value == classification.Origin()


def _key(item) -> object:
    """What makes two entries of a united list the same (an email in another case, a tag in another case)."""
    if isinstance(item, model.EmailAddress):
        return item.address.lower()
    if isinstance(item, model.PhoneNumber):
        return item.number
    if isinstance(item, str):
        return item.casefold()
    return item


LIMITS = {"addresses": model.MAX_ADDRESSES, "anniversaries": model.MAX_ANNIVERSARIES, "tags": classification.MAX_TAGS}


def _check_plan(survivor, merged: Sequence, choices: Mapping[str, str], choosable: Sequence[str], noun: str) -> dict:
    """Every problem of a merge plan at once (persons and accounts alike); the records by id when it is sound."""
    problems = Violations()
    records = {r.id: r for r in (survivor, *merged)}
    if not merged:
        problems.add("merged_ids", f"name at least one {noun} to merge into the survivor")
    if len(merged) > MAX_MERGED:
        problems.add("merged_ids", f"at most {MAX_MERGED} {noun}s at once")
    for r in merged:
        if r.id == survivor.id:
            problems.add("merged_ids", f"{r.id} is the survivor itself")
    if len({r.id for r in merged}) != len(merged):
        problems.add("merged_ids", f"{'an' if noun[0] in 'aeiou' else 'a'} {noun} is named twice")
    for name, chosen in choices.items():
        if name not in choosable and not name.startswith("custom_fields."):
            problems.add(f"field_choices[{name}]", f"cannot be chosen; one of {', '.join(choosable)} or custom_fields.<key>")
        elif chosen not in records:
            problems.add(f"field_choices[{name}]", f"{chosen!r} is neither the survivor nor a merged {noun}")
    problems.raise_if_any()
    return records


def merge(survivor: Person, merged: Sequence[Person], choices: Mapping[str, str], merge_id: str, by: str) -> list[str]:
    """Folds `merged` into `survivor`: chosen fields, united lists, the latest consent answers; the merged records
    become tombstones pointing at the survivor. Returns the survivor's fields that changed.

    `choices` maps a field of CHOOSABLE, or `custom_fields.<key>`, to the id of the record whose value wins.
    Records PersonsMerged on the survivor.
    """
    records = _check_plan(survivor, merged, choices, CHOOSABLE, "record")
    problems = Violations()  # what only the folded survivor shows (too many items, a merged parent)
    for p in records.values():
        p.ensure_writable()

    before = {name: getattr(survivor, name) for name in (*CHOOSABLE, *UNITED, "consents", "custom_fields")}
    for name in CHOOSABLE:
        if name in choices:
            setattr(survivor, name, getattr(records[choices[name]], name))
        elif _empty(getattr(survivor, name)):
            setattr(survivor, name, next((getattr(p, name) for p in merged if not _empty(getattr(p, name))), getattr(survivor, name)))
    for name in UNITED:
        items = list(getattr(survivor, name))
        seen = {_key(i) for i in items}
        for p in merged:
            for item in getattr(p, name):
                if _key(item) not in seen:
                    seen.add(_key(item))
                    items.append(item)
        if name in LIMITS and len(items) > LIMITS[name]:
            problems.add(name, f"the records hold {len(items)} {name} together, at most {LIMITS[name]} fit one person; remove some first")
        setattr(survivor, name, tuple(items) if isinstance(getattr(survivor, name), tuple) else items)
    # Consent: for each channel and purpose the most recent answer, whoever gave it.
    latest: dict[tuple[str, str], model.Consent] = {}
    for p in records.values():
        for c in p.consents:
            current = latest.get((c.channel, c.purpose))
            if current is None or c.recorded_at > current.recorded_at:
                latest[(c.channel, c.purpose)] = c
    survivor.consents = sorted(latest.values(), key=lambda c: c.order)
    custom = {}
    for p in reversed(list(merged)):
        custom.update(p.custom_fields)
    custom.update(survivor.custom_fields)
    for name, chosen in choices.items():
        if name.startswith("custom_fields."):
            key = name.removeprefix("custom_fields.")
            if key in records[chosen].custom_fields:
                custom[key] = records[chosen].custom_fields[key]
            else:
                custom.pop(key, None)
    survivor.custom_fields = custom
    problems.raise_if_any()

    now = utcnow()
    for p in merged:
        p.merged_into = survivor.id
        p.updated_at = now
    survivor.updated_at = now
    changed = [name for name, value in before.items() if getattr(survivor, name) != value]
    survivor.events.append(events.PersonsMerged(survivor, tuple(p.id for p in merged), merge_id, by, tuple(changed)))
    return changed


@dataclass(frozen=True)
class MergePlan:
    """What MergePersons asks for (commands are frozen, so the plan is too)."""

    survivor_id: str
    merged_ids: tuple[str, ...]
    field_choices: Mapping[str, str] = field(default_factory=dict)


# --- accounts ---

# Account fields one record's value wins for; `parent` is parent_id and parent_kind together, `annual_turnover` the
# turnover (named as in UpdateAccount's mask).
ACCOUNT_CHOOSABLE = ("name", "legal_name", "parent", "industry", "employees", "annual_turnover", "lifecycle", "origin", "team", "territory")
ACCOUNT_UNITED = ("registration_ids", "addresses", "phones", "emails", "websites", "tags")
_ACCOUNT_ATTRIBUTES = {"annual_turnover": ("turnover",), "parent": ("parent_id", "parent_kind")}


def _account_key(item) -> object:
    if isinstance(item, model.EmailAddress):
        return item.address.lower()
    if isinstance(item, model.PhoneNumber):
        return item.number
    if isinstance(item, accounts.Website):
        return item.url.lower().rstrip("/")
    if isinstance(item, accounts.RegistrationId):
        return (item.kind, item.value.upper())
    if isinstance(item, str):
        return item.casefold()
    return item


ACCOUNT_LIMITS = {
    "addresses": model.MAX_ADDRESSES, "tags": classification.MAX_TAGS, "websites": accounts.MAX_WEBSITES,
    "registration_ids": accounts.MAX_REGISTRATION_IDS,
}


def merge_accounts(survivor, merged: Sequence, choices: Mapping[str, str], merge_id: str, by: str) -> list[str]:
    """Folds `merged` accounts into `survivor` as `merge` does for persons: chosen fields, united lists, custom
    values; the merged accounts become tombstones. Records AccountsMerged; returns the survivor's changed fields.

    A survivor whose parent would be one of the merged accounts is refused (choose another parent, or merge the
    other way round); the caller checks the new parent for loops.
    """
    records = _check_plan(survivor, merged, choices, ACCOUNT_CHOOSABLE, "account")
    problems = Violations()  # what only the folded survivor shows (too many items, a merged parent)
    for a in records.values():
        if a.merged_into:
            raise FailedPrecondition(f"account {a.id} was merged into {a.merged_into} already")

    attributes = [attr for name in ACCOUNT_CHOOSABLE for attr in _ACCOUNT_ATTRIBUTES.get(name, (name,))]
    before = {name: getattr(survivor, name) for name in (*attributes, *ACCOUNT_UNITED, "custom_fields")}
    for name in ACCOUNT_CHOOSABLE:
        attrs = _ACCOUNT_ATTRIBUTES.get(name, (name,))
        source = records[choices[name]] if name in choices else None
        if source is None and _empty(getattr(survivor, attrs[0])):
            source = next((a for a in merged if not _empty(getattr(a, attrs[0]))), None)
        if source is not None:
            for attr in attrs:
                setattr(survivor, attr, getattr(source, attr))
    if survivor.parent_id in records:
        problems.add("field_choices[parent]", f"the survivor's parent would be {survivor.parent_id}, which is merged; choose another parent")
    for name in ACCOUNT_UNITED:
        items = list(getattr(survivor, name))
        seen = {_account_key(i) for i in items}
        for a in merged:
            for item in getattr(a, name):
                if _account_key(item) not in seen:
                    seen.add(_account_key(item))
                    items.append(item)
        if name in ACCOUNT_LIMITS and len(items) > ACCOUNT_LIMITS[name]:
            problems.add(name, f"the accounts hold {len(items)} {name} together, at most {ACCOUNT_LIMITS[name]} fit one account; remove some first")
        setattr(survivor, name, tuple(items) if isinstance(getattr(survivor, name), tuple) else items)
    custom = {}
    for a in reversed(list(merged)):
        custom.update(a.custom_fields)
    custom.update(survivor.custom_fields)
    for name, chosen in choices.items():
        if name.startswith("custom_fields."):
            key = name.removeprefix("custom_fields.")
            if key in records[chosen].custom_fields:
                custom[key] = records[chosen].custom_fields[key]
            else:
                custom.pop(key, None)
    survivor.custom_fields = custom
    problems.raise_if_any()

    now = utcnow()
    for a in merged:
        a.merged_into, a.updated_at = survivor.id, now
        a.version += 1
    survivor.updated_at = now
    survivor.version += 1
    names = {"turnover": "annual_turnover"}  # as UpdateAccount's mask names it
    changed = [names.get(name, name) for name, value in before.items() if getattr(survivor, name) != value]
    survivor.events.append(events.AccountsMerged(survivor, tuple(a.id for a in merged), merge_id, by, tuple(changed)))
    return changed


def restore_account(data: dict):
    account = decode(data)
    if not isinstance(account, accounts.Account):
        raise TypeError("the snapshot does not hold an account")
    return account
