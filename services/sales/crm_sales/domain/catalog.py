"""Products and price lists: what can be sold, at what price, in which currency and period; plain Python."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from crm_chassis.errors import Violations
from crm_sales.domain import commerce_events as events
from crm_sales.domain.money import check_amount, check_currency, check_rate

MAX_NAME_LENGTH = 200
MAX_SKU_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 2000
MAX_PRICE_LIST_ENTRIES = 10_000
# Dates outside this range are typing mistakes (year 20026), not price periods.
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2199, 12, 31)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def check_text(value: str, field: str, problems: Violations, *, required: bool, limit: int = MAX_NAME_LENGTH) -> None:
    if required and not value.strip():
        problems.add(field, "is required")
    elif len(value) > limit:
        problems.add(field, f"must be at most {limit} characters")


def check_date(value: date | None, field: str, problems: Violations) -> None:
    if value is not None and not FIRST_DATE <= value <= LAST_DATE:
        problems.add(field, f"must be between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}")


@dataclass
class Product:
    id: str
    sku: str
    name: str
    description: str
    tax_rate_bp: int  # the default tax of a quote line for this product, e.g. 1900 = 19 %
    active: bool
    created_at: datetime
    updated_at: datetime
    events: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(cls, *, sku: str, name: str, description: str = "", tax_rate_bp: int = 0, active: bool = True) -> "Product":
        problems = Violations()
        sku, name = sku.strip(), name.strip()
        check_text(sku, "sku", problems, required=True, limit=MAX_SKU_LENGTH)
        check_text(name, "name", problems, required=True)
        check_text(description, "description", problems, required=False, limit=MAX_DESCRIPTION_LENGTH)
        check_rate(tax_rate_bp, "tax_rate_bp", problems)
        problems.raise_if_any()
        now = utcnow()
        product = cls(new_id(), sku, name, description, tax_rate_bp, active, now, now)
        product.events.append(events.ProductChanged(product, created=True))
        return product

    def update(self, *, name: str, description: str, tax_rate_bp: int, active: bool) -> bool:
        problems = Violations()
        name = name.strip()
        check_text(name, "name", problems, required=True)
        check_text(description, "description", problems, required=False, limit=MAX_DESCRIPTION_LENGTH)
        check_rate(tax_rate_bp, "tax_rate_bp", problems)
        problems.raise_if_any()
        if (name, description, tax_rate_bp, active) == (self.name, self.description, self.tax_rate_bp, self.active):
            return False
        self.name, self.description, self.tax_rate_bp, self.active = name, description, tax_rate_bp, active
        self.updated_at = utcnow()
        self.events.append(events.ProductChanged(self, created=False))
        return True


@dataclass
class PriceList:
    """Prices of products in one currency, valid from one day to another (both included; no end: open)."""

    id: str
    name: str
    currency: str
    valid_from: date
    valid_to: date | None
    entries: dict[str, int]  # product id → unit price in minor units
    active: bool
    created_at: datetime
    updated_at: datetime
    events: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(
        cls,
        *,
        name: str,
        currency: str,
        valid_from: date | None,
        valid_to: date | None,
        entries: list[tuple[str, int]],
        known_products: set[str],
        active: bool = True,
    ) -> "PriceList":
        problems = Violations()
        name = name.strip()
        check_text(name, "name", problems, required=True)
        check_currency(currency, "currency", problems)
        prices = _check_period_and_entries(valid_from, valid_to, entries, known_products, problems)
        problems.raise_if_any()
        now = utcnow()
        price_list = cls(new_id(), name, currency, valid_from, valid_to, prices, active, now, now)
        price_list.events.append(events.PriceListChanged(price_list, created=True))
        return price_list

    def update(
        self, *, name: str, valid_from: date | None, valid_to: date | None, entries: list[tuple[str, int]], known_products: set[str], active: bool
    ) -> bool:
        """The currency of a price list never changes: quotes written in it keep their meaning."""
        problems = Violations()
        name = name.strip()
        check_text(name, "name", problems, required=True)
        prices = _check_period_and_entries(valid_from, valid_to, entries, known_products, problems)
        problems.raise_if_any()
        if (name, valid_from, valid_to, prices, active) == (self.name, self.valid_from, self.valid_to, self.entries, self.active):
            return False
        self.name, self.valid_from, self.valid_to, self.entries, self.active = name, valid_from, valid_to, prices, active
        self.updated_at = utcnow()
        self.events.append(events.PriceListChanged(self, created=False))
        return True

    def is_valid_on(self, day: date) -> bool:
        return self.active and self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def price_of(self, product_id: str) -> int | None:
        return self.entries.get(product_id)


def _check_period_and_entries(
    valid_from: date | None, valid_to: date | None, entries: list[tuple[str, int]], known_products: set[str], problems: Violations
) -> dict[str, int]:
    if valid_from is None:
        problems.add("valid_from", "is required")
    check_date(valid_from, "valid_from", problems)
    check_date(valid_to, "valid_to", problems)
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        problems.add("valid_to", "must not be before valid_from")
    if len(entries) > MAX_PRICE_LIST_ENTRIES:
        problems.add("entries", f"must have at most {MAX_PRICE_LIST_ENTRIES} entries")
    prices: dict[str, int] = {}
    for i, (product_id, price) in enumerate(entries):
        if not product_id:
            problems.add(f"entries[{i}].product_id", "is required")
        elif product_id not in known_products:
            problems.add(f"entries[{i}].product_id", f"no product {product_id}")
        elif product_id in prices:
            problems.add(f"entries[{i}].product_id", "is listed twice")
        check_amount(price, f"entries[{i}].unit_price_minor", problems)
        prices.setdefault(product_id, price)
    return prices

