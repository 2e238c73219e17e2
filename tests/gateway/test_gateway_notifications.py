"""/v1/notifications and /v1/batches through the gateway to a notifications server with the service's real roles."""

from __future__ import annotations

import pytest
from gateway_notifications_fake import now

from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis import errors

SEND = {
    "recipient": {"person_id": "p-1"},
    "channel": "email",
    "purpose": "service",
    "template": "order-shipped",
    "variables": {"order": "1042"},
    "idempotency_key": "order-1042-shipped",
}


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "field_violations"}
    return body["error"]


def _fields(response) -> dict[str, str]:
    return {v["field"]: v["description"] for v in _error(response)["field_violations"]}


# -- POST /v1/notifications ----------------------------------------------------------------------------


def test_send_answers_201_with_the_notification_and_its_location(client, downstream, as_role):
    body = {**SEND, "language": "en", "send_time": "2024-05-01T11:30:00+02:00", "campaign_id": "c-1"}

    response = client.post("/v1/notifications", json=body, headers=as_role("sales", user="sam"))

    assert response.status_code == 201, response.text
    notification = response.json()
    assert response.headers["Location"] == f"/v1/notifications/{notification['id']}"
    assert "Content-Location" not in response.headers
    assert (notification["person_id"], notification["channel"], notification["purpose"], notification["status"]) == (
        "p-1",
        "email",
        "service",
        "queued",
    )
    assert (notification["idempotency_key"], notification["campaign_id"], notification["language"]) == ("order-1042-shipped", "c-1", "en")
    [request] = downstream.notifications.requests
    assert request.recipient.WhichOneof("target") == "person_id" and request.recipient.person_id == "p-1"
    assert (request.channel, request.purpose, request.template) == (pb.CHANNEL_EMAIL, pb.PURPOSE_SERVICE, "order-shipped")
    assert dict(request.variables) == {"order": "1042"}
    assert request.send_time.ToJsonString() == "2024-05-01T09:30:00Z"
    assert downstream.notifications.callers == ["sam"]  # the caller's token reached the service


def test_send_to_a_bare_address(client, downstream, as_role):
    body = {**SEND, "recipient": {"address": "ada@example.com"}}

    response = client.post("/v1/notifications", json=body, headers=as_role("service"))

    assert response.status_code == 201, response.text
    assert response.json()["recipient"] == "ada@example.com"
    assert downstream.notifications.requests[0].recipient.WhichOneof("target") == "address"


