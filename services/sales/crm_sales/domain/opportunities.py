"""Opportunities: a deal moving through a pipeline's stages, its contacts and products, and its close."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from crm_chassis.access import Audience
from crm_chassis.errors import FailedPrecondition, Violations
from crm_sales.domain import events, money
from crm_sales.domain.pipelines import BACKWARD, CREATED, FORWARD, LOST, REOPENED, WON, Pipeline, move_kind

OPEN, STATUS_WON, STATUS_LOST = "open", "won", "lost"
STATUSES = (OPEN, STATUS_WON, STATUS_LOST)
ROLES = ("decision_maker", "influencer", "supporter", "user")
MAX_PRODUCTS = 200
MAX_CONTACTS = 50
MAX_QUANTITY = 1_000_000_000
NOTE_LENGTH = 2000
# Expected close dates are accepted from a year back (a deal that slipped) to ten years ahead.
CLOSE_DATE_PAST = timedelta(days=366)
CLOSE_DATE_FUTURE = timedelta(days=3653)

__all__ = ["BACKWARD", "FORWARD"]


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    quantity: int
    unit_price_minor: int
    currency: str

    @property
    def total_minor(self) -> int:
        return self.quantity * self.unit_price_minor


@dataclass(frozen=True)
class Contact:
    person_id: str
    role: str


@dataclass(frozen=True)
class StageChange:
    """One stay in a stage (or in won/lost); left_at is None while it lasts."""

    id: str
    opportunity_id: str
    pipeline_id: str
    stage_id: str
    from_stage_id: str
    status: str
    kind: str
    amount_minor: int
    currency: str
    probability: int
    entered_at: datetime
    left_at: datetime | None
    changed_by: str


@dataclass(frozen=True)
class CloseReason:
    id: str
    kind: str  # won | lost
    code: str
    label: str
    active: bool
    created_at: datetime


@dataclass
class Opportunity:
    id: str
    name: str
    account_id: str
    lead_id: str
    pipeline_id: str
    stage_id: str
    status: str
    amount_minor: int
    currency: str
    expected_close_date: date | None
    owner: str
    team: str
    territory: str
    next_step: str
    probability: int
    stage_entered_at: datetime
    created_at: datetime
    updated_at: datetime
    products: list[Product] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    close_reason_id: str = ""
    close_note: str = ""
    lost_to_competitor_id: str = ""
    competitor_price_minor: int | None = None
    competitor_currency: str = ""
    closed_at: datetime | None = None
    # Stage changes made in this unit of work; the repository closes the open one and appends these.
    new_changes: list[StageChange] = field(default_factory=list, repr=False, compare=False)
    events: list[Any] = field(default_factory=list, repr=False, compare=False)

    @property
    def audience(self) -> Audience:
        return Audience(self.owner, self.team, self.territory)

    def _enter(self, pipeline_id: str, stage_id: str, from_stage_id: str, kind: str, probability: int, now: datetime, actor: str) -> StageChange:
        change = StageChange(
            str(uuid.uuid4()), self.id, pipeline_id, stage_id, from_stage_id, self.status, kind,
            self.amount_minor, self.currency, probability, now, None, actor,
        )
        self.new_changes.append(change)
        return change

    def _require_open(self) -> None:
        if self.status != OPEN:
            raise FailedPrecondition(f"the opportunity is {self.status}; reopen it first")

    def move_to(self, pipeline: Pipeline, stage_id: str, now: datetime, actor: str) -> StageChange:
        """Forwards or backwards to any active stage of its pipeline; both are recorded."""
        self._require_open()
        kind = move_kind(pipeline, self.stage_id, stage_id)
        stage = pipeline.stage(stage_id)
        change = self._enter(pipeline.id, stage_id, self.stage_id, kind, stage.probability, now, actor)
        self.stage_id, self.probability, self.stage_entered_at, self.updated_at = stage_id, stage.probability, now, now
        self.events.append(events.OpportunityStageChanged(self, change))
        return change

    def close(self, outcome: str, reason: CloseReason, note: str, competitor_id: str, competitor_price: tuple[int, str] | None,
              now: datetime, actor: str) -> None:
        self._require_open()
        self.status = outcome
        self.probability = 100 if outcome == STATUS_WON else 0
        self.close_reason_id, self.close_note = reason.id, note
        self.lost_to_competitor_id = competitor_id
        self.competitor_price_minor, self.competitor_currency = competitor_price if competitor_price else (None, "")
        self.closed_at = self.updated_at = self.stage_entered_at = now
        change = self._enter(self.pipeline_id, self.stage_id, self.stage_id, WON if outcome == STATUS_WON else LOST, self.probability, now, actor)
        self.events.append(events.OpportunityStageChanged(self, change))
        self.events.append((events.OpportunityWon if outcome == STATUS_WON else events.OpportunityLost)(self, reason.code))

    def reopen(self, pipeline: Pipeline, stage_id: str, now: datetime, actor: str) -> None:
        if self.status == OPEN:
            raise FailedPrecondition("the opportunity is open already")
        target = stage_id or self.stage_id
        stage = pipeline.stage(target)
        if stage is None:
            problems = Violations()
            problems.add("stage_id", "is not an active stage of the opportunity's pipeline" if stage_id else
                         "the stage it was closed in was removed; name a stage")
            problems.raise_if_any()
        from_stage = self.stage_id
        self.status, self.stage_id, self.probability = OPEN, target, stage.probability
        self.close_reason_id = self.close_note = self.lost_to_competitor_id = self.competitor_currency = ""
        self.competitor_price_minor = self.closed_at = None
        self.stage_entered_at = self.updated_at = now
        change = self._enter(pipeline.id, target, from_stage, REOPENED, stage.probability, now, actor)
        self.events.append(events.OpportunityStageChanged(self, change))
        self.events.append(events.OpportunityReopened(self))

    def set_contacts(self, contacts: list[Contact], now: datetime) -> None:
        if contacts == self.contacts:
            return
        self.contacts = contacts
        self.updated_at = now
        self.events.append(events.OpportunityUpdated(self))

    def forget_person(self, person_id: str, now: datetime) -> bool:
        kept = [c for c in self.contacts if c.person_id != person_id]
        if len(kept) == len(self.contacts):
            return False
        self.contacts = kept
        self.updated_at = now
        self.events.append(events.OpportunityUpdated(self))
        return True

    def repoint_person(self, merged: set[str], survivor: str, now: datetime) -> bool:
        """Merged persons become the survivor. The survivor keeps its own role on the deal; otherwise it takes
        the strongest role the merged persons had (decision maker, influencer, supporter, user)."""
        if not any(c.person_id in merged for c in self.contacts):
            return False
        kept = [c for c in self.contacts if c.person_id not in merged]
        if not any(c.person_id == survivor for c in kept):
            role = min((c.role for c in self.contacts if c.person_id in merged), key=ROLES.index)
            kept.append(Contact(survivor, role))
        self.contacts = kept
        self.updated_at = now
        self.events.append(events.OpportunityUpdated(self))
        return True


# --- validation ----------------------------------------------------------------------------------


def parse_close_date(raw: str, today: date, problems: Violations, at: str) -> date | None:
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        problems.add(at, "must be a date written YYYY-MM-DD")
        return None
    if value < today - CLOSE_DATE_PAST or value > today + CLOSE_DATE_FUTURE:
        problems.add(at, "must be from a year ago to ten years ahead")
        return None
    return value


def check_money(amount_minor: int, currency: str, problems: Violations, at: str) -> None:
    money.check_amount(amount_minor, f"{at}.amount_minor", problems)
    money.check_currency(currency, f"{at}.currency", problems)


def clean_products(items: list[Product], currency: str, problems: Violations, at: str) -> list[Product]:
    if len(items) > MAX_PRODUCTS:
        problems.add(at, f"must be at most {MAX_PRODUCTS}")
    result = []
    for i, p in enumerate(items):
        where = f"{at}[{i}]"
        if not p.product_id.strip():
            problems.add(f"{where}.product_id", "is required")
        elif len(p.product_id) > 36:
            problems.add(f"{where}.product_id", "must be at most 36 characters")
        if len(p.name) > 200:
            problems.add(f"{where}.name", "must be at most 200 characters")
        if not 1 <= p.quantity <= MAX_QUANTITY:
            problems.add(f"{where}.quantity", f"must be from 1 to {MAX_QUANTITY}")
        check_money(p.unit_price_minor, p.currency, problems, f"{where}.unit_price")
        if p.currency and currency and p.currency != currency:
            problems.add(f"{where}.unit_price.currency", f"must be the opportunity's currency {currency}")
        elif 1 <= p.quantity <= MAX_QUANTITY and 0 <= p.unit_price_minor and p.total_minor > money.MAX_AMOUNT_MINOR:
            problems.add(f"{where}.quantity", f"quantity × unit price exceeds {money.MAX_AMOUNT_MINOR} minor units")
        result.append(Product(p.product_id.strip(), p.name.strip(), p.quantity, p.unit_price_minor, p.currency))
    return result


def clean_contacts(items: list[Contact], problems: Violations, at: str) -> list[Contact]:
    if len(items) > MAX_CONTACTS:
        problems.add(at, f"must be at most {MAX_CONTACTS}")
    seen: set[str] = set()
    for i, c in enumerate(items):
        if not c.person_id.strip():
            problems.add(f"{at}[{i}].person_id", "is required")
        elif c.person_id in seen:
            problems.add(f"{at}[{i}].person_id", "is on the deal twice")
        seen.add(c.person_id)
        if c.role not in ROLES:
            problems.add(f"{at}[{i}].role", f"must be one of {', '.join(ROLES)}")
    return [Contact(c.person_id.strip(), c.role) for c in items]


def check_text(value: str, limit: int, problems: Violations, at: str, required: bool = False) -> None:
    if required and not value.strip():
        problems.add(at, "is required")
    elif len(value) > limit:
        problems.add(at, f"must be at most {limit} characters")


@dataclass(frozen=True)
class OpportunityData:
    """What a request gives for a new opportunity (or the fields an update names)."""

    name: str = ""
    account_id: str = ""
    lead_id: str = ""
    pipeline_id: str = ""
    stage_id: str = ""
    amount_minor: int = 0
    currency: str = ""
    expected_close_date: str = ""
    owner: str = ""
    team: str = ""
    territory: str = ""
    next_step: str = ""
    products: tuple[Product, ...] = ()
    contacts: tuple[Contact, ...] = ()


UPDATABLE = ("name", "account_id", "amount", "expected_close_date", "owner", "team", "territory", "next_step", "products")


def new_opportunity(data: OpportunityData, pipeline: Pipeline | None, creator: tuple[str, str, str], now: datetime,
                    at: str = "opportunity") -> Opportunity:
    """A validated open opportunity in its pipeline's given (or first) stage. The amount defaults to the products' sum."""
    problems = Violations()
    check_text(data.name, 200, problems, f"{at}.name", required=True)
    for name in ("account_id", "lead_id"):
        check_text(getattr(data, name), 36, problems, f"{at}.{name}")
    check_text(data.next_step, 500, problems, f"{at}.next_step")
    for name in ("owner", "team", "territory"):
        check_text(getattr(data, name), 200, problems, f"{at}.{name}")
    currency = data.currency.strip().upper()
    products = clean_products(list(data.products), currency, problems, f"{at}.products")
    contacts = clean_contacts(list(data.contacts), problems, f"{at}.contacts")
    amount = data.amount_minor
    if amount == 0 and products and not problems:
        amount = sum(p.total_minor for p in products)
    check_money(amount, currency, problems, f"{at}.amount")
    close_date = parse_close_date(data.expected_close_date, now.date(), problems, f"{at}.expected_close_date")
    stage = None
    if pipeline is None:
        problems.add(f"{at}.pipeline_id", "is not a pipeline" if data.pipeline_id else "no default pipeline is configured; name one")
    elif data.stage_id:
        stage = pipeline.stage(data.stage_id)
        if stage is None:
            problems.add(f"{at}.stage_id", "is not an active stage of the pipeline")
    else:
        stage = pipeline.first_stage
    problems.raise_if_any()
    owner, team, territory = creator
    opp = Opportunity(
        id=str(uuid.uuid4()), name=data.name.strip(), account_id=data.account_id.strip(), lead_id=data.lead_id.strip(),
        pipeline_id=pipeline.id, stage_id=stage.id, status=OPEN, amount_minor=amount, currency=currency,
        expected_close_date=close_date, owner=data.owner.strip() or owner, team=data.team.strip() or team,
        territory=data.territory.strip() or territory, next_step=data.next_step.strip(), probability=stage.probability,
        stage_entered_at=now, created_at=now, updated_at=now, products=products, contacts=contacts,
    )
    opp._enter(pipeline.id, stage.id, "", CREATED, stage.probability, now, owner)
    opp.events.append(events.OpportunityCreated(opp))
    return opp


def update_opportunity(opp: Opportunity, data: OpportunityData, paths: tuple[str, ...], now: datetime, at: str = "opportunity") -> None:
    """Applies the named fields, all checked together; a closed deal keeps its amount and products."""
    problems = Violations()
    if not paths:
        problems.add("update_mask", "names no field to change")
    for p in paths:
        if p not in UPDATABLE:
            problems.add("update_mask", f"{p!r} cannot be changed here (paths: {', '.join(UPDATABLE)})")
    problems.raise_if_any()
    if opp.status != OPEN and ({"amount", "products"} & set(paths)):
        raise FailedPrecondition(f"the opportunity is {opp.status}: its amount and products are final")
    if "name" in paths:
        check_text(data.name, 200, problems, f"{at}.name", required=True)
    if "account_id" in paths:
        check_text(data.account_id, 36, problems, f"{at}.account_id")
    if "next_step" in paths:
        check_text(data.next_step, 500, problems, f"{at}.next_step")
    for name in ("owner", "team", "territory"):
        if name in paths:
            check_text(getattr(data, name), 200, problems, f"{at}.{name}", required=name == "owner")
    currency = data.currency.strip().upper() if "amount" in paths else opp.currency
    amount = data.amount_minor if "amount" in paths else opp.amount_minor
    if "amount" in paths:
        check_money(amount, currency, problems, f"{at}.amount")
    products = opp.products
    if "products" in paths:
        products = clean_products(list(data.products), currency, problems, f"{at}.products")
    elif "amount" in paths and currency != opp.currency and opp.products:
        problems.add(f"{at}.amount.currency", "differs from the products' currency; change the products too")
    close_date = opp.expected_close_date
    if "expected_close_date" in paths:
        close_date = parse_close_date(data.expected_close_date, now.date(), problems, f"{at}.expected_close_date")
    problems.raise_if_any()
    before = (opp.name, opp.account_id, opp.amount_minor, opp.currency, opp.expected_close_date, opp.owner, opp.team, opp.territory,
              opp.next_step, list(opp.products))
    if "name" in paths:
        opp.name = data.name.strip()
    if "account_id" in paths:
        opp.account_id = data.account_id.strip()
    if "next_step" in paths:
        opp.next_step = data.next_step.strip()
    for name in ("owner", "team", "territory"):
        if name in paths:
            setattr(opp, name, getattr(data, name).strip())
    opp.amount_minor, opp.currency, opp.products, opp.expected_close_date = amount, currency, products, close_date
    after = (opp.name, opp.account_id, opp.amount_minor, opp.currency, opp.expected_close_date, opp.owner, opp.team, opp.territory,
             opp.next_step, list(opp.products))
    if after != before:
        opp.updated_at = now
        opp.events.append(events.OpportunityUpdated(opp))


def check_close(outcome: str, reason: CloseReason | None, note: str, competitor_id: str, competitor_price: tuple[int, str] | None) -> None:
    problems = Violations()
    if outcome not in (STATUS_WON, STATUS_LOST):
        problems.add("outcome", "must be WON or LOST")
    if reason is None:
        problems.add("reason_id", "is required: one of ListCloseReasons")
    elif not reason.active:
        problems.add("reason_id", "is deactivated")
    elif outcome in (STATUS_WON, STATUS_LOST) and reason.kind != outcome:
        problems.add("reason_id", f"is a reason for {reason.kind} deals, not {outcome} ones")
    check_text(note, NOTE_LENGTH, problems, "note")
    if outcome == STATUS_WON and (competitor_id or competitor_price):
        problems.add("lost_to_competitor_id" if competitor_id else "competitor_price", "only a lost deal is lost to a competitor")
    check_text(competitor_id, 36, problems, "lost_to_competitor_id")
    if competitor_price is not None:
        check_money(competitor_price[0], competitor_price[1], problems, "competitor_price")
    problems.raise_if_any()


def new_close_reason(kind: str, code: str, label: str, now: datetime) -> CloseReason:
    problems = Violations()
    if kind not in (STATUS_WON, STATUS_LOST):
        problems.add("reason.kind", "must be WON or LOST")
    code = code.strip()
    if not code:
        problems.add("reason.code", "is required")
    elif len(code) > 100 or not all(ch.isalnum() or ch in "_-." for ch in code):
        problems.add("reason.code", "must be at most 100 letters, digits, '_', '-' or '.'")
    check_text(label, 200, problems, "reason.label", required=True)
    problems.raise_if_any()
    return CloseReason(str(uuid.uuid4()), kind, code, label.strip(), True, now)
