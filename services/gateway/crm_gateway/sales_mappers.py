"""Translation between the sales REST documents and SalesService messages, shared by every sales router.

The documents use the contract's names, so the generic `from_proto` / `to_proto` of message_mapping do nearly all
of it; what is left is the quote's version as an entity tag and the opportunity view composed with contacts.
"""

from __future__ import annotations

from pydantic import BaseModel

from crm.sales.v1 import commerce_pb2, sales_pb2
from crm_gateway import sales_schemas as ss
from crm_gateway.errors import ApiError
from crm_gateway.message_mapping import from_proto, present_values, to_proto, values_of
from crm_gateway.rest_common import expected_etag, update_mask

SERVICE = "sales"


def create_to_proto(message_type, body: BaseModel, **given):
    """A whole record from a create (or replace) body: every field, nested documents included."""
    return to_proto(message_type, {**values_of(body), **given})


def patch_to_proto(message_type, record_id: str, body: BaseModel) -> tuple:
    """The record with the keys present (absent or null ones empty) and the update mask naming the present keys."""
    return to_proto(message_type, {**present_values(body), "id": record_id}), update_mask(body)


# -- leads and opportunities ----------------------------------------------------------------------------------------


def lead_from_proto(lead: sales_pb2.Lead) -> ss.Lead:
    return from_proto(ss.Lead, lead)


def opportunity_from_proto(opportunity: sales_pb2.Opportunity) -> ss.Opportunity:
    return from_proto(ss.Opportunity, opportunity)


def conversion_to_proto(lead_id: str, body: ss.Conversion) -> sales_pb2.ConvertLeadRequest:
    return to_proto(sales_pb2.ConvertLeadRequest, {**values_of(body), "lead_id": lead_id})


def conversion_from_proto(response: sales_pb2.ConvertLeadResponse) -> ss.ConversionResult:
    return ss.ConversionResult(
        lead=lead_from_proto(response.lead),
        person_id=response.person_id,
        account_id=response.account_id,
        opportunity=opportunity_from_proto(response.opportunity) if response.HasField("opportunity") else None,
    )


def closing_to_proto(opportunity_id: str, body: ss.Closing) -> sales_pb2.CloseOpportunityRequest:
    return to_proto(sales_pb2.CloseOpportunityRequest, {**values_of(body), "id": opportunity_id})


def display_name(person) -> str:
    """How a person of contacts is named on a deal: given and family name, else the first email address."""
    name = " ".join(part for part in (person.given_name, person.family_name) if part)
    return name or (person.emails[0].address if person.emails else "")


def opportunity_view(
    opportunity: sales_pb2.Opportunity, account_name: str | None, names: dict[str, str | None], partial: list[str]
) -> ss.OpportunityView:
    contacts = [
        ss.ContactOnDeal(person_id=c.person_id, role=from_proto(ss.OpportunityContact, c).role, display_name=names.get(c.person_id))
        for c in opportunity.contacts
    ]
    return ss.OpportunityView(
        opportunity=opportunity_from_proto(opportunity), account_name=account_name, contacts=contacts, partial=partial
    )


# -- quotes ---------------------------------------------------------------------------------------------------------


def quote_etag(version: int) -> str:
    return f'"{version}"'


def quote_from_proto(quote: commerce_pb2.Quote) -> ss.Quote:
    return from_proto(ss.Quote, quote, etag=quote_etag(quote.version))


def order_from_proto(order: commerce_pb2.Order) -> ss.Order:
    return from_proto(ss.Order, order)


def expected_version(if_match: str | None, version: int = 0) -> int:
    """The quote version a change is based on: the body's, else the `If-Match` header's (0: no check).

    A tag that is not one of our versions can match no version: 412 at once, without asking sales.
    """
    tag = expected_etag(if_match).strip('"')
    if not tag:
        return version
    if not tag.isdigit() or int(tag) == 0 or (version and int(tag) != version):
        raise ApiError(412, "FAILED_PRECONDITION", f"If-Match {if_match} names no current version of the quote")
    return int(tag)

