"""What contacts keeps of sales' events: deals as dossier lines and won deals as owned products; plain Python."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from crm_contacts.domain.custom_fields import Money
from crm_contacts.domain.owned_products import MAX_PRODUCT_NAME_LENGTH

SOURCE = "sales"  # the dossier lines' source


@dataclass(frozen=True)
class DealContact:
    person_id: str
    decision_maker: bool = False


@dataclass(frozen=True)
class DealProduct:
    product_id: str
    name: str
    quantity: int


@dataclass(frozen=True)
class Deal:
    """An opportunity as contacts sees it."""

    id: str
    name: str
    account_id: str = ""
    contacts: tuple[DealContact, ...] = ()
    amount: Money | None = None
    products: tuple[DealProduct, ...] = ()

    @property
    def person_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.person_id for c in self.contacts if c.person_id))

    @property
    def product_source(self) -> str:
        """The owned products' `source`: it finds them again on a second won event and on reopening."""
        return f"sales:opportunity:{self.id}"

    def buyer_candidates(self) -> tuple[str, ...]:
        """Persons who may own a won deal without an account: decision makers first, then the others as listed."""
        first = [c.person_id for c in self.contacts if c.decision_maker]
        return tuple(dict.fromkeys([*first, *self.person_ids]))

    def bought(self) -> dict[str, DealProduct]:
        """The products by catalogue id; lines of the same product add up. A nameless line is named by its id."""
        out: dict[str, DealProduct] = {}
        for p in self.products:
            name = (p.name.strip() or p.product_id)[:MAX_PRODUCT_NAME_LENGTH]
            quantity = max(p.quantity, 1)
            if p.product_id in out:
                quantity += out[p.product_id].quantity
                name = out[p.product_id].name
            out[p.product_id] = DealProduct(p.product_id, name, quantity)
        return out


@dataclass(frozen=True)
class SalesFact:
    """One sales event as the dossier records it: the same line for the account and for each person named."""

    event_id: str
    kind: str  # the event type, e.g. "OpportunityWon"
    summary: str
    account_id: str = ""
    person_ids: tuple[str, ...] = ()
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class DealWon:
    fact: SalesFact
    deal: Deal
    won_on: date


@dataclass(frozen=True)
class DealReopened:
    fact: SalesFact
    deal: Deal


@dataclass(frozen=True)
class DealMoved:
    """A move between open stages; the line names the stage when contacts knows its name."""

    event_id: str
    deal: Deal
    direction: str  # "forward" or "backward"
    stage_id: str
    probability: int
    occurred_at: datetime | None = None

    def fact(self, stage_name: str) -> SalesFact:
        summary = stage_changed(self.deal, self.direction, stage_name, self.probability)
        return SalesFact(self.event_id, "OpportunityStageChanged", summary, self.deal.account_id, self.deal.person_ids, self.occurred_at)


@dataclass(frozen=True)
class PipelineStages:
    """A pipeline's stage names as its latest PipelineCreated/PipelineUpdated gives them."""

    event_id: str
    pipeline_id: str
    updated_at: datetime
    stages: tuple[tuple[str, str], ...]  # (stage id, name)


# --- the dossier lines ---
def _deal(deal: Deal) -> str:
    return f"Opportunity “{deal.name or deal.id}”"


def _amount(amount: Money | None) -> str:
    return f" ({amount})" if amount is not None and amount.currency else ""


def _products(deal: Deal) -> str:
    return ", ".join(f"{p.quantity} × {p.name}" for p in deal.bought().values())


def opportunity_created(deal: Deal) -> str:
    return f"{_deal(deal)} created{_amount(deal.amount)}"


def stage_changed(deal: Deal, direction: str, stage_name: str, probability: int) -> str:
    """`direction` "forward" or "backward"; the stage's name when known, else its win probability."""
    where = f" to {stage_name} ({probability} %)" if stage_name else f" to a stage with {probability} % probability"
    return f"{_deal(deal)} moved {direction}{where}"


def opportunity_won(deal: Deal) -> str:
    products = _products(deal)
    return f"{_deal(deal)} won{_amount(deal.amount)}" + (f": {products}" if products else "")


def opportunity_lost(deal: Deal, reason: str, note: str) -> str:
    why = "; ".join(part for part in (reason.strip(), note.strip()) if part)
    return f"{_deal(deal)} lost" + (f": {why}" if why else "")


def opportunity_reopened(deal: Deal) -> str:
    return f"{_deal(deal)} reopened"


def order_placed(reference: str, total: Money | None, lines: list[tuple[int, str]]) -> str:
    """`reference` the customer's purchase order number or ""; `lines` (quantity, name)."""
    what = ", ".join(f"{q} × {n}" for q, n in lines)
    head = f"Order {reference} placed" if reference else "Order placed"
    return f"{head}{_amount(total)}" + (f": {what}" if what else "")


def lead_converted(company: str, lead_source: str) -> str:
    """Without the lead's name: it is personal data the person's erasure could not find in an account's dossier."""
    of = f" of {company.strip()}" if company.strip() else ""
    origin = f" (source: {lead_source.strip()})" if lead_source.strip() else ""
    return f"Converted from a sales lead{of}{origin}"
