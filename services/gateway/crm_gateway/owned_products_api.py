"""The REST routes of owned products: what a person or an account bought, how many, whether still active."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from crm.contacts.v1 import contacts_pb2, contacts_pb2_grpc
from crm_gateway import contacts_mappers
from crm_gateway import contacts_schemas as cs
from crm_gateway.contacts_common import NOT_FOUND, PageSize, PageToken, caller, update_mask
from crm_gateway.edge import API_ERRORS, Caller

ActiveOnly = Annotated[bool, Query(description="Only the products still owned.")]
_WRITE = {**API_ERRORS, **NOT_FOUND}


def routes(contacts: contacts_pb2_grpc.ContactsServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["owned products"])
    call = caller(timeout)

    async def add(owner: dict[str, str], body: cs.OwnedProductCreate, principal) -> cs.OwnedProduct:
        request = contacts_pb2.AddOwnedProductRequest(owned_product=contacts_mappers.owned_product_to_proto(body, **owner))
        added = await call(contacts.AddOwnedProduct, request, principal, "owned_product")
        return contacts_mappers.owned_product_from_proto(added)

    async def list_(owner: dict[str, str], active_only: bool, page_size: int, page_token: str, principal) -> cs.OwnedProductList:
        request = contacts_pb2.ListOwnedProductsRequest(**owner, active_only=active_only, page_size=page_size, page_token=page_token)
        listed = await call(contacts.ListOwnedProducts, request, principal)
        return cs.OwnedProductList(
            owned_products=[contacts_mappers.owned_product_from_proto(p) for p in listed.owned_products],
            next_page_token=listed.next_page_token,
        )

    _added = {"status_code": 201, "description": "A new product is active; publishes `OwnedProductAdded`.", "responses": _WRITE}

    @router.post(
        "/v1/persons/{person_id}/owned-products", name="add_person_owned_product", summary="Record a product a person owns", **_added
    )
    async def add_person_owned_product(person_id: str, body: cs.OwnedProductCreate, principal: Caller) -> cs.OwnedProduct:
        return await add({"person_id": person_id}, body, principal)

    @router.post(
        "/v1/accounts/{account_id}/owned-products", name="add_account_owned_product", summary="Record a product an account owns", **_added
    )
    async def add_account_owned_product(account_id: str, body: cs.OwnedProductCreate, principal: Caller) -> cs.OwnedProduct:
        return await add({"account_id": account_id}, body, principal)

    @router.get(
        "/v1/persons/{person_id}/owned-products",
        name="list_person_owned_products",
        summary="The products a person owns, in the order they were added",
        responses=_WRITE,
    )
    async def list_person_owned_products(
        person_id: str, principal: Caller, active_only: ActiveOnly = False, page_size: PageSize = 0, page_token: PageToken = ""
    ) -> cs.OwnedProductList:
        return await list_({"person_id": person_id}, active_only, page_size, page_token, principal)

    @router.get(
        "/v1/accounts/{account_id}/owned-products",
        name="list_account_owned_products",
        summary="The products an account owns, in the order they were added",
        responses=_WRITE,
    )
    async def list_account_owned_products(
        account_id: str, principal: Caller, active_only: ActiveOnly = False, page_size: PageSize = 0, page_token: PageToken = ""
    ) -> cs.OwnedProductList:
        return await list_({"account_id": account_id}, active_only, page_size, page_token, principal)

    @router.patch(
        "/v1/owned-products/{owned_product_id}",
        name="update_owned_product",
        summary="Change an owned product (e.g. `active: false` when it is no longer owned)",
        description="The JSON keys present are the fields changed; publishes `OwnedProductChanged`.",
        responses=_WRITE,
    )
    async def update_owned_product(owned_product_id: str, body: cs.OwnedProductPatch, principal: Caller) -> cs.OwnedProduct:
        request = contacts_pb2.UpdateOwnedProductRequest(
            owned_product=contacts_mappers.owned_product_to_proto(body, id=owned_product_id), update_mask=update_mask(body)
        )
        updated = await call(contacts.UpdateOwnedProduct, request, principal, "owned_product")
        return contacts_mappers.owned_product_from_proto(updated)

    return router
