"""The public unsubscribe pages and the call-center's phone outcomes, through the gateway."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from gateway_notifications_fake import link_token

from crm.notifications.v1 import notifications_pb2 as pb
from crm_chassis import errors

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


BROWSER = {"Accept": "text/html"}  # the confirmation page's button, posted by a browser

def _swapped_address(token: str, address: str) -> str:
    """The signature of `token` over another address: what a forger would try."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return base64.urlsafe_b64encode(raw[:16] + f"email\n{address}".encode()).decode().rstrip("=")


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


# -- GET /v1/unsubscribe (the link in a message) -----------------------------------------------------


def test_the_link_unsubscribes_without_a_bearer_token_and_says_so(client, downstream):
    response = client.post("/v1/unsubscribe", headers=BROWSER, params={"token": link_token("email", "ada@example.com")})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "You will receive no more marketing emails at <strong>ada@example.com</strong>." in response.text
    assert (response.headers["Cache-Control"], response.headers["Referrer-Policy"]) == ("no-store", "no-referrer")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    suppression = downstream.notifications.suppressions[(pb.CHANNEL_EMAIL, "ada@example.com")]
    assert (suppression.reason, suppression.marketing_only) == ("unsubscribed", True)
    assert downstream.notifications.callers == [None]  # the service was called without a token: the RPC is PUBLIC


def test_the_page_names_the_channel_and_escapes_the_address(client):
    sms = client.post("/v1/unsubscribe", headers=BROWSER, params={"token": link_token("sms", "+447700900123")})
    odd = client.post("/v1/unsubscribe", headers=BROWSER, params={"token": link_token("email", "<script>@example.com")})

    assert "no more marketing text messages at <strong>+447700900123</strong>" in sms.text
    assert "<script>" not in odd.text and "&lt;script&gt;@example.com" in odd.text


def test_an_address_already_closed_to_everything_stays_so(client, downstream):
    downstream.notifications.suppressions[(pb.CHANNEL_EMAIL, "ada@example.com")] = pb.Suppression(
        address="ada@example.com", channel=pb.CHANNEL_EMAIL, reason="bounced", marketing_only=False
    )

    response = client.post("/v1/unsubscribe", headers=BROWSER, params={"token": link_token("email", "ada@example.com")})

    assert response.status_code == 200
    assert "You will receive no more emails at <strong>ada@example.com</strong>." in response.text
    assert downstream.notifications.suppressions[(pb.CHANNEL_EMAIL, "ada@example.com")].reason == "bounced"


def test_a_staff_token_sent_along_is_not_passed_on(client, downstream, jwt_keys):
    expired = jwt_keys.issuer.issue("sam", ["sales"], ttl=timedelta(minutes=-5))

    response = client.post(
        "/v1/unsubscribe", params={"token": link_token("email", "ada@example.com")}, headers={**BROWSER, "Authorization": f"Bearer {expired}"}
    )

    assert response.status_code == 200, response.text
    assert downstream.notifications.callers == [None]


@pytest.mark.parametrize(
    "params",
    [
        {"token": link_token("email", "ada@example.com")[:-2] + "AA"},  # a changed signature
        {"token": _swapped_address(link_token("email", "ada@example.com"), "bob@example.com")},
        {"token": "not base64 at all!"},
        {"token": "x" * 5000},
        {},
    ],
    ids=["signature", "address", "garbage", "too-long", "missing"],
)
def test_a_forged_or_missing_token_is_a_400_page_without_details(client, downstream, params):
    response = client.post("/v1/unsubscribe", headers=BROWSER, params=params)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "This link is not valid" in response.text
    assert "unsubscribe token" not in response.text and "INVALID_ARGUMENT" not in response.text
    assert downstream.notifications.suppressions == {}


def test_a_failing_service_is_a_try_again_page(make_client, unused_address):
    client = make_client(notifications_addr=unused_address)

    response = client.post("/v1/unsubscribe", headers=BROWSER, params={"token": link_token("email", "ada@example.com")})

    assert response.status_code == 503
    assert "Please try again later" in response.text and "notifications" not in response.text


def test_a_service_that_still_wants_a_bearer_token_is_a_502_page(client, downstream):
    downstream.notifications.fail_with = errors.Unauthenticated("missing bearer token (authorization header)")

    response = client.post("/v1/unsubscribe", headers=BROWSER, params={"token": link_token("email", "ada@example.com")})

    assert response.status_code == 502
    assert "Please try again later" in response.text and "bearer" not in response.text


# -- POST /v1/unsubscribe (RFC 8058 one-click) -------------------------------------------------------


