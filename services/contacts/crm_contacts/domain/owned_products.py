"""What a customer (a person or an account) bought and still has; plain Python."""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from crm_chassis.errors import Violations
from crm_contacts.domain import events
from crm_contacts.domain.model import parse_date, utcnow

MAX_PRODUCT_ID_LENGTH = 100
MAX_PRODUCT_NAME_LENGTH = 200
MAX_SOURCE_LENGTH = 200
MAX_QUANTITY = 1_000_000_000
# What UpdateOwnedProduct may change (its update_mask paths).
UPDATABLE_FIELDS = ("active", "quantity", "name", "purchased_on")


@dataclass
class OwnedProduct:
    id: str
    person_id: str  # exactly one of person_id and account_id is set
    account_id: str
    product_id: str  # the product catalogue's id (sales), free text until that service exists
    name: str
    quantity: int
    purchased_on: date | None
    active: bool
    source: str  # where the fact came from, e.g. "sales:order:<id>" or "manual"
    created_at: datetime
    updated_at: datetime
    events: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def add(
        cls,
        *,
        person_id: str,
        account_id: str,
        product_id: str,
        name: str,
        quantity: int,
        purchased_on: str | date | None,
        active: bool = True,
        source: str = "",
        problems: Violations | None = None,
    ) -> "OwnedProduct":
        """Validates every field at once and records OwnedProductAdded; quantity 0 means 1."""
        problems = problems if problems is not None else Violations()
        person_id, account_id = person_id.strip(), account_id.strip()
        if bool(person_id) == bool(account_id):
            problems.add("person_id", "give exactly one owner: a person_id or an account_id")
            problems.add("account_id", "give exactly one owner: a person_id or an account_id")
        product_id, source = product_id.strip(), source.strip()
        if not product_id:
            problems.add("product_id", "is required")
        elif len(product_id) > MAX_PRODUCT_ID_LENGTH:
            problems.add("product_id", f"must be at most {MAX_PRODUCT_ID_LENGTH} characters")
        if len(source) > MAX_SOURCE_LENGTH:
            problems.add("source", f"must be at most {MAX_SOURCE_LENGTH} characters")
        values = _validate({"name": name, "quantity": quantity or 1, "purchased_on": purchased_on, "active": active}, problems)
        problems.raise_if_any()
        now = utcnow()
        product = cls(
            id=str(uuid.uuid4()), person_id=person_id, account_id=account_id, product_id=product_id,
            source=source or "manual", created_at=now, updated_at=now, **values,
        )
        product.events.append(events.OwnedProductAdded(product))
        return product

    def update(self, raw: Mapping[str, object], mask: Sequence[str]) -> list[str]:
        """Changes the masked fields; returns those that really changed (and records OwnedProductChanged if any)."""
        problems = Violations()
        mask = list(dict.fromkeys(mask))
        if not mask:
            problems.add("update_mask", f"name the fields to change: {', '.join(UPDATABLE_FIELDS)}")
        for path in mask:
            if path not in UPDATABLE_FIELDS:
                problems.add("update_mask", f"{path!r} cannot be changed; one of {', '.join(UPDATABLE_FIELDS)}")
        values = _validate({p: raw[p] for p in mask if p in UPDATABLE_FIELDS}, problems)
        problems.raise_if_any()
        changed = [p for p in UPDATABLE_FIELDS if p in values and values[p] != getattr(self, p)]
        if changed:
            for p in changed:
                setattr(self, p, values[p])
            self.updated_at = utcnow()
            self.events.append(events.OwnedProductChanged(self, tuple(changed)))
        return changed


def _validate(raw: Mapping[str, object], problems: Violations) -> dict:
    values: dict = {}
    if "name" in raw:
        values["name"] = str(raw["name"]).strip()
        if not values["name"]:
            problems.add("name", "is required")
        elif len(values["name"]) > MAX_PRODUCT_NAME_LENGTH:
            problems.add("name", f"must be at most {MAX_PRODUCT_NAME_LENGTH} characters")
    if "quantity" in raw:
        values["quantity"] = int(raw["quantity"])
        if not 1 <= values["quantity"] <= MAX_QUANTITY:
            problems.add("quantity", f"must be between 1 and {MAX_QUANTITY}")
    if "purchased_on" in raw:
        values["purchased_on"] = parse_date(raw["purchased_on"], "purchased_on", problems)
        if values["purchased_on"] is not None and values["purchased_on"] > utcnow().date():
            problems.add("purchased_on", "must not be in the future")
    if "active" in raw:
        values["active"] = bool(raw["active"])
    return values
