"""The /v1/persons API through the gateway to real gRPC servers with fake servicers."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from crm.contacts.v1 import contacts_pb2
from crm.notifications.v1 import notifications_pb2
from crm_chassis import errors
from crm_chassis.auth import TokenIssuer, generate_key_pair

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

NEW_PERSON = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "emails": [{"address": "ada@example.com", "kind": "work"}],
    "phones": [{"number": "+442071838750", "kind": "mobile"}],
    "consents": [{"channel": "sms", "purpose": "marketing", "granted": True, "source": "web form"}],
    "team": "emea",
}


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "field_violations"}
    return body["error"]


def test_create_answers_201_with_the_person_and_its_location(client, downstream, sales):
    response = client.post("/v1/persons", json=NEW_PERSON, headers=sales)

    assert response.status_code == 201, response.text
    person = response.json()
    assert response.headers["Location"] == f"/v1/persons/{person['id']}"
    assert person["id"] in downstream.contacts.persons
    assert person["owner"] == "sam"  # the caller's token reached contacts
    assert person["emails"] == [{"address": "ada@example.com", "kind": "work"}]
    assert person["phones"] == [{"number": "+442071838750", "kind": "mobile"}]
    assert person["consents"] == [{"channel": "sms", "purpose": "marketing", "granted": True, "source": "web form", "record_time": None}]
    assert person["team"] == "emea"
    assert RFC3339_UTC.match(person["create_time"]), person["create_time"]
    sent = downstream.contacts.requests[0].person
    assert sent.emails[0].kind == contacts_pb2.EMAIL_KIND_WORK
    assert sent.phones[0].kind == contacts_pb2.PHONE_KIND_MOBILE
    assert (sent.consents[0].channel, sent.consents[0].purpose) == (contacts_pb2.CHANNEL_SMS, contacts_pb2.PURPOSE_MARKETING)


def test_create_passes_a_consent_time_on_in_utc(client, downstream, sales):
    body = {**NEW_PERSON, "consents": [{**NEW_PERSON["consents"][0], "record_time": "2024-05-01T11:30:00+02:00"}]}

    response = client.post("/v1/persons", json=body, headers=sales)

    assert response.status_code == 201, response.text
    assert downstream.contacts.requests[0].person.consents[0].record_time.ToJsonString() == "2024-05-01T09:30:00Z"
    assert response.json()["consents"][0]["record_time"] == "2024-05-01T09:30:00Z"


def test_get_composes_the_person_with_their_notifications_fetched_concurrently(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")
    sent = Timestamp(seconds=1714555802)
    downstream.notifications.notifications += [
        notifications_pb2.Notification(
            id="n1",
            person_id=person.id,
            channel=notifications_pb2.CHANNEL_EMAIL,
            purpose=notifications_pb2.PURPOSE_SERVICE,
            recipient="ada@example.com",
            template="welcome",
            template_version=2,
            language="en",
            subject="Welcome",
            status=notifications_pb2.STATUS_SENT,
            attempts=1,
            idempotency_key="welcome-ada",
            create_time=Timestamp(seconds=1714555801),
            send_time=sent,
            history=[
                notifications_pb2.StatusChange(status=notifications_pb2.STATUS_QUEUED, change_time=Timestamp(seconds=1714555801)),
                notifications_pb2.StatusChange(status=notifications_pb2.STATUS_SENT, change_time=sent),
            ],
        ),
        notifications_pb2.Notification(id="other", person_id="someone-else"),
    ]
    # Each servicer waits for the other one's call: calls made one after the other would break the barrier.
    barrier = threading.Barrier(2, timeout=3)
    downstream.contacts.rendezvous = downstream.notifications.rendezvous = barrier

    response = client.get(f"/v1/persons/{person.id}", headers=sales)

    assert response.status_code == 200, response.text
    view = response.json()
    assert view["person"]["id"] == person.id
    assert view["person"]["family_name"] == "Lovelace"
    assert view["partial"] == []
    assert view["notifications"] == [
        {
            "id": "n1",
            "person_id": person.id,
            "channel": "email",
            "purpose": "service",
            "recipient": "ada@example.com",
            "template": "welcome",
            "template_version": 2,
            "language": "en",
            "subject": "Welcome",
            "status": "sent",
            "reason": "",
            "attempts": 1,
            "idempotency_key": "welcome-ada",
            "campaign_id": "",
            "batch_id": "",
            "create_time": "2024-05-01T09:30:01Z",
            "send_time": "2024-05-01T09:30:02Z",
            "next_attempt_time": None,
            "provider_id": "",
            "segments": 0,
            "phone_outcome": "unspecified",
            "call_back_time": None,
            "history": [
                {"status": "queued", "reason": "", "change_time": "2024-05-01T09:30:01Z"},
                {"status": "sent", "reason": "", "change_time": "2024-05-01T09:30:02Z"},
            ],
        }
    ]
    assert downstream.notifications.requests[0].person_id == person.id


def test_get_answers_the_person_without_notifications_when_notifications_is_down(make_client, downstream, sales, unused_address):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")
    client = make_client(notifications_addr=unused_address)

    response = client.get(f"/v1/persons/{person.id}", headers=sales)

    assert response.status_code == 200, response.text
    assert response.json()["person"]["id"] == person.id
    assert response.json()["notifications"] is None
    assert response.json()["partial"] == ["notifications"]


def test_get_answers_the_person_without_notifications_when_notifications_is_too_slow(make_client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")
    downstream.notifications.hold = threading.Event()
    client = make_client(deadline_seconds=0.3)

    response = client.get(f"/v1/persons/{person.id}", headers=sales)

    assert response.status_code == 200, response.text
    assert response.json()["notifications"] is None
    assert response.json()["partial"] == ["notifications"]
    assert len(downstream.notifications.requests) == 1


def test_get_fails_when_contacts_is_down_and_names_no_address(make_client, sales, unused_address):
    client = make_client(contacts_addr=unused_address)

    response = client.get("/v1/persons/p1", headers=sales)

    assert response.status_code == 503
    error = _error(response)
    assert error["code"] == "UNAVAILABLE"
    assert error["message"] == "contacts is unavailable"
    assert unused_address not in response.text


def test_a_slow_contacts_is_504(make_client, downstream, sales):
    person = downstream.contacts.add(family_name="Lovelace")
    downstream.contacts.rendezvous = threading.Barrier(2)  # nobody else arrives: GetPerson hangs
    client = make_client(deadline_seconds=0.3)

    response = client.get(f"/v1/persons/{person.id}", headers=sales)

    assert response.status_code == 504
    assert _error(response)["code"] == "DEADLINE_EXCEEDED"


def test_unknown_person_is_404(client, sales):
    response = client.get("/v1/persons/nobody", headers=sales)

    assert response.status_code == 404
    error = _error(response)
    assert error["code"] == "NOT_FOUND"
    assert "nobody" in error["message"]


@pytest.mark.parametrize(
    "failure, status, code",
    [
        (errors.AlreadyExists("a person with this email exists"), 409, "ALREADY_EXISTS"),
        (errors.FailedPrecondition("the territory is closed"), 409, "FAILED_PRECONDITION"),
        (errors.NotFound("no such team"), 404, "NOT_FOUND"),
        (errors.Aborted("the change collided with a concurrent one and was rolled back; retry it"), 409, "ABORTED"),
    ],
)
def test_downstream_errors_keep_their_meaning(client, downstream, sales, failure, status, code):
    downstream.contacts.fail_with = failure

    response = client.post("/v1/persons", json=NEW_PERSON, headers=sales)

    assert response.status_code == status
    assert _error(response) == {"code": code, "message": failure.message, "field_violations": []}


def test_an_unexpected_downstream_failure_is_502_without_its_details(client, downstream, sales):
    downstream.contacts.fail_with = RuntimeError("password=hunter2 at /srv/contacts/db.py")

    response = client.get("/v1/persons", headers=sales)

    assert response.status_code == 502
    assert _error(response) == {"code": "INTERNAL", "message": "contacts failed (INTERNAL)", "field_violations": []}
    assert "hunter2" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("header", [None, "Bearer", "Basic YWxpY2U6c2VjcmV0", "Bearer not-a-jwt"])
def test_v1_needs_a_bearer_token(client, downstream, header):
    headers = {} if header is None else {"Authorization": header}

    for response in (client.get("/v1/persons", headers=headers), client.post("/v1/persons", json=NEW_PERSON, headers=headers)):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert _error(response)["code"] == "UNAUTHENTICATED"
    assert downstream.contacts.requests == []


def test_tokens_from_another_key_or_expired_are_refused(client, downstream, jwt_keys, tmp_path):
    generate_key_pair(tmp_path / "other.pem", tmp_path / "other.pub")
    forged = TokenIssuer.from_file(tmp_path / "other.pem", issuer="crm", audience="crm").issue("mallory", ["admin"])
    expired = jwt_keys.issuer.issue("sam", ["sales"], ttl=timedelta(minutes=-5))

    for token in (forged, expired):
        response = client.get("/v1/persons", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "expired" in _error(response)["message"]
    assert downstream.contacts.requests == []


def test_a_role_the_downstream_service_refuses_is_403(client, downstream, jwt_keys):
    support = {"Authorization": f"Bearer {jwt_keys.token('sue', roles=('support',))}"}

    response = client.post("/v1/persons", json=NEW_PERSON, headers=support)

    assert response.status_code == 403
    error = _error(response)
    assert error["code"] == "PERMISSION_DENIED"
    assert "CreatePerson" in error["message"]
    assert downstream.contacts.persons == {}


def test_a_malformed_body_is_422_with_every_bad_field(client, downstream, sales):
    body = {
        **NEW_PERSON,
        "emails": [{"address": "ada@example.com", "kind": "pager"}],
        "phones": [{"kind": "mobile"}],
        "consents": [{"channel": "email", "purpose": "marketing", "granted": "perhaps"}],
        "nickname": "Ada",
    }

    response = client.post("/v1/persons", json=body, headers=sales)

    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "INVALID_ARGUMENT"
    assert {v["field"] for v in error["field_violations"]} == {"emails[0].kind", "phones[0].number", "consents[0].granted", "nickname"}
    assert all(v["description"] for v in error["field_violations"])
    assert downstream.contacts.requests == []


def test_a_body_that_is_not_json_is_422(client, sales):
    response = client.post("/v1/persons", content=b"{not json", headers={**sales, "Content-Type": "application/json"})

    assert response.status_code == 422
    assert [v["field"] for v in _error(response)["field_violations"]] == ["body"]


def test_fields_the_contacts_service_rejects_are_422_with_rest_paths(client, sales):
    body = {
        **NEW_PERSON,
        "family_name": "",
        "emails": [{"address": "ada@example.com", "kind": "work"}, {"address": "nope", "kind": "other"}],
    }

    response = client.post("/v1/persons", json=body, headers=sales)

    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "INVALID_ARGUMENT"
    assert error["field_violations"] == [
        {"field": "emails[1].address", "description": "is not an email address"},
        {"field": "family_name", "description": "must not be empty"},
    ]
    assert "person." not in error["message"]


def test_list_passes_page_size_and_tokens_through(client, downstream, sales):
    ids = [downstream.contacts.add(family_name=f"P{i}").id for i in range(3)]

    first = client.get("/v1/persons", params={"page_size": 2}, headers=sales)
    assert first.status_code == 200, first.text
    token = first.json()["next_page_token"]
    second = client.get("/v1/persons", params={"page_size": 2, "page_token": token}, headers=sales)

    assert [p["id"] for p in first.json()["persons"]] == ids[:2]
    assert token
    assert [p["id"] for p in second.json()["persons"]] == ids[2:]
    assert second.json()["next_page_token"] == ""
    assert [(r.page_size, r.page_token) for r in downstream.contacts.requests] == [(2, ""), (2, token)]


def test_list_rejects_a_negative_page_size(client, downstream, sales):
    response = client.get("/v1/persons", params={"page_size": -1}, headers=sales)

    assert response.status_code == 422
    assert [v["field"] for v in _error(response)["field_violations"]] == ["page_size"]
    assert downstream.contacts.requests == []


def test_an_unknown_route_answers_in_the_error_shape(client, sales):
    response = client.get("/v1/nothing-here", headers=sales)

    assert response.status_code == 404
    assert _error(response)["code"] == "NOT_FOUND"
