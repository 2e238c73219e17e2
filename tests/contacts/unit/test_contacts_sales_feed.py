"""The sales feed's plain rules: who buys a won deal, how its products add up, and the dossier lines."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.protobuf import json_format

from crm.sales.v1 import events_pb2, sales_pb2
from crm_chassis.envelope import InboundEvent
from crm_contacts.domain import sales_feed
from crm_contacts.domain.custom_fields import Money
from crm_contacts.domain.sales_feed import Deal, DealContact, DealProduct
from crm_contacts.entrypoints import sales_mappers


def test_lines_of_one_product_add_up_and_a_nameless_line_is_named_by_its_id():
    deal = Deal("o-1", "Pumps", products=(DealProduct("a", "Pump", 2), DealProduct("b", " ", 0), DealProduct("a", "Pump XL", 3)))
    assert deal.bought() == {"a": DealProduct("a", "Pump", 5), "b": DealProduct("b", "b", 1)}
    assert deal.product_source == "sales:opportunity:o-1"


def test_decision_makers_come_first_among_the_buyers_and_persons_are_named_once():
    deal = Deal("o-1", "Pumps", contacts=(DealContact("p1"), DealContact("p2", True), DealContact("p1", True), DealContact("")))
    assert deal.person_ids == ("p1", "p2")
    assert deal.buyer_candidates() == ("p2", "p1")


def test_dossier_lines():
    deal = Deal("o-1", "Pumps", amount=Money(1_250, "EUR"), products=(DealProduct("a", "Pump", 2),))
    assert sales_feed.opportunity_created(deal) == "Opportunity “Pumps” created (12.50 EUR)"
    assert sales_feed.opportunity_won(deal) == "Opportunity “Pumps” won (12.50 EUR): 2 × Pump"
    assert sales_feed.opportunity_lost(Deal("o-2", ""), "", "") == "Opportunity “o-2” lost"
    assert sales_feed.stage_changed(deal, "forward", "Offer", 70) == "Opportunity “Pumps” moved forward to Offer (70 %)"
    assert sales_feed.order_placed("", Money(100, "JPY"), []) == "Order placed (100 JPY)"
    assert sales_feed.lead_converted("", "") == "Converted from a sales lead"


def test_a_won_deal_is_never_bought_in_the_future():
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    o = sales_pb2.Opportunity(id="o-1", name="Pumps")
    o.close_time.FromDatetime(tomorrow)
    message = events_pb2.OpportunityWon(opportunity=o)
    event = InboundEvent.decode(json_format.MessageToDict(message), {"id": "e-1"}, events_pb2.OpportunityWon, "sales")
    assert sales_mappers.opportunity_won(event).won_on == datetime.now(UTC).date()
