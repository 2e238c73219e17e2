"""Quotes and orders over REST: exact totals, the version as ETag and If-Match (412), approval, send, accept → order, reject."""

from __future__ import annotations

import pytest


@pytest.fixture
def deal(client, sales, downstream):
    """An opportunity and a EUR price list with two products: (opportunity id, price list, {name: product id})."""
    downstream.sales.add_pipeline(("Qualify", 10), ("Propose", 50))
    opportunity = client.post("/v1/opportunities", json={"name": "Acme", "account_id": "acc-1"}, headers=sales).json()
    price_list = downstream.sales.add_price_list("EUR", support=10000, licence=2500)
    products = {downstream.sales.products[e.product_id].name: e.product_id for e in price_list.entries}
    return opportunity["id"], price_list, products


def _quote(client, headers, deal, **body):
    opportunity_id, price_list, products = deal
    lines = body.pop("lines", [{"product_id": products["support"], "quantity": 3}, {"product_id": products["licence"], "quantity": 2,
                                                                                       "discount_bp": 1000, "tax_rate_bp": 0}])
    return client.post("/v1/quotes", json={"opportunity_id": opportunity_id, "price_list_id": price_list.id, "lines": lines, **body},
                       headers=headers)


def test_create_answers_201_with_exact_totals_location_and_the_version_as_etag(client, sales, deal):
    response = _quote(client, sales, deal)

    assert response.status_code == 201, response.text
    quote = response.json()
    assert response.headers["Location"] == f"/v1/quotes/{quote['id']}"
    assert response.headers["ETag"] == '"1"' and quote["etag"] == '"1"' and quote["version"] == 1
    assert quote["status"] == "draft" and quote["approval"] == "not_required" and quote["currency"] == "EUR"
    assert quote["account_id"] == "acc-1"
    support, licence = quote["lines"]
    assert (support["list_minor"], support["net_minor"], support["tax_minor"], support["gross_minor"]) == (30000, 30000, 5700, 35700)
    assert support["tax_rate_bp"] is None and licence["tax_rate_bp"] == 0
    assert (licence["list_minor"], licence["net_minor"], licence["tax_minor"]) == (5000, 4500, 0)
    assert quote["totals"] == {"list_minor": 35000, "discount_minor": 500, "net_minor": 34500, "tax_minor": 5700, "gross_minor": 40200,
                               "taxes": [], "discount_bp": 143}


def test_create_errors(client, sales, deal, as_role):
    _, _, products = deal
    bad = _quote(client, sales, deal, lines=[{"product_id": "other", "quantity": 1}, {"product_id": products["support"], "quantity": 0}])
    edge = _quote(client, sales, deal, lines=[{"product_id": products["support"], "quantity": "many"}], discount="big")
    missing = client.post("/v1/quotes", json={"opportunity_id": "nope", "price_list_id": deal[1].id, "lines": []}, headers=sales)
    viewer = _quote(client, as_role("viewer"), deal)

    assert bad.status_code == 422
    assert [v["field"] for v in bad.json()["error"]["field_violations"]] == ["lines[0].product_id", "lines[1].quantity"]
    assert edge.status_code == 422
    assert {v["field"] for v in edge.json()["error"]["field_violations"]} == {"lines[0].quantity", "discount"}
    assert missing.status_code == 404
    assert viewer.status_code == 403


def test_put_with_if_match_refuses_a_stale_version_412(client, sales, deal):
    quote = _quote(client, sales, deal).json()
    path = f"/v1/quotes/{quote['id']}"
    client.post(f"{path}:send", headers=sales)
    change = {"lines": [{"product_id": deal[2]["support"], "quantity": 1}], "note": "smaller"}

    revised = client.put(path, json=change, headers={**sales, "If-Match": '"1"'})
    stale = client.put(path, json=change, headers={**sales, "If-Match": '"1"'})
    nonsense = client.put(path, json=change, headers={**sales, "If-Match": '"abc"'})
    unchecked = client.put(path, json={**change, "note": "again"}, headers={**sales, "If-Match": "*"})

    assert revised.status_code == 200, revised.text
    assert revised.json()["version"] == 2 and revised.headers["ETag"] == '"2"' and revised.json()["status"] == "draft"
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "FAILED_PRECONDITION"
    assert "version 2, not 1" in stale.json()["error"]["message"]
    assert nonsense.status_code == 412
    assert unchecked.status_code == 200 and unchecked.json()["note"] == "again"
    versions = client.get(f"{path}/versions", headers=sales).json()["versions"]
    assert [(v["version"], v["status"]) for v in versions] == [(1, "sent"), (2, "draft")]
    old = client.get(f"{path}?version=1", headers=sales)
    assert old.json()["note"] == "" and old.headers["ETag"] == '"1"'


