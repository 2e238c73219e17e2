"""/v1/templates and /v1/suppressions through the gateway to a notifications server with the service's real roles."""

from __future__ import annotations

from urllib.parse import quote

from crm.notifications.v1 import notifications_pb2 as pb

WELCOME = {
    "name": "welcome",
    "language": "en",
    "channel": "email",
    "subject": "Welcome, {{ person.given_name }}",
    "text_body": "Hello {{ person.given_name }}, your code is {{ code }}.",
    "html_body": "<p>Hello {{ person.given_name }}</p>",
}


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def _fields(response) -> dict[str, str]:
    return {v["field"]: v["description"] for v in _error(response)["field_violations"]}


def _create(client, as_role, **changes):
    response = client.post("/v1/templates", json={**WELCOME, **changes}, headers=as_role("marketing"))
    assert response.status_code == 201, response.text
    return response


# -- templates -----------------------------------------------------------------------------------------


def test_create_answers_201_with_the_version_and_its_location(client, downstream, as_role):
    first = _create(client, as_role)
    second = _create(client, as_role, text_body="Hi {{ person.given_name }}")

    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert second.headers["Location"] == "/v1/templates/welcome/en?version=2"
    template = first.json()
    assert (template["channel"], template["subject"], template["html_body"]) == ("email", WELCOME["subject"], WELCOME["html_body"])
    assert template["variables"] == ["code", "person.given_name"]
    assert template["create_time"].endswith("Z")
    sent = downstream.notifications.requests[0].template
    assert (sent.name, sent.language, sent.channel, sent.text_body) == ("welcome", "en", pb.CHANNEL_EMAIL, WELCOME["text_body"])


def test_the_service_s_bad_template_fields_lose_the_template_prefix(client, as_role):
    response = client.post(
        "/v1/templates", json={**WELCOME, "channel": "sms", "subject": "", "text_body": ""}, headers=as_role("marketing")
    )

    assert response.status_code == 422
    assert _fields(response) == {"text_body": "must not be empty", "html_body": "only email templates have an HTML body"}


def test_a_malformed_template_is_422_at_the_edge(client, downstream, as_role):
    response = client.post("/v1/templates", json={"name": "welcome", "channel": "telegram"}, headers=as_role("marketing"))

    assert response.status_code == 422
    assert set(_fields(response)) == {"language", "channel", "text_body"}
    assert downstream.notifications.requests == []


def test_templates_are_edited_by_editors_and_read_by_readers(client, downstream, as_role):
    assert client.post("/v1/templates", json=WELCOME).status_code == 401
    assert client.post("/v1/templates", json=WELCOME, headers=as_role("sales")).status_code == 403
    assert downstream.notifications.templates == []
    _create(client, as_role)
    assert client.get("/v1/templates").status_code == 401
    assert client.get("/v1/templates/welcome/en", headers=as_role("callcenter")).status_code == 403
    assert client.get("/v1/templates/welcome/en", headers=as_role("viewer")).status_code == 200


def test_get_answers_the_latest_version_or_the_one_asked_for(client, as_role):
    _create(client, as_role)
    _create(client, as_role, text_body="Version two")

    latest = client.get("/v1/templates/welcome/en", headers=as_role("sales"))
    first = client.get("/v1/templates/welcome/en?version=1", headers=as_role("sales"))

    assert (latest.status_code, latest.json()["version"], latest.json()["text_body"]) == (200, 2, "Version two")
    assert (first.json()["version"], first.json()["text_body"]) == (1, WELCOME["text_body"])


def test_get_an_unknown_template_or_version_is_404(client, as_role):
    _create(client, as_role)

    assert client.get("/v1/templates/welcome/ro", headers=as_role("sales")).status_code == 404
    missing = client.get("/v1/templates/welcome/en?version=7", headers=as_role("sales"))
    assert missing.status_code == 404 and "v7" in _error(missing)["message"]
    assert client.get("/v1/templates/welcome/en?version=-1", headers=as_role("sales")).status_code == 422


def test_list_answers_the_latest_of_each_or_every_version_of_one_name(client, downstream, as_role):
    _create(client, as_role)
    _create(client, as_role, text_body="v2")
    _create(client, as_role, name="goodbye")

    latest = client.get("/v1/templates", headers=as_role("viewer")).json()
    versions = client.get("/v1/templates?name=welcome&page_size=5", headers=as_role("viewer")).json()

    assert [(t["name"], t["version"]) for t in latest["templates"]] == [("goodbye", 1), ("welcome", 2)]
    assert [(t["name"], t["version"]) for t in versions["templates"]] == [("welcome", 1), ("welcome", 2)]
    assert downstream.notifications.requests[-1] == pb.ListTemplatesRequest(name="welcome", page_size=5)


