"""The REST routes of custom field definitions: typed fields administrators add to persons and accounts without code.

Values live on the records themselves (`custom_fields` of a person or an account); these routes define the fields.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from crm.contacts.v1 import contacts_pb2_grpc, custom_fields_pb2
from crm_gateway import contacts_mappers
from crm_gateway import contacts_schemas as cs
from crm_gateway.contacts_common import CONFLICT, NOT_FOUND, PageSize, PageToken, caller, update_mask
from crm_gateway.edge import API_ERRORS, Caller

_ADMIN = "Admins only."
Purge = Annotated[
    bool,
    Query(
        description="false: retire the field (its values stay stored but are no longer returned, validated or searchable; the key "
        "stays taken). true: remove the field and every value of it for good, freeing the key."
    ),
]


def routes(contacts: contacts_pb2_grpc.ContactsServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["custom fields"])
    call = caller(timeout)

    @router.post(
        "/v1/custom-fields",
        status_code=201,
        name="create_custom_field",
        summary="Define a custom field for persons or accounts",
        description=_ADMIN,
        responses={**API_ERRORS, **CONFLICT},
    )
    async def create_custom_field(body: cs.CustomFieldCreate, principal: Caller, request: Request, response: Response) -> cs.CustomField:
        created = await call(
            contacts.CreateCustomField,
            custom_fields_pb2.CreateCustomFieldRequest(custom_field=contacts_mappers.custom_field_to_proto(body)),
            principal,
            "custom_field",
        )
        response.headers["Location"] = request.app.url_path_for("get_custom_field", field_id=created.id)
        return contacts_mappers.custom_field_from_proto(created)

    @router.get("/v1/custom-fields", name="list_custom_fields", summary="List field definitions by key", responses=API_ERRORS)
    async def list_custom_fields(
        principal: Caller,
        entity: Annotated[cs.Entity | None, Query(description="Only the fields of persons or of accounts; both when omitted.")] = None,
        include_retired: Annotated[bool, Query(description="Also retired (deleted, not purged) fields.")] = False,
        page_size: PageSize = 0,
        page_token: PageToken = "",
    ) -> cs.CustomFieldList:
        request = custom_fields_pb2.ListCustomFieldsRequest(
            entity=contacts_mappers.enum_value(custom_fields_pb2.ListCustomFieldsRequest, "entity", entity),
            include_retired=include_retired,
            page_size=page_size,
            page_token=page_token,
        )
        listed = await call(contacts.ListCustomFields, request, principal)
        return cs.CustomFieldList(
            custom_fields=[contacts_mappers.custom_field_from_proto(f) for f in listed.custom_fields],
            next_page_token=listed.next_page_token,
        )

    @router.get(
        "/v1/custom-fields/{field_id}",
        name="get_custom_field",
        summary="Get a field definition (retired ones too)",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def get_custom_field(field_id: str, principal: Caller) -> cs.CustomField:
        found = await call(contacts.GetCustomField, custom_fields_pb2.GetCustomFieldRequest(id=field_id), principal)
        return contacts_mappers.custom_field_from_proto(found)

    @router.patch(
        "/v1/custom-fields/{field_id}",
        name="update_custom_field",
        summary="Change a field's label, required flag, options or validation",
        description=f"The JSON keys present are changed; the key, entity and type never change. {_ADMIN}",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def update_custom_field(field_id: str, body: cs.CustomFieldPatch, principal: Caller) -> cs.CustomField:
        request = custom_fields_pb2.UpdateCustomFieldRequest(
            custom_field=contacts_mappers.custom_field_to_proto(body, field_id), update_mask=update_mask(body)
        )
        updated = await call(contacts.UpdateCustomField, request, principal, "custom_field")
        return contacts_mappers.custom_field_from_proto(updated)

    @router.delete(
        "/v1/custom-fields/{field_id}",
        name="delete_custom_field",
        summary="Retire a field, or purge it with its values",
        description=f"Answers the definition as it was retired (or purged). {_ADMIN}",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def delete_custom_field(field_id: str, principal: Caller, purge: Purge = False) -> cs.CustomField:
        deleted = await call(contacts.DeleteCustomField, custom_fields_pb2.DeleteCustomFieldRequest(id=field_id, purge=purge), principal)
        return contacts_mappers.custom_field_from_proto(deleted)

    return router
