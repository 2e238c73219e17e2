"""The REST routes of search: persons and accounts found with one query language, and saved searches.

`POST /v1/persons:search` and `POST /v1/accounts:search` (custom verbs, AIP-136) take the query in the body: queries
are long and full of quotes, and a search is safe to repeat although it is a POST.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from crm.contacts.v1 import contacts_pb2_grpc, search_pb2
from crm_gateway import contacts_mappers
from crm_gateway import contacts_schemas as cs
from crm_gateway.contacts_common import CONFLICT, NOT_FOUND, PageSize, PageToken, caller, update_mask
from crm_gateway.contacts_mappers import from_proto, present_values, to_proto
from crm_gateway.edge import API_ERRORS, Caller

_SEARCH = (
    "Only records the caller may see. A query error is 422 on field `query`, its description starting with the column "
    "(e.g. \"column 12: unknown field 'citty'; did you mean 'city'?\"). Keyset paging: pass `next_page_token` back with the "
    "same query and order."
)


def routes(contacts: contacts_pb2_grpc.ContactsServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["search"])
    call = caller(timeout)

    async def search(rpc, request_type, body: cs.SearchRequest, principal) -> cs.SearchResult:
        found = await call(rpc, request_type(**contacts_mappers.values_of(body)), principal)
        return contacts_mappers.search_from_proto(found)

    _search = {"description": _SEARCH, "responses": {**API_ERRORS, **NOT_FOUND}}

    @router.post("/v1/persons:search", name="search_persons", summary="Find persons with the search language", **_search)
    async def search_persons(body: cs.SearchRequest, principal: Caller) -> cs.SearchResult:
        return await search(contacts.SearchPersons, search_pb2.SearchPersonsRequest, body, principal)

    @router.post("/v1/accounts:search", name="search_accounts", summary="Find accounts with the search language", **_search)
    async def search_accounts(body: cs.SearchRequest, principal: Caller) -> cs.SearchResult:
        return await search(contacts.SearchAccounts, search_pb2.SearchAccountsRequest, body, principal)

    @router.post(
        "/v1/saved-searches",
        status_code=201,
        name="create_saved_search",
        summary="Save a query (private, or shared with the owner's team)",
        responses={**API_ERRORS, **CONFLICT},
    )
    async def create_saved_search(body: cs.SavedSearchCreate, principal: Caller, request: Request, response: Response) -> cs.SavedSearch:
        saved = to_proto(search_pb2.SavedSearch, contacts_mappers.values_of(body))
        created = await call(contacts.CreateSavedSearch, search_pb2.CreateSavedSearchRequest(saved_search=saved), principal, "saved_search")
        response.headers["Location"] = request.app.url_path_for("get_saved_search", search_id=created.id)
        return from_proto(cs.SavedSearch, created)

    @router.get(
        "/v1/saved-searches",
        name="list_saved_searches",
        summary="The caller's own and their team's shared searches, by name",
        responses=API_ERRORS,
    )
    async def list_saved_searches(
        principal: Caller,
        entity: Annotated[cs.Entity | None, Query(description="Only searches for persons or for accounts.")] = None,
        page_size: PageSize = 0,
        page_token: PageToken = "",
    ) -> cs.SavedSearchList:
        request = to_proto(search_pb2.ListSavedSearchesRequest, {"entity": entity, "page_size": page_size, "page_token": page_token})
        listed = await call(contacts.ListSavedSearches, request, principal)
        return cs.SavedSearchList(
            saved_searches=[from_proto(cs.SavedSearch, s) for s in listed.saved_searches], next_page_token=listed.next_page_token
        )

    @router.get(
        "/v1/saved-searches/{search_id}", name="get_saved_search", summary="Get a saved search", responses={**API_ERRORS, **NOT_FOUND}
    )
    async def get_saved_search(search_id: str, principal: Caller) -> cs.SavedSearch:
        return from_proto(cs.SavedSearch, await call(contacts.GetSavedSearch, search_pb2.GetSavedSearchRequest(id=search_id), principal))

    @router.patch(
        "/v1/saved-searches/{search_id}",
        name="update_saved_search",
        summary="Change a saved search (its owner or an admin only)",
        description="The JSON keys present are changed.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def update_saved_search(search_id: str, body: cs.SavedSearchPatch, principal: Caller) -> cs.SavedSearch:
        saved = to_proto(search_pb2.SavedSearch, {**present_values(body), "id": search_id})
        request = search_pb2.UpdateSavedSearchRequest(saved_search=saved, update_mask=update_mask(body))
        return from_proto(cs.SavedSearch, await call(contacts.UpdateSavedSearch, request, principal, "saved_search"))

    @router.delete(
        "/v1/saved-searches/{search_id}",
        status_code=204,
        name="delete_saved_search",
        summary="Delete a saved search (its owner or an admin only)",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def delete_saved_search(search_id: str, principal: Caller) -> Response:
        await call(contacts.DeleteSavedSearch, search_pb2.DeleteSavedSearchRequest(id=search_id), principal)
        return Response(status_code=204)

    return router
