"""What operators and tools see: OpenAPI, probes, metrics, traces, settings and the served process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from opentelemetry import trace
from prometheus_client.parser import text_string_to_metric_families

from crm_gateway import cli, config
from crm_gateway.config import GatewaySettings

BEARER = [{"bearerAuth": []}]


def test_openapi_documents_the_paths_and_the_bearer_scheme(client):
    response = client.get("/openapi.json")

    assert response.status_code == 200
    doc = response.json()
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A JWT issued by `crm token`.",
    }
    assert set(doc["paths"]["/v1/persons"]) == {"get", "post"}
    for operation in (
        doc["paths"]["/v1/persons"]["get"],
        doc["paths"]["/v1/persons"]["post"],
        doc["paths"]["/v1/persons/{person_id}"]["get"],
    ):
        assert operation["security"] == BEARER
        assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
    assert "201" in doc["paths"]["/v1/persons"]["post"]["responses"]
    assert "security" not in doc["paths"]["/healthz"]["get"] and "security" not in doc["paths"]["/readyz"]["get"]
    assert doc["components"]["schemas"]["EmailAddressIn"]["properties"]["kind"]["enum"] == ["work", "personal", "other"]
    assert client.get("/docs").status_code == 200


def test_openapi_documents_the_profile_fields_and_the_consent_endpoint(client):
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]

    for name in ("PersonCreate", "Person"):
        assert {"salutation", "preferred_language", "time_zone", "addresses"} <= set(schemas[name]["properties"]), name
    assert set(schemas["Person"]["required"]) >= {"salutation", "preferred_language", "time_zone", "addresses"}
    assert schemas["PostalAddressIn"]["properties"]["kind"]["enum"] == ["home", "work", "billing", "shipping", "other"]
    assert set(schemas["PostalAddressIn"]["required"]) == {"kind", "country"}
    assert schemas["PostalAddress"]["properties"]["kind"]["enum"] == ["unspecified", "home", "work", "billing", "shipping", "other"]

    path = doc["paths"]["/v1/persons/{person_id}/consents/{channel}/{purpose}"]
    assert set(path) == {"put"}
    put = path["put"]
    assert put["security"] == BEARER
    assert put["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ConsentUpdate"}
    assert put["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Person"}
    for status in ("401", "403", "404", "422"):
        assert put["responses"][status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
    parameters = {p["name"]: p["schema"] for p in put["parameters"]}
    assert parameters["channel"]["enum"] == ["email", "sms", "phone", "letter", "fax"]
    assert parameters["purpose"]["enum"] == ["marketing", "service"]
    assert set(schemas["ConsentUpdate"]["properties"]) == {"granted", "source", "record_time"}
    assert schemas["ConsentUpdate"]["required"] == ["granted"]


def test_healthz_needs_no_token(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_when_both_services_serve(client):
    response = client.get("/readyz")

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "checks": {"contacts": "SERVING", "notifications": "SERVING"}}


def test_readyz_is_503_when_a_service_is_unreachable(make_client, unused_address):
    client = make_client(notifications_addr=unused_address)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["error"]["code"] == "UNAVAILABLE"
    assert body["checks"] == {"contacts": "SERVING", "notifications": "UNAVAILABLE"}


def test_readyz_is_503_when_a_service_reports_not_serving(client, downstream):
    downstream.contacts_server.health.enter_graceful_shutdown()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"contacts": "NOT_SERVING", "notifications": "SERVING"}
    assert "contacts is NOT_SERVING" in response.json()["error"]["message"]


def _sample(client, name: str, labels: dict[str, str]) -> float:
    response = client.get("/metrics")
    assert response.status_code == 200
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def test_metrics_count_requests_by_route_template_and_status(client, sales):
    labels = {"method": "GET", "route": "/v1/persons/{person_id}", "status": "404"}
    before = _sample(client, "crm_gateway_http_requests_total", labels)
    latency_before = _sample(
        client, "crm_gateway_http_request_duration_seconds_count", {"method": "GET", "route": "/v1/persons/{person_id}"}
    )

    client.get("/v1/persons/ghost-1", headers=sales)
    client.get("/v1/persons/ghost-2", headers=sales)

    assert _sample(client, "crm_gateway_http_requests_total", labels) == before + 2
    assert (
        _sample(client, "crm_gateway_http_request_duration_seconds_count", {"method": "GET", "route": "/v1/persons/{person_id}"})
        == latency_before + 2
    )




def test_one_trace_spans_the_gateway_and_contacts(downstream, jwt_keys, sales, spans):
    person = downstream.contacts.add(family_name="Lovelace")
    settings = GatewaySettings(
        contacts_addr=downstream.contacts_addr, notifications_addr=downstream.notifications_addr, jwt_public_key_file=jwt_keys.public_path
    )
    from fastapi.testclient import TestClient

    with TestClient(cli.build(settings)) as client:
        assert client.get(f"/v1/persons/{person.id}", headers=sales).status_code == 200

    def by_name(name):
        return [s for s in spans.get_finished_spans() if s.name == name]

    deadline = time.monotonic() + 2  # the server span ends just after the answer is sent
    while not by_name("/crm.contacts.v1.ContactsService/GetPerson")[1:] and time.monotonic() < deadline:
        time.sleep(0.01)
    http = [s for s in by_name("GET /v1/persons/{person_id}") if s.kind == trace.SpanKind.SERVER]
    grpc_spans = by_name("/crm.contacts.v1.ContactsService/GetPerson")
    client_span = next(s for s in grpc_spans if s.kind == trace.SpanKind.CLIENT)
    server_span = next(s for s in grpc_spans if s.kind == trace.SpanKind.SERVER)
    assert len(http) == 1
    assert {client_span.context.trace_id, server_span.context.trace_id} == {http[0].context.trace_id}
    assert server_span.parent.span_id == client_span.context.span_id
    assert client_span.parent.span_id == http[0].context.span_id


def test_settings_come_from_the_environment():
    settings = config.load(
        {
            "CRM_GATEWAY_CONTACTS_ADDR": "contacts:50051",
            "CRM_DEADLINE_SECONDS": "1.5",
            "CRM_GATEWAY_HTTP_PORT": "9090",
            "CRM_JWT_ISSUER": "me",
        }
    )

    assert (settings.contacts_addr, settings.deadline_seconds, settings.http_port, settings.jwt_issuer) == (
        "contacts:50051",
        1.5,
        9090,
        "me",
    )
    assert config.load({}).notifications_addr == "127.0.0.1:50055"


def test_serve_answers_and_stops_cleanly_on_sigterm(jwt_keys, downstream, unused_address, tmp_path):
    port = int(unused_address.rsplit(":", 1)[1])
    env = {
        **os.environ,
        "CRM_GATEWAY_HTTP_PORT": str(port),
        "CRM_GATEWAY_HTTP_HOST": "127.0.0.1",
        "CRM_GATEWAY_CONTACTS_ADDR": downstream.contacts_addr,
        "CRM_GATEWAY_NOTIFICATIONS_ADDR": downstream.notifications_addr,
        "CRM_JWT_PUBLIC_KEY_FILE": str(jwt_keys.public_path),
    }
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    log = tmp_path / "gateway.log"
    with log.open("wb") as err:
        process = subprocess.Popen([str(Path(sys.executable).parent / "crm-gateway"), "serve"], env=env, stderr=err)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                    break
                except httpx.TransportError:
                    assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                    time.sleep(0.05)
            assert ready.status_code == 200, ready.text
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0, log.read_text()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    messages = [json.loads(line)["message"] for line in log.read_text().splitlines() if line.startswith("{")]
    assert messages[-1] == "stopped"


NOTIFICATION_ROUTES = {
    "/v1/notifications": {"get", "post"},
    "/v1/notifications/{notification_id}": {"get"},
    "/v1/notifications/{notification_id}:retry": {"post"},
    "/v1/batches/{batch_id}/recipients": {"post"},
    "/v1/templates": {"get", "post"},
    "/v1/templates/{name}/{language}": {"get"},
    "/v1/templates/{name}/{language}:preview": {"post"},
    "/v1/suppressions": {"get", "post"},
    "/v1/suppressions/{channel}/{address}": {"delete"},
    "/v1/phone-tasks/{task_id}/outcome": {"post"},
}


def test_openapi_documents_the_notifications_routes_with_bearer_security_but_unsubscribe_without(client):
    doc = client.get("/openapi.json").json()
    paths, schemas = doc["paths"], doc["components"]["schemas"]

    for path, methods in NOTIFICATION_ROUTES.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            operation = paths[path][method]
            assert operation["security"] == BEARER, (method, path)
            for status in ("401", "403", "422"):
                assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorResponse"
                }
    send = paths["/v1/notifications"]["post"]
    assert {"200", "201"} <= set(send["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in send["parameters"])
    assert (
        "201" in paths["/v1/templates"]["post"]["responses"]
        and "204" in paths["/v1/suppressions/{channel}/{address}"]["delete"]["responses"]
    )
    assert {p["name"] for p in paths["/v1/notifications"]["get"]["parameters"]} == {
        "person_id",
        "campaign_id",
        "batch_id",
        "idempotency_key",
        "status",
        "page_size",
        "page_token",
    }

    unsubscribe = paths["/v1/unsubscribe"]
    assert set(unsubscribe) == {"get", "post"}
    assert "security" not in unsubscribe["get"] and "security" not in unsubscribe["post"]
    assert "text/html" in unsubscribe["get"]["responses"]["200"]["content"]
    assert set(unsubscribe["post"]["requestBody"]["content"]) == {"multipart/form-data", "application/x-www-form-urlencoded"}

    assert schemas["NotificationCreate"]["properties"]["channel"]["enum"] == ["email", "sms", "phone", "letter", "fax"]
    assert schemas["Notification"]["properties"]["status"]["enum"] == [
        "unspecified",
        "queued",
        "sending",
        "sent",
        "delivered",
        "failed",
        "skipped",
    ]
    assert schemas["PhoneOutcomeReport"]["properties"]["outcome"]["enum"] == ["reached", "no_answer", "call_back", "refused", "interested"]
    assert schemas["BatchRecipients"]["properties"]["recipients"]["maxItems"] == 1000
    assert schemas["NotificationCreate"]["examples"] and schemas["BatchRecipients"]["examples"]
