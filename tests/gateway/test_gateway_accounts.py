"""/v1/accounts through the gateway: create, read, list, PATCH with If-Match, children, dossier."""

from __future__ import annotations

from crm.contacts.v1 import accounts_pb2, contacts_pb2

NEW_ACCOUNT = {
    "name": "Example Trading",
    "legal_name": "Example Trading S.R.L.",
    "industry": "FMCG",
    "employees": 250,
    "annual_turnover": {"amount_minor": 1_000_000_00, "currency": "RON"},
    "registration_ids": [{"kind": "vat", "value": "RO18547290"}],
    "addresses": [{"kind": "billing", "lines": ["Str. Lipscani 12"], "city": "Bucharest", "country": "RO"}],
    "phones": [{"number": "+40212345678", "kind": "work"}],
    "emails": [{"address": "office@example.ro", "kind": "work"}],
    "websites": [{"url": "https://example.ro"}],
    "tags": ["hotels"],
    "lifecycle": "customer",
    "origin": {"kind": "partner", "detail": "Acme"},
    "custom_fields": {"vat_regime": {"choice": "normal"}},
}


def _error(response) -> dict:
    return response.json()["error"]


def test_create_answers_201_with_the_account_its_location_and_etag(client, downstream, sales):
    response = client.post("/v1/accounts", json=NEW_ACCOUNT, headers=sales)

    assert response.status_code == 201, response.text
    account = response.json()
    assert response.headers["Location"] == f"/v1/accounts/{account['id']}"
    assert response.headers["ETag"] == account["etag"] == '"1"'
    assert account["owner"] == "sam"
    assert account["annual_turnover"] == {"amount_minor": 100000000, "currency": "RON"}
    assert account["registration_ids"] == [{"kind": "vat", "value": "RO18547290"}]
    assert account["websites"] == [{"url": "https://example.ro", "kind": "main"}]
    assert account["addresses"][0]["kind"] == "billing" and account["lifecycle"] == "customer"
    assert account["custom_fields"] == {"vat_regime": {"choice": "normal"}}
    assert (account["parent_id"], account["parent_kind"], account["employees"]) == ("", "unspecified", 250)
    sent = downstream.contacts.requests[0].account
    assert sent.registration_ids[0].kind == accounts_pb2.REGISTRATION_KIND_VAT
    assert sent.websites[0].kind == accounts_pb2.WEBSITE_KIND_MAIN
    assert sent.lifecycle == contacts_pb2.LIFECYCLE_CUSTOMER and sent.HasField("employees")


def test_unknown_employees_and_turnover_stay_unset(client, downstream, sales):
    response = client.post("/v1/accounts", json={"name": "Tiny"}, headers=sales)

    assert response.status_code == 201, response.text
    sent = downstream.contacts.requests[0].account
    assert not sent.HasField("employees") and not sent.HasField("annual_turnover")
    assert (response.json()["employees"], response.json()["annual_turnover"], response.json()["origin"]) == (None, None, None)


def test_bad_fields_answer_422_with_paths_relative_to_the_body(client, sales):
    response = client.post("/v1/accounts", json={"name": "", "parent_id": "x", "websites": [{"url": "not a url"}]}, headers=sales)

    assert response.status_code == 422
    assert sorted(v["field"] for v in _error(response)["field_violations"]) == ["name", "parent_kind", "websites[0].url"]


def test_the_edge_refuses_unknown_enum_words(client, downstream, sales):
    response = client.post("/v1/accounts", json={"name": "X", "registration_ids": [{"kind": "tax", "value": "1"}]}, headers=sales)

    assert response.status_code == 422
    assert _error(response)["field_violations"][0]["field"] == "registration_ids[0].kind"
    assert downstream.contacts.requests == []


def test_get_list_and_not_found(client, sales, as_role):
    created = client.post("/v1/accounts", json={"name": "A"}, headers=sales).json()
    client.post("/v1/accounts", json={"name": "B"}, headers=sales)

    got = client.get(f"/v1/accounts/{created['id']}", headers=as_role("viewer"))
    page = client.get("/v1/accounts?page_size=1", headers=sales).json()
    rest = client.get(f"/v1/accounts?page_size=1&page_token={page['next_page_token']}", headers=sales).json()

    assert got.status_code == 200 and got.json()["name"] == "A" and got.headers["ETag"] == '"1"'
    assert [a["name"] for a in page["accounts"]] == ["A"] and page["next_page_token"]
    assert [a["name"] for a in rest["accounts"]] == ["B"] and rest["next_page_token"] == ""
    assert client.get("/v1/accounts/nope", headers=sales).status_code == 404
    assert client.post("/v1/accounts", json={"name": "C"}, headers=as_role("viewer")).status_code == 403


def test_patch_sends_the_mask_of_the_keys_present_with_the_parent_as_one_path(client, downstream, sales):
    parent = client.post("/v1/accounts", json={"name": "Group"}, headers=sales).json()
    child = client.post("/v1/accounts", json={"name": "Shop", "industry": "Retail"}, headers=sales).json()

    response = client.patch(
        f"/v1/accounts/{child['id']}",
        json={"parent_id": parent["id"], "parent_kind": "branch", "employees": None},
        headers={**sales, "If-Match": child["etag"]},
    )

    assert response.status_code == 200, response.text
    sent = downstream.contacts.requests[-1]
    assert sorted(sent.update_mask.paths) == ["employees", "parent"]
    assert sent.account.etag == '"1"' and sent.account.parent_kind == accounts_pb2.PARENT_KIND_BRANCH
    updated = response.json()
    assert (updated["parent_id"], updated["parent_kind"], updated["industry"]) == (parent["id"], "branch", "Retail")
    assert response.headers["ETag"] == '"2"'
    stale = client.patch(f"/v1/accounts/{child['id']}", json={"name": "X"}, headers={**sales, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(f"/v1/accounts/{child['id']}", headers=sales).json()["name"] == "Shop"


def test_children_direct_or_recursive_and_history(client, sales):
    group = client.post("/v1/accounts", json={"name": "Group"}, headers=sales).json()
    sub = client.post("/v1/accounts", json={"name": "Sub", "parent_id": group["id"], "parent_kind": "subsidiary"}, headers=sales).json()
    client.post("/v1/accounts", json={"name": "Branch", "parent_id": sub["id"], "parent_kind": "branch"}, headers=sales)

    direct = client.get(f"/v1/accounts/{group['id']}/children", headers=sales).json()
    every = client.get(f"/v1/accounts/{group['id']}/children?recursive=true", headers=sales).json()
    history = client.get(f"/v1/accounts/{group['id']}/history", headers=sales)

    assert [(n["account"]["name"], n["depth"]) for n in direct["children"]] == [("Sub", 1)]
    assert [(n["account"]["name"], n["depth"]) for n in every["children"]] == [("Sub", 1), ("Branch", 2)]
    assert history.status_code == 200
    assert [(e["kind"], e["source"]) for e in history.json()["entries"]] == [("AccountCreated", "contacts")]
    assert client.get("/v1/accounts/nope/children", headers=sales).status_code == 404
