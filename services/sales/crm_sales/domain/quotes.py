"""Quotes: lines priced from one price list, discounts, taxes, exact totals, versions, approval and status; plain Python.

A line's amounts, in integer minor units, rounded half-up once each (see money.py):
    list     = unit price × quantity
    discount = list × line discount rate (or a fixed line discount), then the quote's discount rate on what is left
    net      = list − discount
    tax      = net × tax rate
    gross    = net + tax
The quote's totals are the sums of its lines' amounts, nothing rounded again.

Statuses: draft → sent → accepted | rejected. A draft changes in place; a change to a sent or rejected quote makes a
new version (a draft again, the earlier version kept as it was sent); an accepted quote never changes.
A quote whose total discount exceeds the approval threshold needs an approver's yes before it can be sent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import STALE_VERSION, FailedPrecondition, PermissionDenied, Violations
from crm_sales.domain import commerce_events as events
from crm_sales.domain.catalog import MAX_DESCRIPTION_LENGTH, PriceList, Product, check_date, check_text, new_id, utcnow
from crm_sales.domain.money import BASIS_POINTS, MAX_AMOUNT_MINOR, apply_rate, check_amount, check_rate

STATUSES = ("draft", "sent", "accepted", "rejected")
APPROVALS = ("not_required", "pending", "approved", "rejected")
MAX_LINES = 500
MAX_QUANTITY = 1_000_000
APPROVER_ROLE = "approver"


@dataclass(frozen=True)
class LineInput:
    """A line as a caller writes it; tax_rate_bp None takes the product's rate."""

    product_id: str
    quantity: int
    discount_bp: int = 0
    discount_minor: int = 0
    tax_rate_bp: int | None = None


@dataclass(frozen=True)
class QuoteLine:
    product_id: str
    sku: str
    name: str
    quantity: int
    unit_price_minor: int
    discount_bp: int
    discount_minor: int  # a fixed discount on the line, instead of a rate
    tax_rate_bp: int
    list_minor: int
    discount_total_minor: int  # the line's own discount plus its share of the quote's discount
    net_minor: int
    tax_minor: int
    gross_minor: int


@dataclass(frozen=True)
class Totals:
    list_minor: int = 0
    discount_minor: int = 0
    net_minor: int = 0
    tax_minor: int = 0
    gross_minor: int = 0
    taxes: tuple[tuple[int, int, int], ...] = ()  # (rate_bp, taxable net, tax) per rate, ascending by rate

    @property
    def discount_bp(self) -> int:
        """The total discount as a rate of the list total, rounded half-up (for display; approval compares exactly)."""
        if not self.list_minor:
            return 0
        numerator = self.discount_minor * BASIS_POINTS
        return (2 * numerator + self.list_minor) // (2 * self.list_minor)

    def discount_exceeds(self, threshold_bp: int) -> bool:
        return self.discount_minor * BASIS_POINTS > threshold_bp * self.list_minor


def price_line(line: LineInput, unit_price_minor: int, product: Product, header_discount_bp: int) -> QuoteLine:
    """One line's amounts; the caller has validated the inputs."""
    list_minor = unit_price_minor * line.quantity
    own = line.discount_minor if line.discount_minor else apply_rate(list_minor, line.discount_bp)
    after_own = list_minor - own
    header = apply_rate(after_own, header_discount_bp)
    net = after_own - header
    tax_rate = product.tax_rate_bp if line.tax_rate_bp is None else line.tax_rate_bp
    tax = apply_rate(net, tax_rate)
    return QuoteLine(
        product_id=product.id, sku=product.sku, name=product.name, quantity=line.quantity, unit_price_minor=unit_price_minor,
        discount_bp=line.discount_bp, discount_minor=line.discount_minor, tax_rate_bp=tax_rate, list_minor=list_minor,
        discount_total_minor=own + header, net_minor=net, tax_minor=tax, gross_minor=net + tax,
    )


def totals_of(lines: list[QuoteLine]) -> Totals:
    taxes: dict[int, tuple[int, int]] = {}
    for line in lines:
        base, tax = taxes.get(line.tax_rate_bp, (0, 0))
        taxes[line.tax_rate_bp] = (base + line.net_minor, tax + line.tax_minor)
    return Totals(
        list_minor=sum(line.list_minor for line in lines),
        discount_minor=sum(line.discount_total_minor for line in lines),
        net_minor=sum(line.net_minor for line in lines),
        tax_minor=sum(line.tax_minor for line in lines),
        gross_minor=sum(line.gross_minor for line in lines),
        taxes=tuple((rate, base, tax) for rate, (base, tax) in sorted(taxes.items())),
    )


