"""Opportunities over REST: create, the view composed with contacts, PATCH, stage moves, closing, reopening, contacts."""

from __future__ import annotations

import threading

import pytest

from crm.contacts.v1 import accounts_pb2
from crm.sales.v1 import sales_pb2
from crm_chassis import errors


@pytest.fixture
def pipeline(downstream):
    return downstream.sales.add_pipeline(("Qualify", 10), ("Propose", 50), ("Negotiate", 80))


def _create(client, headers, **body):
    response = client.post("/v1/opportunities", json={"name": "Acme rollout", **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response


def test_create_answers_201_with_location_money_and_the_first_stage(client, sales, pipeline):
    response = _create(client, sales, amount={"amount_minor": 1250000, "currency": "EUR"}, expected_close_date="2026-12-31",
                       products=[{"product_id": "p1", "name": "Support", "quantity": 2, "unit_price": {"amount_minor": 500, "currency": "EUR"}}])

    body = response.json()
    assert response.headers["Location"] == f"/v1/opportunities/{body['id']}"
    assert body["amount"] == {"amount_minor": 1250000, "currency": "EUR"}
    assert body["status"] == "open"
    assert body["stage_id"] == pipeline.stages[0].id and body["probability"] == 10
    assert body["products"] == [{"product_id": "p1", "name": "Support", "quantity": 2, "unit_price": {"amount_minor": 500, "currency": "EUR"}}]
    assert body["competitor_price"] is None and body["close_time"] is None


def test_create_reports_every_bad_field_as_a_json_path(client, sales, pipeline):
    response = client.post(
        "/v1/opportunities",
        json={"name": "", "amount": {"amount_minor": -1, "currency": "euro"}, "products": [{"product_id": "p", "quantity": 0}]},
        headers=sales,
    )

    assert response.status_code == 422, response.text
    fields = [v["field"] for v in response.json()["error"]["field_violations"]]
    assert fields == ["name", "amount.currency", "amount.amount_minor", "products[0].quantity"]


def test_unknown_keys_and_bad_enums_are_422_at_the_edge(client, sales, downstream, pipeline):
    response = client.post("/v1/opportunities", json={"name": "x", "stage": "Propose", "contacts": [{"person_id": "p", "role": "boss"}]},
                           headers=sales)

    assert response.status_code == 422
    assert {v["field"] for v in response.json()["error"]["field_violations"]} == {"stage", "contacts[0].role"}
    assert downstream.sales.requests == []


def test_a_viewer_may_read_but_not_write(client, as_role, pipeline):
    response = client.post("/v1/opportunities", json={"name": "x"}, headers=as_role("viewer"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert client.get("/v1/opportunities", headers=as_role("viewer")).status_code == 200
    assert client.get("/v1/opportunities").status_code == 401


def test_get_composes_the_account_name_and_the_contacts_names_from_contacts(client, sales, downstream, pipeline):
    ana = downstream.contacts.add(given_name="Ana", family_name="Pop")
    ion = downstream.contacts.add(given_name="Ion", family_name="Ionescu")
    account = accounts_pb2.Account(id="acc-1", name="Acme SRL")
    downstream.contacts.accounts[account.id] = account
    created = _create(client, sales, account_id="acc-1",
                      contacts=[{"person_id": ana.id, "role": "decision_maker"}, {"person_id": ion.id, "role": "influencer"}]).json()
    # Account and persons are asked for at the same time: the three calls meet at the barrier.
    downstream.contacts.rendezvous = threading.Barrier(3, timeout=5)

    response = client.get(f"/v1/opportunities/{created['id']}", headers=sales)

    assert response.status_code == 200, response.text
    view = response.json()
    assert view["opportunity"]["id"] == created["id"]
    assert view["account_name"] == "Acme SRL"
    assert view["contacts"] == [
        {"person_id": ana.id, "role": "decision_maker", "display_name": "Ana Pop"},
        {"person_id": ion.id, "role": "influencer", "display_name": "Ion Ionescu"},
    ]
    assert view["partial"] == []


def test_get_degrades_when_contacts_fails(client, sales, downstream, pipeline):
    ana = downstream.contacts.add(given_name="Ana", family_name="Pop")
    created = _create(client, sales, account_id="acc-1", contacts=[{"person_id": ana.id, "role": "user"}]).json()
    downstream.contacts.fail_with = errors.Unavailable("contacts is restarting")

    response = client.get(f"/v1/opportunities/{created['id']}", headers=sales)

    assert response.status_code == 200, response.text
    view = response.json()
    assert view["opportunity"]["name"] == "Acme rollout"
    assert view["account_name"] is None
    assert view["contacts"] == [{"person_id": ana.id, "role": "user", "display_name": None}]
    assert view["partial"] == ["account", "contacts"]


def test_get_degrades_when_contacts_is_unreachable(make_client, sales, unused_address, pipeline):
    client = make_client(contacts_addr=unused_address)
    created = _create(client, sales, account_id="acc-1").json()

    view = client.get(f"/v1/opportunities/{created['id']}", headers=sales).json()

    assert view["account_name"] is None and view["partial"] == ["account"]


def test_get_without_account_or_contacts_asks_contacts_nothing(client, sales, downstream, pipeline):
    created = _create(client, sales).json()

    view = client.get(f"/v1/opportunities/{created['id']}", headers=sales).json()

    assert view == {**view, "account_name": None, "contacts": [], "partial": []}
    assert downstream.contacts.requests == []


def test_get_unknown_is_404_and_a_sales_outage_is_503(client, sales, downstream):
    assert client.get("/v1/opportunities/nope", headers=sales).status_code == 404
    downstream.sales.fail_with = errors.Unavailable("down")

    response = client.get("/v1/opportunities/nope", headers=sales)

    assert response.status_code == 503
    assert response.json()["error"]["message"] == "sales is unavailable"


def test_patch_changes_the_keys_present_and_clears_nulls(client, sales, downstream, pipeline):
    created = _create(client, sales, amount={"amount_minor": 100, "currency": "EUR"}, next_step="call").json()

    response = client.patch(f"/v1/opportunities/{created['id']}", json={"amount": None, "next_step": "demo"}, headers=sales)

    assert response.status_code == 200, response.text
    assert response.json()["amount"] is None and response.json()["next_step"] == "demo"
    assert response.json()["name"] == "Acme rollout"
    assert sorted(downstream.sales.requests[-1].update_mask.paths) == ["amount", "next_step"]


def test_patch_errors(client, sales, pipeline):
    created = _create(client, sales).json()

    empty = client.patch(f"/v1/opportunities/{created['id']}", json={}, headers=sales)
    bad = client.patch(f"/v1/opportunities/{created['id']}", json={"amount": {"amount_minor": 1, "currency": "xx"}}, headers=sales)
    missing = client.patch("/v1/opportunities/nope", json={"next_step": "x"}, headers=sales)

    assert empty.status_code == 422 and empty.json()["error"]["field_violations"][0]["field"] == "body"
    assert bad.status_code == 422 and bad.json()["error"]["field_violations"][0]["field"] == "amount.currency"
    assert missing.status_code == 404


def test_move_close_reopen_and_the_stage_history(client, sales, downstream, pipeline):
    lost = downstream.sales.add_reason(sales_pb2.CLOSE_REASON_KIND_LOST, "price")
    created = _create(client, sales).json()
    path = f"/v1/opportunities/{created['id']}"

    moved = client.post(f"{path}:move", json={"stage_id": pipeline.stages[2].id}, headers=sales)
    back = client.post(f"{path}:move", json={"stage_id": pipeline.stages[1].id}, headers=sales)
    closed = client.post(f"{path}:close", json={"outcome": "lost", "reason_id": lost.id, "note": "too dear",
                                               "lost_to_competitor_id": "c1", "competitor_price": {"amount_minor": 900, "currency": "EUR"}},
                         headers=sales)
    again = client.post(f"{path}:move", json={"stage_id": pipeline.stages[0].id}, headers=sales)
    reopened = client.post(f"{path}:reopen", json={}, headers=sales)
    history = client.get(f"{path}/stage-history", headers=sales)

    assert moved.status_code == 200 and moved.json()["probability"] == 80
    assert back.json()["stage_id"] == pipeline.stages[1].id
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "lost" and closed.json()["competitor_price"] == {"amount_minor": 900, "currency": "EUR"}
    assert again.status_code == 409 and again.json()["error"]["code"] == "FAILED_PRECONDITION"
    assert reopened.json()["status"] == "open"
    kinds = [c["kind"] for c in history.json()["changes"]]
    assert kinds == ["created", "forward", "backward", "lost", "reopened"]
    assert history.json()["changes"][0]["leave_time"] is not None and history.json()["changes"][-1]["leave_time"] is None


def test_close_errors(client, sales, downstream, pipeline):
    won = downstream.sales.add_reason(sales_pb2.CLOSE_REASON_KIND_WON, "fit")
    created = _create(client, sales).json()
    path = f"/v1/opportunities/{created['id']}:close"

    no_outcome = client.post(path, json={"outcome": "open", "reason_id": won.id}, headers=sales)
    wrong_reason = client.post(path, json={"outcome": "lost", "reason_id": won.id}, headers=sales)
    bad_stage = client.post(f"/v1/opportunities/{created['id']}:move", json={"stage_id": "elsewhere"}, headers=sales)

    assert no_outcome.status_code == 422 and no_outcome.json()["error"]["field_violations"][0]["field"] == "outcome"
    assert wrong_reason.status_code == 422 and wrong_reason.json()["error"]["field_violations"][0]["field"] == "reason_id"
    assert bad_stage.status_code == 422 and bad_stage.json()["error"]["field_violations"][0]["field"] == "stage_id"
    assert client.post(path, json={"outcome": "won", "reason_id": won.id}, headers=sales).json()["probability"] == 100


def test_set_contacts_replaces_them(client, sales, pipeline):
    created = _create(client, sales, contacts=[{"person_id": "a", "role": "user"}]).json()

    response = client.put(f"/v1/opportunities/{created['id']}/contacts",
                          json={"contacts": [{"person_id": "b", "role": "supporter"}, {"person_id": "", "role": "user"}]}, headers=sales)
    fixed = client.put(f"/v1/opportunities/{created['id']}/contacts", json={"contacts": [{"person_id": "b", "role": "supporter"}]},
                       headers=sales)

    assert response.status_code == 422 and response.json()["error"]["field_violations"][0]["field"] == "contacts[1].person_id"
    assert fixed.json()["contacts"] == [{"person_id": "b", "role": "supporter"}]


def test_list_filters_and_pages(client, sales, downstream, pipeline):
    for name in ("a", "b", "c"):
        _create(client, sales, name=name)

    first = client.get("/v1/opportunities?page_size=2&status=open", headers=sales).json()
    second = client.get(f"/v1/opportunities?page_size=2&page_token={first['next_page_token']}", headers=sales).json()

    assert [o["name"] for o in first["opportunities"]] == ["a", "b"]
    assert [o["name"] for o in second["opportunities"]] == ["c"] and second["next_page_token"] == ""
    assert downstream.sales.requests[-2].status == sales_pb2.OPPORTUNITY_STATUS_OPEN
    assert client.get("/v1/opportunities?status=maybe", headers=sales).json()["error"]["field_violations"][0]["field"] == "status"


def test_competitors_on_a_deal(client, sales, pipeline):
    created = _create(client, sales).json()
    competitor = client.post("/v1/competitors", json={"name": "Initech", "products": [{"name": "Suite", "prices": [
        {"currency": "EUR", "amount_minor": 1000}]}]}, headers=sales).json()
    path = f"/v1/opportunities/{created['id']}/competitors/{competitor['id']}"

    put = client.put(path, json={"strengths": "cheap", "threat": "high"}, headers=sales)
    listed = client.get(f"/v1/opportunities/{created['id']}/competitors", headers=sales)
    removed = client.delete(path, headers=sales)
    again = client.delete(path, headers=sales)

    assert put.status_code == 200 and put.json()["competitor_name"] == "Initech" and put.json()["threat"] == "high"
    assert [e["competitor_id"] for e in listed.json()["entries"]] == [competitor["id"]]
    assert removed.status_code == 204 and removed.content == b""
    assert again.status_code == 404