def test_approval_send_accept_becomes_an_order(client, sales, deal, as_role):
    quote = _quote(client, sales, deal, discount_bp=2500).json()
    path = f"/v1/quotes/{quote['id']}"
    approver = as_role("approver", user="boss")

    assert quote["approval"] == "pending"
    not_yet = client.post(f"{path}:send", headers=sales)
    by_sales = client.post(f"{path}:approve", headers=sales)
    no_comment = client.post(f"{path}:disapprove", json={}, headers=approver)
    approved = client.post(f"{path}:approve", json={"comment": "strategic"}, headers={**approver, "If-Match": '"1"'})
    sent = client.post(f"{path}:send", headers=sales)
    accepted = client.post(f"{path}:accept", json={"purchase_order_number": "PO-7"}, headers=sales)
    retried = client.post(f"{path}:accept", json={"purchase_order_number": "PO-7"}, headers=sales)
    changed = client.put(path, json={"lines": [{"product_id": deal[2]["support"], "quantity": 1}]}, headers=sales)

    assert not_yet.status_code == 409
    assert by_sales.status_code == 403 and by_sales.json()["error"]["code"] == "PERMISSION_DENIED"
    assert no_comment.status_code == 422 and no_comment.json()["error"]["field_violations"][0]["field"] == "comment"
    assert approved.status_code == 200 and approved.json()["approval"] == "approved" and approved.json()["approved_by"] == "boss"
    assert sent.json()["status"] == "sent"
    assert accepted.status_code == 200, accepted.text
    order = accepted.json()["order"]
    assert accepted.json()["quote"]["status"] == "accepted" and accepted.json()["quote"]["order_id"] == order["id"]
    assert accepted.headers["Location"] == f"/v1/orders/{order['id']}"
    assert order["purchase_order_number"] == "PO-7" and order["totals"] == accepted.json()["quote"]["totals"]
    assert retried.json()["order"]["id"] == order["id"]
    assert changed.status_code == 409
    assert client.get(f"/v1/orders/{order['id']}", headers=sales).json()["quote_id"] == quote["id"]
    assert [o["id"] for o in client.get(f"/v1/orders?opportunity_id={deal[0]}", headers=sales).json()["orders"]] == [order["id"]]
    assert client.get("/v1/orders/nope", headers=sales).status_code == 404


def test_steps_on_a_stale_version_are_412_and_reject_records_the_reason(client, sales, deal):
    quote = _quote(client, sales, deal).json()
    path = f"/v1/quotes/{quote['id']}"
    client.post(f"{path}:send", headers=sales)

    stale = client.post(f"{path}:reject", json={"reason": "too dear"}, headers={**sales, "If-Match": '"7"'})
    body_stale = client.post(f"{path}:accept", json={"version": 3}, headers=sales)
    rejected = client.post(f"{path}:reject", json={"reason": "too dear"}, headers={**sales, "If-Match": 'W/"1"'})

    assert stale.status_code == 412
    # Without If-Match, a version in the body that is no longer current is a conflict of state, not a failed precondition.
    assert body_stale.status_code == 409
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected" and rejected.json()["reject_reason"] == "too dear"


def test_list_quotes_by_opportunity_and_status(client, sales, deal, downstream):
    _quote(client, sales, deal)
    listed = client.get(f"/v1/quotes?opportunity_id={deal[0]}&status=draft", headers=sales)

    assert listed.status_code == 200 and len(listed.json()["quotes"]) == 1
    assert downstream.sales.requests[-1].status == 1
    assert client.get("/v1/quotes/nope", headers=sales).status_code == 404


def test_a_refusal_naming_the_current_version_stays_409_with_if_match(client, sales, deal, as_role):
    quote = _quote(client, sales, deal).json()

    response = client.post(f"/v1/quotes/{quote['id']}:approve", headers={**as_role("approver"), "If-Match": '"1"'})

    assert response.status_code == 409, response.text
    assert "not waiting for approval" in response.json()["error"]["message"]
