"""The REST routes of quotes and orders: versions, approval above the discount threshold, send, accept (→ order), reject.

A quote's version is its entity tag: `ETag: "3"`; `If-Match` on a change or a step names the version it is based on,
and a quote changed since answers 412 (the sales service's `expected_version` / `version`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from crm.sales.v1 import commerce_pb2, sales_pb2_grpc
from crm_gateway import sales_mappers as sm
from crm_gateway import sales_schemas as ss
from crm_gateway.edge import API_ERRORS, Caller
from crm_gateway.message_mapping import enum_value
from crm_gateway.rest_common import CONFLICT, NOT_FOUND, PRECONDITION_FAILED, IfMatch, PageSize, PageToken, caller, conditional, set_etag

_STEP_ERRORS = {**API_ERRORS, **NOT_FOUND, **CONFLICT, **PRECONDITION_FAILED}


def routes(sales: sales_pb2_grpc.SalesServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["quotes"])
    call = caller(timeout, sm.SERVICE)

    def answer(quote: commerce_pb2.Quote, response: Response) -> ss.Quote:
        set_etag(response, sm.quote_etag(quote.version))
        return sm.quote_from_proto(quote)

    @router.post(
        "/v1/quotes",
        status_code=201,
        name="create_quote",
        summary="Create a quote for an opportunity",
        description="Lines from the quote's price list; discounts, taxes and totals are computed exactly in minor units. "
        "A total discount above the threshold needs an approver's yes before the quote can be sent.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def create_quote(body: ss.QuoteCreate, principal: Caller, request: Request, response: Response) -> ss.Quote:
        quote = sm.create_to_proto(commerce_pb2.Quote, body)
        created = await call(sales.CreateQuote, commerce_pb2.CreateQuoteRequest(quote=quote), principal, "quote")
        response.headers["Location"] = request.app.url_path_for("get_quote", quote_id=created.id)
        return answer(created, response)

    @router.get("/v1/quotes", name="list_quotes", summary="List quotes", responses=API_ERRORS)
    async def list_quotes(
        principal: Caller,
        opportunity_id: str = "",
        status: Annotated[ss.QuoteStatusIn | None, Query(description="Only quotes in this status.")] = None,
        page_size: PageSize = 0,
        page_token: PageToken = "",
    ) -> ss.QuoteList:
        request = commerce_pb2.ListQuotesRequest(
            opportunity_id=opportunity_id,
            status=enum_value(commerce_pb2.ListQuotesRequest, "status", status),
            page_size=page_size,
            page_token=page_token,
        )
        listed = await call(sales.ListQuotes, request, principal)
        return ss.QuoteList(quotes=[sm.quote_from_proto(q) for q in listed.quotes], next_page_token=listed.next_page_token)

    @router.get(
        "/v1/quotes/{quote_id}",
        name="get_quote",
        summary="Get a quote (its current version, or an older one)",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def get_quote(
        quote_id: str,
        principal: Caller,
        response: Response,
        version: Annotated[int, Query(ge=0, description="0: the current version.")] = 0,
    ) -> ss.Quote:
        return answer(await call(sales.GetQuote, commerce_pb2.GetQuoteRequest(id=quote_id, version=version), principal), response)

    @router.put(
        "/v1/quotes/{quote_id}",
        name="replace_quote",
        summary="Replace a quote's lines, discount, validity and note",
        description="A draft changes in place; a sent or rejected quote gets a new version; an accepted one answers 409. "
        "`If-Match` with the `ETag` read refuses to overwrite a newer version (412).",
        responses=_STEP_ERRORS,
    )
    async def replace_quote(quote_id: str, body: ss.QuoteReplace, principal: Caller, response: Response, if_match: IfMatch = None) -> ss.Quote:
        request = commerce_pb2.UpdateQuoteRequest(
            quote=sm.create_to_proto(commerce_pb2.Quote, body, id=quote_id), expected_version=sm.expected_version(if_match)
        )
        return answer(await conditional(call(sales.UpdateQuote, request, principal, "quote"), if_match), response)

    @router.get(
        "/v1/quotes/{quote_id}/versions",
        name="list_quote_versions",
        summary="Every version of a quote, oldest first",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_quote_versions(quote_id: str, principal: Caller) -> ss.QuoteVersions:
        listed = await call(sales.ListQuoteVersions, commerce_pb2.ListQuoteVersionsRequest(quote_id=quote_id), principal)
        return ss.QuoteVersions(versions=[sm.quote_from_proto(q) for q in listed.versions])

    async def decide(quote_id: str, body: ss.ApprovalDecision, approve: bool, principal, response, if_match) -> ss.Quote:
        request = commerce_pb2.DecideQuoteApprovalRequest(
            quote_id=quote_id, version=sm.expected_version(if_match, body.version), approve=approve, comment=body.comment
        )
        return answer(await conditional(call(sales.DecideQuoteApproval, request, principal), if_match), response)

    @router.post(
        "/v1/quotes/{quote_id}:approve",
        name="approve_quote",
        summary="Approve a quote's discount (approvers, not the quote's owner)",
        responses=_STEP_ERRORS,
    )
    async def approve_quote(
        quote_id: str, principal: Caller, response: Response, body: ss.ApprovalDecision | None = None, if_match: IfMatch = None
    ) -> ss.Quote:
        return await decide(quote_id, body or ss.ApprovalDecision(), True, principal, response, if_match)

    @router.post(
        "/v1/quotes/{quote_id}:disapprove",
        name="disapprove_quote",
        summary="Refuse a quote's discount (approvers); `comment` says why",
        responses=_STEP_ERRORS,
    )
    async def disapprove_quote(
        quote_id: str, body: ss.ApprovalDecision, principal: Caller, response: Response, if_match: IfMatch = None
    ) -> ss.Quote:
        return await decide(quote_id, body, False, principal, response, if_match)

    @router.post(
        "/v1/quotes/{quote_id}:send",
        name="send_quote",
        summary="Mark a quote as sent to the customer",
        description="A quote waiting for approval, or refused, answers 409.",
        responses=_STEP_ERRORS,
    )
    async def send_quote(
        quote_id: str, principal: Caller, response: Response, body: ss.QuoteStep | None = None, if_match: IfMatch = None
    ) -> ss.Quote:
        request = commerce_pb2.SendQuoteRequest(quote_id=quote_id, version=sm.expected_version(if_match, (body or ss.QuoteStep()).version))
        return answer(await conditional(call(sales.SendQuote, request, principal), if_match), response)

    @router.post(
        "/v1/quotes/{quote_id}:accept",
        name="accept_quote",
        summary="The customer accepted: the quote becomes an order",
        description="Publishes `OrderPlaced`. Accepting an accepted quote again answers the same quote and order (a safe retry).",
        responses=_STEP_ERRORS,
    )
    async def accept_quote(
        quote_id: str, principal: Caller, request: Request, response: Response, body: ss.Acceptance | None = None, if_match: IfMatch = None
    ) -> ss.AcceptedQuote:
        body = body or ss.Acceptance()
        acceptance = commerce_pb2.AcceptQuoteRequest(
            quote_id=quote_id, version=sm.expected_version(if_match, body.version), purchase_order_number=body.purchase_order_number
        )
        accepted = await conditional(call(sales.AcceptQuote, acceptance, principal), if_match)
        set_etag(response, sm.quote_etag(accepted.quote.version))
        response.headers["Location"] = request.app.url_path_for("get_order", order_id=accepted.order.id)
        return ss.AcceptedQuote(quote=sm.quote_from_proto(accepted.quote), order=sm.order_from_proto(accepted.order))

    @router.post(
        "/v1/quotes/{quote_id}:reject",
        name="reject_quote",
        summary="The customer said no",
        responses=_STEP_ERRORS,
    )
    async def reject_quote(
        quote_id: str, principal: Caller, response: Response, body: ss.Rejection | None = None, if_match: IfMatch = None
    ) -> ss.Quote:
        body = body or ss.Rejection()
        request = commerce_pb2.RejectQuoteRequest(quote_id=quote_id, version=sm.expected_version(if_match, body.version), reason=body.reason)
        return answer(await conditional(call(sales.RejectQuote, request, principal), if_match), response)

    @router.get("/v1/orders", name="list_orders", summary="List orders", tags=["orders"], responses=API_ERRORS)
    async def list_orders(
        principal: Caller, opportunity_id: str = "", account_id: str = "", page_size: PageSize = 0, page_token: PageToken = ""
    ) -> ss.OrderList:
        request = commerce_pb2.ListOrdersRequest(
            opportunity_id=opportunity_id, account_id=account_id, page_size=page_size, page_token=page_token
        )
        listed = await call(sales.ListOrders, request, principal)
        return ss.OrderList(orders=[sm.order_from_proto(o) for o in listed.orders], next_page_token=listed.next_page_token)

    @router.get("/v1/orders/{order_id}", name="get_order", summary="Get an order", tags=["orders"], responses={**API_ERRORS, **NOT_FOUND})
    async def get_order(order_id: str, principal: Caller) -> ss.Order:
        return sm.order_from_proto(await call(sales.GetOrder, commerce_pb2.GetOrderRequest(id=order_id), principal))

    return router
