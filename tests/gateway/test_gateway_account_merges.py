"""Duplicate accounts through the gateway: the 409 of a write with its candidates, allow_duplicates, merging and undoing."""

from __future__ import annotations

from crm.contacts.v1 import duplicates_pb2

ACME = duplicates_pb2.AccountDuplicateCandidate(account_id="a-1", name="Acme SRL", score=0.95, reasons=["same registration id"])
ACME_JSON = {"account_id": "a-1", "name": "Acme SRL", "score": 0.95, "reasons": ["same registration id"]}


def test_a_likely_duplicate_account_answers_409_with_the_candidates_unless_allowed(client, downstream, sales):
    downstream.contacts.account_duplicates_named["Acme"] = [ACME]

    refused = client.post("/v1/accounts", json={"name": "Acme"}, headers=sales)
    allowed = client.post("/v1/accounts?allow_duplicates=true", json={"name": "Acme"}, headers=sales)

    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "ALREADY_EXISTS"
    assert refused.json()["duplicates"] == [ACME_JSON]
    assert downstream.contacts.requests[0].allow_duplicates is False
    assert allowed.status_code == 201, allowed.text
    assert downstream.contacts.requests[1].allow_duplicates is True


def test_an_update_passes_allow_duplicates(client, downstream, sales):
    created = client.post("/v1/accounts", json={"name": "Example"}, headers=sales).json()
    downstream.contacts.account_duplicates_named["Acme"] = [ACME]

    refused = client.patch(f"/v1/accounts/{created['id']}", json={"name": "Acme"}, headers=sales)
    allowed = client.patch(f"/v1/accounts/{created['id']}?allow_duplicates=true", json={"name": "Acme"}, headers=sales)

    assert refused.status_code == 409 and refused.json()["duplicates"] == [ACME_JSON]
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["name"] == "Acme" and downstream.contacts.requests[-1].allow_duplicates is True


def test_person_candidates_keep_their_shape(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ana", family_name="Pop")
    downstream.contacts.duplicates_of[person.id] = [
        duplicates_pb2.DuplicateCandidate(person_id="p2", display_name="Ana Popp", score=0.93, reasons=["same email"])
    ]

    refused = client.patch(f"/v1/persons/{person.id}", json={"family_name": "Popp"}, headers=sales)

    assert refused.status_code == 409
    assert refused.json()["duplicates"] == [{"person_id": "p2", "display_name": "Ana Popp", "score": 0.93, "reasons": ["same email"]}]


def test_merge_creates_a_merge_with_its_location_and_undo_reverses_it_once(client, downstream, sales):
    survivor = client.post("/v1/accounts", json={"name": "Acme"}, headers=sales).json()
    other = client.post("/v1/accounts", json={"name": "Acme Trading"}, headers=sales).json()

    merged = client.post(
        "/v1/account-merges",
        json={"survivor_id": survivor["id"], "merged_ids": [other["id"]], "field_choices": {"name": other["id"]}},
        headers=sales,
    )

    assert merged.status_code == 201, merged.text
    merge = merged.json()
    assert merged.headers["Location"] == f"/v1/account-merges/{merge['id']}"
    assert (merge["survivor_id"], merge["merged_ids"], merge["undoable"], merge["merged_by"]) == (
        survivor["id"],
        [other["id"]],
        True,
        "sam",
    )
    sent = downstream.contacts.requests[-1]
    assert isinstance(sent, duplicates_pb2.MergeAccountsRequest) and dict(sent.field_choices) == {"name": other["id"]}
    assert client.get(f"/v1/accounts/{other['id']}", headers=sales).json()["merged_into"] == survivor["id"]
    assert client.get(f"/v1/accounts/{survivor['id']}", headers=sales).json()["name"] == "Acme Trading"
    # A tombstone cannot be changed.
    assert client.patch(f"/v1/accounts/{other['id']}", json={"industry": "FMCG"}, headers=sales).status_code == 409

    got = client.get(merged.headers["Location"], headers=sales)
    assert got.status_code == 200 and got.json() == merge
    undone = client.post(f"/v1/account-merges/{merge['id']}:undo", headers=sales)
    assert undone.status_code == 200, undone.text
    assert undone.json()["undoable"] is False and undone.json()["undo_time"] and undone.json()["undone_by"] == "sam"
    assert client.get(f"/v1/accounts/{other['id']}", headers=sales).json()["merged_into"] == ""
    again = client.post(f"/v1/account-merges/{merge['id']}:undo", headers=sales)
    assert again.status_code == 409 and again.json()["error"]["code"] == "FAILED_PRECONDITION"


def test_merge_errors(client, sales, as_role):
    survivor = client.post("/v1/accounts", json={"name": "Acme"}, headers=sales).json()

    bad = client.post(
        "/v1/account-merges",
        json={"survivor_id": survivor["id"], "merged_ids": [survivor["id"]], "field_choices": {"name": "elsewhere"}},
        headers=sales,
    )
    empty = client.post("/v1/account-merges", json={"survivor_id": survivor["id"], "merged_ids": []}, headers=sales)
    unknown = client.post("/v1/account-merges", json={"survivor_id": survivor["id"], "merged_ids": ["nowhere"]}, headers=sales)
    viewer = client.post("/v1/account-merges", json={"survivor_id": survivor["id"], "merged_ids": ["x"]}, headers=as_role("viewer"))

    assert bad.status_code == 422
    assert sorted(v["field"] for v in bad.json()["error"]["field_violations"]) == ["field_choices.name", "merged_ids[0]"]
    assert empty.status_code == 422 and empty.json()["error"]["field_violations"][0]["field"] == "merged_ids"
    assert unknown.status_code == 404
    assert viewer.status_code == 403
    assert client.get("/v1/account-merges/nope", headers=sales).status_code == 404
    assert client.post("/v1/account-merges/nope:undo", headers=sales).status_code == 404