def test_a_repeated_idempotency_key_answers_200_with_the_first_notification(client, downstream, as_role):
    first = client.post("/v1/notifications", json=SEND, headers=as_role("sales"))
    again = client.post("/v1/notifications", json={**SEND, "variables": {"order": "other"}}, headers=as_role("sales"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert again.headers["Content-Location"] == first.headers["Location"]
    assert "Location" not in again.headers
    assert len(downstream.notifications.notifications) == 1


def test_the_idempotency_key_may_come_from_the_header(client, downstream, as_role):
    body = {k: v for k, v in SEND.items() if k != "idempotency_key"}

    response = client.post("/v1/notifications", json=body, headers={**as_role("sales"), "Idempotency-Key": "from-header"})

    assert response.status_code == 201, response.text
    assert downstream.notifications.requests[0].idempotency_key == "from-header"
    # The same key in both places is the same request.
    same = client.post(
        "/v1/notifications", json={**body, "idempotency_key": "from-header"}, headers={**as_role("sales"), "idempotency-key": "from-header"}
    )
    assert same.status_code == 200 and same.json()["id"] == response.json()["id"]


def test_a_header_key_contradicting_the_body_is_422(client, downstream, as_role):
    response = client.post("/v1/notifications", json=SEND, headers={**as_role("sales"), "Idempotency-Key": "another"})

    assert response.status_code == 422
    assert _fields(response) == {"idempotency_key": "differs from the Idempotency-Key header"}
    assert downstream.notifications.requests == []


def test_the_service_s_bad_fields_are_422_with_their_body_paths(client, downstream, as_role):
    body = {**SEND, "recipient": {"address": "not-an-email"}, "idempotency_key": ""}

    response = client.post("/v1/notifications", json=body, headers=as_role("sales"))

    assert response.status_code == 422
    assert _fields(response) == {
        "idempotency_key": "is required, so that a repeated request is recognised",
        "recipient.address": "is not an email address",
    }
    assert _error(response)["code"] == "INVALID_ARGUMENT"


def test_a_malformed_send_is_422_at_the_edge_with_every_bad_field(client, downstream, as_role):
    body = {**SEND, "recipient": {"person_id": "p-1", "address": "ada@example.com"}, "channel": "pigeon", "purpose": "MARKETING", "note": 1}
    del body["template"]

    response = client.post("/v1/notifications", json=body, headers=as_role("sales"))

    assert response.status_code == 422
    fields = _fields(response)
    assert set(fields) == {"recipient", "channel", "purpose", "template", "note"}
    assert fields["recipient"] == "needs either a person_id or an address"
    assert downstream.notifications.requests == []


def test_send_needs_a_token_and_a_sender_role(client, downstream, as_role):
    anonymous = client.post("/v1/notifications", json=SEND)
    viewer = client.post("/v1/notifications", json=SEND, headers=as_role("viewer"))

    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert viewer.status_code == 403
    assert _error(viewer)["code"] == "PERMISSION_DENIED" and "SendNotification" in _error(viewer)["message"]
    assert downstream.notifications.notifications == []


# -- GET /v1/notifications[/{id}] ----------------------------------------------------------------------


def test_list_passes_every_filter_on(client, downstream, as_role):
    failed = downstream.notifications.add(person_id="p-1", campaign_id="c-1", batch_id="b-1", status=pb.STATUS_FAILED)
    downstream.notifications.add(person_id="p-1", campaign_id="c-1", batch_id="b-1", status=pb.STATUS_SENT)
    downstream.notifications.add(person_id="p-2", status=pb.STATUS_FAILED)

    response = client.get(
        "/v1/notifications?person_id=p-1&campaign_id=c-1&batch_id=b-1&status=failed&status=delivered&page_size=10",
        headers=as_role("viewer"),
    )

    assert response.status_code == 200, response.text
    assert [n["id"] for n in response.json()["notifications"]] == [failed.id]
    assert response.json()["next_page_token"] == ""
    [request] = downstream.notifications.requests
    assert (request.person_id, request.campaign_id, request.batch_id, request.page_size) == ("p-1", "c-1", "b-1", 10)
    assert list(request.statuses) == [pb.STATUS_FAILED, pb.STATUS_DELIVERED]


def test_list_pages_through_next_page_token(client, downstream, as_role):
    for _ in range(3):
        downstream.notifications.add(person_id="p-1")

    first = client.get("/v1/notifications?page_size=2", headers=as_role("support")).json()
    second = client.get(f"/v1/notifications?page_size=2&page_token={first['next_page_token']}", headers=as_role("support")).json()

    assert len(first["notifications"]) == 2 and first["next_page_token"]
    assert len(second["notifications"]) == 1 and second["next_page_token"] == ""


def test_list_with_bad_query_values_is_422(client, downstream, as_role):
    response = client.get("/v1/notifications?status=lost&page_size=-1", headers=as_role("sales"))

    assert response.status_code == 422
    assert set(_fields(response)) == {"status[0]", "page_size"}
    assert downstream.notifications.requests == []


def test_get_answers_the_notification_with_its_history(client, downstream, as_role):
    call_back = now()
    stored = downstream.notifications.add(
        person_id="p-1",
        channel=pb.CHANNEL_PHONE,
        status=pb.STATUS_DELIVERED,
        phone_outcome=pb.PHONE_OUTCOME_CALL_BACK,
        call_back_time=call_back,
        history=[pb.StatusChange(status=pb.STATUS_QUEUED, change_time=now())],
    )

    response = client.get(f"/v1/notifications/{stored.id}", headers=as_role("viewer"))

    assert response.status_code == 200, response.text
    got = response.json()
    assert (got["id"], got["channel"], got["status"], got["phone_outcome"]) == (stored.id, "phone", "delivered", "call_back")
    assert got["call_back_time"].endswith("Z") and got["history"][0]["status"] == "queued"


def test_get_an_unknown_notification_is_404(client, as_role):
    response = client.get("/v1/notifications/ghost", headers=as_role("viewer"))

    assert response.status_code == 404
    assert _error(response)["code"] == "NOT_FOUND" and "ghost" in _error(response)["message"]


def test_reading_needs_a_token_and_a_reader_role(client, as_role):
    assert client.get("/v1/notifications").status_code == 401
    assert client.get("/v1/notifications/n-1").status_code == 401
    assert client.get("/v1/notifications", headers=as_role("callcenter")).status_code == 403


# -- POST /v1/notifications/{id}:retry -------------------------------------------------------------------


def test_retry_queues_a_failed_notification_again(client, downstream, as_role):
    failed = downstream.notifications.add(status=pb.STATUS_FAILED, reason="smtp said no")

    response = client.post(f"/v1/notifications/{failed.id}:retry", headers=as_role("support"))

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "queued"
    assert response.json()["history"][-1]["reason"] == "retried by an operator"
    assert downstream.notifications.requests[-1] == pb.RetryNotificationRequest(id=failed.id)


def test_retry_of_a_notification_that_did_not_fail_is_409(client, downstream, as_role):
    sent = downstream.notifications.add(status=pb.STATUS_SENT)

    response = client.post(f"/v1/notifications/{sent.id}:retry", headers=as_role("support"))

    assert response.status_code == 409
    assert _error(response)["code"] == "FAILED_PRECONDITION"


def test_retry_of_an_unknown_notification_is_404(client, as_role):
    assert client.post("/v1/notifications/ghost:retry", headers=as_role("support")).status_code == 404


def test_retry_is_for_operators_only(client, downstream, as_role):
    failed = downstream.notifications.add(status=pb.STATUS_FAILED)

    assert client.post(f"/v1/notifications/{failed.id}:retry").status_code == 401
    assert client.post(f"/v1/notifications/{failed.id}:retry", headers=as_role("sales")).status_code == 403
    assert downstream.notifications.notifications[0].status == pb.STATUS_FAILED


# -- POST /v1/batches/{batch_id}/recipients --------------------------------------------------------------

BATCH = {
    "recipients": [
        {"recipient": {"person_id": "p-1"}, "variables": {"code": "ADA10"}},
        {"recipient": {"address": "bob@example.com"}},
    ],
    "channel": "email",
    "purpose": "marketing",
    "template": "spring-sale",
    "variables": {"season": "spring"},
    "campaign_id": "spring-2024",
    "send_time": "2024-05-01T09:00:00Z",
    "rate_per_minute": 500,
}


def test_a_batch_call_adds_recipients_and_a_repeat_adds_nobody_twice(client, downstream, as_role):
    first = client.post("/v1/batches/wave-1/recipients", json=BATCH, headers=as_role("marketing"))
    more = {**BATCH, "recipients": [*BATCH["recipients"], {"recipient": {"person_id": "p-3"}}]}
    second = client.post("/v1/batches/wave-1/recipients", json=more, headers=as_role("marketing"))

    assert first.status_code == 200, first.text
    assert first.json() == {"batch_id": "wave-1", "accepted": 2, "duplicates": 0, "total": 2}
    assert second.json() == {"batch_id": "wave-1", "accepted": 1, "duplicates": 2, "total": 3}
    request = downstream.notifications.requests[0]
    assert (request.batch_id, request.channel, request.purpose, request.rate_per_minute) == (
        "wave-1",
        pb.CHANNEL_EMAIL,
        pb.PURPOSE_MARKETING,
        500,
    )
    assert dict(request.recipients[0].variables) == {"code": "ADA10"} and request.recipients[1].recipient.address == "bob@example.com"
    assert (dict(request.variables), request.campaign_id, request.send_time.ToJsonString()) == (
        {"season": "spring"},
        "spring-2024",
        "2024-05-01T09:00:00Z",
    )


def test_a_batch_with_other_settings_is_409(client, as_role):
    client.post("/v1/batches/wave-1/recipients", json=BATCH, headers=as_role("marketing"))

    response = client.post("/v1/batches/wave-1/recipients", json={**BATCH, "template": "summer-sale"}, headers=as_role("marketing"))

    assert response.status_code == 409
    assert "other settings" in _error(response)["message"]


def test_more_than_1000_recipients_or_none_is_422_at_the_edge(client, downstream, as_role):
    many = {**BATCH, "recipients": [{"recipient": {"person_id": f"p-{i}"}} for i in range(1001)]}

    too_many = client.post("/v1/batches/wave-1/recipients", json=many, headers=as_role("marketing"))
    none = client.post("/v1/batches/wave-1/recipients", json={**BATCH, "recipients": []}, headers=as_role("marketing"))

    assert (too_many.status_code, none.status_code) == (422, 422)
    assert set(_fields(too_many)) == set(_fields(none)) == {"recipients"}
    assert downstream.notifications.requests == []


def test_bad_batch_recipients_are_422_with_their_paths(client, as_role):
    recipients = [{"recipient": {"address": "bob@example.com"}}, {"recipient": {"address": "nope"}}, {"recipient": {}}]

    response = client.post("/v1/batches/wave-1/recipients", json={**BATCH, "recipients": recipients}, headers=as_role("marketing"))

    assert response.status_code == 422
    assert _fields(response) == {"recipients[2].recipient": "needs either a person_id or an address"}
    downstream_bad = client.post(
        "/v1/batches/wave-1/recipients", json={**BATCH, "recipients": recipients[:2]}, headers=as_role("marketing")
    )
    assert _fields(downstream_bad) == {"recipients[1].recipient.address": "is not an email address"}


def test_batches_need_a_token_and_a_batch_role(client, downstream, as_role):
    assert client.post("/v1/batches/wave-1/recipients", json=BATCH).status_code == 401
    assert client.post("/v1/batches/wave-1/recipients", json=BATCH, headers=as_role("sales")).status_code == 403
    assert downstream.notifications.batches == {}


@pytest.mark.parametrize(
    "failure, status, code",
    [
        (errors.FailedPrecondition("the template was retired"), 409, "FAILED_PRECONDITION"),
        (RuntimeError("boom at /srv/x.py"), 502, "INTERNAL"),
    ],
)
def test_other_downstream_errors_keep_the_error_shape(client, downstream, as_role, failure, status, code):
    downstream.notifications.fail_with = failure

    response = client.post("/v1/notifications", json=SEND, headers=as_role("sales"))

    assert response.status_code == status
    assert _error(response)["code"] == code
    assert "/srv/x.py" not in response.text


def test_an_unreachable_notifications_service_is_503(make_client, unused_address, as_role):
    client = make_client(notifications_addr=unused_address)

    response = client.get("/v1/notifications/n-1", headers=as_role("viewer"))

    assert response.status_code == 503
    assert _error(response) == {"code": "UNAVAILABLE", "message": "notifications is unavailable", "field_violations": []}
