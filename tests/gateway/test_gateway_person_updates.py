"""PATCH /v1/persons/{id} (field mask from the keys, If-Match), erasure and the dossier, through the gateway."""

from __future__ import annotations

from crm.contacts.v1 import contacts_pb2, duplicates_pb2


def _error(response) -> dict:
    body = response.json()
    assert set(body) >= {"error"}, body
    return body["error"]


def test_patch_changes_only_the_keys_present_and_answers_the_new_etag(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace", salutation="Dear Ada", tags=["old"])

    response = client.patch(
        f"/v1/persons/{person.id}",
        json={"family_name": "King", "tags": ["VIP", "hotels"], "lifecycle": "customer", "origin": {"kind": "fair", "detail": "Expo"}},
        headers=sales,
    )

    assert response.status_code == 200, response.text
    sent = downstream.contacts.requests[-1]
    assert sorted(sent.update_mask.paths) == ["family_name", "lifecycle", "origin", "tags"]
    assert sent.person.id == person.id and sent.person.etag == ""  # no If-Match: no check
    assert sent.person.lifecycle == contacts_pb2.LIFECYCLE_CUSTOMER
    assert sent.person.origin.kind == contacts_pb2.ORIGIN_KIND_FAIR
    body = response.json()
    assert (body["given_name"], body["family_name"], body["salutation"]) == ("Ada", "King", "Dear Ada")
    assert body["tags"] == ["VIP", "hotels"]
    assert body["lifecycle"] == "customer"
    assert body["origin"] == {"kind": "fair", "detail": "Expo", "campaign_id": ""}
    assert body["etag"] == '"2"'
    assert response.headers["ETag"] == '"2"'


def test_a_null_key_clears_the_field(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace", birth_date="1815-12-10")

    response = client.patch(f"/v1/persons/{person.id}", json={"birth_date": None, "emails": None}, headers=sales)

    assert response.status_code == 200, response.text
    assert sorted(downstream.contacts.requests[-1].update_mask.paths) == ["birth_date", "emails"]
    assert response.json()["birth_date"] == ""


def test_custom_field_values_go_through_as_their_typed_member(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")
    values = {
        "tier": {"choice": "gold"},
        "budget": {"money": {"amount_minor": 1250, "currency": "EUR"}},
        "interests": {"choices": ["spa", "golf"]},
        "score": {"number": "12.5"},
        "newsletter": {"bool_value": False},
    }

    response = client.patch(f"/v1/persons/{person.id}", json={"custom_fields": values}, headers=sales)

    assert response.status_code == 200, response.text
    sent = downstream.contacts.requests[-1].person.custom_fields
    assert sent["budget"].money.amount_minor == 1250 and sent["interests"].choices.choices == ["spa", "golf"]
    assert sent["newsletter"].WhichOneof("value") == "bool_value" and sent["newsletter"].bool_value is False
    assert response.json()["custom_fields"] == values


def test_a_custom_value_with_two_members_is_refused_at_the_edge(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")

    response = client.patch(f"/v1/persons/{person.id}", json={"custom_fields": {"tier": {"text": "a", "choice": "b"}}}, headers=sales)

    assert response.status_code == 422
    assert [v["field"] for v in _error(response)["field_violations"]] == ["custom_fields.tier"]
    assert downstream.contacts.requests == []


def test_if_match_with_the_current_etag_updates_and_a_stale_one_answers_412(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace", etag='"1"')
    first = client.patch(f"/v1/persons/{person.id}", json={"given_name": "Augusta"}, headers={**sales, "If-Match": '"1"'})
    assert first.status_code == 200, first.text
    assert downstream.contacts.requests[-1].person.etag == '"1"'

    stale = client.patch(f"/v1/persons/{person.id}", json={"given_name": "Ada"}, headers={**sales, "If-Match": 'W/"1"'})

    assert stale.status_code == 412, stale.text
    assert _error(stale)["code"] == "FAILED_PRECONDITION"
    assert downstream.contacts.persons[person.id].given_name == "Augusta"
    star = client.patch(f"/v1/persons/{person.id}", json={"given_name": "Ada"}, headers={**sales, "If-Match": "*"})
    assert star.status_code == 200 and downstream.contacts.requests[-1].person.etag == ""


def test_an_erased_person_cannot_be_changed_409_even_with_if_match(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace", erased=True, etag='"3"')

    response = client.patch(f"/v1/persons/{person.id}", json={"given_name": "X"}, headers={**sales, "If-Match": '"3"'})

    assert response.status_code == 409
    assert _error(response)["code"] == "FAILED_PRECONDITION"


def test_bad_fields_answer_422_with_paths_relative_to_the_body(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")

    response = client.patch(
        f"/v1/persons/{person.id}", json={"family_name": "", "emails": [{"address": "nope", "kind": "work"}]}, headers=sales
    )

    assert response.status_code == 422
    assert sorted(v["field"] for v in _error(response)["field_violations"]) == ["emails[0].address", "family_name"]


def test_an_empty_or_unknown_patch_is_refused_before_the_service(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")

    empty = client.patch(f"/v1/persons/{person.id}", json={}, headers=sales)
    unknown = client.patch(f"/v1/persons/{person.id}", json={"familyname": "King"}, headers=sales)
    consents = client.patch(f"/v1/persons/{person.id}", json={"consents": []}, headers=sales)

    assert empty.status_code == 422 and _error(empty)["field_violations"] == [{"field": "body", "description": "names no field to change"}]
    assert unknown.status_code == 422 and _error(unknown)["field_violations"][0]["field"] == "familyname"
    assert consents.status_code == 422  # consents change through their own route
    assert downstream.contacts.requests == []


def test_patch_of_an_unknown_person_is_404(client, sales):
    response = client.patch("/v1/persons/nobody", json={"given_name": "X"}, headers=sales)

    assert response.status_code == 404
    assert _error(response)["code"] == "NOT_FOUND"


def test_a_likely_duplicate_answers_409_with_the_candidates_unless_allowed(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ana", family_name="Pop")
    downstream.contacts.duplicates_of[person.id] = [
        duplicates_pb2.DuplicateCandidate(person_id="p2", display_name="Ana Popp", score=0.93, reasons=["same email"])
    ]

    refused = client.patch(f"/v1/persons/{person.id}", json={"family_name": "Popp"}, headers=sales)
    allowed = client.patch(f"/v1/persons/{person.id}?allow_duplicates=true", json={"family_name": "Popp"}, headers=sales)

    assert refused.status_code == 409
    assert _error(refused)["code"] == "ALREADY_EXISTS"
    assert refused.json()["duplicates"] == [{"person_id": "p2", "display_name": "Ana Popp", "score": 0.93, "reasons": ["same email"]}]
    assert allowed.status_code == 200, allowed.text
    assert downstream.contacts.requests[-1].allow_duplicates is True


def test_patch_needs_a_role_that_writes(client, downstream, as_role):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")

    response = client.patch(f"/v1/persons/{person.id}", json={"given_name": "X"}, headers=as_role("viewer"))

    assert response.status_code == 403


def test_create_accepts_the_personal_details_and_classification(client, downstream, sales):
    body = {
        "family_name": "Pop",
        "birth_date": "1980-02-29",
        "name_day": "12-06",
        "anniversaries": [{"label": "wedding", "date": "2010-06-20"}],
        "tags": ["VIP"],
        "lifecycle": "prospect",
        "origin": {"kind": "campaign", "campaign_id": "spring"},
        "custom_fields": {"tier": {"choice": "gold"}},
    }

    response = client.post("/v1/persons", json=body, headers=sales)

    assert response.status_code == 201, response.text
    sent = downstream.contacts.requests[0].person
    assert (sent.birth_date, sent.lifecycle, sent.origin.campaign_id) == ("1980-02-29", contacts_pb2.LIFECYCLE_PROSPECT, "spring")
    person = response.json()
    assert person["anniversaries"] == [{"label": "wedding", "date": "2010-06-20"}]
    assert person["custom_fields"] == {"tier": {"choice": "gold"}}
    assert (person["erased"], person["merged_into"]) == (False, "")


def test_erase_answers_the_anonymised_record_and_passes_the_reason(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace", emails=[contacts_pb2.EmailAddress(address="a@x.org")])

    response = client.post(f"/v1/persons/{person.id}:erase", json={"reason": "GDPR art. 17 request"}, headers=sales)

    assert response.status_code == 200, response.text
    erased = response.json()
    assert erased["erased"] is True and erased["erase_time"] is not None
    assert (erased["id"], erased["given_name"], erased["emails"]) == (person.id, "", [])
    assert downstream.contacts.requests[-1].reason == "GDPR art. 17 request"
    history = client.get(f"/v1/persons/{person.id}/history", headers=sales)
    assert history.status_code == 200
    assert [e["kind"] for e in history.json()["entries"]] == ["PersonErased"]


def test_erase_without_a_body_and_of_an_unknown_person(client, downstream, sales, as_role):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")

    assert client.post("/v1/persons/nobody:erase", headers=sales).status_code == 404
    assert client.post(f"/v1/persons/{person.id}:erase", headers=as_role("viewer")).status_code == 403
    assert client.post(f"/v1/persons/{person.id}:erase", headers=sales).status_code == 200
    assert downstream.contacts.requests[-1].reason == ""


def test_create_passes_allow_duplicates_and_get_answers_the_etag_for_a_later_if_match(client, downstream, sales):
    created = client.post("/v1/persons?allow_duplicates=true", json={"family_name": "Pop"}, headers=sales)

    assert created.status_code == 201, created.text
    assert downstream.contacts.requests[0].allow_duplicates is True
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace", etag='"7"')
    got = client.get(f"/v1/persons/{person.id}", headers=sales)
    assert got.status_code == 200 and got.headers["ETag"] == '"7"' == got.json()["person"]["etag"]
    changed = client.patch(f"/v1/persons/{person.id}", json={"given_name": "Augusta"}, headers={**sales, "If-Match": got.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"8"'