def build_lines(
    lines: list[LineInput],
    header_discount_bp: int,
    price_list: PriceList,
    products: dict[str, Product],
    problems: Violations,
) -> list[QuoteLine]:
    """Validates and prices every line; every bad line is reported by its index."""
    check_rate(header_discount_bp, "discount_bp", problems)
    if len(lines) > MAX_LINES:
        problems.add("lines", f"must have at most {MAX_LINES} lines")
        return []
    priced: list[QuoteLine] = []
    for i, line in enumerate(lines):
        where = f"lines[{i}]"
        bad = Violations()
        product = products.get(line.product_id)
        price = price_list.price_of(line.product_id)
        if not line.product_id:
            bad.add(f"{where}.product_id", "is required")
        elif product is None:
            bad.add(f"{where}.product_id", f"no product {line.product_id}")
        elif not product.active:
            bad.add(f"{where}.product_id", f"product {product.sku} is no longer sold")
        elif price is None:
            bad.add(f"{where}.product_id", f"product {product.sku} is not on the quote's price list {price_list.name}")
        if not 1 <= line.quantity <= MAX_QUANTITY:
            bad.add(f"{where}.quantity", f"must be between 1 and {MAX_QUANTITY}")
        check_rate(line.discount_bp, f"{where}.discount_bp", bad)
        check_amount(line.discount_minor, f"{where}.discount_minor", bad)
        if line.discount_bp and line.discount_minor:
            bad.add(f"{where}.discount_minor", "give either a discount rate or a fixed discount, not both")
        if line.tax_rate_bp is not None:
            check_rate(line.tax_rate_bp, f"{where}.tax_rate_bp", bad)
        if bad or product is None or price is None:
            problems.extend(bad)
            continue
        list_minor = price * line.quantity
        if list_minor > MAX_AMOUNT_MINOR:
            problems.add(f"{where}.quantity", f"the line amount {list_minor} exceeds {MAX_AMOUNT_MINOR} minor units")
            continue
        if line.discount_minor > list_minor:
            problems.add(f"{where}.discount_minor", "must not exceed the line amount")
            continue
        priced_line = price_line(line, price, product, header_discount_bp if 0 <= header_discount_bp <= BASIS_POINTS else 0)
        if priced_line.gross_minor > MAX_AMOUNT_MINOR:
            problems.add(f"{where}.quantity", f"the line amount with tax exceeds {MAX_AMOUNT_MINOR} minor units")
            continue
        priced.append(priced_line)
    if not problems and sum(line.gross_minor for line in priced) > MAX_AMOUNT_MINOR:
        problems.add("lines", f"the quote's total exceeds {MAX_AMOUNT_MINOR} minor units")
    return priced


@dataclass(frozen=True)
class QuoteTerms:
    """What a caller may change on a quote; every version is built from one."""

    lines: list[LineInput]
    discount_bp: int = 0
    valid_until: date | None = None
    note: str = ""


