"""The REST routes of relations: persons linked to accounts, persons related to persons, accounts to accounts.

Each relation is created under the record it is seen from (`POST /v1/accounts/{id}/persons`,
`POST /v1/persons/{id}/relations`, `POST /v1/accounts/{id}/relations`) and changed or removed by its own id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from crm.contacts.v1 import accounts_pb2, contacts_pb2_grpc
from crm_gateway import contacts_mappers
from crm_gateway import contacts_schemas as cs
from crm_gateway.contacts_common import CONFLICT, NOT_FOUND, PageSize, PageToken, caller, update_mask
from crm_gateway.contacts_mappers import from_proto
from crm_gateway.edge import API_ERRORS, Caller

IncludeEnded = Annotated[bool, Query(description="Also links that have ended.")]
_WRITE = {**API_ERRORS, **NOT_FOUND, **CONFLICT}


def routes(contacts: contacts_pb2_grpc.ContactsServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["relations"])
    call = caller(timeout)

    def links(listed) -> cs.AccountLinkList:
        return cs.AccountLinkList(links=[from_proto(cs.AccountLink, link) for link in listed.links], next_page_token=listed.next_page_token)

    # -- persons of accounts --------------------------------------------------------------------------------------

    @router.post(
        "/v1/accounts/{account_id}/persons",
        status_code=201,
        name="link_person_to_account",
        summary="Link a person to an account with a position, role and dates",
        description="Both must be visible to the caller; publishes `PersonLinkedToAccount`.",
        responses=_WRITE,
    )
    async def link_person_to_account(account_id: str, body: cs.AccountLinkCreate, principal: Caller) -> cs.AccountLink:
        link = accounts_pb2.PersonAccountLink(account_id=account_id, **contacts_mappers.values_of(body))
        linked = await call(contacts.LinkPersonToAccount, accounts_pb2.LinkPersonToAccountRequest(link=link), principal, "link")
        return from_proto(cs.AccountLink, linked)

    @router.get(
        "/v1/accounts/{account_id}/persons",
        name="list_account_persons",
        summary="The persons of an account",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_account_persons(
        account_id: str, principal: Caller, include_ended: IncludeEnded = False, page_size: PageSize = 0, page_token: PageToken = ""
    ) -> cs.AccountLinkList:
        request = accounts_pb2.ListAccountPersonsRequest(
            account_id=account_id, include_ended=include_ended, page_size=page_size, page_token=page_token
        )
        return links(await call(contacts.ListAccountPersons, request, principal))

    @router.get(
        "/v1/persons/{person_id}/accounts",
        name="list_person_accounts",
        summary="The accounts of a person",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_person_accounts(
        person_id: str, principal: Caller, include_ended: IncludeEnded = False, page_size: PageSize = 0, page_token: PageToken = ""
    ) -> cs.AccountLinkList:
        request = accounts_pb2.ListPersonAccountsRequest(
            person_id=person_id, include_ended=include_ended, page_size=page_size, page_token=page_token
        )
        return links(await call(contacts.ListPersonAccounts, request, principal))

    @router.patch(
        "/v1/account-links/{link_id}",
        name="update_account_link",
        summary="Change a person's link to an account",
        description="The JSON keys present are the fields changed; setting `end_date` ends the link.",
        responses=_WRITE,
    )
    async def update_account_link(link_id: str, body: cs.AccountLinkPatch, principal: Caller) -> cs.AccountLink:
        link = accounts_pb2.PersonAccountLink(id=link_id, **contacts_mappers.present_values(body))
        request = accounts_pb2.UpdatePersonAccountLinkRequest(link=link, update_mask=update_mask(body))
        return from_proto(cs.AccountLink, await call(contacts.UpdatePersonAccountLink, request, principal, "link"))

    @router.delete(
        "/v1/account-links/{link_id}",
        status_code=204,
        name="unlink_person_from_account",
        summary="Remove a link made by mistake (end it with PATCH `end_date` otherwise)",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def unlink_person_from_account(link_id: str, principal: Caller) -> Response:
        await call(contacts.UnlinkPersonFromAccount, accounts_pb2.UnlinkPersonFromAccountRequest(link_id=link_id), principal)
        return Response(status_code=204)

    # -- person to person -----------------------------------------------------------------------------------------

    @router.post(
        "/v1/persons/{person_id}/relations",
        status_code=201,
        name="relate_persons",
        summary="Relate two persons with a two-sided label",
        responses=_WRITE,
    )
    async def relate_persons(person_id: str, body: cs.PersonRelationCreate, principal: Caller) -> cs.PersonRelation:
        relation = accounts_pb2.PersonRelation(person_id=person_id, related_person_id=body.related_person_id, label=body.label)
        related = await call(contacts.RelatePersons, accounts_pb2.RelatePersonsRequest(relation=relation), principal, "relation")
        return from_proto(cs.PersonRelation, related)

    @router.get(
        "/v1/persons/{person_id}/relations",
        name="list_person_relations",
        summary="A person's relations from both sides, each seen from the person",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_person_relations(
        person_id: str, principal: Caller, page_size: PageSize = 0, page_token: PageToken = ""
    ) -> cs.PersonRelationList:
        request = accounts_pb2.ListPersonRelationsRequest(person_id=person_id, page_size=page_size, page_token=page_token)
        listed = await call(contacts.ListPersonRelations, request, principal)
        return cs.PersonRelationList(
            relations=[from_proto(cs.PersonRelation, r) for r in listed.relations], next_page_token=listed.next_page_token
        )

    @router.delete(
        "/v1/person-relations/{relation_id}",
        status_code=204,
        name="delete_person_relation",
        summary="Remove a relation between two persons",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def delete_person_relation(relation_id: str, principal: Caller) -> Response:
        await call(contacts.DeletePersonRelation, accounts_pb2.DeletePersonRelationRequest(relation_id=relation_id), principal)
        return Response(status_code=204)

    # -- account to account ---------------------------------------------------------------------------------------

    @router.post(
        "/v1/accounts/{account_id}/relations",
        status_code=201,
        name="relate_accounts",
        summary="Relate two accounts (customer/supplier, partner, competitor, reseller/vendor)",
        responses=_WRITE,
    )
    async def relate_accounts(account_id: str, body: cs.AccountRelationCreate, principal: Caller) -> cs.AccountRelation:
        relation = accounts_pb2.AccountRelation(account_id=account_id, related_account_id=body.related_account_id, label=body.label)
        related = await call(contacts.RelateAccounts, accounts_pb2.RelateAccountsRequest(relation=relation), principal, "relation")
        return from_proto(cs.AccountRelation, related)

    @router.get(
        "/v1/accounts/{account_id}/relations",
        name="list_account_relations",
        summary="An account's relations, each seen from the account",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_account_relations(
        account_id: str, principal: Caller, page_size: PageSize = 0, page_token: PageToken = ""
    ) -> cs.AccountRelationList:
        request = accounts_pb2.ListAccountRelationsRequest(account_id=account_id, page_size=page_size, page_token=page_token)
        listed = await call(contacts.ListAccountRelations, request, principal)
        return cs.AccountRelationList(
            relations=[from_proto(cs.AccountRelation, r) for r in listed.relations], next_page_token=listed.next_page_token
        )

    @router.delete(
        "/v1/account-relations/{relation_id}",
        status_code=204,
        name="delete_account_relation",
        summary="Remove a relation between two accounts",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def delete_account_relation(relation_id: str, principal: Caller) -> Response:
        await call(contacts.DeleteAccountRelation, accounts_pb2.DeleteAccountRelationRequest(relation_id=relation_id), principal)
        return Response(status_code=204)

    return router
