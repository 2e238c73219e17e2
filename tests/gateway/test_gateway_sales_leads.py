"""Leads over REST: create, PATCH, list, neglected, CSV import, conversion, and the assignment rules."""

from __future__ import annotations

from crm.sales.v1 import sales_pb2


def _lead(client, headers, **body):
    response = client.post("/v1/leads", json={"given_name": "Ana", "family_name": "Pop", "company": "Acme", **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_answers_201_with_location_and_words_for_enums(client, sales):
    response = client.post("/v1/leads", json={"family_name": "Pop", "email": "ana@acme.example", "country": "RO", "rating": "hot",
                                              "source": "web"}, headers=sales)

    assert response.status_code == 201, response.text
    lead = response.json()
    assert response.headers["Location"] == f"/v1/leads/{lead['id']}"
    assert (lead["status"], lead["rating"], lead["owner"]) == ("new", "hot", "sam")
    assert lead["create_time"] is not None and lead["person_id"] == ""
    assert client.get(lead_path := f"/v1/leads/{lead['id']}", headers=sales).json() == lead
    assert client.get(lead_path + "x", headers=sales).status_code == 404


def test_create_errors(client, sales, as_role):
    bad = client.post("/v1/leads", json={"email": "nope", "country": "Romania"}, headers=sales)
    edge = client.post("/v1/leads", json={"family_name": "Pop", "status": "converted", "colour": "red"}, headers=sales)

    assert bad.status_code == 422
    assert [v["field"] for v in bad.json()["error"]["field_violations"]] == ["email", "country"]
    assert edge.status_code == 422
    assert {v["field"] for v in edge.json()["error"]["field_violations"]} == {"status", "colour"}
    assert client.post("/v1/leads", json={"family_name": "Pop"}, headers=as_role("viewer")).status_code == 403
    assert client.post("/v1/leads", json={"family_name": "Pop"}).status_code == 401


def test_patch_qualifies_and_masks_the_keys_present(client, sales, downstream):
    lead = _lead(client, sales, notes="met at the fair")

    response = client.patch(f"/v1/leads/{lead['id']}", json={"status": "qualified", "notes": None}, headers=sales)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "qualified" and response.json()["notes"] == "" and response.json()["company"] == "Acme"
    assert sorted(downstream.sales.requests[-1].update_mask.paths) == ["notes", "status"]
    bad = client.patch(f"/v1/leads/{lead['id']}", json={"email": "x"}, headers=sales)
    assert bad.status_code == 422 and bad.json()["error"]["field_violations"][0]["field"] == "email"
    assert client.patch(f"/v1/leads/{lead['id']}", json={}, headers=sales).status_code == 422


def test_list_filters_by_status_and_owner_and_pages(client, sales, downstream):
    for name in ("A", "B", "C"):
        _lead(client, sales, family_name=name)

    first = client.get("/v1/leads?status=new&owner=sam&page_size=2", headers=sales).json()
    rest = client.get(f"/v1/leads?page_token={first['next_page_token']}", headers=sales).json()
    neglected = client.get("/v1/leads:neglected?days=30", headers=sales)

    assert [lead["family_name"] for lead in first["leads"]] == ["A", "B"]
    assert [lead["family_name"] for lead in rest["leads"]] == ["C"]
    assert neglected.status_code == 200 and downstream.sales.requests[-1].days == 30
    assert client.get("/v1/leads:neglected?days=0", headers=sales).json()["error"]["field_violations"][0]["field"] == "days"


def test_import_sends_the_raw_csv_and_reports_bad_rows(client, sales, downstream):
    good = client.post("/v1/leads:import?source=fair", content=b"family_name,email\nPop,ana@acme.example\nIon,ion@acme.example\n",
                       headers={**sales, "Content-Type": "text/csv"})
    bad = client.post("/v1/leads:import", content=b"family_name,email\nPop,nope\n", headers={**sales, "Content-Type": "text/csv"})
    empty = client.post("/v1/leads:import", content=b"", headers={**sales, "Content-Type": "text/csv"})

    assert good.status_code == 200, good.text
    assert good.json()["imported"] == 2 and len(good.json()["lead_ids"]) == 2
    assert downstream.sales.leads[good.json()["lead_ids"][0]].source == "fair"
    assert bad.status_code == 422 and bad.json()["error"]["field_violations"][0]["field"] == "rows[1].email"
    assert empty.status_code == 422 and empty.json()["error"]["field_violations"][0]["field"] == "body"


def test_convert_makes_person_account_and_opportunity_once(client, sales, downstream):
    downstream.sales.add_pipeline(("Qualify", 10))
    lead = _lead(client, sales)
    body = {"create_account": True, "opportunity": {"name": "Acme deal", "amount": {"amount_minor": 5000, "currency": "EUR"}}}

    converted = client.post(f"/v1/leads/{lead['id']}:convert", json=body, headers=sales)
    again = client.post(f"/v1/leads/{lead['id']}:convert", json=body, headers=sales)

    assert converted.status_code == 200, converted.text
    result = converted.json()
    assert result["lead"]["status"] == "converted" and result["person_id"] and result["account_id"]
    assert result["opportunity"]["name"] == "Acme deal" and result["opportunity"]["amount"] == {"amount_minor": 5000, "currency": "EUR"}
    assert result["opportunity"]["contacts"] == [{"person_id": result["person_id"], "role": "decision_maker"}]
    assert again.json()["opportunity"]["id"] == result["opportunity"]["id"]
    request = downstream.sales.requests[-2]
    assert request.create_account and request.opportunity.amount.currency == "EUR"


def test_convert_errors(client, sales, downstream):
    downstream.sales.add_pipeline(("Qualify", 10))
    lead = _lead(client, sales)
    bad = client.post(f"/v1/leads/{lead['id']}:convert", json={"opportunity": {"name": "x", "amount": {"amount_minor": 1, "currency": "e"}}},
                      headers=sales)
    client.patch(f"/v1/leads/{lead['id']}", json={"status": "disqualified", "disqualify_reason": "student"}, headers=sales)
    disqualified = client.post(f"/v1/leads/{lead['id']}:convert", json={"without_opportunity": True}, headers=sales)

    assert bad.status_code == 422 and bad.json()["error"]["field_violations"][0]["field"] == "opportunity.amount.currency"
    assert disqualified.status_code == 409
    assert client.post("/v1/leads/nope:convert", json={}, headers=sales).status_code == 404


def test_assignment_rules_are_for_admins(client, sales, as_role):
    admin = as_role("admin")
    rule = {"name": "DACH", "priority": 1, "countries": ["DE", "AT"], "members": ["ana", "ion"], "team": "central"}

    refused = client.post("/v1/lead-assignment-rules", json=rule, headers=sales)
    created = client.post("/v1/lead-assignment-rules", json=rule, headers=admin)
    listed = client.get("/v1/lead-assignment-rules", headers=sales)
    deleted = client.delete(f"/v1/lead-assignment-rules/{created.json()['id']}", headers=admin)

    assert refused.status_code == 403
    assert created.status_code == 201 and created.json()["countries"] == ["DE", "AT"]
    assert [r["name"] for r in listed.json()["rules"]] == ["DACH"]
    assert deleted.status_code == 204
    assert client.delete(f"/v1/lead-assignment-rules/{created.json()['id']}", headers=admin).status_code == 404


def test_lead_status_words_follow_the_contract():
    assert sales_pb2.LeadStatus.Name(5) == "LEAD_STATUS_CONVERTED"
