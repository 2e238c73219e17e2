"""Stage rules, lead assignment and opportunity invariants, in plain Python with hand-made examples."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from crm_chassis.errors import FailedPrecondition, InvalidArgument
from crm_sales.domain import events, leads, opportunities, pipelines
from crm_sales.domain.leads import LeadData
from crm_sales.domain.opportunities import Contact, OpportunityData, Product
from crm_sales.domain.pipelines import StageSpec

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SPECS = [StageSpec("", "Prospect", 10, 14), StageSpec("", "Proposal", 40, 21), StageSpec("", "Negotiation", 70, 14)]


def fields(exc: InvalidArgument) -> set[str]:
    return {v.field for v in exc.violations}


def pipeline():
    return pipelines.new_pipeline("Default", SPECS, True, NOW)


def test_a_pipeline_numbers_its_stages_in_order():
    p = pipeline()
    assert [(s.name, s.position, s.probability) for s in p.stages] == [("Prospect", 1, 10), ("Proposal", 2, 40), ("Negotiation", 3, 70)]
    assert p.first_stage.name == "Prospect"


def test_every_bad_stage_is_reported_at_once():
    bad = [StageSpec("", "A", 50, 5), StageSpec("", "a", 20, -1), StageSpec("", "", 101, 4000)]
    with pytest.raises(InvalidArgument) as caught:
        pipelines.new_pipeline(" ", bad, False, NOW)
    assert fields(caught.value) == {
        "pipeline.name", "pipeline.stages[1].name", "pipeline.stages[1].probability", "pipeline.stages[1].expected_days",
        "pipeline.stages[2].name", "pipeline.stages[2].probability", "pipeline.stages[2].expected_days",
    }


def test_moves_forward_and_backward_are_told_apart():
    p = pipeline()
    first, second, third = (s.id for s in p.stages)
    assert pipelines.move_kind(p, first, third) == pipelines.FORWARD
    assert pipelines.move_kind(p, third, second) == pipelines.BACKWARD
    with pytest.raises(FailedPrecondition):
        pipelines.move_kind(p, second, second)
    with pytest.raises(InvalidArgument) as caught:
        pipelines.move_kind(p, second, "no-such-stage")
    assert fields(caught.value) == {"stage_id"}


def test_a_stage_with_open_deals_cannot_be_removed_but_others_can():
    p = pipeline()
    first, second, third = p.stages
    keep = [StageSpec(first.id, "Prospect", 10, 14), StageSpec(third.id, "Negotiation", 70, 10)]
    with pytest.raises(FailedPrecondition):
        pipelines.revise_pipeline(p, "Default", keep, {second.id}, NOW)
    pipelines.revise_pipeline(p, "Default", keep + [StageSpec("", "Contract", 90, 7)], set(), NOW)
    assert [(s.name, s.position) for s in p.stages] == [("Prospect", 1), ("Negotiation", 2), ("Contract", 3)]
    assert p.stages[1].id == third.id and p.stages[1].expected_days == 10
    assert [s.id for s in p.retired] == [second.id] and not p.retired[0].active


def make_opportunity(**overrides):
    data = replace(OpportunityData(name="Pumps for Acme", amount_minor=1_250_000, currency="eur", expected_close_date="2026-06-30"), **overrides)
    return opportunities.new_opportunity(data, pipeline_for_opps, ("alice", "north", "ro"), NOW)


pipeline_for_opps = pipeline()


def test_a_new_opportunity_starts_in_the_first_stage_with_its_probability_and_history():
    opp = make_opportunity()
    assert (opp.status, opp.stage_id, opp.probability, opp.currency) == ("open", pipeline_for_opps.stages[0].id, 10, "EUR")
    assert [(c.kind, c.stage_id, c.amount_minor) for c in opp.new_changes] == [("created", opp.stage_id, 1_250_000)]
    assert isinstance(opp.events[0], events.OpportunityCreated)


def test_the_amount_defaults_to_the_sum_of_the_products():
    # 3 × 199.99 + 2 × 50.00 = 599.97 + 100.00 = 699.97 EUR
    opp = make_opportunity(amount_minor=0, products=(Product("p1", "Pump", 3, 19_999, "EUR"), Product("p2", "Seal", 2, 5_000, "EUR")))
    assert opp.amount_minor == 69_997


def test_bad_money_dates_products_and_contacts_are_reported_together():
    with pytest.raises(InvalidArgument) as caught:
        make_opportunity(
            name="", amount_minor=-5, currency="EUX", expected_close_date="2099-01-01",
            products=(Product("", "x", 0, 100, "USD"),), contacts=(Contact("p", "boss"), Contact("p", "user")),
        )
    assert fields(caught.value) == {
        "opportunity.name", "opportunity.amount.amount_minor", "opportunity.amount.currency", "opportunity.expected_close_date",
        "opportunity.products[0].product_id", "opportunity.products[0].quantity", "opportunity.products[0].unit_price.currency",
        "opportunity.contacts[0].role", "opportunity.contacts[1].person_id",
    }


def test_amounts_above_the_documented_maximum_are_refused_naming_the_field():
    with pytest.raises(InvalidArgument) as caught:
        make_opportunity(amount_minor=10**15)
    assert fields(caught.value) == {"opportunity.amount.amount_minor"}
    with pytest.raises(InvalidArgument) as caught:
        # 2,000,000 × 600,000,000,000 minor units overflows the maximum although each factor is fine
        make_opportunity(amount_minor=1, products=(Product("p", "x", 2_000_000, 600_000_000_000, "EUR"),))
    assert fields(caught.value) == {"opportunity.products[0].quantity"}


def test_close_dates_from_a_year_back_to_ten_years_ahead():
    problems = opportunities.Violations()
    today = date(2026, 3, 2)
    assert opportunities.parse_close_date("2025-03-01", today, problems, "d") == date(2025, 3, 1)
    assert opportunities.parse_close_date("2036-03-01", today, problems, "d") == date(2036, 3, 1)
    assert not problems
    for bad in ("2025-02-28", "2036-03-03", "2026-02-30", "02/03/2026"):
        problems = opportunities.Violations()
        assert opportunities.parse_close_date(bad, today, problems, "d") is None and problems


def test_moving_closing_and_reopening_record_each_step():
    opp = make_opportunity()
    opp.new_changes.clear()
    first, second, third = (s.id for s in pipeline_for_opps.stages)
    later = NOW + timedelta(days=3)
    opp.move_to(pipeline_for_opps, third, later, "alice")
    opp.move_to(pipeline_for_opps, second, later + timedelta(days=1), "alice")
    assert opp.probability == 40 and opp.stage_entered_at == later + timedelta(days=1)
    won = opportunities.CloseReason("r1", "won", "price", "Best price", True, NOW)
    opp.close("won", won, "", "", None, later + timedelta(days=2), "alice")
    assert (opp.status, opp.probability, opp.closed_at) == ("won", 100, later + timedelta(days=2))
    with pytest.raises(FailedPrecondition):
        opp.move_to(pipeline_for_opps, first, later, "alice")
    opp.reopen(pipeline_for_opps, "", later + timedelta(days=5), "bob")
    assert (opp.status, opp.stage_id, opp.probability, opp.closed_at) == ("open", second, 40, None)
    assert [(c.kind, c.status, c.from_stage_id, c.stage_id) for c in opp.new_changes] == [
        ("forward", "open", first, third), ("backward", "open", third, second), ("won", "won", second, second),
        ("reopened", "open", second, second),
    ]
    assert [type(e).__name__ for e in opp.events][1:] == [
        "OpportunityStageChanged", "OpportunityStageChanged", "OpportunityStageChanged", "OpportunityWon",
        "OpportunityStageChanged", "OpportunityReopened",
    ]


def test_close_checks_reason_kind_and_competitor_rules():
    lost = opportunities.CloseReason("r2", "lost", "price", "Too expensive", True, NOW)
    with pytest.raises(InvalidArgument) as caught:
        opportunities.check_close("won", lost, "x" * 2001, "comp-1", (-1, "EUR"))
    assert fields(caught.value) == {"reason_id", "note", "lost_to_competitor_id", "competitor_price.amount_minor"}
    opportunities.check_close("lost", lost, "", "comp-1", (990_000, "EUR"))
    with pytest.raises(InvalidArgument) as caught:
        opportunities.check_close("lost", opportunities.CloseReason("r3", "lost", "x", "x", False, NOW), "", "", None)
    assert fields(caught.value) == {"reason_id"}


def test_merging_keeps_the_survivors_own_role():
    opp = make_opportunity(contacts=(Contact("a", "user"), Contact("b", "decision_maker"), Contact("c", "influencer")))
    assert opp.repoint_person({"a", "c"}, "b", NOW)
    assert opp.contacts == [Contact("b", "decision_maker")]
    opp = make_opportunity(contacts=(Contact("a", "user"), Contact("c", "influencer")))
    opp.repoint_person({"a", "c"}, "s", NOW)
    assert opp.contacts == [Contact("s", "influencer")]  # the strongest of the merged roles
    assert opp.forget_person("s", NOW) and opp.contacts == []
    assert not opp.forget_person("s", NOW)


# --- leads and assignment ---------------------------------------------------------------------


def rule(name, priority, countries=(), industries=(), owner="", members=(), team=""):
    return leads.new_rule(name, priority, list(countries), list(industries), owner, list(members), team, "", NOW)


def test_the_first_matching_rule_by_priority_assigns_round_robin_within_its_team():
    rules = [
        rule("catch-all", 100, owner="dispatcher"),
        rule("ro-software", 10, countries=["ro"], industries=["Software"], members=["ana", "ion", "eva"], team="ro-team"),
        rule("ro", 20, countries=["RO"], owner="maria", team="ro-team"),
    ]
    picks = []
    for _ in range(4):
        r = leads.first_matching(rules, "RO", "software")
        picks.append(leads.new_lead(LeadData(family_name="Pop"), "creator", "c-team", "c-terr", NOW, rule=r).data.owner)
    assert picks == ["ana", "ion", "eva", "ana"]
    ro = leads.new_lead(LeadData(family_name="Pop", country="ro", industry="Retail"), "creator", "c-team", "c-terr", NOW,
                        rule=leads.first_matching(rules, "RO", "Retail"))
    assert (ro.data.owner, ro.data.team, ro.data.territory, ro.data.country) == ("maria", "ro-team", "c-terr", "RO")
    de = leads.first_matching(rules, "DE", "Software")
    assert de.name == "catch-all"


def test_an_explicit_owner_wins_over_the_rules_and_the_creator_is_the_fallback():
    lead = leads.new_lead(LeadData(company="Acme", owner="bob"), "alice", "north", "ro", NOW, rule=None)
    assert (lead.data.owner, lead.data.team, lead.data.territory, lead.data.source, lead.data.status) == ("bob", "north", "ro", "manual", "new")


def test_lead_validation_reports_everything_and_normalises():
    with pytest.raises(InvalidArgument) as caught:
        leads.new_lead(LeadData(email="not-an-email", phone="12", country="XX", rating="lukewarm", status="converted"), "a", "", "", NOW)
    assert fields(caught.value) == {"lead.email", "lead.phone", "lead.country", "lead.rating", "lead.status", "lead.family_name"}
    ok = leads.new_lead(LeadData(family_name="Pop", email="Ana.Pop@EXAMPLE.com", phone="+40 721 234 567", country="ro"), "a", "", "", NOW)
    assert (ok.data.email, ok.data.phone, ok.data.country) == ("Ana.Pop@example.com", "+40721234567", "RO")


def test_rule_validation():
    with pytest.raises(InvalidArgument) as caught:
        leads.new_rule("", -1, ["ZZ"], [""], "", [], "", "", NOW)
    assert fields(caught.value) == {"rule.name", "rule.priority", "rule.countries[0]", "rule.industries[0]", "rule.owner"}
    with pytest.raises(InvalidArgument) as caught:
        leads.new_rule("x", 1, [], [], "", ["a", "a"], "", "", NOW)
    assert fields(caught.value) == {"rule.members[1]"}


def test_lead_status_rules():
    lead = leads.new_lead(LeadData(family_name="Pop"), "a", "", "", NOW)
    later = NOW + timedelta(days=1)
    with pytest.raises(InvalidArgument) as caught:
        lead.update(LeadData(status="disqualified"), ("status",), later)
    assert fields(caught.value) == {"lead.disqualify_reason"}
    lead.update(LeadData(status="disqualified", disqualify_reason="no budget"), ("status", "disqualify_reason"), later)
    assert lead.last_activity_at == later
    with pytest.raises(FailedPrecondition):
        lead.convert("p", "", "", later)
    lead.update(LeadData(status="qualified"), ("status",), later)
    assert lead.data.disqualify_reason == ""
    lead.convert("p", "a", "o", later)
    with pytest.raises(FailedPrecondition):
        lead.update(LeadData(notes="x"), ("notes",), later)


def test_neglect_cutoff():
    assert leads.neglect_cutoff(7, NOW) == NOW - timedelta(days=7)
    with pytest.raises(InvalidArgument):
        leads.neglect_cutoff(0, NOW)