def test_one_click_post_unsubscribes_and_answers_200(client, downstream):
    token = link_token("email", "ada@example.com")

    response = client.post(f"/v1/unsubscribe?token={token}", data=ONE_CLICK)

    assert response.status_code == 200, response.text
    assert response.json() == {"channel": "email", "address": "ada@example.com", "marketing_only": True}
    assert (pb.CHANNEL_EMAIL, "ada@example.com") in downstream.notifications.suppressions
    assert downstream.notifications.callers == [None]


def test_one_click_post_as_multipart_form_data(client, downstream):
    token = link_token("email", "ada@example.com")

    response = client.post(f"/v1/unsubscribe?token={token}", files={"List-Unsubscribe": (None, "One-Click")})

    assert response.status_code == 200, response.text


def test_one_click_post_with_a_forged_token_is_400_json_without_details(client, downstream):
    response = client.post("/v1/unsubscribe?token=Zm9yZ2VkCmFkYUBleGFtcGxlLmNvbQ", data=ONE_CLICK)
    missing = client.post("/v1/unsubscribe", data=ONE_CLICK)

    assert response.status_code == missing.status_code == 400
    assert (
        _error(response)
        == _error(missing)
        == {
            "code": "INVALID_ARGUMENT",
            "message": "invalid unsubscribe link",
            "field_violations": [{"field": "token", "description": "is not a valid unsubscribe token"}],
        }
    )
    assert downstream.notifications.suppressions == {}


# -- POST /v1/phone-tasks/{task_id}/outcome --------------------------------------------------------------


@pytest.fixture
def task(downstream):
    return downstream.notifications.add(channel=pb.CHANNEL_PHONE, person_id="p-1", status=pb.STATUS_SENT)


def test_the_call_center_reports_an_outcome(client, downstream, as_role, task):
    body = {"outcome": "call_back", "call_back_time": "2024-05-02T16:00:00+02:00", "note": "after lunch", "agent": "agent-17"}

    response = client.post(f"/v1/phone-tasks/{task.id}/outcome", json=body, headers=as_role("callcenter"))

    assert response.status_code == 200, response.text
    got = response.json()
    assert (got["id"], got["status"], got["phone_outcome"], got["call_back_time"]) == (
        task.id,
        "delivered",
        "call_back",
        "2024-05-02T14:00:00Z",
    )
    request = downstream.notifications.requests[-1]
    assert (request.task_id, request.outcome, request.note, request.agent) == (
        task.id,
        pb.PHONE_OUTCOME_CALL_BACK,
        "after lunch",
        "agent-17",
    )


def test_a_call_back_without_a_time_is_422_from_the_service(client, as_role, task):
    response = client.post(f"/v1/phone-tasks/{task.id}/outcome", json={"outcome": "call_back"}, headers=as_role("callcenter"))

    assert response.status_code == 422
    assert _error(response)["field_violations"] == [{"field": "call_back_time", "description": "is required when the outcome is call back"}]


def test_an_unknown_outcome_is_422_at_the_edge(client, downstream, as_role, task):
    response = client.post(f"/v1/phone-tasks/{task.id}/outcome", json={"outcome": "voicemail", "agent": 7}, headers=as_role("callcenter"))

    assert response.status_code == 422
    assert {v["field"] for v in _error(response)["field_violations"]} == {"outcome", "agent"}
    assert downstream.notifications.requests == []


def test_an_unknown_task_is_404_and_a_second_report_409(client, as_role, task):
    assert client.post("/v1/phone-tasks/ghost/outcome", json={"outcome": "reached"}, headers=as_role("callcenter")).status_code == 404
    client.post(f"/v1/phone-tasks/{task.id}/outcome", json={"outcome": "reached"}, headers=as_role("callcenter"))
    again = client.post(f"/v1/phone-tasks/{task.id}/outcome", json={"outcome": "refused"}, headers=as_role("callcenter"))
    assert again.status_code == 409


def test_phone_outcomes_need_the_callcenter_role(client, downstream, as_role, task):
    assert client.post(f"/v1/phone-tasks/{task.id}/outcome", json={"outcome": "reached"}).status_code == 401
    assert client.post(f"/v1/phone-tasks/{task.id}/outcome", json={"outcome": "reached"}, headers=as_role("support")).status_code == 403
    assert downstream.notifications.notifications[0].phone_outcome == pb.PHONE_OUTCOME_UNSPECIFIED


def test_opening_the_link_only_asks_and_its_button_posts_the_same_token(client, downstream):
    """Mail scanners open every link: a GET must never unsubscribe."""
    token = link_token("email", "ada@example.com")
    page = client.get("/v1/unsubscribe", params={"token": token})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert downstream.notifications.suppressions == {}
    assert 'method="post"' in page.text and f"token={token}" in page.text.replace("&amp;", "&")
    assert "form-action 'self'" in page.headers["content-security-policy"]


def test_a_link_without_a_token_is_a_400_page(client):
    page = client.get("/v1/unsubscribe")
    assert page.status_code == 400 and "not valid" in page.text
