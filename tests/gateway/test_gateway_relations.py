"""Relations through the gateway: persons of accounts, person↔person, account↔account."""

from __future__ import annotations


def _account(client, sales, name: str) -> str:
    return client.post("/v1/accounts", json={"name": name}, headers=sales).json()["id"]


def test_a_person_is_linked_listed_from_both_sides_ended_and_unlinked(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ana", family_name="Pop")
    account = _account(client, sales, "Example")

    linked = client.post(
        f"/v1/accounts/{account}/persons",
        json={"person_id": person.id, "position": "CFO", "role": "decision_maker", "is_primary": True, "start_date": "2020-01-01"},
        headers=sales,
    )

    assert linked.status_code == 201, linked.text
    link = linked.json()
    assert (link["person_id"], link["account_id"], link["role"], link["is_primary"]) == (person.id, account, "decision_maker", True)
    assert [x["id"] for x in client.get(f"/v1/accounts/{account}/persons", headers=sales).json()["links"]] == [link["id"]]
    assert [x["id"] for x in client.get(f"/v1/persons/{person.id}/accounts", headers=sales).json()["links"]] == [link["id"]]
    ended = client.patch(f"/v1/account-links/{link['id']}", json={"end_date": "2024-12-31"}, headers=sales)
    assert ended.status_code == 200 and ended.json()["end_date"] == "2024-12-31"
    assert list(downstream.contacts.requests[-1].update_mask.paths) == ["end_date"]
    assert client.get(f"/v1/accounts/{account}/persons", headers=sales).json()["links"] == []
    assert len(client.get(f"/v1/accounts/{account}/persons?include_ended=true", headers=sales).json()["links"]) == 1
    removed = client.delete(f"/v1/account-links/{link['id']}", headers=sales)
    assert removed.status_code == 204 and removed.content == b""
    assert client.delete(f"/v1/account-links/{link['id']}", headers=sales).status_code == 404


def test_link_errors(client, downstream, sales):
    person = downstream.contacts.add(given_name="Ana", family_name="Pop")
    account = _account(client, sales, "Example")

    backwards = client.post(
        f"/v1/accounts/{account}/persons",
        json={"person_id": person.id, "start_date": "2024-01-01", "end_date": "2020-01-01"},
        headers=sales,
    )
    nobody = client.post(f"/v1/accounts/{account}/persons", json={"person_id": "nobody"}, headers=sales)
    missing_person = client.post(f"/v1/accounts/{account}/persons", json={}, headers=sales)

    assert backwards.status_code == 422 and backwards.json()["error"]["field_violations"][0]["field"] == "end_date"
    assert nobody.status_code == 404
    assert missing_person.status_code == 422 and missing_person.json()["error"]["field_violations"][0]["field"] == "person_id"


def test_persons_are_related_and_each_side_reads_its_own_label(client, downstream, sales):
    ana = downstream.contacts.add(given_name="Ana", family_name="Pop")
    ion = downstream.contacts.add(given_name="Ion", family_name="Pop")

    related = client.post(f"/v1/persons/{ana.id}/relations", json={"related_person_id": ion.id, "label": "parent"}, headers=sales)

    assert related.status_code == 201, related.text
    from_ion = client.get(f"/v1/persons/{ion.id}/relations", headers=sales).json()["relations"]
    assert [(r["related_person_id"], r["label"]) for r in from_ion] == [(ana.id, "child")]
    bad = client.post(f"/v1/persons/{ana.id}/relations", json={"related_person_id": ion.id, "label": "boss"}, headers=sales)
    assert bad.status_code == 422 and bad.json()["error"]["field_violations"][0]["field"] == "label"
    assert client.delete(f"/v1/person-relations/{related.json()['id']}", headers=sales).status_code == 204
    assert client.get(f"/v1/persons/{ana.id}/relations", headers=sales).json()["relations"] == []


def test_accounts_are_related_and_a_self_relation_is_409(client, sales, as_role):
    shop = _account(client, sales, "Shop")
    maker = _account(client, sales, "Maker")

    related = client.post(f"/v1/accounts/{shop}/relations", json={"related_account_id": maker, "label": "supplier"}, headers=sales)
    itself = client.post(f"/v1/accounts/{shop}/relations", json={"related_account_id": shop, "label": "partner"}, headers=sales)

    assert related.status_code == 201, related.text
    assert itself.status_code == 409 and itself.json()["error"]["code"] == "FAILED_PRECONDITION"
    listed = client.get(f"/v1/accounts/{maker}/relations", headers=as_role("viewer"))
    assert listed.status_code == 200 and [r["id"] for r in listed.json()["relations"]] == [related.json()["id"]]
    assert client.delete(f"/v1/account-relations/{related.json()['id']}", headers=as_role("viewer")).status_code == 403
    assert client.delete(f"/v1/account-relations/{related.json()['id']}", headers=sales).status_code == 204
