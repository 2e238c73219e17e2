"""The sales set-up and catalogue over REST: pipelines, close reasons, products, price lists, competitors."""

from __future__ import annotations


def test_pipelines_are_created_by_admins_and_read_by_sales(client, sales, as_role):
    admin = as_role("admin")
    body = {"name": "New business", "is_default": True,
            "stages": [{"name": "Qualify", "probability": 10, "expected_days": 7}, {"name": "Propose", "probability": 60}]}

    refused = client.post("/v1/pipelines", json=body, headers=sales)
    created = client.post("/v1/pipelines", json=body, headers=admin)
    bad = client.post("/v1/pipelines", json={"name": "", "stages": [{"name": "x", "probability": 120}]}, headers=admin)

    assert refused.status_code == 403
    assert created.status_code == 201, created.text
    pipeline = created.json()
    assert created.headers["Location"] == f"/v1/pipelines/{pipeline['id']}"
    assert [(s["name"], s["probability"], s["position"]) for s in pipeline["stages"]] == [("Qualify", 10, 1), ("Propose", 60, 2)]
    assert bad.status_code == 422
    assert [v["field"] for v in bad.json()["error"]["field_violations"]] == ["name", "stages[0].probability"]
    assert client.get(f"/v1/pipelines/{pipeline['id']}", headers=sales).json() == pipeline
    assert [p["id"] for p in client.get("/v1/pipelines", headers=sales).json()["pipelines"]] == [pipeline["id"]]
    assert client.get("/v1/pipelines/nope", headers=sales).status_code == 404

    kept = pipeline["stages"][0]
    replaced = client.put(f"/v1/pipelines/{pipeline['id']}", json={"name": "Renamed", "stages": [
        {"id": kept["id"], "name": "Qualify", "probability": 15}]}, headers=admin)
    assert replaced.status_code == 200 and replaced.json()["name"] == "Renamed"
    assert [s["id"] for s in replaced.json()["stages"]] == [kept["id"]]


def test_close_reasons(client, sales, as_role):
    admin = as_role("admin")

    created = client.post("/v1/close-reasons", json={"kind": "lost", "code": "price", "label": "Too expensive"}, headers=admin)
    taken = client.post("/v1/close-reasons", json={"kind": "lost", "code": "price", "label": "Again"}, headers=admin)
    bad_kind = client.post("/v1/close-reasons", json={"kind": "draw", "code": "x", "label": "x"}, headers=admin)
    deactivated = client.post(f"/v1/close-reasons/{created.json()['id']}:deactivate", headers=admin)

    assert created.status_code == 201 and created.json()["kind"] == "lost" and created.json()["active"] is True
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "ALREADY_EXISTS"
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["field_violations"][0]["field"] == "kind"
    assert deactivated.json()["active"] is False
    assert client.get("/v1/close-reasons", headers=sales).json()["reasons"] == []
    assert len(client.get("/v1/close-reasons?include_inactive=true", headers=sales).json()["reasons"]) == 1


def test_products_and_price_lists(client, sales, as_role):
    admin = as_role("admin")

    product = client.post("/v1/products", json={"sku": "SUP-1", "name": "Support", "tax_rate_bp": 1900}, headers=admin)
    same_sku = client.post("/v1/products", json={"sku": "SUP-1", "name": "Other"}, headers=admin)
    bad_tax = client.post("/v1/products", json={"sku": "X", "name": "X", "tax_rate_bp": 20000}, headers=admin)
    by_sales = client.post("/v1/products", json={"sku": "Y", "name": "Y"}, headers=sales)

    assert product.status_code == 201, product.text
    assert product.headers["Location"] == f"/v1/products/{product.json()['id']}"
    assert same_sku.status_code == 409
    assert bad_tax.status_code == 422 and bad_tax.json()["error"]["field_violations"][0]["field"] == "tax_rate_bp"
    assert by_sales.status_code == 403
    product_id = product.json()["id"]

    retired = client.put(f"/v1/products/{product_id}", json={"name": "Support", "active": False}, headers=admin)
    assert retired.status_code == 200 and retired.json()["active"] is False and retired.json()["sku"] == "SUP-1"
    assert client.get("/v1/products", headers=sales).json()["products"] == []
    assert [p["id"] for p in client.get("/v1/products?include_inactive=true", headers=sales).json()["products"]] == [product_id]
    assert client.get("/v1/products/nope", headers=sales).status_code == 404

    entries = [{"product_id": product_id, "unit_price_minor": 12500}]
    price_list = client.post("/v1/price-lists", json={"name": "EUR 2027", "currency": "EUR", "valid_from": "2027-01-01", "entries": entries},
                             headers=admin)
    bad = client.post("/v1/price-lists", json={"name": "x", "currency": "euro", "entries": [{"product_id": "nope", "unit_price_minor": 1}]},
                      headers=admin)

    assert price_list.status_code == 201 and price_list.json()["entries"] == entries
    assert [v["field"] for v in bad.json()["error"]["field_violations"]] == ["currency", "entries[0].product_id"]
    assert [p["name"] for p in client.get("/v1/price-lists?currency=EUR", headers=sales).json()["price_lists"]] == ["EUR 2027"]
    replaced = client.put(f"/v1/price-lists/{price_list.json()['id']}", json={"name": "EUR 2027 b", "entries": []}, headers=admin)
    assert replaced.json()["entries"] == [] and replaced.json()["currency"] == "EUR"
    assert client.get(f"/v1/price-lists/{price_list.json()['id']}", headers=sales).json()["name"] == "EUR 2027 b"


def test_competitors(client, sales):
    body = {"name": "Initech", "website": "https://initech.example", "strengths": "price",
            "products": [{"name": "Suite", "prices": [{"currency": "EUR", "amount_minor": 990, "valid_from": "2026-01-01"}]}]}

    created = client.post("/v1/competitors", json=body, headers=sales)
    unnamed = client.post("/v1/competitors", json={"name": ""}, headers=sales)

    assert created.status_code == 201, created.text
    competitor = created.json()
    assert competitor["products"] == [{"name": "Suite", "prices": [{"currency": "EUR", "amount_minor": 990, "valid_from": "2026-01-01",
                                                                    "valid_to": ""}]}]
    assert unnamed.status_code == 422 and unnamed.json()["error"]["field_violations"][0]["field"] == "name"
    replaced = client.put(f"/v1/competitors/{competitor['id']}", json={"name": "Initech AG"}, headers=sales)
    assert replaced.json()["name"] == "Initech AG" and replaced.json()["products"] == []
    assert [c["name"] for c in client.get("/v1/competitors", headers=sales).json()["competitors"]] == ["Initech AG"]
    assert client.get("/v1/competitors/nope", headers=sales).status_code == 404
