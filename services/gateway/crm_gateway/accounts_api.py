"""The REST routes of accounts: companies, their subsidiaries and branches, and each account's dossier."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from crm.contacts.v1 import accounts_pb2, contacts_pb2_grpc
from crm_gateway import contacts_mappers
from crm_gateway import contacts_schemas as cs
from crm_gateway.contacts_common import (
    NOT_FOUND,
    PRECONDITION_FAILED,
    IfMatch,
    PageSize,
    PageToken,
    caller,
    conditional,
    expected_etag,
    set_etag,
    update_mask,
)
from crm_gateway.edge import API_ERRORS, Caller

# The update mask names the parent as one field: an account moves to another parent with its kind.
_MASK_NAMES = {"parent_id": "parent", "parent_kind": "parent"}
DUPLICATES = {
    409: {
        "model": cs.AccountDuplicatesConflict,
        "description": "ALREADY_EXISTS: the account looks like others, listed in `duplicates` (repeat with "
        "`allow_duplicates=true` to write anyway); FAILED_PRECONDITION: the account cannot be changed (merged)",
    }
}
AllowDuplicates = Annotated[bool, Query(description="Write even when the result looks like a duplicate of another account.")]
Recursive = Annotated[bool, Query(description="Every level below (depth first) instead of the direct children only.")]


def routes(contacts: contacts_pb2_grpc.ContactsServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["accounts"])
    call = caller(timeout)

    @router.post(
        "/v1/accounts",
        status_code=201,
        name="create_account",
        summary="Create an account",
        description="Publishes `AccountCreated`. The account belongs to the caller and, unless the body says otherwise, "
        "to the caller's team and territory.",
        responses={**API_ERRORS, **NOT_FOUND, **DUPLICATES},
    )
    async def create_account(
        body: cs.AccountCreate, principal: Caller, request: Request, response: Response, allow_duplicates: AllowDuplicates = False
    ) -> cs.Account:
        created = await call(
            contacts.CreateAccount,
            accounts_pb2.CreateAccountRequest(account=contacts_mappers.account_to_proto(body), allow_duplicates=allow_duplicates),
            principal,
            "account",
        )
        response.headers["Location"] = request.app.url_path_for("get_account", account_id=created.id)
        set_etag(response, created.etag)
        return contacts_mappers.account_from_proto(created)

    @router.get("/v1/accounts", name="list_accounts", summary="List accounts in creation order", responses=API_ERRORS)
    async def list_accounts(principal: Caller, page_size: PageSize = 0, page_token: PageToken = "") -> cs.AccountList:
        listed = await call(contacts.ListAccounts, accounts_pb2.ListAccountsRequest(page_size=page_size, page_token=page_token), principal)
        return cs.AccountList(
            accounts=[contacts_mappers.account_from_proto(a) for a in listed.accounts], next_page_token=listed.next_page_token
        )

    @router.get("/v1/accounts/{account_id}", name="get_account", summary="Get an account", responses={**API_ERRORS, **NOT_FOUND})
    async def get_account(account_id: str, principal: Caller, response: Response) -> cs.Account:
        found = await call(contacts.GetAccount, accounts_pb2.GetAccountRequest(id=account_id), principal)
        set_etag(response, found.etag)
        return contacts_mappers.account_from_proto(found)

    @router.patch(
        "/v1/accounts/{account_id}",
        name="update_account",
        summary="Change some fields of an account",
        description="The JSON keys present are the fields changed; `AccountUpdated` is published with the fields that really "
        "changed. `If-Match` with the `ETag` read refuses to overwrite someone else's change (412).",
        responses={**API_ERRORS, **NOT_FOUND, **DUPLICATES, **PRECONDITION_FAILED},
    )
    async def update_account(
        account_id: str,
        body: cs.AccountPatch,
        principal: Caller,
        response: Response,
        if_match: IfMatch = None,
        allow_duplicates: AllowDuplicates = False,
    ) -> cs.Account:
        request = accounts_pb2.UpdateAccountRequest(
            account=contacts_mappers.account_patch_to_proto(account_id, body, expected_etag(if_match)),
            update_mask=update_mask(body, _MASK_NAMES),
            allow_duplicates=allow_duplicates,
        )
        updated = await conditional(call(contacts.UpdateAccount, request, principal, "account"), if_match)
        set_etag(response, updated.etag)
        return contacts_mappers.account_from_proto(updated)

    @router.get(
        "/v1/accounts/{account_id}/children",
        name="list_account_children",
        summary="The subsidiaries and branches below an account",
        description="Only accounts the caller may see; a hidden account's visible descendants are still listed.",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_account_children(
        account_id: str, principal: Caller, recursive: Recursive = False, page_size: PageSize = 0, page_token: PageToken = ""
    ) -> cs.AccountChildren:
        listed = await call(
            contacts.ListAccountChildren,
            accounts_pb2.ListAccountChildrenRequest(account_id=account_id, recursive=recursive, page_size=page_size, page_token=page_token),
            principal,
        )
        return cs.AccountChildren(
            children=[cs.AccountNode(account=contacts_mappers.account_from_proto(n.account), depth=n.depth) for n in listed.children],
            next_page_token=listed.next_page_token,
        )

    @router.get(
        "/v1/accounts/{account_id}/history",
        name="list_account_history",
        summary="An account's dossier, newest first",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_account_history(account_id: str, principal: Caller, page_size: PageSize = 0, page_token: PageToken = "") -> cs.History:
        listed = await call(
            contacts.ListAccountHistory,
            accounts_pb2.ListAccountHistoryRequest(account_id=account_id, page_size=page_size, page_token=page_token),
            principal,
        )
        return contacts_mappers.history_from_proto(listed)

    return router
