"""The REST routes of the sales set-up: pipelines with their stages, and the reasons deals are won or lost."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_gateway import sales_mappers as sm
from crm_gateway import sales_schemas as ss
from crm_gateway.edge import API_ERRORS, Caller
from crm_gateway.rest_common import CONFLICT, NOT_FOUND, caller


def routes(sales: sales_pb2_grpc.SalesServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["pipelines"])
    call = caller(timeout, sm.SERVICE)

    @router.post(
        "/v1/pipelines",
        status_code=201,
        name="create_pipeline",
        summary="Create a pipeline with its ordered stages (admins)",
        responses={**API_ERRORS, **CONFLICT},
    )
    async def create_pipeline(body: ss.PipelineIn, principal: Caller, request: Request, response: Response) -> ss.Pipeline:
        pipeline = sm.create_to_proto(sales_pb2.Pipeline, body)
        created = await call(sales.CreatePipeline, sales_pb2.CreatePipelineRequest(pipeline=pipeline), principal, "pipeline")
        response.headers["Location"] = request.app.url_path_for("get_pipeline", pipeline_id=created.id)
        return sm.from_proto(ss.Pipeline, created)

    @router.get("/v1/pipelines", name="list_pipelines", summary="List pipelines", responses=API_ERRORS)
    async def list_pipelines(principal: Caller) -> ss.PipelineList:
        listed = await call(sales.ListPipelines, sales_pb2.ListPipelinesRequest(), principal)
        return ss.PipelineList(pipelines=[sm.from_proto(ss.Pipeline, p) for p in listed.pipelines])

    @router.get("/v1/pipelines/{pipeline_id}", name="get_pipeline", summary="Get a pipeline", responses={**API_ERRORS, **NOT_FOUND})
    async def get_pipeline(pipeline_id: str, principal: Caller) -> ss.Pipeline:
        return sm.from_proto(ss.Pipeline, await call(sales.GetPipeline, sales_pb2.GetPipelineRequest(id=pipeline_id), principal))

    @router.put(
        "/v1/pipelines/{pipeline_id}",
        name="replace_pipeline",
        summary="Replace a pipeline's name and stages (admins)",
        description="Stages keep their ids (and history) when given; removing a stage that still holds open opportunities "
        "answers 409.",
        responses={**API_ERRORS, **NOT_FOUND, **CONFLICT},
    )
    async def replace_pipeline(pipeline_id: str, body: ss.PipelineIn, principal: Caller) -> ss.Pipeline:
        pipeline = sm.create_to_proto(sales_pb2.Pipeline, body, id=pipeline_id)
        updated = await call(sales.UpdatePipeline, sales_pb2.UpdatePipelineRequest(pipeline=pipeline), principal, "pipeline")
        return sm.from_proto(ss.Pipeline, updated)

    @router.post(
        "/v1/close-reasons",
        status_code=201,
        name="create_close_reason",
        summary="Add a reason for winning or losing (admins)",
        tags=["close reasons"],
        responses={**API_ERRORS, **CONFLICT},
    )
    async def create_close_reason(body: ss.CloseReasonCreate, principal: Caller) -> ss.CloseReason:
        reason = sm.create_to_proto(sales_pb2.CloseReason, body)
        created = await call(sales.CreateCloseReason, sales_pb2.CreateCloseReasonRequest(reason=reason), principal, "reason")
        return sm.from_proto(ss.CloseReason, created)

    @router.get("/v1/close-reasons", name="list_close_reasons", summary="The reasons to choose from", tags=["close reasons"], responses=API_ERRORS)
    async def list_close_reasons(
        principal: Caller, include_inactive: Annotated[bool, Query(description="Also the deactivated ones.")] = False
    ) -> ss.CloseReasonList:
        listed = await call(sales.ListCloseReasons, sales_pb2.ListCloseReasonsRequest(include_inactive=include_inactive), principal)
        return ss.CloseReasonList(reasons=[sm.from_proto(ss.CloseReason, r) for r in listed.reasons])

    @router.post(
        "/v1/close-reasons/{reason_id}:deactivate",
        name="deactivate_close_reason",
        summary="Stop offering a reason (admins); deals closed with it keep it",
        tags=["close reasons"],
        responses={**API_ERRORS, **NOT_FOUND},
    )
    async def deactivate_close_reason(reason_id: str, principal: Caller) -> ss.CloseReason:
        deactivated = await call(sales.DeactivateCloseReason, sales_pb2.DeactivateCloseReasonRequest(id=reason_id), principal)
        return sm.from_proto(ss.CloseReason, deactivated)

    return router
