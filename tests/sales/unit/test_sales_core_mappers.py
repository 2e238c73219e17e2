"""Protobuf mapping of the core: requests to domain values and back, events as other services read them."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from google.protobuf import json_format

from crm.sales.v1 import sales_pb2 as pb
from crm_chassis.errors import InvalidArgument
from crm_sales.adapters import messages
from crm_sales.domain import events, opportunities
from crm_sales.domain.opportunities import Contact, Product
from crm_sales.domain.pipelines import StageSpec, new_pipeline
from crm_sales.entrypoints import mappers

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_unknown_enum_values_are_refused_naming_the_field():
    with pytest.raises(InvalidArgument) as caught:
        mappers.lead_data(pb.Lead(family_name="Pop", status=99))
    assert [v.field for v in caught.value.violations] == ["lead.status"]
    assert mappers.lead_data(pb.Lead(family_name="Pop")).status == "new"
    assert mappers.lead_data(pb.Lead(rating=pb.LEAD_RATING_WARM), status_default="").rating == "warm"


def test_an_opportunity_request_becomes_domain_values_and_back():
    request = pb.Opportunity(
        name="Deal", amount=pb.Money(amount_minor=1000, currency="eur"), expected_close_date="2026-05-01",
        products=[pb.OpportunityProduct(product_id="p", name="P", quantity=2, unit_price=pb.Money(amount_minor=500, currency="eur"))],
        contacts=[pb.OpportunityContact(person_id="x", role=pb.CONTACT_ROLE_INFLUENCER), pb.OpportunityContact(person_id="y", role=7)],
    )
    data = mappers.opportunity_data(request)
    assert data.products == (Product("p", "P", 2, 500, "EUR"),)
    assert data.contacts == (Contact("x", "influencer"), Contact("y", ""))  # the domain names the bad role's field
    pipeline = new_pipeline("P", [StageSpec("", "A", 20, 3)], True, NOW)
    with pytest.raises(InvalidArgument) as caught:
        opportunities.new_opportunity(data, pipeline, ("alice", "", ""), NOW)
    assert [v.field for v in caught.value.violations] == ["opportunity.contacts[1].role"]
    opp = opportunities.new_opportunity(mappers.opportunity_data(pb.Opportunity(
        name="Deal", amount=pb.Money(amount_minor=1000, currency="EUR"), expected_close_date="2026-05-01")), pipeline, ("alice", "n", "ro"), NOW)
    out = messages.opportunity(opp)
    assert (out.amount.amount_minor, out.amount.currency, out.expected_close_date, out.probability) == (1000, "EUR", "2026-05-01", 20)
    assert out.status == pb.OPPORTUNITY_STATUS_OPEN and not out.HasField("competitor_price") and not out.HasField("close_time")
    assert opp.expected_close_date == date(2026, 5, 1)


def test_stage_changed_event_is_proto3_json_with_the_history_row():
    pipeline = new_pipeline("P", [StageSpec("", "A", 20, 3), StageSpec("", "B", 60, 3)], True, NOW)
    opp = opportunities.new_opportunity(opportunities.OpportunityData(name="D", currency="EUR"), pipeline, ("alice", "", ""), NOW)
    change = opp.move_to(pipeline, pipeline.stages[1].id, NOW, "alice")
    out = messages.outbound(events.OpportunityStageChanged(opp, change))
    assert (out.event_type, out.message_type, out.aggregate_type, out.aggregate_id) == (
        "OpportunityStageChanged", "crm.sales.v1.OpportunityStageChanged", "opportunity", opp.id)
    body = json_format.MessageToDict(out.message)
    assert body["change"]["kind"] == "STAGE_CHANGE_KIND_FORWARD" and body["change"]["fromStageId"] == pipeline.stages[0].id
    assert body["opportunity"]["probability"] == 60
    with pytest.raises(TypeError):
        messages.outbound(object())
