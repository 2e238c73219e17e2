"""The REST routes of the sales catalogue: products, price lists per currency and period, and competitors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from crm.sales.v1 import commerce_pb2, sales_pb2_grpc
from crm_gateway import sales_mappers as sm
from crm_gateway import sales_schemas as ss
from crm_gateway.edge import API_ERRORS, Caller
from crm_gateway.rest_common import CONFLICT, NOT_FOUND, PageSize, PageToken, caller


def routes(sales: sales_pb2_grpc.SalesServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["products"])
    call = caller(timeout, sm.SERVICE)

    @router.post(
        "/v1/products",
        status_code=201,
        name="create_product",
        summary="Add a product (admins)",
        responses={**API_ERRORS, **CONFLICT},
    )
    async def create_product(body: ss.ProductCreate, principal: Caller, request: Request, response: Response) -> ss.Product:
        product = sm.create_to_proto(commerce_pb2.Product, body)
        created = await call(sales.CreateProduct, commerce_pb2.CreateProductRequest(product=product), principal, "product")
        response.headers["Location"] = request.app.url_path_for("get_product", product_id=created.id)
        return sm.from_proto(ss.Product, created)

    @router.get("/v1/products", name="list_products", summary="List products", responses=API_ERRORS)
    async def list_products(
        principal: Caller,
        include_inactive: Annotated[bool, Query(description="Also the products that can no longer be quoted.")] = False,
        page_size: PageSize = 0,
        page_token: PageToken = "",
    ) -> ss.ProductList:
        request = commerce_pb2.ListProductsRequest(include_inactive=include_inactive, page_size=page_size, page_token=page_token)
        listed = await call(sales.ListProducts, request, principal)
        return ss.ProductList(products=[sm.from_proto(ss.Product, p) for p in listed.products], next_page_token=listed.next_page_token)

    @router.get("/v1/products/{product_id}", name="get_product", summary="Get a product", responses={**API_ERRORS, **NOT_FOUND})
    async def get_product(product_id: str, principal: Caller) -> ss.Product:
        return sm.from_proto(ss.Product, await call(sales.GetProduct, commerce_pb2.GetProductRequest(id=product_id), principal))

    @router.put(
        "/v1/products/{product_id}",
        name="replace_product",
        summary="Replace a product's name, description, tax rate and active flag (admins)",
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def replace_product(product_id: str, body: ss.ProductReplace, principal: Caller) -> ss.Product:
        product = sm.create_to_proto(commerce_pb2.Product, body, id=product_id)
        updated = await call(sales.UpdateProduct, commerce_pb2.UpdateProductRequest(product=product), principal, "product")
        return sm.from_proto(ss.Product, updated)

    @router.post(
        "/v1/price-lists",
        status_code=201,
        name="create_price_list",
        summary="Add a price list in one currency for a period (admins)",
        tags=["price lists"],
        responses={**API_ERRORS, **CONFLICT},
    )
    async def create_price_list(body: ss.PriceListCreate, principal: Caller, request: Request, response: Response) -> ss.PriceList:
        price_list = sm.create_to_proto(commerce_pb2.PriceList, body)
        created = await call(sales.CreatePriceList, commerce_pb2.CreatePriceListRequest(price_list=price_list), principal, "price_list")
        response.headers["Location"] = request.app.url_path_for("get_price_list", price_list_id=created.id)
        return sm.from_proto(ss.PriceList, created)

    @router.get("/v1/price-lists", name="list_price_lists", summary="List price lists", tags=["price lists"], responses=API_ERRORS)
    async def list_price_lists(
        principal: Caller,
        currency: Annotated[str, Query(description="Only this ISO 4217 currency.")] = "",
        valid_on: Annotated[str, Query(description="Only the price lists valid on this day (YYYY-MM-DD).")] = "",
    ) -> ss.PriceListList:
        listed = await call(sales.ListPriceLists, commerce_pb2.ListPriceListsRequest(currency=currency, valid_on=valid_on), principal)
        return ss.PriceListList(price_lists=[sm.from_proto(ss.PriceList, p) for p in listed.price_lists])

    @router.get(
        "/v1/price-lists/{price_list_id}",
        name="get_price_list",
        summary="Get a price list",
        tags=["price lists"],
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def get_price_list(price_list_id: str, principal: Caller) -> ss.PriceList:
        return sm.from_proto(ss.PriceList, await call(sales.GetPriceList, commerce_pb2.GetPriceListRequest(id=price_list_id), principal))

    @router.put(
        "/v1/price-lists/{price_list_id}",
        name="replace_price_list",
        summary="Replace a price list's name, period, entries and active flag (admins)",
        tags=["price lists"],
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def replace_price_list(price_list_id: str, body: ss.PriceListReplace, principal: Caller) -> ss.PriceList:
        price_list = sm.create_to_proto(commerce_pb2.PriceList, body, id=price_list_id)
        updated = await call(sales.UpdatePriceList, commerce_pb2.UpdatePriceListRequest(price_list=price_list), principal, "price_list")
        return sm.from_proto(ss.PriceList, updated)

    @router.post(
        "/v1/competitors",
        status_code=201,
        name="create_competitor",
        summary="Add a competitor with its products and prices",
        tags=["competitors"],
        responses={**API_ERRORS, **CONFLICT},
    )
    async def create_competitor(body: ss.CompetitorIn, principal: Caller, request: Request, response: Response) -> ss.Competitor:
        competitor = sm.create_to_proto(commerce_pb2.Competitor, body)
        created = await call(sales.CreateCompetitor, commerce_pb2.CreateCompetitorRequest(competitor=competitor), principal, "competitor")
        response.headers["Location"] = request.app.url_path_for("get_competitor", competitor_id=created.id)
        return sm.from_proto(ss.Competitor, created)

    @router.get("/v1/competitors", name="list_competitors", summary="List competitors", tags=["competitors"], responses=API_ERRORS)
    async def list_competitors(principal: Caller) -> ss.CompetitorList:
        listed = await call(sales.ListCompetitors, commerce_pb2.ListCompetitorsRequest(), principal)
        return ss.CompetitorList(competitors=[sm.from_proto(ss.Competitor, c) for c in listed.competitors])

    @router.get(
        "/v1/competitors/{competitor_id}",
        name="get_competitor",
        summary="Get a competitor",
        tags=["competitors"],
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def get_competitor(competitor_id: str, principal: Caller) -> ss.Competitor:
        return sm.from_proto(ss.Competitor, await call(sales.GetCompetitor, commerce_pb2.GetCompetitorRequest(id=competitor_id), principal))

    @router.put(
        "/v1/competitors/{competitor_id}",
        name="replace_competitor",
        summary="Replace what is known of a competitor",
        tags=["competitors"],
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def replace_competitor(competitor_id: str, body: ss.CompetitorIn, principal: Caller) -> ss.Competitor:
        competitor = sm.create_to_proto(commerce_pb2.Competitor, body, id=competitor_id)
        updated = await call(sales.UpdateCompetitor, commerce_pb2.UpdateCompetitorRequest(competitor=competitor), principal, "competitor")
        return sm.from_proto(ss.Competitor, updated)

    return router
