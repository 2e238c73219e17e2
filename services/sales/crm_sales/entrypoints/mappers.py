"""Requests of the core RPCs as domain values: enums to words, messages to dataclasses, masks to paths."""
from __future__ import annotations

from crm.sales.v1 import sales_pb2 as pb
from crm_chassis.errors import FieldViolation, InvalidArgument
from crm_sales.domain.leads import LEAD_FIELDS, LeadData
from crm_sales.domain.opportunities import Contact, OpportunityData, Product
from crm_sales.domain.pipelines import StageSpec

LEAD_STATUS = {pb.LEAD_STATUS_NEW: "new", pb.LEAD_STATUS_WORKING: "working", pb.LEAD_STATUS_QUALIFIED: "qualified",
               pb.LEAD_STATUS_DISQUALIFIED: "disqualified", pb.LEAD_STATUS_CONVERTED: "converted"}
LEAD_RATING = {pb.LEAD_RATING_UNSPECIFIED: "", pb.LEAD_RATING_COLD: "cold", pb.LEAD_RATING_WARM: "warm", pb.LEAD_RATING_HOT: "hot"}
OUTCOME = {pb.OPPORTUNITY_STATUS_WON: "won", pb.OPPORTUNITY_STATUS_LOST: "lost"}
OPPORTUNITY_STATUS = {pb.OPPORTUNITY_STATUS_OPEN: "open", **OUTCOME}
ROLE = {pb.CONTACT_ROLE_DECISION_MAKER: "decision_maker", pb.CONTACT_ROLE_INFLUENCER: "influencer",
        pb.CONTACT_ROLE_SUPPORTER: "supporter", pb.CONTACT_ROLE_USER: "user"}
REASON_KIND = {pb.CLOSE_REASON_KIND_WON: "won", pb.CLOSE_REASON_KIND_LOST: "lost"}


def enum(value: int, table: dict[int, str], field: str, allow_unspecified: bool = True) -> str:
    if value in table:
        return table[value]
    if value == 0 and allow_unspecified:
        return ""
    raise InvalidArgument([FieldViolation(field, f"unknown value {value}")])


def stages(items) -> list[StageSpec]:
    return [StageSpec(s.id, s.name, s.probability, s.expected_days) for s in items]


def lead_data(m: pb.Lead, status_default: str = "new") -> LeadData:
    values = {name: getattr(m, name) for name in LEAD_FIELDS if name not in ("status", "rating")}
    status = enum(m.status, LEAD_STATUS, "lead.status") or status_default
    return LeadData(**values, status=status, rating=enum(m.rating, LEAD_RATING, "lead.rating"))


def mask(update_mask) -> tuple[str, ...]:
    return tuple(dict.fromkeys(update_mask.paths))


def opportunity_data(m: pb.Opportunity, at: str = "opportunity") -> OpportunityData:
    return OpportunityData(
        name=m.name, account_id=m.account_id, lead_id=m.lead_id, pipeline_id=m.pipeline_id, stage_id=m.stage_id,
        amount_minor=m.amount.amount_minor, currency=m.amount.currency, expected_close_date=m.expected_close_date,
        owner=m.owner, team=m.team, territory=m.territory, next_step=m.next_step,
        products=tuple(Product(p.product_id, p.name, p.quantity, p.unit_price.amount_minor, p.unit_price.currency.strip().upper())
                       for p in m.products),
        contacts=contacts(m.contacts, f"{at}.contacts"),
    )


def contacts(items, at: str = "contacts") -> tuple[Contact, ...]:
    # An unknown role is left for the domain's check, which names the field.
    return tuple(Contact(c.person_id, ROLE.get(c.role, "")) for c in items)


def competitor_price(request: pb.CloseOpportunityRequest) -> tuple[int, str] | None:
    if not request.HasField("competitor_price"):
        return None
    return request.competitor_price.amount_minor, request.competitor_price.currency.strip().upper()
