"""The REST routes that change a person beyond creation: update with a field mask, erasure, the dossier.

Erasure is `POST /v1/persons/{id}:erase` (a custom verb, AIP-136), not `DELETE`: the record stays, anonymised, with its
id and its links to accounts, and the answer is that record; a `DELETE` would promise a 404 afterwards.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from crm.contacts.v1 import contacts_pb2, contacts_pb2_grpc
from crm_gateway import contacts_mappers, mappers, schemas
from crm_gateway import contacts_schemas as cs
from crm_gateway.contacts_common import (
    CONFLICT,
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

DUPLICATES = {
    409: {
        "model": cs.DuplicatesConflict,
        "description": "ALREADY_EXISTS: the person looks like others, listed in `duplicates` (repeat with "
        "`allow_duplicates=true` to write anyway); FAILED_PRECONDITION: the person cannot be changed (erased, merged)",
    }
}
AllowDuplicates = Annotated[bool, Query(description="Write even when the result looks like a duplicate of another person.")]


def routes(contacts: contacts_pb2_grpc.ContactsServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["persons"])
    call = caller(timeout)

    @router.patch(
        "/v1/persons/{person_id}",
        name="update_person",
        summary="Change some fields of a person",
        description="The JSON keys present are the fields changed (the update's field mask); the others are kept. "
        "`PersonUpdated` is published with the fields that really changed. Send the `ETag` of the version the change is "
        "based on as `If-Match` to refuse overwriting someone else's change (412).",
        responses={**API_ERRORS, **NOT_FOUND, **DUPLICATES, **PRECONDITION_FAILED},
    )
    async def update_person(
        person_id: str,
        body: cs.PersonPatch,
        principal: Caller,
        response: Response,
        if_match: IfMatch = None,
        allow_duplicates: AllowDuplicates = False,
    ) -> schemas.Person:
        request = contacts_pb2.UpdatePersonRequest(
            person=contacts_mappers.person_patch_to_proto(person_id, body, expected_etag(if_match)),
            update_mask=update_mask(body),
            allow_duplicates=allow_duplicates,
        )
        updated = await conditional(call(contacts.UpdatePerson, request, principal, "person"), if_match)
        set_etag(response, updated.etag)
        return mappers.person_from_proto(updated)

    @router.post(
        "/v1/persons/{person_id}:erase",
        name="erase_person",
        summary="Erase a person under data-protection law",
        description="Anonymises the person: names, contact data, personal details, tags, custom values, consents and the dossier "
        "go (one `Erased` line is left); the id and the links to accounts stay. Publishes `PersonErased`. Needs a role that "
        "writes and a person the caller may see. Answers the erased record (`erased: true`); it can no longer be changed.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def erase_person(person_id: str, principal: Caller, body: cs.Erasure | None = None) -> schemas.Person:
        reason = body.reason if body is not None else ""
        erased = await call(contacts.ErasePerson, contacts_pb2.ErasePersonRequest(id=person_id, reason=reason), principal)
        return mappers.person_from_proto(erased)

    @router.get(
        "/v1/persons/{person_id}/history",
        name="list_person_history",
        summary="A person's dossier, newest first",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def list_person_history(person_id: str, principal: Caller, page_size: PageSize = 0, page_token: PageToken = "") -> cs.History:
        listed = await call(
            contacts.ListPersonHistory,
            contacts_pb2.ListPersonHistoryRequest(person_id=person_id, page_size=page_size, page_token=page_token),
            principal,
        )
        return contacts_mappers.history_from_proto(listed)

    return router
