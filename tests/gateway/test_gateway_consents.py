"""PUT /v1/persons/{id}/consents/{channel}/{purpose} and the profile fields of a person, through the gateway."""

from __future__ import annotations

import pytest

from crm.contacts.v1 import contacts_pb2
from crm_chassis import errors

NEW_PERSON = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "salutation": "Dear Countess",
    "preferred_language": "en-GB",
    "time_zone": "Europe/London",
    "addresses": [
        {"kind": "home", "lines": ["12 St James's Square"], "postal_code": "SW1Y 4LB", "city": "London", "country": "GB"},
        {"kind": "billing", "city": "London", "region": "Greater London", "country": "GB"},
    ],
}


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def test_create_passes_profile_and_addresses_on_and_answers_them(client, downstream, sales):
    response = client.post("/v1/persons", json=NEW_PERSON, headers=sales)

    assert response.status_code == 201, response.text
    person = response.json()
    assert (person["salutation"], person["preferred_language"], person["time_zone"]) == ("Dear Countess", "en-GB", "Europe/London")
    assert person["addresses"] == [
        {"kind": "home", "lines": ["12 St James's Square"], "postal_code": "SW1Y 4LB", "city": "London", "region": "", "country": "GB"},
        {"kind": "billing", "lines": [], "postal_code": "", "city": "London", "region": "Greater London", "country": "GB"},
    ]
    sent = downstream.contacts.requests[0].person
    assert [a.kind for a in sent.addresses] == [contacts_pb2.ADDRESS_KIND_HOME, contacts_pb2.ADDRESS_KIND_BILLING]
    assert (sent.preferred_language, sent.time_zone, sent.addresses[0].lines) == ("en-GB", "Europe/London", ["12 St James's Square"])


def test_a_person_without_profile_fields_answers_empty_values(client, downstream, sales):
    person = downstream.contacts.add(family_name="Lovelace")

    response = client.get(f"/v1/persons/{person.id}", headers=sales)

    answered = response.json()["person"]
    assert (answered["salutation"], answered["preferred_language"], answered["time_zone"], answered["addresses"]) == ("", "", "", [])


def test_a_malformed_address_is_422_with_every_bad_field(client, downstream, sales):
    body = {**NEW_PERSON, "addresses": [{"kind": "holiday", "city": "Nice", "country": "FR"}, {"kind": "home", "lines": "one line", "city": "Nice"}]}

    response = client.post("/v1/persons", json=body, headers=sales)

    assert response.status_code == 422
    fields = {v["field"] for v in _error(response)["field_violations"]}
    assert fields == {"addresses[0].kind", "addresses[1].lines", "addresses[1].country"}
    assert downstream.contacts.requests == []


def test_put_consent_calls_set_person_consent_and_answers_the_person(client, downstream, sales):
    person = downstream.contacts.add(family_name="Lovelace")

    response = client.put(
        f"/v1/persons/{person.id}/consents/email/marketing",
        json={"granted": True, "source": "web form", "record_time": "2024-05-01T11:30:00+02:00"},
        headers=sales,
    )

    assert response.status_code == 200, response.text
    [request] = downstream.contacts.requests
    assert request.person_id == person.id
    assert (request.consent.channel, request.consent.purpose, request.consent.granted, request.consent.source) == (
        contacts_pb2.CHANNEL_EMAIL, contacts_pb2.PURPOSE_MARKETING, True, "web form"
    )
    assert request.consent.record_time.ToJsonString() == "2024-05-01T09:30:00Z"
    answered = response.json()
    assert answered["id"] == person.id
    assert answered["consents"] == [
        {"channel": "email", "purpose": "marketing", "granted": True, "source": "web form", "record_time": "2024-05-01T09:30:00Z"}
    ]


def test_put_consent_without_a_time_leaves_it_to_the_service(client, downstream, sales):
    person = downstream.contacts.add(family_name="Lovelace")

    response = client.put(f"/v1/persons/{person.id}/consents/sms/service", json={"granted": False}, headers=sales)

    assert response.status_code == 200, response.text
    [request] = downstream.contacts.requests
    assert not request.consent.HasField("record_time")
    assert (request.consent.channel, request.consent.purpose, request.consent.granted, request.consent.source) == (
        contacts_pb2.CHANNEL_SMS, contacts_pb2.PURPOSE_SERVICE, False, ""
    )


def test_put_consent_with_bad_path_words_and_body_is_422_at_once(client, downstream, sales):
    response = client.put(
        "/v1/persons/p1/consents/pigeon/spam", json={"source": 7, "record_time": "2024-05-01T09:30:00", "note": "x"}, headers=sales
    )

    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "INVALID_ARGUMENT"
    assert {v["field"] for v in error["field_violations"]} == {"channel", "purpose", "granted", "source", "record_time", "note"}
    assert downstream.contacts.requests == []


def test_put_consent_maps_the_service_s_bad_fields_to_body_paths(client, downstream, sales):
    person = downstream.contacts.add(family_name="Lovelace")

    response = client.put(f"/v1/persons/{person.id}/consents/email/marketing", json={"granted": True, "source": "s" * 201}, headers=sales)

    assert response.status_code == 422
    assert _error(response) == {
        "code": "INVALID_ARGUMENT",
        "message": "invalid request: source: must be at most 200 characters",
        "field_violations": [{"field": "source", "description": "must be at most 200 characters"}],
    }


def test_put_consent_for_an_unknown_person_is_404(client, sales):
    response = client.put("/v1/persons/nobody/consents/email/marketing", json={"granted": True}, headers=sales)

    assert response.status_code == 404
    error = _error(response)
    assert error["code"] == "NOT_FOUND" and "nobody" in error["message"]


def test_put_consent_with_a_role_contacts_refuses_is_403(client, downstream, jwt_keys):
    person = downstream.contacts.add(family_name="Lovelace")
    support = {"Authorization": f"Bearer {jwt_keys.token('sue', roles=('support',))}"}

    response = client.put(f"/v1/persons/{person.id}/consents/email/marketing", json={"granted": True}, headers=support)

    assert response.status_code == 403
    error = _error(response)
    assert error["code"] == "PERMISSION_DENIED" and "SetPersonConsent" in error["message"]
    assert list(downstream.contacts.persons[person.id].consents) == []


def test_put_consent_needs_a_token(client, downstream):
    response = client.put("/v1/persons/p1/consents/email/marketing", json={"granted": True})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert downstream.contacts.requests == []


@pytest.mark.parametrize(
    "failure, status, code",
    [(errors.FailedPrecondition("the person was merged"), 409, "FAILED_PRECONDITION"), (RuntimeError("boom at /srv/db.py"), 502, "INTERNAL")],
)
def test_put_consent_keeps_other_downstream_errors_in_the_error_shape(client, downstream, sales, failure, status, code):
    person = downstream.contacts.add(family_name="Lovelace")
    downstream.contacts.fail_with = failure

    response = client.put(f"/v1/persons/{person.id}/consents/email/marketing", json={"granted": True}, headers=sales)

    assert response.status_code == status
    assert _error(response)["code"] == code
    assert "/srv/db.py" not in response.text
