"""The OpenAPI document of the customer file's routes: every one needs a token and documents its errors."""

from __future__ import annotations

BEARER = [{"bearerAuth": []}]
ERROR = {"$ref": "#/components/schemas/ErrorResponse"}
CONTACTS_ROUTES = {
    "/v1/persons/{person_id}": {"patch"},
    "/v1/persons/{person_id}:erase": {"post"},
    "/v1/persons/{person_id}/history": {"get"},
    "/v1/persons/{person_id}/owned-products": {"get", "post"},
    "/v1/accounts/{account_id}/owned-products": {"get", "post"},
    "/v1/owned-products/{owned_product_id}": {"patch"},
    "/v1/accounts": {"get", "post"},
    "/v1/accounts/{account_id}": {"get", "patch"},
    "/v1/accounts/{account_id}/children": {"get"},
    "/v1/accounts/{account_id}/history": {"get"},
    "/v1/accounts/{account_id}/persons": {"get", "post"},
    "/v1/persons/{person_id}/accounts": {"get"},
    "/v1/account-links/{link_id}": {"patch", "delete"},
    "/v1/persons/{person_id}/relations": {"get", "post"},
    "/v1/person-relations/{relation_id}": {"delete"},
    "/v1/accounts/{account_id}/relations": {"get", "post"},
    "/v1/account-relations/{relation_id}": {"delete"},
    "/v1/custom-fields": {"get", "post"},
    "/v1/custom-fields/{field_id}": {"get", "patch", "delete"},
    "/v1/persons:search": {"post"},
    "/v1/accounts:search": {"post"},
    "/v1/saved-searches": {"get", "post"},
    "/v1/saved-searches/{search_id}": {"get", "patch", "delete"},
    "/v1/persons/{person_id}/duplicates": {"get"},
    "/v1/persons:findDuplicates": {"post"},
    "/v1/accounts/{account_id}/duplicates": {"get"},
    "/v1/accounts:findDuplicates": {"post"},
    "/v1/duplicate-scans": {"post"},
    "/v1/duplicate-scans/{scan_id}": {"get"},
    "/v1/duplicate-pairs": {"get"},
    "/v1/duplicate-pairs/{pair_id}:dismiss": {"post"},
    "/v1/person-merges": {"post"},
    "/v1/person-merges/{merge_id}": {"get"},
    "/v1/person-merges/{merge_id}:undo": {"post"},
    "/v1/import-mappings": {"get", "post"},
    "/v1/import-mappings/{name}": {"get", "delete"},
    "/v1/imports": {"get", "post"},
    "/v1/imports/{job_id}": {"get"},
    "/v1/imports/{job_id}:resume": {"post"},
    "/v1/imports/{job_id}/rejects": {"get"},
    "/v1/persons:export": {"get"},
}


def test_every_contacts_route_needs_a_token_and_documents_its_errors(client):
    paths = client.get("/openapi.json").json()["paths"]

    for path, methods in CONTACTS_ROUTES.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            operation = paths[path][method]
            assert operation["security"] == BEARER, (method, path)
            assert operation["summary"] and operation["tags"], (method, path)
            for status in ("401", "403", "422"):
                assert operation["responses"][status]["content"]["application/json"]["schema"] == ERROR, (method, path, status)


def test_the_documented_statuses_headers_and_media_types(client):
    doc = client.get("/openapi.json").json()
    paths, schemas = doc["paths"], doc["components"]["schemas"]

    patch = paths["/v1/persons/{person_id}"]["patch"]
    assert {"404", "409", "412"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    assert patch["responses"]["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/DuplicatesConflict"}
    assert "412" in paths["/v1/accounts/{account_id}"]["patch"]["responses"]
    assert "201" in paths["/v1/accounts"]["post"]["responses"] and "201" in paths["/v1/person-merges"]["post"]["responses"]
    assert "204" in paths["/v1/account-links/{link_id}"]["delete"]["responses"]
    assert "202" in paths["/v1/imports"]["post"]["responses"] and "202" in paths["/v1/duplicate-scans"]["post"]["responses"]
    assert {"text/csv", "text/vcard", "application/octet-stream"} <= set(paths["/v1/imports"]["post"]["requestBody"]["content"])
    assert {"text/csv", "text/vcard"} <= set(paths["/v1/persons:export"]["get"]["responses"]["200"]["content"])
    assert schemas["CustomFieldCreate"]["properties"]["type"]["enum"] == [
        "text",
        "number",
        "money",
        "date",
        "bool",
        "choice",
        "multi_choice",
    ]
    assert set(schemas["CustomFieldValue"]["properties"]) == {"text", "number", "money", "date", "bool_value", "choice", "choices"}
    assert {"etag", "tags", "lifecycle", "origin", "custom_fields", "erased", "merged_into"} <= set(schemas["Person"]["properties"])
