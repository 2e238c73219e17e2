"""The HTTP application: routes, edge authentication, composition of downstream calls, probes and metrics."""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from typing import Annotated

import grpc
from fastapi import FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry.instrumentation.utils import suppress_instrumentation
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.concurrency import run_in_threadpool

from crm.contacts.v1 import contacts_pb2, contacts_pb2_grpc
from crm.notifications.v1 import notifications_pb2, notifications_pb2_grpc
from crm.sales.v1 import sales_pb2_grpc
from crm_chassis.auth import TokenVerifier
from crm_chassis.paging import MAX_PAGE_SIZE
from crm_gateway import (
    accounts_api,
    catalog_api,
    clients,
    contacts_common,
    custom_fields_api,
    duplicates_api,
    errors,
    forecast_api,
    leads_api,
    mappers,
    notifications_api,
    opportunities_api,
    owned_products_api,
    persons_api,
    pipelines_api,
    quotes_api,
    relations_api,
    schemas,
    search_api,
    transfer_api,
)
from crm_gateway.config import GatewaySettings
from crm_gateway.edge import API_ERRORS, ERRORS, Caller
from crm_gateway.errors import ApiError

log = logging.getLogger(__name__)

REQUESTS = Counter("crm_gateway_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "crm_gateway_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# Kubernetes gives a probe one second by default; both checks run at once within it.
READINESS_DEADLINE = 0.8


class _Metrics:
    """Counts requests by route template (not raw path, which would explode label cardinality) and status."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            LATENCY.labels(scope["method"], route).observe(time.perf_counter() - started)


def _health(channel: grpc.Channel, service: str, timeout: float) -> str:
    # Probes run every few seconds; a root span for each would drown the real traces.
    with suppress_instrumentation():
        try:
            answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        except grpc.RpcError as err:
            return err.code().name
    return health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)


def create_app(settings: GatewaySettings, verifier: TokenVerifier) -> FastAPI:
    contacts_channel = clients.open_channel(settings.contacts_addr)
    notifications_channel = clients.open_channel(settings.notifications_addr)
    sales_channel = clients.open_channel(settings.sales_addr)
    contacts = contacts_pb2_grpc.ContactsServiceStub(contacts_channel)
    notifications = notifications_pb2_grpc.NotificationsServiceStub(notifications_channel)
    sales = sales_pb2_grpc.SalesServiceStub(sales_channel)
    timeout = settings.deadline_seconds

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        contacts_channel.close()
        notifications_channel.close()
        sales_channel.close()

    app = FastAPI(
        title="CRM API",
        version="1.0.0",
        description="The REST/JSON edge of the CRM suite. Every `/v1` call needs a bearer token (JWT), except `/v1/unsubscribe`, "
        "whose signed link token is the credential of a person without an account.",
        lifespan=lifespan,
    )
    errors.install(app)
    app.add_middleware(_Metrics)

    app.state.verifier = verifier

    @app.post(
        "/v1/persons",
        status_code=201,
        name="create_person",
        summary="Create a person",
        tags=["persons"],
        responses={**API_ERRORS, **persons_api.DUPLICATES},
    )
    async def create_person(
        body: schemas.PersonCreate,
        caller: Caller,
        request: Request,
        response: Response,
        allow_duplicates: persons_api.AllowDuplicates = False,
    ) -> schemas.Person:
        created = await clients.call(
            contacts.CreatePerson,
            contacts_pb2.CreatePersonRequest(person=mappers.person_to_proto(body), allow_duplicates=allow_duplicates),
            token=caller.token,
            timeout=timeout,
            service="contacts",
        )
        person = mappers.person_from_proto(created)
        response.headers["Location"] = request.app.url_path_for("get_person", person_id=person.id)
        contacts_common.set_etag(response, person.etag)
        return person

    @app.get(
        "/v1/persons/{person_id}",
        name="get_person",
        summary="Get a person with their notifications",
        description="Notifications are fetched alongside; when that fails the person is still returned, "
        'with `notifications: null` and `partial: ["notifications"]`.',
        tags=["persons"],
        responses={**API_ERRORS, 404: {**ERRORS, "description": "No such person"}},
    )
    async def get_person(person_id: str, caller: Caller, response: Response) -> schemas.PersonView:
        person, listed = await asyncio.gather(
            clients.call(
                contacts.GetPerson, contacts_pb2.GetPersonRequest(id=person_id), token=caller.token, timeout=timeout, service="contacts"
            ),
            clients.call(
                notifications.ListNotifications,
                notifications_pb2.ListNotificationsRequest(person_id=person_id),
                token=caller.token,
                timeout=timeout,
                service="notifications",
            ),
            return_exceptions=True,
        )
        if isinstance(person, BaseException):
            raise person
        contacts_common.set_etag(response, person.etag)  # for If-Match on PATCH
        if isinstance(listed, ApiError):
            # A composed view degrades: the person is what was asked for.
            log.warning("answering person %s without notifications: %s %s", person_id, listed.code, listed.message)
            return schemas.PersonView(person=mappers.person_from_proto(person), notifications=None, partial=["notifications"])
        if isinstance(listed, BaseException):
            raise listed
        return schemas.PersonView(
            person=mappers.person_from_proto(person),
            notifications=[mappers.notification_from_proto(n) for n in listed.notifications],
        )

    @app.put(
        "/v1/persons/{person_id}/consents/{channel}/{purpose}",
        name="set_person_consent",
        summary="Grant or withdraw one consent of a person",
        description="Records the answer for one channel and purpose. Giving the answer already on record changes nothing "
        "(the original source and time are kept); a change is published as `ConsentChanged`.",
        tags=["persons"],
        responses={**API_ERRORS, 404: {**ERRORS, "description": "No such person"}},
    )
    async def set_person_consent(
        person_id: str, channel: schemas.Channel, purpose: schemas.Purpose, body: schemas.ConsentUpdate, caller: Caller
    ) -> schemas.Person:
        person = await clients.call(
            contacts.SetPersonConsent,
            mappers.consent_to_proto(person_id, channel, purpose, body),
            token=caller.token,
            timeout=timeout,
            service="contacts",
            # The body and path stand for SetPersonConsentRequest.consent: `consent.source` is `source` here.
            body_field="consent",
        )
        return mappers.person_from_proto(person)

    @app.get("/v1/persons", name="list_persons", summary="List persons in creation order", tags=["persons"], responses=API_ERRORS)
    async def list_persons(
        caller: Caller,
        page_size: Annotated[int, Query(ge=0, le=MAX_PAGE_SIZE, description="Persons per page; 0 for the default (50).")] = 0,
        page_token: Annotated[str, Query(description="The next_page_token of the previous page.")] = "",
    ) -> schemas.PersonList:
        listed = await clients.call(
            contacts.ListPersons,
            contacts_pb2.ListPersonsRequest(page_size=page_size, page_token=page_token),
            token=caller.token,
            timeout=timeout,
            service="contacts",
        )
        return schemas.PersonList(persons=[mappers.person_from_proto(p) for p in listed.persons], next_page_token=listed.next_page_token)

    app.include_router(notifications_api.routes(notifications, timeout))
    # The customer file beyond creating and reading persons: one router per area.
    areas = (persons_api, owned_products_api, accounts_api, relations_api, custom_fields_api, search_api, duplicates_api, transfer_api)
    for area in areas:
        app.include_router(area.routes(contacts, timeout))
    # Sales for the sales staff: one router per area; the opportunity view also reads names from contacts.
    for sales_area in (leads_api, pipelines_api, catalog_api, quotes_api, forecast_api):
        app.include_router(sales_area.routes(sales, timeout))
    app.include_router(opportunities_api.routes(sales, contacts, timeout))

    @app.get("/healthz", summary="Liveness: the process answers", tags=["operations"])
    async def healthz() -> schemas.Health:
        return schemas.Health(status="ok")

    @app.get(
        "/readyz",
        summary="Readiness: both downstream services report SERVING",
        response_model=schemas.Readiness,
        tags=["operations"],
        responses={503: {**ERRORS, "description": "A downstream service is not serving; `checks` says which"}},
    )
    async def readyz():
        deadline = min(READINESS_DEADLINE, timeout)
        contacts_status, notifications_status = await asyncio.gather(
            run_in_threadpool(_health, contacts_channel, contacts_pb2.DESCRIPTOR.services_by_name["ContactsService"].full_name, deadline),
            run_in_threadpool(
                _health, notifications_channel, notifications_pb2.DESCRIPTOR.services_by_name["NotificationsService"].full_name, deadline
            ),
        )
        checks = {"contacts": contacts_status, "notifications": notifications_status}
        failing = {name: status for name, status in checks.items() if status != "SERVING"}
        if failing:
            message = "not ready: " + ", ".join(f"{name} is {status}" for name, status in failing.items())
            return ApiError(503, "UNAVAILABLE", message).response(checks=checks)
        return JSONResponse(schemas.Readiness(status="ready", checks=checks).model_dump())

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