def test_preview_renders_without_sending(client, downstream, as_role):
    _create(client, as_role)

    response = client.post(
        "/v1/templates/welcome/en:preview?version=1", json={"person_id": "p-1", "variables": {"code": "ADA10"}}, headers=as_role("sales")
    )

    assert response.status_code == 200, response.text
    assert response.json() == {
        "subject": "Welcome, given name of p-1",
        "text": "Hello given name of p-1, your code is ADA10.",
        "html": "<p>Hello given name of p-1</p>",
        "template_version": 1,
        "segments": 0,
    }
    request = downstream.notifications.requests[-1]
    assert (request.name, request.language, request.version, request.person_id) == ("welcome", "en", 1, "p-1")
    assert downstream.notifications.notifications == []


def test_preview_with_a_missing_variable_is_422_and_an_unknown_template_404(client, as_role):
    _create(client, as_role)

    missing = client.post("/v1/templates/welcome/en:preview", json={"person_id": "p-1"}, headers=as_role("sales"))
    unknown = client.post("/v1/templates/nothing/en:preview", json={}, headers=as_role("sales"))

    assert missing.status_code == 422
    assert _fields(missing) == {"variables": "'code' is undefined"}
    assert unknown.status_code == 404
    assert client.post("/v1/templates/welcome/en:preview", json={}).status_code == 401


# -- suppressions --------------------------------------------------------------------------------------


def test_add_list_and_delete_a_suppression(client, downstream, as_role):
    added = client.post(
        "/v1/suppressions", json={"channel": "email", "address": "Ada@Example.com", "reason": "complaint"}, headers=as_role("marketing")
    )
    client.post("/v1/suppressions", json={"channel": "sms", "address": "+447700900123", "marketing_only": True}, headers=as_role("support"))

    assert added.status_code == 200, added.text
    assert {k: v for k, v in added.json().items() if k != "create_time"} == {
        "channel": "email",
        "address": "ada@example.com",
        "reason": "complaint",
        "marketing_only": False,
    }
    emails = client.get("/v1/suppressions?channel=email", headers=as_role("viewer"))
    assert [s["address"] for s in emails.json()["suppressions"]] == ["ada@example.com"]
    assert downstream.notifications.requests[-1] == pb.ListSuppressionsRequest(channel=pb.CHANNEL_EMAIL)
    assert len(client.get("/v1/suppressions", headers=as_role("viewer")).json()["suppressions"]) == 2

    deleted = client.delete(f"/v1/suppressions/sms/{quote('+447700900123')}", headers=as_role("support"))

    assert (deleted.status_code, deleted.content) == (204, b"")
    assert downstream.notifications.requests[-1] == pb.DeleteSuppressionRequest(channel=pb.CHANNEL_SMS, address="+447700900123")
    again = client.delete(f"/v1/suppressions/sms/{quote('+447700900123')}", headers=as_role("support"))
    assert again.status_code == 404 and _error(again)["code"] == "NOT_FOUND"


def test_a_postal_address_with_slashes_and_lines_can_be_deleted(client, downstream, as_role):
    address = "Flat 3/12 Lipscani\n030031 Bucharest"
    client.post("/v1/suppressions", json={"channel": "letter", "address": address}, headers=as_role("marketing"))

    response = client.delete(f"/v1/suppressions/letter/{quote(address, safe='')}", headers=as_role("support"))

    assert response.status_code == 204, response.text
    assert downstream.notifications.requests[-1].address == address


def test_the_service_s_bad_suppression_fields_lose_the_suppression_prefix(client, as_role):
    response = client.post("/v1/suppressions", json={"channel": "email", "address": "nope"}, headers=as_role("marketing"))

    assert response.status_code == 422
    assert _fields(response) == {"address": "is not an email address"}


def test_a_malformed_suppression_is_422_at_the_edge(client, downstream, as_role):
    response = client.post("/v1/suppressions", json={"channel": "pigeon", "reason": "dislike"}, headers=as_role("marketing"))
    bad_channel = client.get("/v1/suppressions?channel=pigeon", headers=as_role("viewer"))
    bad_path = client.delete("/v1/suppressions/pigeon/x", headers=as_role("support"))

    assert set(_fields(response)) == {"channel", "address", "reason"}
    assert set(_fields(bad_channel)) == set(_fields(bad_path)) == {"channel"}
    assert downstream.notifications.requests == []


def test_suppressions_need_a_token_and_the_right_role(client, downstream, as_role):
    body = {"channel": "email", "address": "ada@example.com"}
    assert client.post("/v1/suppressions", json=body).status_code == 401
    assert client.get("/v1/suppressions").status_code == 401
    assert client.post("/v1/suppressions", json=body, headers=as_role("sales")).status_code == 403
    client.post("/v1/suppressions", json=body, headers=as_role("marketing"))
    assert client.delete("/v1/suppressions/email/ada@example.com", headers=as_role("marketing")).status_code == 403
    assert client.delete("/v1/suppressions/email/ada@example.com").status_code == 401
    assert len(downstream.notifications.suppressions) == 1
