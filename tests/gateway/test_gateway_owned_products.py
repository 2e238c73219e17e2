"""Owned products of persons and accounts through the gateway."""

from __future__ import annotations

from crm.contacts.v1 import accounts_pb2


def test_a_persons_products_are_added_listed_and_ended(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")

    added = client.post(
        f"/v1/persons/{person.id}/owned-products",
        json={"product_id": "SKU-1", "name": "Support", "quantity": 2, "purchased_on": "2024-05-01", "source": "sales:order:42"},
        headers=sales,
    )

    assert added.status_code == 201, added.text
    product = added.json()
    assert (product["person_id"], product["account_id"], product["quantity"], product["active"]) == (person.id, "", 2, True)
    assert downstream.contacts.requests[-1].owned_product.person_id == person.id
    ended = client.patch(f"/v1/owned-products/{product['id']}", json={"active": False}, headers=sales)
    assert ended.status_code == 200, ended.text
    assert ended.json()["active"] is False
    assert list(downstream.contacts.requests[-1].update_mask.paths) == ["active"]
    every = client.get(f"/v1/persons/{person.id}/owned-products", headers=sales).json()
    active = client.get(f"/v1/persons/{person.id}/owned-products?active_only=true", headers=sales).json()
    assert [p["id"] for p in every["owned_products"]] == [product["id"]]
    assert active == {"owned_products": [], "next_page_token": ""}


def test_an_accounts_products(client, downstream, sales):
    downstream.contacts.accounts["acc-1"] = accounts_pb2.Account(id="acc-1", name="Example")

    added = client.post("/v1/accounts/acc-1/owned-products", json={"product_id": "SKU-2", "name": "Licence"}, headers=sales)

    assert added.status_code == 201, added.text
    assert (added.json()["account_id"], added.json()["quantity"], added.json()["source"]) == ("acc-1", 1, "manual")
    listed = client.get("/v1/accounts/acc-1/owned-products", headers=sales)
    assert [p["name"] for p in listed.json()["owned_products"]] == ["Licence"]


def test_bad_products_answer_422_with_body_paths_and_unknown_owners_404(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")

    bad = client.post(f"/v1/persons/{person.id}/owned-products", json={"product_id": "x", "name": "", "purchased_on": "May"}, headers=sales)
    missing = client.post("/v1/persons/nobody/owned-products", json={"product_id": "x", "name": "n"}, headers=sales)
    negative = client.post(f"/v1/persons/{person.id}/owned-products", json={"product_id": "x", "name": "n", "quantity": -1}, headers=sales)

    assert bad.status_code == 422
    assert sorted(v["field"] for v in bad.json()["error"]["field_violations"]) == ["name", "purchased_on"]
    assert missing.status_code == 404
    assert negative.status_code == 422 and negative.json()["error"]["field_violations"][0]["field"] == "quantity"


def test_updating_an_unknown_product_is_404_and_a_bad_quantity_422(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")
    product = client.post(f"/v1/persons/{person.id}/owned-products", json={"product_id": "x", "name": "n"}, headers=sales).json()

    assert client.patch("/v1/owned-products/nope", json={"active": False}, headers=sales).status_code == 404
    zero = client.patch(f"/v1/owned-products/{product['id']}", json={"quantity": 0}, headers=sales)
    assert zero.status_code == 422 and zero.json()["error"]["field_violations"][0]["field"] == "quantity"
    assert client.patch(f"/v1/owned-products/{product['id']}", json={}, headers=sales).status_code == 422


def test_viewers_read_but_do_not_write(client, downstream, as_role):
    person = downstream.contacts.add(given_name="Ada", family_name="Lovelace")

    assert client.get(f"/v1/persons/{person.id}/owned-products", headers=as_role("viewer")).status_code == 200
    assert (
        client.post(f"/v1/persons/{person.id}/owned-products", json={"product_id": "x", "name": "n"}, headers=as_role("viewer")).status_code
        == 403
    )
