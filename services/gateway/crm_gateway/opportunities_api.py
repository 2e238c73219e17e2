"""The REST routes of opportunities: the deal, its stage moves and closing, its contacts and competitors, and the
opportunity view composed with the customer file (account and contact names from contacts)."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from crm.contacts.v1 import accounts_pb2, contacts_pb2, contacts_pb2_grpc
from crm.sales.v1 import commerce_pb2, sales_pb2, sales_pb2_grpc
from crm_gateway import contacts_common
from crm_gateway import sales_mappers as sm
from crm_gateway import sales_schemas as ss
from crm_gateway.edge import API_ERRORS, Caller
from crm_gateway.errors import ApiError
from crm_gateway.message_mapping import enum_value
from crm_gateway.rest_common import CONFLICT, NOT_FOUND, PageSize, PageToken, caller

log = logging.getLogger(__name__)


def routes(sales: sales_pb2_grpc.SalesServiceStub, contacts: contacts_pb2_grpc.ContactsServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["opportunities"])
    call = caller(timeout, sm.SERVICE)
    call_contacts = contacts_common.caller(timeout)

    @router.post(
        "/v1/opportunities",
        status_code=201,
        name="create_opportunity",
        summary="Open an opportunity",
        description="Without a pipeline it goes into the default one, without a stage into the pipeline's first stage.",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def create_opportunity(body: ss.OpportunityCreate, principal: Caller, request: Request, response: Response) -> ss.Opportunity:
        opportunity = sm.create_to_proto(sales_pb2.Opportunity, body)
        created = await call(
            sales.CreateOpportunity, sales_pb2.CreateOpportunityRequest(opportunity=opportunity), principal, "opportunity"
        )
        response.headers["Location"] = request.app.url_path_for("get_opportunity", opportunity_id=created.id)
        return sm.opportunity_from_proto(created)

    @router.get("/v1/opportunities", name="list_opportunities", summary="List opportunities", responses=API_ERRORS)
    async def list_opportunities(
        principal: Caller,
        status: Annotated[ss.OpportunityStatusIn | None, Query(description="Only open, won or lost ones.")] = None,
        owner: str = "",
        pipeline_id: str = "",
        stage_id: str = "",
        account_id: str = "",
        page_size: PageSize = 0,
        page_token: PageToken = "",
    ) -> ss.OpportunityList:
        request = sales_pb2.ListOpportunitiesRequest(
            status=enum_value(sales_pb2.ListOpportunitiesRequest, "status", status),
            owner=owner,
            pipeline_id=pipeline_id,
            stage_id=stage_id,
            account_id=account_id,
            page_size=page_size,
            page_token=page_token,
        )
        listed = await call(sales.ListOpportunities, request, principal)
        return ss.OpportunityList(
            opportunities=[sm.opportunity_from_proto(o) for o in listed.opportunities], next_page_token=listed.next_page_token
        )

    @router.get(
        "/v1/opportunities/{opportunity_id}",
        name="get_opportunity",
        summary="Get an opportunity with its account's and contacts' names",
        description="The account and the contacts are fetched from contacts alongside each other; when that fails the "
        'opportunity is still returned, with the names null and `partial: ["account"]` and/or `["contacts"]`.',
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def get_opportunity(opportunity_id: str, principal: Caller) -> ss.OpportunityView:
        opportunity = await call(sales.GetOpportunity, sales_pb2.GetOpportunityRequest(id=opportunity_id), principal)
        person_ids = list(dict.fromkeys(c.person_id for c in opportunity.contacts))
        account = (
            call_contacts(contacts.GetAccount, accounts_pb2.GetAccountRequest(id=opportunity.account_id), principal)
            if opportunity.account_id
            else _nothing()
        )
        persons = [call_contacts(contacts.GetPerson, contacts_pb2.GetPersonRequest(id=p), principal) for p in person_ids]
        found = await asyncio.gather(account, *persons, return_exceptions=True)
        partial: list[str] = []
        account_found = _degraded(found[0], "account", opportunity_id, partial)
        names: dict[str, str | None] = {}
        for person_id, answer in zip(person_ids, found[1:], strict=True):
            person = _degraded(answer, "contacts", opportunity_id, partial)
            names[person_id] = sm.display_name(person) if person is not None else None
        return sm.opportunity_view(opportunity, account_found.name if account_found is not None else None, names, partial)

    @router.patch(
        "/v1/opportunities/{opportunity_id}",
        name="update_opportunity",
        summary="Change some fields of an opportunity",
        description="The JSON keys present are the fields changed (`products` is replaced as a whole). A closed "
        "opportunity answers 409.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def update_opportunity(opportunity_id: str, body: ss.OpportunityPatch, principal: Caller) -> ss.Opportunity:
        opportunity, mask = sm.patch_to_proto(sales_pb2.Opportunity, opportunity_id, body)
        request = sales_pb2.UpdateOpportunityRequest(opportunity=opportunity, update_mask=mask)
        return sm.opportunity_from_proto(await call(sales.UpdateOpportunity, request, principal, "opportunity"))

    @router.post(
        "/v1/opportunities/{opportunity_id}:move",
        name="move_opportunity",
        summary="Move an opportunity to another stage of its pipeline",
        description="Forwards or backwards; the move is recorded in the stage history. A closed opportunity answers 409.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def move_opportunity(opportunity_id: str, body: ss.StageMove, principal: Caller) -> ss.Opportunity:
        request = sales_pb2.MoveOpportunityStageRequest(id=opportunity_id, stage_id=body.stage_id)
        return sm.opportunity_from_proto(await call(sales.MoveOpportunityStage, request, principal))

    @router.post(
        "/v1/opportunities/{opportunity_id}:close",
        name="close_opportunity",
        summary="Close an opportunity as won or lost",
        description="With a reason of the matching kind (`GET /v1/close-reasons`); lost, optionally to which competitor at "
        "what price. Won publishes `OpportunityWon` with the products.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def close_opportunity(opportunity_id: str, body: ss.Closing, principal: Caller) -> ss.Opportunity:
        return sm.opportunity_from_proto(await call(sales.CloseOpportunity, sm.closing_to_proto(opportunity_id, body), principal))

    @router.post(
        "/v1/opportunities/{opportunity_id}:reopen",
        name="reopen_opportunity",
        summary="Reopen a closed opportunity",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def reopen_opportunity(opportunity_id: str, body: ss.Reopening, principal: Caller) -> ss.Opportunity:
        request = sales_pb2.ReopenOpportunityRequest(id=opportunity_id, stage_id=body.stage_id)
        return sm.opportunity_from_proto(await call(sales.ReopenOpportunity, request, principal))

    @router.put(
        "/v1/opportunities/{opportunity_id}/contacts",
        name="set_opportunity_contacts",
        summary="Set the contacts on the deal with their roles",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def set_opportunity_contacts(opportunity_id: str, body: ss.DealContacts, principal: Caller) -> ss.Opportunity:
        request = sm.to_proto(sales_pb2.SetOpportunityContactsRequest, {"id": opportunity_id, "contacts": body.contacts})
        return sm.opportunity_from_proto(await call(sales.SetOpportunityContacts, request, principal))

    @router.get(
        "/v1/opportunities/{opportunity_id}/stage-history",
        name="list_opportunity_stage_history",
        summary="The stages an opportunity went through, with the time spent in each",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_stage_history(opportunity_id: str, principal: Caller) -> ss.StageHistory:
        listed = await call(sales.ListStageHistory, sales_pb2.ListStageHistoryRequest(opportunity_id=opportunity_id), principal)
        return ss.StageHistory(changes=[sm.from_proto(ss.StageChange, c) for c in listed.changes])

    @router.get(
        "/v1/opportunities/{opportunity_id}/competitors",
        name="list_opportunity_competitors",
        summary="The competitors in the running for an opportunity",
        tags=["competitors"],
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_deal_competitors(opportunity_id: str, principal: Caller) -> ss.DealCompetitorList:
        request = commerce_pb2.ListOpportunityCompetitorsRequest(opportunity_id=opportunity_id)
        listed = await call(sales.ListOpportunityCompetitors, request, principal)
        return ss.DealCompetitorList(entries=[sm.from_proto(ss.DealCompetitor, e) for e in listed.entries])

    @router.put(
        "/v1/opportunities/{opportunity_id}/competitors/{competitor_id}",
        name="set_opportunity_competitor",
        summary="Put a competitor on an opportunity, or replace what is said about it",
        tags=["competitors"],
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def set_deal_competitor(
        opportunity_id: str, competitor_id: str, body: ss.DealCompetitorIn, principal: Caller
    ) -> ss.DealCompetitor:
        entry = sm.create_to_proto(commerce_pb2.OpportunityCompetitor, body, opportunity_id=opportunity_id, competitor_id=competitor_id)
        stored = await call(sales.SetOpportunityCompetitor, commerce_pb2.SetOpportunityCompetitorRequest(entry=entry), principal, "entry")
        return sm.from_proto(ss.DealCompetitor, stored)

    @router.delete(
        "/v1/opportunities/{opportunity_id}/competitors/{competitor_id}",
        status_code=204,
        name="remove_opportunity_competitor",
        summary="Take a competitor off an opportunity",
        tags=["competitors"],
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def remove_deal_competitor(opportunity_id: str, competitor_id: str, principal: Caller) -> Response:
        request = commerce_pb2.RemoveOpportunityCompetitorRequest(opportunity_id=opportunity_id, competitor_id=competitor_id)
        await call(sales.RemoveOpportunityCompetitor, request, principal)
        return Response(status_code=204)

    return router


async def _nothing() -> None:
    return None


def _degraded(answer, part: str, opportunity_id: str, partial: list[str]):
    """A contacts answer, or None when contacts failed: the view degrades, it does not fail."""
    if isinstance(answer, ApiError):
        log.warning("answering opportunity %s without its %s: %s %s", opportunity_id, part, answer.code, answer.message)
        if part not in partial:
            partial.append(part)
        return None
    if isinstance(answer, BaseException):
        raise answer
    return answer
