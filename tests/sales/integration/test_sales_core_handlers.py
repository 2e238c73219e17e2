"""The core use cases against a real database, both backends: leads, conversion, opportunities, history, access."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sales_support import ADMIN, ALICE, BOB, CAROL, counts, outbox_types

from crm_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from crm_sales.adapters import orm
from crm_sales.domain.leads import LeadData
from crm_sales.domain.opportunities import Contact, OpportunityData, Product
from crm_sales.domain.pipelines import StageSpec
from crm_sales.service_layer import handlers

STAGES = [StageSpec("", "Prospect", 10, 14), StageSpec("", "Proposal", 40, 21), StageSpec("", "Negotiation", 70, 14)]


def fields(exc) -> set[str]:
    return {v.field for v in exc.violations}


@pytest.fixture
def pipeline(app):
    return handlers.create_pipeline(app.uow(), "Standard", STAGES, False)


@pytest.fixture
def reasons(app):
    won = handlers.create_close_reason(app.uow(), "won", "fit", "Best fit")
    lost = handlers.create_close_reason(app.uow(), "lost", "price", "Too expensive")
    return won, lost


def deal(**overrides) -> OpportunityData:
    values = dict(name="Pumps", amount_minor=500_000, currency="EUR", products=(Product("prod-1", "Pump", 2, 250_000, "EUR"),))
    return OpportunityData(**(values | overrides))


def test_first_pipeline_becomes_the_default_and_names_are_unique(app, pipeline):
    assert pipeline.is_default
    second = handlers.create_pipeline(app.uow(), "Partners", STAGES[:1], False)
    assert not second.is_default
    with pytest.raises(AlreadyExists):
        handlers.create_pipeline(app.uow(), "standard", STAGES, False)
    moved = handlers.update_pipeline(app.uow(), second.id, "Partners", [StageSpec(second.stages[0].id, "Intro", 5, 3)], True)
    assert moved.is_default and not handlers.get_pipeline(app.uow(), pipeline.id).is_default
    assert [s.name for s in handlers.get_pipeline(app.uow(), second.id).stages] == ["Intro"]


def test_assignment_rules_share_new_leads_round_robin(app):
    handlers.create_assignment_rule(app.uow(), "RO software", 1, ["RO"], ["Software"], "", ["ana", "ion"], "ro-team", "ro")
    handlers.create_assignment_rule(app.uow(), "rest", 9, [], [], "dispatch", [], "", "")
    owners = [handlers.create_lead(app.uow(), LeadData(company=f"C{i}", country="RO", industry="software"), ALICE).data.owner for i in range(3)]
    assert owners == ["ana", "ion", "ana"]
    other = handlers.create_lead(app.uow(), LeadData(company="D", country="DE"), ALICE)
    assert (other.data.owner, other.data.team) == ("dispatch", "north")  # the rule names no team: the creator's


def test_lead_access_by_owner_team_and_territory(app):
    lead = handlers.create_lead(app.uow(), LeadData(family_name="Pop"), ALICE)
    assert handlers.get_lead(app.uow(), lead.id, CAROL).id == lead.id  # same team: her manager sees it
    assert handlers.get_lead(app.uow(), lead.id, ADMIN).id == lead.id
    with pytest.raises(NotFound):
        handlers.get_lead(app.uow(), lead.id, BOB)
    with pytest.raises(NotFound):
        handlers.update_lead(app.uow(), lead.id, LeadData(notes="x"), ("notes",), BOB)
    assert handlers.list_leads(app.uow(), BOB, 10, "")[0] == []


def test_update_lead_validates_everything_and_writes_nothing_on_error(app):
    lead = handlers.create_lead(app.uow(), LeadData(family_name="Pop"), ALICE)
    before = counts(app.engine)
    with pytest.raises(InvalidArgument) as caught:
        handlers.update_lead(app.uow(), lead.id, LeadData(email="bad", country="QQ", given_name="x"), ("email", "country", "bogus"), ALICE)
    assert fields(caught.value) == {"update_mask"}
    with pytest.raises(InvalidArgument) as caught:
        handlers.update_lead(app.uow(), lead.id, LeadData(email="bad", country="QQ"), ("email", "country"), ALICE)
    assert fields(caught.value) == {"lead.email", "lead.country"}
    assert counts(app.engine) == before
    updated = handlers.update_lead(app.uow(), lead.id, LeadData(rating="hot", status="working"), ("rating", "status"), ALICE)
    assert (updated.data.rating, updated.data.status) == ("hot", "working")
    assert outbox_types(app.engine)[-1] == "LeadUpdated"


def test_import_is_all_or_nothing_and_reports_every_bad_row(app):
    bad = b"family_name,email,country\nPop,ana@example.com,RO\n,bad,XX\nIon,ion@example.com,DE\n"
    before = counts(app.engine)
    with pytest.raises(InvalidArgument) as caught:
        handlers.import_leads(app.uow(), bad, "fair", ALICE)
    assert fields(caught.value) == {"csv.rows[2].email", "csv.rows[2].country", "csv.rows[2].family_name"}
    assert counts(app.engine) == before
    with pytest.raises(InvalidArgument) as caught:
        handlers.import_leads(app.uow(), b"surname\nPop\n", "", ALICE)
    assert fields(caught.value) == {"csv.header"}
    good = b"external_id,family_name,company,source\nx1,Pop,Acme,\nx2,Ion,,web\n"
    made = handlers.import_leads(app.uow(), good, "fair", ALICE)
    assert [(x.data.family_name, x.data.source) for x in made] == [("Pop", "fair"), ("Ion", "web")]
    assert handlers.import_leads(app.uow(), good, "fair", ALICE) == []  # sent again: nothing new


def test_neglected_leads_are_the_open_ones_without_recent_activity(app):
    old = handlers.create_lead(app.uow(), LeadData(family_name="Old"), ALICE)
    handlers.create_lead(app.uow(), LeadData(family_name="Fresh"), ALICE)
    dropped = handlers.create_lead(app.uow(), LeadData(family_name="Dropped", status="disqualified", disqualify_reason="no budget"), ALICE)
    with app.engine.begin() as conn:
        conn.execute(sa.update(orm.leads).where(orm.leads.c.id.in_([old.id, dropped.id]))
                     .values(last_activity_at=old.last_activity_at - timedelta(days=30)))
    found, token = handlers.list_neglected_leads(app.uow(), ALICE, 14, 10, "")
    assert [x.id for x in found] == [old.id] and token == ""
    assert handlers.list_neglected_leads(app.uow(), BOB, 14, 10, "")[0] == []
    handlers.update_lead(app.uow(), old.id, LeadData(notes="called"), ("notes",), ALICE)  # activity
    assert handlers.list_neglected_leads(app.uow(), ALICE, 14, 10, "")[0] == []


def test_conversion_creates_person_account_and_opportunity_once(app, contacts, pipeline):
    lead = handlers.create_lead(app.uow(), LeadData(given_name="Ana", family_name="Pop", company="Acme", title="CTO"), ALICE)
    cmd = handlers.ConvertLead(lead.id, create_account=True, opportunity=deal())
    done = handlers.convert_lead(app.uow, contacts, cmd, ALICE, "token")
    assert done.lead.data.status == "converted" and done.opportunity.lead_id == lead.id
    assert done.opportunity.account_id == done.account_id and done.opportunity.contacts == [Contact(done.person_id, "decision_maker")]
    assert (len(contacts.persons), len(contacts.accounts), contacts.links) == (1, 1, [(done.person_id, done.account_id)])
    again = handlers.convert_lead(app.uow, contacts, cmd, ALICE, "token")
    assert (again.person_id, again.opportunity.id) == (done.person_id, done.opportunity.id)
    assert (len(contacts.persons), len(contacts.accounts)) == (1, 1)
    assert sorted(outbox_types(app.engine)[-2:]) == ["LeadConverted", "OpportunityCreated"]


def test_a_retry_after_a_failure_half_way_creates_no_second_person_or_account(app, contacts, pipeline):
    lead = handlers.create_lead(app.uow(), LeadData(family_name="Pop", company="Acme"), ALICE)
    cmd = handlers.ConvertLead(lead.id, create_account=True, opportunity=deal())
    contacts.fail_on = "link"
    with pytest.raises(FailedPrecondition):
        handlers.convert_lead(app.uow, contacts, cmd, ALICE, "token")
    assert handlers.get_lead(app.uow(), lead.id, ALICE).data.status == "new"
    assert counts(app.engine)["opportunities"] == 0
    contacts.fail_on = None
    done = handlers.convert_lead(app.uow, contacts, cmd, ALICE, "token")
    assert (len(contacts.persons), len(contacts.accounts), len(contacts.links)) == (1, 1, 1)
    assert done.lead.person_id in contacts.persons and done.account_id in contacts.accounts


def test_conversion_checks_the_opportunity_before_calling_contacts(app, contacts, pipeline):
    lead = handlers.create_lead(app.uow(), LeadData(family_name="Pop"), ALICE)
    with pytest.raises(InvalidArgument) as caught:
        handlers.convert_lead(app.uow, contacts, handlers.ConvertLead(lead.id, create_account=True, opportunity=deal(currency="XXY")),
                              ALICE, "t")
    assert fields(caught.value) == {"create_account", "opportunity.amount.currency", "opportunity.products[0].unit_price.currency"}
    assert contacts.persons == {}
    with pytest.raises(NotFound):
        handlers.convert_lead(app.uow, contacts, handlers.ConvertLead(lead.id), BOB, "t")
    with pytest.raises(NotFound):
        handlers.convert_lead(app.uow, contacts, handlers.ConvertLead(lead.id, person_id="someone-else"), ALICE, "t")
    assert handlers.get_lead(app.uow(), lead.id, ALICE).data.status == "new"


def test_conversion_into_an_existing_person_and_account(app, contacts, pipeline):
    contacts.persons["p-9"] = {}
    contacts.accounts["a-9"] = {}
    lead = handlers.create_lead(app.uow(), LeadData(family_name="Pop", company="Acme"), ALICE)
    done = handlers.convert_lead(app.uow, contacts, handlers.ConvertLead(lead.id, person_id="p-9", account_id="a-9", opportunity=None), ALICE, "t")
    assert (done.person_id, done.account_id, done.opportunity, contacts.links) == ("p-9", "a-9", None, [("p-9", "a-9")])
    assert done.lead.data.status == "converted" and len(contacts.persons) == 1


def test_stage_history_with_backward_moves_and_closing(app, pipeline, reasons):
    won, lost = reasons
    opp = handlers.create_opportunity(app.uow(), deal(), ALICE)
    first, second, third = (s.id for s in pipeline.stages)
    handlers.move_opportunity_stage(app.uow(), opp.id, third, ALICE)
    handlers.move_opportunity_stage(app.uow(), opp.id, second, ALICE)
    with pytest.raises(InvalidArgument) as caught:
        handlers.close_opportunity(app.uow(), opp.id, "won", lost.id, "", "", None, ALICE)
    assert fields(caught.value) == {"reason_id"}
    closed = handlers.close_opportunity(app.uow(), opp.id, "lost", lost.id, "went cheaper", "comp-9", (450_000, "EUR"), ALICE)
    assert (closed.status, closed.probability, closed.competitor_price_minor, closed.lost_to_competitor_id) == ("lost", 0, 450_000, "comp-9")
    with pytest.raises(FailedPrecondition):
        handlers.move_opportunity_stage(app.uow(), opp.id, first, ALICE)
    history = handlers.list_stage_history(app.uow(), opp.id, CAROL)
    assert [(c.kind, c.stage_id, c.status) for c in history] == [
        ("created", first, "open"), ("forward", third, "open"), ("backward", second, "open"), ("lost", second, "lost"),
    ]
    assert all(a.left_at == b.entered_at for a, b in zip(history, history[1:], strict=False)) and history[-1].left_at is None
    assert outbox_types(app.engine)[-2:] == ["OpportunityStageChanged", "OpportunityLost"]
    with pytest.raises(NotFound):
        handlers.list_stage_history(app.uow(), opp.id, BOB)
    reopened = handlers.reopen_opportunity(app.uow(), opp.id, "", ALICE)
    assert (reopened.status, reopened.stage_id, reopened.competitor_price_minor) == ("open", second, None)
    handlers.close_opportunity(app.uow(), opp.id, "won", won.id, "", "", None, ALICE)
    assert outbox_types(app.engine)[-1] == "OpportunityWon"


def test_invalid_moves_and_updates_write_nothing(app, pipeline):
    other = handlers.create_pipeline(app.uow(), "Other", STAGES[:1], False)
    opp = handlers.create_opportunity(app.uow(), deal(), ALICE)
    before = counts(app.engine)
    with pytest.raises(InvalidArgument) as caught:
        handlers.move_opportunity_stage(app.uow(), opp.id, other.stages[0].id, ALICE)
    assert fields(caught.value) == {"stage_id"}
    with pytest.raises(InvalidArgument) as caught:
        handlers.update_opportunity(app.uow(), opp.id, OpportunityData(amount_minor=-1, currency="EUR", expected_close_date="1999-01-01"),
                                    ("amount", "expected_close_date"), ALICE)
    assert fields(caught.value) == {"opportunity.amount.amount_minor", "opportunity.expected_close_date"}
    with pytest.raises(NotFound):
        handlers.move_opportunity_stage(app.uow(), opp.id, pipeline.stages[1].id, BOB)
    assert counts(app.engine) == before


def test_a_stage_with_open_opportunities_stays(app, pipeline):
    handlers.create_opportunity(app.uow(), deal(), ALICE)
    first, second, third = pipeline.stages
    with pytest.raises(FailedPrecondition):
        handlers.update_pipeline(app.uow(), pipeline.id, "Standard", [StageSpec(second.id, "Proposal", 40, 21)], False)
    kept = handlers.update_pipeline(app.uow(), pipeline.id, "Standard", [StageSpec(first.id, "Prospect", 10, 14)], False)
    assert [s.name for s in kept.stages] == ["Prospect"]


def test_update_and_contacts(app, pipeline):
    opp = handlers.create_opportunity(app.uow(), deal(), ALICE)
    updated = handlers.update_opportunity(app.uow(), opp.id, OpportunityData(next_step="demo", expected_close_date=""),
                                          ("next_step", "expected_close_date"), ALICE)
    assert updated.next_step == "demo"
    with_contacts = handlers.set_opportunity_contacts(app.uow(), opp.id, [Contact("p1", "decision_maker"), Contact("p2", "user")], ALICE)
    assert handlers.get_opportunity(app.uow(), opp.id, ALICE).contacts == with_contacts.contacts
    found, _ = handlers.list_opportunities(app.uow(), CAROL, 10, "", status="open")
    assert [o.id for o in found] == [opp.id]
    assert handlers.list_opportunities(app.uow(), BOB, 10, "")[0] == []


def test_person_erased_and_merged_repoint_references_once(app, contacts, pipeline):
    lead = handlers.create_lead(app.uow(), LeadData(given_name="Ana", family_name="Pop", email="ana@example.com"), ALICE)
    done = handlers.convert_lead(app.uow, contacts, handlers.ConvertLead(lead.id, opportunity=deal()), ALICE, "t")
    person = done.person_id
    handlers.set_opportunity_contacts(app.uow(), done.opportunity.id, [Contact(person, "decision_maker"), Contact("dup", "user")], ALICE)
    assert handlers.persons_merged(app.uow(), "survivor", [person, "dup"], "c", "evt-1") == 2
    assert handlers.persons_merged(app.uow(), "survivor", [person, "dup"], "c", "evt-1") == 0  # redelivered
    opp = handlers.get_opportunity(app.uow(), done.opportunity.id, ALICE)
    assert opp.contacts == [Contact("survivor", "decision_maker")]
    assert handlers.get_lead(app.uow(), lead.id, ALICE).person_id == "survivor"
    assert handlers.person_erased(app.uow(), "survivor", "c", "evt-2") == 2
    erased_lead = handlers.get_lead(app.uow(), lead.id, ALICE)
    assert (erased_lead.data.given_name, erased_lead.data.family_name, erased_lead.data.email, erased_lead.person_id) == ("", "", "", "")
    assert handlers.get_opportunity(app.uow(), done.opportunity.id, ALICE).contacts == []


def test_marketing_responses_become_leads_once(app):
    data = LeadData(given_name="Ana", family_name="Pop", country="RO")
    lead = handlers.lead_from_marketing_response(app.uow(), "e1", "resp-1", "camp-1", "", data, "c")
    assert (lead.data.source, lead.data.campaign_id, lead.data.owner) == ("marketing", "camp-1", "service:marketing")
    assert handlers.lead_from_marketing_response(app.uow(), "e1", "resp-1", "camp-1", "", data, "c") is None
    assert handlers.lead_from_marketing_response(app.uow(), "e2", "resp-1", "camp-1", "", data, "c") is None  # same response, new id
    assert counts(app.engine)["leads"] == 1


def test_lists_page_through_everything_once(app, pipeline):
    made = [handlers.create_lead(app.uow(), LeadData(family_name=f"L{i}"), ALICE).id for i in range(5)]
    seen, token = [], ""
    while True:
        page, token = handlers.list_leads(app.uow(), ALICE, 2, token)
        seen += [x.id for x in page]
        if not token:
            break
    assert seen == made
    opps = [handlers.create_opportunity(app.uow(), deal(name=f"D{i}"), ALICE).id for i in range(3)]
    first, token = handlers.list_opportunities(app.uow(), ALICE, 2, "")
    rest, end = handlers.list_opportunities(app.uow(), ALICE, 2, token)
    assert [o.id for o in first + rest] == opps and end == ""
    with pytest.raises(InvalidArgument):
        handlers.list_leads(app.uow(), ALICE, 2, "not-a-token")
