"""The RPCs of crm.contacts.v1.ContactsService for search, count and saved searches."""
from __future__ import annotations

from crm.contacts.v1 import search_pb2 as spb
from crm_chassis.access import Viewer
from crm_chassis.auth import current_principal
from crm_chassis.errors import InvalidArgument
from crm_contacts.adapters.messages import timestamp
from crm_contacts.bootstrap import Contacts
from crm_contacts.domain.saved_searches import SavedSearch
from crm_contacts.entrypoints import mappers
from crm_contacts.entrypoints.roles import READERS
from crm_contacts.service_layer import search

_ENTITIES = {spb.SEARCH_ENTITY_PERSON: "person", spb.SEARCH_ENTITY_ACCOUNT: "account"}
_ENTITY_ENUMS = {v: k for k, v in _ENTITIES.items()}


class SearchRpcs:
    ROLES = {
        "SearchPersons": READERS,
        "SearchAccounts": READERS,
        # Saved searches belong to their owner; any reader may keep their own.
        "CreateSavedSearch": READERS,
        "GetSavedSearch": READERS,
        "ListSavedSearches": READERS,
        "UpdateSavedSearch": READERS,
        "DeleteSavedSearch": READERS,
    }
    app: Contacts

    def SearchPersons(self, request: spb.SearchPersonsRequest, context) -> spb.SearchResponse:
        return self._search("person", request)

    def SearchAccounts(self, request: spb.SearchAccountsRequest, context) -> spb.SearchResponse:
        return self._search("account", request)

    def _search(self, entity: str, request) -> spb.SearchResponse:
        page = search.search(
            search.Search(entity, request.query, tuple(request.columns), request.order_by, request.page_size, request.page_token,
                          request.include_count, request.saved_search_id),
            self.app.uow(),
            Viewer.of(current_principal()),
        )
        response = spb.SearchResponse(
            rows=[spb.SearchResultRow(id=id_, values=values) for id_, values in page.rows],
            next_page_token=page.next_page_token,
            columns=page.columns,
        )
        if page.total_count is not None:
            response.total_count = page.total_count
        return response

    def CreateSavedSearch(self, request: spb.CreateSavedSearchRequest, context) -> spb.SavedSearch:
        try:
            saved = search.create_saved_search(_fields(request.saved_search), self.app.uow(), Viewer.of(current_principal()))
        except InvalidArgument as exc:
            raise mappers.under("saved_search", exc) from None
        return saved_search_message(saved)

    def GetSavedSearch(self, request: spb.GetSavedSearchRequest, context) -> spb.SavedSearch:
        return saved_search_message(search.get_saved_search(request.id, self.app.uow(), Viewer.of(current_principal())))

    def ListSavedSearches(self, request: spb.ListSavedSearchesRequest, context) -> spb.ListSavedSearchesResponse:
        found, token = search.list_saved_searches(
            _ENTITIES.get(request.entity, ""), self.app.uow(), Viewer.of(current_principal()), request.page_size, request.page_token
        )
        return spb.ListSavedSearchesResponse(saved_searches=[saved_search_message(s) for s in found], next_page_token=token)

    def UpdateSavedSearch(self, request: spb.UpdateSavedSearchRequest, context) -> spb.SavedSearch:
        try:
            saved = search.update_saved_search(
                request.saved_search.id, _fields(request.saved_search), tuple(request.update_mask.paths),
                self.app.uow(), Viewer.of(current_principal()),
            )
        except InvalidArgument as exc:
            raise mappers.under("saved_search", exc, request_fields=("update_mask",)) from None
        return saved_search_message(saved)

    def DeleteSavedSearch(self, request: spb.DeleteSavedSearchRequest, context) -> spb.DeleteSavedSearchResponse:
        search.delete_saved_search(request.id, self.app.uow(), Viewer.of(current_principal()))
        return spb.DeleteSavedSearchResponse()


def _fields(message: spb.SavedSearch) -> search.SavedSearchFields:
    return search.SavedSearchFields(
        entity=_ENTITIES.get(message.entity, ""),
        name=message.name,
        query=message.query,
        columns=tuple(message.columns),
        order_by=message.order_by,
        shared=message.shared,
    )


def saved_search_message(saved: SavedSearch) -> spb.SavedSearch:
    return spb.SavedSearch(
        id=saved.id, entity=_ENTITY_ENUMS[saved.entity], name=saved.name, query=saved.query, columns=list(saved.columns),
        order_by=saved.order_by, shared=saved.shared, owner=saved.owner, team=saved.team,
        create_time=timestamp(saved.created_at), update_time=timestamp(saved.updated_at),
    )
