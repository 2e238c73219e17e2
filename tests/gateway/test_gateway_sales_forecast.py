"""Sales figures over REST: forecast (filters, grouping, as-of), KPIs, win/loss; and the sales routes in OpenAPI."""

from __future__ import annotations

from datetime import UTC, datetime

from crm.sales.v1 import commerce_pb2
from crm_gateway import config


def test_forecast_passes_filters_grouping_and_as_of(client, sales, downstream):
    response = client.get(
        "/v1/forecast",
        params={"team": "east", "pipeline_id": "p1", "granularity": "quarter", "group_by": ["owner", "territory"],
                "close_from": "2026-10-01", "close_to": "2026-12-31", "as_of": "2026-11-01T00:00:00Z", "history_days": 90},
        headers=sales,
    )

    assert response.status_code == 200, response.text
    request = downstream.sales.requests[-1]
    assert (request.filter.team, request.filter.pipeline_id, request.granularity) == ("east", "p1", "quarter")
    assert list(request.group_by) == [commerce_pb2.FORECAST_DIMENSION_OWNER, commerce_pb2.FORECAST_DIMENSION_TERRITORY]
    assert request.as_of.ToDatetime(tzinfo=UTC) == datetime(2026, 11, 1, tzinfo=UTC) and request.history_days == 90
    forecast = response.json()
    assert forecast["rows"][0] == {"period": "2026-12", "owner": "sam", "team": "", "territory": "", "currency": "EUR", "count": 2,
                                   "amount_minor": 300000, "weighted_minor": 120000, "historical_minor": 90000}
    assert forecast["stage_rates"] == [{"stage_id": "s2", "won": 3, "closed": 4, "rate_bp": 7500}]
    assert forecast["fallback_stage_ids"] == ["s1"] and forecast["as_of"] == "2026-11-01T00:00:00Z"


def test_forecast_errors(client, sales, as_role):
    bad_dimension = client.get("/v1/forecast?group_by=region", headers=sales)
    naive = client.get("/v1/forecast?as_of=2026-11-01T00:00:00", headers=sales)
    bad_granularity = client.get("/v1/forecast?granularity=week", headers=sales)

    assert bad_dimension.status_code == 422 and bad_dimension.json()["error"]["field_violations"][0]["field"] == "group_by[0]"
    assert naive.status_code == 422 and naive.json()["error"]["field_violations"][0]["field"] == "as_of"
    assert bad_granularity.status_code == 422 and bad_granularity.json()["error"]["field_violations"][0]["field"] == "granularity"
    assert client.get("/v1/forecast", headers=as_role("viewer")).status_code == 200
    assert client.get("/v1/forecast", headers=as_role("marketing")).status_code == 403


def test_kpis_and_win_loss(client, sales, downstream):
    kpis = client.get("/v1/sales-kpis?owner=sam&period_from=2026-01-01", headers=sales)
    client.post("/v1/competitors", json={"name": "Initech"}, headers=sales)
    win_loss = client.get("/v1/win-loss?closed_from=2026-01-01", headers=sales)

    assert kpis.status_code == 200, kpis.text
    body = kpis.json()
    assert (body["open_count"], body["win_rate_bp"], body["average_cycle_days"]) == (3, 6667, 12.5)
    assert body["open_amounts"] == [{"currency": "EUR", "amount_minor": 500000}]
    assert body["stalls"][0]["over_expected"] == 1 and body["stage_conversion"] == []
    assert win_loss.json()["competitors"][0]["competitor_name"] == "Initech"
    assert win_loss.json()["competitors"][0]["won_amounts"] == [{"currency": "EUR", "amount_minor": 100}]
    assert downstream.sales.requests[-1].closed_from == "2026-01-01"


def test_openapi_documents_the_sales_routes(client):
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]

    for path, method, status in [
        ("/v1/leads", "post", "201"),
        ("/v1/leads/{lead_id}:convert", "post", "200"),
        ("/v1/opportunities/{opportunity_id}", "get", "200"),
        ("/v1/opportunities/{opportunity_id}:move", "post", "200"),
        ("/v1/opportunities/{opportunity_id}:close", "post", "200"),
        ("/v1/opportunities/{opportunity_id}:reopen", "post", "200"),
        ("/v1/quotes/{quote_id}:approve", "post", "200"),
        ("/v1/quotes/{quote_id}:send", "post", "200"),
        ("/v1/quotes/{quote_id}:accept", "post", "200"),
        ("/v1/quotes/{quote_id}:reject", "post", "200"),
        ("/v1/lead-assignment-rules/{rule_id}", "delete", "204"),
        ("/v1/forecast", "get", "200"),
    ]:
        operation = paths[path][method]
        assert status in operation["responses"], (path, method)
        assert operation["security"] == [{"bearerAuth": []}]
        assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
    assert "412" in paths["/v1/quotes/{quote_id}"]["put"]["responses"]
    assert {p["name"] for p in paths["/v1/quotes/{quote_id}"]["put"]["parameters"]} >= {"If-Match"}
    assert doc["components"]["schemas"]["OpportunityView"]["properties"]["partial"]["items"]["enum"] == ["account", "contacts"]
    assert "text/csv" in paths["/v1/leads:import"]["post"]["requestBody"]["content"]


def test_the_sales_address_is_a_setting():
    assert config.load({}).sales_addr == "127.0.0.1:50052"
    assert config.load({"CRM_GATEWAY_SALES_ADDR": "sales:50052"}).sales_addr == "sales:50052"
