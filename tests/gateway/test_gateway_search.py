"""Search over persons and accounts, and saved searches, through the gateway."""

from __future__ import annotations

from crm.contacts.v1 import search_pb2


def test_persons_search_passes_the_request_and_answers_rows_in_column_order(client, downstream, sales):
    for given in ("Ana", "Ion", "Ana"):
        downstream.contacts.add(given_name=given, family_name="Pop")

    response = client.post(
        "/v1/persons:search",
        json={"query": 'given_name = "Ana"', "columns": ["family_name", "given_name"], "order_by": "family_name", "include_count": True},
        headers=sales,
    )

    assert response.status_code == 200, response.text
    found = response.json()
    assert found["columns"] == ["family_name", "given_name"]
    assert [r["values"] for r in found["rows"]] == [{"family_name": "Pop", "given_name": "Ana"}] * 2
    assert (found["total_count"], found["next_page_token"]) == (2, "")
    sent = downstream.contacts.requests[-1]
    assert (sent.query, list(sent.columns), sent.order_by, sent.include_count) == (
        'given_name = "Ana"',
        ["family_name", "given_name"],
        "family_name",
        True,
    )


def test_pages_and_no_count_unless_asked(client, downstream, sales):
    for given in ("Ana", "Ion", "Eva"):
        downstream.contacts.add(given_name=given, family_name="Pop")

    first = client.post("/v1/persons:search", json={"page_size": 2}, headers=sales).json()
    rest = client.post("/v1/persons:search", json={"page_size": 2, "page_token": first["next_page_token"]}, headers=sales).json()

    assert len(first["rows"]) == 2 and first["total_count"] is None and first["next_page_token"]
    assert [r["values"]["given_name"] for r in rest["rows"]] == ["Eva"] and rest["next_page_token"] == ""


def test_a_query_error_is_422_on_query_with_the_column(client, sales):
    response = client.post("/v1/accounts:search", json={"query": 'citty = "Cluj"'}, headers=sales)

    assert response.status_code == 422
    assert response.json()["error"]["field_violations"] == [
        {"field": "query", "description": "column 1: unknown field 'citty'; did you mean 'city'?"}
    ]


def test_accounts_search_and_bad_requests_at_the_edge(client, sales):
    client.post("/v1/accounts", json={"name": "Hotel Lux", "industry": "Hotels"}, headers=sales)

    found = client.post("/v1/accounts:search", json={"query": 'industry = "Hotels"'}, headers=sales)
    too_big = client.post("/v1/accounts:search", json={"page_size": 5000}, headers=sales)
    unknown = client.post("/v1/accounts:search", json={"sort": "name"}, headers=sales)

    assert found.status_code == 200 and [r["values"]["name"] for r in found.json()["rows"]] == ["Hotel Lux"]
    assert too_big.status_code == 422 and too_big.json()["error"]["field_violations"][0]["field"] == "page_size"
    assert unknown.status_code == 422
    assert client.post("/v1/accounts:search", json={}).status_code == 401


def test_saved_searches_are_created_run_listed_changed_and_deleted(client, downstream, sales):
    downstream.contacts.add(given_name="Ana", family_name="Pop")
    downstream.contacts.add(given_name="Ion", family_name="Ionescu")

    created = client.post(
        "/v1/saved-searches", json={"entity": "person", "name": "Pops", "query": 'family_name = "Pop"', "shared": True}, headers=sales
    )

    assert created.status_code == 201, created.text
    saved = created.json()
    assert created.headers["Location"] == f"/v1/saved-searches/{saved['id']}"
    assert (saved["entity"], saved["owner"], saved["shared"]) == ("person", "sam", True)
    assert downstream.contacts.requests[-1].saved_search.entity == search_pb2.SEARCH_ENTITY_PERSON
    run = client.post("/v1/persons:search", json={"saved_search_id": saved["id"]}, headers=sales).json()
    assert [r["values"]["given_name"] for r in run["rows"]] == ["Ana"]
    assert [s["name"] for s in client.get("/v1/saved-searches?entity=person", headers=sales).json()["saved_searches"]] == ["Pops"]
    assert client.get("/v1/saved-searches?entity=account", headers=sales).json()["saved_searches"] == []
    renamed = client.patch(f"/v1/saved-searches/{saved['id']}", json={"name": "Pop family"}, headers=sales)
    assert renamed.status_code == 200 and (renamed.json()["name"], renamed.json()["query"]) == ("Pop family", 'family_name = "Pop"')
    assert list(downstream.contacts.requests[-1].update_mask.paths) == ["name"]
    assert client.get(f"/v1/saved-searches/{saved['id']}", headers=sales).json()["name"] == "Pop family"
    assert client.delete(f"/v1/saved-searches/{saved['id']}", headers=sales).status_code == 204
    assert client.get(f"/v1/saved-searches/{saved['id']}", headers=sales).status_code == 404
    assert client.post("/v1/persons:search", json={"saved_search_id": saved["id"]}, headers=sales).status_code == 404


def test_saved_search_errors(client, sales):
    body = {"entity": "person", "name": "", "query": 'citty = "x"'}

    bad = client.post("/v1/saved-searches", json=body, headers=sales)
    client.post("/v1/saved-searches", json={"entity": "person", "name": "Mine"}, headers=sales)
    taken = client.post("/v1/saved-searches", json={"entity": "person", "name": "Mine"}, headers=sales)

    assert bad.status_code == 422
    assert sorted(v["field"] for v in bad.json()["error"]["field_violations"]) == ["name", "query"]
    assert taken.status_code == 409
