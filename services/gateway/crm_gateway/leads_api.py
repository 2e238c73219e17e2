"""The REST routes of leads: capture, qualification, import, neglected leads, conversion and assignment rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_gateway import sales_mappers as sm
from crm_gateway import sales_schemas as ss
from crm_gateway.edge import API_ERRORS, Caller
from crm_gateway.errors import ApiError
from crm_gateway.message_mapping import enum_value
from crm_gateway.rest_common import CONFLICT, NOT_FOUND, PageSize, PageToken, caller
from crm_gateway.schemas import FieldViolation

# Big enough for a fair's list of leads; the sales service validates every row of it at once.
IMPORT_MAX_BYTES = 4 * 1024 * 1024
_CSV_BODY = {
    "required": True,
    "content": {"text/csv": {"schema": {"type": "string"}, "example": "given_name,family_name,company,email\nAna,Pop,Acme,ana@acme.example\n"}},
}


def routes(sales: sales_pb2_grpc.SalesServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["leads"])
    call = caller(timeout, sm.SERVICE)

    @router.post(
        "/v1/leads",
        status_code=201,
        name="create_lead",
        summary="Create a lead",
        description="Without an owner the assignment rules choose one (by country and industry, round-robin within a team), "
        "else it is the caller's.",
        responses=API_ERRORS,
    )
    async def create_lead(body: ss.LeadCreate, principal: Caller, request: Request, response: Response) -> ss.Lead:
        created = await call(sales.CreateLead, sales_pb2.CreateLeadRequest(lead=sm.create_to_proto(sales_pb2.Lead, body)), principal, "lead")
        response.headers["Location"] = request.app.url_path_for("get_lead", lead_id=created.id)
        return sm.lead_from_proto(created)

    @router.get("/v1/leads", name="list_leads", summary="List leads", responses=API_ERRORS)
    async def list_leads(
        principal: Caller,
        status: Annotated[ss.LeadStatus | None, Query(description="Only leads in this status.")] = None,
        owner: Annotated[str, Query(description="Only this owner's leads.")] = "",
        page_size: PageSize = 0,
        page_token: PageToken = "",
    ) -> ss.LeadList:
        request = sales_pb2.ListLeadsRequest(
            status=enum_value(sales_pb2.ListLeadsRequest, "status", status), owner=owner, page_size=page_size, page_token=page_token
        )
        listed = await call(sales.ListLeads, request, principal)
        return ss.LeadList(leads=[sm.lead_from_proto(lead) for lead in listed.leads], next_page_token=listed.next_page_token)

    @router.get(
        "/v1/leads:neglected",
        name="list_neglected_leads",
        summary="Open leads without activity for some days, longest neglected first",
        responses=API_ERRORS,
    )
    async def list_neglected_leads(
        principal: Caller,
        days: Annotated[int, Query(ge=1, le=3650, description="No activity for at least this many days.")] = 14,
        page_size: PageSize = 0,
        page_token: PageToken = "",
    ) -> ss.LeadList:
        listed = await call(
            sales.ListNeglectedLeads, sales_pb2.ListNeglectedLeadsRequest(days=days, page_size=page_size, page_token=page_token), principal
        )
        return ss.LeadList(leads=[sm.lead_from_proto(lead) for lead in listed.leads], next_page_token=listed.next_page_token)

    @router.post(
        "/v1/leads:import",
        name="import_leads",
        summary="Import leads from a CSV file",
        description="The raw body is UTF-8 CSV with a header row of lead field names (`given_name`, `family_name`, `company`, "
        "`email`, ...). Every bad row is reported at once (422, `rows[<n>].<field>` as the sales service names them) and "
        "nothing is written; otherwise every row is.",
        openapi_extra={"requestBody": _CSV_BODY},
        responses=API_ERRORS,
    )
    async def import_leads(
        request: Request,
        principal: Caller,
        source: Annotated[str, Query(description='The source of every lead without a `source` column ("import" when empty).')] = "",
    ) -> ss.LeadImportResult:
        content = await request.body()
        if not content:
            raise ApiError(422, "INVALID_ARGUMENT", "invalid request: body: is empty", [_violation("body", "is empty")])
        if len(content) > IMPORT_MAX_BYTES:
            raise ApiError(422, "INVALID_ARGUMENT", "invalid request: body: is too large", [_violation("body", f"is over {IMPORT_MAX_BYTES} bytes")])
        # The body stands for the request's `csv`: the service's `csv.rows[3].email` is `rows[3].email` here.
        imported = await call(sales.ImportLeads, sales_pb2.ImportLeadsRequest(csv=content, source=source), principal, "csv")
        return ss.LeadImportResult(imported=imported.imported, lead_ids=list(imported.lead_ids))

    @router.get("/v1/leads/{lead_id}", name="get_lead", summary="Get a lead", responses={**API_ERRORS, **NOT_FOUND})
    async def get_lead(lead_id: str, principal: Caller) -> ss.Lead:
        return sm.lead_from_proto(await call(sales.GetLead, sales_pb2.GetLeadRequest(id=lead_id), principal))

    @router.patch(
        "/v1/leads/{lead_id}",
        name="update_lead",
        summary="Change some fields of a lead",
        description="The JSON keys present are the fields changed (qualification status, rating, owner, ...). "
        "A converted lead answers 409.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def update_lead(lead_id: str, body: ss.LeadPatch, principal: Caller) -> ss.Lead:
        lead, mask = sm.patch_to_proto(sales_pb2.Lead, lead_id, body)
        updated = await call(sales.UpdateLead, sales_pb2.UpdateLeadRequest(lead=lead, update_mask=mask), principal, "lead")
        return sm.lead_from_proto(updated)

    @router.post(
        "/v1/leads/{lead_id}:convert",
        name="convert_lead",
        summary="Convert a lead into a person (and account) in contacts and an opportunity",
        description="One command: the person (and, with `create_account`, the company's account) is created in contacts, or "
        "the given ones are used, and the opportunity is opened here. Converting again answers what the first "
        "conversion made.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def convert_lead(lead_id: str, body: ss.Conversion, principal: Caller) -> ss.ConversionResult:
        converted = await call(sales.ConvertLead, sm.conversion_to_proto(lead_id, body), principal)
        return sm.conversion_from_proto(converted)

    @router.post(
        "/v1/lead-assignment-rules",
        status_code=201,
        name="create_lead_assignment_rule",
        summary="Create a lead assignment rule (admins)",
        tags=["lead assignment"],
        responses=API_ERRORS,
    )
    async def create_assignment_rule(body: ss.AssignmentRuleCreate, principal: Caller) -> ss.AssignmentRule:
        rule = sm.create_to_proto(sales_pb2.AssignmentRule, body)
        created = await call(sales.CreateAssignmentRule, sales_pb2.CreateAssignmentRuleRequest(rule=rule), principal, "rule")
        return sm.from_proto(ss.AssignmentRule, created)

    @router.get(
        "/v1/lead-assignment-rules",
        name="list_lead_assignment_rules",
        summary="The lead assignment rules by priority",
        tags=["lead assignment"],
        responses=API_ERRORS,
    )
    async def list_assignment_rules(principal: Caller) -> ss.AssignmentRuleList:
        listed = await call(sales.ListAssignmentRules, sales_pb2.ListAssignmentRulesRequest(), principal)
        return ss.AssignmentRuleList(rules=[sm.from_proto(ss.AssignmentRule, r) for r in listed.rules])

    @router.delete(
        "/v1/lead-assignment-rules/{rule_id}",
        status_code=204,
        name="delete_lead_assignment_rule",
        summary="Delete a lead assignment rule (admins)",
        tags=["lead assignment"],
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def delete_assignment_rule(rule_id: str, principal: Caller) -> Response:
        await call(sales.DeleteAssignmentRule, sales_pb2.DeleteAssignmentRuleRequest(id=rule_id), principal)
        return Response(status_code=204)

    return router


def _violation(field: str, description: str) -> FieldViolation:
    return FieldViolation(field=field, description=description)
