"""The REST routes of sales figures: forecast (weighted and historical, as of a past instant), KPIs and win/loss."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from crm.sales.v1 import commerce_pb2, sales_pb2_grpc
from crm_gateway import sales_mappers as sm
from crm_gateway import sales_schemas as ss
from crm_gateway.edge import API_ERRORS, Caller
from crm_gateway.message_mapping import to_proto
from crm_gateway.rest_common import caller

_DAY = "YYYY-MM-DD; empty: open-ended."
Owner = Annotated[str, Query(description="Only this owner's opportunities.")]
Team = Annotated[str, Query(description="Only this team's.")]
Territory = Annotated[str, Query(description="Only this territory's.")]
PipelineId = Annotated[str, Query(description="Only this pipeline's.")]


def _filter(owner: str, team: str, territory: str, pipeline_id: str) -> commerce_pb2.SalesFilter:
    return commerce_pb2.SalesFilter(owner=owner, team=team, territory=territory, pipeline_id=pipeline_id)


def routes(sales: sales_pb2_grpc.SalesServiceStub, timeout: float) -> APIRouter:
    router = APIRouter(tags=["forecast"])
    call = caller(timeout, sm.SERVICE)

    @router.get(
        "/v1/forecast",
        name="get_forecast",
        summary="Weighted and historical pipeline per period (and owner, team, territory)",
        description="Open opportunities by expected close date: their amounts, weighted by each stage's configured "
        "probability and by its historical conversion. With `as_of`, the pipeline as it was then.",
        responses=API_ERRORS,
    )
    async def get_forecast(
        principal: Caller,
        owner: Owner = "",
        team: Team = "",
        territory: Territory = "",
        pipeline_id: PipelineId = "",
        granularity: Annotated[str, Query(description="month (default), quarter or year.")] = "",
        group_by: Annotated[list[ss.Dimension] | None, Query(description="Also by owner, team and/or territory.")] = None,
        close_from: Annotated[str, Query(description=_DAY)] = "",
        close_to: Annotated[str, Query(description=_DAY)] = "",
        as_of: Annotated[AwareDatetime | None, Query(description="RFC 3339; absent: now.")] = None,
        history_days: Annotated[int, Query(ge=0, le=3650, description="Closed opportunities of the last N days make the "
                                           "historical conversion (0: 365).")] = 0,
    ) -> ss.Forecast:
        request = to_proto(
            commerce_pb2.GetForecastRequest,
            {
                "filter": _filter(owner, team, territory, pipeline_id),
                "granularity": granularity,
                "group_by": group_by or [],
                "close_from": close_from,
                "close_to": close_to,
                "as_of": as_of,
                "history_days": history_days,
            },
        )
        return sm.from_proto(ss.Forecast, await call(sales.GetForecast, request, principal))

    @router.get(
        "/v1/sales-kpis",
        name="get_sales_kpis",
        summary="Open opportunities, won and lost, win rate, deal size, cycle length, stage conversion, where deals stall",
        responses=API_ERRORS,
    )
    async def get_sales_kpis(
        principal: Caller,
        owner: Owner = "",
        team: Team = "",
        territory: Territory = "",
        pipeline_id: PipelineId = "",
        period_from: Annotated[str, Query(description=_DAY)] = "",
        period_to: Annotated[str, Query(description=_DAY)] = "",
    ) -> ss.SalesKpis:
        request = commerce_pb2.GetSalesKpisRequest(
            filter=_filter(owner, team, territory, pipeline_id), period_from=period_from, period_to=period_to
        )
        return sm.from_proto(ss.SalesKpis, await call(sales.GetSalesKpis, request, principal))

    @router.get(
        "/v1/win-loss",
        name="get_win_loss",
        summary="Wins and losses against each competitor",
        tags=["competitors"],
        responses=API_ERRORS,
    )
    async def get_win_loss(
        principal: Caller,
        owner: Owner = "",
        team: Team = "",
        territory: Territory = "",
        pipeline_id: PipelineId = "",
        closed_from: Annotated[str, Query(description=_DAY)] = "",
        closed_to: Annotated[str, Query(description=_DAY)] = "",
    ) -> ss.WinLoss:
        request = commerce_pb2.GetWinLossAnalysisRequest(
            filter=_filter(owner, team, territory, pipeline_id), closed_from=closed_from, closed_to=closed_to
        )
        return sm.from_proto(ss.WinLoss, await call(sales.GetWinLossAnalysis, request, principal))

    return router