@dataclass
class Quote:
    id: str
    opportunity_id: str
    account_id: str
    price_list_id: str
    currency: str
    version: int
    status: str
    approval: str
    discount_bp: int
    valid_until: date | None
    note: str
    lines: list[QuoteLine]
    totals: Totals
    owner: str
    team: str
    territory: str
    created_at: datetime
    updated_at: datetime
    approved_by: str = ""
    approval_comment: str = ""
    decision_reason: str = ""  # why the customer rejected it
    order_id: str = ""  # set when accepted
    events: list = field(default_factory=list, repr=False, compare=False)

    @property
    def audience(self) -> Audience:
        return Audience(self.owner, self.team, self.territory)

    def is_visible_to(self, viewer: Viewer) -> bool:
        return self.audience.is_visible_to(viewer)

    @classmethod
    def create(
        cls,
        *,
        opportunity_id: str,
        account_id: str,
        audience: Audience,
        price_list: PriceList | None,
        products: dict[str, Product],
        terms: QuoteTerms,
        approval_threshold_bp: int,
        today: date,
    ) -> "Quote":
        problems = Violations()
        if price_list is None:
            problems.add("price_list_id", "no such price list")
            lines: list[QuoteLine] = []
        else:
            if not price_list.is_valid_on(today):
                problems.add("price_list_id", f"price list {price_list.name} is not valid on {today.isoformat()}")
            lines = build_lines(terms.lines, terms.discount_bp, price_list, products, problems)
        _check_terms(terms, today, problems)
        problems.raise_if_any()
        now = utcnow()
        totals = totals_of(lines)
        quote = cls(
            id=new_id(), opportunity_id=opportunity_id, account_id=account_id, price_list_id=price_list.id, currency=price_list.currency,
            version=1, status="draft", approval=_approval_for(totals, approval_threshold_bp), discount_bp=terms.discount_bp,
            valid_until=terms.valid_until, note=terms.note, lines=lines, totals=totals,
            owner=audience.owner, team=audience.team, territory=audience.territory, created_at=now, updated_at=now,
        )
        quote.events.append(events.QuoteChanged(quote, "created"))
        return quote

    def check_version(self, expected: int) -> None:
        """0: the caller does not care; otherwise the version the caller saw must still be the current one."""
        if expected and expected != self.version:
            raise FailedPrecondition(f"quote {self.id} is at version {self.version}, not {expected}", reason=STALE_VERSION)

    def revise(self, terms: QuoteTerms, price_list: PriceList, products: dict[str, Product], approval_threshold_bp: int, today: date) -> bool:
        """Changes the terms: the draft in place, a sent or rejected quote as a new version. False: nothing changed."""
        if self.status == "accepted":
            raise FailedPrecondition(f"quote {self.id} was accepted and cannot change")
        problems = Violations()
        if not price_list.is_valid_on(today):
            problems.add("price_list_id", f"price list {price_list.name} is not valid on {today.isoformat()}")
        lines = build_lines(terms.lines, terms.discount_bp, price_list, products, problems)
        _check_terms(terms, today, problems)
        problems.raise_if_any()
        if (lines, terms.discount_bp, terms.valid_until, terms.note) == (self.lines, self.discount_bp, self.valid_until, self.note):
            return False
        kind = "updated"
        if self.status != "draft":
            self.version += 1
            self.status = "draft"
            self.decision_reason = ""
            kind = "revised"
        self.lines, self.discount_bp, self.valid_until, self.note = lines, terms.discount_bp, terms.valid_until, terms.note
        self.totals = totals_of(lines)
        self.approval = _approval_for(self.totals, approval_threshold_bp)
        self.approved_by, self.approval_comment = "", ""
        self.updated_at = utcnow()
        self.events.append(events.QuoteChanged(self, kind))
        return True

    def decide_approval(self, approver: Viewer, approve: bool, comment: str) -> None:
        problems = Violations()
        check_text(comment, "comment", problems, required=not approve, limit=MAX_DESCRIPTION_LENGTH)
        problems.raise_if_any()
        if self.status != "draft" or self.approval != "pending":
            raise FailedPrecondition(f"quote {self.id} version {self.version} is not waiting for approval")
        if approver.subject == self.owner:
            raise PermissionDenied("a quote's owner cannot approve their own discount")
        self.approval = "approved" if approve else "rejected"
        self.approved_by, self.approval_comment = approver.subject, comment
        self.updated_at = utcnow()
        self.events.append(events.QuoteChanged(self, "approved" if approve else "approval_rejected"))

    def send(self, today: date) -> None:
        if self.status != "draft":
            raise FailedPrecondition(f"quote {self.id} is {self.status}; only a draft can be sent")
        if not self.lines:
            raise FailedPrecondition(f"quote {self.id} has no lines")
        if self.approval in ("pending", "rejected"):
            raise FailedPrecondition(
                f"quote {self.id} gives a {self.totals.discount_bp / 100:.2f} % discount and needs an approver's yes first (approval {self.approval})"
            )
        self._not_expired(today)
        self.status = "sent"
        self.updated_at = utcnow()
        self.events.append(events.QuoteChanged(self, "sent"))

    def accept(self, today: date) -> None:
        if self.status != "sent":
            raise FailedPrecondition(f"quote {self.id} is {self.status}; only a sent quote can be accepted")
        self._not_expired(today)
        self.status = "accepted"
        self.updated_at = utcnow()
        self.events.append(events.QuoteChanged(self, "accepted"))

    def reject(self, reason: str) -> None:
        problems = Violations()
        check_text(reason, "reason", problems, required=False, limit=MAX_DESCRIPTION_LENGTH)
        problems.raise_if_any()
        if self.status != "sent":
            raise FailedPrecondition(f"quote {self.id} is {self.status}; only a sent quote can be rejected")
        self.status = "rejected"
        self.decision_reason = reason
        self.updated_at = utcnow()
        self.events.append(events.QuoteChanged(self, "rejected"))

    def _not_expired(self, today: date) -> None:
        if self.valid_until is not None and today > self.valid_until:
            raise FailedPrecondition(f"quote {self.id} expired on {self.valid_until.isoformat()}")


def _check_terms(terms: QuoteTerms, today: date, problems: Violations) -> None:
    check_text(terms.note, "note", problems, required=False, limit=MAX_DESCRIPTION_LENGTH)
    check_date(terms.valid_until, "valid_until", problems)
    if terms.valid_until is not None and terms.valid_until < today:
        problems.add("valid_until", "must not be in the past")


def _approval_for(totals: Totals, threshold_bp: int) -> str:
    return "pending" if totals.discount_exceeds(threshold_bp) else "not_required"
