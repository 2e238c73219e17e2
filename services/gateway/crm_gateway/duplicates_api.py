"""The REST routes of duplicates: likely duplicates of a person or an account, the batch scan and its pairs, merges.

Finding duplicates writes nothing: `GET .../{id}/duplicates` for a stored record, `POST /v1/persons:findDuplicates` (or
`/v1/accounts:findDuplicates`) for a would-be one. A scan is a job: `POST /v1/duplicate-scans` answers 202 with its
`Location`, to poll. A merge is a resource with its lineage: `POST /v1/person-merges` (or `/v1/account-merges`) creates
it, `:undo` reverses it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from crm.contacts.v1 import contacts_pb2_grpc, duplicates_pb2
from crm_gateway import contacts_mappers
from crm_gateway import contacts_schemas as cs
from crm_gateway.contacts_common import CONFLICT, NOT_FOUND, PageSize, PageToken, caller
from crm_gateway.contacts_mappers import from_proto, to_proto
from crm_gateway.edge import API_ERRORS, Caller

MinScore = Annotated[float, Query(ge=0, le=1, description="Lowest score returned; 0 for the default.")]
Limit = Annotated[int, Query(ge=0, le=100, description="Most candidates returned, 1..100; 0 means 20.")]
_ADMIN = "Admins only."


def routes(contacts: contacts_pb2_grpc.ContactsServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["duplicates"])
    call = caller(timeout)

    async def find_persons(request: duplicates_pb2.FindPersonDuplicatesRequest, principal) -> cs.DuplicateCandidates:
        found = await call(contacts.FindPersonDuplicates, request, principal)
        return cs.DuplicateCandidates(candidates=[contacts_mappers.candidate_from_proto(c) for c in found.candidates])

    async def find_accounts(request: duplicates_pb2.FindAccountDuplicatesRequest, principal) -> cs.AccountDuplicateCandidates:
        found = await call(contacts.FindAccountDuplicates, request, principal)
        return cs.AccountDuplicateCandidates(candidates=[contacts_mappers.account_candidate_from_proto(c) for c in found.candidates])

    # A merge of persons and one of accounts differ only in their messages and route names.
    async def create_merge(rpc, merge_request, lineage, location: str, principal, request: Request, response: Response):
        merge = await call(rpc, merge_request, principal)
        response.headers["Location"] = request.app.url_path_for(location, merge_id=merge.id)
        return from_proto(lineage, merge)

    async def merge_lineage(rpc, lineage_request, lineage, principal):
        return from_proto(lineage, await call(rpc, lineage_request, principal))

    @router.get(
        "/v1/persons/{person_id}/duplicates",
        name="find_person_duplicates",
        summary="Likely duplicates of a person, with score and reasons",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def find_person_duplicates(
        person_id: str, principal: Caller, min_score: MinScore = 0, page_size: Limit = 0
    ) -> cs.DuplicateCandidates:
        request = duplicates_pb2.FindPersonDuplicatesRequest(person_id=person_id, min_score=min_score, page_size=page_size)
        return await find_persons(request, principal)

    @router.post(
        "/v1/persons:findDuplicates",
        name="find_duplicates_of_a_new_person",
        summary="Likely duplicates of a person not stored (yet), e.g. before creating one",
        responses=API_ERRORS,
    )
    async def find_duplicates_of_a_new_person(body: cs.DuplicateQuery, principal: Caller) -> cs.DuplicateCandidates:
        request = duplicates_pb2.FindPersonDuplicatesRequest(
            person=contacts_mappers.probe_to_proto(body.person), min_score=body.min_score, page_size=body.page_size
        )
        return await find_persons(request, principal)

    @router.get(
        "/v1/accounts/{account_id}/duplicates",
        name="find_account_duplicates",
        summary="Likely duplicates of an account (registration id, website, phone, name)",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def find_account_duplicates(
        account_id: str, principal: Caller, min_score: MinScore = 0, page_size: Limit = 0
    ) -> cs.AccountDuplicateCandidates:
        request = duplicates_pb2.FindAccountDuplicatesRequest(account_id=account_id, min_score=min_score, page_size=page_size)
        return await find_accounts(request, principal)

    @router.post(
        "/v1/accounts:findDuplicates",
        name="find_duplicates_of_a_new_account",
        summary="Likely duplicates of an account not stored (yet)",
        responses=API_ERRORS,
    )
    async def find_duplicates_of_a_new_account(body: cs.AccountDuplicateQuery, principal: Caller) -> cs.AccountDuplicateCandidates:
        request = duplicates_pb2.FindAccountDuplicatesRequest(
            account=contacts_mappers.account_probe_to_proto(body.account), min_score=body.min_score, page_size=body.page_size
        )
        return await find_accounts(request, principal)

    # -- the batch scan and its pairs -----------------------------------------------------------------------------

    @router.post(
        "/v1/duplicate-scans",
        status_code=202,
        name="start_duplicate_scan",
        summary="Queue a scan of the whole file for duplicate pairs",
        description=f"The contacts worker runs it; poll the `Location`. {_ADMIN}",
        responses=API_ERRORS,
    )
    async def start_duplicate_scan(
        principal: Caller, request: Request, response: Response, body: cs.DuplicateScanCreate | None = None
    ) -> cs.DuplicateScan:
        min_score = body.min_score if body is not None else 0
        scan = await call(contacts.StartDuplicateScan, duplicates_pb2.StartDuplicateScanRequest(min_score=min_score), principal)
        response.headers["Location"] = request.app.url_path_for("get_duplicate_scan", scan_id=scan.id)
        return from_proto(cs.DuplicateScan, scan)

    @router.get(
        "/v1/duplicate-scans/{scan_id}",
        name="get_duplicate_scan",
        summary="A scan's progress",
        description=_ADMIN,
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def get_duplicate_scan(scan_id: str, principal: Caller) -> cs.DuplicateScan:
        scan = await call(contacts.GetDuplicateScan, duplicates_pb2.GetDuplicateScanRequest(id=scan_id), principal)
        return from_proto(cs.DuplicateScan, scan)

    @router.get(
        "/v1/duplicate-pairs",
        name="list_duplicate_pairs",
        summary="Pairs the scans found, best score first",
        description="Only pairs whose both persons the caller may see.",
        responses=API_ERRORS,
    )
    async def list_duplicate_pairs(
        principal: Caller,
        status: Annotated[cs.PairStatus, Query(description="open (the default), dismissed or merged.")] = "open",
        min_score: MinScore = 0,
        page_size: PageSize = 0,
        page_token: PageToken = "",
    ) -> cs.DuplicatePairList:
        request = to_proto(
            duplicates_pb2.ListDuplicatePairsRequest,
            {"status": status, "min_score": min_score, "page_size": page_size, "page_token": page_token},
        )
        listed = await call(contacts.ListDuplicatePairs, request, principal)
        return cs.DuplicatePairList(
            pairs=[contacts_mappers.pair_from_proto(p) for p in listed.pairs], next_page_token=listed.next_page_token
        )

    @router.post(
        "/v1/duplicate-pairs/{pair_id}:dismiss",
        name="dismiss_duplicate_pair",
        summary='"Not the same person": later scans leave the pair dismissed',
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def dismiss_duplicate_pair(pair_id: str, principal: Caller) -> cs.DuplicatePair:
        pair = await call(contacts.DismissDuplicatePair, duplicates_pb2.DismissDuplicatePairRequest(id=pair_id), principal)
        return contacts_mappers.pair_from_proto(pair)

    # -- merges ---------------------------------------------------------------------------------------------------

    @router.post(
        "/v1/person-merges",
        status_code=201,
        name="merge_persons",
        summary="Merge persons into a survivor, choosing each field's value",
        description="Emails, phones, addresses, anniversaries and tags are united; for each consent the most recent answer "
        "wins; relations, history, owned products and custom values move to the survivor; the merged records become "
        "tombstones (`merged_into`). Every record must be visible to the caller. Publishes `PersonsMerged`.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def merge_persons(body: cs.MergeCreate, principal: Caller, request: Request, response: Response) -> cs.PersonMerge:
        merge_request = duplicates_pb2.MergePersonsRequest(**contacts_mappers.values_of(body))
        return await create_merge(contacts.MergePersons, merge_request, cs.PersonMerge, "get_person_merge", principal, request, response)

    @router.get(
        "/v1/person-merges/{merge_id}",
        name="get_person_merge",
        summary="One merge's lineage",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def get_person_merge(merge_id: str, principal: Caller) -> cs.PersonMerge:
        return await merge_lineage(contacts.GetPersonMerge, duplicates_pb2.GetPersonMergeRequest(id=merge_id), cs.PersonMerge, principal)

    @router.post(
        "/v1/person-merges/{merge_id}:undo",
        name="undo_merge",
        summary="Restore the records as they were before a merge",
        description="Possible while `undoable` is true (409 otherwise); publishes `PersonMergeUndone`.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def undo_merge(merge_id: str, principal: Caller) -> cs.PersonMerge:
        return await merge_lineage(contacts.UndoMerge, duplicates_pb2.UndoMergeRequest(merge_id=merge_id), cs.PersonMerge, principal)

    @router.post(
        "/v1/account-merges",
        status_code=201,
        name="merge_accounts",
        summary="Merge accounts into a survivor, choosing each field's value",
        description="Registration ids, addresses, phones, emails, websites and tags are united; links to persons, relations, "
        "subsidiaries and branches, dossier lines and owned products move to the survivor; the merged accounts "
        "become tombstones (`merged_into`). Every account must be visible to the caller. Publishes `AccountsMerged`.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def merge_accounts(body: cs.AccountMergeCreate, principal: Caller, request: Request, response: Response) -> cs.AccountMerge:
        merge_request = duplicates_pb2.MergeAccountsRequest(**contacts_mappers.values_of(body))
        return await create_merge(contacts.MergeAccounts, merge_request, cs.AccountMerge, "get_account_merge", principal, request, response)

    @router.get(
        "/v1/account-merges/{merge_id}",
        name="get_account_merge",
        summary="One merge of accounts: its lineage",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def get_account_merge(merge_id: str, principal: Caller) -> cs.AccountMerge:
        return await merge_lineage(contacts.GetAccountMerge, duplicates_pb2.GetAccountMergeRequest(id=merge_id), cs.AccountMerge, principal)

    @router.post(
        "/v1/account-merges/{merge_id}:undo",
        name="undo_account_merge",
        summary="Restore the accounts as they were before a merge",
        description="Possible while `undoable` is true (409 otherwise); publishes `AccountMergeUndone`.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def undo_account_merge(merge_id: str, principal: Caller) -> cs.AccountMerge:
        request = duplicates_pb2.UndoAccountMergeRequest(merge_id=merge_id)
        return await merge_lineage(contacts.UndoAccountMerge, request, cs.AccountMerge, principal)

    return router
