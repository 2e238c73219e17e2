"""Custom field definitions through the gateway: admins define, everyone reads."""

from __future__ import annotations

from crm.contacts.v1 import custom_fields_pb2

TIER = {
    "entity": "person",
    "key": "tier",
    "label": "Tier",
    "type": "choice",
    "required": False,
    "options": [{"key": "gold", "label": "Gold"}, {"key": "silver", "label": "Silver"}],
}


def test_an_admin_defines_a_field_and_readers_see_it(client, downstream, as_role):
    admin = as_role("admin")

    created = client.post("/v1/custom-fields", json=TIER, headers=admin)

    assert created.status_code == 201, created.text
    field = created.json()
    assert created.headers["Location"] == f"/v1/custom-fields/{field['id']}"
    assert (field["entity"], field["type"], field["retire_time"]) == ("person", "choice", None)
    assert field["options"] == TIER["options"]
    assert field["validation"]["decimal_places"] is None
    sent = downstream.contacts.requests[0].custom_field
    assert (sent.entity, sent.type) == (custom_fields_pb2.CUSTOM_FIELD_ENTITY_PERSON, custom_fields_pb2.CUSTOM_FIELD_TYPE_CHOICE)
    assert not sent.validation.HasField("decimal_places")
    got = client.get(f"/v1/custom-fields/{field['id']}", headers=as_role("viewer"))
    assert got.status_code == 200 and got.json() == field


def test_typed_validation_rules_pass_through(client, downstream, as_role):
    body = {"entity": "account", "key": "budget", "label": "Budget", "type": "number", "validation": {"min": "0", "decimal_places": 2}}

    created = client.post("/v1/custom-fields", json=body, headers=as_role("admin"))

    assert created.status_code == 201, created.text
    sent = downstream.contacts.requests[0].custom_field
    assert sent.validation.min == "0" and sent.validation.HasField("decimal_places") and sent.validation.decimal_places == 2
    assert created.json()["validation"]["decimal_places"] == 2


def test_only_admins_write_definitions(client, as_role):
    assert client.post("/v1/custom-fields", json=TIER, headers=as_role("sales")).status_code == 403


def test_bad_definitions_answer_422_with_body_paths_and_a_taken_key_409(client, as_role):
    admin = as_role("admin")
    bad = {**TIER, "key": "Tier!", "options": [], "validation": {"max_length": 10}}

    refused = client.post("/v1/custom-fields", json=bad, headers=admin)
    unknown_type = client.post("/v1/custom-fields", json={**TIER, "type": "colour"}, headers=admin)
    client.post("/v1/custom-fields", json=TIER, headers=admin)
    taken = client.post("/v1/custom-fields", json=TIER, headers=admin)

    assert refused.status_code == 422
    assert sorted(v["field"] for v in refused.json()["error"]["field_violations"]) == ["key", "options", "validation.max_length"]
    assert unknown_type.status_code == 422 and unknown_type.json()["error"]["field_violations"][0]["field"] == "type"
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "ALREADY_EXISTS"


def test_list_filters_by_entity_and_retired_fields_show_only_when_asked(client, as_role):
    admin = as_role("admin")
    tier = client.post("/v1/custom-fields", json=TIER, headers=admin).json()
    client.post("/v1/custom-fields", json={**TIER, "entity": "account", "key": "segment"}, headers=admin)

    deleted = client.delete(f"/v1/custom-fields/{tier['id']}", headers=admin)

    assert deleted.status_code == 200 and deleted.json()["retire_time"] is not None
    assert [f["key"] for f in client.get("/v1/custom-fields", headers=admin).json()["custom_fields"]] == ["segment"]
    with_retired = client.get("/v1/custom-fields?include_retired=true&entity=person", headers=admin).json()
    assert [f["key"] for f in with_retired["custom_fields"]] == ["tier"]
    assert client.get("/v1/custom-fields?entity=company", headers=admin).status_code == 422


def test_patch_changes_the_keys_present_and_purge_removes(client, downstream, as_role):
    admin = as_role("admin")
    tier = client.post("/v1/custom-fields", json=TIER, headers=admin).json()

    patched = client.patch(f"/v1/custom-fields/{tier['id']}", json={"label": "Level", "required": True}, headers=admin)
    immutable = client.patch(f"/v1/custom-fields/{tier['id']}", json={"type": "text"}, headers=admin)
    empty_label = client.patch(f"/v1/custom-fields/{tier['id']}", json={"label": ""}, headers=admin)

    assert patched.status_code == 200, patched.text
    assert (patched.json()["label"], patched.json()["required"], patched.json()["options"]) == ("Level", True, TIER["options"])
    assert sorted(downstream.contacts.requests[-2].update_mask.paths) == ["label", "required"]
    assert immutable.status_code == 422
    assert empty_label.status_code == 422 and empty_label.json()["error"]["field_violations"][0]["field"] == "label"
    assert client.delete(f"/v1/custom-fields/{tier['id']}?purge=true", headers=admin).status_code == 200
    assert client.get(f"/v1/custom-fields/{tier['id']}", headers=admin).status_code == 404
