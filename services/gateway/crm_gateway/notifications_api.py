"""The REST routes of the notifications service: messages, batches, templates, suppressions, phone outcomes, unsubscribe.

Custom verbs follow the gRPC methods as in Google's API design (AIP-136): `POST /v1/notifications/{id}:retry`,
`POST /v1/templates/{name}/{language}:preview`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import HTMLResponse
from google.protobuf.message import Message
from starlette.convertors import StringConvertor, register_url_convertor

from crm.notifications.v1 import notifications_pb2, notifications_pb2_grpc
from crm_chassis.paging import MAX_PAGE_SIZE
from crm_gateway import clients, mappers, pages, schemas
from crm_gateway.edge import API_ERRORS, ERRORS, Caller
from crm_gateway.errors import ApiError

log = logging.getLogger(__name__)

SERVICE = "notifications"
# Unsubscribe tokens are some 60 characters; anything far longer is not one.
MAX_TOKEN = 2048

_PAGE_SIZE = Query(ge=0, le=MAX_PAGE_SIZE, description="Items per page; 0 for the default (50).")
_PAGE_TOKEN = Query(description="The next_page_token of the previous page.")
_LINK_TOKEN = Query(description="The token of the unsubscribe link.")
_NOT_FOUND = {404: {**ERRORS, "description": "No such resource"}}
_CONFLICT = {409: {**ERRORS, "description": "Not possible in the resource's current state"}}
_INVALID_TOKEN = "invalid unsubscribe link"


class _AddressConvertor(StringConvertor):
    """A path segment to the end that may hold `/` and line breaks, as postal addresses do (`:path` stops at a line break)."""

    regex = "(?s:.+)"


register_url_convertor("address", _AddressConvertor())


def _invalid_token() -> ApiError:
    # The service's own message is not passed on: it would tell a forger which check failed.
    return ApiError(
        400, "INVALID_ARGUMENT", _INVALID_TOKEN, [schemas.FieldViolation(field="token", description="is not a valid unsubscribe token")]
    )


def _idempotency_key(in_body: str, in_header: str | None) -> str:
    if in_header is not None and in_body and in_header != in_body:
        violation = schemas.FieldViolation(field="idempotency_key", description="differs from the Idempotency-Key header")
        raise ApiError(422, "INVALID_ARGUMENT", f"invalid request: {violation.field}: {violation.description}", [violation])
    # An empty key is left to the service, which reports it together with every other bad field.
    return in_body or in_header or ""


def routes(notifications: notifications_pb2_grpc.NotificationsServiceStub, timeout: float) -> APIRouter:
    router = APIRouter()

    async def call(rpc, request: Message, token: str | None, body_field: str = "") -> Message:
        return await clients.call(rpc, request, token=token, timeout=timeout, service=SERVICE, body_field=body_field)

    # -- notifications ------------------------------------------------------------------------------

    @router.post(
        "/v1/notifications",
        status_code=201,
        name="send_notification",
        summary="Send one message",
        description="Queues one message. Idempotent: a request repeating an `idempotency_key` sends nothing new and answers "
        "**200** with the notification the key first created (and `Content-Location`); a new one answers **201** with `Location`. "
        "Which of the two is judged from the notification's `create_time` against the time the request reached the gateway.",
        tags=["notifications"],
        responses={
            **API_ERRORS,
            200: {
                "model": schemas.Notification,
                "description": "The notification the idempotency key already created; nothing new is sent",
            },
            201: {"description": "Queued; `Location` names the new notification"},
        },
    )
    async def send_notification(
        body: schemas.NotificationCreate,
        caller: Caller,
        request: Request,
        response: Response,
        idempotency_key: Annotated[
            str | None, Header(alias="Idempotency-Key", description="The idempotency key, when not in the body.")
        ] = None,
    ) -> schemas.Notification:
        key = _idempotency_key(body.idempotency_key, idempotency_key)
        started = datetime.now(UTC)
        sent = await call(notifications.SendNotification, mappers.send_notification_to_proto(body, key), caller.token)
        notification = mappers.notification_from_proto(sent)
        location = request.app.url_path_for("get_notification", notification_id=notification.id)
        if notification.create_time is not None and notification.create_time < started:
            response.status_code = 200
            response.headers["Content-Location"] = location
        else:
            response.headers["Location"] = location
        return notification

    @router.get(
        "/v1/notifications",
        name="list_notifications",
        summary="List notifications, newest first",
        description="Filters combine; only notifications of records the caller may see are listed.",
        tags=["notifications"],
        responses=API_ERRORS,
    )
    async def list_notifications(
        caller: Caller,
        person_id: Annotated[str, Query(description="Only this person's.")] = "",
        campaign_id: Annotated[str, Query(description="Only this campaign's.")] = "",
        batch_id: Annotated[str, Query(description="Only this batch's.")] = "",
        idempotency_key: Annotated[str, Query(description="Only the one requested with this key.")] = "",
        status: Annotated[list[schemas.NotificationStatusIn] | None, Query(description="Only these statuses; repeat for several.")] = None,
        page_size: Annotated[int, _PAGE_SIZE] = 0,
        page_token: Annotated[str, _PAGE_TOKEN] = "",
    ) -> schemas.NotificationList:
        request = notifications_pb2.ListNotificationsRequest(
            person_id=person_id,
            campaign_id=campaign_id,
            batch_id=batch_id,
            idempotency_key=idempotency_key,
            statuses=mappers.statuses_to_proto(status or []),
            page_size=page_size,
            page_token=page_token,
        )
        listed = await call(notifications.ListNotifications, request, caller.token)
        return schemas.NotificationList(
            notifications=[mappers.notification_from_proto(n) for n in listed.notifications], next_page_token=listed.next_page_token
        )

    @router.get(
        "/v1/notifications/{notification_id}",
        name="get_notification",
        summary="Get a notification with its history",
        tags=["notifications"],
        responses={**API_ERRORS, **_NOT_FOUND},
    )
    async def get_notification(notification_id: str, caller: Caller) -> schemas.Notification:
        found = await call(notifications.GetNotification, notifications_pb2.GetNotificationRequest(id=notification_id), caller.token)
        return mappers.notification_from_proto(found)

    @router.post(
        "/v1/notifications/{notification_id}:retry",
        name="retry_notification",
        summary="Queue a failed notification again",
        description="An operator's replay of a notification that failed.",
        tags=["notifications"],
        responses={**API_ERRORS, **_NOT_FOUND, **_CONFLICT},
    )
    async def retry_notification(notification_id: str, caller: Caller) -> schemas.Notification:
        retried = await call(notifications.RetryNotification, notifications_pb2.RetryNotificationRequest(id=notification_id), caller.token)
        return mappers.notification_from_proto(retried)

    @router.post(
        "/v1/batches/{batch_id}/recipients",
        name="add_batch_recipients",
        summary="Add up to 1,000 recipients to a batch",
        description="A campaign send: call as often as needed with the same `batch_id` (chosen by the caller) and the same "
        "settings. Each call is one short transaction; a repeated call adds nobody twice (`duplicates`).",
        tags=["batches"],
        responses={**API_ERRORS, 409: {**ERRORS, "description": "The batch was started with other settings"}},
    )
    async def add_batch_recipients(batch_id: str, body: schemas.BatchRecipients, caller: Caller) -> schemas.BatchResult:
        added = await call(notifications.SendBatch, mappers.send_batch_to_proto(batch_id, body), caller.token)
        return schemas.BatchResult(
            batch_id=added.batch_id or batch_id, accepted=added.accepted, duplicates=added.duplicates, total=added.total
        )

    # -- templates ----------------------------------------------------------------------------------

    @router.post(
        "/v1/templates",
        status_code=201,
        name="create_template",
        summary="Add a new version of a template",
        description="Version 1 when the name and language are new; `Location` names the version created.",
        tags=["templates"],
        responses=API_ERRORS,
    )
    async def create_template(body: schemas.TemplateCreate, caller: Caller, request: Request, response: Response) -> schemas.Template:
        created = await call(
            notifications.CreateTemplate,
            notifications_pb2.CreateTemplateRequest(template=mappers.template_to_proto(body)),
            caller.token,
            body_field="template",
        )
        template = mappers.template_from_proto(created)
        path = request.app.url_path_for("get_template", name=template.name, language=template.language)
        response.headers["Location"] = f"{path}?version={template.version}"
        return template

    @router.get(
        "/v1/templates",
        name="list_templates",
        summary="List templates",
        description="The latest version of every template, or every version of one name.",
        tags=["templates"],
        responses=API_ERRORS,
    )
    async def list_templates(
        caller: Caller,
        name: Annotated[str, Query(description="Every version of this name when set.")] = "",
        page_size: Annotated[int, _PAGE_SIZE] = 0,
        page_token: Annotated[str, _PAGE_TOKEN] = "",
    ) -> schemas.TemplateList:
        listed = await call(
            notifications.ListTemplates,
            notifications_pb2.ListTemplatesRequest(name=name, page_size=page_size, page_token=page_token),
            caller.token,
        )
        return schemas.TemplateList(
            templates=[mappers.template_from_proto(t) for t in listed.templates], next_page_token=listed.next_page_token
        )

    @router.get(
        "/v1/templates/{name}/{language}",
        name="get_template",
        summary="Get a template version",
        tags=["templates"],
        responses={**API_ERRORS, **_NOT_FOUND},
    )
    async def get_template(
        name: str,
        language: str,
        caller: Caller,
        version: Annotated[int, Query(ge=0, description="The version; 0 or omitted: the latest.")] = 0,
    ) -> schemas.Template:
        found = await call(
            notifications.GetTemplate, notifications_pb2.GetTemplateRequest(name=name, language=language, version=version), caller.token
        )
        return mappers.template_from_proto(found)

    @router.post(
        "/v1/templates/{name}/{language}:preview",
        name="preview_template",
        summary="Render a template without sending anything",
        description="A variable the template needs and the request lacks is reported as the error it would be at send time.",
        tags=["templates"],
        responses={**API_ERRORS, 404: {**ERRORS, "description": "No such template or person"}},
    )
    async def preview_template(
        name: str,
        language: str,
        body: schemas.PreviewRequest,
        caller: Caller,
        version: Annotated[int, Query(ge=0, description="The version; 0 or omitted: the latest.")] = 0,
    ) -> schemas.RenderedMessage:
        request = notifications_pb2.PreviewTemplateRequest(
            name=name, language=language, version=version, person_id=body.person_id, variables=body.variables
        )
        return mappers.rendered_from_proto(await call(notifications.PreviewTemplate, request, caller.token))

    # -- suppressions -------------------------------------------------------------------------------

    @router.post(
        "/v1/suppressions",
        name="add_suppression",
        summary="Stop messages to an address",
        description="Adds the suppression of the address on the channel, or replaces the one there.",
        tags=["suppressions"],
        responses=API_ERRORS,
    )
    async def add_suppression(body: schemas.SuppressionCreate, caller: Caller) -> schemas.Suppression:
        added = await call(
            notifications.AddSuppression,
            notifications_pb2.AddSuppressionRequest(suppression=mappers.suppression_to_proto(body)),
            caller.token,
            body_field="suppression",
        )
        return mappers.suppression_from_proto(added)

    @router.get("/v1/suppressions", name="list_suppressions", summary="List suppressions", tags=["suppressions"], responses=API_ERRORS)
    async def list_suppressions(
        caller: Caller,
        channel: Annotated[schemas.Channel | None, Query(description="Only this channel's.")] = None,
        page_size: Annotated[int, _PAGE_SIZE] = 0,
        page_token: Annotated[str, _PAGE_TOKEN] = "",
    ) -> schemas.SuppressionList:
        request = notifications_pb2.ListSuppressionsRequest(
            channel=mappers.channel_value(channel) if channel else 0, page_size=page_size, page_token=page_token
        )
        listed = await call(notifications.ListSuppressions, request, caller.token)
        return schemas.SuppressionList(
            suppressions=[mappers.suppression_from_proto(s) for s in listed.suppressions], next_page_token=listed.next_page_token
        )

    @router.delete(
        "/v1/suppressions/{channel}/{address:address}",
        status_code=204,
        response_class=Response,
        name="delete_suppression",
        summary="Allow messages to an address again",
        description="The address is percent-encoded; a postal address keeps its slashes and line breaks (`%2F`, `%0A`).",
        tags=["suppressions"],
        responses={**API_ERRORS, **_NOT_FOUND},
    )
    async def delete_suppression(channel: schemas.Channel, address: str, caller: Caller) -> Response:
        request = notifications_pb2.DeleteSuppressionRequest(channel=mappers.channel_value(channel), address=address)
        await call(notifications.DeleteSuppression, request, caller.token)
        return Response(status_code=204)

    # -- phone tasks --------------------------------------------------------------------------------

    @router.post(
        "/v1/phone-tasks/{task_id}/outcome",
        name="report_phone_task_outcome",
        summary="Report what came of a phone task",
        description="For call-center software that prefers HTTP to publishing on `crm.phone-task-outcomes`. "
        "The task id is the notification id carried in the phone task. A call-back schedules a new task.",
        tags=["phone tasks"],
        responses={**API_ERRORS, 404: {**ERRORS, "description": "No such phone task"}, **_CONFLICT},
    )
    async def report_phone_task_outcome(task_id: str, body: schemas.PhoneOutcomeReport, caller: Caller) -> schemas.Notification:
        reported = await call(notifications.ReportPhoneTaskOutcome, mappers.phone_outcome_to_proto(task_id, body), caller.token)
        return mappers.notification_from_proto(reported)

    # -- unsubscribe (public) -----------------------------------------------------------------------

    async def unsubscribe(token: str) -> notifications_pb2.Suppression:
        if not token or len(token) > MAX_TOKEN:
            raise _invalid_token()
        try:
            # No bearer token: the signed token of the link is the credential (the RPC is PUBLIC).
            return await call(notifications.Unsubscribe, notifications_pb2.UnsubscribeRequest(token=token), None)
        except ApiError as err:
            if err.code == "INVALID_ARGUMENT":
                raise _invalid_token() from None
            if err.status < 500:  # e.g. a notifications service that still wants a bearer token
                log.warning("notifications refused an unsubscribe: %s %s", err.code, err.message)
                raise ApiError(502, "INTERNAL", f"{SERVICE} failed ({err.code})") from None
            raise

    @router.get(
        "/v1/unsubscribe",
        name="unsubscribe_page",
        summary="The page an unsubscribe link opens",
        description="Public: no bearer token. Answers a small HTML page with a button that posts to the same link; the "
        "unsubscribe happens on that post, never on the GET, because mail scanners open every link in a message. "
        "A missing token answers 400 with a page that gives no details.",
        tags=["unsubscribe"],
        response_class=HTMLResponse,
        responses={
            200: {"content": {"text/html": {}}, "description": "The confirmation page"},
            400: {"content": {"text/html": {}}, "description": "The link is not valid"},
        },
    )
    async def unsubscribe_page(token: Annotated[str, _LINK_TOKEN] = "") -> Response:
        if not token or len(token) > MAX_TOKEN:
            return pages.invalid_link()
        return pages.confirm(token)

    @router.post(
        "/v1/unsubscribe",
        name="unsubscribe_one_click",
        summary="Unsubscribe: one click (RFC 8058) or the confirmation page's button",
        description="Public: no bearer token. What a mail client posts to the `List-Unsubscribe` address when the message carries "
        "`List-Unsubscribe-Post: List-Unsubscribe=One-Click`, and what the confirmation page's button posts: the token is in the "
        "query, the body is `List-Unsubscribe=One-Click`. The signed token alone decides, so the body is not required. A browser "
        "(`Accept: text/html`) gets an HTML page; anything else JSON.",
        tags=["unsubscribe"],
        responses={
            400: {**ERRORS, "description": "A missing or forged token; no details are given"},
            502: {**ERRORS, "description": "A downstream service failed"},
            503: {**ERRORS, "description": "A downstream service is unavailable"},
            504: {**ERRORS, "description": "A downstream service did not answer in time"},
        },
        openapi_extra={
            "requestBody": {
                "required": False,
                "content": {
                    media: {"schema": {"type": "object", "properties": {"List-Unsubscribe": {"type": "string", "enum": ["One-Click"]}}}}
                    for media in ("multipart/form-data", "application/x-www-form-urlencoded")
                },
            }
        },
    )
    async def unsubscribe_one_click(request: Request, token: Annotated[str, _LINK_TOKEN] = "") -> schemas.Unsubscribed:
        if "text/html" in request.headers.get("accept", ""):
            try:
                suppression = await unsubscribe(token)
            except ApiError as err:
                return pages.invalid_link() if err.status == 400 else pages.try_later(err.status)
            return pages.unsubscribed(mappers.channel_word(suppression.channel), suppression.address, suppression.marketing_only)
        suppression = await unsubscribe(token)
        return schemas.Unsubscribed(
            channel=mappers.channel_word(suppression.channel), address=suppression.address, marketing_only=suppression.marketing_only
        )

    return router
