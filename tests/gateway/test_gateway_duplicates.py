"""Duplicates through the gateway: finding them, the batch scan and its pairs, merging and undoing."""

from __future__ import annotations

from crm.contacts.v1 import duplicates_pb2


def _candidate(person_id: str, score: float) -> duplicates_pb2.DuplicateCandidate:
    return duplicates_pb2.DuplicateCandidate(person_id=person_id, display_name="Ana Popp", score=score, reasons=["same email"])


def test_duplicates_of_a_stored_person(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ana", family_name="Pop")
    downstream.contacts.duplicates_of[person.id] = [_candidate("p2", 0.93), _candidate("p3", 0.55)]

    found = client.get(f"/v1/persons/{person.id}/duplicates?min_score=0.6&page_size=5", headers=sales)

    assert found.status_code == 200, found.text
    assert found.json() == {"candidates": [{"person_id": "p2", "display_name": "Ana Popp", "score": 0.93, "reasons": ["same email"]}]}
    sent = downstream.contacts.requests[-1]
    assert (sent.person_id, sent.min_score, sent.page_size) == (person.id, 0.6, 5)
    assert client.get("/v1/persons/nobody/duplicates", headers=sales).status_code == 404
    assert client.get(f"/v1/persons/{person.id}/duplicates?min_score=2", headers=sales).status_code == 422


def test_duplicates_of_a_would_be_person_with_bad_fields_at_their_body_paths(client, downstream, sales):
    existing = downstream.contacts.add(given_name="Ana", family_name="Pop")

    found = client.post("/v1/persons:findDuplicates", json={"person": {"given_name": "Anna", "family_name": "Pop"}}, headers=sales)
    bad = client.post(
        "/v1/persons:findDuplicates", json={"person": {"family_name": "Pop", "emails": [{"address": "x", "kind": "work"}]}}, headers=sales
    )

    assert found.status_code == 200, found.text
    assert [c["person_id"] for c in found.json()["candidates"]] == [existing.id]
    assert downstream.contacts.requests[0].person.given_name == "Anna"
    assert bad.status_code == 422 and bad.json()["error"]["field_violations"][0]["field"] == "person.emails[0].address"


def test_duplicates_of_accounts(client, downstream, sales):
    first = client.post("/v1/accounts", json={"name": "Example"}, headers=sales).json()
    second = client.post("/v1/accounts", json={"name": "Example"}, headers=sales).json()

    stored = client.get(f"/v1/accounts/{first['id']}/duplicates", headers=sales)
    probe = client.post(
        "/v1/accounts:findDuplicates", json={"account": {"name": "Example", "registration_ids": ["RO18547290"]}}, headers=sales
    )

    assert stored.status_code == 200 and [c["account_id"] for c in stored.json()["candidates"]] == [second["id"]]
    assert probe.status_code == 200 and len(probe.json()["candidates"]) == 2
    assert list(downstream.contacts.requests[-1].account.registration_ids) == ["RO18547290"]


def test_a_scan_is_a_job_answered_202_with_its_location_for_admins_only(client, as_role):
    started = client.post("/v1/duplicate-scans", json={"min_score": 0.7}, headers=as_role("admin"))

    assert started.status_code == 202, started.text
    scan = started.json()
    assert started.headers["Location"] == f"/v1/duplicate-scans/{scan['id']}"
    assert (scan["status"], scan["min_score"], scan["requested_by"]) == ("pending", 0.7, "user")
    assert client.get(started.headers["Location"], headers=as_role("admin")).json()["id"] == scan["id"]
    assert client.post("/v1/duplicate-scans", headers=as_role("admin")).status_code == 202  # no body: the default score
    assert client.post("/v1/duplicate-scans", headers=as_role("sales")).status_code == 403
    assert client.get("/v1/duplicate-scans/nope", headers=as_role("admin")).status_code == 404


def test_pairs_are_listed_by_status_and_dismissed(client, downstream, sales):
    pair = duplicates_pb2.DuplicatePair(
        id="pair-1",
        first=_candidate("p1", 0.9),
        second=_candidate("p2", 0.9),
        score=0.9,
        reasons=["same email"],
        status=duplicates_pb2.DUPLICATE_PAIR_STATUS_OPEN,
    )
    downstream.contacts.pairs["pair-1"] = pair

    listed = client.get("/v1/duplicate-pairs", headers=sales).json()
    dismissed = client.post("/v1/duplicate-pairs/pair-1:dismiss", headers=sales)

    assert [(p["id"], p["status"], p["first"]["person_id"]) for p in listed["pairs"]] == [("pair-1", "open", "p1")]
    assert dismissed.status_code == 200 and (dismissed.json()["status"], dismissed.json()["decided_by"]) == ("dismissed", "sam")
    assert client.get("/v1/duplicate-pairs", headers=sales).json()["pairs"] == []
    assert [p["id"] for p in client.get("/v1/duplicate-pairs?status=dismissed", headers=sales).json()["pairs"]] == ["pair-1"]
    assert client.get("/v1/duplicate-pairs?status=closed", headers=sales).status_code == 422
    assert client.post("/v1/duplicate-pairs/nope:dismiss", headers=sales).status_code == 404


def test_merge_creates_a_merge_with_its_location_and_undo_reverses_it_once(client, downstream, sales):
    survivor = downstream.contacts.add(given_name="Ana", family_name="Pop")
    other = downstream.contacts.add(given_name="Ana", family_name="Popescu")

    merged = client.post(
        "/v1/person-merges",
        json={"survivor_id": survivor.id, "merged_ids": [other.id], "field_choices": {"family_name": other.id}},
        headers=sales,
    )

    assert merged.status_code == 201, merged.text
    merge = merged.json()
    assert merged.headers["Location"] == f"/v1/person-merges/{merge['id']}"
    assert (merge["survivor_id"], merge["merged_ids"], merge["undoable"]) == (survivor.id, [other.id], True)
    assert client.get(f"/v1/persons/{other.id}", headers=sales).json()["person"]["merged_into"] == survivor.id
    assert client.get(merged.headers["Location"], headers=sales).json()["merged_by"] == "sam"
    undone = client.post(f"/v1/person-merges/{merge['id']}:undo", headers=sales)
    assert undone.status_code == 200 and undone.json()["undoable"] is False and undone.json()["undo_time"]
    again = client.post(f"/v1/person-merges/{merge['id']}:undo", headers=sales)
    assert again.status_code == 409 and again.json()["error"]["code"] == "FAILED_PRECONDITION"


def test_merge_errors(client, downstream, sales, as_role):
    survivor = downstream.contacts.add(given_name="Ana", family_name="Pop")

    bad = client.post(
        "/v1/person-merges",
        json={"survivor_id": survivor.id, "merged_ids": [survivor.id], "field_choices": {"family_name": "elsewhere"}},
        headers=sales,
    )
    empty = client.post("/v1/person-merges", json={"survivor_id": survivor.id, "merged_ids": []}, headers=sales)
    unknown = client.post("/v1/person-merges", json={"survivor_id": survivor.id, "merged_ids": ["nobody"]}, headers=sales)
    viewer = client.post("/v1/person-merges", json={"survivor_id": survivor.id, "merged_ids": ["x"]}, headers=as_role("viewer"))

    assert bad.status_code == 422
    assert sorted(v["field"] for v in bad.json()["error"]["field_violations"]) == ["field_choices.family_name", "merged_ids[0]"]
    assert empty.status_code == 422 and empty.json()["error"]["field_violations"][0]["field"] == "merged_ids"
    assert unknown.status_code == 404
    assert viewer.status_code == 403
    assert client.get("/v1/person-merges/nope", headers=sales).status_code == 404
