"""Orders: an accepted quote's version frozen as what the customer bought; plain Python."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import FailedPrecondition, Violations
from crm_sales.domain import commerce_events as events
from crm_sales.domain.catalog import check_text, new_id, utcnow
from crm_sales.domain.quotes import Quote, QuoteLine, Totals

MAX_PO_NUMBER_LENGTH = 100


@dataclass
class Order:
    id: str
    quote_id: str
    quote_version: int
    opportunity_id: str
    account_id: str
    price_list_id: str
    currency: str
    purchase_order_number: str
    lines: list[QuoteLine]
    totals: Totals
    owner: str
    team: str
    territory: str
    placed_at: datetime
    placed_by: str
    events: list = field(default_factory=list, repr=False, compare=False)

    def is_visible_to(self, viewer: Viewer) -> bool:
        return Audience(self.owner, self.team, self.territory).is_visible_to(viewer)

    @classmethod
    def place(cls, quote: Quote, placed_by: str, purchase_order_number: str = "") -> "Order":
        """From an accepted quote; the order copies the version the customer accepted, amounts included."""
        problems = Violations()
        purchase_order_number = purchase_order_number.strip()
        check_text(purchase_order_number, "purchase_order_number", problems, required=False, limit=MAX_PO_NUMBER_LENGTH)
        problems.raise_if_any()
        if quote.status != "accepted":
            raise FailedPrecondition(f"quote {quote.id} is {quote.status}; only an accepted quote becomes an order")
        order = cls(
            id=new_id(), quote_id=quote.id, quote_version=quote.version, opportunity_id=quote.opportunity_id, account_id=quote.account_id,
            price_list_id=quote.price_list_id, currency=quote.currency, purchase_order_number=purchase_order_number,
            lines=list(quote.lines), totals=quote.totals, owner=quote.owner, team=quote.team, territory=quote.territory,
            placed_at=utcnow(), placed_by=placed_by,
        )
        order.events.append(events.OrderPlaced(order))
        return order
